package main

// listenSeeds returns daemon configurations for the NSListen target: "<4|6>
// [s|d] <ifname|-> <address|->" (see dhcpfuzz.NSListen), over the interfaces
// of its namespace (dfz-srv0, lo, dfz-nomc0 without multicast) and ones it
// does not have.
func listenSeeds() []seed {
	var out []seed
	for _, s := range []struct{ text, note string }{
		{"4 - -", "server4 defaults: every interface, 0.0.0.0:67"},
		{"4s dfz-srv0 -", "server4 bound to the veth end"},
		{"4d dfz-srv0 0.0.0.0:67", "server4 on the veth end, explicit wildcard"},
		{"4 lo 127.0.0.1:6767", "server4 on loopback, another port"},
		{"4 - 10.77.0.1:0", "server4 on the veth address, a kernel-chosen port"},
		{"4 - 203.0.113.1:67", "server4 on an address the namespace does not have"},
		{"4 nosuch0 -", "server4 on an interface the namespace does not have"},
		{"4 dfz-srv0 [::1]:67", "server4 given an IPv6 address"},
		{"4 dfz-nomc0 255.255.255.255:67", "server4 on the limited broadcast address"},
		{"6 - -", "server6 defaults: [::]:547, joining ff02::1:2 and ff05::1:3"},
		{"6s dfz-srv0 -", "server6 bound to the veth end, joining both groups there"},
		{"6d dfz-srv0 [ff02::1:2]:547", "server6 on the All_DHCP_Relay_Agents_and_Servers group"},
		{"6 dfz-srv0 [::]:5547", "server6 on another port: no groups joined"},
		{"6 dfz-nomc0 -", "server6 joining groups on an interface without multicast"},
		{"6 dfz-nomc0 [ff05::1:3]:547", "server6 on All_DHCP_Servers on an interface without multicast"},
		{"6 - [fe80::77:1%2]:547", "server6 on the veth end's link-local address, zone by index"},
		{"6 lo [::1]:0", "server6 on loopback, a kernel-chosen port"},
		{"6 nosuch0 -", "server6 on an interface the namespace does not have"},
		{"6 - [2001:db8:99::1]:547", "server6 on an address the namespace does not have"},
		{"6 - 10.77.0.1:547", "server6 given an IPv4 address"},
	} {
		out = append(out, seed{[]byte(s.text), s.note})
	}
	return out
}

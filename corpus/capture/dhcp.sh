#!/usr/bin/env bash
# dhcp.sh: capture DHCPv4 and DHCPv6 exchanges between real servers and
# clients over a veth pair between two namespaces (and a relay namespace).
#
#   dfz-dhcp-s  dfz-dhs 10.67.0.1/24 fd67::1/64     the server under test
#   dfz-dhcp-c  dfz-dhc (no address until leased)   the clients
#   dfz-dhcp-r  relay: dfz-drs 10.68.0.1 / fd68::1 toward a second client
#               namespace, dfz-drc in dfz-dhcp-c2, over a second veth pair
#
# Servers, one at a time: dnsmasq (v4 + v6 + RA), Kea (kea-dhcp4,
# kea-dhcp6 with prefix delegation), ISC dhcpd (-4, -6 with prefix
# delegation), busybox udhcpd. Clients: ISC dhclient (v4, v6, PD,
# information-request, release), dhcpcd (v4, v6, PD, renew, release),
# busybox udhcpc (options, vendor class, FQDN, release). ISC dhcrelay
# relays v4 and v6 to the server (giaddr, Relay-forward/Relay-reply).
#
# No client runs a configuration script: dhclient and udhcpc get
# /bin/true, dhcpcd -c /bin/true, so nothing outside the namespaces (such
# as /etc/resolv.conf) is touched. dhcpcd keeps its lease database in
# /var/lib/dhcpcd; the files for our interfaces are removed on exit.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NSS=dfz-dhcp-s
NSC=dfz-dhcp-c
NSR=dfz-dhcp-r
NSC2=dfz-dhcp-c2
SIF=dfz-dhs
CIF=dfz-dhc

setup_net() {
	local ns
	for ns in "$NSS" "$NSC" "$NSR" "$NSC2"; do
		netns_new "$ns"
		# No duplicate address detection: link-local addresses are
		# usable at once, so DHCPv6 starts without a wait.
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
	done
	veth_pair "$NSS" "$SIF" "$NSC" "$CIF"
	ip -n "$NSS" addr add 10.67.0.1/24 dev "$SIF"
	ip -n "$NSS" addr add fd67::1/64 dev "$SIF"
	# The relay reaches the server over a second leg of the server's
	# namespace (dfz-dhs2) and serves dfz-dhcp-c2.
	veth_pair "$NSS" dfz-dhs2 "$NSR" dfz-drs
	ip -n "$NSS" addr add 10.69.0.1/24 dev dfz-dhs2
	ip -n "$NSS" addr add fd69::1/64 dev dfz-dhs2
	ip -n "$NSR" addr add 10.69.0.2/24 dev dfz-drs
	ip -n "$NSR" addr add fd69::2/64 dev dfz-drs
	ip -n "$NSS" route add 10.68.0.0/24 via 10.69.0.2
	ip -n "$NSS" route add fd68::/64 via fd69::2
	veth_pair "$NSR" dfz-drc "$NSC2" dfz-dc2
	ip -n "$NSR" addr add 10.68.0.1/24 dev dfz-drc
	ip -n "$NSR" addr add fd68::1/64 dev dfz-drc
	ip netns exec "$NSR" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	sleep 1
}

# --- clients -------------------------------------------------------------

# dhclient_conf: what ISC dhclient sends and asks for, beyond its defaults.
dhclient_conf() {
	cat >"$WORK/dhclient.conf" <<CONF
send host-name "dfz-dhclient";
send vendor-class-identifier "dfz-dhclient";
send dhcp-lease-time 300;
request subnet-mask, broadcast-address, time-offset, routers, domain-name,
	domain-name-servers, domain-search, host-name, ntp-servers, interface-mtu,
	dhcp6.name-servers, dhcp6.domain-search, dhcp6.sntp-servers;
CONF
}

# dhclient4 NS IF: DISCOVER/OFFER/REQUEST/ACK; then, with the lease on
# file, INIT-REBOOT (REQUEST for the old address); then RELEASE. dhclient
# forks once bound, so each run returns; -x stops it without a release.
dhclient4() {
	local ns=$1 ifc=$2 lf=$WORK/dhclient4-$2.leases pf=$WORK/dhclient4-$2.pid
	local args=(-4 -cf "$WORK/dhclient.conf" -sf /bin/true -lf "$lf" -pf "$pf")
	run "$ns" dhclient -1 -v "${args[@]}" "$ifc"
	run "$ns" dhclient -x "${args[@]}" "$ifc"
	run "$ns" dhclient -1 -v "${args[@]}" "$ifc"
	run "$ns" dhclient -r -v "${args[@]}" "$ifc"
}

# dhclient6 NS IF PD(0|1): SOLICIT/ADVERTISE/REQUEST/REPLY, CONFIRM on
# restart, RELEASE, INFORMATION-REQUEST, and with PD=1 the same for a
# delegated prefix alongside an address.
dhclient6() {
	local ns=$1 ifc=$2 lf=$WORK/dhclient6-$2.leases pf=$WORK/dhclient6-$2.pid
	local args=(-6 -cf "$WORK/dhclient.conf" -sf /bin/true -pf "$pf")
	run "$ns" dhclient -1 -v "${args[@]}" -lf "$lf" "$ifc"
	run "$ns" dhclient -x "${args[@]}" -lf "$lf" "$ifc"
	run "$ns" dhclient -1 -v "${args[@]}" -lf "$lf" "$ifc"
	run "$ns" dhclient -r -v "${args[@]}" -lf "$lf" "$ifc"
	run "$ns" dhclient -S -1 -v "${args[@]}" -lf "$lf.info" "$ifc"
	run "$ns" dhclient -x "${args[@]}" -lf "$lf.info" "$ifc"
	if [[ ${3:-0} == 1 ]]; then
		run "$ns" dhclient -P -N -1 -v "${args[@]}" -lf "$lf.pd" "$ifc"
		run "$ns" dhclient -r -P -N -v "${args[@]}" -lf "$lf.pd" "$ifc"
	fi
}

udhcpc4() { # NS IF
	local ns=$1 ifc=$2
	run "$ns" udhcpc -i "$ifc" -f -q -n -t 3 -T 1 -s /bin/true -R \
		-x hostname:dfz-udhcpc -F dfz-udhcpc.dhcp.test -V dfz-busybox \
		-O dns -O router -O ntpsrv -O domain -O 121 -O 249 -x 0x3d:01020304aabb
	run "$ns" udhcpc -i "$ifc" -f -q -n -t 3 -T 1 -s /bin/true -r 10.67.0.140 -B
}

dhcpcd_run() { # NS IF MODE(-4|-6) [extra conf line...]
	local ns=$1 ifc=$2 mode=$3
	shift 3
	local conf=$WORK/dhcpcd-$ifc$mode.conf
	{
		echo "hostname dfz-dhcpcd"
		echo "vendorclassid dfz-dhcpcd"
		echo "option rapid_commit, domain_name_servers, ntp_servers, classless_static_routes"
		echo "option dhcp6_name_servers, dhcp6_domain_search, dhcp6_sntp_servers"
		echo "require dhcp_server_identifier"
		echo "noipv6rs"
		printf '%s\n' "$@"
	} >"$conf"
	bg "$ns" dhcpcd -B -c /bin/true -f "$conf" "$mode" -t 8 "$ifc"
	local pid=$LAST_PID
	sleep 4
	run "$ns" dhcpcd "$mode" -n "$ifc"
	sleep 2
	run "$ns" dhcpcd "$mode" -k "$ifc"
	sleep 1
	stop "$pid"
	rm -f /var/lib/dhcpcd/"$ifc"*.lease* /var/lib/dhcpcd/duid 2>/dev/null || true
}

all_clients() { # PD(0|1)
	dhclient4 "$NSC" "$CIF"
	udhcpc4 "$NSC" "$CIF"
	dhcpcd_run "$NSC" "$CIF" -4
	dhclient6 "$NSC" "$CIF" "$1"
	if [[ $1 == 1 ]]; then
		dhcpcd_run "$NSC" "$CIF" -6 "interface $CIF" "ia_na 1" "ia_pd 2 dfz-dc2/1"
	else
		dhcpcd_run "$NSC" "$CIF" -6 "interface $CIF" "ia_na 1"
	fi
}

# --- servers -------------------------------------------------------------

phase_dnsmasq() {
	capture_start "$NSS" "$SIF" dhcp-dnsmasq "udp port 67 or udp port 68 or udp port 546 or udp port 547"
	bg "$NSS" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
		--interface="$SIF" --bind-interfaces --pid-file="$WORK/dnsmasq.pid" \
		--dhcp-leasefile="$WORK/dnsmasq.leases" --log-facility="$WORK/dnsmasq.log" --log-dhcp \
		--dhcp-range=10.67.0.100,10.67.0.150,255.255.255.0,2m \
		--dhcp-range=fd67::100,fd67::1ff,64,2m --enable-ra --dhcp-rapid-commit \
		--dhcp-option=option:router,10.67.0.1 --dhcp-option=option:dns-server,10.67.0.1 \
		--dhcp-option=option:domain-name,dhcp.test --dhcp-option=option:ntp-server,10.67.0.1 \
		--dhcp-option=121,10.99.0.0/16,10.67.0.1 --dhcp-option=option6:dns-server,[fd67::1] \
		--dhcp-option=option6:domain-search,dhcp.test --dhcp-option=option6:ntp-server,[fd67::1] \
		--dhcp-authoritative --dhcp-fqdn --domain=dhcp.test --no-ping
	local pid=$LAST_PID
	wait_port "$NSS" udp 67
	all_clients 0
	stop "$pid"
	ns_reap "$NSC"
	capture_stop dhcp-dnsmasq
	provenance dhcp-dnsmasq "dnsmasq serves DHCPv4 and DHCPv6 (rapid commit, FQDN, classless routes); dhclient, udhcpc and dhcpcd acquire, renew, re-request and release leases, information-request" \
		"$(pkgver dnsmasq-base)=:67,:547" "$(pkgver isc-dhcp-client)" "$(pkgver udhcpc)" "$(pkgver dhcpcd-base)"
}

phase_kea() {
	mkdir -p "$WORK/kea"
	cat >"$WORK/kea/kea4.json" <<CONF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "$SIF", "dfz-dhs2" ] },
  "lease-database": { "type": "memfile", "persist": true, "name": "$WORK/kea/kea4.leases" },
  "valid-lifetime": 120, "renew-timer": 60, "rebind-timer": 90,
  "authoritative": true,
  "option-data": [ { "name": "domain-name", "data": "dhcp.test" } ],
  "subnet4": [
    { "subnet": "10.67.0.0/24", "interface": "$SIF",
      "pools": [ { "pool": "10.67.0.100 - 10.67.0.150" } ],
      "option-data": [ { "name": "routers", "data": "10.67.0.1" },
                       { "name": "domain-name-servers", "data": "10.67.0.1" },
                       { "name": "ntp-servers", "data": "10.67.0.1" } ] },
    { "subnet": "10.68.0.0/24",
      "relay": { "ip-addresses": [ "10.68.0.1" ] },
      "pools": [ { "pool": "10.68.0.100 - 10.68.0.150" } ],
      "option-data": [ { "name": "routers", "data": "10.68.0.1" } ] } ],
  "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
                 "output_options": [ { "output": "$WORK/kea/kea4.log" } ] } ] } }
CONF
	cat >"$WORK/kea/kea6.json" <<CONF
{ "Dhcp6": {
  "interfaces-config": { "interfaces": [ "$SIF", "dfz-dhs2/fd69::1" ] },
  "lease-database": { "type": "memfile", "persist": true, "name": "$WORK/kea/kea6.leases" },
  "server-id": { "type": "LLT", "persist": false },
  "preferred-lifetime": 90, "valid-lifetime": 120, "renew-timer": 45, "rebind-timer": 70,
  "option-data": [ { "name": "dns-servers", "data": "fd67::1" },
                   { "name": "domain-search", "data": "dhcp.test" } ],
  "subnet6": [
    { "subnet": "fd67::/64", "interface": "$SIF", "rapid-commit": true,
      "pools": [ { "pool": "fd67::100 - fd67::1ff" } ],
      "pd-pools": [ { "prefix": "fd67:100::", "prefix-len": 40, "delegated-len": 56 } ] },
    { "subnet": "fd68::/64",
      "pools": [ { "pool": "fd68::100 - fd68::1ff" } ],
      "pd-pools": [ { "prefix": "fd68:100::", "prefix-len": 40, "delegated-len": 56 } ] } ],
  "loggers": [ { "name": "kea-dhcp6", "severity": "INFO",
                 "output_options": [ { "output": "$WORK/kea/kea6.log" } ] } ] } }
CONF
	capture_start "$NSS" any dhcp-kea "udp port 67 or udp port 68 or udp port 546 or udp port 547"
	bg "$NSS" env KEA_LOCKFILE_DIR="$WORK/kea" KEA_PIDFILE_DIR="$WORK/kea" kea-dhcp4 -c "$WORK/kea/kea4.json"
	local p4=$LAST_PID
	bg "$NSS" env KEA_LOCKFILE_DIR="$WORK/kea" KEA_PIDFILE_DIR="$WORK/kea" kea-dhcp6 -c "$WORK/kea/kea6.json"
	local p6=$LAST_PID
	wait_port "$NSS" udp 67
	wait_port "$NSS" udp 547
	all_clients 1
	relay_clients
	stop "$p4"
	stop "$p6"
	ns_reap "$NSC" "$NSC2" "$NSR"
	capture_stop dhcp-kea
	provenance dhcp-kea "Kea (kea-dhcp4, kea-dhcp6 with prefix delegation and rapid commit) serves dhclient, udhcpc and dhcpcd directly, and through ISC dhcrelay (v4 giaddr, v6 Relay-forward/Relay-reply)" \
		"$(pkgver kea-dhcp4-server)=:67" "$(pkgver kea-dhcp6-server)=:547" "$(pkgver isc-dhcp-relay)=10.69.0.2,fd69::2" \
		"$(pkgver isc-dhcp-client)" "$(pkgver udhcpc)" "$(pkgver dhcpcd-base)"
}

# relay_clients: dhcrelay in dfz-dhcp-r forwards dfz-dhcp-c2's requests to
# the server at 10.69.0.1 / fd69::1.
relay_clients() {
	bg "$NSR" dhcrelay -4 -d -q -a -iu dfz-drs -id dfz-drc 10.69.0.1
	local r4=$LAST_PID
	bg "$NSR" dhcrelay -6 -d -q -l dfz-drc -u fd69::1%dfz-drs -I
	local r6=$LAST_PID
	sleep 1
	dhclient4 "$NSC2" dfz-dc2
	dhclient6 "$NSC2" dfz-dc2 1
	stop "$r4"
	stop "$r6"
}

phase_isc() {
	mkdir -p "$WORK/isc"
	cat >"$WORK/isc/dhcpd.conf" <<CONF
authoritative;
default-lease-time 120;
max-lease-time 240;
option domain-name "dhcp.test";
option domain-name-servers 10.67.0.1;
option ntp-servers 10.67.0.1;
subnet 10.67.0.0 netmask 255.255.255.0 {
  range 10.67.0.100 10.67.0.150;
  option routers 10.67.0.1;
}
subnet 10.69.0.0 netmask 255.255.255.0 { }
subnet 10.68.0.0 netmask 255.255.255.0 {
  range 10.68.0.100 10.68.0.150;
  option routers 10.68.0.1;
}
CONF
	cat >"$WORK/isc/dhcpd6.conf" <<CONF
default-lease-time 120;
preferred-lifetime 90;
option dhcp6.name-servers fd67::1;
option dhcp6.domain-search "dhcp.test";
option dhcp6.rapid-commit;
subnet6 fd67::/64 {
  range6 fd67::100 fd67::1ff;
  prefix6 fd67:100:: fd67:100:ff00:: /56;
}
subnet6 fd69::/64 { }
subnet6 fd68::/64 {
  range6 fd68::100 fd68::1ff;
  prefix6 fd68:100:: fd68:100:ff00:: /56;
}
CONF
	: >"$WORK/isc/dhcpd.leases"
	: >"$WORK/isc/dhcpd6.leases"
	capture_start "$NSS" any dhcp-isc "udp port 67 or udp port 68 or udp port 546 or udp port 547"
	bg "$NSS" dhcpd -4 -f -d -q -cf "$WORK/isc/dhcpd.conf" -lf "$WORK/isc/dhcpd.leases" -pf "$WORK/isc/dhcpd.pid" "$SIF" dfz-dhs2
	local p4=$LAST_PID
	bg "$NSS" dhcpd -6 -f -d -q -cf "$WORK/isc/dhcpd6.conf" -lf "$WORK/isc/dhcpd6.leases" -pf "$WORK/isc/dhcpd6.pid" "$SIF" dfz-dhs2
	local p6=$LAST_PID
	wait_port "$NSS" udp 67
	wait_port "$NSS" udp 547
	all_clients 1
	relay_clients
	stop "$p4"
	stop "$p6"
	ns_reap "$NSC" "$NSC2" "$NSR"
	capture_stop dhcp-isc
	provenance dhcp-isc "ISC dhcpd (-4, and -6 with prefix delegation) serves dhclient, udhcpc and dhcpcd directly, and through ISC dhcrelay" \
		"$(pkgver isc-dhcp-server)=:67,:547" "$(pkgver isc-dhcp-relay)=10.69.0.2,fd69::2" \
		"$(pkgver isc-dhcp-client)" "$(pkgver udhcpc)" "$(pkgver dhcpcd-base)"
}

phase_udhcpd() {
	cat >"$WORK/udhcpd.conf" <<CONF
start 10.67.0.160
end 10.67.0.180
interface $SIF
lease_file $WORK/udhcpd.leases
pidfile $WORK/udhcpd.pid
max_leases 20
opt router 10.67.0.1
opt dns 10.67.0.1
opt domain dhcp.test
opt lease 120
opt ntpsrv 10.67.0.1
CONF
	: >"$WORK/udhcpd.leases"
	capture_start "$NSS" "$SIF" dhcp-udhcpd "udp port 67 or udp port 68"
	bg "$NSS" busybox udhcpd -f "$WORK/udhcpd.conf"
	local pid=$LAST_PID
	wait_port "$NSS" udp 67
	dhclient4 "$NSC" "$CIF"
	udhcpc4 "$NSC" "$CIF"
	dhcpcd_run "$NSC" "$CIF" -4
	stop "$pid"
	ns_reap "$NSC"
	capture_stop dhcp-udhcpd
	provenance dhcp-udhcpd "busybox udhcpd serves DHCPv4 to dhclient, udhcpc and dhcpcd" \
		"$(pkgver busybox) (udhcpd)=:67" "$(pkgver isc-dhcp-client)" "$(pkgver udhcpc)" "$(pkgver dhcpcd-base)"
}

main() {
	init_work dhcp
	setup_net
	dhclient_conf
	phase_dnsmasq
	phase_kea
	phase_isc
	phase_udhcpd
	log "dhcp: done"
}

main "$@"

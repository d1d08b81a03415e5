package dhcpfuzz

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/netboot"

	"github.com/daemonfuzz/daemonfuzz/internal/harness"
)

func netbootOffer(t *testing.T) []byte {
	t.Helper()
	m, err := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithReply(&dhcpv4.DHCPv4{OpCode: dhcpv4.OpcodeBootRequest}),
		dhcpv4.WithYourIP(net.IPv4(192, 0, 2, 10)), dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
		dhcpv4.WithRouter(net.IPv4(192, 0, 2, 1)), dhcpv4.WithDNS(net.IPv4(192, 0, 2, 53), net.IPv4(192, 0, 2, 54)),
		dhcpv4.WithOption(dhcpv4.OptNTPServers(net.IPv4(192, 0, 2, 123))), dhcpv4.WithLeaseTime(3600))
	if err != nil {
		t.Fatal(err)
	}
	m.BootFileName = "pxelinux.0"
	return m.ToBytes()
}

func netbootReply(url string) *dhcpv6.Message {
	m := v6Fixture(dhcpv6.MessageTypeReply, false)
	m.AddOption(dhcpv6.OptDNS(net.ParseIP("2001:db8::53")))
	if url != "" {
		m.AddOption(dhcpv6.OptBootFileURL(url))
	}
	return m
}

// TestNetbootSeedsConfigure: the targets reach a configuration, so their
// comparisons run (a target refusing every seed would check nothing).
func TestNetbootSeedsConfigure(t *testing.T) {
	data := netbootOffer(t)
	m, _ := dhcpv4.FromBytes(data)
	nc, err := netboot.GetNetConfFromPacketv4(m)
	if err != nil || len(nc.Addresses) != 1 || len(nc.DNSServers) != 2 || nc.Addresses[0].ValidLifetime != time.Hour {
		t.Fatalf("netconf %+v, %v", nc, err)
	}
	if err := NetbootV4(data); err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{"", "http://[2001:db8::1]/boot.efi"} {
		if err := NetbootV6(netbootReply(url).ToBytes()); err != nil {
			t.Fatal(err)
		}
	}
	seeds, err := harness.LoadCorpus("dhcpv4")
	if err != nil {
		t.Fatal(err)
	}
	configured := 0
	for _, s := range seeds {
		if m, err := dhcpv4.FromBytes(s.Data); err == nil {
			if _, err := netboot.GetNetConfFromPacketv4(m); err == nil {
				configured++
			}
		}
	}
	if configured == 0 {
		t.Error("no dhcpv4 seed gives netboot a configuration")
	}
	t.Logf("%d of %d dhcpv4 seeds configure netboot", configured, len(seeds))
}

func TestNetbootOracles(t *testing.T) {
	data := netbootOffer(t)
	opts, _, _ := v4Options(data)
	m, _ := dhcpv4.FromBytes(data)
	good, _ := netboot.GetNetConfFromPacketv4(m)
	wantViolation(t, checkNetConfV4(data, opts, nil, errors.New("refused")), "differential", "NetConf.Refuse")
	noMask := map[byte][]byte{1: {255, 0, 255, 0}}
	wantViolation(t, checkNetConfV4(data, noMask, good, nil), "differential", "NetConf.Accept")
	bad := *good
	bad.Addresses = []netboot.AddrConf{{IPNet: net.IPNet{IP: net.IPv4(192, 0, 2, 11), Mask: net.CIDRMask(24, 32)}, ValidLifetime: time.Hour}}
	wantViolation(t, checkNetConfV4(data, opts, &bad, nil), "differential", "NetConf.Addresses")
	bad = *good
	bad.Addresses = []netboot.AddrConf{{IPNet: good.Addresses[0].IPNet, ValidLifetime: time.Minute}}
	wantViolation(t, checkNetConfV4(data, opts, &bad, nil), "differential", "NetConf.ValidLifetime")
	bad = *good
	bad.DNSServers = bad.DNSServers[:1]
	wantViolation(t, checkNetConfV4(data, opts, &bad, nil), "differential", "NetConf.DNSServers")

	reply := netbootReply("")
	wire := reply.ToBytes()
	v6, _ := v6Options(wire[4:])
	nc6, err := netboot.GetNetConfFromPacketv6(reply)
	if err != nil {
		t.Fatal(err)
	}
	wantViolation(t, checkNetConfV6(v6, nil, errors.New("no IA_NA")), "differential", "NetConf.Accept")
	bad6 := *nc6
	bad6.Addresses = append(bad6.Addresses, bad6.Addresses[0])
	wantViolation(t, checkNetConfV6(v6, &bad6, nil), "differential", "NetConf.Addresses")
	bad6 = *nc6
	bad6.Addresses = []netboot.AddrConf{{IPNet: nc6.Addresses[0].IPNet, PreferredLifetime: time.Second, ValidLifetime: nc6.Addresses[0].ValidLifetime}}
	wantViolation(t, checkNetConfV6(v6, &bad6, nil), "differential", "NetConf.Addresses")
	bad6 = *nc6
	bad6.DNSServers = nil
	wantViolation(t, checkNetConfV6(v6, &bad6, nil), "differential", "NetConf.DNSServers")
	// The conversation checks, given the wrong URL on the wire.
	wantViolation(t, checkConversationV6(reply, []byte("http://other/"), nil), "differential", "ConversationToNetconf.BootfileURL")
	wantViolation(t, checkConversationV6(reply, nil, errors.New("no IA_NA")), "differential", "ConversationToNetconf.Reply")
	withURL := netbootReply("http://a/")
	wantViolation(t, checkConversationV6(withURL, []byte("http://b/"), nil), "differential", "ConversationToNetconf.BootfileURL")
}

func TestKnownNetbootRapidCommitPanic(t *testing.T) {
	// Tolerated by checkConversationV6 (netboot.go): a conversation of a
	// single REPLY without a boot file URL (rapid commit, RFC 8415
	// 18.2.1) dereferences the missing ADVERTISE.
	defer func() {
		if recover() == nil {
			t.Fatal("ConversationToNetconf no longer panics on a lone REPLY without a URL: drop the tolerance in checkConversationV6")
		}
	}()
	_, _ = netboot.ConversationToNetconf([]dhcpv6.DHCPv6{netbootReply("")})
}

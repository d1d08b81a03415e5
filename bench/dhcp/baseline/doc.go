// Package baseline holds native Go equivalents of the fuzz harnesses
// OSS-Fuzz runs on github.com/insomniacslk/dhcp today (FuzzDHCPv4,
// FuzzDHCPv6 and FuzzLabel in the library's own *_test.go files, with the
// seeds they add), and a naive "FromBytes only, no seeds" DHCPv4 harness.
// bench/dhcp/run.sh measures daemonfuzz's DHCP targets against them; they
// are not part of the suite.
package baseline

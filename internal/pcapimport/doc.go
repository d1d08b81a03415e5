// Package pcapimport owns turning packet captures into corpus inputs. It
// streams a pcap or pcapng file (github.com/google/gopacket/pcapgo) packet by
// packet, decodes Ethernet, Linux SLL, raw IP and BSD loopback links, IPv4
// and IPv6 (with extension headers), UDP and TCP, and routes each payload by
// port to a corpus format: 53 dns-wire (over TCP the stream is reassembled
// per direction and split on its 2-byte length prefix), 67/68 dhcpv4,
// 546/547 dhcpv6, 123 ntp (control and private modes 6 and 7: ntp-control),
// 323 chrony, and 4460/TCP ntske (the reassembled stream of each direction).
//
// Memory is bounded by the open TCP flows and their buffers, never by the
// capture's size. A capture cut short yields every packet that was whole and
// a *TruncatedError saying where it stopped.
package pcapimport

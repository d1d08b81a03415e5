package pcapimport

// Corpus formats a capture's payloads are routed to.
const (
	FormatDNS        = "dns-wire"
	FormatDHCPv4     = "dhcpv4"
	FormatDHCPv6     = "dhcpv6"
	FormatNTP        = "ntp"
	FormatNTPControl = "ntp-control"
	FormatChrony     = "chrony"
	FormatNTSKE      = "ntske"
)

// udpFormat returns the format of a UDP payload between the two ports, or
// "" if neither is known. The destination port is asked first, so a query
// from an ephemeral port and its reply both route by the service port.
func udpFormat(src, dst uint16, payload []byte) string {
	for _, p := range [2]uint16{dst, src} {
		switch p {
		case 53:
			return FormatDNS
		case 67, 68:
			return FormatDHCPv4
		case 546, 547:
			return FormatDHCPv6
		case 123:
			// NTP mode is the low 3 bits of the first byte; 6 (control)
			// and 7 (private, ntpdc) share the port but not the format.
			if len(payload) > 0 && payload[0]&7 >= 6 {
				return FormatNTPControl
			}
			return FormatNTP
		case 323:
			return FormatChrony
		}
	}
	return ""
}

// tcpFormat returns the format of a TCP flow between the ports, or "".
func tcpFormat(src, dst uint16) string {
	for _, p := range [2]uint16{dst, src} {
		switch p {
		case 53:
			return FormatDNS
		case 4460:
			return FormatNTSKE
		}
	}
	return ""
}

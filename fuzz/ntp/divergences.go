package ntpfuzz

// Known, documented divergences between the NTP implementations compared by
// Differential. Each is tolerated exactly as described here and nowhere else.
//
//  1. Which bytes are compared. facebook/time decodes the header and then
//     requires the rest to be extension fields or a legacy MAC; beevik/ntp and
//     gopacket ignore whatever follows the 48-octet header. When facebook/time
//     rejects the trailer, the header is compared as facebook/time decodes the
//     first 48 octets alone (what its responder does for plain NTP).
//  2. Which replies beevik/ntp reports. beevik/ntp is a client: it only
//     returns replies in server mode (4), with a non-zero transmit timestamp,
//     a receive timestamp not after it, and the origin timestamp it sent.
//     Otherwise only facebook/time and gopacket are compared. Its NTPv5 client
//     reads a different header layout, so NTPv5 replies are not compared
//     with beevik/ntp either.
//  3. Origin timestamp. beevik/ntp does not expose it; it accepts a reply
//     only when it equals the request's transmit value, which the loopback
//     peer copies in (see udpPeer), so it is compared between facebook/time
//     and gopacket only.
//  4. Timestamps as times. facebook/time's protocol.Unix always assumes NTP
//     era 0; beevik/ntp puts raw values below 1970 in era 1 (2036-2172). The
//     two may differ by exactly one era (2^32 s); beevik/ntp also rounds the
//     fraction to the nearest nanosecond where protocol.Unix truncates, so
//     they may differ by 1 ns.
//  5. Poll and precision as durations. beevik/ntp converts the log2 exponent
//     with a shift of one second: exponents above 33 overflow int64 and wrap
//     (RFC 5905 polls are 4-17, so real servers never send them). Those are
//     not compared; -128 panics the client and is a known bug (knownbugs.go).
//  6. Root delay and dispersion. beevik/ntp rounds the Q16.16 value to the
//     nearest nanosecond; the reference conversion here is exact, so they
//     may differ by 1 ns.

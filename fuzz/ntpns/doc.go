// Package ntpnsfuzz runs facebook/time's NTP responder for real in a
// network namespace of its own (ResponderNS): Start, its listeners on
// addresses it adds to the interfaces itself, its workers, and its announce
// and health-check loops, fed over a veth pair from a client namespace.
//
// Its test binary's TestMain moves the whole process into a private
// namespace (netns.Isolate), because the responder's Start opens its sockets
// and adds its addresses from goroutines it starts itself, which a single
// thread moved into a namespace cannot reach. That setup changes the network
// of every target in the binary, which is why this is a package of its own
// rather than part of fuzz/ntp, whose Responder oracles it shares.
package ntpnsfuzz

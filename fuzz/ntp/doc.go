// Package ntpfuzz holds daemonfuzz's fuzz targets for the Go NTP stack:
// github.com/facebook/time (packets and extension fields, NTS and NTS-KE,
// the chrony and ntpd mode 6 control protocols, the production responder) and
// github.com/beevik/ntp, the most used Go NTP client.
//
// Each target is a plain exported function taking the fuzz input and returning
// an error when one of its oracles is violated (see internal/harness.Violation);
// fuzz_test.go wraps each in a FuzzXxx that only seeds and calls. Targets that
// need a server (the responder, the beevik client's peer, the NTS-KE server)
// start it once per process and reuse it for every input.
//
// Fixed key material (keys.go) is shared with the seed generator
// corpus/gen/ntp, so NTS seeds verify under the keys the targets use.
// Every tolerated difference between implementations is listed in
// divergences.go, in one place.
package ntpfuzz

// Package corednsfuzz fuzzes CoreDNS, the DNS daemon of Kubernetes, through its
// real plugin chain: a CoreDNS server started in-process from a Corefile, on
// loopback, answering fuzzed queries over UDP and TCP (Server), and the
// Corefile parser and every imported plugin's setup (Corefile).
//
// It is a module of its own (fuzz/coredns/go.mod) because CoreDNS's server
// links gRPC, QUIC, Prometheus and, through the dnssec plugin, the AWS SDK:
// about 530 packages that the rest of the suite should not build. Only the
// plugins a configuration below uses are imported (plugins.go). Seeds come
// from the repository's corpus/ (harness.Seed finds the first ancestor with
// go.mod and corpus/, the repository root).
//
// Oracles beyond "no panic" (server.go):
//   - every reply parses, and its ID and question match the query's;
//   - cache: a query asked twice gets the same records the second time, with
//     TTLs that never grow (the cache returns what the upstream said);
//   - authoritative: an answer for a name and type present in the zone is
//     exactly the zone's RRset, as miekg/dns reads the zone file, and every
//     RRSIG the dnssec plugin adds verifies with the zone's key;
//   - no goroutines left behind by a query (checked as a trend, see leaks.go).
package corednsfuzz

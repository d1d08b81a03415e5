// Package upstream holds CoreDNS's own OSS-Fuzz fuzzers for the plugins the
// suite runs (plugin/cache, plugin/file, plugin/forward: their fuzz.go, built
// with the gofuzz tag upstream), rewritten as native Go fuzz tests with the
// same bodies, so bench/coredns/run.sh (at the repository root) can compare their plugin coverage with
// corednsfuzz's targets in one run. They are benchmark baselines, not part of
// the suite. CoreDNS's rewrite fuzzer needs the unexported rewriteParse and is
// left out.
package upstream

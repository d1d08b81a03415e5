#!/bin/sh
# bench/netns/run.sh [WORKDIR] [SECONDS]: coverage of the daemons' own
# packages by the targets that run them for real in network namespaces
# (internal/netns; root or CAP_NET_ADMIN, else they fall back and this
# measures the fallback). Per target: coverage of the seeds, a one-worker run
# of SECONDS (default 300) from an empty work dir (nice 19), coverage of
# seeds plus the run's corpus. Run from anywhere in the module; prints the
# load average per target. Add a target as "DIR:FuzzName PKG[,PKG]".
set -e
cd "$(dirname "$0")/../.."
W=${1:-/tmp/netns-bench}
T=${2:-300}
rm -rf "$W"
for spec in \
 "fuzz/ntpns:FuzzResponderNS github.com/facebook/time/ntp/responder/server"; do
	set -- $spec
	echo "=== $1 $(date -u +%T) load: $(cut -d' ' -f1-3 /proc/loadavg)"
	go run ./cmd/fuzzrun coverage -workdir "$W" -target "$1\$" -coverpkg "$2" 2>&1 | sed 's/^/seeds: /'
	nice -n 19 go run ./cmd/fuzzrun run -workdir "$W" -jobs 1 -per-target "${T}s" "$1\$" 2>&1 | grep -E "execs|stored" | tail -3 || true
	echo "=== $1 $(date -u +%T) load: $(cut -d' ' -f1-3 /proc/loadavg)"
	go run ./cmd/fuzzrun coverage -workdir "$W" -target "$1\$" -coverpkg "$2" 2>&1 | sed 's/^/after: /'
done

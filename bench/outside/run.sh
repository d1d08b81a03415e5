#!/bin/sh
# bench/outside/run.sh [WORKDIR]: coverage and execs/sec of the targets for
# inputs taken from outside the packet path (leap-second files, client
# addresses and options, SHM segments, netboot conversions, the DHCPv6
# exchange). Per target: coverage of the seeds, a 60 s one-worker run from
# an empty work dir (nice 19), coverage of seeds plus the run's corpus.
# Run from anywhere in the module; prints the load average per target.
set -e
cd "$(dirname "$0")/../.."
W=${1:-/tmp/outside-bench}
rm -rf "$W"
for spec in \
 "fuzz/ntp:FuzzLeapTZif github.com/facebook/time/leapsectz" \
 "fuzz/ntp:FuzzLeapTable github.com/facebook/time/leapsectz" \
 "fuzz/ntp:FuzzQueryAddress github.com/beevik/ntp" \
 "fuzz/ntp:FuzzSHM github.com/facebook/time/ntp/shm" \
 "fuzz/dhcp:FuzzNetbootV4 github.com/insomniacslk/dhcp/netboot,github.com/insomniacslk/dhcp/iana" \
 "fuzz/dhcp:FuzzNetbootV6 github.com/insomniacslk/dhcp/netboot,github.com/insomniacslk/dhcp/iana" \
 "fuzz/dhcp:FuzzExchange6 github.com/insomniacslk/dhcp/dhcpv6/server6,github.com/insomniacslk/dhcp/dhcpv6"; do
	set -- $spec
	echo "=== $1 $(date -u +%T) load: $(cut -d' ' -f1-3 /proc/loadavg)"
	go run ./cmd/fuzzrun coverage -workdir "$W" -target "$1\$" -coverpkg "$2" 2>&1 | sed 's/^/seeds: /'
	nice -n 19 go run ./cmd/fuzzrun run -workdir "$W" -jobs 1 -per-target 60s "$1\$" 2>&1 | grep -E "execs|stored" | tail -3 || true
	go run ./cmd/fuzzrun coverage -workdir "$W" -target "$1\$" -coverpkg "$2" 2>&1 | sed 's/^/after: /'
done

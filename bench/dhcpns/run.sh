#!/bin/sh
# bench/dhcpns/run.sh [WORKDIR]: coverage of insomniacslk/dhcp's daemon
# packages (server4, server6, nclient4, nclient6) by the namespace targets
# (fuzz/dhcp FuzzNS*). Per target: coverage of the seeds, a 300 s
# one-worker run from an empty work dir (nice 19), coverage of seeds plus
# the run's corpus, each profile kept in WORKDIR/profiles; then the union
# per package of the targets that reach it (server4 and server6 are reached
# by FuzzNSServer4/6 and FuzzNSListen). Needs root (network namespaces).
# Run from anywhere in the module; prints the load average per target.
set -e
cd "$(dirname "$0")/../.."
W=${1:-/tmp/dhcpns-bench}
T=${PER_TARGET:-300s}
D=github.com/insomniacslk/dhcp
rm -rf "$W"
mkdir -p "$W/profiles"
for spec in \
 "FuzzNSServer4 $D/dhcpv4/server4" \
 "FuzzNSServer6 $D/dhcpv6/server6" \
 "FuzzNSClient4 $D/dhcpv4/nclient4" \
 "FuzzNSClient6 $D/dhcpv6/nclient6" \
 "FuzzNSListen $D/dhcpv4/server4,$D/dhcpv6/server6"; do
	# shellcheck disable=SC2086 # the spec is two words
	set -- $spec
	echo "=== $1 $(date -u +%T) load: $(cut -d' ' -f1-3 /proc/loadavg)"
	go run ./cmd/fuzzrun coverage -workdir "$W" -target "fuzz/dhcp:$1\$" -coverpkg "$2" -profile "$W/profiles/$1.seeds" 2>&1 | sed 's/^/seeds: /'
	nice -n 19 go run ./cmd/fuzzrun run -workdir "$W" -jobs 1 -per-target "$T" "fuzz/dhcp:$1\$" 2>&1 | grep -E "execs|stored|FuzzNS" | tail -4 || true
	go run ./cmd/fuzzrun coverage -workdir "$W" -target "fuzz/dhcp:$1\$" -coverpkg "$2" -profile "$W/profiles/$1.after" 2>&1 | sed 's/^/after: /'
done
echo "=== union per package (statements covered by any of the targets)"
for when in seeds after; do
	for pkg in "server4 FuzzNSServer4 FuzzNSListen" "server6 FuzzNSServer6 FuzzNSListen" "nclient4 FuzzNSClient4" "nclient6 FuzzNSClient6"; do
		# shellcheck disable=SC2086 # the spec is several words
		set -- $pkg
		p=$1
		shift
		files=""
		for t in "$@"; do files="$files $W/profiles/$t.$when"; done
		# shellcheck disable=SC2086
		awk -v p="/$p/" 'FNR > 1 && index($1, p) { if (!($1 in st)) st[$1] = $2; if ($3 > 0) hit[$1] = 1 }
			END { for (b in st) { n += st[b]; if (b in hit) c += st[b] } printf "%s %s: %d/%d statements, %.1f%%\n", when, p, c, n, 100 * c / n }' when="$when" $files
	done
done

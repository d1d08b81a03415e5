#!/usr/bin/env bash
# coverage.sh: statement coverage each target reaches in its library
# packages when replaying its seeds, hand-made seeds alone versus hand-made
# plus the seeds corpus/capture imported. Prints a Markdown table (the one
# in BENCHMARKS.md "Captured seeds").
#
#   corpus/capture/coverage.sh [TARGET|PKGDIR/TARGET...]
#                 (default: every target reading a format the captures feed;
#                  fuzz/ntp/FuzzDifferential names one of the two FuzzDifferential)
#
# How: two copies of the module's source in a scratch directory, one with
# the captured seeds (manifest kind "captured", note "corpus/capture: ...")
# removed. One test binary per target package is built with
# `go test -c -coverpkg=PKGS` (PKGS: the package's non-standard imports,
# the code under test), then run as `-test.run=^FuzzX$ -test.coverprofile`
# in each copy's package directory, so harness.Seed replays that copy's
# corpus/<format>/; the profile is summed per package. Replay only: no
# fuzzing, one process at a time.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scratch=$(mktemp -d /tmp/dfz-capture-cov.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# target package format, for every target whose format the captures feed.
TARGETS=(
	"FuzzWire fuzz/dns dns-wire" "FuzzTSIG fuzz/dns dns-wire" "FuzzDifferential fuzz/dns dns-wire"
	"FuzzNames fuzz/dns dns-wire" "FuzzTruncate fuzz/dns dns-wire" "FuzzServer fuzz/dns dns-wire"
	"FuzzRR fuzz/dns dns-zone" "FuzzZone fuzz/dns dns-zone"
	"FuzzV4Wire fuzz/dhcp dhcpv4" "FuzzServer4 fuzz/dhcp dhcpv4" "FuzzV4Structured fuzz/dhcp dhcpv4"
	"FuzzV4Differential fuzz/dhcp dhcpv4"
	"FuzzV6Wire fuzz/dhcp dhcpv6" "FuzzServer6 fuzz/dhcp dhcpv6" "FuzzV6Structured fuzz/dhcp dhcpv6"
	"FuzzV6Differential fuzz/dhcp dhcpv6"
	"FuzzPacket fuzz/ntp ntp" "FuzzClient fuzz/ntp ntp" "FuzzDifferential fuzz/ntp ntp"
	"FuzzNTSVerify fuzz/ntp ntp" "FuzzResponder fuzz/ntp ntp"
	"FuzzChrony fuzz/ntp chrony" "FuzzControl fuzz/ntp ntp-control"
	"FuzzNTSKERecords fuzz/ntp ntske" "FuzzNTSKEClient fuzz/ntp ntske" "FuzzNTSKEServer fuzz/ntp ntske"
)

copy_module() { # DEST
	mkdir -p "$1"
	(cd "$root" && tar --exclude=.git --exclude=.fuzzrun --exclude=crashers --exclude=corpus/capture/pcaps -cf - .) | tar -C "$1" -xf -
}

copy_module "$scratch/all"
copy_module "$scratch/hand"
# Remove the captured seeds from the hand-made copy.
/usr/bin/python3 - "$scratch/hand/corpus" <<'PY'
import json, os, sys, glob
root = sys.argv[1]
for m in glob.glob(os.path.join(root, "*.manifest.jsonl")):
    fmt = os.path.basename(m)[:-len(".manifest.jsonl")]
    for line in open(m):
        if not line.strip():
            continue
        e = json.loads(line)
        if e.get("kind") == "captured" and e.get("note", "").startswith("corpus/capture: "):
            try:
                os.remove(os.path.join(root, fmt, e["file"]))
            except FileNotFoundError:
                pass
PY

# libpkgs DIR: the non-standard, non-daemonfuzz packages the target
# package imports: the code under test and its differential partners.
libpkgs() {
	(cd "$root" && go list -f '{{join .Imports "\n"}}' "./$1") |
		grep -E '^[a-z0-9.-]+\.[a-z]+/' | grep -v '^github.com/daemonfuzz/' | paste -sd, -
}

# build PKGDIR: one coverage-instrumented test binary per target package,
# built once from the full copy (the two copies differ only in corpus/).
build() {
	local pkgdir=$1 bin=$scratch/bin/${1//\//_}.test
	if [[ ! -x $bin ]]; then
		mkdir -p "$scratch/bin"
		(cd "$scratch/all" && go test -c -covermode=set -coverpkg="$(libpkgs "$pkgdir")" -o "$bin" "./$pkgdir")
	fi
	echo "$bin"
}

# cover DIR TARGET PKGDIR: per-package "pkg covered total" lines of one
# replay of TARGET's seeds, run in DIR's package directory so that
# harness.Seed reads DIR's corpus/.
cover() {
	local dir=$1 target=$2 pkgdir=$3 bin prof
	bin=$(build "$pkgdir")
	prof=$(mktemp "$scratch/prof.XXXXXX")
	(cd "$dir/$pkgdir" && "$bin" -test.count=1 -test.run="^$target\$" -test.coverprofile="$prof" >"$prof.log" 2>&1) ||
		echo "  ($target in $(basename "$dir") failed: $(grep -m1 -E 'FAIL|panic|oracle' "$prof.log"))" >&2
	# mode line, then "file:l.c,l.c stmts count"; a block may repeat.
	awk 'NR > 1 {
		split($1, a, ":"); f = a[1]; sub(/\/[^\/]*$/, "", f)
		key = $1; st[key] = $2; if ($3 > 0) hit[key] = 1; pkg[key] = f
	} END {
		for (k in st) { tot[pkg[k]] += st[k]; if (hit[k]) cov[pkg[k]] += st[k] }
		for (p in tot) printf "%s %d %d\n", p, cov[p], tot[p]
	}' "$prof" | sort
}

count() { # DIR FORMAT
	ls "$1/corpus/$2" | wc -l
}

want=("$@")
echo "| target | seeds hand-made | + captured | package | hand-made | hand-made + captured |"
echo "|---|---:|---:|---|---:|---:|"
for t in "${TARGETS[@]}"; do
	read -r target pkgdir format <<<"$t"
	if ((${#want[@]})) && [[ " ${want[*]} " != *" $target "* && " ${want[*]} " != *" $pkgdir/$target "* ]]; then
		continue
	fi
	build "$pkgdir" >/dev/null
	cover "$scratch/hand" "$target" "$pkgdir" >"$scratch/hand.cov"
	cover "$scratch/all" "$target" "$pkgdir" >"$scratch/all.cov"
	join -a1 -e0 -o 0,1.2,1.3,2.2,2.3 "$scratch/hand.cov" "$scratch/all.cov" |
		while read -r pkg hc ht ac at; do
			((ht > 0 && hc + ac > 0)) || continue # packages the target does not use
			printf '| %s | %d | %d | %s | %.1f%% | %.1f%% |\n' "${pkgdir#fuzz/}.$target" "$(count "$scratch/hand" "$format")" \
				"$(count "$scratch/all" "$format")" "$pkg" "$(echo "100*$hc/$ht" | bc -l)" "$(echo "100*$ac/$at" | bc -l)"
		done
done

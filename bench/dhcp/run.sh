#!/usr/bin/env bash
# bench/dhcp/run.sh: execs/sec and statement coverage of daemonfuzz's DHCP
# targets (fuzz/dhcp) against the library's own OSS-Fuzz harnesses and a
# naive FromBytes-only harness (bench/dhcp/baseline), measured the same way
# in one run:
#
#   - every fuzzing run: one worker (-test.parallel=1), minimisation off
#     (-test.fuzzminimizetime=0), nice 19, its own fuzz cache directory;
#     the members of each comparison (ours vs upstream vs naive) run at the
#     same time so that they share whatever load the machine carries;
#   - execs/sec = total execs / fuzzing seconds, from the last
#     "fuzz: elapsed" line;
#   - coverage = a -cover -coverpkg test binary replaying the seeds
#     (f.Add + corpus/) and, for "after", the inputs the fuzzing run added,
#     read with `go tool covdata percent`.
#
# Usage (from anywhere in the module):
#   bench/dhcp/run.sh                 # LONG=300s SHORT=20s LABEL=90s
#   LONG=30s SHORT=5s LABEL=10s bench/dhcp/run.sh   # smoke test
# Output: a markdown report on stdout and in bench/dhcp/results/latest.md;
# raw logs stay in the printed work directory.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LONG=${LONG:-300s}
SHORT=${SHORT:-20s}
LABEL=${LABEL:-90s}
W=$(mktemp -d /tmp/dhcpbench.XXXXXX)
DHCP=github.com/insomniacslk/dhcp
PKGS=(dhcpv4 dhcpv6 rfc1035label dhcpv4/server4 dhcpv6/server6 dhcpv4/nclient4 dhcpv6/nclient6)
COVERPKG=$(printf "$DHCP/%s," "${PKGS[@]}"); COVERPKG=${COVERPKG%,}
SUITE=./fuzz/dhcp
BASE=./bench/dhcp/baseline
cd "$ROOT"
echo "work dir: $W" >&2

# Binaries: fuzzing needs the -fuzz build (coverage guidance); replay
# needs the -cover build.
go test -c -fuzz=. -o "$W/suite.fuzz" $SUITE
go test -c -fuzz=. -o "$W/base.fuzz" $BASE
go test -c -cover -coverpkg="$COVERPKG" -o "$W/suite.cover" $SUITE
go test -c -cover -coverpkg="$COVERPKG" -o "$W/base.cover" $BASE

# A replay directory for the suite: the harness finds corpus/ by walking up
# to a go.mod beside it.
mkdir -p "$W/mod/fuzz/dhcp" "$W/mod/bench"
cp go.mod "$W/mod/go.mod"
ln -s "$ROOT/corpus" "$W/mod/corpus"

seconds() { # "4m59.9s" | "20s" -> integer seconds
  awk -v d="$1" 'BEGIN{ s=0; if (match(d,/[0-9]+m/)) s+=substr(d,RSTART,RLENGTH-1)*60;
    if (match(d,/[0-9.]+s$/)) s+=substr(d,RSTART,RLENGTH-1); printf "%d", s }'
}

# fuzz_start KIND TARGET TIME: start fuzzing one target in the background.
fuzz_start() {
  local kind=$1 target=$2 time=$3 dir
  if [ "$kind" = suite ]; then dir=$ROOT/fuzz/dhcp; else dir=$ROOT/bench/dhcp/baseline; fi
  (cd "$dir" && exec nice -n 19 "$W/$kind.fuzz" -test.run='^$' -test.fuzz="^$target\$" -test.fuzztime="$time" \
    -test.parallel=1 -test.fuzzminimizetime=0 -test.fuzzcachedir="$W/cache/$kind") >"$W/$kind-$target.log" 2>&1 &
}

# execs KIND TARGET: "execs seconds" from the last progress line of its log.
execs() {
  local log=$W/$1-$2.log last el ex
  if ! grep -q '^PASS' "$log"; then echo "fuzzing $2 failed, see $log" >&2; tail -20 "$log" >&2; fi
  last=$(grep -a '^fuzz: elapsed.*execs: ' "$log" | tail -1 || true)
  [ -n "$last" ] || { echo "0 0"; return; }
  el=$(sed -E 's/^fuzz: elapsed: ([^,]+),.*/\1/' <<<"$last")
  ex=$(sed -E 's/.*execs: ([0-9]+).*/\1/' <<<"$last")
  echo "$ex $(seconds "$el")"
}

# cover KIND LABEL RUNREGEX WITH_CACHE TARGETS...: replay, print covdata percent output.
cover() {
  local kind=$1 label=$2 run=$3 with=$4; shift 4
  local dir out=$W/cov/$label
  if [ "$kind" = suite ]; then dir=$W/mod/fuzz/dhcp; else dir=$W/mod/bench/$label; fi
  rm -rf "$dir/testdata"; mkdir -p "$dir" "$out"
  if [ "$with" = yes ]; then
    for t in "$@"; do
      if [ -d "$W/cache/$kind/$t" ]; then mkdir -p "$dir/testdata/fuzz/$t"; cp "$W/cache/$kind/$t"/* "$dir/testdata/fuzz/$t/"; fi
    done
  fi
  (cd "$dir" && "$W/$kind.cover" -test.run="$run" -test.gocoverdir="$out" >"$W/cover-$label.log" 2>&1) || {
    echo "replay $label failed, see $W/cover-$label.log" >&2; tail -20 "$W/cover-$label.log" >&2; }
  rm -rf "$dir/testdata"
  go tool covdata percent -i="$out"
}

pct() { # PKG < covdata output -> "NN.N%" ("0.0%" when the binary never links PKG)
  awk -v p="$DHCP/$1" '$1==p {v=$3} END {print (v=="" ? "0.0%" : v)}'
}

REPORT=$W/report.md
{
echo "Run $(date -u +%Y-%m-%dT%H:%MZ), $(go version | cut -d' ' -f3), $(nproc) cores; seeds:"
for f in dhcpv4 dhcpv6 dhcp-label dhcp-client4 dhcp-client6 dhcp-exchange4 dhcp-rawudp4; do
  printf ' %s %s' "$f" "$(ls corpus/$f | wc -l)"
done
echo
echo
echo "### Execs/sec (one worker, -fuzzminimizetime=0, nice 19)"
echo
echo "| target | fuzz time | ran | execs | execs/sec |"
echo "|---|---|---|---|---|"
} >"$REPORT"

declare -A TIME=(
  [suite:FuzzV4Wire]=$LONG [suite:FuzzV6Wire]=$LONG [suite:FuzzLabel]=$LABEL
  [base:FuzzDHCPv4]=$LONG [base:FuzzDHCPv6]=$LONG [base:FuzzNaiveV4]=$LONG [base:FuzzLabel]=$LABEL
)
# Each comparison group fuzzes at the same time, so its members see the
# same machine load (the machine is shared); the other targets run one
# after another for SHORT each.
CMP_GROUPS=("suite:FuzzV4Wire base:FuzzDHCPv4 base:FuzzNaiveV4" "suite:FuzzV6Wire base:FuzzDHCPv6" "suite:FuzzLabel base:FuzzLabel")
SINGLES=(suite:FuzzV4Structured suite:FuzzV6Structured suite:FuzzV4Differential suite:FuzzV6Differential
  suite:FuzzServer4 suite:FuzzServer6 suite:FuzzClient4 suite:FuzzClient6 suite:FuzzRawUDP4 suite:FuzzExchange4)
report_rate() { # KIND:TARGET [note]
  local kind=${1%%:*} t=${1#*:} ex secs name
  read -r ex secs < <(execs "$kind" "$t") || { ex=0 secs=0; }
  name=$t; [ "$kind" = base ] && name="$t (baseline)"
  echo "| $name | ${TIME[$1]:-$SHORT} | ${2:-alone} | $ex | $(( secs > 0 ? ex / secs : 0 )) |" >>"$REPORT"
}
for g in "${CMP_GROUPS[@]}"; do
  for kt in $g; do fuzz_start "${kt%%:*}" "${kt#*:}" "${TIME[$kt]}"; done
  wait
  n=$(wc -w <<<"$g")
  for kt in $g; do report_rate "$kt" "with $((n - 1)) other(s)"; done
done
for kt in "${SINGLES[@]}"; do
  fuzz_start "${kt%%:*}" "${kt#*:}" "$SHORT"; wait
  report_rate "$kt"
done

{
echo
echo "### Statement coverage of the library (seeds alone / after fuzzing)"
echo
echo "| harness | fuzz time | package | seeds alone | after fuzzing |"
echo "|---|---|---|---|---|"
} >>"$REPORT"
row() { # KIND TARGET PKG...
  local kind=$1 t=$2; shift 2
  local s a; s=$(cover "$kind" "${t}-seeds" "^$t\$" no "$t"); a=$(cover "$kind" "${t}-after" "^$t\$" yes "$t")
  local name=$t; [ "$kind" = base ] && name="$t (upstream/baseline)"
  for p in "$@"; do
    echo "| $name | ${TIME[$kind:$t]:-$SHORT} | $p | $(pct "$p" <<<"$s") | $(pct "$p" <<<"$a") |" >>"$REPORT"
  done
}
row suite FuzzV4Wire dhcpv4 rfc1035label
row base FuzzDHCPv4 dhcpv4 rfc1035label
row base FuzzNaiveV4 dhcpv4
row suite FuzzV6Wire dhcpv6 rfc1035label
row base FuzzDHCPv6 dhcpv6 rfc1035label
row suite FuzzLabel rfc1035label
row base FuzzLabel rfc1035label

ALL=(FuzzV4Wire FuzzServer4 FuzzExchange4 FuzzV6Wire FuzzLabel FuzzServer6 FuzzClient4 FuzzV4Structured FuzzV6Structured FuzzV4Differential FuzzV6Differential FuzzRawUDP4 FuzzClient6)
s=$(cover suite all-seeds '^Fuzz' no "${ALL[@]}"); a=$(cover suite all-after '^Fuzz' yes "${ALL[@]}")
b=$(cover base base-all-after '^Fuzz(DHCPv4|DHCPv6|Label)$' yes FuzzDHCPv4 FuzzDHCPv6 FuzzLabel)
{
echo
echo "### Whole suite (all 13 targets replayed) vs the three upstream harnesses together"
echo
echo "| package | suite, seeds alone | suite, after this run's fuzzing | upstream three, after fuzzing |"
echo "|---|---|---|---|"
for p in "${PKGS[@]}"; do
  echo "| $p | $(pct "$p" <<<"$s") | $(pct "$p" <<<"$a") | $(pct "$p" <<<"$b") |"
done
} >>"$REPORT"

mkdir -p "$ROOT/bench/dhcp/results"
cp "$REPORT" "$ROOT/bench/dhcp/results/latest.md"
cat "$REPORT"

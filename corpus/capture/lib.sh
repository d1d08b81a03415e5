# lib.sh: shared by the per-protocol capture scripts (sourced, not run).
#
# Every daemon and client runs inside a network namespace this script
# creates (dfz-<proto>-*), so nothing binds, sends or resolves outside it:
# the namespaces have loopback and, for DHCP, a veth pair with private
# addresses, and no route anywhere else. Every capture tool runs with -n.
# cleanup (on EXIT, INT and TERM) kills the processes it started, by pid,
# and deletes the namespaces it created.

set -euo pipefail

CAPTURE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$CAPTURE_DIR/../.." && pwd)
PCAP_DIR=${PCAP_DIR:-$CAPTURE_DIR/pcaps}
NTPSEC_ROOT=${NTPSEC_ROOT:-/opt/dfz-ntpsec}
CHRONY_ROOT=${CHRONY_ROOT:-/opt/dfz-chrony}

_DFZ_PIDS=()
_DFZ_NETNS=()
WORK=""

log() { printf '[capture %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# init_work makes the run's scratch directory (configs, keys, leases,
# logs). It holds the run-time TSIG secret and DNSSEC keys, so it is
# removed on exit unless DFZ_KEEP_WORK=1.
init_work() {
	WORK=$(mktemp -d "/tmp/dfz-capture-$1.XXXXXX")
	mkdir -p "$PCAP_DIR"
	trap cleanup EXIT
	trap 'exit 130' INT TERM
}

cleanup() {
	local rc=$?
	local pid ns
	for pid in "${_DFZ_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${_DFZ_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	for ns in "${_DFZ_NETNS[@]}"; do
		# Anything still alive in our own namespace was started by us
		# (a daemon that forked despite being told not to).
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	if [[ -n $WORK && ${DFZ_KEEP_WORK:-0} != 1 ]]; then
		rm -rf "$WORK"
	elif [[ -n $WORK ]]; then
		log "kept scratch directory $WORK"
	fi
	exit "$rc"
}

# netns_new NAME: a fresh namespace with loopback up and nothing else.
netns_new() {
	local ns=$1
	if ip netns list | grep -qw "$ns"; then
		die "namespace $ns exists: another capture is running, or a killed one left it (ip netns del $ns)"
	fi
	ip netns add "$ns"
	_DFZ_NETNS+=("$ns")
	ip -n "$ns" link set lo up
}

# veth_pair NS1 IF1 NS2 IF2: a veth pair joining two namespaces, both ends up.
veth_pair() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# bg NS CMD...: start CMD in NS in the background and remember its pid.
# `ip netns exec` execs CMD, so the pid is the daemon's own.
bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" &
	_DFZ_PIDS+=("$!")
	LAST_PID=$!
}

# run NS CMD...: run CMD in NS in the foreground, bounded by a timeout, and
# log (not fail on) a non-zero exit: an error answer is traffic too.
run() {
	local ns=$1
	shift
	local shown="$*"
	[[ -n ${TSIG_SECRET:-} ]] && shown=${shown//"$TSIG_SECRET"/<secret>}
	log "$ns: $shown"
	timeout 20 ip netns exec "$ns" "$@" >>"$WORK/clients.log" 2>&1 || log "  (exit $?)"
}

# ns_reap NS...: end whatever still runs in our namespaces NS (a client
# that forked into the background), by pid.
ns_reap() {
	local ns pid
	for ns in "$@"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -TERM "$pid" 2>/dev/null || true
		done
	done
	sleep 0.5
}

# stop PID: stop one process we started and wait for it.
stop() {
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# capture_start NS IFACE NAME FILTER: tcpdump into $PCAP_DIR/NAME.pcap.
# -n: never resolve addresses; -U: write each packet as it arrives so
# stopping with SIGINT loses nothing.
capture_start() {
	local ns=$1 ifc=$2 name=$3 filter=$4
	local out="$PCAP_DIR/$name.pcap"
	rm -f "$out"
	# On "any", force the Linux cooked v1 header: tcpdump 4.99 defaults to
	# v2 (SLL2), which fewer readers (gopacket among them) decode.
	local link=()
	[[ $ifc == any ]] && link=(-y LINUX_SLL)
	ip netns exec "$ns" tcpdump -n -U -s 0 -i "$ifc" "${link[@]}" -w "$out" "$filter" 2>>"$WORK/tcpdump.log" &
	CAPTURE_PID=$!
	_DFZ_PIDS+=("$CAPTURE_PID")
	# tcpdump opens the file once it is listening.
	local i
	for i in $(seq 50); do
		[[ -s $out ]] && return 0
		sleep 0.1
	done
	die "tcpdump did not start on $ns/$ifc (see $WORK/tcpdump.log)"
}

capture_stop() {
	sleep 0.5
	kill -INT "$CAPTURE_PID" 2>/dev/null || true
	wait "$CAPTURE_PID" 2>/dev/null || true
	log "captured $(tcpdump -n -r "$PCAP_DIR/$1.pcap" 2>/dev/null | wc -l) packets into pcaps/$1.pcap"
}

# provenance NAME SCENARIO IMPL[=MATCH]...: the sidecar the importer
# (importer/main.go) reads: which implementations (with their Debian
# package versions) spoke in pcaps/NAME.pcap, what they were doing, and
# which packets each sent: MATCH is a comma-separated list of "ip:port",
# "ip" or ":port" source endpoints.
provenance() {
	local name=$1 scenario=$2
	shift 2
	{
		printf 'scenario\t%s\n' "$scenario"
		local impl
		for impl in "$@"; do
			if [[ $impl == *=* ]]; then
				printf 'implementation\t%s\t%s\n' "${impl%%=*}" "${impl#*=}"
			else
				printf 'implementation\t%s\n' "$impl"
			fi
		done
	} >"$PCAP_DIR/$name.provenance"
}

# pkgver PACKAGE: the installed Debian version, e.g. "knot 3.2.6-1".
pkgver() {
	local v
	v=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null) || v=unknown
	printf '%s %s' "$1" "$v"
}

# ntpsecver, chronyver: chrony and ntpsec are unpacked, not installed
# (install.sh), so their versions come from the .debs they came from.
ntpsecver() {
	cat "$NTPSEC_ROOT/VERSION" 2>/dev/null || echo "ntpsec unknown"
}
chronyver() {
	cat "$CHRONY_ROOT/VERSION" 2>/dev/null || echo "chrony unknown"
}

# wait_port NS PROTO PORT: wait until something listens on PORT in NS.
wait_port() {
	local ns=$1 proto=$2 port=$3 i
	for i in $(seq 100); do
		if ip netns exec "$ns" ss -Hln"${proto:0:1}" "sport = :$port" | grep -q .; then
			return 0
		fi
		sleep 0.1
	done
	die "nothing listens on $proto/$port in $ns (see logs in $WORK)"
}

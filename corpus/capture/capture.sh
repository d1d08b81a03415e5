#!/usr/bin/env bash
# capture.sh: re-create daemonfuzz's real-traffic seed corpora from scratch.
#
#   sudo corpus/capture/capture.sh [dns|dhcp|ntp|all]   (default: all)
#
# Installs Debian's DNS, DHCP and NTP daemons and clients (install.sh), runs
# them against each other inside network namespaces it creates and removes
# (dns.sh, dhcp.sh, ntp.sh), records the traffic with tcpdump -n into
# corpus/capture/pcaps/, and imports it into corpus/<format>/ with each
# input's provenance (importer/). Needs root (namespaces, packet capture),
# apt and Go. Nothing leaves the machine: every daemon and client runs in a
# namespace with no route out, and no tool resolves names.
#
# Environment: DFZ_NO_INSTALL=1 skips install.sh; DFZ_NO_IMPORT=1 only
# captures; DFZ_KEEP_WORK=1 keeps each script's scratch directory (configs,
# logs, run-time keys) for debugging.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
what=${1:-all}
case $what in
dns | dhcp | ntp) protos=("$what") ;;
all) protos=(dns dhcp ntp) ;;
*)
	echo "usage: $0 [dns|dhcp|ntp|all]" >&2
	exit 2
	;;
esac
[[ $(id -u) == 0 ]] || {
	echo "capture.sh: needs root (network namespaces, tcpdump)" >&2
	exit 1
}

[[ ${DFZ_NO_INSTALL:-0} == 1 ]] || "$here/install.sh"
for p in "${protos[@]}"; do
	"$here/$p.sh"
done
if [[ ${DFZ_NO_IMPORT:-0} != 1 ]]; then
	cd "$root"
	go run ./corpus/capture/importer -replace
fi

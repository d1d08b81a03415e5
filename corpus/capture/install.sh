#!/usr/bin/env bash
# install.sh: install Debian's real DNS, DHCP and NTP daemons and clients,
# and the capture tools, for capture.sh. Idempotent. Services are not
# started by the packages (policy-rc.d / no init); capture.sh runs each
# daemon itself inside its own namespaces.
#
# chrony and ntpsec conflict in Debian (both provide time-daemon), and
# other tools on a shared machine may swap one for the other at any time,
# so neither is installed: both .debs are unpacked into $DFZ_OPT
# (/opt/dfz-chrony, /opt/dfz-ntpsec) with their libraries and ntpq's Python
# module (python3-ntp) installed as ordinary packages. Nothing is started
# as a service.
set -euo pipefail

DFZ_OPT=${DFZ_OPT:-/opt}
export DEBIAN_FRONTEND=noninteractive

PKGS=(
	# capture and namespaces
	tcpdump tshark iproute2 openssl gnutls-bin
	# DNS: three servers, four client stacks
	knot knot-dnsutils nsd unbound dnsmasq-base bind9-dnsutils bind9-utils ldnsutils
	# DHCP: servers, relay and clients
	isc-dhcp-server isc-dhcp-client isc-dhcp-relay kea-dhcp4-server kea-dhcp6-server
	udhcpc busybox dhcpcd-base
	# NTP: ntpdig (ntpsec's SNTP client); chrony and ntpsec below, with
	# their libraries and ntpq's Python module
	ntpsec-ntpdig python3-ntp libbsd0 libssl3 libcap2 libedit2 libgnutls30 libnettle8 libseccomp2
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	apt-get update -qq
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# unpack PACKAGE BINARY: PACKAGE's .deb unpacked into $DFZ_OPT/dfz-PACKAGE,
# its version in VERSION there.
unpack() {
	local pkg=$1 dest=$DFZ_OPT/dfz-$1
	[[ -x $dest/$2 ]] && return 0
	local tmp
	tmp=$(mktemp -d)
	chmod 755 "$tmp" # apt downloads as _apt
	(cd "$tmp" && { apt-get download "$pkg" || { apt-get update -qq && apt-get download "$pkg"; }; })
	mkdir -p "$dest"
	dpkg-deb -x "$tmp/${pkg}_"*.deb "$dest"
	printf '%s %s\n' "$pkg" "$(dpkg-deb -f "$tmp/${pkg}_"*.deb Version)" >"$dest/VERSION"
	rm -rf "$tmp"
}
unpack chrony usr/sbin/chronyd
unpack ntpsec usr/sbin/ntpd
echo "install.sh: all capture tools present"

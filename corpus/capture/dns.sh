#!/usr/bin/env bash
# dns.sh: capture DNS traffic between real, independent implementations.
#
# All of it runs in the namespace dfz-dns, on its loopback only:
#   127.0.0.1  knotd   authoritative: example.test. (ECDSA P-256, NSEC, signed
#                      online by knot) and ed.test. (Ed25519, NSEC3); TSIG key
#                      dfz-tsig for AXFR/IXFR/UPDATE; NOTIFYs nsd.
#   127.0.0.2  nsd     authoritative: nsec3.test. (RSA/SHA-256, NSEC3, signed
#                      by BIND's dnssec-signzone), ldns.test. (ECDSA P-384,
#                      signed by ldns-signzone), and secondary for
#                      example.test. (IXFR/AXFR from knot with TSIG).
#   127.0.0.3  unbound validating resolver, stub zones to knot and nsd,
#                      qname minimisation and 0x20 on.
#   127.0.0.4  dnsmasq forwarder to knot and nsd plus its own local records.
# Clients: dig, delv, nsupdate (BIND 9), kdig, knsupdate (Knot), drill
# (ldns). Every client names its server: none reads resolv.conf, and the
# namespace has no route off its loopback, so a stray query cannot leave. Keys and the TSIG secret are made fresh each run in
# the scratch directory and deleted on exit.
#
# Output: pcaps/dns-<server>.pcap (+ .provenance) and zones/*.zone (zone
# text written by the signers and by dig/kdig AXFR), both imported by
# import.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NS=dfz-dns
# Each implementation sends from its own loopback address, so the importer
# can credit every packet to the one that sent it (pcaps/*.provenance).
DIG=(dig -b 127.0.0.10)    # BIND 9: dig, delv, nsupdate
DELV=(delv -b 127.0.0.10)
KDIG=(kdig -b 127.0.0.11)  # Knot: kdig, knsupdate
DRILL=(drill -I 127.0.0.12) # ldns
ZONES_OUT=${ZONES_DIR:-$CAPTURE_DIR/zones}

setup_keys() {
	TSIG_SECRET=$(openssl rand -base64 32)
	TSIG="hmac-sha256:dfz-tsig.:$TSIG_SECRET"
}

# wait_answer PID SERVER NAME TYPE LOG: wait (at most ~20 s) until the
# daemon PID answers NAME/TYPE at SERVER; fail early if it exits.
wait_answer() {
	local pid=$1 server=$2 name=$3 type=$4 logf=$5 i
	for i in $(seq 40); do
		kill -0 "$pid" 2>/dev/null || die "the daemon at $server exited (see $logf)"
		ip netns exec "$NS" dig +short +norec +time=1 +tries=1 "@$server" "$name" "$type" 2>/dev/null | grep -q . && return 0
		sleep 0.5
	done
	die "$server does not answer $name $type (see $logf)"
}

zone_from_template() { # ORIGIN FILE
	sed "s/@ORIGIN@/$1/g" "$CAPTURE_DIR/dns/zone.tmpl" >"$2"
}

start_knot() {
	local d=$WORK/knot
	mkdir -p "$d/zones" "$d/db"
	zone_from_template example.test. "$d/zones/example.test.zone"
	zone_from_template ed.test. "$d/zones/ed.test.zone"
	cat >"$d/knot.conf" <<CONF
server:
    rundir: "$d"
    listen: [ 127.0.0.1@53 ]
    identity: dfz-knot
    nsid: dfz-knot
    udp-max-payload: 1232
database:
    storage: "$d/db"
log:
  - target: "$d/knot.log"
    any: info
key:
  - id: dfz-tsig.
    algorithm: hmac-sha256
    secret: $TSIG_SECRET
remote:
  - id: nsd
    address: 127.0.0.2@53
    via: 127.0.0.1
    key: dfz-tsig.
acl:
  - id: local
    address: 127.0.0.0/8
    action: [transfer, update]
  - id: tsig
    key: dfz-tsig.
    action: [transfer, update, notify]
policy:
  - id: ecdsa-nsec
    algorithm: ecdsap256sha256
    nsec3: off
  - id: ed25519-nsec3
    algorithm: ed25519
    nsec3: on
    nsec3-iterations: 0
    nsec3-salt-length: 8
template:
  - id: default
    storage: "$d/zones"
    file: "%s.zone"
    journal-content: all
    zonefile-sync: -1
    dnssec-signing: on
    acl: [ tsig, local ]
zone:
  - domain: example.test.
    dnssec-policy: ecdsa-nsec
    notify: nsd
  - domain: ed.test.
    dnssec-policy: ed25519-nsec3
CONF
	bg "$NS" knotd -c "$d/knot.conf"
	KNOT_PID=$LAST_PID
	wait_port "$NS" udp 53
	local i
	for i in $(seq 100); do
		ip netns exec "$NS" knotc -c "$d/knot.conf" zone-status example.test. 2>/dev/null | grep -q 'serial' && break
		sleep 0.1
	done
	# Signing happens at load; wait for the DNSKEY to be served.
	wait_answer "$KNOT_PID" 127.0.0.1 example.test. DNSKEY "$d/knot.log"
}

sign_nsd_zones() {
	local d=$WORK/nsd
	mkdir -p "$d/keys"
	# nsec3.test.: BIND's signer, RSA/SHA-256 KSK+ZSK, NSEC3 with salt.
	zone_from_template nsec3.test. "$d/nsec3.test.zone"
	(
		cd "$d/keys"
		dnssec-keygen -q -a RSASHA256 -b 2048 -f KSK nsec3.test. >/dev/null
		dnssec-keygen -q -a RSASHA256 -b 1024 nsec3.test. >/dev/null
		cat Knsec3.test.*.key >>"$d/nsec3.test.zone"
		dnssec-signzone -q -3 a1b2c3d4 -H 0 -o nsec3.test. -f "$d/nsec3.test.signed" -K "$d/keys" "$d/nsec3.test.zone" >/dev/null
	)
	# ldns.test.: ldns's signer, ECDSA P-384, NSEC.
	zone_from_template ldns.test. "$d/ldns.test.zone"
	(
		cd "$d/keys"
		local k
		k=$(ldns-keygen -a ECDSAP384SHA384 -k ldns.test.)
		cat "$k.key" >>"$d/ldns.test.zone"
		ldns-signzone -o ldns.test. -f "$d/ldns.test.signed" "$d/ldns.test.zone" "$k"
	)
	mkdir -p "$ZONES_OUT"
	cp "$d/nsec3.test.signed" "$ZONES_OUT/nsec3.test.dnssec-signzone.zone"
	cp "$d/ldns.test.signed" "$ZONES_OUT/ldns.test.ldns-signzone.zone"
	provenance_zone nsec3.test.dnssec-signzone "zone signed with RSA/SHA-256 and NSEC3 by dnssec-signzone" "$(pkgver bind9-utils)"
	provenance_zone ldns.test.ldns-signzone "zone signed with ECDSA P-384 and NSEC by ldns-signzone" "$(pkgver ldnsutils)"
}

provenance_zone() { # NAME SCENARIO IMPL...
	local name=$1 scenario=$2
	shift 2
	PCAP_DIR=$ZONES_OUT provenance "$name" "$scenario" "$@"
	mv "$ZONES_OUT/$name.provenance" "$ZONES_OUT/$name.zone.provenance"
}

start_nsd() {
	local d=$WORK/nsd
	cat >"$d/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.2
    port: 53
    username: ""
    chroot: ""
    zonesdir: "$d"
    database: ""
    zonelistfile: "$d/zone.list"
    xfrdfile: "$d/xfrd.state"
    xfrdir: "$d"
    pidfile: "$d/nsd.pid"
    logfile: "$d/nsd.log"
    identity: "dfz-nsd"
    nsid: "ascii_dfz-nsd"
    hide-version: no
    verbosity: 1
remote-control:
    control-enable: no
key:
    name: "dfz-tsig."
    algorithm: hmac-sha256
    secret: "$TSIG_SECRET"
zone:
    name: "nsec3.test."
    zonefile: "nsec3.test.signed"
zone:
    name: "ldns.test."
    zonefile: "ldns.test.signed"
zone:
    name: "example.test."
    zonefile: "example.test.secondary"
    allow-notify: 127.0.0.1 dfz-tsig.
    request-xfr: 127.0.0.1 dfz-tsig.
    outgoing-interface: 127.0.0.2
CONF
	bg "$NS" nsd -d -c "$d/nsd.conf"
	NSD_PID=$LAST_PID
	wait_answer "$NSD_PID" 127.0.0.2 nsec3.test. SOA "$d/nsd.log"
}

start_unbound() {
	local d=$WORK/unbound
	mkdir -p "$d"
	local z
	: >"$d/anchors"
	for z in example.test. ed.test.; do
		ip netns exec "$NS" dig +noall +answer +norec +time=1 +tries=1 @127.0.0.1 "$z" DNSKEY >>"$d/anchors"
	done
	for z in nsec3.test. ldns.test.; do
		ip netns exec "$NS" dig +noall +answer +norec +time=1 +tries=1 @127.0.0.2 "$z" DNSKEY >>"$d/anchors"
	done
	cat >"$d/unbound.conf" <<CONF
server:
    interface: 127.0.0.3
    port: 53
    username: ""
    chroot: ""
    directory: "$d"
    pidfile: "$d/unbound.pid"
    use-syslog: no
    logfile: "$d/unbound.log"
    verbosity: 1
    do-not-query-localhost: no
    outgoing-interface: 127.0.0.3
    # test. is an RFC 6761 name unbound answers NXDOMAIN for by default.
    local-zone: "test." nodefault
    do-ip6: no
    access-control: 127.0.0.0/8 allow
    qname-minimisation: yes
    use-caps-for-id: yes
    harden-referral-path: no
    trust-anchor-file: "$d/anchors"
    val-log-level: 2
    identity: "dfz-unbound"
    nsid: "ascii_dfz-unbound"
    local-zone: "local.test." static
    local-data: "local.test. 300 IN SOA ns.local.test. host.local.test. 1 3600 600 86400 300"
    local-data: "host.local.test. 300 IN A 192.0.2.10"
    local-data: "host.local.test. 300 IN AAAA 2001:db8::10"
    local-data: 'txt.local.test. 300 IN TXT "unbound local data" "two"'
    local-data: "mx.local.test. 300 IN MX 5 host.local.test."
    local-data-ptr: "192.0.2.10 host.local.test."
    local-zone: "refused.test." refuse
    local-zone: "redirect.test." redirect
    local-data: "redirect.test. 300 IN A 192.0.2.11"
    domain-insecure: "local.test."
    domain-insecure: "refused.test."
    domain-insecure: "redirect.test."
stub-zone:
    name: "example.test."
    stub-addr: 127.0.0.1
stub-zone:
    name: "ed.test."
    stub-addr: 127.0.0.1
stub-zone:
    name: "nsec3.test."
    stub-addr: 127.0.0.2
stub-zone:
    name: "ldns.test."
    stub-addr: 127.0.0.2
remote-control:
    control-enable: no
CONF
	bg "$NS" unbound -d -c "$d/unbound.conf"
	UNBOUND_PID=$LAST_PID
	wait_answer "$UNBOUND_PID" 127.0.0.3 host.local.test. A "$d/unbound.log"
}

start_dnsmasq() {
	local d=$WORK/dnsmasq
	mkdir -p "$d"
	bg "$NS" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
		--listen-address=127.0.0.4 --bind-interfaces --port=53 --pid-file="$d/pid" \
		--log-facility="$d/dnsmasq.log" --log-queries \
		--server=/example.test/127.0.0.1@127.0.0.4 --server=/ed.test/127.0.0.1@127.0.0.4 \
		--server=/nsec3.test/127.0.0.2@127.0.0.4 --server=/ldns.test/127.0.0.2@127.0.0.4 \
		--proxy-dnssec \
		--domain=lan.test --local=/lan.test/ \
		--host-record=host.lan.test,192.0.2.20,2001:db8::20 \
		--txt-record=txt.lan.test,"dnsmasq text","second" \
		--srv-host=_ldap._tcp.lan.test,host.lan.test,389,10,5 \
		--mx-host=lan.test,host.lan.test,15 \
		--cname=alias.lan.test,host.lan.test \
		--ptr-record=20.2.0.192.in-addr.arpa,host.lan.test \
		--naptr-record=lan.test,100,10,U,E2U+sip,'!^.*$!sip:a@lan.test!' \
		--caa-record=lan.test,0,issue,ca.example.net \
		--dns-rr=lan.test,99,0a7a \
		--edns-packet-max=1232
	DNSMASQ_PID=$LAST_PID
	wait_answer "$DNSMASQ_PID" 127.0.0.4 host.lan.test. A "$d/dnsmasq.log"
}

# Names and types asked of every authoritative zone Z.
zone_queries() { # Z
	local z=$1
	echo "$z SOA" "$z NS" "$z A" "$z AAAA" "$z MX" "$z TXT" "$z CAA" "$z HINFO" \
		"$z LOC" "$z NAPTR" "$z URI" "$z SSHFP" "$z RP" "$z HTTPS" "$z SVCB" \
		"$z DNSKEY" "$z CDS" "$z CDNSKEY" "$z NSEC3PARAM" "$z ANY" \
		"www.$z A" "x.old.$z A" "_sip._udp.$z SRV" "_443._tcp.www.$z TLSA" \
		"contact.$z TXT" "multi.$z TXT" 'esc\.aped.'"$z TXT" '\@sign.'"$z A" \
		"a.b.wild.$z A" "x.wild.$z TXT" "1.2.0.192.in-addr.$z PTR" "eui.$z EUI48" \
		"eui.$z EUI64" "dhcid.$z DHCID" "pgp.$z OPENPGPKEY" "smime.$z SMIMEA" \
		"kx.$z KX" "cert.$z CERT" "apl.$z APL" "afs.$z AFSDB" "minfo.$z MINFO" \
		"unknown.$z TYPE65280" "unknown.$z TYPE4660" "host.sub.$z A" \
		"nonexistent.$z A" "mail.$z TXT" "ns1.$z AAAA" "svc.$z ANY"
}

# dig_all SERVER ZONE: every zone query with dig, DNSSEC records included.
dig_all() {
	local server=$1 q
	while read -r name type; do
		run "$NS" "${DIG[@]}" +dnssec +norec +nsid "@$server" "$name" "$type"
	done < <(zone_queries "$2" | tr ' ' '\n' | paste -d' ' - -)
}

kdig_all() {
	local server=$1
	while read -r name type; do
		run "$NS" "${KDIG[@]}" +dnssec +norec "@$server" "$name" "$type"
	done < <(zone_queries "$2" | tr ' ' '\n' | paste -d' ' - -)
}

drill_all() {
	local server=$1
	while read -r name type; do
		run "$NS" "${DRILL[@]}" -D "@$server" "$name" "$type"
	done < <(zone_queries "$2" | tr ' ' '\n' | paste -d' ' - -)
}

# edns_and_edge SERVER ZONE: EDNS options, truncation, TCP, odd flags and
# classes, NXDOMAIN, REFUSED, CHAOS.
edns_and_edge() {
	local s=$1 z=$2
	run "$NS" "${DIG[@]}" +cookie +nsid +expire +subnet=192.0.2.0/24 +ednsopt=65001:c0ffee "@$s" "$z" SOA
	run "$NS" "${DIG[@]}" +subnet=2001:db8::/48 +ednsflags=0x4000 "@$s" "www.$z" AAAA
	run "$NS" "${DIG[@]}" +edns=1 +noednsneg "@$s" "$z" SOA
	run "$NS" "${DIG[@]}" +bufsize=1232 +dnssec "@$s" "big.$z" TXT
	run "$NS" "${DIG[@]}" +noedns "@$s" "big.$z" TXT
	run "$NS" "${DIG[@]}" +ignore +noedns "@$s" "big.$z" TXT
	run "$NS" "${DIG[@]}" +tcp +keepalive "@$s" "big.$z" TXT
	run "$NS" "${DIG[@]}" +cd +adflag +dnssec "@$s" "nonexistent.$z" TXT
	run "$NS" "${DIG[@]}" +dnssec +norec "@$s" "a.nonexistent.$z" NSEC
	run "$NS" "${DIG[@]}" +header-only "@$s" "$z" SOA
	run "$NS" "${DIG[@]}" "@$s" -c ANY "$z" SOA
	run "$NS" "${DIG[@]}" "@$s" -c CH version.server TXT
	run "$NS" "${DIG[@]}" "@$s" -c CH id.server TXT
	run "$NS" "${DIG[@]}" "@$s" -c CH hostname.bind TXT
	run "$NS" "${DIG[@]}" "@$s" elsewhere.invalid A
	run "$NS" "${DIG[@]}" "@$s" "$z" TYPE0
	run "$NS" "${KDIG[@]}" +cookie +nsid +padding=256 +subnet=198.51.100.0/24 +keepopen +tcp "@$s" "$z" DNSKEY
	run "$NS" "${KDIG[@]}" +bufsize=512 +dnssec "@$s" "big.$z" TXT
	run "$NS" "${KDIG[@]}" +ignore +bufsize=512 "@$s" "big.$z" TXT
	run "$NS" "${KDIG[@]}" +edns=0 +ednsopt=15:0006 +nocrypto +dnssec "@$s" "x.wild.$z" A
	run "$NS" "${KDIG[@]}" +noidn "@$s" "xn--bcher-kva.$z" A
	run "$NS" "${KDIG[@]}" +zflag +aaflag +tcflag +adflag +cdflag "@$s" "$z" SOA
	run "$NS" "${KDIG[@]}" +badcookie +cookie=0102030405060708 "@$s" "$z" SOA
	run "$NS" "${DRILL[@]}" -t -D "@$s" "big.$z" TXT
	run "$NS" "${DRILL[@]}" -o CD -D "@$s" "$z" DNSKEY
	run "$NS" "${DELV[@]}" +root="$z" +noroot -a /dev/null "@$s" "$z" SOA
}

updates_to_knot() {
	# BIND nsupdate: TSIG-signed adds, a delete and prerequisites.
	run "$NS" nsupdate -y "$TSIG" <<UPD
server 127.0.0.1 53
local 127.0.0.10
zone example.test.
prereq nxdomain added.example.test.
update add added.example.test. 300 IN A 192.0.2.100
update add added.example.test. 300 IN TXT "added by nsupdate"
update add added.example.test. 300 IN AAAA 2001:db8::100
send
prereq yxrrset added.example.test. IN A
update delete added.example.test. TXT
update add _http._tcp.example.test. 300 IN SRV 0 0 80 www.example.test.
send
UPD
	# Unsigned update (allowed by address ACL) and one over TCP.
	run "$NS" nsupdate -v <<UPD
server 127.0.0.1 53
local 127.0.0.10
zone example.test.
update add tcp.example.test. 60 IN CNAME www.example.test.
send
UPD
	# Knot's knsupdate with TSIG.
	run "$NS" knsupdate -y "$TSIG" <<UPD
server 127.0.0.1 53
local 127.0.0.11
zone example.test.
prereq yxdomain www.example.test.
update add knsupdate.example.test. 300 IN TXT "added by knsupdate"
update add knsupdate.example.test. 300 IN MX 5 mail.example.test.
send
update delete tcp.example.test.
send
UPD
	# A refused update: wrong key.
	run "$NS" nsupdate -y "hmac-sha256:wrong-key.:$(openssl rand -base64 32)" <<UPD
server 127.0.0.1 53
local 127.0.0.10
zone example.test.
update add refused.example.test. 300 IN A 192.0.2.102
send
UPD
}

transfers() {
	# AXFR/IXFR from knot, plain and with TSIG, by dig, kdig and drill;
	# the zone text they print is a dns-zone seed.
	mkdir -p "$ZONES_OUT"
	ip netns exec "$NS" "${DIG[@]}" -y "$TSIG" @127.0.0.1 example.test. AXFR >"$ZONES_OUT/example.test.dig-axfr.zone" || true
	ip netns exec "$NS" "${KDIG[@]}" -y "$TSIG" @127.0.0.1 ed.test. AXFR >"$ZONES_OUT/ed.test.kdig-axfr.zone" || true
	run "$NS" "${DIG[@]}" @127.0.0.1 example.test. IXFR=1
	run "$NS" "${KDIG[@]}" -y "$TSIG" @127.0.0.1 example.test. IXFR=2
	run "$NS" "${DRILL[@]}" -t @127.0.0.2 nsec3.test. AXFR
	run "$NS" "${DIG[@]}" @127.0.0.2 ldns.test. AXFR
	# NOTIFY knot → nsd, nsd pulls the zone with TSIG.
	ip netns exec "$NS" knotc -c "$WORK/knot/knot.conf" zone-notify example.test. >/dev/null || true
	sleep 2
	provenance_zone example.test.dig-axfr "AXFR of knot's online-signed zone (ECDSA, NSEC), printed by dig" "$(pkgver bind9-dnsutils)" "$(pkgver knot)"
	provenance_zone ed.test.kdig-axfr "AXFR of knot's online-signed zone (Ed25519, NSEC3), printed by kdig" "$(pkgver knot-dnsutils)" "$(pkgver knot)"
}

main() {
	init_work dns
	setup_keys
	netns_new "$NS"
	KNOT_V=$(pkgver knot) NSD_V=$(pkgver nsd) UNBOUND_V=$(pkgver unbound) DNSMASQ_V=$(pkgver dnsmasq-base)
	DIG_V=$(pkgver bind9-dnsutils) KDIG_V=$(pkgver knot-dnsutils) LDNS_V=$(pkgver ldnsutils)

	start_knot
	sign_nsd_zones
	start_nsd

	capture_start "$NS" lo dns-knot "port 53"
	dig_all 127.0.0.1 example.test.
	kdig_all 127.0.0.1 ed.test.
	drill_all 127.0.0.1 example.test.
	edns_and_edge 127.0.0.1 example.test.
	updates_to_knot
	transfers
	capture_stop dns-knot
	provenance dns-knot "dig, kdig, drill and delv query knot (signed zones, EDNS0, DNSSEC, truncation and TCP retry, CHAOS, errors); nsupdate and knsupdate update it with and without TSIG; AXFR/IXFR; knot NOTIFYs nsd, which transfers with TSIG" \
		"$KNOT_V=127.0.0.1" "$NSD_V=127.0.0.2" "$DIG_V=127.0.0.10" "$KDIG_V=127.0.0.11" "$LDNS_V=127.0.0.12"

	capture_start "$NS" lo dns-nsd "port 53"
	kdig_all 127.0.0.2 nsec3.test.
	dig_all 127.0.0.2 ldns.test.
	edns_and_edge 127.0.0.2 nsec3.test.
	capture_stop dns-nsd
	provenance dns-nsd "dig, kdig, drill and delv query nsd serving zones signed by dnssec-signzone (RSA, NSEC3) and ldns-signzone (ECDSA P-384)" \
		"$NSD_V=127.0.0.2" "$DIG_V=127.0.0.10" "$KDIG_V=127.0.0.11" "$LDNS_V=127.0.0.12"

	start_unbound
	capture_start "$NS" lo dns-unbound "port 53"
	local z
	for z in example.test. nsec3.test. ldns.test. ed.test.; do
		run "$NS" "${DIG[@]}" +dnssec @127.0.0.3 "www.$z" A
		run "$NS" "${DIG[@]}" +dnssec @127.0.0.3 "nonexistent.$z" A
		run "$NS" "${DIG[@]}" +dnssec @127.0.0.3 "x.wild.$z" TXT
		run "$NS" "${KDIG[@]}" +dnssec @127.0.0.3 "$z" MX
		run "$NS" "${KDIG[@]}" +cd +dnssec @127.0.0.3 "_sip._udp.$z" SRV
		run "$NS" "${DIG[@]}" @127.0.0.3 "big.$z" TXT
		run "$NS" "${DIG[@]}" +tcp @127.0.0.3 "$z" HTTPS
		run "$NS" "${DRILL[@]}" -D @127.0.0.3 "x.old.$z" A
	done
	for q in "host.local.test. A" "host.local.test. AAAA" "txt.local.test. TXT" "mx.local.test. MX" \
		"10.2.0.192.in-addr.arpa. PTR" "missing.local.test. A" "x.refused.test. A" "a.redirect.test. A"; do
		run "$NS" "${DIG[@]}" +nsid @127.0.0.3 $q
	done
	capture_stop dns-unbound
	provenance dns-unbound "dig, kdig and drill query unbound, a validating resolver with qname minimisation and 0x20; unbound resolves from knot and nsd" \
		"$UNBOUND_V=127.0.0.3" "$KNOT_V=127.0.0.1" "$NSD_V=127.0.0.2" "$DIG_V=127.0.0.10" "$KDIG_V=127.0.0.11" "$LDNS_V=127.0.0.12"

	start_dnsmasq
	capture_start "$NS" lo dns-dnsmasq "port 53"
	for q in "host.lan.test. A" "host.lan.test. AAAA" "txt.lan.test. TXT" "_ldap._tcp.lan.test. SRV" \
		"lan.test. MX" "alias.lan.test. A" "20.2.0.192.in-addr.arpa. PTR" "lan.test. NAPTR" \
		"lan.test. CAA" "lan.test. TYPE99" "missing.lan.test. A" \
		"www.example.test. A" "x.wild.example.test. TXT" "nonexistent.example.test. A" \
		"nsec3.test. MX" "big.nsec3.test. TXT" "ldns.test. SOA" "ed.test. DNSKEY"; do
		run "$NS" "${DIG[@]}" +dnssec @127.0.0.4 $q
		run "$NS" "${KDIG[@]}" @127.0.0.4 $q
	done
	capture_stop dns-dnsmasq
	provenance dns-dnsmasq "dig and kdig query dnsmasq (local records, forwarding with --proxy-dnssec); dnsmasq forwards to knot and nsd" \
		"$DNSMASQ_V=127.0.0.4" "$UNBOUND_V=127.0.0.3" "$KNOT_V=127.0.0.1" "$NSD_V=127.0.0.2" "$DIG_V=127.0.0.10" "$KDIG_V=127.0.0.11"
	log "dns: done"
}

main "$@"

#!/usr/bin/env bash
# ntp.sh: capture NTP, NTS and NTP management traffic between chrony and
# ntpsec, with neither touching the system clock.
#
# Two namespaces joined by a veth pair, private addresses, no other route:
#   dfz-ntp-c  10.123.0.1  chronyd: NTP server (local stratum 8), NTS-KE
#                          server on 4460/tcp, command port 323/udp; client
#                          of ntpd (plain, symmetric key, NTS)
#   dfz-ntp-n  10.123.0.2  ntpd (ntpsec): NTP server (orphan stratum 8), NTS-KE
#                          server, mode 6 control; client of chronyd
# Clients beside them: chronyc (command protocol), ntpq (mode 6), ntpdig
# (SNTP), chronyd -Q (one-shot). No daemon has any other server.
#
# The clock: chronyd runs with -x (never adjusts it), ntpd with the
# kernel and ntp disciplines disabled, and both without CAP_SYS_TIME
# (setpriv), so even a misconfiguration cannot set the time of the host.
#
# NTS-KE runs over TLS 1.3. chrony (GnuTLS) writes the session secrets to
# SSLKEYLOGFILE, so tshark decrypts the NTS-KE records it exchanged; they
# are written to pcaps/ntske-*.bin (one file per direction per session)
# for import as ntske seeds.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NSC=dfz-ntp-c
NSN=dfz-ntp-n
A=10.123.0.1
B=10.123.0.2
B2=10.123.0.3
NTPD=$NTPSEC_ROOT/usr/sbin/ntpd
NTPQ=$NTPSEC_ROOT/usr/bin/ntpq
CHRONYD=$CHRONY_ROOT/usr/sbin/chronyd
CHRONYC=$CHRONY_ROOT/usr/bin/chronyc
NOCLOCK=(setpriv --inh-caps=-sys_time --bounding-set=-sys_time)

setup_net() {
	netns_new "$NSC"
	netns_new "$NSN"
	veth_pair "$NSC" dfz-ntpc "$NSN" dfz-ntpn
	ip -n "$NSC" addr add "$A/24" dev dfz-ntpc
	ip -n "$NSN" addr add "$B/24" dev dfz-ntpn
	# A second address for ntpd, so chronyd can hold two associations
	# with it (chrony allows one per address).
	ip -n "$NSN" addr add "$B2/24" dev dfz-ntpn
}

setup_keys() {
	local d=$WORK/keys
	mkdir -p "$d"
	SHA1_KEY=$(openssl rand -hex 20)
	AES_KEY=$(openssl rand -hex 16)
	printf '1 SHA1 HEX:%s\n2 AES128 HEX:%s\n' "$SHA1_KEY" "$AES_KEY" >"$d/chrony.keys"
	printf '1 SHA1 %s\n2 AES-128 %s\n' "$SHA1_KEY" "$AES_KEY" >"$d/ntp.keys"
	chmod 600 "$d"/*.keys
	local ip
	for ip in "$A" "$B"; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
			-subj "/CN=$ip" -addext "subjectAltName=IP:$ip" \
			-keyout "$d/$ip.key" -out "$d/$ip.crt" 2>/dev/null
	done
}

# chrony_conf EXTRA...: chronyd's configuration on A, one line per argument.
write_chrony_conf() {
	local d=$WORK/chrony
	mkdir -p "$d"
	chmod 700 "$d" # chronyd refuses a command socket in a group/world-accessible directory
	{
		cat <<CONF
user root
pidfile $d/chronyd.pid
bindaddress $A
bindcmdaddress $A
bindcmdaddress $d/chronyd.sock
cmdport 323
acquisitionport 1123
cmdallow all
allow all
local stratum 8
keyfile $WORK/keys/chrony.keys
ntsserverkey $WORK/keys/$A.key
ntsservercert $WORK/keys/$A.crt
ntstrustedcerts $WORK/keys/$B.crt
ntsdumpdir $d
ntsport 4460
logdir $d
CONF
		printf '%s\n' "$@"
	} >"$d/chrony.conf"
}

write_ntpd_conf() {
	local d=$WORK/ntpd
	mkdir -p "$d"
	{
		cat <<CONF
tos orphan 8
disable kernel
disable ntp
restrict default kod nomodify noquery
restrict $A nomodify
restrict 127.0.0.1
keys $WORK/keys/ntp.keys
trustedkey 1 2
controlkey 1
nts enable
nts cert $WORK/keys/$B.crt
nts key $WORK/keys/$B.key
nts cookie $d/cookies
logfile $d/ntpd.log
statsdir $d/
CONF
		printf '%s\n' "$@"
	} >"$d/ntp.conf"
}

start_chronyd() {
	bg "$NSC" env SSLKEYLOGFILE="$WORK/tls-keys" "${NOCLOCK[@]}" "$CHRONYD" -x -d -f "$WORK/chrony/chrony.conf"
	CHRONYD_PID=$LAST_PID
	wait_port "$NSC" udp 123
}

start_ntpd() {
	bg "$NSN" "${NOCLOCK[@]}" "$NTPD" -n -c "$WORK/ntpd/ntp.conf"
	NTPD_PID=$LAST_PID
	wait_port "$NSN" udp 123
}

# Phase 1: client/server both ways, plain and with symmetric keys (SHA-1
# MAC, AES-128-CMAC), interleaved mode and chrony's extension field, SNTP
# and one-shot clients, broadcasts.
phase_ntp() {
	write_chrony_conf \
		"server $B iburst minpoll 0 maxpoll 0" \
		"server $B2 key 1 iburst minpoll 0 maxpoll 0 xleave" \
		"broadcast 2 10.123.0.255"
	# ntpsec has no broadcast mode; chronyd's broadcasts stand for it.
	write_ntpd_conf "server $A key 2 iburst minpoll 3 maxpoll 3"
	start_chronyd
	start_ntpd
	capture_start "$NSC" dfz-ntpc ntp-chrony-ntpsec "udp port 123"
	sleep 12
	run "$NSN" ntpdig -t 2 "$A"
	run "$NSC" ntpdig -t 2 "$B"
	run "$NSN" ntpdig -t 2 -a 1 -k "$WORK/keys/ntp.keys" "$A"
	run "$NSC" ntpdig -t 2 -a 2 -k "$WORK/keys/ntp.keys" "$B"
	run "$NSN" "${NOCLOCK[@]}" "$CHRONYD" -Q -f /dev/null -t 5 "user root" "acquisitionport 1124" "server $A iburst xleave extfield F323"
	run "$NSN" "${NOCLOCK[@]}" "$CHRONYD" -Q -f /dev/null -t 5 "user root" "acquisitionport 1124" "server $A iburst key 1" "keyfile $WORK/keys/chrony.keys"
	sleep 4
	capture_stop ntp-chrony-ntpsec
	provenance ntp-chrony-ntpsec "chronyd and ntpd (ntpsec) serve each other with no upstream: client/server, SHA-1 and AES-CMAC symmetric keys, interleaved mode, chrony's F323 extension field, broadcasts; ntpdig and chronyd -Q as one-shot clients" \
		"$(chronyver)=$A:123,$A:1123,$B:1124" "$(ntpsecver)=$B:123,$B2:123" "$(pkgver ntpsec-ntpdig)"

	# Management: chronyc over UDP 323 (monitoring commands, plus
	# modifying ones chronyd refuses remotely), ntpq mode 6 with and
	# without the control key.
	capture_start "$NSC" dfz-ntpc ntp-control "udp port 323 or udp port 123"
	run "$NSN" "$CHRONYC" -h "$A" -n -m tracking sources "sources -v" sourcestats activity \
		"ntpdata $B" "ntpdata $B2" serverstats clients "clients -k" authdata selectdata rtcdata smoothing \
		"sourcename $B" "manual list"
	# Modifying commands: chronyd answers "not authorised" over UDP.
	local c
	for c in "burst 1/1" makestep "maxpoll $B 4" "local stratum 9" dump reselect onoffline "offline $B"; do
		run "$NSN" "$CHRONYC" -h "$A" -n "$c"
	done
	run "$NSN" "$NTPQ" -n -c rv -c peers -c associations -c "rv 0 version,stratum,refid" -c "cv" \
		-c sysinfo -c sysstats -c iostats -c timerstats -c monstats -c kerninfo -c authinfo -c ntsinfo "$A"
	run "$NSC" "$NTPQ" -n -c rv -c peers -c lpeers -c associations -c "rv &1" -c "rl &1" -c "readlist" \
		-c sysinfo -c sysstats -c iostats -c timerstats -c monstats -c kerninfo -c authinfo -c ntsinfo \
		-c mrulist -c "mrulist limited" -c ifstats -c reslist "$B"
	run "$NSC" "$NTPQ" -n -k "$WORK/keys/ntp.keys" -a 1 -c ifstats -c reslist -c "config_from_file /dev/null" -c "addvars dfz=1" "$B"
	capture_stop ntp-control
	provenance ntp-control "chronyc queries chronyd's command port; ntpq queries ntpd with mode 6, with and without the control key" \
		"$(chronyver) (chronyd)=$A:323,$A:123,$A:1123" "$(ntpsecver) (ntpd)=$B:123,$B2:123" \
		"$(chronyver) (chronyc)" "$(ntpsecver) (ntpq)"
	stop "$CHRONYD_PID"
	stop "$NTPD_PID"
}

# Phase 2: NTS both ways. chronyd is NTS-KE server for ntpd and NTS
# client of ntpd's NTS-KE server; the NTP packets then carry NTS
# extension fields (unique identifier, cookies, authenticator).
phase_nts() {
	write_chrony_conf "server $B nts iburst minpoll 0 maxpoll 0"
	write_ntpd_conf "server $A nts ca $WORK/keys/$A.crt iburst minpoll 3 maxpoll 3"
	: >"$WORK/tls-keys"
	capture_start "$NSC" dfz-ntpc ntp-nts-tls "udp port 123 or tcp port 4460"
	start_chronyd
	start_ntpd
	sleep 15
	run "$NSN" env SSLKEYLOGFILE="$WORK/tls-keys" "${NOCLOCK[@]}" "$CHRONYD" -Q -f /dev/null -t 8 "user root" "acquisitionport 1124" "server $A nts iburst" "ntstrustedcerts $WORK/keys/$A.crt"
	capture_stop ntp-nts-tls
	# The NTS-KE TCP stream is TLS ciphertext: keep only the NTP packets
	# in the committed pcap, and the full capture in the scratch directory
	# for decryption (the key log is not committed).
	mv "$PCAP_DIR/ntp-nts-tls.pcap" "$WORK/ntp-nts-tls.pcap"
	tcpdump -n -r "$WORK/ntp-nts-tls.pcap" -w "$PCAP_DIR/ntp-nts.pcap" "udp port 123" 2>/dev/null
	provenance ntp-nts "NTS between chronyd and ntpd (ntpsec): NTS-KE over TLS 1.3 on 4460/tcp both ways, then NTS-protected NTP; chronyd -Q as a one-shot NTS client" \
		"$(chronyver)=$A:123,$A:1123,$B:1124" "$(ntpsecver)=$B:123"
	stop "$CHRONYD_PID"
	stop "$NTPD_PID"
	extract_ntske "$WORK/ntp-nts-tls.pcap" ntp-nts
}

# extract_ntske PCAP NAME: decrypt the TLS streams of PCAP with the key
# log and write each NTS-KE message as
# pcaps/ntske-NAME-<stream>-<request|response>.bin.
extract_ntske() {
	local pcap=$1 keys=$WORK/tls-keys
	shift
	[[ -s $keys ]] || { log "no TLS key log: NTS-KE records not extracted"; return 0; }
	rm -f "$PCAP_DIR"/ntske-*.bin "$PCAP_DIR"/ntske-*.bin.provenance
	local streams s
	streams=$(tshark -n -r "$pcap" -Y 'tcp.port == 4460' -T fields -e tcp.stream 2>/dev/null | sort -un)
	for s in $streams; do
		tshark -n -r "$pcap" -o "tls.keylog_file:$keys" -q -z "follow,tls,raw,$s" 2>/dev/null |
			split_follow "$PCAP_DIR/ntske-$1-$s"
		# The server of the stream (the SYN's destination) wrote its response.
		local srv
		srv=$(tshark -n -r "$pcap" -Y "tcp.stream == $s && tcp.flags.syn == 1 && tcp.flags.ack == 0" -T fields -e ip.dst 2>/dev/null | head -1)
		if [[ -f $PCAP_DIR/ntske-$1-$s-response.bin && ($srv == "$A" || $srv == "$B") ]]; then
			local impl
			impl=$([[ $srv == "$A" ]] && chronyver || ntpsecver)
			printf 'scenario\tNTS-KE response of the server at %s, decrypted with chrony'"'"'s TLS key log\nimplementation\t%s\n' "$srv" "$impl" \
				>"$PCAP_DIR/ntske-$1-$s-response.bin.provenance"
		fi
	done
	log "NTS-KE: $(ls "$PCAP_DIR"/ntske-*.bin 2>/dev/null | wc -l) messages decrypted"
	provenance "ntske-$1" "NTS-KE records (RFC 8915) decrypted from the TLS streams captured with pcaps/$1.pcap (not committed) with chrony's TLS key log: requests and responses between chronyd and ntpd (ntpsec)" \
		"$(chronyver)" "$(ntpsecver)"
}

# split_follow PREFIX: read tshark's "follow,tls,raw" text (hex lines,
# one peer's indented with a tab) and write each peer's bytes to
# PREFIX-request.bin or PREFIX-response.bin. tshark's node order is not
# the connection's, so the side is told by content: only a server sends
# New Cookie (type 5) or Error (type 2) records.
split_follow() {
	/usr/bin/python3 -c '
import sys
prefix = sys.argv[1]
peers = {False: bytearray(), True: bytearray()}
for line in sys.stdin:
    if line.startswith("=") or ":" in line or not line.strip():
        continue
    peers[line.startswith("\t")] += bytes.fromhex(line.strip())
def is_response(data):
    i = 0
    while i + 4 <= len(data):
        rtype = int.from_bytes(data[i:i+2], "big") & 0x7fff
        if rtype in (2, 5):
            return True
        i += 4 + int.from_bytes(data[i+2:i+4], "big")
    return False
for data in peers.values():
    if data:
        side = "response" if is_response(data) else "request"
        open(prefix + "-" + side + ".bin", "wb").write(data)
' "$1"
}

main() {
	init_work ntp
	[[ -x $NTPD && -x $CHRONYD ]] || die "chrony/ntpsec not unpacked in $CHRONY_ROOT, $NTPSEC_ROOT: run install.sh"
	setup_net
	setup_keys
	phase_ntp
	phase_nts
	log "ntp: done"
}

main "$@"

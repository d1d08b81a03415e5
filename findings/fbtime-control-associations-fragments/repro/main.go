// Command repro shows that github.com/facebook/time's NTP control (mode 6)
// client lists only part of the associations of a READSTAT response split
// over several fragments: Communicate concatenates every fragment's data but
// keeps the last fragment's header, and GetAssociations reads Count (the
// last fragment's count) instead of the length of the data.
//
// The response is given through NTPClient's io.ReadWriter connection: two
// fragments, the first (More bit set) with associations 1 and 2, the last
// with association 3. Exit status 1 and the evidence when fewer than 3
// associations are listed, 0 when all 3 are.
package main

import (
	"fmt"
	"os"
	"slices"

	"github.com/facebook/time/ntp/control"
)

// conn replays one datagram per Read.
type conn struct{ replies [][]byte }

func (c *conn) Write(p []byte) (int, error) { return len(p), nil }
func (c *conn) Read(p []byte) (int, error) {
	if len(c.replies) == 0 {
		return 0, fmt.Errorf("no more replies")
	}
	n := copy(p, c.replies[0])
	c.replies = c.replies[1:]
	return n, nil
}

func main() {
	c := &conn{replies: [][]byte{
		{0x1e, 0xa1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 8, // response, More, READSTAT; count 8
			0, 1, 0x96, 0x1a, // association 1
			0, 2, 0x94, 0x14}, // association 2
		{0x1e, 0x81, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4, // response, last fragment; count 4
			0, 3, 0x90, 0x14}, // association 3
	}}
	client := control.NTPClient{Sequence: 1, Connection: c}
	msg, err := client.Communicate(&control.NTPControlMsgHead{
		VnMode: control.MakeVnMode(2, control.Mode),
		REMOp:  control.OpReadStatus,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	assocs, err := msg.GetAssociations()
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(2)
	}
	var ids []uint16
	for id := range assocs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []uint16{1, 2, 3}) {
		fmt.Printf("present: a 2-fragment READSTAT response with associations [1 2 3] (data % x) lists %v\n", msg.Data, ids)
		os.Exit(1)
	}
	fmt.Printf("absent: a 2-fragment READSTAT response lists associations %v\n", ids)
}

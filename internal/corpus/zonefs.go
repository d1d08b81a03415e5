package corpus

import (
	"bufio"
	"bytes"
	"strings"
	"testing/fstest"
)

// ZoneFileMarker starts a file of the in-memory file system $INCLUDE sees
// in a dns-zone input (a comment to the zone parser). The text before the
// first marker is the zone file "db.zone".
const ZoneFileMarker = ";; @file "

// ZoneFS splits a dns-zone input at ZoneFileMarker lines into files of an
// fstest.MapFS: a line ";; @file NAME" starts file NAME. It returns the
// file system and the text before the first marker, which is also stored
// as "db.zone" so a zone can $INCLUDE itself (the parser's depth limit
// stops that).
func ZoneFS(data []byte) (fstest.MapFS, []byte) {
	fsys := fstest.MapFS{}
	name, start := "db.zone", 0
	var main []byte
	flush := func(end int) {
		body := data[start:end]
		if main == nil && name == "db.zone" {
			main = body
		}
		fsys[name] = &fstest.MapFile{Data: body, Mode: 0o444}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	off := 0
	for sc.Scan() {
		line := sc.Text()
		lineEnd := off + len(line)
		if lineEnd < len(data) {
			lineEnd++ // the newline
		}
		if strings.HasPrefix(line, ZoneFileMarker) {
			flush(off)
			name, start = strings.TrimSpace(strings.TrimPrefix(line, ZoneFileMarker)), lineEnd
		}
		off = lineEnd
	}
	flush(len(data))
	if main == nil {
		main = []byte{}
	}
	return fsys, main
}

package workdir

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Skipped is a stats line that could not be read.
type Skipped struct {
	Path string
	Line int
	Err  error
}

func (s Skipped) String() string { return fmt.Sprintf("%s:%d: skipped: %v", s.Path, s.Line, s.Err) }

// maxLine bounds one stats line; a longer one is corrupt, not a point.
const maxLine = 64 << 10

// ReadSeries reads a stats time series (one StatPoint per line). A line
// that does not parse, such as the last one of a file cut short by a kill,
// is skipped and reported; every other point is kept.
func ReadSeries(path string) ([]StatPoint, []Skipped, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return readSeries(path, f)
}

func readSeries(path string, r io.Reader) ([]StatPoint, []Skipped, error) {
	var points []StatPoint
	var skipped []Skipped
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, err := readLine(br)
		switch {
		case errors.Is(err, errLineTooLong):
			skipped = append(skipped, Skipped{path, n, err})
			err = nil
		case len(bytes.TrimSpace(line)) > 0:
			var p StatPoint
			if perr := json.Unmarshal(line, &p); perr != nil {
				skipped = append(skipped, Skipped{path, n, perr})
			} else if p.Time.IsZero() {
				skipped = append(skipped, Skipped{path, n, errors.New("point has no time")})
			} else {
				points = append(points, p)
			}
		}
		if err == io.EOF {
			return points, skipped, nil
		}
		if err != nil {
			return points, skipped, fmt.Errorf("read %s: %w", path, err)
		}
	}
}

var errLineTooLong = fmt.Errorf("line longer than %d bytes", maxLine)

// readLine returns the next line without its newline. A line longer than
// maxLine is read to its end and dropped, and reported as errLineTooLong.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong && len(line)+len(chunk) > maxLine+1 {
			tooLong, line = true, nil
		}
		if !tooLong {
			line = append(line, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if tooLong {
			if err == nil {
				err = errLineTooLong
			}
			return nil, err
		}
		return bytes.TrimSuffix(line, []byte("\n")), err
	}
}

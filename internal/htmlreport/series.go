package htmlreport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/run"
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

// ReadSeries reads a stats time series (one run.StatPoint per line). A line
// that does not parse, such as the last one of a file cut short by a kill,
// is skipped and reported; every other point is kept.
func ReadSeries(path string) ([]run.StatPoint, []Skipped, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return readSeries(path, f)
}

func readSeries(path string, r io.Reader) ([]run.StatPoint, []Skipped, error) {
	var points []run.StatPoint
	var skipped []Skipped
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, err := readLine(br)
		switch {
		case errors.Is(err, errLineTooLong):
			skipped = append(skipped, Skipped{path, n, err})
			err = nil
		case len(bytes.TrimSpace(line)) > 0:
			var p run.StatPoint
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

// Plateau says how long a target has gone without a new input. Since is
// the time of the last point that grew the corpus (or the first point, if
// none did), Idle the time from it to the last point.
type Plateau struct {
	Since time.Time
	Idle  time.Duration
}

// FindPlateau returns the plateau at the end of points, which must be in
// time order. A point grows the corpus when its New count rose within its
// run, or when it starts a run with a larger corpus than the last point.
func FindPlateau(points []run.StatPoint) Plateau {
	if len(points) == 0 {
		return Plateau{}
	}
	since := points[0].Time
	for i := 1; i < len(points); i++ {
		prev, p := points[i-1], points[i]
		sameRun := p.Run.Equal(prev.Run)
		if sameRun && p.New > prev.New || !sameRun && (p.New > 0 || p.Corpus > prev.Corpus) {
			since = p.Time
		}
	}
	last := points[len(points)-1].Time
	return Plateau{Since: since, Idle: last.Sub(since)}
}

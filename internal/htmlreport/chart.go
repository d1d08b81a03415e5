package htmlreport

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/daemonfuzz/daemonfuzz/internal/workdir"
)

// Chart sizes: two charts side by side fit a laptop screen.
const (
	chartWidth  = 5.5 * vg.Inch
	chartHeight = 2.6 * vg.Inch
)

// series is one line of a chart: a value of every point, over minutes since
// the first point. Points for which value reports false are left out.
type series struct {
	name  string
	color color.Color
	value func(workdir.StatPoint) (float64, bool)
}

var (
	blue   = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	orange = color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
)

var (
	corpusSeries = series{"corpus entries", blue, func(p workdir.StatPoint) (float64, bool) { return float64(p.Corpus), true }}
	rateSeries   = series{"execs/sec", orange, func(p workdir.StatPoint) (float64, bool) { return p.ExecsPerSec, true }}
)

// chartSVG draws points as a line chart with a marker at every data point and
// returns the SVG element to inline in the page, or "" when no point has a
// value for any of the series.
func chartSVG(title, ylabel string, points []workdir.StatPoint, lines ...series) (template.HTML, error) {
	if len(points) == 0 {
		return "", nil
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "minutes since first point"
	p.Y.Label.Text = ylabel
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	t0 := points[0].Time
	drawn := 0
	for _, s := range lines {
		var xys plotter.XYs
		for _, pt := range points {
			if v, ok := s.value(pt); ok {
				xys = append(xys, plotter.XY{X: pt.Time.Sub(t0).Minutes(), Y: v})
			}
		}
		if len(xys) == 0 {
			continue
		}
		line, marks, err := plotter.NewLinePoints(xys)
		if err != nil {
			return "", fmt.Errorf("chart %q: %w", title, err)
		}
		line.Color = s.color
		marks.Color = s.color
		marks.Radius = vg.Points(2)
		p.Add(line, marks)
		if len(lines) > 1 {
			p.Legend.Add(s.name, line, marks)
		}
		drawn++
	}
	if drawn == 0 {
		return "", nil
	}
	p.Legend.Top = true
	p.Legend.Left = true
	w, err := p.WriterTo(chartWidth, chartHeight, "svg")
	if err != nil {
		return "", fmt.Errorf("chart %q: %w", title, err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("chart %q: %w", title, err)
	}
	svg := buf.Bytes()
	// Inline SVG takes the <svg> element alone, without the XML prolog.
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		svg = svg[i:]
	}
	return template.HTML(svg), nil
}

package htmlreport

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"time"

	"github.com/daemonfuzz/daemonfuzz/internal/atomicfile"
)

//go:embed page.html.tmpl
var pageTemplate string

var tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"svg":  func(s string) template.HTML { return template.HTML(s) },
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"dur":  func(d time.Duration) string { return d.Round(time.Second).String() },
	"pct":  func(f float64) string { return fmt.Sprintf("%.1f%%", f) },
}).Parse(pageTemplate))

// Write renders page as dir/index.html and copies next to it every file
// the page links to, so the directory stands alone. It returns the page's
// path. A linked file that cannot be copied loses its link and gains a note.
func Write(dir string, page *Page) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	for i := range page.Crashes {
		c := &page.Crashes[i]
		c.Report = page.copyLinked(dir, c.Report, c.srcReport)
		c.Input = page.copyLinked(dir, c.Input, c.srcInput)
	}
	for i := range page.Coverage {
		c := &page.Coverage[i]
		if c.srcView != "" {
			c.View = page.copyLinked(dir, c.View, c.srcView)
		}
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, page); err != nil {
		return "", fmt.Errorf("render report page: %w", err)
	}
	path := filepath.Join(dir, "index.html")
	if err := atomicfile.Write(path, buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// copyLinked copies src to dir/rel and returns rel, or "" with a note when
// src cannot be read.
func (p *Page) copyLinked(dir, rel, src string) string {
	data, err := os.ReadFile(src)
	if err == nil {
		err = atomicfile.Write(filepath.Join(dir, filepath.FromSlash(rel)), data, 0o644)
	}
	if err != nil {
		p.note("link left out: %v", err)
		return ""
	}
	return rel
}

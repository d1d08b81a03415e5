package triage

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/daemonfuzz/daemonfuzz/internal/corpusfile"
	"github.com/daemonfuzz/daemonfuzz/internal/crashstore"
	"github.com/daemonfuzz/daemonfuzz/internal/signature"
	"github.com/daemonfuzz/daemonfuzz/internal/target"
)

// IncomingDir is where others leave crashers for the store:
// crashers/_incoming/<FuzzXxx>/<file>, with go test's output beside each as
// <file>.log when they have it.
const IncomingDir = "_incoming"

// ReadInput reads a crasher file from any source: a Go fuzz corpus file
// (decoded to its []byte argument) or raw bytes. A file that starts like a
// Go corpus file but does not decode is an error naming it, never taken as
// raw bytes.
func ReadInput(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file; give the crasher file itself", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if corpusfile.Is(data) || strings.HasPrefix(string(data), "go test fuzz") {
		in, err := corpusfile.Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: looks like a Go fuzz corpus file but does not decode: %w; fix the file, or strip its header to use the bytes raw", path, err)
		}
		return in, nil
	}
	return data, nil
}

// Ingested is one incoming file's fate.
type Ingested struct {
	File  string
	Entry crashstore.Entry
	New   bool
	Err   error // the file was left where it was
}

// Ingest records every crasher under crashers/_incoming and removes each
// one (and its .log) once it is stored. The crash comes from the .log when
// it shows one; otherwise, or when the log only says the fuzz worker died,
// the input is replayed. A file that cannot be read, resolved to a target,
// or shown to crash stays in place with an error.
func (tr *Triager) Ingest(ctx context.Context) []Ingested {
	root := filepath.Join(tr.Store.Root, IncomingDir)
	var files []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".log") || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		files = append(files, p)
		return nil
	})
	sort.Strings(files)
	var out []Ingested
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		in := Ingested{File: f}
		in.Entry, in.New, in.Err = tr.ingestOne(ctx, root, f)
		if in.Err == nil {
			os.Remove(f)
			os.Remove(f + ".log")
		}
		out = append(out, in)
	}
	removeEmptyDirs(root)
	return out
}

// removeEmptyDirs removes the target directories ingestion emptied; the
// _incoming directory itself stays.
func removeEmptyDirs(root string) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range ents {
		if e.IsDir() {
			os.Remove(filepath.Join(root, e.Name())) // fails unless empty
		}
	}
}

// failPkg finds go test's package result lines ("FAIL\t<pkg>\t0.1s").
// The separator is [ \t], not \s: a failing run's log has a bare "FAIL"
// line right before its package line, which \s+ would swallow.
var failPkg = regexp.MustCompile(`(?m)^(?:FAIL|ok|---)[ \t]+(\S+)\s`)

func (tr *Triager) ingestOne(ctx context.Context, root, path string) (crashstore.Entry, bool, error) {
	input, err := ReadInput(path)
	if err != nil {
		return crashstore.Entry{}, false, err
	}
	rel, _ := filepath.Rel(root, path)
	name, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	log, _ := os.ReadFile(path + ".log")
	t, err := tr.resolve(name, log, path)
	if err != nil {
		return crashstore.Entry{}, false, err
	}
	output := log
	kind := ""
	if c, err := signature.Parse(log, ""); err != nil || c.Sig.Kind == signature.KindTerminated {
		o, err := tr.Run(ctx, t, input)
		if err != nil {
			return crashstore.Entry{}, false, fmt.Errorf("%s: %w", path, err)
		}
		if !o.Failed {
			return crashstore.Entry{}, false, fmt.Errorf("%s: its log shows no crash and it does not crash %s now; nothing to store (delete it if it is stale)", path, t.ID())
		}
		output, kind = o.Output, o.Kind
	}
	st, _ := os.Stat(path)
	obs := crashstore.Observe(Ref(t), input, output, kind, "crashers/"+IncomingDir+"/"+filepath.ToSlash(rel), st.ModTime())
	obs.File = true
	e, isNew, err := tr.Store.Record(obs)
	if err != nil {
		return crashstore.Entry{}, false, fmt.Errorf("%s: %w", path, err)
	}
	return e, isNew, nil
}

// resolve finds the target named name; when several packages have a fuzz
// test of that name, the package go test named in the log decides.
func (tr *Triager) resolve(name string, log []byte, path string) (target.Target, error) {
	ts, err := tr.targets()
	if err != nil {
		return target.Target{}, err
	}
	var cands []target.Target
	for _, t := range ts {
		if t.Name == name {
			cands = append(cands, t)
		}
	}
	if len(cands) > 1 {
		for _, m := range failPkg.FindAllSubmatch(log, -1) {
			for _, t := range cands {
				if t.ImportPath == string(m[1]) {
					return t, nil
				}
			}
		}
	}
	switch len(cands) {
	case 1:
		return cands[0], nil
	case 0:
		return target.Target{}, fmt.Errorf("%s: no fuzz test %s in the module; put the file under crashers/%s/<FuzzXxx>/", path, name, IncomingDir)
	}
	return target.Target{}, fmt.Errorf("%s: %d packages have %s and the log does not say which; add its go test output as %s.log", path, len(cands), name, filepath.Base(path))
}

package ossfuzz

import (
	"bytes"
	"fmt"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// Unspell returns src with name no longer spelled out in any comment or
// string literal, and how many it rewrote, without changing what the
// program does: a comment gets "Fuzz Wire" for "FuzzWire", and a string
// literal keeps its value but writes one letter as a \x escape
// ("Fuzz\x57ire"); a raw string literal becomes the equivalent interpreted
// one first. name used as an identifier cannot be unspelled and is an error.
// The string literals of the result are checked to have the values of the
// original's.
func Unspell(src []byte, name string) ([]byte, int, error) {
	if len(name) < 2 {
		return nil, 0, fmt.Errorf("ossfuzz: cannot unspell %q", name)
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	var scanErr error
	s.Init(file, src, func(_ token.Position, msg string) { scanErr = fmt.Errorf("%s", msg) }, scanner.ScanComments)
	var out bytes.Buffer
	last, n := 0, 0
	escaped := name[:1] + `\x` + strconv.FormatInt(int64(name[1]), 16) + name[2:]
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if !strings.Contains(lit, name) {
			continue
		}
		var repl string
		switch tok {
		case token.COMMENT:
			repl = strings.ReplaceAll(lit, name, name[:4]+" "+name[4:])
		case token.STRING:
			text := lit
			if strings.HasPrefix(lit, "`") {
				v, err := strconv.Unquote(lit)
				if err != nil {
					return nil, 0, err
				}
				text = strconv.Quote(v)
			}
			repl = strings.ReplaceAll(text, name, escaped)
		default:
			return nil, 0, fmt.Errorf("%s is spelled in %s %q, not only in comments and strings: rename it", name, tok, lit)
		}
		off := file.Offset(pos)
		out.Write(src[last:off])
		out.WriteString(repl)
		last = off + len(lit)
		n++
	}
	if scanErr != nil {
		return nil, 0, fmt.Errorf("ossfuzz: %w", scanErr)
	}
	out.Write(src[last:])
	res := out.Bytes()
	a, err := stringValues(src)
	if err != nil {
		return nil, 0, err
	}
	b, err := stringValues(res)
	if err != nil || strings.Join(a, "\x00") != strings.Join(b, "\x00") {
		return nil, 0, fmt.Errorf("ossfuzz: unspelling %s changed a string literal (%v); report this", name, err)
	}
	return res, n, nil
}

// stringValues returns the values of every string literal of src, in order.
func stringValues(src []byte) ([]string, error) {
	fset := token.NewFileSet()
	var s scanner.Scanner
	s.Init(fset.AddFile("", fset.Base(), len(src)), src, nil, 0)
	var out []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out, nil
		}
		if tok == token.STRING {
			v, err := strconv.Unquote(lit)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
}

package ossfuzz

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DictPaths returns the dictionaries that apply to a corpus format, most
// specific first: corpus/<format>.dict and the family dictionary
// corpus/<family>.dict, where the family is the format up to its first '-'
// (dns-wire → dns). Only files that exist are returned.
func DictPaths(corpusRoot, format string) ([]string, error) {
	if format == "" {
		return nil, nil
	}
	names := []string{format}
	if fam, _, ok := strings.Cut(format, "-"); ok && fam != "" {
		names = append(names, fam)
	}
	var out []string
	for _, n := range names {
		p := filepath.Join(corpusRoot, n+".dict")
		switch _, err := os.Stat(p); {
		case err == nil:
			out = append(out, p)
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("ossfuzz: dictionary %s: %w", p, err)
		}
	}
	return out, nil
}

// MergeDicts concatenates the dictionaries at paths into one libFuzzer
// dictionary, dropping comments, blank lines and entries whose value an
// earlier entry already has. Every entry is checked with libFuzzer's own
// rules (ParseDictionaryFile), because one bad line makes the fuzzer refuse
// to start; the error names the file and line. It returns nil when the
// dictionaries hold no entries.
func MergeDicts(paths []string) ([]byte, error) {
	var b bytes.Buffer
	seen := map[string]bool{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("ossfuzz: %w", err)
		}
		wrote := false
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			val, err := parseDictEntry(line)
			if err != nil {
				return nil, fmt.Errorf("ossfuzz: %s:%d: %w; libFuzzer would refuse this dictionary", p, i+1, err)
			}
			if seen[val] {
				continue
			}
			seen[val] = true
			if !wrote {
				fmt.Fprintf(&b, "# from %s\n", filepath.Base(p))
				wrote = true
			}
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	if len(seen) == 0 {
		return nil, nil
	}
	return b.Bytes(), nil
}

// parseDictEntry decodes one dictionary line, `name="value"` or `"value"`,
// the way libFuzzer's ParseOneDictionaryEntry does: the value lies between
// the first and the last '"', and inside it only \\, \" and \xHH escapes are
// allowed.
func parseDictEntry(line string) (string, error) {
	start := strings.IndexByte(line, '"')
	if start < 0 || len(line) < start+2 || line[len(line)-1] != '"' {
		return "", fmt.Errorf("entry %.40q is not name=\"value\" or \"value\"", line)
	}
	if name := strings.TrimSuffix(line[:start], "="); strings.ContainsAny(name, " \t=\"") {
		return "", fmt.Errorf("entry %.40q has a malformed name", line)
	}
	raw := line[start+1 : len(line)-1]
	var out []byte
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 >= len(raw) {
			return "", fmt.Errorf("entry %.40q ends in a lone backslash", line)
		}
		switch raw[i+1] {
		case '\\', '"':
			out = append(out, raw[i+1])
			i++
		case 'x':
			if i+3 >= len(raw) {
				return "", fmt.Errorf("entry %.40q has a short \\x escape", line)
			}
			var v byte
			for _, h := range raw[i+2 : i+4] {
				d, ok := hexVal(byte(h))
				if !ok {
					return "", fmt.Errorf("entry %.40q has a bad \\x escape", line)
				}
				v = v<<4 | d
			}
			out = append(out, v)
			i += 3
		default:
			return "", fmt.Errorf("entry %.40q has an escape other than \\\\, \\\" or \\xHH", line)
		}
	}
	return string(out), nil
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

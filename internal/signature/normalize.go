package signature

import (
	"regexp"
	"strings"
)

// rule is one row of the message normalisation table: every match of re is
// replaced by repl.
type rule struct {
	re   *regexp.Regexp
	repl string
}

// rules normalise a panic or failure message so that the same bug reached
// with different inputs prints the same text. Order matters only for
// readability of the result: Normalize applies the whole table until the
// message stops changing.
var rules = []rule{
	// The testing package's and the runtime's re-panic markers.
	{regexp.MustCompile(`\s*\[recovered(, repanicked)?\]`), ""},
	// Index and slice expressions carry the offending values.
	{regexp.MustCompile(`index out of range \[[^\]]*\] with length \d+`), "index out of range"},
	{regexp.MustCompile(`index out of range \[[^\]]*\]`), "index out of range"},
	{regexp.MustCompile(`slice bounds out of range \[[^\]]*\]( with (length|capacity) \d+)?`), "slice bounds out of range"},
	// Conversions of a slice to an array pointer or array.
	{regexp.MustCompile(`cannot convert slice with length -?\d+ to (array or pointer to )?array with length -?\d+`), "cannot convert slice to array"},
	// Addresses and pointers, in any position.
	{regexp.MustCompile(`\b0x[0-9a-fA-F]+\b`), "ADDR"},
	// Goroutine ids.
	{regexp.MustCompile(`goroutine \d+`), "goroutine N"},
	// Quoted strings in messages usually quote the input.
	{regexp.MustCompile(`"(?:[^"\\]|\\.)*"`), `"S"`},
	{regexp.MustCompile("`[^`]*`"), `"S"`},
	// Any other number: lengths, offsets, counts, sizes, durations.
	{regexp.MustCompile(`(^|[^A-Za-z0-9_.])-?\d+(\.\d+)?([a-zµ]{0,2}s)?\b`), "${1}N"},
	// Runs of whitespace, including newlines inside multi-line messages.
	{regexp.MustCompile(`\s+`), " "},
}

// maxMessage bounds a normalised message: a runaway message (a whole
// packet dumped by %v) must not make every crash its own bug.
const maxMessage = 200

// Normalize applies the normalisation table to msg until it is stable and
// trims the result.
func Normalize(msg string) string {
	for range 10 {
		next := msg
		for _, r := range rules {
			next = r.re.ReplaceAllString(next, r.repl)
		}
		if next == msg {
			break
		}
		msg = next
	}
	msg = strings.TrimSpace(msg)
	if len(msg) > maxMessage {
		msg = msg[:maxMessage]
	}
	return msg
}

// fieldIndex matches the indexes of a selector path: Answer[3].Hdr.
var fieldIndex = regexp.MustCompile(`\[[^\]]*\]`)

// NormalizeField strips indexes from an oracle's field path, so the same
// disagreement in the third record and the thirtieth is one bug:
// "Answer[3].Hdr" becomes "Answer.Hdr".
func NormalizeField(field string) string {
	return fieldIndex.ReplaceAllString(field, "")
}

var (
	// A value dump ends the words of a detail: a comparison, a quoted or
	// bracketed value, a hex dump of the packet.
	detailValues = regexp.MustCompile("!=|==|[\\[{\"`]|\\(wire ")
	hexRun       = regexp.MustCompile(`\b[0-9a-fA-F]{16,}\b`)
	// A detail left with placeholders and punctuation only carries no words.
	placeholders = regexp.MustCompile(`\b(N|ADDR|HEX)\b|[^A-Za-z]`)
)

// maxDetail bounds the deciding detail of an oracle signature.
const maxDetail = 100

// OracleDetail is the deciding part of an oracle violation's Detail: its
// first line up to the first value it prints (a comparison, a quoted or
// bracketed value, a hex dump), normalised like a panic message. What is
// left is the step and the error that tells two root causes apart, for
// example "packed message does not unpack: dns: domain name exceeded N
// wire-format octets". A detail that is only values ("0x3 != 0x4") gives "".
func OracleDetail(detail string) string {
	detail, _, _ = strings.Cut(detail, "\n")
	if loc := detailValues.FindStringIndex(detail); loc != nil {
		detail = detail[:loc[0]]
	}
	detail = hexRun.ReplaceAllString(detail, "HEX")
	detail = strings.TrimRight(Normalize(detail), " :,;(")
	if placeholders.ReplaceAllString(detail, "") == "" {
		return ""
	}
	if len(detail) > maxDetail {
		detail = strings.TrimSpace(detail[:maxDetail])
	}
	return detail
}

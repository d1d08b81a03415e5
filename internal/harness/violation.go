package harness

import "fmt"

// Violation is an oracle failure: the input was accepted but broke a
// property the target checks. Its text is a stable contract with triage:
//
//	oracle <Oracle> violated at <Field>: <Detail>
//
// Oracle names the property ("roundtrip", "differential", "invariant", ...)
// and Field the first thing that disagreed, written as a Go selector path
// ("Answer[0].Hdr.Ttl"); triage strips indexes and builds the crash signature
// from the two, so Detail can carry the values freely.
type Violation struct {
	Oracle string
	Field  string
	Detail string
}

func (v *Violation) Error() string {
	return fmt.Sprintf("oracle %s violated at %s: %s", v.Oracle, v.Field, v.Detail)
}

// Violated returns a *Violation with a formatted detail.
func Violated(oracle, field, format string, args ...any) error {
	return &Violation{Oracle: oracle, Field: field, Detail: fmt.Sprintf(format, args...)}
}

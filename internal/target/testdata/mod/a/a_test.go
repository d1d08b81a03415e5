package a

import (
	tt "testing"

	"example.com/toy/harness"
)

func FuzzSeeded(f *tt.F) {
	harness.Seed(f, "dns-wire", []byte("x"))
	f.Fuzz(func(t *tt.T, b []byte) {})
}

// FuzzDirective declares its corpus in a comment.
//
//daemonfuzz:corpus ntp
func FuzzDirective(f *tt.F) { f.Fuzz(func(t *tt.T, b []byte) {}) }

func Fuzzlower(f *tt.F)        {} // not a fuzz test: lowercase after Fuzz
func FuzzWrongParam(t *tt.T)   {} // not a fuzz test: *testing.T
func (x T) FuzzMethod(f *tt.F) {} // not a fuzz test: a method
func FuzzTwo(f *tt.F, n int)   {} // not a fuzz test: two params
func TestPlain(t *tt.T)        {}
func Fuzz(f *tt.F)             {} // the bare name is a fuzz test
type T struct{}

// Package bugs is a library with many shallow bugs and one deep one, for
// fuzzrun's test that a run keeps searching past what it has found: the
// first byte of an input picks one of 32 shallow bugs (26 panics, 6
// failures the fuzz test reports with t.Fatalf, as a round-trip check
// would), and the deep bug needs the five bytes "!deep" in a row.
package bugs

import "errors"

// Parse returns an error for the shallow failures and panics for the rest.
func Parse(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case 'a':
		alpha()
	case 'b':
		bravo()
	case 'c':
		charlie()
	case 'd':
		delta()
	case 'e':
		echo()
	case 'f':
		foxtrot()
	case 'g':
		golf()
	case 'h':
		hotel()
	case 'i':
		india()
	case 'j':
		juliet()
	case 'k':
		kilo()
	case 'l':
		lima()
	case 'm':
		mike()
	case 'n':
		november()
	case 'o':
		oscar()
	case 'p':
		papa()
	case 'q':
		quebec()
	case 'r':
		romeo()
	case 's':
		sierra()
	case 't':
		tango()
	case 'u':
		uniform()
	case 'v':
		victor()
	case 'w':
		whiskey()
	case 'x':
		xray()
	case 'y':
		yankee()
	case 'z':
		zulu()
	case 'A':
		return errors.New("amber does not round-trip")
	case 'B':
		return errors.New("basalt does not round-trip")
	case 'C':
		return errors.New("cobalt does not round-trip")
	case 'D':
		return errors.New("dolomite does not round-trip")
	case 'E':
		return errors.New("emerald does not round-trip")
	case 'F':
		return errors.New("flint does not round-trip")
	case '!':
		return deep(b[1:])
	}
	return nil
}

func deep(b []byte) error {
	if len(b) > 0 && b[0] == 'd' {
		if len(b) > 1 && b[1] == 'e' {
			if len(b) > 2 && b[2] == 'e' {
				if len(b) > 3 && b[3] == 'p' {
					panic("the deep bug")
				}
			}
		}
	}
	return nil
}

func alpha() { panic("alpha broke") }

func bravo() { panic("bravo broke") }

func charlie() { panic("charlie broke") }

func delta() { panic("delta broke") }

func echo() { panic("echo broke") }

func foxtrot() { panic("foxtrot broke") }

func golf() { panic("golf broke") }

func hotel() { panic("hotel broke") }

func india() { panic("india broke") }

func juliet() { panic("juliet broke") }

func kilo() { panic("kilo broke") }

func lima() { panic("lima broke") }

func mike() { panic("mike broke") }

func november() { panic("november broke") }

func oscar() { panic("oscar broke") }

func papa() { panic("papa broke") }

func quebec() { panic("quebec broke") }

func romeo() { panic("romeo broke") }

func sierra() { panic("sierra broke") }

func tango() { panic("tango broke") }

func uniform() { panic("uniform broke") }

func victor() { panic("victor broke") }

func whiskey() { panic("whiskey broke") }

func xray() { panic("xray broke") }

func yankee() { panic("yankee broke") }

func zulu() { panic("zulu broke") }

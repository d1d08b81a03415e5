// Package toy is a tiny parser with distinct paths per input shape, for
// coverage tests.
package toy

import (
	"errors"
	"time"
)

// Parse walks a different branch for each leading byte, panics on "!!"
// and hangs on "hh".
func Parse(data []byte) error {
	if len(data) == 0 {
		return errors.New("empty")
	}
	switch data[0] {
	case 'a':
		if len(data) > 1 && data[1] == 'b' {
			return nil
		}
		return errors.New("a")
	case 'c':
		n := 0
		for _, b := range data {
			if b == 'c' {
				n++
			}
		}
		if n > 2 {
			return nil
		}
	case '!':
		if len(data) > 1 && data[1] == '!' {
			panic("toy: double bang")
		}
	case 'f':
		return errors.New("oracle toy violated at F: planted")
	case 'h':
		for len(data) > 1 && data[1] == 'h' {
			time.Sleep(time.Second) // a planted hang
		}
	}
	return nil
}

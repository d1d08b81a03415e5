package dnsmessagefuzz

import (
	"fmt"
	"reflect"
)

// firstDiff walks a and b (values of the same type) and returns the Go
// selector path of the first field that differs, relative to prefix, with
// the two values rendered, or ok when they are equal. Equality is
// reflect.DeepEqual except that a nil and an empty slice are equal:
// Message.Unpack returns empty sections where a caller building a message
// leaves them nil, and nothing on the wire tells them apart. (fuzz/dns has
// the same walk for miekg/dns values; the two suites share no code so each
// can be built and read alone.)
func firstDiff(prefix string, a, b any) (path, detail string, ok bool) {
	if reflect.DeepEqual(a, b) {
		return "", "", true
	}
	path, detail, found := walkDiff(prefix, reflect.ValueOf(a), reflect.ValueOf(b))
	return path, detail, !found
}

func walkDiff(path string, a, b reflect.Value) (string, string, bool) {
	if !a.IsValid() || !b.IsValid() || a.Type() != b.Type() {
		if !a.IsValid() && !b.IsValid() {
			return "", "", false
		}
		return path, fmt.Sprintf("%s != %s", describe(a), describe(b)), true
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() && b.IsNil() {
				return "", "", false
			}
			return path, fmt.Sprintf("%s != %s", describe(a), describe(b)), true
		}
		if a.Kind() == reflect.Interface {
			ea, eb := a.Elem(), b.Elem()
			if ea.Type() != eb.Type() {
				return path, fmt.Sprintf("%s != %s", ea.Type(), eb.Type()), true
			}
			t := ea.Type()
			if t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			return walkDiff(path+"."+t.Name(), ea, eb)
		}
		return walkDiff(path, a.Elem(), b.Elem())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if p, d, found := walkDiff(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i)); found {
				return p, d, true
			}
		}
		return "", "", false
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return "len(" + path + ")", fmt.Sprintf("%d != %d: %s != %s", a.Len(), b.Len(), describe(a), describe(b)), true
		}
		for i := 0; i < a.Len(); i++ {
			if p, d, found := walkDiff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); found {
				return p, d, true
			}
		}
		return "", "", false
	}
	if fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b) {
		return "", "", false
	}
	return path, fmt.Sprintf("%s != %s", describe(a), describe(b)), true
}

func describe(v reflect.Value) string {
	if !v.IsValid() {
		return "<absent>"
	}
	s := fmt.Sprintf("%#v", v)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

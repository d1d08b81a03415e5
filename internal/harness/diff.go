package harness

import (
	"fmt"
	"reflect"
)

// FirstDiff walks a and b (values of the same type) and returns the Go
// selector path of the first field that differs, relative to prefix, with
// the two values rendered for the violation's detail. It returns ok when
// they are equal. Unexported fields are compared too, and interfaces are
// followed to their dynamic values, named in the path
// ("Answer[0].URI.Target") so triage knows the record type.
//
// Equality is reflect.DeepEqual except that a nil and an empty slice are
// equal: decoders, Copy and builders each pick one or the other for "no
// records", "no options", "no bitmap", and nothing on the wire or in
// presentation form tells them apart. Every oracle that compares two
// decoded values (fuzz/dns, fuzz/dnsmessage) reports its first difference
// with it, so their Field paths read alike.
func FirstDiff(prefix string, a, b any) (path, detail string, ok bool) {
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
	case reflect.Bool:
		if a.Bool() == b.Bool() {
			return "", "", false
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() == b.Int() {
			return "", "", false
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if a.Uint() == b.Uint() {
			return "", "", false
		}
	case reflect.String:
		if a.String() == b.String() {
			return "", "", false
		}
	case reflect.Map, reflect.Func, reflect.Chan:
		// DNS values hold none of these; compare their rendering.
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

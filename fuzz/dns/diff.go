package dnsfuzz

import (
	"fmt"
	"reflect"
)

// firstDiff walks a and b (values of the same type) and returns the Go
// selector path of the first field that differs, relative to prefix, with
// the two values rendered for the violation's detail. It returns ok when
// they are deeply equal. Unexported fields are compared too (reflect reads
// them), so a difference hidden inside a library-private field is still
// found; interfaces are followed to their dynamic values.
func firstDiff(prefix string, a, b any) (path, detail string, ok bool) {
	if reflect.DeepEqual(a, b) {
		return "", "", true
	}
	path, detail = walkDiff(prefix, reflect.ValueOf(a), reflect.ValueOf(b))
	return path, detail, false
}

func walkDiff(path string, a, b reflect.Value) (string, string) {
	if !a.IsValid() || !b.IsValid() || a.Type() != b.Type() {
		return path, fmt.Sprintf("%s != %s", describe(a), describe(b))
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return path, fmt.Sprintf("%s != %s", describe(a), describe(b))
		}
		if a.Kind() == reflect.Interface {
			// Name the dynamic type, so "Answer[0].URI.Target" tells
			// triage which record type disagreed.
			ea, eb := a.Elem(), b.Elem()
			if ea.Type() != eb.Type() {
				return path, fmt.Sprintf("%s != %s", ea.Type(), eb.Type())
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
			fa, fb := a.Field(i), b.Field(i)
			if !deepEqualValues(fa, fb) {
				return walkDiff(path+"."+a.Type().Field(i).Name, fa, fb)
			}
		}
	case reflect.Slice, reflect.Array:
		if a.Kind() == reflect.Slice && (a.IsNil() != b.IsNil()) && a.Len() == 0 && b.Len() == 0 {
			return path, fmt.Sprintf("nil != empty (%s vs %s)", describe(a), describe(b))
		}
		if a.Len() != b.Len() {
			return "len(" + path + ")", fmt.Sprintf("%d != %d: %s != %s", a.Len(), b.Len(), describe(a), describe(b))
		}
		for i := 0; i < a.Len(); i++ {
			if !deepEqualValues(a.Index(i), b.Index(i)) {
				return walkDiff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i))
			}
		}
	case reflect.Map:
		// DNS values hold no maps; render and stop.
	}
	return path, fmt.Sprintf("%s != %s", describe(a), describe(b))
}

// deepEqualValues is reflect.DeepEqual for values that may come from
// unexported fields (which Interface() refuses).
func deepEqualValues(a, b reflect.Value) bool {
	if !a.CanInterface() || !b.CanInterface() {
		// fmt renders unexported values through reflection, which is
		// enough to locate the differing field.
		return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
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

package ci

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Status is what the status functions of an if: condition see: whether an
// earlier step (or needed job) failed.
type Status struct{ Failed bool }

// Eval evaluates a GitHub Actions expression (the text inside ${{ }}, or a
// bare if: condition) over contexts (github, inputs, matrix, steps, needs,
// secrets, ...). It knows the subset the repository's workflows use:
// property paths, 'string' and number literals, true/false/null, !, ==, !=,
// && and || with the language's short-circuit values, parentheses, and the
// functions fromJSON, always, success, failure and cancelled. Anything else
// is an error, so a workflow that grows past the subset fails the test that
// runs it instead of being run wrongly.
func Eval(expr string, contexts map[string]any, st Status) (any, error) {
	p := &exprParser{src: expr, ctx: contexts, st: st}
	p.next()
	v, err := p.or()
	if err != nil {
		return nil, fmt.Errorf("expression %q: %w", expr, err)
	}
	if p.tok != "" {
		return nil, fmt.Errorf("expression %q: unexpected %q", expr, p.tok)
	}
	return v, nil
}

var interpolation = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

// Interpolate replaces every ${{ expr }} in s by the expression's value as
// a string, as GitHub does in with:, env: and key: values.
func Interpolate(s string, contexts map[string]any, st Status) (string, error) {
	var firstErr error
	out := interpolation.ReplaceAllStringFunc(s, func(m string) string {
		v, err := Eval(interpolation.FindStringSubmatch(m)[1], contexts, st)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return String(v)
	})
	return out, firstErr
}

// String converts a value to a string as GitHub's expressions do: null is
// empty, objects and arrays are JSON.
func String(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// Truthy is the language's truthiness: false, 0, "" and null are false.
func Truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		return v != ""
	case float64:
		return v != 0
	}
	return true
}

type exprParser struct {
	src string
	tok string
	ctx map[string]any
	st  Status
}

var exprToken = regexp.MustCompile(`^\s*('(?:[^']|'')*'|\|\||&&|==|!=|[!().,]|[A-Za-z_][A-Za-z0-9_-]*|[0-9]+(?:\.[0-9]+)?)`)

func (p *exprParser) next() {
	m := exprToken.FindStringSubmatch(p.src)
	if m == nil {
		p.tok = strings.TrimSpace(p.src) // "" at the end; garbage is reported by the caller
		p.src = ""
		return
	}
	p.tok, p.src = m[1], p.src[len(m[0]):]
}

func (p *exprParser) or() (any, error) {
	v, err := p.and()
	for err == nil && p.tok == "||" {
		p.next()
		var r any
		if r, err = p.and(); !Truthy(v) {
			v = r
		}
	}
	return v, err
}

func (p *exprParser) and() (any, error) {
	v, err := p.cmp()
	for err == nil && p.tok == "&&" {
		p.next()
		var r any
		if r, err = p.cmp(); Truthy(v) {
			v = r
		}
	}
	return v, err
}

func (p *exprParser) cmp() (any, error) {
	v, err := p.unary()
	for err == nil && (p.tok == "==" || p.tok == "!=") {
		op := p.tok
		p.next()
		var r any
		if r, err = p.unary(); err == nil {
			eq := String(v) == String(r) && fmt.Sprintf("%T", v) == fmt.Sprintf("%T", r) ||
				v == nil && r == "" || v == "" && r == nil
			v = eq == (op == "==")
		}
	}
	return v, err
}

func (p *exprParser) unary() (any, error) {
	if p.tok == "!" {
		p.next()
		v, err := p.unary()
		return !Truthy(v), err
	}
	return p.primary()
}

func (p *exprParser) primary() (any, error) {
	tok := p.tok
	switch {
	case tok == "":
		return nil, fmt.Errorf("unexpected end")
	case tok == "(":
		p.next()
		v, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.tok != ")" {
			return nil, fmt.Errorf("missing )")
		}
		p.next()
		return v, nil
	case tok[0] == '\'':
		p.next()
		return strings.ReplaceAll(tok[1:len(tok)-1], "''", "'"), nil
	case tok[0] >= '0' && tok[0] <= '9':
		p.next()
		return strconv.ParseFloat(tok, 64)
	case tok == "true" || tok == "false":
		p.next()
		return tok == "true", nil
	case tok == "null":
		p.next()
		return nil, nil
	}
	if !regexp.MustCompile(`^[A-Za-z_]`).MatchString(tok) {
		return nil, fmt.Errorf("unexpected %q", tok)
	}
	p.next()
	if p.tok == "(" {
		return p.call(tok)
	}
	v, ok := p.ctx[tok]
	if !ok {
		return nil, fmt.Errorf("unknown context %q", tok)
	}
	for p.tok == "." {
		p.next()
		name := p.tok
		p.next()
		m, isMap := v.(map[string]any)
		if !isMap && v != nil {
			return nil, fmt.Errorf("property %q of a %T", name, v)
		}
		v = m[name] // a missing property is null, as on GitHub
	}
	return v, nil
}

func (p *exprParser) call(name string) (any, error) {
	p.next() // (
	var args []any
	for p.tok != ")" {
		v, err := p.or()
		if err != nil {
			return nil, err
		}
		args = append(args, v)
		if p.tok == "," {
			p.next()
		} else if p.tok != ")" {
			return nil, fmt.Errorf("%s(: unexpected %q", name, p.tok)
		}
	}
	p.next()
	switch {
	case name == "fromJSON" && len(args) == 1:
		var v any
		if err := json.Unmarshal([]byte(String(args[0])), &v); err != nil {
			return nil, fmt.Errorf("fromJSON: %w", err)
		}
		return v, nil
	case name == "always" && len(args) == 0:
		return true, nil
	case name == "cancelled" && len(args) == 0:
		return false, nil
	case name == "success" && len(args) == 0:
		return !p.st.Failed, nil
	case name == "failure" && len(args) == 0:
		return p.st.Failed, nil
	}
	return nil, fmt.Errorf("function %s with %d arguments is not supported", name, len(args))
}

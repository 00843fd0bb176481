package reports

import (
	"bytes"
	"slices"
	"unicode/utf8"

	"github.com/casebook-dev/casebook/internal/secret"
)

// canonicalJSON appends body as the JSON report writes a body it has
// decoded: compact, each object's members sorted by name, strings and
// numbers as they are, and, when redact is set, the non-empty string of
// a member named like a credential at any depth replaced by
// secret.Redacted (redactValue). It reports false, having appended
// nothing, for what it leaves to that slower path: a body that is not an
// object or an array surrounded by JSON's spaces, a string with an escape
// or a character encoding/json would escape (control characters, U+2028,
// U+2029) or invalid UTF-8, an object naming a member twice, nesting
// deeper than 100, anything not JSON. For the rest, what it appends is
// byte for byte what encoding/json writes for the decoded value
// (FuzzCanonicalJSON), without building that value.
func canonicalJSON(dst, body []byte, redact bool) ([]byte, bool) {
	p := jsonBodyParser{src: body, redact: redact}
	p.space()
	if p.i == len(p.src) || (p.src[p.i] != '{' && p.src[p.i] != '[') {
		return dst, false
	}
	start := len(dst)
	out, ok := p.value(dst, 0)
	p.space()
	if !ok || p.i != len(p.src) {
		return dst[:start], false
	}
	return out, true
}

type jsonBodyParser struct {
	src    []byte
	i      int
	redact bool
	// members is scratch for each object's members, reused by depth.
	members [][]jsonMember
}

// jsonMember is an object member: its name (as in the source, which has
// no escapes) and where its value lies in the output.
type jsonMember struct {
	name       []byte
	start, end int
}

const maxCanonicalDepth = 100

func (p *jsonBodyParser) space() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonBodyParser) value(dst []byte, depth int) ([]byte, bool) {
	if p.i == len(p.src) || depth > maxCanonicalDepth {
		return dst, false
	}
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object(dst, depth+1)
	case c == '[':
		return p.array(dst, depth+1)
	case c == '"':
		s, ok := p.str()
		return append(dst, s...), ok
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(dst)
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.src[p.i:], []byte(lit)) {
				p.i += len(lit)
				return append(dst, lit...), true
			}
		}
		return dst, false
	}
}

// str reads a string that encoding/json would write back as it is: its
// quotes included.
func (p *jsonBodyParser) str() ([]byte, bool) {
	start := p.i
	p.i++
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return p.src[start:p.i], true
		case c == '\\' || c < 0x20:
			return nil, false
		case c < utf8.RuneSelf:
			p.i++
		default:
			r, size := utf8.DecodeRune(p.src[p.i:])
			if r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
				return nil, false
			}
			p.i += size
		}
	}
	return nil, false
}

// number reads a number as JSON's grammar has it.
func (p *jsonBodyParser) number(dst []byte) ([]byte, bool) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.src[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.src) && p.src[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return dst, false
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return dst, false
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return dst, false
		}
	}
	return append(dst, p.src[start:p.i]...), true
}

func (p *jsonBodyParser) array(dst []byte, depth int) ([]byte, bool) {
	p.i++ // [
	dst = append(dst, '[')
	p.space()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		return append(dst, ']'), true
	}
	for {
		var ok bool
		if dst, ok = p.value(dst, depth); !ok {
			return dst, false
		}
		p.space()
		if p.i == len(p.src) {
			return dst, false
		}
		switch p.src[p.i] {
		case ',':
			p.i++
			p.space()
			dst = append(dst, ',')
		case ']':
			p.i++
			return append(dst, ']'), true
		default:
			return dst, false
		}
	}
}

// object writes each member's value past dst's end as it comes, then
// moves the values into place behind their names, sorted.
func (p *jsonBodyParser) object(dst []byte, depth int) ([]byte, bool) {
	p.i++ // {
	p.space()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		return append(dst, '{', '}'), true
	}
	for len(p.members) <= depth {
		p.members = append(p.members, nil)
	}
	ms := p.members[depth][:0]
	start := len(dst)
	for {
		if p.i == len(p.src) || p.src[p.i] != '"' {
			return dst, false
		}
		name, ok := p.str()
		if !ok {
			return dst, false
		}
		name = name[1 : len(name)-1]
		p.space()
		if p.i == len(p.src) || p.src[p.i] != ':' {
			return dst, false
		}
		p.i++
		p.space()
		m := jsonMember{name: name, start: len(dst)}
		if dst, ok = p.value(dst, depth); !ok {
			return dst, false
		}
		m.end = len(dst)
		if p.redact && dst[m.start] == '"' && m.end-m.start > 2 && secret.Name(string(name)) {
			dst = append(dst[:m.start], `"`+secret.Redacted+`"`...)
			m.end = len(dst)
		}
		ms = append(ms, m)
		p.space()
		if p.i == len(p.src) {
			return dst, false
		}
		if p.src[p.i] == '}' {
			p.i++
			break
		}
		if p.src[p.i] != ',' {
			return dst, false
		}
		p.i++
		p.space()
	}
	p.members[depth] = ms
	slices.SortFunc(ms, func(a, b jsonMember) int { return bytes.Compare(a.name, b.name) })
	for k := 1; k < len(ms); k++ {
		if bytes.Equal(ms[k-1].name, ms[k].name) {
			return dst, false // the last would win: left to encoding/json
		}
	}
	values := append([]byte(nil), dst[start:]...)
	dst = append(dst[:start], '{')
	for k, m := range ms {
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, m.name...)
		dst = append(dst, '"', ':')
		dst = append(dst, values[m.start-start:m.end-start]...)
	}
	return append(dst, '}'), true
}

package jsonvalue

import (
	"bytes"
	"strings"
)

// Where white space goes: AppendIndent and RecodeIndent write a value
// laid out as json.Indent lays out its compact form, in the same pass
// that writes it, and Indent lays out a compact text.

// layout is where a writer puts white space: none when off (compact),
// else json.Indent's: a member or element a line, after prefix and an
// indent per level of depth.
type layout struct {
	on             bool
	prefix, indent string
	depth          int
	spaces         bool // prefix and indent are spaces only: lines come from spaceLine
}

func indented(prefix, indent string) layout {
	isSpaces := func(s string) bool { return len(s) < len(spaceLine) && s == spaceLine[1:1+len(s)] }
	return layout{on: true, prefix: prefix, indent: indent, spaces: isSpaces(prefix) && isSpaces(indent)}
}

// open starts a non-empty object or array's first line.
func (l *layout) open(b []byte) []byte {
	if !l.on {
		return b
	}
	l.depth++
	return l.newline(b)
}

// next starts an element or member after the first.
func (l *layout) next(b []byte) []byte {
	b = append(b, ',')
	if !l.on {
		return b
	}
	return l.newline(b)
}

// close ends a non-empty object or array.
func (l *layout) close(b []byte, c byte) []byte {
	if l.on {
		l.depth--
		b = l.newline(b)
	}
	return append(b, c)
}

// colon ends a member's name.
func (l *layout) colon(b []byte) []byte {
	if !l.on {
		return append(b, ':')
	}
	return append(b, ':', ' ')
}

func (l *layout) newline(b []byte) []byte {
	if n := 1 + len(l.prefix) + l.depth*len(l.indent); l.spaces && n <= len(spaceLine) {
		return append(b, spaceLine[:n]...) // the JSON report's: spaces only
	}
	b = append(b, '\n')
	b = append(b, l.prefix...)
	for range l.depth {
		b = append(b, l.indent...)
	}
	return b
}

// spaceLine is a line break and the spaces of any line up to 32 levels
// of two spaces deep.
const spaceLine = "\n                                                                "

// other appends what appendOther writes, laid out.
func (l *layout) other(b []byte, v any) ([]byte, error) {
	n := len(b)
	b, err := appendOther(b, v)
	if !l.on || err != nil {
		return b, err
	}
	compact := bytes.Clone(b[n:])
	return Indent(b[:n], compact, l.prefix+strings.Repeat(l.indent, l.depth), l.indent), nil
}

// Indent appends src, compact JSON as encoding/json writes it (valid, no
// space outside strings), indented as json.Indent(dst, src, prefix,
// indent) would: a member or an element a line, "key": value, empty
// objects and arrays kept as {} and [], the first line not prefixed.
func Indent(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			j := i + 1
			for src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			dst = append(dst, c)
			if next := src[i+1]; next == '}' || next == ']' {
				dst = append(dst, next)
				i++
				continue
			}
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

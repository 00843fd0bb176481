package jsonvalue

import (
	"bytes"
	"slices"
	"sync"
	"unicode/utf8"
)

// Recode appends data as Append(Decode(data)) appends it, without
// building the value: each object's members sorted by name, numbers and
// most strings copied as they are written, no white space. With mask
// set, a member whose value is a non-empty string and whose name mask
// accepts is written with the string masked instead, at any depth (the
// JSON report's redaction of credentials). mask is given the name as it
// is written, which is the name itself: Recode declines escaped names.
//
// Why: the JSON report writes every request and answer body this way,
// and Decode's maps, strings and boxed numbers were most of its cost per
// case (bench/RESULTS.md, "Follow-up 8"). ok is false, dst as it was,
// when data is not one JSON value (json.Valid's verdict) or when an
// object repeats a member name or spells one with an escape or invalid
// UTF-8, or when objects nest deeper than 64: the caller then takes
// Decode and Append, which say what such a text becomes. FuzzRecode holds the two paths to the same bytes.
func Recode(dst, data []byte, mask func(name []byte) bool, masked string) (out []byte, ok bool) {
	return recode(dst, data, mask, masked, layout{})
}

// RecodeIndent is Recode laid out as Indent(dst, Recode(data), prefix,
// indent) would lay it out, in one pass: the JSON report writes a body
// where its document indents it.
func RecodeIndent(dst, data []byte, mask func(name []byte) bool, masked, prefix, indent string) (out []byte, ok bool) {
	return recode(dst, data, mask, masked, indented(prefix, indent))
}

func recode(dst, data []byte, mask func(name []byte) bool, masked string, l layout) (out []byte, ok bool) {
	if !valid(data) {
		return dst, false
	}
	members := memberStacks.Get().(*[]member)
	defer memberStacks.Put(members)
	r := recoder{data: data, mask: mask, masked: masked, members: (*members)[:0], l: l}
	defer func() { *members = r.members[:0] }()
	n := len(dst)
	out, _, ok = r.value(dst, skipSpace(data, 0))
	if !ok {
		return dst[:n], false
	}
	return out, true
}

// recoder walks text valid accepted.
type recoder struct {
	data    []byte
	mask    func([]byte) bool
	masked  string
	members []member // the members of the objects being written, innermost last
	depth   int      // of objects open
	l       layout
}

// memberStacks holds recoders' member stacks between calls.
var memberStacks = sync.Pool{New: func() any { s := make([]member, 0, 32); return &s }}

// maxDepth is how deep objects may nest in a text Recode writes.
const maxDepth = 64

// member is where an object's member lies: its name (without quotes) and
// its value.
type member struct{ name0, name1, val int }

// value appends the value at i and says where it ends.
func (r *recoder) value(b []byte, i int) ([]byte, int, bool) {
	switch r.data[i] {
	case '{':
		return r.object(b, i)
	case '[':
		return r.array(b, i)
	case '"':
		return r.str(b, i)
	}
	end := skipScalar(r.data, i)
	return append(b, r.data[i:end]...), end, true
}

// skipScalar is the end of the number, true, false or null at i.
func skipScalar(data []byte, i int) int {
	for i < len(data) && (isNumberByte(data[i]) || data[i] >= 'a' && data[i] <= 'z') {
		i++
	}
	return i
}

// endString is the index of the quote that closes the string at i.
func endString(data []byte, i int) int {
	for i++; ; i++ {
		i = plainEnd(data, i) // valid has seen the closing quote
		switch data[i] {
		case '"':
			return i
		case '\\':
			i++
		}
	}
}

// skipValue is the end of the value at i.
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return endString(data, i) + 1
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch data[i] {
			case '"':
				i = endString(data, i)
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	return skipScalar(data, i)
}

func (r *recoder) object(b []byte, i int) ([]byte, int, bool) {
	// Each object skips over its members' values once to sort them, then
	// writes them: the text is read once per level of objects it is in.
	// Past maxDepth levels Recode declines, and Decode's single pass does
	// it: a deeply nested answer costs linear time, not quadratic.
	if r.depth++; r.depth > maxDepth {
		return b, 0, false
	}
	defer func() { r.depth-- }()
	data := r.data
	i = skipSpace(data, i+1)
	if data[i] == '}' {
		return append(b, '{', '}'), i + 1, true
	}
	base := len(r.members)
	defer func() { r.members = r.members[:base] }()
	for {
		name0 := i + 1
		name1, verbatim, escaped := stringAt(data, i)
		if escaped || !verbatim {
			return b, 0, false
		}
		i = skipSpace(data, skipSpace(data, name1+1)+1) // past the colon
		r.members = append(r.members, member{name0, name1, i})
		i = skipSpace(data, skipValue(data, i))
		c := data[i]
		i = skipSpace(data, i+1)
		if c == '}' {
			break
		}
	}
	ms := r.members[base:]
	slices.SortFunc(ms, func(x, y member) int { return bytes.Compare(data[x.name0:x.name1], data[y.name0:y.name1]) })
	for k := 1; k < len(ms); k++ {
		if bytes.Equal(data[ms[k-1].name0:ms[k-1].name1], data[ms[k].name0:ms[k].name1]) {
			return b, 0, false // a repeated name: the last one wins in Decode
		}
	}
	b = r.l.open(append(b, '{'))
	for k := range len(ms) {
		m := r.members[base+k] // r.members grows under the values written
		if k > 0 {
			b = r.l.next(b)
		}
		b = r.l.colon(append(b, data[m.name0-1:m.name1+1]...))
		if r.mask != nil && data[m.val] == '"' && data[m.val+1] != '"' && r.mask(data[m.name0:m.name1]) {
			b = AppendString(b, r.masked)
			continue
		}
		var ok bool
		if b, _, ok = r.value(b, m.val); !ok {
			return b, 0, false
		}
	}
	return r.l.close(b, '}'), i, true
}

func (r *recoder) array(b []byte, i int) ([]byte, int, bool) {
	data := r.data
	i = skipSpace(data, i+1)
	if data[i] == ']' {
		return append(b, '[', ']'), i + 1, true
	}
	b = r.l.open(append(b, '['))
	for {
		var ok bool
		if b, i, ok = r.value(b, i); !ok {
			return b, 0, false
		}
		i = skipSpace(data, i)
		c := data[i]
		i = skipSpace(data, i+1)
		if c == ']' {
			return r.l.close(b, ']'), i, true
		}
		b = r.l.next(b)
	}
}

// str appends the string at i: as it is written when encoding/json would
// write what it decodes to the same way, else decoded and quoted again.
func (r *recoder) str(b []byte, i int) ([]byte, int, bool) {
	end, verbatim, _ := stringAt(r.data, i)
	if verbatim {
		return append(b, r.data[i:end+1]...), end + 1, true
	}
	return AppendString(b, unquote(r.data[i+1:end])), end + 1, true
}

// stringAt is the index of the quote that closes the string at i (which
// valid has accepted), whether the string is verbatim, and whether it
// has an escape. Verbatim: its inside is what AppendString writes for
// the string it decodes to (escapes only of '"', '\\', '\n', '\r', '\t',
// '\b' and '\f', non-ASCII only as valid UTF-8 other than U+2028 and
// U+2029), so it is copied as it is. One pass, where finding the end and
// then checking the inside read the string twice.
func stringAt(data []byte, i int) (end int, verbatim, escaped bool) {
	verbatim = true
	for i++; ; {
		i = plainEnd(data, i)
		switch c := data[i]; {
		case c == '"':
			return i, verbatim, escaped
		case c == '\\':
			escaped = true
			switch data[i+1] {
			case '"', '\\', 'n', 'r', 't', 'b', 'f':
			default:
				verbatim = false
			}
			i += 2
		case c < utf8.RuneSelf: // a control byte: valid refused it
			verbatim = false
			i++
		default:
			rn, size := utf8.DecodeRune(data[i:])
			if rn == utf8.RuneError && size == 1 || rn == '\u2028' || rn == '\u2029' {
				verbatim = false
			}
			i += size
		}
	}
}

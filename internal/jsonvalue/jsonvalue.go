// Package jsonvalue reads and writes generic JSON values (map[string]any,
// []any, string, numbers, bool, nil) byte for byte as encoding/json does,
// at a fraction of its cost on the small bodies a mock answers by the
// thousand a second.
//
// Why: on every request the mock decoded the body with a json.Decoder
// (UseNumber) and encoded its answer with a json.Encoder. Both walk the
// value through reflection, and the decoder scans the body twice and
// allocates a read buffer; together they were 20-40% of the mock's own CPU
// per request (bench/RESULTS.md, "Follow-up 5"). Whatever is not plain
// (escaped or non-ASCII strings read, values of other types, numbers in
// an unusual spelling) is handed to encoding/json itself. What remains is
// the plain walk, which checks JSON's grammar as it goes (scan.go: the
// verdict json.Valid gives, without its call per byte), and the quoting
// of strings and floats written (AppendString, AppendFloat: the JSON
// report writes every string of a case through them), tested against
// encoding/json by fuzzing (FuzzDecode, FuzzAppend, FuzzAppendString).
package jsonvalue

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Decode is what json.NewDecoder(bytes.NewReader(data)) with UseNumber
// decodes into an any, when data holds one JSON value and nothing else but
// white space: numbers as json.Number, objects as map[string]any (a
// repeated member: the last wins), arrays as []any (empty: not nil). ok
// is false when data is not that (json.Valid's verdict: Decode's walk
// checks the grammar as it goes, see scan.go); the caller's own decoder
// then says why.
//
// The strings of the value share one copy of data's text: a plain
// string (printable ASCII, no escape) is a slice of it, not a string of
// its own. A value kept holds the whole text, which is the size of the
// value's strings anyway.
func Decode(data []byte) (v any, ok bool) {
	d := decoder{data: data}
	d.pos = skipSpace(data, 0)
	v, ok = d.value()
	if !ok || skipSpace(data, d.pos) != len(data) {
		return nil, false
	}
	return v, true
}

// decoder reads a JSON text once, checking it as json.Valid does
// (FuzzDecode holds the two to the same verdict).
type decoder struct {
	data  []byte
	pos   int
	depth int    // of objects and arrays open
	text  string // data as a string, made on the first plain string
}

func (d *decoder) value() (any, bool) {
	if d.pos >= len(d.data) {
		return nil, false
	}
	switch c := d.data[d.pos]; c {
	case '{':
		return d.object()
	case '[':
		return d.array()
	case '"':
		return d.str()
	case 't', 'f', 'n':
		end, v, ok := literalEnd(d.data, d.pos)
		d.pos = end
		return v, ok
	}
	start := d.pos
	d.pos = numberEnd(d.data, start)
	if d.pos < 0 {
		return nil, false
	}
	return json.Number(d.data[start:d.pos]), true
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// open enters an object or array at d.pos; false past json.Valid's depth.
func (d *decoder) open() bool {
	d.depth++
	d.pos = skipSpace(d.data, d.pos+1)
	return d.depth <= maxNesting && d.pos < len(d.data)
}

// next reads the comma or the closing byte after an element: done when
// it was close, false when it was neither.
func (d *decoder) next(close byte) (done, ok bool) {
	d.pos = skipSpace(d.data, d.pos)
	if d.pos >= len(d.data) {
		return false, false
	}
	c := d.data[d.pos]
	d.pos = skipSpace(d.data, d.pos+1)
	switch c {
	case close:
		d.depth--
		return true, true
	case ',':
		return false, d.pos < len(d.data)
	}
	return false, false
}

func (d *decoder) object() (any, bool) {
	if !d.open() {
		return nil, false
	}
	m := make(map[string]any)
	if d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return m, true
	}
	for {
		if d.data[d.pos] != '"' {
			return nil, false
		}
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		d.pos = skipSpace(d.data, d.pos)
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, false
		}
		d.pos = skipSpace(d.data, d.pos+1)
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		m[k] = v
		done, ok := d.next('}')
		if done || !ok {
			return m, ok
		}
	}
}

func (d *decoder) array() (any, bool) {
	if !d.open() {
		return nil, false
	}
	a := make([]any, 0)
	if d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return a, true
	}
	for {
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		a = append(a, v)
		done, ok := d.next(']')
		if done || !ok {
			return a, ok
		}
	}
}

// str reads the string at d.pos. One of printable ASCII without escapes
// is its bytes (a slice of d.text); any other is unquoted as
// encoding/json unquotes it (escapes, UTF-8 and its repair of invalid
// bytes).
func (d *decoder) str() (string, bool) {
	start := d.pos
	end, plain := stringEnd(d.data, start)
	if end < 0 {
		return "", false
	}
	d.pos = end
	if plain {
		if d.text == "" {
			d.text = string(d.data)
		}
		return d.text[start+1 : end-1], true
	}
	return unquote(d.data[start+1 : end-1]), true
}

// Append appends v encoded as a json.Encoder with SetEscapeHTML(false)
// encodes it, without the Encoder's closing newline. Maps with string keys
// come out in key order, as encoding/json writes them. On an error (a
// value encoding/json cannot encode) dst comes back as it was.
func Append(dst []byte, v any) ([]byte, error) {
	return appendLaidOut(dst, v, &layout{})
}

// AppendIndent is Append laid out as Indent(dst, Append(v), prefix,
// indent) would lay it out, in one pass (the JSON report writes bodies
// and expected values indented where they stand in its document).
func AppendIndent(dst []byte, v any, prefix, indent string) ([]byte, error) {
	l := indented(prefix, indent)
	return appendLaidOut(dst, v, &l)
}

func appendLaidOut(dst []byte, v any, l *layout) ([]byte, error) {
	n := len(dst)
	out, err := appendValue(dst, v, l)
	if err != nil {
		return dst[:n], err
	}
	return out, nil
}

func appendValue(b []byte, v any, l *layout) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case string:
		return AppendString(b, x), nil
	case float64:
		return AppendFloat(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case json.Number:
		if plainNumber(string(x)) {
			return append(b, x...), nil
		}
	case map[string]any:
		if x != nil {
			return appendObject(b, x, l)
		}
	case []any:
		if x != nil {
			return appendArray(b, x, l)
		}
	}
	return l.other(b, v)
}

// field is an object's member, for sorting.
type field struct {
	name  string
	value any
}

func appendObject(b []byte, m map[string]any, l *layout) ([]byte, error) {
	if len(m) == 0 {
		return append(b, '{', '}'), nil
	}
	var small [16]field // most objects' members, sorted without an allocation
	fields := small[:0]
	if len(m) > len(small) {
		fields = make([]field, 0, len(m))
	}
	for k, v := range m {
		fields = append(fields, field{k, v})
	}
	slices.SortFunc(fields, func(x, y field) int { return strings.Compare(x.name, y.name) })
	b = l.open(append(b, '{'))
	var err error
	for i, f := range fields {
		if i > 0 {
			b = l.next(b)
		}
		b = l.colon(AppendString(b, f.name))
		if b, err = appendValue(b, f.value, l); err != nil {
			return b, err
		}
	}
	return l.close(b, '}'), nil
}

func appendArray(b []byte, a []any, l *layout) ([]byte, error) {
	if len(a) == 0 {
		return append(b, '[', ']'), nil
	}
	b = l.open(append(b, '['))
	var err error
	for i, e := range a {
		if i > 0 {
			b = l.next(b)
		}
		if b, err = appendValue(b, e, l); err != nil {
			return b, err
		}
	}
	return l.close(b, ']'), nil
}

// AppendString appends s quoted as a json.Encoder with SetEscapeHTML(false)
// quotes it: `"` and `\` escaped, control bytes as \n, \t, ... or
// \u00XX, U+2028 and U+2029 as \u2028 and \u2029 (encoding/json escapes
// them whatever SetEscapeHTML says), each byte of invalid UTF-8 as \ufffd,
// everything else as it is. FuzzAppendString holds it to encoding/json.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i = plainEnd(s, i); i == len(s) {
			break
		}
		c := s[i]
		b = append(b, s[start:i]...)
		if c < utf8.RuneSelf {
			b = appendEscape(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendEscape escapes an ASCII byte that cannot stand in a JSON string.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '\\', '"':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

// AppendFloat is encoding/json's float64 encoding: ES6 number-to-string,
// %f between 1e-6 and 1e21, else %e with a one-digit negative exponent
// unpadded. Infinities and NaN are encoding/json's error, dst as it was.
func AppendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return appendOther(b, f) // its error
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// plainNumber: a number as JSON spells it (-?int frac? exp?), what
// encoding/json writes as it is.
func plainNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(s, i)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		if j := digits(s, i+1); j > i+1 {
			i = j
		} else {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

func digits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// appendOther leaves v to encoding/json.
func appendOther(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

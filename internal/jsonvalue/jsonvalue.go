// Package jsonvalue reads and writes generic JSON values (map[string]any,
// []any, string, numbers, bool, nil) byte for byte as encoding/json does,
// at a fraction of its cost on the small bodies a mock answers by the
// thousand a second.
//
// Why: on every request the mock decoded the body with a json.Decoder
// (UseNumber) and encoded its answer with a json.Encoder. Both walk the
// value through reflection, and the decoder scans the body twice and
// allocates a read buffer; together they were 20-40% of the mock's own CPU
// per request (bench/RESULTS.md, "Follow-up 5"). This package is not a
// second JSON implementation: whether a text is valid JSON is still
// json.Valid's verdict, and whatever is not plain (escaped or non-ASCII
// strings read, values of other types, numbers in an unusual spelling) is
// handed to encoding/json itself. What remains is the plain walk, and the
// quoting of strings and floats written (AppendString, AppendFloat: the
// JSON report writes every string of a case through them), tested against
// encoding/json by fuzzing (FuzzDecode, FuzzAppend, FuzzAppendString).
package jsonvalue

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Decode is what json.NewDecoder(bytes.NewReader(data)) with UseNumber
// decodes into an any, when data holds one JSON value and nothing else but
// white space: numbers as json.Number, objects as map[string]any (a
// repeated member: the last wins), arrays as []any (empty: not nil). ok
// is false when data is not that; the caller's own decoder then says why.
func Decode(data []byte) (v any, ok bool) {
	if !json.Valid(data) {
		return nil, false
	}
	d := decoder{data: data}
	d.space()
	v, ok = d.value()
	return v, ok
}

// decoder walks text json.Valid accepted: it checks nothing twice.
type decoder struct {
	data []byte
	pos  int
}

func (d *decoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\r', '\n':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value() (any, bool) {
	switch c := d.data[d.pos]; c {
	case '{':
		return d.object()
	case '[':
		return d.array()
	case '"':
		return d.str()
	case 't':
		d.pos += len("true")
		return true, true
	case 'f':
		d.pos += len("false")
		return false, true
	case 'n':
		d.pos += len("null")
		return nil, true
	}
	start := d.pos
	for d.pos < len(d.data) && isNumberByte(d.data[d.pos]) {
		d.pos++
	}
	return json.Number(d.data[start:d.pos]), true
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func (d *decoder) object() (any, bool) {
	m := make(map[string]any)
	d.pos++ // {
	d.space()
	if d.data[d.pos] == '}' {
		d.pos++
		return m, true
	}
	for {
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		d.space()
		d.pos++ // :
		d.space()
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		m[k] = v
		d.space()
		c := d.data[d.pos]
		d.pos++ // , or }
		if c == '}' {
			return m, true
		}
		d.space()
	}
}

func (d *decoder) array() (any, bool) {
	a := make([]any, 0)
	d.pos++ // [
	d.space()
	if d.data[d.pos] == ']' {
		d.pos++
		return a, true
	}
	for {
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		a = append(a, v)
		d.space()
		c := d.data[d.pos]
		d.pos++ // , or ]
		if c == ']' {
			return a, true
		}
		d.space()
	}
}

// str reads a string at d.pos. One of printable ASCII without escapes is
// its bytes; any other is left to encoding/json (escapes, UTF-8 and its
// repair of invalid bytes).
func (d *decoder) str() (string, bool) {
	start := d.pos
	d.pos++ // "
	plain := true
	for {
		c := d.data[d.pos]
		if c == '"' {
			break
		}
		if c == '\\' {
			plain = false
			d.pos++ // the escaped byte cannot end the string
		} else if c < 0x20 || c >= 0x7f {
			plain = false
		}
		d.pos++
	}
	d.pos++ // "
	if plain {
		return string(d.data[start+1 : d.pos-1]), true
	}
	var s string
	if err := json.Unmarshal(d.data[start:d.pos], &s); err != nil {
		return "", false
	}
	return s, true
}

// Append appends v encoded as a json.Encoder with SetEscapeHTML(false)
// encodes it, without the Encoder's closing newline. Maps with string keys
// come out in key order, as encoding/json writes them. On an error (a
// value encoding/json cannot encode) dst comes back as it was.
func Append(dst []byte, v any) ([]byte, error) {
	n := len(dst)
	out, err := appendValue(dst, v)
	if err != nil {
		return dst[:n], err
	}
	return out, nil
}

func appendValue(b []byte, v any) ([]byte, error) {
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
			return appendObject(b, x)
		}
	case []any:
		if x != nil {
			return appendArray(b, x)
		}
	}
	return appendOther(b, v)
}

func appendObject(b []byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, k)
		b = append(b, ':')
		if b, err = appendValue(b, m[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func appendArray(b []byte, a []any) ([]byte, error) {
	b = append(b, '[')
	var err error
	for i, e := range a {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendValue(b, e); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
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
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' {
			i++
			continue
		}
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

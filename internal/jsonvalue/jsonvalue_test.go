package jsonvalue

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// seeds are JSON texts worth checking by hand and starting the fuzzers
// from: every kind of value, escapes, non-ASCII and invalid UTF-8, numbers
// in every spelling, repeated members, white space, and texts that are not
// one JSON value.
var seeds = []string{
	`{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "agent-456", "type": "agent"}}`,
	`{"phoneNumber": "+13175550123"}`,
	`[]`, `{}`, `[[]]`, `[{}]`, `null`, `true`, `false`, `0`, `-0`, `1.5e+10`, `-1E-7`, `123456789012345678901234567890`,
	`"plain"`, `"tab\tand \"quotes\" and \\ and \/"`, `"\u00e9\u2028\ud83d\ude00"`, "\"caf\xc3\xa9\"", "\"bad \xff utf8\"",
	"\"del \x7f\"", `"\ud800"`, `{"a":1,"a":2}`, ` { "a" : [ 1 , 2 , { } ] } `, "\n\t[1]\r\n",
	`{"k\"ey":"v"}`, `{"<html>":"&amp;"}`,
	``, ` `, `{`, `[1,]`, `{"a":1,}`, `01`, `1 2`, `"unterminated`, `{"a" 1}`, `nul`, `[1]x`, "\"ctl \x01\"", `1.`, `.5`, `+1`,
	// The grammar's corners, each a byte from its other side: Decode and
	// valid check it themselves.
	`-`, `-01`, `-0.0e+0`, `1e`, `1e+`, `1E-0`, `1.e3`, `0x1`, `1_0`, `[-]`, `[1 2]`, `[1,,2]`, `[,1]`, `{,}`, `{"a":1 "b":2}`,
	`{"a"}`, `{"a":}`, `{1:2}`, `{"a":1}}`, `[1]]`, `[[1]`, `{"a":[}`, `tru`, `truex`, `nulL`, `[true false]`, `[truefalse]`, `"a"b`,
	`"\x"`, `"\u12"`, `"\u12G4"`, `"\uABCD"`, `"\uabcd\u0000"`, `"\`, `"\"`, `"a\/b"`, "\"tab\tinside\"", "\"nl\ninside\"",
	"\"\xc3\"", "\"\xed\xa0\x80\"", `"\ud83d\u0041"`, `"\ude00\ud83d"`, `"\ud83d\ud83d\ude00"`, `"\ud83dx"`, `"\uD83D\uDE00\uDBFF\uDFFF"`,
	`"\u00e9\/\b\f\n\r\t\"\\ \u0000\u001f\u007f"`, "\"mixed \xe2\x82 \\n \xf0\x9f\x98\x80 \xef\xbf\xbd\"", "[1]\x00", "\x00", "\v1", "1\f", "\u00a01", "[1\u00a0]", `{"a":1,"b":{"c":[1,{"d":null}]}}`,
}

// deepSeeds are texts at json.Valid's depth and one past it, checked by
// TestDecode only: the fuzzers minimize inputs this long too slowly.
var deepSeeds = []string{
	strings.Repeat("[", maxNesting) + strings.Repeat("]", maxNesting), strings.Repeat("[", maxNesting+1) + strings.Repeat("]", maxNesting+1),
	strings.Repeat(`{"a":`, maxNesting) + "1" + strings.Repeat("}", maxNesting), strings.Repeat(`[{"a":`, maxNesting/2) + "[]" + strings.Repeat("}]", maxNesting/2),
	strings.Repeat(`{"a":`, maxNesting+1) + "1" + strings.Repeat("}", maxNesting+1), strings.Repeat("[", maxNesting+1),
}

func decodeStd(data []byte) (any, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, errRest
	}
	return v, nil
}

var errRest = json.Unmarshal([]byte(`1 2`), new(any))

// checkDecode: Decode accepts what the json.Decoder (UseNumber, nothing
// after the value) accepts, and gives the same value; valid (Recode's
// check) is json.Valid. Both walks check the grammar themselves.
func checkDecode(t *testing.T, data []byte) {
	t.Helper()
	if got, want := valid(data), json.Valid(data); got != want {
		t.Fatalf("valid(%q) = %v, want json.Valid's %v", data, got, want)
	}
	want, err := decodeStd(data)
	got, ok := Decode(data)
	if ok != (err == nil) {
		t.Fatalf("Decode(%q) ok = %v, want %v (encoding/json: %v)", data, ok, err == nil, err)
	}
	if ok && !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode(%q) = %#v, want %#v", data, got, want)
	}
	if ok && len(data) <= 4096 { // indenting deepSeeds writes 10,000 lines of up to 10,000 indents
		checkAppendIndent(t, got)
	}
}

// The layouts AppendIndent and RecodeIndent are checked in: the JSON
// report's (a prefix of spaces, two more a level) and an odd one.
var layouts = [][2]string{{"    ", "  "}, {"", "\t>"}}

// indentStd is json.Indent(compact, prefix, indent).
func indentStd(t *testing.T, compact []byte, prefix, indent string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, compact, prefix, indent); err != nil {
		t.Fatalf("json.Indent(%s): %v", compact, err)
	}
	return buf.Bytes()
}

// checkAppendIndent: AppendIndent writes json.Indent of what Append
// writes, and fails where it fails, leaving dst as it was.
func checkAppendIndent(t *testing.T, v any) {
	t.Helper()
	compact, err := Append(nil, v)
	for _, l := range layouts {
		got, ierr := AppendIndent([]byte("prefix"), v, l[0], l[1])
		if (ierr == nil) != (err == nil) {
			t.Fatalf("AppendIndent(%#v) error = %v, want Append's %v", v, ierr, err)
		}
		want := []byte("prefix")
		if err == nil {
			want = append(want, indentStd(t, compact, l[0], l[1])...)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("AppendIndent(%#v, %q, %q) =\n%s\nwant json.Indent of Append =\n%s", v, l[0], l[1], got, want)
		}
	}
}

func TestDecode(t *testing.T) {
	for _, s := range append(seeds, deepSeeds...) {
		checkDecode(t, []byte(s))
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkDecode)
}

func encodeStd(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkAppend: Append writes what a json.Encoder without HTML escapes
// writes, and fails where it fails, leaving dst as it was.
func checkAppend(t *testing.T, v any) {
	t.Helper()
	want, werr := encodeStd(v)
	got, err := Append([]byte("prefix"), v)
	if (err == nil) != (werr == nil) {
		t.Fatalf("Append(%#v) error = %v, want %v", v, err, werr)
	}
	if werr != nil {
		want = nil
	}
	if !bytes.Equal(got, append([]byte("prefix"), want...)) {
		t.Fatalf("Append(%#v) = %s, want prefix%s", v, got, want)
	}
	checkAppendIndent(t, v)
}

func TestAppend(t *testing.T) {
	for _, v := range []any{
		nil, true, false, "", "plain", "quote\" back\\ ctl\x01 del\x7f <&> \u2028 bad\xff é",
		0.0, math.Copysign(0, -1), 1.0, -1.5, 1e20, 1e21, 123456789e13, 1e-6, 1e-7, 9.999e-7, 3.14159, math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.NaN(), math.Inf(1), // errors, as encoding/json's
		int64(-42), 7, json.Number("12.5e-3"), json.Number(""), json.Number("-0"), json.Number(" 1"), json.Number("1."), json.Number("abc"),
		map[string]any(nil), []any(nil), map[string]any{}, []any{},
		map[string]any{"b": 1.0, "a": []any{"x", nil, map[string]any{"z": true, "é": "ü", "a\"": "q"}}, "A": int64(3)},
		map[string]string{"other": "types"}, []string{"go", "through"}, struct{ X int }{1},
		[]any{1.0, math.NaN()}, map[string]any{"bad": math.Inf(-1)},
	} {
		checkAppend(t, v)
	}
}

// FuzzAppend encodes what encoding/json decodes from the fuzzer's text,
// with numbers both as json.Number and as float64.
func FuzzAppend(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if v, err := decodeStd(data); err == nil {
			checkAppend(t, v)
		}
		var v any
		if json.Unmarshal(data, &v) == nil {
			checkAppend(t, v)
		}
	})
}

// benchBodies are a request body and the mock's problem answer to it,
// as bench/scale.sh's cases send and receive them.
var benchBodies = []struct {
	name string
	data []byte
}{
	{"request", []byte(`{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "agent-456", "type": "agent"}}`)},
	{"answer", []byte(`{"code":"bad.request","detail":"The request is not valid for the operation. /recipient/address: string doesn't match the regular expression \"^\\+[1-9][0-9]{1,14}$\"","errors":[{"location":"body","message":"string doesn't match the regular expression \"^\\+[1-9][0-9]{1,14}$\"","pointer":"/recipient/address","rule":"pattern"}],"instance":"urn:uuid:a18031e7-182c-481c-80c1-08f601efda3e","status":400,"title":"Bad Request","type":"about:blank"}`)},
}

func BenchmarkDecode(b *testing.B) {
	for _, body := range benchBodies {
		b.Run("jsonvalue/"+body.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := Decode(body.data); !ok {
					b.Fatal("not decoded")
				}
			}
		})
		b.Run("encoding-json-decoder/"+body.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeStd(body.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppend(b *testing.B) {
	for _, body := range benchBodies {
		v, _ := decodeStd(body.data)
		b.Run("jsonvalue/"+body.name, func(b *testing.B) {
			b.ReportAllocs()
			var buf []byte
			for b.Loop() {
				buf, _ = Append(buf[:0], v)
			}
		})
		b.Run("encoding-json-encoder/"+body.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encodeStd(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// checkAppendString: AppendString quotes as a json.Encoder without HTML
// escapes quotes.
func checkAppendString(t *testing.T, s string) {
	t.Helper()
	want, err := encodeStd(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendString([]byte("prefix"), s); string(got) != "prefix"+string(want) {
		t.Fatalf("AppendString(%q) = %s, want prefix%s", s, got, want)
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", "<&>", "quote\" back\\ slash/", "\b\f\n\r\t\x00\x01\x1f\x7f",
		"é ü \u2028 \u2029 \U0001F600", "bad \xff \xc3 end\xe2\x80", "\xed\xa0\x80 surrogate", "\xe2\x80\xa8\xe2\x80\xa9"} {
		checkAppendString(t, s)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(checkAppendString)
}

// maskName is a stand-in for secret.Name in the tests of Recode.
func maskName(name string) bool {
	return name == "password" || bytes.Contains([]byte(name), []byte("token"))
}

func maskNameBytes(name []byte) bool { return maskName(string(name)) }

// maskValue is what Recode's mask does, on a decoded value.
func maskValue(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, sub := range t {
			if s, ok := sub.(string); ok && s != "" && maskName(k) {
				t[k] = "MASKED"
				continue
			}
			maskValue(sub)
		}
	case []any:
		for _, sub := range t {
			maskValue(sub)
		}
	}
}

// checkRecode: Recode writes Append(Decode(data)), masked or not, or
// leaves dst alone; it declines only what Decode declines, a repeated
// name, or a name with an escape or invalid UTF-8.
func checkRecode(t *testing.T, data []byte) {
	t.Helper()
	for _, mask := range []bool{false, true} {
		v, isJSON := Decode(data)
		var fn func([]byte) bool
		if mask {
			fn = maskNameBytes
			maskValue(v)
		}
		got, ok := Recode([]byte("x"), data, fn, "MASKED")
		if !ok {
			if string(got) != "x" {
				t.Fatalf("Recode(%q) = %q, false: want dst as it was", data, got)
			}
			if indented, ok := RecodeIndent([]byte("x"), data, fn, "MASKED", "  ", "  "); ok || string(indented) != "x" {
				t.Fatalf("RecodeIndent(%q) = %q, %v: want dst as it was, false, as Recode", data, indented, ok)
			}
			if isJSON && !bytes.Contains(data, []byte(`\`)) && utf8.Valid(data) && !repeatsName(v, data) && bytes.Count(data, []byte("{")) <= maxDepth {
				t.Fatalf("Recode(%q) declined a text Decode reads, without escapes or repeated names", data)
			}
			continue
		}
		if !isJSON {
			t.Fatalf("Recode(%q) = %q, true: but Decode refuses it", data, got)
		}
		want, err := Append([]byte("x"), v)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Recode(%q, mask %v) =\n%s\nwant Append(Decode) =\n%s (%v)", data, mask, got, want, err)
		}
		for _, l := range layouts {
			indented, ok := RecodeIndent([]byte("x"), data, fn, "MASKED", l[0], l[1])
			if want := append([]byte("x"), indentStd(t, got[1:], l[0], l[1])...); !ok || !bytes.Equal(indented, want) {
				t.Fatalf("RecodeIndent(%q, mask %v, %q, %q) =\n%s, %v\nwant json.Indent of Recode =\n%s", data, mask, l[0], l[1], indented, ok, want)
			}
		}
	}
}

// repeatsName: whether data may name a member twice (Decode kept one):
// it has more colons than the value has members. Rough (a colon in a
// string counts), it errs towards excusing Recode's declining.
func repeatsName(v any, data []byte) bool {
	return bytes.Count(data, []byte(":")) > countMembers(v)
}

func countMembers(v any) int {
	n := 0
	switch t := v.(type) {
	case map[string]any:
		n += len(t)
		for _, sub := range t {
			n += countMembers(sub)
		}
	case []any:
		for _, sub := range t {
			n += countMembers(sub)
		}
	}
	return n
}

func TestRecode(t *testing.T) {
	for _, s := range append(seeds,
		`{"password":"p","b":{"token":"","x_token":{"password":"q"},"list":[{"token":"t"},"password"]},"a":[1,2.5e3,-0,true,null]}`,
		`{"z":"\"quoted\" \\ \n\t\r\b\f","y":"\/ \u0041 \u001F \u2028","x":"é\u00e9"}`, "{\"a\":\"raw \xe2\x80\xa8\"}",
		`{"dup":1,"dup":2}`, `{"esc\"name":1}`, `[{"b":1,"a":2},{"a":{"d":{},"c":[]}}]`, " [ { } , [ ] ] ",
		strings.Repeat(`{"a":`, 64)+"1"+strings.Repeat("}", 64), strings.Repeat(`{"a":`, 65)+"1"+strings.Repeat("}", 65)) {
		checkRecode(t, []byte(s))
	}
}

func FuzzRecode(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"password":"p","b":{"token":"","list":[{"token":"t"}]},"a":[1,{"c":"\u00e9"}]}`))
	f.Fuzz(checkRecode)
}

// Recode writes objects nested maxDepth deep and declines one more level
// (which would cost it a pass over the text per level), leaving it to Decode.
func TestRecodeDepth(t *testing.T) {
	nested := func(n int) []byte {
		return []byte(strings.Repeat(`{"a":`, n) + "[1]" + strings.Repeat("}", n))
	}
	if _, ok := Recode(nil, nested(maxDepth), nil, ""); !ok {
		t.Errorf("Recode declined objects %d deep", maxDepth)
	}
	if _, ok := Recode(nil, nested(maxDepth+1), nil, ""); ok {
		t.Errorf("Recode wrote objects %d deep, want it declined", maxDepth+1)
	}
	deepArrays := []byte(strings.Repeat("[", 1000) + strings.Repeat("]", 1000)) // arrays are read once: no limit
	if _, ok := Recode(nil, deepArrays, nil, ""); !ok {
		t.Errorf("Recode declined arrays 1000 deep")
	}
}

// BenchmarkRecode: bodies as the JSON report writes them, masked.
func BenchmarkRecode(b *testing.B) {
	for _, body := range benchBodies {
		b.Run(body.name, func(b *testing.B) {
			b.ReportAllocs()
			var buf []byte
			for b.Loop() {
				var ok bool
				if buf, ok = Recode(buf[:0], body.data, maskNameBytes, "MASKED"); !ok {
					b.Fatal("not recoded")
				}
			}
		})
	}
}

// BenchmarkValid: Recode's check of a body, and json.Valid's.
func BenchmarkValid(b *testing.B) {
	for _, body := range benchBodies {
		b.Run("jsonvalue/"+body.name, func(b *testing.B) {
			for b.Loop() {
				if !valid(body.data) {
					b.Fatal("not valid")
				}
			}
		})
		b.Run("encoding-json/"+body.name, func(b *testing.B) {
			for b.Loop() {
				if !json.Valid(body.data) {
					b.Fatal("not valid")
				}
			}
		})
	}
}

// Indent indents what encoding/json writes as json.Indent does.
func FuzzIndent(f *testing.F) {
	for _, seed := range []string{
		`{}`, `[]`, `null`, `"x"`, `1.5e3`, `{"a":[],"b":{},"c":[{}],"d":[[]]}`,
		`{"a\"b":"c\\","k:,{":"[v]}","\\\"":["\u2028",true,false,null,-0.1]}`,
		`{"a":{"b":{"c":[1,2,{"d":"e"}]}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		src, err := encodeStd(v)
		if err != nil {
			t.Fatal(err)
		}
		want := indentStd(t, src, "    ", "  ")
		if got := Indent([]byte("x"), src, "    ", "  "); string(got) != "x"+string(want) {
			t.Errorf("Indent(%s) =\n%s\nwant\n%s", src, got[1:], want)
		}
	})
}

// plainEnd, eight bytes at a time, stops where a byte at a time stops:
// every byte value at every place of a run of plain bytes, strings and
// byte slices alike.
func TestPlainEnd(t *testing.T) {
	for c := range 256 {
		for at := range 20 {
			s := []byte(strings.Repeat("a~ }", 5)) // 0x7e, 0x20 and 0x7d: plain bytes at their edges
			s[at] = byte(c)
			want := len(s)
			if !plainByte[c] {
				want = at
			}
			for from := range at + 1 {
				if got := plainEnd(s, from); got != want {
					t.Fatalf("plainEnd(%q, %d) = %d, want %d", s, from, got, want)
				}
				if got := plainEnd(string(s), from); got != want {
					t.Fatalf("plainEnd(string %q, %d) = %d, want %d", s, from, got, want)
				}
			}
		}
	}
}

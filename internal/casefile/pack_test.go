package casefile

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// everyField writes each kind of field a case has, and the values that
// are easy to lose on the way through bytes: nil against empty (a body
// {} or [], an empty list), null, json.Number against float64, an integer
// past 2^53, zero and negative numbers, Unicode, a string repeated.
const everyField = `- name: every-field
  pitfall: "a pitfall: é, 中文, \u0000 and a tab\t"
  source: the test
  verification: unverified
  tags: [a, b, a]
  spec: ../spec.yaml
  auth: agent
  safeForLive: true
  retry: true
  fixedBy: other
  claims: [one]
  mock:
    state: shared
    faults:
      - {method: POST, path: /things/, status: 429, retry-after: "2", times: 1, rate: 0.25, delay: 1500ms, code: too.many}
      - {reset: true}
  channel:
    topics: ["v2.users.${USER}.presence"]
    faults: {no-pong: true, reset-after: 2s}
  request:
    method: POST
    path: /things/{id}
    pathParams: {id: "7"}
    query: {a: x, b: [y, z], c: []}
    headers: {X-Trace: "1", X-Empty: ""}
    body:
      big: 9007199254740993
      neg: -3
      zero: 0
      float: 1.5
      exp: 1e300
      yes: true
      no: false
      none: null
      emptyObject: {}
      emptyList: []
      list: [1, "two", {three: 3}, [4], null]
      again: agent
  expect:
    status: 202
    headers: {Content-Type: application/json}
    body: {status: queued, n: 2.0}
    bodyMatch: exact
    ignore: [/id]
    conformance: warn
    lint:
      - {pointer: /a, rule: required, location: body, severity: error}
    events:
      - {topicName: t, within: 3s, body: {a: 1}}
      - {topicName: u, absent: true}
- name: steps
  steps:
    - name: create
      auth: other
      request: {method: POST, path: /things, rawBody: "a=b", headers: {Content-Type: text/plain}}
      expect: {status: 201}
      capture: {ID: /id, LOC: "header:Location"}
    - name: read
      request: {method: GET, path: "/things/{id}", pathParams: {id: "${ID}"}, form: {a: [x], b: []}}
      expect: {status: 200, body: []}
- name: empty
  request: {method: GET, path: /}
  expect: {}
`

// Whole(Slim(c)) is c, field for field, positions included, for every
// case the repository ships and every kind of field; so is Whole of a
// Spool's slim case, the spool written from several goroutines at once.
func TestPackRoundTrip(t *testing.T) {
	cases := packTestCases(t)
	for _, c := range cases {
		slim := Slim(c)
		if slim.packed == nil {
			t.Fatalf("Slim(%s) kept the whole case, want it packed", c.Name)
		}
		if slim.Request.Method != "" || slim.fieldPos.list != nil || slim.fieldPos.packed != "" {
			t.Errorf("Slim(%s) = %+v, want name, tags, spec and position only", c.Name, slim)
		}
		wantWhole(t, c, slim)
	}
	spool := NewSpool()
	if spool.f == nil {
		t.Fatal("NewSpool() has no temporary file")
	}
	slims := make([]*Case, len(cases))
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Go(func() { slims[i] = spool.Slim(c) })
	}
	wg.Wait()
	for i, c := range cases {
		if slims[i].spooled == nil || slims[i].packed != nil {
			t.Fatalf("Spool.Slim(%s) is not spooled", c.Name)
		}
		wantWhole(t, c, slims[i])
	}
	if memory := (&Spool{}).Slim(cases[0]); memory.packed == nil {
		t.Errorf("a spool without a file: Slim(%s) not packed in memory", cases[0].Name)
	}
}

func wantWhole(t *testing.T, c, slim *Case) {
	t.Helper()
	got, err := Whole(slim)
	if err != nil {
		t.Fatalf("Whole(Slim(%s)): %v", c.Name, err)
	}
	if diff := cmp.Diff(c, got, cmp.AllowUnexported(Case{})); diff != "" {
		t.Errorf("Whole(Slim(%s)) mismatch (-decoded +unpacked):\n%s", c.Name, diff)
	}
}

// packTestCases are the shipped cases and everyField's.
func packTestCases(t *testing.T) []*Case {
	files := map[string][]byte{"every-field.yaml": []byte(everyField)}
	for _, pattern := range []string{"../../cases/*/*.yaml", "../../runner/testdata/*/cases/*.yaml"} {
		names, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			files[name] = data
		}
	}
	if len(files) < 30 {
		t.Fatalf("found %d case files, want the shipped ones too", len(files))
	}
	var all []*Case
	for name, data := range files {
		cases, err := Decode(name, data)
		if err != nil {
			t.Fatalf("Decode(%s): %v", name, err)
		}
		for _, c := range cases {
			c.SpecPath = "specs/x.yaml"
			all = append(all, c)
		}
	}
	return all
}

// Numbers keep their Go type: a body's integer is a json.Number, its
// float a float64, as JSONValue made them (the body's JSON and the
// comparison with an answer depend on it).
func TestPackKeepsNumberTypes(t *testing.T) {
	cases, err := Decode("n.yaml", []byte("request: {method: POST, path: /, body: {i: 1, f: 1.5, s: \"1\"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Whole(Slim(cases[0]))
	if err != nil {
		t.Fatal(err)
	}
	body := got.Request.Body.V.(map[string]any)
	if _, ok := body["i"].(json.Number); !ok {
		t.Errorf("body.i = %T, want json.Number", body["i"])
	}
	if _, ok := body["f"].(float64); !ok {
		t.Errorf("body.f = %T, want float64", body["f"])
	}
	if _, ok := body["s"].(string); !ok {
		t.Errorf("body.s = %T, want string", body["s"])
	}
}

// A field added to Case (or to a type inside it) must be one pack knows:
// otherwise Slim keeps the case whole, silently costing the memory it
// saves. Unexported fields are not packed, so only Case's own may exist.
func TestPackKnowsEveryField(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		switch typ.Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
		case reflect.Pointer, reflect.Slice:
			walk(typ.Elem(), path+"[]")
		case reflect.Map:
			walk(typ.Key(), path+".key")
			walk(typ.Elem(), path+".value")
		case reflect.Interface:
			if typ != reflect.TypeFor[any]() {
				t.Errorf("%s: interface %s, want any (a JSON value)", path, typ)
			}
		case reflect.Struct:
			for i := range typ.NumField() {
				f := typ.Field(i)
				if !f.IsExported() {
					if typ != reflect.TypeFor[Case]() {
						t.Errorf("%s.%s: unexported field of %s, which pack would lose", path, f.Name, typ)
					}
					continue
				}
				walk(f.Type, path+"."+f.Name)
			}
		default:
			t.Errorf("%s: kind %s, which pack does not know", path, typ.Kind())
		}
	}
	walk(reflect.TypeFor[Case](), "Case")
}

// A packed case cut short or altered fails to unpack with an error, and
// never panics (only Pack writes one, but a bug must not crash a run).
func TestWholeOfBrokenPack(t *testing.T) {
	cases, err := Decode("every-field.yaml", []byte(everyField))
	if err != nil {
		t.Fatal(err)
	}
	slim := Slim(cases[0])
	data := slim.packed
	for n := range len(data) {
		slim.packed = data[:n]
		if _, err := Whole(slim); err == nil || !strings.Contains(err.Error(), "every-field") {
			t.Fatalf("Whole of the pack cut at %d of %d bytes: error %v, want one naming the case", n, len(data), err)
		}
	}
	for i := range data {
		broken := append([]byte(nil), data...)
		broken[i] ^= 0xff
		slim.packed = broken
		// An error or a different case, never a panic: its positions too,
		// which Whole leaves to FieldPos to read.
		if c, err := Whole(slim); err == nil {
			for _, f := range cases[0].fieldPos.list {
				c.FieldPos(f.Name)
			}
			c.FieldPos("nope")
			c.fieldPos.all()
		}
	}
}

// Integers go through zig-zag varints: the extremes and the negatives too.
func TestPackIntegers(t *testing.T) {
	for _, want := range []int64{0, 1, -1, 63, -64, 1 << 40, -(1 << 40), math.MaxInt64, math.MinInt64} {
		p := &packer{}
		p.varint(want)
		u := &unpacker{buf: p.buf}
		if got := u.varint(); got != want || u.bad || len(u.buf) != 0 {
			t.Errorf("varint(%d) read back as %d (bad %v, %d bytes left)", want, got, u.bad, len(u.buf))
		}
	}
}

// A case Whole unpacks reads its positions from the pack only when one is
// asked for: each is the decoded case's, and an absent field is the
// case's own position, as before. The decoded positions are in turn
// strictyaml.Decode's map, each field once.
func TestLazyPositions(t *testing.T) {
	for _, c := range packTestCases(t) {
		whole, err := Whole(Slim(c))
		if err != nil {
			t.Fatal(err)
		}
		list := c.fieldPos.list
		if len(list) == 0 || whole.fieldPos.packed == "" {
			t.Fatalf("%s: %d decoded positions, packed %q: want a decoded list and a packed text", c.Name, len(list), whole.fieldPos.packed)
		}
		for _, f := range list {
			if got := whole.FieldPos(f.Name); got != f.Pos {
				t.Errorf("Whole(Slim(%s)).FieldPos(%q) = %v, want %v", c.Name, f.Name, got, f.Pos)
			}
		}
		for _, absent := range []string{"", "nope", list[0].Name + "x", list[len(list)-1].Name + ".x"} {
			if got := whole.FieldPos(absent); got != c.Pos || c.FieldPos(absent) != c.Pos {
				t.Errorf("%s: FieldPos(%q) = %v (decoded %v), want the case's %v", c.Name, absent, got, c.FieldPos(absent), c.Pos)
			}
		}
		if got := whole.fieldPos.all(); !cmp.Equal(got, list) {
			t.Errorf("%s: the packed positions read eagerly differ (-decoded +packed):\n%s", c.Name, cmp.Diff(list, got))
		}
	}
	for name, text := range map[string]string{"every-field.yaml": everyField, "one.yaml": good} {
		data := []byte(text)
		doc, err := strictyaml.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		cases, err := Decode(name, data)
		if err != nil {
			t.Fatal(err)
		}
		nodes := doc.Content[0].Content
		if doc.Content[0].Kind == yaml.MappingNode {
			nodes = doc.Content[:1]
		}
		for i, n := range nodes {
			want, _ := strictyaml.Decode(name, n, &Case{})
			got := map[string]Pos{}
			for _, f := range cases[i].fieldPos.list {
				if _, dup := got[f.Name]; dup {
					t.Errorf("%s: position of %s recorded twice", cases[i].Name, f.Name)
				}
				got[f.Name] = f.Pos
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: positions (-Decode +DecodeFields):\n%s", cases[i].Name, diff)
			}
		}
	}
}

// packer.json and unpacker.json write and read a JSON object or array
// without reflect: the same bytes as value's reflect path for a map or a
// slice, read back the same (nil and empty apart, null items kept).
func TestPackJSONAsValue(t *testing.T) {
	for _, x := range []any{
		map[string]any(nil), map[string]any{}, map[string]any{"a": nil},
		map[string]any{"a": []any{json.Number("1"), 2.5, "x", true, nil, map[string]any{"b": []any{}}}},
		[]any(nil), []any{}, []any{nil, map[string]any(nil), []any(nil), "é"},
	} {
		fast, slow := &packer{strs: map[string]uint64{}}, &packer{strs: map[string]uint64{}}
		if err := fast.json(x); err != nil {
			t.Fatal(err)
		}
		tag := anyObject
		if _, ok := x.([]any); ok {
			tag = anyArray
		}
		slow.buf = append(slow.buf, tag)
		if err := slow.value(reflect.ValueOf(x)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast.buf, slow.buf) {
			t.Errorf("json(%#v) wrote % x, value wrote % x", x, fast.buf, slow.buf)
		}
		u := &unpacker{buf: fast.buf, text: string(fast.buf)}
		var viaValue any
		switch x.(type) {
		case map[string]any:
			var m map[string]any
			r := &unpacker{buf: fast.buf[1:], text: string(fast.buf[1:])}
			r.value(reflect.ValueOf(&m).Elem())
			viaValue = m
		default:
			var a []any
			r := &unpacker{buf: fast.buf[1:], text: string(fast.buf[1:])}
			r.value(reflect.ValueOf(&a).Elem())
			viaValue = a
		}
		got := u.json()
		if u.bad || len(u.buf) != 0 || !reflect.DeepEqual(got, x) || !reflect.DeepEqual(got, viaValue) {
			t.Errorf("json read back %#v (bad %v, %d bytes left), want %#v as value reads it (%#v)", got, u.bad, len(u.buf), x, viaValue)
		}
	}
}

// A spool writes its packs a chunk at a time: every case comes back
// whole, whether its pack was written, is still pending, or sits in a
// chunk kept in memory because the write failed (a full disk; here a
// closed file).
func TestSpoolChunks(t *testing.T) {
	cases := packTestCases(t)
	for _, broken := range []bool{false, true} {
		spool := NewSpool()
		if broken {
			spool.f.Close()
		}
		var slims, whole []*Case
		for spool.size < 3*spoolChunk {
			for _, c := range cases {
				slims = append(slims, spool.Slim(c))
				whole = append(whole, c)
			}
		}
		written := spool.size - int64(len(spool.pending))
		switch {
		case broken && (len(spool.kept) == 0 || written == 0):
			t.Fatalf("a spool whose file is closed kept %d chunks (%d bytes taken before the pending ones), want some", len(spool.kept), written)
		case !broken && (len(spool.kept) != 0 || written == 0 || len(spool.pending) == 0):
			t.Fatalf("spool wrote %d bytes, kept %d chunks, has %d pending: want some written and some pending, none kept", written, len(spool.kept), len(spool.pending))
		}
		// In order (the chunk read last serves the next packs), in reverse
		// order, and from several goroutines at once.
		for i := range slims {
			if slims[i].spooled == nil {
				t.Fatalf("Spool.Slim(%s) is not spooled", whole[i].Name)
			}
			wantWhole(t, whole[i], slims[i])
		}
		for i := len(slims) - 1; i >= 0; i-- {
			wantWhole(t, whole[i], slims[i])
		}
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := w; i < len(slims); i += 4 {
					if got, err := Whole(slims[i]); err != nil || !cmp.Equal(whole[i], got, cmp.AllowUnexported(Case{})) {
						t.Errorf("Whole(%s) from goroutine %d: %v, or a case other than the one spooled", whole[i].Name, w, err)
					}
				}
			})
		}
		wg.Wait()
	}
}

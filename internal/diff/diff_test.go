package diff

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBodies(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		opts      Options
		diffs     []string
	}{
		{name: "subset ignores extra fields", want: `{"code":"x"}`, got: `{"code":"x","status":400}`},
		{name: "exact reports extra fields", want: `{"code":"x"}`, got: `{"code":"x","status":400}`, opts: Options{Exact: true},
			diffs: []string{"body /status: unexpected 400"}},
		{name: "changed nested value", want: `{"a":{"b":[1,2]}}`, got: `{"a":{"b":[1,3]}}`,
			diffs: []string{"body /a/b/1: want 2, got 3"}},
		{name: "missing field", want: `{"a":1,"b":2}`, got: `{"a":1}`,
			diffs: []string{"body /b: want 2, got nothing"}},
		{name: "type differs", want: `{"a":"1"}`, got: `{"a":1}`,
			diffs: []string{`body /a: want "1", got 1`}},
		{name: "numbers compare by value", want: `{"a":1.0}`, got: `{"a":1}`},
		{name: "big ids compare exactly", want: `{"id":9007199254740993}`, got: `{"id":9007199254740992}`,
			diffs: []string{"body /id: want 9007199254740993, got 9007199254740992"}},
		{name: "ignored pointer", want: `{"contextId":"a","code":"x"}`, got: `{"contextId":"b","code":"x"}`, opts: Options{Ignore: []string{"/contextId"}}},
		{name: "ignored extra in exact mode", want: `{}`, got: `{"contextId":"b"}`, opts: Options{Exact: true, Ignore: []string{"/contextId"}}},
		{name: "escaped keys", want: `{"a/b":1}`, got: `{"a/b":2}`, diffs: []string{"body /a~1b: want 1, got 2"}},
		{name: "array prefix in subset mode", want: `[1]`, got: `[1,2]`},
		{name: "array longer than answer", want: `[1,2]`, got: `[1]`, diffs: []string{"body /1: want 2, got nothing"}},
		{name: "null vs missing", want: `{"a":null}`, got: `{}`, diffs: []string{"body /a: want null, got nothing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range Bodies(decode(t, tt.want), decode(t, tt.got), tt.opts) {
				got = append(got, d.String())
			}
			if diff := cmp.Diff(tt.diffs, got); diff != "" {
				t.Errorf("Bodies(%s, %s) mismatch (-want +got):\n%s", tt.want, tt.got, diff)
			}
		})
	}
}

func TestShowKeepsMarkup(t *testing.T) {
	if got := Show("<a & b>"); got != `"<a & b>"` {
		t.Errorf("Show(<a & b>) = %s, want it unescaped", got)
	}
}

// showStd is Show as it was written: a json.Encoder without HTML escapes.
func showStd(v any) string {
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	s := strings.TrimRight(buf.String(), "\n")
	if len(s) > 200 {
		return s[:197] + "..."
	}
	return s
}

// FuzzShow: Show (through jsonvalue) shows what encoding/json shows, for
// any JSON value decoded both ways and for values it cannot encode.
func FuzzShow(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[true,null,"<&>"]}`, `"\u2028 é \ud800"`, `1.50e+3`, `[]`, `{}`, `null`,
		`"` + strings.Repeat("x", 300) + `"`, `{"k":"` + strings.Repeat("é", 150) + `"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var vs []any
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.UseNumber()
		var n any
		if dec.Decode(&n) == nil {
			vs = append(vs, n)
		}
		var v any
		if json.Unmarshal(data, &v) == nil {
			vs = append(vs, v)
		}
		vs = append(vs, string(data), math.NaN(), []any{1.0, math.Inf(1)}, map[string]string{"s": string(data)})
		for _, v := range vs {
			if got, want := Show(v), showStd(v); got != want {
				t.Errorf("Show(%#v) = %s, want %s", v, got, want)
			}
		}
	})
}

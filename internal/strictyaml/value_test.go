package strictyaml

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestJSONValue(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     string
		numbers Numbers
		want    any
	}{
		{"integers exact", "{id: 9007199254740993, n: 1.5}", ExactIntegers,
			map[string]any{"id": json.Number("9007199254740993"), "n": 1.5}},
		{"integers as float64", "{id: 12, hex: 0x1F, on: true}", Float64,
			map[string]any{"id": 12.0, "hex": 31.0, "on": true}},
		{"aliases expand", "{a: &x [1, null], b: *x}", Float64,
			map[string]any{"a": []any{1.0, nil}, "b": []any{1.0, nil}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse("v.yaml", []byte(tc.src))
			require.NoError(t, err)
			got, err := JSONValue("v.yaml", doc, tc.numbers)
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("JSONValue(%q) mismatch (-want +got):\n%s", tc.src, diff)
			}
		})
	}
}

// TestJSONValueErrors: what JSON cannot say is an error at the node that
// says it, in either number mode.
func TestJSONValueErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"{a: 1, a: 2}", `v.yaml:1:8: duplicate key "a"`},
		{"{[1]: x}", "v.yaml:1:2: a JSON object key must be a string"},
		{"x: .inf", "v.yaml:1:4: JSON has no Inf or NaN"},
		{"x: !!binary aGVsbG8=", "v.yaml:1:4: binary values cannot be sent as JSON"},
	} {
		for _, numbers := range []Numbers{Float64, ExactIntegers} {
			doc, err := Parse("v.yaml", []byte(tc.src))
			require.NoError(t, err)
			_, err = JSONValue("v.yaml", doc, numbers)
			if err == nil || err.Error() != tc.want {
				t.Errorf("JSONValue(%q, %d) = %v, want %s", tc.src, numbers, err, tc.want)
			}
		}
	}
}

func TestProblemsSummary(t *testing.T) {
	one := &Error{Pos: Pos{File: "casebook.yaml", Line: 1, Column: 1}, Msg: "x"}
	other := &Error{Pos: Pos{File: "cases/a.yaml", Line: 2, Column: 3}, Msg: "y"}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"one error", fmt.Errorf("loading: %w", one), "1 problem(s) in casebook.yaml"},
		{"one file", ErrorList{one, one}, "2 problem(s) in casebook.yaml"},
		{"two files", ErrorList{one, other, other}, "3 problem(s) in 2 files"},
	} {
		l, ok := Problems(tc.err)
		if !ok || l.Summary() != tc.want {
			t.Errorf("%s: Problems(%v).Summary() = %q (ok %v), want %q", tc.name, tc.err, l.Summary(), ok, tc.want)
		}
	}
	if _, ok := Problems(errors.New("plain")); ok {
		t.Errorf("Problems(a plain error) found problems")
	}
}

package mockserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/spec"
)

func ptr[T any](v T) *T { return &v }

// TestConditions evaluates each subject and predicate on one request.
func TestConditions(t *testing.T) {
	srv := &Server{overlay: &Overlay{Fixtures: map[string][]Record{
		"campaigns": {map[string]any{"id": "c1", "dialingMode": "predictive", "lines": 3.0}},
	}}}
	r := &http.Request{URL: &url.URL{RawQuery: "page=2"}, Header: http.Header{"X-Mode": {"test"}}}
	ex := &exchange{r: r, match: &spec.Match{PathParams: map[string]string{"campaignId": "c1", "n": "5"}},
		body:  []byte(`{"phoneNumber": "+1", "callUserId": "", "participants": [], "priority": 3, "nested": {"a": null}}`),
		grant: &grant{client: &Client{Name: "agent", User: "u1"}, scopes: []string{"a", "b"}}}
	tests := []struct {
		name string
		c    Condition
		want bool
	}{
		{"body exists", Condition{Body: "/phoneNumber"}, true},
		{"body absent", Condition{Body: "/callQueueId", Exists: ptr(false)}, true},
		{"null is absent", Condition{Body: "/nested/a", Exists: ptr(false)}, true},
		{"equals string", Condition{Body: "/phoneNumber", Equals: "+1"}, true},
		{"equals number", Condition{Body: "/priority", Equals: 3.0}, true},
		{"min on number", Condition{Body: "/priority", Min: ptr(4.0)}, false},
		{"count skips empty values", Condition{Count: []string{"/phoneNumber", "/callUserId", "/participants", "/callQueueId"}, Max: ptr(1.0)}, true},
		{"count at least two", Condition{Count: []string{"/phoneNumber", "/callUserId"}, Min: ptr(2.0)}, false},
		{"path equals a YAML number", Condition{Path: "n", Equals: 5.0}, true},
		{"query", Condition{Query: "page", In: []any{"1", "2"}}, true},
		{"header notIn", Condition{Header: "X-Mode", NotIn: []any{"test"}}, false},
		{"token user", Condition{Token: "user", Equals: "u1"}, true},
		{"token scopes length", Condition{Token: "scopes", Min: ptr(2.0)}, true},
		{"fixture field", Condition{Fixture: "campaigns", Key: &Ref{Path: "campaignId"}, Field: "/dialingMode", In: []any{"predictive", "progressive"}}, true},
		{"fixture missing record", Condition{Fixture: "campaigns", Key: &Ref{Path: "n"}, Field: "/dialingMode", Exists: ptr(false)}, true},
		{"absent value fails equals", Condition{Body: "/nope", Equals: "x"}, false},
		{"absent value fails notIn", Condition{Body: "/nope", NotIn: []any{"x"}}, false},
	}
	for _, tt := range tests {
		if got := srv.holds(ex, &tt.c); got != tt.want {
			t.Errorf("%s: holds = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestAsUnmarshalled: the rules read the body lint decoded (UseNumber) as
// json.Unmarshal would have decoded it, failures included.
func TestAsUnmarshalled(t *testing.T) {
	for _, body := range []string{
		`{"a": 1, "b": [1.5, -0, 1e3, 12345678901234567890], "c": {"d": null, "e": true, "f": "x"}}`,
		`[{"n": 9007199254740993}, [], {}]`,
		`"text"`, `0`, `null`, `{"big": 1e999}`, `[1, 2, -1e400]`, `{"u": "\u00e9\ud83d\ude00"}`,
	} {
		var want any
		wantErr := json.Unmarshal([]byte(body), &want)
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		var numbers any
		if err := dec.Decode(&numbers); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		got, ok := asUnmarshalled(numbers)
		if ok != (wantErr == nil) {
			t.Errorf("asUnmarshalled(%s) ok = %v, want %v (json.Unmarshal: %v)", body, ok, wantErr == nil, wantErr)
			continue
		}
		if diff := cmp.Diff(want, got); ok && diff != "" {
			t.Errorf("asUnmarshalled(%s) (-want +got):\n%s", body, diff)
		}
	}
}

// TestBodyMember: a member read from lint's decoding, converted alone, is
// the member json.Unmarshal's whole body holds; a body with a number
// beyond float64 has no members, as Unmarshal fails on it.
func TestBodyMember(t *testing.T) {
	pointers := []string{"", "/a", "/b", "/b/3", "/c", "/c/d", "/c/f", "/0/n", "/1", "/big", "/u", "/nope", "/b/9"}
	for _, body := range []string{
		`{"a": 1, "b": [1.5, -0, 1e3, 12345678901234567890], "c": {"d": null, "e": true, "f": "x"}}`,
		`[{"n": 9007199254740993}, [], {}]`,
		`"text"`, `0`, `null`, `{"big": 1e999, "a": "x"}`, `[1, 2, -1e400]`, `{"u": "\u00e9\ud83d\ude00"}`,
	} {
		var doc any
		unmarshalled := json.Unmarshal([]byte(body), &doc) == nil
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		var numbers any
		if err := dec.Decode(&numbers); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		for _, ptr := range pointers {
			ex := &exchange{linted: numbers, hasLinted: true}
			got, ok := ex.bodyMember(ptr)
			want, wantOK := jsonptr.Get(doc, ptr)
			wantOK = wantOK && unmarshalled
			if ok != wantOK {
				t.Errorf("bodyMember(%q) in %s: ok = %v, want %v", ptr, body, ok, wantOK)
				continue
			}
			if diff := cmp.Diff(want, got); ok && diff != "" {
				t.Errorf("bodyMember(%q) in %s (-want +got):\n%s", ptr, body, diff)
			}
		}
	}
}

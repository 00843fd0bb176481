package target

import (
	"encoding/json"
	"testing"
	"unicode"
	"unicode/utf8"
)

// referenceContextID is correlationID's body path without the filter:
// what mayHoldContextID must never change.
func referenceContextID(body []byte) string {
	var eb struct {
		ContextID string `json:"contextId"`
	}
	if json.Unmarshal(body, &eb) == nil {
		return eb.ContextID
	}
	return ""
}

// contextIDBodies are answers with and without a contextId, spelled every
// way encoding/json accepts it (any case, escapes, the Unicode I's that
// fold to its I), and near misses.
var contextIDBodies = []string{
	``, `{}`, `null`, `[]`, `"contextId"`, `{"contextId":"abc"}`, `{"contextid":"low"}`, `{"CONTEXTID":"up"}`,
	`{"ConTextId":"mixed"}`, `{"context\u0049d":"escaped"}`, `{"\u0063ontextId":"escaped c"}`,
	`{"contextİd":"dotted capital I"}`, `{"contextıd":"dotless i"}`, `{"contextKd":"no"}`, `{"context_id":"no"}`,
	`{"contextId":1}`, `{"contextId":null}`, `{"message":"bad","code":"bad.request","status":400,"contextId":"c-1"}`,
	`{"contextId":"a","contextId":"b"}`, `{"nested":{"contextId":"inner"}}`, `{"contextId":"x"`, `{"contextI":"short"}`,
	`{"id":"1","name":"no id here"}`, `contextid`, `{"a":"contextid"}`, `{"contextId":"é"}`, `{"ſ":"long s"}`,
}

// TestCorrelationIDMatchesDecode: the filter skips only bodies whose
// decode finds no contextId.
func TestCorrelationIDMatchesDecode(t *testing.T) {
	for _, b := range contextIDBodies {
		if got, want := correlationID(nil, []byte(b)), referenceContextID([]byte(b)); got != want {
			t.Errorf("correlationID(%s) = %q, want %q (the decode's)", b, got, want)
		}
	}
	if got := correlationID(map[string][]string{"Inin-Correlation-Id": {"h"}}, []byte(`{"contextId":"b"}`)); got != "h" {
		t.Errorf("correlationID with a header = %q, want the header's %q", got, "h")
	}
}

func FuzzCorrelationID(f *testing.F) {
	for _, b := range contextIDBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := correlationID(nil, b), referenceContextID(b); got != want {
			t.Errorf("correlationID(%q) = %q, want %q (the decode's)", b, got, want)
		}
	})
}

// TestContextIDFoldsInASCII: every rune that folds to a letter of
// contextid (encoding/json's key match) is ASCII, as mayHoldContextID
// assumes; the Kelvin sign folds to k and the long s to s, neither in it.
func TestContextIDFoldsInASCII(t *testing.T) {
	for _, c := range "contextid" {
		for r := unicode.SimpleFold(c); r != c; r = unicode.SimpleFold(r) {
			if r >= utf8.RuneSelf {
				t.Errorf("%q folds to %q, outside ASCII: mayHoldContextID must look for it", r, c)
			}
		}
	}
}

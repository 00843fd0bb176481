package lint

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestFormats: every format casebook checks accepts what it should and
// refuses what it should, the same in OpenAPI 3.0 and 3.1.
func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		format    string
		good, bad string
	}{
		{"uri", "https://example.com/a?b=c", "not a url"},
		{"uri", "urn:isbn:0451450523", "/relative/only"},
		{"uri-reference", "/relative/only", "has space"},
		{"email", "a@example.com", "nobody"},
		{"email", "first.last+tag@example.co.uk", "Name <a@example.com>"},
		{"uuid", "0b989ba4-242f-11e5-81e1-c7b6966d2516", "0b989ba4242f11e581e1c7b6966d2516"},
		{"ipv4", "192.0.2.1", "2001:db8::1"},
		{"ipv6", "2001:db8::1", "192.0.2.1"},
		{"hostname", "api.example.com", "-bad-.example.com"},
		{"date", "2026-02-28", "2026-02-30"},
		{"date-time", "2026-01-01T10:00:00Z", "2026-01-01 10:00"},
	} {
		for _, version := range []string{"3.0.3", "3.1.0"} {
			doc := &openapi3.T{OpenAPI: version}
			s := &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: tc.format}
			opts := SchemaOptions(doc, AsRequest)
			v := NewValidator(doc, AsRequest) // 3.1: the schema compiled once, not by kin-openapi
			for _, visit := range []func(any) error{
				func(x any) error { return s.VisitJSON(x, opts...) },
				func(x any) error { return v.Visit(s, x) },
			} {
				if err := visit(tc.good); err != nil {
					t.Errorf("%s %s: %q refused: %v", version, tc.format, tc.good, err)
				}
				if err := visit(tc.bad); err == nil {
					t.Errorf("%s %s: %q accepted", version, tc.format, tc.bad)
				}
			}
		}
	}
}

package spec

import (
	"slices"
	"testing"
)

// TestShippedSpecsCarryProvenance: every operation, schema and security
// scheme of a spec casebook ships says where it comes from and how far it is
// verified (the truth rule, specs/README.md).
func TestShippedSpecsCarryProvenance(t *testing.T) {
	levels := []string{"published-spec", "vendor-sdk", "live", "unverified"}
	for _, path := range []string{
		"../../specs/genesys-cloud/openapi.yaml",
		"../../specs/nice-cxone/openapi.yaml",
		"../../specs/personal-connection.yaml",
	} {
		s, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, ext map[string]any, needVerification bool) {
			if src, _ := ext["x-casebook-source"].(string); src == "" {
				t.Errorf("%s: %s has no x-casebook-source", path, what)
			}
			if v, _ := ext["x-casebook-verification"].(string); needVerification && !slices.Contains(levels, v) {
				t.Errorf("%s: %s: x-casebook-verification %q, want one of %v", path, what, v, levels)
			}
		}
		for _, op := range s.Operations() {
			check(op.String(), op.Op.Extensions, true)
		}
		for name, ref := range s.Doc.Components.Schemas {
			check("schema "+name, ref.Value.Extensions, true)
		}
		for name, ref := range s.Doc.Components.SecuritySchemes {
			check("security scheme "+name, ref.Value.Extensions, false)
		}
	}
}

package spec

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

func mustLoad(t testing.TB, path string) *Spec {
	t.Helper()
	s, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%q): %v", path, err)
	}
	return s
}

func TestFind(t *testing.T) {
	s := mustLoad(t, "testdata/petstore.yaml")
	tests := []struct {
		name, method, path string
		wantOp             string
		wantParams         map[string]string
	}{
		{"template", "POST", "/campaigns/c-1/calls", "POST /campaigns/{campaignId}/calls", map[string]string{"campaignId": "c-1"}},
		{"literal wins over parameter", "GET", "/campaigns/progress", "GET /campaigns/progress", nil},
		{"parameter where literal dead-ends", "PUT", "/campaigns/progress", "PUT /campaigns/{campaignId}", map[string]string{"campaignId": "progress"}},
		{"server prefix stripped", "GET", "/base/v1/campaigns/x", "GET /campaigns/{campaignId}", map[string]string{"campaignId": "x"}},
		{"escaped parameter", "GET", "/campaigns/a%20b", "GET /campaigns/{campaignId}", map[string]string{"campaignId": "a b"}},
		{"lower-case method", "get", "/campaigns/x", "GET /campaigns/{campaignId}", map[string]string{"campaignId": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := s.Find(tt.method, tt.path)
			if err != nil {
				t.Fatalf("Find(%s %s): %v", tt.method, tt.path, err)
			}
			if got := m.String(); got != tt.wantOp {
				t.Errorf("Find(%s %s) = %s, want %s", tt.method, tt.path, got, tt.wantOp)
			}
			if len(m.PathParams) != len(tt.wantParams) {
				t.Fatalf("params = %v, want %v", m.PathParams, tt.wantParams)
			}
			for k, v := range tt.wantParams {
				if m.PathParams[k] != v {
					t.Errorf("param %s = %q, want %q", k, m.PathParams[k], v)
				}
			}
		})
	}
}

func TestFindErrors(t *testing.T) {
	s := mustLoad(t, "testdata/petstore.yaml")
	_, err := s.Find("DELETE", "/campaigns/x")
	var re *RouteError
	if !errors.As(err, &re) || !re.MethodNotAllowed() || !slices.Equal(re.Allowed, []string{"GET", "PUT"}) {
		t.Fatalf("Find(DELETE /campaigns/x) = %v, want 405 allowing GET, PUT", err)
	}
	_, err = s.Find("POST", "/campaign/x/calls")
	if !errors.As(err, &re) || re.MethodNotAllowed() {
		t.Fatalf("Find(POST /campaign/x/calls) = %v, want not found", err)
	}
	if n := s.Nearest("POST", "/campaign/x/calls", 3); len(n) == 0 || n[0] != "POST /campaigns/{campaignId}/calls" {
		t.Errorf("Nearest = %v, want POST /campaigns/{campaignId}/calls first", n)
	}
}

func TestLoadFormats(t *testing.T) {
	for _, f := range []string{"testdata/swagger2.yaml", "testdata/openapi31.json"} {
		s := mustLoad(t, f)
		if len(s.Operations()) != 1 {
			t.Errorf("%s: %d operations, want 1", f, len(s.Operations()))
		}
	}
	s := mustLoad(t, "testdata/swagger2.yaml")
	if s.Version != "2.0" {
		t.Errorf("Version = %q, want 2.0", s.Version)
	}
	if _, err := s.Find("POST", "/api/things"); err != nil {
		t.Errorf("Swagger basePath not routed: %v", err)
	}
	if op := s.Operations()[0]; op.Op.RequestBody == nil {
		t.Error("Swagger body parameter was not converted into a requestBody")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"missing file", "testdata/nope.yaml", "testdata/nope.yaml: open"},
		{"yaml syntax has line", "testdata/broken.yaml", "invalid YAML: did not find expected"},
		{"json syntax has line", "testdata/broken.json", "testdata/broken.json:3:"},
		{"not a spec", "testdata/schemas.yaml", "not an API description"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.file)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load(%s) = %v, want *LoadError", tt.file, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load(%s) = %q, want it to contain %q", tt.file, err, tt.want)
			}
		})
	}
}

const genesysSwagger = "../../../shared/specs-real/genesys-cloud-2018-03-swagger.json"

func TestGenesysPublishedSwagger(t *testing.T) {
	if _, err := os.Stat(genesysSwagger); err != nil {
		t.Fatalf("the published spec is missing (%v): the corpus ../shared/specs-real is always beside the checkout", err)
	}
	s := mustLoad(t, genesysSwagger)
	if s.Envelope != EnvelopeGenesys {
		t.Errorf("Envelope = %q, want genesys", s.Envelope)
	}
	paths := map[string]bool{}
	for _, op := range s.Operations() {
		paths[op.Path] = true
	}
	if len(paths) != 568 {
		t.Errorf("%d paths routed, want 568", len(paths))
	}
	m, err := s.Find("POST", "/api/v2/conversations/calls")
	if err != nil {
		t.Fatal(err)
	}
	if codes := m.ErrorCodes("400"); codes["not.a.user"] == "" {
		t.Errorf("ErrorCodes(400) = %v, want not.a.user", codes)
	}
	near := s.Nearest("POST", "/api/v2/outbound/calls", 3)
	if len(near) == 0 || near[0] != "POST /api/v2/conversations/calls" {
		t.Fatalf("Nearest(POST /api/v2/outbound/calls) = %v, want POST /api/v2/conversations/calls first", near)
	}
}

func BenchmarkFind(b *testing.B) {
	s := mustLoad(b, "testdata/petstore.yaml")
	for b.Loop() {
		if _, err := s.Find("POST", "/campaigns/c-1/calls"); err != nil {
			b.Fatal(err)
		}
	}
}

package mockserver

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOverlayPathFor(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"specs/personal-connection.yaml", "specs/personal-connection.overlay.yaml"},
		{"specs/genesys-cloud/openapi.yaml", "specs/genesys-cloud/openapi.overlay.yaml"},
		{"x/swagger.json", "x/swagger.overlay.yaml"},
	}
	for _, tt := range tests {
		if got := OverlayPathFor(tt.spec); got != filepath.FromSlash(tt.want) {
			t.Errorf("OverlayPathFor(%q) = %q, want %q", tt.spec, got, tt.want)
		}
	}
}

// TestOverlayFor: the overlay beside a spec, or none without an error.
func TestOverlayFor(t *testing.T) {
	ov, err := OverlayFor("../specs/personal-connection.yaml")
	require.NoError(t, err)
	require.NotNil(t, ov)
	assert.Equal(t, filepath.FromSlash("../specs/personal-connection.overlay.yaml"), ov.File)
	ov, err = OverlayFor(filepath.Join(t.TempDir(), "bare.yaml"))
	assert.NoError(t, err)
	assert.Nil(t, ov, "a spec without an overlay")
}

// TestOverlayErrors: every problem names file:line:col, and a misspelt key
// or operation gets a "did you mean".
func TestOverlayErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // substring of the error
	}{
		{"misspelt key", "clients:\n  - name: a\n    id: a\n    secret: s\n    scops: [x]\n",
			`o.yaml:5:5: clients[0]: unknown key "scops" (did you mean "scopes"?)`},
		{"wrong type", "auth:\n  scopes:\n    status: forbidden\n", `o.yaml:3:13: auth.scopes.status: want an integer, got string "forbidden"`},
		{"broken YAML", "clients: [\n", "o.yaml:"},
		{"unknown operation", rule("POST /api/v2/conversations/call", "- body: /phoneNumber\n      exists: false"),
			`o.yaml:2:5: rules[0].operation: no operation "POST /api/v2/conversations/call" in the spec (did you mean "POST /api/v2/conversations/calls"?)`},
		{"two subjects", rule("POST /api/v2/conversations/calls", "- body: /phoneNumber\n      path: x"),
			`o.yaml:5:7: rules[0].when[0]: want exactly one subject`},
		{"unknown fixture", rule("POST /api/v2/conversations/calls", "- fixture: user\n      key: {token: user}\n      field: /station"),
			`rules[0].when[0].fixture: no fixture collection "user" (did you mean "users"?)`},
		{"bad pointer", rule("POST /api/v2/conversations/calls", "- body: phoneNumber"),
			`rules[0].when[0].body: "phoneNumber" is not a JSON pointer`},
		{"no verification", "rules:\n  - name: r\n    operation: POST /api/v2/conversations/calls\n    source: s\n    when: [{body: /a}]\n    then: {status: 400, code: bad.request}\n",
			`o.yaml:2:5: rules[0]: verification: want one of published-spec, vendor-sdk, live, unverified, got ""`},
		{"success status in a rule", "rules:\n  - name: r\n    operation: POST /api/v2/conversations/calls\n    source: s\n    verification: unverified\n    when: [{body: /a}]\n    then: {status: 200, code: ok}\n",
			`rules[0].then.status: want an error status (400-599) or one POST /api/v2/conversations/calls declares with no body, got 200`},
		{"304 the operation does not declare", "rules:\n  - name: r\n    operation: POST /api/v2/conversations/calls\n    source: s\n    verification: unverified\n    when: [{body: /a}]\n    then: {status: 304}\n",
			`rules[0].then.status: want an error status (400-599) or one POST /api/v2/conversations/calls declares with no body, got 304`},
		{"username without password", "clients:\n  - name: a\n    username: u\n", `o.yaml:2:5: clients[0]: a client's username and password (the password grant) come together`},
		{"username twice", "clients:\n  - {name: a, username: u, password: p}\n  - {name: b, username: u, password: q}\n",
			`o.yaml:3:5: clients[1]: username "u" is used twice`},
		{"fixture without id", "fixtures:\n  users:\n    - {id: u}\n    - {name: no id}\n",
			`o.yaml:4:7: fixtures.users[1]: a fixture must be a mapping with an id`},
		{"duplicate fixture id", "fixtures:\n  users:\n    - {id: u}\n    - {id: u}\n",
			`o.yaml:4:7: fixtures.users[1]: fixture id "u" is used twice`},
		{"client without secret", "clients:\n  - name: a\n    id: a\n", `o.yaml:2:5: clients[0]: a client needs an id and a secret`},
	}
	s := loadSpec(t, genesysSpec)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ov, err := DecodeOverlay("o.yaml", []byte(tt.yaml))
			if err == nil {
				if ov.Fixtures == nil {
					ov.Fixtures = map[string][]Record{"users": {map[string]any{"id": "u"}}}
				}
				_, err = New(Config{Spec: s, Overlay: ov})
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error =\n%v\nwant it to contain\n%s", err, tt.want)
			}
			var oe *OverlayError
			if !errors.As(err, &oe) {
				t.Errorf("error %T is not an *OverlayError", err)
			}
		})
	}
}

func rule(op, when string) string {
	return "rules:\n  - name: r\n    operation: " + op + "\n    when:\n    " + when +
		"\n    then: {status: 400, code: bad.request}\n    source: s\n    verification: unverified\n"
}

// TestShippedOverlaysLoad: the overlays the product ships decode and match their specs.
func TestShippedOverlaysLoad(t *testing.T) {
	for _, p := range []string{genesysSpec, pcSpec, cxoneSpec} {
		ov, err := LoadOverlay(OverlayPathFor(p))
		if err != nil {
			t.Fatalf("LoadOverlay(%s): %v", OverlayPathFor(p), err)
		}
		if _, err := New(Config{Spec: loadSpec(t, p), Overlay: ov}); err != nil {
			t.Errorf("New(%s): %v", p, err)
		}
		for _, r := range ov.Rules {
			if r.Source == "" || r.Verification == "" {
				t.Errorf("%s: rule %s has no source or verification", ov.File, r.Name)
			}
		}
	}
}

package mockserver

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzDecodeOverlay feeds arbitrary overlay YAML, anchors and aliases
// included, to DecodeOverlay and then to New against the Genesys spec.
// Whatever comes in, neither may panic or run without end, and every error
// is an *OverlayError naming the file.
func FuzzDecodeOverlay(f *testing.F) {
	for _, p := range []string{genesysSpec, pcSpec} {
		data, err := os.ReadFile(OverlayPathFor(p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range []string{
		// A client and a rule shared by alias, a fixture list reused.
		"clients:\n  - &c {name: a, id: a, secret: s, scopes: [x]}\nrules:\n  - name: r\n    operation: POST /api/v2/conversations/calls\n" +
			"    when: &w [{body: /phoneNumber, exists: false}]\n    then: {status: 400, code: bad.request}\n    source: s\n    verification: unverified\n" +
			"  - {name: r2, operation: POST /api/v2/conversations/calls, when: *w, then: {status: 400, code: bad.request}, source: s, verification: unverified}\n",
		"fixtures:\n  users: &u [{id: u1, station: s}]\n  stations: *u\n",
		// Aliases to the values containing them.
		"fixtures: &f {users: [{id: u, self: *f}]}\n",
		"clients: &c [*c]\n",
		// An alias bomb under fixtures.
		"fixtures:\n  bomb:\n    - id: b\n      a0: &a0 [x, x, x, x, x, x, x, x, x]\n      a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n" +
			"      a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\n      a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\n" +
			"      a4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\n      a5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\n",
		"<<: &m {clients: []}\nrules: {<<: *m}\n",
	} {
		f.Add([]byte(seed))
	}
	s := loadSpec(f, genesysSpec)
	f.Fuzz(func(t *testing.T, data []byte) {
		ov, err := DecodeOverlay("fuzz.overlay.yaml", data)
		if err == nil {
			_, err = New(Config{Spec: s, Overlay: ov})
		}
		if err == nil {
			return
		}
		var oe *OverlayError
		if !errors.As(err, &oe) || !strings.HasPrefix(err.Error(), "fuzz.overlay.yaml") {
			t.Fatalf("error %T %q is not an *OverlayError naming the file", err, err)
		}
	})
}

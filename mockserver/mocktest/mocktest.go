// Package mocktest starts casebook's vendor-realistic mock for a Go test
// and stops it when the test ends, the way net/http/httptest starts a
// server: a loopback port the system picks, and Close (through t.Cleanup)
// waiting for the requests in flight.
//
//	func TestPlaceCall(t *testing.T) {
//		srv := mocktest.Start(t, "testdata/openapi.yaml")
//		id, secret, _ := srv.Client("agent")
//		cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: srv.TokenURL()}
//		svc := dialer.New(cc.Client(ctx), srv.URL()) // the code under test
//		...
//	}
//
// The mock answers as the spec's vendor does: its error envelope, its
// token endpoint, scopes, permissions, and the rules, fixtures and OAuth
// clients of the overlay beside the spec (docs/overlay.md). Wrap the
// service's transport in runner/contract's Transport to have each of its
// requests linted against the same spec.
package mocktest

import (
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
)

// TB is the part of *testing.T (or *testing.B) Start uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Start serves the spec at specPath (OpenAPI 3.0, 3.1 or Swagger 2.0) with
// the overlay beside it (mockserver.OverlayPathFor; none: the default
// overlay, whose one client "default" has id and secret "casebook"), and
// closes it when the test and its subtests end. A spec or overlay that
// does not load fails the test at once, naming file:line:col.
func Start(t TB, specPath string) *mockserver.Server {
	t.Helper()
	srv, err := mockserver.Open(specPath, "", spec.LoadOptions{}, mockserver.Config{})
	if err != nil {
		t.Fatalf("mocktest: %v", err)
		return nil
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("mocktest: %v", err)
		return nil
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("mocktest: closing the mock of %s: %v", specPath, err)
		}
	})
	return srv
}

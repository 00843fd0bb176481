package mockserver

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkServeHTTP measures one answer through the whole pipeline
// (routing, token lookup, permissions, validation, rules, generation),
// without the network.
func BenchmarkServeHTTP(b *testing.B) {
	srv, err := New(Config{Spec: loadSpec(b, genesysSpec), Overlay: mustOverlay(b, genesysSpec)})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, client, body string }{
		{"correct call", "agent", `{"phoneNumber": "+13175550123"}`},
		{"no station", "agent-no-station", `{"phoneNumber": "+13175550123"}`},
		{"invalid body", "agent", `{"phoneNumber": 1, "priority": "x"}`},
	} {
		tok := issue(srv, bc.client)
		b.Run(bc.name, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("POST", "/api/v2/conversations/calls", strings.NewReader(bc.body))
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Content-Type", "application/json")
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, req)
					if rec.Code >= 500 {
						b.Fatalf("status %d", rec.Code)
					}
				}
			})
		})
	}
}

package lint

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/casebook-dev/casebook/internal/spec"
)

// TestCheckWhileSpecValidates checks requests against Stripe's spec while
// its background validation (Spec.Validate) still runs (it takes the
// longest of the published specs), on several goroutines, as the mock
// does: under -race, any write the validator makes to what a check reads
// shows here.
func TestCheckWhileSpecValidates(t *testing.T) {
	s, err := spec.Load("../../../shared/specs-real/stripe-spec3-2022-04.json")
	if err != nil {
		t.Fatal(err)
	}
	s.Validate()
	ops := s.Operations()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(ops); i += 4 * 8 {
				op := ops[i]
				req := &Request{Method: op.Method, Path: op.Path, Header: http.Header{"Authorization": {"Bearer t"}, "Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte("a=b")}
				Check(context.Background(), s, req, Options{})
			}
		})
	}
	wg.Wait()
	if p := s.Problems(); len(p) != 0 {
		t.Errorf("Stripe 2022-04 Problems() = %q, want none (as before validation moved to the background)", p)
	}
}

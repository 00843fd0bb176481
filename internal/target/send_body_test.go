package target

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestReadBodyMatchesReadAll: readBody returns what io.ReadAll of the
// body, limited to MaxResponseBytes, returns (bytes and error), whatever
// the Content-Length says (right, absent, too small, too large, past the
// limit), and reads a body that declares its length with fewer
// allocations.
func TestReadBodyMatchesReadAll(t *testing.T) {
	big := strings.Repeat("b", MaxResponseBytes+10)
	failing := errors.New("connection reset")
	for _, tc := range []struct {
		name   string
		body   string
		length int64
		err    error // the body fails with it after its bytes
	}{
		{"empty", "", 0, nil},
		{"empty, no length", "", -1, nil},
		{"json", `{"id":"1"}`, 10, nil},
		{"no length (chunked)", strings.Repeat("x", 3000), -1, nil},
		{"declared longer", "short", 100, nil},
		{"declared shorter", strings.Repeat("y", 1500), 10, nil},
		{"exactly 512", strings.Repeat("z", 512), 512, nil},
		{"past the limit", big, int64(len(big)), nil},
		{"past the limit, no length", big, -1, nil},
		{"cut short", `{"id":`, 10, io.ErrUnexpectedEOF},
		{"failing", "abc", -1, failing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open := func() *http.Response {
				var r io.Reader = strings.NewReader(tc.body)
				if tc.err != nil {
					r = io.MultiReader(r, &errReader{tc.err})
				}
				return &http.Response{Body: io.NopCloser(r), ContentLength: tc.length}
			}
			want, wantErr := io.ReadAll(io.LimitReader(open().Body, MaxResponseBytes))
			got, err := readBody(open())
			if !bytes.Equal(got, want) || (got == nil) != (want == nil) || !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
				t.Errorf("readBody = %d bytes (nil %v), %v; io.ReadAll: %d bytes (nil %v), %v",
					len(got), got == nil, err, len(want), want == nil, wantErr)
			}
		})
	}
	body := strings.Repeat("j", 1800)
	answer := func() *http.Response {
		return &http.Response{Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
	}
	ours := testing.AllocsPerRun(20, func() { _, _ = readBody(answer()) })
	readAll := testing.AllocsPerRun(20, func() { _, _ = io.ReadAll(io.LimitReader(answer().Body, MaxResponseBytes)) })
	if ours >= readAll {
		t.Errorf("readBody of a 1,800-byte body with its length: %v allocations, io.ReadAll %v; want fewer", ours, readAll)
	}
}

type errReader struct{ err error }

func (r *errReader) Read([]byte) (int, error) { return 0, r.err }

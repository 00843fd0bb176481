package target

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
)

// W3C Trace Context (https://www.w3.org/TR/trace-context/): every request
// carries a traceparent header, version 00, a random 16-byte trace id, a
// random 8-byte parent (span) id and flags 01 (sampled), so that the call
// can be found in the tracing backend of the service under test. The
// report keeps the trace id. A case's own traceparent header is kept.

// newTraceID is 16 random bytes in lowercase hex, never all zero.
func newTraceID() string { return randomHex(16) }

// traceparent is the header for one attempt: a new parent id each time,
// since each attempt is a span of its own.
func traceparent(traceID string) string {
	return "00-" + traceID + "-" + randomHex(8) + "-01"
}

func randomHex(n int) string {
	b := make([]byte, n)
	for {
		rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
		for _, c := range b {
			if c != 0 {
				return hex.EncodeToString(b)
			}
		}
	}
}

// traceIDOf reads the trace id of a traceparent value; "" when malformed.
func traceIDOf(tp string) string {
	parts := strings.Split(strings.TrimSpace(tp), "-")
	if len(parts) < 4 || len(parts[0]) != 2 || len(parts[1]) != 32 {
		return ""
	}
	if _, err := hex.DecodeString(parts[1]); err != nil || parts[1] == strings.Repeat("0", 32) {
		return ""
	}
	return strings.ToLower(parts[1])
}

// setTraceparent adds traceparent to h unless the case set one (kept as
// written, even malformed: it may be what the case tests), and returns the
// trace id the request carries.
func setTraceparent(h http.Header, traceID string) string {
	if own := h.Get("Traceparent"); own != "" {
		return traceIDOf(own)
	}
	h.Set("Traceparent", traceparent(traceID))
	return traceID
}

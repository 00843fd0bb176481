package runner

import (
	"net/http"
	"strings"

	"github.com/casebook-dev/casebook/internal/secret"
)

// Redacted replaces secret header values in reports, logs and curl exports.
const Redacted = "REDACTED"

// IsSecretHeader reports whether a header carries credentials (internal/secret's rule).
func IsSecretHeader(name string) bool { return secret.Name(name) }

// RedactHeader returns a copy of h with every credential replaced by Redacted
// (the scheme of an Authorization header is kept: "Bearer REDACTED").
func RedactHeader(h http.Header) http.Header {
	out := h.Clone()
	for name, values := range out {
		if !IsSecretHeader(name) {
			continue
		}
		for i, v := range values {
			if scheme, _, ok := strings.Cut(v, " "); ok && strings.Contains(strings.ToLower(name), "authorization") {
				values[i] = scheme + " " + Redacted
			} else {
				values[i] = Redacted
			}
		}
	}
	return out
}

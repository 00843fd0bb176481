package target

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/secret"
)

// Secrets are values read from a secrets file (KEY=VALUE lines, # comments).
// Lookup consults the environment first: a variable set for one command
// beats the file.
type Secrets struct {
	File   string
	values map[string]string
}

// LoadSecrets reads a secrets file. A malformed line is an error naming
// file:line and never the line's text.
func LoadSecrets(path string) (*Secrets, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &SecretsError{Err: err}
	}
	s := &Secrets{File: path, values: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		k = strings.TrimSpace(k)
		if !ok || !casefile.VarName.MatchString(k) {
			return nil, &ConfigError{Msg: fmt.Sprintf("%s:%d: want NAME=value", path, n)}
		}
		s.values[k] = unquote(strings.TrimSpace(v))
	}
	return s, nil
}

func unquote(v string) string {
	for _, q := range []string{`"`, `'`} {
		if len(v) >= 2 && strings.HasPrefix(v, q) && strings.HasSuffix(v, q) {
			return v[1 : len(v)-1]
		}
	}
	return v
}

// Lookup finds a variable in the environment, then the file.
func (s *Secrets) Lookup(name string) (string, bool) {
	if v, ok := os.LookupEnv(name); ok {
		return v, true
	}
	v, ok := s.values[name]
	return v, ok
}

// Scrub replaces every secret the target has sent (client secrets, tokens,
// passwords, keys) with secret.Redacted in b. The runner scrubs answers with it: a
// server that echoes a request's credentials (an echo endpoint, a debug
// header) must not carry them into a report.
func (l *LiveTarget) Scrub(b []byte) []byte { return l.used.scrub(b) }

// secretSet is the secrets a target has used. Values shorter than
// minSecretLen are not scrubbed: blanking every "p" in an answer would
// destroy it, and so short a secret is no secret.
type secretSet struct {
	mu   sync.Mutex
	vals map[string]bool
}

const minSecretLen = 6

func (s *secretSet) add(v string) {
	if len(v) < minSecretLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vals == nil {
		s.vals = map[string]bool{}
	}
	s.vals[v] = true
}

func (s *secretSet) scrub(b []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	for v := range s.vals {
		if bytes.Contains(b, []byte(v)) {
			b = bytes.ReplaceAll(b, []byte(v), []byte(secret.Redacted))
		}
	}
	return b
}

// SecretsError is a secrets file that cannot be read; it wraps the
// *fs.PathError, which names the file and never its contents.
type SecretsError struct{ Err error }

func (e *SecretsError) Error() string { return "secrets file: " + e.Err.Error() }
func (e *SecretsError) Unwrap() error { return e.Err }

package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Percent is a flag.Func that reads a percentage from 0 to 100 ("80" or
// "80%") into p.
func Percent(p *float64) func(string) error {
	return func(s string) error {
		v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil || v < 0 || v > 100 {
			return fmt.Errorf("want a percentage from 0 to 100, got %q", s)
		}
		*p = v
		return nil
	}
}

// KeyValue is a flag.Func that reads NAME=value into m (repeatable).
func KeyValue(m map[string]string) func(string) error {
	return func(s string) error {
		name, value, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return fmt.Errorf("want NAME=value, got %q", s)
		}
		m[name] = value
		return nil
	}
}

// LockedWriter serialises writes to W, for output that goroutines share
// (a request log's flusher and warnings printed in the background).
type LockedWriter struct {
	mu sync.Mutex
	W  io.Writer
}

func (l *LockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.W.Write(p)
}

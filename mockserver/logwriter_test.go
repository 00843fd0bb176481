package mockserver

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestLogWriterFlushes(t *testing.T) {
	var out logBuffer
	ticks := make(chan time.Time)
	w := newLogWriter(&out, ticks)
	w.Write([]byte("a\n"))
	assert.Empty(t, out.String(), "written through before a tick")
	// The loop takes a second tick only after it has flushed for the first.
	ticks <- time.Time{}
	ticks <- time.Time{}
	assert.Equal(t, "a\n", out.String(), "after a tick")
	w.Write([]byte("b\n"))
	w.Close()
	w.Close() // twice is fine
	assert.Equal(t, "a\nb\n", out.String(), "after Close")
}

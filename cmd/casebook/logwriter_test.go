package main

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestBatchWriterFlushes(t *testing.T) {
	var out lockedBuffer
	w := newBatchWriter(&out, 10*time.Millisecond)
	w.Write([]byte("a\n"))
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "a\n" {
		if time.Now().After(deadline) {
			t.Fatal("a buffered line was not flushed by the ticker")
		}
		time.Sleep(5 * time.Millisecond)
	}
	w.Write([]byte("b\n"))
	w.Close()
	w.Close() // twice is fine
	if got := out.String(); got != "a\nb\n" {
		t.Errorf("after Close the output is %q, want %q", got, "a\nb\n")
	}
}

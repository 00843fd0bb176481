package mockserver

import (
	"bufio"
	"io"
	"os"
	"sync"
	"time"
)

// LogWriter buffers the mock's request log and flushes it every interval
// and on Close: under load, one write system call per request line cost
// the mock 7-13% of its throughput (bench/RESULTS.md). A line reaches its
// file or terminal at most an interval late. It is safe for concurrent use.
type LogWriter struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// NewLogWriter buffers writes to w, flushing every interval.
func NewLogWriter(w io.Writer, interval time.Duration) *LogWriter {
	t := time.NewTicker(interval)
	l := newLogWriter(w, t.C)
	go func() { <-l.done; t.Stop() }()
	return l
}

// newLogWriter flushes on each tick (tests send their own).
func newLogWriter(w io.Writer, ticks <-chan time.Time) *LogWriter {
	l := &LogWriter{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go l.loop(ticks)
	return l
}

func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *LogWriter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	_ = l.w.Flush()
}

func (l *LogWriter) loop(ticks <-chan time.Time) {
	defer close(l.done)
	for {
		select {
		case <-ticks:
			l.flush()
		case <-l.stop:
			l.flush()
			return
		}
	}
}

// Close flushes what is buffered and stops the flusher. It may be called twice.
func (l *LogWriter) Close() error {
	l.once.Do(func() { close(l.stop) })
	<-l.done
	return nil
}

// OpenLog is the request log of `casebook mock`: appended to the file at
// path, else written to w, flushed every interval. The returned func
// flushes the log and closes the file; it may be called twice.
func OpenLog(path string, w io.Writer, interval time.Duration) (*LogWriter, func(), error) {
	closeFile := func() error { return nil }
	if path != "" {
		file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, err
		}
		w, closeFile = file, sync.OnceValue(file.Close)
	}
	l := NewLogWriter(w, interval)
	return l, func() { l.Close(); closeFile() }, nil
}

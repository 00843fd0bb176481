//go:build unix

package inputfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// ReadInto (on unix, readRegular's system calls) reads what os.Open and
// readOpen read, with the same error, whatever the file and the buffer
// handed in: every size about the limit, a folder, a missing file, a
// device, a FIFO.
func TestReadIntoMatchesRead(t *testing.T) {
	dir := t.TempDir()
	const limit = 100
	paths := []string{dir, filepath.Join(dir, "missing"), "/dev/null", "/dev/zero"}
	for _, size := range []int{0, 1, 99, 100, 101, 5000} {
		path := filepath.Join(dir, fmt.Sprintf("f%d", size))
		if err := os.WriteFile(path, bytes.Repeat([]byte{'a' + byte(size%26)}, size), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		paths = append(paths, fifo)
	}
	reference := func(path string) ([]byte, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readOpen(nil, f, path, limit)
	}
	// feed starts a FIFO's writer (150 bytes, then the end) and returns a
	// wait for it to close, so that the next reader meets the next writer.
	feed := func(path string) (wait func()) {
		done := make(chan struct{})
		if path != fifo {
			close(done)
		} else {
			go func() {
				defer close(done)
				if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
					f.Write(bytes.Repeat([]byte("x"), 150))
					f.Close()
				}
			}()
		}
		return func() { <-done }
	}
	for _, path := range paths {
		if _, err := os.Stat(path); err != nil && path != paths[1] {
			continue // no such device here
		}
		wait := feed(path)
		want, wantErr := reference(path)
		wait()
		for _, buf := range [][]byte{nil, make([]byte, 3, 8), bytes.Repeat([]byte("z"), 200)} {
			wait := feed(path)
			got, err := ReadInto(buf, path, limit)
			wait()
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || !bytes.Equal(got, want) {
				t.Errorf("ReadInto(%d-byte buffer, %s) = %.20q, %v; want %.20q, %v", len(buf), path, got, err, want, wantErr)
			}
		}
	}
}

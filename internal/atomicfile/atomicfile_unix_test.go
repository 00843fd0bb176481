//go:build unix

package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWriteKeepsPipes: a report or document sent to a FIFO (or
// /dev/null, /dev/stdout) is written into it, and the FIFO stays a FIFO; a
// rename over it would have replaced the device with a plain file.
func TestWriteKeepsPipes(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until the writer opens it
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	if err := Write(fifo, []byte("report")); err != nil {
		t.Fatal(err)
	}
	// Checked first: had the FIFO been replaced, its reader would wait forever.
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("after Write the FIFO is %v (%v), want still a named pipe", fi.Mode(), err)
	}
	if s := <-got; s != "report" {
		t.Errorf("the FIFO's reader got %q, want %q", s, "report")
	}
}

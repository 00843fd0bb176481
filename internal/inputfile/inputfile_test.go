package inputfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("12345678"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, err := Read(path, 8); err != nil || string(data) != "12345678" {
		t.Errorf("Read(8-byte file, 8) = %q, %v; want the file", data, err)
	}
	_, err := Read(path, 7)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 7 || !strings.HasPrefix(err.Error(), path+": larger than 7 bytes") {
		t.Errorf("Read(8-byte file, 7) = %v, want a *TooLargeError naming the file", err)
	}
	if _, err := Read(filepath.Join(dir, "missing"), 8); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want ErrNotExist", err)
	}
}

// TestReadStopsAtTheLimit: a file that never ends (a device, a FIFO fed
// forever) costs limit+1 bytes, not all the memory there is.
func TestReadStopsAtTheLimit(t *testing.T) {
	zero := "/dev/zero"
	if _, err := os.Stat(zero); err != nil {
		t.Skipf("no %s here: %v", zero, err) // Windows
	}
	_, err := Read(zero, 1<<20)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Errorf("Read(/dev/zero) = %v, want a *TooLargeError", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{1 << 20: "1 MiB", 64 << 20: "64 MiB", 2048: "2 KiB", 1000: "1000 bytes", 3<<20 + 1: "3145729 bytes"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

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

// Among finds what Same finds, the first of the files in order: the same
// path spelled otherwise, a link to an existing file, nothing for a new one.
func TestAmongAgreesWithSame(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, f := range []string{"a.yaml", "b.yaml"} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "b.yaml"), "link.yaml"); err != nil {
		t.Skip("no symlinks here:", err)
	}
	inputs := []string{"a.yaml", filepath.Join(dir, "sub", "..", "b.yaml"), "link.yaml"}
	for _, path := range []string{"a.yaml", "./a.yaml", filepath.Join(dir, "a.yaml"), "b.yaml", "link.yaml", "new.json", "sub/new.json"} {
		want, wantOK := "", false
		for _, in := range inputs {
			if Same(in, path) {
				want, wantOK = in, true
				break
			}
		}
		if got, ok := Among(path, inputs); got != want || ok != wantOK {
			t.Errorf("Among(%q, %q) = %q, %v; want %q, %v (as Same)", path, inputs, got, ok, want, wantOK)
		}
	}
	if got, ok := Among("new.json", inputs); ok {
		t.Errorf("Among(new.json) = %q, want none", got)
	}
	if got, ok := Among("b.yaml", inputs); !ok || got != inputs[1] {
		t.Errorf("Among(b.yaml) = %q, %v; want %q", got, ok, inputs[1])
	}
}

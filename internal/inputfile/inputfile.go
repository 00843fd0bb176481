// Package inputfile reads the files casebook is handed (case files,
// overlays, casebook.yaml, specs and the files they refer to, HAR captures,
// curl's -d @file) with a bound on their size, so that a huge file, a
// device such as /dev/zero or a FIFO that never ends costs a clear error
// instead of all the memory there is.
package inputfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// TooLargeError reports a file over the limit its reader accepts.
type TooLargeError struct {
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than %s, the most casebook reads from such a file", e.Path, Size(e.Limit))
}

// Read reads the file at path, at most limit bytes: a longer file is a
// *TooLargeError, found without reading more than limit+1 bytes.
func Read(path string, limit int64) ([]byte, error) { return ReadInto(nil, path, limit) }

// ReadInto is Read into buf's memory (its content is overwritten), or a
// larger buffer when the file does not fit: a caller reading thousands
// of files reuses one. Where it can (unix), a regular file is read with
// open, fstat, read (until it reads nothing) and close, without the three
// system calls os.Open adds to try (and fail) to register a regular file
// with the network poller: readRegular, which TestReadIntoMatchesRead
// holds to the os.File path.
func ReadInto(buf []byte, path string, limit int64) ([]byte, error) {
	data, f, err := readRegular(buf[:0], path, limit)
	if f == nil {
		return data, err
	}
	defer f.Close()
	return readOpen(buf[:0], f, path, limit)
}

// readOpen reads the open file f, at most limit bytes.
func readOpen(buf []byte, f *os.File, path string, limit int64) ([]byte, error) {
	b := bytes.NewBuffer(buf)
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		if info.Size() > limit {
			return nil, &TooLargeError{Path: path, Limit: limit}
		}
		b.Grow(int(info.Size()) + bytes.MinRead) // one allocation, as os.ReadFile
	}
	if _, err := b.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(b.Len()) > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return b.Bytes(), nil
}

// Same reports whether paths a and b name one file: the same path once
// made absolute, or, when both exist, the same file under another name (a
// link, another spelling). A report about to be written to b must not
// overwrite an input a.
func Same(a, b string) bool {
	if abs(a) == abs(b) {
		return true
	}
	ia, err := os.Stat(a)
	if err != nil {
		return false
	}
	ib, err := os.Stat(b)
	return err == nil && os.SameFile(ia, ib)
}

// Among returns the first of files that is the same file as path (Same),
// and whether there is one. It finds the working folder once, and stats
// path once and the files only when path exists: a report about to be
// written checked against a run's 100,000 case files took four system
// calls per case file with Same, and takes none when the report is new.
func Among(path string, files []string) (string, bool) {
	wd, err := os.Getwd()
	absOf := func(p string) string {
		if err != nil || filepath.IsAbs(p) {
			return abs(p)
		}
		return filepath.Join(wd, p) // filepath.Abs, without a Getwd per file
	}
	target := absOf(path)
	info, statErr := os.Stat(path)
	for _, f := range files {
		if absOf(f) == target {
			return f, true
		}
		if statErr != nil {
			continue
		}
		if fi, err := os.Stat(f); err == nil && os.SameFile(fi, info) {
			return f, true
		}
	}
	return "", false
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// Size writes a byte count for a message: "1 MiB", "64 MiB", "512 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

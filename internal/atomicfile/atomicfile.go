// Package atomicfile writes files that a reader sees whole or not at all:
// the reports, the pitfall catalogue and imported cases are read by CI
// uploaders, browsers and editors while casebook writes them.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to a temporary file in path's folder and renames it
// over path: readers see the old file or the new one, never a torn one.
// The folder is created if missing; the file is world-readable (0644). A
// device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place:
// renaming over it would replace it with a plain file.
func Write(path string, data []byte) error {
	return WriteFunc(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc is Write for content too large to hold: write streams it into
// the temporary file through a buffer, so a report of 100,000 cases never
// sits in memory whole. When write fails, path keeps its old content.
func WriteFunc(path string, write func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		return errors.Join(writeBuffered(f, write), f.Close())
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename this fails harmlessly
	if err := writeBuffered(tmp, write); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeBuffered runs write over a buffer in front of f and flushes it.
func writeBuffered(f *os.File, write func(io.Writer) error) error {
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteNew writes data to path like Write, unless path exists: then it
// returns an error wrapping fs.ErrExist and touches nothing. (Between the
// check and the rename another writer could still create the file; casebook
// is the only writer of what it creates.)
func WriteNew(path string, data []byte) error {
	if _, err := os.Lstat(path); err == nil {
		return &fs.PathError{Op: "write", Path: path, Err: fs.ErrExist}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return Write(path, data)
}

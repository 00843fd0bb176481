//go:build unix

package inputfile

import (
	"io/fs"
	"os"
	"syscall"
)

// readRegular reads path into buf when it is a regular file, with open,
// fstat, read and close alone. Anything else (a folder, a device, a FIFO)
// comes back open as f, for readOpen: the errors are os.File's either way.
func readRegular(buf []byte, path string, limit int64) (data []byte, f *os.File, err error) {
	fd, err := retry(func() (int, error) { return syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0) })
	if err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	var st syscall.Stat_t
	if _, err := retry(func() (int, error) { return 0, syscall.Fstat(fd, &st) }); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, os.NewFile(uintptr(fd), path), nil
	}
	defer syscall.Close(fd)
	if st.Size > limit {
		return nil, nil, &TooLargeError{Path: path, Limit: limit}
	}
	if want := int(st.Size) + 1; cap(buf) < want { // +1: a file grown since fstat is read on
		buf = make([]byte, 0, want+512)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		end := cap(buf)
		if int64(end) > limit+1 {
			end = int(limit + 1) // no more than limit+1 bytes, as readOpen
		}
		n, err := retry(func() (int, error) { return syscall.Read(fd, buf[len(buf):end]) })
		if err != nil {
			return nil, nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return buf, nil, nil
		}
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, nil, &TooLargeError{Path: path, Limit: limit}
		}
	}
}

// retry calls a system call again while it is interrupted (EINTR), as the
// os package does.
func retry(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if err != syscall.EINTR {
			return n, err
		}
	}
}

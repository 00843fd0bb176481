package target

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"golang.org/x/net/nettest"
)

// TestBufPipeConn: bufPipe passes the standard conformance suite of a
// net.Conn (basic I/O, ping-pong, racy reads and writes, read, write,
// past, present, future and close timeouts, concurrent methods), as
// net.Pipe does.
func TestBufPipeConn(t *testing.T) {
	nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
		a, b := bufPipe()
		return a, b, func() { a.Close(); b.Close() }, nil
	})
}

// TestBufPipeClose: closing an end is closing a socket: the peer reads
// what was written before it, then io.EOF, and its writes fail; the
// closed end's reads, writes and deadlines fail; what it had not read is
// dropped. The errors are net.Pipe's.
func TestBufPipeClose(t *testing.T) {
	a, b := bufPipe()
	mustWrite(t, a, "last words")
	mustWrite(t, b, "unread")
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	got, err := io.ReadAll(b)
	if string(got) != "last words" || err != nil {
		t.Errorf("the peer reads %q, %v; want %q, then EOF (nil from ReadAll)", got, err, "last words")
	}
	if n, err := b.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("the peer's Read after EOF = %d, %v; want 0, EOF", n, err)
	}
	if n, err := b.Write([]byte("x")); n != 0 || err != io.ErrClosedPipe {
		t.Errorf("the peer's Write = %d, %v; want 0, %v", n, err, io.ErrClosedPipe)
	}
	if _, err := a.Read(make([]byte, 1)); err != io.ErrClosedPipe {
		t.Errorf("Read on the closed end = %v, want %v", err, io.ErrClosedPipe)
	}
	if _, err := a.Write([]byte("x")); err != io.ErrClosedPipe {
		t.Errorf("Write on the closed end = %v, want %v", err, io.ErrClosedPipe)
	}
	if err := a.SetDeadline(time.Now()); err != io.ErrClosedPipe {
		t.Errorf("SetDeadline on the closed end = %v, want %v", err, io.ErrClosedPipe)
	}
	if len(a.in.buf) != 0 {
		t.Errorf("the closed end still holds %d unread bytes", len(a.in.buf))
	}

	// Closing wakes a Read and a Write that wait, on both ends.
	c, d := bufPipe()
	read, write := make(chan error), make(chan error)
	go func() { _, err := c.Read(make([]byte, 1)); read <- err }()
	go func() { _, err := d.Write(make([]byte, bufLimit+1)); write <- err }()
	mustRead(t, c, make([]byte, bufLimit)) // d's first bufLimit bytes, unless c.Read above took one
	c.Close()
	if err := <-read; err != nil && err != io.ErrClosedPipe {
		t.Errorf("a waiting Read when its end closes = %v, want %v (or a byte)", err, io.ErrClosedPipe)
	}
	if err := <-write; err != nil && err != io.ErrClosedPipe {
		t.Errorf("a waiting Write when the peer closes = %v, want %v (or done)", err, io.ErrClosedPipe)
	}
}

// TestBufPipeDeadlines: a deadline that passes, or is moved into the
// past, ends a Read or a Write that waits with os.ErrDeadlineExceeded (a
// timeout net.Error) and leaves the connection usable: a later deadline,
// or none, lets I/O go on. A Write waits only while the buffer is full.
func TestBufPipeDeadlines(t *testing.T) {
	a, b := bufPipe()
	defer a.Close()
	defer b.Close()

	a.SetReadDeadline(time.Now().Add(time.Millisecond)) // the timer's path: nothing comes
	checkTimeout(t, "Read past a deadline", func() error { _, err := a.Read(make([]byte, 1)); return err })
	a.SetReadDeadline(time.Now().Add(-time.Second))
	mustWrite(t, b, "ab")
	checkTimeout(t, "Read with bytes waiting, past the deadline", func() error { _, err := a.Read(make([]byte, 1)); return err })
	a.SetReadDeadline(time.Time{})
	mustRead(t, a, make([]byte, 2))

	// A Read waiting without a deadline is woken by one set in the past.
	read := make(chan error)
	go func() { _, err := a.Read(make([]byte, 1)); read <- err }()
	a.SetReadDeadline(time.Now().Add(-time.Second))
	checkTimeout(t, "a waiting Read, deadline moved into the past", func() error { return <-read })
	a.SetReadDeadline(time.Now().Add(time.Hour))
	mustWrite(t, b, "c")
	mustRead(t, a, make([]byte, 1))

	// A deadline moved later, or cleared, wakes nobody; a waiting Read
	// goes on waiting and reads what comes.
	got := make(chan string)
	go func() {
		b := make([]byte, 2)
		n, err := io.ReadFull(a, b)
		got <- fmt.Sprint(string(b[:n]), err)
	}()
	a.SetReadDeadline(time.Time{})
	mustWrite(t, b, "de")
	if s := <-got; s != "de<nil>" {
		t.Errorf("a waiting Read, deadline cleared, then bytes = %s, want de<nil>", s)
	}

	// Writes fill the buffer without waiting; then one waits, until its deadline.
	mustWrite(t, a, string(make([]byte, bufLimit)))
	a.SetWriteDeadline(time.Now().Add(time.Millisecond))
	checkTimeout(t, "Write to a full buffer past a deadline", func() error { _, err := a.Write([]byte("x")); return err })
	write := make(chan error)
	a.SetWriteDeadline(time.Time{})
	go func() { _, err := a.Write([]byte("x")); write <- err }()
	a.SetWriteDeadline(time.Now().Add(-time.Second))
	checkTimeout(t, "a waiting Write, deadline moved into the past", func() error { return <-write })
	a.SetWriteDeadline(time.Time{})
	go func() { _, err := a.Write([]byte("yz")); write <- err }()
	all := make([]byte, bufLimit+2)
	mustRead(t, b, all)
	if err := <-write; err != nil || !bytes.Equal(all[bufLimit:], []byte("yz")) {
		t.Errorf("Write once the reader drained the buffer = %v, read %q; want nil, %q", err, all[bufLimit:], "yz")
	}
}

func checkTimeout(t *testing.T, what string, f func() error) {
	t.Helper()
	err := f()
	var ne net.Error
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%s = %v, want os.ErrDeadlineExceeded, a timeout", what, err)
	}
}

func mustWrite(t *testing.T, c net.Conn, s string) {
	t.Helper()
	if n, err := c.Write([]byte(s)); n != len(s) || err != nil {
		t.Fatalf("Write(%d bytes) = %d, %v", len(s), n, err)
	}
}

func mustRead(t *testing.T, c net.Conn, b []byte) {
	t.Helper()
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("ReadFull(%d bytes): %v", len(b), err)
	}
}

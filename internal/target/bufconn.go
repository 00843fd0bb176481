package target

import (
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// bufPipe is net.Pipe with a buffer in each direction, as a socket has:
// a Write copies into the buffer and returns (it blocks only while the
// buffer holds bufLimit bytes the peer has not read), a Read drains what
// is there (it blocks only while nothing is). net.Pipe hands every Write
// to the reader and waits for it: each HTTP message crossing it cost two
// goroutine switches and a writer parked in between, and each deadline
// set (the http.Server sets two or three a request) a new timer. Here a
// deadline is a time stored; a timer runs only while a Read or Write
// waits under one.
//
// The semantics are net.Pipe's: the same errors (io.ErrClosedPipe on an
// end closed here, and on writing to an end closed there; io.EOF reading
// an end closed there, once what it wrote is read; os.ErrDeadlineExceeded
// in a *net.OpError), each Write's bytes kept together. Closing an end
// throws away what it has not read, as closing a socket does.
func bufPipe() (*bufConn, *bufConn) {
	ab, ba := newHalfPipe(), newHalfPipe()
	a := &bufConn{in: ba, out: ab, closed: make(chan struct{})}
	b := &bufConn{in: ab, out: ba, closed: make(chan struct{})}
	return a, b
}

// bufLimit is how much one direction holds before a Write waits for the
// reader: enough for any HTTP message head and most bodies at once.
const bufLimit = 64 << 10

// halfPipe is one direction of a bufPipe.
type halfPipe struct {
	mu     sync.Mutex
	buf    []byte
	eof    bool // the writing end is closed: reads drain buf, then io.EOF
	broken bool // the reading end is closed: writes fail
	// readable and writable wake a reader or a writer that waits: bytes
	// came or went, an end closed, a deadline moved.
	readable, writable chan struct{}
}

func newHalfPipe() *halfPipe {
	return &halfPipe{readable: make(chan struct{}, 1), writable: make(chan struct{}, 1)}
}

func wake(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// read copies out what is buffered; ok says whether the read is over (it
// read bytes, or the writing end is gone).
func (h *halfPipe) read(b []byte) (n int, ok bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.buf) == 0 {
		if h.eof {
			return 0, true, io.EOF
		}
		return 0, len(b) == 0, nil
	}
	n = copy(b, h.buf)
	h.buf = h.buf[:copy(h.buf, h.buf[n:])]
	wake(h.writable)
	return n, true, nil
}

// write buffers as much of b as there is room for.
func (h *halfPipe) write(b []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.broken || h.eof {
		return 0, io.ErrClosedPipe
	}
	n := min(len(b), bufLimit-len(h.buf))
	if n > 0 {
		h.buf = append(h.buf, b[:n]...)
		wake(h.readable)
	}
	return n, nil
}

// bufConn is one end of a bufPipe.
type bufConn struct {
	in, out   *halfPipe
	writing   sync.Mutex // a Write's bytes stay together
	closed    chan struct{}
	closeOnce sync.Once

	mu            sync.Mutex
	readDeadline  time.Time
	writeDeadline time.Time
	local, remote net.Addr
}

func (c *bufConn) Read(b []byte) (int, error) {
	n, err := c.read(b)
	if err != nil && err != io.EOF && err != io.ErrClosedPipe {
		err = &net.OpError{Op: "read", Net: "pipe", Err: err}
	}
	return n, err
}

func (c *bufConn) read(b []byte) (int, error) {
	var w waiter
	defer w.stop()
	for {
		if ready(c.closed) {
			return 0, io.ErrClosedPipe
		}
		deadline := c.deadline(&c.readDeadline)
		if passed(deadline) {
			return 0, os.ErrDeadlineExceeded
		}
		if n, ok, err := c.in.read(b); ok {
			return n, err
		}
		if ready(c.in.readable) {
			continue // no timer for a wake that is already there
		}
		timeout := w.arm(deadline)
		select {
		case <-c.in.readable:
		case <-timeout:
		case <-c.closed:
		}
	}
}

func (c *bufConn) Write(b []byte) (int, error) {
	n, err := c.write(b)
	if err != nil && err != io.ErrClosedPipe {
		err = &net.OpError{Op: "write", Net: "pipe", Err: err}
	}
	return n, err
}

func (c *bufConn) write(b []byte) (n int, _ error) {
	c.writing.Lock()
	defer c.writing.Unlock()
	var w waiter
	defer w.stop()
	for {
		if ready(c.closed) {
			return n, io.ErrClosedPipe
		}
		deadline := c.deadline(&c.writeDeadline)
		if passed(deadline) {
			return n, os.ErrDeadlineExceeded
		}
		m, err := c.out.write(b[n:])
		n += m
		if err != nil || n == len(b) {
			return n, err
		}
		if ready(c.out.writable) {
			continue
		}
		timeout := w.arm(deadline)
		select {
		case <-c.out.writable:
		case <-timeout:
		case <-c.closed:
		}
	}
}

// Close ends both directions: the peer reads what was written, then
// io.EOF; its writes fail; what this end had not read is dropped.
func (c *bufConn) Close() error {
	c.closeOnce.Do(func() {
		close(c.closed)
		c.out.mu.Lock()
		c.out.eof = true
		wake(c.out.readable)
		c.out.mu.Unlock()
		c.in.mu.Lock()
		c.in.broken, c.in.buf = true, nil
		wake(c.in.writable)
		c.in.mu.Unlock()
	})
	return nil
}

func (c *bufConn) LocalAddr() net.Addr  { return c.local }
func (c *bufConn) RemoteAddr() net.Addr { return c.remote }

func (c *bufConn) SetDeadline(t time.Time) error {
	c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

// SetReadDeadline stores t, and wakes a waiting Read to look at it when
// it is sooner.
func (c *bufConn) SetReadDeadline(t time.Time) error {
	return c.setDeadline(&c.readDeadline, t, c.in.readable)
}

// SetWriteDeadline stores t, and wakes a waiting Write to look at it
// when it is sooner.
func (c *bufConn) SetWriteDeadline(t time.Time) error {
	return c.setDeadline(&c.writeDeadline, t, c.out.writable)
}

// setDeadline wakes a Read or Write that may wait under d only when t
// comes before d: a waiter's timer fires at d anyway, and it then looks
// at the deadline again (the http.Server moves its deadlines later, or
// clears them, more often than earlier).
func (c *bufConn) setDeadline(d *time.Time, t time.Time, waiting chan struct{}) error {
	if ready(c.closed) {
		return io.ErrClosedPipe
	}
	c.mu.Lock()
	sooner := !t.IsZero() && (d.IsZero() || t.Before(*d))
	*d = t
	c.mu.Unlock()
	if sooner {
		wake(waiting)
	}
	return nil
}

func (c *bufConn) deadline(d *time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return *d
}

// waiter is the timer of one Read or Write that waits under a deadline,
// made the first time it has to wait.
type waiter struct{ t *time.Timer }

// arm returns a channel that fires at deadline (nil: none).
func (w *waiter) arm(deadline time.Time) <-chan time.Time {
	if deadline.IsZero() {
		return nil
	}
	d := time.Until(deadline)
	if w.t == nil {
		w.t = time.NewTimer(d)
	} else {
		w.t.Reset(d)
	}
	return w.t.C
}

// passed reports whether a deadline (zero: none) has passed.
func passed(deadline time.Time) bool {
	return !deadline.IsZero() && !time.Now().Before(deadline)
}

func (w *waiter) stop() {
	if w.t != nil {
		w.t.Stop()
	}
}

// ready reports whether c is closed, or has a wake waiting (taking it).
func ready(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

package target

import (
	"context"
	"net"
	"sync"
)

// memListener hands a server the other ends of in-memory connections
// (bufPipe) that dial makes: the built-in mock's http.Server answers the
// runner's http.Transport through it as over loopback TCP, byte for byte
// the same HTTP/1.1, without a socket: no system call per read, write,
// dial and poll, which were an eighth of a 10,000-case run's CPU.
// Both ends report TCP addresses on loopback (the mock's own and
// 127.0.0.1:0), as the mock checks where a request comes from.
type memListener struct {
	addr  net.Addr // the mock's TCP address
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// clientAddr is the address the mock sees an in-memory connection come from.
var clientAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}

func newMemListener(addr net.Addr) *memListener {
	return &memListener{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *memListener) Addr() net.Addr { return l.addr }

// dial connects to the listener's server, once it accepts.
func (l *memListener) dial(ctx context.Context) (net.Conn, error) {
	client, server := bufPipe()
	client.local, client.remote = clientAddr, l.addr
	server.local, server.remote = l.addr, clientAddr
	var err error
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		err = net.ErrClosed
	case <-ctx.Done():
		err = ctx.Err()
	}
	client.Close()
	server.Close()
	return nil, &net.OpError{Op: "dial", Net: "memory", Addr: l.addr, Err: err}
}

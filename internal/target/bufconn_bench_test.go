package target

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/testenv"
)

// BenchmarkInMemoryExchange: an HTTP exchange as the runner has with the
// built-in mock (a 200-byte JSON request, a 1 KB JSON answer, the mock's
// server timeouts, keep-alive), over net.Pipe and over bufPipe, from two
// goroutines at once. cpu-ns/op is the process's CPU time (user and
// system) per exchange: on a shared machine the wall clock counts the
// time other processes held the CPUs.
func BenchmarkInMemoryExchange(b *testing.B) {
	for _, p := range []struct {
		name string
		pipe func() (net.Conn, net.Conn)
	}{
		{"net.Pipe", net.Pipe},
		{"bufPipe", func() (net.Conn, net.Conn) { c, s := bufPipe(); return c, s }},
	} {
		b.Run(p.name, func(b *testing.B) {
			client, stop := exchangeOver(p.pipe)
			defer stop()
			body := bytes.Repeat([]byte("x"), 200)
			answer := strings.Repeat("y", 1024)
			b.ReportAllocs()
			cpu := testenv.ProcessCPU()
			b.SetParallelism(1)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Post("http://mock.test/a", "application/json", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					got, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || string(got) != answer {
						b.Errorf("answer %d bytes, %v", len(got), err)
						return
					}
				}
			})
			if used := testenv.ProcessCPU() - cpu; used > 0 {
				b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// exchangeOver serves a handler echoing a 1 KB answer over connections
// pipe makes, as the built-in mock serves its memListener.
func exchangeOver(pipe func() (net.Conn, net.Conn)) (*http.Client, func()) {
	answer := []byte(strings.Repeat("y", 1024))
	l := &pipeListener{pipe: pipe, conns: make(chan net.Conn), done: make(chan struct{})}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { _ = srv.Serve(l) }()
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DialContext: l.dial}
	return &http.Client{Transport: tr}, func() {
		tr.CloseIdleConnections()
		_ = srv.Close()
	}
}

// pipeListener is memListener over any pipe.
type pipeListener struct {
	pipe  func() (net.Conn, net.Conn)
	conns chan net.Conn
	done  chan struct{}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	select {
	case <-l.done:
	default:
		close(l.done)
	}
	return nil
}

func (l *pipeListener) Addr() net.Addr { return clientAddr }

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	c, s := l.pipe()
	select {
	case l.conns <- s:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

package mockserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2/clientcredentials"
)

func TestLoopbackByDefault(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Errorf("URL() = %q, want loopback on a system-chosen port", srv.URL())
	}
}

func TestBodyLimit(t *testing.T) {
	srv, _ := startMock(t, genesysSpec, func(c *Config) { c.MaxBodyBytes = 64 })
	tok := tokenFor(t, srv, "agent")
	r := send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "`+strings.Repeat("1", 100)+`"}`)
	checkGenesysError(t, r, 413, "request.too.large")
}

// TestPanicBecomes500: a panic while answering is a 500 in the envelope and
// one log line, and the server goes on serving.
func TestPanicBecomes500(t *testing.T) {
	srv, logs := startMock(t, genesysSpec)
	srv.testHook = func(r *http.Request) {
		if r.Header.Get("X-Panic") != "" {
			panic("boom")
		}
	}
	tok := tokenFor(t, srv, "agent")
	req, _ := http.NewRequest("POST", srv.URL()+"/api/v2/conversations/calls", strings.NewReader(`{"phoneNumber": "+1"}`))
	req.Header.Set("X-Panic", "1")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 || resp.Header.Get("Inin-Correlation-Id") == "" {
		t.Errorf("panic answer = %d (correlation id %q), want 500 in the envelope", resp.StatusCode, resp.Header.Get("Inin-Correlation-Id"))
	}
	if n := strings.Count(logs.String(), "panic while answering"); n != 1 {
		t.Errorf("log has %d panic lines, want 1:\n%s", n, logs)
	}
	if r := send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "+13175550123"}`); r.status != 200 {
		t.Errorf("after the panic: %d %s, want 200", r.status, r.raw)
	}
	if strings.Contains(logs.String(), tok) {
		t.Errorf("a token reached the log")
	}
}

// TestConcurrentLoad runs many clients at once under -race: token
// exchanges, errors and successes on the same server.
func TestConcurrentLoad(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	clients := []string{"agent", "agent-no-station", "service"}
	tokens := map[string]string{}
	for _, c := range clients {
		tokens[c] = tokenFor(t, srv, c)
	}
	var wg sync.WaitGroup
	var bad atomic.Int32
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := clients[g%3]
			// A fresh exchange too, so token issue and lookup race each other.
			if _, err := exchangeToken(srv, client); err != nil {
				bad.Add(1)
			}
			want := map[string]int{"agent": 200, "agent-no-station": 400, "service": 400}[client]
			for i := range 20 {
				body := fmt.Sprintf(`{"phoneNumber": "+1317555%04d"}`, i)
				if status, err := post(srv, tokens[client], body); err != nil || status != want {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := bad.Load(); n > 0 {
		t.Errorf("%d exchanges or answers went wrong under load", n)
	}
}

// exchangeToken and post are for goroutines, which must not call t.Fatal.
func exchangeToken(srv *Server, name string) (string, error) {
	id, secret, _ := srv.Client(name)
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: srv.TokenURL()}
	tok, err := cc.Token(context.Background())
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

func post(srv *Server, token, body string) (int, error) {
	req, err := http.NewRequest("POST", srv.URL()+"/api/v2/conversations/calls", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// TestCloseWaitsForInFlight: Close returns only after a request in flight
// when it was called has been answered, and the answer arrives whole.
func TestCloseWaitsForInFlight(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	tok := tokenFor(t, srv, "agent")
	started, release := make(chan struct{}), make(chan struct{})
	var handled atomic.Bool
	srv.testHook = func(*http.Request) {
		close(started)
		<-release
		handled.Store(true)
	}
	shuttingDown := make(chan struct{})
	srv.srv.RegisterOnShutdown(sync.OnceFunc(func() { close(shuttingDown) })) // Cleanup closes again
	done := make(chan int)
	go func() {
		status, _ := post(srv, tok, `{"phoneNumber": "+13175550123"}`)
		done <- status
	}()
	<-started
	closed := make(chan error)
	go func() { closed <- srv.Close() }()
	<-shuttingDown // Close has begun while the request is held
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if !handled.Load() {
		t.Errorf("Close returned before the in-flight request finished")
	}
	if status := <-done; status != 200 {
		t.Errorf("in-flight request = %d, want 200", status)
	}
}

// TestReadBody: readBody reads what io.ReadAll reads, to the limit and
// not a byte past it, whether the request declares its length or not.
func TestReadBody(t *testing.T) {
	const max = 64
	for _, size := range []int{0, 1, 100 % max, max - 1, max, max + 1, 3 * max, 5000} {
		for _, declared := range []bool{true, false} {
			body := strings.Repeat("x", size)
			r := httptest.NewRequest("POST", "/", strings.NewReader(body))
			if !declared {
				r.ContentLength = -1 // chunked
			}
			got, err := readBody(httptest.NewRecorder(), r, max)
			var mbe *http.MaxBytesError
			if tooLarge := size > max; tooLarge != errors.As(err, &mbe) || (!tooLarge && err != nil) {
				t.Errorf("readBody(%d bytes, declared %v) error = %v, want a MaxBytesError: %v", size, declared, err, tooLarge)
			}
			if err == nil && string(got) != body {
				t.Errorf("readBody(%d bytes, declared %v) = %d bytes, want the body", size, declared, len(got))
			}
		}
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
	"github.com/casebook-dev/casebook/reports"
)

const mockHelp = `
Serve a spec as a mock that answers like its vendor: the vendor's error
envelope, a client-credentials token endpoint (POST /oauth/token), scopes,
permissions, user context, business rules and fixtures from the overlay file
beside the spec (<spec>.overlay.yaml unless --overlay says otherwise).

Without an overlay the mock has one client, id "casebook" and secret
"casebook", holding every scope and permission. Those secrets and the
overlay's are published test values: the mock listens on loopback unless
--addr says otherwise, and warns on stderr when it does not.

A token lasts the overlay's auth.tokenLifetime (default 1h) and is
forgotten only when it expires. The mock holds at most %d live tokens;
past that the token endpoint answers 429 with Retry-After until the oldest
expires.

It prints how many requests it answered, by status, when it stops; -v
logs a line per request on stderr, --log FILE appends them to FILE.

The mock remembers: POST on a collection (/api/v2/outbound/campaigns) creates
an item that GET, PUT, PATCH and DELETE on /api/v2/outbound/campaigns/{id}
then read, update and remove; an unknown id is 404. The state lasts until
the mock stops or a loopback client sends POST /__casebook/reset. Generated
bodies and ids come from --seed: the same seed and requests give the same
bodies, byte for byte, in any order.

--fault makes matching requests fail, slow down or lose their connection:
  --fault 'METHOD /path=KEY=VALUE,...'   (repeatable; no selector: every request)
  keys: status=429 (answered in the spec's error envelope), retry-after=2
  (seconds), rate=0.5 (share of matching requests hit, evenly: every
  second one from the first; default 1), delay=2s, reset (close the
  connection with a TCP reset), drop (close it without an answer),
  times=N (only the first N), code=... (default: the spec's code for the
  status, else casebook's). A {name} path segment matches any segment; a
  path ending in / matches every path below it.

An overlay with a notifications: section (the Genesys one has it) also
serves the vendor's notification channel: POST /api/v2/notifications/channels
answers a connectUri (ws://HOST:PORT/channels/ID) to open as a WebSocket,
with heartbeats, pongs, events and the faults --ws-fault names
(docs/notifications.md):
  reset-after=D       drop the TCP connection D after it opens, no close frame
  close-after=D       close it cleanly (1001) D after it opens
  no-heartbeat        send no heartbeats
  no-pong             answer no {"message":"ping"}
  warn-then-close=D   the maintenance warning D after it opens, the close D later
  refuse-reconnect=D  refuse new connections to the channel for D after the mock
                      dropped or closed one (503)

Example:
  casebook mock --spec specs/genesys-cloud/openapi.yaml
  curl -s -u agent-client:agent-secret -d grant_type=client_credentials \
    http://127.0.0.1:8080/oauth/token
  curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"phoneNumber": "+13175550123"}' http://127.0.0.1:8080/api/v2/conversations/calls

  casebook mock --spec specs/genesys-cloud/openapi.yaml --ws-heartbeat 1s \
    --ws-fault reset-after=10s,refuse-reconnect=5s

  casebook mock --spec specs/genesys-cloud/openapi.yaml --seed 7 \
    --fault 'POST /api/v2/conversations/calls=status=429,retry-after=2,rate=0.5'

Exit codes: 0 clean shutdown (SIGINT, SIGTERM); 2 usage, spec or overlay error.
`

type mockFlags struct {
	spec, addr, overlay, log string
	verbose, quiet           bool
	refs                     spec.LoadOptions
	notify                   mockserver.NotifyOptions
	seed                     uint64
	faults                   []mockserver.Fault
}

func cmdMock(args []string, stdout, stderr io.Writer) int {
	var f mockFlags
	fset := cli.NewFlagSet("mock", "--spec FILE [--addr HOST:PORT] [--overlay FILE] [--seed N] [--fault SPEC]... [-v | --log FILE] [--ws-heartbeat D] [--ws-fault K=V,...]", fmt.Sprintf(mockHelp, mockserver.MaxLiveTokens))
	fset.StringVar(&f.spec, "spec", "", "the OpenAPI 3 or Swagger 2.0 file to serve (required)")
	fset.StringVar(&f.addr, "addr", "127.0.0.1:8080", "where to listen; loopback unless you say otherwise")
	fset.StringVar(&f.overlay, "overlay", "", "the overlay file (default: <spec>.overlay.yaml when it exists)")
	fset.BoolVar(&f.verbose, "v", false, "log a line per request on stderr")
	fset.StringVar(&f.log, "log", "", "append a line per request to this file")
	fset.BoolVar(&f.quiet, "quiet", false, "print no summary of the requests answered")
	registerRefFlags(fset.FlagSet, &f.refs)
	fset.DurationVar(&f.notify.Heartbeat, "ws-heartbeat", 0, "notification channel heartbeat interval (default: the overlay's, 30s)")
	fset.Func("ws-fault", "notification channel faults, KEY=VALUE,... (see above)", func(v string) error {
		faults, err := mockserver.ParseWSFaults(v)
		f.notify.Faults = f.notify.Faults.Over(faults)
		return err
	})
	fset.Uint64Var(&f.seed, "seed", 0, "seed of generated bodies and ids: the same seed gives the same answers")
	fset.Func("fault", "inject a fault: 'METHOD /path=status=429,retry-after=2,rate=0.5' (repeatable; see above)", func(s string) error {
		ft, err := mockserver.ParseFault(s)
		f.faults = append(f.faults, ft)
		return err
	})
	if ok, code := parseFlags(fset, args, stdout, stderr); !ok {
		return code
	}
	if f.spec == "" || fset.NArg() > 0 {
		usageError(stderr, fset, errors.New("--spec FILE is required and no other arguments are taken"))
		return exitUsage
	}
	// Listen for signals before serving, so none is missed in between.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logw, closeLog, err := mockLog(f, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "casebook mock: %v\n", err)
		return exitUsage
	}
	defer closeLog()
	srv, err := newMock(f, logw, stderr)
	if err == nil {
		err = srv.Start()
	}
	if err != nil {
		fmt.Fprintf(stderr, "casebook mock: %v\n", err)
		return exitUsage
	}
	warnIfExposed(stderr, srv)
	printStart(stdout, srv)
	<-ctx.Done()
	stop()
	code := shutdown(srv, stderr)
	closeLog() // the last request lines before the summary
	if !f.quiet {
		fmt.Fprintf(stderr, "casebook mock: %s\n", srv.Summary())
	}
	return code
}

// mockLog is where the log goes: --log FILE, else stderr (request lines
// only with -v). The returned func flushes it and closes the file; it
// may be called twice.
func mockLog(f mockFlags, stderr io.Writer) (*mockserver.LogWriter, func(), error) {
	out, closeFile := stderr, func() error { return nil }
	if f.log != "" {
		file, err := os.OpenFile(f.log, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, err
		}
		out, closeFile = file, sync.OnceValue(file.Close)
	}
	w := mockserver.NewLogWriter(out, 200*time.Millisecond)
	return w, func() { w.Close(); closeFile() }, nil
}

func newMock(f mockFlags, logw io.Writer, stderr io.Writer) (*mockserver.Server, error) {
	level := slog.LevelWarn
	if f.verbose || f.log != "" {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: level}))
	cfg := mockserver.Config{Addr: f.addr, Logger: log, Seed: f.seed, Notify: f.notify}
	if len(f.faults) > 0 {
		cfg.Faults = &mockserver.Faults{Rules: f.faults}
	}
	srv, err := mockserver.Open(f.spec, f.overlay, f.refs, cfg)
	if err == nil && len(srv.Spec().Problems) > 0 {
		reports.SpecWarnings(stderr, []results.SpecProblems{{Path: srv.Spec().Path, Problems: srv.Spec().Problems}})
	}
	return srv, err
}

// warnIfExposed warns when the mock listens beyond loopback: it hands out
// tokens to anyone who knows its well-known test secrets.
func warnIfExposed(w io.Writer, srv *mockserver.Server) {
	if !srv.Loopback() {
		fmt.Fprintf(w, "casebook mock: warning: listening on %s, not loopback only: anyone who can reach it gets tokens with the overlay's well-known test secrets\n", srv.URL())
	}
}

// printStart prints the URL and the clients, ids only: secrets stay in the overlay.
func printStart(w io.Writer, srv *mockserver.Server) {
	fmt.Fprintf(w, "casebook mock: serving on %s (token endpoint %s; overlay %s)\n", srv.URL(), srv.TokenURL(), srv.Overlay().File)
	ids := srv.ClientIDs()
	for _, n := range slices.Sorted(maps.Keys(ids)) {
		fmt.Fprintf(w, "  client %-24s id %s\n", n, ids[n])
	}
}

// shutdown stops the server gracefully: in-flight requests finish first.
func shutdown(srv *mockserver.Server, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintf(stderr, "casebook mock: %v\n", err)
		return exitFailed
	}
	return exitOK
}

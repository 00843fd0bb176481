package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
	"github.com/casebook-dev/casebook/reports"
)

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
	fset := cli.NewFlagSet("mock", "--spec FILE [--addr HOST:PORT] [--overlay FILE] [--seed N] [--fault SPEC]... [-v | --log FILE] [--ws-heartbeat D] [--ws-fault K=V,...]", fmt.Sprintf(help("mock"), mockserver.MaxLiveTokens))
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
	// The request log's flusher and the spec's warnings write from their own goroutines.
	stderr = &cli.LockedWriter{W: stderr}
	// Listen for signals before serving, so none is missed in between.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logw, closeLog, err := mockserver.OpenLog(f.log, stderr, 200*time.Millisecond)
	if err != nil {
		fmt.Fprintf(stderr, "casebook mock: %v\n", err)
		return exitUsage
	}
	defer closeLog()
	srv, err := newMock(f, logw)
	if err == nil {
		err = srv.Start()
	}
	if err != nil {
		fmt.Fprintf(stderr, "casebook mock: %v\n", err)
		return exitUsage
	}
	warnIfExposed(stderr, srv)
	printStart(stdout, srv)
	warned := warnSpecProblems(stderr, srv.Spec())
	<-ctx.Done()
	stop()
	<-warned
	code := exitOK
	if err := srv.Close(); err != nil { // in-flight requests finish first
		fmt.Fprintf(stderr, "casebook mock: %v\n", err)
		code = exitFailed
	}
	closeLog() // the last request lines before the summary
	if !f.quiet {
		fmt.Fprintf(stderr, "casebook mock: %s\n", srv.Summary())
	}
	return code
}

func newMock(f mockFlags, logw io.Writer) (*mockserver.Server, error) {
	level := slog.LevelWarn
	if f.verbose || f.log != "" {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: level}))
	cfg := mockserver.Config{Addr: f.addr, Logger: log, Seed: f.seed, Notify: f.notify}
	if len(f.faults) > 0 {
		cfg.Faults = &mockserver.Faults{Rules: f.faults}
	}
	return mockserver.Open(f.spec, f.overlay, f.refs, cfg)
}

// warnSpecProblems validates the spec in the background, once the mock
// serves, and prints its problems on stderr when it has found them: the
// mock answers meanwhile. The channel closes when they are printed (or there
// were none), so the closing summary comes after them.
func warnSpecProblems(stderr io.Writer, s *spec.Spec) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if p := s.Problems(); len(p) > 0 {
			var b bytes.Buffer // one write, not interleaved with request lines
			reports.SpecWarnings(&b, []results.SpecProblems{{Path: s.Path, Problems: p}})
			_, _ = stderr.Write(b.Bytes())
		}
	}()
	return done
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

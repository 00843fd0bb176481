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
	"syscall"
	"time"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
	"github.com/casebook-dev/casebook/runner"
)

const mockHelp = `
Serve a spec as a mock that answers like its vendor: the vendor's error
envelope, a client-credentials token endpoint (POST /oauth/token), scopes,
permissions, user context, business rules and fixtures from the overlay file
beside the spec (<spec>.overlay.yaml unless --overlay says otherwise).

Without an overlay the mock has one client, id "casebook" and secret
"casebook", holding every scope and permission.

Example:
  casebook mock --spec specs/genesys-cloud/openapi.yaml
  curl -s -u agent-client:agent-secret -d grant_type=client_credentials \
    http://127.0.0.1:8080/oauth/token
  curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"phoneNumber": "+13175550123"}' http://127.0.0.1:8080/api/v2/conversations/calls

Exit codes: 0 clean shutdown (SIGINT, SIGTERM); 2 usage, spec or overlay error.
`

type mockFlags struct {
	spec, addr, overlay string
	quiet               bool
}

func cmdMock(args []string, stdout, stderr io.Writer) int {
	var f mockFlags
	fset := cli.NewFlagSet("mock", "--spec FILE [--addr HOST:PORT] [--overlay FILE] [--quiet]", mockHelp)
	fset.StringVar(&f.spec, "spec", "", "the OpenAPI 3 or Swagger 2.0 file to serve (required)")
	fset.StringVar(&f.addr, "addr", "127.0.0.1:8080", "where to listen; loopback unless you say otherwise")
	fset.StringVar(&f.overlay, "overlay", "", "the overlay file (default: <spec>.overlay.yaml when it exists)")
	fset.BoolVar(&f.quiet, "quiet", false, "log no request lines")
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
	logw := newBatchWriter(stderr, 200*time.Millisecond)
	defer logw.Close()
	srv, err := newMock(f, logw)
	if err != nil {
		fmt.Fprintf(stderr, "casebook mock: %v\n", err)
		return exitUsage
	}
	if err := srv.Start(); err != nil {
		fmt.Fprintf(stderr, "casebook mock: %v\n", err)
		return exitUsage
	}
	printStart(stdout, srv)
	<-ctx.Done()
	stop()
	code := shutdown(srv, stderr)
	logw.Close() // the last request lines before the exit status
	return code
}

func newMock(f mockFlags, stderr io.Writer) (*mockserver.Server, error) {
	s, err := spec.Load(f.spec)
	if err != nil {
		return nil, err
	}
	if len(s.Problems) > 0 {
		warnSpecProblems(stderr, []runner.SpecProblems{{Path: s.Path, Problems: s.Problems}})
	}
	ov, err := loadOverlay(f)
	if err != nil {
		return nil, err
	}
	var h slog.Handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})
	if !f.quiet {
		h = slog.NewTextHandler(stderr, nil)
	}
	return mockserver.New(mockserver.Config{Spec: s, Overlay: ov, Addr: f.addr, Logger: slog.New(h)})
}

// loadOverlay reads --overlay, or the conventional sibling when it exists.
func loadOverlay(f mockFlags) (*mockserver.Overlay, error) {
	if f.overlay != "" {
		return mockserver.LoadOverlay(f.overlay)
	}
	return mockserver.OverlayFor(f.spec)
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

// Package contract checks a Go service's own HTTP traffic against an API's
// spec, the way casebook checks a case: a Transport wraps the service's
// client transport, lints every request it sends (the same checker as
// casebook lint: JSON pointer, rule, allowed values, did you mean) and
// holds every answer to the responses the operation declares (status,
// content type, headers, body schema, Genesys error codes). In the
// service's tests, ForTest fails the test on each error:
//
//	func TestPlaceCall(t *testing.T) {
//		s, err := contract.Load("testdata/openapi.yaml")
//		if err != nil {
//			t.Fatal(err)
//		}
//		client := &http.Client{Transport: contract.ForTest(t, s, nil)}
//		svc := dialer.New(client, srv.URL) // the code under test
//		svc.PlaceCall(ctx, "+15550199")
//	}
//
// so that "the SDK maps the JSON keys directly" becomes a failing unit test
// instead of a 400 in production. Pair it with mockserver/mocktest, which
// serves the same spec the way its vendor answers.
//
// Put the Transport closest to the wire (under an oauth2.Transport, not
// over it), so that it sees the request as sent, credentials included.
// It reads each answer's body (up to MaxBodyBytes) before handing it on,
// so it does not suit a streamed answer.
package contract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
)

// Spec is an API description loaded for checking: OpenAPI 3.0 or 3.1
// (YAML or JSON) or Swagger 2.0.
type Spec struct{ s *spec.Spec }

// Load reads the spec at path. A spec that cannot be read, parsed or
// resolved is an error naming the file (and line and column where the
// parser gives them).
func Load(path string) (*Spec, error) {
	s, err := spec.Load(path)
	if err != nil {
		return nil, err
	}
	return &Spec{s: s}, nil
}

// Problem is one finding as casebook reports it: severity, location,
// JSON pointer, rule, message, allowed values, did you mean, and for an
// unknown operation the nearest ones.
type Problem = finding.Finding

// Severity is how bad a Problem is: Error breaks the contract, Warning
// is likely a mistake (a field the schema does not declare).
type Severity = finding.Severity

// The severities.
const (
	Error   = finding.Error
	Warning = finding.Warning
)

// Finding is a Problem in one exchange.
type Finding struct {
	// Method and Path are the request's ("POST", "/api/v2/conversations/calls").
	Method, Path string
	// Status is the answer's status for a problem in the answer, 0 for a
	// problem in the request.
	Status int
	Problem
}

// String is the finding on one line, the way casebook lint prints it after
// the exchange: "POST /calls: request: error body /recipient/address:
// required: ..." or "POST /calls -> 200: answer: error body /id: type: ...".
func (f Finding) String() string {
	if f.Status == 0 {
		return fmt.Sprintf("%s %s: request: %s", f.Method, f.Path, f.Problem)
	}
	return fmt.Sprintf("%s %s -> %d: answer: %s", f.Method, f.Path, f.Status, f.Problem)
}

// MaxBodyBytes bounds how much of a request or an answer body is read to
// check it; a larger answer is handed on whole but its body is not checked.
const MaxBodyBytes = 10 << 20

// Transport is an http.RoundTripper that checks each exchange against Spec
// and reports what it finds, then hands the answer on unchanged. A request
// the spec has no operation for is reported (unknown-operation, with the
// nearest operations) and its answer is not checked. It is safe for
// concurrent use when Base and Report are.
type Transport struct {
	Spec *Spec
	// Base sends the requests; nil is http.DefaultTransport.
	Base http.RoundTripper
	// Report receives every finding, errors and warnings alike, as the
	// exchange happens.
	Report func(Finding)
	// Skip, when set, leaves the requests it reports true for unchecked:
	// a token endpoint or a health check the spec does not describe.
	Skip func(*http.Request) bool
}

// RoundTrip lints req, sends it through Base and checks the answer.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if t.Spec == nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, ErrNoSpec
	}
	if t.Skip != nil && t.Skip(req) {
		return base.RoundTrip(req)
	}
	body, err := readBody(req)
	if err != nil {
		return nil, err
	}
	sent := req
	if req.Body != nil {
		// A RoundTripper must not change the caller's request: send a copy
		// whose body is the bytes read.
		sent = req.Clone(req.Context())
		sent.Body = io.NopCloser(bytes.NewReader(body))
	}
	lr := lint.Check(req.Context(), t.Spec.s, &lint.Request{
		Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.Query(), Header: req.Header, Body: body,
	}, lint.Options{})
	t.report(req, 0, lr.Findings)
	resp, err := base.RoundTrip(sent)
	if err != nil || lr.Match == nil {
		return resp, err
	}
	t.checkAnswer(req, lr.Match, resp)
	return resp, nil
}

// readBody reads and closes a request's body (a RoundTripper always closes it).
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	b, err := io.ReadAll(io.LimitReader(req.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("contract: reading the body of %s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	if len(b) > MaxBodyBytes {
		return nil, fmt.Errorf("contract: the body of %s %s is larger than %d bytes", req.Method, req.URL.Redacted(), MaxBodyBytes)
	}
	return b, nil
}

// checkAnswer reads the answer's body, checks it, and puts it back.
func (t *Transport) checkAnswer(req *http.Request, m *spec.Match, resp *http.Response) {
	read, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	rest := resp.Body
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(read), rest), rest}
	if err != nil || len(read) > MaxBodyBytes {
		return // the caller meets the error, or the whole body, when it reads
	}
	t.report(req, resp.StatusCode, lint.CheckResponse(m, &lint.Response{Method: req.Method, Status: resp.StatusCode, Header: resp.Header, Body: read}))
}

type readCloser struct {
	io.Reader
	io.Closer
}

func (t *Transport) report(req *http.Request, status int, ps []Problem) {
	if t.Report == nil {
		return
	}
	for _, p := range ps {
		t.Report(Finding{Method: req.Method, Path: req.URL.EscapedPath(), Status: status, Problem: p})
	}
}

// TB is the part of *testing.T (or *testing.B) ForTest reports through.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
}

// ForTest is a Transport over base (nil: http.DefaultTransport) that fails
// t on each error it finds (t.Errorf) and logs each warning (t.Logf).
func ForTest(t TB, s *Spec, base http.RoundTripper) *Transport {
	return &Transport{Spec: s, Base: base, Report: func(f Finding) {
		t.Helper()
		if f.Severity == Error {
			t.Errorf("%s", f)
			return
		}
		t.Logf("%s", f)
	}}
}

// ErrNoSpec is returned by a Transport without a Spec.
var ErrNoSpec = errors.New("contract: Transport.Spec is nil")

package mockserver

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
)

// ServeHTTP answers one request: casebook's own routes, faults, token
// endpoint, routing (404, 405), body limit (413), credentials (401, 403,
// 400 not.a.user), validation (400, 415), business rules, state (404 for
// an unknown item, creates, reads, updates, deletes, lists), fixtures,
// then the success answer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	defer s.answered.add(rec) // after recoverPanic: a panic is counted as its 500
	defer s.recoverPanic(rec, r)
	s.serve(rec, r)
	if !s.log.Enabled(r.Context(), slog.LevelInfo) {
		return // --quiet: skip building the line
	}
	// Straight to the handler, with typed attributes: no value boxed into
	// an any (3 allocations a request), and no caller's program counter
	// (a stack walk on every request, for a source that would always
	// name this line).
	line := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
	line.AddAttrs(slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rec.status),
		slog.String("code", rec.code), slog.Duration("duration", time.Since(start).Round(time.Microsecond)))
	_ = s.log.Handler().Handle(r.Context(), line)
}

func (s *Server) serve(w *statusRecorder, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}
	if s.notify != nil && strings.HasPrefix(r.URL.Path, channelsPath) {
		s.serveChannel(w, r)
		return
	}
	if s.envelope == spec.EnvelopeGenesys {
		// Genesys Cloud sends one on every answer; an error's contextId repeats it.
		w.Header().Set("Inin-Correlation-Id", newID())
	}
	if len(r.Header.Get(SessionHeader)) > maxSessionID {
		s.fail(w, nil, &apiError{Status: http.StatusBadRequest, Code: codeBadRequest,
			Message: fmt.Sprintf("casebook mock: the %s header is longer than %d characters.", SessionHeader, maxSessionID)})
		return
	}
	sess := s.sessionOf(r)
	if s.injectFault(w, r, sess) {
		return
	}
	body, err := readBody(w, r, s.maxBody)
	if err != nil {
		s.bodyError(w, err)
		return
	}
	if r.URL.Path == s.tokenPath {
		s.serveToken(w, r, body)
		return
	}
	m, err := s.spec.Find(r.Method, r.URL.EscapedPath())
	if err != nil {
		s.routeError(w, err)
		return
	}
	if s.testHook != nil {
		s.testHook(r)
	}
	s.answer(w, &exchange{r: r, match: m, body: body, session: sess})
}

// readBody reads the body, at most max bytes (more: an *http.MaxBytesError),
// as io.ReadAll does but into a buffer of the declared Content-Length:
// ReadAll starts at 512 bytes, five times the usual request here, and
// every byte allocated per request is work for the collector.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	rd := http.MaxBytesReader(w, r.Body, max)
	size := int64(512)
	if n := r.ContentLength; n >= 0 && n < max {
		size = n + 1 // room to read the EOF into without growing
	}
	b := make([]byte, 0, size)
	for {
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow, as io.ReadAll does
		}
	}
}

func (s *Server) bodyError(w *statusRecorder, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		s.fail(w, nil, &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge, Params: []string{fmt.Sprint(mbe.Limit)}})
		return
	}
	s.fail(w, nil, &apiError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: "The request body could not be read."})
}

func (s *Server) routeError(w *statusRecorder, err error) {
	var re *spec.RouteError
	if errors.As(err, &re) && re.MethodNotAllowed() {
		allow := strings.Join(slices.Sorted(slices.Values(re.Allowed)), ", ")
		s.fail(w, nil, &apiError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed, Params: []string{allow},
			Header: http.Header{"Allow": {allow}}})
		return
	}
	s.fail(w, nil, &apiError{Status: http.StatusNotFound, Code: codeNotFound})
}

// answer runs the checks that need the operation.
func (s *Server) answer(w *statusRecorder, ex *exchange) {
	r, m := ex.r, ex.match
	pol := s.policies[m.Operation]
	g, aerr := s.authorize(r, m, pol)
	if aerr != nil {
		s.fail(w, m.Operation, aerr)
		return
	}
	if verr := s.validate(ex); verr != nil {
		s.fail(w, m.Operation, verr)
		return
	}
	ex.grant = g
	if rule := s.matchRule(ex, pol.rules); rule != nil {
		t := rule.Then
		if t.Status < 400 { // a declared answer without a body (compile checked it)
			w.WriteHeader(t.Status)
			return
		}
		s.fail(w, m.Operation, &apiError{Status: t.Status, Code: t.Code, Message: t.Message, Params: t.Params})
		return
	}
	if pol.notify != nil {
		pol.notify(s, w, ex, pol.successStatus)
		return
	}
	if pol.state != nil && (ex.session == nil || !ex.session.stateless) && s.answerState(w, ex, pol, pol.state) {
		return
	}
	if pol.serve != nil {
		s.serveFixture(w, ex, pol.serve, pol.successStatus)
		return
	}
	s.success(w, ex, pol)
}

// validate lints the request exactly as `casebook lint` does; only error
// findings fail it: 400 (422 where the operation declares only that, see
// spec.Operation.BadRequestStatus). A Content-Type the operation does not
// take is 415. The JSON body lint decodes is kept in ex for the rules.
func (s *Server) validate(ex *exchange) *apiError {
	r, m := ex.r, ex.match
	var errs []finding.Finding
	opts := lint.Options{SkipSecurity: true, Decoded: &ex.linted, ErrorsOnly: true}
	findings := lint.CheckHTTP(r.Context(), s.spec, m, r, ex.body, opts)
	ex.hasLinted = ex.linted != nil
	for _, f := range findings {
		if f.Severity == finding.Error {
			errs = append(errs, f)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	for _, f := range errs {
		if f.Rule == finding.RuleContentType {
			return &apiError{Status: http.StatusUnsupportedMediaType, Code: codeUnsupportedMedia, Findings: errs}
		}
	}
	e := &apiError{Status: m.Operation.BadRequestStatus(), Code: codeBadRequest, Findings: errs}
	if len(errs) == 1 && errs[0].Rule == finding.RuleSyntax {
		// The message carries the line and column of the JSON error.
		e.Message = errs[0].Message
	}
	return e
}

// success writes the success answer; a POST, PUT, PATCH or DELETE answered
// so is an action for whoever follows changes (OnChange).
func (s *Server) success(w *statusRecorder, ex *exchange, pol *opPolicy) {
	status := pol.successStatus
	ct, v, ok := successBody(pol, s.spec.Doc, s.requestSeed(ex.r, ex.body))
	if !ok || status == http.StatusNoContent {
		v = nil
		w.WriteHeader(status)
	} else {
		writeJSON(w, ct, status, v)
	}
	if !safeMethod(ex.r.Method) && s.watched() {
		c := actionChange(ex, pol.state, v)
		c.Item = s.actedOn(ex)
		s.changed(ex, c)
	}
}

// requestSeed seeds a generated answer from the server's seed and what
// makes the request itself, so the same request gets the same answer.
func (s *Server) requestSeed(r *http.Request, body []byte) uint64 {
	return requestSeed(s.store.seed, r.Method, r.URL.EscapedPath(), r.URL.RawQuery, body)
}

// actionChange is the Change for a successful action: on the innermost
// item its path goes through, when there is one.
func actionChange(ex *exchange, so *stateOp, body any) Change {
	c := Change{Kind: Action, Body: body}
	if so == nil || len(so.within) == 0 {
		return c
	}
	r := so.within[len(so.within)-1]
	below := strings.Count(ex.match.Operation.Path, "/") - strings.Count(r.item, "/")
	item := trimSegments(ex.r.URL.EscapedPath(), below)
	c.Collection, c.ID = parentPath(item), so.pathValues(ex.match)[r.depth]
	return c
}

// safeMethod: the method changes nothing (RFC 9110 9.2.1).
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

func (s *Server) fail(w *statusRecorder, op *spec.Operation, e *apiError) {
	w.code = e.Code
	s.writeError(w, op, e)
}

// recoverPanic turns a panic in a handler into a 500 in the envelope and
// one log line; the server keeps serving.
func (s *Server) recoverPanic(w *statusRecorder, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	s.log.Error("panic while answering", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
	if !w.wrote {
		s.fail(w, nil, &apiError{Status: http.StatusInternalServerError, Code: codeInternal})
	}
}

// statusRecorder remembers the status and code for the request log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
	code   string
	wrote  bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection (a
// notification channel's WebSocket hijacks it; a reset fault closes it).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

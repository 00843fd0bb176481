package runner

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/secret"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/target"
)

// A request as a curl command a person can read, check and run by hand:
// `casebook curl` (a case as written) and `casebook run --dry-run` (a case
// as it would be sent to a target) build it from the same prepared request
// and render it with internal/curl. Credentials appear only as references
// to environment variables, never as values: the output gets pasted into
// tickets and chats (see internal/curl for the variables' names).

// Curl writes each case's request as a curl command to w: the request the
// runner would send, except that the case's ${NAME} variables are left to
// the shell and its auth: credential is read from $CASEBOOK_TOKEN_<AUTH>
// (or $CASEBOOK_BASIC_<AUTH>), presented as the operation's security
// scheme takes it (target.OverlayCurlAuth); each case's spec is loaded
// for that. base "" sends to ${CASEBOOK_BASE_URL}.
//
// A multi-step case is written step by step, each step's captures read
// from its answer into the variables the steps after it use.
func Curl(w io.Writer, cases []*Case, base string) error {
	cw := curl.NewWriter(w)
	specs := newSpecCache(spec.LoadOptions{})
	for _, c := range cases {
		var s *spec.Spec // a case built in code may name no spec: Bearer then
		if c.SpecPath != "" {
			var err error
			if s, err = specs.get(c.SpecPath); err != nil {
				return err
			}
		}
		for i, req := range c.Requests() {
			x := &expander{keep: true, c: c, pending: curl.CaptureNames(c)}
			p, err := prepareRequest(x, req.Request, req.Field)
			if err != nil {
				return err
			}
			auth := target.OverlayCurlAuth(s, p.method, p.path, req.Auth, fmt.Sprintf("credential %q", req.Auth))
			cmd := p.command(base, auth)
			cmd.Comment, cmd.Refs = fmt.Sprintf("%s (%s)", c.Name, c.Pos), true
			if req.Step != nil {
				cmd.Comment = fmt.Sprintf("%s, step %d of %d: %s (%s)", c.Name, i+1, len(c.Steps), req.Step.Name, c.FieldPos(fmt.Sprintf("steps[%d]", i)))
				cmd.Name, cmd.Captures = req.Step.Name, curl.Captures(req.Step)
			}
			if err := cw.Write(cmd); err != nil {
				return err
			}
		}
	}
	return nil
}

// command is the prepared request as curl, sent to base with auth.
func (p *prepared) command(base string, auth curl.Auth) *curl.Command {
	cmd := &curl.Command{Method: p.method, Base: base, Path: p.path, Query: p.query, Header: p.header, Form: p.form, Auth: auth}
	if p.form == nil {
		cmd.Body = p.body
	}
	return cmd
}

// printCurl writes the case's request as curl (a dry run) and sends
// nothing. The request is recorded (redacted) in the result as a send
// would record it.
func (r *Runner) printCurl(ctx context.Context, s *spec.Spec, c *casefile.Case, p *prepared, res *Result) error {
	base, err := r.target.BaseURL(ctx, s)
	if err != nil {
		return err
	}
	auth, err := r.target.CurlAuth(s, p.method, p.path, c.Auth)
	if err != nil {
		return err
	}
	sent := p.request(c, c.Auth)
	res.Request = &Request{Method: sent.Method, URL: strings.TrimRight(base, "/") + sent.Path, Header: secret.RedactHeader(sent.Header), Body: p.body}
	cmd := p.command(base, auth)
	cmd.Comment = fmt.Sprintf("%s: case %s (target %s)", c.Pos, c.Name, r.target.Name())
	return r.dry.Write(cmd)
}

// printSteps writes every step of a multi-step case as curl (a dry run):
// the values a step captures are read from its answer by the shell, so
// the commands run in order as a script. Nothing is sent.
func (r *Runner) printSteps(ctx context.Context, s *spec.Spec, c *casefile.Case, res *Result) {
	base, err := r.target.BaseURL(ctx, s)
	if err != nil {
		errored(res, err)
		return
	}
	for i := range c.Steps {
		st := &c.Steps[i]
		p, err := prepareRequest(r.expander(c, nil, false), &st.Request, fmt.Sprintf("steps[%d].request.", i))
		if err != nil {
			errored(res, err)
			return
		}
		auth, err := r.target.CurlAuth(s, p.method, p.path, c.AuthOf(st))
		if err != nil {
			errored(res, err)
			return
		}
		cmd := p.command(base, auth)
		cmd.Refs = true // the values later steps capture stay ${NAME}
		cmd.Comment = fmt.Sprintf("%s: case %s, step %d of %d: %s (target %s)", c.FieldPos(fmt.Sprintf("steps[%d]", i)), c.Name, i+1, len(c.Steps), st.Name, r.target.Name())
		cmd.Name, cmd.Captures = st.Name, curl.Captures(st)
		if err := r.dry.Write(cmd); err != nil {
			errored(res, err)
			return
		}
	}
	res.Status, res.Reason = Skipped, "dry run: printed as curl, not sent"
}

package mockserver

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// opPolicy is everything the mock enforces on one operation beyond its
// schema, compiled once from the spec and the overlay.
type opPolicy struct {
	// successStatus and successResp are the answer a valid request gets,
	// chosen once here rather than on every request.
	successStatus int
	successResp   *openapi3.Response
	example       answerExample
	userContext   bool
	permissions   *Permissions
	scopes        []string // nil: the spec's security requirement
	rules         []*Rule
	serve         *Serve
	// notify answers a notification-channel operation from the channels' state.
	notify notifyHandler
	// state is the operation's part in the mock's state (nil: none).
	state *stateOp
}

type scopePolicy struct {
	check   bool
	status  int
	code    string
	message string
}

var verifications = []string{"published-spec", "vendor-sdk", "live", "unverified"}

// compiler checks an overlay against its spec and builds the per-operation
// policies, collecting every problem with its place in the overlay file.
type compiler struct {
	spec     *spec.Spec
	o        *Overlay
	ops      map[string]*spec.Operation // "POST /path" -> operation
	policies map[*spec.Operation]*opPolicy
	errs     OverlayErrors
}

func compile(s *spec.Spec, o *Overlay) (map[*spec.Operation]*opPolicy, error) {
	c := &compiler{spec: s, o: o, ops: map[string]*spec.Operation{}, policies: map[*spec.Operation]*opPolicy{}}
	for _, op := range s.Operations() {
		c.ops[op.String()] = op
		status, resp := op.SuccessResponse()
		c.policies[op] = &opPolicy{successStatus: status, successResp: resp, userContext: publishedUserContext(op), permissions: publishedPermissions(op)}
	}
	c.checkTop()
	c.checkClients()
	c.checkFixtures()
	for i := range o.Operations {
		c.operation(&o.Operations[i], fmt.Sprintf("operations[%d]", i))
	}
	for i := range o.Serve {
		c.serve(&o.Serve[i], fmt.Sprintf("serve[%d]", i))
	}
	for i := range o.Rules {
		c.rule(&o.Rules[i], fmt.Sprintf("rules[%d]", i))
	}
	c.notifications()
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return c.policies, nil
}

func (c *compiler) fail(pos Pos, field, format string, args ...any) {
	if pos.File == "" {
		pos.File = c.o.File
	}
	c.errs = append(c.errs, &OverlayError{Pos: pos, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// publishedUserContext: the published spec says an operation needs a user
// when its 400 codes include not.a.user ("Client credentials cannot be used
// for requests to this resource").
func publishedUserContext(op *spec.Operation) bool {
	_, ok := op.ErrorCodes("400")[codeNotAUser]
	return ok
}

// publishedPermissions reads x-inin-requires-permissions {type, permissions}.
func publishedPermissions(op *spec.Operation) *Permissions {
	raw, ok := op.Op.Extensions["x-inin-requires-permissions"].(map[string]any)
	if !ok {
		return nil
	}
	p := &Permissions{Type: "ANY"}
	if t, ok := raw["type"].(string); ok {
		p.Type = strings.ToUpper(t)
	}
	list, _ := raw["permissions"].([]any)
	for _, v := range list {
		if s, ok := v.(string); ok {
			p.Permissions = append(p.Permissions, s)
		}
	}
	return p
}

func (c *compiler) checkTop() {
	envelopes := []string{string(spec.EnvelopeDeclared), string(spec.EnvelopeGenesys), string(spec.EnvelopeProblem)}
	if e := c.o.Envelope; e != "" && !slices.Contains(envelopes, e) {
		c.fail(c.o.Pos, "envelope", "unknown envelope %q (want %s)%s", e, strings.Join(envelopes, ", "), suggest.Hint(e, envelopes))
	}
	if c.o.Verification != "" && !slices.Contains(verifications, c.o.Verification) {
		c.fail(c.o.Pos, "verification", "unknown verification %q (want one of %s)", c.o.Verification, strings.Join(verifications, ", "))
	}
	sp := c.o.Auth.Scopes
	if sp.Status != 0 && (sp.Status < 400 || sp.Status > 599) {
		c.fail(sp.Pos, "auth.scopes.status", "want an error status (400-599), got %d", sp.Status)
	}
	if p := c.o.Auth.TokenPath; p != "" && !strings.HasPrefix(p, "/") {
		c.fail(c.o.Auth.Pos, "auth.tokenPath", "want a path starting with /, got %q", p)
	}
}

func (c *compiler) checkClients() {
	names, ids, usernames := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i, cl := range c.o.Clients {
		field := fmt.Sprintf("clients[%d]", i)
		switch {
		case cl.Name == "":
			c.fail(cl.Pos, field, "a client needs a name (what a case's auth: names)")
		case names[cl.Name]:
			c.fail(cl.Pos, field, "client name %q is used twice", cl.Name)
		}
		if (cl.Username == "") != (cl.Password == "") {
			c.fail(cl.Pos, field, "a client's username and password (the password grant) come together")
		}
		if cl.Token == "" && !cl.grantsPassword() && (cl.ID == "" || cl.Secret == "") {
			c.fail(cl.Pos, field, "a client needs an id and a secret, a username and a password, or a static token")
		}
		// Password-grant users may share their application's client id.
		if cl.ID != "" && !cl.grantsPassword() && ids[cl.ID] {
			c.fail(cl.Pos, field, "client id %q is used twice", cl.ID)
		}
		if cl.Username != "" && usernames[cl.Username] {
			c.fail(cl.Pos, field, "username %q is used twice", cl.Username)
		}
		names[cl.Name], usernames[cl.Username] = true, true
		if !cl.grantsPassword() {
			ids[cl.ID] = true
		}
		if cl.User != "" && c.o.Fixtures["users"] != nil && findRecord(c.o.Fixtures["users"], cl.User) == nil {
			c.fail(cl.Pos, field+".user", "no fixture in users has id %q", cl.User)
		}
	}
}

func (c *compiler) checkFixtures() {
	for name, records := range c.o.Fixtures {
		seen := map[string]bool{}
		for i, r := range records {
			id, ok := recordID(r)
			if !ok {
				c.fail(c.o.fixtureAt(name, i), fmt.Sprintf("fixtures.%s[%d]", name, i), "a fixture must be a mapping with an id")
				continue
			}
			if seen[id] {
				c.fail(c.o.fixtureAt(name, i), fmt.Sprintf("fixtures.%s[%d]", name, i), "fixture id %q is used twice", id)
			}
			seen[id] = true
		}
	}
}

// lookupOp resolves "METHOD /template", suggesting the nearest on a miss.
func (c *compiler) lookupOp(pos Pos, field, name string) *spec.Operation {
	if op := c.ops[name]; op != nil {
		return op
	}
	method, path, _ := strings.Cut(strings.TrimSpace(name), " ")
	if op := c.ops[strings.ToUpper(method)+" "+strings.TrimSpace(path)]; op != nil {
		return op
	}
	msg := fmt.Sprintf("no operation %q in the spec", name)
	if s := suggest.Closest(name, slices.Sorted(maps.Keys(c.ops))); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else if near := c.spec.Nearest(method, path, 1); len(near) > 0 {
		msg += fmt.Sprintf(" (want \"METHOD /path/template\"; nearest: %q)", near[0])
	}
	c.fail(pos, field, "%s", msg)
	return nil
}

func (c *compiler) operation(p *OperationPolicy, field string) {
	op := c.lookupOp(p.Pos, field+".operation", p.Operation)
	c.provenance(p.Pos, field, p.Source, p.Verification)
	if op == nil {
		return
	}
	pol := c.policies[op]
	if p.UserContext != nil {
		pol.userContext = *p.UserContext
	}
	if p.Permissions != nil {
		if t := strings.ToUpper(p.Permissions.Type); t != "ANY" && t != "ALL" {
			c.fail(p.Pos, field+".permissions.type", "want ANY or ALL, got %q", p.Permissions.Type)
		}
		pol.permissions = p.Permissions
	}
	if p.Scopes != nil {
		pol.scopes = p.Scopes
	}
}

func (c *compiler) provenance(pos Pos, field, source, verification string) {
	if source == "" {
		c.fail(pos, field, "source: is required (where the behaviour comes from)")
	}
	if !slices.Contains(verifications, verification) {
		c.fail(pos, field, "verification: want one of %s, got %q", strings.Join(verifications, ", "), verification)
	}
}

func (c *compiler) serve(sv *Serve, field string) {
	op := c.lookupOp(sv.Pos, field+".operation", sv.Operation)
	c.provenance(sv.Pos, field, sv.Source, sv.Verification)
	c.fixtureRef(sv.Pos, field, sv.Fixture, &sv.Key)
	if op != nil {
		c.policies[op].serve = sv
	}
}

func (c *compiler) fixtureRef(pos Pos, field, fixture string, key *Ref) {
	if _, ok := c.o.Fixtures[fixture]; !ok {
		c.fail(pos, field+".fixture", "no fixture collection %q%s", fixture, c.didYouMeanFixture(fixture))
	}
	if key == nil || countRefs(*key) != 1 {
		c.fail(pos, field+".key", "want exactly one of body, path, query, header, token")
		return
	}
	c.checkRef(pos, field+".key", *key)
}

func (c *compiler) didYouMeanFixture(name string) string {
	return suggest.Hint(name, slices.Sorted(maps.Keys(c.o.Fixtures)))
}

func countRefs(r Ref) int {
	n := 0
	for _, v := range []string{r.Body, r.Path, r.Query, r.Header, r.Token} {
		if v != "" {
			n++
		}
	}
	return n
}

func (c *compiler) checkRef(pos Pos, field string, r Ref) {
	if r.Body != "" && !jsonptr.Valid(r.Body) {
		c.fail(pos, field+".body", "%q is not a JSON pointer (want /field/sub)", r.Body)
	}
	if r.Token != "" && !slices.Contains(tokenAttributes, r.Token) {
		c.fail(pos, field+".token", "unknown token attribute %q (want one of %s)", r.Token, strings.Join(tokenAttributes, ", "))
	}
}

var tokenAttributes = []string{"user", "client", "scopes"}

func (c *compiler) rule(r *Rule, field string) {
	op := c.lookupOp(r.Pos, field+".operation", r.Operation)
	c.provenance(r.Pos, field, r.Source, r.Verification)
	c.answer(r, op, field)
	if len(r.When) == 0 {
		c.fail(r.Pos, field+".when", "a rule needs at least one condition")
	}
	for i := range r.When {
		c.condition(&r.When[i], fmt.Sprintf("%s.when[%d]", field, i))
	}
	if op != nil {
		pol := c.policies[op]
		pol.rules = append(pol.rules, r)
	}
}

// answer checks a rule's then: an error (400-599) with a code, or a status
// the operation declares with no body, such as get-next-event's 304 when a
// long poll ends with nothing new.
func (c *compiler) answer(r *Rule, op *spec.Operation, field string) {
	t := r.Then
	switch {
	case t.Status >= 400 && t.Status <= 599:
		if t.Code == "" {
			c.fail(r.Pos, field+".then.code", "a rule's answer needs a code")
		}
	case op != nil && declaresEmpty(op, t.Status):
		if t.Code != "" || t.Message != "" || len(t.Params) > 0 {
			c.fail(r.Pos, field+".then", "a %d answer has no body: drop code, message and params", t.Status)
		}
	case op != nil:
		c.fail(r.Pos, field+".then.status", "want an error status (400-599) or one %s declares with no body, got %d", r.Operation, t.Status)
	}
}

// declaresEmpty reports whether the operation declares status as a response
// without content.
func declaresEmpty(op *spec.Operation, status int) bool {
	if status < 100 || status > 399 || op.Op.Responses == nil {
		return false
	}
	ref := op.Op.Responses.Status(status)
	return ref != nil && ref.Value != nil && len(ref.Value.Content) == 0
}

func (c *compiler) condition(cd *Condition, field string) {
	subjects := countRefs(cd.ref())
	if cd.Count != nil {
		subjects++
	}
	if cd.Fixture != "" {
		subjects++
	}
	if subjects != 1 {
		c.fail(cd.Pos, field, "want exactly one subject: body, path, query, header, token, count or fixture")
		return
	}
	c.checkRef(cd.Pos, field, cd.ref())
	for _, p := range cd.Count {
		if !jsonptr.Valid(p) {
			c.fail(cd.Pos, field+".count", "%q is not a JSON pointer", p)
		}
	}
	if cd.Fixture != "" {
		c.fixtureRef(cd.Pos, field, cd.Fixture, cd.Key)
		if !jsonptr.Valid(cd.Field) {
			c.fail(cd.Pos, field+".field", "%q is not a JSON pointer", cd.Field)
		}
	} else if cd.Key != nil || cd.Field != "" {
		c.fail(cd.Pos, field, "key and field belong with fixture")
	}
}

// scopePolicyOf fills the overlay's scope policy with its defaults.
func scopePolicyOf(o *Overlay) scopePolicy {
	p := scopePolicy{check: true, status: http.StatusForbidden, code: codeInsufficientScope}
	sp := o.Auth.Scopes
	if sp.Check != nil {
		p.check = *sp.Check
	}
	if sp.Status != 0 {
		p.status = sp.Status
	}
	if sp.Code != "" {
		p.code = sp.Code
	}
	p.message = sp.Message
	return p
}

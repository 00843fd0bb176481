package casefile

import (
	"fmt"
	"time"

	"github.com/casebook-dev/casebook/internal/fault"
	"github.com/casebook-dev/casebook/internal/strictyaml"
	"github.com/casebook-dev/casebook/internal/wsfault"
)

// Case is one pitfall or regression check: a request, and what a correct
// spec, linter and server make of it.
type Case struct {
	// Name identifies the case in reports; unique within a run. Defaults to the file name.
	Name string `yaml:"name"`
	// Pitfall says in one sentence what goes wrong and why.
	Pitfall string `yaml:"pitfall"`
	// Source says where the claim comes from (a URL, a spec file, a thread).
	Source string `yaml:"source"`
	// Verification is how far the claim is established: published-spec,
	// vendor-sdk, live or unverified (the default).
	Verification string   `yaml:"verification"`
	Tags         []string `yaml:"tags"`
	// Spec is the API description the request is checked against, relative
	// to the case file; empty takes the project config's default.
	Spec string `yaml:"spec"`
	// Auth names a credential from the project config ("none" for no
	// Authorization header at all). Secrets never live in case files.
	Auth string `yaml:"auth"`
	// SafeForLive allows a live replay of a method with side effects
	// without --allow-side-effects (a POST that places no real call).
	SafeForLive bool `yaml:"safeForLive"`
	// Retry allows retries of a non-idempotent method.
	Retry bool `yaml:"retry"`
	// FixedBy names the case holding the corrected request, for the pitfall catalogue.
	FixedBy string `yaml:"fixedBy"`
	// Claims name the claims of the claims ledger (docs/claims.yaml) the case
	// tests, so docs/claims.md can cite it as evidence.
	Claims []string `yaml:"claims"`
	// Mock says how the built-in mock treats the case: a state of its own
	// (the default) or the shared one, and faults to inject.
	Mock Mock `yaml:"mock"`

	// Channel opens a notification channel (Genesys Cloud's WebSocket)
	// before the request is sent, for expect.events.
	Channel *Channel `yaml:"channel"`

	Request Request `yaml:"request"`
	Expect  Expect  `yaml:"expect"`
	// Steps, instead of Request and Expect, are requests sent in order,
	// each with its own expectation; values one step captures from its
	// answer fill ${NAME} in the steps after it.
	Steps []Step `yaml:"steps"`

	// Pos is where the case starts in its file.
	Pos Pos `yaml:"-"`
	// SpecPath is Spec resolved against the case file or the config (set by the loader).
	SpecPath string `yaml:"-"`
	// positions of fields, for errors raised after decoding
	fieldPos fieldPositions
	// packed is the whole case of a slim one (Slim), nil for a whole case;
	// spooled, where a Spool wrote it instead.
	packed  []byte
	spooled *spooled
}

// Request is the HTTP request a case sends.
type Request struct {
	Method string `yaml:"method"`
	// Path is a template: /api/v2/outbound/campaigns/{campaignId}/calls.
	Path       string              `yaml:"path"`
	PathParams map[string]string   `yaml:"pathParams"`
	Query      map[string][]string `yaml:"query"`
	Headers    map[string]string   `yaml:"headers"`
	// Body is the JSON body, written as YAML. Nil sends no body.
	Body *Value `yaml:"body"`
	// Form is sent as application/x-www-form-urlencoded instead of Body.
	// A field written as a list is sent once per item (Events=a&Events=b,
	// an exploded array); an empty or null field is sent with no value.
	Form map[string][]string `yaml:"form"`
	// RawBody is sent byte for byte as written (${NAME} filled in), with
	// the Content-Type the headers give, instead of Body or Form: a body
	// that is not JSON, or one that must reach the server exactly as it was
	// captured (curl -d sends JSON as a form unless told otherwise).
	RawBody string `yaml:"rawBody"`
}

// Step is one request of a multi-step case.
type Step struct {
	// Name identifies the step in reports; unique within the case.
	Name string `yaml:"name"`
	// Auth overrides the case's credential for this step.
	Auth    string  `yaml:"auth"`
	Request Request `yaml:"request"`
	Expect  Expect  `yaml:"expect"`
	// Capture names values of the answer for the steps after this one:
	// {CAMPAIGN_ID: /id} reads a JSON pointer of the body,
	// {LOCATION: "header:Location"} a header.
	Capture map[string]Capture `yaml:"capture"`
}

// Sent is one request a case sends: its own, or a step's.
type Sent struct {
	Request *Request
	// Auth is the credential it is sent with.
	Auth string
	// Field is where the request is written, for errors: "request." or
	// "steps[1].request.".
	Field string
	// Step is the step it belongs to (nil for a case's own request).
	Step *Step
}

// Requests lists the requests the case sends, in order: its request, or
// each step's.
func (c *Case) Requests() []Sent {
	if len(c.Steps) == 0 {
		return []Sent{{Request: &c.Request, Auth: c.Auth, Field: "request."}}
	}
	out := make([]Sent, len(c.Steps))
	for i := range c.Steps {
		st := &c.Steps[i]
		out[i] = Sent{Request: &st.Request, Auth: c.AuthOf(st), Field: fmt.Sprintf("steps[%d].request.", i), Step: st}
	}
	return out
}

// AuthOf is the credential a step is sent with: its own, else the case's.
func (c *Case) AuthOf(st *Step) string {
	if st.Auth != "" {
		return st.Auth
	}
	return c.Auth
}

// Capture is where a step reads a value from its answer: a JSON pointer
// into the body, or a header.
type Capture struct {
	Pointer string
	Header  string
}

// Mock configures the built-in mock target for one case.
type Mock struct {
	// State is "fresh" (the default: the case starts from the overlay's
	// fixtures and sees no other case's items), "shared" (the state cases
	// marked shared have in common) or "off" (the mock answers from the
	// spec alone: nothing is kept, and every item a path names exists).
	State string `yaml:"state"`
	// Faults make the mock fail, slow down or drop the case's requests, to
	// show how a client's retries behave (see casebook mock --help).
	Faults []fault.Fault `yaml:"faults"`
}

// Mock states.
const (
	StateFresh  = "fresh"
	StateShared = "shared"
	StateOff    = "off"
)

// Expect is what the case asserts.
type Expect struct {
	// Lint lists the findings the request is meant to contain. A case that
	// lists none must lint clean.
	Lint []ExpectedFinding `yaml:"lint"`
	// Status is the HTTP status; 0 asserts nothing.
	Status int `yaml:"status"`
	// Headers must be present; a non-empty value must also equal the answer's.
	Headers map[string]string `yaml:"headers"`
	// Body is compared with the answer's JSON body (see BodyMatch).
	Body *Value `yaml:"body"`
	// BodyMatch is "subset" (the default: every field given must match,
	// extra fields in the answer are fine) or "exact".
	BodyMatch string `yaml:"bodyMatch"`
	// Ignore lists JSON pointers left out of the body comparison.
	Ignore []string `yaml:"ignore"`
	// Conformance says what an answer that breaks the spec's declared
	// responses costs: "fail" (the default) or "warn", for an API known to
	// drift from its spec. Empty takes the project config's setting.
	Conformance string `yaml:"conformance"`
	// Events are notifications the request must (or must not) cause on
	// the case's channel.
	Events []ExpectedEvent `yaml:"events"`
}

// Channel is the notification channel a case opens with its own
// credentials (auth:) before it sends its request: POST
// /api/v2/notifications/channels, a WebSocket to the connectUri, and PUT
// .../subscriptions with Topics. docs/notifications.md describes the channel.
type Channel struct {
	// Topics are the topics the channel subscribes to; ${NAME} is filled
	// in. An empty list subscribes to nothing, as a client that reconnects
	// and forgets to subscribe does.
	Topics []string `yaml:"topics"`
	// Faults make the built-in mock's channel fail (reset-after: 1s,
	// no-pong: true, ...; see casebook mock --help). Other targets get none.
	Faults wsfault.Faults `yaml:"faults"`
}

// ExpectedEvent is a notification the request must cause, or, with
// Absent, must not.
type ExpectedEvent struct {
	// TopicName is the event's topic; ${NAME} is filled in.
	TopicName string `yaml:"topicName"`
	// Within is how long after the request is sent the event may arrive
	// (default 5s); an absent event is waited for this long.
	Within strictyaml.Duration `yaml:"within"`
	// Body is compared with the event's eventBody as a subset: every field
	// given must match.
	Body *Value `yaml:"body"`
	// Absent asserts that no such event arrives within Within.
	Absent bool `yaml:"absent"`
}

// DefaultEventWithin is how long an expected event may take when the case
// does not say.
const DefaultEventWithin = 5 * time.Second

// ExpectedFinding names a lint finding by where it is and which rule it breaks.
type ExpectedFinding struct {
	Pointer string `yaml:"pointer"`
	Rule    string `yaml:"rule"`
	// Location narrows the match to body, path, query, header, security or route.
	Location string `yaml:"location"`
	// Severity narrows the match to error or warning.
	Severity string `yaml:"severity"`
}

// Body match modes.
const (
	MatchSubset = "subset"
	MatchExact  = "exact"
)

// What a conformance break costs (Expect.Conformance).
const (
	ConformanceFail = "fail"
	ConformanceWarn = "warn"
)

// Verification levels.
var Verifications = []string{"published-spec", "vendor-sdk", "live", "unverified"}

// TagCorrect marks a case that shows correct behaviour: the right call and
// the success it gets. The pitfall catalogue lists such a case under
// "Correct behaviour" (or as the fix of the pitfalls whose fixedBy names
// it), never among the pitfalls.
const TagCorrect = "correct"

// FieldPos returns where a field was written ("request.body", "expect.status"),
// or the case's own position when the field is absent.
func (c *Case) FieldPos(field string) Pos {
	if p, ok := c.fieldPos.lookup(field); ok {
		return p
	}
	return c.Pos
}

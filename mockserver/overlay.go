package mockserver

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// Overlay is what a vendor's spec does not say but its server does: the
// clients the token endpoint knows, which operations need a user or a
// permission, business rules, and fixture data. It lives in a YAML file
// beside the spec so the vendor's spec stays untouched. Every rule carries
// where it comes from and how far it is verified.
type Overlay struct {
	// File is the file the overlay was read from.
	File string `yaml:"-"`
	// Envelope overrides the error envelope detected from the spec: genesys or problem.
	Envelope string `yaml:"envelope"`
	// Source and Verification describe the overlay as a whole.
	Source       string `yaml:"source"`
	Verification string `yaml:"verification"`

	Auth       Auth                `yaml:"auth"`
	Clients    []Client            `yaml:"clients"`
	Operations []OperationPolicy   `yaml:"operations"`
	Fixtures   map[string][]Record `yaml:"fixtures"`
	Serve      []Serve             `yaml:"serve"`
	Rules      []Rule              `yaml:"rules"`
	// Notifications turns on the vendor's notification channel (WebSocket).
	Notifications *Notifications `yaml:"notifications"`
	// Faults are injected on every run of the mock (see Faults), after
	// those of Config.Faults.
	Faults []Fault `yaml:"faults"`
	Pos    Pos     `yaml:"-"`

	// fixturePos is where each fixture record starts, for errors found
	// after decoding (fixtures are free-form, so the decoder keeps no Pos in them).
	fixturePos map[string][]Pos
}

// Record is one fixture: a JSON object with an "id" member.
type Record = any

// Auth configures the token endpoint and how scopes are enforced.
type Auth struct {
	// TokenPath is where the client-credentials token endpoint listens
	// (default /oauth/token).
	TokenPath string `yaml:"tokenPath"`
	// TokenLifetime is how long an issued token is good for (default 1h).
	TokenLifetime Duration    `yaml:"tokenLifetime"`
	Scopes        ScopePolicy `yaml:"scopes"`
	Pos           Pos         `yaml:"-"`
}

// ScopePolicy says what a token lacking a scope the operation's security
// requirement lists gets. Vendors differ, so it is per spec.
type ScopePolicy struct {
	// Check turns scope enforcement on (the default) or off.
	Check *bool `yaml:"check"`
	// Status is the answer's status (default 403).
	Status int `yaml:"status"`
	// Code is the envelope code (default insufficient.scope, casebook's own).
	Code         string `yaml:"code"`
	Message      string `yaml:"message"`
	Source       string `yaml:"source"`
	Verification string `yaml:"verification"`
	Pos          Pos    `yaml:"-"`
}

// Client is an OAuth2 client the token endpoint accepts.
type Client struct {
	// Name is what a case's auth: field names.
	Name   string `yaml:"name"`
	ID     string `yaml:"id"`
	Secret string `yaml:"secret"`
	// Scopes the client may be granted; "*" grants every scope.
	Scopes []string `yaml:"scopes"`
	// Permissions the client's roles hold; "*" holds every permission, and
	// a "*" segment matches any segment ("outbound:*:view").
	Permissions []string `yaml:"permissions"`
	// User is the fixture user the token acts for. Empty: the token carries
	// no user, as a real client-credentials token does.
	User string `yaml:"user"`
	// Token is an optional pre-issued static bearer token.
	Token string `yaml:"token"`
	// Username and Password, when set, are traded for a token by the
	// resource owner password grant (RFC 6749 section 4.3) instead of client
	// credentials: NICE CXone trades an API user's access key id and secret
	// this way. ID and Secret, when also set, are the registered
	// application's, which the request may send as client authentication.
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	Pos      Pos    `yaml:"-"`
}

// grantsPassword reports whether the client gets its tokens by the password grant.
func (c *Client) grantsPassword() bool { return c.Username != "" }

// GrantsPassword reports whether the client trades its Username and
// Password for a token (the password grant, RFC 6749 section 4.3) rather
// than its ID and Secret (client credentials), for whoever fetches its
// tokens from a mock: the runner's targets, a service's tests.
func (c *Client) GrantsPassword() bool { return c.grantsPassword() }

// OperationPolicy adds to or overrides what the spec says about one operation.
type OperationPolicy struct {
	// Operation is "METHOD /path/template" as the spec spells it.
	Operation string `yaml:"operation"`
	// UserContext: true when the operation needs a token that carries a user
	// (a client-credentials token gets 400 not.a.user). Unset: taken from the
	// spec (an operation whose 400 codes include not.a.user).
	UserContext *bool `yaml:"userContext"`
	// Permissions overrides x-inin-requires-permissions.
	Permissions *Permissions `yaml:"permissions"`
	// Scopes overrides the scopes of the operation's security requirement.
	Scopes       []string `yaml:"scopes"`
	Source       string   `yaml:"source"`
	Verification string   `yaml:"verification"`
	Pos          Pos      `yaml:"-"`
}

// Permissions is a permission requirement: ANY one of them, or ALL.
type Permissions struct {
	Type        string   `yaml:"type"`
	Permissions []string `yaml:"permissions"`
}

// Serve answers an operation with a fixture record (GET campaign by id).
type Serve struct {
	Operation string `yaml:"operation"`
	// Fixture is the fixture collection, Key how the record's id is found.
	Fixture      string `yaml:"fixture"`
	Key          Ref    `yaml:"key"`
	Source       string `yaml:"source"`
	Verification string `yaml:"verification"`
	Pos          Pos    `yaml:"-"`
}

// Rule is a business rule: when every condition holds for a request to the
// operation, the mock answers Then instead of a success: an error in the
// vendor's envelope, or a status the operation declares without a body (a
// long poll's 304 Not Modified).
type Rule struct {
	Name      string      `yaml:"name"`
	Operation string      `yaml:"operation"`
	When      []Condition `yaml:"when"`
	Then      Answer      `yaml:"then"`
	// Source and Verification (published-spec, vendor-sdk, live, unverified) are required.
	Source       string `yaml:"source"`
	Verification string `yaml:"verification"`
	Note         string `yaml:"note"`
	Pos          Pos    `yaml:"-"`
}

// Answer is what a rule produces: an error (400-599, with a code), or a
// status the operation declares with no content, answered with no body.
type Answer struct {
	Status int    `yaml:"status"`
	Code   string `yaml:"code"`
	// Message overrides the message the spec gives the code.
	Message string `yaml:"message"`
	// Params fill the message template's %s in order.
	Params []string `yaml:"params"`
}

// Ref names one value of the request: a body member by JSON pointer, a
// path, query or header parameter by name, or an attribute of the token
// (user, client).
type Ref struct {
	Body   string `yaml:"body"`
	Path   string `yaml:"path"`
	Query  string `yaml:"query"`
	Header string `yaml:"header"`
	Token  string `yaml:"token"`
}

// Condition is one test of a rule. Its subject is a request value (a Ref),
// the number of body pointers present (count), or a member (field) of the
// fixture record whose id a Key names. Its predicates all must hold.
type Condition struct {
	Body   string `yaml:"body"`
	Path   string `yaml:"path"`
	Query  string `yaml:"query"`
	Header string `yaml:"header"`
	Token  string `yaml:"token"`

	Count   []string `yaml:"count"`
	Fixture string   `yaml:"fixture"`
	Key     *Ref     `yaml:"key"`
	Field   string   `yaml:"field"`

	Exists *bool    `yaml:"exists"`
	Equals any      `yaml:"equals"`
	In     []any    `yaml:"in"`
	NotIn  []any    `yaml:"notIn"`
	Min    *float64 `yaml:"min"`
	Max    *float64 `yaml:"max"`
	Pos    Pos      `yaml:"-"`
}

// ref is the condition's request subject, when it has one.
func (c *Condition) ref() Ref {
	return Ref{Body: c.Body, Path: c.Path, Query: c.Query, Header: c.Header, Token: c.Token}
}

// DefaultTokenPath is where the token endpoint listens when the overlay
// does not say (auth.tokenPath).
const DefaultTokenPath = "/oauth/token"

// TokenPath is where the mock serving this overlay answers token requests.
func (o *Overlay) TokenPath() string {
	if o.Auth.TokenPath != "" {
		return o.Auth.TokenPath
	}
	return DefaultTokenPath
}

// Client is the client the overlay names name (a case's auth:), nil when
// it names none.
func (o *Overlay) Client(name string) *Client {
	for i := range o.Clients {
		if o.Clients[i].Name == name {
			return &o.Clients[i]
		}
	}
	return nil
}

// ClientNames lists the overlay's clients' names as written (the first
// is the one an import picks); nil for no overlay.
func (o *Overlay) ClientNames() []string {
	if o == nil {
		return nil
	}
	names := make([]string, len(o.Clients))
	for i, c := range o.Clients {
		names[i] = c.Name
	}
	return names
}

// OverlayPathFor names the overlay conventionally beside a spec: the spec's
// file name with its extension replaced by .overlay.yaml
// (specs/personal-connection.yaml -> specs/personal-connection.overlay.yaml,
// specs/genesys-cloud/openapi.yaml -> specs/genesys-cloud/openapi.overlay.yaml).
func OverlayPathFor(specPath string) string {
	ext := filepath.Ext(specPath)
	return strings.TrimSuffix(specPath, ext) + ".overlay.yaml"
}

// OverlayFor loads the overlay beside a spec (OverlayPathFor), or returns
// nil when there is none: a spec serves without one.
func OverlayFor(specPath string) (*Overlay, error) {
	p := OverlayPathFor(specPath)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return LoadOverlay(p)
}

// LoadOverlay reads and strictly decodes an overlay file. Problems are
// OverlayErrors naming file:line:col. Whether the operations and fixtures it
// names exist is checked by New, against the spec.
func LoadOverlay(path string) (*Overlay, error) {
	data, err := strictyaml.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return DecodeOverlay(path, data)
}

// DecodeOverlay decodes overlay YAML; file names it in errors.
func DecodeOverlay(file string, data []byte) (*Overlay, error) {
	doc, err := strictyaml.Parse(file, data)
	if err != nil {
		return nil, err
	}
	o := &Overlay{File: file}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return o, nil
	}
	if _, errs := strictyaml.Decode(file, doc.Content[0], o); len(errs) > 0 {
		return nil, errs
	}
	o.File = file
	o.fixturePos = fixturePositions(file, doc.Content[0])
	return o, nil
}

// fixturePositions records where each record of each fixture collection starts.
func fixturePositions(file string, root *yaml.Node) map[string][]Pos {
	out := map[string][]Pos{}
	fixtures := mappingValue(root, "fixtures")
	if fixtures == nil || fixtures.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(fixtures.Content); i += 2 {
		name, list := fixtures.Content[i].Value, fixtures.Content[i+1]
		for _, item := range list.Content {
			out[name] = append(out[name], Pos{File: file, Line: item.Line, Column: item.Column})
		}
	}
	return out
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// fixtureAt is where record i of a collection starts (the file alone when unknown).
func (o *Overlay) fixtureAt(name string, i int) Pos {
	if ps := o.fixturePos[name]; i < len(ps) {
		return ps[i]
	}
	return Pos{File: o.File}
}

// IsOverlayError reports whether err came from an overlay file.
func IsOverlayError(err error) bool {
	var oe *OverlayError
	return errors.As(err, &oe)
}

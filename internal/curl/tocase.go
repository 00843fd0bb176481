package curl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/inputfile"
	"github.com/casebook-dev/casebook/internal/secret"
	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// CaseOptions shape the case ToCase writes.
type CaseOptions struct {
	// Name is the case's name; empty derives one from the method and path.
	Name string
	// Source says where the request was captured ("a curl command").
	Source string
	// Pitfall is the case's pitfall: (empty: a TODO for the person importing).
	Pitfall string
	// Auth is the credential auth: names when the capture carried an
	// Authorization header (default "default").
	Auth string
	// Operation is the spec operation lint resolved the request to ("POST
	// /calls/{id}"); when set, the path is written as its template with
	// pathParams.
	Operation string
	// Findings are lint's findings, written as expect.lint so the case
	// documents what is wrong with the request.
	Findings []finding.Finding
	// Spec, when set, is written as spec: (relative to the case file).
	Spec string
}

// dropHeaders are what a client adds on its own and a case need not say.
var dropHeaders = map[string]bool{
	"Host": true, "Content-Length": true, "Connection": true, "Accept-Encoding": true,
	"User-Agent": true, "Origin": true, "Referer": true, "Accept-Language": true,
	"Cache-Control": true, "Pragma": true, "Priority": true, "Dnt": true, "Te": true,
	"Upgrade-Insecure-Requests": true,
}

// ToCase writes a captured request as case YAML. Credentials never reach
// the file: an Authorization header becomes auth:, other credential
// headers, query parameters, form fields and JSON members become
// ${CASEBOOK_NAME} variables read from the environment. The notes say what
// was changed or left out, for the person importing.
func ToCase(r *Request, opts CaseOptions) ([]byte, []string, error) {
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, nil, fmt.Errorf("URL %q: %w", r.URL, err)
	}
	b := &caseBuilder{opts: opts}
	b.notes = append(b.notes, fmt.Sprintf("the host %s is not kept: a case is replayed against casebook's --target", u.Host))
	req := mapping()
	add(req, "method", scalar(strings.ToUpper(r.Method)))
	b.path(req, u)
	b.query(req, u.Query())
	contentType := r.Header.Get("Content-Type")
	mode := bodyModeOf(r.Body, contentType)
	hasAuth := b.headers(req, r.Header, mode)
	b.body(req, r.Body, contentType, mode)

	doc := mapping()
	name := opts.Name
	if name == "" {
		name = slug(r.Method, u.Path)
	}
	add(doc, "name", scalar(name))
	add(doc, "pitfall", scalar(orDefault(opts.Pitfall, "TODO: say in one sentence what goes wrong and why")))
	add(doc, "source", scalar(orDefault(opts.Source, "a captured request")))
	add(doc, "verification", scalar("unverified"))
	if opts.Spec != "" {
		add(doc, "spec", scalar(opts.Spec))
	}
	if hasAuth {
		add(doc, "auth", scalar(orDefault(opts.Auth, "default")))
	} else {
		add(doc, "auth", scalar("none"))
	}
	add(doc, "request", req)
	if exp := b.expect(r.Status); len(exp.Content) > 0 {
		add(doc, "expect", exp)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, nil, err
	}
	return out.Bytes(), b.notes, nil
}

type caseBuilder struct {
	opts  CaseOptions
	notes []string
	// replaced counts the credentials secret has replaced by variables.
	replaced int
}

func (b *caseBuilder) path(req *yaml.Node, u *url.URL) {
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	_, tmpl, _ := strings.Cut(b.opts.Operation, " ")
	params, ok := matchTemplate(tmpl, u.Path)
	if !ok || len(params) == 0 {
		add(req, "path", scalar(path))
		return
	}
	add(req, "path", scalar(tmpl))
	pp := mapping()
	for _, k := range slices.Sorted(maps.Keys(params)) {
		add(pp, k, scalar(params[k]))
	}
	add(req, "pathParams", pp)
}

// matchTemplate fills /calls/{id} from /calls/c1: {id: c1}.
func matchTemplate(tmpl, path string) (map[string]string, bool) {
	if tmpl == "" {
		return nil, false
	}
	ts, ps := strings.Split(strings.Trim(tmpl, "/"), "/"), strings.Split(strings.Trim(path, "/"), "/")
	if len(ts) != len(ps) {
		return nil, false
	}
	out := map[string]string{}
	for i, t := range ts {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			out[t[1:len(t)-1]] = ps[i]
		} else if t != ps[i] {
			return nil, false
		}
	}
	return out, true
}

func (b *caseBuilder) query(req *yaml.Node, q url.Values) {
	if len(q) == 0 {
		return
	}
	qn := mapping()
	for _, k := range slices.Sorted(maps.Keys(q)) {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, v := range q[k] {
			seq.Content = append(seq.Content, scalar(b.secret("query parameter", k, v)))
		}
		add(qn, k, seq)
	}
	add(req, "query", qn)
}

// headers writes what a case needs to say and reports whether the
// capture carried an Authorization header (then auth: replaces it).
func (b *caseBuilder) headers(req *yaml.Node, h http.Header, mode bodyMode) bool {
	hn := mapping()
	hasAuth := false
	for _, k := range slices.Sorted(maps.Keys(h)) {
		ck := http.CanonicalHeaderKey(k)
		v := strings.Join(h[k], ", ")
		switch {
		case strings.HasPrefix(k, ":") || strings.HasPrefix(ck, "Sec-") || dropHeaders[ck]:
			continue
		case ck == "Authorization":
			hasAuth = true
			scheme, _, _ := strings.Cut(v, " ")
			b.notes = append(b.notes, fmt.Sprintf("removed the Authorization header (%s credentials): the case names a credential with auth: %s instead", scheme, orDefault(b.opts.Auth, "default")))
			continue
		case ck == "Cookie":
			b.notes = append(b.notes, "removed the Cookie header: cookies are credentials")
			continue
		case ck == "Content-Type" && (mode == asJSON && v == "application/json" || mode == asForm && v == formMedia):
			continue // the runner sets exactly this for body: or form:
		case ck == "Accept" && v == "*/*":
			continue
		}
		add(hn, ck, scalar(b.secret("header", ck, v)))
	}
	if len(hn.Content) > 0 {
		add(req, "headers", hn)
	}
	return hasAuth
}

// secret returns v, or a ${CASEBOOK_NAME} reference when name holds a credential.
func (b *caseBuilder) secret(what, name, v string) string {
	if !secret.Name(name) || casefile.VarRef.MatchString(v) {
		return v
	}
	env := Var(name)
	b.replaced++
	b.notes = append(b.notes, fmt.Sprintf("replaced the %s %s with ${%s}: set it in the environment", what, name, env))
	return "${" + env + "}"
}

// bodyMode is how a case holds a captured body: as JSON (body:), as form
// fields (form:), or byte for byte (rawBody:).
type bodyMode int

const (
	noBody bodyMode = iota
	asJSON
	asForm
	asRaw
)

const formMedia = "application/x-www-form-urlencoded"

// bodyModeOf keeps the captured bytes and Content-Type: a JSON body sent as
// JSON becomes body: (the same JSON value), a form whose every field is
// encoded the way the runner encodes it becomes form:, and anything else
// (JSON that curl sent as a form, a body of another type, broken JSON, a
// form with its own encoding) goes out as captured, in rawBody:.
func bodyModeOf(body []byte, contentType string) bodyMode {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return noBody
	case isJSONMedia(mt) && json.Valid(body):
		return asJSON
	case mt == formMedia && canonicalForm(string(body)):
		return asForm
	}
	return asRaw
}

// canonicalForm: every field of the form is written as url.Values encodes
// it, once, so form: sends the same fields (in name order).
func canonicalForm(body string) bool {
	q, err := url.ParseQuery(body)
	if err != nil {
		return false
	}
	for _, pair := range strings.Split(body, "&") {
		k, v, _ := strings.Cut(pair, "=")
		dk, _ := url.QueryUnescape(k)
		dv, _ := url.QueryUnescape(v)
		if url.QueryEscape(dk) != k || url.QueryEscape(dv) != v || len(q[dk]) != 1 {
			return false
		}
	}
	return true
}

func (b *caseBuilder) body(req *yaml.Node, body []byte, contentType string, mode bodyMode) {
	if mode != noBody && len(body) > strictyaml.MaxFileBytes/2 {
		b.notes = append(b.notes, fmt.Sprintf("left the body out: at %d bytes it is too large for a case file (at most %s, and the body grows as YAML)", len(body), inputfile.Size(strictyaml.MaxFileBytes)))
		return
	}
	switch mode {
	case asForm:
		q, _ := url.ParseQuery(string(body))
		fn := mapping()
		for _, k := range slices.Sorted(maps.Keys(q)) {
			add(fn, k, scalar(b.secret("form field", k, q[k][0])))
		}
		add(req, "form", fn)
	case asJSON:
		// json.Valid came first: YAML would also take flow YAML, anchors and
		// aliases included (an alias bomb expands exponentially when the case decodes).
		var n yaml.Node
		if err := yaml.Unmarshal(body, &n); err != nil || len(n.Content) == 0 {
			b.rawBody(req, body, contentType)
			return
		}
		root := n.Content[0]
		b.blockStyle(root, "")
		add(req, "body", root)
	case asRaw:
		b.rawBody(req, body, contentType)
	}
}

// rawBody keeps the body byte for byte, but for the credentials in it.
func (b *caseBuilder) rawBody(req *yaml.Node, body []byte, contentType string) {
	mt, _, _ := mime.ParseMediaType(contentType)
	raw := string(body)
	switch {
	case looksJSON(body) && json.Valid(body):
		raw = b.rawJSONSecrets(body)
		if mt == formMedia {
			b.notes = append(b.notes, "the body is JSON but goes out as "+formMedia+" (curl -d without -H 'Content-Type: application/json'); kept as captured, lint says what the server makes of it")
		}
	case mt == formMedia:
		raw = b.rawFormSecrets(raw)
	}
	add(req, "rawBody", scalar(raw))
}

// rawFormSecrets replaces the values of credential fields in a form body,
// leaving every other byte as it was.
func (b *caseBuilder) rawFormSecrets(body string) string {
	pairs := strings.Split(body, "&")
	for i, pair := range pairs {
		k, v, ok := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if !ok || err != nil {
			continue
		}
		if value, _ := url.QueryUnescape(v); b.secret("form field", name, value) != value {
			pairs[i] = k + "=${" + Var(name) + "}"
		}
	}
	return strings.Join(pairs, "&")
}

// rawJSONSecrets returns a JSON body as it was, or, when a member named
// like a credential holds a string, the body re-encoded with that member
// a ${CASEBOOK_NAME} variable: a secret never reaches a case, even at the
// price of the body's spacing.
func (b *caseBuilder) rawJSONSecrets(body []byte) string {
	var n yaml.Node
	if yaml.Unmarshal(body, &n) != nil || len(n.Content) == 0 {
		return string(body)
	}
	before := b.replaced
	b.blockStyle(n.Content[0], "")
	if b.replaced == before {
		return string(body)
	}
	var v any
	if n.Content[0].Decode(&v) != nil {
		return string(body)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return string(body)
	}
	b.notes = append(b.notes, "re-encoded the body to keep a credential out of it: its spacing and member order are not the captured ones")
	return strings.TrimSuffix(out.String(), "\n")
}

// blockStyle turns the JSON's flow style into YAML's block style (keeping
// the JSON's key order) and replaces credential members.
func (b *caseBuilder) blockStyle(n *yaml.Node, key string) {
	n.Style &^= yaml.FlowStyle
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			n.Content[i].Style = 0
			b.blockStyle(n.Content[i+1], n.Content[i].Value)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			b.blockStyle(c, "")
		}
	case yaml.ScalarNode:
		if n.Tag == "!!int" {
			if _, err := strconv.ParseInt(n.Value, 0, 64); err != nil {
				// A case holds integers within int64 only.
				b.notes = append(b.notes, fmt.Sprintf("the integer %s does not fit a case (int64); written as a string", n.Value))
				n.Tag, n.Style = "!!str", yaml.DoubleQuotedStyle
			}
		}
		if n.Tag == "!!str" {
			n.Style = 0
			if key != "" {
				n.Value = b.secret("JSON member", key, n.Value)
			}
		}
	}
}

func (b *caseBuilder) expect(status int) *yaml.Node {
	exp := mapping()
	if len(b.opts.Findings) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, f := range b.opts.Findings {
			item := mapping()
			item.Style = yaml.FlowStyle
			if f.Pointer != "" {
				add(item, "pointer", scalar(f.Pointer))
			}
			add(item, "rule", scalar(f.Rule))
			item.LineComment = string(f.Severity) + ": " + oneLine(f.Message)
			seq.Content = append(seq.Content, item)
		}
		add(exp, "lint", seq)
		exp.Content[0].HeadComment = "what lint found: keep the findings that are the pitfall, fix the rest"
	}
	if status > 0 {
		add(exp, "status", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(status)})
		exp.Content[len(exp.Content)-2].HeadComment = "the status the answer had"
	}
	return exp
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, scalar(key), v)
}

func isJSONMedia(mt string) bool {
	mt = strings.ToLower(strings.TrimSpace(strings.Split(mt, ";")[0]))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func looksJSON(b []byte) bool {
	t := bytes.TrimSpace(b)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '"' || bytes.Equal(t, []byte("true")) || bytes.Equal(t, []byte("false")) || bytes.Equal(t, []byte("null")) || (t[0] >= '0' && t[0] <= '9') || t[0] == '-')
}

// slug names a case after its request: "post-api-v2-conversations-calls".
func slug(method, path string) string {
	var words []string
	words = append(words, strings.ToLower(method))
	for _, seg := range strings.Split(path, "/") {
		var b strings.Builder
		for _, r := range strings.ToLower(seg) {
			if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
				b.WriteRune(r)
			} else if b.Len() > 0 {
				b.WriteByte('-')
			}
		}
		if w := strings.Trim(b.String(), "-"); w != "" {
			words = append(words, w)
		}
	}
	s := strings.Join(words, "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

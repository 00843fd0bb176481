package curl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/secret"
)

// Credential variables: one convention for everything casebook writes as
// shell (`casebook curl`, `casebook run --dry-run`) and for the variables
// `casebook import` puts into the cases it writes. A secret is never
// written, only a reference to the environment variable holding it:
//
//   - CASEBOOK_BASE_URL: where to send, when no base URL was given.
//   - CASEBOOK_TOKEN_<AUTH>: the token of the credential a case's auth:
//     names (auth: pc-service reads CASEBOOK_TOKEN_PC_SERVICE), sent as
//     the operation's security scheme takes it: a Bearer token, or an API
//     key in its header, query parameter or cookie. Unless casebook.yaml
//     names the variables of that credential (a live profile's tokenEnv,
//     keyEnv, clientIdEnv, clientSecretEnv...): then those, and an OAuth2
//     token is fetched into CASEBOOK_TOKEN_<AUTH> first.
//   - CASEBOOK_BASIC_<AUTH>: user:password of that credential, for an
//     operation that takes HTTP Basic (curl -u "${CASEBOOK_BASIC_<AUTH>}").
//   - CASEBOOK_<NAME>: a credential the request itself carries in the
//     header, query parameter or form field NAME, its whole value, except
//     that an Authorization header keeps its scheme ("Authorization: Bearer
//     ${CASEBOOK_AUTHORIZATION}" reads the credentials after "Bearer ").
//
// A line starting with # says what each variable must hold.
const BaseURLVar = "CASEBOOK_BASE_URL"

// TokenVar is the variable holding the bearer token of credential auth.
func TokenVar(auth string) string { return "CASEBOOK_TOKEN_" + envName(auth) }

// BasicVar is the variable holding user:password of credential auth, for
// an operation that takes HTTP Basic.
func BasicVar(auth string) string { return "CASEBOOK_BASIC_" + envName(auth) }

// Var is the variable holding a credential carried by the header, query
// parameter or form field name.
func Var(name string) string { return "CASEBOOK_" + envName(name) }

// envName turns a name into the letters, digits and underscores of a
// variable name: "agent-no-station" becomes AGENT_NO_STATION.
func envName(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimRight(b.String(), "_")
}

// Command is one request as a curl command line.
type Command struct {
	// Comment is the first line, after "# ": where the request comes from.
	Comment string
	Method  string
	// Base is scheme://host[/prefix]; empty reads ${CASEBOOK_BASE_URL}.
	Base string
	// Path is the request's path, escaped; Query its parameters.
	Path  string
	Query url.Values
	// Header are the request's headers, its credential not among them (see Auth).
	Header http.Header
	// Body goes out as written; Form, when set, field by field instead.
	Body []byte
	Form url.Values
	// Refs says the values hold ${NAME} variables for the shell to fill
	// (a case as written). Without it every value is literal (a request as
	// it will be sent).
	Refs bool
	// Auth is the credential the request is sent with.
	Auth Auth
	// Captures are variables later commands read from this one's answer
	// (a step of a multi-step case): the answer is kept in ANSWER_<Name>,
	// printed, and each capture read from it with jq, or from the headers
	// curl writes to the file in HEADERS_<Name>.
	Captures []Capture
	Name     string
}

// Capture is a variable a command's answer fills: a JSON pointer of its
// body (read into Var as text, and into Var_JSON as JSON for a body member
// that is only that value), or a header.
type Capture struct {
	Var     string
	Pointer string
	Header  string
}

// Auth is a credential as shell: references to the variables that hold it.
type Auth struct {
	// setup are lines to read or run first: what a variable must hold, a
	// token request.
	setup []string
	// header carries the credential ("Authorization: Bearer ${...}").
	header word
	// user is curl's -u user:password.
	user word
	// query is a query parameter carrying the credential ("api_key=${...}").
	query word
}

// Bearer is a token read from the variable name; note says what it must
// hold ("" says nothing).
func Bearer(name, note string) Auth {
	a := Auth{header: append(lit("Authorization: Bearer "), ref(name)...)}
	if note != "" {
		a.setup = []string{fmt.Sprintf("# %s: %s", name, note)}
	}
	return a
}

// APIKey is a key read from the variable name, sent in header.
func APIKey(header, name string) Auth { return APIKeyIn("header", header, name, "") }

// APIKeyIn is a key read from the variable name, sent where an OpenAPI
// apiKey scheme puts it: in ("header", "query" or "cookie") under key;
// note says what the variable must hold ("" says nothing).
func APIKeyIn(in, key, name, note string) Auth {
	var a Auth
	switch in {
	case "query":
		a.query = append(lit(url.QueryEscape(key)+"="), ref(name)...)
	case "cookie":
		a.header = append(lit("Cookie: "+key+"="), ref(name)...)
	default:
		a.header = append(lit(key+": "), ref(name)...)
	}
	if note != "" {
		a.setup = []string{fmt.Sprintf("# %s: %s", name, note)}
	}
	return a
}

// Basic is HTTP Basic: the user as written or from userVar, the password from passVar.
func Basic(user, userVar, passVar string) Auth {
	return Auth{user: append(valueOrRef(user, userVar), append(lit(":"), ref(passVar)...)...)}
}

// BasicFrom is HTTP Basic with user:password read whole from the variable
// name; note says what it must hold.
func BasicFrom(name, note string) Auth {
	a := Auth{user: ref(name)}
	if note != "" {
		a.setup = []string{fmt.Sprintf("# %s: %s", name, note)}
	}
	return a
}

// ClientCredentials fetches a token from tokenURL into TokenVar(auth)
// with the client id (as written, or from idVar) and the secret in
// secretVar, then sends it as a bearer token.
func ClientCredentials(auth, id, idVar, secretVar string, scopes []string, tokenURL string) Auth {
	v := TokenVar(auth)
	fetch := []string{"curl -sS -u", append(valueOrRef(id, idVar), append(lit(":"), ref(secretVar)...)...).quote(), "-d grant_type=client_credentials"}
	if len(scopes) > 0 {
		fetch = append(fetch, "--data-urlencode", lit("scope="+strings.Join(scopes, " ")).quote())
	}
	fetch = append(fetch, lit(tokenURL).quote())
	a := Bearer(v, "")
	a.setup = []string{v + "=$(" + strings.Join(fetch, " ") + " | jq -r .access_token)"}
	return a
}

func valueOrRef(value, name string) word {
	if name != "" {
		return ref(name)
	}
	return lit(value)
}

// Lines renders the command: the lines to read or run first, then curl
// with one option per line.
func (c *Command) Lines() (setup []string, command string) {
	setup = slices.Clone(c.Auth.setup)
	parts := []string{"curl -sS"}
	if c.Method != http.MethodGet {
		parts = append(parts, "-X "+c.Method)
	}
	parts = append(parts, c.url(&setup).quote())
	if len(c.Auth.user) > 0 {
		parts = append(parts, "-u "+c.Auth.user.quote())
	}
	if len(c.Auth.header) > 0 {
		parts = append(parts, "-H "+c.Auth.header.quote())
	}
	for _, k := range slices.Sorted(maps.Keys(c.Header)) {
		for _, v := range c.Header[k] {
			parts = append(parts, "-H "+append(lit(k+": "), c.credential("header", k, v, &setup)...).quote())
		}
	}
	switch {
	case c.Form != nil:
		for _, k := range slices.Sorted(maps.Keys(c.Form)) {
			for _, v := range c.Form[k] {
				parts = append(parts, "--data-urlencode "+append(lit(k+"="), c.credential("form field", k, v, &setup)...).quote())
			}
		}
	case len(c.Body) > 0:
		parts = append(parts, "--data-raw "+c.value(string(c.Body)).quote())
	}
	if len(c.Captures) == 0 {
		return setup, strings.Join(parts, " \\\n  ")
	}
	return setup, c.capturing(parts)
}

// capturing is the command with its answer kept and its captures read.
func (c *Command) capturing(parts []string) string {
	answer, headers := "ANSWER_"+envName(c.Name), "HEADERS_"+envName(c.Name)
	var lines []string
	for _, cp := range c.Captures {
		if cp.Header != "" {
			lines = append(lines, headers+"=$(mktemp)")
			parts = append(parts[:1], append([]string{`-D "$` + headers + `"`}, parts[1:]...)...)
			break
		}
	}
	lines = append(lines, answer+"=$("+strings.Join(parts, " \\\n  ")+")", `printf '%s\n' "$`+answer+`"`)
	for _, cp := range c.Captures {
		if cp.Header != "" {
			lines = append(lines, fmt.Sprintf(`%s=$(grep -i %s "$%s" | head -n 1 | sed 's/^[^:]*: *//' | tr -d '\r')`,
				cp.Var, singleQuote("^"+cp.Header+":"), headers))
			continue
		}
		lines = append(lines, fmt.Sprintf(`%s=$(printf '%%s' "$%s" | jq -r %s)`, cp.Var, answer, singleQuote(jqPath(cp.Pointer))),
			fmt.Sprintf(`%s_JSON=$(printf '%%s' "$%s" | jq -c %s)`, cp.Var, answer, singleQuote(jqPath(cp.Pointer))))
	}
	return strings.Join(lines, "\n")
}

// Captures are a step's captures as a command reads them.
func Captures(st *casefile.Step) []Capture {
	var out []Capture
	for _, name := range slices.Sorted(maps.Keys(st.Capture)) {
		from := st.Capture[name]
		out = append(out, Capture{Var: name, Pointer: from.Pointer, Header: from.Header})
	}
	return out
}

// CaptureNames are the variables a case's steps capture.
func CaptureNames(c *casefile.Case) map[string]bool {
	out := map[string]bool{}
	for _, st := range c.Steps {
		for name := range st.Capture {
			out[name] = true
		}
	}
	return out
}

// JSONRefs writes a body member that is only a captured ${NAME} as
// ${NAME_JSON}, the capture read as JSON: the shell fills in the value
// with its type (a number stays a number), as a run does.
func JSONRefs(body []byte, captured map[string]bool) []byte {
	for name := range captured {
		body = bytes.ReplaceAll(body, []byte(`"${`+name+`}"`), []byte("${"+name+"_JSON}"))
	}
	return body
}

// jqPath is a JSON pointer as a jq path: /entities/0/id is .["entities"][0]["id"].
func jqPath(ptr string) string {
	if ptr == "" || ptr == "/" {
		return "."
	}
	var b strings.Builder
	b.WriteString(".")
	for _, tok := range jsonptr.Split(ptr) {
		if tok != "" && strings.Trim(tok, "0123456789") == "" {
			b.WriteString("[" + tok + "]")
			continue
		}
		q, _ := json.Marshal(tok)
		b.WriteString("[" + string(q) + "]")
	}
	return b.String()
}

// url is the request's URL as one word.
func (c *Command) url(setup *[]string) word {
	w := lit(strings.TrimRight(c.Base, "/"))
	if c.Base == "" {
		w = ref(BaseURLVar + "%/") // the shell drops a trailing slash
		*setup = append(*setup, "# "+BaseURLVar+": where to send it, e.g. http://127.0.0.1:8080 (casebook mock) or the API's base URL")
	}
	w = append(w, c.value(c.Path)...)
	for i, k := range slices.Sorted(maps.Keys(c.Query)) {
		for j, v := range c.Query[k] {
			sep := "&"
			if i == 0 && j == 0 {
				sep = "?"
			}
			w = append(w, lit(sep+url.QueryEscape(k)+"=")...)
			w = append(w, c.escaped(c.credential("query parameter", k, v, setup))...)
		}
	}
	if len(c.Auth.query) > 0 {
		sep := "&"
		if len(c.Query) == 0 {
			sep = "?"
		}
		w = append(append(w, lit(sep)...), c.Auth.query...)
	}
	return w
}

// escaped query-escapes the literal pieces of w.
func (c *Command) escaped(w word) word {
	out := make(word, len(w))
	for i, p := range w {
		if !p.ref {
			p.text = url.QueryEscape(p.text)
		}
		out[i] = p
	}
	return out
}

// value is s as a word: its ${NAME} variables references when c.Refs.
func (c *Command) value(s string) word {
	if !c.Refs {
		return lit(s)
	}
	var w word
	last := 0
	for _, m := range casefile.VarRef.FindAllStringSubmatchIndex(s, -1) {
		w = append(w, lit(s[last:m[0]])...)
		w = append(w, ref(s[m[2]:m[3]])...)
		last = m[1]
	}
	return append(w, lit(s[last:])...)
}

// credential is the value of a header, query parameter or form field: a
// reference to CASEBOOK_<NAME> when name carries a credential that is not
// already a variable.
func (c *Command) credential(what, name, value string, setup *[]string) word {
	if !secret.Name(name) || (c.Refs && casefile.VarRef.MatchString(value)) {
		return c.value(value)
	}
	v := Var(name)
	if scheme, _, ok := strings.Cut(value, " "); ok && strings.EqualFold(name, "Authorization") {
		*setup = append(*setup, fmt.Sprintf("# %s: the credentials of the %s %s, after %q", v, name, what, scheme+" "))
		return append(lit(scheme+" "), ref(v)...)
	}
	*setup = append(*setup, fmt.Sprintf("# %s: the value of the %s %s", v, name, what))
	return ref(v)
}

// Writer writes commands, each after a blank line, and each setup line
// once: a token is requested once for every command that sends it. It is
// safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	w    io.Writer
	seen map[string]bool
	n    int
}

// NewWriter writes commands to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w, seen: map[string]bool{}} }

// Write writes one command.
func (w *Writer) Write(c *Command) error {
	setup, cmd := c.Lines()
	w.mu.Lock()
	defer w.mu.Unlock()
	var b strings.Builder
	if w.n > 0 {
		b.WriteString("\n")
	}
	w.n++
	if c.Comment != "" {
		b.WriteString("# " + c.Comment + "\n")
	}
	for _, line := range setup {
		if !w.seen[line] {
			w.seen[line] = true
			b.WriteString(line + "\n")
		}
	}
	b.WriteString(cmd + "\n")
	_, err := io.WriteString(w.w, b.String())
	return err
}

// word is a shell word in pieces: literal text, and references to
// environment variables for the shell to fill in.
type word []piece

type piece struct {
	text string
	ref  bool // text is NAME, or NAME%/ (the value without a trailing slash)
}

func lit(s string) word {
	if s == "" {
		return nil
	}
	return word{{text: s}}
}

func ref(name string) word { return word{{text: name, ref: true}} }

// quote writes w for a POSIX shell: literal text cannot expand, references
// do. It is casebook's one shell-quoting function. A word whose literal
// text needs no escaping inside double quotes is written in one pair
// ("Authorization: Bearer ${CASEBOOK_TOKEN_AGENT}"); otherwise literal
// pieces are single-quoted and references double-quoted, side by side.
func (w word) quote() string {
	hasRef, plain := false, true
	for _, p := range w {
		hasRef = hasRef || p.ref
		plain = plain && (p.ref || !strings.ContainsAny(p.text, "\"\\`$!"))
	}
	if !hasRef {
		return singleQuote(w.text())
	}
	if plain {
		return `"` + w.text() + `"`
	}
	var b strings.Builder
	for _, p := range w {
		if p.ref {
			b.WriteString(`"${` + p.text + `}"`)
		} else {
			b.WriteString(singleQuote(p.text))
		}
	}
	return b.String()
}

// text is w with its references as ${NAME}.
func (w word) text() string {
	var b strings.Builder
	for _, p := range w {
		if p.ref {
			b.WriteString("${" + p.text + "}")
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// singleQuote quotes literal text; words of only safe characters stay bare.
func singleQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package curl

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/secret"
)

// ExportOptions say where an exported command sends its request.
type ExportOptions struct {
	// BaseURL is scheme://host[/prefix]; empty writes ${CASEBOOK_BASE_URL}.
	BaseURL string
}

// TokenVar is the environment variable an exported command reads the
// bearer token of a case's auth: credential from.
const TokenVar = "CASEBOOK_TOKEN"

// varRef is a case's ${NAME} variable. The shell has the same syntax, so
// it passes through as an environment reference.
var varRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// shellRef is a reference shellWord leaves to the shell: ${NAME}, and
// ${NAME%/} for the base URL.
var shellRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(%/)?\}`)

var templateParam = regexp.MustCompile(`\{([^{}/]+)\}`)

// Command renders a case's request as a curl command, one option per line.
// Credentials never appear: auth: becomes "Authorization: Bearer
// $CASEBOOK_TOKEN", a credential header written literally in the case
// becomes "$CASEBOOK_<HEADER>", and the case's ${NAME} variables stay
// environment references. Lines starting with # say which variables to set.
func Command(c *casefile.Case, opts ExportOptions) string {
	r := &c.Request
	base := opts.BaseURL
	if base == "" {
		base = "${CASEBOOK_BASE_URL%/}" // the shell drops a trailing slash
	}
	var vars []string
	parts := []string{"curl -sS"}
	if r.Method != http.MethodGet {
		parts = append(parts, "-X "+r.Method)
	}
	parts = append(parts, shellWord(strings.TrimRight(base, "/")+requestURI(r)))
	if c.Auth != "" && c.Auth != "none" {
		parts = append(parts, "-H "+shellWord("Authorization: Bearer ${"+TokenVar+"}"))
		vars = append(vars, fmt.Sprintf("# %s: a token for credential %q", TokenVar, c.Auth))
	}
	names := make([]string, 0, len(r.Headers))
	for k := range r.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	hasContentType := false
	for _, k := range names {
		v := r.Headers[k]
		if strings.EqualFold(k, "Content-Type") {
			hasContentType = true
		}
		if secret.Name(k) && !varRef.MatchString(v) {
			env := "CASEBOOK_" + envName(k)
			if scheme, _, ok := strings.Cut(v, " "); ok && strings.EqualFold(k, "Authorization") {
				v = scheme + " ${" + env + "}"
			} else {
				v = "${" + env + "}"
			}
			vars = append(vars, fmt.Sprintf("# %s: the %s header's value (kept out of the case's export)", env, k))
		}
		parts = append(parts, "-H "+shellWord(k+": "+v))
	}
	switch {
	case r.Body != nil:
		if !hasContentType {
			parts = append(parts, "-H "+shellWord("Content-Type: application/json"))
		}
		b, err := json.Marshal(r.Body.V)
		if err != nil {
			b = []byte("null")
		}
		parts = append(parts, "--data-raw "+shellWord(string(b)))
	case r.Form != nil:
		keys := make([]string, 0, len(r.Form))
		for k := range r.Form {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := r.Form[k]
			if secret.Name(k) && !varRef.MatchString(v) {
				env := "CASEBOOK_" + envName(k)
				vars = append(vars, fmt.Sprintf("# %s: the form field %s (kept out of the export)", env, k))
				v = "${" + env + "}"
			}
			parts = append(parts, "--data-urlencode "+shellWord(k+"="+v))
		}
	}
	for _, m := range shellRef.FindAllStringSubmatch(strings.Join(parts, " "), -1) {
		if m[1] == "CASEBOOK_BASE_URL" {
			vars = append(vars, "# CASEBOOK_BASE_URL: where to send it, e.g. http://127.0.0.1:8080 (casebook mock) or the API's base URL")
		}
	}
	out := strings.Join(dedupe(vars), "\n")
	if out != "" {
		out += "\n"
	}
	return out + strings.Join(parts, " \\\n  ") + "\n"
}

// requestURI is the path with pathParams filled in (escaped, ${NAME} kept)
// and the query.
func requestURI(r *casefile.Request) string {
	path := templateParam.ReplaceAllStringFunc(r.Path, func(m string) string {
		return escapeKeepingVars(r.PathParams[m[1:len(m)-1]], url.PathEscape)
	})
	if len(r.Query) == 0 {
		return path
	}
	keys := make([]string, 0, len(r.Query))
	for k := range r.Query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var q []string
	for _, k := range keys {
		for _, v := range r.Query[k] {
			q = append(q, url.QueryEscape(k)+"="+escapeKeepingVars(v, url.QueryEscape))
		}
	}
	return path + "?" + strings.Join(q, "&")
}

func escapeKeepingVars(s string, esc func(string) string) string {
	var b strings.Builder
	last := 0
	for _, m := range varRef.FindAllStringIndex(s, -1) {
		b.WriteString(esc(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(esc(s[last:]))
	return b.String()
}

// shellWord quotes s for a POSIX shell, leaving its ${NAME} references to
// expand: "Authorization: Bearer ${CASEBOOK_TOKEN}" when the rest is
// plain, else single-quoted literals joined with double-quoted references.
func shellWord(s string) string {
	refs := shellRef.FindAllStringIndex(s, -1)
	if len(refs) == 0 {
		return singleQuote(s)
	}
	literal := shellRef.ReplaceAllString(s, "")
	if !strings.ContainsAny(literal, "\"\\`$!") {
		return `"` + s + `"`
	}
	var b strings.Builder
	last := 0
	for _, m := range refs {
		if m[0] > last {
			b.WriteString(singleQuote(s[last:m[0]]))
		}
		b.WriteString(`"` + s[m[0]:m[1]] + `"`)
		last = m[1]
	}
	if last < len(s) {
		b.WriteString(singleQuote(s[last:]))
	}
	return b.String()
}

func singleQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// envName turns a header or field name into an environment variable name.
func envName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

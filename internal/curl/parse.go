package curl

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/casebook-dev/casebook/internal/inputfile"
	"github.com/casebook-dev/casebook/internal/strictyaml"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// Request is a captured HTTP request: what a curl command or a HAR entry
// sends. Header holds credentials as captured; ToCase strips them.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// Status is the captured answer's status (HAR only; 0 when unknown).
	Status int
}

// ParseError is a curl command line casebook cannot read.
type ParseError struct {
	Arg string
	Msg string
}

func (e *ParseError) Error() string {
	if e.Arg == "" {
		return "curl: " + e.Msg
	}
	return fmt.Sprintf("curl: %s: %s", e.Arg, e.Msg)
}

// ReadFileFunc reads the file named in -d @file.
type ReadFileFunc func(name string) ([]byte, error)

// ReadBodyFile is the ReadFileFunc for a command line: it reads at most
// strictyaml.MaxFileBytes, since a body any larger would not fit in the
// case file it becomes (and -d @/dev/zero would never end).
func ReadBodyFile(name string) ([]byte, error) {
	return inputfile.Read(name, strictyaml.MaxFileBytes)
}

// option is a curl option casebook understands. apply is nil for options
// that change nothing about the request sent (-s, -v, -o FILE, ...).
type option struct {
	long  string
	short byte
	arg   bool
	apply func(p *parser, v string) error
}

var options = []option{
	{"request", 'X', true, func(p *parser, v string) error { p.method = strings.ToUpper(v); return nil }},
	{"header", 'H', true, (*parser).header},
	{"data", 'd', true, func(p *parser, v string) error { return p.data(v, true, false) }},
	{"data-ascii", 0, true, func(p *parser, v string) error { return p.data(v, true, false) }},
	{"data-binary", 0, true, func(p *parser, v string) error { return p.data(v, true, true) }},
	{"data-raw", 0, true, func(p *parser, v string) error { return p.data(v, false, true) }},
	{"data-urlencode", 0, true, (*parser).dataURLEncode},
	{"json", 0, true, (*parser).json},
	{"user", 'u', true, func(p *parser, v string) error { p.user = v; return nil }},
	{"oauth2-bearer", 0, true, func(p *parser, v string) error { p.h.Set("Authorization", "Bearer "+v); return nil }},
	{"cookie", 'b', true, func(p *parser, v string) error { p.h.Add("Cookie", v); return nil }},
	{"user-agent", 'A', true, func(p *parser, v string) error { p.h.Set("User-Agent", v); return nil }},
	{"referer", 'e', true, func(p *parser, v string) error { p.h.Set("Referer", v); return nil }},
	{"url", 0, true, func(p *parser, v string) error { return p.setURL(v) }},
	{"get", 'G', false, func(p *parser, _ string) error { p.get = true; return nil }},
	{"head", 'I', false, func(p *parser, _ string) error { p.head = true; return nil }},
	// Options that do not change the request.
	{"silent", 's', false, nil}, {"show-error", 'S', false, nil}, {"verbose", 'v', false, nil},
	{"include", 'i', false, nil}, {"insecure", 'k', false, nil}, {"location", 'L', false, nil},
	{"fail", 'f', false, nil}, {"fail-with-body", 0, false, nil}, {"compressed", 0, false, nil},
	{"globoff", 'g', false, nil}, {"http1.1", 0, false, nil}, {"http2", 0, false, nil},
	{"no-progress-meter", 0, false, nil}, {"progress-bar", '#', false, nil},
	{"output", 'o', true, nil}, {"max-time", 'm', true, nil}, {"connect-timeout", 0, true, nil},
	{"write-out", 'w', true, nil}, {"retry", 0, true, nil}, {"cacert", 0, true, nil},
	{"cert", 'E', true, nil}, {"key", 0, true, nil}, {"proxy", 'x', true, nil}, {"resolve", 0, true, nil},
	{"trace-ascii", 0, true, nil}, {"dump-header", 'D', true, nil},
}

type parser struct {
	method   string
	url      string
	h        http.Header
	parts    []string
	isJSON   bool
	binary   bool
	user     string
	get      bool
	head     bool
	readFile ReadFileFunc
}

// Parse reads curl's arguments as the shell split them (with or without a
// leading "curl"): -X/--request, -H/--header, -d/--data/--data-raw/
// --data-binary/--data-urlencode, --json, -u/--user, -b/--cookie, -G,
// -I, --url or a bare URL. Options that do not change the request (-s, -v,
// -o FILE, ...) are accepted and ignored; any other option is an error
// rather than a guess, since it may take an argument. readFile reads
// -d @file; nil refuses it.
func Parse(args []string, readFile ReadFileFunc) (*Request, error) {
	p := &parser{h: http.Header{}, readFile: readFile}
	if len(args) > 0 && args[0] == "curl" {
		args = args[1:]
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		var err error
		switch {
		case a == "--":
			for _, u := range args[i+1:] {
				if err := p.setURL(u); err != nil {
					return nil, err
				}
			}
			i = len(args)
		case strings.HasPrefix(a, "--"):
			i, err = p.long(args, i)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			i, err = p.short(args, i)
		default:
			err = p.setURL(a)
		}
		if err != nil {
			return nil, err
		}
	}
	return p.request()
}

func (p *parser) long(args []string, i int) (int, error) {
	name, val, hasVal := strings.Cut(args[i][2:], "=")
	o := findLong(name)
	if o == nil {
		return i, &ParseError{Arg: args[i], Msg: "unknown or unsupported option" + didYouMean(name)}
	}
	if !o.arg {
		if hasVal {
			return i, &ParseError{Arg: args[i], Msg: "takes no value"}
		}
		return i, o.call(p, "")
	}
	if !hasVal {
		if i+1 >= len(args) {
			return i, &ParseError{Arg: args[i], Msg: "needs a value"}
		}
		i++
		val = args[i]
	}
	return i, o.call(p, val)
}

// short reads -X POST, -XPOST and bundles such as -sSL or -sSXPOST.
func (p *parser) short(args []string, i int) (int, error) {
	a := args[i]
	for j := 1; j < len(a); j++ {
		o := findShort(a[j])
		if o == nil {
			return i, &ParseError{Arg: a, Msg: fmt.Sprintf("unknown or unsupported option -%c", a[j])}
		}
		if !o.arg {
			if err := o.call(p, ""); err != nil {
				return i, err
			}
			continue
		}
		val := a[j+1:]
		if val == "" {
			if i+1 >= len(args) {
				return i, &ParseError{Arg: a, Msg: "needs a value"}
			}
			i++
			val = args[i]
		}
		return i, o.call(p, val)
	}
	return i, nil
}

func (o *option) call(p *parser, v string) error {
	if o.apply == nil {
		return nil
	}
	return o.apply(p, v)
}

func findLong(name string) *option {
	for i := range options {
		if options[i].long == name {
			return &options[i]
		}
	}
	return nil
}

func findShort(c byte) *option {
	for i := range options {
		if options[i].short == c && c != 0 {
			return &options[i]
		}
	}
	return nil
}

func didYouMean(name string) string {
	var names []string
	for _, o := range options {
		names = append(names, o.long)
	}
	if s := suggest.Closest(name, names); s != "" {
		return fmt.Sprintf(" (did you mean --%s?)", s)
	}
	return ""
}

func (p *parser) setURL(u string) error {
	if p.url != "" {
		return &ParseError{Arg: u, Msg: fmt.Sprintf("a second URL (the first is %s); import one request at a time", p.url)}
	}
	p.url = u
	return nil
}

func (p *parser) header(v string) error {
	name, val, ok := strings.Cut(v, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") {
		if strings.HasSuffix(v, ";") && !strings.Contains(v, ":") {
			// -H "X-Empty;" sends X-Empty with an empty value.
			p.h.Add(strings.TrimSuffix(v, ";"), "")
			return nil
		}
		return &ParseError{Arg: v, Msg: `a header is "Name: value"`}
	}
	val = strings.TrimSpace(val)
	if val == "" {
		p.h.Del(name) // curl: "-H 'Accept:'" removes the header
		return nil
	}
	p.h.Add(name, val)
	return nil
}

// data handles -d (at: @file reads a file; strip: newlines dropped from
// the file, as curl does for -d but not --data-binary).
func (p *parser) data(v string, at, binary bool) error {
	if at && strings.HasPrefix(v, "@") {
		b, err := p.read(v[1:])
		if err != nil {
			return err
		}
		if !binary {
			b = []byte(strings.NewReplacer("\r", "", "\n", "").Replace(string(b)))
		}
		v = string(b)
	}
	p.binary = p.binary || binary
	p.parts = append(p.parts, v)
	return nil
}

func (p *parser) read(name string) ([]byte, error) {
	if p.readFile == nil {
		return nil, &ParseError{Arg: "@" + name, Msg: "reading request bodies from files is not allowed here"}
	}
	b, err := p.readFile(name)
	if err != nil {
		return nil, &ParseError{Arg: "@" + name, Msg: err.Error()}
	}
	return b, nil
}

// dataURLEncode follows curl: "content", "=content", "name=content",
// "@file", "name@file".
func (p *parser) dataURLEncode(v string) error {
	if i := strings.IndexAny(v, "=@"); i >= 0 {
		name, rest := v[:i], v[i+1:]
		if v[i] == '@' {
			b, err := p.read(rest)
			if err != nil {
				return err
			}
			rest = string(b)
		}
		if name == "" {
			p.parts = append(p.parts, url.QueryEscape(rest))
		} else {
			p.parts = append(p.parts, name+"="+url.QueryEscape(rest))
		}
		return nil
	}
	p.parts = append(p.parts, url.QueryEscape(v))
	return nil
}

// json is curl 7.82's --json: the data as is, with JSON content type and accept.
func (p *parser) json(v string) error {
	if err := p.data(v, true, true); err != nil {
		return err
	}
	p.isJSON = true
	return nil
}

func (p *parser) request() (*Request, error) {
	if p.url == "" {
		return nil, &ParseError{Msg: "no URL"}
	}
	u := p.url
	if !strings.Contains(u, "://") {
		u = "http://" + u // curl's default scheme
	}
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host == "" {
		return nil, &ParseError{Arg: p.url, Msg: "not a URL"}
	}
	r := &Request{URL: parsed.String(), Header: p.h}
	if p.user != "" {
		user, pass, _ := strings.Cut(p.user, ":")
		req := &http.Request{Header: http.Header{}}
		req.SetBasicAuth(user, pass)
		r.Header.Set("Authorization", req.Header.Get("Authorization"))
	}
	var body string
	if p.isJSON {
		body = strings.Join(p.parts, "")
		setDefault(r.Header, "Content-Type", "application/json")
		setDefault(r.Header, "Accept", "application/json")
	} else {
		body = strings.Join(p.parts, "&")
	}
	switch {
	case p.get && len(p.parts) > 0:
		q := parsed.RawQuery
		if q != "" {
			q += "&"
		}
		parsed.RawQuery = q + body
		r.URL = parsed.String()
	case len(p.parts) > 0:
		r.Body = []byte(body)
		if !p.isJSON {
			setDefault(r.Header, "Content-Type", "application/x-www-form-urlencoded")
		}
	}
	r.Method = p.method
	if r.Method == "" {
		switch {
		case p.head:
			r.Method = http.MethodHead
		case len(r.Body) > 0:
			r.Method = http.MethodPost
		default:
			r.Method = http.MethodGet
		}
	}
	return r, nil
}

func setDefault(h http.Header, name, value string) {
	if h.Get(name) == "" {
		h.Set(name, value)
	}
}

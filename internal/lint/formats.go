package lint

import (
	"errors"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// formats are the string formats casebook checks beyond kin-openapi's
// defaults (date, date-time, byte), the same in OpenAPI 3.0 and 3.1: a
// request a server would refuse for its format must not lint clean. They
// are passed as validation options, never registered globally, so a
// program that links casebook keeps its own kin-openapi settings.
var formats = map[string]openapi3.StringFormatValidator{
	"uri":           openapi3.NewCallbackValidator(checkURI),
	"uri-reference": openapi3.NewCallbackValidator(checkURIReference),
	"email":         openapi3.NewCallbackValidator(checkEmail),
	"uuid":          openapi3.NewCallbackValidator(checkUUID),
	"ipv4":          openapi3.NewCallbackValidator(checkIPv4),
	"ipv6":          openapi3.NewCallbackValidator(checkIPv6),
	"hostname":      openapi3.NewCallbackValidator(checkHostname),
}

// checkURI: an absolute URI (RFC 3986 section 4.3): a scheme, no spaces.
// The URIs answers carry (a selfUri on every Genesys Cloud object) are
// most often plain ones that simpleURI vouches for without url.Parse
// (FuzzCheckURI holds the two to the same answer).
func checkURI(s string) error {
	if simpleURI(s) {
		return nil
	}
	return checkURIParsed(s)
}

// simpleURI reports whether s is scheme://host[:port][/path] with a
// scheme of letters, digits, + - . after a letter, a host of letters,
// digits, - and ., a port of digits and a path of letters, digits and
// / - . _ ~: url.Parse reads every such string without an error and
// with a scheme. Anything else (a query, an escape, user info, an IP
// literal) it leaves to url.Parse.
func simpleURI(s string) bool {
	i := 0
	for i < len(s) && (isAlpha(s[i]) || i > 0 && (isDigit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
		i++
	}
	if i == 0 || !strings.HasPrefix(s[i:], "://") {
		return false
	}
	i += len("://")
	host := i
	for i < len(s) && (isAlpha(s[i]) || isDigit(s[i]) || s[i] == '-' || s[i] == '.') {
		i++
	}
	if i == host {
		return false
	}
	if i < len(s) && s[i] == ':' {
		i++
		port := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == port {
			return false
		}
	}
	if i < len(s) && s[i] != '/' {
		return false
	}
	for ; i < len(s); i++ {
		if c := s[i]; !isAlpha(c) && !isDigit(c) && c != '/' && c != '-' && c != '.' && c != '_' && c != '~' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// checkURIParsed is checkURI through url.Parse.
func checkURIParsed(s string) error {
	u, err := parseURIReference(s)
	if err != nil {
		return err
	}
	if u.Scheme == "" {
		return errors.New("not an absolute URI (no scheme)")
	}
	return nil
}

func checkURIReference(s string) error {
	_, err := parseURIReference(s)
	return err
}

func parseURIReference(s string) (*url.URL, error) {
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, errors.New("a URI has no spaces or control characters")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("not a URI")
	}
	return u, nil
}

func checkEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return errors.New("not an email address")
	}
	return nil
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func checkUUID(s string) error {
	if !uuidRE.MatchString(s) {
		return errors.New("not a UUID (8-4-4-4-12 hexadecimal digits)")
	}
	return nil
}

func checkIPv4(s string) error {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return errors.New("not an IPv4 address")
	}
	return nil
}

func checkIPv6(s string) error {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return errors.New("not an IPv6 address")
	}
	return nil
}

var hostLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// checkHostname: RFC 1123 labels of at most 63 characters, 253 in all.
func checkHostname(s string) error {
	if s == "" || len(s) > 253 {
		return errors.New("not a host name")
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if !hostLabel.MatchString(label) {
			return errors.New("not a host name")
		}
	}
	return nil
}

// Direction says which side of an exchange a value travels: readOnly
// properties may not be sent in a request, writeOnly ones not in a response.
type Direction int

const (
	AsRequest Direction = iota
	AsResponse
)

// SchemaOptions are the options lint validates a value with: every error
// rather than the first, casebook's formats, the direction, and JSON
// Schema 2020-12 for an OpenAPI 3.1 document. Whoever else checks a value
// against a schema (the generator, the mock) does it through NewValidator,
// which applies them, so "valid" means one thing. The slices are shared:
// do not append to them.
func SchemaOptions(doc *openapi3.T, dir Direction) []openapi3.SchemaValidationOption {
	version := 0
	if doc != nil && doc.IsOpenAPI31OrLater() {
		version = 1
	}
	return schemaOptions[dir][version]
}

// schemaOptions is built once: [direction][0 for OpenAPI 3.0, 1 for 3.1].
var schemaOptions = func() (out [2][2][]openapi3.SchemaValidationOption) {
	for dir := range 2 {
		for is31 := range 2 {
			opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.WithStringFormatValidators(formats)}
			if Direction(dir) == AsResponse {
				opts = append(opts, openapi3.VisitAsResponse())
			} else {
				opts = append(opts, openapi3.VisitAsRequest())
			}
			if is31 == 1 {
				opts = append(opts, openapi3.EnableJSONSchema2020())
			}
			out[dir][is31] = slices.Clip(opts)
		}
	}
	return out
}()

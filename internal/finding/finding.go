// Package finding is the vocabulary of a lint result: one problem in a
// request (or, for a conformance finding, in the answer to it), where it
// is, which rule it breaks and what was allowed. It lives apart from lint
// so that what reads findings (the reports, the runner's comparison) does
// not link the OpenAPI validator that produces them.
package finding

import "strings"

// Severity is how bad a finding is. Only errors make a request invalid.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Location is the part of the request, or of the answer for a
// conformance finding, a finding is about.
type Location string

const (
	InBody     Location = "body"
	InPath     Location = "path"
	InQuery    Location = "query"
	InHeader   Location = "header"
	InCookie   Location = "cookie"
	InSecurity Location = "security"
	InRoute    Location = "route"
	// InStatus is an answer's status code (conformance findings only).
	InStatus Location = "status"
)

// Rules that lint itself adds to the schema keywords (required, type, enum,
// pattern, format, additionalProperties, minLength, ...).
const (
	RuleUnknownOperation = "unknown-operation"
	RuleMethodNotAllowed = "method-not-allowed"
	RuleUndeclared       = "undeclared"
	RuleSecurity         = "security"
	RuleContentType      = "content-type"
	RuleSyntax           = "syntax"
	// RuleStatus: the answer's status is not one the operation declares
	// (and it declares no default).
	RuleStatus = "status"
	// RuleErrorCode: a Genesys Cloud error answer's code is not one of the
	// x-inin-error-codes the operation publishes for its status.
	RuleErrorCode = "x-inin-error-codes"
	// RuleNotChecked is a warning: a part of the request casebook cannot
	// check (a media type it cannot read), named rather than guessed at.
	RuleNotChecked = "not-checked"
)

// Finding is one problem in a request.
type Finding struct {
	Severity Severity `json:"severity"`
	Location Location `json:"location"`
	// Pointer names the field itself (/recipient/address for a missing
	// required field), within the body, or /name for a parameter or header.
	Pointer string `json:"pointer"`
	// Rule is the schema keyword or lint rule that is broken.
	Rule    string `json:"rule"`
	Message string `json:"message"`
	// Allowed lists the allowed values, types, methods or the pattern.
	Allowed    []string `json:"allowed,omitempty"`
	DidYouMean string   `json:"didYouMean,omitempty"`
	// Nearest lists the closest operations when the request has none.
	Nearest []string `json:"nearest,omitempty"`
}

// String renders a finding on one line:
// "error body /recipient/address: required: property "address" is missing".
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(string(f.Severity))
	b.WriteByte(' ')
	b.WriteString(string(f.Location))
	if f.Pointer != "" {
		b.WriteByte(' ')
		b.WriteString(f.Pointer)
	}
	b.WriteString(": ")
	b.WriteString(f.Rule)
	b.WriteString(": ")
	b.WriteString(f.Message)
	if len(f.Allowed) > 0 {
		b.WriteString(" (allowed: " + strings.Join(f.Allowed, ", ") + ")")
	}
	if f.DidYouMean != "" {
		b.WriteString(" (did you mean " + f.DidYouMean + "?)")
	}
	if len(f.Nearest) > 0 {
		b.WriteString(" (nearest: " + strings.Join(f.Nearest, "; ") + ")")
	}
	return b.String()
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

package spec

import "github.com/getkin/kin-openapi/openapi3"

// Envelope names the shape a vendor gives its error answers.
type Envelope string

const (
	// EnvelopeDeclared, the default, is the error schema the operation
	// declares for the answer's status (the status, its range, default),
	// in its declared media type; RFC 9457 problem+json where it declares
	// none. A mock answer then keeps to the spec it serves.
	EnvelopeDeclared Envelope = "declared"
	// EnvelopeProblem is RFC 9457 application/problem+json for every error.
	EnvelopeProblem Envelope = "problem"
	// EnvelopeGenesys is Genesys Cloud's ErrorBody with x-inin-error-codes.
	EnvelopeGenesys Envelope = "genesys"
)

// DetectEnvelope reads the envelope from the spec itself: an explicit
// info.x-casebook-envelope wins; a spec whose responses carry
// x-inin-error-codes and whose components define ErrorBody is Genesys Cloud's;
// anything else answers in the error schemas it declares (EnvelopeDeclared).
func DetectEnvelope(doc *openapi3.T) Envelope {
	if doc.Info != nil {
		if v, ok := doc.Info.Extensions["x-casebook-envelope"].(string); ok && v != "" {
			return Envelope(v)
		}
	}
	if doc.Components == nil || doc.Components.Schemas["ErrorBody"] == nil || doc.Paths == nil {
		return EnvelopeDeclared
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Responses == nil {
				continue
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil && r.Value.Extensions["x-inin-error-codes"] != nil {
					return EnvelopeGenesys
				}
			}
		}
	}
	return EnvelopeDeclared
}

// ErrorCodes returns the operation's x-inin-error-codes for a status:
// code -> message template ("%s" where parameters go). Nil when none.
func (o *Operation) ErrorCodes(status string) map[string]string {
	if o.Op.Responses == nil {
		return nil
	}
	r := o.Op.Responses.Value(status)
	if r == nil {
		return nil
	}
	return ErrorCodesOf(r.Value)
}

// ErrorCodesOf returns a response's x-inin-error-codes: code -> message
// template. Nil when it has none.
func ErrorCodesOf(r *openapi3.Response) map[string]string {
	if r == nil {
		return nil
	}
	raw, ok := r.Extensions["x-inin-error-codes"].(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

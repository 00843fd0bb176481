package mockserver

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonvalue"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
)

// Codes the mock answers with. Those a vendor's spec lists (Genesys Cloud's
// x-inin-error-codes) take the vendor's message; the others are casebook's
// own and say so in docs.
const (
	codeAuthRequired      = "authentication.required"
	codeBadCredentials    = "bad.credentials"
	codeMissingPerms      = "missing.permissions"
	codeMissingAnyPerms   = "missing.any.permissions"
	codeNotAUser          = "not.a.user"
	codeNotFound          = "not.found"
	codeBadRequest        = "bad.request"
	codeInvalidValue      = "invalid.value"
	codeInvalidDate       = "invalid.date"
	codeUnsupportedMedia  = "unsupported.media.type"
	codeInternal          = "internal.server.error"
	codeInsufficientScope = "insufficient.scope" // casebook's own (after RFC 6750 insufficient_scope)
	codeMethodNotAllowed  = "method.not.allowed" // casebook's own
	codeTooLarge          = "request.too.large"  // casebook's own
	codeVersionConflict   = "version.conflict"   // casebook's own
	codeForbidden         = "forbidden"          // casebook's own, for its own routes
)

// defaultMessages are casebook's wording for a code the spec gives no
// message for. "%s" takes the error's parameters in order.
var defaultMessages = map[string]string{
	codeAuthRequired:      "The request carries no access token.",
	codeBadCredentials:    "The access token is unknown or has expired.",
	codeMissingPerms:      "The client lacks the permission(s) the operation requires: %s",
	codeMissingAnyPerms:   "The client needs at least one of these permissions: %s",
	codeNotAUser:          "The operation needs a token that acts for a user; a client-credentials token carries none.",
	codeNotFound:          "The requested resource was not found.",
	codeBadRequest:        "The request is not valid for the operation.",
	codeInvalidValue:      "A value in the request is not valid.",
	codeInvalidDate:       "A date in the request is not an ISO-8601 string.",
	codeUnsupportedMedia:  "The request's Content-Type is not accepted by the operation.",
	codeInternal:          "The server encountered an unexpected condition.",
	codeInsufficientScope: "The access token lacks a scope the operation requires: %s",
	codeMethodNotAllowed:  "The method is not allowed on this path (allowed: %s).",
	codeTooLarge:          "The request body is larger than %s bytes.",
	codeVersionConflict:   conflictMessage,
}

// apiError is an error answer before it is put into the vendor's envelope.
type apiError struct {
	Status int
	Code   string
	// Message overrides the message the spec or casebook gives Code.
	Message string
	// Default is the message when the spec gives Code none (or an empty one).
	Default string
	// Params fill the message template's "%s" in order.
	Params []string
	// Findings are the failing fields of a request that did not validate.
	Findings []finding.Finding
	Header   http.Header
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Code) }

// codebook finds the message template for a code: the operation's own
// x-inin-error-codes first, then those of any operation in the spec, then
// casebook's wording. The spec-wide table is built on the first error
// answer that needs it, not at start: on the Genesys swagger it reads the
// x-inin-error-codes of every operation (~4% of the mock's start-up).
type codebook struct {
	specWide func() map[string]map[string]string // status -> code -> template
}

func newCodebook(s *spec.Spec) *codebook {
	return &codebook{specWide: sync.OnceValue(func() map[string]map[string]string { return specWideCodes(s) })}
}

// specWideCodes is every operation's x-inin-error-codes, by status and
// code, the first operation's message where two give one.
func specWideCodes(s *spec.Spec) map[string]map[string]string {
	specWide := map[string]map[string]string{}
	for _, op := range s.Operations() {
		if op.Op.Responses == nil {
			continue
		}
		for status := range op.Op.Responses.Map() {
			for code, msg := range op.ErrorCodes(status) {
				if specWide[status] == nil {
					specWide[status] = map[string]string{}
				}
				if _, ok := specWide[status][code]; !ok {
					specWide[status][code] = msg
				}
			}
		}
	}
	return specWide
}

func (cb *codebook) template(op *spec.Operation, e *apiError) string {
	st := strconv.Itoa(e.Status)
	if op != nil {
		if m := op.ErrorCodes(st)[e.Code]; m != "" {
			return m
		}
	}
	if m := cb.specWide()[st][e.Code]; m != "" {
		return m
	}
	if e.Default != "" {
		return e.Default
	}
	if m, ok := defaultMessages[e.Code]; ok {
		return m
	}
	return http.StatusText(e.Status)
}

// fill replaces each "%s" in tmpl with the next parameter ("" when they run out).
func fill(tmpl string, params []string) string {
	var b strings.Builder
	i := 0
	for {
		before, after, found := strings.Cut(tmpl, "%s")
		b.WriteString(before)
		if !found {
			return b.String()
		}
		if i < len(params) {
			b.WriteString(params[i])
		}
		i++
		tmpl = after
	}
}

// withPlaceholders turns "%s" into "{0}", "{1}"... for messageWithParams.
func withPlaceholders(tmpl string) string {
	var b strings.Builder
	for i := 0; ; i++ {
		before, after, found := strings.Cut(tmpl, "%s")
		b.WriteString(before)
		if !found {
			return b.String()
		}
		b.WriteString("{" + strconv.Itoa(i) + "}")
		tmpl = after
	}
}

// genesysErrorBody is Genesys Cloud's ErrorBody.
type genesysErrorBody struct {
	Message           string             `json:"message"`
	Code              string             `json:"code"`
	Status            int                `json:"status"`
	MessageWithParams string             `json:"messageWithParams,omitempty"`
	MessageParams     map[string]string  `json:"messageParams,omitempty"`
	ContextID         string             `json:"contextId,omitempty"`
	Details           []genesysDetail    `json:"details"`
	Errors            []genesysErrorBody `json:"errors"`
}

type genesysDetail struct {
	ErrorCode string `json:"errorCode"`
	FieldName string `json:"fieldName,omitempty"`
}

// problemBody is RFC 9457 problem details with casebook's extension members
// code (the same vocabulary as the genesys envelope) and errors.
type problemBody struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail"`
	Instance string         `json:"instance,omitempty"`
	Code     string         `json:"code"`
	Errors   []problemError `json:"errors,omitempty"`
}

type problemError struct {
	Pointer  string `json:"pointer"`
	Location string `json:"location"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
}

// writeError answers e in the spec's envelope: Genesys Cloud's ErrorBody,
// problem+json, or (EnvelopeDeclared) the error schema the operation
// declares for the status, filled with the diagnosis (shapeError). The
// Content-Type is problem+json for that envelope, else the one the
// operation declares for the status (JSON preferred), else the envelope's
// own.
func (s *Server) writeError(w http.ResponseWriter, op *spec.Operation, e *apiError) {
	for k, vs := range e.Header {
		w.Header()[k] = vs
	}
	tmpl := e.Message
	if tmpl == "" {
		tmpl = s.codes.template(op, e)
	}
	id := w.Header().Get("Inin-Correlation-Id") // set for every Genesys answer
	if id == "" {
		id = newID()
	}
	markSilence(w, op, e.Status)
	ct, media := declaredMedia(op, e.Status)
	var body any
	switch {
	case s.envelope == spec.EnvelopeGenesys:
		w.Header().Set("Inin-Correlation-Id", id)
		body = s.genesysBody(op, e, tmpl, id)
	case s.envelope == spec.EnvelopeDeclared && media != nil && media.Schema != nil && isJSONType(ct):
		if v, ok := s.shapeError(media.Schema, diagnosisOf(e, fill(tmpl, e.Params), id)); ok {
			writeJSON(w, ct, e.Status, v)
			return
		}
		fallthrough // a schema casebook cannot fill: its own envelope, still honest
	default:
		body = problemFor(e, tmpl, id)
	}
	switch {
	case ct == "" && s.envelope == spec.EnvelopeGenesys:
		ct = "application/json"
	case ct == "" || s.envelope == spec.EnvelopeProblem:
		ct = "application/problem+json"
	case !isJSONType(ct) && (media.Schema == nil || media.Schema.Value == nil || media.Schema.Value.Type.Is("string")):
		// The spec declares a text answer: the message, findings and all.
		writeText(w, ct, e.Status, diagnosisOf(e, fill(tmpl, e.Params), id).message)
		return
	}
	// The Content-Type is the declared one even where it is not JSON
	// (Genesys's text/plain operations declare their ErrorBody so).
	writeJSON(w, ct, e.Status, body)
}

// markSilence adds lint.SilenceHeader to an answer whose status op
// declares nothing for (no such status, no range, no default), so that
// whoever checks the answer, behind any target, knows the status is
// HTTP's answer to a mistake the spec names no status for, not the
// server breaking the contract.
func markSilence(w http.ResponseWriter, op *spec.Operation, status int) {
	if op == nil || op.Op == nil || op.Op.Responses == nil || op.Op.Responses.Len() == 0 {
		return
	}
	if _, declared := op.ResponseFor(status); !declared {
		w.Header().Set(lint.SilenceHeader, http.StatusText(status)+": the spec declares no status for this answer")
	}
}

// findingText is a finding as one line of a message: "/pointer: message".
func findingText(f finding.Finding) string {
	if f.Pointer == "" {
		return f.Message
	}
	return f.Pointer + ": " + f.Message
}

// declaredMedia is the media type (JSON preferred) and its description
// that the operation declares for an error status; "" and nil when it
// declares none (no operation, no response for the status, no content).
func declaredMedia(op *spec.Operation, status int) (string, *openapi3.MediaType) {
	if op == nil {
		return "", nil
	}
	resp, ok := op.ResponseFor(status)
	if !ok || resp == nil || len(resp.Content) == 0 {
		return "", nil
	}
	return pickMedia(resp.Content)
}

// diagnosisOf is what e says: the message (each finding's pointer and
// message after it), casebook's code, the findings and the answer's id.
func diagnosisOf(e *apiError, message, id string) diagnosis {
	d := diagnosis{status: e.Status, code: e.Code, message: message, id: id, findings: e.Findings}
	if len(e.Findings) == 0 || e.Message != "" {
		return d
	}
	parts := make([]string, 0, len(e.Findings))
	for _, f := range e.Findings {
		parts = append(parts, findingText(f))
	}
	d.message = strings.TrimSpace(message + " " + strings.Join(parts, "; "))
	return d
}

func (s *Server) genesysBody(op *spec.Operation, e *apiError, tmpl, id string) genesysErrorBody {
	b := genesysErrorBody{
		Message: fill(tmpl, e.Params), Code: e.Code, Status: e.Status, ContextID: id,
		Details: []genesysDetail{}, Errors: []genesysErrorBody{},
	}
	if len(e.Params) > 0 {
		b.MessageWithParams = withPlaceholders(tmpl)
		b.MessageParams = make(map[string]string, len(e.Params))
		for i, p := range e.Params {
			b.MessageParams[strconv.Itoa(i)] = p
		}
	}
	for _, f := range e.Findings {
		code := findingCode(f)
		b.Details = append(b.Details, genesysDetail{ErrorCode: code, FieldName: f.Pointer})
		b.Errors = append(b.Errors, genesysErrorBody{
			Message: f.Message, Code: code, Status: e.Status,
			MessageParams: map[string]string{"pointer": f.Pointer, "location": string(f.Location), "rule": f.Rule},
			Details:       []genesysDetail{}, Errors: []genesysErrorBody{},
		})
	}
	return b
}

// findingCode maps a lint rule to the Genesys code vocabulary: a value of
// the wrong type, enum, pattern or range is invalid.value (a date-time
// format invalid.date); anything else (required, syntax) is bad.request.
func findingCode(f finding.Finding) string {
	switch f.Rule {
	case "format":
		for _, a := range f.Allowed {
			if a == "date-time" || a == "date" {
				return codeInvalidDate
			}
		}
		return codeInvalidValue
	case "type", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
		"minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "additionalProperties", "multipleOf":
		return codeInvalidValue
	case finding.RuleContentType:
		return codeUnsupportedMedia
	}
	return codeBadRequest
}

func problemFor(e *apiError, tmpl, id string) problemBody {
	p := problemBody{
		Type: "about:blank", Title: http.StatusText(e.Status), Status: e.Status,
		Detail: fill(tmpl, e.Params), Instance: "urn:uuid:" + id, Code: e.Code,
	}
	for _, f := range e.Findings {
		p.Errors = append(p.Errors, problemError{Pointer: f.Pointer, Location: string(f.Location), Rule: f.Rule, Message: f.Message})
	}
	return p
}

// isJSONType reports whether a Content-Type is JSON.
func isJSONType(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return lint.IsJSONMedia(mt)
}

func writeText(w http.ResponseWriter, contentType string, status int, text string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text+"\n") // the client may be gone; nothing to tell it
}

func writeJSON(w http.ResponseWriter, contentType string, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	buf := answerBuffers.Get().(*[]byte)
	b, err := jsonvalue.Append((*buf)[:0], v)
	if err == nil { // as json.Encoder: nothing written on an error
		_, _ = w.Write(append(b, '\n')) // the client may be gone; nothing to tell it
	}
	if cap(b) <= maxPooledAnswer {
		*buf = b
		answerBuffers.Put(buf)
	}
}

// answerBuffers hold encoded answers between requests: one allocation
// less per answer, and none growing the buffer. A buffer grown past
// maxPooledAnswer by a big answer is left to the collector.
var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

const maxPooledAnswer = 64 << 10

// newID is a random UUID (version 4), the shape Genesys Cloud's contextId
// has. It names one answer, so it needs to be unique, not secret: the
// runtime's per-thread ChaCha8 stream (math/rand/v2) is enough, and costs
// no system call on every answer.
func newID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	return formatUUID(b)
}

// formatUUID writes 16 bytes as a version 4 UUID.
func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

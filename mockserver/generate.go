package mockserver

import (
	"maps"
	"math/rand/v2"
	"mime"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/generate"
	"github.com/casebook-dev/casebook/internal/lint"
)

// successBody is the body of the success answer: the spec's example where
// it gives one that validates against the answer's own schema, else a value
// generated from the schema (see generate.Values), seeded from the request
// so the same request always gets the same answer.
func successBody(pol *opPolicy, doc *openapi3.T, seed uint64) (contentType string, body any, ok bool) {
	resp := pol.successResp
	if resp == nil || len(resp.Content) == 0 {
		return "", nil, false
	}
	ct, media := pickMedia(resp.Content)
	if media == nil {
		return "", nil, false
	}
	if ex, ok := pol.example.get(media, doc); ok {
		return ct, ex, true
	}
	if media.Schema == nil {
		return ct, nil, false
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return ct, generate.NewValues(rng, doc, lint.AsResponse).Value(media.Schema, ""), true
}

// answerExample is an operation's example answer, checked against the
// answer's schema on first use: vendors' examples are often stale
// (GitHub's migration example lacks its required exclude_metadata), and a
// mock that breaks its own contract teaches clients the wrong thing.
type answerExample struct {
	once  sync.Once
	value any
	ok    bool
}

func (e *answerExample) get(media *openapi3.MediaType, doc *openapi3.T) (any, bool) {
	e.once.Do(func() {
		ex := media.Example
		if ex == nil {
			ex = firstExample(media.Examples)
		}
		if ex == nil {
			return
		}
		if media.Schema != nil && media.Schema.Value != nil && lint.NewValidator(doc, lint.AsResponse).Visit(media.Schema.Value, ex) != nil {
			return
		}
		e.value, e.ok = ex, true
	})
	return e.value, e.ok
}

// pickMedia prefers JSON media types, then the first in name order.
func pickMedia(content openapi3.Content) (string, *openapi3.MediaType) {
	if len(content) == 1 {
		for n, mt := range content { // the usual case: no slice of one to sort
			if !strings.Contains(n, "*") {
				return n, mt
			}
		}
	}
	names := slices.Sorted(maps.Keys(content))
	for _, n := range names {
		mt, _, _ := mime.ParseMediaType(n)
		if lint.IsJSONMedia(mt) {
			return n, content[n]
		}
	}
	for _, n := range names {
		if strings.Contains(n, "*") {
			continue
		}
		return n, content[n]
	}
	return "", nil
}

func firstExample(examples openapi3.Examples) any {
	for _, n := range slices.Sorted(maps.Keys(examples)) {
		if ref := examples[n]; ref != nil && ref.Value != nil && ref.Value.Value != nil {
			return ref.Value.Value
		}
	}
	return nil
}

// requestSeed hashes what makes a request itself (FNV-1a over "METHOD
// path?query\n" and the body), spread by the server's seed (seed 0 leaves
// the hash as it is).
func requestSeed(seed uint64, method, path, rawQuery string, body []byte) uint64 {
	h := fnvString(fnvOffset, method)
	h = fnvString(h, " ")
	h = fnvString(h, path)
	h = fnvString(h, "?")
	h = fnvString(h, rawQuery)
	h = fnvString(h, "\n")
	return fnvBytes(h, body) ^ seed*0x9e3779b97f4a7c15
}

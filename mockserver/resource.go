package mockserver

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/spec"
)

// A spec says nothing about state, but its paths do: a path ending in a
// parameter that answers GET (/api/v2/outbound/campaigns/{campaignId}) is an
// item, and its parent (/api/v2/outbound/campaigns) the collection it lives
// in. POST on the collection creates an item, GET on it lists them, GET,
// PUT, PATCH and DELETE on the item read, update and remove it, and any
// other path below the item (/campaigns/{campaignId}/start) acts on an
// item that must exist. This file infers those roles once, when the server
// is built; state.go keeps the items.

// resource is a collection and its item path, inferred from the spec.
type resource struct {
	// collection and item are path templates with parameters written {}
	// (names differ between operations of one resource).
	collection, item string
	// resp and schema are the item as GET on the item answers it (schema
	// nil: no JSON body); fields are the members schema declares. get is
	// that GET's policy (set by store.attach), whose answer generates an
	// item's body, and doc the spec.
	resp   *openapi3.Response
	schema *openapi3.SchemaRef
	fields map[string]*openapi3.Schema
	get    *opPolicy
	getOp  *spec.Operation
	doc    *openapi3.T
	// owned are the members of the item the server fills itself.
	owned serverFields
	// idInteger says the item's id is a number, not a string.
	idInteger bool
	// fixture is the overlay fixture collection the item's GET is served
	// from: it seeds the collection (top-level collections only).
	fixture string
	// depth is how many path parameters the collection has: 0 for a
	// top-level collection, more for one nested under another item.
	depth int
}

// stateRole is what an operation does to the state.
type stateRole int

const (
	roleNone   stateRole = iota
	roleCreate           // POST on a collection
	roleList             // GET on a collection
	roleRead             // GET on an item
	roleUpdate           // PUT on an item: the body's members replace the item's
	rolePatch            // PATCH on an item: a JSON merge patch (RFC 7396)
	roleDelete           // DELETE on an item
)

// stateOp is one operation's part in the state.
type stateOp struct {
	role stateRole
	res  *resource // the resource the role acts on (nil for roleNone)
	// within are the resources whose items the path goes through, outermost
	// first (/campaigns/{id}/start is within campaigns): each must exist.
	within []*resource
	// params are the operation's path parameter names in path order: item
	// keys are read by position, since names differ between operations.
	params []string
	// sameAsItem says the success answer is the item itself (Campaign for
	// Campaign); otherwise the answer is generated, with answerMerge (the
	// request members it declares) and answerOwned filled in.
	sameAsItem  bool
	answerMerge []string
	answerOwned serverFields
	// absoluteURIs: the item's or the answer's selfUri must be absolute.
	absoluteURIs bool
	// exampleAnswer says the answer may be the spec's own example value,
	// which is shared and must be copied before it is written to.
	exampleAnswer bool
	// merge are the request body's members an item takes: those both the
	// request and the item declare, less what the server owns.
	merge []string
	// list is how a list answer holds its items (roleList only).
	list *listShape
	// conflict is what a stale version gets (roleUpdate, rolePatch).
	conflict apiError
}

// listShape is where a list answer puts the items and its paging.
type listShape struct {
	// field holds the items ("entities"); "" means the answer is an array.
	field string
	// sizeParam and pageParam are the query parameters that page the list
	// ("" when the operation declares none: every item on one page), and
	// defaultSize the page size when the request gives none.
	sizeParam, pageParam string
	defaultSize          int
	fields               map[string]*openapi3.Schema
	// absoluteURIs: the paging links are format uri (scheme and host).
	absoluteURIs bool
}

// inferResources finds the resources of a spec and the part each
// operation plays, keyed by operation.
func inferResources(s *spec.Spec) map[*spec.Operation]*stateOp {
	byItem := map[string]*resource{}
	var getItem []*spec.Operation
	for _, op := range s.Operations() {
		n := normalize(op.Path)
		if op.Method == http.MethodGet && strings.HasSuffix(n, "/{}") {
			res := &resource{collection: parentPath(n), item: n, depth: strings.Count(parentPath(n), "{}")}
			byItem[n] = res
			getItem = append(getItem, op)
		}
	}
	for _, op := range getItem {
		r := byItem[normalize(op.Path)]
		r.describe(op)
		r.doc, r.getOp = s.Doc, op
	}
	byCollection := map[string]*resource{}
	for _, r := range byItem {
		byCollection[r.collection] = r
	}
	out := map[*spec.Operation]*stateOp{}
	for _, op := range s.Operations() {
		if so := classify(op, byItem, byCollection); so != nil {
			out[op] = so
		}
	}
	return out
}

// describe reads the item's schema from its GET answer.
func (r *resource) describe(get *spec.Operation) {
	_, r.resp = get.SuccessResponse()
	r.schema = jsonSchema(r.resp)
	r.fields = properties(r.schema)
	names := templateParams(get.Path)
	param := names[len(names)-1]
	if p := get.Op.Parameters.GetByInAndName("path", param); p != nil && p.Schema != nil && p.Schema.Value != nil {
		r.idInteger = p.Schema.Value.Type.Is("integer")
	}
	r.owned = ownedFields(r.fields, param)
	if f := r.fields[r.owned.id]; f != nil {
		r.idInteger = f.Type.Is("integer")
	}
}

// serverFields names the members a server fills itself, where a schema
// declares them: the id, selfUri, version, dateCreated and dateModified.
type serverFields struct {
	id                                  string // "id", or the member named like the path parameter
	selfURI, version, created, modified bool
	// absoluteURI: the schema's selfUri is format uri, so it must carry a
	// scheme and host.
	absoluteURI   bool
	versionString bool
}

func ownedFields(fields map[string]*openapi3.Schema, param string) serverFields {
	var o serverFields
	for _, name := range []string{"id", param} {
		if _, ok := fields[name]; ok && name != "" {
			o.id = name
			break
		}
	}
	if f, ok := fields["selfUri"]; ok {
		o.selfURI, o.absoluteURI = true, f.Format == "uri" || f.Format == "url"
	}
	_, o.created = fields["dateCreated"]
	_, o.modified = fields["dateModified"]
	if v, ok := fields["version"]; ok && (v.Type.Is("integer") || v.Type.Is("number") || v.Type.Is("string")) {
		o.version, o.versionString = true, v.Type.Is("string")
	}
	return o
}

// owns reports whether the server fills the member.
func (o serverFields) owns(name string) bool {
	switch name {
	case o.id:
		return true
	case "selfUri":
		return o.selfURI
	case "version":
		return o.version // a client sends it back on updates: it is checked, then replaced
	case "dateCreated":
		return o.created
	case "dateModified":
		return o.modified
	}
	return false
}

// mergeable lists the request members a target schema takes: those both
// declare (every member of the target when the request declares none),
// less readOnly ones and those the server owns, in name order.
func mergeable(request, target map[string]*openapi3.Schema, owned serverFields) []string {
	var out []string
	for name, f := range target {
		if f.ReadOnly || owned.owns(name) {
			continue
		}
		if _, ok := request[name]; ok || request == nil {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// classify gives an operation its role; nil when it touches no resource.
func classify(op *spec.Operation, byItem, byCollection map[string]*resource) *stateOp {
	n := normalize(op.Path)
	so := &stateOp{params: templateParams(op.Path)}
	if r := byItem[n]; r != nil {
		so.res = r
		switch op.Method {
		case http.MethodGet, http.MethodHead:
			so.role = roleRead
		case http.MethodPut:
			so.role = roleUpdate
		case http.MethodPatch:
			so.role = rolePatch
		case http.MethodDelete:
			so.role = roleDelete
		}
		so.within = itemsAbove(parentPath(n), byItem)
		if so.role == roleNone {
			// POST on the item is an action on it: the item must exist.
			so.within, so.res = append(so.within, r), nil
		}
	} else if r := byCollection[n]; r != nil {
		switch op.Method {
		case http.MethodPost:
			so.role, so.res = roleCreate, r
		case http.MethodGet:
			if list := listShapeOf(op, r); list != nil {
				so.role, so.res, so.list = roleList, r, list
			}
		}
		so.within = itemsAbove(n, byItem)
	} else {
		so.within = itemsAbove(n, byItem)
	}
	if so.role == roleNone && len(so.within) == 0 {
		return nil
	}
	so.describeAnswer(op)
	return so
}

func (so *stateOp) describeAnswer(op *spec.Operation) {
	_, resp := op.SuccessResponse()
	answer := jsonSchema(resp)
	fields := properties(answer)
	var request map[string]*openapi3.Schema
	if rb := op.Op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil {
			request = properties(mt.Schema)
		}
	}
	so.answerOwned = ownedFields(fields, "")
	so.answerMerge = mergeable(request, fields, so.answerOwned)
	so.exampleAnswer = mayBeExample(resp)
	if so.res == nil {
		return
	}
	so.merge = mergeable(request, so.res.fields, so.res.owned)
	so.sameAsItem = answer != nil && so.res.schema != nil && answer.Value == so.res.schema.Value
	so.absoluteURIs = so.res.owned.absoluteURI || so.answerOwned.absoluteURI
	if so.role == roleUpdate || so.role == rolePatch {
		so.conflict = conflictAnswer(op)
	}
}

// mayBeExample reports whether a success body may come from the spec's
// examples (successBody answers those as they are) rather than be generated afresh.
func mayBeExample(resp *openapi3.Response) bool {
	if resp == nil {
		return false
	}
	_, media := pickMedia(resp.Content)
	if media == nil {
		return false
	}
	if media.Example != nil || len(media.Examples) > 0 {
		return true
	}
	for ref, depth := media.Schema, 0; ref != nil && ref.Value != nil && depth < 16; depth++ {
		s := ref.Value
		switch {
		case s.Example != nil:
			return true
		case len(s.OneOf) > 0:
			ref = s.OneOf[0]
		case len(s.AnyOf) > 0:
			ref = s.AnyOf[0]
		default:
			return false
		}
	}
	return true
}

// itemsAbove lists the items a path goes through: each prefix ending in a
// parameter that is an item path, outermost first.
func itemsAbove(path string, byItem map[string]*resource) []*resource {
	var out []*resource
	segs := strings.Split(path, "/")
	for i := 2; i <= len(segs); i++ {
		if segs[i-1] != "{}" {
			continue
		}
		if r := byItem[strings.Join(segs[:i], "/")]; r != nil {
			out = append(out, r)
		}
	}
	return out
}

// normalize writes every parameter segment as {} so templates that name
// their parameters differently compare equal.
func normalize(path string) string {
	if !strings.Contains(path, "{") {
		return path
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if isParamSegment(s) {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

func isParamSegment(s string) bool { return len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}' }

// templateParams are a template's parameter names in path order.
func templateParams(path string) []string {
	var out []string
	for _, s := range strings.Split(path, "/") {
		if isParamSegment(s) {
			out = append(out, s[1:len(s)-1])
		}
	}
	return out
}

func parentPath(path string) string {
	i := strings.LastIndex(path, "/")
	if i <= 0 {
		return "/"
	}
	return path[:i]
}

// jsonSchema is the schema of an answer's JSON body, nil when it has none.
func jsonSchema(resp *openapi3.Response) *openapi3.SchemaRef {
	if resp == nil {
		return nil
	}
	ct, media := pickMedia(resp.Content)
	if media == nil || media.Schema == nil || media.Schema.Value == nil || !strings.Contains(ct, "json") {
		return nil
	}
	return media.Schema
}

// properties are the members an object schema declares, allOf included;
// nil when it declares none.
func properties(ref *openapi3.SchemaRef) map[string]*openapi3.Schema {
	if ref == nil || ref.Value == nil {
		return nil
	}
	out := map[string]*openapi3.Schema{}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		for name, p := range s.Properties {
			if p != nil && p.Value != nil {
				out[name] = p.Value
			}
		}
		for _, sub := range s.AllOf {
			if sub != nil {
				walk(sub.Value, depth+1)
			}
		}
	}
	walk(ref.Value, 0)
	if len(out) == 0 {
		return nil
	}
	return out
}

// Names that page a list, as the vendors spell them (Genesys Cloud:
// pageSize and pageNumber; GitHub: per_page and page).
var (
	pageSizeNames   = []string{"pageSize", "per_page", "limit"}
	pageNumberNames = []string{"pageNumber", "page"}
	listFieldNames  = []string{"entities", "items", "data", "results", "values"}
)

// listShapeOf reads the list shape GET on a collection declares: an array
// of items, or an object with an array member holding them (an array of
// the item's own schema first, then a member with a conventional name).
// Nil when the answer is neither.
func listShapeOf(op *spec.Operation, r *resource) *listShape {
	_, resp := op.SuccessResponse()
	ref := jsonSchema(resp)
	if ref == nil {
		return nil
	}
	l := &listShape{fields: properties(ref)}
	for _, name := range []string{"selfUri", "firstUri", "lastUri", "nextUri", "previousUri"} {
		if f := l.fields[name]; f != nil && (f.Format == "uri" || f.Format == "url") {
			l.absoluteURIs = true
		}
	}
	if !ref.Value.Type.Is("array") {
		l.field = arrayField(l.fields, r)
		if l.field == "" {
			return nil
		}
	}
	for _, p := range op.Op.Parameters {
		if p.Value == nil || p.Value.In != "query" {
			continue
		}
		switch name := p.Value.Name; {
		case slices.Contains(pageSizeNames, name) && l.sizeParam == "":
			l.sizeParam = name
			if s := p.Value.Schema; s != nil && s.Value != nil {
				if d, ok := intValue(s.Value.Default); ok && d > 0 {
					l.defaultSize = int(d)
				}
			}
		case slices.Contains(pageNumberNames, name) && l.pageParam == "":
			l.pageParam = name
		}
	}
	if l.defaultSize <= 0 {
		l.defaultSize = 25
	}
	return l
}

func arrayField(fields map[string]*openapi3.Schema, r *resource) string {
	names := make([]string, 0, len(fields))
	for name, f := range fields {
		if f.Type.Is("array") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if it := fields[name].Items; it != nil && r.schema != nil && it.Value == r.schema.Value {
			return name
		}
	}
	for _, want := range listFieldNames {
		if slices.Contains(names, want) {
			return want
		}
	}
	return ""
}

// conflictAnswer is what an update with a stale version gets: the spec's
// 409 (its code that names a version, else its first), else a 400 code
// that names a version, else 409 with casebook's own code. Which one the
// vendor sends is rarely published; docs mark the rule unverified.
func conflictAnswer(op *spec.Operation) apiError {
	if code := versionCode(op.ErrorCodes("409")); code != "" {
		return apiError{Status: http.StatusConflict, Code: code, Default: conflictMessage}
	}
	if code := versionCode(op.ErrorCodes("400")); code != "" && strings.Contains(code, "version") {
		return apiError{Status: http.StatusBadRequest, Code: code, Default: conflictMessage}
	}
	return apiError{Status: http.StatusConflict, Code: codeVersionConflict, Default: conflictMessage}
}

// versionCode picks the code that names a version, else the first in name order.
func versionCode(codes map[string]string) string {
	names := make([]string, 0, len(codes))
	for c := range codes {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		if strings.Contains(c, "version") {
			return c
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return ""
}

const conflictMessage = "The version in the request (%s) is not the current version (%s)."

// intValue reads a JSON or YAML number.
func intValue(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		return int64(n), n == float64(int64(n))
	case int:
		return int64(n), true
	case int64:
		return n, true
	case interface{ Int64() (int64, error) }: // json.Number
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

package spec

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// Operation is one method on one path of the spec.
type Operation struct {
	Method string // upper case
	Path   string // the template, e.g. /api/v2/outbound/campaigns/{campaignId}
	Op     *openapi3.Operation
	Item   *openapi3.PathItem
	// Route is what openapi3filter validates against. Its operation is a
	// copy without security requirements (see withoutSecurity).
	Route *routers.Route

	segments []string // Path split on "/", for Nearest
	params   []*openapi3.Parameter
}

// Parameters are the parameters a request to the operation may carry: the
// operation's own and those of its path item it does not redeclare (same
// name and location), in declaration order, path item's first.
func (o *Operation) Parameters() []*openapi3.Parameter { return o.params }

// IgnoredHeader reports a header parameter OpenAPI says to ignore: Accept,
// Content-Type and Authorization are said by the body's media type, the
// answers' and the security schemes.
func IgnoredHeader(p *openapi3.Parameter) bool {
	return p.In == openapi3.ParameterInHeader &&
		(strings.EqualFold(p.Name, "Accept") || strings.EqualFold(p.Name, "Content-Type") || strings.EqualFold(p.Name, "Authorization"))
}

func effectiveParameters(item *openapi3.PathItem, op *openapi3.Operation) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	for _, ref := range item.Parameters {
		if ref == nil || ref.Value == nil {
			continue
		}
		if op.Parameters.GetByInAndName(ref.Value.In, ref.Value.Name) == nil {
			out = append(out, ref.Value)
		}
	}
	for _, ref := range op.Parameters {
		if ref != nil && ref.Value != nil {
			out = append(out, ref.Value)
		}
	}
	return out
}

// String is "POST /api/v2/conversations/calls".
func (o *Operation) String() string { return o.Method + " " + o.Path }

// Match is an operation found for a concrete request path.
type Match struct {
	*Operation
	PathParams map[string]string
}

// RouteError reports a request that resolves to no operation.
type RouteError struct {
	Method, Path string
	// Allowed lists the methods the path has when only the method is wrong (405).
	Allowed []string
	// Nearest names the operations closest to the request, best first. Find
	// leaves it empty (a mock answering 404s should not pay for it); callers
	// that explain the miss fill it with Spec.Nearest.
	Nearest []string
}

// MethodNotAllowed reports whether the path exists with other methods.
func (e *RouteError) MethodNotAllowed() bool { return len(e.Allowed) > 0 }

func (e *RouteError) Error() string {
	if e.MethodNotAllowed() {
		return fmt.Sprintf("%s %s: method not allowed (the path has %s)", e.Method, e.Path, strings.Join(e.Allowed, ", "))
	}
	msg := fmt.Sprintf("%s %s: no such operation in the spec", e.Method, e.Path)
	if len(e.Nearest) > 0 {
		msg += "; nearest: " + strings.Join(e.Nearest, ", ")
	}
	return msg
}

// Operations lists every operation, sorted by path then method.
func (s *Spec) Operations() []*Operation { return s.ops }

// Find resolves a concrete request path (no query) to its operation. A miss
// is a *RouteError.
func (s *Spec) Find(method, path string) (*Match, error) {
	method = strings.ToUpper(method)
	m, allowed := s.router.find(method, path)
	if m != nil {
		return m, nil
	}
	return nil, &RouteError{Method: method, Path: path, Allowed: allowed}
}

func collectOperations(doc *openapi3.T) []*Operation {
	var ops []*Operation
	if doc.Paths == nil {
		return nil
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, &Operation{
				Method: strings.ToUpper(method), Path: path, Op: op, Item: item,
				Route:    &routers.Route{Spec: doc, Path: path, PathItem: item, Method: strings.ToUpper(method), Operation: withoutSecurity(op)},
				segments: splitPath(path),
				params:   effectiveParameters(item, op),
			})
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops
}

// withoutSecurity is op as openapi3filter sees it: a shallow copy with no
// security requirements. lint checks credentials itself and the mock
// authenticates before it validates; openapi3filter, given a no-op
// authentication function, only re-read the body once per scheme (5% of
// the mock's allocations per request).
func withoutSecurity(op *openapi3.Operation) *openapi3.Operation {
	cp := *op
	cp.Security = &openapi3.SecurityRequirements{}
	return &cp
}

// serverPrefixes are the path parts of the spec's server URLs ("/inContactAPI/services/v30"),
// stripped from request paths before matching. Variables in them are not expanded.
func serverPrefixes(doc *openapi3.T) []string {
	var out []string
	for _, srv := range doc.Servers {
		u, err := url.Parse(srv.URL)
		if err != nil || strings.Contains(u.Path, "{") {
			continue
		}
		p := strings.TrimRight(u.Path, "/")
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// router is a segment trie: literal children first, then one parameter child.
// Lookup costs one map access per path segment, whatever the spec's size.
type router struct {
	root     *node
	prefixes []string
}

type node struct {
	literal map[string]*node
	param   *node
	names   []string // parameter names along the template, set on leaves
	paramAt []int    // and the segments that hold them
	ops     map[string]*Operation
}

func newRouter(ops []*Operation, prefixes []string) *router {
	r := &router{root: &node{}, prefixes: prefixes}
	for _, op := range ops {
		r.add(op)
	}
	return r
}

func (r *router) add(op *Operation) {
	n := r.root
	var names []string
	var paramAt []int
	for i, seg := range splitPath(op.Path) {
		if isParam(seg) {
			names, paramAt = append(names, seg[1:len(seg)-1]), append(paramAt, i)
			if n.param == nil {
				n.param = &node{}
			}
			n = n.param
			continue
		}
		if n.literal == nil {
			n.literal = map[string]*node{}
		}
		child := n.literal[seg]
		if child == nil {
			child = &node{}
			n.literal[seg] = child
		}
		n = child
	}
	if n.ops == nil {
		n.ops = map[string]*Operation{}
		n.names, n.paramAt = names, paramAt
	}
	n.ops[op.Method] = op
}

func isParam(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}

func splitPath(p string) []string {
	return appendSegments(nil, p)
}

// appendSegments appends the segments of p, its slashes trimmed at both
// ends, to dst (strings.Split's segments, without its allocation when dst
// has room).
func appendSegments(dst []string, p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return dst
	}
	for {
		i := strings.IndexByte(p, '/')
		if i < 0 {
			return append(dst, p)
		}
		dst = append(dst, p[:i])
		p = p[i+1:]
	}
}

// find returns the match, or the methods of a path that exists without
// method: the path as it is, then without each of the servers' path
// prefixes it starts with.
func (r *router) find(method, path string) (*Match, []string) {
	var allowed []string
	if m := r.findIn(method, path, &allowed); m != nil {
		return m, nil
	}
	for _, p := range r.prefixes {
		if rest, ok := strings.CutPrefix(path, p); ok && (rest == "" || rest[0] == '/') {
			if m := r.findIn(method, rest, &allowed); m != nil {
				return m, nil
			}
		}
	}
	slices.Sort(allowed)
	return nil, slices.Compact(allowed)
}

// findIn routes one candidate path; its segments live on the stack unless
// the path is unusually deep.
func (r *router) findIn(method, path string, allowed *[]string) *Match {
	var segBuf [16]string
	segs := appendSegments(segBuf[:0], path)
	leaf := r.root.match(segs, method, allowed)
	if leaf == nil {
		return nil
	}
	op := leaf.ops[method]
	if op == nil {
		op = leaf.ops["GET"] // HEAD
	}
	return &Match{Operation: op, PathParams: params(leaf, segs)}
}

// match walks literal segments before parameters, backtracking when a
// branch dead-ends or lacks the method (so GET /campaigns/progress and
// PUT /campaigns/{id} both route). Leaves that match the path but not the
// method add their methods to allowed.
func (n *node) match(segs []string, method string, allowed *[]string) *node {
	if len(segs) == 0 {
		if n.ops == nil {
			return nil
		}
		if n.ops[method] != nil || (method == "HEAD" && n.ops["GET"] != nil) {
			return n
		}
		for m := range n.ops {
			*allowed = append(*allowed, m)
		}
		return nil
	}
	if child := n.literal[segs[0]]; child != nil {
		if leaf := child.match(segs[1:], method, allowed); leaf != nil {
			return leaf
		}
	}
	if n.param != nil && segs[0] != "" {
		if leaf := n.param.match(segs[1:], method, allowed); leaf != nil {
			return leaf
		}
	}
	return nil
}

// params are the path parameters of a path that routed to leaf: the
// segments its template holds parameters at, unescaped.
func params(leaf *node, segs []string) map[string]string {
	if len(leaf.names) == 0 {
		return nil
	}
	m := make(map[string]string, len(leaf.names))
	for i, name := range leaf.names {
		raw := segs[leaf.paramAt[i]]
		v, err := url.PathUnescape(raw)
		if err != nil {
			v = raw
		}
		m[name] = v
	}
	return m
}

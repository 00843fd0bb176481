package mockserver

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/casebook-dev/casebook/internal/jsonvalue"
	"github.com/casebook-dev/casebook/internal/spec"
)

// outcome is what the store decided for a request, written once the
// store's lock is released.
type outcome struct {
	status   int
	body     any // nil: no body
	err      *apiError
	location string
	change   Change // Kind "" when nothing changed
	// finish, when set, says what body to build once the store's lock is
	// released (generating one costs more than the rest of a request, and
	// other requests need not wait for it): from snap, a copy of the item
	// it as it was, keeping the body as the item's.
	finish finishing
	it     *item
	snap   item
}

type finishing int

const (
	finishNone   finishing = iota
	finishCreate           // the create's answer (and the item's body, when the answer is the item or a subscriber wants it)
	finishRead             // the item's body, read for the first time
)

// finishOutside builds what the outcome left for after the lock.
func (s *Server) finishOutside(out *outcome, ex *exchange, pol *opPolicy, so *stateOp) {
	switch out.finish {
	case finishRead:
		out.body = so.res.build(&out.snap)
		s.store.keep(out.it, out.body.(map[string]any))
	case finishCreate:
		var doc map[string]any
		if so.sameAsItem || s.watched() {
			doc = so.res.build(&out.snap)
			s.store.keep(out.it, doc)
		}
		out.body, out.change.Body = s.itemAnswer(ex, pol, so, &out.snap, doc), doc
	}
}

// answerState answers what the store decides: 404 in the vendor's
// envelope when an item the path names does not exist, and every create,
// read, update, delete and list. It reports false when the operation only
// needed its items to exist (an action such as POST .../{id}/start): the
// usual answer follows.
func (s *Server) answerState(w *statusRecorder, ex *exchange, pol *opPolicy, so *stateOp) bool {
	ids := so.pathValues(ex.match)
	st := s.store
	st.mu.Lock()
	state := st.stateOf(ex.session)
	var inner *item
	for _, r := range so.within {
		if inner = st.lookup(state, r, ids); inner == nil {
			st.mu.Unlock()
			s.fail(w, ex.match.Operation, &apiError{Status: http.StatusNotFound, Code: codeNotFound})
			return true
		}
	}
	if so.role == roleNone {
		if inner != nil && s.watched() {
			ex.acted = &actedItem{res: so.within[len(so.within)-1], it: inner, doc: inner.doc, snap: *inner}
		}
		st.mu.Unlock()
		return false
	}
	out := s.decide(st, state, ex, pol, so, ids)
	st.mu.Unlock()
	s.finishOutside(&out, ex, pol, so)
	if out.err != nil {
		s.fail(w, ex.match.Operation, out.err)
		return true
	}
	if out.location != "" {
		w.Header().Set("Location", out.location)
	}
	if out.body == nil {
		w.WriteHeader(out.status)
	} else {
		writeJSON(w, "application/json", out.status, out.body)
	}
	if out.change.Kind != "" && s.watched() {
		s.changed(ex, out.change)
	}
	return true
}

// actedItem is the item an action acts on, as answerState found it under
// the store's lock: its body, or a copy to build one from outside the lock.
type actedItem struct {
	res  *resource
	it   *item
	doc  map[string]any
	snap item
}

// actedOn is the body of the item the request's action acts on (nil for
// none), built outside the store's lock the first time, as a read does.
func (s *Server) actedOn(ex *exchange) any {
	a := ex.acted
	if a == nil {
		return nil
	}
	if a.doc == nil {
		a.doc = a.res.build(&a.snap)
		s.store.keep(a.it, a.doc)
	}
	return a.doc
}

// decide runs the operation's role on the state. The caller holds st.mu.
func (s *Server) decide(st *store, state *state, ex *exchange, pol *opPolicy, so *stateOp, ids []string) outcome {
	k := collKey{res: so.res, parents: joinIDs(ids[:so.res.depth])}
	c := st.collection(state, k)
	if so.role == roleCreate {
		return s.create(st, state, c, k, ex, pol, so)
	}
	if so.role == roleList {
		return s.list(c, ex, pol, so)
	}
	it := c.get(ids[so.res.depth])
	if it == nil {
		return outcome{err: &apiError{Status: http.StatusNotFound, Code: codeNotFound}}
	}
	if so.role == roleRead {
		return s.read(it, pol)
	}
	doc := so.res.materialize(it)
	switch so.role {
	case roleDelete:
		st.account(state, -c.remove(it))
		return outcome{status: pol.successStatus, body: s.itemAnswer(ex, pol, so, it, doc),
			change: Change{Kind: Deleted, ID: it.id, Collection: itemCollection(ex.r), Body: doc}}
	}
	return s.update(st, state, c, it, doc, ex, pol, so)
}

// create stores a new item: its id and server fields from the seed and
// the request, its body generated on first read unless the answer is the
// item itself.
func (s *Server) create(st *store, state *state, c *collection, k collKey, ex *exchange, pol *opPolicy, so *stateOp) outcome {
	id := st.newID(c, k, ex.body)
	coll := strings.TrimRight(ex.r.URL.EscapedPath(), "/")
	seed := st.itemSeed(k, id)
	var uri string
	if so.absoluteURIs {
		uri = scheme(ex.r) + ex.r.Host + coll + "/" + url.PathEscape(id) // one allocation
	} else {
		uri = coll + "/" + url.PathEscape(id)
	}
	it := &item{id: id, uri: uri, seed: seed, merge: so.merge, version: 1,
		dated: true, integer: so.res.idInteger, size: len(ex.body) + 256}
	if len(so.merge) > 0 {
		it.req = ex.body
	}
	st.insert(state, c, it)
	out := outcome{status: pol.successStatus, change: Change{Kind: Created, ID: id, Collection: coll}}
	if out.status == http.StatusCreated {
		out.location = it.uri
	}
	out.finish, out.it, out.snap = finishCreate, it, *it // as created: what the answer shows, whatever happens next
	return out
}

// read answers GET on an item: its body, built outside the lock the first
// time it is read.
func (s *Server) read(it *item, pol *opPolicy) outcome {
	if it.doc != nil {
		return outcome{status: pol.successStatus, body: it.doc}
	}
	return outcome{status: pol.successStatus, finish: finishRead, it: it, snap: *it}
}

// update merges the request into the item: its members replace the
// item's (PUT) or merge into them (PATCH, RFC 7396), after the version
// check where the item has a version.
func (s *Server) update(st *store, state *state, c *collection, it *item, doc map[string]any, ex *exchange, pol *opPolicy, so *stateOp) outcome {
	body := decodeObject(ex.body)
	if so.res.owned.version {
		if sent, ok := versionOf(body["version"]); ok && sent != it.version {
			e := so.conflict
			e.Params = []string{strconv.FormatInt(sent, 10), strconv.FormatInt(it.version, 10)}
			return outcome{err: &e}
		}
	}
	next := maps.Clone(doc)
	if so.role == rolePatch {
		mergePatch(next, body, so.merge)
	} else {
		mergeMembers(next, body, so.merge)
	}
	it.version++
	so.res.owned.fill(next, it)
	it.doc = next
	st.makeRoom(state, c, len(ex.body))
	c.resize(it, len(ex.body))
	st.account(state, len(ex.body))
	return outcome{status: pol.successStatus, body: s.itemAnswer(ex, pol, so, it, next),
		change: Change{Kind: Updated, ID: it.id, Collection: itemCollection(ex.r), Body: next}}
}

// itemAnswer is the success body of a create, update or delete: the item
// itself when the operation answers with the item's schema, else the
// operation's own generated answer with the request's members and the
// item's id, selfUri and version written in where it declares them.
func (s *Server) itemAnswer(ex *exchange, pol *opPolicy, so *stateOp, it *item, doc map[string]any) any {
	if so.sameAsItem && doc != nil {
		return doc
	}
	_, v, ok := successBody(pol, s.spec.Doc, s.requestSeed(ex.r, ex.body))
	if !ok || pol.successStatus == http.StatusNoContent {
		return nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		return v
	}
	if so.exampleAnswer {
		m = maps.Clone(m) // the spec's own example: shared, never written
	}
	if len(so.answerMerge) > 0 {
		mergeMembers(m, decodeObject(ex.body), so.answerMerge)
	}
	so.answerOwned.fill(m, it)
	return m
}

// list answers GET on a collection in the list shape the spec declares:
// an array, or an object holding the page of items with its paging
// members (Genesys Cloud: entities, pageSize, pageNumber, total, pageCount).
func (s *Server) list(c *collection, ex *exchange, pol *opPolicy, so *stateOp) outcome {
	l := so.list
	items := c.live()
	q := ex.r.URL.Query()
	size, number := len(items), 1
	if l.sizeParam != "" {
		size = positive(q.Get(l.sizeParam), l.defaultSize)
		number = positive(q.Get(l.pageParam), 1)
	}
	pages := 0
	if size > 0 {
		pages = (len(items) + size - 1) / size
	}
	page := []any{}
	for i := (number - 1) * size; i < len(items) && i < number*size && i >= 0; i++ {
		page = append(page, so.res.materialize(items[i]))
	}
	if l.field == "" {
		return outcome{status: pol.successStatus, body: page}
	}
	out := map[string]any{}
	if _, v, ok := successBody(pol, s.spec.Doc, s.requestSeed(ex.r, ex.body)); ok {
		if m, isMap := v.(map[string]any); isMap {
			out = maps.Clone(m)
		}
	}
	out[l.field] = page
	path := ex.r.URL.EscapedPath()
	if l.absoluteURIs {
		path = origin(ex.r) + path
	}
	l.setPaging(out, path, size, number, len(items), pages)
	return outcome{status: pol.successStatus, body: out}
}

// setPaging fills the paging members the list schema declares, and the
// links to other pages (nextUri and previousUri only where such a page exists).
func (l *listShape) setPaging(out map[string]any, path string, size, number, total, pages int) {
	set := func(name string, v any) {
		if _, ok := l.fields[name]; ok {
			out[name] = v
		}
	}
	set("pageSize", size)
	set("pageNumber", number)
	set("total", total)
	set("pageCount", pages)
	uri := func(n int) string {
		if l.sizeParam == "" {
			return path
		}
		return path + "?" + l.sizeParam + "=" + strconv.Itoa(size) + "&" + l.pageParam + "=" + strconv.Itoa(n)
	}
	set("selfUri", uri(number))
	set("firstUri", uri(1))
	set("lastUri", uri(max(pages, 1)))
	delete(out, "nextUri")
	delete(out, "previousUri")
	if number < pages {
		set("nextUri", uri(number+1))
	}
	if number > 1 {
		set("previousUri", uri(number-1))
	}
}

func positive(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return def
}

// lookup finds an item of r by the path's ids; nil when it does not exist.
// The caller holds mu.
func (st *store) lookup(state *state, r *resource, ids []string) *item {
	if r.depth >= len(ids) {
		return nil
	}
	return st.collection(state, collKey{res: r, parents: joinIDs(ids[:r.depth])}).get(ids[r.depth])
}

// pathValues are the request's path parameter values in path order.
func (so *stateOp) pathValues(m *spec.Match) []string {
	out := make([]string, len(so.params))
	for i, name := range so.params {
		out[i] = m.PathParams[name]
	}
	return out
}

func joinIDs(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return strings.Join(ids, "\x00")
}

// origin is scheme://host of the mock as the request reached it: where a
// selfUri of format uri points, so a client can follow it.
func origin(r *http.Request) string { return scheme(r) + r.Host }

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https://"
	}
	return "http://"
}

// itemCollection is the collection path of a request to an item.
func itemCollection(r *http.Request) string {
	return parentPath(strings.TrimRight(r.URL.EscapedPath(), "/"))
}

// trimSegments drops the last n segments of a path (and a trailing slash).
func trimSegments(path string, n int) string {
	path = strings.TrimRight(path, "/")
	for range n {
		path = parentPath(path)
	}
	return path
}

// decodeObject reads a JSON object body; nil when it is none. A body of
// one plain JSON value goes through internal/jsonvalue, without
// reflection; any other (text after the value, not JSON) through a
// json.Decoder, which reads its first value (FuzzDecodeObject holds the
// two to the same value).
func decodeObject(body []byte) map[string]any {
	if v, ok := jsonvalue.Decode(body); ok {
		m, _ := v.(map[string]any)
		return m
	}
	return decodeObjectSlow(body)
}

func decodeObjectSlow(body []byte) map[string]any {
	if len(body) == 0 {
		return nil
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return nil
	}
	return m
}

// mergeMembers writes the named members of src over dst; a JSON null
// removes the member.
func mergeMembers(dst, src map[string]any, names []string) {
	for _, name := range names {
		v, ok := src[name]
		switch {
		case !ok:
		case v == nil:
			delete(dst, name)
		default:
			dst[name] = v
		}
	}
}

// mergePatch applies src to dst as a JSON merge patch (RFC 7396), for the
// named top-level members.
func mergePatch(dst, src map[string]any, names []string) {
	for _, name := range names {
		v, ok := src[name]
		if !ok {
			continue
		}
		dst[name] = patchValue(dst[name], v)
		if v == nil {
			delete(dst, name)
		}
	}
}

func patchValue(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	} else {
		t = maps.Clone(t)
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = patchValue(t[k], v)
	}
	return t
}

// versionOf reads a version a client sent: a number, or a string of digits.
func versionOf(v any) (int64, bool) {
	if s, ok := v.(string); ok {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	return intValue(v)
}

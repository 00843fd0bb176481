package mockserver

import (
	"encoding/binary"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/casebook-dev/casebook/internal/spec"
)

// store keeps the items clients create, read, update and delete (see
// resource.go for which operations do what). Each session has a state of
// its own; requests without a session share one. A state is seeded from the
// overlay's fixtures the first time a collection is touched.
//
// Everything the store makes up is derived from the server's seed and from
// what the request says, never from a shared random stream or the clock:
// the same seed and the same requests give the same ids and bodies, byte
// for byte, whatever order the requests come in.
//
// The store is bounded: past maxItems items in a collection, or maxBytes of
// stored request bodies in all, the oldest items go first.
type store struct {
	seed     uint64
	fixtures map[string][]Record // collection name -> records
	bound    map[string]*resource

	mu       sync.Mutex
	shared   *state
	sessions map[string]*session
	bytes    int
	tick     uint64 // orders session use, for eviction
}

const (
	maxItems    = 10000
	maxBytes    = 128 << 20
	maxSessions = 1024
)

// state is one session's items.
type state struct {
	colls map[collKey]*collection
	bytes int
}

// collKey names one collection: a resource, and for a collection nested
// under another item, the ids of the items above it.
type collKey struct {
	res     *resource
	parents string // the parent ids joined by "\x00"; "" for a top-level collection
}

type collection struct {
	gens [2]generation     // the young one, then the old one (see add)
	next map[uint64]uint32 // how many items each create request made, for ids
	// reused says next was cleared once, so counts may repeat (see newID).
	reused bool
}

// item is one stored item. Until it is first read, an item created by a
// request keeps only that request: its body is generated when needed, so a
// client that creates and never reads costs no generation.
type item struct {
	id   string
	uri  string // its path, the selfUri where the schema has one
	seed uint64 // seeds the generated part of its body
	req  []byte // the create request's body, until materialized
	// merge are the members of req the item takes (the creating operation's).
	merge []string
	doc   map[string]any
	// version counts updates (1 when created); dated says the server gave
	// it dateCreated and dateModified (fixtures keep their own).
	version int64
	dated   bool
	integer bool // the id is a number
	size    int
	gone    bool
}

func newStore(seed uint64, fixtures map[string][]Record) *store {
	return &store{seed: seed, fixtures: fixtures, bound: map[string]*resource{}, sessions: map[string]*session{}}
}

// stateOf is the state a request's session uses. The caller holds mu.
func (st *store) stateOf(sess *session) *state {
	if sess != nil && sess.state != nil {
		return sess.state
	}
	if st.shared == nil {
		st.shared = &state{colls: map[collKey]*collection{}}
	}
	return st.shared
}

// collection finds (or starts, seeded from its fixture) a collection.
func (st *store) collection(s *state, k collKey) *collection {
	if c := s.colls[k]; c != nil {
		return c
	}
	c := &collection{next: map[uint64]uint32{}}
	s.colls[k] = c
	if k.parents == "" && k.res.depth == 0 && k.res.fixture != "" {
		for _, rec := range st.fixtures[k.res.fixture] {
			c.add(fixtureItem(rec))
		}
	}
	return c
}

// fixtureItem is a fixture record as a stored item. The record is shared
// with the overlay and never changed in place: an update makes a new map.
func fixtureItem(rec Record) *item {
	doc, _ := rec.(map[string]any)
	id, _ := recordID(rec)
	_, number := doc["id"].(float64)
	it := &item{id: id, doc: doc, version: 1, integer: number}
	if v, ok := intValue(doc["version"]); ok {
		it.version = v
	}
	return it
}

// A collection keeps its items in two generations: new items go into the
// young one; when it holds maxItems/2, it becomes the old one and the old
// one is forgotten whole. So a collection holds its newest maxItems/2 to
// maxItems items, and a client that creates without end (a load test)
// costs no per-item eviction.
type generation struct {
	items map[string]*item
	order []*item // creation order, with removed items until compacted
	bytes int
}

func (c *collection) add(it *item) (dropped int) {
	young := &c.gens[0]
	if len(young.items) >= maxItems/2 {
		dropped = c.gens[1].bytes
		// Sized for what filled the last one: no rehashing on the way.
		c.gens[1], c.gens[0] = *young, generation{items: make(map[string]*item, maxItems/2), order: make([]*item, 0, maxItems/2)}
		young = &c.gens[0]
	}
	if young.items == nil {
		young.items = map[string]*item{}
	}
	young.items[it.id] = it
	young.order = append(young.order, it)
	young.bytes += it.size
	return dropped
}

func (c *collection) get(id string) *item {
	if it := c.gens[0].items[id]; it != nil {
		return it
	}
	return c.gens[1].items[id]
}

// resize accounts n more bytes to the item (an update's body).
func (c *collection) resize(it *item, n int) {
	it.size += n
	for i := range c.gens {
		if c.gens[i].items[it.id] == it {
			c.gens[i].bytes += n
		}
	}
}

// remove forgets an item and says how many bytes that freed.
func (c *collection) remove(it *item) int {
	for i := range c.gens {
		g := &c.gens[i]
		if g.items[it.id] != it {
			continue
		}
		delete(g.items, it.id)
		g.bytes -= it.size
		if len(g.order) > 2*len(g.items)+16 {
			g.order = slices.DeleteFunc(g.order, func(o *item) bool { return o.gone || o == it })
		}
	}
	it.gone = true
	return it.size
}

// live lists the items in creation order.
func (c *collection) live() []*item {
	out := make([]*item, 0, len(c.gens[0].items)+len(c.gens[1].items))
	for _, g := range []*generation{&c.gens[1], &c.gens[0]} {
		for _, it := range g.order {
			if !it.gone {
				out = append(out, it)
			}
		}
	}
	return out
}

// dropOldest forgets the old generation, or, when it is empty, makes the
// young one old; false when there is nothing left to drop.
func (c *collection) dropOldest() (freed int, ok bool) {
	if len(c.gens[1].items) > 0 {
		freed = c.gens[1].bytes
		c.gens[1] = generation{}
		return freed, true
	}
	if len(c.gens[0].items) == 0 {
		return 0, false
	}
	c.gens[1], c.gens[0] = c.gens[0], generation{}
	return 0, true
}

// insert stores a new item, making room first when the store is over its
// byte budget (older items of the collection, then whole sessions go).
// The caller holds mu.
func (st *store) insert(s *state, c *collection, it *item) {
	st.makeRoom(s, c, it.size)
	st.account(s, it.size-c.add(it))
}

// account adds n stored bytes (negative: freed).
func (st *store) account(s *state, n int) {
	s.bytes += n
	st.bytes += n
}

// makeRoom evicts until n more bytes fit in the store's budget.
func (st *store) makeRoom(s *state, c *collection, n int) {
	for st.bytes+n > maxBytes {
		if freed, ok := c.dropOldest(); ok {
			st.account(s, -freed)
			continue
		}
		if !st.dropOldestSession(s) {
			return
		}
	}
}

// newID makes the id of an item a request creates: a hash of the seed, the
// collection and the request body, and how many items that same request
// made before, so ids do not depend on the order of unrelated requests.
func (st *store) newID(c *collection, k collKey, body []byte) string {
	h := fnvString(fnvOffset^st.seed, k.res.collection)
	h = fnvString(h, k.parents)
	h = fnvBytes(h, body)
	n := c.next[h]
	if len(c.next) > maxItems {
		clear(c.next) // bounded: from now on ids are checked against those in use
		c.reused = true
	}
	for {
		id := formatID(k.res.idInteger, mix(h+uint64(n)))
		n++
		// Without a clear, (hash, count) pairs are unique and so are their
		// ids (but for a 2^-64 chance): no lookup needed.
		if !c.reused || c.get(id) == nil {
			c.next[h] = n
			return id
		}
	}
}

// itemSeed seeds the generated part of an item's body.
func (st *store) itemSeed(k collKey, id string) uint64 {
	return mix(fnvString(fnvString(fnvString(fnvOffset^st.seed^0x5eed, k.res.collection), k.parents), id))
}

// reset forgets every item and every session.
func (st *store) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.shared = nil
	st.sessions = map[string]*session{}
	st.bytes = 0
}

// materialize gives a lazily created item its body (see build), once. The
// caller holds mu.
func (r *resource) materialize(it *item) map[string]any {
	if it.doc == nil {
		it.doc, it.req = r.build(it), nil
	}
	return it.doc
}

// build is a lazily created item's body: the generated item, the create
// request's members over it, then the server's own fields. It reads it and
// changes nothing, so it runs outside the store's lock on a copy of the
// item: generating costs more than all the rest of a create or read.
func (r *resource) build(it *item) map[string]any {
	doc := map[string]any{}
	if _, v, ok := successBody(r.get, r.doc, it.seed); ok {
		if m, isMap := v.(map[string]any); isMap {
			doc = maps.Clone(m)
		}
	}
	mergeMembers(doc, decodeObject(it.req), it.merge)
	r.owned.fill(doc, it)
	return doc
}

// keep stores a body built outside the lock as the item's, unless the item
// got one meanwhile (an update).
func (st *store) keep(it *item, doc map[string]any) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if it.doc == nil {
		it.doc, it.req = doc, nil
	}
}

// fill writes the server's fields of it into doc, where declared.
func (o serverFields) fill(doc map[string]any, it *item) {
	if o.id != "" {
		doc[o.id] = it.idValue()
	}
	if o.selfURI && it.uri != "" {
		doc["selfUri"] = it.uri
	}
	if o.version {
		if o.versionString {
			doc["version"] = strconv.FormatInt(it.version, 10)
		} else {
			doc["version"] = it.version
		}
	}
	if o.created && it.dated {
		doc["dateCreated"] = serverTime(it.seed, 0)
	}
	if o.modified && it.dated {
		doc["dateModified"] = serverTime(it.seed, it.version-1)
	}
}

// idValue is the id as the body carries it: a number for an integer id.
func (it *item) idValue() any {
	if !it.integer {
		return it.id
	}
	if n, err := strconv.ParseInt(it.id, 10, 64); err == nil {
		return n
	}
	return it.id
}

// serverEpoch is where serverTime's dates start.
var serverEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// serverTime is a date-time derived from a seed (dateCreated), n minutes
// later for the n-th update: deterministic, unlike the clock.
func serverTime(seed uint64, minutes int64) string {
	t := serverEpoch.Add(time.Duration(seed%(365*24*3600)) * time.Second).Add(time.Duration(minutes) * time.Minute)
	return t.Format("2006-01-02T15:04:05.000Z")
}

// formatID writes a hash as the id the resource uses: a UUID (the shape
// Genesys Cloud's ids have), or a positive integer.
func formatID(integer bool, h uint64) string {
	if integer {
		return strconv.FormatUint(h>>34+1, 10)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], h)
	binary.BigEndian.PutUint64(b[8:], mix(h))
	return formatUUID(b)
}

// mix is SplitMix64's finalizer: it spreads a hash's bits.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// fnvString and fnvBytes go on with an FNV-1a 64 hash (start from
// fnvOffset), as hash/fnv does, without allocating.
const fnvOffset = 0xcbf29ce484222325

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return h
}

func fnvBytes(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= 0x100000001b3
	}
	return h
}

// attach gives each operation its part in the state, and makes the
// fixtures an item's GET is served from (a serve entry keyed by the item's
// path parameter) the seed of its collection: the store answers that GET
// from then on, updates included.
func (st *store) attach(ops map[*spec.Operation]*stateOp, policies map[*spec.Operation]*opPolicy) {
	for op, so := range ops {
		pol := policies[op]
		pol.state = so
		if so.res != nil && so.res.get == nil {
			so.res.get = policies[so.res.getOp]
		}
		sv := pol.serve
		if sv == nil || so.role != roleRead || so.res.depth != 0 || sv.Key.Path != so.params[len(so.params)-1] {
			continue
		}
		so.res.fixture = sv.Fixture
		st.bound[sv.Fixture] = so.res
		pol.serve = nil
	}
}

// boundRecord is the current item behind a fixture collection the store
// took over, so rules on fixtures see what clients changed; ok is false
// when the collection is not the store's.
func (st *store) boundRecord(sess *session, collection, id string) (rec Record, ok bool) {
	if st == nil || st.bound[collection] == nil || (sess != nil && sess.stateless) {
		return nil, false
	}
	r := st.bound[collection]
	st.mu.Lock()
	defer st.mu.Unlock()
	it := st.collection(st.stateOf(sess), collKey{res: r}).get(id)
	if it == nil {
		return nil, true
	}
	return r.materialize(it), true
}

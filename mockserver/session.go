package mockserver

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
)

// SessionHeader names the session a request belongs to. A session is a
// private state inside one mock, with faults of its own, so that tests
// running at once against one mock do not see each other's items: the
// runner gives each case one. A request without the header uses the state
// shared by all such requests. A name the mock has not seen starts a fresh
// session, seeded from the overlay's fixtures like any state.
const SessionHeader = "Casebook-Session"

// SessionStateHeader, sent with a SessionHeader the mock has not seen,
// says what state the new session keeps: "off" answers its requests from
// the spec alone (SessionOptions.Stateless); anything else, a fresh state.
// It is how a case's mock.state reaches a standalone mock behind a URL.
const SessionStateHeader = "Casebook-Session-State"

// session is one SessionHeader value's state and faults.
type session struct {
	id     string
	state  *state // nil: the shared state
	faults *Faults
	used   uint64
	// stateless answers the session's requests from the spec alone.
	stateless bool
}

// SessionOptions configure a session opened with OpenSession.
type SessionOptions struct {
	// SharedState makes the session use the shared state instead of a
	// fresh one of its own (its faults stay its own).
	SharedState bool
	// Stateless answers the session's requests from the spec alone, as
	// Config.Stateless does for the whole mock.
	Stateless bool
	// Faults apply to the session's requests only, before the server's.
	Faults []Fault
}

// OpenSession starts a session and returns the SessionHeader value that
// selects it. Close it with CloseSession when done; the mock keeps at most
// 1,024 sessions and forgets the least recently used beyond that.
func (s *Server) OpenSession(o SessionOptions) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	id := "s-" + hex.EncodeToString(b[:])
	sess := &session{id: id, stateless: o.Stateless}
	if !o.SharedState && !o.Stateless {
		sess.state = &state{colls: map[collKey]*collection{}}
	}
	if len(o.Faults) > 0 {
		sess.faults = &Faults{Rules: o.Faults}
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	st.addSession(sess)
	return id
}

// CloseSession forgets a session's items and faults.
func (s *Server) CloseSession(id string) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	st.dropSession(id)
}

// Reset forgets every item, session and spent fault: the mock answers as
// if it had just started (fixtures seed the state again).
func (s *Server) Reset() {
	s.store.reset()
	for _, f := range s.faults {
		f.reset()
	}
}

// maxSessionID bounds a SessionHeader value: sessions are kept by it.
const maxSessionID = 128

// sessionOf finds the session a request names; nil when it names none.
func (s *Server) sessionOf(r *http.Request) *session {
	id := r.Header.Get(SessionHeader)
	if id == "" || len(id) > maxSessionID {
		return nil
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	sess := st.sessions[id]
	if sess == nil {
		sess = &session{id: id, state: &state{colls: map[collKey]*collection{}}}
		if r.Header.Get(SessionStateHeader) == "off" {
			sess = &session{id: id, stateless: true}
		}
		st.addSession(sess)
	}
	st.tick++
	sess.used = st.tick
	return sess
}

// addSession keeps a session, forgetting the least recently used past
// maxSessions. The caller holds mu.
func (st *store) addSession(sess *session) {
	for len(st.sessions) >= maxSessions && st.dropOldestSession(nil) {
	}
	st.tick++
	sess.used = st.tick
	st.sessions[sess.id] = sess
}

func (st *store) dropSession(id string) {
	if sess := st.sessions[id]; sess != nil {
		if sess.state != nil {
			st.bytes -= sess.state.bytes
		}
		delete(st.sessions, id)
	}
}

// dropOldestSession forgets the least recently used session other than
// the one using keep; false when there is none. The caller holds mu.
func (st *store) dropOldestSession(keep *state) bool {
	var oldest *session
	for _, sess := range st.sessions {
		if (keep == nil || sess.state != keep) && (oldest == nil || sess.used < oldest.used) {
			oldest = sess
		}
	}
	if oldest == nil {
		return false
	}
	st.dropSession(oldest.id)
	return true
}

// Change is one change clients made to the mock's state, for whoever
// follows it (a notification channel publishes it as an event).
type Change struct {
	Kind ChangeKind
	// Operation is the operation that made it, as the spec writes it:
	// "POST /api/v2/outbound/campaigns".
	Operation string
	// Collection is the path of the item's collection
	// ("/api/v2/outbound/campaigns"); for an action, that of the item it
	// acts on; "" for an action on no item.
	Collection string
	// ID is the item's id ("" for an action on no item).
	ID string
	// Body is the item after the change (Created, Updated), the item
	// removed (Deleted) or the action's answer (Action), as decoded JSON.
	// It is shared with the store: read it, never change it.
	Body any
	// Item is, for an Action on an item (POST .../{campaignId}/start), that
	// item as the action left it; nil for the other kinds (Body is the
	// item) and when the mock keeps no state. Shared: read it only.
	Item any
	// Request is the request's body as decoded JSON (nil when it has none
	// or it is not JSON): what a follower needs of what the client asked
	// for (the number a call dials). Shared: read it only.
	Request any
	// Session is the request's SessionHeader ("" for the shared state).
	Session string
	// Client and User are the overlay client whose token made the request
	// and the user that token acts for ("" when none).
	Client, User string
}

// ChangeKind says what happened.
type ChangeKind string

const (
	Created ChangeKind = "created"
	Updated ChangeKind = "updated"
	Deleted ChangeKind = "deleted"
	// Action is a successful answer to a POST, PUT, PATCH or DELETE that
	// is not a create, update or delete of an item (placing a call,
	// starting a campaign).
	Action ChangeKind = "action"
)

// OnChange registers f to be called after each change: an item created,
// updated or deleted, or an action answered with success. f runs on the
// request's goroutine once the answer is written; it must not block.
func (s *Server) OnChange(f func(Change)) {
	s.hooksMu.Lock()
	defer s.hooksMu.Unlock()
	var hs []func(Change)
	if p := s.hooks.Load(); p != nil {
		hs = append(hs, *p...)
	}
	hs = append(hs, f)
	s.hooks.Store(&hs)
}

// watched reports whether anyone follows changes (so bodies nobody reads
// are not generated).
func (s *Server) watched() bool { return s.hooks.Load() != nil }

// changed completes a change with who made it and tells the subscribers.
func (s *Server) changed(ex *exchange, c Change) {
	p := s.hooks.Load()
	if p == nil {
		return
	}
	c.Operation = ex.match.Operation.String()
	if ex.session != nil {
		c.Session = ex.session.id
	}
	if ex.grant != nil {
		c.Client, c.User = ex.grant.client.Name, ex.grant.client.User
	}
	if doc, ok := ex.json(); ok {
		c.Request = doc
	}
	for _, f := range *p {
		f(c)
	}
}

// controlPrefix starts casebook's own routes, which no vendor spec uses.
const controlPrefix = "/__casebook/"

// serveControl answers casebook's own routes, to loopback clients only:
//
//	POST /__casebook/reset   forget every item, session and spent fault
//	                         (with a SessionHeader: that session only); 204
func (s *Server) serveControl(w *statusRecorder, r *http.Request) {
	if !fromLoopback(r) {
		s.fail(w, nil, &apiError{Status: http.StatusForbidden, Code: codeForbidden,
			Message: "casebook's own routes answer loopback clients only."})
		return
	}
	if strings.TrimPrefix(r.URL.Path, controlPrefix) != "reset" {
		s.fail(w, nil, &apiError{Status: http.StatusNotFound, Code: codeNotFound})
		return
	}
	if r.Method != http.MethodPost {
		s.fail(w, nil, &apiError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed, Params: []string{http.MethodPost},
			Header: http.Header{"Allow": {http.MethodPost}}})
		return
	}
	if id := r.Header.Get(SessionHeader); id != "" {
		s.CloseSession(id)
	} else {
		s.Reset()
	}
	w.WriteHeader(http.StatusNoContent)
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

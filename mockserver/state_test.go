package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const petsSpec = "testdata/pets.yaml"

// campaignBody is a Campaign with the members the published schema requires.
func campaignBody(name, mode string, extra ...string) string {
	b := fmt.Sprintf(`{"name": %q, "dialingMode": %q, "callerName": "Casebook", "callerAddress": "+13175550123",
		"contactList": {"id": "contact-list-1"}, "phoneColumns": [{"columnName": "Cell", "type": "cell"}]`, name, mode)
	for _, e := range extra {
		b += ", " + e
	}
	return b + "}"
}

// TestCampaignLifecycle is issue 11's client workflow on the Genesys
// subset: create, read back, update, read the update, a stale update, and
// an unknown id; every answer carries an Inin-Correlation-Id.
func TestCampaignLifecycle(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	tok := tokenFor(t, srv, "agent")
	var answers []response
	step := func(method, path, body string, want int) response {
		t.Helper()
		r := send(t, srv, method, path, tok, "", body)
		if r.status != want {
			t.Fatalf("%s %s = %d %s, want %d", method, path, r.status, r.raw, want)
		}
		answers = append(answers, r)
		return r
	}

	created := step("POST", "/api/v2/outbound/campaigns", campaignBody("Spring renewals", "preview"), 200)
	id := created.str("id")
	if id == "" || created.str("name") != "Spring renewals" || created.str("dialingMode") != "preview" || created.body["version"] != 1.0 {
		t.Fatalf("created = %s, want the request's name and dialingMode, an id and version 1", created.raw)
	}
	// Campaign.selfUri is format uri: absolute, on the mock, so a client can follow it.
	if want := srv.URL() + "/api/v2/outbound/campaigns/" + id; created.str("selfUri") != want {
		t.Errorf("selfUri = %q, want %q", created.str("selfUri"), want)
	}
	path := "/api/v2/outbound/campaigns/" + id
	read := step("GET", path, "", 200)
	if diff := cmp.Diff(created.body, read.body); diff != "" {
		t.Errorf("GET after POST differs from the created campaign (-created +read):\n%s", diff)
	}

	updated := step("PUT", path, campaignBody("Summer renewals", "preview", `"version": 1`), 200)
	if updated.str("name") != "Summer renewals" || updated.body["version"] != 2.0 || updated.str("id") != id {
		t.Errorf("PUT = %s, want the new name, version 2 and the same id", updated.raw)
	}
	if updated.str("dateCreated") != created.str("dateCreated") || updated.str("dateModified") == created.str("dateModified") {
		t.Errorf("PUT dates: created %s -> %s, modified %s -> %s; want dateCreated kept and dateModified moved",
			created.str("dateCreated"), updated.str("dateCreated"), created.str("dateModified"), updated.str("dateModified"))
	}
	if got := step("GET", path, "", 200); got.str("name") != "Summer renewals" || got.str("dialingMode") != "preview" {
		t.Errorf("GET after PUT = %s, want the new name", got.raw)
	}

	stale := step("PUT", path, campaignBody("Stale", "preview", `"version": 1`), 409)
	checkGenesysError(t, stale, 409, "invalid.update.wrong.version")
	if got := step("GET", path, "", 200); got.str("name") != "Summer renewals" {
		t.Errorf("a stale PUT changed the campaign: %s", got.raw)
	}
	checkGenesysError(t, step("GET", "/api/v2/outbound/campaigns/no-such-campaign", "", 404), 404, "not.found")
	checkGenesysError(t, step("PUT", "/api/v2/outbound/campaigns/no-such-campaign", campaignBody("x", "preview"), 404), 404, "not.found")
	checkGenesysError(t, step("POST", "/api/v2/outbound/campaigns/no-such-campaign/start", "", 404), 404, "not.found")
	step("POST", path+"/start", "", 200) // an action on a campaign that exists

	// The fixtures seed the state, and the store answers their GET with what clients changed.
	step("PUT", "/api/v2/outbound/campaigns/campaign-predictive", campaignBody("Renamed", "power", `"version": 1`), 200)
	if got := step("GET", "/api/v2/outbound/campaigns/campaign-predictive", "", 200); got.str("dialingMode") != "power" || got.body["version"] != 2.0 {
		t.Errorf("fixture after PUT = %s, want dialingMode power, version 2", got.raw)
	}

	seen := map[string]bool{}
	for i, r := range answers {
		id := r.header.Get("Inin-Correlation-Id")
		if id == "" || seen[id] {
			t.Errorf("answer %d (%d): Inin-Correlation-Id %q, want a fresh one on every answer", i, r.status, id)
		}
		seen[id] = true
	}
}

// TestPublishedSwaggerState: the published swagger served alone infers
// the same resources: an unknown campaign is 404, a created one is read
// back and listed in the spec's CampaignEntityListing shape, and a deleted
// one is gone.
func TestPublishedSwaggerState(t *testing.T) {
	srv := newServer(t, realSwagger, Config{})
	tok := issue(srv, "default")
	r := inProcess(srv, "GET", "/api/v2/outbound/campaigns/no-such-campaign", tok, "", nil)
	checkGenesysError(t, r, 404, "not.found")

	for i, name := range []string{"First", "Second", "Third"} {
		r := inProcess(srv, "POST", "/api/v2/outbound/campaigns", tok, campaignBody(name, "preview"), nil)
		if r.status != 200 || r.str("name") != name {
			t.Fatalf("POST campaign %d = %d %s", i, r.status, r.raw)
		}
	}
	list := inProcess(srv, "GET", "/api/v2/outbound/campaigns?pageSize=2&pageNumber=2", tok, "", nil)
	entities, _ := list.body["entities"].([]any)
	if list.status != 200 || len(entities) != 1 || list.body["total"] != 3.0 || list.body["pageCount"] != 2.0 ||
		list.body["pageSize"] != 2.0 || list.body["pageNumber"] != 2.0 {
		t.Fatalf("page 2 of 2 = %d %s, want 1 of 3 entities", list.status, list.raw)
	}
	third, _ := entities[0].(map[string]any)
	if third["name"] != "Third" {
		t.Errorf("page 2 holds %v, want the third campaign (creation order)", third["name"])
	}
	if _, ok := list.body["nextUri"]; ok || list.body["previousUri"] != "http://example.com/api/v2/outbound/campaigns?pageSize=2&pageNumber=1" {
		t.Errorf("links = next %v, previous %v; want no next and the first page as previous", list.body["nextUri"], list.body["previousUri"])
	}

	path := "/api/v2/outbound/campaigns/" + third["id"].(string)
	if r := inProcess(srv, "DELETE", path, tok, "", nil); r.status != 200 || r.str("name") != "Third" {
		t.Errorf("DELETE = %d %s, want 200 with the campaign removed", r.status, r.raw)
	}
	checkGenesysError(t, inProcess(srv, "GET", path, tok, "", nil), 404, "not.found")
	// A nested path acts on its campaign, which must exist.
	checkGenesysError(t, inProcess(srv, "GET", path+"/stats", tok, "", nil), 404, "not.found")

	// POST /api/v2/conversations/calls creates the call GET .../calls/{conversationId} reads.
	call := inProcess(srv, "POST", "/api/v2/conversations/calls", tok, `{"phoneNumber": "+13175550123"}`, nil)
	if call.status != 200 {
		t.Fatalf("place a call = %d %s", call.status, call.raw)
	}
	conv := inProcess(srv, "GET", "/api/v2/conversations/calls/"+call.str("id"), tok, "", nil)
	if conv.status != 200 || conv.str("id") != call.str("id") {
		t.Errorf("GET the call = %d %s, want the conversation %s", conv.status, conv.raw, call.str("id"))
	}
}

// TestSeedGivesSameBodies: two mocks with the same seed give the same
// bodies, byte for byte, whatever order the requests come in; another
// seed gives others.
func TestSeedGivesSameBodies(t *testing.T) {
	requests := []struct{ method, path, body string }{
		{"POST", "/api/v2/outbound/campaigns", campaignBody("A", "preview")},
		{"POST", "/api/v2/outbound/campaigns", campaignBody("B", "power")},
		{"POST", "/api/v2/outbound/campaigns", campaignBody("A", "preview")}, // the same body again: another campaign
		{"POST", "/api/v2/conversations/calls", `{"phoneNumber": "+13175550123"}`},
		{"GET", "/api/v2/users/me", ""},
	}
	run := func(seed uint64, order []int) map[int]string {
		srv := newServer(t, realSwagger, Config{Seed: seed})
		tok := issue(srv, "default")
		out := map[int]string{}
		for _, i := range order {
			rq := requests[i]
			r := inProcess(srv, rq.method, rq.path, tok, rq.body, nil)
			if r.status != 200 {
				t.Fatalf("%s %s = %d %s", rq.method, rq.path, r.status, r.raw)
			}
			out[i] = string(r.raw)
			if rq.method == "POST" && strings.Contains(rq.path, "campaigns") {
				out[i] += string(inProcess(srv, "GET", rq.path+"/"+r.str("id"), tok, "", nil).raw)
			}
		}
		return out
	}
	first := run(7, []int{0, 1, 2, 3, 4})
	if diff := cmp.Diff(first, run(7, []int{4, 3, 1, 0, 2})); diff != "" {
		t.Errorf("seed 7 in another order gave other bodies (-first +second):\n%s", diff)
	}
	if first[0] == first[2] {
		t.Errorf("the same create twice made the same campaign: %s", first[0])
	}
	other := run(8, []int{0, 1, 2, 3, 4})
	for i := range requests {
		if other[i] == first[i] {
			t.Errorf("request %d: seeds 7 and 8 gave the same body %s", i, first[i])
		}
	}
}

// TestGenericResource: on a spec of no vendor, integer ids, an array
// list, 201 with Location, PATCH as a merge patch, a nested collection,
// an action, 204 on DELETE and problem+json 404s.
func TestGenericResource(t *testing.T) {
	srv := newServer(t, petsSpec, Config{})
	created := inProcess(srv, "POST", "/pets", "", `{"name": "Rex", "tag": "dog", "owner": {"name": "Ann", "phone": "1"}, "color": "brown"}`, nil)
	id, isNumber := created.body["id"].(float64)
	if created.status != 201 || !isNumber || created.str("name") != "Rex" {
		t.Fatalf("POST /pets = %d %s, want 201 with an integer id", created.status, created.raw)
	}
	if _, ok := created.body["color"]; ok {
		t.Errorf("created pet keeps the undeclared member color: %s", created.raw)
	}
	path := petPath(created)
	if loc := created.header.Get("Location"); loc != path {
		t.Errorf("Location = %q, want %q", loc, path)
	}
	patched := inProcess(srv, "PATCH", path, "", `{"tag": null, "owner": {"phone": "2"}}`, nil)
	want := map[string]any{"id": id, "name": "Rex", "owner": map[string]any{"name": "Ann", "phone": "2"}}
	if diff := cmp.Diff(want, patched.body); diff != "" {
		t.Errorf("PATCH (-want +got):\n%s", diff)
	}
	if r := inProcess(srv, "GET", "/pets", "", "", nil); r.status != 200 || !strings.HasPrefix(string(r.raw), "[") || !strings.Contains(string(r.raw), `"phone":"2"`) {
		t.Errorf("GET /pets = %d %s, want an array holding the patched pet", r.status, r.raw)
	}

	toy := inProcess(srv, "POST", path+"/toys", "", `{"name": "ball"}`, nil)
	if toy.status != 200 || toy.str("id") == "" || toy.str("name") != "ball" {
		t.Fatalf("POST toy = %d %s, want the receipt with the toy's id and name", toy.status, toy.raw)
	}
	if r := inProcess(srv, "GET", path+"/toys/"+toy.str("id"), "", "", nil); r.status != 200 || r.str("name") != "ball" {
		t.Errorf("GET toy = %d %s", r.status, r.raw)
	}
	for _, rq := range []struct{ method, path string }{
		{"GET", "/pets/999/toys/" + toy.str("id")}, {"POST", "/pets/999/toys"}, {"POST", "/pets/999/feed"}, {"DELETE", "/pets/999"},
	} {
		if r := inProcess(srv, rq.method, rq.path, "", "", nil); r.status != 404 || r.str("code") != "not.found" {
			t.Errorf("%s %s = %d %s, want 404 not.found", rq.method, rq.path, r.status, r.raw)
		}
	}
	if r := inProcess(srv, "POST", path+"/feed", "", "", nil); r.status != 202 {
		t.Errorf("feed an existing pet = %d %s, want 202", r.status, r.raw)
	}
	if r := inProcess(srv, "DELETE", path, "", "", nil); r.status != 204 || len(r.raw) != 0 {
		t.Errorf("DELETE = %d %q, want 204 and no body", r.status, r.raw)
	}
	if r := inProcess(srv, "GET", path+"/toys/"+toy.str("id"), "", "", nil); r.status != 404 || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("toy of a deleted pet = %d %s, want a problem+json 404", r.status, r.raw)
	}
}

// TestSessions: a session sees only its own items; the shared state and
// other sessions never see them; closing or resetting it forgets them.
func TestSessions(t *testing.T) {
	srv := newServer(t, petsSpec, Config{})
	a, b := srv.OpenSession(SessionOptions{}), srv.OpenSession(SessionOptions{})
	in := func(id string) http.Header { return http.Header{SessionHeader: {id}} }
	created := inProcess(srv, "POST", "/pets", "", `{"name": "Rex"}`, in(a))
	path := petPath(created)
	for name, h := range map[string]http.Header{"session b": in(b), "the shared state": nil, "a named session": in("mine")} {
		if r := inProcess(srv, "GET", path, "", "", h); r.status != 404 {
			t.Errorf("%s sees session a's pet: %d %s", name, r.status, r.raw)
		}
	}
	if r := inProcess(srv, "GET", path, "", "", in(a)); r.status != 200 {
		t.Errorf("session a lost its pet: %d %s", r.status, r.raw)
	}
	srv.CloseSession(a)
	if r := inProcess(srv, "GET", path, "", "", in(a)); r.status != 404 {
		t.Errorf("after CloseSession: %d %s, want 404", r.status, r.raw)
	}
	shared := srv.OpenSession(SessionOptions{SharedState: true})
	inProcess(srv, "POST", "/pets", "", `{"name": "Rex"}`, in(shared))
	if r := inProcess(srv, "GET", path, "", "", nil); r.status != 200 {
		t.Errorf("a SharedState session's pet is not in the shared state: %d", r.status)
	}
	srv.Reset()
	if r := inProcess(srv, "GET", path, "", "", nil); r.status != 404 {
		t.Errorf("after Reset: %d, want 404", r.status)
	}
	long := http.Header{SessionHeader: {strings.Repeat("s", maxSessionID+1)}}
	if r := inProcess(srv, "GET", "/pets", "", "", long); r.status != 400 || !strings.Contains(r.str("detail"), "Casebook-Session header is longer") {
		t.Errorf("a session name of %d characters: %d %s, want 400 naming the header", maxSessionID+1, r.status, r.raw)
	}
}

// TestResetRoute: POST /__casebook/reset forgets the state for loopback
// clients only, a session's alone when the request names one.
func TestResetRoute(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	tok := tokenFor(t, srv, "agent")
	mine := http.Header{SessionHeader: {"mine"}}
	shared := send(t, srv, "POST", "/api/v2/outbound/campaigns", tok, "", campaignBody("Shared", "preview"))
	own := sendHeader(t, srv, "POST", "/api/v2/outbound/campaigns", tok, "", campaignBody("Mine", "preview"), mine)
	if r := sendHeader(t, srv, "POST", "/__casebook/reset", "", "", "", mine); r.status != 204 {
		t.Fatalf("reset a session = %d %s, want 204", r.status, r.raw)
	}
	if r := sendHeader(t, srv, "GET", "/api/v2/outbound/campaigns/"+own.str("id"), tok, "", "", mine); r.status != 404 {
		t.Errorf("the session's campaign survived its reset: %d", r.status)
	}
	if r := send(t, srv, "GET", "/api/v2/outbound/campaigns/"+shared.str("id"), tok, "", ""); r.status != 200 {
		t.Errorf("a session's reset forgot the shared state: %d", r.status)
	}
	if r := send(t, srv, "POST", "/__casebook/reset", "", "", ""); r.status != 204 {
		t.Fatalf("reset = %d %s, want 204", r.status, r.raw)
	}
	if r := send(t, srv, "GET", "/api/v2/outbound/campaigns/"+shared.str("id"), tok, "", ""); r.status != 404 {
		t.Errorf("after reset: %d, want 404", r.status)
	}
	if r := send(t, srv, "GET", "/api/v2/outbound/campaigns/campaign-predictive", tok, "", ""); r.status != 200 {
		t.Errorf("after reset the fixtures are gone: %d, want them seeded again", r.status)
	}
	if r := send(t, srv, "GET", "/__casebook/reset", "", "", ""); r.status != 405 {
		t.Errorf("GET reset = %d, want 405", r.status)
	}
	// In process, httptest's requests come from 192.0.2.1: not loopback.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("POST", "/__casebook/reset", nil))
	if rec.Code != 403 {
		t.Errorf("reset from 192.0.2.1 = %d %s, want 403", rec.Code, rec.Body)
	}
}

// TestOnChange: subscribers hear of every create, update and delete with
// the item, and of actions with the item they act on and the request,
// with who made them.
func TestOnChange(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	var mu sync.Mutex
	var got []Change
	srv.OnChange(func(c Change) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, c)
	})
	tok := tokenFor(t, srv, "agent")
	created := send(t, srv, "POST", "/api/v2/outbound/campaigns", tok, "", campaignBody("A", "preview"))
	id := created.str("id")
	send(t, srv, "PUT", "/api/v2/outbound/campaigns/"+id, tok, "", campaignBody("B", "preview"))
	send(t, srv, "POST", "/api/v2/outbound/campaigns/"+id+"/start", tok, "", "")
	send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "+13175550123"}`)
	send(t, srv, "GET", "/api/v2/outbound/campaigns/"+id, tok, "", "")                            // a read changes nothing
	send(t, srv, "PUT", "/api/v2/outbound/campaigns/none", tok, "", campaignBody("C", "preview")) // nor a 404

	mu.Lock()
	defer mu.Unlock()
	type summary struct{ Kind, Operation, Collection, ID, Name, Client, User string }
	var sums []summary
	for _, c := range got {
		item, _ := c.Body.(map[string]any)
		if c.Kind == Action {
			item, _ = c.Item.(map[string]any) // the campaign started; none for the call
		}
		name, _ := item["name"].(string)
		sums = append(sums, summary{string(c.Kind), c.Operation, c.Collection, c.ID, name, c.Client, c.User})
	}
	const coll = "/api/v2/outbound/campaigns"
	want := []summary{
		{"created", "POST /api/v2/outbound/campaigns", coll, id, "A", "agent", "agent-with-station"},
		{"updated", "PUT /api/v2/outbound/campaigns/{campaignId}", coll, id, "B", "agent", "agent-with-station"},
		{"action", "POST /api/v2/outbound/campaigns/{campaignId}/start", coll, id, "B", "agent", "agent-with-station"},
		{"action", "POST /api/v2/conversations/calls", "", "", "", "agent", "agent-with-station"},
	}
	if diff := cmp.Diff(want, sums); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	last := got[len(got)-1]
	if call, _ := last.Body.(map[string]any); call["id"] == nil {
		t.Errorf("the call's change carries %v, want the answer with its id", last.Body)
	}
	if req, _ := last.Request.(map[string]any); req["phoneNumber"] != "+13175550123" {
		t.Errorf("the call's change carries the request %v, want the number it dialled", last.Request)
	}
}

// TestStateless: Config.Stateless, and a Stateless session, answer from
// the spec alone.
func TestStateless(t *testing.T) {
	srv := newServer(t, petsSpec, Config{Stateless: true})
	if r := inProcess(srv, "GET", "/pets/12345", "", "", nil); r.status != 200 {
		t.Errorf("stateless GET of any pet = %d %s, want 200", r.status, r.raw)
	}
	srv = newServer(t, petsSpec, Config{})
	off := http.Header{SessionHeader: {srv.OpenSession(SessionOptions{Stateless: true})}}
	if r := inProcess(srv, "GET", "/pets/12345", "", "", off); r.status != 200 {
		t.Errorf("GET of any pet in a stateless session = %d %s, want 200", r.status, r.raw)
	}
	if r := inProcess(srv, "GET", "/pets/12345", "", "", nil); r.status != 404 {
		t.Errorf("GET of an unknown pet outside it = %d, want 404", r.status)
	}
	// A session named by a client (a URL target) asks for the same.
	named := http.Header{SessionHeader: {"case-1"}, SessionStateHeader: {"off"}}
	if r := inProcess(srv, "GET", "/pets/12345", "", "", named); r.status != 200 {
		t.Errorf("GET of any pet in a session named with %s: off = %d %s, want 200", SessionStateHeader, r.status, r.raw)
	}
	fresh := http.Header{SessionHeader: {"case-2"}, SessionStateHeader: {"fresh"}}
	if r := inProcess(srv, "GET", "/pets/12345", "", "", fresh); r.status != 404 {
		t.Errorf("GET of an unknown pet in a fresh named session = %d, want 404", r.status)
	}
}

// TestStoreIsBounded: a collection keeps its newest maxItems/2 to
// maxItems items; the oldest go first.
func TestStoreIsBounded(t *testing.T) {
	srv := newServer(t, petsSpec, Config{})
	var first, last string
	for i := range maxItems + 1 {
		r := inProcess(srv, "POST", "/pets", "", fmt.Sprintf(`{"name": "pet %d"}`, i), nil)
		if i == 0 {
			first = petPath(r)
		}
		last = petPath(r)
	}
	if r := inProcess(srv, "GET", first, "", "", nil); r.status != 404 {
		t.Errorf("the oldest of %d pets = %d, want 404 (evicted)", maxItems+1, r.status)
	}
	if r := inProcess(srv, "GET", last, "", "", nil); r.status != 200 {
		t.Errorf("the newest pet = %d, want 200", r.status)
	}
	var all []map[string]any
	_ = json.Unmarshal(inProcess(srv, "GET", "/pets", "", "", nil).raw, &all)
	if len(all) < maxItems/2 || len(all) > maxItems || all[len(all)-1]["name"] != fmt.Sprintf("pet %d", maxItems) {
		t.Errorf("GET /pets lists %d ending with %v, want %d to %d ending with the newest", len(all), all[len(all)-1], maxItems/2, maxItems)
	}
	st := srv.store
	if got := st.shared.bytes; got != st.bytes || got <= 0 {
		t.Errorf("bytes accounted: state %d, store %d; want equal and positive", got, st.bytes)
	}
}

// petPath is the path of the pet an answer holds.
func petPath(r response) string {
	id, _ := r.body["id"].(float64)
	return fmt.Sprintf("/pets/%d", int64(id))
}

// newServer builds a mock of a spec (with its overlay when one is beside
// it) to call in process.
func newServer(t testing.TB, specPath string, cfg Config) *Server {
	t.Helper()
	cfg.Spec = loadSpec(t, specPath)
	if ov, err := LoadOverlay(OverlayPathFor(specPath)); err == nil {
		cfg.Overlay = ov
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return srv
}

// inProcess makes one request in process, from loopback.
func inProcess(srv *Server, method, path, token, body string, header http.Header) response {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = "127.0.0.1:50000"
	for k, vs := range header {
		req.Header[k] = vs
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	r := response{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	_ = json.Unmarshal(r.raw, &r.body)
	return r
}

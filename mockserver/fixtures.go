package mockserver

import (
	"net/http"
	"strconv"
)

// Fixtures are free-form JSON objects because they are data the mock serves
// as a vendor would (a GET campaign answers the fixture itself), in the
// vendor's own shape. Each has an "id" by which rules and serve entries
// find it.

// recordID reads a fixture's id (a string, or a number written as one).
func recordID(r Record) (string, bool) {
	m, ok := r.(map[string]any)
	if !ok {
		return "", false
	}
	switch id := m["id"].(type) {
	case string:
		return id, id != ""
	case float64:
		return strconv.FormatFloat(id, 'f', -1, 64), true
	}
	return "", false
}

func findRecord(records []Record, id string) Record {
	for _, r := range records {
		if rid, ok := recordID(r); ok && rid == id {
			return r
		}
	}
	return nil
}

// lookupFixture finds the record of a collection whose id the key names.
func (s *Server) lookupFixture(ex *exchange, collection string, key Ref) Record {
	v, ok := ex.value(key)
	if !ok {
		return nil
	}
	id, ok := scalarString(v)
	if !ok {
		return nil
	}
	if rec, ok := s.store.boundRecord(ex.session, collection, id); ok {
		return rec
	}
	return findRecord(s.overlay.Fixtures[collection], id)
}

// serveFixture answers a serve entry: the record as the success body, or
// 404 not.found when no record has the id.
func (s *Server) serveFixture(w http.ResponseWriter, ex *exchange, sv *Serve, status int) {
	rec := s.lookupFixture(ex, sv.Fixture, sv.Key)
	if rec == nil {
		s.writeError(w, ex.match.Operation, &apiError{Status: http.StatusNotFound, Code: codeNotFound})
		return
	}
	writeJSON(w, "application/json", status, rec)
}

func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

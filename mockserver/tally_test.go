package mockserver

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSummaryCountsAnswers(t *testing.T) {
	srv, err := New(Config{Spec: loadSpec(t, genesysSpec)})
	require.NoError(t, err)
	assert.Equal(t, "no requests answered", srv.Summary())
	for _, path := range []string{"/api/v2/conversations/calls", "/api/v2/conversations/calls", "/nowhere"} {
		srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", path, nil))
	}
	srv.testHook = func(*http.Request) { panic("boom") }
	srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/v2/conversations/calls", nil))
	assert.Equal(t, "4 request(s) answered: 401 x2, 404 x1, 500 x1", srv.Summary())
}

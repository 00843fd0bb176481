package contract

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pcSpec = "../../specs/personal-connection.yaml"

// recordT is a TB that keeps what it was told.
type recordT struct{ errors, logs []string }

func (r *recordT) Helper() {}
func (r *recordT) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recordT) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// vendor answers every request with status and body, and counts them.
func vendor(t *testing.T, status int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, client *http.Client, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer t")
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func load(t *testing.T) *Spec {
	t.Helper()
	s, err := Load(pcSpec)
	require.NoError(t, err)
	return s
}

const goodCall = `{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "a", "type": "agent"}}`

func TestForTestFailsOnErrorsLogsWarnings(t *testing.T) {
	srv := vendor(t, http.StatusAccepted, `{"id": "c-1", "status": "queued"}`)
	rt := &recordT{}
	client := &http.Client{Transport: ForTest(rt, load(t), nil)}

	status, body := post(t, client, srv.URL+"/api/v2/outbound/campaigns/c1/calls", goodCall)
	assert.Equal(t, http.StatusAccepted, status)
	assert.Equal(t, `{"id": "c-1", "status": "queued"}`, body, "the answer reaches the caller whole")
	assert.Empty(t, rt.errors, "a conforming exchange")

	_, _ = post(t, client, srv.URL+"/api/v2/outbound/campaigns/c1/calls", `{"recipient": {"type": "phone", "address": "555"}, "initiator": {"id": "a", "type": "agent"}}`)
	require.Len(t, rt.errors, 1)
	assert.Contains(t, rt.errors[0], "POST /api/v2/outbound/campaigns/c1/calls: request: error body /recipient/address: pattern")
}

func TestAnswerChecked(t *testing.T) {
	srv := vendor(t, http.StatusTeapot, `{"id": 5}`)
	var got []Finding
	client := &http.Client{Transport: &Transport{Spec: load(t), Report: func(f Finding) { got = append(got, f) }}}
	status, body := post(t, client, srv.URL+"/api/v2/outbound/campaigns/c1/calls", goodCall)
	assert.Equal(t, http.StatusTeapot, status)
	assert.Equal(t, `{"id": 5}`, body)
	require.Len(t, got, 1)
	assert.Equal(t, 418, got[0].Status)
	assert.Equal(t, "status", got[0].Rule)
	assert.Equal(t, Error, got[0].Severity)
}

func TestUnknownOperationNamesTheNearest(t *testing.T) {
	srv := vendor(t, http.StatusOK, `whatever`)
	var got []Finding
	client := &http.Client{Transport: &Transport{Spec: load(t), Report: func(f Finding) { got = append(got, f) }}}
	_, _ = post(t, client, srv.URL+"/api/v2/outbound/calls", goodCall)
	require.Len(t, got, 1, "the answer to an unknown operation has no contract to check: %v", got)
	assert.Equal(t, "unknown-operation", got[0].Rule)
	assert.Equal(t, "POST /api/v2/outbound/campaigns/{campaignId}/calls", got[0].DidYouMean)
}

func TestSkip(t *testing.T) {
	srv := vendor(t, http.StatusOK, `{}`)
	var got []Finding
	client := &http.Client{Transport: &Transport{Spec: load(t), Report: func(f Finding) { got = append(got, f) },
		Skip: func(r *http.Request) bool { return r.URL.Path == "/oauth/token" }}}
	_, _ = post(t, client, srv.URL+"/oauth/token", `grant_type=client_credentials`)
	assert.Empty(t, got)
}

func TestNoSpec(t *testing.T) {
	client := &http.Client{Transport: &Transport{}}
	_, err := client.Get("http://127.0.0.1:1/")
	assert.True(t, errors.Is(err, ErrNoSpec), "err = %v", err)
}

package mocktest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/casebook-dev/casebook/mockserver/mocktest"
	"github.com/casebook-dev/casebook/runner/contract"
)

// exampleT stands in for a test's *testing.T so that the examples run:
// it runs the cleanups Start registers when the example ends.
type exampleT struct{ cleanups []func() }

func (t *exampleT) Helper()                           {}
func (t *exampleT) Errorf(format string, args ...any) { log.Printf(format, args...) }
func (t *exampleT) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// A test of a service that places calls, against the Genesys Cloud mock:
// a user without a station gets the vendor's published error.
func Example() {
	t := &exampleT{} // in a test: func TestNoStation(t *testing.T)
	defer t.done()

	srv := mocktest.Start(t, "../../specs/genesys-cloud/openapi.yaml")
	id, secret, _ := srv.Client("agent-no-station")
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: srv.TokenURL()}
	client := cc.Client(context.Background())

	resp, err := client.Post(srv.URL()+"/api/v2/conversations/calls", "application/json",
		strings.NewReader(`{"phoneNumber": "+13175550123"}`))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Code, Message string }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, body.Code)
	fmt.Println(body.Message)
	// Output:
	// 400 conversation.error.no.user.station
	// A station is required to place a call.
}

// The mock and runner/contract together: the service's requests are
// linted against the spec the mock serves. The contract Transport sits
// under the oauth2 one, so it sees the request as sent.
func Example_contract() {
	t := &exampleT{}
	defer t.done()

	const specPath = "../../specs/genesys-cloud/openapi.yaml"
	srv := mocktest.Start(t, specPath)
	s, err := contract.Load(specPath)
	if err != nil {
		log.Fatal(err)
	}
	id, secret, _ := srv.Client("agent")
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: srv.TokenURL()}
	client := &http.Client{Transport: &oauth2.Transport{
		Source: cc.TokenSource(context.Background()),
		Base:   &contract.Transport{Spec: s, Report: func(f contract.Finding) { fmt.Println(f) }},
	}}

	// A field name as a Go struct without json tags would spell it.
	resp, err := client.Post(srv.URL()+"/api/v2/conversations/calls", "application/json",
		strings.NewReader(`{"PhoneNumber": "+13175550123"}`))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// POST /api/v2/conversations/calls: request: warning body /PhoneNumber: undeclared: "PhoneNumber" is not a field of CreateCallRequest; the schema allows other fields, so the server is likely to ignore it (allowed: callFromQueueId, callQueueId, callUserId, conversationIds, languageId, participants, phoneNumber, priority, routingSkillsIds) (did you mean phoneNumber?)
	// 400
}

package mockserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
)

// A service under test points at the mock instead of the vendor, and gets
// the vendor's answer to a user without a station.
func Example() {
	s, err := spec.Load("../specs/genesys-cloud/openapi.yaml")
	if err != nil {
		log.Fatal(err)
	}
	ov, err := mockserver.LoadOverlay(mockserver.OverlayPathFor(s.Path))
	if err != nil {
		log.Fatal(err) // file:line:col: ...
	}
	srv, err := mockserver.New(mockserver.Config{Spec: s, Overlay: ov})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	id, secret, _ := srv.Client("agent-no-station")
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: srv.TokenURL()}
	resp, err := cc.Client(context.Background()).Post(srv.URL()+"/api/v2/conversations/calls",
		"application/json", strings.NewReader(`{"phoneNumber": "+13175550123"}`))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Code, Message, ContextID string }
	_ = json.NewDecoder(resp.Body).Decode(&body)
	fmt.Println(resp.StatusCode, body.Code)
	fmt.Println(body.Message)
	fmt.Println(resp.Header.Get("Inin-Correlation-Id") == body.ContextID)
	// Output:
	// 400 conversation.error.no.user.station
	// A station is required to place a call.
	// true
}

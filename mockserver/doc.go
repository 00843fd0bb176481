// Package mockserver serves an API description the way its vendor does, so a
// pitfall can be reproduced offline: the request is routed (404, 405),
// authenticated in the form each security scheme takes (a Bearer token or
// an API key the mock issued itself, an overlay client's id and secret for
// HTTP Basic; anything else is 401 authentication.required or 401
// bad.credentials, challenged for the schemes the operation takes; see
// PresentationFor), checked for scopes (403, or
// the status the overlay says), for a user behind the token (400
// not.a.user) and for permissions (403 missing.permissions), validated with
// the same linter `casebook lint` uses (400 naming each failing field, 415),
// run through business rules over fixture data, and answered from the spec's
// examples or from a value generated deterministically from its schema.
//
// Errors come in the vendor's envelope, which the spec itself reveals:
// Genesys Cloud's ErrorBody (with an Inin-Correlation-Id header equal to its
// contextId, and codes and messages from x-inin-error-codes) or RFC 9457
// application/problem+json with casebook's code and errors members.
//
// What the spec does not say lives in an overlay file beside it
// (OverlayPathFor: openapi.yaml -> openapi.overlay.yaml): the OAuth2 clients
// the token endpoint (POST /oauth/token, client credentials, RFC 6749
// section 4.4, or the password grant of section 4.3 for a client with a
// username) accepts, per-operation policies, fixtures, fixture-served
// operations and rules. Every rule names its source and how far it is
// verified. A spec served with no overlay gets DefaultOverlay.
//
// The server is built like net/http/httptest.Server: loopback and a
// system-chosen port unless told otherwise, configure then Start, and Close
// waits for in-flight requests. It never imports the runner or the reports,
// so other teams can point their services at it; in a Go test,
// mocktest.Start(t, specPath) starts it and closes it with t.Cleanup.
//
//	s, err := spec.Load("specs/genesys-cloud/openapi.yaml")
//	if err != nil { ... }
//	ov, err := mockserver.LoadOverlay(mockserver.OverlayPathFor(s.Path))
//	if err != nil { ... }             // file:line:col: ...
//	srv, err := mockserver.New(mockserver.Config{Spec: s, Overlay: ov})
//	if err != nil { ... }
//	if err := srv.Start(); err != nil { ... }
//	defer srv.Close()
//
//	id, secret, _ := srv.Client("agent-no-station")
//	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: srv.TokenURL()}
//	resp, _ := cc.Client(ctx).Post(srv.URL()+"/api/v2/conversations/calls",
//		"application/json", strings.NewReader(`{"phoneNumber": "+13175550123"}`))
//	// 400, Inin-Correlation-Id: <id>
//	// {"message": "A station is required to place a call.",
//	//  "code": "conversation.error.no.user.station", "status": 400, "contextId": "<id>", ...}
//
// # The overlay format
//
// docs/overlay.md describes every key of an overlay (auth, clients,
// operations, fixtures, serve, rules and their conditions), with the
// Genesys Cloud overlay as its worked example; the types are in overlay.go
// and the checks in policy.go.
//
// With a notifications: section (docs/notifications.md: its keys, the
// behaviour and the sources), POST /api/v2/notifications/channels
// answers a connectUri on this server (ws://host:port/channels/<id>); the
// WebSocket there sends heartbeats, answers {"message":"ping"} with a pong,
// carries the events the mock's state changes publish (a call placed by a
// user: v2.users.{userId}.conversations.calls), ends on the channel's
// lifetime and its token's expiry, and fails on demand (WSFaults). The
// subscription operations keep each channel's topics. Timed behaviour runs
// on Config.Clock.
//
// Checks run in this order: token endpoint, route, body size, credentials,
// scopes, user context, permissions, validation, rules, fixtures, success.
// The order of scopes, user context and permissions is casebook's choice.
package mockserver

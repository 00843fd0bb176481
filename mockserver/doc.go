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
// run through business rules over fixture data, and answered from the
// state clients built (see State), the spec's examples, or a value generated
// deterministically from its schema.
//
// Errors come in the vendor's envelope, which the spec itself reveals:
// Genesys Cloud's ErrorBody (with an Inin-Correlation-Id header equal to its
// contextId, and codes and messages from x-inin-error-codes); else the
// error schema the operation declares for the status, its range or
// default, in its declared media type, filled with the diagnosis
// (docs/overlay.md: Stripe's error object with its param, GitHub's
// validation-error with one errors[] item per field); else RFC 9457
// application/problem+json with casebook's code and errors members. Invalid
// input is 400, or 422 where the operation declares only that
// (spec.Operation.BadRequestStatus).
//
// Where an operation declares no status for a mistake at all (no range, no
// default), the mock still answers HTTP's (400, 401, 415...): a declared
// one would make the verdict wrong. lint.CheckResponse reports that
// silence of the spec as a warning for the mock's answers only: they
// carry a Casebook-Undeclared-Status header (lint.SilenceHeader) saying so;
// from any other server it is an error.
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
// operations, fixtures, serve, rules and their conditions, faults), with the
// Genesys Cloud overlay as its worked example; the types are in overlay.go
// and the checks in policy.go.
//
// With a notifications: section (docs/notifications.md: its keys, the
// behaviour and the sources), POST /api/v2/notifications/channels
// answers a connectUri on this server (ws://host:port/channels/<id>); the
// WebSocket there sends heartbeats, answers {"message":"ping"} with a pong,
// carries the events the mock's state changes publish (a call placed by a
// user: v2.users.{userId}.conversations.calls; a campaign changed:
// v2.outbound.campaigns.{id}), ends on the channel's
// lifetime and its token's expiry, and fails on demand (WSFaults). The
// subscription operations keep each channel's topics. Timed behaviour runs
// on Config.Clock.
//
// Checks run in this order: casebook's own routes, faults, token endpoint,
// route, body size, credentials, scopes, user context, permissions,
// validation, rules, state, fixtures, success. The order of scopes, user
// context and permissions is casebook's choice, and so is answering an
// unknown item after validation.
//
// # State
//
// The mock remembers what clients create, inferring resources from the
// spec's paths: a path ending in a parameter that answers GET
// (/api/v2/outbound/campaigns/{campaignId}) is an item of the collection
// above it (/api/v2/outbound/campaigns).
//
//   - POST on the collection creates an item: the request's members (those
//     the item's schema declares, readOnly ones left out) over a body
//     generated from that schema, with the server's own members filled in
//     where the schema has them: id, selfUri (the item's path), version (1),
//     dateCreated and dateModified. 201 answers carry a Location.
//   - GET on the item reads it; PUT writes the request's members over it,
//     PATCH merges them in (RFC 7396), both adding 1 to version; DELETE
//     removes it. GET on the collection lists the items in creation order,
//     in the list shape the spec declares: an array, or an object with the
//     items in an array member (Genesys Cloud: entities, with pageSize,
//     pageNumber, total and pageCount, paged by the pageSize and pageNumber
//     query parameters).
//   - Any other path below an item (/campaigns/{campaignId}/start) acts on
//     it, and is answered as usual once the item is found.
//   - An item that does not exist is 404 not.found in the spec's envelope.
//   - An update whose body carries a version other than the item's gets the
//     spec's 409 (its code naming a version: Genesys Cloud's
//     invalid.update.wrong.version), else a 400 code naming a version, else
//     409 version.conflict. The codes are the spec's; that a stale version
//     is what triggers them is casebook's reading (unverified).
//   - Fixtures seed the state: a serve entry for an item's GET keyed by its
//     path parameter makes that fixture collection the collection's first
//     items, and rules on that fixture see what clients changed.
//
// Ids and generated members come from Config.Seed and the request, so the
// same seed and requests give the same bodies in any order. Correlation ids
// (Inin-Correlation-Id, contextId) and tokens stay random: they identify
// one answer. Config.Stateless turns the state off.
//
// A collection keeps its newest 5,000 to 10,000 items, and the store at
// most 128 MiB of request bodies; past that the oldest items go, then the
// least recently used sessions.
//
// # Sessions and casebook's own routes
//
// A request with a Casebook-Session header (SessionHeader) uses a state of
// its own, and the session's faults, so that tests sharing one mock do not
// see each other's items; the runner opens one per case (OpenSession). A
// request without it uses the shared state. A name the mock has not seen
// starts a fresh session, or one answered from the spec alone when the
// request also says Casebook-Session-State: off (SessionStateHeader):
// that is how `casebook run --target URL` gives each case its own state on
// a standalone mock. The same header scopes the
// notification channels: a channel sees only the events of its session's
// requests. Server.Reset forgets every
// item, session and spent fault, and so does, for loopback clients only:
//
//	POST /__casebook/reset           204; with a Casebook-Session header,
//	                                 that session only
//
// Server.OnChange follows every create, update, delete and successful
// action (a POST that places a call, or starts a campaign), with the item,
// the request, the client and the user its token acts for. The
// notification channel's events come from it: a call placed, a campaign
// created, updated, deleted, started or stopped.
package mockserver

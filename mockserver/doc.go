// Package mockserver serves an API description the way its vendor does, so a
// pitfall can be reproduced offline: the request is routed (404, 405),
// authenticated against tokens the mock issued itself (401
// authentication.required, 401 bad.credentials), checked for scopes (403, or
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
// section 4.4) accepts, per-operation policies, fixtures, fixture-served
// operations and rules. Every rule names its source and how far it is
// verified. A spec served with no overlay gets DefaultOverlay.
//
// The server is built like net/http/httptest.Server: loopback and a
// system-chosen port unless told otherwise, configure then Start, and Close
// waits for in-flight requests. It never imports the runner or the reports,
// so other teams can point their services at it.
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
//	envelope: genesys | problem      # optional; overrides what the spec implies
//	source: ...                      # where the overlay's knowledge comes from
//	verification: unverified         # published-spec | vendor-sdk | live | unverified
//	auth:
//	  tokenPath: /oauth/token        # default
//	  tokenLifetime: 1h              # default
//	  scopes:                        # what a token lacking a required scope gets
//	    check: true                  # default; false enforces no scopes
//	    status: 403                  # default
//	    code: insufficient.scope     # default
//	    message: ...                 # optional; %s takes the missing scopes
//	    source: ...
//	    verification: unverified
//	clients:
//	  - name: agent                  # what a case's auth: names
//	    id: agent-client
//	    secret: agent-secret
//	    scopes: [conversations]      # "*" grants every scope
//	    permissions: [conversation:call:add]   # "*" all; "outbound:*" a family
//	    user: agent-with-station     # the user the token acts for; omit for a
//	                                 # plain client-credentials token (no user)
//	    token: static-token          # optional pre-issued token
//	operations:
//	  - operation: POST /api/v2/conversations/calls
//	    userContext: true            # default: the spec's 400 codes include not.a.user
//	    permissions: {type: ANY, permissions: [...]}  # default: x-inin-requires-permissions
//	    scopes: [conversations]      # default: the security requirement's scopes
//	    source: ...
//	    verification: published-spec
//	fixtures:                        # collections of JSON objects with an id
//	  campaigns:
//	    - {id: campaign-predictive, dialingMode: predictive}
//	serve:                           # answer an operation with a fixture (404 not.found if none)
//	  - operation: GET /api/v2/outbound/campaigns/{campaignId}
//	    fixture: campaigns
//	    key: {path: campaignId}      # one of body (pointer), path, query, header, token
//	    source: ...
//	    verification: published-spec
//	rules:                           # first rule whose conditions all hold answers
//	  - name: no-station
//	    operation: POST /api/v2/conversations/calls
//	    when:
//	      - fixture: users           # subject: a fixture member...
//	        key: {token: user}       # ...of the record whose id this names
//	        field: /station/effectiveStation
//	        exists: false
//	      - count: [/phoneNumber, /callUserId]   # subject: how many are present
//	        min: 1
//	      - body: /priority          # or path:, query:, header:, token: user|client|scopes
//	        equals: 5                # predicates: exists, equals, in, notIn, min, max
//	    then: {status: 400, code: conversation.error.no.user.station, message: ..., params: [...]}
//	    source: ...
//	    verification: published-spec
//	    note: ...
//
// A condition with no predicate means exists: true; equals, in, notIn, min
// and max need the value present (a JSON null is absent; count skips empty
// strings, lists and objects too); min and max compare numbers, counts and
// list lengths.
//
// Checks run in this order: token endpoint, route, body size, credentials,
// scopes, user context, permissions, validation, rules, fixtures, success.
// The order of scopes, user context and permissions is casebook's choice.
package mockserver

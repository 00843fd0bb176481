package lint

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// TestBodyValidationMatchesValidator checks that decoding and validating a
// JSON body ourselves finds exactly what openapi3filter finds when it
// decodes and validates the body itself.
func TestBodyValidationMatchesValidator(t *testing.T) {
	type req struct{ method, path, body string }
	specs := map[string][]req{
		pcSpec: {
			{"POST", "/api/v2/outbound/campaigns/c1/calls", `{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "a", "type": "agent"}}`},
			{"POST", "/api/v2/outbound/campaigns/c1/calls", `{"recipient": {"phoneNumber": "+15550199", "id": "user-123"}, "initiator": {"id": "agent-456"}}`},
			{"POST", "/api/v2/outbound/campaigns/c1/calls", `{"recipient": {"type": "fax", "address": "555-0199"}, "initiator": {"id": 7, "type": "agent"}}`},
			{"POST", "/api/v2/outbound/campaigns/c1/calls", `null`},
			{"POST", "/api/v2/outbound/campaigns/c1/calls", `[1, 2]`},
			{"POST", "/api/v2/outbound/campaigns/c1/calls", `"text"`},
		},
		genesysSpec: {
			{"POST", "/api/v2/conversations/calls", `{"phoneNumber": "+13175550123"}`},
			{"POST", "/api/v2/conversations/calls", `{"phoneNumber": 1, "priority": "x", "participants": [{"address": 5}]}`},
			{"POST", "/api/v2/conversations/calls", `{"phoneNumber": "+13175550123", "priority": 1e400}`},
		},
		genesysSwagger: {
			{"POST", "/api/v2/conversations/calls", `{"phoneNumber": "+13175550123", "recipient": {"type": "phone"}}`},
			{"POST", "/api/v2/conversations/calls", `{"phoneNumber": 1, "priority": "x", "callUserId": []}`},
		},
	}
	ctx := context.Background()
	for path, reqs := range specs {
		if _, err := os.Stat(path); err != nil {
			t.Logf("skipping %s: %v", path, err)
			continue
		}
		s := load(t, path)
		for _, r := range reqs {
			m, err := s.Find(r.method, r.path)
			if err != nil {
				t.Fatal(err)
			}
			hr := httptest.NewRequest(r.method, r.path, nil)
			hr.Header = bearer()
			got := CheckHTTP(ctx, s, m, hr, []byte(r.body), Options{})

			// What the validator alone finds, decoding the body itself.
			c := &collector{}
			c.security(s, m, hr, false)
			vr := hr.Clone(ctx)
			vr.Body = io.NopCloser(bytes.NewReader([]byte(r.body)))
			err = openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
				Request: vr, PathParams: m.PathParams, Route: m.Route,
				Options: &openapi3filter.Options{MultiError: true, SkipSettingDefaults: true,
					AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
					SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(formats)}},
			})
			if err != nil {
				c.add(err, "", "")
			}
			if parsed, err := decodeJSON([]byte(r.body)); err == nil {
				c.undeclared(parsed, m.Op.RequestBody.Value.Content.Get("application/json").Schema, "")
			}
			if want := c.sorted(); !reflect.DeepEqual(got, want) {
				t.Errorf("CheckHTTP(%s %s %s) =\n%+v\nwant (the validator decoding the body)\n%+v", r.method, r.path, r.body, got, want)
			}
		}
	}
}

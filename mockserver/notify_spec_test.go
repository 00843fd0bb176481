package mockserver

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/casebook-dev/casebook/internal/spec"
)

// TestNotificationOperationsAreThePublishedOnes holds the notification
// operations and schemas of specs/genesys-cloud/openapi.yaml to the
// published 2018 swagger they were translated from: same operation ids,
// summaries, parameters, bodies, responses, error codes and x-inin
// extensions, and the same schemas but for casebook's x-casebook notes.
func TestNotificationOperationsAreThePublishedOnes(t *testing.T) {
	ours, published := loadSpec(t, genesysSpec), loadSpec(t, realSwagger)
	for _, name := range []string{opCreateChannel, opGetSubs, opPutSubs, opPostSubs, opDeleteSubs, opAvailableTopics} {
		t.Run(name, func(t *testing.T) {
			a, b := operation(t, ours, name), operation(t, published, name)
			if diff := cmp.Diff(operationFacts(b), operationFacts(a)); diff != "" {
				t.Errorf("%s differs from the published swagger (-published +ours):\n%s", name, diff)
			}
		})
	}
	for _, name := range []string{"Channel", "ChannelTopic", "ChannelTopicEntityListing", "AvailableTopic", "AvailableTopicEntityListing"} {
		a, b := schemaJSON(t, ours, name), schemaJSON(t, published, name)
		if diff := cmp.Diff(b, a); diff != "" {
			t.Errorf("schema %s differs from the published swagger (-published +ours):\n%s", name, diff)
		}
	}
}

func operation(t *testing.T, s *spec.Spec, name string) *openapi3.Operation {
	t.Helper()
	for _, op := range s.Operations() {
		if op.String() == name {
			return op.Op
		}
	}
	t.Fatalf("%s has no operation %s", s.Path, name)
	return nil
}

// operationFacts is what the translation must keep, as plain JSON values.
func operationFacts(op *openapi3.Operation) map[string]any {
	facts := map[string]any{"operationId": op.OperationID, "summary": op.Summary, "description": op.Description}
	for _, p := range op.Parameters {
		facts["param "+p.Value.In+" "+p.Value.Name] = map[string]any{"required": p.Value.Required, "schema": refOrJSON(p.Value.Schema)}
	}
	if op.RequestBody != nil {
		for ct, media := range op.RequestBody.Value.Content {
			facts["body "+ct] = refOrJSON(media.Schema)
		}
	}
	for code, r := range op.Responses.Map() {
		resp := map[string]any{"description": *r.Value.Description, "codes": r.Value.Extensions["x-inin-error-codes"]}
		if media := r.Value.Content.Get("application/json"); media != nil {
			resp["schema"] = refOrJSON(media.Schema)
		}
		facts["response "+code] = resp
	}
	for k, v := range op.Extensions {
		if strings.HasPrefix(k, "x-inin-") || strings.HasPrefix(k, "x-purecloud-") {
			facts[k] = v
		}
	}
	return jsonValue(facts)
}

// refOrJSON names a referenced schema by its last segment (the two files
// say #/definitions/ and #/components/schemas/), or gives an inline one.
func refOrJSON(s *openapi3.SchemaRef) any {
	if s == nil {
		return nil
	}
	if s.Ref != "" {
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	return schemaValue(s.Value)
}

func schemaJSON(t *testing.T, s *spec.Spec, name string) any {
	t.Helper()
	ref := s.Doc.Components.Schemas[name]
	if ref == nil {
		t.Fatalf("%s has no schema %s", s.Path, name)
	}
	return schemaValue(ref.Value)
}

// schemaValue is a schema as JSON without casebook's own x-casebook notes.
func schemaValue(s *openapi3.Schema) any {
	c := *s
	c.Extensions = maps.Clone(s.Extensions)
	for _, k := range slices.Collect(maps.Keys(c.Extensions)) {
		if strings.HasPrefix(k, "x-casebook-") {
			delete(c.Extensions, k)
		}
	}
	return jsonValue(&c)
}

func jsonValue(v any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

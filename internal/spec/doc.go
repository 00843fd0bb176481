// Package spec loads an API description and answers the questions the linter
// and the mock ask of it: which operation does "POST /api/v2/..." resolve to,
// which operations are nearest when none does, which error envelope does the
// vendor use.
//
// Load accepts OpenAPI 3.0 and 3.1 (YAML or JSON, with local and relative
// file $refs) and Swagger 2.0, which it converts to OpenAPI 3 with
// kin-openapi's openapi2conv. A $ref reaches files in the spec's own folder
// tree and nothing else unless LoadOptions say so (LoadWith): a spec from
// anywhere cannot make casebook read the rest of the disk or go online. A
// recursive schema (A holds a B, B holds an A) validates as a recursion; a
// cycle of bare $refs that never reaches a schema is an error. Routing matches on the path only, never on the
// spec's servers, so the same spec routes requests sent to a live host, a
// gateway or the built-in mock on a loopback port.
//
// Load does not hold the document to the OpenAPI rules, which on a big
// published spec costs more than loading it: Spec.Validate starts that on a
// goroutine of its own and Spec.Problems waits for its verdict (warnings;
// a schema $ref that resolves to nothing is a LoadError at once). A JSON
// document is read once, into the node tree kin-openapi decodes from,
// without its YAML parser (jsontree.go, swagger2tree.go); a Swagger 2.0
// one's path items are decoded while the rest is read; its converted
// $refs, and those of a self-contained OpenAPI 3.0 JSON document, are
// resolved by a lookup of the components they name (swagger2conv.go,
// componentrefs.go), not by kin-openapi's generic loader.
//
//	s, err := spec.Load("specs/genesys-cloud/openapi.yaml")
//	if err != nil { ... }            // *spec.LoadError: file and place
//	m, err := s.Find("POST", "/api/v2/conversations/calls")
//	var re *spec.RouteError
//	if errors.As(err, &re) { fmt.Println(re.Nearest) }
package spec

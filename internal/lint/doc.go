// Package lint checks a request against its operation in the spec, offline,
// and names every problem: where it is (location and JSON pointer), which
// rule it breaks, the allowed values, and a "did you mean".
//
// kin-openapi's openapi3filter does the schema validation; lint turns its
// error tree into finding.Findings (never parsing error text) and adds what a
// validator does not say: body fields the schema does not declare even when
// it allows additional properties, the nearest operations for an unknown
// path, and whether the credentials the operation's security needs are
// present at all.
//
// CheckResponse is the same check the other way: an answer against the
// responses its operation declares (status, content type, headers, body
// schema, Genesys x-inin-error-codes), for contract conformance.
//
// Both sides use it: the runner to lint a case and check its answer, the
// mock to answer 400 with each failing field (and its tests to hold the
// mock's own answers to the spec it serves).
package lint

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
// Both sides use it: the runner to lint a case, the mock to answer 400 with
// each failing field.
package lint

// Package runner is casebook's engine: it loads cases, lints each against its
// spec, sends it to a target (the built-in mock, any base URL), compares the
// answer with the case's expectations and returns typed Results. It knows
// targets, not renderers: the reports package turns Results into text, JSON,
// JUnit, HTML or Markdown.
//
// The command line and Go tests share this engine. In a service's tests:
//
//	func TestPitfalls(t *testing.T) {
//		runner.Run(t, runner.Options{Paths: []string{"testdata/cases"}})
//	}
//
// runs every case as a subtest and fails the ones whose answer differs.
package runner

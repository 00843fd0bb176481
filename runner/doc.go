// Package runner is casebook's engine: it loads cases, lints each against
// its spec, sends it to a target (the built-in mock, any base URL, a live
// profile of casebook.yaml; see internal/target) and compares the answer
// with the case's expectations, producing typed Results (internal/results,
// named here by aliases). It knows targets, not renderers: the reports
// package turns Results into text, JSON, JUnit, HTML or Markdown.
//
// The files follow a case through the engine: config.go and load.go load
// (casebook.yaml, case files, --tags and --shard in select.go), request.go
// builds the request, run.go lints it, sends it (through a target.Sender:
// rate limit, timeout, credentials, trace context, retries) and compares
// the answer (expect.go); drift.go compares two targets and curl.go prints
// a request instead of sending it.
//
// The command line and Go tests share this engine. In a service's tests
// (Example_goTest shows the same through RunT):
//
//	func TestPitfalls(t *testing.T) {
//		runner.Run(t, runner.TestOptions{Paths: []string{"testdata/cases"}})
//	}
//
// runs every case as a subtest and fails the ones whose answer differs.
package runner

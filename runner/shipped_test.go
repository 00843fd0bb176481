package runner_test

import (
	"testing"

	"github.com/casebook-dev/casebook/runner"
)

// TestShippedCases is how a service's own tests run casebook cases: each
// case becomes a subtest, replayed against the built-in mock, and a case
// whose answer differs fails with its (-want +got) differences.
func TestShippedCases(t *testing.T) {
	runner.Run(t, runner.TestOptions{Dir: ".."})
}

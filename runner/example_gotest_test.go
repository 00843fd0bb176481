package runner_test

import (
	"fmt"

	"github.com/casebook-dev/casebook/runner"
)

// printT is a runner.T that prints each subtest's outcome: RunT is what
// runner.Run(t, ...) runs inside go test, and it runs outside it too.
type printT struct{ name string }

func (t printT) Helper()                           {}
func (t printT) Logf(format string, args ...any)   {}
func (t printT) Errorf(format string, args ...any) { fmt.Printf("FAIL %s\n", t.name) }
func (t printT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (t printT) Skipf(format string, args ...any)  { fmt.Printf("SKIP %s\n", t.name) }
func (t printT) Run(name string, f func(runner.T)) bool {
	f(printT{name})
	fmt.Printf("done %s\n", name)
	return true
}

// In a service's own tests, runner.Run(t, runner.TestOptions{...}) makes
// each case a subtest: here the same through RunT, with a T that prints.
func Example_goTest() {
	runner.RunT(printT{}, runner.TestOptions{Dir: "..", Paths: []string{
		"../cases/personal-connection/correct-call.yaml",
		"../cases/personal-connection/recipient-phone-number.yaml",
	}})
	// Output:
	// done pc-correct-call
	// done pc-recipient-phone-number
}

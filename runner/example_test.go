package runner_test

import (
	"context"
	"fmt"

	"github.com/casebook-dev/casebook/runner"
)

// The engine outside go test: load the project's cases, lint and replay them
// against the built-in mock, and look at the typed results.
func Example() {
	cfg, err := runner.FindConfig("..")
	if err != nil {
		panic(err)
	}
	cases, err := runner.LoadCases(cfg, []string{"../cases/personal-connection/address-not-e164.yaml"})
	if err != nil {
		panic(err)
	}
	r := runner.New(runner.Options{})
	defer r.Close()
	for _, res := range r.Run(context.Background(), cases) {
		fmt.Println(res.Case.Name, res.Status, res.Response.Status)
		for _, f := range res.Findings {
			fmt.Println(f.Pointer, f.Rule)
		}
	}
	// Output:
	// pc-address-not-e164 passed 400
	// /recipient/address pattern
}

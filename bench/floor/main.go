// Command floor is the parse floor bench/bigspecs.sh measures casebook's
// start-up against: it reads a spec file and decodes its JSON into generic
// values, nothing else. Timed from the outside, process start included,
// whatever casebook spends above it on a big spec is the price of turning
// the document into a mock or a linter.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor FILE.json")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

//go:build !unix

package testenv

import "time"

// ProcessCPU is not measured here: benchmarks report no cpu-ns/op.
func ProcessCPU() time.Duration { return 0 }

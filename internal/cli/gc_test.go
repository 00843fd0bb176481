package cli

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestLimitFor(t *testing.T) {
	for _, tt := range []struct {
		name string
		live uint64
		want int64
	}{
		{"nothing live yet", 0, batchLimit},
		{"a run's usual live heap", 100 << 20, batchLimit},
		{"past half the floor: twice the live heap", 300 << 20, 600 << 20},
		{"no overflow", math.MaxUint64, 1 << 62},
	} {
		if got := limitFor(tt.live); got != tt.want {
			t.Errorf("%s: limitFor(%d) = %d, want %d", tt.name, tt.live, got, tt.want)
		}
	}
}

// TestTuneGCForBatch: GOGC=400 under the limit for the live heap; after a
// collection the limit follows the live heap, unless something else set
// another (a spec load's pacing), which is left alone; GOGC in the
// environment leaves Go's settings as they are.
func TestTuneGCForBatch(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })

	t.Setenv("GOGC", "100")
	TuneGCForBatch()
	if p, l := debug.SetGCPercent(100), debug.SetMemoryLimit(-1); p != 100 || l != math.MaxInt64 {
		t.Fatalf("with GOGC set: GOGC %d, limit %d; want Go's 100 and no limit", p, l)
	}

	t.Setenv("GOGC", "")
	TuneGCForBatch()
	if p, l := debug.SetGCPercent(400), debug.SetMemoryLimit(-1); p != 400 || l < batchLimit {
		t.Fatalf("TuneGCForBatch: GOGC %d, limit %d; want 400 and at least %d", p, l, batchLimit)
	}

	debug.SetMemoryLimit(80 << 20) // what spec.PaceGC does during a load
	followLiveHeap()
	if l := debug.SetMemoryLimit(-1); l != 80<<20 {
		t.Errorf("after another limit was set, followLiveHeap set %d; want it left at %d", l, 80<<20)
	}

	batch.Lock()
	batch.limit = 200 << 20 // the pacing ends, and the batch's limit is back: one it set, not the live heap's
	debug.SetMemoryLimit(batch.limit)
	batch.Unlock()
	followLiveHeap()
	if l, want := debug.SetMemoryLimit(-1), limitFor(liveHeap()); l != want {
		t.Errorf("followLiveHeap set the limit %d; want %d, the live heap's", l, want)
	}
}

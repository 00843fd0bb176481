package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// batchLimit is the least soft memory limit TuneGCForBatch sets.
const batchLimit = 384 << 20

// TuneGCForBatch trades memory a run has to spare for CPU, from before its
// cases load to its end: the heap may grow to five times what is live
// between collections (GOGC=400, not 100), up to a soft limit of 384 MiB
// or twice what was live at the last collection, whichever is more. The
// limit follows the live heap after every collection, so a run larger
// than any measured here collects as often as Go's default would, never in
// a loop. No collection is forced: lint of one case against a big spec
// must stay quick. A run allocates about 140 KB per case and keeps little
// but its slim cases (~1 KB each while they load): at 100,000 cases the
// collector at Go's pace during the load was ~11 s of CPU, most of it
// marking the slim cases loaded so far, again and again. GOGC or
// GOMEMLIMIT in the environment leave Go's settings as they are.
func TuneGCForBatch() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	batch.Lock()
	defer batch.Unlock()
	debug.SetGCPercent(400)
	batch.limit = limitFor(liveHeap())
	debug.SetMemoryLimit(batch.limit)
	if !batch.watching {
		batch.watching = true
		afterNextGC()
	}
}

// batch is the limit TuneGCForBatch last set, and whether it follows the
// collections.
var batch struct {
	sync.Mutex
	limit    int64
	watching bool
}

// limitFor is the soft memory limit for a live heap of live bytes.
func limitFor(live uint64) int64 { return max(batchLimit, 2*int64(min(live, 1<<61))) }

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// afterNextGC calls followLiveHeap once the next collection has run.
func afterNextGC() {
	sentinel := new([2]*int) // with pointers: not in the tiny allocator, which would delay the cleanup
	runtime.AddCleanup(sentinel, func(int) { followLiveHeap() }, 0)
}

// followLiveHeap sets the limit for the live heap the last collection
// left, unless something else set another limit meanwhile (a spec load
// paces the collector its own way: spec.PaceGC), and waits for the next.
func followLiveHeap() {
	batch.Lock()
	defer batch.Unlock()
	if debug.SetMemoryLimit(-1) == batch.limit {
		batch.limit = limitFor(liveHeap())
		debug.SetMemoryLimit(batch.limit)
	}
	afterNextGC()
}

package spec

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// loadHeapLimit is the memory a load may grow to before the collector runs.
// Loading a big spec allocates a short-lived tree and a long-lived document
// in a burst: at the default pace (GOGC=100) the collector runs each time
// the heap doubles from 4 MB, five to seven times before `casebook mock`
// answers on the published specs of issue 16, each time marking a document
// still being built. While any load runs, the collector instead waits until
// the process's memory nears this limit (debug.SetMemoryLimit with GOGC
// off): on those specs once or twice. The previous settings come back when
// the last load ends. The limit keeps `casebook mock`'s resident memory at
// its first answer under 100 MB (bench/RESULTS.md, "Follow-up 2").
//
// A spec whose document alone nears the limit (the synthetic specs of
// bench/scale.sh: 5,000 operations hold ~200 MB) would make the collector
// run back to back under it: after each collection during a load, when
// more than half the limit is still live, the previous settings come back
// at once, for the rest of the load.
const loadHeapLimit = 80 << 20

var pacing struct {
	mu      sync.Mutex
	loads   int  // loads under way
	relaxed bool // the settings below are replaced
	round   int  // counts the times they were, so a watch of an earlier round ends
	percent int  // the settings to restore
	limit   int64
}

// PaceGC relaxes the collector as a load does, for work that builds on a
// loaded spec in the same burst (the mock's start-up: its load, then
// mockserver.New): the returned func restores the settings when no load
// or other PaceGC is under way.
func PaceGC() (restore func()) { return paceGCForLoad() }

// paceGCForLoad relaxes the collector for a load; the returned func,
// called when the load ends (more calls do nothing), restores the settings
// when no other load is under way. A process that already runs with a
// lower memory limit keeps it.
func paceGCForLoad() (restore func()) {
	pacing.mu.Lock()
	defer pacing.mu.Unlock()
	if pacing.loads == 0 {
		pacing.limit = debug.SetMemoryLimit(-1) // reads it
		pacing.percent = debug.SetGCPercent(-1)
		debug.SetMemoryLimit(min(pacing.limit, loadHeapLimit))
		pacing.relaxed = true
		pacing.round++
		afterNextGC(pacing.round)
	}
	pacing.loads++
	return sync.OnceFunc(func() {
		pacing.mu.Lock()
		defer pacing.mu.Unlock()
		if pacing.loads--; pacing.loads == 0 {
			restorePacing()
		}
	})
}

// restorePacing puts the settings back; pacing.mu is held.
func restorePacing() {
	if pacing.relaxed {
		debug.SetMemoryLimit(pacing.limit)
		debug.SetGCPercent(pacing.percent)
		pacing.relaxed = false
	}
}

// afterNextGC calls heapChecked once the next collection has run.
func afterNextGC(round int) {
	sentinel := new([2]*int) // with pointers: not in the tiny allocator, which would delay the cleanup
	runtime.AddCleanup(sentinel, heapChecked, round)
}

// heapChecked, after a collection during a load, gives the settings back
// when the live heap is more than half the limit, else waits for the next.
func heapChecked(round int) {
	pacing.mu.Lock()
	defer pacing.mu.Unlock()
	if !pacing.relaxed || round != pacing.round {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > loadHeapLimit/2 {
		restorePacing()
		return
	}
	afterNextGC(round)
}

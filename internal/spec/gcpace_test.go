package spec

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// Not parallel: it reads and sets the process's collector settings.
func TestPaceGCForLoadRestoresAfterTheLastLoad(t *testing.T) {
	percent := debug.SetGCPercent(150)
	limit := debug.SetMemoryLimit(1 << 40)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })
	debug.FreeOSMemory() // what earlier tests left is not live: no watch gives the settings back early

	first := paceGCForLoad()
	second := paceGCForLoad()
	if got := debug.SetMemoryLimit(-1); got != loadHeapLimit {
		t.Fatalf("memory limit while loading = %d, want %d", got, loadHeapLimit)
	}
	first()
	first() // twice: still one load under way
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Fatalf("GC percent with a load under way = %d, want -1 (off)", got)
	}
	second()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("GC percent after the last load = %d, want 150", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("memory limit after the last load = %d, want %d", got, int64(1<<40))
	}

	// A lower limit the process set itself stays while loading.
	debug.SetMemoryLimit(32 << 20)
	done := paceGCForLoad()
	if got := debug.SetMemoryLimit(-1); got != 32<<20 {
		t.Errorf("memory limit while loading under a lower one = %d, want %d", got, 32<<20)
	}
	done()
	if got := debug.SetMemoryLimit(-1); got != 32<<20 {
		t.Errorf("memory limit after = %d, want %d", got, 32<<20)
	}
}

// Not parallel either. A load whose live heap passes half the limit gets
// the collector's settings back after the next collection, before it ends.
func TestPaceGCForLoadGivesBackUnderABigHeap(t *testing.T) {
	percent := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(percent) })
	big := make([]byte, loadHeapLimit*3/4) // live until the end of the test
	for i := range big {
		big[i] = byte(i)
	}
	done := paceGCForLoad()
	defer done()
	for i := 0; ; i++ {
		runtime.GC() // the watch runs after a collection, on the cleanup goroutine
		runtime.Gosched()
		if got := debug.SetGCPercent(-1); got != -1 {
			debug.SetGCPercent(got)
			if got != 100 {
				t.Fatalf("GC percent given back = %d, want 100", got)
			}
			break
		}
		if i == 1000 {
			t.Fatal("GC still off after 1000 collections with a live heap above half the limit")
		}
	}
	runtime.KeepAlive(big)
}

// Not parallel either. PaceGC holds the load's settings past the end of a
// load it wraps (mockserver.Open: the load, then New), and gives them back
// when it ends.
func TestPaceGCOutlastsTheLoadItWraps(t *testing.T) {
	percent := debug.SetGCPercent(150)
	t.Cleanup(func() { debug.SetGCPercent(percent) })
	debug.FreeOSMemory()

	done := PaceGC()
	if _, err := Load("testdata/swagger2.yaml"); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GC percent after the load, PaceGC under way = %d, want -1 (off)", got)
	}
	done()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("GC percent after PaceGC's end = %d, want 150", got)
	}
}

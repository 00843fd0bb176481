package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
)

// RunEach emits in case order even when cases finish out of order, never
// starts more than its window ahead of the oldest result not emitted, and
// turns a case caseAt cannot give into an errored result.
func TestRunEachEmitsInCaseOrder(t *testing.T) {
	_, loaded := loadProject(t)
	const workers = 2
	window := emitWindow * workers
	n := window + 10
	cases := make([]*Case, n)
	for i := range cases {
		c := *loaded[i%len(loaded)]
		c.Name = fmt.Sprintf("%s-%d", c.Name, i)
		cases[i] = &c
	}
	broken := errors.New("case file changed since it was checked")
	release := make(chan struct{})
	started := make(chan int, n)
	r := New(Options{LintOnly: true, Concurrency: workers, Vars: map[string]string{"THING_ID": "t-1"}, OnResult: func(res *Result) {
		if res.Case.Name == cases[0].Name {
			<-release // case 0 finishes only after the window has filled behind it
		}
	}})
	defer r.Close()
	var emittedN atomic.Int32
	caseAt := func(i int) (*Case, error) {
		if ahead := i - int(emittedN.Load()); ahead >= window {
			t.Errorf("case %d started %d cases ahead of the oldest not emitted, want fewer than %d", i, ahead, window)
		}
		started <- i
		if i == 3 {
			return &Case{Name: cases[3].Name}, broken
		}
		return cases[i], nil
	}
	var emitted []int
	var statuses []Status
	go func() {
		// Every case the window allows starts while case 0 is held: then no more.
		for range window {
			<-started
		}
		close(release)
	}()
	r.RunEach(context.Background(), n, caseAt, func(i int, res *Result) {
		emitted = append(emitted, i)
		emittedN.Add(1)
		statuses = append(statuses, res.Status)
		if res.Case.Name != cases[i].Name {
			t.Errorf("emit(%d) got the result of %s, want %s's", i, res.Case.Name, cases[i].Name)
		}
	})
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(emitted, want) {
		t.Errorf("RunEach emitted %v, want %v", emitted, want)
	}
	if statuses[3] != Errored {
		t.Errorf("case 3 (caseAt failed): status %s, want errored", statuses[3])
	}
	if len(statuses) == n && statuses[0] != Passed {
		t.Errorf("case 0: status %s, want passed", statuses[0])
	}
}

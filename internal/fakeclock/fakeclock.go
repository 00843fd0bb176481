// Package fakeclock is a clock that moves only when a test says so, for
// code that takes a clock with Now and AfterFunc (the mock's notification
// channels, the example notification client). A test that advances it
// never waits on the wall clock and never asserts a duration: it says
// "a minute passes" and then waits for what that minute causes.
//
//	clk := fakeclock.New(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
//	clk.AfterFunc(30*time.Second, func() { fired <- true })
//	clk.Advance(30 * time.Second) // runs the func, in this goroutine
//
// Timers run in the goroutine that calls Advance, one at a time and in the
// order they are due, with Now set to the time each is due, so a timer
// that arms another (a heartbeat every 30 s) fires again within the same
// Advance when it falls inside it. A timer func must therefore not block.
package fakeclock

import (
	"sort"
	"sync"
	"time"
)

// Clock is a fake clock. The zero value is not usable; call New.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	seq    int
	timers []*timer
}

type timer struct {
	when time.Time
	seq  int // arming order, so timers due at once fire in that order
	f    func()
}

// New returns a clock that reads start until it is advanced.
func New(start time.Time) *Clock { return &Clock{now: start} }

// Now is the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc arms f to run when the clock has been advanced by d. The
// returned func disarms it and reports whether it did so before f ran, as
// (*time.Timer).Stop does.
func (c *Clock) AfterFunc(d time.Duration, f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &timer{when: c.now.Add(d), seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	return func() bool { return c.remove(t) }
}

// Pending is how many timers are armed and not yet due.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Advance moves the clock forward by d, running every timer that falls due
// on the way, in order.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		t := c.next(end)
		if t == nil {
			return
		}
		t.f()
	}
}

// next removes and returns the earliest timer due by end, setting the
// clock to its time; with none due it sets the clock to end.
func (c *Clock) next(end time.Time) *timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	sort.Slice(c.timers, func(i, j int) bool {
		a, b := c.timers[i], c.timers[j]
		if !a.when.Equal(b.when) {
			return a.when.Before(b.when)
		}
		return a.seq < b.seq
	})
	if len(c.timers) == 0 || c.timers[0].when.After(end) {
		if end.After(c.now) {
			c.now = end
		}
		return nil
	}
	t := c.timers[0]
	c.timers = c.timers[1:]
	if t.when.After(c.now) {
		c.now = t.when
	}
	return t
}

func (c *Clock) remove(t *timer) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.timers {
		if x == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			return true
		}
	}
	return false
}

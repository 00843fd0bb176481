package fakeclock

import (
	"slices"
	"testing"
	"time"
)

var start = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func TestAdvanceRunsDueTimersInOrder(t *testing.T) {
	c := New(start)
	var got []string
	var at []time.Duration
	record := func(name string) func() {
		return func() { got = append(got, name); at = append(at, c.Now().Sub(start)) }
	}
	c.AfterFunc(20*time.Second, record("b"))
	c.AfterFunc(10*time.Second, record("a"))
	c.AfterFunc(20*time.Second, record("c")) // same time as b, armed later
	c.AfterFunc(time.Minute, record("late"))

	c.Advance(30 * time.Second)
	if want := []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Fatalf("Advance(30s) ran %v, want %v", got, want)
	}
	if want := []time.Duration{10 * time.Second, 20 * time.Second, 20 * time.Second}; !slices.Equal(at, want) {
		t.Errorf("timers saw Now-start = %v, want %v", at, want)
	}
	if got := c.Now().Sub(start); got != 30*time.Second {
		t.Errorf("after Advance(30s) Now-start = %v, want 30s", got)
	}
	if c.Pending() != 1 {
		t.Errorf("Pending() = %d, want 1 (the one-minute timer)", c.Pending())
	}
}

func TestTimerThatRearmsFiresAgainWithinOneAdvance(t *testing.T) {
	c := New(start)
	n := 0
	var tick func()
	tick = func() { n++; c.AfterFunc(30*time.Second, tick) }
	c.AfterFunc(30*time.Second, tick)
	c.Advance(95 * time.Second)
	if n != 3 {
		t.Errorf("a 30s heartbeat over 95s fired %d times, want 3", n)
	}
}

func TestStop(t *testing.T) {
	c := New(start)
	fired := false
	stop := c.AfterFunc(time.Second, func() { fired = true })
	if !stop() {
		t.Error("stop() before the timer was due = false, want true")
	}
	if stop() {
		t.Error("stop() twice = true, want false")
	}
	c.Advance(time.Hour)
	if fired {
		t.Error("a stopped timer fired")
	}
}

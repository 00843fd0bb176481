package mockserver

import "time"

// Clock is the time the mock keeps: token expiry, and the notification
// channels' heartbeats, lifetimes and timed faults. Config.Clock nil is the
// wall clock; a test injects a fake one (internal/fakeclock) and advances
// it, so that nothing in it waits on real time.
type Clock interface {
	Now() time.Time
	// AfterFunc runs f once d has passed and returns a func that cancels it,
	// reporting whether it did so before f ran (as time.AfterFunc's
	// Timer.Stop). f must not block.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) AfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

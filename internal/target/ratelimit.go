package target

import (
	"context"
	"sync"
	"time"
)

// limiter spaces requests at most rate per second across every case of a
// run, retries included. It has no burst: a vendor's limit (Genesys answers
// 429 past its per-client rate) is kept by never exceeding it, not by
// averaging. Small enough that golang.org/x/time/rate would not earn its place.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
	// now and sleep are the clock (time.Now and sleep); tests set their own.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

// newLimiter returns nil (no limit) for a rate <= 0.
func newLimiter(perSecond float64) *limiter {
	if perSecond <= 0 {
		return nil
	}
	return &limiter{interval: time.Duration(float64(time.Second) / perSecond), now: time.Now, sleep: sleep}
}

// Wait blocks until the caller may send, or ctx ends. A nil limiter never waits.
func (l *limiter) Wait(ctx context.Context) error {
	if l == nil {
		return ctx.Err()
	}
	l.mu.Lock()
	now := l.now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()
	if err := l.sleep(ctx, slot.Sub(now)); err != nil {
		l.release(slot)
		return err
	}
	return nil
}

// release gives back a slot a cancelled caller did not use, when it was the
// last one handed out, so Ctrl-C does not leave the limiter owing time.
func (l *limiter) release(slot time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.next.Equal(slot.Add(l.interval)) {
		l.next = slot
	}
}

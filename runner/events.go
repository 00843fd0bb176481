package runner

import (
	"context"
	"net/http"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/events"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/target"
)

// openChannel opens the case's notification channel, when it has one,
// with the case's credentials, before its request goes out. ctx carries
// the case's mock session (mockSession), which scopes the channel's events
// to the case on the built-in mock; that target gives the channel its
// faults too (a header it needs on the request is added to p).
func (r *Runner) openChannel(ctx context.Context, s *spec.Spec, c *casefile.Case, p *prepared) (*events.Listener, error) {
	if c.Channel == nil {
		return nil, nil
	}
	x := &expander{vars: r.opts.Vars, c: c}
	topics := make([]string, len(c.Channel.Topics))
	for i, t := range c.Channel.Topics {
		topics[i] = x.expand("channel.topics", place{}, t)
	}
	if x.err != nil {
		return nil, x.err
	}
	o := events.Options{Auth: c.Auth, Topics: topics, Case: c.Name}
	if ct, ok := r.target.(target.Channels); ok {
		var request http.Header
		o.Header, request = ct.ChannelHeaders(c.Channel.Faults)
		o.Client = ct.ChannelClient(c.Channel.Faults)
		for k, vs := range request {
			p.header[k] = vs
		}
	}
	return events.Open(ctx, r.sender, s, o)
}

// expectedEvents are the case's expected events with ${NAME} filled in.
func (r *Runner) expectedEvents(c *casefile.Case) ([]casefile.ExpectedEvent, error) {
	x := &expander{vars: r.opts.Vars, c: c}
	out := make([]casefile.ExpectedEvent, len(c.Expect.Events))
	for i, e := range c.Expect.Events {
		e.TopicName = x.expand("expect.events", place{}, e.TopicName)
		out[i] = e
	}
	return out, x.err
}

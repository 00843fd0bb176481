package mockserver

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// The notification channel is Genesys Cloud's way of pushing events: a
// client creates a channel (POST /api/v2/notifications/channels), opens its
// connectUri as a WebSocket, and subscribes it to topics with the REST
// operations; events on those topics then arrive on the socket, with a
// heartbeat every 30 s and a pong for each {"message":"ping"}. An overlay
// with a notifications: section turns it on. Where each behaviour comes
// from is in docs/notifications.md; what no public source gives is marked
// unverified there.

// Notifications is the overlay's notifications: section.
type Notifications struct {
	// Heartbeat is how often a connected channel gets a channel.metadata
	// heartbeat (default 30s).
	Heartbeat Duration `yaml:"heartbeat"`
	// ChannelLimit is how many channels one client and user may hold
	// (default 20). Creating one more removes the channel used least
	// recently, one without a connection first.
	ChannelLimit int `yaml:"channelLimit"`
	// TopicLimit is how many topics one channel may subscribe to (default 1000).
	TopicLimit int `yaml:"topicLimit"`
	// Lifetime is how long a channel lives after it is created or last
	// subscribed (default 24h); its expires field says when that is.
	Lifetime Duration `yaml:"lifetime"`
	// Topics are the topic patterns a subscription may name; "{id}" stands
	// for one dot-free segment (v2.users.{id}.conversations.calls).
	Topics []string `yaml:"topics"`
	// Faults apply to every channel; --ws-fault and a case's faults are laid over them.
	Faults       WSFaults `yaml:"faults"`
	Source       string   `yaml:"source"`
	Verification string   `yaml:"verification"`
	Pos          Pos      `yaml:"-"`
}

// NotifyOptions adjust, from the command line or a test, the notification
// channel an overlay's notifications: section turns on.
type NotifyOptions struct {
	// Heartbeat replaces the overlay's heartbeat interval (0 keeps it).
	Heartbeat time.Duration
	// Faults are laid over the overlay's notifications.faults.
	Faults WSFaults
}

func (o NotifyOptions) isZero() bool { return o.Heartbeat == 0 && o.Faults.IsZero() }

// The vendor's defaults, with their sources in docs/notifications.md.
const (
	defaultHeartbeat    = 30 * time.Second
	defaultChannelLimit = 20
	defaultTopicLimit   = 1000
	defaultLifetime     = 24 * time.Hour
)

// notifyConfig is the notifications: section with its defaults filled.
type notifyConfig struct {
	heartbeat    time.Duration
	channelLimit int
	topicLimit   int
	lifetime     time.Duration
	topics       []topicPattern
	faults       WSFaults
}

func newNotifyConfig(n *Notifications, opts NotifyOptions) notifyConfig {
	cfg := notifyConfig{
		heartbeat: orDuration(opts.Heartbeat, time.Duration(n.Heartbeat), defaultHeartbeat),
		lifetime:  orDuration(time.Duration(n.Lifetime), defaultLifetime),
		faults:    n.Faults.Over(opts.Faults),
	}
	cfg.channelLimit, cfg.topicLimit = n.ChannelLimit, n.TopicLimit
	if cfg.channelLimit <= 0 {
		cfg.channelLimit = defaultChannelLimit
	}
	if cfg.topicLimit <= 0 {
		cfg.topicLimit = defaultTopicLimit
	}
	for _, t := range n.Topics {
		cfg.topics = append(cfg.topics, parseTopicPattern(t))
	}
	return cfg
}

func orDuration(ds ...time.Duration) time.Duration {
	for _, d := range ds {
		if d > 0 {
			return d
		}
	}
	return 0
}

// notifier holds the channels: their subscriptions, their one open
// connection each, and the timers that end them.
type notifier struct {
	cfg   notifyConfig
	clock Clock
	log   *slog.Logger

	mu       sync.Mutex
	channels map[string]*channel
	// bySession are the channels by the session they were created in:
	// what a request's events and a new channel's limit look at, so that
	// neither scans every channel (a run of 100,000 cases keeps thousands).
	bySession map[string][]*channel
	// maxChannels bounds the channels kept in all (maxChannels; tests lower it).
	maxChannels int
	closed      bool
	conns       sync.WaitGroup // connections still being served
}

// channel is one notification channel.
type channel struct {
	id           string
	owner        string // client and user: the limit is per user/app combination
	session      string // the Casebook-Session it was created in: it sees that session's events
	topics       []string
	expires      time.Time
	tokenExpires time.Time // zero: the token never expires (a static overlay token)
	lastUsed     time.Time
	faults       WSFaults
	conn         *wsConn   // the open connection, if any
	refuseUntil  time.Time // refuse-reconnect: no new connection before this
	stopExpiry   func() bool
}

func newNotifier(cfg notifyConfig, clock Clock, log *slog.Logger) *notifier {
	return &notifier{cfg: cfg, clock: clock, log: log, channels: map[string]*channel{}, bySession: map[string][]*channel{}, maxChannels: maxChannels}
}

// create makes a channel for the grant's client and user, removing their
// least recently used one first when they are at the limit.
func (n *notifier) create(g *grant, faults WSFaults, session string) *channel {
	now := n.clock.Now()
	ch := &channel{id: newChannelID(), owner: ownerOf(g), session: session, lastUsed: now, faults: n.cfg.faults.Over(faults)}
	if g != nil {
		ch.tokenExpires = g.expires
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if victim := n.oldest(ch.owner, ch.session); victim != nil {
		n.remove(victim, "channel removed: the client created more than the channel limit")
	}
	if len(n.channels) >= n.maxChannels {
		n.remove(leastUsed(slices.Collect(maps.Values(n.channels))), "channel removed: the mock holds too many channels")
	}
	n.channels[ch.id] = ch
	n.bySession[ch.session] = append(n.bySession[ch.session], ch)
	n.renew(ch, now)
	return ch
}

func ownerOf(g *grant) string {
	if g == nil {
		return ""
	}
	return g.client.Name + "\x00" + g.client.User
}

// newChannelID makes an id in the shape of the vendor's sample connectUri
// (wss://streaming.mypurecloud.com/channels/streaming-0-<26 characters>).
func newChannelID() string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b [26]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "streaming-0-" + string(b[:])
}

// maxChannels bounds the channels the mock keeps in all, whoever made them:
// a long run that opens a channel per case cannot exhaust memory.
const maxChannels = 10000

// oldest is the channel to remove when owner is at the limit in a session
// (each session is a world of its own, so that cases running at once do
// not push each other's channels out). The caller holds mu.
func (n *notifier) oldest(owner, session string) *channel {
	var mine []*channel
	for _, ch := range n.bySession[session] {
		if ch.owner == owner {
			mine = append(mine, ch)
		}
	}
	if len(mine) < n.cfg.channelLimit {
		return nil
	}
	return leastUsed(mine)
}

// leastUsed is the channel to remove first: one without a connection
// before one with, then the least recently used.
func leastUsed(chs []*channel) *channel {
	return slices.MinFunc(chs, func(a, b *channel) int {
		if (a.conn == nil) != (b.conn == nil) {
			if a.conn == nil {
				return -1
			}
			return 1
		}
		return a.lastUsed.Compare(b.lastUsed)
	})
}

// renew sets the channel's expires a lifetime from now and arms the timer
// that ends it then, or when its token expires if that is sooner. The
// caller holds mu.
func (n *notifier) renew(ch *channel, now time.Time) {
	ch.expires = now.Add(n.cfg.lifetime)
	if ch.stopExpiry != nil {
		ch.stopExpiry()
	}
	end := ch.expires
	if !ch.tokenExpires.IsZero() && ch.tokenExpires.Before(end) {
		end = ch.tokenExpires
	}
	ch.stopExpiry = n.clock.AfterFunc(end.Sub(now), func() { n.expire(ch) })
}

// expire ends a channel whose lifetime or token has run out.
func (n *notifier) expire(ch *channel) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.channels[ch.id] != ch {
		return
	}
	reason := "channel expired"
	if !ch.tokenExpires.IsZero() && !n.clock.Now().Before(ch.tokenExpires) {
		reason = "the channel's access token expired"
	}
	n.remove(ch, reason)
}

// remove forgets a channel and closes its connection. The caller holds mu.
func (n *notifier) remove(ch *channel, reason string) {
	delete(n.channels, ch.id)
	if left := slices.DeleteFunc(n.bySession[ch.session], func(c *channel) bool { return c == ch }); len(left) > 0 {
		n.bySession[ch.session] = left
	} else {
		delete(n.bySession, ch.session)
	}
	if ch.stopExpiry != nil {
		ch.stopExpiry()
	}
	if ch.conn != nil {
		ch.conn.end(closeAction{code: closeGoingAway, reason: reason})
	}
}

// lookup finds the grant's own channel by id: another client's channel is
// as unknown as one that never existed.
func (n *notifier) lookup(id string, g *grant) (*channel, *apiError) {
	n.mu.Lock()
	defer n.mu.Unlock()
	ch := n.channels[id]
	if ch == nil || ch.owner != ownerOf(g) {
		return nil, &apiError{Status: http.StatusNotFound, Code: codeNotFound}
	}
	return ch, nil
}

// subscribe replaces (PUT) or extends (POST) a channel's topics and renews
// its lifetime, since a subscription is what keeps a channel alive.
func (n *notifier) subscribe(ch *channel, g *grant, topics []string, replace bool) ([]string, *apiError) {
	for _, t := range topics {
		if e := n.checkTopic(t); e != nil {
			return nil, e
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	next := topics
	if !replace {
		next = append(slices.Clone(ch.topics), topics...)
	}
	next = dedupe(next)
	if len(next) > n.cfg.topicLimit {
		return nil, &apiError{Status: http.StatusBadRequest, Code: codeBadRequest,
			Message: fmt.Sprintf("A channel may subscribe to at most %d topics; this request would make %d.", n.cfg.topicLimit, len(next))}
	}
	ch.topics = next
	now := n.clock.Now()
	ch.lastUsed = now
	if g != nil {
		ch.tokenExpires = g.expires
	}
	if n.channels[ch.id] == ch {
		n.renew(ch, now)
	}
	return slices.Clone(next), nil
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// unsubscribe removes every topic (DELETE).
func (n *notifier) unsubscribe(ch *channel) {
	n.mu.Lock()
	defer n.mu.Unlock()
	ch.topics = nil
	ch.lastUsed = n.clock.Now()
}

// topicsOf is a copy of a channel's topics.
func (n *notifier) topicsOf(ch *channel) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(ch.topics)
}

// listening reports whether a connected channel of the session subscribes
// to topic: an event nobody hears is not worth making.
func (n *notifier) listening(topic, session string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, ch := range n.bySession[session] {
		if ch.conn != nil && slices.Contains(ch.topics, topic) {
			return true
		}
	}
	return false
}

// publish sends an event to every connected channel of the session that
// is subscribed to topic. A channel with no connection at that moment
// misses it: nothing says the vendor keeps events for a channel that is
// not connected.
func (n *notifier) publish(topic string, body any, session string) {
	msg := eventMessage(topic, body)
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, ch := range n.bySession[session] {
		if ch.conn != nil && slices.Contains(ch.topics, topic) {
			ch.conn.send(msg)
		}
	}
}

// shutdown closes every connection (1001, going away) and stops every
// timer; it waits for the connections to finish until done is closed.
func (n *notifier) shutdown(done <-chan struct{}) {
	n.mu.Lock()
	n.closed = true
	for _, ch := range n.channels {
		n.remove(ch, "server shutting down")
	}
	n.mu.Unlock()
	finished := make(chan struct{})
	go func() { n.conns.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-done:
	}
}

// Channels is how many notification channels exist (0 when the overlay
// turns none on), for tests and the start-up banner.
func (s *Server) Channels() int {
	if s.notify == nil {
		return 0
	}
	s.notify.mu.Lock()
	defer s.notify.mu.Unlock()
	return len(s.notify.channels)
}

// topicPattern is a topic with "{id}" segments that match any one segment.
type topicPattern struct {
	text     string
	segments []string
}

func parseTopicPattern(s string) topicPattern {
	return topicPattern{text: s, segments: strings.Split(s, ".")}
}

func (p topicPattern) match(topic string) bool {
	segs := strings.Split(topic, ".")
	if len(segs) != len(p.segments) {
		return false
	}
	for i, s := range segs {
		if p.segments[i] == "{id}" {
			if s == "" {
				return false
			}
		} else if s != p.segments[i] {
			return false
		}
	}
	return true
}

// fill puts topic's segments where the pattern has {id}, for "did you mean".
func (p topicPattern) fill(topic string) string {
	segs := strings.Split(topic, ".")
	out := slices.Clone(p.segments)
	for i := range out {
		if out[i] == "{id}" && i < len(segs) {
			out[i] = segs[i]
		}
	}
	return strings.Join(out, ".")
}

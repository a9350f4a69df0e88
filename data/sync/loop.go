package sync

import (
	"context"
	"errors"
	"math/rand/v2"
	gosync "sync"
	"time"

	"github.com/civickiosk/kiosk/data/sqlite"
)

// Status is the kiosk's sync state for its status badge (在线 / 离线 · N 条待同步,
// last sync time) and staff mode's progress bar. Times are the kiosk's clock,
// UTC ms.
type Status struct {
	Enrolled bool // the kiosk has a hub
	Online   bool // the last attempt reached the hub and it answered
	Syncing  bool // a round is under way
	Pending  int  // records waiting to go up
	// Progress of the round under way: Sent records answered so far, of
	// Sent+Pending.
	Progress   Progress
	LastSyncMS int64  // end of the last complete round; 0 = never
	LastError  string // why the last attempt failed; "" after a good round
	// NeedsStaff: the hub refused this kiosk (revoked token, wrong site):
	// it must be enrolled again. Rounds go on at the slowest pace.
	NeedsStaff bool
	NextMS     int64 // when the next round is due
	// ClockOffsetMS is this kiosk's clock minus the hub's at the last push;
	// beyond MaxClockSkewMS the clock needs setting.
	ClockOffsetMS int64
}

// LoopOptions pace a Syncer. Zero fields take defaults.
type LoopOptions struct {
	Interval   time.Duration // between good rounds; default 1 min
	MinBackoff time.Duration // wait after a first failure; default 2 s
	MaxBackoff time.Duration // longest wait after failures; default 5 min
	// PendingEvery is how often the pending count is refreshed between
	// rounds (new scans); default 5 s.
	PendingEvery time.Duration
	// OnChange, when set, is called from the loop's goroutine after the
	// status changes. It must not block; a UI posts it to its own thread.
	OnChange func(Status)
}

// Syncer runs sync rounds in the background: push then pull when the hub is
// reachable, backing off exponentially with jitter when it is not. Scans
// never wait for it: they are committed to the kiosk's store, and the loop
// picks them up. Status and SyncNow are safe to call from any goroutine and
// never block on the network.
type Syncer struct {
	c    *Client
	st   *sqlite.Store
	o    LoopOptions
	kick chan struct{}
	mu   gosync.Mutex
	s    Status
}

// NewSyncer prepares a loop over the kiosk store st; co configures its
// Client (co.Progress is wrapped, not replaced).
func NewSyncer(st *sqlite.Store, co ClientOptions, o LoopOptions) *Syncer {
	if o.Interval <= 0 {
		o.Interval = time.Minute
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 2 * time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(5*time.Minute, o.MinBackoff)
	}
	if o.PendingEvery <= 0 {
		o.PendingEvery = 5 * time.Second
	}
	s := &Syncer{st: st, o: o, kick: make(chan struct{}, 1)}
	user := co.Progress
	co.Progress = func(p Progress) {
		s.update(func(st *Status) {
			st.Progress = p
			if p.Pending > 0 || p.Changes == 0 {
				st.Pending = p.Pending
			}
		})
		if user != nil {
			user(p)
		}
	}
	s.c = NewClient(st, co)
	return s
}

// Status returns the current sync state.
func (s *Syncer) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.s
}

// SyncNow asks for a round as soon as the current one (if any) ends (立即同步).
func (s *Syncer) SyncNow() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Syncer) update(fn func(*Status)) {
	s.mu.Lock()
	fn(&s.s)
	st := s.s
	s.mu.Unlock()
	if s.o.OnChange != nil {
		s.o.OnChange(st)
	}
}

// backoff returns the wait after n consecutive failures: up to
// MinBackoff·2^(n−1), capped at MaxBackoff, with its upper half random
// ("equal jitter") so that kiosks coming back online together spread out.
func (s *Syncer) backoff(n int) time.Duration {
	d := s.o.MinBackoff
	for i := 1; i < n && d < s.o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.o.MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

// Run runs rounds until ctx is done. Run it in its own goroutine.
func (s *Syncer) Run(ctx context.Context) {
	failures := 0
	for {
		s.update(func(st *Status) { st.Syncing = true; st.Progress = Progress{} })
		r, err := s.c.Round(ctx)
		if ctx.Err() != nil {
			s.update(func(st *Status) { st.Syncing = false })
			return
		}
		wait := s.o.Interval
		f := ClassifyFailure(err)
		switch {
		case err == nil:
			failures = 0
		case errors.Is(err, ErrNotEnrolled):
			failures = 0
		case f.NeedsStaff:
			failures = 0
			wait = s.o.MaxBackoff
		default:
			failures++
			wait = s.backoff(failures)
		}
		n, _ := s.st.OutboxCount(ctx)
		now := s.c.o.Now()
		s.update(func(st *Status) {
			st.Syncing = false
			st.Pending = n
			st.Enrolled = !errors.Is(err, ErrNotEnrolled)
			st.NextMS = now.Add(wait).UnixMilli()
			st.NeedsStaff = f.NeedsStaff && st.Enrolled
			st.Online = f.Online
			st.LastError = ""
			if err != nil && st.Enrolled {
				st.LastError = err.Error()
			}
			if err == nil {
				st.LastSyncMS = now.UnixMilli()
				if r.Stored+r.Already+r.Rejected > 0 {
					st.ClockOffsetMS = r.ClockOffsetMS
				}
			}
		})
		if !s.sleep(ctx, wait) {
			return
		}
	}
}

// sleep waits for d, a SyncNow or the end of ctx (false), refreshing the
// pending count meanwhile.
func (s *Syncer) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	tick := time.NewTicker(s.o.PendingEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-s.kick:
			return true
		case <-t.C:
			return true
		case <-tick.C:
			if n, err := s.st.OutboxCount(ctx); err == nil && n != s.Status().Pending {
				s.update(func(st *Status) { st.Pending = n })
			}
		}
	}
}

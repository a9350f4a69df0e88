// Package checkin is the kiosk's check-in path: registering visitors and
// issuing their passes, and turning a scanned pass code or a typed phone
// number into a durable check-in or check-out under the centre's rules.
// The kiosk's screens and `kioskctl checkin` both go through Service.
package checkin

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/google/uuid"
)

// Options configure a Service. Zero fields take defaults.
type Options struct {
	SiteID string         // the kiosk's site; its open sessions are the default for a scan
	Rules  data.Rules     // default: the store's rule settings
	Zone   *time.Location // the centre's zone; default the store's zone setting
	Now    func() time.Time
}

// Service runs check-ins against a store. It is safe for concurrent use.
type Service struct {
	store    *sqlite.Store
	key      pass.Key
	device   string
	run      string
	runStart time.Time // carries the monotonic clock reading
	site     string
	rules    data.Rules
	zone     *time.Location
	now      func() time.Time
}

// New prepares the check-in path: it loads this kiosk's device id and signing
// key from the store, making and storing them on first use, and starts a new
// run (a UUIDv7 run id; records carry ms since this moment on the monotonic
// clock so the hub can repair a wrong wall clock).
func New(ctx context.Context, st *sqlite.Store, o Options) (*Service, error) {
	s := &Service{store: st, site: o.SiteID, rules: o.Rules, zone: o.Zone, now: o.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rules == (data.Rules{}) {
		r, err := st.Rules(ctx)
		if err != nil {
			return nil, err
		}
		s.rules = r
	}
	if s.zone == nil {
		z, err := st.Zone(ctx)
		if err != nil {
			return nil, err
		}
		s.zone = z
	}
	var err error
	if s.device, err = st.DeviceID(ctx); err != nil {
		return nil, err
	}
	id, priv, found, err := st.OwnKey(ctx)
	if err != nil {
		return nil, err
	}
	if !found {
		if _, err := st.NewOwnKey(ctx, s.site, s.now().UnixMilli()); err != nil {
			return nil, err
		}
		if id, priv, _, err = st.OwnKey(ctx); err != nil {
			return nil, err
		}
	}
	s.key = pass.Key{ID: id, Private: priv}
	s.run = uuid.Must(uuid.NewV7()).String()
	s.runStart = time.Now()
	return s, nil
}

// DeviceID returns the kiosk's device id.
func (s *Service) DeviceID() string { return s.device }

// RunClock returns this run's id and the ms elapsed since the run started on
// the monotonic clock: the anchor the hub uses to repair a wrong wall clock.
func (s *Service) RunClock() (runID string, runMS int64) {
	return s.run, time.Since(s.runStart).Milliseconds()
}

// Rules returns the rules in force.
func (s *Service) Rules() data.Rules { return s.rules }

// Zone returns the centre's time zone.
func (s *Service) Zone() *time.Location { return s.zone }

// Result is the answer to a scan or a phone check-in, enough for the kiosk's
// result screen.
type Result struct {
	Outcome   data.Outcome
	Reason    data.Reason
	Direction data.Direction // for Accepted: what was recorded
	Record    data.CheckIn   // the stored record (Accepted or Refused)
	Visitor   data.Visitor   // zero when the pass is not known on this kiosk; for ReasonUnknownPhone only the number typed (normalised)
	Session   data.Session   // the session checked into, when one was found
	Previous  *data.CheckIn  // for Duplicate: the earlier record (its time is shown)
	Choices   []data.Session // for ReasonChooseEvent: the open sessions to pick from
	Inside    []data.Session // for ReasonChooseEvent on an event's page (Target.Page): those of Choices the visitor is checked in to
	ServiceMS int64          // for a check-out: service time of this visit, capped to the session
}

// OpenSessions returns the sessions open for check-in now: the kiosk's own
// site's first, then the wider centre's.
func (s *Service) OpenSessions(ctx context.Context) ([]data.Session, error) {
	return s.openAt(ctx, "")
}

// openAt returns the sessions open for check-in now at siteID ("" = at every
// site), ordered as OpenSessions orders them.
func (s *Service) openAt(ctx context.Context, siteID string) ([]data.Session, error) {
	now := s.now().UnixMilli()
	early := int64(s.rules.EarlyMinutes) * 60_000
	evs, err := s.store.EventsBetween(ctx, now, now+early+1, siteID)
	if err != nil {
		return nil, err
	}
	var open []data.Session
	for _, ss := range data.SessionsBetween(evs, now, now+early+1, s.site, s.zone) {
		if s.rules.Open(ss, now) {
			open = append(open, ss)
		}
	}
	return open, nil
}

// session picks the session a scan goes to: the open session of eventID when
// given, else the single open session at the kiosk's site (at any site when
// the kiosk has none), reading only that site's events.
func (s *Service) session(ctx context.Context, eventID string) (data.Session, Result, bool) {
	site := s.site
	if eventID != "" {
		site = ""
	}
	open, err := s.openAt(ctx, site)
	if err != nil {
		return data.Session{}, Result{Outcome: data.Refused, Reason: data.ReasonStorage}, false
	}
	if eventID != "" {
		for _, ss := range open {
			if ss.Event.ID == eventID {
				return ss, Result{}, true
			}
		}
		if _, err := s.store.Event(ctx, eventID); errors.Is(err, data.ErrNotFound) {
			return data.Session{}, Result{Outcome: data.Refused, Reason: data.ReasonUnknownEvent}, false
		}
		return data.Session{}, Result{Outcome: data.Refused, Reason: data.ReasonNotOpen}, false
	}
	switch len(open) {
	case 0:
		return data.Session{}, Result{Outcome: data.Refused, Reason: data.ReasonNoEvent}, false
	case 1:
		return open[0], Result{}, true
	}
	return data.Session{}, Result{Outcome: data.Refused, Reason: data.ReasonChooseEvent, Choices: open}, false
}

// record starts a record stamped with this kiosk's device, run and clocks.
func (s *Service) record(m data.Method) data.CheckIn {
	return data.CheckIn{
		ID:       uuid.Must(uuid.NewV7()).String(),
		Method:   m,
		DeviceID: s.device,
		WallMS:   s.now().UnixMilli(),
		RunID:    s.run,
		RunMS:    time.Since(s.runStart).Milliseconds(),
	}
}

// refuse stores a refused scan (so the log shows it) and returns its Result.
// A refusal that cannot be stored is still answered; the error is returned.
func (s *Service) refuse(ctx context.Context, rec data.CheckIn, r Result) (Result, error) {
	rec.Outcome, rec.Reason, rec.Direction = data.Refused, r.Reason, data.In
	r.Outcome, r.Record = data.Refused, rec
	if r.Reason == data.ReasonChooseEvent || r.Reason == data.ReasonStorage {
		return r, nil // not a refusal of the person: nothing to log
	}
	if err := s.store.AppendCheckIn(ctx, rec); err != nil {
		return r, fmt.Errorf("storing refused scan: %w", err)
	}
	return r, nil
}

// Target says where a scan or a typed phone number goes.
type Target struct {
	// Event is the event the visitor chose; "" when they chose none: then
	// the scan goes to Page's event, else to the kiosk's open session or
	// the one the visitor is in.
	Event string
	// Page is the event whose page the kiosk shows, where a visitor may
	// scan their pass or type their phone number without having chosen
	// that event: the page may be left from the previous user. With no
	// Event, the scan goes to Page's event when it is open, except when the
	// visitor is still checked in to another open session: rather than
	// checking them in elsewhere while they meant to check out, the answer
	// is then ReasonChooseEvent with the sessions they are in (Result.Inside:
	// a choice of one checks out of it) and this event's.
	Page string
}

// Scan checks in (or out) the holder of a scanned pass code. text is the raw
// scanner text (prefixes, case and terminators are tolerated); to says
// which event it is for.
//
// The returned Result says what the visitor sees. An accepted record is
// durable (committed with synchronous=FULL) before Scan returns. The error is
// non-nil only when the store failed; Result then has ReasonStorage and the
// scan must not be acknowledged as a success.
func (s *Service) Scan(ctx context.Context, text string, to Target) (Result, error) {
	rec := s.record(data.MethodQR)
	code, verified, err := pass.Verify(text, func(id uint32) (ed25519.PublicKey, bool) {
		pub, found, _ := s.store.PublicKey(ctx, id)
		return pub, found
	})
	switch {
	case errors.Is(err, pass.ErrTampered):
		rec.Pass = code.Ref()
		return s.refuse(ctx, rec, Result{Reason: data.ReasonTampered})
	case err != nil:
		return s.refuse(ctx, rec, Result{Reason: data.ReasonUnreadable})
	}
	rec.Pass, rec.Verified = code.Ref(), verified
	v, revoked, err := s.store.PassHolder(ctx, code.Ref())
	if err != nil {
		return Result{Outcome: data.Refused, Reason: data.ReasonStorage}, err
	}
	rec.VisitorID = v.ID
	if revoked {
		return s.refuse(ctx, rec, Result{Reason: data.ReasonRevoked, Visitor: v})
	}
	return s.attend(ctx, rec, v, to)
}

// Phone checks in (or out) the visitor registered with a phone number, for a
// visitor without their pass. A number nobody registered is refused with
// ReasonUnknownPhone and the number, normalised, in Result.Visitor.Phone,
// so that the kiosk can offer to register it. Errors as for Scan.
func (s *Service) Phone(ctx context.Context, phone string, to Target) (Result, error) {
	rec := s.record(data.MethodPhone)
	p, ok := data.NormalisePhone(phone)
	if !ok {
		return Result{Outcome: data.Refused, Reason: data.ReasonBadPhone}, nil
	}
	v, err := s.store.VisitorByPhone(ctx, p)
	if errors.Is(err, data.ErrNotFound) {
		return Result{Outcome: data.Refused, Reason: data.ReasonUnknownPhone, Visitor: data.Visitor{Phone: p}}, nil
	}
	if err != nil {
		return Result{Outcome: data.Refused, Reason: data.ReasonStorage}, err
	}
	rec.VisitorID = v.ID
	rec.Verified = true
	if ref, _, found, err := s.store.ActivePass(ctx, v.ID); err == nil && found {
		rec.Pass = ref
	}
	return s.attend(ctx, rec, v, to)
}

// onPage applies Target.Page's rule for the event page page: it returns the
// event the scan goes to ("" when the page is of no open event, which the
// page does not catch), or a choice to put to the visitor (choose).
func (s *Service) onPage(ctx context.Context, subject, page string) (eventID string, choice Result, choose bool, err error) {
	if page == "" {
		return "", Result{}, false, nil
	}
	open, err := s.openAt(ctx, "")
	if err != nil {
		return "", Result{}, false, err
	}
	var here []data.Session
	for _, ss := range open {
		if ss.Event.ID == page {
			here = append(here, ss)
		}
	}
	if len(here) == 0 {
		return "", Result{}, false, nil
	}
	in, err := s.checkedIn(ctx, subject, open)
	if err != nil {
		return "", Result{}, false, err
	}
	for _, ss := range in {
		if ss.Event.ID == page {
			return page, Result{}, false, nil // leaving the event of the page
		}
	}
	if len(in) == 0 {
		return page, Result{}, false, nil
	}
	return "", Result{Reason: data.ReasonChooseEvent, Choices: append(in, here...), Inside: in}, true, nil
}

// attend finds the session and applies the rules in one store transaction.
func (s *Service) attend(ctx context.Context, rec data.CheckIn, v data.Visitor, to Target) (Result, error) {
	subject := sqlite.Subject(v.ID, rec.Pass)
	eventID := to.Event
	if eventID == "" {
		page, choice, choose, err := s.onPage(ctx, subject, to.Page)
		if err != nil {
			return Result{Outcome: data.Refused, Reason: data.ReasonStorage, Visitor: v}, err
		}
		if choose {
			choice.Visitor = v
			return s.refuse(ctx, rec, choice)
		}
		eventID = page
	}
	ss, r, ok := s.session(ctx, eventID)
	if !ok && r.Reason == data.ReasonChooseEvent {
		ss, ok, err := s.inside(ctx, subject, r.Choices)
		if err != nil {
			return Result{Outcome: data.Refused, Reason: data.ReasonStorage, Visitor: v}, err
		}
		if ok {
			return s.attend(ctx, rec, v, Target{Event: ss.Event.ID})
		}
	}
	if !ok {
		r.Visitor = v
		return s.refuse(ctx, rec, r)
	}
	rec.EventID, rec.SessionStartMS = ss.Event.ID, ss.StartMS
	res := Result{Visitor: v, Session: ss}
	err := s.store.RecordScan(ctx, subject, ss.Event.ID, ss.StartMS,
		func(last *data.CheckIn) (*data.CheckIn, error) {
			dir, outcome, reason := s.rules.Decide(last, rec.WallMS)
			res.Outcome, res.Reason, res.Direction = outcome, reason, dir
			if outcome == data.Duplicate {
				res.Previous = last
				return nil, nil
			}
			rec.Direction, rec.Outcome = dir, data.Accepted
			if dir == data.Out {
				res.ServiceMS = data.ServiceMS(ss, last.WallMS, rec.WallMS)
			}
			res.Record = rec
			return &rec, nil
		})
	if err != nil {
		return Result{Outcome: data.Refused, Reason: data.ReasonStorage, Visitor: v, Session: ss}, err
	}
	return res, nil
}

// inside returns the one session among choices the subject is checked in to
// and not yet out of: when several events are open, a scan to leave goes to
// the event the person is in without asking. ok is false unless exactly one
// such session exists.
func (s *Service) inside(ctx context.Context, subject string, choices []data.Session) (data.Session, bool, error) {
	in, err := s.checkedIn(ctx, subject, choices)
	if err != nil || len(in) != 1 {
		return data.Session{}, false, err
	}
	return in[0], true, nil
}

// checkedIn returns the sessions among choices the subject is checked in to
// and not yet out of.
func (s *Service) checkedIn(ctx context.Context, subject string, choices []data.Session) ([]data.Session, error) {
	var in []data.Session
	for _, c := range choices {
		last, err := s.store.LastAccepted(ctx, subject, c.Event.ID, c.StartMS)
		if err != nil {
			return nil, err
		}
		if last != nil && last.Direction == data.In {
			in = append(in, c)
		}
	}
	return in, nil
}

// Registration is a visitor with their current pass code.
type Registration struct {
	Visitor data.Visitor
	Code    string // the pass code's text form
	Created bool   // a new visitor
	Issued  bool   // a new pass was issued (first registration, a pass of this kiosk's own, or StaffReissue)
}

// Register finds or creates the visitor with this phone number (any common
// mainland format) and returns their current pass code, issuing one of the
// current key when they have no pass of any of this kiosk's own keys
// (sqlite.Store.OwnActivePass); it never revokes a pass (StaffReissue
// does). communityID (a site id) updates the visitor when given; name
// (normalised: data.NormaliseName) names a visitor who has no name yet, and
// never replaces a registered one (compare Registration.Visitor.Name with
// data.NormaliseName(name)).
// An invalid phone returns an error wrapping ErrBadPhone.
func (s *Service) Register(ctx context.Context, phone, communityID, name string) (Registration, error) {
	p, ok := data.NormalisePhone(phone)
	if !ok {
		return Registration{}, fmt.Errorf("%w: %q", ErrBadPhone, phone)
	}
	v, created, err := s.store.Register(ctx, data.Visitor{Phone: p, CommunityID: communityID, Name: data.NormaliseName(name),
		CreatedMS: s.now().UnixMilli()})
	if err != nil {
		return Registration{}, err
	}
	reg := Registration{Visitor: v, Created: created}
	ref, issuedMS, priv, found, err := s.store.OwnActivePass(ctx, v.ID)
	if err != nil {
		return reg, err
	}
	if !found {
		// No pass yet, or only passes signed by other kiosks' keys that this
		// kiosk cannot re-create: issue a pass of this kiosk's own. The other
		// kiosk's pass keeps working: only staff revoke a pass.
		return s.issue(ctx, reg)
	}
	// A pass of any of this kiosk's keys, the current one or one from before
	// a restore, is shown again as it was issued.
	reg.Code, err = pass.Encode(pass.Key{ID: ref.KeyID, Private: priv},
		pass.Payload{No: ref.No, IssuedDay: pass.Day(time.UnixMilli(issuedMS))})
	return reg, err
}

// issue issues the visitor a new pass of this kiosk's own; their other
// passes stay valid.
func (s *Service) issue(ctx context.Context, reg Registration) (Registration, error) {
	now := s.now()
	ref, err := s.store.IssuePass(ctx, reg.Visitor.ID, s.key.ID, now.UnixMilli())
	if err != nil {
		return reg, err
	}
	return s.registration(reg, ref, now)
}

// registration is reg with the code of pass ref, issued now.
func (s *Service) registration(reg Registration, ref data.PassRef, now time.Time) (Registration, error) {
	var err error
	reg.Issued = true
	reg.Code, err = pass.Encode(s.key, pass.Payload{No: ref.No, IssuedDay: pass.Day(now)})
	return reg, err
}

// ErrBadPhone is returned (wrapped) for a phone number that is not a mainland
// China mobile number.
var ErrBadPhone = errors.New("not a mainland China mobile number")

// CloseEnded checks out, automatically, everyone still checked in to a
// session that has ended: one record per open check-in, method auto, stamped
// at the session's end. It returns how many were closed.
func (s *Service) CloseEnded(ctx context.Context) (int, error) {
	now := s.now().UnixMilli()
	v, err := s.store.Setting(ctx, SettingClosedThrough, "0")
	if err != nil {
		return 0, err
	}
	through, _ := strconv.ParseInt(v, 10, 64)
	open, err := s.store.OpenCheckIns(ctx, through-closeLookbackMS, now)
	if err != nil {
		return 0, err
	}
	closed := 0
	for _, in := range open {
		ev, err := s.store.Event(ctx, in.EventID)
		if err != nil {
			continue // an event deleted since: leave the record for staff
		}
		end := in.SessionStartMS + (ev.EndMS - ev.StartMS)
		if end > now {
			continue
		}
		err = s.store.RecordScan(ctx, sqlite.Subject(in.VisitorID, in.Pass), in.EventID, in.SessionStartMS,
			func(last *data.CheckIn) (*data.CheckIn, error) {
				if last == nil || last.Direction != data.In {
					return nil, nil
				}
				out := s.record(data.MethodAuto)
				out.VisitorID, out.Pass, out.Verified = in.VisitorID, in.Pass, in.Verified
				out.EventID, out.SessionStartMS = in.EventID, in.SessionStartMS
				out.Direction, out.Outcome, out.WallMS = data.Out, data.Accepted, end
				return &out, nil
			})
		if err != nil {
			return closed, err
		}
		closed++
	}
	if now > through {
		if err := s.store.SetSetting(ctx, SettingClosedThrough, strconv.FormatInt(now, 10)); err != nil {
			return closed, err
		}
	}
	return closed, nil
}

// SettingClosedThrough is the setting holding when CloseEnded last ran to
// the end (UTC ms), kept across restarts so each run reads only recent
// check-ins.
const SettingClosedThrough = "autoclose.through_ms"

// closeLookbackMS is how far before its previous run CloseEnded looks for
// check-ins still open: longer than any session, so none is missed; a
// kiosk's very first run looks through the whole history.
const closeLookbackMS = 7 * 24 * 3600 * 1000

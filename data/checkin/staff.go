package checkin

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/civickiosk/kiosk/data/staff"
)

// BackfillGrace: a manual record stamped more than this before the moment it
// is entered is a back-filled record (补录, data.CheckIn.Backfilled).
const BackfillGrace = 5 * time.Minute

// FutureSlack is how far in the future a manual record's time may be (the
// staff member's watch against the kiosk's clock).
const FutureSlack = time.Minute

// Errors of staff actions: manual check-in and check-out (StaffCheckIn),
// revocation and re-issue, returned wrapped.
var (
	ErrStaffRequired  = errors.New("a manual record, revocation or re-issue needs the staff member")
	ErrBadDirection   = errors.New("direction must be in or out")
	ErrNoSession      = errors.New("the event has no session starting then")
	ErrFutureTime     = errors.New("the time is in the future")
	ErrOutsideWindow  = errors.New("a check-in time must fall within the session's check-in window")
	ErrAlreadyIn      = errors.New("already checked in to this session")
	ErrAlreadyOut     = errors.New("already checked out of this session")
	ErrNotCheckedIn   = errors.New("not checked in to this session")
	ErrOutBeforeIn    = errors.New("the check-out time must be after the check-in time")
	ErrVisitorDeleted = errors.New("the visitor has been deleted")
)

// StaffCheckIn records a check-in or check-out made by staff for a visitor
// found by phone (sqlite.Store.FindVisitors): for example a visitor without
// their card, or a missed check-out fixed after the fact. It returns the
// stored record, durable when StaffCheckIn returns nil.
//
// Inputs: the visitor's id; the session (event id and the session's start,
// UTC ms, as in data.Session.StartMS); dir data.In or data.Out; atMS, when it
// happened (UTC ms; 0 = now); staffName, the staff member entering it
// (staff.Session.Name), stored in the record's Staff field.
//
// The record has method data.MethodStaff, outcome accepted, Verified true
// (staff vouch for the person), the visitor's current pass if any, this
// kiosk's device and run, and wall time atMS. Backfilled (补录) is set when
// atMS is more than BackfillGrace before now. The check-in rules apply as
// they make sense for staff, decided atomically with the store
// (sqlite.Store.RecordScan):
//   - the session must be a session of the event (ErrNoSession), and atMS
//     not more than FutureSlack ahead of the kiosk's clock (ErrFutureTime);
//   - a check-in: the person has no record in the session yet (ErrAlreadyIn
//     when inside, ErrAlreadyOut when already checked out, as
//     data.Rules.Decide answers a scan), and atMS is in the session's
//     check-in window, data.Rules.Window (ErrOutsideWindow);
//   - a check-out: the person's latest record in the session is a check-in
//     (ErrNotCheckedIn, or ErrAlreadyOut) made before atMS (ErrOutBeforeIn);
//   - except that an automatic check-out (data.MethodAuto, made at the
//     session's end by CloseEnded) may be corrected by a staff check-out
//     between the check-in and it: records are append-only, so the earlier
//     check-out is added and closes the visit (reports and the roster pair
//     a check-in with the first check-out after it).
//
// An unknown visitor or event gives an error wrapping data.ErrNotFound; a
// deleted visitor ErrVisitorDeleted.
func (s *Service) StaffCheckIn(ctx context.Context, visitorID, eventID string, sessionStartMS int64,
	dir data.Direction, atMS int64, staffName string) (data.CheckIn, error) {
	if staffName == "" {
		return data.CheckIn{}, ErrStaffRequired
	}
	if dir != data.In && dir != data.Out {
		return data.CheckIn{}, fmt.Errorf("%w (got %q)", ErrBadDirection, dir)
	}
	deleted, err := s.store.VisitorDeleted(ctx, visitorID)
	if err != nil {
		return data.CheckIn{}, err
	}
	if deleted {
		return data.CheckIn{}, ErrVisitorDeleted
	}
	v, err := s.store.Visitor(ctx, visitorID)
	if err != nil {
		return data.CheckIn{}, err
	}
	ev, err := s.store.Event(ctx, eventID)
	if err != nil {
		return data.CheckIn{}, err
	}
	ss, ok := sessionAt(ev, sessionStartMS, s.zone)
	if !ok {
		return data.CheckIn{}, fmt.Errorf("%w: event %s at %s", ErrNoSession, eventID,
			time.UnixMilli(sessionStartMS).In(s.zone).Format("2006-01-02 15:04"))
	}
	rec := s.record(data.MethodStaff)
	now := rec.WallMS
	if atMS == 0 {
		atMS = now
	}
	if atMS > now+FutureSlack.Milliseconds() {
		return data.CheckIn{}, ErrFutureTime
	}
	if from, to := s.rules.Window(ss); dir == data.In && (atMS < from || atMS >= to) {
		return data.CheckIn{}, ErrOutsideWindow
	}
	rec.VisitorID, rec.Verified, rec.Staff = v.ID, true, staffName
	if ref, _, found, err := s.store.ActivePass(ctx, v.ID); err != nil {
		return data.CheckIn{}, err
	} else if found {
		rec.Pass = ref
	}
	rec.EventID, rec.SessionStartMS = ev.ID, ss.StartMS
	rec.Direction, rec.Outcome, rec.WallMS = dir, data.Accepted, atMS
	rec.Backfilled = atMS < now-BackfillGrace.Milliseconds()
	// An automatic check-out may be corrected by an earlier one: find the
	// check-in it closed.
	var prior []data.CheckIn
	if dir == data.Out {
		if prior, err = s.store.CheckIns(ctx, sqlite.CheckInFilter{VisitorID: v.ID, EventID: ev.ID,
			SessionStartMS: ss.StartMS, AcceptedOnly: true}); err != nil {
			return data.CheckIn{}, err
		}
	}
	corrects := func(last *data.CheckIn) bool {
		n := len(prior)
		return last.Method == data.MethodAuto && n >= 2 && prior[n-1].ID == last.ID &&
			prior[n-2].Direction == data.In && atMS > prior[n-2].WallMS && atMS < last.WallMS
	}
	var refused error
	err = s.store.RecordScan(ctx, sqlite.Subject(v.ID, rec.Pass), ev.ID, ss.StartMS,
		func(last *data.CheckIn) (*data.CheckIn, error) {
			switch {
			case dir == data.In && last != nil && last.Direction == data.In:
				refused = ErrAlreadyIn
			case dir == data.Out && last != nil && last.Direction == data.Out && corrects(last):
				return &rec, nil
			case last != nil && last.Direction == data.Out:
				refused = ErrAlreadyOut
			case dir == data.Out && last == nil:
				refused = ErrNotCheckedIn
			case dir == data.Out && atMS <= last.WallMS:
				refused = ErrOutBeforeIn
			default:
				return &rec, nil
			}
			return nil, nil
		})
	if err != nil {
		return data.CheckIn{}, err
	}
	if refused != nil {
		return data.CheckIn{}, refused
	}
	return rec, nil
}

// sessionAt returns the session of e that starts at startMS, if there is
// one (weekly sessions are computed in loc, as data.Event.Sessions does).
func sessionAt(e data.Event, startMS int64, loc *time.Location) (data.Session, bool) {
	for _, ss := range e.Sessions(startMS, startMS+1, loc) {
		if ss.StartMS == startMS {
			return ss, true
		}
	}
	return data.Session{}, false
}

// StaffLogin checks a PIN typed at the kiosk now (the service's clock) and
// starts a staff session for the member it belongs to. staffID is the
// member of a scanned staff card (StaffCard), or "" to match the PIN against
// every enabled member. Errors are sqlite.Store.VerifyPIN's: a
// *staff.WrongPINError with the tries left, a *staff.LockedError with the
// lock's end, staff.ErrBadPIN, staff.ErrNoStaff, staff.ErrDisabled. End the
// session when staff.Session.Expired(now, policy.Idle) with the store's
// StaffPolicy.
func (s *Service) StaffLogin(ctx context.Context, staffID, pin string) (staff.Session, error) {
	now := s.now().UnixMilli()
	m, err := s.store.VerifyPIN(ctx, staffID, pin, now)
	if err != nil {
		return staff.Session{}, err
	}
	return staff.Start(m, now), nil
}

// StaffCard reads scanned text as a staff card: it returns the staff member
// when text is a pass code signed by a key known here (pass.Verify) that is a
// current staff card (sqlite.Store.StaffByPass). found is false for anything
// else — a visitor's pass, an unreadable or tampered code, a revoked card —
// which the kiosk then handles as a visitor's scan (Scan). The kiosk asks
// for the member's PIN (StaffLogin with the member's id) when found.
func (s *Service) StaffCard(ctx context.Context, text string) (m staff.Member, found bool, err error) {
	code, verified, err := pass.Verify(text, func(id uint32) (ed25519.PublicKey, bool) {
		pub, found, _ := s.store.PublicKey(ctx, id)
		return pub, found
	})
	if err != nil || !verified {
		return m, false, nil
	}
	return s.store.StaffByPass(ctx, code.Ref())
}

// StaffCardCode returns the pass code of the staff member's card, signed
// with this kiosk's key: the current card when it has one made here and
// renew is false, else a new card that replaces (revokes) the old ones;
// issued says whether a card was issued. A new card is logged in the audit
// log. An unknown staffID gives an error wrapping data.ErrNotFound.
func (s *Service) StaffCardCode(ctx context.Context, staffID string, renew bool) (code string, issued bool, err error) {
	m, err := s.store.StaffMember(ctx, staffID)
	if err != nil {
		return "", false, err
	}
	ref, issuedMS, found, err := s.store.StaffCard(ctx, staffID)
	if err != nil {
		return "", false, err
	}
	if found && !renew && ref.KeyID == s.key.ID {
		code, err = pass.Encode(s.key, pass.Payload{No: ref.No, IssuedDay: pass.Day(time.UnixMilli(issuedMS))})
		return code, false, err
	}
	now := s.now()
	if ref, err = s.store.IssueStaffCard(ctx, staffID, s.key.ID, now.UnixMilli()); err != nil {
		return "", false, err
	}
	if err := s.store.AddAudit(ctx, sqlite.AuditEntry{MS: now.UnixMilli(), Staff: m.Label(), Action: sqlite.AuditStaffCard,
		Details: map[string]any{"staff_id": m.ID, "key_id": ref.KeyID, "no": ref.No}}); err != nil {
		return "", true, err
	}
	code, err = pass.Encode(s.key, pass.Payload{No: ref.No, IssuedDay: pass.Day(now)})
	return code, true, err
}

// StaffRevoke revokes the visitor's passes (a lost card, without a new one
// yet) now, logged as staffName's action; it returns how many were revoked.
// A revocation needs a staff member (ErrStaffRequired).
func (s *Service) StaffRevoke(ctx context.Context, visitorID, staffName string) (int, error) {
	if staffName == "" {
		return 0, ErrStaffRequired
	}
	if _, err := s.store.Visitor(ctx, visitorID); err != nil {
		return 0, err
	}
	return s.store.RevokeVisitorPasses(ctx, visitorID, staffName, s.now().UnixMilli())
}

// StaffReissue replaces a lost card: it revokes the visitor's passes and
// issues a new one now, logged as staffName's action
// (sqlite.Store.ReissuePass), and returns the new code. A re-issue needs a
// staff member (ErrStaffRequired); a visitor deleted on request gets no pass
// (ErrVisitorDeleted); an unknown visitor gives an error wrapping
// data.ErrNotFound.
func (s *Service) StaffReissue(ctx context.Context, visitorID, staffName string) (Registration, error) {
	if staffName == "" {
		return Registration{}, ErrStaffRequired
	}
	v, err := s.store.Visitor(ctx, visitorID)
	if err != nil {
		return Registration{}, err
	}
	if deleted, err := s.store.VisitorDeleted(ctx, visitorID); err != nil || deleted {
		if err == nil {
			err = ErrVisitorDeleted
		}
		return Registration{}, err
	}
	now := s.now()
	ref, err := s.store.ReissuePass(ctx, visitorID, s.key.ID, staffName, now.UnixMilli())
	if err != nil {
		return Registration{}, err
	}
	return s.registration(Registration{Visitor: v}, ref, now)
}

// StaffDeleteVisitor deletes a visitor on their request now
// (sqlite.Store.DeleteVisitor: phone and name removed, attendance kept
// anonymised, passes revoked, logged as staffName's action).
func (s *Service) StaffDeleteVisitor(ctx context.Context, visitorID, staffName string) (sqlite.DeleteResult, error) {
	if staffName == "" {
		return sqlite.DeleteResult{}, ErrStaffRequired
	}
	return s.store.DeleteVisitor(ctx, visitorID, staffName, s.now().UnixMilli())
}

// ApplyRetention runs the retention rule now with the store's retention
// setting (sqlite.Store.RetentionYears, default 3 years): the kiosk calls it
// once a day. See sqlite.Store.ApplyRetention.
func (s *Service) ApplyRetention(ctx context.Context) (sqlite.RetentionResult, error) {
	years, err := s.store.RetentionYears(ctx)
	if err != nil {
		return sqlite.RetentionResult{}, err
	}
	return s.store.ApplyRetention(ctx, s.now().UnixMilli(), years)
}

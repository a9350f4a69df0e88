package staff

import (
	"errors"
	"fmt"
	"time"
)

// Member is a staff member who may enter staff mode. Name is the display
// name (e.g. 王老师) and may be empty for the kiosk's one unnamed staff PIN;
// names are unique. Disabled members cannot enter staff mode. Times are UTC
// ms.
type Member struct {
	ID        string
	Name      string
	CreatedMS int64
	UpdatedMS int64
	Disabled  bool
}

// Label is how the member is named on records (data.CheckIn.Staff) and in
// the audit log: the display name, or the member's id when it has none.
func (m Member) Label() string {
	if m.Name != "" {
		return m.Name
	}
	return m.ID
}

// Errors of staff-mode entry. Wrong PINs and lockouts come as *WrongPINError
// and *LockedError, which match ErrWrongPIN and ErrLocked with errors.Is.
var (
	ErrWrongPIN    = errors.New("wrong staff PIN")
	ErrLocked      = errors.New("staff mode is locked after too many wrong PINs")
	ErrNoStaff     = errors.New("no staff PIN has been set")
	ErrDisabled    = errors.New("this staff member is disabled")
	ErrPINInUse    = errors.New("another staff member already has this PIN")
	ErrStaffExists = errors.New("a staff PIN is already set")
)

// WrongPINError is a wrong PIN that did not (yet) lock staff mode.
// TriesLeft is how many more wrong PINs in a row are allowed before the lock.
type WrongPINError struct{ TriesLeft int }

func (e *WrongPINError) Error() string {
	return fmt.Sprintf("%v (%d tries left)", ErrWrongPIN, e.TriesLeft)
}

// Unwrap makes errors.Is(err, ErrWrongPIN) true.
func (e *WrongPINError) Unwrap() error { return ErrWrongPIN }

// LockedError says staff mode is locked until UntilMS (UTC ms). It is
// returned for the wrong PIN that causes the lock and for every attempt while
// the lock lasts (PINs are then not checked at all).
type LockedError struct{ UntilMS int64 }

func (e *LockedError) Error() string {
	return fmt.Sprintf("%v until %s", ErrLocked, time.UnixMilli(e.UntilMS).UTC().Format(time.RFC3339))
}

// Unwrap makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Unwrap() error { return ErrLocked }

// Policy is the staff-mode policy of a kiosk.
type Policy struct {
	// MaxTries wrong PINs in a row lock staff mode for LockFor.
	MaxTries int
	LockFor  time.Duration
	// Idle ends a staff session after this long without a touch.
	Idle time.Duration
}

// DefaultPolicy: 5 wrong PINs in a row lock staff mode for 5 minutes, and a
// staff session ends after 3 idle minutes. (The lockout follows the OWASP
// Authentication Cheat Sheet's account-lockout advice: a threshold of
// failed attempts, a lock duration, and a counter reset on success.)
var DefaultPolicy = Policy{MaxTries: 5, LockFor: 5 * time.Minute, Idle: 3 * time.Minute}

// orDefault fills zero or negative fields from DefaultPolicy.
func (p Policy) orDefault() Policy {
	if p.MaxTries <= 0 {
		p.MaxTries = DefaultPolicy.MaxTries
	}
	if p.LockFor <= 0 {
		p.LockFor = DefaultPolicy.LockFor
	}
	if p.Idle <= 0 {
		p.Idle = DefaultPolicy.Idle
	}
	return p
}

// Attempts is the kiosk-wide lockout state: wrong PINs in a row since the
// last success or lock, and the end of the current lock (UTC ms, 0 = none).
// The store keeps it so that a restart does not reset it.
type Attempts struct {
	Failures      int
	LockedUntilMS int64
}

// Check returns a *LockedError when a is locked at nowMS, else nil.
func (p Policy) Check(a Attempts, nowMS int64) error {
	if nowMS < a.LockedUntilMS {
		return &LockedError{UntilMS: a.LockedUntilMS}
	}
	return nil
}

// Fail records one wrong PIN at nowMS and returns the new state with the
// error to report: a *WrongPINError with the tries left, or, at the
// MaxTries-th wrong PIN in a row, a *LockedError until nowMS+LockFor (the
// counter then starts again at 0 for after the lock). Call it only when
// Check found no lock. Zero policy fields take DefaultPolicy's.
func (p Policy) Fail(a Attempts, nowMS int64) (Attempts, error) {
	p = p.orDefault()
	if nowMS >= a.LockedUntilMS {
		a.LockedUntilMS = 0
	}
	a.Failures++
	if a.Failures >= p.MaxTries {
		until := nowMS + p.LockFor.Milliseconds()
		return Attempts{LockedUntilMS: until}, &LockedError{UntilMS: until}
	}
	return a, &WrongPINError{TriesLeft: p.MaxTries - a.Failures}
}

// Succeed returns the state after a correct PIN: no failures, no lock.
func (p Policy) Succeed(Attempts) Attempts { return Attempts{} }

// TriesLeft returns how many wrong PINs in a row are still allowed at nowMS
// before the lock (0 while locked).
func (p Policy) TriesLeft(a Attempts, nowMS int64) int {
	p = p.orDefault()
	if p.Check(a, nowMS) != nil {
		return 0
	}
	return max(p.MaxTries-a.Failures, 0)
}

// Session is a staff member's time in staff mode: when it started and the
// last touch (UTC ms).
type Session struct {
	StaffID        string
	Name           string // Member.Label, noted on manual records
	StartedMS      int64
	LastActivityMS int64
}

// Start begins a session for m at nowMS.
func Start(m Member, nowMS int64) Session {
	return Session{StaffID: m.ID, Name: m.Label(), StartedMS: nowMS, LastActivityMS: nowMS}
}

// ClockSlack is how far the clock may step back (e.g. an NTP correction)
// before a session is ended for safety.
const ClockSlack = time.Minute

// Expired reports whether the session has ended at nowMS: idle (default
// DefaultPolicy.Idle when ≤ 0) or more has passed since the last touch, or
// the clock has gone back by more than ClockSlack. The zero Session is
// always expired.
func (s Session) Expired(nowMS int64, idle time.Duration) bool {
	if s.StaffID == "" {
		return true
	}
	if idle <= 0 {
		idle = DefaultPolicy.Idle
	}
	gap := nowMS - s.LastActivityMS
	return gap >= idle.Milliseconds() || gap < -ClockSlack.Milliseconds()
}

// Touch returns s with its last activity at nowMS (a tap in staff mode).
func (s Session) Touch(nowMS int64) Session {
	if nowMS > s.LastActivityMS {
		s.LastActivityMS = nowMS
	}
	return s
}

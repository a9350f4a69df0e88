package data

import (
	"strings"
	"unicode"
)

// Direction says whether a check-in record is a check-in (签到) or a
// check-out (签退).
type Direction string

// The two directions.
const (
	In  Direction = "in"
	Out Direction = "out"
)

// Method says how a check-in record was made.
type Method string

// The methods.
const (
	MethodQR    Method = "qr"    // a pass scanned at the kiosk
	MethodPhone Method = "phone" // phone number typed on the kiosk's keypad
	MethodStaff Method = "staff" // entered by staff
	MethodAuto  Method = "auto"  // check-out closed automatically at session end
)

// Outcome is the result of a scan.
type Outcome string

// The outcomes. Duplicates are answered but never stored as rows.
const (
	Accepted  Outcome = "accepted"
	Duplicate Outcome = "duplicate"
	Refused   Outcome = "refused"
)

// Reason is a machine-readable cause for a refused or duplicate scan. The
// user-facing text is the translation of "reason."+Reason.
type Reason string

// The reasons.
const (
	ReasonNone         Reason = ""
	ReasonUnreadable   Reason = "unreadable"   // not a pass code, or a misread one (check character)
	ReasonTampered     Reason = "tampered"     // signature does not match
	ReasonRevoked      Reason = "revoked"      // pass revoked (lost card)
	ReasonNoEvent      Reason = "no_event"     // no event open for check-in at this site now
	ReasonChooseEvent  Reason = "choose_event" // several events open; the visitor must pick one
	ReasonUnknownEvent Reason = "unknown_event"
	ReasonNotOpen      Reason = "not_open"    // the chosen session is not open for check-in now
	ReasonAlreadyIn    Reason = "already_in"  // checked in less than the minimum stay ago
	ReasonAlreadyOut   Reason = "already_out" // already checked out of this session
	ReasonUnknownPhone Reason = "unknown_phone"
	ReasonBadPhone     Reason = "bad_phone"
	ReasonStorage      Reason = "storage" // the record could not be stored (disk full, read-only)
)

// PassRef identifies a pass across all kiosks: the signing key's id and the
// pass number under that key.
type PassRef struct {
	KeyID uint32
	No    uint32
}

// IsZero reports whether r refers to no pass.
func (r PassRef) IsZero() bool { return r.KeyID == 0 && r.No == 0 }

// Visitor is a registered resident or volunteer. Phone is the normalised
// 11-digit mainland mobile number; it is shown masked everywhere (MaskPhone).
type Visitor struct {
	ID          string
	Phone       string
	Name        string
	CommunityID string // a site id, usually a station
	CreatedMS   int64
}

// CheckIn is one attendance record: a check-in, a check-out, or a refused
// scan. Records are append-only.
type CheckIn struct {
	ID             string // UUIDv7, made on the kiosk
	VisitorID      string // empty when the pass is not known locally
	Pass           PassRef
	EventID        string // empty for a refused scan with no event
	SessionStartMS int64  // the session's start, UTC ms
	Direction      Direction
	Method         Method
	DeviceID       string
	WallMS         int64  // kiosk wall clock at the scan, UTC ms
	RunID          string // per-run session id of the kiosk process
	RunMS          int64  // monotonic ms since the run started
	Verified       bool   // signature checked against a known key
	Outcome        Outcome
	Reason         Reason
	Staff          string // staff member for method staff
	Backfilled     bool   // 补录: entered after the fact
}

// Rules are the check-in rules of a site.
type Rules struct {
	// EarlyMinutes opens check-in this many minutes before a session starts.
	EarlyMinutes int
	// MinStayMinutes: a second scan sooner than this after check-in is a
	// duplicate; later, it is a check-out.
	MinStayMinutes int
}

// DefaultRules are used when a kiosk has no settings of its own.
var DefaultRules = Rules{EarlyMinutes: 30, MinStayMinutes: 10}

// Window returns the check-in window of s: from EarlyMinutes before its start
// to its end, UTC ms, half-open [from, to).
func (r Rules) Window(s Session) (fromMS, toMS int64) {
	return s.StartMS - int64(r.EarlyMinutes)*60_000, s.EndMS
}

// Open reports whether s accepts check-ins at nowMS.
func (r Rules) Open(s Session, nowMS int64) bool {
	from, to := r.Window(s)
	return nowMS >= from && nowMS < to
}

// Decide applies the check-in rules to a scan of one visitor at one session.
// last is the visitor's latest accepted record for that session, or nil.
// It returns the direction to record, or a Duplicate outcome with its reason:
//   - no record yet: check in;
//   - checked in less than MinStayMinutes ago: duplicate (ReasonAlreadyIn);
//   - checked in earlier: check out;
//   - already checked out: duplicate (ReasonAlreadyOut).
func (r Rules) Decide(last *CheckIn, nowMS int64) (Direction, Outcome, Reason) {
	switch {
	case last == nil:
		return In, Accepted, ReasonNone
	case last.Direction == Out:
		return Out, Duplicate, ReasonAlreadyOut
	case nowMS-last.WallMS < int64(r.MinStayMinutes)*60_000:
		return In, Duplicate, ReasonAlreadyIn
	default:
		return Out, Accepted, ReasonNone
	}
}

// ServiceMS returns the service time between a check-in and a check-out, capped
// to the session: min(out, end) − max(in, start), never negative. Units: ms.
func ServiceMS(s Session, inMS, outMS int64) int64 {
	from := max(inMS, s.StartMS)
	to := min(outMS, s.EndMS)
	if to <= from {
		return 0
	}
	return to - from
}

// MaskPhone shows an 11-digit phone as 138****8000; anything else is masked
// to its last 4 characters.
func MaskPhone(phone string) string {
	if len(phone) == 11 {
		return phone[:3] + "****" + phone[7:]
	}
	if len(phone) > 4 {
		return "****" + phone[len(phone)-4:]
	}
	return "****"
}

// NormaliseName returns a person's name as it is stored and printed:
// without control characters (Unicode category Cc, such as a line break
// quoted into a CSV cell, or a bell) or bidirectional controls (Unicode's
// Bidi_Control: U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069, which
// can make a name display reversed), with runs of white space (including
// a line break, tab or the ideographic space U+3000) made one space, and
// trimmed. A name of only such characters gives "".
func NormaliseName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Bidi_Control, r) || unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// NormalisePhone turns a mainland China mobile number as typed or printed
// ("+86 138-0013-8000", "0086 13800138000", "138 0013 8000") into its 11
// digits. ok is false unless the result is 11 digits starting with 1 and a
// second digit 3–9 (the MIIT mobile number plan).
func NormalisePhone(s string) (string, bool) {
	digits := make([]byte, 0, 16)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-' || c == '+' || c == '(' || c == ')' || c == '.':
		default:
			return "", false
		}
	}
	d := string(digits)
	switch {
	case len(d) == 13 && d[:2] == "86":
		d = d[2:]
	case len(d) == 15 && d[:4] == "0086":
		d = d[4:]
	}
	if len(d) != 11 || d[0] != '1' || d[1] < '3' {
		return "", false
	}
	return d, true
}

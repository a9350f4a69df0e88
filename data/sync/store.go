package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"sort"
)

// Errors of a Store (returned wrapped; test with errors.Is).
var (
	// ErrBadCode: the enrolment code is unknown, expired, or was already
	// used with another token.
	ErrBadCode = errors.New("enrolment code unknown, expired or already used")
	// ErrKeyConflict: another kiosk already registered a different public
	// key under the same key id.
	ErrKeyConflict = errors.New("another public key is registered under this key id")
	// ErrUnauthorized: the device token is unknown or revoked.
	ErrUnauthorized = errors.New("unknown or revoked device token")
	// ErrForbidden: the request writes another site's or device's data.
	ErrForbidden = errors.New("a device may only write its own site's data")
)

// MaxClockSkewMS is how far (5 minutes) a kiosk's wall clock may be off the
// hub's before the kiosk is flagged (Device.ClockSuspect) and its records'
// times are taken from the hub's estimate instead.
const MaxClockSkewMS = 5 * 60_000

// Device is an enrolled kiosk as the hub knows it.
type Device struct {
	ID         string
	SiteID     string
	KeyID      uint32
	PublicKey  []byte // Ed25519, 32 bytes
	EnrolledMS int64
	RevokedMS  int64 // 0 = active
	LastSeenMS int64 // hub clock at its last authenticated request
	// ClockOffsetMS is the kiosk's wall clock minus the hub's clock, measured
	// at ClockCheckedMS (its last push or pull that carried its clock; 0 =
	// never).
	ClockOffsetMS  int64
	ClockCheckedMS int64
}

// ClockSuspect reports whether the kiosk's clock was last seen more than
// MaxClockSkewMS off the hub's.
func (d Device) ClockSuspect() bool {
	return d.ClockCheckedMS != 0 && abs(d.ClockOffsetMS) > MaxClockSkewMS
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// HubRecord is a check-in record as the hub stores it: the kiosk's record
// plus what the hub adds.
type HubRecord struct {
	Record
	SiteID     string // the uploading device's site
	Subject    string // Record.Subject()
	ReceivedMS int64  // hub clock when the record first arrived
	// TrueMS is the hub's estimate of when the scan really happened (see
	// EstimateTrueMS); ClockErrorMS is WallMS − TrueMS.
	TrueMS       int64
	ClockErrorMS int64
	// DuplicateOf is, for an accepted record whose subject already has an
	// accepted record in the same direction for the same session (made
	// elsewhere while offline), the id of the earliest such record by TrueMS
	// then id; "" for that earliest one and all others. Reports count a
	// duplicate once.
	DuplicateOf string
}

// Enrolment is a kiosk's request to exchange a code, as hashes.
type Enrolment struct {
	CodeHash  []byte // HashSecret(normalised code)
	TokenHash []byte // HashSecret(token)
	DeviceID  string
	KeyID     uint32
	PublicKey []byte
	NowMS     int64
}

// Batch is a validated PushRequest ready to be stored.
type Batch struct {
	Records     []HubRecord // SiteID, Subject and ReceivedMS filled in; TrueMS is set by the store
	Revocations []Revocation
	ReceivedMS  int64
	// ClockOffsetMS is the kiosk's clock error measured on this request.
	ClockOffsetMS int64
	// RunID/RunBaseMS anchor the kiosk's current run: RunBaseMS is the hub
	// time at the run's ms 0. RunID is "" when the kiosk sent none.
	RunID     string
	RunBaseMS int64
	// EventCodes are the event sign-in tokens the kiosk showed (audit).
	EventCodes []EventCode
}

// Item is one piece of hub content to put on the feed.
type Item struct {
	Kind string
	ID   string
	Data []byte // JSON, as in Change.Data
}

// Filter selects hub records. Zero fields do not filter.
type Filter struct {
	SiteID         string
	DeviceID       string
	FromMS, ToMS   int64 // TrueMS in [FromMS, ToMS)
	AcceptedOnly   bool
	WithDuplicates bool // include records marked DuplicateOf (default: left out)
}

// Store is the hub's storage. Implementations: SQLiteHub (embedded SQLite,
// this package) and postgres.Store (PostgreSQL). Both pass the same test
// suite. Every method is safe for concurrent use, also from several hub
// processes on one PostgreSQL database.
type Store interface {
	// AddEnrolCode stores a one-time enrolment code (as HashSecret of its
	// normalised text) for a site, valid until expiresMS.
	AddEnrolCode(ctx context.Context, siteID string, codeHash []byte, nowMS, expiresMS int64) error
	// Enrol consumes a code and registers the device, its token hash and its
	// public key (published on the feed as KindKey), in one transaction. A
	// code already used with the same token and device answers as the first
	// time. A device id enrolled and not revoked is refused (a copy of a
	// kiosk's database). Errors: ErrBadCode, ErrKeyConflict,
	// ErrDeviceEnrolled.
	Enrol(ctx context.Context, e Enrolment) (Device, error)
	// RotateKey registers a new signing key of dev (kioskctl restore): it
	// becomes the device's key and is published on the feed as KindKey,
	// its earlier keys staying there. A key id registered with another
	// public key gives ErrKeyConflict.
	RotateKey(ctx context.Context, dev Device, keyID uint32, pub []byte, nowMS int64) error
	// DeviceByToken returns the active device holding the token; an unknown
	// or revoked token gives ErrUnauthorized.
	DeviceByToken(ctx context.Context, tokenHash []byte) (Device, error)
	// RevokeDevice revokes a device's token (its key stays on the feed:
	// passes it signed stay valid). An unknown device gives data.ErrNotFound.
	RevokeDevice(ctx context.Context, deviceID string, nowMS int64) error
	// DeviceSeen records an authenticated request of the device at nowMS
	// (its last contact) and, when clockChecked, its clock offset measured
	// on it (kiosk minus hub, ms). Push records both itself.
	DeviceSeen(ctx context.Context, deviceID string, nowMS, clockOffsetMS int64, clockChecked bool) error
	// Devices lists the enrolled devices by site then id.
	Devices(ctx context.Context) ([]Device, error)
	// Push stores a batch in one transaction and answers per record, in
	// order: new records are stored (TrueMS from EstimateTrueMS, duplicates
	// marked across the subject's session); a record whose id is present
	// with the same content is already stored; with other content it is
	// rejected (RejectIDConflict) and the stored one is kept. New
	// revocations go on the feed. The device's clock offset and the run
	// anchor are recorded.
	Push(ctx context.Context, dev Device, b Batch) ([]RecordResult, error)
	// Changes returns up to limit feed entries with Seq > after, by Seq.
	// Seqs are issued in commit order, so a reader never skips one.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)
	// ContentItem returns the current feed entry of (kind, id), or an error
	// wrapping data.ErrNotFound.
	ContentItem(ctx context.Context, kind, id string) (Change, error)
	// PutContent puts items on the feed in one transaction (an item whose
	// data is unchanged keeps its Seq), then, for each kind of replace in
	// order, tombstones that kind's live items not among items. It returns
	// how many feed entries changed.
	PutContent(ctx context.Context, items []Item, replace []string, nowMS int64) (int, error)
	// PutEdits stores content edited on a kiosk in one transaction holding
	// the feed lock: each item is passed to check with its current feed
	// entry (nil when there is none or it is a tombstone) and, unless check
	// returns a rejection reason, put on the feed as PutContent does. It
	// answers per item, in order: StatusStored, StatusAlready (data
	// unchanged; the entry keeps its Seq) or StatusRejected with check's
	// reason.
	PutEdits(ctx context.Context, items []Item, check func(it Item, cur *Change) string, nowMS int64) ([]ContentResult, error)
	// LiveContent returns the live (not deleted) feed entries of one kind,
	// by id.
	LiveContent(ctx context.Context, kind string) ([]Change, error)
	// EachCheckIn calls fn with each record matching f, by TrueMS then id,
	// streamed from one query (never all held in memory). It stops at the
	// first error from fn or the database and returns it.
	EachCheckIn(ctx context.Context, f Filter, fn func(HubRecord) error) error
	// DeviceByKey returns the most recently enrolled device (active or
	// revoked) whose signing key has id keyID, or an error wrapping
	// data.ErrNotFound.
	DeviceByKey(ctx context.Context, keyID uint32) (Device, error)
	// Secret returns the hub's secret named name, making it with fresh and
	// storing it when there is none yet; every hub process on the database
	// gets the same value.
	Secret(ctx context.Context, name string, fresh func() ([]byte, error), nowMS int64) ([]byte, error)
	// PhoneVisitorBySession returns the visitor a phone's cookie (its
	// SHA-256) is linked to, noting the visit, or an error wrapping
	// data.ErrNotFound.
	PhoneVisitorBySession(ctx context.Context, sessionHash []byte, nowMS int64) (PhoneVisitor, error)
	// SignInPhone finds or creates the visitor with a phone number and
	// links the phone's cookie to them, in one transaction.
	SignInPhone(ctx context.Context, in PhoneSignIn) (PhoneVisitor, error)
	// LastAccepted returns the latest accepted record (by TrueMS, then id)
	// of a subject in one session, or nil.
	LastAccepted(ctx context.Context, subject, eventID string, sessionStartMS int64) (*HubRecord, error)
	// HubCheckIn decides and stores a record made at the hub, atomically
	// for the subject's session: it loads the subject's latest accepted
	// record of the session (nil if none), calls decide with it, and stores
	// the record decide returns (none when it returns nil), marks its
	// duplicates and puts it on the feed as KindCheckIn.
	HubCheckIn(ctx context.Context, subject, eventID string, sessionStartMS int64,
		decide func(last *HubRecord) (*HubRecord, error)) error
	// EventCodes returns the event sign-in tokens a device sent up, by
	// issue time.
	EventCodes(ctx context.Context, deviceID string) ([]EventCode, error)
	// Close releases the store.
	Close() error
}

// CheckIns returns the records of st matching f, by TrueMS then id
// (Store.EachCheckIn collected).
func CheckIns(ctx context.Context, st Store, f Filter) ([]HubRecord, error) {
	var out []HubRecord
	err := st.EachCheckIn(ctx, f, func(r HubRecord) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// HashSecret is the SHA-256 of an enrolment code or device token, the only
// form in which the hub keeps them.
func HashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// EstimateTrueMS estimates when a record's scan really happened, on the hub's
// clock:
//   - when the record's run is anchored (base known: the hub time at ms 0 of
//     that run, learnt from a push made during the run), base + RunMS — the
//     kiosk's monotonic clock, immune to wall-clock changes;
//   - otherwise its WallMS corrected by the kiosk's clock error measured on
//     this push, offsetMS (kiosk minus hub), when that exceeds
//     MaxClockSkewMS; else WallMS as it is.
func EstimateTrueMS(r Record, base int64, anchored bool, offsetMS int64) int64 {
	if anchored {
		return base + r.RunMS
	}
	if abs(offsetMS) > MaxClockSkewMS {
		return r.WallMS - offsetMS
	}
	return r.WallMS
}

// SameRecord reports whether two records with one id carry the same content
// (a re-sent record, not a conflicting one).
func SameRecord(a, b Record) bool { return a == b }

// GroupKey identifies the records among which duplicates are marked: one
// subject's accepted records in one direction for one session.
type GroupKey struct {
	Subject        string
	EventID        string
	SessionStartMS int64
	Direction      string
}

// Key returns r's duplicate group; ok is false for records that are never
// duplicates (refused scans, records with no event).
func (r HubRecord) Key() (k GroupKey, ok bool) {
	if r.Outcome != "accepted" || r.EventID == "" {
		return k, false
	}
	return GroupKey{r.Subject, r.EventID, r.SessionStartMS, r.Direction}, true
}

// GroupMember is one record of a duplicate group, as RankGroup needs it.
type GroupMember struct {
	ID          string
	TrueMS      int64
	DuplicateOf string
}

// RankGroup returns the changes that make a group consistent: the earliest
// member (by TrueMS, then id) is the original, every other one its
// duplicate. It maps id → new DuplicateOf for the members that change.
func RankGroup(ms []GroupMember) map[string]string {
	if len(ms) == 0 {
		return nil
	}
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].TrueMS != ms[j].TrueMS {
			return ms[i].TrueMS < ms[j].TrueMS
		}
		return ms[i].ID < ms[j].ID
	})
	out := map[string]string{}
	first := ms[0].ID
	for i, m := range ms {
		want := first
		if i == 0 {
			want = ""
		}
		if m.DuplicateOf != want {
			out[m.ID] = want
		}
	}
	return out
}

// KeyConflict reports whether the stored feed data of a KindKey entry holds
// another public key than pub. Used by Store implementations at enrolment.
func KeyConflict(stored []byte, pub []byte) bool {
	var k KeyInfo
	if json.Unmarshal(stored, &k) != nil {
		return false
	}
	return !bytes.Equal(k.PublicKey, pub)
}

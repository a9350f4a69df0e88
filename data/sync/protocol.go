// Package sync moves data between kiosks and the district hub: the HTTP/JSON
// protocol, the hub's handlers over a Store (embedded SQLite here, PostgreSQL
// in package postgres), and the kiosk's client and background loop.
//
// Up: check-in records (accepted and refused scans) go from a kiosk's outbox
// to the hub in batches. Every record has its kiosk-made UUID, so a re-sent
// batch never makes a second row; the hub answers per record (stored, already
// stored, rejected with a reason). Pass revocations go up the same way.
//
// Events and honour-wall entries edited in a kiosk's staff mode go up too,
// each item's whole state; the hub puts those of the kiosk's site (or sites
// under it) on the feed like its own imports and rejects the others.
//
// Down: a change feed of the centre's content (sites, events, honour wall,
// teams, the centre's description), pass revocations and kiosks' public keys.
// Its cursor is a sequence number issued by the hub in commit order, never a
// kiosk time; deletions are tombstones. Content is imported at the hub or
// edited on kiosks; on each (kind, id) the last write in hub order (the
// order in which the hub stores them) wins.
//
// Authentication: a kiosk exchanges a one-time enrolment code for a device
// token, sent as "Authorization: Bearer TOKEN". The hub keeps only the
// token's SHA-256. An unknown or revoked token gets 401; a request that writes
// another site's or another device's data gets 403.
//
// All instants are int64 milliseconds since the Unix epoch, UTC ("…MS").
package sync

import (
	"encoding/json"
	"fmt"

	"github.com/civickiosk/kiosk/data"
)

// The hub's HTTP endpoints.
const (
	PathEnrol   = "/v1/enrol"   // POST EnrolRequest → EnrolResponse
	PathPush    = "/v1/push"    // POST PushRequest → PushResponse (device token)
	PathChanges = "/v1/changes" // GET ?after=CURSOR&limit=N[&sent_wall_ms=MS] → ChangesResponse (device token)
	PathStats   = "/v1/stats"   // GET ?from=YYYY-MM-DD&to=YYYY-MM-DD → StatsResponse (device or admin token)
	PathHealth  = "/healthz"    // GET → 200 "ok"
)

// ParamSentWallMS is PathChanges's optional query parameter carrying the
// kiosk's wall clock when it made the request (UTC ms): the hub measures the
// kiosk's clock error from it as from PushRequest.SentWallMS. A hub that
// predates it ignores it.
const ParamSentWallMS = "sent_wall_ms"

// Limits of one request.
const (
	MaxBatch     = 1000     // records per PushRequest
	MaxPage      = 1000     // changes per ChangesResponse
	MaxBodyBytes = 16 << 20 // request body, bytes (room for one edited honour-wall entry with an 8 MB photo)
)

// EnrolRequest exchanges a one-time enrolment code for a device token.
//
// Token is made by the kiosk (at least 32 random bytes, base64url): the hub
// stores only its SHA-256, and a retried request with the same code and the
// same token succeeds again, so an answer lost on the way does not burn the
// code. The kiosk's Ed25519 public key is registered and published on the
// change feed so other kiosks can verify its passes.
type EnrolRequest struct {
	Code      string `json:"code"`
	Token     string `json:"token"`
	DeviceID  string `json:"device_id"`
	KeyID     uint32 `json:"key_id"`
	PublicKey []byte `json:"public_key"` // Ed25519, 32 bytes (base64 in JSON)
}

// EnrolResponse is the hub's answer to an accepted enrolment.
type EnrolResponse struct {
	DeviceID string `json:"device_id"`
	SiteID   string `json:"site_id"` // the site the kiosk stands at
	// PublicURL is the hub's address as visitors' phones reach it, for the
	// event sign-in codes; "" means the address the kiosk enrolled at.
	PublicURL string `json:"public_url,omitempty"`
}

// Record is the wire form of a data.CheckIn.
type Record struct {
	ID             string `json:"id"` // UUID made on the kiosk (v7)
	VisitorID      string `json:"visitor_id,omitempty"`
	PassKeyID      uint32 `json:"pass_key_id,omitempty"`
	PassNo         uint32 `json:"pass_no,omitempty"`
	EventID        string `json:"event_id,omitempty"`
	SessionStartMS int64  `json:"session_start_ms,omitempty"`
	Direction      string `json:"direction"`
	Method         string `json:"method"`
	DeviceID       string `json:"device_id"`
	WallMS         int64  `json:"wall_ms"`
	RunID          string `json:"run_id"`
	RunMS          int64  `json:"run_ms"`
	Verified       bool   `json:"verified,omitempty"`
	Outcome        string `json:"outcome"`
	Reason         string `json:"reason,omitempty"`
	Staff          string `json:"staff,omitempty"`
	Backfilled     bool   `json:"backfilled,omitempty"`
}

// RecordOf converts a check-in to its wire form.
func RecordOf(c data.CheckIn) Record {
	return Record{
		ID: c.ID, VisitorID: c.VisitorID, PassKeyID: c.Pass.KeyID, PassNo: c.Pass.No,
		EventID: c.EventID, SessionStartMS: c.SessionStartMS, Direction: string(c.Direction),
		Method: string(c.Method), DeviceID: c.DeviceID, WallMS: c.WallMS, RunID: c.RunID, RunMS: c.RunMS,
		Verified: c.Verified, Outcome: string(c.Outcome), Reason: string(c.Reason), Staff: c.Staff,
		Backfilled: c.Backfilled,
	}
}

// CheckIn converts r back to the domain type.
func (r Record) CheckIn() data.CheckIn {
	return data.CheckIn{
		ID: r.ID, VisitorID: r.VisitorID, Pass: data.PassRef{KeyID: r.PassKeyID, No: r.PassNo},
		EventID: r.EventID, SessionStartMS: r.SessionStartMS, Direction: data.Direction(r.Direction),
		Method: data.Method(r.Method), DeviceID: r.DeviceID, WallMS: r.WallMS, RunID: r.RunID, RunMS: r.RunMS,
		Verified: r.Verified, Outcome: data.Outcome(r.Outcome), Reason: data.Reason(r.Reason), Staff: r.Staff,
		Backfilled: r.Backfilled,
	}
}

// Subject is the key under which the hub matches one person's records across
// kiosks: "pass:KEYID:NO" when the record names a pass (pass references are
// global), else "visitor:ID" (visitor ids are made by the registering kiosk).
func (r Record) Subject() string {
	if r.PassKeyID != 0 || r.PassNo != 0 {
		return fmt.Sprintf("pass:%d:%d", r.PassKeyID, r.PassNo)
	}
	return "visitor:" + r.VisitorID
}

// Revocation is a revoked pass (a lost card), going up from the kiosk that
// revoked it and down to every kiosk on the change feed.
type Revocation struct {
	KeyID     uint32 `json:"key_id"`
	No        uint32 `json:"no"`
	RevokedMS int64  `json:"revoked_ms"` // kiosk wall clock at the revocation
}

// ID is the revocation's id on the change feed: "KEYID:NO".
func (r Revocation) ID() string { return fmt.Sprintf("%d:%d", r.KeyID, r.No) }

// PushRequest is one batch from a kiosk's outbox.
//
// SentWallMS is the kiosk's wall clock when the request was made; the hub
// compares it with its own receive time to measure the kiosk's clock error.
// RunID/RunMS, when given, are the kiosk's current run and its monotonic ms
// since the run started (as on records), which anchor that run's records to
// the hub's clock.
type PushRequest struct {
	SiteID      string       `json:"site_id"`
	DeviceID    string       `json:"device_id"`
	SentWallMS  int64        `json:"sent_wall_ms"`
	RunID       string       `json:"run_id,omitempty"`
	RunMS       int64        `json:"run_ms,omitempty"`
	Records     []Record     `json:"records"`
	Revocations []Revocation `json:"revocations,omitempty"`
	// EventCodes are the event sign-in tokens the kiosk showed since the
	// last push, kept by the hub for audit.
	EventCodes []EventCode `json:"event_codes,omitempty"`
	// Content are events and honour-wall entries edited in the kiosk's
	// staff mode (at most MaxBatch). A hub that predates them ignores the
	// field and answers no PushResponse.Content; the kiosk then keeps them.
	Content []ContentEdit `json:"content,omitempty"`
}

// ContentEdit is an event or honour-wall entry edited on a kiosk, going up
// to the hub: its whole current state, Data as on the feed (data.Event or
// data.HonourEntry in JSON; an entry's photo travels with it).
type ContentEdit struct {
	Kind string          `json:"kind"` // KindEvent or KindHonour
	ID   string          `json:"id"`
	Data json.RawMessage `json:"data"`
}

// ContentResult is the hub's answer for one ContentEdit: StatusStored (put
// on the feed now, with a new Seq), StatusAlready (the feed holds the same
// data) or StatusRejected with a reason (RejectInvalid, RejectForbidden).
type ContentResult struct {
	Kind   string       `json:"kind"`
	ID     string       `json:"id"`
	Status RecordStatus `json:"status"`
	Reason string       `json:"reason,omitempty"`
}

// RecordStatus is the hub's answer for one uploaded record.
type RecordStatus string

// The statuses. A kiosk drops stored and already-stored records from its
// outbox and keeps rejected ones, with their reason, out of it.
const (
	StatusStored   RecordStatus = "stored"
	StatusAlready  RecordStatus = "already_stored"
	StatusRejected RecordStatus = "rejected"
)

// Reasons for a rejected record.
const (
	RejectInvalid    = "invalid"     // a field is malformed (id not a UUID, unknown direction or outcome, …)
	RejectIDConflict = "id_conflict" // the hub holds another record under this id
	// RejectForbidden: a content edit of an item whose site (as sent, or as
	// the hub holds it) is not the kiosk's site or under it.
	RejectForbidden = "forbidden"
)

// RecordResult is the hub's answer for one record of a batch.
type RecordResult struct {
	ID     string       `json:"id"`
	Status RecordStatus `json:"status"`
	Reason string       `json:"reason,omitempty"` // for StatusRejected: Reject… and detail
}

// PushResponse answers a PushRequest: one result per record, in order.
// ReceivedMS is the hub's clock when the batch arrived; ClockOffsetMS is the
// kiosk's clock error measured from it (SentWallMS − ReceivedMS).
type PushResponse struct {
	Results       []RecordResult  `json:"results"`
	Content       []ContentResult `json:"content,omitempty"` // one per PushRequest.Content, in order
	Revocations   int             `json:"revocations"`       // revocations accepted (new or already known)
	ReceivedMS    int64           `json:"received_ms"`
	ClockOffsetMS int64           `json:"clock_offset_ms"`
}

// Kinds of change on the feed.
const (
	KindSite       = "site"       // Data: data.Site
	KindEvent      = "event"      // Data: data.Event
	KindHonour     = "honour"     // Data: data.HonourEntry
	KindTeam       = "team"       // Data: data.Team
	KindCentre     = "centre"     // Data: CentreInfo; id "centre"
	KindRevocation = "revocation" // Data: Revocation; id "KEYID:NO"
	KindKey        = "key"        // Data: KeyInfo; id the key id in decimal
)

// CentreInfo is the centre's description and zone on the feed.
type CentreInfo struct {
	Centre data.Centre
	Zone   string // IANA zone; "" keeps the kiosk's
}

// KeyInfo is a kiosk's pass-signing public key on the feed.
type KeyInfo struct {
	KeyID     uint32 `json:"key_id"`
	PublicKey []byte `json:"public_key"` // Ed25519, 32 bytes
	SiteID    string `json:"site_id"`
	DeviceID  string `json:"device_id"`
}

// Change is one entry of the change feed: the current state of one (kind,
// id), or its tombstone (Deleted, no Data). Seq is the hub's sequence number;
// an item's earlier versions are not kept, so a kiosk reading from any cursor
// gets each changed item once.
type Change struct {
	Seq     int64           `json:"seq"`
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	Deleted bool            `json:"deleted,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// ChangesResponse is one page of the feed after the requested cursor. Cursor
// is the Seq of the page's last change (the request's cursor when the page is
// empty); More says another page follows.
type ChangesResponse struct {
	Changes []Change `json:"changes"`
	Cursor  int64    `json:"cursor"`
	More    bool     `json:"more"`
}

// SiteDay is the number of check-ins at one site on one day.
type SiteDay struct {
	SiteID   string `json:"site_id"`
	Day      string `json:"day"`      // YYYY-MM-DD in the centre's zone
	CheckIns int    `json:"checkins"` // accepted check-ins (direction in), duplicates counted once
}

// StatsResponse is the hub's check-in count per site per day.
type StatsResponse struct {
	Zone string    `json:"zone"`
	Days []SiteDay `json:"days"`
}

// ErrorResponse is the body of every non-2xx answer.
type ErrorResponse struct {
	Error string `json:"error"`
	// Code names the error where its status is shared by several
	// (CodeDeviceEnrolled); "" otherwise.
	Code string `json:"code,omitempty"`
}

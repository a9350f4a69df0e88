package sync

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/google/uuid"
)

// HubOptions configure the hub's handler. Zero fields take defaults.
type HubOptions struct {
	Now func() time.Time // default time.Now
	Log *log.Logger      // default: no request log, errors to log.Default()
	// AdminTokenHash, when set, is HashSecret of the admin token that may
	// read PathStats and create enrolment codes at PathAdminCodes.
	AdminTokenHash []byte
	// PublicURL is the hub's base URL as visitors' phones reach it
	// (https://HOST[:PORT][/PATH]), told to kiosks at enrolment for their
	// event sign-in codes; "" lets each kiosk use the address it enrolled at.
	PublicURL string
	// Rules are the check-in rules of phone check-ins; zero means
	// data.DefaultRules.
	Rules data.Rules
	// Limits are the phone pages' rate limits; zero fields take the
	// defaults of DefaultPhoneLimits.
	Limits PhoneLimits
	// SecureCookies marks the phone pages' cookie Secure (sent over HTTPS
	// only); set it whenever phones reach the hub over HTTPS.
	SecureCookies bool
}

// MaxPageBytes caps the data of one page of the feed (honour-wall photos are
// large): a page ends before the change that would pass it, and holds at
// least one change.
const MaxPageBytes = 4 << 20

// PathAdminCodes creates an enrolment code: POST AdminCodeRequest →
// AdminCodeResponse, admin token only. With the query format=png (and a
// HubURL) the answer is instead the invite's QR code (Invite.PNG), as
// image/png, with the code and its expiry in the headers EnrolCodeHeader and
// EnrolExpiresHeader.
const PathAdminCodes = "/v1/admin/codes"

// The headers of PathAdminCodes's PNG answer.
const (
	EnrolCodeHeader    = "Enrol-Code"       // the one-time code
	EnrolExpiresHeader = "Enrol-Expires-Ms" // when it expires, Unix ms
)

// AdminCodeRequest asks for an enrolment code for a site.
type AdminCodeRequest struct {
	SiteID  string `json:"site_id"`
	TTLMins int    `json:"ttl_minutes"` // 0 = DefaultCodeTTL
	// HubURL, when set, is the hub's address as kiosks reach it
	// (http(s)://HOST[:PORT][/PATH]; others are refused with 400): the
	// answer then also carries the code as an enrolment invite (NewInvite).
	HubURL string `json:"url,omitempty"`
}

// AdminCodeResponse carries a new one-time enrolment code.
type AdminCodeResponse struct {
	Code      string `json:"code"`
	ExpiresMS int64  `json:"expires_ms"`
	// Invite is the invite's text (Invite.Text) when the request gave
	// HubURL, else "".
	Invite string `json:"invite,omitempty"`
}

// DefaultCodeTTL is how long an enrolment code stays valid by default.
const DefaultCodeTTL = 7 * 24 * time.Hour

// hub serves the protocol over a Store.
type hub struct {
	st        Store
	now       func() time.Time
	log       *log.Logger
	admin     []byte
	publicURL string
	phone     *phonePages
}

// NewHandler returns the hub's HTTP handler over st: PathEnrol, PathPush,
// PathChanges, PathKey, PathStats, PathAdminCodes and PathHealth. Answers are JSON;
// errors are ErrorResponse with 400 (malformed), 401 (unknown or revoked
// token, bad enrolment code), 403 (another site's or device's data), 409
// (key id taken, device already enrolled), 413 (too large) or 500 (storage; the kiosk retries).
func NewHandler(st Store, o HubOptions) http.Handler {
	h := &hub{st: st, now: o.Now, log: o.Log, admin: o.AdminTokenHash, publicURL: strings.TrimRight(o.PublicURL, "/")}
	if h.now == nil {
		h.now = time.Now
	}
	h.phone = newPhonePages(h, o)
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathEnrol, h.enrol)
	mux.HandleFunc("POST "+PathPush, h.push)
	mux.HandleFunc("GET "+PathChanges, h.changes)
	mux.HandleFunc("POST "+PathKey, h.rotateKey)
	mux.HandleFunc("GET "+PathStats, h.stats)
	mux.HandleFunc("POST "+PathAdminCodes, h.adminCodes)
	h.phone.register(mux)
	mux.HandleFunc("GET "+PathHealth, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	return mux
}

func (h *hub) fail(w http.ResponseWriter, status int, err error) {
	if status >= 500 {
		l := h.log
		if l == nil {
			l = log.Default()
		}
		l.Printf("hub: %v", err)
	}
	resp := ErrorResponse{Error: err.Error()}
	if errors.Is(err, ErrDeviceEnrolled) {
		resp.Code = CodeDeviceEnrolled
	}
	writeJSON(w, status, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func decode(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(r.Body)
	return dec.Decode(v)
}

func bearer(r *http.Request) string {
	a := r.Header.Get("Authorization")
	if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return ""
}

// device authenticates the request's device token.
func (h *hub) device(w http.ResponseWriter, r *http.Request) (Device, bool) {
	tok := bearer(r)
	if tok == "" {
		h.fail(w, http.StatusUnauthorized, ErrUnauthorized)
		return Device{}, false
	}
	d, err := h.st.DeviceByToken(r.Context(), HashSecret(tok))
	switch {
	case errors.Is(err, ErrUnauthorized):
		h.fail(w, http.StatusUnauthorized, err)
		return d, false
	case err != nil:
		h.fail(w, http.StatusInternalServerError, err)
		return d, false
	}
	return d, true
}

// seen records a device's authenticated request other than a push (which
// records it itself): its last contact and, when the request carries the
// kiosk's clock (ParamSentWallMS), its clock offset.
func (h *hub) seen(r *http.Request, dev Device) error {
	now := h.now().UnixMilli()
	sent, err := strconv.ParseInt(r.URL.Query().Get(ParamSentWallMS), 10, 64)
	checked := err == nil && sent > 0
	return h.st.DeviceSeen(r.Context(), dev.ID, now, sent-now, checked)
}

func (h *hub) isAdmin(r *http.Request) bool {
	tok := bearer(r)
	return h.admin != nil && tok != "" && string(HashSecret(tok)) == string(h.admin)
}

// MinTokenLen is the shortest device token the hub accepts, in characters
// (32 random bytes in base64url are 43).
const MinTokenLen = 43

func (h *hub) enrol(w http.ResponseWriter, r *http.Request) {
	var req EnrolRequest
	if err := decode(w, r, &req); err != nil {
		h.fail(w, http.StatusBadRequest, fmt.Errorf("malformed enrolment: %w", err))
		return
	}
	switch {
	case NormaliseCode(req.Code) == "":
		h.fail(w, http.StatusBadRequest, errors.New("no enrolment code"))
		return
	case len(req.Token) < MinTokenLen:
		h.fail(w, http.StatusBadRequest, fmt.Errorf("the token must have at least %d characters", MinTokenLen))
		return
	case req.DeviceID == "" || len(req.DeviceID) > 64:
		h.fail(w, http.StatusBadRequest, errors.New("no device id (or longer than 64)"))
		return
	case req.KeyID == 0 || len(req.PublicKey) != ed25519.PublicKeySize:
		h.fail(w, http.StatusBadRequest, errors.New("a key id and a 32-byte Ed25519 public key are needed"))
		return
	}
	dev, err := h.st.Enrol(r.Context(), Enrolment{
		CodeHash: HashSecret(NormaliseCode(req.Code)), TokenHash: HashSecret(req.Token),
		DeviceID: req.DeviceID, KeyID: req.KeyID, PublicKey: req.PublicKey, NowMS: h.now().UnixMilli(),
	})
	switch {
	case errors.Is(err, ErrBadCode):
		h.fail(w, http.StatusUnauthorized, err)
	case errors.Is(err, ErrKeyConflict) || errors.Is(err, ErrDeviceEnrolled):
		h.fail(w, http.StatusConflict, err)
	case err != nil:
		h.fail(w, http.StatusInternalServerError, err)
	default:
		writeJSON(w, http.StatusOK, EnrolResponse{DeviceID: dev.ID, SiteID: dev.SiteID, PublicURL: h.publicURL})
	}
}

// ValidateRecord returns why the hub rejects r ("" when it is acceptable).
func ValidateRecord(r Record) string {
	var bad []string
	if u, err := uuid.Parse(r.ID); err != nil || u == uuid.Nil || len(r.ID) != 36 {
		bad = append(bad, "id is not a UUID")
	}
	if r.Direction != string(data.In) && r.Direction != string(data.Out) {
		bad = append(bad, "direction")
	}
	if r.Outcome != string(data.Accepted) && r.Outcome != string(data.Refused) {
		bad = append(bad, "outcome")
	}
	if r.Method == "" || len(r.Method) > 16 {
		bad = append(bad, "method")
	}
	if r.WallMS <= 0 || r.RunMS < 0 || r.RunID == "" {
		bad = append(bad, "clock fields")
	}
	if r.Outcome == string(data.Accepted) && r.EventID == "" {
		bad = append(bad, "accepted record without event")
	}
	if len(bad) == 0 {
		return ""
	}
	return RejectInvalid + ": " + strings.Join(bad, ", ")
}

func (h *hub) push(w http.ResponseWriter, r *http.Request) {
	dev, ok := h.device(w, r)
	if !ok {
		return
	}
	var req PushRequest
	if err := decode(w, r, &req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.fail(w, http.StatusRequestEntityTooLarge, err)
			return
		}
		h.fail(w, http.StatusBadRequest, fmt.Errorf("malformed batch: %w", err))
		return
	}
	if len(req.Records) > MaxBatch || len(req.Revocations) > MaxBatch || len(req.Content) > MaxBatch {
		h.fail(w, http.StatusRequestEntityTooLarge, fmt.Errorf("at most %d records, revocations and content edits per batch", MaxBatch))
		return
	}
	if req.SiteID != dev.SiteID || req.DeviceID != dev.ID {
		h.fail(w, http.StatusForbidden, fmt.Errorf("%w: this token is device %s at site %s", ErrForbidden, dev.ID, dev.SiteID))
		return
	}
	for _, rec := range req.Records {
		if rec.DeviceID != dev.ID {
			h.fail(w, http.StatusForbidden, fmt.Errorf("%w: record %s was made by device %q", ErrForbidden, rec.ID, rec.DeviceID))
			return
		}
	}
	now := h.now().UnixMilli()
	b := Batch{ReceivedMS: now, RunID: req.RunID, RunBaseMS: now - req.RunMS}
	if req.SentWallMS != 0 {
		b.ClockOffsetMS = req.SentWallMS - now
	}
	results := make([]RecordResult, len(req.Records))
	var at []int
	for i, rec := range req.Records {
		if why := ValidateRecord(rec); why != "" {
			results[i] = RecordResult{ID: rec.ID, Status: StatusRejected, Reason: why}
			continue
		}
		at = append(at, i)
		b.Records = append(b.Records, HubRecord{Record: rec, SiteID: dev.SiteID, Subject: rec.Subject(), ReceivedMS: now})
	}
	for _, rv := range req.Revocations {
		if rv.KeyID != 0 {
			b.Revocations = append(b.Revocations, rv)
		}
	}
	if len(req.EventCodes) > MaxBatch {
		h.fail(w, http.StatusRequestEntityTooLarge, fmt.Errorf("at most %d event codes per batch", MaxBatch))
		return
	}
	for _, c := range req.EventCodes {
		if c.Token != "" && len(c.Token) <= 256 && len(c.EventID) <= 256 {
			b.EventCodes = append(b.EventCodes, c)
		}
	}
	stored, err := h.st.Push(r.Context(), dev, b)
	if err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	for j, i := range at {
		results[i] = stored[j]
	}
	edits, err := h.storeEdits(r.Context(), dev, req.Content, now)
	if err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, PushResponse{Results: results, Content: edits, Revocations: len(b.Revocations),
		ReceivedMS: now, ClockOffsetMS: b.ClockOffsetMS})
}

func (h *hub) changes(w http.ResponseWriter, r *http.Request) {
	dev, ok := h.device(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if q.Get("after") == "" {
		after, err = 0, nil
	}
	limit, err2 := strconv.Atoi(q.Get("limit"))
	if q.Get("limit") == "" {
		limit, err2 = 500, nil
	}
	if err != nil || err2 != nil || after < 0 || limit <= 0 {
		h.fail(w, http.StatusBadRequest, errors.New("after and limit must be whole numbers"))
		return
	}
	limit = min(limit, MaxPage)
	if err := h.seen(r, dev); err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	cs, err := h.st.Changes(r.Context(), after, limit+1)
	if err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	resp := ChangesResponse{Changes: cs, Cursor: after}
	if len(cs) > limit {
		resp.Changes, resp.More = cs[:limit], true
	}
	size := 0
	for i, c := range resp.Changes {
		if size += len(c.Data); size > MaxPageBytes && i > 0 {
			resp.Changes, resp.More = resp.Changes[:i], true
			break
		}
	}
	if n := len(resp.Changes); n > 0 {
		resp.Cursor = resp.Changes[n-1].Seq
	}
	resp.Changes = forDevice(resp.Changes, dev.ID)
	if resp.Changes == nil {
		resp.Changes = []Change{}
	}
	writeJSON(w, http.StatusOK, resp)
}

func (h *hub) stats(w http.ResponseWriter, r *http.Request) {
	if !h.isAdmin(r) {
		dev, ok := h.device(w, r)
		if !ok {
			return
		}
		if err := h.seen(r, dev); err != nil {
			h.fail(w, http.StatusInternalServerError, err)
			return
		}
	}
	loc, err := HubZone(r.Context(), h.st)
	if err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	var from, to int64
	for _, p := range []struct {
		name string
		dst  *int64
		add  int
	}{{"from", &from, 0}, {"to", &to, 1}} {
		v := r.URL.Query().Get(p.name)
		if v == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			h.fail(w, http.StatusBadRequest, fmt.Errorf("%s: want YYYY-MM-DD", p.name))
			return
		}
		*p.dst = d.AddDate(0, 0, p.add).UnixMilli()
	}
	days, err := Stats(r.Context(), h.st, loc, from, to)
	if err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, StatsResponse{Zone: loc.String(), Days: days})
}

func (h *hub) adminCodes(w http.ResponseWriter, r *http.Request) {
	if !h.isAdmin(r) {
		h.fail(w, http.StatusUnauthorized, errors.New("admin token needed"))
		return
	}
	var req AdminCodeRequest
	if err := decode(w, r, &req); err != nil {
		h.fail(w, http.StatusBadRequest, err)
		return
	}
	format := r.URL.Query().Get("format")
	switch {
	case format != "" && format != "json" && format != "png":
		h.fail(w, http.StatusBadRequest, fmt.Errorf("format %q: want json or png", format))
		return
	case format == "png" && req.HubURL == "":
		h.fail(w, http.StatusBadRequest, errors.New("format=png needs url: the QR code carries the hub's address"))
		return
	}
	ttl := time.Duration(req.TTLMins) * time.Minute
	in := Invite{SiteID: req.SiteID}
	var exp int64
	var err error
	if req.HubURL == "" {
		in.Code, exp, err = NewEnrolCode(r.Context(), h.st, req.SiteID, ttl, h.now())
	} else {
		in, exp, err = NewInvite(r.Context(), h.st, req.HubURL, req.SiteID, ttl, h.now())
	}
	var png []byte
	if err == nil && format == "png" {
		png, err = in.PNG()
	}
	switch {
	case errors.Is(err, data.ErrNotFound) || errors.Is(err, ErrHubURL):
		h.fail(w, http.StatusBadRequest, err)
	case err != nil:
		h.fail(w, http.StatusInternalServerError, err)
	case format == "png":
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set(EnrolCodeHeader, in.Code)
		w.Header().Set(EnrolExpiresHeader, strconv.FormatInt(exp, 10))
		w.Write(png)
	default:
		resp := AdminCodeResponse{Code: in.Code, ExpiresMS: exp}
		if req.HubURL != "" {
			resp.Invite = in.Text()
		}
		writeJSON(w, http.StatusOK, resp)
	}
}

// crockford is the Crockford Base32 alphabet.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeLen is the number of characters of an enrolment code, dashes left out.
const codeLen = 16

// NormaliseCode turns an enrolment code as typed into its canonical form:
// upper case, without spaces and dashes, O read as 0 and I, L as 1
// (Crockford Base32). It returns "" for text with other characters.
func NormaliseCode(s string) string {
	var b strings.Builder
	for _, c := range strings.ToUpper(s) {
		switch {
		case c == ' ' || c == '-':
			continue
		case c == 'O':
			c = '0'
		case c == 'I' || c == 'L':
			c = '1'
		case !strings.ContainsRune(crockford, c):
			return ""
		}
		b.WriteRune(c)
	}
	return b.String()
}

// NewEnrolCode makes a one-time enrolment code for a site that exists in the
// hub's content (else an error wrapping data.ErrNotFound), valid for ttl
// (DefaultCodeTTL when 0), and stores its hash. The code is 16 Crockford
// Base32 characters (80 random bits) written in groups of four.
func NewEnrolCode(ctx context.Context, st Store, siteID string, ttl time.Duration, now time.Time) (code string, expiresMS int64, err error) {
	if c, err := st.ContentItem(ctx, KindSite, siteID); err != nil || c.Deleted {
		if err == nil {
			err = fmt.Errorf("site %q was deleted: %w", siteID, data.ErrNotFound)
		}
		return "", 0, err
	}
	if ttl <= 0 {
		ttl = DefaultCodeTTL
	}
	buf := make([]byte, codeLen)
	if _, err := rand.Read(buf); err != nil {
		return "", 0, err
	}
	var b strings.Builder
	for i, x := range buf {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(crockford[x&31])
	}
	code = b.String()
	expiresMS = now.Add(ttl).UnixMilli()
	err = st.AddEnrolCode(ctx, siteID, HashSecret(NormaliseCode(code)), now.UnixMilli(), expiresMS)
	return code, expiresMS, err
}

// HubZone returns the centre's zone as published on the hub's feed, or
// data.DefaultZone.
func HubZone(ctx context.Context, st Store) (*time.Location, error) {
	name := data.DefaultZone
	c, err := st.ContentItem(ctx, KindCentre, KindCentre)
	if err == nil && !c.Deleted {
		var ci CentreInfo
		if json.Unmarshal(c.Data, &ci) == nil && ci.Zone != "" {
			name = ci.Zone
		}
	} else if err != nil && !errors.Is(err, data.ErrNotFound) {
		return nil, err
	}
	return time.LoadLocation(name)
}

// Stats counts accepted check-ins (direction in, duplicates once) per site
// per day of loc, by their estimated true time in [fromMS, toMS) (0 = open).
func Stats(ctx context.Context, st Store, loc *time.Location, fromMS, toMS int64) ([]SiteDay, error) {
	type key struct{ site, day string }
	n := map[key]int{}
	var order []key
	err := st.EachCheckIn(ctx, Filter{FromMS: fromMS, ToMS: toMS, AcceptedOnly: true}, func(r HubRecord) error {
		if r.Direction != string(data.In) {
			return nil
		}
		k := key{r.SiteID, time.UnixMilli(r.TrueMS).In(loc).Format("2006-01-02")}
		if n[k] == 0 {
			order = append(order, k)
		}
		n[k]++
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]SiteDay, 0, len(order))
	for _, k := range order {
		out = append(out, SiteDay{SiteID: k.site, Day: k.day, CheckIns: n[k]})
	}
	sortSiteDays(out)
	return out, nil
}

func sortSiteDays(s []SiteDay) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Day != s[j].Day {
			return s[i].Day < s[j].Day
		}
		return s[i].SiteID < s[j].SiteID
	})
}

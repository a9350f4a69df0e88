package sync

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// ErrNotEnrolled is returned by a Client whose kiosk has no hub enrolment.
var ErrNotEnrolled = errors.New("this kiosk is not enrolled at a hub (kioskctl enrol)")

// ErrNotHub is returned (wrapped) when the address answers, but not as a
// Civic Kiosk hub does: 404 or 405 to one of the protocol's paths, or a 2xx
// answer that is not the protocol's JSON (a web server, a captive portal).
var ErrNotHub = errors.New("the address does not answer as a Civic Kiosk hub")

// ErrHubURL is returned (wrapped) for a hub address that is not
// http(s)://HOST[:PORT][/PATH].
var ErrHubURL = errors.New("want http(s)://HOST[:PORT]")

// HTTPError is a non-2xx answer from the hub. It wraps ErrUnauthorized for
// 401, ErrForbidden for 403, ErrBadCode for a refused enrolment,
// ErrDeviceEnrolled for an enrolment of a device enrolled already,
// ErrKeyConflict for another 409 and ErrNotHub for 404 and 405.
type HTTPError struct {
	Status  int    // HTTP status code
	Message string // the hub's ErrorResponse.Error
	Code    string // the hub's ErrorResponse.Code
	path    string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("hub answered %d %s to %s: %s", e.Status, http.StatusText(e.Status), e.path, e.Message)
}

// Unwrap maps the status to this package's errors.
func (e *HTTPError) Unwrap() error {
	switch {
	case e.Code == CodeDeviceEnrolled:
		return ErrDeviceEnrolled
	case e.Status == http.StatusUnauthorized && e.path == PathEnrol:
		return ErrBadCode
	case e.Status == http.StatusUnauthorized:
		return ErrUnauthorized
	case e.Status == http.StatusForbidden:
		return ErrForbidden
	case e.Status == http.StatusConflict:
		return ErrKeyConflict
	case e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed:
		return ErrNotHub
	}
	return nil
}

// Permanent reports whether retrying cannot help (a 4xx answer other than
// 408 and 429): the kiosk needs staff (a new enrolment, a fixed setting).
func (e *HTTPError) Permanent() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusRequestTimeout &&
		e.Status != http.StatusTooManyRequests
}

// ClientOptions configure a Client. Zero fields take defaults.
type ClientOptions struct {
	HTTP      *http.Client // default: 60 s timeout per request
	BatchSize int          // records (and content edits) per push, default 500 (at most MaxBatch)
	PageSize  int          // changes per pull, default 500 (at most MaxPage)
	Now       func() time.Time
	// RunClock returns the kiosk's current run id and monotonic ms since the
	// run started (as stamped on records), so the hub can anchor that run's
	// records to its own clock; nil sends none and the hub falls back to the
	// wall clock corrected by the measured offset.
	RunClock func() (runID string, runMS int64)
	// Progress, when set, is called after each batch and page.
	Progress func(Progress)
}

// Progress reports a round under way.
type Progress struct {
	Sent    int // records answered by the hub so far in this round
	Pending int // records still in the outbox
	Changes int // feed changes applied so far in this round
}

// Client syncs one kiosk store with its hub. It is safe for concurrent use,
// but rounds should not overlap (Syncer runs them one at a time).
type Client struct {
	st *sqlite.Store
	o  ClientOptions
}

// NewClient returns a client for the kiosk store st.
func NewClient(st *sqlite.Store, o ClientOptions) *Client {
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	if o.BatchSize <= 0 || o.BatchSize > MaxBatch {
		o.BatchSize = 500
	}
	if o.PageSize <= 0 || o.PageSize > MaxPage {
		o.PageSize = 500
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Client{st: st, o: o}
}

// RoundResult says what one round moved.
type RoundResult struct {
	Stored      int // records the hub stored
	Already     int // records the hub already had (a lost answer, re-sent)
	Rejected    int // records the hub rejected; kept here with the reason
	Revocations int // pass revocations sent
	Edits       int // content edits (events, honour-wall entries) the hub took
	// EditsRejected are content edits the hub rejected; kept here with the
	// reason (sqlite.RejectedEdits).
	EditsRejected int
	Changes       int   // feed changes applied
	Cursor        int64 // feed cursor after the round
	Pending       int   // records left in the outbox
	// ClockOffsetMS is this kiosk's clock minus the hub's, as measured by
	// the hub on the last push (0 when nothing was pushed).
	ClockOffsetMS int64
}

// Round pushes the whole outbox, then pulls the feed to its end. It stops at
// the first error; what was acknowledged or applied before it stays done, so
// the next round goes on from there. It returns ErrNotEnrolled when the kiosk
// has no hub.
func (c *Client) Round(ctx context.Context) (RoundResult, error) {
	var res RoundResult
	e, ok, err := c.st.HubEnrolment(ctx)
	if err != nil {
		return res, err
	}
	if !ok {
		return res, ErrNotEnrolled
	}
	if err := c.sendKey(ctx, e); err != nil {
		return res, err
	}
	if err := c.push(ctx, e, &res); err != nil {
		return res, err
	}
	if err := c.pull(ctx, e, &res); err != nil {
		return res, err
	}
	res.Pending, err = c.st.OutboxCount(ctx)
	if err != nil {
		return res, err
	}
	return res, c.st.SetSetting(ctx, sqlite.SettingLastSync, strconv.FormatInt(c.o.Now().UnixMilli(), 10))
}

func (c *Client) push(ctx context.Context, e sqlite.Enrolment, res *RoundResult) error {
	dev, err := c.st.DeviceID(ctx)
	if err != nil {
		return err
	}
	oldHub := false // the hub answered no content results: it predates content edits
	for {
		recs, err := c.st.Outbox(ctx, c.o.BatchSize)
		if err != nil {
			return err
		}
		revs, err := c.st.PendingRevocations(ctx, c.o.BatchSize)
		if err != nil {
			return err
		}
		codes, err := c.st.EventCodeOutbox(ctx, c.o.BatchSize)
		if err != nil {
			return err
		}
		var edits []sqlite.ContentEdit
		if !oldHub {
			if edits, err = c.st.ContentOutbox(ctx, c.o.BatchSize, MaxPageBytes); err != nil {
				return err
			}
		}
		if len(recs) == 0 && len(revs) == 0 && len(codes) == 0 && len(edits) == 0 {
			return nil
		}
		req := PushRequest{SiteID: e.SiteID, DeviceID: dev, SentWallMS: c.o.Now().UnixMilli(),
			Records: make([]Record, len(recs))}
		if c.o.RunClock != nil {
			req.RunID, req.RunMS = c.o.RunClock()
		}
		for i, r := range recs {
			req.Records[i] = RecordOf(r)
		}
		refs := make([]data.PassRef, len(revs))
		for i, r := range revs {
			refs[i] = r.Pass
			req.Revocations = append(req.Revocations, Revocation{KeyID: r.Pass.KeyID, No: r.Pass.No, RevokedMS: r.RevokedMS})
		}
		sent := make([]string, len(codes))
		for i, ec := range codes {
			sent[i] = ec.Token
			req.EventCodes = append(req.EventCodes, EventCode{Token: ec.Token, EventID: ec.EventID,
				SessionStartMS: ec.SessionStartMS, Slot: ec.Slot, IssuedMS: ec.IssuedMS})
		}
		for _, ed := range edits {
			ce, err := contentEditOf(ed)
			if err != nil {
				return err
			}
			req.Content = append(req.Content, ce)
		}
		var resp PushResponse
		if err := c.do(ctx, e, http.MethodPost, PathPush, req, &resp); err != nil {
			return err
		}
		answers, err := contentAnswers(edits, resp.Content, res)
		if err != nil {
			return err
		}
		if len(edits) > 0 && answers == nil {
			oldHub = true
		}
		if len(resp.Results) != len(recs) {
			return fmt.Errorf("hub answered %d results for %d records", len(resp.Results), len(recs))
		}
		ups := make([]sqlite.UploadResult, len(recs))
		for i, r := range resp.Results {
			if r.ID != recs[i].ID {
				return fmt.Errorf("hub answered for record %s in place of %s", r.ID, recs[i].ID)
			}
			ups[i] = sqlite.UploadResult{ID: r.ID, Status: string(r.Status), Reason: r.Reason}
			switch r.Status {
			case StatusStored:
				res.Stored++
			case StatusAlready:
				res.Already++
			case StatusRejected:
				res.Rejected++
			default:
				return fmt.Errorf("hub answered status %q for record %s", r.Status, r.ID)
			}
		}
		now := c.o.Now().UnixMilli()
		if err := c.st.MarkUploaded(ctx, ups, now); err != nil {
			return err
		}
		if err := c.st.MarkRevocationsSent(ctx, refs); err != nil {
			return err
		}
		if err := c.st.MarkEventCodesSent(ctx, sent); err != nil {
			return err
		}
		if err := c.st.MarkContentSent(ctx, answers, now); err != nil {
			return err
		}
		res.Revocations += len(refs)
		res.ClockOffsetMS = resp.ClockOffsetMS
		if c.o.Progress != nil {
			n, _ := c.st.OutboxCount(ctx)
			c.o.Progress(Progress{Sent: res.Stored + res.Already + res.Rejected, Pending: n})
		}
	}
}

// contentEditOf is the wire form of an item edited on the kiosk.
func contentEditOf(ed sqlite.ContentEdit) (ContentEdit, error) {
	var v any = ed.Event
	if ed.Honour != nil {
		v = ed.Honour
	}
	b, err := json.Marshal(v)
	return ContentEdit{Kind: ed.Kind, ID: ed.ID, Data: b}, err
}

// contentAnswers matches the hub's answers to the edits sent, counting them
// in res. No answers at all (nil, nil) means a hub that predates content
// edits: they stay in the outbox.
func contentAnswers(edits []sqlite.ContentEdit, rs []ContentResult, res *RoundResult) ([]sqlite.ContentAnswer, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	if len(rs) != len(edits) {
		return nil, fmt.Errorf("hub answered %d results for %d content edits", len(rs), len(edits))
	}
	out := make([]sqlite.ContentAnswer, len(rs))
	for i, r := range rs {
		ed := edits[i]
		if r.Kind != ed.Kind || r.ID != ed.ID {
			return nil, fmt.Errorf("hub answered for %s %s in place of %s %s", r.Kind, r.ID, ed.Kind, ed.ID)
		}
		switch r.Status {
		case StatusStored, StatusAlready:
			res.Edits++
		case StatusRejected:
			res.EditsRejected++
		default:
			return nil, fmt.Errorf("hub answered status %q for %s %s", r.Status, r.Kind, r.ID)
		}
		out[i] = sqlite.ContentAnswer{Kind: ed.Kind, ID: ed.ID, Rev: ed.Rev, Status: string(r.Status), Reason: r.Reason}
	}
	return out, nil
}

func (c *Client) pull(ctx context.Context, e sqlite.Enrolment, res *RoundResult) error {
	cursor, err := c.st.SyncCursor(ctx)
	if err != nil {
		return err
	}
	for {
		var page ChangesResponse
		q := url.Values{"after": {strconv.FormatInt(cursor, 10)}, "limit": {strconv.Itoa(c.o.PageSize)},
			ParamSentWallMS: {strconv.FormatInt(c.o.Now().UnixMilli(), 10)}}
		if err := c.do(ctx, e, http.MethodGet, PathChanges+"?"+q.Encode(), nil, &page); err != nil {
			return err
		}
		if page.Cursor < cursor {
			return fmt.Errorf("hub's feed cursor went back from %d to %d (a different hub database?)", cursor, page.Cursor)
		}
		cs := make([]sqlite.Change, 0, len(page.Changes))
		for _, ch := range page.Changes {
			dc, err := DecodeChange(ch)
			if err != nil {
				return err
			}
			cs = append(cs, dc)
		}
		if len(cs) > 0 || page.Cursor != cursor {
			if err := c.st.ApplyChanges(ctx, cs, page.Cursor); err != nil {
				return err
			}
		}
		cursor = page.Cursor
		res.Changes += len(cs)
		res.Cursor = cursor
		if c.o.Progress != nil && len(cs) > 0 {
			c.o.Progress(Progress{Sent: res.Stored + res.Already + res.Rejected, Changes: res.Changes})
		}
		if !page.More {
			return nil
		}
	}
}

// DecodeChange turns a feed entry into the kiosk store's form. A kind this
// version does not know decodes to a Change that applies as nothing.
func DecodeChange(ch Change) (sqlite.Change, error) {
	out := sqlite.Change{Kind: ch.Kind, ID: ch.ID, Deleted: ch.Deleted}
	if ch.Deleted {
		return out, nil
	}
	var err error
	switch ch.Kind {
	case KindSite:
		out.Site = new(data.Site)
		err = json.Unmarshal(ch.Data, out.Site)
	case KindEvent:
		out.Event = new(data.Event)
		err = json.Unmarshal(ch.Data, out.Event)
	case KindHonour:
		out.Honour = new(data.HonourEntry)
		err = json.Unmarshal(ch.Data, out.Honour)
	case KindTeam:
		out.Team = new(data.Team)
		err = json.Unmarshal(ch.Data, out.Team)
	case KindCentre:
		var ci CentreInfo
		if err = json.Unmarshal(ch.Data, &ci); err == nil {
			out.Centre, out.Zone = &ci.Centre, ci.Zone
		}
	case KindRevocation:
		var r Revocation
		if err = json.Unmarshal(ch.Data, &r); err == nil {
			out.Revocation = &sqlite.RevokedPass{Pass: data.PassRef{KeyID: r.KeyID, No: r.No}, RevokedMS: r.RevokedMS}
		}
	case KindKey:
		var k KeyInfo
		if err = json.Unmarshal(ch.Data, &k); err == nil {
			out.Key = &sqlite.PublicKeyEntry{KeyID: k.KeyID, PublicKey: k.PublicKey, SiteID: k.SiteID}
		}
	case KindCheckIn:
		var r Record
		if err = json.Unmarshal(ch.Data, &r); err == nil {
			c := r.CheckIn()
			out.CheckIn = &c
		}
	}
	if err != nil {
		return out, fmt.Errorf("feed entry %d (%s %s): %w", ch.Seq, ch.Kind, ch.ID, err)
	}
	return out, nil
}

// do sends one request to the hub and decodes its JSON answer into out.
func (c *Client) do(ctx context.Context, e sqlite.Enrolment, method, path string, in, out any) error {
	return doJSON(ctx, c.o.HTTP, e.HubURL, e.Token, method, path, in, out)
}

func doJSON(ctx context.Context, hc *http.Client, base, token, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(base, "/")+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		var er ErrorResponse
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		if json.Unmarshal(b, &er) != nil || er.Error == "" {
			er.Error = strings.TrimSpace(string(b))
		}
		p, _, _ := strings.Cut(path, "?")
		return &HTTPError{Status: resp.StatusCode, Message: er.Error, Code: er.Code, path: p}
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%w: its answer to %s: %w", ErrNotHub, path, err)
	}
	return nil
}

// pendingEnrolment is an enrolment sent but not yet answered, kept so that a
// retry after a lost answer sends the same token.
type pendingEnrolment struct {
	HubURL string `json:"hub_url"`
	Code   string `json:"code"`
	Token  string `json:"token"`
}

// Enrol exchanges a one-time enrolment code at the hub at hubURL for this
// kiosk's device token and site, and stores them (sqlite.SetHubEnrolment).
// The kiosk's signing key is made first if it has none, and its public key is
// registered at the hub. The token is made here and stored before it is sent,
// so calling Enrol again with the same code after a lost answer succeeds.
// A refused code gives an error wrapping ErrBadCode, an address that is not
// http(s)://HOST one wrapping ErrHubURL, an address that answers but is not a
// hub one wrapping ErrNotHub, and a hub that cannot be reached the HTTP
// client's *url.Error.
func Enrol(ctx context.Context, st *sqlite.Store, hubURL, code string, hc *http.Client) (EnrolResponse, error) {
	var resp EnrolResponse
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	hubURL = strings.TrimRight(hubURL, "/")
	if err := checkHubURL(hubURL); err != nil {
		return resp, err
	}
	dev, err := st.DeviceID(ctx)
	if err != nil {
		return resp, err
	}
	keyID, priv, found, err := st.OwnKey(ctx)
	if err != nil {
		return resp, err
	}
	if !found {
		site, _ := st.Setting(ctx, sqlite.SettingSite, "")
		if _, err := st.NewOwnKey(ctx, site, time.Now().UnixMilli()); err != nil {
			return resp, err
		}
		if keyID, priv, _, err = st.OwnKey(ctx); err != nil {
			return resp, err
		}
	}
	var p pendingEnrolment
	if v, err := st.Setting(ctx, sqlite.SettingHubPending, ""); err != nil {
		return resp, err
	} else if v != "" {
		json.Unmarshal([]byte(v), &p)
	}
	if p.HubURL != hubURL || NormaliseCode(p.Code) != NormaliseCode(code) || p.Token == "" {
		buf := make([]byte, 32)
		if _, err := rand.Read(buf); err != nil {
			return resp, err
		}
		p = pendingEnrolment{HubURL: hubURL, Code: code, Token: base64.RawURLEncoding.EncodeToString(buf)}
		b, _ := json.Marshal(p)
		if err := st.SetSetting(ctx, sqlite.SettingHubPending, string(b)); err != nil {
			return resp, err
		}
	}
	req := EnrolRequest{Code: code, Token: p.Token, DeviceID: dev, KeyID: keyID,
		PublicKey: []byte(priv.Public().(ed25519.PublicKey))}
	if err := doJSON(ctx, hc, hubURL, "", http.MethodPost, PathEnrol, req, &resp); err != nil {
		return resp, err
	}
	if resp.DeviceID != dev || resp.SiteID == "" {
		return resp, fmt.Errorf("hub enrolled device %q at site %q for device %q", resp.DeviceID, resp.SiteID, dev)
	}
	if err := st.SetHubEnrolment(ctx, sqlite.Enrolment{HubURL: hubURL, Token: p.Token, SiteID: resp.SiteID}); err != nil {
		return resp, err
	}
	if err := st.SetSetting(ctx, SettingHubKey, strconv.FormatUint(uint64(keyID), 10)); err != nil {
		return resp, err
	}
	return resp, st.SetHubPublicURL(ctx, resp.PublicURL)
}

// checkHubURL returns an error unless hubURL is an http(s)://HOST[:PORT]
// address, with or without a path.
func checkHubURL(hubURL string) error {
	if u, err := url.Parse(hubURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("hub address %q: %w", hubURL, ErrHubURL)
	}
	return nil
}

// Post sends a JSON request to the hub at base with a device token (none
// when token is "") and decodes the JSON answer into out. A non-2xx answer is
// an *HTTPError. hc nil means a client with a 60 s timeout.
func Post(ctx context.Context, hc *http.Client, base, token, path string, in, out any) error {
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return doJSON(ctx, hc, base, token, http.MethodPost, path, in, out)
}

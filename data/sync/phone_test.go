package sync_test

import (
	"crypto/ed25519"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
	"github.com/civickiosk/kiosk/data/token"
)

// phoneHub is a hub on 127.0.0.1 whose clock the test sets.
type phoneHub struct {
	st  hubsync.Store
	url string
	mu  gosync.Mutex
	now time.Time
}

func (h *phoneHub) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *phoneHub) set(t time.Time) {
	h.mu.Lock()
	h.now = t
	h.mu.Unlock()
}

func startPhoneHub(t *testing.T, open func() hubsync.Store, now time.Time, o hubsync.HubOptions) *phoneHub {
	t.Helper()
	h := &phoneHub{st: open(), now: now}
	o.Now = h.clock
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: hubsync.NewHandler(h.st, o)}
	go srv.Serve(ln)
	h.url = "http://" + ln.Addr().String()
	t.Cleanup(func() { srv.Close(); h.st.Close() })
	importCentre(t, h.st, centre(now), false)
	return h
}

// enrolKiosk enrols a new kiosk store at site and runs a first round.
func enrolKiosk(t *testing.T, h *phoneHub, site string, o hubsync.ClientOptions) (*sqlite.Store, *hubsync.Client) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	code, _, err := hubsync.NewEnrolCode(ctx, h.st, site, 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hubsync.Enrol(ctx, st, h.url, code, nil); err != nil {
		t.Fatal(err)
	}
	cl := hubsync.NewClient(st, o)
	if _, err := cl.Round(ctx); err != nil {
		t.Fatal(err)
	}
	return st, cl
}

// phoneClient is a visitor's phone: a browser with its own cookies.
type phoneClient struct {
	t *testing.T
	c *http.Client
}

func newPhone(t *testing.T) *phoneClient {
	jar, _ := cookiejar.New(nil)
	return &phoneClient{t: t, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// page is an answer of the phone pages.
type page struct {
	status int
	body   string
}

var (
	reReason = regexp.MustCompile(`data-reason="([^"]*)"`)
	reTicket = regexp.MustCompile(`name="t" value="([^"]+)"`)
)

func (p page) reason() string {
	if m := reReason.FindStringSubmatch(p.body); m != nil {
		return m[1]
	}
	return "?"
}

func (p page) ticket() string {
	if m := reTicket.FindStringSubmatch(p.body); m != nil {
		return m[1]
	}
	return ""
}

func (ph *phoneClient) do(req *http.Request) page {
	ph.t.Helper()
	resp, err := ph.c.Do(req)
	if err != nil {
		ph.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		ph.t.Fatalf("content type %q", ct)
	}
	return page{resp.StatusCode, string(b)}
}

func (ph *phoneClient) get(u string) page {
	ph.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return ph.do(req)
}

func (ph *phoneClient) post(u string, form url.Values) page {
	ph.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return ph.do(req)
}

// signIn opens u and submits the form (with the number when asked).
func (ph *phoneClient) signIn(u, number, name string) page {
	ph.t.Helper()
	p := ph.get(u)
	if p.status != http.StatusOK || p.ticket() == "" {
		ph.t.Fatalf("GET %s: %d %s", u, p.status, p.reason())
	}
	f := url.Values{"t": {p.ticket()}}
	if strings.Contains(p.body, `name="phone"`) {
		f.Set("phone", number)
		f.Set("name", name)
	}
	return ph.post(u, f)
}

// session returns the open session of event ev on the kiosk.
func session(t *testing.T, st *sqlite.Store, ev string, now time.Time) data.Session {
	t.Helper()
	e, err := st.Event(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	ss := e.Sessions(now.UnixMilli(), now.UnixMilli()+1, time.UTC)
	if len(ss) != 1 {
		t.Fatalf("%d sessions of %s now", len(ss), ev)
	}
	return ss[0]
}

func eventCode(t *testing.T, st *sqlite.Store, s data.Session, at time.Time) sqlite.EventCode {
	t.Helper()
	c, err := st.EventCode(ctx, s.Event.ID, s.StartMS, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPhoneCheckInAndOut(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		now := time.Now()
		h := startPhoneHub(t, open, now, hubsync.HubOptions{})
		st, cl := enrolKiosk(t, h, "st-a", hubsync.ClientOptions{})
		s := session(t, st, "ev-a", now)
		code := eventCode(t, st, s, now)
		if !strings.HasPrefix(code.URL, strings.ToUpper(h.url)+"/P/") {
			t.Fatalf("URL %s", code.URL)
		}

		ph := newPhone(t)
		first := ph.get(code.URL)
		if first.status != 200 || !strings.Contains(first.body, "甲站活动") || !strings.Contains(first.body, `name="phone"`) {
			t.Fatalf("first visit: %d %s", first.status, first.body)
		}
		res := ph.post(code.URL, url.Values{"t": {first.ticket()}, "phone": {"139 0000 0001"}, "name": {"张阿姨"}})
		if res.status != 200 || res.reason() != "checked_in" || !strings.Contains(res.body, "签到成功") {
			t.Fatalf("check-in: %d %s\n%s", res.status, res.reason(), res.body)
		}
		if strings.Contains(res.body, "13900000001") {
			t.Fatal("the page shows the full phone number")
		}
		if !strings.Contains(res.body, "data:image/png;base64,") {
			t.Fatal("no pass QR code on the result page")
		}

		// The phone is remembered: no number asked; within the minimum stay
		// the page says so and offers no button.
		again := ph.get(code.URL)
		if again.reason() != "already_in" || strings.Contains(again.body, `name="phone"`) || !strings.Contains(again.body, "张阿姨") {
			t.Fatalf("second visit: %s\n%s", again.reason(), again.body)
		}

		// 20 minutes later, a new code: check-out, with the service time.
		later := now.Add(20 * time.Minute)
		h.set(later)
		code2 := eventCode(t, st, s, later)
		p := ph.get(code2.URL)
		if !strings.Contains(p.body, ">签退<") {
			t.Fatalf("no 签退 button: %s", p.body)
		}
		out := ph.post(code2.URL, url.Values{"t": {p.ticket()}})
		if out.reason() != "checked_out" || !strings.Contains(out.body, "20 分钟") {
			t.Fatalf("check-out: %s\n%s", out.reason(), out.body)
		}
		if p := ph.get(eventCode(t, st, s, later).URL); p.reason() != "already_out" || p.ticket() != "" {
			t.Fatalf("after check-out: %s", p.reason())
		}

		// The hub holds both records, method phone, made for the kiosk.
		dev, _ := st.DeviceID(ctx)
		recs := hubRecords(t, h.st)
		var in, outRec hubsync.HubRecord
		for _, r := range recs {
			if r.Method != "phone" || r.DeviceID != dev || r.SiteID != "st-a" || r.EventID != "ev-a" || r.RunID != hubsync.RunHub {
				t.Fatalf("record %+v", r)
			}
			if r.Direction == "in" {
				in = r
			} else {
				outRec = r
			}
		}
		if len(recs) != 2 || in.ID == "" || outRec.ID == "" || in.Subject != outRec.Subject || !strings.HasPrefix(in.Subject, "pass:") {
			t.Fatalf("hub records: %+v", recs)
		}

		// Down: the next round brings them to the kiosk, out of its outbox.
		if _, err := cl.Round(ctx); err != nil {
			t.Fatal(err)
		}
		got := map[string]data.CheckIn{}
		recsK, _ := st.CheckIns(ctx, sqlite.CheckInFilter{})
		for _, r := range recsK {
			got[r.ID] = r
		}
		for _, r := range []hubsync.HubRecord{in, outRec} {
			if got[r.ID] != r.CheckIn() {
				t.Fatalf("kiosk holds %+v, hub %+v", got[r.ID], r.CheckIn())
			}
		}
		if n, _ := st.OutboxCount(ctx); n != 0 {
			t.Fatalf("outbox: %d", n)
		}
		roster, err := st.Roster(ctx, "ev-a", s.StartMS)
		if err != nil || len(roster.Entries) != 1 || roster.Entries[0].InMethod != data.MethodPhone || roster.Entries[0].Inside {
			t.Fatalf("roster: %+v %v", roster, err)
		}
		rows := 0
		st.EachAttendance(ctx, sqlite.AttendanceFilter{}, func(r sqlite.AttendanceRow) error {
			if r.Method == data.MethodPhone && r.EventTitle == "甲站活动" {
				rows++
			}
			return nil
		})
		if rows != 2 {
			t.Fatalf("%d phone rows in the export", rows)
		}
		// A second round sends nothing back up.
		r, err := cl.Round(ctx)
		if err != nil || r.Stored+r.Already+r.Rejected != 0 {
			t.Fatalf("second round: %+v %v", r, err)
		}
		// The issued codes went up for audit.
		codes, err := h.st.EventCodes(ctx, dev)
		if err != nil || len(codes) < 2 {
			t.Fatalf("hub's event codes: %d, %v", len(codes), err)
		}
	})
}

func TestPhoneRefusals(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		now := time.Now()
		h := startPhoneHub(t, open, now, hubsync.HubOptions{})
		st, _ := enrolKiosk(t, h, "st-a", hubsync.ClientOptions{})
		s := session(t, st, "ev-a", now)
		code := eventCode(t, st, s, now)
		base := code.URL[:len(code.URL)-token.Len]

		check := func(name string, p page, status int, reason string) {
			t.Helper()
			if p.status != status || p.reason() != reason {
				t.Errorf("%s: %d %s, want %d %s", name, p.status, p.reason(), status, reason)
			}
			if status != 200 && reason != hubsync.PhoneCSRF && reason != hubsync.PhoneTooMany && reason != hubsync.PhoneBadPhone &&
				!strings.Contains(p.body, "请扫描现场屏幕上的最新二维码") {
				t.Errorf("%s: the page does not say to scan the latest code", name)
			}
		}

		// Tampered: one character changed.
		b := []byte(code.Token)
		b[40] = map[bool]byte{true: 'A', false: 'B'}[b[40] != 'A']
		check("tampered", newPhone(t).get(base+string(b)), 400, hubsync.PhoneInvalid)
		check("garbage", newPhone(t).get(base+"HELLO"), 400, hubsync.PhoneInvalid)

		// Forged: signed by another key under the kiosk's key id.
		id, _, _, _ := st.OwnKey(ctx)
		other, _ := pass.NewKey(nil)
		forged, _ := token.Sign(pass.Key{ID: id, Private: other.Private},
			token.For(id, "ev-a", s.StartMS, now))
		check("forged", newPhone(t).get(base+forged), 400, hubsync.PhoneInvalid)
		unknown, _ := token.Sign(other, token.For(other.ID, "ev-a", s.StartMS, now))
		check("unknown key", newPhone(t).get(base+unknown), 400, hubsync.PhoneInvalid)

		// Expired: made 2 slots ago, or the hub's clock moved on.
		check("expired", newPhone(t).get(eventCode(t, st, s, now.Add(-2*token.SlotSeconds*time.Second)).URL), 410, hubsync.PhoneExpired)
		check("one slot ago", newPhone(t).get(eventCode(t, st, s, now.Add(-token.SlotSeconds*time.Second)).URL), 200, "")

		// A replay from another phone after the slot.
		a := newPhone(t)
		if p := a.signIn(code.URL, "13900000002", ""); p.reason() != "checked_in" {
			t.Fatalf("phone A: %s", p.reason())
		}
		h.set(now.Add(3 * token.SlotSeconds * time.Second))
		check("replay", newPhone(t).get(code.URL), 410, hubsync.PhoneExpired)
		h.set(now)

		// Unknown event.
		check("no event", newPhone(t).get(eventCode(t, st, data.Session{Event: data.Event{ID: "nope"}, StartMS: s.StartMS}, now).URL),
			404, hubsync.PhoneNoEvent)

		// CSRF: no ticket, another phone's ticket, no cookie.
		c := newPhone(t)
		p := c.get(code.URL)
		check("no ticket", c.post(code.URL, url.Values{"phone": {"13900000003"}}), 403, hubsync.PhoneCSRF)
		d := newPhone(t)
		d.get(code.URL)
		check("another phone's ticket", d.post(code.URL, url.Values{"t": {p.ticket()}, "phone": {"13900000003"}}), 403, hubsync.PhoneCSRF)
		bare := &phoneClient{t: t, c: &http.Client{}}
		check("no cookie", bare.post(code.URL, url.Values{"t": {p.ticket()}, "phone": {"13900000003"}}), 403, hubsync.PhoneCSRF)
		// A ticket for another token.
		code2 := eventCode(t, st, s, now.Add(token.SlotSeconds*time.Second))
		check("ticket of another token", c.post(code2.URL, url.Values{"t": {p.ticket()}, "phone": {"13900000003"}}), 403, hubsync.PhoneCSRF)
		// A form older than FormTTL.
		h.set(now.Add(hubsync.FormTTL + time.Minute))
		check("stale form", c.post(code.URL, url.Values{"t": {p.ticket()}, "phone": {"13900000003"}}), 403, hubsync.PhoneCSRF)
		h.set(now)
		// A bad number asks again.
		check("bad number", c.post(code.URL, url.Values{"t": {p.ticket()}, "phone": {"12345"}}), 400, hubsync.PhoneBadPhone)

		// Revoked kiosk: its codes are refused, also a form already open.
		e := newPhone(t)
		pe := e.get(code.URL)
		dev, _ := st.DeviceID(ctx)
		if err := h.st.RevokeDevice(ctx, dev, now.UnixMilli()); err != nil {
			t.Fatal(err)
		}
		check("revoked", newPhone(t).get(code.URL), 403, hubsync.PhoneRevoked)
		check("revoked, open form", e.post(code.URL, url.Values{"t": {pe.ticket()}, "phone": {"13900000004"}}), 403, hubsync.PhoneRevoked)

		recs := hubRecords(t, h.st)
		if len(recs) != 1 {
			t.Fatalf("hub holds %d records, want phone A's check-in only", len(recs))
		}
	})
}

func TestPhoneClockOffsetAndLimits(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		now := time.Now()
		h := startPhoneHub(t, open, now, hubsync.HubOptions{Limits: hubsync.PhoneLimits{PerPhone: 2, PerAddress: 40}})
		// The kiosk's clock is 10 minutes fast; the hub measures it at a push.
		skew := 10 * time.Minute
		st, cl := enrolKiosk(t, h, "st-a", hubsync.ClientOptions{Now: func() time.Time { return time.Now().Add(skew) }})
		svc, err := checkin.New(ctx, st, checkin.Options{SiteID: "st-a", Now: func() time.Time { return now.Add(skew) }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Register(ctx, "13800000009", "", ""); err != nil {
			t.Fatal(err)
		}
		res, err := svc.Phone(ctx, "13800000009", checkin.Target{Event: "ev-a"})
		if err != nil || res.Outcome != data.Accepted {
			t.Fatalf("kiosk check-in: %+v %v", res, err)
		}
		if _, err := cl.Round(ctx); err != nil {
			t.Fatal(err)
		}
		s := session(t, st, "ev-a", now)
		code := eventCode(t, st, s, now.Add(skew))
		if p := newPhone(t).get(code.URL); p.status != 200 {
			t.Fatalf("a code from a kiosk 10 minutes fast: %d %s", p.status, p.reason())
		}

		// Per phone: the third sign-in with one number within the window.
		for i := 0; i < 3; i++ {
			p := newPhone(t).signIn(code.URL, "13900000005", "")
			want := 200
			if i == 2 {
				want = http.StatusTooManyRequests
			}
			if p.status != want {
				t.Fatalf("sign-in %d: %d %s", i+1, p.status, p.reason())
			}
		}
		// Per address: 40 requests in all.
		var last page
		for i := 0; i < 40; i++ {
			last = newPhone(t).get(code.URL)
		}
		if last.status != http.StatusTooManyRequests {
			t.Fatalf("requests beyond the address limit: %d", last.status)
		}
	})
}

// A visitor who signed in by phone gets a pass signed by the hub; a kiosk
// that synced since verifies it and checks them out of the same session.
func TestHubPassAtKiosk(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		now := time.Now()
		h := startPhoneHub(t, open, now, hubsync.HubOptions{})
		st, cl := enrolKiosk(t, h, "st-a", hubsync.ClientOptions{})
		s := session(t, st, "ev-a", now)
		res := newPhone(t).signIn(eventCode(t, st, s, now).URL, "13900000006", "")
		if res.reason() != "checked_in" {
			t.Fatalf("phone check-in: %s", res.reason())
		}
		key, err := hubsync.HubPassKey(ctx, h.st, now)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`data-pass="(CK[0-9A-Z]{121})"`).FindStringSubmatch(res.body)
		if m == nil {
			t.Fatal("no pass code on the result page")
		}
		if _, err := cl.Round(ctx); err != nil {
			t.Fatal(err)
		}
		if pub, found, _ := st.PublicKey(ctx, key.ID); !found || !ed25519.PublicKey(pub).Equal(key.Public()) {
			t.Fatal("the hub's pass key did not come down")
		}
		svc, err := checkin.New(ctx, st, checkin.Options{SiteID: "st-a", Rules: data.Rules{EarlyMinutes: 30, MinStayMinutes: 0}})
		if err != nil {
			t.Fatal(err)
		}
		r, err := svc.Scan(ctx, m[1], checkin.Target{Event: "ev-a"})
		if err != nil || r.Outcome != data.Accepted || r.Direction != data.Out || !r.Record.Verified {
			t.Fatalf("scan of the hub pass: %+v %v", r, err)
		}
	})
}

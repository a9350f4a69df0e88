package sync

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/token"
	"github.com/google/uuid"
)

// PathPhone starts the path of the phone pages: GET and POST
// PathPhone+TOKEN, where TOKEN is an event sign-in token (package token).
const PathPhone = token.PathPrefix

// CookieName is the phone pages' cookie: a random visitor token (32 bytes,
// base64url) that remembers the visitor on that phone. The hub keeps its
// SHA-256 only, linked to the visitor once they give their number.
const CookieName = "ck_visitor"

// FormTTL is how long a sign-in form stays good after its page was served:
// the token had to be fresh when the page was served, and the visitor may
// take this long to type their number.
const FormTTL = 10 * time.Minute

// PhoneLimits are the phone pages' rate limits, counted in memory by each
// hub process over fixed windows of Window: requests per remote address,
// and sign-ins and check-ins per phone number (or remembered visitor).
type PhoneLimits struct {
	PerAddress int
	PerPhone   int
	Window     time.Duration
}

// DefaultPhoneLimits are the limits HubOptions.Limits falls back on.
var DefaultPhoneLimits = PhoneLimits{PerAddress: 120, PerPhone: 10, Window: 10 * time.Minute}

// Why a token is refused, as the phone page's data-reason.
const (
	PhoneExpired  = "expired"   // its slot is not the hub's slot ±1 (410)
	PhoneInvalid  = "invalid"   // unreadable, forged or tampered, or an unknown key (400)
	PhoneRevoked  = "revoked"   // the kiosk that made it was revoked (403)
	PhoneNoEvent  = "no_event"  // the event or session is not on the hub (404)
	PhoneNotOpen  = "not_open"  // the session is not open for check-in now (409)
	PhoneCSRF     = "csrf"      // a form without a good ticket or cookie (403)
	PhoneTooMany  = "too_many"  // a rate limit (429)
	PhoneBadPhone = "bad_phone" // not a mainland mobile number (400)
	PhoneStorage  = "storage"   // the hub's store failed (500)
)

//go:embed phone.html
var phoneFS embed.FS

var phoneTmpl = template.Must(template.New("phone.html").ParseFS(phoneFS, "phone.html"))

// phonePages serves the phone pages of one hub process.
type phonePages struct {
	h        *hub
	rules    data.Rules
	limits   PhoneLimits
	secure   bool
	limiter  *limiter
	mu       gosync.Mutex
	key      pass.Key // the hub's pass-signing key, once loaded
	formKey  []byte
	phoneKey []byte
}

func newPhonePages(h *hub, o HubOptions) *phonePages {
	p := &phonePages{h: h, rules: o.Rules, limits: o.Limits, secure: o.SecureCookies}
	if p.rules == (data.Rules{}) {
		p.rules = data.DefaultRules
	}
	d := DefaultPhoneLimits
	if p.limits.PerAddress <= 0 {
		p.limits.PerAddress = d.PerAddress
	}
	if p.limits.PerPhone <= 0 {
		p.limits.PerPhone = d.PerPhone
	}
	if p.limits.Window <= 0 {
		p.limits.Window = d.Window
	}
	p.limiter = &limiter{n: map[string]*window{}}
	return p
}

func (p *phonePages) register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+PathPhone+"{token}", p.get)
	mux.HandleFunc("POST "+PathPhone+"{token}", p.post)
}

// forDevice drops the feed's hub-made check-ins of other kiosks.
func forDevice(cs []Change, deviceID string) []Change {
	out := cs[:0:0]
	for _, c := range cs {
		if c.Kind == KindCheckIn && !c.Deleted {
			var r Record
			if json.Unmarshal(c.Data, &r) != nil || r.DeviceID != deviceID {
				continue
			}
		}
		out = append(out, c)
	}
	if len(out) == len(cs) {
		return cs
	}
	return out
}

// secrets loads (making on first use) the hub's pass key, form key and
// phone key, and publishes the pass key's public half on the feed.
func (p *phonePages) secrets(ctx context.Context) (pass.Key, []byte, []byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.key.ID != 0 {
		return p.key, p.formKey, p.phoneKey, nil
	}
	now := p.h.now().UnixMilli()
	random := func() ([]byte, error) {
		b := make([]byte, 32)
		_, err := rand.Read(b)
		return b, err
	}
	form, err := p.h.st.Secret(ctx, SecretForm, random, now)
	if err != nil {
		return pass.Key{}, nil, nil, err
	}
	phone, err := p.h.st.Secret(ctx, SecretPhone, random, now)
	if err != nil {
		return pass.Key{}, nil, nil, err
	}
	kb, err := p.h.st.Secret(ctx, SecretPassKey, func() ([]byte, error) {
		for {
			k, err := pass.NewKey(nil)
			if err != nil {
				return nil, err
			}
			_, err = p.h.st.ContentItem(ctx, KindKey, strconv.FormatUint(uint64(k.ID), 10))
			if errors.Is(err, data.ErrNotFound) {
				return append(binary.BigEndian.AppendUint32(nil, k.ID), k.Private.Seed()...), nil
			}
			if err != nil {
				return nil, err
			}
		}
	}, now)
	if err != nil {
		return pass.Key{}, nil, nil, err
	}
	if len(kb) != 4+ed25519.SeedSize {
		return pass.Key{}, nil, nil, errors.New("the hub's pass key is malformed")
	}
	key, err := pass.KeyFromSeed(binary.BigEndian.Uint32(kb), kb[4:])
	if err != nil {
		return pass.Key{}, nil, nil, err
	}
	info, _ := json.Marshal(KeyInfo{KeyID: key.ID, PublicKey: key.Public(), DeviceID: RunHub})
	if _, err := p.h.st.PutContent(ctx, []Item{{Kind: KindKey, ID: strconv.FormatUint(uint64(key.ID), 10), Data: info}}, nil, now); err != nil {
		return pass.Key{}, nil, nil, err
	}
	p.key, p.formKey, p.phoneKey = key, form, phone
	return key, form, phone, nil
}

// HubPassKey returns the hub's pass-signing key, making it (and putting its
// public key on the feed) on first use.
func HubPassKey(ctx context.Context, st Store, now time.Time) (pass.Key, error) {
	h := &hub{st: st, now: func() time.Time { return now }}
	k, _, _, err := newPhonePages(h, HubOptions{}).secrets(ctx)
	return k, err
}

// checked is a token that passed the hub's checks.
type checked struct {
	text    string
	tok     token.Token
	dev     Device
	session data.Session
	site    string // the event's site name
	loc     *time.Location
}

// check verifies a token: well formed, signed by an enrolled kiosk's key,
// the kiosk not revoked, naming a session on the hub's feed. With fresh it
// must also be within one slot of the hub's clock corrected by the kiosk's
// measured clock error. It returns the refusal reason, or "".
func (p *phonePages) check(ctx context.Context, text string, fresh bool) (checked, string, error) {
	c := checked{text: strings.ToUpper(text)}
	tok, err := token.Parse(text)
	if err != nil {
		return c, PhoneInvalid, nil
	}
	c.tok = tok
	dev, err := p.h.st.DeviceByKey(ctx, tok.KeyID)
	switch {
	case errors.Is(err, data.ErrNotFound):
		return c, PhoneInvalid, nil
	case err != nil:
		return c, PhoneStorage, err
	}
	c.dev = dev
	if tok.Verify(dev.PublicKey) != nil {
		return c, PhoneInvalid, nil
	}
	if dev.RevokedMS != 0 {
		return c, PhoneRevoked, nil
	}
	if fresh {
		kioskNow := p.h.now()
		if dev.ClockCheckedMS != 0 {
			kioskNow = kioskNow.Add(time.Duration(dev.ClockOffsetMS) * time.Millisecond)
		}
		if !tok.Fresh(kioskNow) {
			return c, PhoneExpired, nil
		}
	}
	if c.loc, err = HubZone(ctx, p.h.st); err != nil {
		return c, PhoneStorage, err
	}
	evs, err := p.h.st.LiveContent(ctx, KindEvent)
	if err != nil {
		return c, PhoneStorage, err
	}
	start := tok.SessionStartMS()
	for _, ch := range evs {
		if token.EventRef(ch.ID) != tok.Event {
			continue
		}
		var ev data.Event
		if json.Unmarshal(ch.Data, &ev) != nil {
			continue
		}
		for _, s := range ev.Sessions(start, start+1000, c.loc) {
			if s.StartMS/1000 == start/1000 {
				c.session = s
			}
		}
		if c.session.Event.ID != "" {
			break
		}
	}
	if c.session.Event.ID == "" {
		return c, PhoneNoEvent, nil
	}
	c.site = siteName(ctx, p.h.st, c.session.Event.SiteID)
	return c, "", nil
}

// phonePage is what phone.html shows.
type phonePage struct {
	Title    string // heading
	Reason   string // why the page is an error or a result, for data-reason
	Event    *pageEvent
	OK       bool   // a successful check-in or check-out
	Message  string // the page's main sentence
	Detail   []string
	Greeting string
	Form     *pageForm
	PassPNG  template.URL // data: URL of the visitor's pass QR code
	PassText string
	Again    string // a link to the form with another number
}

type pageEvent struct {
	Title, When, Place string
}

type pageForm struct {
	Ticket   string
	AskPhone bool
	Button   string
	Error    string
	Phone    string
	Name     string
}

// refusals are the pages of refused tokens and forms.
var refusals = map[string]struct {
	status int
	title  string
	detail string
}{
	PhoneExpired:  {http.StatusGone, "二维码已过期", "现场屏幕上的二维码每 30 秒更新一次。"},
	PhoneInvalid:  {http.StatusBadRequest, "二维码无效", "这个二维码不是签到机生成的，或已被改动。"},
	PhoneRevoked:  {http.StatusForbidden, "二维码无效", "生成这个二维码的签到机已停用。请告知现场工作人员。"},
	PhoneNoEvent:  {http.StatusNotFound, "找不到这场活动", "活动可能已取消或变更。"},
	PhoneNotOpen:  {http.StatusConflict, "现在不在签到时间", "签到从活动开始前开放，到活动结束为止。"},
	PhoneCSRF:     {http.StatusForbidden, "页面已过期", "为了安全，请重新扫码后再签到。"},
	PhoneTooMany:  {http.StatusTooManyRequests, "操作太频繁", "请稍等几分钟再试。"},
	PhoneStorage:  {http.StatusInternalServerError, "暂时无法签到", "服务器出了点问题，请稍后再试，或在签到机上签到。"},
	PhoneBadPhone: {http.StatusBadRequest, "手机号不正确", "请输入 11 位手机号。"},
}

// rescan is the instruction on every refused token's page.
const rescan = "请扫描现场屏幕上的最新二维码"

func (p *phonePages) refuse(w http.ResponseWriter, reason string, err error) {
	if err != nil {
		p.h.fail(httpDiscard{}, http.StatusInternalServerError, err)
	}
	rf, ok := refusals[reason]
	if !ok {
		rf = refusals[PhoneInvalid]
	}
	msg := rescan
	switch reason {
	case PhoneNotOpen, PhoneTooMany, PhoneStorage:
		msg = rf.detail
		rf.detail = ""
	}
	pg := phonePage{Title: rf.title, Reason: reason, Message: msg}
	if rf.detail != "" {
		pg.Detail = []string{rf.detail}
	}
	p.render(w, rf.status, pg)
}

// httpDiscard lets hub.fail log an error without answering.
type httpDiscard struct{}

func (httpDiscard) Header() http.Header         { return http.Header{} }
func (httpDiscard) Write(b []byte) (int, error) { return len(b), nil }
func (httpDiscard) WriteHeader(int)             {}

func (p *phonePages) render(w http.ResponseWriter, status int, pg phonePage) {
	var b bytes.Buffer
	if err := phoneTmpl.Execute(&b, pg); err != nil {
		p.h.fail(httpDiscard{}, http.StatusInternalServerError, err)
		http.Error(w, "error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// remote is the request's remote address without the port.
func remote(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// cookie returns the request's visitor cookie, or "".
func cookie(r *http.Request) string {
	c, err := r.Cookie(CookieName)
	if err != nil || len(c.Value) < 43 || len(c.Value) > 64 {
		return ""
	}
	return c.Value
}

func (p *phonePages) setCookie(w http.ResponseWriter, v string) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: v, Path: "/", MaxAge: 400 * 24 * 3600,
		HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode})
}

// ticket is the form's CSRF token: the page's time and an HMAC binding it to
// the phone's cookie and the token.
func ticket(key []byte, cookie, tok string, issuedMS int64) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "form\x00%s\x00%s\x00%d", cookie, strings.ToUpper(tok), issuedMS)
	b := binary.BigEndian.AppendUint64(nil, uint64(issuedMS))
	return base64.RawURLEncoding.EncodeToString(m.Sum(b)[:8+16])
}

// ticketOK checks a form's ticket against the cookie and token at nowMS.
func ticketOK(key []byte, t, cookie, tok string, nowMS int64) bool {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || len(b) != 8+16 || cookie == "" {
		return false
	}
	issued := int64(binary.BigEndian.Uint64(b))
	if issued > nowMS+60_000 || nowMS-issued > FormTTL.Milliseconds() {
		return false
	}
	return hmac.Equal([]byte(ticket(key, cookie, tok, issued)), []byte(t))
}

func (p *phonePages) get(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !p.limiter.allow("addr:"+remote(r), p.limits.PerAddress, p.limits.Window, p.h.now()) {
		p.refuse(w, PhoneTooMany, nil)
		return
	}
	c, why, err := p.check(ctx, r.PathValue("token"), true)
	if why != "" {
		p.refuse(w, why, err)
		return
	}
	_, form, _, err := p.secrets(ctx)
	if err != nil {
		p.refuse(w, PhoneStorage, err)
		return
	}
	ck := cookie(r)
	if ck == "" {
		b := make([]byte, 32)
		rand.Read(b)
		ck = base64.RawURLEncoding.EncodeToString(b)
		p.setCookie(w, ck)
	}
	now := p.h.now().UnixMilli()
	v, err := p.h.st.PhoneVisitorBySession(ctx, HashSecret(ck), now)
	known := err == nil
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		p.refuse(w, PhoneStorage, err)
		return
	}
	if !p.rules.Open(c.session, now) {
		p.refuse(w, PhoneNotOpen, nil)
		return
	}
	pg := phonePage{Title: "扫码签到", Event: p.event(c)}
	f := &pageForm{Ticket: ticket(form, ck, c.text, now), Button: "签到"}
	if known && r.URL.Query().Get("new") == "" {
		pg.Greeting = greeting(v)
		pg.Again = "?new=1"
		last, err := p.h.st.LastAccepted(ctx, PassSubject(v.Pass), c.session.Event.ID, c.session.StartMS)
		if err != nil {
			p.refuse(w, PhoneStorage, err)
			return
		}
		dir, outcome, reason := p.rules.Decide(asCheckIn(last), now)
		switch {
		case outcome == data.Duplicate && reason == data.ReasonAlreadyOut:
			pg.Reason, pg.Message = "already_out", "您已签退本场活动，感谢参与！"
			f = nil
		case outcome == data.Duplicate:
			pg.Reason = "already_in"
			pg.Message = fmt.Sprintf("您已于 %s 签到。", clock(last.TrueMS, c.loc))
			pg.Detail = []string{fmt.Sprintf("%s 以后可以签退。", clock(last.TrueMS+int64(p.rules.MinStayMinutes)*60_000, c.loc))}
			f = nil
		case dir == data.Out:
			pg.Message = fmt.Sprintf("您已于 %s 签到。离开时请点“签退”。", clock(last.TrueMS, c.loc))
			f.Button = "签退"
		}
	} else {
		f.AskPhone = true
	}
	pg.Form = f
	p.render(w, http.StatusOK, pg)
}

func (p *phonePages) post(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	nowT := p.h.now()
	now := nowT.UnixMilli()
	if !p.limiter.allow("addr:"+remote(r), p.limits.PerAddress, p.limits.Window, nowT) {
		p.refuse(w, PhoneTooMany, nil)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		p.refuse(w, PhoneCSRF, nil)
		return
	}
	_, form, phoneKey, err := p.secrets(ctx)
	if err != nil {
		p.refuse(w, PhoneStorage, err)
		return
	}
	text := r.PathValue("token")
	ck := cookie(r)
	if !ticketOK(form, r.PostForm.Get("t"), ck, text, now) {
		p.refuse(w, PhoneCSRF, nil)
		return
	}
	// The token was fresh when the form was served (the ticket says when);
	// now it must still be genuine and its kiosk not revoked.
	c, why, err := p.check(ctx, text, false)
	if why != "" {
		p.refuse(w, why, err)
		return
	}
	var v PhoneVisitor
	if raw := strings.TrimSpace(r.PostForm.Get("phone")); raw != "" || r.PostForm.Has("phone") {
		name := strings.TrimSpace(r.PostForm.Get("name"))
		if len([]rune(name)) > 20 {
			name = string([]rune(name)[:20])
		}
		digits, ok := data.NormalisePhone(raw)
		if !ok {
			pg := phonePage{Title: "扫码签到", Event: p.event(c), Reason: PhoneBadPhone,
				Form: &pageForm{Ticket: ticket(form, ck, c.text, now), AskPhone: true, Button: "签到",
					Error: "请输入正确的 11 位手机号", Phone: raw, Name: name}}
			p.render(w, http.StatusBadRequest, pg)
			return
		}
		m := hmac.New(sha256.New, phoneKey)
		m.Write([]byte(digits))
		ph := m.Sum(nil)
		if !p.limiter.allow("phone:"+string(ph), p.limits.PerPhone, p.limits.Window, nowT) {
			p.refuse(w, PhoneTooMany, nil)
			return
		}
		key, _, _, _ := p.secrets(ctx)
		v, err = p.h.st.SignInPhone(ctx, PhoneSignIn{SessionHash: HashSecret(ck), PhoneHash: ph, Name: name,
			PassKeyID: key.ID, NowMS: now})
		if err != nil {
			p.refuse(w, PhoneStorage, err)
			return
		}
	} else {
		v, err = p.h.st.PhoneVisitorBySession(ctx, HashSecret(ck), now)
		if errors.Is(err, data.ErrNotFound) {
			p.refuse(w, PhoneCSRF, nil)
			return
		}
		if err != nil {
			p.refuse(w, PhoneStorage, err)
			return
		}
		if !p.limiter.allow("visitor:"+v.ID, p.limits.PerPhone, p.limits.Window, nowT) {
			p.refuse(w, PhoneTooMany, nil)
			return
		}
	}
	if !p.rules.Open(c.session, now) {
		p.refuse(w, PhoneNotOpen, nil)
		return
	}
	res, err := PhoneCheckIn(ctx, p.h.st, p.rules, c.dev, c.session, v.Pass, nowT)
	if err != nil {
		p.refuse(w, PhoneStorage, err)
		return
	}
	p.result(w, c, v, res)
}

// PhoneResult is the outcome of a phone check-in.
type PhoneResult struct {
	Outcome   data.Outcome
	Reason    data.Reason
	Direction data.Direction
	Record    HubRecord // the stored record (Accepted)
	Previous  *HubRecord
	ServiceMS int64 // for a check-out: service time, capped to the session
}

// PassSubject is Record.Subject of a record carrying the pass ref.
func PassSubject(ref data.PassRef) string { return fmt.Sprintf("pass:%d:%d", ref.KeyID, ref.No) }

// asCheckIn gives data.Rules.Decide the hub's view of the latest record:
// its true time in place of the kiosk's clock.
func asCheckIn(r *HubRecord) *data.CheckIn {
	if r == nil {
		return nil
	}
	c := r.CheckIn()
	c.WallMS = r.TrueMS
	return &c
}

// PhoneCheckIn checks the holder of a hub pass into (or out of) a session
// at now, under the same rules as a kiosk (data.Rules.Decide on the
// person's latest accepted record from any kiosk, by true time), and stores
// the record, method phone, as made by dev (the kiosk whose code was
// scanned) with the hub's clock. The record goes down to that kiosk on the
// feed.
func PhoneCheckIn(ctx context.Context, st Store, rules data.Rules, dev Device, s data.Session,
	ref data.PassRef, now time.Time) (PhoneResult, error) {
	var res PhoneResult
	nowMS := now.UnixMilli()
	subject := PassSubject(ref)
	err := st.HubCheckIn(ctx, subject, s.Event.ID, s.StartMS, func(last *HubRecord) (*HubRecord, error) {
		dir, outcome, reason := rules.Decide(asCheckIn(last), nowMS)
		res = PhoneResult{Outcome: outcome, Reason: reason, Direction: dir}
		if outcome == data.Duplicate {
			res.Previous = last
			return nil, nil
		}
		rec := HubRecord{Record: Record{ID: uuid.Must(uuid.NewV7()).String(), PassKeyID: ref.KeyID, PassNo: ref.No,
			EventID: s.Event.ID, SessionStartMS: s.StartMS, Direction: string(dir), Method: string(data.MethodPhone),
			DeviceID: dev.ID, WallMS: nowMS, RunID: RunHub, Verified: true, Outcome: string(data.Accepted)},
			SiteID: dev.SiteID, Subject: subject, ReceivedMS: nowMS, TrueMS: nowMS}
		if dir == data.Out {
			res.ServiceMS = data.ServiceMS(s, last.TrueMS, nowMS)
		}
		res.Record = rec
		return &rec, nil
	})
	return res, err
}

func (p *phonePages) result(w http.ResponseWriter, c checked, v PhoneVisitor, res PhoneResult) {
	pg := phonePage{Event: p.event(c), Greeting: greeting(v), Again: "?new=1"}
	switch {
	case res.Outcome == data.Accepted && res.Direction == data.In:
		pg.OK, pg.Title, pg.Reason = true, "签到成功", "checked_in"
		pg.Message = fmt.Sprintf("%s 签到成功，欢迎参加！", clock(res.Record.TrueMS, c.loc))
		pg.Detail = []string{"离开时请再次扫描现场二维码签退，以便记录服务时长。"}
	case res.Outcome == data.Accepted:
		pg.OK, pg.Title, pg.Reason = true, "签退成功", "checked_out"
		pg.Message = fmt.Sprintf("%s 签退成功，感谢参与！", clock(res.Record.TrueMS, c.loc))
		pg.Detail = []string{"本次时长：" + duration(res.ServiceMS)}
	case res.Reason == data.ReasonAlreadyOut:
		pg.Title, pg.Reason, pg.Message = "您已签退", string(res.Reason), "您已签退本场活动，无需重复操作。"
	default:
		pg.Title, pg.Reason = "您已签到", string(res.Reason)
		if res.Previous != nil {
			pg.Message = fmt.Sprintf("您已于 %s 签到，无需重复签到。", clock(res.Previous.TrueMS, c.loc))
			pg.Detail = []string{fmt.Sprintf("%s 以后可以签退。", clock(res.Previous.TrueMS+int64(p.rules.MinStayMinutes)*60_000, c.loc))}
		}
	}
	if key, _, _, err := p.secrets(context.Background()); err == nil {
		code, err := pass.Encode(key, pass.Payload{No: v.Pass.No, IssuedDay: pass.Day(time.UnixMilli(v.CreatedMS))})
		if err == nil {
			if png, err := pass.PNG(code, false, 4); err == nil {
				pg.PassPNG = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
				pg.PassText = code
			}
		}
	}
	p.render(w, http.StatusOK, pg)
}

// event describes c's session for the page.
func (p *phonePages) event(c checked) *pageEvent {
	s := c.session
	start, end := time.UnixMilli(s.StartMS).In(c.loc), time.UnixMilli(s.EndMS).In(c.loc)
	weekdays := []string{"日", "一", "二", "三", "四", "五", "六"}
	when := fmt.Sprintf("%d月%d日 周%s %s–%s", start.Month(), start.Day(), weekdays[start.Weekday()],
		start.Format("15:04"), end.Format("15:04"))
	place := s.Event.Place
	if c.site != "" && c.site != place {
		if place != "" {
			place += " · "
		}
		place += c.site
	}
	return &pageEvent{Title: s.Event.Title, When: when, Place: place}
}

func greeting(v PhoneVisitor) string {
	if v.Name != "" {
		return "您好，" + v.Name
	}
	return "您好"
}

func clock(ms int64, loc *time.Location) string { return time.UnixMilli(ms).In(loc).Format("15:04") }

func duration(ms int64) string {
	m := ms / 60_000
	if m < 60 {
		return fmt.Sprintf("%d 分钟", m)
	}
	return fmt.Sprintf("%d 小时 %d 分钟", m/60, m%60)
}

// limiter counts requests per key in fixed windows, in memory.
type limiter struct {
	mu gosync.Mutex
	n  map[string]*window
}

type window struct {
	start time.Time
	n     int
}

// allow counts one request under key and reports whether it is within max
// per window d.
func (l *limiter) allow(key string, max int, d time.Duration, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.n) > 100_000 {
		for k, w := range l.n {
			if now.Sub(w.start) >= d {
				delete(l.n, k)
			}
		}
	}
	w := l.n[key]
	if w == nil || now.Sub(w.start) >= d {
		w = &window{start: now}
		l.n[key] = w
	}
	w.n++
	return w.n <= max
}

package sync_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

var invite = hubsync.Invite{HubURL: "https://hub.example.cn:8443/kiosk", Code: "7K3M-Q9XD-2HRT-B4NW",
	SiteID: "wenhuayuan", SiteName: "文化园社区新时代文明实践站"}

func TestInviteRoundTrip(t *testing.T) {
	text := invite.Text()
	if !strings.HasPrefix(text, "civickiosk-enrol:?check=") || strings.ContainsFunc(text, func(r rune) bool { return r > '~' || r < '!' }) {
		t.Fatalf("Text() = %q, want plain printable ASCII after civickiosk-enrol:", text)
	}
	for _, typed := range []string{text, "  " + text + "\r\n", "CIVICKIOSK-ENROL" + strings.TrimPrefix(text, "civickiosk-enrol")} {
		got, err := hubsync.ParseInvite(typed)
		if err != nil || got != invite {
			t.Errorf("ParseInvite(%q) = %+v, %v", typed, got, err)
		}
	}
	// Typed by a scanner with Caps Lock on: every letter's case swapped.
	capsLock := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		if r >= 'A' && r <= 'Z' {
			return r - 'A' + 'a'
		}
		return r
	}, text)
	if got, err := hubsync.ParseInvite(capsLock); err != nil || got != invite {
		t.Errorf("ParseInvite(%q) (Caps Lock) = %+v, %v", capsLock, got, err)
	}
	// No site name, and a trailing slash on the hub's address.
	bare := hubsync.Invite{HubURL: "http://10.0.0.5:8080/", Code: "7K3M-Q9XD-2HRT-B4NW", SiteID: "st-a"}
	got, err := hubsync.ParseInvite(bare.Text())
	if err != nil || got.HubURL != "http://10.0.0.5:8080" || got.SiteName != "" || got.SiteID != "st-a" {
		t.Errorf("ParseInvite(%q) = %+v, %v", bare.Text(), got, err)
	}
}

func TestParseInviteRefusesGarbage(t *testing.T) {
	text := invite.Text()
	for _, s := range []string{"", "hello", "CK1.ABCDEFG", "https://hub.example.cn/?code=7K3M", "civickiosk:?check=00"} {
		if _, err := hubsync.ParseInvite(s); !errors.Is(err, hubsync.ErrNotInvite) {
			t.Errorf("ParseInvite(%q) = %v, want ErrNotInvite", s, err)
		}
	}
	other := func(f func(*hubsync.Invite)) string {
		in := invite
		f(&in)
		return in.Text()
	}
	for name, s := range map[string]string{
		"cut short":                     text[:len(text)-6],
		"only the scheme":               "civickiosk-enrol:",
		"no check":                      strings.Replace(text, "?check=", "?", 1),
		"a code mistyped":               strings.Replace(text, "7K3M", "7K3N", 1),
		"another hub":                   strings.Replace(text, "hub.example.cn", "evil.example.cn", 1),
		"another site":                  strings.Replace(text, "site=wenhuayuan", "site=xiaodian", 1),
		"a field dropped":               strings.Replace(text, "&site=wenhuayuan", "", 1),
		"a field added":                 text + "&admin=1",
		"a field twice":                 text + "&site=xiaodian",
		"a newer version":               strings.Replace(text, "&v=1", "&v=2", 1),
		"bad check digits":              strings.Replace(text, "check=", "check=zz", 1),
		"not a hub address":             other(func(in *hubsync.Invite) { in.HubURL = "ftp://hub.example.cn" }),
		"no host":                       other(func(in *hubsync.Invite) { in.HubURL = "https://" }),
		"a short code":                  other(func(in *hubsync.Invite) { in.Code = "7K3M-Q9XD-2HRT" }),
		"a code with a !":               other(func(in *hubsync.Invite) { in.Code = "7K3M-Q9XD-2HRT-B4N!" }),
		"no site":                       other(func(in *hubsync.Invite) { in.SiteID = "" }),
		"a broken %-escape":             strings.Replace(text, "%3A", "%3", 1),
		"Caps Lock and a code mistyped": strings.ToUpper(strings.Replace(text, "7K3M", "7K3N", 1)),
	} {
		if _, err := hubsync.ParseInvite(s); !errors.Is(err, hubsync.ErrBadInvite) {
			t.Errorf("%s: ParseInvite(%q) = %v, want ErrBadInvite", name, s, err)
		}
	}
}

func TestEnrolAtSomethingElse(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, h := range map[string]http.HandlerFunc{
		"a web server": http.NotFound,
		"a captive portal": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>请先登录无线网络</html>"))
		},
	} {
		srv := httptest.NewServer(h)
		_, err := hubsync.Enrol(ctx, st, srv.URL, invite.Code, nil)
		srv.Close()
		if !errors.Is(err, hubsync.ErrNotHub) {
			t.Errorf("%s: %v, want ErrNotHub", name, err)
		}
	}
}

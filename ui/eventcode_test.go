package ui

import (
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/civickiosk/kiosk/data/token"
)

// openSession returns a session open for check-in at the kiosk's time.
func (k *kiosk) openSession() data.Session {
	k.t.Helper()
	open, err := k.shell.svc.OpenSessions(context.Background())
	if err != nil || len(open) == 0 {
		k.t.Fatalf("no open session at %v: %v", *k.now, err)
	}
	return open[0]
}

// qrCode returns the code of the QR view on screen, or "".
func (k *kiosk) qrCode() string {
	code := ""
	visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) bool {
		if q, ok := o.(*qrView); ok {
			code = q.code
			return false
		}
		return true
	})
	return code
}

func TestEventDetailWithoutHubShowsNoCode(t *testing.T) {
	k := newKiosk(t, small)
	k.shell.Show(newEventDetailScreen(k.shell, k.openSession()))
	if code := k.qrCode(); code != "" {
		t.Fatalf("a code without a hub: %s", code)
	}
	k.mustNotShow("手机扫码签到")
}

func TestEventDetailShowsRotatingSignInCode(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		ctx := context.Background()
		if err := k.store.SetHubEnrolment(ctx, sqlite.Enrolment{HubURL: "http://127.0.0.1:8443", Token: "t", SiteID: "xiaodian"}); err != nil {
			t.Fatal(err)
		}
		ses := k.openSession()
		k.shell.Show(newEventDetailScreen(k.shell, ses))
		k.mustShow("手机扫码签到", "扫描您的签到码", "用手机号签到", ses.Event.Title)
		k.mustFit("event detail with sign-in code")
		first := k.qrCode()
		prefix := "HTTP://127.0.0.1:8443/P/"
		if !strings.HasPrefix(first, prefix) {
			t.Fatalf("code %q", first)
		}
		tok, err := token.Parse(strings.TrimPrefix(first, prefix))
		if err != nil {
			t.Fatal(err)
		}
		id, priv, _, _ := k.store.OwnKey(ctx)
		if tok.KeyID != id || tok.Verify(priv.Public().(ed25519.PublicKey)) != nil {
			t.Fatal("the code is not signed with the kiosk's key")
		}
		if !tok.Matches(ses.Event.ID, ses.StartMS) || tok.Slot != token.SlotOf(*k.now) {
			t.Fatalf("token %+v for %s at %v", tok.Payload, ses.Event.ID, *k.now)
		}

		// Within the slot the code stays; the next slot brings a new one.
		*k.now = k.now.Add(time.Second)
		k.shell.tick()
		if k.qrCode() != first {
			t.Fatal("the code changed within its slot")
		}
		*k.now = k.now.Add(token.SlotSeconds * time.Second)
		k.shell.tick()
		second := k.qrCode()
		if second == first || second == "" {
			t.Fatal("no new code in the next slot")
		}
		codes, err := k.store.EventCodes(ctx)
		if err != nil || len(codes) != 2 {
			t.Fatalf("issued codes stored: %d, %v", len(codes), err)
		}

		// Once the session closes the panel goes.
		*k.now = time.UnixMilli(ses.EndMS).Add(time.Second)
		k.shell.tick()
		if k.qrCode() != "" {
			t.Fatal("a code after the session ended")
		}
	}
}

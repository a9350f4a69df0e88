package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/civickiosk/kiosk/data/token"
)

// idle moves the kiosk's clock on by d, one tick a second.
func (k *kiosk) idle(d time.Duration) {
	for end := k.now.Add(d); k.now.Before(end); {
		*k.now = k.now.Add(time.Second)
		k.shell.tick()
	}
}

// attract returns the attract loop on display, or nil.
func (k *kiosk) attract() *attractScreen {
	a, _ := k.screen().(*attractScreen)
	return a
}

// tapAnywhere taps the window where nothing else is, as a passer-by would.
func (k *kiosk) tapAnywhere() {
	k.t.Helper()
	var bd *backdrop
	visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) bool {
		if b, ok := o.(*backdrop); ok {
			bd = b // the last one is on top
		}
		return true
	})
	test.Tap(bd)
}

func TestIdleKioskGoesHomeAndIntoTheAttractLoop(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		k.tap("活动安排")
		k.idle(DefaultIdle - time.Second)
		if _, ok := k.screen().(*eventsScreen); !ok {
			t.Fatalf("before the idle period the kiosk shows %T", k.screen())
		}
		k.idle(time.Second)
		if k.attract() == nil {
			t.Fatalf("after %v without a tap the kiosk shows %T, not the attract loop", DefaultIdle, k.screen())
		}
		if len(k.shell.history) != 2 {
			t.Errorf("history under the loop: %d screens, want home and the loop", len(k.shell.history))
		}

		// One round of the loop shows the centre, sessions, people and highlights.
		var seen []string
		first := k.attract()
		for i := range len(first.slides) {
			k.mustFit(fmt.Sprintf("attract slide %d at %v", i, size))
			seen = append(seen, strings.Join(k.texts(), "\n"))
			k.idle(slideTime)
		}
		all := strings.Join(seen, "\n")
		for _, want := range []string{"小店区新时代文明实践中心", "今日活动", "近期活动", "光荣榜", "赵海生",
			"工作亮点", "四级架构", "轻触屏幕开始"} {
			if !strings.Contains(all, want) {
				t.Errorf("one round of the loop never shows %q", want)
			}
		}
		if k.attract() != first {
			t.Fatal("the loop ended by itself")
		}

		k.tapAnywhere()
		if _, ok := k.screen().(*homeScreen); !ok {
			t.Fatalf("a tap on the loop shows %T, not the home screen", k.screen())
		}
		if !k.shell.LastActivity().Equal(*k.now) {
			t.Error("the tap that stopped the loop is not activity")
		}
		k.idle(DefaultIdle - time.Second)
		if k.attract() != nil {
			t.Error("the loop came back before the idle period")
		}
	}
}

func TestAttractLoopDrifts(t *testing.T) {
	k := newKiosk(t, small)
	k.idle(DefaultIdle)
	a := k.attract()
	if a == nil {
		t.Fatal("no attract loop")
	}
	seen := map[fyne.Position]bool{}
	for range 60 {
		k.idle(time.Second)
		seen[a.stage.Objects[0].Position()] = true
		k.mustFit("drifting slide")
	}
	if want := int(time.Minute / driftEvery); len(seen) < want-1 {
		t.Errorf("in a minute the slides stood at only %d places, want %d", len(seen), want)
	}
}

func TestScanDuringTheLoopChecksIn(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.shell.Home()
	k.at(11, 30)
	k.idle(DefaultIdle)
	if k.attract() == nil {
		t.Fatalf("no attract loop: %T", k.screen())
	}
	k.scan(code)
	k.mustShow("签到成功")
	if !k.shell.LastActivity().Equal(*k.now) {
		t.Error("the scan is not activity")
	}
	k.idle(resultShow)
	if _, ok := k.screen().(*homeScreen); !ok {
		t.Errorf("after the answer the kiosk shows %T, not the home screen", k.screen())
	}
	if recs := k.checkIns(); len(recs) != 1 {
		t.Errorf("%d records after one scan in the loop", len(recs))
	}
}

func TestTheLoopWaitsForScreensThatLeaveByThemselves(t *testing.T) {
	k := newKiosk(t, small)
	k.register(testPhone)
	k.idle(DefaultIdle + time.Second)
	if _, ok := k.screen().(*passScreen); !ok {
		t.Fatalf("the pass screen was interrupted after %v: %T", DefaultIdle, k.screen())
	}
	k.idle(privateIdle - DefaultIdle - time.Second)
	if _, ok := k.screen().(*homeScreen); !ok {
		t.Fatalf("the idle pass screen went to %T, not home", k.screen())
	}
	k.idle(time.Second)
	if k.attract() == nil {
		t.Errorf("after the pass screen left, the kiosk shows %T, not the loop", k.screen())
	}

	// A result stays up for its own time even when the idle period is
	// shorter, and longer when tapped.
	k = newKiosk(t, small)
	k.shell.idle = 2 * time.Second
	k.scan("NOT-A-PASS")
	k.mustShow("未能签到")
	k.idle(resultShow - time.Second)
	k.mustShow("未能签到")
	k.tapAnywhere()
	k.idle(resultHold - time.Second)
	k.mustShow("未能签到")
	k.idle(time.Second)
	if _, ok := k.screen().(*homeScreen); !ok {
		t.Errorf("after the result the kiosk shows %T, not home", k.screen())
	}
	k.idle(2 * time.Second)
	if k.attract() == nil {
		t.Errorf("no loop %v after the result: %T", k.shell.idle, k.screen())
	}
}

func TestIdleIsConfigurable(t *testing.T) {
	k := newKiosk(t, small)
	k.shell.idle = 5 * time.Minute
	k.idle(DefaultIdle)
	if k.attract() != nil {
		t.Fatal("the loop started after the default idle period")
	}
	k.idle(4 * time.Minute)
	if k.attract() == nil {
		t.Fatalf("no loop after the configured idle period: %T", k.screen())
	}
}

// roundOfTheLoop goes into the attract loop and returns the texts and QR
// codes of each slide of its first round.
func (k *kiosk) roundOfTheLoop() (texts []string, codes []string) {
	k.t.Helper()
	k.idle(DefaultIdle)
	a := k.attract()
	if a == nil {
		k.t.Fatalf("no attract loop: %T", k.screen())
	}
	for i := range len(a.slides) {
		if a.round > 0 {
			break
		}
		k.mustFit(fmt.Sprintf("attract slide %d", i))
		texts = append(texts, strings.Join(k.texts(), "\n"))
		codes = append(codes, k.qrCode())
		k.idle(slideTime)
	}
	return texts, codes
}

func TestTheLoopShowsTheOpenSessionsSignInCode(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		if err := k.store.SetHubEnrolment(context.Background(), sqlite.Enrolment{HubURL: "http://127.0.0.1:8443", Token: "t", SiteID: "xiaodian"}); err != nil {
			t.Fatal(err)
		}
		ses := k.openSession()
		texts, codes := k.roundOfTheLoop()
		found := -1
		for i, code := range codes {
			if code != "" {
				found = i
				break
			}
		}
		if found < 0 {
			t.Fatalf("at %v no slide of the loop shows a sign-in code", size)
		}
		for _, want := range []string{"欢迎扫码签到", "手机扫码签到", ses.Event.Title} {
			if !strings.Contains(texts[found], want) {
				t.Errorf("the sign-in slide does not show %q: %q", want, texts[found])
			}
		}
		if strings.Contains(texts[found], "用手机号签到") {
			t.Error("the sign-in slide shows the phone button, which a tap on the loop cannot reach")
		}
		tok, err := token.Parse(strings.TrimPrefix(codes[found], "HTTP://127.0.0.1:8443/P/"))
		if err != nil || !tok.Matches(ses.Event.ID, ses.StartMS) {
			t.Fatalf("the slide's code %q is not of %s: %v", codes[found], ses.Event.ID, err)
		}
	}
}

func TestTheSignInSlideRenewsItsCode(t *testing.T) {
	k := newKiosk(t, small)
	if err := k.store.SetHubEnrolment(context.Background(), sqlite.Enrolment{HubURL: "http://127.0.0.1:8443", Token: "t", SiteID: "xiaodian"}); err != nil {
		t.Fatal(err)
	}
	k.openSession()
	k.idle(DefaultIdle)
	a := k.attract()
	for a != nil && a.signIn == nil && a.round == 0 {
		k.idle(time.Second)
	}
	if a == nil || a.signIn == nil {
		t.Fatal("the loop shows no sign-in slide")
	}
	first := k.qrCode()
	// Move to just before the next slot, then into it, within the slide.
	for token.SlotOf(k.now.Add(time.Second)) == token.SlotOf(*k.now) {
		*k.now = k.now.Add(time.Second)
	}
	a.start = *k.now // the slide stays up for its time from here
	k.idle(time.Second)
	if a.signIn == nil {
		t.Fatal("the sign-in slide went before its time")
	}
	if got := k.qrCode(); got == first || got == "" {
		t.Errorf("the code on the slide was not renewed in the next slot: %q", got)
	}
}

func TestTheLoopShowsNoSignInCodeWithoutAHub(t *testing.T) {
	k := newKiosk(t, small)
	k.openSession()
	texts, codes := k.roundOfTheLoop()
	for i := range codes {
		if codes[i] != "" || strings.Contains(texts[i], "扫码签到") {
			t.Errorf("slide %d shows a sign-in code without a hub: %q", i, texts[i])
		}
	}
	if len(texts) == 0 {
		t.Fatal("the loop showed no slides")
	}
}

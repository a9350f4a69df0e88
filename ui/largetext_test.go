package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestLargeTextToggle(t *testing.T) {
	k := newKiosk(t, small)
	k.mustShow("标准", "大字")
	if k.button("大字").Importance == k.button("标准").Importance {
		t.Error("the choice does not show which size is on")
	}
	base, button := theme.TextSize(), k.button("标准").MinSize()
	k.tap("大字")
	k.shell.Wait()
	if got := theme.TextSize(); got != base*largeTextScale {
		t.Errorf("large text: text size %v, want %v", got, base*largeTextScale)
	}
	if _, ok := k.screen().(*homeScreen); !ok {
		t.Errorf("after the toggle the kiosk shows %T", k.screen())
	}
	k.mustFit("home in large text")
	if got := k.button("标准").MinSize(); got.Width <= button.Width || got.Height < button.Height {
		t.Errorf("a button needs %v in large text, %v in standard text", got, button)
	}
	if v, err := k.store.Setting(context.Background(), settingLargeText, ""); err != nil || v != "1" {
		t.Errorf("kept setting %q, %v", v, err)
	}

	// A restarted kiosk keeps the size.
	win := test.NewTempWindow(t, nil)
	win.Resize(small)
	s := NewShell(win, Config{Catalog: k.store, SiteID: "xiaodian", Location: shanghai, CheckIn: k.shell.svc,
		Now: func() time.Time { return *k.now }})
	if !s.largeText() || theme.TextSize() != base*largeTextScale {
		t.Errorf("after a restart: large %v, text size %v", s.largeText(), theme.TextSize())
	}

	k.tap("标准")
	k.shell.Wait()
	if got := theme.TextSize(); got != base {
		t.Errorf("standard text: text size %v, want %v", got, base)
	}
	if v, _ := k.store.Setting(context.Background(), settingLargeText, ""); v != "0" {
		t.Errorf("kept setting %q after 标准", v)
	}
}

func TestLargeTextFitsEveryScreen(t *testing.T) {
	k := newKiosk(t, small)
	k.tap("大字")
	k.shell.Wait()
	fits := func(screen string, taps ...string) {
		t.Helper()
		k.shell.Home()
		for _, label := range taps {
			k.tap(label)
			k.shell.Wait()
		}
		k.mustFit(screen + " in large text")
	}
	fits("home")
	fits("check-in", "签到 / 签退")
	fits("phone keypad", "签到 / 签退", "忘带签到码？用手机号签到")
	fits("registration keypad", "登记 / 领取签到码")
	fits("events", "活动安排")
	fits("events, upcoming", "活动安排", "近期")
	fits("event detail", "活动安排", "文明实践开放日")
	fits("honour wall", "光荣榜")
	fits("honour detail", "光荣榜", "赵海生")
	fits("teams", "志愿服务队")
	fits("about", "关于中心")
	fits("about, principles", "关于中心", "工作理念")

	code := k.register(testPhone)
	k.mustFit("pass in large text")
	k.shell.Home()
	k.at(11, 30)
	k.scan(code)
	k.mustShow("签到成功")
	k.mustFit("success in large text")

	k.shell.Home()
	k.shell.Show(newLeaveScreen(k.shell, func() {}))
	k.mustFit("PIN prompt in large text")

	k.shell.Home()
	k.shell.activity()
	k.idle(DefaultIdle)
	a := k.attract()
	if a == nil {
		t.Fatalf("no attract loop: %T", k.screen())
	}
	for i := range len(a.slides) {
		k.mustFit(fmt.Sprintf("attract slide %d in large text", i))
		k.idle(slideTime)
	}
}

func TestCheckOutByPhoneFits(t *testing.T) {
	for _, language := range []string{"zh-CN", "en"} {
		if err := UseLanguage(language); err != nil {
			t.Fatal(err)
		}
		for _, large := range []bool{false, true} {
			k := newKiosk(t, small)
			k.shell.setLargeText(large)
			if _, err := k.svc.Register(context.Background(), testPhone, "", ""); err != nil {
				t.Fatal(err)
			}
			k.at(11, 30)
			k.tap(lang.L("home.attend"))
			k.tap(lang.L("attend.phone"))
			k.dial(testPhone)
			k.mustShow(lang.L("result.in"))
			k.shell.Home()
			k.at(13, 5)
			k.tap(lang.L("home.attend"))
			k.tap(lang.L("attend.phone"))
			k.dial(testPhone)
			name := fmt.Sprintf("check-out by phone (%s, large text %v)", language, large)
			k.mustShow(lang.L("result.out"), serviceTime(95*60_000))
			k.mustFit(name)
			k.tap(lang.L("nav.back"))
			k.mustFit(name + ", then back")
		}
	}
	if err := UseLanguage("zh-CN"); err != nil {
		t.Fatal(err)
	}
}

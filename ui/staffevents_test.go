package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// event reads the event id from the kiosk's store.
func (k *kiosk) event(id string) data.Event {
	k.t.Helper()
	ev, err := k.store.Event(context.Background(), id)
	if err != nil {
		k.t.Fatal(err)
	}
	return ev
}

// openEvents enters staff mode and opens 活动管理 on the event titled title.
func (k *kiosk) openEvents(title string) {
	k.t.Helper()
	k.signIn()
	k.tap("活动管理")
	k.mustFit("活动管理")
	k.tapOnPage(title)
}

func TestEventCancelAndRestore(t *testing.T) {
	k := newKiosk(t, small)
	k.openEvents("太极拳班")
	k.tapButton("取消活动")
	k.tapButton("确定取消活动")
	if !k.event("taiji").Cancelled {
		t.Fatal("太极拳班 is not cancelled")
	}
	k.mustShow("活动已取消。", "已取消", "恢复活动")
	k.tapButton("恢复活动")
	if k.event("taiji").Cancelled {
		t.Fatal("太极拳班 is still cancelled")
	}
	k.mustShow("活动已恢复。", "取消活动")
}

func TestEventCancelAsksAboutTheEventInSight(t *testing.T) {
	k := newKiosk(t, small)
	k.scanInto(k.pass("13800138000"), "hechang", data.In)
	k.scanInto(k.pass("13900139000"), "hechang", data.In)
	k.signIn()
	k.tap("活动管理")
	if k.exactButton("取消活动").Disabled() {
		t.Fatal("no event is selected at first")
	}
	for !k.exactButton("下一页").Disabled() {
		k.tapButton("下一页")
	}
	if !k.exactButton("取消活动").Disabled() {
		t.Error("取消活动 still acts on the event selected on another page")
	}
	k.mustShow("请在左边点选一个活动。")

	k.tapOnPage("合唱团排练")
	page := k.pageStatus()
	k.tapButton("取消活动")
	k.mustShow("确定取消活动「合唱团排练」吗？", "每周三", "11月25日 周三 09:00–11:00 这一场已签到 2 人。")
	k.mustFit("取消活动 confirmation")
	if k.event("hechang").Cancelled {
		t.Fatal("合唱团排练 is cancelled before staff confirm it")
	}
	k.tapButton("取消")
	if k.event("hechang").Cancelled || k.pageStatus() != page {
		t.Fatalf("取消 cancelled the event or left the page: %q", k.texts())
	}
	k.tapButton("取消活动")
	k.tapButton("确定取消活动")
	if !k.event("hechang").Cancelled {
		t.Fatal("合唱团排练 is not cancelled")
	}
	k.mustShow("活动已取消。", "合唱团排练")
	if k.exactButton("恢复活动").Disabled() {
		t.Error("the cancelled event is not selected")
	}
}

func TestEventListTodayFirstThenNextSessions(t *testing.T) {
	k := newKiosk(t, small)
	k.signIn()
	k.tap("活动管理")
	if first, _ := k.find("文明实践开放日"); first == nil {
		t.Errorf("page 1 does not show today's 文明实践开放日 (under way since 08:00): %q", k.texts())
	}
	pages := strings.Join(k.allPages(), "\n")
	// Under way today, later today, tomorrow, next Tuesday (weekly, first
	// held in October), in 40 days, then over and cancelled.
	order := []string{"文明实践开放日", "合唱团排练", "老年餐厅爱心送餐", "门前三包文明劝导", "法治讲座：防范电信网络诈骗",
		"太极拳班", "过年来小店", "背街小巷清洁行动", "民法典宣讲", "中秋情浓意更浓"}
	at := -1
	for _, title := range order {
		i := strings.Index(pages, title)
		if i < at {
			t.Errorf("%s is listed before the events it should follow: %q", title, pages)
		}
		at = i
	}
	if i, j := strings.Index(pages, "社区露天电影"), strings.Index(pages, "过年来小店"); i < j {
		t.Errorf("the cancelled 社区露天电影 comes before upcoming events")
	}
}

func TestEventFormWeekdaysOnlyForWeekly(t *testing.T) {
	k := newKiosk(t, small)
	k.openEvents("法治讲座")
	k.tapButton("修改时间和名额")
	if k.shownButton("周五") != nil {
		t.Error("a one-off event shows the weekday buttons")
	}
	k.tapButton("每周重复")
	k.tapButton("周五")
	k.mustShow("周五")
	k.tapButton("单次活动")
	if k.shownButton("周五") != nil {
		t.Error("the weekday buttons stay after 单次活动")
	}
	k.mustFit("修改活动")
}

func TestEventCopyAsNewWeekly(t *testing.T) {
	k := newKiosk(t, small)
	k.openEvents("太极拳班")
	k.tapButton("复制为新活动")
	k.mustFit("新活动")
	k.mustShow("太极拳班", "2026年11月25日 周三", "08:30–10:00")
	k.tapButton("+1天")
	k.tapButton("推后半小时")
	k.tapButton("延长半小时")
	k.tapButton("每周重复")
	k.tapButton("周五")
	k.tapButton("名额 30 人")
	k.mustFit("设置名额")
	k.press("4", "5", "确定")
	k.mustShow("2026年11月27日 周五", "09:00–11:00", "名额 45 人")
	k.tapButton("换个地点")
	k.tapButton("保存")
	k.mustShow("已保存。")

	events, err := k.store.Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []data.Event
	for _, ev := range events {
		if ev.Title == "太极拳班" && ev.ID != "taiji" {
			got = append(got, ev)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d new 太极拳班 events, want 1", len(got))
	}
	ev := got[0]
	start := time.UnixMilli(ev.StartMS).In(shanghai)
	want := time.Date(2026, 11, 27, 9, 0, 0, 0, shanghai)
	if !start.Equal(want) || ev.EndMS-ev.StartMS != 2*time.Hour.Milliseconds() {
		t.Errorf("new event %v for %v, want %v for 2h", start, time.Duration(ev.EndMS-ev.StartMS)*time.Millisecond, want)
	}
	if !ev.Weekly || ev.Capacity != 45 || ev.Cancelled || ev.UntilMS != 0 || ev.SiteID != "wenhuayuan" {
		t.Errorf("new event %+v", ev)
	}
	if ev.Place == k.event("taiji").Place {
		t.Errorf("place not changed: %q", ev.Place)
	}
	if k.event("taiji").Capacity != 30 {
		t.Error("the copy changed the original")
	}
	// The weekly class shows on the public events of next Friday.
	if s := ev.Sessions(want.AddDate(0, 0, 7).UnixMilli(), want.AddDate(0, 0, 8).UnixMilli(), shanghai); len(s) != 1 {
		t.Errorf("%d sessions a week later, want 1", len(s))
	}
}

func TestEventEditTimeOnKeypad(t *testing.T) {
	k := newKiosk(t, small)
	k.openEvents("太极拳班")
	before := k.event("taiji")
	k.tapButton("修改时间和名额")
	k.mustFit("修改活动")
	k.tapButton("输入开始时间")
	k.mustFit("输入开始时间")
	k.press("2", "5")
	if !k.key("确定").Disabled() {
		t.Error("确定 accepts 25")
	}
	k.press("清空", "1", "4", "3", "0", "确定")
	k.tapButton("名额 30 人")
	k.press("清空", "0", "确定")
	k.mustShow("14:30–16:00", "名额不限")
	k.tapButton("保存")
	ev := k.event("taiji")
	start := time.UnixMilli(ev.StartMS).In(shanghai)
	if start.Hour() != 14 || start.Minute() != 30 || ev.EndMS-ev.StartMS != before.EndMS-before.StartMS {
		t.Errorf("edited event starts %v and lasts %v", start, time.Duration(ev.EndMS-ev.StartMS)*time.Millisecond)
	}
	if daysBetween(time.UnixMilli(before.StartMS).In(shanghai), start) != 0 || ev.Capacity != 0 || !ev.Weekly {
		t.Errorf("edited event %+v", ev)
	}
}

func TestImportContentFromUSB(t *testing.T) {
	k := newKiosk(t, small)
	usb := filepath.Join(t.TempDir(), "media", "kiosk")
	stick := filepath.Join(usb, "STICK")
	if err := os.MkdirAll(stick, 0o755); err != nil {
		t.Fatal(err)
	}
	good := "events:\n  - id: yuedu\n    site: xiaodian\n    title: 亲子阅读会\n    date: 2026-12-05\n    time: \"09:30-11:00\"\n    place: 图书馆\n"
	bad := "events:\n  - id: yuedu\n    site: nowhere\n    title: 亲子阅读会\n    date: 2026-13-05\n    time: \"09:30-11:00\"\n"
	for name, src := range map[string]string{"good.yaml": good, "bad.yml": bad, "notes.txt": "x"} {
		if err := os.WriteFile(filepath.Join(stick, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	k.shell.staff.opts.MediaRoots = []string{filepath.Join(usb, "*")}
	k.openEvents("太极拳班")
	k.tapButton("从U盘导入内容")
	k.mustFit("从U盘导入内容")
	k.mustShow("good.yaml", "bad.yml")
	k.mustNotShow("notes.txt")
	if !k.exactButton("导入").Disabled() {
		t.Error("导入 is enabled before a file is checked")
	}

	k.tap("bad.yml")
	k.mustShow("文件未导入", "第 3 行：", "第 5 行：")
	if !k.exactButton("导入").Disabled() {
		t.Error("导入 is enabled for a bad file")
	}
	k.mustFit("problems")

	k.tap("good.yaml")
	k.mustShow("可以导入", "活动 1 个")
	k.tapButton("导入")
	k.mustShow("已导入")
	if ev := k.event("yuedu"); ev.Title != "亲子阅读会" || ev.Place != "图书馆" {
		t.Errorf("imported %+v", ev)
	}
	k.tapButton("返回")
	k.tapOnPage("亲子阅读会")
	for _, s := range k.texts() {
		if strings.Contains(s, "亲子阅读会") && strings.Contains(s, "12月5日") {
			return
		}
	}
	t.Errorf("the list does not show the imported event: %q", k.texts())
}

// TestEventsOfOtherSitesAreReadOnly: on a kiosk enrolled for a station, the
// centre's event cannot be changed or cancelled (its hub would refuse it),
// and a copy of it is the station's.
func TestEventsOfOtherSitesAreReadOnly(t *testing.T) {
	k := newKiosk(t, small)
	if err := k.store.SetHubEnrolment(context.Background(), sqlite.Enrolment{HubURL: "http://127.0.0.1:8443", Token: "t",
		SiteID: "yongkangbeilu"}); err != nil {
		t.Fatal(err)
	}
	k.openEvents("文明实践开放日")
	k.mustShow("这是其他站点的活动，本机不能修改或取消，可以复制为本站点的新活动。")
	if !k.exactButton("取消活动").Disabled() || !k.exactButton("修改时间和名额").Disabled() {
		t.Fatal("the centre's event can be changed on a station's kiosk")
	}
	k.tapButton("复制为新活动")
	k.mustFit("新活动")
	k.tapButton("保存")
	k.mustShow("已保存。")
	events, err := k.store.Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var copies []data.Event
	for _, ev := range events {
		if ev.Title == "文明实践开放日" && ev.ID != "kaifangri" {
			copies = append(copies, ev)
		}
	}
	if len(copies) != 1 || copies[0].SiteID != "yongkangbeilu" {
		t.Fatalf("copies %+v, want one at yongkangbeilu", copies)
	}
	if k.event("kaifangri").Cancelled {
		t.Fatal("the centre's event changed")
	}
}

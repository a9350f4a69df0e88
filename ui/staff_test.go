package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// staffPIN is the staff member's PIN in the staff tests.
const staffPIN = "2468"

// holdLogo holds a finger on the home screen's logo for d.
func (k *kiosk) holdLogo(d time.Duration) {
	k.t.Helper()
	var lp *longPress
	visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) bool {
		if l, ok := o.(*longPress); ok {
			lp = l
		}
		return lp == nil
	})
	if lp == nil {
		k.t.Fatalf("no long-press area on screen: %q", k.texts())
	}
	lp.MouseDown(&desktop.MouseEvent{})
	*k.now = k.now.Add(d)
	lp.MouseUp(&desktop.MouseEvent{})
	test.Tap(lp)
}

// typePIN taps the digits of pin and 确定 on the keypad, and waits.
func (k *kiosk) typePIN(pin string) {
	k.t.Helper()
	for _, d := range pin {
		k.press(string(d))
	}
	k.press("确定")
	k.shell.Wait()
}

// addStaff gives the kiosk a staff member 王老师 with staffPIN.
func (k *kiosk) addStaff() {
	k.t.Helper()
	if _, _, err := k.store.SetPIN(context.Background(), "王老师", staffPIN, k.now.UnixMilli()); err != nil {
		k.t.Fatal(err)
	}
}

// signIn enters staff mode as 王老师 from the home screen.
func (k *kiosk) signIn() {
	k.t.Helper()
	k.addStaff()
	k.shell.Home()
	k.holdLogo(longPressTime)
	k.typePIN(staffPIN)
	if !k.shell.inStaffMode() {
		k.t.Fatalf("not in staff mode after the PIN: %q", k.texts())
	}
}

// exactButton returns the button labelled exactly label.
func (k *kiosk) exactButton(label string) *tapButton {
	k.t.Helper()
	b := k.shownButton(label)
	if b == nil {
		k.t.Fatalf("no button %q on screen: %q", label, k.texts())
	}
	return b
}

// shownButton returns the button labelled exactly label on screen, or nil.
func (k *kiosk) shownButton(label string) *tapButton {
	var b *tapButton
	visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) bool {
		if tb, ok := o.(*tapButton); ok && tb.Text == label && b == nil {
			b = tb
		}
		return b == nil
	})
	return b
}

// tapButton taps the button labelled exactly label.
func (k *kiosk) tapButton(label string) {
	k.t.Helper()
	test.Tap(k.exactButton(label))
}

// tapOnPage taps the text containing s on whichever page of the screen's
// list shows it, looking from the first page on.
func (k *kiosk) tapOnPage(s string) {
	k.t.Helper()
	for !k.shows(s) && k.pageStatus() != "" && !k.exactButton("上一页").Disabled() {
		k.tapButton("上一页")
	}
	for !k.shows(s) && k.pageStatus() != "" && !k.exactButton("下一页").Disabled() {
		k.tapButton("下一页")
	}
	k.tap(s)
}

// pass registers phone and returns the visitor's pass code.
func (k *kiosk) pass(phone string) string {
	k.t.Helper()
	reg, err := k.svc.Register(context.Background(), phone, "", "")
	if err != nil {
		k.t.Fatal(err)
	}
	return reg.Code
}

// scanInto checks the holder of code in or out of eventID at the kiosk's
// clock, as a scan on the event's page would.
func (k *kiosk) scanInto(code, eventID string, want data.Direction) {
	k.t.Helper()
	res, err := k.svc.Scan(context.Background(), code, checkin.Target{Event: eventID})
	if err != nil || res.Outcome != data.Accepted || res.Direction != want {
		k.t.Fatalf("scan into %s: %+v, %v; want %s accepted", eventID, res, err, want)
	}
}

func TestFirstRunSetsThePIN(t *testing.T) {
	k := newKiosk(t, small)
	k.holdLogo(time.Second) // too short
	if _, ok := k.screen().(*homeScreen); !ok {
		t.Fatalf("a short press opened %T", k.screen())
	}
	k.holdLogo(longPressTime)
	k.mustShow("设置工作人员密码", "本机还没有工作人员密码")
	k.mustFit("first PIN")
	for _, weak := range []string{"0000", "1234", "98765"} {
		k.typePIN(weak)
		k.mustShow("密码太容易被猜到", "本机还没有工作人员密码")
		k.mustNotShow("请再输入一次同样的密码")
	}
	k.mustFit("weak first PIN")
	k.typePIN("1357")
	k.mustShow("请再输入一次同样的密码")
	k.mustNotShow("1357")
	k.typePIN("1358")
	k.mustShow("两次输入的密码不一样", "本机还没有工作人员密码")
	k.typePIN("1357")
	k.typePIN("1357")
	k.mustShow("工作人员", "今日", "补录 / 手动签到", "访客与签到码", "导出", "同步", "退出")
	k.mustFit("staff home")
	has, err := k.store.HasStaff(context.Background())
	if err != nil || !has {
		t.Fatalf("HasStaff after the first PIN: %v, %v", has, err)
	}
	if _, err := k.store.StaffByName(context.Background(), "管理员"); err != nil {
		t.Fatalf("the first staff member is not named 管理员: %v", err)
	}

	k.tapButton("退出")
	if _, ok := k.screen().(*homeScreen); !ok || k.shell.inStaffMode() {
		t.Fatalf("退出 left %T, staff mode %v", k.screen(), k.shell.inStaffMode())
	}
	k.holdLogo(3 * time.Second)
	k.mustShow("工作人员登录", "请输入工作人员密码")
	k.typePIN("1357")
	k.mustShow("管理员，您好。请选择要做的事")
}

func TestWrongPINAndLockout(t *testing.T) {
	k := newKiosk(t, small)
	k.addStaff()
	k.holdLogo(longPressTime)
	k.mustShow("工作人员登录")
	k.mustFit("PIN")
	if !k.key("确定").Disabled() {
		t.Error("确定 is enabled with no PIN")
	}
	k.press("1", "2", "3")
	k.mustShow("● ● ●")
	k.mustNotShow("123")
	if !k.key("确定").Disabled() {
		t.Error("确定 is enabled for 3 digits")
	}
	k.press("清空")
	for left := 4; left >= 1; left-- {
		k.typePIN("0000")
		k.mustShow("密码不正确，还可以再试 " + string(rune('0'+left)) + " 次")
	}
	k.typePIN("0000") // the fifth wrong PIN
	k.mustShow("密码错误次数过多，已锁定，请在 10:05 后再试")
	k.typePIN(staffPIN) // right, but locked
	k.mustShow("已锁定")
	if k.shell.inStaffMode() {
		t.Fatal("a locked kiosk opened staff mode")
	}

	// The lock shows when the prompt opens again, and ends on time.
	k.shell.Home()
	k.holdLogo(longPressTime)
	k.mustShow("请在 10:05 后再试")
	*k.now = k.now.Add(5 * time.Minute)
	k.shell.Home()
	k.holdLogo(longPressTime)
	k.mustNotShow("已锁定")
	k.typePIN(staffPIN)
	k.mustShow("王老师，您好")
}

func TestStaffCardOpensThePIN(t *testing.T) {
	k := newKiosk(t, small)
	k.addStaff()
	ctx := context.Background()
	m, err := k.store.StaffByName(ctx, "王老师")
	if err != nil {
		t.Fatal(err)
	}
	card, _, err := k.svc.StaffCardCode(ctx, m.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	k.scan(card)
	k.mustShow("王老师，请输入您的密码")
	if len(k.checkInsAll()) != 0 {
		t.Error("a staff card was recorded as a check-in")
	}
	k.typePIN(staffPIN)
	k.mustShow("王老师，您好")

	// A visitor's pass still checks in.
	k.tapButton("退出")
	code := k.pass(testPhone)
	k.at(11, 30)
	k.scan(code)
	k.mustShow("签到成功")
}

// checkInsAll returns every record stored.
func (k *kiosk) checkInsAll() []data.CheckIn {
	k.t.Helper()
	recs, err := k.store.CheckIns(context.Background(), sqlite.CheckInFilter{})
	if err != nil {
		k.t.Fatal(err)
	}
	return recs
}

func TestStaffModeEndsWhenIdle(t *testing.T) {
	k := newKiosk(t, small)
	k.signIn()
	k.tap("今日")
	*k.now = k.now.Add(2 * time.Minute)
	k.shell.tick()
	if !k.shell.inStaffMode() {
		t.Fatal("staff mode ended after 2 idle minutes")
	}
	k.tapButton("返回") // a tap starts the idle time again
	*k.now = k.now.Add(2*time.Minute + 59*time.Second)
	k.shell.tick()
	if _, ok := k.screen().(*staffHome); !ok || !k.shell.inStaffMode() {
		t.Fatalf("staff mode ended before 3 idle minutes: %T", k.screen())
	}
	*k.now = k.now.Add(time.Second)
	k.shell.tick()
	if k.shell.inStaffMode() {
		t.Fatal("staff mode still on after 3 idle minutes")
	}
	for _, h := range k.shell.history {
		if _, ok := h.screen.(staffScreen); ok {
			t.Errorf("a staff screen (%T) is still open", h.screen)
		}
	}
	k.mustNotShow("王老师")

	// Staff mode also ends when its screens are left some other way.
	k.signIn()
	k.shell.Home()
	k.shell.tick()
	if k.shell.inStaffMode() {
		t.Error("staff mode goes on with no staff screen open")
	}
}

func TestTodayRoster(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		a, b := k.pass(testPhone), k.pass("13900139000")
		k.at(9, 5)
		k.scanInto(a, "hechang", data.In)
		k.scanInto(b, "hechang", data.In)
		k.at(9, 50)
		k.scanInto(b, "hechang", data.Out)
		k.at(10, 0)
		k.signIn()
		k.tap("今日")
		k.tapOnPage("合唱团排练")
		k.mustShow("签到 2 人，在场 1 人", "138****8000", "139****9000", "09:50 签退", "在场",
			"已签到", "已签退", "名额", "不限", "近28天每日签到人数（最多 2 人）", "10月29日 周四", "11月25日 周三")
		k.mustNotShow(testPhone, "13900139000")
		k.mustFit("today")

		// A new scan shows within seconds.
		k.scanInto(a, "hechang", data.Out)
		*k.now = k.now.Add(rosterEvery)
		k.shell.tick()
		k.mustShow("签到 2 人，在场 0 人", "10:00 签退")
	}
}

func TestManualCheckOutIsBackfilled(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		code := k.pass(testPhone)
		k.at(9, 5)
		k.scanInto(code, "hechang", data.In)
		k.at(11, 30) // the choir ended at 11:00 and they forgot to check out
		k.signIn()
		k.tap("补录 / 手动签到")
		k.mustShow("输入访客的手机号")
		k.mustFit("find")
		k.typePIN("8000")
		k.mustShow("找到 1 位访客", "138****8000", "签到码有效", "最近签到 09:05")
		k.tap("138****8000")
		k.mustShow("选择活动", "时间：现在 11:30", "确定签到")
		k.mustFit("manual")
		k.tapOnPage("合唱团排练")
		k.tapButton("签退")
		k.tapButton("活动结束时")
		k.mustShow("时间：11:00（补录）", "确定签退")
		k.tapButton("−10分钟")
		k.tapButton("−1分钟")
		k.mustShow("时间：10:49（补录）")
		k.tapButton("确定签退")
		k.shell.Wait()
		k.mustShow("已签退：合唱团排练，10:49 · 补录")
		k.mustFit("manual done")

		r, err := k.store.Roster(context.Background(), "hechang", time.Date(2026, 11, 25, 9, 0, 0, 0, shanghai).UnixMilli())
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Entries) != 1 || !r.Entries[0].Backfilled || r.Entries[0].OutMethod != data.MethodStaff ||
			r.Entries[0].Staff != "王老师" || r.Entries[0].Inside {
			t.Errorf("roster after the manual check-out: %+v", r.Entries)
		}

		// Errors are said plainly.
		k.tapButton("确定签退")
		k.shell.Wait()
		k.mustShow("这位访客已经签退了。")
		k.tapButton("+1小时")
		k.tapButton("+1小时")
		k.mustShow("时间：现在 11:30")
	}
}

func TestManualPresetsWaitForTheSession(t *testing.T) {
	k := newKiosk(t, small)
	k.pass(testPhone)
	k.signIn()
	k.tap("补录 / 手动签到")
	k.typePIN("8000")
	k.tap("138****8000")
	k.tapOnPage("合唱团排练") // 09:00–11:00, under way at 10:00
	k.tapButton("签退")
	if !k.exactButton("活动结束时").Disabled() || k.exactButton("活动开始时").Disabled() {
		t.Error("活动结束时 is enabled before the end, or 活动开始时 is disabled after the start")
	}
	k.mustShow("这场活动 11:00 结束，到时才能选「活动结束时」。现在签退，请点「现在」。", "时间：现在 10:00")
	k.mustFit("manual, session under way")
	k.tapOnPage("门前三包文明劝导") // 16:00–17:30
	if !k.exactButton("活动开始时").Disabled() {
		t.Error("活动开始时 is enabled before the start")
	}
	k.mustShow("这场活动 16:00 开始")
	k.at(10, 59)
	k.tapOnPage("合唱团排练")
	k.at(11, 0)
	k.shell.tick()
	if k.exactButton("活动结束时").Disabled() {
		t.Error("活动结束时 stays disabled after the end")
	}
	k.mustNotShow("到时才能选")
}

func TestVisitorLineMarksAnAutomaticCheckOut(t *testing.T) {
	k := newKiosk(t, small)
	code := k.pass(testPhone)
	k.at(9, 5)
	k.scanInto(code, "hechang", data.In)
	k.at(11, 30)
	if n, err := k.svc.CloseEnded(context.Background()); err != nil || n != 1 {
		t.Fatalf("CloseEnded = %d, %v", n, err)
	}
	k.signIn()
	k.tap("补录 / 手动签到")
	k.typePIN("8000")
	k.mustShow("最近签退 11:00（自动签退）")
	k.mustNotShow("最近签到 11:00")
}

func TestRevokeReissueAndDelete(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		old := k.pass(testPhone)
		k.signIn()
		k.tap("访客与签到码")
		k.typePIN(testPhone)
		k.tap("138****8000")
		k.mustShow("138****8000", "签到码有效", "挂失", "补发", "删除")
		k.mustFit("visitor")
		k.tapButton("挂失")
		k.shell.Wait()
		k.mustShow("已挂失，作废 1 个签到码", "没有有效签到码")

		k.tapButton("退出")
		k.at(11, 30)
		k.scan(old)
		k.mustShow("未能签到", "这个签到码已作废")

		k.shell.Home()
		k.holdLogo(longPressTime)
		k.typePIN(staffPIN)
		k.tap("访客与签到码")
		k.typePIN("8000")
		k.tap("138****8000")
		k.tapButton("补发")
		k.shell.Wait()
		k.mustShow("已补发新的签到码", "签到码有效")
		k.mustFit("re-issued")
		fresh := k.qrView().code
		if fresh == "" || fresh == old {
			t.Fatalf("re-issue shows %q (old %q)", fresh, old)
		}

		k.tapButton("删除")
		k.mustShow("确定按本人要求删除访客 138****8000 的个人信息吗？", "删除后不能恢复")
		k.mustFit("delete")
		k.tapButton("取消")
		k.tapButton("删除")
		k.tapButton("确定删除")
		k.shell.Wait()
		k.mustShow("已删除。保留 1 条签到记录")
		k.mustNotShow("138****8000")
		if !k.exactButton("补发").Disabled() {
			t.Error("补发 is enabled for a deleted visitor")
		}
		if _, err := k.store.VisitorByPhone(context.Background(), testPhone); err == nil {
			t.Error("the deleted visitor is still found by phone")
		}
		k.tapButton("退出")
		k.scan(fresh)
		k.mustShow("未能签到")
	}
}

// readCSV reads an exported CSV file after its BOM.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(b, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatalf("%s does not start with a BOM", path)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportFoldersNameSticksOnce(t *testing.T) {
	k := newKiosk(t, small)
	media := filepath.Join(t.TempDir(), "media", "kiosk")
	for _, name := range []string{"U盘", "KINGSTON", "USB DISK"} {
		if err := os.MkdirAll(filepath.Join(media, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	k.shell.staff.opts.MediaRoots = []string{filepath.Join(media, "*")}
	k.signIn()
	k.tap("导出")
	pages := strings.Join(k.allPages(), "\n")
	for _, want := range []string{"U盘 KINGSTON" + filepath.Join(media, "KINGSTON"), "\nU盘" + filepath.Join(media, "U盘"),
		"USB DISK" + filepath.Join(media, "USB DISK")} {
		if !strings.Contains("\n"+pages, want) {
			t.Errorf("the folders do not show %q: %q", want, pages)
		}
	}
	if strings.Contains(pages, "U盘 U盘") || strings.Contains(pages, "U盘 USB") {
		t.Errorf("a stick is named U盘 twice: %q", pages)
	}
}

func TestTeamPassesInstructionIsNeutral(t *testing.T) {
	k := newKiosk(t, small)
	k.signIn()
	k.tap("团队出入证")
	o, _ := k.find("请选择团队")
	rt, ok := o.(*widget.RichText)
	if !ok {
		t.Fatalf("the instruction is %T", o)
	}
	if c := rt.Segments[0].(*widget.TextSegment).Style.ColorName; c != theme.ColorNameForeground {
		t.Errorf("the instruction is shown in %q, not the text colour", c)
	}
}

func TestExportToFolder(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		a, b := k.pass(testPhone), k.pass("13900139000")
		k.at(9, 5)
		k.scanInto(a, "hechang", data.In)
		k.scanInto(b, "hechang", data.In)
		k.at(9, 50)
		k.scanInto(b, "hechang", data.Out)
		k.scan("HELLO") // a refused scan is in the log too
		k.at(10, 0)
		k.signIn()
		k.tap("导出")
		k.mustShow("保存到", "本机导出文件夹", k.exports, "本月", "上月", "最近7天", "考勤记录", "服务时长", "CSV", "XLSX")
		k.mustFit("export")
		k.tapButton("开始导出")
		k.shell.Wait()
		path := filepath.Join(k.exports, "考勤记录_20261101-20261130.csv")
		k.mustShow("已导出 4 行，文件保存在：", path)
		k.mustFit("export done")
		rows := readCSV(t, path)
		if len(rows) != 1+4 {
			t.Errorf("%s has %d rows, want a header and 4 records", path, len(rows))
		}
		for _, r := range rows {
			if strings.Contains(strings.Join(r, ","), testPhone) {
				t.Errorf("a full phone number was exported: %q", r)
			}
		}

		k.tapButton("服务时长")
		k.tapButton("最近7天")
		k.tapButton("开始导出")
		k.shell.Wait()
		hours := filepath.Join(k.exports, "服务时长_按人_20261119-20261125.csv")
		k.mustShow(hours)
		if rows := readCSV(t, hours); len(rows) != 1+2 {
			t.Errorf("%s has %d rows, want a header and 2 visitors", hours, len(rows))
		}
	}
}

func TestExportFailureLeavesNoFile(t *testing.T) {
	k := newKiosk(t, small)
	usb := filepath.Join(t.TempDir(), "media", "kiosk")
	stick := filepath.Join(usb, "STICK")
	if err := os.MkdirAll(stick, 0o755); err != nil {
		t.Fatal(err)
	}
	k.shell.staff.opts.MediaRoots = []string{filepath.Join(usb, "*")}
	k.signIn()
	k.tap("导出")
	k.mustShow("U盘 STICK", stick, "本机导出文件夹")
	if err := os.Remove(stick); err != nil { // pulled out
		t.Fatal(err)
	}
	k.tapButton("开始导出")
	k.shell.Wait()
	k.mustShow("导出失败：找不到这个文件夹，U盘可能已拔出。没有保存任何文件。")
	if _, err := os.Stat(stick); err == nil {
		t.Error("the export made the stick's folder")
	}
	k.shell.tick()
	k.mustNotShow("U盘 STICK")
}

// startSync runs a sync loop on the kiosk's store and shows it on the
// kiosk; it returns the loop, and a channel that receives its changes.
func (k *kiosk) startSync() (*hubsync.Syncer, chan struct{}) {
	k.t.Helper()
	changed := make(chan struct{}, 1)
	s := hubsync.NewSyncer(k.store, hubsync.ClientOptions{RunClock: k.svc.RunClock, HTTP: &http.Client{Timeout: 5 * time.Second}},
		hubsync.LoopOptions{Interval: 50 * time.Millisecond, MinBackoff: 10 * time.Millisecond,
			MaxBackoff: 40 * time.Millisecond, PendingEvery: 10 * time.Millisecond,
			OnChange: func(hubsync.Status) {
				select {
				case changed <- struct{}{}:
				default:
				}
			}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	k.t.Cleanup(func() { cancel(); <-done })
	k.shell.hub.src = s
	return s, changed
}

// waitSync waits until the loop's status is as ok wants, then shows it on
// the kiosk.
func (k *kiosk) waitSync(s *hubsync.Syncer, changed chan struct{}, what string, ok func(hubsync.Status) bool) {
	k.t.Helper()
	deadline := time.After(20 * time.Second)
	for !ok(s.Status()) {
		select {
		case <-changed:
		case <-deadline:
			k.t.Fatalf("timed out waiting for %s: %+v", what, s.Status())
		}
	}
	k.shell.showSync()
}

func TestSyncBadgeOffline(t *testing.T) {
	k := newKiosk(t, small)
	k.mustNotShow("离线", "在线") // no hub: no badge
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	if err := k.store.SetHubEnrolment(context.Background(), sqlite.Enrolment{HubURL: down, Token: "t", SiteID: "xiaodian"}); err != nil {
		t.Fatal(err)
	}
	a, b := k.pass(testPhone), k.pass("13900139000")
	k.at(9, 5)
	k.scanInto(a, "hechang", data.In)
	k.scanInto(b, "hechang", data.In)
	k.at(10, 0)
	s, changed := k.startSync()
	k.shell.Home()
	k.waitSync(s, changed, "offline with 2 pending", func(st hubsync.Status) bool {
		return st.Enrolled && !st.Online && st.Pending == 2 && st.LastError != ""
	})
	k.mustShow("离线 · 2 条待同步")
	k.mustFit("home with the badge")

	k.signIn()
	k.tap("同步")
	k.waitSync(s, changed, "still offline", func(st hubsync.Status) bool { return !st.Online })
	k.mustShow("离线", "2 条待同步", "上次同步：从未同步", "上次同步没有成功", "立即同步", "已加入中心平台："+down)
	k.mustFit("sync screen")
}

func TestSyncBadgeOnline(t *testing.T) {
	k := newKiosk(t, small)
	ctx := context.Background()
	hub, srv := testHub(t)
	code, _, err := hubsync.NewEnrolCode(ctx, hub, "xiaodian", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hubsync.Enrol(ctx, k.store, srv.URL, code, nil); err != nil {
		t.Fatal(err)
	}
	a := k.pass(testPhone)
	k.at(9, 5)
	k.scanInto(a, "hechang", data.In)
	k.at(10, 0)
	s, changed := k.startSync()
	k.shell.Home()
	k.waitSync(s, changed, "online with nothing pending", func(st hubsync.Status) bool {
		return st.Online && st.Pending == 0 && st.LastSyncMS != 0
	})
	k.mustShow("在线", " 已同步")
	k.mustNotShow("离线", "条待同步")
	k.mustFit("home with the badge")
}

func TestStaffScreensFit(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		k.signIn()
		k.mustFit("staff home")
		for _, tile := range []string{"今日", "导出", "同步"} {
			k.tap(tile)
			k.mustFit(tile)
			k.tapButton("返回")
		}
		k.tap("同步")
		k.mustShow("本机没有启用同步", "本机还没有加入中心平台", "kioskctl enrol --db "+k.store.Path())
	}
}

// fakeSync is a sync loop whose state the test sets.
type fakeSync struct {
	st    hubsync.Status
	kicks int
}

func (f *fakeSync) Status() hubsync.Status { return f.st }
func (f *fakeSync) SyncNow()               { f.kicks++ }

func TestSyncNowShowsTheBacklogDraining(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		f := &fakeSync{st: hubsync.Status{Enrolled: true, Pending: 2000, LastError: "dial tcp: connection refused"}}
		k.shell.hub.src = f
		k.signIn()
		k.tap("同步")
		k.mustShow("离线", "2000 条待同步", "上次同步没有成功", "connection refused")
		k.tapButton("立即同步")
		if f.kicks != 1 {
			t.Errorf("立即同步 asked for %d rounds", f.kicks)
		}
		f.st = hubsync.Status{Enrolled: true, Online: true, Syncing: true, Pending: 1500,
			Progress: hubsync.Progress{Sent: 500, Pending: 1500}, LastError: "dial tcp: connection refused"}
		k.shell.SyncChanged()
		k.mustShow("正在同步……", "1500 条待同步", "已上传 500 / 2000 条")
		k.mustNotShow("上次同步没有成功")
		var bar *widget.ProgressBar
		visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) bool {
			if b, ok := o.(*widget.ProgressBar); ok {
				bar = b
			}
			return bar == nil
		})
		if bar == nil || bar.Value != 0.25 || !bar.Visible() {
			t.Fatalf("progress bar %+v during the drain", bar)
		}
		k.mustFit("sync draining")
		f.st = hubsync.Status{Enrolled: true, Online: true, LastSyncMS: k.now.UnixMilli()}
		k.shell.SyncChanged()
		k.mustShow("在线", "0 条待同步", "上次同步：10:00")
		if bar.Visible() {
			t.Error("the progress bar stays after the drain")
		}
	}
}

func TestSyncNowOnAKioskNotJoinedSaysHowToJoin(t *testing.T) {
	k := newKiosk(t, small)
	f := &fakeSync{st: hubsync.Status{Pending: 3}}
	k.shell.hub.src = f
	k.signIn()
	k.tap("同步")
	k.mustShow("未加入中心平台", "还不能同步：本机还没有加入中心平台。请点「加入中心平台」")
	if !k.exactButton("立即同步").Disabled() {
		t.Error("立即同步 is enabled on a kiosk that has not joined a hub")
	}
	k.exactButton("加入中心平台")
	k.mustFit("sync screen, not joined")
	f.st = hubsync.Status{Enrolled: true, Online: true}
	k.shell.SyncChanged()
	k.mustNotShow("还不能同步")
	k.tapButton("立即同步")
	if f.kicks != 1 {
		t.Errorf("立即同步 asked for %d rounds once joined", f.kicks)
	}
}

func TestSyncShowsRejectedEdits(t *testing.T) {
	k := newKiosk(t, small)
	ctx := context.Background()
	f := &fakeSync{st: hubsync.Status{Enrolled: true, Online: true, LastSyncMS: k.now.UnixMilli()}}
	k.shell.hub.src = f
	k.signIn()
	k.tap("同步")
	k.mustShow("在线")
	k.mustNotShow("中心平台未接受")

	// Two edits come back rejected at the next round, for two reasons.
	evs, err := k.store.Events(ctx)
	if err != nil || len(evs) < 2 {
		t.Fatalf("events %d (%v)", len(evs), err)
	}
	var answers []sqlite.ContentAnswer
	for i, reason := range []string{hubsync.RejectForbidden + ": site", hubsync.RejectInvalid + ": title"} {
		if err := k.store.PutEvent(ctx, evs[i]); err != nil {
			t.Fatal(err)
		}
		answers = append(answers, sqlite.ContentAnswer{Kind: "event", ID: evs[i].ID, Rev: 1, Status: "rejected", Reason: reason})
	}
	if err := k.store.SetHonourHidden(ctx, "zhaohaisheng", true); err != nil {
		t.Fatal(err)
	}
	answers = append(answers, sqlite.ContentAnswer{Kind: "honour", ID: "zhaohaisheng", Rev: 1, Status: "rejected",
		Reason: hubsync.RejectForbidden + ": site"})
	if err := k.store.MarkContentSent(ctx, answers, k.now.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	f.st.LastSyncMS++
	k.shell.SyncChanged()
	// Each refused item is named, with why.
	k.mustShow("3 项修改中心平台未接受，仍按本机修改保留：\n" +
		"· 活动「" + evs[0].Title + "」：只能改本站及下属站点的内容\n" +
		"· 活动「" + evs[1].Title + "」：内容不完整或照片不合要求\n" +
		"· 光荣榜「赵海生」：只能改本站及下属站点的内容")
	k.mustFit("sync screen with rejected edits")
}

func TestALockedDownKioskNeverSetsTheFirstPIN(t *testing.T) {
	k := newKiosk(t, small)
	_, quits := k.lockDown()
	k.holdLogo(longPressTime)
	k.mustShow("kioskctl set-pin")
	if p, ok := k.screen().(*pinScreen); !ok || p.first {
		t.Fatalf("a long press at a locked-down kiosk shows %T (first-run prompt: %v)", k.screen(), ok && p.first)
	}
	k.typePIN("1357")
	k.typePIN("1357")
	if has, err := k.store.HasStaff(context.Background()); err != nil || has {
		t.Fatalf("HasStaff after PINs typed at a locked-down kiosk: %v, %v", has, err)
	}
	if k.shell.inStaffMode() || *quits != 0 {
		t.Fatalf("staff mode %v, kiosk closed %d times, without any PIN set", k.shell.inStaffMode(), *quits)
	}
}

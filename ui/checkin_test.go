package ui

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/scan"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// testPhone is the visitor's phone number in the check-in tests.
const testPhone = "13800138000"

// key returns the keypad key labelled label.
func (k *kiosk) key(label string) *padKey {
	k.t.Helper()
	var found *padKey
	visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) bool {
		if p, ok := o.(*padKey); ok && p.label == label && found == nil {
			found = p
		}
		return found == nil
	})
	if found == nil {
		k.t.Fatalf("no key %q on screen: %q", label, k.texts())
	}
	return found
}

// press taps the keypad keys labelled by each of labels.
func (k *kiosk) press(labels ...string) {
	k.t.Helper()
	for _, l := range labels {
		test.Tap(k.key(l))
	}
}

// dial taps the digits of phone and 确定, and waits for what follows.
func (k *kiosk) dial(phone string) {
	k.t.Helper()
	for _, d := range phone {
		k.press(string(d))
	}
	k.press(lang.L("keypad.ok"))
	k.shell.Wait()
}

// scan types text on the window as a wedge scanner does, then Return, and
// waits for the check-in it starts.
func (k *kiosk) scan(text string) {
	k.t.Helper()
	test.TypeOnCanvas(k.win.Canvas(), text)
	k.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	k.shell.Wait()
}

// register registers phone at the kiosk, skipping the community, and
// returns the pass code shown; the pass screen stays up.
func (k *kiosk) register(phone string) string {
	k.t.Helper()
	k.shell.Home()
	k.tap("登记 / 领取签到码")
	k.dial(phone)
	k.tap("跳过")
	k.shell.Wait()
	return k.passCode()
}

// passCode returns the code of the pass screen's QR view.
func (k *kiosk) passCode() string {
	k.t.Helper()
	v := k.qrView()
	return v.code
}

// qrView returns the QR view on screen.
func (k *kiosk) qrView() *qrView {
	k.t.Helper()
	var found *qrView
	visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) bool {
		if v, ok := o.(*qrView); ok {
			found = v
		}
		return found == nil
	})
	if found == nil {
		k.t.Fatalf("no QR code on screen: %q", k.texts())
	}
	return found
}

// checkIns returns the records stored for the test phone's visitor.
func (k *kiosk) checkIns() []data.CheckIn {
	k.t.Helper()
	ctx := context.Background()
	v, err := k.store.VisitorByPhone(ctx, testPhone)
	if err != nil {
		k.t.Fatal(err)
	}
	recs, err := k.store.CheckIns(ctx, sqlite.CheckInFilter{VisitorID: v.ID})
	if err != nil {
		k.t.Fatal(err)
	}
	return recs
}

// at sets the kiosk's clock to hh:mm on the test day.
func (k *kiosk) at(hh, mm int) {
	*k.now = time.Date(2026, 11, 25, hh, mm, 0, 0, shanghai)
}

// screen returns the current screen.
func (k *kiosk) screen() Screen { return k.shell.current() }

func TestKeypad(t *testing.T) {
	k := newKiosk(t, small)
	k.tap("登记 / 领取签到码")
	k.mustShow("请输入您的手机号", "请输入11位手机号")
	k.mustFit("registration keypad")
	ok := k.key("确定")
	if !ok.Disabled() {
		t.Error("确定 is enabled with no number")
	}
	k.press("1", "3", "8")
	k.mustShow("138")
	k.press("0", "0", "1", "3", "8", "0", "0", "0")
	k.mustShow("138 0013 8000")
	if ok.Disabled() {
		t.Error("确定 is disabled for a valid number")
	}
	k.press("9") // a twelfth digit is ignored
	k.mustShow("138 0013 8000")
	k.press("删除")
	k.mustShow("138 0013 800")
	if !ok.Disabled() {
		t.Error("确定 is enabled for 10 digits")
	}
	k.press("清空")
	k.mustShow("请输入11位手机号")
	k.press("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "1") // 12… is no mobile number
	if !ok.Disabled() {
		t.Error("确定 is enabled for 12345678901")
	}
	for _, key := range []string{"0", "5", "清空", "删除", "确定"} {
		if h := k.key(key).Size().Height; h < 64 {
			t.Errorf("key %s is %v high", key, h)
		}
	}
	if got := groupPhone("13800138000"); got != "138 0013 8000" {
		t.Errorf("groupPhone = %q", got)
	}
}

// keyPositions returns where each keypad key on screen lies in the window.
func (k *kiosk) keyPositions() map[string]fyne.Position {
	at := map[string]fyne.Position{}
	visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, pos fyne.Position) bool {
		if p, ok := o.(*padKey); ok {
			at[p.label] = pos
		}
		return true
	})
	return at
}

func TestKeypadKeysStayPut(t *testing.T) {
	for _, c := range []struct {
		size      fyne.Size
		largeText bool
	}{{small, false}, {large, false}, {small, true}} {
		size := c.size
		k := newKiosk(t, size)
		if c.largeText {
			k.tap("大字")
			k.shell.Wait()
		}
		k.tap("登记 / 领取签到码")
		empty := k.keyPositions()
		if len(empty) != 13 {
			t.Fatalf("%v: %d keys on screen", size, len(empty))
		}
		for _, typed := range [][]string{{"1"}, {"3", "8", "0", "0", "1", "3", "8", "0", "0", "0"}, {"删除"}, {"清空"}} {
			k.press(typed...)
			for label, was := range k.keyPositions() {
				if was != empty[label] {
					t.Errorf("%v: after %v key %s moved from %v to %v", size, typed, label, empty[label], was)
				}
			}
			k.mustFit("keypad")
		}
	}
}

func TestKeypadSaysWhyANumberIsRefused(t *testing.T) {
	k := newKiosk(t, small)
	k.tap("签到 / 签退")
	k.tap("忘带签到码？用手机号签到")
	keys := k.keyPositions()
	k.press("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")
	k.mustNotShow("手机号不正确，请重新输入") // not yet: ten digits are no number at all
	k.press("1")
	k.mustShow("123 4567 8901", "手机号不正确，请重新输入")
	k.mustFit("refused number")
	if !k.key("确定").Disabled() {
		t.Error("确定 is enabled for 12345678901")
	}
	for label, at := range k.keyPositions() {
		if at != keys[label] {
			t.Errorf("key %s moved from %v to %v with the reason shown", label, keys[label], at)
		}
	}
	k.press("删除")
	k.mustNotShow("手机号不正确，请重新输入")
	k.press("清空")
	k.press(strings.Split(testPhone, "")...)
	k.mustNotShow("手机号不正确，请重新输入")

	// The reason is in the kiosk's language.
	if err := UseLanguage("en"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { UseLanguage("zh-CN") })
	k.shell.Home()
	k.tap("Register / get a pass")
	k.press("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "1")
	k.mustShow("Not a valid mobile number; please try again")
	k.mustFit("refused number in English")
}

func TestRegistrationShowsPass(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		k.tap("登记 / 领取签到码")
		k.dial(testPhone)
		k.mustShow("请选择您所在的社区", "永康社区新时代文明实践站", "跳过")
		k.mustNotShow("小店街道新时代文明实践所") // an institute, not a station
		k.mustFit("community")
		k.tap("永康社区新时代文明实践站")
		k.shell.Wait()

		k.mustShow("您的签到码", "请拍照保存", "138****8000", "保存签到码图片")
		k.mustNotShow(testPhone, "已经登记过")
		k.mustFit("pass")
		v := k.qrView()
		img := test.WidgetRenderer(v).(*qrRenderer).img.Image
		n, err := pass.Modules(v.code, false)
		if err != nil {
			t.Fatal(err)
		}
		side := img.Bounds().Dx()
		if short := fyne.Min(size.Width, size.Height); float32(side) < 0.4*short {
			t.Errorf("%v: the QR code is %d px, less than 40 %% of %v", size, side, short)
		}
		if side%n != 0 || img.Bounds().Dy() != side {
			t.Errorf("the QR code is %v, not whole %d-module squares", img.Bounds(), n)
		}
		if c := img.At(0, 0); !isWhite(c) {
			t.Errorf("the quiet zone is %v, not white", c)
		}
		vis, err := k.store.VisitorByPhone(context.Background(), testPhone)
		if err != nil || vis.CommunityID != "yongkang" {
			t.Errorf("visitor %+v, %v: want community yongkang", vis, err)
		}
	}
}

// isWhite reports whether c is opaque white.
func isWhite(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, g, b, a := c.RGBA()
	return r == 0xFFFF && g == 0xFFFF && b == 0xFFFF && a == 0xFFFF
}

func TestSamePhoneSameCode(t *testing.T) {
	k := newKiosk(t, small)
	first := k.register(testPhone)
	second := k.register(testPhone)
	if first == "" || first != second {
		t.Errorf("the same phone got %q, then %q", first, second)
	}
	k.mustShow("这个手机号已经登记过", "请到服务台找工作人员补发")
	k.mustFit("pass again")
}

func TestScanInDuplicateAndOut(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.shell.Home()
	k.at(11, 30) // the choir ended at 11:00: only the open day is open

	k.scan(code)
	k.mustShow("签到成功", "138****8000", "文明实践开放日", "签到时间 11:30")
	k.mustFit("success")
	if recs := k.checkIns(); len(recs) != 1 || recs[0].Direction != data.In || recs[0].EventID != "kaifangri" {
		t.Fatalf("records after the scan: %+v", recs)
	}

	k.at(11, 32)
	k.scan(strings.ToLower(code)) // Caps Lock
	k.mustShow("您已签到（11:30）", "文明实践开放日")
	k.mustNotShow("签到成功")
	if recs := k.checkIns(); len(recs) != 1 {
		t.Errorf("a duplicate scan stored a row: %+v", recs)
	}

	k.at(13, 2)
	k.scan(code)
	k.mustShow("签退成功", "签退时间 13:02", "本次服务 1小时32分")
	if recs := k.checkIns(); len(recs) != 2 || recs[1].Direction != data.Out {
		t.Errorf("records after the check-out: %+v", recs)
	}

	k.at(13, 5)
	k.scan(code)
	k.mustShow("您已签退")
}

func TestUnreadableAndTamperedScans(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.shell.Home()
	k.at(11, 30)

	k.scan("HELLO WORLD 42")
	k.mustShow("未能签到", "无法识别，请重新扫码")
	k.mustFit("unreadable")

	c, err := pass.Parse(code)
	if err != nil {
		t.Fatal(err)
	}
	c.Signature[10] ^= 1
	k.scan(c.String())
	k.mustShow("未能签到", "签到码无效，请到服务台重新领取")
	k.mustNotShow("签到成功")
	for _, r := range k.checkIns() {
		if r.Outcome == data.Accepted {
			t.Errorf("a tampered code was accepted: %+v", r)
		}
	}
}

func TestChooseEvent(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	later := k.register("13900139001")
	k.shell.Home()
	k.at(10, 0) // the choir and the open day are both on

	k.scan(code)
	k.mustShow("选择活动", "合唱团排练", "文明实践开放日")
	k.mustFit("choose event")
	if len(k.checkIns()) != 0 {
		t.Fatal("a row was stored before the choice")
	}
	k.tap("合唱团排练")
	k.shell.Wait()
	k.mustShow("签到成功", "合唱团排练")
	if recs := k.checkIns(); len(recs) != 1 || recs[0].EventID != "hechang" {
		t.Fatalf("records after the choice: %+v", recs)
	}
	k.tap("返回")
	if _, ok := k.screen().(*homeScreen); !ok {
		t.Errorf("back from the result shows %T, not the home screen", k.screen())
	}

	// Left alone, the choice goes away and forgets the scan.
	k.at(10, 20)
	k.scan(later)
	choose, ok := k.screen().(*chooseScreen)
	if !ok {
		t.Fatalf("the second scan shows %T", k.screen())
	}
	*k.now = k.now.Add(chooseIdle)
	k.shell.tick()
	if choose.try != nil {
		t.Error("the choice kept the scan after giving up")
	}
	if _, ok := k.screen().(*homeScreen); !ok {
		t.Errorf("an idle choice shows %T, not the home screen", k.screen())
	}
}

func TestSecondScanStartsANewChoice(t *testing.T) {
	const other = "13900139000"
	k := newKiosk(t, small)
	first := k.register(testPhone)
	second := k.register(other)
	k.shell.Home()
	k.at(10, 0) // the choir and the open day are both on

	k.scan(first)
	k.mustShow("选择活动", "138****8000")
	was, ok := k.screen().(*chooseScreen)
	if !ok {
		t.Fatalf("the first scan shows %T", k.screen())
	}
	k.scan(second)
	k.mustShow("选择活动", "139****9000", "上一位的扫码已取消")
	k.mustNotShow("138****8000")
	k.mustFit("second choice")
	if now, ok := k.screen().(*chooseScreen); !ok || now == was {
		t.Fatalf("the second scan shows %T, not a new choice", k.screen())
	}
	was.choose("hechang") // a late tap on the first visitor's screen
	k.shell.Wait()
	if recs := k.checkIns(); len(recs) != 0 {
		t.Fatalf("the replaced choice checked in: %+v", recs)
	}
	k.tap("合唱团排练")
	k.shell.Wait()
	k.mustShow("签到成功", "139****9000", "合唱团排练")
	if recs := k.checkIns(); len(recs) != 0 {
		t.Errorf("the second visitor's choice checked in the first: %+v", recs)
	}
	v, err := k.store.VisitorByPhone(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := k.store.CheckIns(context.Background(), sqlite.CheckInFilter{VisitorID: v.ID}); err != nil || len(recs) != 1 || recs[0].EventID != "hechang" {
		t.Errorf("the second visitor's records: %+v, %v", recs, err)
	}

	// The same visitor scanning again is no new person.
	k.shell.Home()
	k.at(10, 30)
	k.scan(first)
	k.scan(first)
	k.mustShow("138****8000")
	k.mustNotShow("上一位的扫码已取消")
}

func TestScanOnEventPage(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.shell.Home()
	k.tap("活动安排")
	k.tap("合唱团排练")
	k.scan(code)
	k.mustShow("签到成功", "合唱团排练")
	k.tap("返回")
	k.mustShow("活动详情", "合唱团排练")

	// A page of an event that is not open does not catch the scan.
	k.at(11, 30)
	k.scan(code)
	k.mustShow("签到成功", "文明实践开放日")
}

func TestScanOnAnotherEventsPageAsksToLeaveOrJoin(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.shell.Home()
	k.tap("活动安排")
	k.tap("合唱团排练")
	k.scan(code)
	k.mustShow("签到成功", "合唱团排练")

	// The previous user left the open day's page up; the visitor, still in
	// the choir, scans to leave.
	k.at(10, 20)
	k.shell.Home()
	k.tap("活动安排")
	k.tap("文明实践开放日")
	k.scan(code)
	if _, ok := k.screen().(*chooseScreen); !ok {
		t.Fatalf("a scan on another event's page shows %T: %q", k.screen(), k.texts())
	}
	k.mustShow("还没有签退", "签退：合唱团排练", "签到：文明实践开放日")
	k.mustNotShow("签到成功")
	k.mustFit("leave or join")
	if recs := k.checkIns(); len(recs) != 1 {
		t.Fatalf("the question stored %d records", len(recs))
	}
	k.tap("签退：合唱团排练")
	k.shell.Wait()
	k.mustShow("签退成功", "合唱团排练")
	if recs := k.checkIns(); len(recs) != 2 || recs[1].Direction != data.Out || recs[1].EventID != recs[0].EventID {
		t.Errorf("records: %+v", recs)
	}
}

func TestPhoneFallback(t *testing.T) {
	k := newKiosk(t, small)
	k.register(testPhone)
	k.shell.Home()
	k.at(11, 30)
	k.tap("签到 / 签退")
	k.mustShow("请将签到码对准扫码器", "现在可以签到的活动", "文明实践开放日", "忘带签到码？用手机号签到")
	k.mustNotShow("合唱团排练")
	k.mustFit("check-in")
	k.tap("忘带签到码？用手机号签到")
	k.mustFit("phone keypad")
	k.dial(testPhone)
	k.mustShow("签到成功", "138****8000", "文明实践开放日")
	if recs := k.checkIns(); len(recs) != 1 || recs[0].Method != data.MethodPhone {
		t.Errorf("records: %+v", recs)
	}
	k.tap("返回")
	if _, ok := k.screen().(*attendScreen); !ok {
		t.Errorf("back from the result shows %T, not the check-in screen", k.screen())
	}

	k.tap("忘带签到码？用手机号签到")
	k.dial("13900000000")
	k.mustShow("未能签到", "这个手机号还没有登记，请先登记领取签到码", "139****0000")
	k.mustFit("unknown phone")
	k.tap("登记这个手机号")
	if _, ok := k.screen().(*registerScreen); !ok {
		t.Fatalf("登记这个手机号 shows %T", k.screen())
	}
	k.mustShow("139 0000 0000")
	k.press("确定")
	k.tap("跳过")
	k.shell.Wait()
	k.mustShow("您的签到码", "139****0000")
	if v, err := k.store.VisitorByPhone(context.Background(), "13900000000"); err != nil || v.ID == "" {
		t.Errorf("the number was not registered: %+v, %v", v, err)
	}
	k.tap("完成")
	if _, ok := k.screen().(*homeScreen); !ok {
		t.Errorf("完成 shows %T", k.screen())
	}
}

func TestUnknownPhoneRegisterButtonFits(t *testing.T) {
	defer UseLanguage("zh-CN")
	for _, language := range []string{"zh-CN", "en"} {
		if err := UseLanguage(language); err != nil {
			t.Fatal(err)
		}
		for _, large := range []bool{false, true} {
			k := newKiosk(t, small)
			k.shell.setLargeText(large)
			k.at(11, 30)
			k.tap(lang.L("home.attend"))
			k.tap(lang.L("attend.phone"))
			k.dial("13900000000")
			name := fmt.Sprintf("unknown phone (%s, large text %v)", language, large)
			k.mustShow(lang.L("result.register"))
			k.mustFit(name)
			k.mustShowButtonsWhole(name)
		}
	}
}

// resultBackdrop returns the tappable background of the result on screen.
func (k *kiosk) resultBackdrop() *backdrop {
	k.t.Helper()
	var found *backdrop
	visit(k.shell.history[len(k.shell.history)-1].content, fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) bool {
		if b, ok := o.(*backdrop); ok {
			found = b
		}
		return found == nil
	})
	if found == nil {
		k.t.Fatal("no result on screen")
	}
	return found
}

func TestResultGoesBack(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.at(11, 30)
	k.scan(code)
	k.mustShow("签到成功")

	*k.now = k.now.Add(4 * time.Second)
	k.shell.tick()
	k.mustShow("签到成功")
	test.Tap(k.resultBackdrop()) // keeps it up longer
	*k.now = k.now.Add(resultShow + time.Second)
	k.shell.tick()
	k.mustShow("签到成功")
	*k.now = k.now.Add(resultHold)
	k.shell.tick()
	k.mustNotShow("签到成功")
	k.mustShow("请拍照保存") // back on the pass screen, where the scan was made

	k.at(11, 35)
	k.scan(code)
	k.mustShow("您已签到（11:30）")
	*k.now = k.now.Add(resultShow)
	k.shell.tick()
	k.mustShow("请拍照保存")
}

func TestScanWithoutTerminator(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.at(11, 30)
	test.TypeOnCanvas(k.win.Canvas(), code)
	if !k.shell.scanner.timer.Stop() { // the test plays the timer
		t.Fatal("the flush timer fired early")
	}
	k.mustNotShow("签到成功")
	*k.now = k.now.Add(scan.DefaultGap)
	k.shell.scanner.flush()
	k.shell.Wait()
	k.mustShow("签到成功")
}

func TestFocusedButtonPassesScanOn(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.at(11, 30)
	b := k.button("完成")
	k.win.Canvas().Focus(b) // as the Tab key a scanner may send does
	for _, r := range code {
		b.TypedRune(r)
	}
	b.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	k.shell.Wait()
	k.mustShow("签到成功")
	if k.win.Canvas().Focused() != nil {
		t.Error("the focus stayed on a button after the screen changed")
	}
}

func TestScansCountAsActivity(t *testing.T) {
	k := newKiosk(t, small)
	*k.now = testNow.Add(3 * time.Minute)
	k.scan("NOT A PASS")
	if !k.shell.LastActivity().Equal(*k.now) {
		t.Errorf("a scan did not count as activity: %v", k.shell.LastActivity())
	}
}

func TestSaveSlip(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.tap("保存签到码图片")
	k.shell.Wait()
	files, err := filepath.Glob(filepath.Join(k.slips, "*.png"))
	if err != nil || len(files) != 1 {
		t.Fatalf("slips: %v, %v", files, err)
	}
	k.mustShow("签到码图片已保存到", files[0])
	if strings.ContainsAny(filepath.Base(files[0]), "*:") {
		t.Errorf("the file name %q is not safe on a USB stick", files[0])
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := pass.Modules(code, true)
	if w := img.Bounds().Dx(); w < n*slipModulePx {
		t.Errorf("the slip is %d px wide, less than its code", w)
	}
}

func TestPublicKioskCannotRevokeAPass(t *testing.T) {
	k := newKiosk(t, small)
	old := k.register(testPhone)
	// Someone else types the same number: they see the pass again, with no
	// way to cancel it, and the pass keeps working.
	if again := k.register(testPhone); again != old {
		t.Fatalf("the second registration shows %q, not the pass %q", again, old)
	}
	k.mustNotShow("重新发放", "补发新的")
	for _, label := range []string{"重新发放", "补发", "挂失"} {
		if o, _ := k.find(label); o != nil {
			if _, ok := o.(*tapButton); ok {
				t.Errorf("the public pass screen has a %q button", label)
			}
		}
	}
	k.at(11, 30)
	k.scan(old)
	k.mustShow("签到成功")
	if log, err := k.store.AuditLog(context.Background(), 0); err != nil || len(log) != 0 {
		t.Errorf("audit log after public registrations: %+v, %v", log, err)
	}
}

func TestStorageFailureIsNoSuccess(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.at(11, 30)
	k.store.Close()
	k.scan(code)
	k.mustShow("未能保存", "保存失败，请联系工作人员")
	k.mustNotShow("签到成功")
}

func TestPrivateScreensGoHomeWhenIdle(t *testing.T) {
	k := newKiosk(t, small)
	k.register(testPhone)
	*k.now = k.now.Add(privateIdle - time.Second)
	k.shell.tick()
	k.mustShow("请拍照保存")
	*k.now = k.now.Add(time.Second)
	k.shell.tick()
	if _, ok := k.screen().(*homeScreen); !ok {
		t.Errorf("an idle pass screen shows %T, not the home screen", k.screen())
	}
}

func TestUpcomingListsWeeklyClassesOnce(t *testing.T) {
	k := newKiosk(t, small)
	k.tap("活动安排")
	k.tap("近期")
	all := strings.Join(k.allPages(), "\n")
	if n := strings.Count(all, "合唱团排练"); n != 1 {
		t.Errorf("the choir is listed %d times", n)
	}
	for _, want := range []string{"每周三", "书画班", "每周二", "万人健步行", "过年来小店·新春文艺展演"} {
		if !strings.Contains(all, want) {
			t.Errorf("upcoming lacks %q", want)
		}
	}
	k.tap("本周")
	if week := strings.Join(k.allPages(), "\n"); strings.Contains(week, "每周") {
		t.Error("this week's view labels weekly classes")
	}
}

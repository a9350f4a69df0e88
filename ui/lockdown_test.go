package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
)

// lockedWindow records what LockDown asks of the window.
type lockedWindow struct {
	fullScreen bool
	intercept  func()
}

func (w *lockedWindow) SetFullScreen(on bool)      { w.fullScreen = on }
func (w *lockedWindow) SetCloseIntercept(f func()) { w.intercept = f }
func (k *kiosk) escape()                           { k.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) }
func (k *kiosk) lockDown() (*lockedWindow, *int) {
	k.t.Helper()
	w, quits := &lockedWindow{}, 0
	k.shell.LockDown(w, func() { quits++ })
	if !w.fullScreen || w.intercept == nil {
		k.t.Fatalf("lock-down: full screen %v, close intercepted %v", w.fullScreen, w.intercept != nil)
	}
	return w, &quits
}

func TestLockDownNeedsAStaffPIN(t *testing.T) {
	k := newKiosk(t, small)
	if _, _, err := k.store.SetPIN(context.Background(), "王老师", "2468", k.now.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	w, quits := k.lockDown()

	w.intercept()
	if _, ok := k.screen().(*leaveScreen); !ok {
		t.Fatalf("closing the window shows %T, not the PIN prompt", k.screen())
	}
	k.mustShow("退出自助终端", "请输入工作人员密码", "请输入密码")
	k.mustFit("PIN prompt")
	if !k.key("确定").Disabled() {
		t.Error("确定 is enabled before a PIN is typed")
	}
	k.press("1", "2", "3")
	k.mustShow("● ● ●")
	k.mustNotShow("123")
	k.press("清空")
	k.dial("1357")
	k.mustShow("密码不正确，还可以再试 4 次。")
	if *quits != 0 {
		t.Fatal("a wrong PIN closed the kiosk")
	}
	w.intercept() // a second request keeps the one prompt
	if n := len(k.shell.history); n != 2 {
		t.Errorf("%d screens after two close requests, want home and the prompt", n)
	}
	k.dial("2468")
	if *quits != 1 {
		t.Fatalf("the staff PIN did not close the kiosk (%d)", *quits)
	}
}

func TestEscapeAsksForThePINAndScansStillWork(t *testing.T) {
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.shell.Home()
	_, quits := k.lockDown()
	k.escape()
	if _, ok := k.screen().(*leaveScreen); !ok {
		t.Fatalf("Escape shows %T, not the PIN prompt", k.screen())
	}
	k.dial("2468")
	k.mustShow("还没有设置工作人员密码")
	if *quits != 0 {
		t.Fatal("the kiosk closed without any staff PIN set")
	}
	k.at(11, 30)
	k.scan(code)
	k.mustShow("签到成功")
	k.shell.Back()
	if _, ok := k.screen().(*leaveScreen); !ok {
		t.Errorf("back from the answer shows %T, not the prompt", k.screen())
	}
	k.idle(privateIdle)
	if _, ok := k.screen().(*homeScreen); !ok {
		t.Errorf("the idle PIN prompt shows %T, not home", k.screen())
	}
}

func TestLockedAfterWrongPINs(t *testing.T) {
	k := newKiosk(t, small)
	if _, _, err := k.store.SetPIN(context.Background(), "王老师", "2468", k.now.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	w, quits := k.lockDown()
	w.intercept()
	for range 5 {
		k.dial("1111")
	}
	k.mustShow("密码错误次数过多，已锁定，请在 10:05 后再试。")
	k.dial("2468")
	if *quits != 0 {
		t.Error("the kiosk closed while staff mode is locked")
	}
}

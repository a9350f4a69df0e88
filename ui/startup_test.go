package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/civickiosk/kiosk/data/sqlite"
)

func TestStartupErrorSaysWhatToDo(t *testing.T) {
	const path = "/home/kiosk/.local/share/civic-kiosk/kiosk.db"
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("database %s: %w: file is not a database", path, sqlite.ErrCorrupt), "文件已损坏"},
		{fmt.Errorf("database %s: %w", path, sqlite.ErrNewerSchema), "新版本"},
		{fmt.Errorf("database %s: %w", path, sqlite.ErrReadOnly), "不能写入"},
	} {
		test.NewTempApp(t)
		win := test.NewTempWindow(t, nil)
		win.Resize(small)
		ShowStartupError(win, c.err, path)
		k := &kiosk{t: t, win: win}
		k.mustShow("签到机暂时不能使用", "请联系工作人员", path, c.want, "没有改动这个文件",
			"/home/kiosk/.local/share/civic-kiosk/backups", "docs/kiosk-setup.md",
			"详细原因记在运行日志里：/home/kiosk/.local/share/civic-kiosk/kiosk.log")
		k.mustNotShow(c.err.Error(), "database", "sqlite")
		k.mustFit("start-up error")
	}

	if err := UseLanguage("en"); err != nil {
		t.Fatal(err)
	}
	defer UseLanguage("zh-CN")
	test.NewTempApp(t)
	win := test.NewTempWindow(t, nil)
	win.Resize(small)
	ShowStartupError(win, fmt.Errorf("database %s: %w (schema 9, this version understands up to 7)", path, sqlite.ErrNewerSchema), path)
	k := &kiosk{t: t, win: win}
	k.mustShow("Please call a member of staff", path, "newer version")
	k.mustFit("start-up error in English")
}

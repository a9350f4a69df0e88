package ui

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// honourEntry reads the honour-wall entry id, hidden or not.
func (k *kiosk) honourEntry(id string) data.HonourEntry {
	k.t.Helper()
	all, err := k.store.AllHonourEntries(context.Background())
	if err != nil {
		k.t.Fatal(err)
	}
	for _, e := range all {
		if e.ID == id {
			return e
		}
	}
	k.t.Fatalf("no honour entry %s", id)
	return data.HonourEntry{}
}

func TestHonourHideAndShow(t *testing.T) {
	k := newKiosk(t, small)
	k.signIn()
	k.mustFit("staff home")
	k.tap("光荣榜")
	k.mustFit("光荣榜")
	all, err := k.store.AllHonourEntries(context.Background())
	if err != nil || len(all) == 0 {
		t.Fatalf("%d entries, %v", len(all), err)
	}
	before, _ := k.store.HonourEntries(context.Background())
	e := all[0]
	k.tapOnPage(e.Name)
	k.tapButton("隐藏")
	if !k.honourEntry(e.ID).Hidden {
		t.Fatal("the entry is not hidden")
	}
	k.mustShow("已从光荣榜隐藏。", "已隐藏")
	visible, _ := k.store.HonourEntries(context.Background())
	if len(visible) != len(before)-1 {
		t.Errorf("%d visible entries, want %d", len(visible), len(before)-1)
	}
	k.tapButton("重新显示")
	if k.honourEntry(e.ID).Hidden {
		t.Fatal("the entry is still hidden")
	}
	k.mustShow("已重新显示在光荣榜上。")
}

// usbStick puts files (name → content) on a USB stick the kiosk sees.
func (k *kiosk) usbStick(files map[string][]byte) {
	k.t.Helper()
	usb := filepath.Join(k.t.TempDir(), "media", "kiosk")
	stick := filepath.Join(usb, "STICK")
	if err := os.MkdirAll(stick, 0o755); err != nil {
		k.t.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(stick, name), b, 0o644); err != nil {
			k.t.Fatal(err)
		}
	}
	k.shell.staff.opts.MediaRoots = []string{filepath.Join(usb, "*")}
}

// jpegPhoto returns a small JPEG image.
func jpegPhoto(t *testing.T) []byte {
	t.Helper()
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, image.NewRGBA(image.Rect(0, 0, 60, 80)), nil); err != nil {
		t.Fatal(err)
	}
	return photo.Bytes()
}

func TestHonourPhotoFromUSB(t *testing.T) {
	k := newKiosk(t, small)
	photo := jpegPhoto(t)
	k.usbStick(map[string][]byte{"zhao.jpg": photo, "fake.png": []byte("not a png"), "notes.txt": []byte("x")})
	k.signIn()
	k.tap("光荣榜")
	all, _ := k.store.AllHonourEntries(context.Background())
	e := all[0]
	k.tapOnPage(e.Name)
	k.tapButton("更换照片")
	k.mustFit("更换照片")
	k.mustShow("zhao.jpg", "fake.png", e.Name)
	k.mustNotShow("notes.txt")
	k.tap("fake.png")
	k.mustShow("这个文件不能用")
	if !k.exactButton("使用这张照片").Disabled() {
		t.Error("使用这张照片 is enabled for a bad file")
	}
	k.tap("zhao.jpg")
	k.mustShow("照片可以使用")
	k.mustFit("preview")
	k.tapButton("使用这张照片")
	k.mustShow("照片已更换。")
	if got := k.honourEntry(e.ID).Photo; !bytes.Equal(got, photo) {
		t.Errorf("stored photo of %d bytes, want the file's %d", len(got), len(photo))
	}
	k.tapButton("删除照片")
	k.mustFit("删除照片")
	k.mustShow("确定删除 " + e.Name + " 的照片吗？")
	if k.honourEntry(e.ID).Photo == nil {
		t.Fatal("the photo was removed before staff confirmed it")
	}
	k.tapButton("确定删除")
	k.mustShow("照片已删除")
	if k.honourEntry(e.ID).Photo != nil {
		t.Error("the photo was not removed")
	}
}

// liuText is a honour-wall text file as Windows Notepad saves it in
// Chinese Windows ("ANSI": GB18030, CRLF).
func liuText(t *testing.T) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("刘建国\r\n退役军人，社区志愿服务队骨干。\r\n\r\n哪里需要就出现在哪里。\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHonourAddEntry(t *testing.T) {
	k := newKiosk(t, small)
	photo := jpegPhoto(t)
	k.usbStick(map[string][]byte{"liu.txt": liuText(t), "liu.jpg": photo})
	k.signIn()
	k.tap("光荣榜")
	before, _ := k.store.AllHonourEntries(context.Background())
	k.tapButton("新增")
	k.mustFit("新增光荣榜人物")
	k.mustShow("请选择类别。", "还没有选择文字文件", "年份：不写年份")
	if !k.exactButton("保存").Disabled() || !k.exactButton("输入年份").Disabled() {
		t.Fatal("保存 or 输入年份 is enabled before a category is picked")
	}
	k.tapButton("身边好人")
	k.mustShow("请从U盘选择")
	k.mustFit("新增光荣榜人物 with a category")
	k.tapButton("输入年份")
	k.mustFit("year keypad")
	k.press("2", "0", "3", "0")
	k.mustShow("年份须在 1949 到 2026 之间")
	if !k.key("确定").Disabled() {
		t.Fatal("确定 accepts the year 2030")
	}
	k.press("删除", "删除", "2", "4", "确定")
	k.mustShow("年份：2024")
	k.tapButton("选择文字文件")
	k.mustFit("text files")
	k.mustNotShow("liu.jpg")
	k.tap("liu.txt")
	k.mustShow("文件可以使用", "刘建国", "退役军人")
	k.tapButton("使用这个文件")
	k.mustShow("姓名：刘建国", "2024年度身边好人", "哪里需要就出现在哪里。", "请核对预览")
	k.tapButton("更换照片")
	k.mustShow("刘建国的照片")
	k.tap("liu.jpg")
	k.tapButton("使用这张照片")
	k.mustFit("新增光荣榜人物, filled in")
	k.tapButton("保存")
	k.mustShow("已保存。")
	after, _ := k.store.AllHonourEntries(context.Background())
	if len(after) != len(before)+1 {
		t.Fatalf("%d entries, want %d", len(after), len(before)+1)
	}
	e := after[len(after)-1]
	if !strings.HasPrefix(e.ID, data.LocalIDPrefix) || e.Name != "刘建国" || e.Title != "2024年度身边好人" ||
		e.Story != "退役军人，社区志愿服务队骨干。\n哪里需要就出现在哪里。" || !bytes.Equal(e.Photo, photo) ||
		e.SiteID != "xiaodian" || e.Hidden {
		t.Errorf("stored %+v", e)
	}
	visible, _ := k.store.HonourEntries(context.Background())
	if !slices.ContainsFunc(visible, func(v data.HonourEntry) bool { return v.ID == e.ID }) {
		t.Error("the new entry is not on the wall")
	}
}

func TestHonourEditEntry(t *testing.T) {
	k := newKiosk(t, small)
	k.usbStick(map[string][]byte{"liu.txt": liuText(t)})
	k.signIn()
	k.tap("光荣榜")
	e := k.honourEntry("zhaohaisheng")
	k.tapOnPage(e.Name)
	k.tapButton("修改")
	k.mustFit("修改光荣榜人物")
	k.mustShow("姓名：赵海生", "全国道德模范", "请核对预览")
	if k.exactButton("道德模范").Importance != widget.HighImportance {
		t.Error("the entry's category is not picked")
	}
	k.tapButton("中国好人")
	k.tapButton("输入年份")
	k.press("2", "0", "1", "9", "确定")
	k.mustShow("2019年度中国好人")
	k.tapButton("选择文字文件")
	k.tap("liu.txt")
	k.tapButton("使用这个文件")
	k.tapButton("保存")
	k.mustShow("已保存。")
	got := k.honourEntry("zhaohaisheng")
	if got.Name != "刘建国" || got.Title != "2019年度中国好人" || got.Story != "退役军人，社区志愿服务队骨干。\n哪里需要就出现在哪里。" ||
		got.Sort != e.Sort || got.Community != e.Community || got.SiteID != e.SiteID {
		t.Errorf("edited %+v", got)
	}
}

// Editing the text alone keeps the title as the content file wrote it,
// even one that names no category.
func TestHonourEditKeepsTitle(t *testing.T) {
	k := newKiosk(t, small)
	k.usbStick(map[string][]byte{"liu.txt": liuText(t)})
	if err := k.store.UpdateHonour(context.Background(), data.HonourEntry{ID: "chenyong", Name: "陈勇", Title: "优秀志愿者"}); err != nil {
		t.Fatal(err)
	}
	k.signIn()
	k.tap("光荣榜")
	for id, title := range map[string]string{"zhaohaisheng": "全国道德模范", "chenyong": "优秀志愿者"} {
		k.tapOnPage(k.honourEntry(id).Name)
		k.tapButton("修改")
		if k.exactButton("输入年份").Disabled() != (id == "chenyong") {
			t.Errorf("%s: 输入年份 enabled is %v", id, !k.exactButton("输入年份").Disabled())
		}
		k.tapButton("选择文字文件")
		k.tap("liu.txt")
		k.tapButton("使用这个文件")
		k.tapButton("保存")
		if got := k.honourEntry(id); got.Title != title || got.Name != "刘建国" {
			t.Errorf("edited %+v", got)
		}
	}
}

func TestHonourBadTextFiles(t *testing.T) {
	k := newKiosk(t, small)
	k.usbStick(map[string][]byte{
		"empty.txt":  []byte("\uFEFF\r\n  \r\n"),
		"story.txt":  []byte(strings.Repeat("好人好事", 20) + "\n"),
		"binary.txt": {0x00, 0x01, 0x02, 0xFF},
		"huge.txt":   bytes.Repeat([]byte("好"), 30000),
	})
	k.signIn()
	k.tap("光荣榜")
	k.tapButton("新增")
	k.tapButton("选择文字文件")
	for _, c := range []struct{ file, want string }{ // in the order listed
		{"binary.txt", "另存为“UTF-8”编码"},
		{"empty.txt", "这个文件是空的"},
		{"huge.txt", "这个文件太大"},
		{"story.txt", "第一行只写姓名（最多 32 个字）"},
	} {
		file := c.file
		k.tapOnPage(file)
		k.mustShow(c.want)
		k.mustFit(file)
		if !k.exactButton("使用这个文件").Disabled() {
			t.Errorf("%s: 使用这个文件 is enabled", file)
		}
	}
	k.tapButton("返回")
	k.mustShow("还没有选择文字文件")
	if !k.exactButton("保存").Disabled() {
		t.Error("保存 is enabled without a name")
	}
}

// TestHonourOfOtherSitesIsReadOnly: on a kiosk enrolled for a station, the
// centre's entries cannot be changed, hidden or given a photo; the
// station's can.
func TestHonourOfOtherSitesIsReadOnly(t *testing.T) {
	k := newKiosk(t, small)
	if err := k.store.SetHubEnrolment(context.Background(), sqlite.Enrolment{HubURL: "http://127.0.0.1:8443", Token: "t",
		SiteID: "wenhuayuan"}); err != nil {
		t.Fatal(err)
	}
	k.signIn()
	k.tap("光荣榜")
	k.mustFit("光荣榜")
	k.tapOnPage("赵海生")
	k.mustShow("这是其他站点的光荣榜人物，本机不能修改、隐藏或更换照片。")
	for _, b := range []string{"修改", "隐藏", "更换照片"} {
		if !k.exactButton(b).Disabled() {
			t.Errorf("%s is enabled on the centre's entry", b)
		}
	}
	k.tapOnPage("王桂兰")
	k.mustNotShow("这是其他站点的光荣榜人物，本机不能修改、隐藏或更换照片。")
	for _, b := range []string{"修改", "隐藏", "更换照片"} {
		if k.exactButton(b).Disabled() {
			t.Errorf("%s is disabled on the station's own entry", b)
		}
	}
}

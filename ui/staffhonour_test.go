package ui

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/civickiosk/kiosk/data"
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

func TestHonourPhotoFromUSB(t *testing.T) {
	k := newKiosk(t, small)
	usb := filepath.Join(t.TempDir(), "media", "kiosk")
	stick := filepath.Join(usb, "STICK")
	if err := os.MkdirAll(stick, 0o755); err != nil {
		t.Fatal(err)
	}
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, image.NewRGBA(image.Rect(0, 0, 60, 80)), nil); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"zhao.jpg": photo.Bytes(), "fake.png": []byte("not a png"), "notes.txt": []byte("x")}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(stick, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	k.shell.staff.opts.MediaRoots = []string{filepath.Join(usb, "*")}
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
	if got := k.honourEntry(e.ID).Photo; !bytes.Equal(got, photo.Bytes()) {
		t.Errorf("stored photo of %d bytes, want the file's %d", len(got), photo.Len())
	}
	k.tapButton("删除照片")
	k.mustShow("照片已删除")
	if k.honourEntry(e.ID).Photo != nil {
		t.Error("the photo was not removed")
	}
}

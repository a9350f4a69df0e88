package sqlite

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"path/filepath"
	"testing"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
)

// honourStore returns a store holding two honour-wall entries.
func honourStore(t *testing.T) *Store {
	t.Helper()
	st, err := Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &content.File{
		Sites: []data.Site{{ID: "c", Level: data.LevelCentre, Name: "中心"}},
		Honour: []data.HonourEntry{{ID: "zhao", SiteID: "c", Name: "赵大爷", Title: "身边好人", Sort: 1},
			{ID: "qian", SiteID: "c", Name: "钱阿姨", Title: "中国好人", Sort: 2}},
	}
	if err := st.LoadContent(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSetHonourHidden(t *testing.T) {
	st := honourStore(t)
	ctx := context.Background()
	if err := st.SetHonourHidden(ctx, "zhao", true); err != nil {
		t.Fatal(err)
	}
	visible, err := st.HonourEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(visible) != 1 || visible[0].ID != "qian" {
		t.Errorf("visible entries %+v, want only qian", visible)
	}
	all, err := st.AllHonourEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != "zhao" || !all[0].Hidden || all[1].Hidden {
		t.Errorf("all entries %+v", all)
	}
	if err := st.SetHonourHidden(ctx, "zhao", false); err != nil {
		t.Fatal(err)
	}
	if visible, _ = st.HonourEntries(ctx); len(visible) != 2 {
		t.Errorf("%d visible entries after showing zhao again, want 2", len(visible))
	}
	if err := st.SetHonourHidden(ctx, "nobody", true); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("hiding an unknown entry: %v, want ErrNotFound", err)
	}
}

func TestSetHonourPhoto(t *testing.T) {
	st := honourStore(t)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	if err := st.SetHonourPhoto(ctx, "qian", buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	all, _ := st.AllHonourEntries(ctx)
	if !bytes.Equal(all[1].Photo, buf.Bytes()) {
		t.Error("the photo was not stored")
	}
	for name, b := range map[string][]byte{
		"text":      []byte("not an image"),
		"gif":       []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"too large": append(buf.Bytes(), make([]byte, content.MaxPhotoBytes)...),
	} {
		if err := st.SetHonourPhoto(ctx, "qian", b); !errors.Is(err, ErrBadPhoto) {
			t.Errorf("%s: %v, want ErrBadPhoto", name, err)
		}
	}
	if err := st.SetHonourPhoto(ctx, "qian", nil); err != nil {
		t.Fatal(err)
	}
	if all, _ = st.AllHonourEntries(ctx); all[1].Photo != nil {
		t.Error("the photo was not removed")
	}
	if err := st.SetHonourPhoto(ctx, "nobody", buf.Bytes()); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("an unknown entry: %v, want ErrNotFound", err)
	}
}

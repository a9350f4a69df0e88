package sqlite

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"path/filepath"
	"strings"
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

func TestSaveHonour(t *testing.T) {
	st := honourStore(t)
	ctx := context.Background()
	id, err := st.SaveHonour(ctx, data.HonourEntry{ID: "zhao", SiteID: "c", Name: "孙师傅", Title: "2024年度身边好人",
		Story: "修车三十年。"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, data.LocalIDPrefix) || id == "zhao" {
		t.Errorf("id %q", id)
	}
	all, _ := st.AllHonourEntries(ctx)
	if len(all) != 3 {
		t.Fatalf("%d entries, want 3", len(all))
	}
	got := all[2]
	if got.ID != id || got.Name != "孙师傅" || got.Title != "2024年度身边好人" || got.Story != "修车三十年。" ||
		got.SiteID != "c" || got.Sort != 3 || got.Hidden {
		t.Errorf("stored %+v", got)
	}
	if all[0].Name != "赵大爷" {
		t.Errorf("the entry with id zhao was changed: %+v", all[0])
	}
	second, err := st.SaveHonour(ctx, data.HonourEntry{SiteID: "c", Name: "孙师傅"})
	if err != nil || second == id {
		t.Errorf("a second entry of the same name: %q, %v", second, err)
	}
	if _, err := st.SaveHonour(ctx, data.HonourEntry{SiteID: "c"}); !errors.Is(err, ErrNoHonourName) {
		t.Errorf("no name: %v", err)
	}
	if _, err := st.SaveHonour(ctx, data.HonourEntry{SiteID: "c", Name: "x", Photo: []byte("no")}); !errors.Is(err, ErrBadPhoto) {
		t.Errorf("a bad photo: %v", err)
	}
	if _, err := st.SaveHonour(ctx, data.HonourEntry{SiteID: "nowhere", Name: "x"}); err == nil {
		t.Error("an entry of an unknown site was stored")
	}
}

// A content import or sync pull after an entry is made on the kiosk
// neither overwrites nor repeats it.
func TestSavedHonourSurvivesContent(t *testing.T) {
	st := honourStore(t)
	ctx := context.Background()
	id, err := st.SaveHonour(ctx, data.HonourEntry{SiteID: "c", Name: "孙师傅", Title: "身边好人"})
	if err != nil {
		t.Fatal(err)
	}
	f := &content.File{Honour: []data.HonourEntry{{ID: "zhao", SiteID: "c", Name: "赵大爷", Title: "中国好人", Sort: 1},
		{ID: "sun", SiteID: "c", Name: "孙师傅", Title: "身边好人", Sort: 5}}}
	if err := st.LoadContent(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := st.ApplyChanges(ctx, []Change{{Kind: "honour", ID: "zhao", Honour: &f.Honour[0]}}, 1); err != nil {
		t.Fatal(err)
	}
	all, _ := st.AllHonourEntries(ctx)
	ids := map[string]data.HonourEntry{}
	for _, e := range all {
		ids[e.ID] = e
	}
	if len(all) != 4 || ids[id].Name != "孙师傅" || ids["sun"].Name != "孙师傅" {
		t.Errorf("entries %+v", all)
	}
}

func TestUpdateHonour(t *testing.T) {
	st := honourStore(t)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	if err := st.SetHonourHidden(ctx, "qian", true); err != nil {
		t.Fatal(err)
	}
	err := st.UpdateHonour(ctx, data.HonourEntry{ID: "qian", SiteID: "ignored", Name: "钱阿姨", Title: "2023年度道德模范",
		Story: "照顾孤寡老人。", Photo: buf.Bytes(), Sort: 99})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := st.AllHonourEntries(ctx)
	got := all[1]
	if got.ID != "qian" || got.Title != "2023年度道德模范" || got.Story != "照顾孤寡老人。" || !bytes.Equal(got.Photo, buf.Bytes()) ||
		got.SiteID != "c" || got.Sort != 2 || !got.Hidden {
		t.Errorf("updated %+v", got)
	}
	if all[0].Title != "身边好人" {
		t.Errorf("another entry changed: %+v", all[0])
	}
	if err := st.UpdateHonour(ctx, data.HonourEntry{ID: "nobody", Name: "x"}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("an unknown entry: %v", err)
	}
	if err := st.UpdateHonour(ctx, data.HonourEntry{ID: "qian"}); !errors.Is(err, ErrNoHonourName) {
		t.Errorf("no name: %v", err)
	}
}

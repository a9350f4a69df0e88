package export_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/export/exporttest"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// TestCertificateFromReport checks that a service record holds the
// volunteer's line of the hours report and their sessions, with the
// report's marks, for real check-ins through the store.
func TestCertificateFromReport(t *testing.T) {
	f := scenario(t)
	// B, checked out of Taiji automatically, also serves 25 minutes in Talk.
	for _, hhmm := range []string{"09:35", "10:00"} {
		f.Clock.Set(hhmm)
		if r, err := f.Svc.Scan(ctx, f.Reg["B"].Code, checkin.Target{Event: exporttest.Talk.ID}); err != nil || r.Outcome != data.Accepted {
			t.Fatalf("%s: %+v, %v", hhmm, r, err)
		}
	}
	day := exporttest.At("00:00")
	from, to, issued := day, day.AddDate(0, 0, 1), exporttest.At("11:00")
	rep, err := f.Store.Hours(ctx, sqlite.AttendanceFilter{SessionFromMS: from.UnixMilli(), SessionToMS: to.UnixMilli()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	line := map[string]export.VisitorHours{}
	for _, v := range rep.Visitors {
		line[v.VisitorID] = v
	}
	cert := func(key string) (export.Certificate, error) {
		return f.Store.Certificate(ctx, f.Reg[key].Visitor, from, to, issued)
	}

	b, err := cert("B")
	if err != nil {
		t.Fatal(err)
	}
	if b.Hours != line[f.Reg["B"].Visitor.ID] {
		t.Errorf("B's record totals %+v, the report %+v", b.Hours, line[f.Reg["B"].Visitor.ID])
	}
	if b.Hours.Sessions != 2 || b.Hours.ServiceMS != 85*60_000 || b.Hours.Auto != 1 {
		t.Errorf("B: %+v, want 2 sessions, 85 min, 1 automatic check-out", b.Hours)
	}
	if len(b.Sessions) != 2 || b.Sessions[0].EventID != exporttest.Taiji.ID || b.Sessions[0].ServiceMS != 60*60_000 ||
		b.Sessions[0].Auto != 1 || b.Sessions[0].Site != "区中心" ||
		b.Sessions[1].EventID != exporttest.Talk.ID || b.Sessions[1].ServiceMS != 25*60_000 || b.Sessions[1].Auto != 0 {
		t.Errorf("B's sessions: %+v", b.Sessions)
	}
	if b.Phone != "139****9000" || b.Name != exporttest.People[1].Name || !b.From.Equal(from) || !b.To.Equal(to) {
		t.Errorf("B's record: %q %q %v–%v", b.Name, b.Phone, b.From, b.To)
	}

	e, err := cert("E")
	if err != nil {
		t.Fatal(err)
	}
	if e.Hours != line[f.Reg["E"].Visitor.ID] || len(e.Sessions) != 1 || e.Sessions[0].Backfilled != 2 ||
		e.Sessions[0].ServiceMS != 50*60_000 {
		t.Errorf("E (back-filled in and out): %+v %+v", e.Hours, e.Sessions)
	}
	c, err := cert("C")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sessions) != 1 || !c.Sessions[0].Unclosed || c.Hours.Unclosed != 1 || c.Hours.ServiceMS != 0 {
		t.Errorf("C (still in Talk): %+v %+v", c.Hours, c.Sessions)
	}

	if _, err := cert("D"); !errors.Is(err, export.ErrNoService) {
		t.Errorf("D, refused only: %v, want ErrNoService", err)
	}
	if _, err := f.Store.Certificate(ctx, f.Reg["B"].Visitor, to, to.AddDate(0, 1, 0), issued); !errors.Is(err, export.ErrNoService) {
		t.Errorf("B the next month: %v, want ErrNoService", err)
	}

	pages, err := b.Render()
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 {
		t.Errorf("2 sessions on %d pages, want 1", len(pages))
	}
	checkA4(t, pages)
}

// checkA4 checks that pages are PNG images of A4 at 150 dpi with print on
// them.
func checkA4(t *testing.T, pages [][]byte) {
	t.Helper()
	for i, p := range pages {
		img, err := png.Decode(bytes.NewReader(p))
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		if b := img.Bounds(); b.Dx() != 1240 || b.Dy() != 1753 {
			t.Errorf("page %d of %v, want A4 at 150 dpi (1240×1753)", i+1, b)
		}
		if dark(img, img.Bounds()) == 0 {
			t.Errorf("page %d is blank", i+1)
		}
	}
}

// dark counts the dark pixels of img in r.
func dark(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if g, _, _, _ := img.At(x, y).RGBA(); g < 0x8000 {
				n++
			}
		}
	}
	return n
}

// TestCertificatePages checks that a long record continues on further
// pages, each with the table, and that an open period is taken from the
// sessions and the date of issue.
func TestCertificatePages(t *testing.T) {
	rep := export.HoursReport{Visitors: []export.VisitorHours{{Subject: "v1", Sessions: 60, ServiceMS: 60 * 3_600_000}}}
	start := exporttest.At("09:00")
	for i := range 60 {
		rep.Sessions = append(rep.Sessions, export.SessionHours{Subject: "v1", EventID: "e",
			Event: fmt.Sprintf("社区环境清洁志愿服务第%d期，清理楼道堆积杂物并宣传垃圾分类", i+1), Site: "文华苑社区",
			SessionStartMS: start.AddDate(0, 0, i).UnixMilli(), ServiceMS: 3_600_000, Backfilled: i % 2})
	}
	rep.Sessions = append(rep.Sessions, export.SessionHours{Subject: "v2", SessionStartMS: start.UnixMilli()})
	issued := start.AddDate(0, 3, 0)
	c, err := export.NewCertificate(rep, "v1", "区新时代文明实践中心", "张三", "138****8000", start, issued, issued)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sessions) != 60 {
		t.Fatalf("%d sessions, want v1's 60", len(c.Sessions))
	}
	pages, err := c.Render()
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 2 {
		t.Fatalf("60 sessions on %d page(s), want more than 1", len(pages))
	}
	checkA4(t, pages)
	// The continued page has its table's rows in its lower half.
	img, _ := png.Decode(bytes.NewReader(pages[1]))
	if dark(img, image.Rect(0, 900, 1240, 1500)) == 0 {
		t.Error("the second page has no table rows")
	}

	c, err = export.NewCertificate(rep, "v1", "", "", "138****8000", time.Time{}, time.Time{}, issued)
	if err != nil || !c.From.Equal(exporttest.At("00:00")) || !c.To.Equal(exporttest.At("00:00").AddDate(0, 3, 1)) {
		t.Errorf("open period: %v–%v, %v; want the first session's day to the day after issue", c.From, c.To, err)
	}
	if _, err := export.NewCertificate(rep, "v3", "", "", "", time.Time{}, time.Time{}, issued); !errors.Is(err, export.ErrNoService) {
		t.Errorf("no sessions: %v, want ErrNoService", err)
	}
}

package sync_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// csvByID writes src as an attendance CSV in Shanghai time and reads it back
// as rows keyed by 记录编号.
func csvByID(t *testing.T, src export.Source) map[string][]string {
	t.Helper()
	loc, err := time.LoadLocation(data.DefaultZone)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := export.WriteAttendanceCSV(&buf, src, export.Options{Zone: loc}); err != nil {
		t.Fatal(err)
	}
	b, ok := bytes.CutPrefix(buf.Bytes(), []byte(export.BOM))
	if !ok {
		t.Fatal("no BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], export.AttendanceHeaders()) {
		t.Fatalf("headers %q", recs[0])
	}
	out := map[string][]string{}
	for _, r := range recs[1:] {
		out[r[len(r)-1]] = r
	}
	return out
}

func col(name string) int { return slices.Index(export.AttendanceHeaders(), name) }

// TestDistrictExportIsTheUnionOfKiosks: two kiosks check visitors in and out,
// one pass at both into the same session while neither knows of the other.
// The hub's district export holds exactly the records of the two kiosks'
// own exports, with the same cells except what only a kiosk knows (the
// visitor's phone, name and community, and its own upload clock), and the
// later of the two check-ins of one pass is written as 重复 and counted once
// in the hours report.
func TestDistrictExportIsTheUnionOfKiosks(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
		b := newKiosk(t, h, "st-b", h.URL(), hubsync.ClientOptions{})

		c1, c2 := a.register(t, phone(1)), a.register(t, phone(2))
		c3 := b.register(t, phone(3))
		a.scan(t, c1, "ev-c")
		a.scan(t, c2, "ev-a")
		b.scan(t, c1, "ev-c") // the same pass into the same session at B: a duplicate
		b.scan(t, c3, "ev-b")
		b.scan(t, "garbage", "")
		a.scan(t, c2, "ev-a") // check-outs (no minimum stay)
		b.scan(t, c1, "ev-c")
		b.scan(t, c3, "ev-b")
		for _, k := range []*kiosk{a, b} {
			if _, err := k.cl.Round(ctx); err != nil {
				t.Fatal(err)
			}
		}

		want := csvByID(t, a.st.AttendanceSource(ctx, sqlite.AttendanceFilter{}))
		for id, r := range csvByID(t, b.st.AttendanceSource(ctx, sqlite.AttendanceFilter{})) {
			want[id] = r
		}
		src, err := hubsync.DistrictSource(ctx, h.store(), hubsync.DistrictFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := csvByID(t, src)
		if len(got) != len(want) || len(want) != 8 {
			t.Fatalf("district export has %d records, the kiosks %d (want 8)", len(got), len(want))
		}
		kioskOnly := []int{col("访客"), col("姓名"), col("所属社区"), col("上传时间")}
		dups := 0
		for id, w := range want {
			g, ok := got[id]
			if !ok {
				t.Errorf("record %s missing from the district export", id)
				continue
			}
			if g[col("上传时间")] == "" {
				t.Errorf("record %s: no upload time", id)
			}
			if g[col("结果")] == "重复" {
				dups++
				if w[col("结果")] != "成功" || g[col("设备")] != b.svc.DeviceID() {
					t.Errorf("the duplicate should be B's accepted check-in: hub %q, kiosk %q", g, w)
				}
				orig, ok := got[g[col("原因")][len("与记录 "):len(g[col("原因")])-len(" 重复")]]
				if !ok || orig[col("设备")] != a.svc.DeviceID() || orig[col("结果")] != "成功" {
					t.Errorf("the duplicate %q does not name A's check-in", g[col("原因")])
				}
				g = slices.Clone(g)
				g[col("结果")], g[col("原因")] = w[col("结果")], w[col("原因")]
			}
			for i := range w {
				if !slices.Contains(kioskOnly, i) && g[i] != w[i] {
					t.Errorf("record %s, %s: hub %q, kiosk %q", id, export.AttendanceHeaders()[i], g[i], w[i])
				}
			}
			if p := w[col("访客")]; p != "" && g[col("访客")] != "pass:"+w[col("密钥编号")]+":"+w[col("通行证号")] {
				t.Errorf("record %s: 访客 %q at the hub for pass %s:%s", id, g[col("访客")], w[col("密钥编号")], w[col("通行证号")])
			}
		}
		if dups != 1 {
			t.Fatalf("%d records marked 重复, want 1", dups)
		}

		// Hours: three people, one session each; the duplicate is not a
		// second session.
		rep, err := export.ComputeHours(src)
		if err != nil {
			t.Fatal(err)
		}
		sessions := 0
		for _, v := range rep.Visitors {
			sessions += v.Sessions
			if v.Unclosed != 0 {
				t.Errorf("%s has an unclosed session", v.Subject)
			}
		}
		if len(rep.Visitors) != 3 || sessions != 3 {
			t.Fatalf("hours: %d people, %d sessions, want 3 and 3: %+v", len(rep.Visitors), sessions, rep.Visitors)
		}

		// --site: a station keeps its own kiosk's records; the centre, both
		// stations under it.
		for site, n := range map[string]int{"st-a": 3, "st-b": 5, "centre": 8} {
			src, err := hubsync.DistrictSource(ctx, h.store(), hubsync.DistrictFilter{SiteID: site})
			if err != nil {
				t.Fatal(err)
			}
			if got := csvByID(t, src); len(got) != n {
				t.Errorf("site %s: %d records, want %d", site, len(got), n)
			}
		}
	})
}

// TestShownMS: the export keeps a good kiosk clock's time (the hub's
// estimate differs from it only by network delays) and repairs a bad one.
func TestShownMS(t *testing.T) {
	wall := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC).UnixMilli()
	for _, c := range []struct {
		errMS int64
		want  int64
	}{
		{0, wall},
		{800, wall},
		{-hubsync.MaxClockSkewMS, wall},
		{hubsync.MaxClockSkewMS + 1, wall - hubsync.MaxClockSkewMS - 1},
		{-2 * 3600_000, wall + 2*3600_000},
	} {
		r := hubsync.HubRecord{Record: hubsync.Record{WallMS: wall}, TrueMS: wall - c.errMS, ClockErrorMS: c.errMS}
		if got := r.ShownMS(); got != c.want {
			t.Errorf("clock error %d ms: shown %d, want %d", c.errMS, got, c.want)
		}
	}
}

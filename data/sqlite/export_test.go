package sqlite_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/export/exporttest"
	"github.com/civickiosk/kiosk/data/sqlite"
)

func scenario(t *testing.T) *exporttest.Fixture {
	t.Helper()
	f := exporttest.Scenario(t, t.TempDir())
	if n, err := f.Svc.CloseEnded(context.Background()); err != nil || n != 2 {
		t.Fatalf("CloseEnded = %d, %v; want 2 (B and F)", n, err)
	}
	return f
}

func each(t *testing.T, st *sqlite.Store, f sqlite.AttendanceFilter) []sqlite.AttendanceRow {
	t.Helper()
	var rows []sqlite.AttendanceRow
	if err := st.EachAttendance(context.Background(), f, func(r sqlite.AttendanceRow) error {
		rows = append(rows, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	n, err := st.CountAttendance(context.Background(), f)
	if err != nil || n != len(rows) {
		t.Fatalf("CountAttendance(%+v) = %d, %v; EachAttendance gave %d rows", f, n, err, len(rows))
	}
	return rows
}

func TestEachAttendanceJoinsNamesInWallOrder(t *testing.T) {
	f := scenario(t)
	rows := each(t, f.Store, sqlite.AttendanceFilter{})
	if len(rows) != exporttest.Records {
		t.Fatalf("%d rows, want %d", len(rows), exporttest.Records)
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].WallMS < rows[i-1].WallMS {
			t.Fatalf("row %d (%d) before row %d (%d): not in wall order", i, rows[i].WallMS, i-1, rows[i-1].WallMS)
		}
	}
	b := rows[1]
	want := sqlite.AttendanceRow{
		CheckIn: b.CheckIn, Subject: f.Reg["B"].Visitor.ID,
		EventTitle: "晨练太极", EventStartMS: exporttest.Taiji.StartMS, EventEndMS: exporttest.Taiji.EndMS,
		SiteID: "centre", SiteName: "区中心",
		Phone: "13900139000", VisitorName: "+cmd|' /C calc'!A0", CommunityID: "wenhuayuan", CommunityName: "文华苑社区",
	}
	if b != want {
		t.Fatalf("B's check-in:\n got %+v\nwant %+v", b, want)
	}
	if b.WallMS != exporttest.MS("07:30") || b.Direction != data.In || b.Method != data.MethodQR ||
		b.DeviceID != exporttest.Device || !b.Verified || b.Pass.IsZero() || b.ID == "" || b.UploadedMS != 0 /* not uploaded */ {
		t.Fatalf("B's check-in record fields: %+v", b.CheckIn)
	}
	var unreadable, revoked, talkIn sqlite.AttendanceRow
	for _, r := range rows {
		switch {
		case r.Reason == data.ReasonUnreadable:
			unreadable = r
		case r.Reason == data.ReasonRevoked:
			revoked = r
		case r.EventID == "talk" && r.Direction == data.In && talkIn.ID == "":
			talkIn = r
		}
	}
	if unreadable.Outcome != data.Refused || unreadable.EventTitle != "" || unreadable.VisitorName != "" || unreadable.Phone != "" {
		t.Fatalf("unreadable scan: %+v (want no event, no visitor)", unreadable)
	}
	if revoked.VisitorName != "@SUM(1+1)" || revoked.CommunityName != "@清河社区" || revoked.EventID != "" {
		t.Fatalf("revoked scan: %+v (want D's names, no event)", revoked)
	}
	if talkIn.SiteName != "文华苑社区" || talkIn.EventTitle != exporttest.Talk.Title || talkIn.Session().EndMS != exporttest.MS("10:30") {
		t.Fatalf("talk check-in: %+v", talkIn)
	}
}

func TestEachAttendanceUploadTime(t *testing.T) {
	f := scenario(t)
	rows := each(t, f.Store, sqlite.AttendanceFilter{})
	at := exporttest.MS("10:00")
	err := f.Store.MarkUploaded(context.Background(), []sqlite.UploadResult{
		{ID: rows[0].ID, Status: "stored"}, {ID: rows[1].ID, Status: "already_stored"},
		{ID: rows[2].ID, Status: "rejected", Reason: "unknown_event"}}, at)
	if err != nil {
		t.Fatal(err)
	}
	rows = each(t, f.Store, sqlite.AttendanceFilter{})
	for i, want := range []int64{at, at, 0, 0} {
		if rows[i].UploadedMS != want {
			t.Errorf("row %d uploaded at %d, want %d", i, rows[i].UploadedMS, want)
		}
	}
}

func TestEachAttendanceFilters(t *testing.T) {
	f := scenario(t)
	ms := exporttest.MS
	for _, c := range []struct {
		name string
		f    sqlite.AttendanceFilter
		want int
	}{
		{"wall range", sqlite.AttendanceFilter{FromMS: ms("07:30"), ToMS: ms("07:45")}, 4},            // B, G, E in; unreadable
		{"event", sqlite.AttendanceFilter{EventID: "talk"}, 3},                                        // C in, H in, H out
		{"community", sqlite.AttendanceFilter{CommunityID: "qinghe"}, 5},                              // D refused, E in/out, H in/out
		{"accepted", sqlite.AttendanceFilter{AcceptedOnly: true}, exporttest.Records - 2},             // less the two refusals
		{"session", sqlite.AttendanceFilter{SessionFromMS: ms("09:00"), SessionToMS: ms("09:01")}, 3}, // Talk's
		{"all of them", sqlite.AttendanceFilter{FromMS: ms("07:00"), ToMS: ms("12:00"), EventID: "taiji",
			CommunityID: "wenhuayuan", AcceptedOnly: true}, 6}, // A, B, G in and out
	} {
		if rows := each(t, f.Store, c.f); len(rows) != c.want {
			t.Errorf("%s: %d rows, want %d", c.name, len(rows), c.want)
		}
	}
}

func TestEachAttendanceStopsOnError(t *testing.T) {
	f := scenario(t)
	stop := errors.New("stop")
	n := 0
	err := f.Store.EachAttendance(context.Background(), sqlite.AttendanceFilter{}, func(sqlite.AttendanceRow) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Fatalf("err = %v after %d rows; want stop after 3", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.Store.EachAttendance(ctx, sqlite.AttendanceFilter{}, func(sqlite.AttendanceRow) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: err = %v", err)
	}
}

func TestHoursPerTeam(t *testing.T) {
	f := scenario(t)
	ctx := context.Background()
	err := f.Store.LoadContent(ctx, &content.File{Teams: []data.Team{
		{ID: "lf", SiteID: "centre", Name: "雷锋团", Kind: data.TeamSocial},
		{ID: "none", SiteID: "centre", Name: "无人队", Kind: data.TeamParty}}})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{f.Reg["B"].Visitor.ID, f.Reg["E"].Visitor.ID, f.Reg["F"].Visitor.ID, f.Reg["D"].Visitor.ID}
	if _, _, err := f.Store.SetTeamMembers(ctx, "lf", ids, 1); err != nil {
		t.Fatal(err)
	}
	var progress []int
	day := exporttest.At("00:00")
	rep, err := f.Store.Hours(ctx, sqlite.AttendanceFilter{SessionFromMS: day.UnixMilli(), SessionToMS: day.AddDate(0, 0, 1).UnixMilli()},
		func(n int) { progress = append(progress, n) })
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Visitors) != len(exporttest.WantHours) {
		t.Errorf("%d people, want %d", len(rep.Visitors), len(exporttest.WantHours))
	}
	// B and F were checked out automatically, E back-filled in and out; D
	// only had a refused scan.
	want := []export.TeamHours{{TeamID: "lf", Team: "雷锋团", Kind: data.TeamSocial, Members: 4, Visitors: 3, Sessions: 3,
		ServiceMS: (60 + 50 + 45) * 60_000, Auto: 2, Backfilled: 2}}
	if !reflect.DeepEqual(rep.Teams, want) {
		t.Errorf("teams:\n got %+v\nwant %+v", rep.Teams, want)
	}
	if len(progress) != 0 {
		t.Errorf("progress %v for fewer than 1000 records", progress)
	}
}

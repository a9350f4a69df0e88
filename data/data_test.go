package data

import (
	"testing"
	"time"
)

var shanghai, _ = time.LoadLocation(DefaultZone)

func local(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWeeklySessionsAcrossWeekBoundaries(t *testing.T) {
	// 太极拳班: Tuesdays 09:00–10:30 from 2026-11-03 until 2026-12-01 (inclusive).
	e := Event{ID: "taiji", StartMS: local("2026-11-03 09:00").UnixMilli(), EndMS: local("2026-11-03 10:30").UnixMilli(),
		Weekly: true, UntilMS: local("2026-12-01 00:00").UnixMilli()}
	// A window from Sunday 2026-11-15 to Wednesday 2026-11-25 crosses two week boundaries.
	got := e.Sessions(local("2026-11-15 00:00").UnixMilli(), local("2026-11-25 00:00").UnixMilli(), shanghai)
	want := []string{"2026-11-17 09:00", "2026-11-24 09:00"}
	if len(got) != len(want) {
		t.Fatalf("got %d sessions, want %v", len(got), want)
	}
	for i, s := range got {
		st := time.UnixMilli(s.StartMS).In(shanghai)
		if st.Format("2006-01-02 15:04") != want[i] || st.Weekday() != time.Tuesday || s.EndMS-s.StartMS != 90*60_000 {
			t.Fatalf("session %d = %s (%s), want %s", i, st, st.Weekday(), want[i])
		}
	}
	// The last session is on the until day; nothing after it.
	all := e.Sessions(0, local("2027-06-01 00:00").UnixMilli(), shanghai)
	if len(all) != 5 || time.UnixMilli(all[4].StartMS).In(shanghai).Format("01-02") != "12-01" {
		t.Fatalf("all sessions: %d, last %v", len(all), time.UnixMilli(all[len(all)-1].StartMS).In(shanghai))
	}
	// A session running at the window's start is included.
	mid := e.Sessions(local("2026-11-17 10:00").UnixMilli(), local("2026-11-17 10:01").UnixMilli(), shanghai)
	if len(mid) != 1 {
		t.Fatalf("session in progress: %d", len(mid))
	}
	// Far in the future without until: still on Tuesdays at 09:00 local.
	e.UntilMS = 0
	far := e.Sessions(local("2030-01-01 00:00").UnixMilli(), local("2030-01-08 00:00").UnixMilli(), shanghai)
	if len(far) != 1 || time.UnixMilli(far[0].StartMS).In(shanghai).Format("Mon 15:04") != "Tue 09:00" {
		t.Fatalf("far future: %+v", far)
	}
	e.Cancelled = true
	if n := len(e.Sessions(0, local("2030-01-01 00:00").UnixMilli(), shanghai)); n != 0 {
		t.Fatalf("a cancelled event has %d sessions", n)
	}
}

func TestSessionsBetweenPutsOwnSiteFirst(t *testing.T) {
	evs := []Event{
		{ID: "a", SiteID: "other", Title: "A", StartMS: local("2026-11-30 08:00").UnixMilli(), EndMS: local("2026-11-30 09:00").UnixMilli()},
		{ID: "b", SiteID: "here", Title: "B", StartMS: local("2026-11-30 10:00").UnixMilli(), EndMS: local("2026-11-30 11:00").UnixMilli()},
		{ID: "c", SiteID: "here", Title: "C", StartMS: local("2026-11-30 09:00").UnixMilli(), EndMS: local("2026-11-30 11:00").UnixMilli()},
	}
	got := SessionsBetween(evs, local("2026-11-30 00:00").UnixMilli(), local("2026-12-01 00:00").UnixMilli(), "here", shanghai)
	order := ""
	for _, s := range got {
		order += s.Event.ID
	}
	if order != "cba" {
		t.Fatalf("order %q, want own site first by start: cba", order)
	}
}

func TestDecide(t *testing.T) {
	r := Rules{EarlyMinutes: 30, MinStayMinutes: 10}
	in := &CheckIn{Direction: In, WallMS: 1_000_000}
	out := &CheckIn{Direction: Out, WallMS: 1_000_000}
	cases := []struct {
		name    string
		last    *CheckIn
		now     int64
		dir     Direction
		outcome Outcome
		reason  Reason
	}{
		{"first scan", nil, 0, In, Accepted, ReasonNone},
		{"again at once", in, 1_000_000 + 1000, In, Duplicate, ReasonAlreadyIn},
		{"just under the minimum stay", in, 1_000_000 + 10*60_000 - 1, In, Duplicate, ReasonAlreadyIn},
		{"at the minimum stay", in, 1_000_000 + 10*60_000, Out, Accepted, ReasonNone},
		{"after check-out", out, 9_000_000, Out, Duplicate, ReasonAlreadyOut},
	}
	for _, c := range cases {
		d, o, re := r.Decide(c.last, c.now)
		if d != c.dir || o != c.outcome || re != c.reason {
			t.Errorf("%s: got %s %s %q, want %s %s %q", c.name, d, o, re, c.dir, c.outcome, c.reason)
		}
	}
}

func TestWindowAndServiceTime(t *testing.T) {
	s := Session{StartMS: local("2026-11-30 09:00").UnixMilli(), EndMS: local("2026-11-30 10:30").UnixMilli()}
	r := Rules{EarlyMinutes: 30}
	for at, open := range map[string]bool{"08:29": false, "08:30": true, "10:29": true, "10:30": false} {
		if got := r.Open(s, local("2026-11-30 "+at).UnixMilli()); got != open {
			t.Errorf("open at %s = %v, want %v", at, got, open)
		}
	}
	// Early arrival and late leaving are capped to the session.
	if got := ServiceMS(s, local("2026-11-30 08:40").UnixMilli(), local("2026-11-30 11:00").UnixMilli()); got != 90*60_000 {
		t.Errorf("capped service = %d ms, want 90 min", got)
	}
	if got := ServiceMS(s, local("2026-11-30 09:30").UnixMilli(), local("2026-11-30 10:00").UnixMilli()); got != 30*60_000 {
		t.Errorf("service = %d ms, want 30 min", got)
	}
	if got := ServiceMS(s, local("2026-11-30 11:00").UnixMilli(), local("2026-11-30 12:00").UnixMilli()); got != 0 {
		t.Errorf("outside the session = %d ms, want 0", got)
	}
}

func TestPhones(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000":         "13800138000",
		"+86 138-0013-8000":   "13800138000",
		"0086 13800138000":    "13800138000",
		"(+86) 138 0013 8000": "13800138000",
		"8613800138000":       "13800138000",
	} {
		if got, ok := NormalisePhone(in); !ok || got != want {
			t.Errorf("NormalisePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "1380013800", "138001380001", "23800138000", "12800138000", "138OO138000", "１３８００１３８０００"} {
		if got, ok := NormalisePhone(bad); ok {
			t.Errorf("NormalisePhone(%q) = %q, accepted", bad, got)
		}
	}
	if got := MaskPhone("13800138000"); got != "138****8000" {
		t.Errorf("MaskPhone = %q", got)
	}
	if got := MaskPhone("12"); got != "****" {
		t.Errorf("MaskPhone short = %q", got)
	}
}

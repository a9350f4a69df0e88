package ui

import (
	"testing"
	"time"
)

func TestDatesInChinese(t *testing.T) {
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, shanghai) }
	now := at(29, 14, 5) // a Sunday
	for _, c := range []struct{ got, want string }{
		{clockDate(now), "2026年11月29日 星期日"},
		{shortDate(now), "11月29日 周日"},
		{dayLabel(at(29, 23, 0), now), "今天"},
		{dayLabel(at(30, 0, 30), now), "明天"},
		{dayLabel(at(28, 9, 0), now), "11月28日 周六"},
		{timeRange(at(29, 14, 30), at(29, 16, 30)), "14:30–16:30"},
		{timeRange(at(29, 20, 0), at(30, 8, 0)), "20:00 – 11月30日 周一 08:00"},
		{weeklyLabel(at(24, 8, 30)), "每周二"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestEventViewSpans(t *testing.T) {
	e := &eventsScreen{}
	for _, c := range []struct {
		view int
		now  time.Time
		end  time.Time
	}{
		{viewToday, time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai), time.Date(2026, 11, 26, 0, 0, 0, 0, shanghai)},
		{viewWeek, time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai), time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai)},
		{viewWeek, time.Date(2026, 11, 23, 7, 0, 0, 0, shanghai), time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai)},
		{viewWeek, time.Date(2026, 11, 29, 22, 0, 0, 0, shanghai), time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai)},
		{viewUpcoming, time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai), time.Date(2027, 1, 24, 0, 0, 0, 0, shanghai)},
	} {
		e.view = c.view
		from, to := e.span(c.now)
		if !from.Equal(c.now) || !to.Equal(c.end) {
			t.Errorf("view %d at %v: span %v – %v, want until %v", c.view, c.now, from, to, c.end)
		}
	}
}

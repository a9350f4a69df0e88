package ui

import (
	"strconv"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2/lang"
)

// dateData is the template data of the date translations.
func dateData(t time.Time) map[string]any {
	return map[string]any{
		"Year":         t.Year(),
		"Month":        int(t.Month()),
		"MonthName":    lang.L("month." + strconv.Itoa(int(t.Month()))),
		"Day":          t.Day(),
		"Weekday":      lang.L("weekday." + strconv.Itoa(int(t.Weekday()))),
		"WeekdayShort": lang.L("weekday.short." + strconv.Itoa(int(t.Weekday()))),
		"Time":         t.Format("15:04"),
	}
}

// clockDate formats t for the home screen's clock, e.g.
// 2026年11月29日 星期日.
func clockDate(t time.Time) string { return lang.L("format.clockDate", dateData(t)) }

// shortDate formats the day of t, e.g. 11月29日 周日.
func shortDate(t time.Time) string { return lang.L("format.shortDate", dateData(t)) }

// dayLabel names the day of t as seen on the day of now: 今天, 明天 or its
// short date.
func dayLabel(t, now time.Time) string {
	switch daysBetween(now, t) {
	case 0:
		return lang.L("day.today")
	case 1:
		return lang.L("day.tomorrow")
	}
	return shortDate(t)
}

// daysBetween counts calendar days from the day of a to the day of b, both
// in a's zone.
func daysBetween(a, b time.Time) int {
	b = b.In(a.Location())
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// timeRange formats the span from start to end: 14:30–16:30 on one day,
// with the end's short date when it ends on another.
func timeRange(start, end time.Time) string {
	if daysBetween(start, end) == 0 {
		return start.Format("15:04") + "–" + end.Format("15:04")
	}
	return start.Format("15:04") + " – " + shortDate(end) + " " + end.Format("15:04")
}

// weeklyLabel names the weekly repetition of a class on the day of t, e.g.
// 每周二.
func weeklyLabel(t time.Time) string {
	return lang.L("weekly." + strconv.Itoa(int(t.Weekday())))
}

// startOfDay returns midnight at the start of t's day in t's zone.
func startOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// excerpt returns the first n characters of s, with an ellipsis if s is
// longer.
func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

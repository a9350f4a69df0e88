package content

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Limits on dates written in a content file.
const (
	minYear        = 1990
	maxYear        = 2100
	maxRelativeDay = 3660 // today±N: at most about ten years away
)

var (
	relativeDayRE = regexp.MustCompile(`^today(?:\s*([+-])\s*(\d{1,6}))?$`)
	absoluteDayRE = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)
	timeRangeRE   = regexp.MustCompile(`^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$`)
)

// civil is a calendar day, held as midnight UTC so that day arithmetic is
// free of any zone's offset changes.
type civil = time.Time

// civilOf returns the calendar day of t in its own location.
func civilOf(t time.Time) civil {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// formatDay renders a day as 2006-01-02.
func formatDay(d civil) string { return d.Format("2006-01-02") }

// fault is a problem found in a value: the code of a Problem and its
// Args. The zero fault is none.
type fault struct {
	code string
	args map[string]any
}

// parseDay reads a day: 2020-07-11 (also 2020/7/11, 2020年7月11日), today,
// today+N or today-N. today is the load day. f is the zero fault on
// success; else its args lack the "Key" the day was given with.
func parseDay(s string, today civil) (d civil, f fault) {
	t := strings.ToLower(strings.TrimSpace(s))
	if m := relativeDayRE.FindStringSubmatch(t); m != nil {
		if m[1] == "" {
			return today, fault{}
		}
		n, _ := strconv.Atoi(m[2])
		if n > maxRelativeDay {
			return civil{}, fault{"day.tooFar", map[string]any{"Value": s, "Max": maxRelativeDay}}
		}
		if m[1] == "-" {
			n = -n
		}
		return today.AddDate(0, 0, n), fault{}
	}
	if m := absoluteDayRE.FindStringSubmatch(t); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		dd, _ := strconv.Atoi(m[3])
		d := time.Date(y, time.Month(mo), dd, 0, 0, 0, 0, time.UTC)
		if d.Year() != y || int(d.Month()) != mo || d.Day() != dd {
			return civil{}, fault{"day.notInCalendar", map[string]any{"Value": s}}
		}
		if y < minYear || y > maxYear {
			return civil{}, fault{"day.year", map[string]any{"Value": s, "From": minYear, "To": maxYear}}
		}
		return d, fault{}
	}
	return civil{}, fault{"day.bad", map[string]any{"Value": s}}
}

// timeSeparators are the range separators accepted between the two times,
// as typed with a Chinese input method too.
var timeSeparators = strings.NewReplacer("：", ":", "–", "-", "—", "-", "－", "-", "~", "-", "～", "-", "至", "-", "到", "-", " ", "", "\u3000", "")

// parseTimeRange reads "09:00-11:00" into minutes after midnight. The end
// may be 24:00. f is the zero fault on success.
func parseTimeRange(s string) (startMin, endMin int, f fault) {
	m := timeRangeRE.FindStringSubmatch(timeSeparators.Replace(strings.TrimSpace(s)))
	if m == nil {
		return 0, 0, fault{"time.notRange", map[string]any{"Value": s}}
	}
	n := make([]int, 4)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	if n[0] > 23 || n[1] > 59 {
		return 0, 0, fault{"time.notClock", map[string]any{"Value": s, "Clock": m[1] + ":" + m[2]}}
	}
	if n[2] > 24 || n[3] > 59 || n[2] == 24 && n[3] != 0 {
		return 0, 0, fault{"time.notClock", map[string]any{"Value": s, "Clock": m[3] + ":" + m[4]}}
	}
	startMin, endMin = n[0]*60+n[1], n[2]*60+n[3]
	switch {
	case endMin < startMin:
		return 0, 0, fault{"time.endsBefore", map[string]any{"Value": s}}
	case endMin == startMin:
		return 0, 0, fault{"time.endsAtStart", map[string]any{"Value": s}}
	}
	return startMin, endMin, fault{}
}

// weekdays maps every accepted way of writing a day of the week.
var weekdays = func() map[string]time.Weekday {
	m := map[string]time.Weekday{}
	names := [][]string{
		{"7", "sun", "sunday", "周日", "周天", "星期日", "星期天", "礼拜日", "礼拜天"},
		{"1", "mon", "monday", "周一", "星期一", "礼拜一"},
		{"2", "tue", "tues", "tuesday", "周二", "星期二", "礼拜二"},
		{"3", "wed", "wednesday", "周三", "星期三", "礼拜三"},
		{"4", "thu", "thur", "thurs", "thursday", "周四", "星期四", "礼拜四"},
		{"5", "fri", "friday", "周五", "星期五", "礼拜五"},
		{"6", "sat", "saturday", "周六", "星期六", "礼拜六"},
	}
	for wd, list := range names {
		for _, s := range list {
			m[s] = time.Weekday(wd)
		}
	}
	return m
}()

// parseWeekday reads a day of the week: 1–7 (1 = Monday), mon…sun or
// 周一…周日.
func parseWeekday(s string) (time.Weekday, bool) {
	wd, ok := weekdays[strings.ToLower(strings.TrimSpace(s))]
	return wd, ok
}

// at returns the instant of day d at minutes after midnight in loc. 24:00 is
// midnight at the start of the next day.
func at(d civil, minutes int, loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, minutes, 0, 0, loc)
}

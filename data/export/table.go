package export

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// kind is how a column's cells are typed: XLSX writes them as that type with
// a number format, CSV as text in a fixed layout.
type kind uint8

const (
	kText     kind = iota // text; neutralised in CSV (Neutralise)
	kInt                  // whole number, e.g. 42
	kDate                 // calendar date: XLSX date, CSV 2006-01-02
	kTime                 // time of day to the second: XLSX time, CSV 15:04:05
	kDateTime             // date and time to the second: XLSX date-time, CSV 2006-01-02 15:04:05
	kHours                // hours from ms, two decimals: XLSX number 0.00, CSV 1.50
)

// Number formats of the typed XLSX cells (Excel custom formats; they display
// the same in zh-CN Excel, WPS and LibreOffice).
const (
	fmtDate     = "yyyy-mm-dd"
	fmtTime     = "hh:mm:ss"
	fmtDateTime = "yyyy-mm-dd hh:mm:ss"
	fmtHours    = "0.00"
	fmtInt      = "0"
)

// Go layouts matching the number formats, for CSV.
const (
	layoutDate     = "2006-01-02"
	layoutTime     = "15:04:05"
	layoutDateTime = "2006-01-02 15:04:05"
)

// column is one column of a table.
type column struct {
	header string
	kind   kind
	width  float64 // XLSX width in characters of the default font (a CJK character counts about 2)
}

// table is a sheet's layout: its name (XLSX sheet name) and columns.
type table struct {
	sheet string
	cols  []column
}

// headers returns the column headers of t.
func (t table) headers() []string {
	h := make([]string, len(t.cols))
	for i, c := range t.cols {
		h[i] = c.header
	}
	return h
}

// cell is one value; how it is read depends on its column's kind. A cell
// with null set is empty in every format.
type cell struct {
	s    string    // kText
	n    int64     // kInt: the number; kHours: milliseconds
	t    time.Time // kDate, kTime, kDateTime: the wall clock in the centre's zone
	null bool
}

func text(s string) cell { return cell{s: s} }

// number is a whole-number cell, empty when n is 0 and zeroEmpty.
func number(n int64, zeroEmpty bool) cell { return cell{n: n, null: zeroEmpty && n == 0} }

// clock is a date or time cell for the instant ms (UTC) in loc, truncated to
// the second; empty when ms is 0 and zeroEmpty.
func clock(ms int64, loc *time.Location, zeroEmpty bool) cell {
	if zeroEmpty && ms == 0 {
		return cell{null: true}
	}
	return cell{t: time.UnixMilli(ms).In(loc).Truncate(time.Second)}
}

func hours(ms int64) cell { return cell{n: ms} }

// Hours converts a duration in ms to hours rounded half away from zero to 2
// decimals, the precision of the hours report.
func Hours(ms int64) float64 { return math.Round(float64(ms)/36_000) / 100 }

// Offset formats the UTC offset of t as "UTC+08:00". The "UTC" prefix keeps
// the cell from starting with + or - (so it is not taken for a formula or a
// number, and needs no CSV-injection prefix).
func Offset(t time.Time) string { return "UTC" + t.Format("-07:00") }

// csvField renders c as CSV text for a column of kind k.
func csvField(k kind, c cell) string {
	if c.null {
		return ""
	}
	switch k {
	case kInt:
		return strconv.FormatInt(c.n, 10)
	case kDate:
		return c.t.Format(layoutDate)
	case kTime:
		return c.t.Format(layoutTime)
	case kDateTime:
		return c.t.Format(layoutDateTime)
	case kHours:
		return strconv.FormatFloat(Hours(c.n), 'f', 2, 64)
	}
	return Neutralise(strings.ToValidUTF8(c.s, "\uFFFD"))
}

// Neutralise makes a text cell inert in a spreadsheet: a value starting with
// =, +, -, @, tab or carriage return, which Excel, WPS and LibreOffice may run
// as a formula when they open a CSV file, is prefixed with a single quote
// (OWASP "CSV Injection"). Other values are returned unchanged.
//
// The CSV writers apply it to every text cell. Cells the exporter makes
// itself — numbers, dates, times, hours and the "UTC+08:00" offset — are
// never prefixed: they never start with a trigger character (no negative
// numbers occur) and are not text taken from people. XLSX text cells are
// typed strings, which spreadsheets never evaluate, so XLSX is not prefixed.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

package export

import (
	"fmt"
	"io"
	"time"

	"github.com/civickiosk/kiosk/data"
)

// AttendanceSheet is the XLSX sheet name of the attendance log.
const AttendanceSheet = "考勤记录"

// attendanceTable is the attendance log, one row per record. The order of
// the columns is the order of the cells attendanceCells fills.
var attendanceTable = table{sheet: AttendanceSheet, cols: []column{
	{"日期", kDate, 11},       // local date of the scan
	{"时间", kTime, 9},        // local time of the scan
	{"时区", kText, 10},       // UTC offset at the scan, "UTC+08:00"
	{"活动", kText, 24},       // event title
	{"场次开始", kDateTime, 19}, // the session's start, local
	{"站点", kText, 16},       // the event's site
	{"访客", kText, 13},       // phone, masked unless Options.FullPhone; else AttendanceRow.Visitor
	{"姓名", kText, 10},       // visitor's name
	{"所属社区", kText, 16},     // visitor's community
	{"方式", kText, 9},        // MethodLabel
	{"签到/签退", kText, 9},     // DirectionLabel; empty for a refused scan
	{"结果", kText, 6},        // OutcomeLabel; 重复 for a row with DuplicateOf
	{"原因", kText, 16},       // ReasonLabel; DuplicateLabel for a row with DuplicateOf
	{"设备", kText, 38},       // kiosk device id
	{"密钥编号", kInt, 12},      // pass signing key id
	{"通行证号", kInt, 9},       // pass number under that key
	{"已验签", kText, 7},       // 是/否: signature checked against a known key
	{"上传时间", kDateTime, 19}, // when the hub received the record; empty until synced
	{"自动签退", kText, 9},      // 是 for method auto
	{"补录", kText, 6},        // 是 for a back-filled record
	{"经办人", kText, 10},      // staff member
	{"记录编号", kText, 38},     // record id (UUIDv7)
}}

// AttendanceHeaders returns the attendance log's column headers, in order:
//
//	日期 时间 时区 活动 场次开始 站点 访客 姓名 所属社区 方式 签到/签退 结果 原因
//	设备 密钥编号 通行证号 已验签 上传时间 自动签退 补录 经办人 记录编号
func AttendanceHeaders() []string { return attendanceTable.headers() }

// attendanceCells fills cells (len(attendanceTable.cols)) with the row r.
func attendanceCells(cells []cell, r AttendanceRow, o Options, loc *time.Location) {
	at := clock(r.WallMS, loc, false)
	dir := DirectionLabel(r.Direction)
	if r.Outcome == data.Refused {
		dir = "" // a refused scan decided no direction
	}
	visitor := o.phone(r.Phone)
	if visitor == "" {
		visitor = r.Visitor
	}
	outcome, reason := OutcomeLabel(r.Outcome), ReasonLabel(r.Reason)
	if r.DuplicateOf != "" {
		outcome, reason = OutcomeLabel(data.Duplicate), DuplicateLabel(r.DuplicateOf)
	}
	session := cell{null: true}
	if r.EventID != "" {
		session = clock(r.SessionStartMS, loc, false)
	}
	copy(cells, []cell{
		at,
		at,
		text(Offset(at.t)),
		text(r.EventTitle),
		session,
		text(r.SiteName),
		text(visitor),
		text(r.VisitorName),
		text(r.CommunityName),
		text(MethodLabel(r.Method)),
		text(dir),
		text(outcome),
		text(reason),
		text(r.DeviceID),
		number(int64(r.Pass.KeyID), true),
		number(int64(r.Pass.No), true),
		text(yesNo(r.Verified)),
		clock(r.UploadedMS, loc, true),
		text(yesNo(r.Method == data.MethodAuto)),
		text(yesNo(r.Backfilled)),
		text(r.Staff),
		text(r.ID),
	})
}

// eachAttendance turns src's rows into cells for emit.
func eachAttendance(src Source, o Options) func(emit func([]cell) error) error {
	loc := o.zone()
	cells := make([]cell, len(attendanceTable.cols))
	return func(emit func([]cell) error) error {
		return src(func(r AttendanceRow) error {
			attendanceCells(cells, r, o, loc)
			return emit(cells)
		})
	}
}

// WriteAttendanceCSV writes the attendance log as CSV to w: a header row
// (AttendanceHeaders) and one row per record src delivers, in its order. It
// returns the number of data rows written.
//
// The file is UTF-8 starting with a BOM (zh-CN Excel needs it to read UTF-8),
// or with Options.GB18030 GB18030 without a BOM; comma-separated, each record
// ended by CRLF, fields quoted where RFC 4180 needs it (encoding/csv), line
// breaks inside a field kept as they are. Dates are 2006-01-02, times
// 15:04:05 and date-times 2006-01-02 15:04:05 in Options.Zone; the offset is
// "UTC+08:00". Text cells are neutralised against CSV injection
// (Neutralise). Phones are masked unless Options.FullPhone; a full phone in
// CSV is a bare 11-digit number, which Excel shows as 1.38E+10 — XLSX keeps
// it as text.
//
// An error from src or w stops the writing and is returned; w then holds a
// partial file (WriteFile makes files all or nothing).
func WriteAttendanceCSV(w io.Writer, src Source, o Options) (int, error) {
	return writeCSV(w, attendanceTable, o, eachAttendance(src, o))
}

// WriteAttendanceXLSX writes the attendance log as an XLSX workbook to w:
// one sheet, 考勤记录, with a bold, frozen header row, set column widths and
// one row per record. Dates and times are Excel date-time serials of the
// wall clock in Options.Zone with number formats (yyyy-mm-dd, hh:mm:ss,
// yyyy-mm-dd hh:mm:ss); key ids and pass numbers are numbers; everything
// else, phones included, is text (inline strings, never formulas, so they
// are not neutralised). Text longer than 32767 characters, Excel's cell
// limit, is cut there.
//
// Rows go through excelize's StreamWriter: memory stays bounded (sheet data
// beyond 16 MiB is spilled to a temporary file in Options.TempDir). Nothing
// is written to w until every row has been read from src. It returns the
// number of data rows. More than MaxXLSXRows rows fail with a
// *TooManyRowsError, found at the row beyond the limit: count them first and
// call CheckRows to refuse the export before reading them.
func WriteAttendanceXLSX(w io.Writer, src Source, o Options) (int, error) {
	fill := eachAttendance(src, o)
	return writeXLSX(w, o, []table{attendanceTable}, func(_ int, emit func([]cell) error) error { return fill(emit) })
}

// WriteAttendance writes the attendance log in format f
// (WriteAttendanceCSV or WriteAttendanceXLSX).
func WriteAttendance(w io.Writer, f Format, src Source, o Options) (int, error) {
	switch f {
	case CSV:
		return WriteAttendanceCSV(w, src, o)
	case XLSX:
		return WriteAttendanceXLSX(w, src, o)
	}
	return 0, fmt.Errorf("export format %q: %w", f, ErrFormat)
}

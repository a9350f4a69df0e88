package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// bj returns a Beijing wall-clock time as UTC ms.
func bj(s string) int64 {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

// utcLocal makes the process behave as on a machine set to UTC for the
// test: time.Local is read once, so setting TZ alone would not do.
func utcLocal(t *testing.T) {
	t.Helper()
	t.Setenv("TZ", "UTC")
	old := time.Local
	time.Local = time.UTC
	t.Cleanup(func() { time.Local = old })
}

// hostile are names a spreadsheet could run, or that break naive CSV.
var hostile = []string{"=1+1", "+cmd|' /C calc'!A0", "-2", "@SUM(1+1)", "\t张三", "\r李四",
	"王\"五\",\n第二行", "𠮷野家😀", "末尾\r"}

// goldenRows are fixed records covering every column: a check-in at 07:30
// Beijing (23:30 UTC the day before), a refused unknown pass, an automatic
// check-out, back-filled staff records, an uploaded record, hostile names.
func goldenRows() []AttendanceRow {
	taiji := func(r AttendanceRow) AttendanceRow {
		r.EventID, r.EventTitle, r.SiteID, r.SiteName = "taiji", "晨练太极", "centre", "区中心"
		r.EventStartMS, r.EventEndMS = bj("2026-11-02 07:30:00"), bj("2026-11-02 08:30:00")
		r.SessionStartMS = bj("2026-11-30 07:30:00")
		return r
	}
	person := func(r AttendanceRow, i int) AttendanceRow {
		r.VisitorID = "v" + string(rune('0'+i))
		r.Subject = r.VisitorID
		r.Phone = "1380013800" + string(rune('0'+i))
		r.VisitorName = hostile[i]
		r.CommunityID, r.CommunityName = "qinghe", "@清河社区"
		r.Pass = data.PassRef{KeyID: 2203268636, No: uint32(i + 1)}
		return r
	}
	rec := func(id, at string, m data.Method, d data.Direction, o data.Outcome, why data.Reason) AttendanceRow {
		return AttendanceRow{CheckIn: data.CheckIn{ID: id, WallMS: bj("2026-11-30 " + at), Method: m, Direction: d,
			Outcome: o, Reason: why, DeviceID: "kiosk-0001", Verified: true}}
	}
	var rows []AttendanceRow
	for i := range hostile {
		rows = append(rows, person(taiji(rec("r0"+string(rune('a'+i)), "07:30:00", data.MethodQR, data.In, data.Accepted, "")), i))
	}
	unknown := rec("r1", "07:31:05", data.MethodQR, data.In, data.Refused, data.ReasonUnreadable)
	unknown.Verified = false
	rows = append(rows, unknown)
	auto := person(taiji(rec("r2", "08:30:00", data.MethodAuto, data.Out, data.Accepted, "")), 1)
	staff := person(taiji(rec("r3", "09:10:00", data.MethodStaff, data.Out, data.Accepted, "")), 4)
	staff.Staff, staff.Backfilled = "=管理员", true
	up := person(taiji(rec("r4", "08:00:59", data.MethodPhone, data.Out, data.Accepted, "")), 0)
	up.UploadedMS = bj("2026-11-30 08:01:02")
	dup := person(taiji(rec("r5", "08:01:00", data.MethodQR, data.Out, data.Refused, data.ReasonAlreadyOut)), 0)
	rows = append(rows, up, dup, auto, staff)
	return rows
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n got %q\nwant %q", name, got, want)
	}
}

// readCSV parses a UTF-8 CSV export: it must start with the BOM, and every
// record must end with CRLF.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(BOM)) {
		t.Fatalf("no UTF-8 BOM at the start: % x", b[:min(len(b), 8)])
	}
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatal("the file does not end with CRLF")
	}
	r := csv.NewReader(bytes.NewReader(b[len(BOM):]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestAttendanceCSVGolden(t *testing.T) {
	utcLocal(t)
	var buf bytes.Buffer
	var progress []int
	n, err := WriteAttendanceCSV(&buf, Rows(goldenRows()), Options{Progress: func(n int) { progress = append(progress, n) }})
	if err != nil || n != len(goldenRows()) {
		t.Fatalf("WriteAttendanceCSV = %d, %v", n, err)
	}
	if !reflect.DeepEqual(progress, []int{n}) {
		t.Fatalf("progress calls %v, want [%d]", progress, n)
	}
	golden(t, "attendance.csv", buf.Bytes())
	recs := readCSV(t, buf.Bytes())
	if !reflect.DeepEqual(recs[0], AttendanceHeaders()) {
		t.Fatalf("header %q", recs[0])
	}
	for i, rec := range recs {
		if len(rec) != len(AttendanceHeaders()) {
			t.Fatalf("record %d has %d fields", i, len(rec))
		}
	}
	col := func(name string) int { return slicesIndex(AttendanceHeaders(), name) }
	first := recs[1]
	for name, want := range map[string]string{
		"日期": "2026-11-30", "时间": "07:30:00", "时区": "UTC+08:00", "场次开始": "2026-11-30 07:30:00",
		"访客": "138****8000", "姓名": "'=1+1", "所属社区": "'@清河社区", "方式": "扫码", "签到/签退": "签到",
		"结果": "成功", "密钥编号": "2203268636", "通行证号": "1", "已验签": "是", "上传时间": "", "自动签退": "否",
	} {
		if got := first[col(name)]; got != want {
			t.Errorf("first row %s = %q, want %q", name, got, want)
		}
	}
	// Hostile names come back intact behind the quote, and inert.
	for i, h := range hostile {
		got := recs[1+i][col("姓名")]
		want := h
		if strings.ContainsAny(h[:1], "=+-@\t\r") {
			want = "'" + h
		}
		if got != want {
			t.Errorf("name %q came back as %q, want %q", h, got, want)
		}
	}
	byID := map[string][]string{}
	for _, r := range recs[1:] {
		byID[r[col("记录编号")]] = r
	}
	if r := byID["r1"]; r[col("结果")] != "拒绝" || r[col("原因")] != "无法识别的码" || r[col("签到/签退")] != "" ||
		r[col("活动")] != "" || r[col("场次开始")] != "" || r[col("密钥编号")] != "" || r[col("已验签")] != "否" {
		t.Errorf("refused unknown pass: %q", r)
	}
	if r := byID["r2"]; r[col("方式")] != "自动签退" || r[col("自动签退")] != "是" || r[col("签到/签退")] != "签退" {
		t.Errorf("automatic check-out: %q", r)
	}
	if r := byID["r3"]; r[col("补录")] != "是" || r[col("经办人")] != "'=管理员" || r[col("方式")] != "工作人员" {
		t.Errorf("back-filled staff record: %q", r)
	}
	if r := byID["r4"]; r[col("上传时间")] != "2026-11-30 08:01:02" || r[col("时间")] != "08:00:59" {
		t.Errorf("uploaded record: %q", r)
	}
	if r := byID["r5"]; r[col("结果")] != "拒绝" || r[col("原因")] != "已签退" {
		t.Errorf("refused duplicate check-out: %q", r)
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	panic("no column " + v)
}

func TestFullPhoneOnlyWhenAsked(t *testing.T) {
	var masked, full bytes.Buffer
	if _, err := WriteAttendanceCSV(&masked, Rows(goldenRows()), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteAttendanceCSV(&full, Rows(goldenRows()), Options{FullPhone: true}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(masked.Bytes(), []byte("13800138000")) || !bytes.Contains(masked.Bytes(), []byte("138****8000")) {
		t.Fatal("the default export shows a full phone number")
	}
	if !bytes.Contains(full.Bytes(), []byte("13800138000")) {
		t.Fatal("FullPhone did not write the full number")
	}
}

func TestCSVZoneIndependentOfMachine(t *testing.T) {
	rows := goldenRows()[:1] // 07:30 Beijing = 23:30 UTC the day before
	var beijing, utc bytes.Buffer
	if _, err := WriteAttendanceCSV(&beijing, Rows(rows), Options{}); err != nil {
		t.Fatal(err)
	}
	utcLocal(t)
	if _, err := WriteAttendanceCSV(&utc, Rows(rows), Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(beijing.Bytes(), utc.Bytes()) || !bytes.Contains(utc.Bytes(), []byte("2026-11-30,07:30:00,UTC+08:00")) {
		t.Fatalf("with the machine on UTC: %q", utc.String())
	}
	// Another centre's zone is honoured.
	var ny bytes.Buffer
	loc, _ := time.LoadLocation("America/New_York")
	if _, err := WriteAttendanceCSV(&ny, Rows(rows), Options{Zone: loc}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(ny.Bytes(), []byte("2026-11-29,18:30:00,UTC-05:00")) {
		t.Fatalf("New York: %q", ny.String())
	}
}

func TestGB18030RoundTrip(t *testing.T) {
	var utf, gb bytes.Buffer
	if _, err := WriteAttendanceCSV(&utf, Rows(goldenRows()), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteAttendanceCSV(&gb, Rows(goldenRows()), Options{GB18030: true}); err != nil {
		t.Fatal(err)
	}
	golden(t, "attendance-gb18030.csv", gb.Bytes())
	if bytes.HasPrefix(gb.Bytes(), []byte(BOM)) || bytes.Contains(gb.Bytes(), []byte("日期")) {
		t.Fatal("GB18030 output has a BOM or UTF-8 text")
	}
	if !bytes.HasPrefix(gb.Bytes(), []byte{0xc8, 0xd5, 0xc6, 0xda}) { // 日期 in GB18030
		t.Fatalf("GB18030 output starts % x", gb.Bytes()[:4])
	}
	dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(gb.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if want := utf.Bytes()[len(BOM):]; !bytes.Equal(dec, want) {
		t.Fatalf("GB18030 decoded differs from the UTF-8 export:\n got %q\nwant %q", dec, want)
	}
	for _, s := range []string{"𠮷野家😀", "@清河社区"} {
		if !bytes.Contains(dec, []byte(s)) {
			t.Fatalf("%q lost in GB18030", s)
		}
	}
}

// openXLSX reads an XLSX export back.
func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// unquote undoes Neutralise for comparing CSV text with XLSX text.
func unquote(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsAny(s[1:2], "=+-@\t\r") {
		return s[1:]
	}
	return s
}

func TestAttendanceXLSX(t *testing.T) {
	utcLocal(t)
	var csvBuf, buf bytes.Buffer
	if _, err := WriteAttendanceCSV(&csvBuf, Rows(goldenRows()), Options{}); err != nil {
		t.Fatal(err)
	}
	n, err := WriteAttendanceXLSX(&buf, Rows(goldenRows()), Options{})
	if err != nil || n != len(goldenRows()) {
		t.Fatalf("WriteAttendanceXLSX = %d, %v", n, err)
	}
	f := openXLSX(t, buf.Bytes())
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{AttendanceSheet}) {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows(AttendanceSheet)
	if err != nil {
		t.Fatal(err)
	}
	// The formatted cells read the same as the CSV, less the quote that
	// neutralises text there (XLSX text is never a formula).
	want := readCSV(t, csvBuf.Bytes())
	for i := range want {
		for j := range want[i] {
			want[i][j] = unquote(want[i][j])
		}
		for len(rows[i]) < len(want[i]) { // GetRows drops trailing empty cells
			rows[i] = append(rows[i], "")
		}
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("XLSX cells:\n got %q\nwant %q", rows, want)
	}
	checkLayout(t, f, AttendanceSheet, len(AttendanceHeaders()))
	// Types: dates and times are numbers (serials) with a date format,
	// numbers are numbers, hostile text is text and no formula.
	for cell, want := range map[string]string{
		"A2": "46356",  // 2026-11-30
		"B2": "0.3125", // 07:30
		"E2": "46356.3125",
		"O2": "2203268636",
	} {
		raw, err := f.GetCellValue(AttendanceSheet, cell, excelize.Options{RawCellValue: true})
		if err != nil || raw != want {
			t.Errorf("raw %s = %q, %v; want %s", cell, raw, err, want)
		}
		if typ, _ := f.GetCellType(AttendanceSheet, cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s has type %v, want a number", cell, typ)
		}
	}
	for i, h := range hostile {
		cell := "H" + strconv.Itoa(i+2)
		v, _ := f.GetCellValue(AttendanceSheet, cell)
		typ, _ := f.GetCellType(AttendanceSheet, cell)
		formula, _ := f.GetCellFormula(AttendanceSheet, cell)
		if v != h || typ != excelize.CellTypeInlineString || formula != "" {
			t.Errorf("name %q: cell %s = %q, type %v, formula %q", h, cell, v, typ, formula)
		}
	}
}

// checkLayout checks a sheet's header row is bold, frozen, and that every
// column has a width.
func checkLayout(t *testing.T, f *excelize.File, sheet string, cols int) {
	t.Helper()
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("%s panes %+v, %v: want the top row frozen", sheet, panes, err)
	}
	for c := 1; c <= cols; c++ {
		ref, _ := excelize.CoordinatesToCellName(c, 1)
		id, err := f.GetCellStyle(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || st.Font == nil || !st.Font.Bold {
			t.Errorf("%s header %s is not bold", sheet, ref)
		}
		name, _ := excelize.ColumnNumberToName(c)
		if w, err := f.GetColWidth(sheet, name); err != nil || w < 5 || w == 9.140625 /* the default */ {
			t.Errorf("%s column %s width %v, %v", sheet, name, w, err)
		}
	}
}

func TestWriteFileAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "考勤.csv")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A source failing after some rows have been written.
	fail := errors.New("disk gone")
	src := func(fn func(AttendanceRow) error) error {
		for i, r := range goldenRows() {
			if i == 3 {
				return fail
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	for _, format := range []Format{CSV, XLSX} {
		err := WriteFile(path, func(w io.Writer) error { _, err := WriteAttendance(w, format, src, Options{}); return err })
		if !errors.Is(err, fail) {
			t.Fatalf("%s: err = %v, want the source's", format, err)
		}
		assertOnly(t, dir, path, "old")
	}
	// A panic in the writer.
	func() {
		defer func() { recover() }()
		WriteFile(path, func(w io.Writer) error { w.Write([]byte("partial")); panic("boom") })
	}()
	assertOnly(t, dir, path, "old")
	// Success replaces the file.
	if err := WriteFile(path, func(w io.Writer) error {
		_, err := WriteAttendanceCSV(w, Rows(goldenRows()), Options{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if len(readCSV(t, b)) != len(goldenRows())+1 {
		t.Fatal("the new file is incomplete")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("folder holds %d entries after success", len(entries))
	}
	// A folder that does not exist.
	if err := WriteFile(filepath.Join(dir, "no", "x.csv"), func(io.Writer) error { return nil }); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
}

// assertOnly checks dir holds only path, with content want.
func assertOnly(t *testing.T, dir, path, want string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("folder holds %q, want only %s", names, filepath.Base(path))
	}
	if b, _ := os.ReadFile(path); string(b) != want {
		t.Fatalf("%s = %q, want %q", path, b, want)
	}
}

func TestProgressEveryThousandRows(t *testing.T) {
	rows := make([]AttendanceRow, 2500)
	for i := range rows {
		rows[i] = goldenRows()[0]
	}
	for _, format := range []Format{CSV, XLSX} {
		var calls []int
		n, err := WriteAttendance(io.Discard, format, Rows(rows), Options{Progress: func(n int) { calls = append(calls, n) }})
		if err != nil || n != 2500 || !reflect.DeepEqual(calls, []int{1000, 2000, 2500}) {
			t.Fatalf("%s: n = %d, %v, progress %v", format, n, err, calls)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, c := range []struct {
		s, path string
		want    Format
	}{{"csv", "", CSV}, {"XLSX", "a.XLSX", XLSX}, {"csv", "a.txt", CSV}, {"", "out/考勤.xlsx", XLSX}, {"", "a.CSV", CSV}} {
		if got, err := ParseFormat(c.s, c.path); err != nil || got != c.want {
			t.Errorf("ParseFormat(%q, %q) = %q, %v", c.s, c.path, got, err)
		}
	}
	if _, err := ParseFormat("xlsx", "a.csv"); !errors.Is(err, ErrFormatExt) {
		t.Errorf("xlsx into a.csv: %v", err)
	}
	if _, err := ParseFormat("CSV", "考勤.xlsx"); !errors.Is(err, ErrFormatExt) {
		t.Errorf("csv into .xlsx: %v", err)
	}
	if _, err := ParseFormat("", "a.txt"); !errors.Is(err, ErrFormat) {
		t.Errorf("a.txt: %v", err)
	}
	if _, err := WriteAttendance(io.Discard, "ods", Rows(nil), Options{}); !errors.Is(err, ErrFormat) {
		t.Errorf("ods: %v", err)
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "=1+1": "'=1+1", "+86": "'+86", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"张三": "张三", "a=b": "a=b", "UTC+08:00": "UTC+08:00", " =1": " =1", "'=1": "'=1",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestXLSXRowLimit(t *testing.T) {
	if err := CheckRows(XLSX, MaxXLSXRows); err != nil {
		t.Errorf("CheckRows(XLSX, %d) = %v", MaxXLSXRows, err)
	}
	if err := CheckRows(CSV, 2*MaxXLSXRows); err != nil {
		t.Errorf("CheckRows(CSV, %d) = %v", 2*MaxXLSXRows, err)
	}
	var tooMany *TooManyRowsError
	err := CheckRows(XLSX, MaxXLSXRows+1)
	if !errors.As(err, &tooMany) || tooMany.Rows != MaxXLSXRows+1 || !strings.Contains(err.Error(), "1048576 rows") {
		t.Errorf("CheckRows(XLSX, %d) = %v", MaxXLSXRows+1, err)
	}

	// The writer takes the sheet's last row and refuses the one after it,
	// with its own error rather than excelize's.
	b, err := newBook(Options{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	s, err := b.sheet(attendanceTable)
	if err != nil {
		t.Fatal(err)
	}
	cells := make([]cell, len(attendanceTable.cols))
	attendanceCells(cells, goldenRows()[0], Options{}, time.UTC)
	s.row = MaxXLSXRows // as if all rows but the last were written
	if err := s.add(cells); err != nil {
		t.Fatalf("the last row: %v", err)
	}
	if err := s.add(cells); !errors.As(err, &tooMany) || tooMany.Rows != 0 ||
		!strings.Contains(err.Error(), "more than 1048575 rows") {
		t.Errorf("a row beyond the last: %v", err)
	}
}

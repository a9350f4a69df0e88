package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/export/exporttest"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var ctx = context.Background()

// utcLocal makes the process behave as on a machine set to UTC for the
// test: time.Local is read once, so setting TZ alone would not do.
func utcLocal(t *testing.T) {
	t.Helper()
	t.Setenv("TZ", "UTC")
	old := time.Local
	time.Local = time.UTC
	t.Cleanup(func() { time.Local = old })
}

// scenario is exporttest.Scenario with ended sessions closed, as kioskctl
// does before exporting.
func scenario(t *testing.T) *exporttest.Fixture {
	t.Helper()
	f := exporttest.Scenario(t, t.TempDir())
	if n, err := f.Svc.CloseEnded(ctx); err != nil || n != 2 {
		t.Fatalf("CloseEnded = %d, %v; want 2", n, err)
	}
	return f
}

// exportAll writes the attendance log (CSV, GB18030 CSV, XLSX) and the
// hours report (CSV per person and per community, XLSX) of the whole store
// into dir, through WriteFile, and returns the paths by short name.
func exportAll(t *testing.T, st *sqlite.Store, dir string) map[string]string {
	t.Helper()
	src := st.AttendanceSource(ctx, sqlite.AttendanceFilter{})
	rep, err := export.ComputeHours(st.AttendanceSource(ctx, sqlite.AttendanceFilter{AcceptedOnly: true}))
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for name, write := range map[string]func(io.Writer) (int, error){
		"考勤.csv": func(w io.Writer) (int, error) { return export.WriteAttendanceCSV(w, src, export.Options{}) },
		"考勤-gb.csv": func(w io.Writer) (int, error) {
			return export.WriteAttendanceCSV(w, src, export.Options{GB18030: true})
		},
		"考勤.xlsx": func(w io.Writer) (int, error) { return export.WriteAttendanceXLSX(w, src, export.Options{}) },
		"时长.csv":  func(w io.Writer) (int, error) { return export.WriteHoursCSV(w, rep, export.Options{}) },
		"时长-社区.csv": func(w io.Writer) (int, error) {
			return export.WriteHoursCSV(w, rep, export.Options{HoursBy: export.ByCommunity})
		},
		"时长.xlsx": func(w io.Writer) (int, error) { return export.WriteHoursXLSX(w, rep, export.Options{}) },
	} {
		p := filepath.Join(dir, name)
		if err := export.WriteFile(p, func(w io.Writer) error { _, err := write(w); return err }); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		paths[name] = p
	}
	return paths
}

// readCSV reads a CSV file, dropping a leading UTF-8 BOM.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(export.BOM))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// readXLSX returns the formatted cells of a sheet, rows padded to width.
func readXLSX(t *testing.T, path, sheet string, width int) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		for len(rows[i]) < width {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

// unquote undoes export.Neutralise on every cell.
func unquote(recs [][]string) [][]string {
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = make([]string, len(r))
		for j, s := range r {
			if len(s) > 1 && s[0] == '\'' && export.Neutralise(s[1:]) == s {
				s = s[1:]
			}
			out[i][j] = s
		}
	}
	return out
}

func column(name string) int {
	for i, h := range export.AttendanceHeaders() {
		if h == name {
			return i
		}
	}
	panic(name)
}

func TestScenarioAttendanceInBeijingTimeOnAUTCMachine(t *testing.T) {
	utcLocal(t)
	f := scenario(t)
	paths := exportAll(t, f.Store, t.TempDir())
	recs := readCSV(t, paths["考勤.csv"])
	if len(recs) != exporttest.Records+1 {
		t.Fatalf("%d CSV records, want %d and a header", len(recs), exporttest.Records)
	}
	// B's check-in at 07:30 Beijing is 23:30 UTC the day before.
	b := recs[2]
	if exporttest.MS("07:30") != time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC).UnixMilli() {
		t.Fatal("the scenario's 07:30 is not 23:30 UTC the day before")
	}
	for name, want := range map[string]string{"日期": "2026-11-30", "时间": "07:30:00", "时区": "UTC+08:00",
		"姓名": "'+cmd|' /C calc'!A0", "方式": "扫码", "签到/签退": "签到", "结果": "成功", "设备": exporttest.Device} {
		if got := b[column(name)]; got != want {
			t.Errorf("B's check-in %s = %q, want %q", name, got, want)
		}
	}
	// Every hostile name and title is neutralised in CSV and intact in XLSX.
	xl := readXLSX(t, paths["考勤.xlsx"], export.AttendanceSheet, len(export.AttendanceHeaders()))
	if want := unquote(recs); !reflect.DeepEqual(xl, want) {
		t.Fatalf("XLSX cells differ from the CSV's:\n got %q\nwant %q", xl, want)
	}
	names := map[string]bool{}
	for i, r := range recs[1:] {
		if n := xl[i+1][column("姓名")]; n != "" {
			names[n] = true
			if want := export.Neutralise(n); r[column("姓名")] != want {
				t.Errorf("CSV name %q, want %q", r[column("姓名")], want)
			}
		}
		if title := r[column("活动")]; strings.Contains(title, "HYPERLINK") && title != "'"+exporttest.Talk.Title {
			t.Errorf("Talk's title in CSV: %q", title)
		}
		switch r[column("方式")] {
		case "自动签退":
			if r[column("时间")] != "08:30:00" || r[column("自动签退")] != "是" || r[column("签到/签退")] != "签退" {
				t.Errorf("automatic check-out: %q", r)
			}
		case "工作人员":
			if r[column("补录")] != "是" || r[column("经办人")] != "'"+exporttest.Staff {
				t.Errorf("back-filled record: %q", r)
			}
		}
	}
	for _, p := range exporttest.People {
		if !names[p.Name] {
			t.Errorf("name %q is not in the XLSX intact", p.Name)
		}
	}
	raw, err := os.ReadFile(paths["考勤-gb.csv"])
	if err != nil {
		t.Fatal(err)
	}
	dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	if err != nil || bytes.Equal(dec, raw) {
		t.Fatalf("GB18030 file: %v (or not GB18030 at all)", err)
	}
	gb, err := csv.NewReader(bytes.NewReader(dec)).ReadAll()
	if err != nil || !reflect.DeepEqual(gb, recs) {
		t.Fatalf("GB18030 file reads %q, %v; want the UTF-8 file's cells", gb, err)
	}
}

func TestScenarioHours(t *testing.T) {
	utcLocal(t)
	f := scenario(t)
	day := exporttest.At("00:00")
	rep, err := export.ComputeHours(f.Store.AttendanceSource(ctx, sqlite.AttendanceFilter{
		SessionFromMS: day.UnixMilli(), SessionToMS: day.AddDate(0, 0, 1).UnixMilli(), AcceptedOnly: true}))
	if err != nil {
		t.Fatal(err)
	}
	key := map[string]string{}
	for _, p := range exporttest.People {
		key[f.Reg[p.Key].Visitor.ID] = p.Key
	}
	var got []exporttest.Hours
	for _, v := range rep.Visitors {
		got = append(got, exporttest.Hours{Key: key[v.Subject], Sessions: v.Sessions,
			Hours: strconv.FormatFloat(export.Hours(v.ServiceMS), 'f', 2, 64), Unclosed: v.Unclosed,
			Auto: v.Auto > 0, Backfilled: v.Backfilled > 0})
	}
	want := map[string]exporttest.Hours{}
	for _, h := range exporttest.WantHours {
		want[h.Key] = h
	}
	if len(got) != len(want) {
		t.Fatalf("%d people in the report, want %d: %+v", len(got), len(want), got)
	}
	for _, g := range got {
		if g != want[g.Key] {
			t.Errorf("%s: got %+v, want %+v", g.Key, g, want[g.Key])
		}
	}
	// The per-community totals add up.
	var total int64
	for _, c := range rep.Communities {
		total += c.ServiceMS
	}
	if total != (30+60+50+45+39+20)*60_000 {
		t.Errorf("total service %d ms", total)
	}
}

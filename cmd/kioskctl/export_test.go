package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/export/exporttest"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// exportFixture records the exporttest scenario in a database, closes it,
// and runs kioskctl at 09:30 that day on a machine set to UTC.
func exportFixture(t *testing.T) (db string, f *exporttest.Fixture) {
	t.Helper()
	t.Setenv("TZ", "UTC")
	oldLocal, oldNow := time.Local, exportNow
	time.Local = time.UTC
	exportNow = func() time.Time { return exporttest.At("09:30") }
	t.Cleanup(func() { time.Local, exportNow = oldLocal, oldNow })
	f = exporttest.Scenario(t, t.TempDir())
	f.Store.Close()
	return f.Path, f
}

// kioskctl runs the command line and returns its output; it fails the test
// unless the exit status is want.
func kioskctl(t *testing.T, want int, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), args, &out, &errOut); code != want {
		t.Fatalf("kioskctl %q: exit %d, want %d\n%s%s", args, code, want, out.String(), errOut.String())
	}
	return out.String() + errOut.String()
}

func csvRecords(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(export.BOM)) {
		t.Fatalf("%s has no UTF-8 BOM", path)
	}
	r := csv.NewReader(bytes.NewReader(b[len(export.BOM):]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestExportCommand(t *testing.T) {
	db, _ := exportFixture(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "考勤.csv")
	msg := kioskctl(t, 0, "export", "--db", db, "--format", "csv", "--out", out)
	if !strings.Contains(msg, "checked out 2 visitor(s)") || !strings.Contains(msg, "wrote 15 record(s), all days") {
		t.Fatalf("output: %s", msg)
	}
	recs := csvRecords(t, out)
	if len(recs) != exporttest.Records+1 || !reflect.DeepEqual(recs[0], export.AttendanceHeaders()) {
		t.Fatalf("%d records, header %q", len(recs), recs[0])
	}
	if b := recs[2]; b[0] != "2026-11-30" || b[1] != "07:30:00" || b[6] != "139****9000" {
		t.Fatalf("B's check-in at 07:30 Beijing: %q", b)
	}
	if b, _ := os.ReadFile(out); bytes.Contains(b, []byte("13900139000")) {
		t.Fatal("a full phone number without --full-phone")
	}

	// Filters. Days are Beijing days: B's 07:30 check-in (23:30 UTC on the
	// 29th) is on the 30th.
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"--from", "2026-11-30", "--to", "2026-11-30"}, exporttest.Records},
		{[]string{"--to", "2026-11-29"}, 0},
		{[]string{"--from", "2026-12-01"}, 0},
		{[]string{"--event", "talk"}, 3},
		{[]string{"--community", "qinghe"}, 5},
		{[]string{"--accepted-only"}, exporttest.Records - 2},
		{[]string{"--event", "taiji", "--community", "wenhuayuan", "--accepted-only", "--from", "2026-11-30"}, 6},
	} {
		p := filepath.Join(dir, "f.csv")
		kioskctl(t, 0, append([]string{"export", "--db", db, "--out", p}, c.args...)...)
		if got := len(csvRecords(t, p)) - 1; got != c.want {
			t.Errorf("export %q: %d records, want %d", c.args, got, c.want)
		}
	}

	// --full-phone, --gb18030, xlsx.
	full := filepath.Join(dir, "full.csv")
	kioskctl(t, 0, "export", "--db", db, "--out", full, "--full-phone")
	if b, _ := os.ReadFile(full); !bytes.Contains(b, []byte("13900139000")) {
		t.Fatal("--full-phone did not write the full number")
	}
	gb := filepath.Join(dir, "gb.csv")
	kioskctl(t, 0, "export", "--db", db, "--out", gb, "--gb18030")
	raw, _ := os.ReadFile(gb)
	utf, _ := os.ReadFile(out)
	if dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw); err != nil || !bytes.Equal(dec, utf[len(export.BOM):]) {
		t.Fatalf("the GB18030 export does not decode to the UTF-8 one: %v", err)
	}
	xl := filepath.Join(dir, "考勤.xlsx")
	kioskctl(t, 0, "export", "--db", db, "--out", xl) // format from the extension
	wb, err := excelize.OpenFile(xl)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, _ := wb.GetRows(export.AttendanceSheet)
	if len(rows) != exporttest.Records+1 || rows[2][0] != "2026-11-30" || rows[2][1] != "07:30:00" || rows[2][7] != "+cmd|' /C calc'!A0" {
		t.Fatalf("XLSX: %d rows; B's check-in %q", len(rows), rows[2])
	}
}

func TestExportNoClose(t *testing.T) {
	db, _ := exportFixture(t)
	out := filepath.Join(t.TempDir(), "a.csv")
	kioskctl(t, 0, "export", "--db", db, "--out", out, "--no-close")
	if got := len(csvRecords(t, out)) - 1; got != exporttest.Records-2 {
		t.Fatalf("--no-close: %d records, want %d (no automatic check-outs)", got, exporttest.Records-2)
	}
}

func TestExportRefusesBadArguments(t *testing.T) {
	db, _ := exportFixture(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "a.csv")
	for _, args := range [][]string{
		{"export", "--db", db},
		{"export", "--db", db, "--out", filepath.Join(dir, "a.pdf")},
		{"export", "--db", db, "--out", out, "--format", "ods"},
		{"export", "--db", db, "--out", out, "--from", "2026/11/30"},
		{"export", "--db", db, "--out", out, "--from", "2026-12-01", "--to", "2026-11-30"},
		{"export", "--db", db, "--out", filepath.Join(dir, "missing", "a.csv")},
		{"hours", "--db", db, "--out", out, "--by", "site"},
		{"export", "--db", db, "--out", out, "stray"},
	} {
		kioskctl(t, 1, args...)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("failed exports left %d file(s)", len(entries))
	}
}

func TestHoursCommand(t *testing.T) {
	db, f := exportFixture(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "时长.csv")
	msg := kioskctl(t, 0, "hours", "--db", db, "--out", out, "--from", "2026-11-30", "--to", "2026-11-30")
	if !strings.Contains(msg, "7 visitor(s)") || !strings.Contains(msg, "4.07 hours in total") ||
		!strings.Contains(msg, "1 check-in(s) have no check-out") {
		t.Fatalf("output: %s", msg)
	}
	recs := csvRecords(t, out)
	if !reflect.DeepEqual(recs[0], export.HoursHeaders()) {
		t.Fatalf("header %q", recs[0])
	}
	byName := map[string][]string{}
	for _, r := range recs[1:] {
		byName[r[0]] = r
	}
	for _, w := range exporttest.WantHours {
		var p exporttest.Person
		for _, q := range exporttest.People {
			if q.Key == w.Key {
				p = q
			}
		}
		r := byName[export.Neutralise(p.Name)]
		yes := map[bool]string{true: export.Yes, false: export.No}
		want := []string{export.Neutralise(p.Name), r[1], r[2], itoa(w.Sessions), w.Hours, itoa(w.Unclosed),
			yes[w.Auto], yes[w.Backfilled], f.Reg[w.Key].Visitor.ID}
		if !reflect.DeepEqual(r, want) {
			t.Errorf("%s: %q, want %q", w.Key, r, want)
		}
	}
	if len(recs)-1 != len(exporttest.WantHours) {
		t.Errorf("%d people, want %d", len(recs)-1, len(exporttest.WantHours))
	}

	// Another day has nobody; per community; XLSX has both sheets.
	kioskctl(t, 0, "hours", "--db", db, "--out", out, "--from", "2026-12-01")
	if n := len(csvRecords(t, out)); n != 1 {
		t.Errorf("hours on 2026-12-01: %d records, want the header only", n)
	}
	kioskctl(t, 0, "hours", "--db", db, "--out", out, "--by", "community")
	if recs := csvRecords(t, out); len(recs) != 5 || recs[4][0] != "（未填写社区）" || recs[1][3] != "1.17" {
		t.Errorf("per community: %q", recs)
	}
	xl := filepath.Join(dir, "时长.xlsx")
	kioskctl(t, 0, "hours", "--db", db, "--out", xl, "--community", "qinghe")
	wb, err := excelize.OpenFile(xl)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	people, _ := wb.GetRows(export.HoursSheet)
	groups, _ := wb.GetRows(export.CommunitySheet)
	if len(people) != 3 || len(groups) != 2 || groups[1][0] != "@清河社区" || groups[1][3] != "1.17" {
		t.Errorf("XLSX for qinghe: %q / %q", people, groups)
	}
}

func TestHoursPerTeamCommand(t *testing.T) {
	db, f := exportFixture(t)
	dir := t.TempDir()
	teams := filepath.Join(dir, "teams.yaml")
	os.WriteFile(teams, []byte("teams:\n  - {id: lf, site: centre, name: 雷锋团, kind: 社会}\n"), 0o644)
	kioskctl(t, 0, "import", "--db", db, teams)
	// B, E and F join the team with its pass sheet (no names: theirs stay).
	var list strings.Builder
	list.WriteString("手机号\n")
	for _, k := range []string{"B", "E", "F"} {
		list.WriteString(f.Reg[k].Visitor.Phone + "\n")
	}
	members := filepath.Join(dir, "team.csv")
	os.WriteFile(members, []byte(list.String()), 0o644)
	kioskctl(t, 0, "passes", "--db", db, "--team", "lf", "--csv", members, "--out", filepath.Join(dir, "passes"))

	out := filepath.Join(dir, "团队.csv")
	msg := kioskctl(t, 0, "hours", "--db", db, "--out", out, "--by", "team", "--from", "2026-11-30", "--to", "2026-11-30")
	if !strings.Contains(msg, "1 team(s)") {
		t.Errorf("output: %s", msg)
	}
	// B and F were checked out automatically (1.00 and 0.75 hours), E
	// back-filled in and out (0.83).
	want := [][]string{export.TeamHeaders(), {"雷锋团", "社会", "3", "3", "3", "2.58", "0", "2", "2", "lf"}}
	if recs := csvRecords(t, out); !reflect.DeepEqual(recs, want) {
		t.Errorf("per team:\n got %q\nwant %q", recs, want)
	}
	xl := filepath.Join(dir, "时长.xlsx")
	kioskctl(t, 0, "hours", "--db", db, "--out", xl)
	wb, err := excelize.OpenFile(xl)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if rows, _ := wb.GetRows(export.TeamSheet); !reflect.DeepEqual(rows, want) {
		t.Errorf("%s:\n got %q\nwant %q", export.TeamSheet, rows, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

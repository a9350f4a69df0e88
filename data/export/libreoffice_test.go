package export_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data/export"
)

// LibreOffice filter options (CSV filter tokens: separator 44 ",", quote 34
// '"', character set, first line, column formats, language; on export: quote
// text, detect special numbers, save as shown, formulas, trim spaces, sheet).
const (
	loUTF8    = "76"   // RTL_TEXTENCODING_UTF8
	loGB18030 = "85"   // RTL_TEXTENCODING_GB_18030
	loZhCN    = "2052" // LCID of zh-CN: ISO dates, 24-hour times
	// CSV out: UTF-8, cells as shown, to NAME.csv.
	loCSVOut = "csv:Text - txt - csv (StarCalc):44,34," + loUTF8 + ",1,,0,false,true,true,false,false"
	// The same with every sheet to NAME-SHEET.csv.
	loCSVOutSheets = loCSVOut + ",-1"
)

// soffice converts files to CSV with LibreOffice headless into outDir
// (soffice --headless --convert-to csv --outdir DIR FILE…). XLSX input
// (charset "") gives NAME-SHEET.csv per sheet; CSV input, read with the
// given character set, gives NAME.csv. It uses its own profile in profile.
func soffice(t *testing.T, profile, outDir, charset string, files ...string) {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not on PATH (Debian: apt-get install -y libreoffice-calc)")
	}
	args := []string{"-env:UserInstallation=" + (&url.URL{Scheme: "file", Path: profile}).String(),
		"--headless"}
	if charset != "" {
		args = append(args, "--infilter=CSV:44,34,"+charset+",1,,"+loZhCN, "--convert-to", loCSVOut)
	} else {
		args = append(args, "--convert-to", loCSVOutSheets)
	}
	args = append(args, "--outdir", outDir)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(args, files...)...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
}

// same compares two tables as a spreadsheet user sees them: line breaks in
// a cell (CR, CRLF, LF) are one break, and numbers are equal by value
// (LibreOffice writes 0.50 back as 0.5).
func same(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			x, y := breaks(a[i][j]), breaks(b[i][j])
			if x == y {
				continue
			}
			fx, ex := strconv.ParseFloat(x, 64)
			fy, ey := strconv.ParseFloat(y, 64)
			if ex != nil || ey != nil || fx != fy {
				return false
			}
		}
	}
	return true
}

func breaks(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func TestLibreOfficeOpensExports(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice conversions take several seconds")
	}
	if _, err := exec.LookPath("soffice"); err != nil {
		t.Skip("soffice not on PATH (Debian: apt-get install -y libreoffice-calc)")
	}
	utcLocal(t)
	f := scenario(t)
	dir := t.TempDir()
	paths := exportAll(t, f.Store, dir)
	profile := filepath.Join(dir, "profile")
	fromXLSX, fromCSV, fromGB := filepath.Join(dir, "x"), filepath.Join(dir, "c"), filepath.Join(dir, "g")
	soffice(t, profile, fromXLSX, "", paths["考勤.xlsx"], paths["时长.xlsx"])
	soffice(t, profile, fromCSV, loUTF8, paths["考勤.csv"], paths["时长.csv"], paths["时长-社区.csv"])
	soffice(t, profile, fromGB, loGB18030, paths["考勤-gb.csv"])

	width := len(export.AttendanceHeaders())
	ours := readCSV(t, paths["考勤.csv"])

	// XLSX: LibreOffice shows exactly our cells — Beijing dates and times
	// from the date-time serials and number formats, text intact and not
	// evaluated (=1+1 stays =1+1).
	got := readCSV(t, filepath.Join(fromXLSX, "考勤-"+export.AttendanceSheet+".csv"))
	if want := unquote(ours); !reflect.DeepEqual(got, want) {
		t.Errorf("LibreOffice read the attendance XLSX as\n%q\nwant\n%q", got, want)
	}
	if got[2][column("日期")] != "2026-11-30" || got[2][column("时间")] != "07:30:00" {
		t.Errorf("B's check-in at 07:30 Beijing shows as %q %q", got[2][column("日期")], got[2][column("时间")])
	}
	for _, c := range []struct{ sheet, ours string }{
		{export.HoursSheet, "时长.csv"}, {export.CommunitySheet, "时长-社区.csv"},
	} {
		got := readCSV(t, filepath.Join(fromXLSX, "时长-"+c.sheet+".csv"))
		if want := unquote(readCSV(t, paths[c.ours])); !reflect.DeepEqual(got, want) {
			t.Errorf("LibreOffice read sheet %s as\n%q\nwant\n%q", c.sheet, got, want)
		}
	}

	// CSV (UTF-8 with BOM, and GB18030): the same cells, neutralised text
	// still behind its quote and not run as formulas.
	got = readCSV(t, filepath.Join(fromCSV, "考勤.csv"))
	if !same(got, ours) {
		t.Errorf("LibreOffice read the attendance CSV as\n%q\nwant\n%q", got, ours)
	}
	for _, r := range got[1:] {
		if len(r) != width {
			t.Fatalf("row of %d cells: %q", len(r), r)
		}
		if n := r[column("姓名")]; n == "2" || n == "-2" || strings.HasPrefix(n, "=") || strings.HasPrefix(n, "@") {
			t.Errorf("a hostile name came back as %q", n)
		}
	}
	if gb := readCSV(t, filepath.Join(fromGB, "考勤-gb.csv")); !reflect.DeepEqual(gb, got) {
		t.Errorf("LibreOffice read the GB18030 CSV as\n%q\nwant the UTF-8 file's\n%q", gb, got)
	}
	for _, name := range []string{"时长.csv", "时长-社区.csv"} {
		if got, want := readCSV(t, filepath.Join(fromCSV, name)), readCSV(t, paths[name]); !same(got, want) {
			t.Errorf("LibreOffice read %s as\n%q\nwant\n%q", name, got, want)
		}
	}
}

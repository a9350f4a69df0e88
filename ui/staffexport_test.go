package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/xuri/excelize/v2"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/export"
)

// phonesIn returns whether the rows of an exported CSV hold phone in full
// and masked.
func phonesIn(rows [][]string, phone string) (full, masked bool) {
	mask := data.MaskPhone(phone)
	for _, r := range rows {
		line := strings.Join(r, ",")
		full = full || strings.Contains(line, phone)
		masked = masked || strings.Contains(line, mask)
	}
	return full, masked
}

func TestExportFullPhonesOnlyWhenAsked(t *testing.T) {
	k := newKiosk(t, small)
	a := k.pass(testPhone)
	k.at(9, 5)
	k.scanInto(a, "hechang", data.In)
	k.at(10, 0)
	k.signIn()
	k.tap("导出")
	k.mustNotShow("导出文件将包含完整手机号")
	path := filepath.Join(k.exports, "考勤记录_20261101-20261130.csv")

	k.tapButton("开始导出")
	k.shell.Wait()
	if full, masked := phonesIn(readCSV(t, path), testPhone); full || !masked {
		t.Errorf("by default: full phone %v, masked phone %v; want masked only", full, masked)
	}

	k.tapButton("完整手机号")
	k.mustShow("导出文件将包含完整手机号，请妥善保管")
	k.mustFit("export with full phones")
	k.tapButton("开始导出")
	k.shell.Wait()
	if full, _ := phonesIn(readCSV(t, path), testPhone); !full {
		t.Error("完整手机号 on did not export the full phone number")
	}

	k.tapButton("完整手机号")
	k.mustNotShow("导出文件将包含完整手机号")
	k.tapButton("服务时长")
	k.tapButton("开始导出")
	k.shell.Wait()
	hours := filepath.Join(k.exports, "服务时长_按人_20261101-20261130.csv")
	if full, masked := phonesIn(readCSV(t, hours), testPhone); full || !masked {
		t.Errorf("hours with 完整手机号 off: full phone %v, masked phone %v", full, masked)
	}
}

func TestExportOneEvent(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		a, b := k.pass(testPhone), k.pass("13900139000")
		k.at(9, 5)
		k.scanInto(a, "hechang", data.In)
		k.scanInto(b, "hechang", data.In)
		k.at(10, 0)
		k.scanInto(a, "kaifangri", data.In)
		k.signIn()
		k.tap("导出")
		k.mustShow("活动：全部活动")
		k.tap("活动：全部活动")
		k.mustShow("选择活动", "全部活动")
		k.mustFit("pick the event to export")
		k.tapOnPage("文明实践开放日")
		if _, ok := k.screen().(*exportScreen); !ok {
			t.Fatalf("picking an event shows %T, not the export screen", k.screen())
		}
		k.mustShow("活动：文明实践开放日")
		k.mustFit("export of one event")
		k.tapButton("开始导出")
		k.shell.Wait()
		path := filepath.Join(k.exports, "考勤记录_文明实践开放日_20261101-20261130.csv")
		k.mustShow("已导出 1 行", path)
		rows := readCSV(t, path)
		if len(rows) != 1+1 {
			t.Fatalf("%s has %d rows, want a header and 1 record", path, len(rows))
		}
		if col := slices.Index(rows[0], "活动"); col < 0 || rows[1][col] != "文明实践开放日" {
			t.Errorf("the record of one event is %q under %q", rows[1], rows[0])
		}

		k.tap("活动：文明实践开放日")
		k.tapOnPage("全部活动")
		k.mustShow("活动：全部活动")
		k.tapButton("开始导出")
		k.shell.Wait()
		k.mustShow("已导出 3 行")
	}
}

// teamMemberServes has testPhone's visitor, a member of the team jingsao,
// serve 45 minutes at 合唱排练 today, then opens staff mode's export screen.
func (k *kiosk) teamMemberServes() {
	k.t.Helper()
	a := k.pass(testPhone)
	k.at(9, 5)
	k.scanInto(a, "hechang", data.In)
	k.at(9, 50)
	k.scanInto(a, "hechang", data.Out)
	v, err := k.store.VisitorByPhone(context.Background(), testPhone)
	if err != nil {
		k.t.Fatal(err)
	}
	if _, _, err := k.store.SetTeamMembers(context.Background(), "jingsao", []string{v.ID}, k.now.UnixMilli()); err != nil {
		k.t.Fatal(err)
	}
	k.at(10, 0)
	k.signIn()
	k.tap("导出")
}

// jingsaoRow is the row of the team jingsao after teamMemberServes.
var jingsaoRow = []string{"警嫂志愿服务队", data.TeamSocial, "1", "1", "1", "0.75", "0", "0", "0", "jingsao"}

func TestExportHoursXLSXHasTeams(t *testing.T) {
	k := newKiosk(t, small)
	k.teamMemberServes()
	k.tapButton("服务时长")
	k.tapButton("XLSX")
	k.tapButton("开始导出")
	k.shell.Wait()
	path := filepath.Join(k.exports, "服务时长_20261101-20261130.xlsx")
	k.mustShow(path)
	wb, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, _ := wb.GetRows(export.TeamSheet)
	want := [][]string{export.TeamHeaders(), jingsaoRow}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("%s:\n got %q\nwant %q", export.TeamSheet, rows, want)
	}
}

func TestExportHoursCSVPerTeam(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		k.teamMemberServes()
		byShown := func(want bool, after string) {
			t.Helper()
			for _, l := range []string{"按人", "按社区", "按团队"} {
				if got := k.shownButton(l) != nil; got != want {
					t.Errorf("after %s, %s shown: %v, want %v", after, l, got, want)
				}
			}
		}
		byShown(false, "opening")
		k.tapButton("服务时长")
		byShown(true, "服务时长")
		k.mustFit("CSV hours report")
		k.tapButton("XLSX")
		byShown(false, "XLSX")
		k.tapButton("CSV")
		k.tapButton("按团队")
		k.tapButton("开始导出")
		k.shell.Wait()
		path := filepath.Join(k.exports, "服务时长_按团队_20261101-20261130.csv")
		k.mustShow("已导出 1 行", path)
		want := [][]string{export.TeamHeaders(), jingsaoRow}
		if rows := readCSV(t, path); !reflect.DeepEqual(rows, want) {
			t.Errorf("%s:\n got %q\nwant %q", path, rows, want)
		}

		k.tapButton("按社区")
		k.tapButton("开始导出")
		k.shell.Wait()
		path = filepath.Join(k.exports, "服务时长_按社区_20261101-20261130.csv")
		k.mustShow(path)
		if rows := readCSV(t, path); len(rows) == 0 || !reflect.DeepEqual(rows[0], export.CommunityHeaders()) {
			t.Errorf("%s starts %q, want the community headers %q", path, rows, export.CommunityHeaders())
		}

		k.tapButton("考勤记录")
		byShown(false, "考勤记录")
	}
}

func TestExportTooManyRowsIsExplained(t *testing.T) {
	for err, want := range map[error]string{
		export.CheckRows(export.XLSX, 1_200_000):              "共有 1200000 条记录，一个 XLSX 表格最多放 1048575 条；请缩短时间范围，或选 CSV 格式",
		fmt.Errorf("writing: %w", &export.TooManyRowsError{}): "超过了一个 XLSX 表格最多能放的 1048575 行；请缩短时间范围，或选 CSV 格式",
	} {
		if got := exportError(err); got != want {
			t.Errorf("exportError(%v) = %q, want %q", err, got, want)
		}
	}
}

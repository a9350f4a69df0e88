package export

import (
	"bytes"
	"testing"

	"github.com/civickiosk/kiosk/data"
)

// TestHubRowFields: a row the hub fills has no phone but a Visitor, and a
// duplicate across kiosks is written as 重复 naming the original and is not
// counted in the hours report.
func TestHubRowFields(t *testing.T) {
	in := hrow("pass:7:9", "", 0, data.In, "07:35", data.MethodQR)
	in.Phone, in.VisitorName, in.Visitor = "", "", "pass:7:9"
	dup := in
	dup.ID, dup.WallMS, dup.DuplicateOf = "dup", bj("2026-11-30 07:40:00"), in.ID
	out := in
	out.ID, out.Direction, out.WallMS = "out", data.Out, bj("2026-11-30 08:05:00")
	rows := []AttendanceRow{in, dup, out}

	var buf bytes.Buffer
	if _, err := WriteAttendanceCSV(&buf, Rows(rows), Options{}); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	h := recs[0]
	col := func(r []string, name string) string { return r[slicesIndex(h, name)] }
	if got := col(recs[1], "访客"); got != "pass:7:9" {
		t.Errorf("访客 of a row with no phone: %q", got)
	}
	if got := col(recs[1], "结果"); got != "成功" {
		t.Errorf("结果 of the original: %q", got)
	}
	if got, want := col(recs[2], "结果"), "重复"; got != want {
		t.Errorf("结果 of the duplicate: %q, want %q", got, want)
	}
	if got, want := col(recs[2], "原因"), DuplicateLabel(in.ID); got != want {
		t.Errorf("原因 of the duplicate: %q, want %q", got, want)
	}

	rep, err := ComputeHours(Rows(rows))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Visitors) != 1 || rep.Visitors[0].Sessions != 1 || rep.Visitors[0].ServiceMS != 30*60_000 {
		t.Fatalf("hours with a duplicate check-in: %+v", rep.Visitors)
	}
}

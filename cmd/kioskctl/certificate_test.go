package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civickiosk/kiosk/data/export/exporttest"
)

func TestCertificate(t *testing.T) {
	db, f := exportFixture(t)
	dir := filepath.Join(t.TempDir(), "usb")
	b := f.Reg["B"].Visitor
	out := kioskctl(t, 0, "certificate", "--db", db, "--phone", b.Phone, "--from", exporttest.Day, "--to", exporttest.Day, "--out", dir)
	pages := strings.Fields(out)
	want := filepath.Join(dir, "服务证明-"+b.ID+"-01.png")
	if len(pages) != 1 || pages[0] != want {
		t.Fatalf("pages %q, want [%s]", pages, want)
	}
	img, err := os.ReadFile(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	page, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	if r := page.Bounds(); r.Dx() != 1240 || r.Dy() != 1753 {
		t.Errorf("page of %v, want A4 at 150 dpi", r)
	}
	// With no period the record runs from the first session to today.
	kioskctl(t, 0, "certificate", "--db", db, "--phone", b.Phone, "--out", dir)

	for _, c := range []struct {
		args []string
		why  string
	}{
		{[]string{"--phone", "13912345678"}, `no visitor "13912345678"`},
		{[]string{"--phone", "123"}, "want an 11-digit mobile number"},
		{[]string{"--phone", f.Reg["D"].Visitor.Phone}, "136****6000 has no service (no check-in) in the period"},
		{[]string{"--phone", b.Phone, "--from", "2026-12-01"}, "139****9000 has no service"},
		{[]string{"--phone", b.Phone, "--from", "2026-12-01", "--to", "2026-11-01"}, "is before --from"},
	} {
		msg := kioskctl(t, 1, append([]string{"certificate", "--db", db, "--out", dir}, c.args...)...)
		if !strings.Contains(msg, c.why) {
			t.Errorf("%q: %q, want %q", c.args, msg, c.why)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the folder, want the one page", len(entries))
	}
	if msg := kioskctl(t, 1, "certificate", "--db", db, "--phone", b.Phone); !strings.Contains(msg, "--phone and --out are required") {
		t.Errorf("no --out: %q", msg)
	}
}

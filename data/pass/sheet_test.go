package pass

import (
	"bytes"
	"crypto/rand"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sheetCards returns n cards with distinct pass codes.
func sheetCards(t *testing.T, n int) []Card {
	t.Helper()
	k, err := NewKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cards := make([]Card, n)
	for i := range cards {
		code, err := Encode(k, Payload{No: uint32(i + 1), IssuedDay: 2500})
		if err != nil {
			t.Fatal(err)
		}
		cards[i] = Card{Code: code, Name: "志愿者" + string(rune('甲'+i)), Phone: "138****0000",
			Team: "小店区新时代文明实践中心赵海生雷锋团志愿服务队"}
	}
	return cards
}

func TestSheetPages(t *testing.T) {
	cards := sheetCards(t, 9)
	pages, err := A4.Render(cards)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || A4.Pages(9) != 2 || A4.Pages(8) != 1 || A4.Pages(0) != 0 {
		t.Fatalf("%d pages for 9 cards, want 2", len(pages))
	}
	img, err := png.Decode(bytes.NewReader(pages[0]))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1240 || b.Dy() != 1753 {
		t.Errorf("page of %v, want A4 at 150 dpi (1240×1753)", b)
	}
	if none, err := A4.Render(nil); err != nil || len(none) != 0 {
		t.Errorf("no cards: %d pages, %v", len(none), err)
	}
	if _, err := (Sheet{DPI: 150}).Render(cards); err == nil {
		t.Error("a sheet of no cards per page rendered")
	}
}

// TestSheetDecodes reads the QR codes of a printed page back with zbarimg.
func TestSheetDecodes(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not on PATH (apt package zbar-tools); QR read-back not tested")
	}
	cards := sheetCards(t, 8)
	pages, err := A4.Render(cards)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "page.png")
	if err := os.WriteFile(file, pages[0], 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	got := strings.Fields(string(out))
	var want []string
	for _, c := range cards {
		want = append(want, c.Code)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("zbarimg read %d codes %q, want the 8 of the page", len(got), got)
	}
}

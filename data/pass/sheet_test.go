package pass

import (
	"bytes"
	"crypto/rand"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/font"
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

// TestCardLayout places cards with long names as a page of A4 does and
// checks that the name fits, shrunk then cut, and leaves the QR code, the
// phone and the team whole and apart.
func TestCardLayout(t *testing.T) {
	fs, err := newSheetFaces(A4.DPI)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.close()
	card := sheetCards(t, 1)[0]
	r := image.Rect(59, 59, 59+561, 59+409) // a card of A4: (1240 − 2×59) / 2 × (1753 − 2×59) / 4
	pad := r.Dy() / 20
	inner := r.Inset(pad)
	latin := "Maximilian Alexander von Schwarzenberg-Featherstonehaugh of Westminster"
	for _, c := range []struct {
		name   string
		whole  bool
		shrunk bool
	}{
		{"张三", true, false},
		{"欧阳娜娜欧阳娜娜欧阳娜娜欧阳娜娜", true, true},
		{strings.Repeat("欧阳娜娜", 35), false, true},
		{latin, false, true},
		{"𠮷野家😀", true, false},
		{"", true, false},
	} {
		card.Name = c.name
		l, err := fs.layout(r, card)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.phone.lines) != 1 || l.phone.lines[0] != card.Phone {
			t.Errorf("%.20s: the phone is %q", c.name, l.phone.lines)
		}
		if got := strings.Join(l.team.lines, ""); got != card.Team {
			t.Errorf("%.20s: the team is %q", c.name, got)
		}
		boxes := []image.Rectangle{l.qr, l.name.box, l.phone.box, l.team.box}
		for i, b := range boxes {
			if !b.In(inner) {
				t.Errorf("%.20s: part %d at %v is outside the card's %v", c.name, i, b, inner)
			}
			for _, o := range boxes[i+1:] {
				if b.Overlaps(o) {
					t.Errorf("%.20s: %v overlaps %v", c.name, b, o)
				}
			}
		}
		for _, b := range []textBlock{l.name, l.phone, l.team} {
			if b.box.Dy() != len(b.lines)*LineStep(b.face) {
				t.Errorf("%.20s: %d lines in a box %d high", c.name, len(b.lines), b.box.Dy())
			}
			for _, line := range b.lines {
				if w := font.MeasureString(b.face, line).Ceil(); w > b.box.Dx() {
					t.Errorf("%.20s: %q is %d px wide, its box %d", c.name, line, w, b.box.Dx())
				}
			}
		}
		name := strings.Join(l.name.lines, "")
		if c.whole && name != c.name || !c.whole && (len(l.name.lines) != nameLines || !strings.HasSuffix(name, "…")) {
			t.Errorf("%.20s: the name is %q", c.name, l.name.lines)
		}
		if shrunk := l.name.face != fs.names[0]; shrunk != c.shrunk || !c.whole && l.name.face != fs.names[len(fs.names)-1] {
			t.Errorf("%.20s: the name's face is %v high", c.name, l.name.face.Metrics().Height)
		}
	}
	// Latin words are not broken: each line but the cut end is whole words.
	card.Name = latin
	l, _ := fs.layout(r, card)
	words := strings.Fields(latin)
	for i, line := range l.name.lines {
		fields := strings.Fields(strings.TrimSuffix(line, "…"))
		if i == len(l.name.lines)-1 && len(fields) > 0 {
			fields = fields[:len(fields)-1]
		}
		for _, f := range fields {
			if !slices.Contains(words, f) {
				t.Errorf("%q breaks a word: %q", l.name.lines, f)
			}
		}
	}

	// A sheet of such cards renders.
	cards := sheetCards(t, 6)
	for i, name := range []string{strings.Repeat("欧阳娜娜", 35), latin, "𠮷野家😀", "", strings.Repeat("W", 200), "a\u0301b\u0301c\u0301"} {
		cards[i].Name = name
	}
	if pages, err := A4.Render(cards); err != nil || len(pages) != 1 {
		t.Errorf("long names: %d pages, %v", len(pages), err)
	}
}

package pass

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/civickiosk/kiosk/assets"
)

// Card is one named pass card of a printed sheet.
type Card struct {
	// Code is the pass code, drawn as a QR code at print error correction.
	Code string
	// Name is the holder's name, in large type.
	Name string
	// Phone is the holder's phone number as it may be printed, masked.
	Phone string
	// Team is the holder's volunteer team.
	Team string
}

// Sheet is the layout of a sheet of pass cards: paper size and resolution,
// and cards in a grid of Cols × Rows per page.
type Sheet struct {
	WidthMM, HeightMM float64
	DPI               float64
	Cols, Rows        int
	// MarginMM is the blank border of each page.
	MarginMM float64
}

// A4 is an A4 page at 150 dpi with 2 × 4 cards.
var A4 = Sheet{WidthMM: 210, HeightMM: 297, DPI: 150, Cols: 2, Rows: 4, MarginMM: 10}

// PerPage is the number of cards on a page.
func (s Sheet) PerPage() int { return s.Cols * s.Rows }

// Pages returns the number of pages n cards take.
func (s Sheet) Pages(n int) int { return (n + s.PerPage() - 1) / s.PerPage() }

// px converts millimetres to pixels at the sheet's resolution.
func (s Sheet) px(mm float64) int { return int(mm / 25.4 * s.DPI) }

// Render draws cards on pages of the sheet, in order, row by row, and
// returns each page as a PNG (grey levels, white paper). Each card has a
// light cutting border, the QR code of its pass at the left and the name,
// phone and team at the right, wrapped to fit. It returns an error for a
// sheet without cards per page or a code too long for a QR code.
func (s Sheet) Render(cards []Card) ([][]byte, error) {
	var pages [][]byte
	err := s.RenderEach(cards, func(_ int, page []byte) error {
		pages = append(pages, page)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pages, nil
}

// RenderEach draws the pages as Render does and calls fn with each page's
// index (from 0) and PNG as soon as it is drawn, so that a caller can show
// progress. It stops at the first error, from drawing or from fn, and
// returns it.
func (s Sheet) RenderEach(cards []Card, fn func(i int, page []byte) error) error {
	if s.Cols < 1 || s.Rows < 1 || s.DPI <= 0 {
		return errors.New("pass: a sheet needs at least one card per page")
	}
	faces, err := newSheetFaces(s.DPI)
	if err != nil {
		return err
	}
	defer faces.close()
	for first := 0; first < len(cards); first += s.PerPage() {
		page := image.NewGray(image.Rect(0, 0, s.px(s.WidthMM), s.px(s.HeightMM)))
		draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
		margin := s.px(s.MarginMM)
		cw := (page.Bounds().Dx() - 2*margin) / s.Cols
		ch := (page.Bounds().Dy() - 2*margin) / s.Rows
		for i, c := range cards[first:min(len(cards), first+s.PerPage())] {
			x, y := margin+i%s.Cols*cw, margin+i/s.Cols*ch
			if err := faces.drawCard(page, image.Rect(x, y, x+cw, y+ch), c); err != nil {
				return err
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, page); err != nil {
			return err
		}
		if err := fn(first/s.PerPage(), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// sheetFaces are the type faces of a card: name, phone and team.
type sheetFaces struct {
	name, phone, team font.Face
}

// newSheetFaces makes the faces at dpi: a 16 pt bold name, a 12 pt phone
// and an 11 pt team name, in the bundled CJK font.
func newSheetFaces(dpi float64) (*sheetFaces, error) {
	regular, err := opentype.Parse(assets.FontRegular)
	if err != nil {
		return nil, err
	}
	bold, err := opentype.Parse(assets.FontBold)
	if err != nil {
		return nil, err
	}
	face := func(f *opentype.Font, pt float64) (font.Face, error) {
		return opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: dpi, Hinting: font.HintingFull})
	}
	var fs sheetFaces
	if fs.name, err = face(bold, 16); err != nil {
		return nil, err
	}
	if fs.phone, err = face(regular, 12); err != nil {
		return nil, err
	}
	if fs.team, err = face(regular, 11); err != nil {
		return nil, err
	}
	return &fs, nil
}

func (fs *sheetFaces) close() {
	fs.name.Close()
	fs.phone.Close()
	fs.team.Close()
}

// cutLine is the grey of the cards' cutting borders.
var cutLine = color.Gray{Y: 0xC0}

// drawCard draws card c in r of page.
func (fs *sheetFaces) drawCard(page *image.Gray, r image.Rectangle, c Card) error {
	for x := r.Min.X; x < r.Max.X; x++ {
		page.SetGray(x, r.Min.Y, cutLine)
		page.SetGray(x, r.Max.Y-1, cutLine)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		page.SetGray(r.Min.X, y, cutLine)
		page.SetGray(r.Max.X-1, y, cutLine)
	}
	pad := r.Dy() / 20
	budget := min(r.Dy()-2*pad, r.Dx()*2/3)
	px, err := Fit(c.Code, true, budget)
	if err != nil {
		return err
	}
	qr, err := Image(c.Code, true, px)
	if err != nil {
		return err
	}
	side := qr.Bounds().Dx()
	top := r.Min.Y + (r.Dy()-side)/2
	draw.Draw(page, image.Rect(r.Min.X+pad, top, r.Min.X+pad+side, top+side), qr, image.Point{}, draw.Src)

	textX := r.Min.X + pad + side
	width := r.Max.X - pad - textX
	var lines []sheetLine
	for _, l := range []struct {
		text string
		face font.Face
	}{{c.Name, fs.name}, {c.Phone, fs.phone}, {c.Team, fs.team}} {
		for _, w := range wrap(l.face, l.text, width) {
			lines = append(lines, sheetLine{w, l.face})
		}
	}
	height := 0
	for _, l := range lines {
		height += l.face.Metrics().Height.Ceil() * 5 / 4
	}
	y := r.Min.Y + max(pad, (r.Dy()-height)/2)
	for _, l := range lines {
		step := l.face.Metrics().Height.Ceil() * 5 / 4
		if y+step > r.Max.Y-pad {
			break
		}
		d := font.Drawer{Dst: page, Src: image.Black, Face: l.face,
			Dot: fixed.Point26_6{X: fixed.I(textX), Y: fixed.I(y) + l.face.Metrics().Ascent}}
		d.DrawString(l.text)
		y += step
	}
	return nil
}

// sheetLine is one line of a card's text and its face.
type sheetLine struct {
	text string
	face font.Face
}

// wrap breaks s into lines no wider than width in face, between any two
// characters (Chinese has no spaces); an empty s gives no line.
func wrap(face font.Face, s string, width int) []string {
	var lines []string
	line := ""
	for _, r := range s {
		if line != "" && font.MeasureString(face, line+string(r)).Ceil() > width {
			lines = append(lines, line)
			line = ""
		}
		line += string(r)
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

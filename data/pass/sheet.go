package pass

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"

	"github.com/go-text/typesetting/segmenter"
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

// Px converts millimetres to pixels at the sheet's resolution.
func (s Sheet) Px(mm float64) int { return int(mm / 25.4 * s.DPI) }

// Render draws cards on pages of the sheet, in order, row by row, and
// returns each page as a PNG (grey levels, white paper). Each card has a
// light cutting border, the QR code of its pass at the left and the name,
// phone and team at the right, wrapped to fit (a long name shrinks, then
// is cut with "…"; see layout). Characters the bundled font lacks (some
// rare ideographs, emoji) print as boxes. It returns an error for a
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
		page := image.NewGray(image.Rect(0, 0, s.Px(s.WidthMM), s.Px(s.HeightMM)))
		draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
		margin := s.Px(s.MarginMM)
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

// Type sizes of a card, in points.
const (
	namePt, minNamePt = 16, 10 // the name shrinks to fit, down to minNamePt
	phonePt, teamPt   = 12, 11
	// nameLines and teamLines are the most lines the name and team take.
	nameLines, teamLines = 2, 3
)

// sheetFaces are the type faces of a card: the name's, largest first, the
// phone's and the team's.
type sheetFaces struct {
	names       []font.Face
	phone, team font.Face
}

// newSheetFaces makes the faces at dpi: a bold name from namePt down to
// minNamePt, the phone at phonePt and the team name at teamPt, in the
// bundled CJK font.
func newSheetFaces(dpi float64) (*sheetFaces, error) {
	var fs sheetFaces
	for pt := namePt; pt >= minNamePt; pt-- {
		f, err := Face(true, float64(pt), dpi)
		if err != nil {
			return nil, err
		}
		fs.names = append(fs.names, f)
	}
	var err error
	if fs.phone, err = Face(false, phonePt, dpi); err != nil {
		return nil, err
	}
	if fs.team, err = Face(false, teamPt, dpi); err != nil {
		return nil, err
	}
	return &fs, nil
}

// fonts are the bundled CJK font's regular and bold faces, parsed once.
var fonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	regular, err := opentype.Parse(assets.FontRegular)
	if err != nil {
		return [2]*opentype.Font{}, err
	}
	bold, err := opentype.Parse(assets.FontBold)
	return [2]*opentype.Font{regular, bold}, err
})

// Face returns the bundled CJK font (assets.FontRegular, or assets.FontBold
// when bold) at pt points for printing at dpi dots per inch, fully hinted.
// Close it when done. It returns an error only for a damaged bundled font.
func Face(bold bool, pt, dpi float64) (font.Face, error) {
	fs, err := fonts()
	if err != nil {
		return nil, err
	}
	f := fs[0]
	if bold {
		f = fs[1]
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: dpi, Hinting: font.HintingFull})
}

func (fs *sheetFaces) close() {
	for _, f := range fs.names {
		f.Close()
	}
	fs.phone.Close()
	fs.team.Close()
}

// cutLine is the grey of the cards' cutting borders.
var cutLine = color.Gray{Y: 0xC0}

// drawCard draws card c in r of page, as layout places it.
func (fs *sheetFaces) drawCard(page *image.Gray, r image.Rectangle, c Card) error {
	for x := r.Min.X; x < r.Max.X; x++ {
		page.SetGray(x, r.Min.Y, cutLine)
		page.SetGray(x, r.Max.Y-1, cutLine)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		page.SetGray(r.Min.X, y, cutLine)
		page.SetGray(r.Max.X-1, y, cutLine)
	}
	l, err := fs.layout(r, c)
	if err != nil {
		return err
	}
	qr, err := Image(c.Code, true, l.qrPx)
	if err != nil {
		return err
	}
	draw.Draw(page, l.qr, qr, image.Point{}, draw.Src)
	for _, b := range []textBlock{l.name, l.phone, l.team} {
		DrawLines(page, b.face, b.lines, b.box.Min.X, b.box.Min.Y)
	}
	return nil
}

// DrawLines draws lines in black in face on dst, one under the other
// (LineStep apart), the first with its top at y and each starting at x, in
// pixels. It returns the y under the last line.
func DrawLines(dst draw.Image, face font.Face, lines []string, x, y int) int {
	for _, line := range lines {
		d := font.Drawer{Dst: dst, Src: image.Black, Face: face,
			Dot: fixed.Point26_6{X: fixed.I(x), Y: fixed.I(y) + face.Metrics().Ascent}}
		d.DrawString(line)
		y += LineStep(face)
	}
	return y
}

// cardLayout is where a card's parts go: the QR code and three blocks of
// text, stacked at the right without overlapping.
type cardLayout struct {
	qr   image.Rectangle
	qrPx int // pixels per module of the QR code

	name, phone, team textBlock
}

// textBlock is lines of text in one face and the box they are drawn in:
// every line fits its width, and the lines its height.
type textBlock struct {
	lines []string
	face  font.Face
	box   image.Rectangle
}

// LineStep is the height of a line of text in face, with its leading, in
// pixels.
func LineStep(face font.Face) int { return face.Metrics().Height.Ceil() * 5 / 4 }

// layout places card c in r: a light padding, the QR code of its pass at
// the left, and at the right, centred as a block, the name, the phone and
// the team. The phone takes one line, the team up to teamLines (cut with
// "…" beyond), and the name up to nameLines in the largest face it fits
// in whole; a name too long for the smallest face is cut with "…". Text
// is never drawn outside r's padding nor over another block. It returns an
// error for a code too long for a QR code.
func (fs *sheetFaces) layout(r image.Rectangle, c Card) (cardLayout, error) {
	pad := r.Dy() / 20
	budget := min(r.Dy()-2*pad, r.Dx()*2/3)
	modules, err := Modules(c.Code, true)
	if err != nil {
		return cardLayout{}, err
	}
	var l cardLayout
	if l.qrPx, err = Fit(c.Code, true, budget); err != nil {
		return cardLayout{}, err
	}
	side := modules * l.qrPx
	top := r.Min.Y + (r.Dy()-side)/2
	l.qr = image.Rect(r.Min.X+pad, top, r.Min.X+pad+side, top+side)

	textX := l.qr.Max.X
	width := r.Max.X - pad - textX
	height := r.Dy() - 2*pad
	phone, _ := Wrap(fs.phone, c.Phone, width, 1)
	l.phone = textBlock{lines: phone, face: fs.phone}
	team, _ := Wrap(fs.team, c.Team, width, teamLines)
	l.team = textBlock{lines: team, face: fs.team}
	rest := height - len(phone)*LineStep(fs.phone) - len(team)*LineStep(fs.team)
	for i, face := range fs.names {
		most := min(nameLines, rest/LineStep(face))
		name, whole := Wrap(face, c.Name, width, most)
		if whole || i == len(fs.names)-1 {
			l.name = textBlock{lines: name, face: face}
			break
		}
	}
	used := height - rest + len(l.name.lines)*LineStep(l.name.face)
	y := r.Min.Y + pad + max(0, height-used)/2
	for _, b := range []*textBlock{&l.name, &l.phone, &l.team} {
		h := len(b.lines) * LineStep(b.face)
		b.box = image.Rect(textX, y, textX+width, y+h)
		y += h
	}
	return l, nil
}

// Wrap breaks s into at most most lines no wider than width in face, at
// the line break opportunities of Unicode's line breaking algorithm (UAX
// #14, by go-text's segmenter): between Chinese characters, and between
// words of Latin script, not inside them; a word wider than a line is
// broken between its characters (grapheme clusters). whole is false when
// s does not fit: the last line then ends with "…". An empty s, or most
// below 1, gives no line.
func Wrap(face font.Face, s string, width, most int) (lines []string, whole bool) {
	fits := func(t string) bool { return font.MeasureString(face, strings.TrimRight(t, " ")).Ceil() <= width }
	var seg segmenter.Segmenter
	line := ""
	add := func(piece string) {
		if line != "" && !fits(line+piece) {
			lines = append(lines, strings.TrimRight(line, " "))
			line = ""
		}
		line += piece
	}
	seg.Init([]rune(s))
	words := seg.LineIterator()
	for words.Next() {
		word := string(words.Line().Text)
		if fits(word) {
			add(word)
			continue
		}
		var chars segmenter.Segmenter
		chars.Init([]rune(word))
		for g := chars.GraphemeIterator(); g.Next(); {
			add(string(g.Grapheme().Text))
		}
	}
	if line = strings.TrimRight(line, " "); line != "" {
		lines = append(lines, line)
	}
	if len(lines) <= most {
		return lines, true
	}
	if most < 1 {
		return nil, false
	}
	lines = lines[:most]
	last := []rune(lines[most-1])
	for len(last) > 0 && !fits(strings.TrimRight(string(last), " ")+"…") {
		last = last[:len(last)-1]
	}
	lines[most-1] = strings.TrimRight(string(last), " ") + "…"
	return lines, false
}

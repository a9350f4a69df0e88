package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2/lang"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/pass"
)

// slipModulePx is the size of a QR module on a printed slip, in pixels: at
// 300 dpi the code is about 4.5 cm wide.
const slipModulePx = 10

// saveSlip writes a printable slip of the pass (a PNG: a heading, the QR
// code at print error correction, the masked phone number and a note) into
// dir, which it makes if needed, and returns the file's path.
func saveSlip(dir string, reg checkin.Registration, now time.Time) (string, error) {
	b, err := slipPNG(reg.Code, data.MaskPhone(reg.Visitor.Phone))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	phone := reg.Visitor.Phone
	name := fmt.Sprintf("pass-%s-%s.png", phone[max(0, len(phone)-4):], now.Format("20060102-150405"))
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// slipPNG draws the slip in grey levels: black on white, the code with its
// quiet zone.
func slipPNG(code, maskedPhone string) ([]byte, error) {
	qr, err := pass.Image(code, true, slipModulePx)
	if err != nil {
		return nil, err
	}
	regular, err := opentype.Parse(assets.FontRegular)
	if err != nil {
		return nil, err
	}
	bold, err := opentype.Parse(assets.FontBold)
	if err != nil {
		return nil, err
	}
	lines := []struct {
		text string
		font *opentype.Font
		size float64
	}{
		{lang.L("slip.heading"), bold, 44},
		{maskedPhone, bold, 40},
		{lang.L("slip.note"), regular, 26},
	}
	faces := make([]font.Face, len(lines))
	for i, l := range lines {
		if faces[i], err = opentype.NewFace(l.font, &opentype.FaceOptions{Size: l.size, DPI: 72, Hinting: font.HintingFull}); err != nil {
			return nil, err
		}
		defer faces[i].Close()
	}

	side := qr.Bounds().Dx()
	margin := pass.QuietZone * slipModulePx
	width := side + 2*margin
	for i, l := range lines {
		width = max(width, font.MeasureString(faces[i], l.text).Ceil()+2*margin)
	}
	lineHeight := func(i int) int { return faces[i].Metrics().Height.Ceil() * 3 / 2 }
	height := margin + lineHeight(0) + side + lineHeight(1) + lineHeight(2) + margin
	img := image.NewGray(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	y := margin
	write := func(i int) {
		y += lineHeight(i)
		d := font.Drawer{Dst: img, Src: image.Black, Face: faces[i]}
		w := d.MeasureString(lines[i].text)
		d.Dot = fixed.Point26_6{X: fixed.I(width)/2 - w/2, Y: fixed.I(y - lineHeight(i)/4)}
		d.DrawString(lines[i].text)
	}
	write(0)
	draw.Draw(img, image.Rect((width-side)/2, y, (width+side)/2, y+side), qr, image.Point{}, draw.Src)
	y += side
	write(1)
	write(2)

	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

package pass

import (
	"fmt"
	"image"

	qrcode "github.com/skip2/go-qrcode"
)

// QuietZone is the light margin around every rendered QR code, in modules
// (ISO/IEC 18004 requires 4).
const QuietZone = 4

// MaxPxPerModule is the largest module size, in pixels, that Image and PNG
// accept.
const MaxPxPerModule = 100

// level is the QR error correction level: M (about 15 % recovery) on
// screen, Q (about 25 %) on paper, which gets scuffed and folded. In
// skip2/go-qrcode, Q is called High.
func level(print bool) qrcode.RecoveryLevel {
	if print {
		return qrcode.High
	}
	return qrcode.Medium
}

func newQR(text string, print bool) (*qrcode.QRCode, error) {
	q, err := qrcode.New(text, level(print))
	if err != nil {
		return nil, fmt.Errorf("pass: QR code: %w", err)
	}
	q.DisableBorder = false
	return q, nil
}

// Modules returns the side of text's QR code in modules, including the
// QuietZone on each side: error correction level Q when print is true, M
// otherwise. A pass code (Len characters, alphanumeric mode) gives 49
// modules on screen (version 6-M) and 53 in print (version 7-Q). A UI fits a code into a pixel
// budget with pxPerModule = budget / Modules (see Fit). It returns an error
// if text is too long for any QR code.
func Modules(text string, print bool) (int, error) {
	q, err := newQR(text, print)
	if err != nil {
		return 0, err
	}
	return len(q.Bitmap()), nil
}

// Fit returns the largest whole number of pixels per module (at most
// MaxPxPerModule) at which text's QR code, quiet zone included, fits in
// budgetPx × budgetPx pixels. It returns an error if text is too long for a
// QR code or does not fit even at one pixel per module.
func Fit(text string, print bool, budgetPx int) (int, error) {
	n, err := Modules(text, print)
	if err != nil {
		return 0, err
	}
	px := min(budgetPx/n, MaxPxPerModule)
	if px < 1 {
		return 0, fmt.Errorf("pass: QR code of %d modules does not fit in %d px", n, budgetPx)
	}
	return px, nil
}

// Image renders text as a QR code, black modules on white, with the 4-module
// quiet zone, each module pxPerModule × pxPerModule pixels, so the image is
// Modules(text, print) × pxPerModule pixels square. Error correction is
// level Q when print is true, M otherwise. The image is an *image.Paletted
// with two colours (white, black). It returns an error if pxPerModule is
// outside 1…MaxPxPerModule or text is too long for a QR code.
func Image(text string, print bool, pxPerModule int) (image.Image, error) {
	if pxPerModule < 1 || pxPerModule > MaxPxPerModule {
		return nil, fmt.Errorf("pass: %d px per module, want 1…%d", pxPerModule, MaxPxPerModule)
	}
	q, err := newQR(text, print)
	if err != nil {
		return nil, err
	}
	// A negative size asks skip2/go-qrcode for whole pixels per module.
	return q.Image(-pxPerModule), nil
}

// PNG is Image encoded as a PNG file (8-bit paletted, best compression). It
// returns the same errors as Image, or the PNG encoder's.
func PNG(text string, print bool, pxPerModule int) ([]byte, error) {
	if pxPerModule < 1 || pxPerModule > MaxPxPerModule {
		return nil, fmt.Errorf("pass: %d px per module, want 1…%d", pxPerModule, MaxPxPerModule)
	}
	q, err := newQR(text, print)
	if err != nil {
		return nil, err
	}
	b, err := q.PNG(-pxPerModule)
	if err != nil {
		return nil, fmt.Errorf("pass: QR code PNG: %w", err)
	}
	return b, nil
}

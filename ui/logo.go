package ui

import (
	"bytes"
	"image"
	_ "image/png" // the icon is a PNG
	"sync"

	"golang.org/x/image/draw"

	"github.com/civickiosk/kiosk/assets"
)

// logoSide is the side in pixels of the logo as the screens keep it: the
// largest it is drawn, with room to spare.
const logoSide = 256

// centreLogo returns the centre's logo, decoded and scaled once: every screen
// that shows it shares the one image instead of decoding the icon (a
// 16-bit 512×512 PNG, 2 MB decoded) again each time it is built.
var centreLogo = sync.OnceValue(func() image.Image {
	src, _, err := image.Decode(bytes.NewReader(assets.Icon))
	if err != nil {
		panic("the bundled icon: " + err.Error())
	}
	dst := image.NewNRGBA(image.Rect(0, 0, logoSide, logoSide))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst
})

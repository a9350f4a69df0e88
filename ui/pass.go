package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/pass"
)

// passScreen shows a visitor's pass: the QR code large, "请拍照保存", the
// masked phone number, and a button to save a printable slip. A number
// registered before shows its pass again; only staff replace a lost card
// (visitorScreen), which the screen then says.
type passScreen struct {
	shell  *Shell
	reg    checkin.Registration
	qr     *qrView
	status *widget.RichText
}

func newPassScreen(s *Shell, reg checkin.Registration) *passScreen {
	return &passScreen{shell: s, reg: reg}
}

// Build lays out the code beside the words and buttons.
func (p *passScreen) Build() fyne.CanvasObject {
	s := p.shell
	p.qr = newQRView(p.reg.Code)
	p.status = text("", styleAccent)
	words := container.NewVBox(
		text(lang.L("pass.photo"), widget.RichTextStyle{ColorName: theme.ColorNamePrimary,
			SizeName: sizeNameTitle, TextStyle: fyne.TextStyle{Bold: true}}),
		text(data.MaskPhone(p.reg.Visitor.Phone), styleHeading),
		text(lang.L("pass.explain"), styleReading),
		p.status,
	)
	buttons := container.NewVBox(
		s.button(lang.L("pass.save"), theme.DocumentSaveIcon(), widget.HighImportance, p.save),
		s.button(lang.L("pass.done"), theme.ConfirmIcon(), widget.MediumImportance, s.Home),
	)
	side := container.NewBorder(nil, buttons, nil, nil, words)
	p.showStatus()
	return s.frame(lang.L("pass.title"), false, container.New(passLayout{}, p.qr, side))
}

// showStatus says, to a visitor registered before, that this is their pass
// and where a lost card is replaced.
func (p *passScreen) showStatus() {
	msg := ""
	if !p.reg.Created {
		msg = lang.L("pass.again")
	}
	p.setStatus(msg)
}

// setStatus shows msg under the explanation.
func (p *passScreen) setStatus(msg string) {
	p.status.Segments[0].(*widget.TextSegment).Text = msg
	p.status.Refresh()
}

// save writes a printable slip of the pass to the slips folder and says
// where.
func (p *passScreen) save() {
	s := p.shell
	reg, now := p.reg, s.Now()
	s.background(func() {
		path, err := saveSlip(s.slips, reg, now)
		fyne.Do(func() {
			if err != nil {
				fyne.LogError("saving a pass slip", err)
				p.setStatus(lang.L("pass.saveFailed"))
				return
			}
			p.setStatus(lang.L("pass.saved", map[string]any{"Path": path}))
		})
	})
}

// Tick goes home when the visitor has walked away from their pass.
func (p *passScreen) Tick(now time.Time) { p.shell.homeWhenIdle(now) }

// passLayout puts a square for the code at the left, as large as the
// height allows up to 55 % of the width, and its second object in the
// rest.
type passLayout struct{}

// Layout places the square and the rest.
func (passLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding() * 2
	side := fyne.Min(size.Height, size.Width*0.55)
	objects[0].Move(fyne.NewPos(0, (size.Height-side)/2))
	objects[0].Resize(fyne.NewSquareSize(side))
	objects[1].Move(fyne.NewPos(side+pad, 0))
	objects[1].Resize(fyne.NewSize(size.Width-side-pad, size.Height))
}

// MinSize fits a small code beside the rest.
func (passLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	rest := objects[1].MinSize()
	return fyne.NewSize(rest.Width+objects[0].MinSize().Width+theme.Padding()*2, rest.Height)
}

// qrView shows a pass code as a QR code on white, each module a whole number
// of pixels, as large as its size allows.
type qrView struct {
	widget.BaseWidget
	code string
}

func newQRView(code string) *qrView {
	v := &qrView{code: code}
	v.ExtendBaseWidget(v)
	return v
}

// setCode shows another code.
func (v *qrView) setCode(code string) {
	v.code = code
	v.Refresh()
}

// CreateRenderer makes the white card and the code's image.
func (v *qrView) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.White)
	bg.CornerRadius = theme.SizeForWidget(sizeNameCardRadius, v)
	img := canvas.NewImageFromImage(nil)
	img.ScaleMode = canvas.ImageScalePixels
	return &qrRenderer{view: v, bg: bg, img: img}
}

type qrRenderer struct {
	view  *qrView
	bg    *canvas.Rectangle
	img   *canvas.Image
	code  string // the code and pixels per module of img
	px    int
	scale float32
}

func (r *qrRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(r.view); c != nil {
		scale = c.Scale()
	}
	side := fyne.Min(size.Width, size.Height)
	if side <= 0 {
		return
	}
	px, err := pass.Fit(r.view.code, false, int(side*scale))
	if err != nil {
		fyne.LogError("fitting the pass code", err)
		r.img.Hide()
		return
	}
	if px != r.px || r.view.code != r.code || scale != r.scale {
		img, err := pass.Image(r.view.code, false, px)
		if err != nil {
			fyne.LogError("drawing the pass code", err)
			r.img.Hide()
			return
		}
		r.img.Image, r.px, r.code, r.scale = img, px, r.view.code, scale
		r.img.Show()
		r.img.Refresh()
	}
	d := float32(r.img.Image.Bounds().Dx()) / scale
	r.img.Resize(fyne.NewSquareSize(d))
	r.img.Move(fyne.NewPos((size.Width-d)/2, (size.Height-d)/2))
}

func (r *qrRenderer) MinSize() fyne.Size {
	return fyne.NewSquareSize(8 * theme.SizeForWidget(theme.SizeNameText, r.view))
}

func (r *qrRenderer) Refresh() {
	r.Layout(r.view.Size())
	r.bg.Refresh()
}

func (r *qrRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.img}
}

func (r *qrRenderer) Destroy() {}

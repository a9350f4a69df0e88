package ui

import (
	"errors"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// honourAdmin is staff mode's 光荣榜: every entry of the honour wall,
// hidden ones included, beside the one selected with 隐藏 (or 显示),
// 更换照片 and 删除照片.
type honourAdmin struct {
	staffPage
	shell   *Shell
	entries []data.HonourEntry
	sel     int

	list    *pager
	face    *fyne.Container
	detail  *widget.RichText
	msg     *widget.RichText
	hide    *tapButton
	photo   *tapButton
	noPhoto *tapButton
}

func newHonourAdmin(s *Shell) *honourAdmin { return &honourAdmin{shell: s} }

// Build lays out the entries beside the selected one and its actions.
func (h *honourAdmin) Build() fyne.CanvasObject {
	s := h.shell
	h.list = s.pager(0, lang.L("honour.none"))
	h.face = container.NewCenter()
	h.detail = text("", styleReading)
	h.msg = text("", styleAccent)
	h.hide = s.button(lang.L("honourAdmin.hide"), theme.VisibilityOffIcon(), widget.MediumImportance, h.toggleHidden)
	h.photo = s.button(lang.L("honourAdmin.photo"), theme.MediaPhotoIcon(), widget.HighImportance, func() {
		if h.sel < len(h.entries) {
			s.Show(newPhotoPicker(s, h.entries[h.sel], h.reload))
		}
	})
	h.noPhoto = s.button(lang.L("honourAdmin.noPhoto"), theme.DeleteIcon(), widget.MediumImportance, func() {
		h.removePhoto()
	})
	if err := h.read(); err != nil {
		return s.staffFrame(lang.L("staff.honour"), true, s.failed(err))
	}
	h.showList()
	actions := container.NewGridWithColumns(3, h.hide, h.photo, h.noPhoto)
	right := container.NewBorder(container.NewBorder(nil, nil, h.face, nil, h.detail), actions, nil, nil, h.msg)
	return s.staffFrame(lang.L("staff.honour"), true, container.New(&splitLayout{ratio: 0.45}, h.list.box, right))
}

// read reads the entries.
func (h *honourAdmin) read() error {
	ctx, cancel := h.shell.query()
	defer cancel()
	entries, err := h.shell.staff.opts.Store.AllHonourEntries(ctx)
	h.entries = entries
	return err
}

// reload reads the entries again, keeps the selection and says msg.
func (h *honourAdmin) reload(msg string) {
	id := ""
	if h.sel < len(h.entries) {
		id = h.entries[h.sel].ID
	}
	if err := h.read(); err != nil {
		fyne.LogError("reading the honour wall", err)
		say(h.msg, lang.L("reason.storage"), false)
		return
	}
	h.sel = max(0, slices.IndexFunc(h.entries, func(e data.HonourEntry) bool { return e.ID == id }))
	h.showList()
	say(h.msg, msg, true)
}

// showList fills the list and shows the selected entry.
func (h *honourAdmin) showList() {
	s := h.shell
	h.list.setItems(s.choiceCards(len(h.entries), h.sel, func(i int) fyne.CanvasObject {
		e := h.entries[i]
		segs := []widget.RichTextSegment{
			&widget.TextSegment{Text: e.Name + "  ", Style: inline(styleItem)},
			&widget.TextSegment{Text: joinNonEmpty(" · ", e.Title, e.Community), Style: styleSoft},
		}
		if e.Hidden {
			segs = append(segs, &widget.TextSegment{Text: lang.L("honourAdmin.hidden"),
				Style: widget.RichTextStyle{ColorName: theme.ColorNameError, TextStyle: fyne.TextStyle{Bold: true}}})
		}
		words := widget.NewRichText(segs...)
		words.Wrapping = fyne.TextWrapWord
		return words
	}, func(i int) {
		h.sel = i
		setText(h.msg, "")
		h.showSelected()
	}))
	h.showSelected()
}

// showSelected shows the selected entry's photo and words and names the
// hide button.
func (h *honourAdmin) showSelected() {
	has := h.sel < len(h.entries)
	setEnabled(h.hide, has)
	setEnabled(h.photo, has)
	setEnabled(h.noPhoto, has && h.entries[h.sel].Photo != nil)
	h.face.Objects = nil
	if !has {
		setText(h.detail, "")
		h.face.Refresh()
		return
	}
	e := h.entries[h.sel]
	h.face.Objects = []fyne.CanvasObject{newAvatar(e.Name, e.Photo, 4)}
	h.face.Refresh()
	status := lang.L("honourAdmin.shown")
	h.hide.SetText(lang.L("honourAdmin.hide"))
	h.hide.SetIcon(theme.VisibilityOffIcon())
	if e.Hidden {
		status = lang.L("honourAdmin.hidden")
		h.hide.SetText(lang.L("honourAdmin.show"))
		h.hide.SetIcon(theme.VisibilityIcon())
	}
	setText(h.detail, e.Name+"\n"+joinNonEmpty(" · ", e.Title, e.Community)+"\n"+status)
}

// toggleHidden hides the selected entry from the wall or shows it again.
func (h *honourAdmin) toggleHidden() {
	if h.sel >= len(h.entries) {
		return
	}
	e := h.entries[h.sel]
	ctx, cancel := h.shell.query()
	defer cancel()
	if err := h.shell.staff.opts.Store.SetHonourHidden(ctx, e.ID, !e.Hidden); err != nil {
		fyne.LogError("hiding a honour-wall entry", err)
		say(h.msg, lang.L("reason.storage"), false)
		return
	}
	msg := lang.L("honourAdmin.nowHidden")
	if e.Hidden {
		msg = lang.L("honourAdmin.nowShown")
	}
	h.reload(msg)
}

// removePhoto removes the selected entry's photo: the wall shows a
// generated avatar instead.
func (h *honourAdmin) removePhoto() {
	if h.sel >= len(h.entries) {
		return
	}
	ctx, cancel := h.shell.query()
	defer cancel()
	if err := h.shell.staff.opts.Store.SetHonourPhoto(ctx, h.entries[h.sel].ID, nil); err != nil {
		fyne.LogError("setting a honour-wall photo", err)
		say(h.msg, lang.L("reason.storage"), false)
		return
	}
	h.reload(lang.L("honourAdmin.photoRemoved"))
}

// photoPicker lists the PNG and JPEG files on the USB sticks; tapping one
// shows it if it is fit for the honour wall, and 使用这张照片 stores it as
// the entry's photo.
type photoPicker struct {
	staffPage
	shell    *Shell
	entry    data.HonourEntry
	files    []string
	photo    []byte
	onStored func(msg string)

	list    *pager
	preview *fyne.Container
	msg     *widget.RichText
	use     *tapButton
}

func newPhotoPicker(s *Shell, e data.HonourEntry, onStored func(msg string)) *photoPicker {
	return &photoPicker{shell: s, entry: e, onStored: onStored}
}

// photoExts are the names' endings of the image files offered.
var photoExts = []string{".png", ".jpg", ".jpeg"}

// Build lays out the image files beside the preview and 使用这张照片.
func (p *photoPicker) Build() fyne.CanvasObject {
	s := p.shell
	p.list = s.pager(0, lang.L("photo.noFiles"))
	p.preview = container.NewStack()
	p.msg = text(lang.L("photo.pick", map[string]any{"Name": p.entry.Name}), styleStrong)
	p.use = s.button(lang.L("photo.use"), theme.ConfirmIcon(), widget.HighImportance, p.store)
	p.use.Disable()
	p.showFiles(s.usbFiles(photoExts...))
	left := container.NewBorder(text(lang.L("photo.files"), styleHeading), nil, nil, nil, p.list.box)
	right := container.NewBorder(p.msg, p.use, nil, nil, p.preview)
	return s.staffFrame(lang.L("honourAdmin.photo"), true, container.New(&splitLayout{ratio: 0.45}, left, right))
}

// showFiles lists files, none selected.
func (p *photoPicker) showFiles(files []string) {
	p.files = files
	p.list.setItems(p.shell.fileCards(files, -1, p.check))
}

// Tick lists the files again when a USB stick comes or goes.
func (p *photoPicker) Tick(time.Time) {
	if f := p.shell.usbFiles(photoExts...); !slices.Equal(f, p.files) {
		p.showFiles(f)
	}
}

// check reads file i and shows it if it is a PNG or JPEG image small
// enough for the honour wall.
func (p *photoPicker) check(i int) {
	p.photo = nil
	p.use.Disable()
	p.preview.Objects = nil
	p.preview.Refresh()
	b, err := readLimited(p.files[i], content.MaxPhotoBytes)
	if errors.Is(err, errTooLarge) || err == nil && sqlite.CheckPhoto(b) != nil {
		say(p.msg, lang.L("photo.bad"), false)
		return
	}
	if err != nil {
		fyne.LogError("reading a photo", err)
		say(p.msg, lang.L("import.unreadable"), false)
		return
	}
	img := canvas.NewImageFromResource(fyne.NewStaticResource(p.files[i], b))
	img.FillMode = canvas.ImageFillContain
	p.preview.Objects = []fyne.CanvasObject{img}
	p.preview.Refresh()
	p.photo = b
	say(p.msg, lang.L("photo.ok"), true)
	p.use.Enable()
}

// store stores the photo shown and returns to the honour wall.
func (p *photoPicker) store() {
	s := p.shell
	if p.photo == nil {
		return
	}
	ctx, cancel := s.query()
	defer cancel()
	if err := s.staff.opts.Store.SetHonourPhoto(ctx, p.entry.ID, p.photo); err != nil {
		fyne.LogError("setting a honour-wall photo", err)
		say(p.msg, lang.L("reason.storage"), false)
		return
	}
	s.Back()
	p.onStored(lang.L("photo.stored"))
}

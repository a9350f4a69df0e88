package ui

import (
	"errors"
	"slices"
	"strconv"
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
// hidden ones included, beside the one selected with 新增, 修改, 隐藏 (or
// 显示), 更换照片 and 删除照片. An entry of a site this kiosk may not edit
// (sqlite.Store.EditableSites) is shown read-only, with why.
type honourAdmin struct {
	staffPage
	shell   *Shell
	entries []data.HonourEntry
	sel     int
	may     func(siteID string) bool // the sites whose entries this kiosk may edit

	list    *pager
	face    *fyne.Container
	detail  *widget.RichText
	msg     *widget.RichText
	edit    *tapButton
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
	add := s.button(lang.L("honourAdmin.add"), theme.ContentAddIcon(), widget.HighImportance, func() {
		s.Show(newHonourForm(s, h.saved))
	})
	h.edit = s.button(lang.L("honourAdmin.edit"), theme.DocumentCreateIcon(), widget.MediumImportance, func() {
		if h.sel < len(h.entries) {
			s.Show(editHonourForm(s, h.entries[h.sel], h.saved))
		}
	})
	h.photo = s.button(lang.L("honourAdmin.photo"), theme.MediaPhotoIcon(), widget.MediumImportance, func() {
		if h.sel < len(h.entries) {
			e := h.entries[h.sel]
			s.Show(newPhotoPicker(s, e.Name, func(photo []byte) error {
				ctx, cancel := s.query()
				defer cancel()
				if err := s.staff.opts.Store.SetHonourPhoto(ctx, e.ID, photo); err != nil {
					return err
				}
				h.reload(lang.L("photo.stored"))
				return nil
			}))
		}
	})
	h.noPhoto = s.button(lang.L("honourAdmin.noPhoto"), theme.DeleteIcon(), widget.MediumImportance, h.removePhoto)
	if err := h.read(); err != nil {
		return s.staffFrame(lang.L("staff.honour"), true, s.failed(err))
	}
	h.showList()
	actions := container.NewGridWithColumns(3, add, h.edit, h.hide, h.photo, h.noPhoto)
	right := container.NewBorder(container.NewBorder(nil, nil, h.face, nil, h.detail), actions, nil, nil, h.msg)
	return s.staffFrame(lang.L("staff.honour"), true, container.New(&splitLayout{ratio: 0.45}, h.list.box, right))
}

// read reads the entries and which sites' this kiosk may edit.
func (h *honourAdmin) read() error {
	ctx, cancel := h.shell.query()
	defer cancel()
	entries, err := h.shell.staff.opts.Store.AllHonourEntries(ctx)
	h.entries = entries
	if err != nil {
		return err
	}
	h.may, _, err = h.shell.staff.opts.Store.EditableSites(ctx)
	return err
}

// reload reads the entries again, keeps the selection and says msg.
func (h *honourAdmin) reload(msg string) {
	id := ""
	if h.sel < len(h.entries) {
		id = h.entries[h.sel].ID
	}
	h.reloadAt(id, msg)
}

// reloadAt reads the entries again, selects entry id and says msg.
func (h *honourAdmin) reloadAt(id, msg string) {
	if err := h.read(); err != nil {
		fyne.LogError("reading the honour wall", err)
		say(h.msg, lang.L("reason.storage"), false)
		return
	}
	h.sel = max(0, slices.IndexFunc(h.entries, func(e data.HonourEntry) bool { return e.ID == id }))
	h.showList()
	say(h.msg, msg, true)
}

// saved selects the entry id just saved and says so.
func (h *honourAdmin) saved(id string) { h.reloadAt(id, lang.L("manage.saved")) }

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
// hide button; an entry of a site this kiosk may not edit it says is
// read-only here.
func (h *honourAdmin) showSelected() {
	has := h.sel < len(h.entries)
	editable := has && h.may(h.entries[h.sel].SiteID)
	setEnabled(h.edit, editable)
	setEnabled(h.hide, editable)
	setEnabled(h.photo, editable)
	setEnabled(h.noPhoto, editable && h.entries[h.sel].Photo != nil)
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
	if !editable {
		status += "\n" + lang.L("honourAdmin.otherSite")
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

// removePhoto asks, then removes the selected entry's photo: the wall
// shows a generated avatar instead.
func (h *honourAdmin) removePhoto() {
	if h.sel >= len(h.entries) {
		return
	}
	s, e := h.shell, h.entries[h.sel]
	s.Show(&confirmScreen{shell: s, title: lang.L("honourAdmin.noPhoto"),
		question: lang.L("honourAdmin.noPhotoQuestion", map[string]any{"Name": e.Name}),
		explain:  lang.L("honourAdmin.noPhotoExplain"), yes: lang.L("delete.confirm"), icon: theme.DeleteIcon(),
		act: func(c *confirmScreen) {
			ctx, cancel := s.query()
			defer cancel()
			if err := s.staff.opts.Store.SetHonourPhoto(ctx, e.ID, nil); err != nil {
				fyne.LogError("setting a honour-wall photo", err)
				c.fail(lang.L("reason.storage"))
				return
			}
			c.done()
			h.reloadAt(e.ID, lang.L("honourAdmin.photoRemoved"))
		}})
}

// filePicker lists the files on the USB sticks whose names end in one of
// its exts. Tapping one checks it: the picker shows what check makes of it
// and, when check accepts it, enables the use button, which hands it to
// use and returns to the screen before.
type filePicker struct {
	staffPage
	shell *Shell
	spec  pickSpec
	files []string
	ok    bool

	list    *pager
	preview *fyne.Container
	msg     *widget.RichText
	use     *tapButton
	// right holds the message over the preview and the use button.
	right *fyne.Container
}

// pickSpec is what a filePicker offers and how it checks a file.
type pickSpec struct {
	title    string   // the screen's title
	heading  string   // over the list of files
	noFiles  string   // instead of the list when there is no file
	prompt   string   // before a file is tapped
	useLabel string   // the use button
	exts     []string // names' endings offered, lower case with the dot
	// check reads the file at path and returns what to show of it and a
	// message; ok is true when the file can be used.
	check func(path string) (preview fyne.CanvasObject, msg string, ok bool)
	// use takes the file last accepted by check; an error is logged and
	// said as a storage failure.
	use func() error
}

func newFilePicker(s *Shell, spec pickSpec) *filePicker { return &filePicker{shell: s, spec: spec} }

// Build lays out the files beside the preview and the use button.
func (p *filePicker) Build() fyne.CanvasObject {
	s := p.shell
	p.list = s.pager(0, p.spec.noFiles)
	p.preview = container.NewStack()
	p.msg = text(p.spec.prompt, styleStrong)
	p.use = s.button(p.spec.useLabel, theme.ConfirmIcon(), widget.HighImportance, p.take)
	p.use.Disable()
	p.showFiles(s.usbFiles(p.spec.exts...))
	left := container.NewBorder(text(p.spec.heading, styleHeading), nil, nil, nil, p.list.box)
	p.right = container.NewBorder(p.msg, p.use, nil, nil, p.preview)
	return s.staffFrame(p.spec.title, true, container.New(&splitLayout{ratio: 0.45}, left, p.right))
}

// showFiles lists files, none selected.
func (p *filePicker) showFiles(files []string) {
	p.files = files
	p.list.setItems(p.shell.fileCards(files, -1, p.check))
}

// Tick lists the files again when a USB stick comes or goes.
func (p *filePicker) Tick(time.Time) {
	if f := p.shell.usbFiles(p.spec.exts...); !slices.Equal(f, p.files) {
		p.showFiles(f)
	}
}

// check checks file i and shows what check makes of it.
func (p *filePicker) check(i int) {
	preview, msg, ok := p.spec.check(p.files[i])
	p.ok = ok
	setEnabled(p.use, ok)
	p.preview.Objects = nil
	if preview != nil {
		p.preview.Objects = []fyne.CanvasObject{preview}
	}
	say(p.msg, msg, ok)
	p.right.Refresh() // gives the message the lines it now needs
}

// take hands the file checked to use and returns to the screen before.
func (p *filePicker) take() {
	if !p.ok {
		return
	}
	if err := p.spec.use(); err != nil {
		fyne.LogError("using a file from a USB stick", err)
		say(p.msg, lang.L("reason.storage"), false)
		return
	}
	p.shell.Back()
}

// photoExts are the names' endings of the image files offered.
var photoExts = []string{".png", ".jpg", ".jpeg"}

// newPhotoPicker lists the PNG and JPEG files on the USB sticks; tapping
// one shows it if it is fit for the honour wall, and 使用这张照片 hands it
// to use, as the photo of the person named name.
func newPhotoPicker(s *Shell, name string, use func(photo []byte) error) *filePicker {
	var photo []byte
	return newFilePicker(s, pickSpec{
		title: lang.L("honourAdmin.photo"), heading: lang.L("photo.files"), noFiles: lang.L("photo.noFiles"),
		prompt: lang.L("photo.pick", map[string]any{"Name": name}), useLabel: lang.L("photo.use"), exts: photoExts,
		check: func(path string) (fyne.CanvasObject, string, bool) {
			photo = nil
			b, err := readLimited(path, content.MaxPhotoBytes)
			if errors.Is(err, errTooLarge) || err == nil && sqlite.CheckPhoto(b) != nil {
				return nil, lang.L("photo.bad"), false
			}
			if err != nil {
				fyne.LogError("reading a photo", err)
				return nil, lang.L("import.unreadable"), false
			}
			photo = b
			img := canvas.NewImageFromResource(fyne.NewStaticResource(path, b))
			img.FillMode = canvas.ImageFillContain
			return img, lang.L("photo.ok"), true
		},
		use: func() error { return use(photo) },
	})
}

// newTextPicker lists the text files (.txt) on the USB sticks; tapping one
// reads it as content.ParseHonourText does and shows the name and story it
// holds or, in plain words, why it cannot be used, and 使用这个文件 hands
// them to use.
func newTextPicker(s *Shell, use func(content.HonourText)) *filePicker {
	var got content.HonourText
	return newFilePicker(s, pickSpec{
		title: lang.L("honourForm.text"), heading: lang.L("honourText.files"), noFiles: lang.L("honourText.noFiles"),
		prompt: lang.L("honourText.pick"), useLabel: lang.L("honourText.use"), exts: []string{".txt"},
		check: func(path string) (fyne.CanvasObject, string, bool) {
			b, err := readLimited(path, content.MaxHonourTextBytes)
			if err == nil {
				got, err = content.ParseHonourText(b)
			}
			if err != nil {
				return nil, honourTextProblem(err), false
			}
			preview := widget.NewRichText(&widget.TextSegment{Text: got.Name, Style: styleHeading},
				&widget.TextSegment{Text: excerpt(got.Story, storyPreviewLength), Style: styleBody})
			preview.Wrapping = fyne.TextWrapWord
			return preview, lang.L("honourText.ok"), true
		},
		use: func() error {
			use(got)
			return nil
		},
	})
}

// storyPreviewLength is how much of a story the text picker shows, in
// characters.
const storyPreviewLength = 200

// honourTextProblem says in plain words why an honour-wall text file
// cannot be used; err is from readLimited or content.ParseHonourText.
func honourTextProblem(err error) string {
	var stray *content.TextError
	switch {
	case errors.Is(err, errTooLarge):
		return lang.L("honourText.tooLarge", map[string]any{"KB": content.MaxHonourTextBytes >> 10})
	case errors.Is(err, content.ErrHonourTextEmpty):
		return lang.L("honourText.empty")
	case errors.Is(err, content.ErrHonourNameLong):
		return lang.L("honourText.nameLong", map[string]any{"N": content.MaxHonourName})
	case errors.Is(err, content.ErrHonourStoryLong):
		return lang.L("honourText.storyLong", map[string]any{"N": content.MaxHonourStory})
	case errors.As(err, &stray) && errors.Is(stray, content.ErrStrayByte):
		return lang.L("honourText.strayByte", map[string]any{"Line": stray.Line})
	case errors.Is(err, content.ErrHonourNotText):
		return lang.L("honourText.notText")
	}
	fyne.LogError("reading an honour-wall text file", err)
	return lang.L("import.unreadable")
}

// honourForm is 新增 or 修改 of staff mode's 光荣榜: the category picked by
// tap, the year typed on the keypad, the name and story from a text file
// and the photo from an image file, all on USB sticks, beside a preview of
// the entry and 保存.
type honourForm struct {
	staffPage
	shell *Shell
	isNew bool
	entry data.HonourEntry
	cat   data.HonourCategory
	year  int
	// onSaved is told the id of the entry saved.
	onSaved func(id string)

	yearText *widget.RichText
	typeYear *tapButton
	textName *widget.RichText
	preview  *pager
	msg      *widget.RichText
	save     *tapButton
	// right holds the preview over the message and 保存.
	right *fyne.Container
}

// newHonourForm makes the form of a new entry at the kiosk's site.
func newHonourForm(s *Shell, onSaved func(id string)) *honourForm {
	return &honourForm{shell: s, isNew: true, entry: data.HonourEntry{SiteID: s.siteID}, onSaved: onSaved}
}

// editHonourForm makes the form of entry e.
func editHonourForm(s *Shell, e data.HonourEntry, onSaved func(id string)) *honourForm {
	f := &honourForm{shell: s, entry: e, onSaved: onSaved}
	f.cat, f.year = data.ParseHonourTitle(e.Title)
	return f
}

// Build lays out the category, year, text and photo on the left, the
// preview and 保存 on the right.
func (f *honourForm) Build() fyne.CanvasObject {
	s := f.shell
	title := lang.L("honourForm.editTitle")
	if f.isNew {
		title = lang.L("honourForm.newTitle")
	}
	labels := make([]string, len(data.HonourCategories))
	for i, c := range data.HonourCategories {
		labels[i] = lang.L(honourCategoryKeys[c])
	}
	cats := s.choice(labels, slices.Index(data.HonourCategories, f.cat), func(i int) {
		f.cat = data.HonourCategories[i]
		f.retitle()
	})
	f.yearText = text("", styleStrong)
	f.textName = text("", styleStrong)
	f.msg = text("", styleAccent)
	f.typeYear = s.button(lang.L("honourForm.typeYear"), nil, widget.MediumImportance, func() {
		s.Show(newDigitsScreen(s, lang.L("honourForm.typeYear"), lang.L("honourForm.yearPrompt"), f.yearSpec(), func(d string) {
			f.year, _ = strconv.Atoi(d)
			f.retitle()
		}))
	})
	pickText := s.button(lang.L("honourForm.text"), theme.FileTextIcon(), widget.MediumImportance, func() {
		s.Show(newTextPicker(s, func(t content.HonourText) {
			f.entry.Name, f.entry.Story = t.Name, t.Story
			f.show()
		}))
	})
	pickPhoto := s.button(lang.L("honourAdmin.photo"), theme.MediaPhotoIcon(), widget.MediumImportance, func() {
		name := f.entry.Name
		if name == "" {
			name = lang.L("honourForm.thisPerson")
		}
		s.Show(newPhotoPicker(s, name, func(photo []byte) error {
			f.entry.Photo = photo
			f.show()
			return nil
		}))
	})
	row := func(label fyne.CanvasObject, b *tapButton) fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, b, label)
	}
	left := container.NewVBox(text(lang.L("honourForm.category"), styleStrong), cats,
		row(f.yearText, f.typeYear), row(f.textName, pickText), pickPhoto)
	f.preview = s.pager(0, "")
	f.save = s.button(lang.L("manage.save"), theme.DocumentSaveIcon(), widget.HighImportance, f.store)
	f.right = container.NewBorder(nil, container.NewVBox(f.msg, f.save), nil, nil, f.preview.box)
	f.show()
	return s.staffFrame(title, true, container.New(&splitLayout{ratio: 0.5}, left, f.right))
}

// honourCategoryKeys are the translation keys of the categories' buttons.
var honourCategoryKeys = map[data.HonourCategory]string{
	data.HonourModel:     "honourForm.model",
	data.HonourGoodChina: "honourForm.goodChina",
	data.HonourNextDoor:  "honourForm.nextDoor",
}

// yearSpec is the keypad of the year of the honour: four digits of a year
// data.ValidHonourYear accepts, or none for an entry without a year.
func (f *honourForm) yearSpec() padSpec {
	now := f.shell.Now()
	return padSpec{max: 4, placeholder: lang.L("honourForm.noYear"), show: func(d string) string { return d },
		valid: func(d string) bool {
			y, err := strconv.Atoi(d)
			return d == "" || err == nil && data.ValidHonourYear(y, now)
		},
		refusal: lang.L("honourForm.badYear", map[string]any{"From": data.MinHonourYear, "To": now.Year()})}
}

// retitle writes the category and year into the entry's title and shows
// it.
func (f *honourForm) retitle() {
	if f.cat != "" {
		f.entry.Title = data.HonourTitle(f.cat, f.year)
	}
	f.show()
}

// show shows the year and name chosen, the entry as it stands and whether
// it can be saved. A year goes with a category; an entry whose title names
// none keeps its title until one is picked.
func (f *honourForm) show() {
	year := lang.L("honourForm.noYear")
	if f.year != 0 {
		year = strconv.Itoa(f.year)
	}
	setText(f.yearText, lang.L("honourForm.year", map[string]any{"Year": year}))
	name := lang.L("honourForm.noText")
	if f.entry.Name != "" {
		name = lang.L("honourForm.name", map[string]any{"Name": f.entry.Name})
	}
	setText(f.textName, name)
	f.preview.setItems(f.shell.honourStory(f.entry))
	setEnabled(f.typeYear, f.cat != "")
	ready := false
	switch {
	case f.isNew && f.cat == "":
		say(f.msg, lang.L("honourForm.needCategory"), false)
	case f.entry.Name == "":
		say(f.msg, lang.L("honourForm.needText"), false)
	default:
		say(f.msg, lang.L("honourForm.ready"), true)
		ready = true
	}
	setEnabled(f.save, ready)
	f.right.Refresh() // gives the message the lines it now needs
}

// store saves the entry (SaveHonour for a new one, UpdateHonour else),
// returns to the list and tells it.
func (f *honourForm) store() {
	s := f.shell
	ctx, cancel := s.query()
	defer cancel()
	var err error
	if f.isNew {
		f.entry.ID, err = s.staff.opts.Store.SaveHonour(ctx, f.entry)
	} else {
		err = s.staff.opts.Store.UpdateHonour(ctx, f.entry)
	}
	if err != nil {
		fyne.LogError("saving an honour-wall entry", err)
		say(f.msg, lang.L("reason.storage"), false)
		return
	}
	s.Back()
	f.onSaved(f.entry.ID)
}

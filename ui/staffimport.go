package ui

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data/content"
)

// maxContentFile is the largest content file the kiosk reads, in bytes.
const maxContentFile = 4 << 20

// usbFiles lists the files directly in the mounted USB sticks whose names
// end in one of exts (lower case, with the dot), in order of path.
func (s *Shell) usbFiles(exts ...string) []string {
	var out []string
	for _, f := range s.exportFolders() {
		if !f.usb {
			continue
		}
		entries, err := os.ReadDir(f.path)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if e.Type().IsRegular() && !strings.HasPrefix(name, ".") &&
				slices.Contains(exts, strings.ToLower(filepath.Ext(name))) {
				out = append(out, filepath.Join(f.path, name))
			}
		}
	}
	slices.Sort(out)
	return out
}

// fileCards makes a card per file naming it and its folder, of which the
// one at sel is highlighted; tapping another highlights it and calls
// onSelect with its index.
func (s *Shell) fileCards(files []string, sel int, onSelect func(i int)) []fyne.CanvasObject {
	return s.choiceCards(len(files), sel, func(i int) fyne.CanvasObject {
		words := widget.NewRichText(&widget.TextSegment{Text: filepath.Base(files[i]), Style: styleItem},
			&widget.TextSegment{Text: filepath.Dir(files[i]), Style: widget.RichTextStyle{ColorName: colorNameTextSoft, SizeName: theme.SizeNameCaptionText}})
		words.Wrapping = fyne.TextWrapBreak
		return words
	}, onSelect)
}

// importScreen is 从U盘导入内容: the content files (.yaml) on the USB
// sticks; tapping one checks it and lists its problems by line, or says
// what it holds and offers to import it.
type importScreen struct {
	staffPage
	shell    *Shell
	files    []string
	parsed   *content.File
	onLoaded func()

	list     *pager
	problems *pager
	msg      *widget.RichText
	load     *tapButton
}

func newImportScreen(s *Shell, onLoaded func()) *importScreen {
	return &importScreen{shell: s, onLoaded: onLoaded}
}

// Build lays out the files beside what the one tapped holds and 导入.
func (m *importScreen) Build() fyne.CanvasObject {
	s := m.shell
	m.list = s.pager(0, lang.L("import.noFiles"))
	m.problems = s.pager(0, "")
	m.problems.setItems([]fyne.CanvasObject{text(lang.L("import.pick"), styleSoft)})
	m.msg = text("", styleStrong)
	m.load = s.button(lang.L("import.load"), theme.UploadIcon(), widget.HighImportance, m.importFile)
	m.load.Disable()
	m.showFiles(s.usbFiles(".yaml", ".yml"))
	left := container.NewBorder(text(lang.L("import.files"), styleHeading), nil, nil, nil, m.list.box)
	right := container.NewBorder(m.msg, m.load, nil, nil, m.problems.box)
	return s.staffFrame(lang.L("manage.import"), true, container.New(&splitLayout{ratio: 0.4}, left, right))
}

// showFiles lists files, none selected.
func (m *importScreen) showFiles(files []string) {
	m.files = files
	m.list.setItems(m.shell.fileCards(files, -1, m.check))
}

// Tick lists the files again when a USB stick comes or goes.
func (m *importScreen) Tick(time.Time) {
	if f := m.shell.usbFiles(".yaml", ".yml"); !slices.Equal(f, m.files) {
		m.showFiles(f)
	}
}

// check reads and checks file i and shows its problems or its content.
func (m *importScreen) check(i int) {
	s := m.shell
	m.parsed = nil
	m.load.Disable()
	path := m.files[i]
	src, err := readLimited(path, maxContentFile)
	if err != nil {
		fyne.LogError("reading a content file", err)
		m.problems.setItems(nil)
		say(m.msg, lang.L("import.unreadable"), false)
		return
	}
	ctx, cancel := s.query()
	defer cancel()
	sites, err := s.staff.opts.Store.Sites(ctx)
	if err != nil {
		fyne.LogError("reading the sites", err)
		say(m.msg, lang.L("reason.storage"), false)
		return
	}
	known := make(map[string]bool, len(sites))
	for _, st := range sites {
		known[st.ID] = true
	}
	f, err := content.Parse(src, content.Options{Now: s.Now(), Dir: os.DirFS(filepath.Dir(path)), KnownSites: known, Zone: s.loc})
	var problems *content.Errors
	if errors.As(err, &problems) {
		items := make([]fyne.CanvasObject, len(*problems))
		for j, p := range *problems {
			items[j] = text(problemText(p), styleBody)
		}
		m.problems.setItems(items)
		say(m.msg, lang.L("import.problems", map[string]any{"N": len(*problems)}), false)
		return
	}
	if err != nil {
		fyne.LogError("checking a content file", err)
		m.problems.setItems(nil)
		say(m.msg, lang.L("import.unreadable"), false)
		return
	}
	m.parsed = f
	m.problems.setItems([]fyne.CanvasObject{text(contentSummary(f), styleReading)})
	say(m.msg, lang.L("import.ready"), true)
	m.load.Enable()
}

// importFile stores the file checked and says what it held.
func (m *importScreen) importFile() {
	s := m.shell
	if m.parsed == nil {
		return
	}
	ctx, cancel := s.query()
	defer cancel()
	if err := s.staff.opts.Store.LoadContent(ctx, m.parsed); err != nil {
		fyne.LogError("importing a content file", err)
		say(m.msg, lang.L("import.failed"), false)
		return
	}
	say(m.msg, lang.L("import.done"), true)
	m.parsed = nil
	m.load.Disable()
	m.onLoaded()
}

// problemText says p in the language of the UI: its line, its subject and
// what is wrong, from the translations "content."+p.Code (its Args, terms
// translated by "content.term."+term) and those of import.
func problemText(p content.Problem) string {
	args := make(map[string]any, len(p.Args))
	for k, v := range p.Args {
		if t, ok := v.(content.Term); ok {
			v = termText(t)
		}
		args[k] = v
	}
	msg := lang.L("content."+p.Code, args)
	subject := ""
	switch s := p.Subject; {
	case s.Kind == "":
	case s.ID != "":
		subject = lang.L("import.subjectID", map[string]any{"Kind": termText(s.Kind), "ID": s.ID})
	case s.Index > 0:
		subject = lang.L("import.subjectIndex", map[string]any{"Kind": termText(s.Kind), "Index": s.Index})
	default:
		subject = termText(s.Kind)
	}
	if subject != "" {
		msg = lang.L("import.subject", map[string]any{"Subject": subject, "Msg": msg})
	}
	if p.Line > 0 {
		msg = lang.L("import.line", map[string]any{"Line": p.Line, "Msg": msg})
	}
	return msg
}

// termText is t in the language of the UI.
func termText(t content.Term) string { return lang.L("content.term." + string(t)) }

// contentSummary counts what f holds.
func contentSummary(f *content.File) string {
	return lang.L("import.summary", map[string]any{"Sites": len(f.Sites), "Events": len(f.Events),
		"Honour": len(f.Honour), "Teams": len(f.Teams)})
}

// readLimited reads the file at path, failing when it is longer than limit
// bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}

// errTooLarge is the error of a file too large to read.
var errTooLarge = errors.New("file too large")

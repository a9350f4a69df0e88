package ui

import (
	"context"
	"errors"
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

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/pass"
)

// passesScreen is 团队出入证: staff pick a volunteer team, the team's
// member list (a .csv file on a USB stick, phone and name on each line) and
// a folder, and get the members' named pass cards as A4 pages (PNG) in that
// folder (checkin.Service.TeamPasses: members are registered, given a pass
// when they have none, and the list becomes the team's membership; names
// differing from the registered ones are listed, the cards carry the
// registered names). The list is checked
// when it is picked; a list with bad lines names them and nothing is made.
type passesScreen struct {
	staffPage
	shell   *Shell
	teams   []data.Team
	team    int // index in teams; -1 until picked
	file    string
	members []checkin.Member // the list of file, nil unless it is good
	folder  *folder
	running bool

	teamName   *widget.RichText
	fileName   *widget.RichText
	folderName *widget.RichText
	lines      *pager // the list's problems, or the pages written
	bar        *widget.ProgressBar
	// msg says whether the list is good and how the sheet went, then the
	// folder written to.
	msg    *widget.RichText
	status *fyne.Container
	start  *tapButton
}

func newPassesScreen(s *Shell) *passesScreen { return &passesScreen{shell: s, team: -1} }

// Build lays out the three choices beside what the list holds and 生成.
func (p *passesScreen) Build() fyne.CanvasObject {
	s := p.shell
	title := lang.L("staff.passes")
	ctx, cancel := s.query()
	defer cancel()
	teams, err := s.staff.opts.Store.Teams(ctx)
	if err != nil {
		return s.staffFrame(title, true, s.failed(err))
	}
	p.teams = teams
	p.teamName = text("", styleItem)
	p.fileName = text("", styleItem)
	p.folderName = text("", styleItem)
	pick := func(icon fyne.Resource, label *widget.RichText, onTap func()) *card {
		return s.card(container.NewBorder(nil, nil, widget.NewIcon(icon), nil, label), onTap)
	}
	choices := container.NewVBox(
		pick(theme.AccountIcon(), p.teamName, p.pickTeam),
		pick(theme.FileIcon(), p.fileName, p.pickFile),
		pick(theme.FolderIcon(), p.folderName, p.pickFolder),
		text(lang.L("passes.format"), styleSoft),
	)
	p.lines = s.pager(0, "")
	p.bar = newQuietBar()
	p.msg = widget.NewRichText(&widget.TextSegment{Style: styleStrong}, &widget.TextSegment{Style: styleStrong})
	p.msg.Wrapping = fyne.TextWrapBreak
	p.status = container.NewVBox(p.bar, p.msg)
	p.start = s.button(lang.L("passes.start"), theme.DocumentPrintIcon(), widget.HighImportance, p.run)
	if folders := s.exportFolders(); len(folders) > 0 {
		p.folder = &folders[0]
	}
	p.showChoices()
	setText(p.msg, lang.L("passes.pick"))
	right := container.NewBorder(p.status, p.start, nil, nil, p.lines.box)
	return s.staffFrame(title, true, container.New(&splitLayout{ratio: 0.45}, choices, right))
}

// showChoices names the team, list and folder picked on their cards, and
// enables 生成 when all three are there and the list is good.
func (p *passesScreen) showChoices() {
	team := lang.L("passes.noTeam")
	if p.team >= 0 {
		team = lang.L("passes.team", map[string]any{"Name": p.teams[p.team].Name})
	}
	setText(p.teamName, team)
	file := lang.L("passes.noFile")
	if p.file != "" {
		file = lang.L("passes.file", map[string]any{"Name": filepath.Base(p.file)})
	}
	setText(p.fileName, file)
	where := lang.L("passes.noFolder")
	if p.folder != nil {
		where = lang.L("passes.folder", map[string]any{"Name": p.folder.label()})
	}
	setText(p.folderName, where)
	if p.team >= 0 && p.members != nil && p.folder != nil && !p.running {
		p.start.Enable()
	} else {
		p.start.Disable()
	}
}

// pickTeam shows the teams to pick from.
func (p *passesScreen) pickTeam() {
	s := p.shell
	items := s.choiceCards(len(p.teams), p.team, func(i int) fyne.CanvasObject {
		t := p.teams[i]
		about := strings.Join(slices.DeleteFunc([]string{t.Kind, t.Community}, func(s string) bool { return s == "" }), " · ")
		words := widget.NewRichText(&widget.TextSegment{Text: t.Name, Style: styleItem},
			&widget.TextSegment{Text: about, Style: widget.RichTextStyle{ColorName: colorNameTextSoft, SizeName: theme.SizeNameCaptionText}})
		words.Wrapping = fyne.TextWrapBreak
		return words
	}, func(i int) {
		p.team = i
		s.Back()
		p.showChoices()
	})
	s.Show(newPickScreen(s, lang.L("passes.pickTeam"), lang.L("passes.noTeams"), items))
}

// pickFile shows the .csv files on the USB sticks to pick from.
func (p *passesScreen) pickFile() {
	s := p.shell
	files := s.usbFiles(".csv")
	items := s.fileCards(files, slices.Index(files, p.file), func(i int) {
		s.Back()
		p.check(files[i])
	})
	s.Show(newPickScreen(s, lang.L("passes.pickFile"), lang.L("passes.noFiles"), items))
}

// pickFolder shows the folders to write to.
func (p *passesScreen) pickFolder() {
	s := p.shell
	folders := s.exportFolders()
	sel := -1
	if p.folder != nil {
		sel = slices.Index(folders, *p.folder)
	}
	items := s.folderCards(folders, sel, func(i int) {
		p.folder = &folders[i]
		s.Back()
		p.showChoices()
	})
	s.Show(newPickScreen(s, lang.L("passes.pickFolder"), lang.L("export.noFolder"), items))
}

// Tick forgets the list or folder picked when its USB stick is gone.
func (p *passesScreen) Tick(time.Time) {
	if p.running {
		return
	}
	changed := false
	if p.file != "" && !slices.Contains(p.shell.usbFiles(".csv"), p.file) {
		p.file, p.members, changed = "", nil, true
		p.lines.setItems(nil)
	}
	if p.folder != nil && !slices.Contains(p.shell.exportFolders(), *p.folder) {
		p.folder, changed = nil, true
	}
	if changed {
		p.showChoices()
		p.show(lang.L("passes.gone"), "", false)
	}
}

// check reads the member list at path and shows its problems, or how many
// people it names.
func (p *passesScreen) check(path string) {
	p.file = path
	members, err := readMemberFile(path)
	p.members = members
	p.showChoices()
	if err != nil {
		p.showProblems(err)
		return
	}
	p.lines.setItems(nil)
	p.show(lang.L("passes.ready", map[string]any{"N": len(members), "Pages": pass.A4.Pages(len(members))}), "", true)
}

// readMemberFile reads a member list (checkin.ReadMembers) from the file at
// path.
func readMemberFile(path string) ([]checkin.Member, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return checkin.ReadMembers(f)
}

// showProblems says in plain words why a member list cannot be used, with
// its bad lines.
func (p *passesScreen) showProblems(err error) {
	var bad checkin.MemberErrors
	var te *content.TextError
	switch {
	case errors.As(err, &bad):
		items := make([]fyne.CanvasObject, len(bad))
		for i, e := range bad {
			items[i] = text(lineProblem(e), styleBody)
		}
		p.lines.setItems(items)
		p.show(lang.L("passes.problems", map[string]any{"N": len(bad)}), "", false)
		return
	case errors.Is(err, checkin.ErrNoMembers):
		p.show(lang.L("passes.empty"), "", false)
	case errors.Is(err, checkin.ErrMemberFileSize):
		p.show(lang.L("passes.tooLarge"), "", false)
	case errors.As(err, &te) && errors.Is(te, content.ErrStrayByte):
		p.show(lang.L("passes.strayByte", map[string]any{"Line": te.Line}), "", false)
	case errors.As(err, &te):
		p.show(lang.L("passes.notText", map[string]any{"Line": te.Line}), "", false)
	default:
		fyne.LogError("reading a member list", err)
		p.show(lang.L("passes.unreadable"), "", false)
	}
	p.lines.setItems(nil)
}

// lineProblem says what is wrong on one line of a member list.
func lineProblem(e checkin.LineError) string {
	args := map[string]any{"Line": e.Line, "Value": e.Value, "First": e.First}
	switch {
	case errors.Is(e, checkin.ErrRepeatedPhone):
		return lang.L("passes.lineRepeated", args)
	case errors.Is(e, checkin.ErrBadCSV):
		return lang.L("passes.lineCSV", args)
	case e.Value == "":
		return lang.L("passes.lineNoPhone", args)
	}
	return lang.L("passes.linePhone", args)
}

// run makes the sheet off Fyne's goroutine, with a progress bar, and says
// what was written where, or why nothing was.
func (p *passesScreen) run() {
	s := p.shell
	if p.running || p.team < 0 || p.members == nil || p.folder == nil {
		return
	}
	team, file, dir := p.teams[p.team], p.file, p.folder.path
	p.running = true
	p.showChoices()
	p.bar.SetValue(0)
	p.bar.Show()
	p.lines.setItems(nil)
	p.show(lang.L("passes.running"), "", true)
	s.background(func() {
		sheet, paths, err := s.writePasses(team.ID, file, dir, func(done, total int) {
			fyne.Do(func() { p.bar.SetValue(float64(done) / float64(max(total, 1))) })
		})
		fyne.Do(func() {
			p.running = false
			p.bar.Hide()
			p.done(sheet, paths, dir, err)
			p.showChoices()
		})
	})
}

// done shows how making the sheet went.
func (p *passesScreen) done(sheet checkin.TeamSheet, paths []string, dir string, err error) {
	var bad checkin.MemberErrors
	var werr *writeError
	switch {
	case err == nil:
		var items []fyne.CanvasObject
		differing := ""
		if len(sheet.Differing) > 0 {
			differing = lang.L("passes.differing", map[string]any{"N": len(sheet.Differing)})
		}
		for _, d := range sheet.Differing {
			items = append(items, text(lang.L("passes.differLine", map[string]any{"Line": d.Line, "Listed": d.Listed,
				"Registered": d.Registered}), styleBody))
		}
		for _, path := range paths {
			items = append(items, text(filepath.Base(path), styleBody))
		}
		p.lines.setItems(items)
		p.show(lang.L("passes.done", map[string]any{"Cards": len(sheet.Cards), "New": sheet.NewPasses,
			"Pages": len(paths), "Removed": sheet.Removed, "Differing": differing}), dir, true)
	case errors.As(err, &bad), errors.Is(err, checkin.ErrNoMembers), errors.Is(err, checkin.ErrMemberFileSize),
		errors.Is(err, content.ErrNotText):
		p.members = nil // changed since it was checked
		p.showProblems(err)
	case errors.As(err, &werr):
		fyne.LogError("writing a pass sheet", err)
		p.show(lang.L("passes.failed", map[string]any{"Why": exportError(err)}), "", false)
	default:
		fyne.LogError("making a pass sheet", err)
		p.show(lang.L("passes.failedStore"), "", false)
	}
}

// show says msg, in green when ok, and the folder written to.
func (p *passesScreen) show(msg, dir string, ok bool) {
	p.msg.Segments[1].(*widget.TextSegment).Text = dir
	say(p.msg, msg, ok)
	p.status.Refresh()
}

// writeError is an error writing the pages to their folder.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// writePasses reads the member list at file again (it may have changed
// since it was checked), makes team teamID's pass sheet of it and writes
// the pages to dir, calling progress with the steps done and in all. It
// returns the sheet and the pages' paths; errors writing are *writeError.
func (s *Shell) writePasses(teamID, file, dir string, progress func(done, total int)) (checkin.TeamSheet, []string, error) {
	members, err := readMemberFile(file)
	if err != nil {
		return checkin.TeamSheet{}, nil, err
	}
	if s.svc == nil {
		return checkin.TeamSheet{}, nil, errors.New("no check-in service")
	}
	if dir == s.staff.opts.ExportsDir {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return checkin.TeamSheet{}, nil, &writeError{err}
		}
	}
	sheet, err := s.svc.TeamPasses(context.Background(), teamID, members, progress)
	if err != nil {
		return sheet, nil, err
	}
	paths, err := sheet.Write(dir)
	if err != nil {
		return sheet, nil, &writeError{err}
	}
	return sheet, paths, nil
}

// pickScreen is a list of choices on pages; picking one goes back (the
// items' onSelect does).
type pickScreen struct {
	staffPage
	shell        *Shell
	title, empty string
	items        []fyne.CanvasObject
}

func newPickScreen(s *Shell, title, empty string, items []fyne.CanvasObject) *pickScreen {
	return &pickScreen{shell: s, title: title, empty: empty, items: items}
}

// Build lists the items.
func (p *pickScreen) Build() fyne.CanvasObject {
	list := p.shell.pager(0, p.empty)
	list.setItems(p.items)
	return p.shell.staffFrame(p.title, true, list.box)
}

package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// folder is a place an export can be saved: a USB stick or the kiosk's own
// exports folder.
type folder struct {
	path string
	usb  bool
}

// label names f: its USB stick, by the stick's name after "U盘" unless
// the name already says so (sticks are sold labelled U盘 or USB DISK), or
// the kiosk's exports folder.
func (f folder) label() string {
	if !f.usb {
		return lang.L("export.local")
	}
	name := filepath.Base(f.path)
	if upper := strings.ToUpper(name); strings.Contains(upper, "U盘") || strings.Contains(upper, "USB") {
		return name
	}
	return lang.L("export.usb", map[string]any{"Name": name})
}

// folderCards makes a card per folder naming it and its path, of which the
// one at sel is highlighted; tapping another highlights it and calls
// onSelect with its index.
func (s *Shell) folderCards(folders []folder, sel int, onSelect func(i int)) []fyne.CanvasObject {
	return s.choiceCards(len(folders), sel, func(i int) fyne.CanvasObject {
		f := folders[i]
		words := widget.NewRichText(&widget.TextSegment{Text: f.label(), Style: styleItem},
			&widget.TextSegment{Text: f.path, Style: widget.RichTextStyle{ColorName: colorNameTextSoft, SizeName: theme.SizeNameCaptionText}})
		words.Wrapping = fyne.TextWrapBreak
		return words
	}, onSelect)
}

// exportFolders lists the USB sticks mounted now, then the kiosk's exports
// folder.
func (s *Shell) exportFolders() []folder {
	roots := s.staff.opts.MediaRoots
	if roots == nil {
		roots = mediaRoots
	}
	var out []folder
	for _, pattern := range roots {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.IsDir() {
				out = append(out, folder{path: m, usb: true})
			}
		}
	}
	if s.staff.opts.ExportsDir != "" {
		out = append(out, folder{path: s.staff.opts.ExportsDir})
	}
	return out
}

// The periods, contents and formats of an export, in the order of their
// buttons.
const (
	periodThisMonth = iota
	periodLastMonth
	periodLastWeek
)

const (
	contentAttendance = iota
	contentHours
)

var exportFormats = []export.Format{export.CSV, export.XLSX}

// hoursRows is what a row of a CSV hours report stands for, in the order of
// the buttons 按人, 按社区 and 按团队.
var hoursRows = []export.HoursRows{export.ByVisitor, export.ByCommunity, export.ByTeam}

// exportPeriod returns the days of period p as seen at now: from the first
// day's start to the start of the day after the last.
func exportPeriod(p int, now time.Time) (from, to time.Time) {
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	switch p {
	case periodLastMonth:
		return month.AddDate(0, -1, 0), month
	case periodLastWeek:
		today := startOfDay(now)
		return today.AddDate(0, 0, -6), today.AddDate(0, 0, 1)
	}
	return month, month.AddDate(0, 1, 0)
}

// exportScreen saves the attendance log or the service-hours report of a
// period, of all events or one, as CSV or XLSX, to a USB stick or the
// kiosk's exports folder, with a progress bar. A CSV hours report holds the
// table chosen with 按人, 按社区 or 按团队 (an XLSX one has all three).
// Phone numbers are masked unless 完整手机号 is on.
type exportScreen struct {
	staffPage
	shell     *Shell
	folders   []folder
	sel       int
	period    int
	content   int
	format    int
	hoursBy   int        // the index in hoursRows of a CSV hours report's table
	event     data.Event // the event exported; all when its ID is ""
	fullPhone bool
	running   bool

	list      *pager
	eventName *widget.RichText
	phoneBtn  *tapButton
	phoneWarn *widget.RichText
	byRow     *fyne.Container // 按人, 按社区 and 按团队: shown for a CSV hours report
	choices   *fyne.Container // holds the choices of period, contents, format and byRow
	left      *fyne.Container // holds the choice of event, 完整手机号 and the folders
	bar       *widget.ProgressBar
	// msg says how the export went, then the path of the file written.
	msg    *widget.RichText
	status *fyne.Container // holds the bar and msg
	start  *tapButton
}

func newExportScreen(s *Shell) *exportScreen { return &exportScreen{shell: s} }

// Build lays out the folders beside the choices, the progress bar and 开始导出.
func (e *exportScreen) Build() fyne.CanvasObject {
	s := e.shell
	e.list = s.pager(0, lang.L("export.noFolder"))
	e.showFolders(s.exportFolders())

	periods := s.choice([]string{lang.L("export.thisMonth"), lang.L("export.lastMonth"), lang.L("export.lastWeek")},
		e.period, func(i int) { e.period = i })
	contents := s.choice([]string{lang.L("export.attendance"), lang.L("export.hours")}, e.content,
		func(i int) {
			e.content = i
			e.showHoursBy()
		})
	formats := s.choice([]string{"CSV", "XLSX"}, e.format, func(i int) {
		e.format = i
		e.showHoursBy()
	})
	e.byRow = s.choice([]string{lang.L("export.byVisitor"), lang.L("export.byCommunity"), lang.L("export.byTeam")},
		e.hoursBy, func(i int) { e.hoursBy = i })
	e.showHoursBy()
	e.eventName = text("", styleItem)
	pick := s.card(container.NewBorder(nil, nil, widget.NewIcon(theme.CalendarIcon()), nil, e.eventName), func() {
		s.Show(newExportEventScreen(s, e.event.ID, e.pickEvent))
	})
	e.phoneBtn = s.button(lang.L("export.fullPhone"), nil, widget.MediumImportance, func() {
		e.fullPhone = !e.fullPhone
		e.showPhone()
	})
	e.phoneWarn = text(lang.L("export.fullPhoneWarning"), widget.RichTextStyle{ColorName: theme.ColorNameError,
		TextStyle: fyne.TextStyle{Bold: true}})
	e.showEvent()
	e.showPhone()
	e.left = container.NewBorder(container.NewVBox(pick, e.phoneBtn, e.phoneWarn, text(lang.L("export.where"), styleHeading)),
		nil, nil, nil, e.list.box)
	e.bar = newQuietBar()
	e.msg = widget.NewRichText(&widget.TextSegment{Style: styleStrong}, &widget.TextSegment{Style: styleStrong})
	e.msg.Wrapping = fyne.TextWrapBreak
	e.status = container.NewVBox(e.bar, e.msg)
	e.start = s.button(lang.L("export.start"), theme.DownloadIcon(), widget.HighImportance, e.run)
	e.choices = container.NewVBox(text(lang.L("export.period"), styleStrong), periods,
		text(lang.L("export.what"), styleStrong), container.NewGridWithColumns(2, contents, formats), e.byRow)
	right := container.NewBorder(e.choices, e.start, nil, nil, e.status)
	return s.staffFrame(lang.L("staff.export"), true, container.New(&splitLayout{ratio: 0.45}, e.left, right))
}

// pickEvent exports the event ev, or all events when its ID is "".
func (e *exportScreen) pickEvent(ev data.Event) {
	e.event = ev
	e.showEvent()
}

// showEvent names the event exported on its card.
func (e *exportScreen) showEvent() {
	title := e.event.Title
	if e.event.ID == "" {
		title = lang.L("export.allEvents")
	}
	setText(e.eventName, lang.L("export.event", map[string]any{"Title": title}))
}

// csvHours returns whether the export chosen is a CSV hours report, which
// holds one table of the report.
func (e *exportScreen) csvHours() bool {
	return e.content == contentHours && exportFormats[e.format] == export.CSV
}

// showHoursBy shows 按人, 按社区 and 按团队 only for a CSV hours report.
func (e *exportScreen) showHoursBy() {
	if e.csvHours() {
		e.byRow.Show()
	} else {
		e.byRow.Hide()
	}
	if e.choices != nil {
		e.choices.Refresh()
	}
}

// showPhone ticks 完整手机号 when it is on, with the warning under it.
func (e *exportScreen) showPhone() {
	e.phoneBtn.Icon = theme.CheckButtonIcon()
	e.phoneBtn.Importance = widget.MediumImportance
	e.phoneWarn.Hide()
	if e.fullPhone {
		e.phoneBtn.Icon = theme.CheckButtonCheckedIcon()
		e.phoneBtn.Importance = widget.WarningImportance
		e.phoneWarn.Show()
	}
	e.phoneBtn.Refresh()
	if e.left != nil {
		e.left.Refresh()
	}
}

// showFolders lists folders, keeping the one selected if it is still there.
func (e *exportScreen) showFolders(folders []folder) {
	s := e.shell
	sel := 0
	if e.sel < len(e.folders) {
		if i := slices.Index(folders, e.folders[e.sel]); i >= 0 {
			sel = i
		}
	}
	e.folders, e.sel = folders, sel
	e.list.setItems(s.folderCards(folders, sel, func(i int) { e.sel = i }))
}

// Tick lists the folders again when a USB stick comes or goes.
func (e *exportScreen) Tick(time.Time) {
	if f := e.shell.exportFolders(); !slices.Equal(f, e.folders) {
		e.showFolders(f)
	}
}

// run writes the export chosen off Fyne's goroutine and says where it went
// or why it failed.
func (e *exportScreen) run() {
	s := e.shell
	if e.running || e.sel >= len(e.folders) {
		if len(e.folders) == 0 {
			e.show(lang.L("export.noFolder"), "", false)
		}
		return
	}
	from, to := exportPeriod(e.period, s.Now())
	prefix := lang.L("export.fileAttendance")
	what := exportWhat{hours: e.content == contentHours, eventID: e.event.ID, fullPhone: e.fullPhone}
	if what.hours {
		prefix = lang.L("export.fileHours")
	}
	if e.csvHours() {
		what.by = hoursRows[e.hoursBy]
		prefix += "_" + []string{lang.L("export.fileByVisitor"), lang.L("export.fileByCommunity"),
			lang.L("export.fileByTeam")}[e.hoursBy]
	}
	if e.event.ID != "" {
		prefix += "_" + fileNamePart(e.event.Title)
	}
	f := exportFormats[e.format]
	dir := e.folders[e.sel].path
	path := filepath.Join(dir, fmt.Sprintf("%s_%s-%s.%s", prefix, from.Format("20060102"),
		to.AddDate(0, 0, -1).Format("20060102"), f))
	e.running = true
	e.start.Disable()
	e.bar.SetValue(0)
	e.bar.Show()
	e.show(lang.L("export.running"), "", true)
	s.background(func() {
		n, err := s.writeExport(path, f, what, from, to, func(done float64) {
			fyne.Do(func() {
				e.bar.SetValue(done)
				e.show(lang.L("export.progress", map[string]any{"P": int(done * 100)}), "", true)
			})
		})
		fyne.Do(func() {
			e.running = false
			e.start.Enable()
			e.bar.Hide()
			if err != nil {
				fyne.LogError("exporting", err)
				e.show(lang.L("export.failed", map[string]any{"Why": exportError(err)}), "", false)
				return
			}
			e.show(lang.L("export.done", map[string]any{"N": n}), path, true)
		})
	})
}

// show says msg, in green when ok, and the path of the file written.
func (e *exportScreen) show(msg, path string, ok bool) {
	e.msg.Segments[1].(*widget.TextSegment).Text = path
	say(e.msg, msg, ok)
	e.status.Refresh()
}

// exportWhat is what an export holds.
type exportWhat struct {
	// hours chooses the service-hours report over the attendance log.
	hours bool
	// eventID keeps one event's records; "" keeps all.
	eventID string
	// fullPhone writes phone numbers in full instead of masked.
	fullPhone bool
	// by is the table of a CSV hours report (export.Options.HoursBy).
	by export.HoursRows
}

// writeExport writes the attendance log, or the service-hours report, of
// [from, to) to path in format f, all or nothing, calling progress with the
// share done. It returns the rows written. An attendance log of more records
// than an XLSX sheet holds is refused before anything is read or written
// (export.CheckRows).
func (s *Shell) writeExport(path string, f export.Format, what exportWhat, from, to time.Time, progress func(float64)) (int, error) {
	hours := what.hours
	st := s.staff.opts.Store
	ctx := context.Background()
	dir := filepath.Dir(path)
	if dir == s.staff.opts.ExportsDir {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return 0, err
		}
	}
	filter := sqlite.AttendanceFilter{FromMS: from.UnixMilli(), ToMS: to.UnixMilli()}
	if hours {
		// Sessions that start in the period, so that a check-in and its
		// check-out are counted together; accepted records only, as
		// Store.Hours reads.
		filter = sqlite.AttendanceFilter{SessionFromMS: from.UnixMilli(), SessionToMS: to.UnixMilli(), AcceptedOnly: true}
	}
	filter.EventID = what.eventID
	total, err := st.CountAttendance(ctx, filter)
	if err != nil {
		return 0, err
	}
	if !hours {
		if err := export.CheckRows(f, total); err != nil {
			return 0, err
		}
	}
	share := func(n int) { progress(float64(n) / float64(max(total, 1))) }
	opts := export.Options{Zone: s.loc, TempDir: dir, FullPhone: what.fullPhone, HoursBy: what.by}
	var n int
	if !hours {
		opts.Progress = share
		err = export.WriteFile(path, func(w io.Writer) error {
			n, err = export.WriteAttendance(w, f, st.AttendanceSource(ctx, filter), opts)
			return err
		})
		return n, err
	}
	rep, err := st.Hours(ctx, filter, share)
	if err != nil {
		return 0, err
	}
	share(total)
	err = export.WriteFile(path, func(w io.Writer) error {
		n, err = export.WriteHours(w, f, rep, opts)
		return err
	})
	return n, err
}

// fileNamePart is s with the characters that file systems refuse, USB
// sticks' FAT among them, replaced by "_".
func fileNamePart(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
}

// exportEventScreen picks the event to export, or 全部活动: a card for
// all events, then the events newest first, a page at a time.
type exportEventScreen struct {
	staffPage
	shell  *Shell
	sel    string // the ID of the event picked now; "" for all
	onPick func(data.Event)
}

func newExportEventScreen(s *Shell, sel string, onPick func(data.Event)) *exportEventScreen {
	return &exportEventScreen{shell: s, sel: sel, onPick: onPick}
}

// Build lists all events and each event.
func (p *exportEventScreen) Build() fyne.CanvasObject {
	s := p.shell
	title := lang.L("export.pickEvent")
	ctx, cancel := s.query()
	defer cancel()
	events, err := s.staff.opts.Store.Events(ctx)
	if err != nil {
		return s.staffFrame(title, true, s.failed(err))
	}
	slices.SortStableFunc(events, func(a, b data.Event) int { return cmp.Compare(b.StartMS, a.StartMS) })
	events = append([]data.Event{{}}, events...)
	list := s.pager(0, "")
	items := make([]fyne.CanvasObject, len(events))
	for i, ev := range events {
		line := s.eventLine(ev)
		if ev.ID == "" {
			line = text(lang.L("export.allEvents"), styleStrong)
		}
		c := s.card(line, func() {
			p.onPick(ev)
			s.Back()
		})
		if ev.ID == p.sel {
			c.fill = theme.ColorNameSelection
		}
		items[i] = c
	}
	list.setItems(items)
	return s.staffFrame(title, true, list.box)
}

// exportError says in plain words why an export failed.
func exportError(err error) string {
	var tooMany *export.TooManyRowsError
	switch {
	case errors.As(err, &tooMany) && tooMany.Rows > 0:
		return lang.L("export.errTooMany", map[string]any{"N": tooMany.Rows, "Max": export.MaxXLSXRows})
	case errors.As(err, &tooMany):
		return lang.L("export.errTooManyRows", map[string]any{"Max": export.MaxXLSXRows})
	case errors.Is(err, syscall.ENOSPC):
		return lang.L("export.errFull")
	case errors.Is(err, syscall.EROFS):
		return lang.L("export.errReadOnly")
	case errors.Is(err, os.ErrPermission):
		return lang.L("export.errPermission")
	case errors.Is(err, os.ErrNotExist):
		return lang.L("export.errGone")
	}
	return lang.L("export.errOther")
}

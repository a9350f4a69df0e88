package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// findLimit is the most visitors a search lists.
const findLimit = 40

// findPurpose is what a visitor is looked up for.
type findPurpose int

const (
	findManual  findPurpose = iota // a manual check-in or check-out
	findVisitor                    // the visitor's pass and data
)

// findScreen finds visitors by their phone number, whole or its last four
// digits, typed on the keypad, and lists them masked.
type findScreen struct {
	staffPage
	shell   *Shell
	purpose findPurpose
	list    *pager
	msg     *widget.RichText
}

func newFindScreen(s *Shell, purpose findPurpose) *findScreen {
	return &findScreen{shell: s, purpose: purpose}
}

// searchSpec is the keypad of a search: a whole mobile number, grouped as
// it is read, or its last four digits.
func searchSpec() padSpec {
	return padSpec{max: phoneDigits, placeholder: lang.L("find.placeholder"),
		show: func(d string) string {
			if len(d) <= 4 {
				return d
			}
			return groupPhone(d)
		},
		valid: func(d string) bool { return len(d) == 4 || validPhone(d) }}
}

// Build lays out the matches beside the keypad.
func (f *findScreen) Build() fyne.CanvasObject {
	s := f.shell
	title := lang.L("staff.visitors")
	if f.purpose == findManual {
		title = lang.L("staff.manual")
	}
	f.msg = text(lang.L("find.prompt"), styleReading)
	f.list = s.pager(0, "")
	pad := s.digitPad(searchSpec(), f.search)
	left := container.NewBorder(f.msg, nil, nil, nil, f.list.box)
	return s.staffFrame(title, true, container.New(&splitLayout{ratio: 0.55}, left, pad.box))
}

// search lists the visitors whose phone matches digits.
func (f *findScreen) search(digits string) {
	s := f.shell
	ctx, cancel := s.query()
	defer cancel()
	found, err := s.staff.opts.Store.FindVisitors(ctx, digits, findLimit)
	if err != nil {
		fyne.LogError("finding visitors", err)
		setText(f.msg, lang.L("reason.storage"))
		f.list.setItems(nil)
		return
	}
	msg := lang.L("find.found", map[string]any{"N": len(found)})
	if len(found) == 0 {
		msg = lang.L("find.none")
	}
	setText(f.msg, msg)
	items := make([]fyne.CanvasObject, len(found))
	for i, m := range found {
		items[i] = s.card(s.visitorLine(m), func() {
			if f.purpose == findManual {
				s.Show(newManualScreen(s, m))
			} else {
				s.Show(newVisitorScreen(s, m))
			}
		})
	}
	f.list.setItems(items)
}

// visitorLine describes a visitor found by staff: masked phone and name,
// then whether their pass works and their latest check-in or check-out,
// marked when it was closed automatically at the session's end.
func (s *Shell) visitorLine(m sqlite.VisitorMatch) *widget.RichText {
	seen := lang.L("visitor.neverSeen")
	switch at := map[string]any{"Time": when(m.LastSeenMS, s.Now())}; {
	case m.LastSeenMS == 0:
	case m.LastDir != data.Out:
		seen = lang.L("visitor.lastSeen", at)
	case m.LastMethod == data.MethodAuto:
		seen = lang.L("visitor.lastOut", at) + lang.L("today.auto")
	default:
		seen = lang.L("visitor.lastOut", at)
	}
	pass := lang.L("visitor.passValid")
	if m.Pass.IsZero() {
		pass = lang.L("visitor.noPass")
	}
	who := joinNonEmpty("  ", m.MaskedPhone, m.Name)
	if who == "" {
		who = lang.L("visitor.anonymous")
	}
	t := widget.NewRichText(
		&widget.TextSegment{Text: who, Style: styleItem},
		&widget.TextSegment{Text: joinNonEmpty(" · ", pass, seen), Style: styleSoft})
	t.Wrapping = fyne.TextWrapWord
	return t
}

// visitorScreen shows one visitor to staff, masked, with 挂失 (revoke the
// pass), 补发 (a new pass, shown as a QR code), 服务证明 (their service
// record, printed to a USB stick) and 删除 (on the visitor's request).
type visitorScreen struct {
	staffPage
	shell   *Shell
	visitor sqlite.VisitorMatch
	info    *widget.RichText
	msg     *widget.RichText
	main    *fyne.Container
	actions []*tapButton
}

func newVisitorScreen(s *Shell, m sqlite.VisitorMatch) *visitorScreen {
	return &visitorScreen{shell: s, visitor: m}
}

// Build lays out the visitor and the actions.
func (v *visitorScreen) Build() fyne.CanvasObject {
	s := v.shell
	v.info = s.visitorLine(v.visitor)
	v.msg = text("", styleAccent)
	v.actions = []*tapButton{
		s.button(lang.L("visitor.revoke"), theme.CancelIcon(), widget.MediumImportance, v.revoke),
		s.button(lang.L("visitor.reissue"), theme.ViewRefreshIcon(), widget.HighImportance, v.reissue),
		s.button(lang.L("visitor.certificate"), theme.DocumentPrintIcon(), widget.MediumImportance, v.certificate),
		s.button(lang.L("visitor.delete"), theme.DeleteIcon(), widget.DangerImportance, v.delete),
	}
	row := container.NewGridWithColumns(len(v.actions))
	for _, b := range v.actions {
		row.Add(b)
	}
	v.main = container.NewStack(v.words())
	return s.staffFrame(lang.L("staff.visitors"), true, container.NewBorder(nil, row, nil, nil, v.main))
}

// words is the visitor's description with the last message.
func (v *visitorScreen) words() fyne.CanvasObject {
	return container.NewVBox(v.info, text(lang.L("visitor.explain"), styleReading), v.msg)
}

// act runs do off Fyne's goroutine, then shows what done says of its
// result.
func (v *visitorScreen) act(what string, do func(ctx context.Context) error, done func()) {
	s := v.shell
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), checkInTimeout)
		defer cancel()
		err := do(ctx)
		fyne.Do(func() {
			if err != nil {
				fyne.LogError(what, err)
				say(v.msg, staffError(err), false)
				return
			}
			done()
		})
	})
}

// revoke revokes the visitor's passes.
func (v *visitorScreen) revoke() {
	s := v.shell
	var n int
	v.act("revoking a pass", func(ctx context.Context) (err error) {
		n, err = s.svc.StaffRevoke(ctx, v.visitor.ID, s.staffName())
		return err
	}, func() {
		v.visitor.Pass = data.PassRef{}
		v.refresh(lang.L("visitor.revoked", map[string]any{"N": n}))
	})
}

// reissue issues a new pass and shows its QR code.
func (v *visitorScreen) reissue() {
	s := v.shell
	var reg checkin.Registration
	var ref data.PassRef
	v.act("re-issuing a pass", func(ctx context.Context) (err error) {
		if reg, err = s.svc.StaffReissue(ctx, v.visitor.ID, s.staffName()); err != nil {
			return err
		}
		ref, _, _, err = s.staff.opts.Store.ActivePass(ctx, v.visitor.ID)
		return err
	}, func() {
		v.visitor.Pass = ref
		v.refresh(lang.L("visitor.reissued"))
		v.main.Objects = []fyne.CanvasObject{container.New(passLayout{}, newQRView(reg.Code), v.words())}
		v.main.Refresh()
	})
}

// certificateMonths is the period of the service record 服务证明 prints:
// the last 12 months, today included.
const certificateMonths = 12

// certificate writes the visitor's service record (志愿服务记录证明) of the
// last certificateMonths to the first folder an export would go to (a USB
// stick, else the kiosk's exports folder) and names the pages written.
func (v *visitorScreen) certificate() {
	s := v.shell
	folders := s.exportFolders()
	if len(folders) == 0 {
		say(v.msg, lang.L("export.noFolder"), false)
		return
	}
	dir := folders[0]
	now := s.Now()
	to := startOfDay(now).AddDate(0, 0, 1)
	from := to.AddDate(0, -certificateMonths, 0)
	id := v.visitor.ID
	say(v.msg, lang.L("visitor.certRunning"), true)
	s.background(func() {
		paths, err := s.writeCertificate(id, dir.path, from, to, now)
		fyne.Do(func() {
			var werr *writeError
			switch {
			case err == nil:
				names := make([]string, len(paths))
				for i, p := range paths {
					names[i] = filepath.Base(p)
				}
				say(v.msg, lang.L("visitor.certDone", map[string]any{"Pages": len(paths), "Folder": dir.label(),
					"Files": strings.Join(names, "、")}), true)
			case errors.Is(err, export.ErrNoService):
				say(v.msg, lang.L("visitor.certNone", map[string]any{"Months": certificateMonths}), false)
			case errors.As(err, &werr):
				fyne.LogError("writing a service record", err)
				say(v.msg, lang.L("visitor.certFailed", map[string]any{"Why": exportError(err)}), false)
			default:
				fyne.LogError("making a service record", err)
				say(v.msg, staffError(err), false)
			}
			// The result, which names the files, takes the explanation's room.
			v.main.Objects = []fyne.CanvasObject{container.NewVBox(v.info, v.msg)}
			v.main.Refresh()
		})
	})
}

// writeCertificate writes the service record of visitor id of the sessions
// that start in [from, to), issued at issued, to dir (export.Certificate)
// and returns the pages' paths; errors writing are *writeError.
func (s *Shell) writeCertificate(id, dir string, from, to, issued time.Time) ([]string, error) {
	st := s.staff.opts.Store
	ctx, cancel := context.WithTimeout(context.Background(), checkInTimeout)
	defer cancel()
	visitor, err := st.Visitor(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := st.Certificate(ctx, visitor, from, to, issued)
	if err != nil {
		return nil, err
	}
	if dir == s.staff.opts.ExportsDir {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, &writeError{err}
		}
	}
	paths, err := c.Write(dir)
	if err != nil {
		return nil, &writeError{err}
	}
	return paths, nil
}

// deleted shows the visitor as deleted and disables the actions.
func (v *visitorScreen) deleted(r sqlite.DeleteResult) {
	v.visitor.Pass, v.visitor.MaskedPhone, v.visitor.Name = data.PassRef{}, "", ""
	v.refresh(lang.L("visitor.deleted", map[string]any{"Records": r.RecordsKept, "Passes": r.PassesRevoked}))
	v.main.Objects = []fyne.CanvasObject{v.words()}
	v.main.Refresh()
	for _, b := range v.actions {
		b.Disable()
	}
}

// refresh shows the visitor again with msg.
func (v *visitorScreen) refresh(msg string) {
	fresh := v.shell.visitorLine(v.visitor)
	v.info.Segments = fresh.Segments
	v.info.Refresh()
	say(v.msg, msg, true)
}

// delete asks, then deletes the visitor's personal data and shows them as
// deleted.
func (v *visitorScreen) delete() {
	s := v.shell
	s.Show(&confirmScreen{shell: s, title: lang.L("visitor.delete"),
		question: lang.L("delete.question", map[string]any{"Phone": v.visitor.MaskedPhone}),
		explain:  lang.L("delete.explain"), yes: lang.L("delete.confirm"), icon: theme.DeleteIcon(),
		act: func(c *confirmScreen) {
			id := v.visitor.ID
			s.background(func() {
				ctx, cancel := context.WithTimeout(context.Background(), checkInTimeout)
				defer cancel()
				r, err := s.svc.StaffDeleteVisitor(ctx, id, s.staffName())
				fyne.Do(func() {
					if err != nil {
						fyne.LogError("deleting a visitor", err)
						c.fail(staffError(err))
						return
					}
					c.done()
					v.deleted(r)
				})
			})
		}})
}

// staffError says in plain words why a staff action failed.
func staffError(err error) string {
	switch {
	case errors.Is(err, checkin.ErrNoSession):
		return lang.L("manual.noSession")
	case errors.Is(err, checkin.ErrFutureTime):
		return lang.L("manual.future")
	case errors.Is(err, checkin.ErrOutsideWindow):
		return lang.L("manual.outsideWindow")
	case errors.Is(err, checkin.ErrAlreadyIn):
		return lang.L("manual.alreadyIn")
	case errors.Is(err, checkin.ErrAlreadyOut):
		return lang.L("manual.alreadyOut")
	case errors.Is(err, checkin.ErrNotCheckedIn):
		return lang.L("manual.notIn")
	case errors.Is(err, checkin.ErrOutBeforeIn):
		return lang.L("manual.outBeforeIn")
	case errors.Is(err, checkin.ErrVisitorDeleted):
		return lang.L("staff.visitorDeleted")
	case errors.Is(err, checkin.ErrStaffRequired):
		return lang.L("staff.needsStaff")
	case errors.Is(err, data.ErrNotFound):
		return lang.L("staff.notFound")
	case errors.Is(err, context.DeadlineExceeded):
		return lang.L("staff.timeout")
	}
	return lang.L("reason.storage")
}

package checkin

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/pass"
)

// Member is one person of a volunteer team's member list.
type Member struct {
	Phone string // 11 digits (data.NormalisePhone)
	Name  string // data.NormaliseName; may be ""
	Line  int    // the line of the list it was read from, from 1; 0 when not read from a file
}

// MaxMemberFile is the largest member list ReadMembers reads, in bytes.
const MaxMemberFile = 1 << 20

// Errors of a member list, wrapped in a LineError or returned as they are.
var (
	ErrNoMembers      = errors.New("the member list names nobody")
	ErrMemberFileSize = fmt.Errorf("the member list is larger than %d bytes", MaxMemberFile)
	ErrRepeatedPhone  = errors.New("the phone number is listed twice")
	ErrBadCSV         = errors.New(`a quote (") is not matched, so the line is not readable as CSV`)
)

// LineError is a problem on one line of a member list.
type LineError struct {
	Line  int    // from 1
	Value string // the phone cell as written
	// Err is ErrBadPhone, ErrRepeatedPhone or ErrBadCSV.
	Err error
	// First is, for ErrRepeatedPhone, the line the number was first listed on.
	First int
}

func (e LineError) Error() string {
	msg := fmt.Sprintf("line %d: %q: %v", e.Line, e.Value, e.Err)
	if e.Value == "" {
		msg = fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	if e.First > 0 {
		msg += fmt.Sprintf(" (first on line %d)", e.First)
	}
	return msg
}

func (e LineError) Unwrap() error { return e.Err }

// MemberErrors are all the problems of a member list, in line order.
type MemberErrors []LineError

func (es MemberErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// ReadMembers reads a volunteer team's member list: CSV (RFC 4180, as Excel
// and WPS save it) with a phone number in the first column and the name in
// the second; further columns are ignored. The cells may be separated by
// commas, tabs, semicolons or full-width commas '，', whichever most of the
// first five lines hold (delimiter). The file may be UTF-8, with or without
// a BOM, UTF-16 with a BOM, or GB18030 (Chinese Excel's "CSV" without
// UTF-8), as content.DecodeText reads them. A first row whose phone cell
// holds no digit is a header and skipped (a first row with a mistyped
// number is a bad line); blank rows (no line, or empty cells only) are
// skipped. Phones may be in any common mainland format
// (data.NormalisePhone).
//
// Every bad line is reported: the error is MemberErrors (a cell that is not
// a phone number, a number listed twice, or a quote not matched, ErrBadCSV,
// on the line the quoted cell starts), and no member is returned then. A
// list naming nobody gives ErrNoMembers, one longer than MaxMemberFile
// ErrMemberFileSize, one that is not text (or UTF-8 with a stray byte) a
// *content.TextError naming the line.
func ReadMembers(r io.Reader) ([]Member, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxMemberFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxMemberFile {
		return nil, ErrMemberFileSize
	}
	if b, err = content.DecodeText(b); err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = delimiter(b)
	cr.FieldsPerRecord = -1
	// Spaces before a quoted cell (`, "王, 五"`) are skipped; with tabs
	// between cells that would skip empty cells too.
	cr.TrimLeadingSpace = cr.Comma != '\t'

	var (
		out    []Member
		bad    MemberErrors
		first  = map[string]int{} // phone → line
		header = true             // no row read yet but blank ones
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			bad = append(bad, LineError{Line: pe.StartLine, Err: ErrBadCSV})
			continue
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		cell := strings.TrimSpace(rec[0])
		phone, ok := data.NormalisePhone(cell)
		wasHeader := header
		header = false
		switch {
		case !ok && wasHeader && !strings.ContainsFunc(cell, unicode.IsDigit):
			continue
		case !ok:
			bad = append(bad, LineError{Line: line, Value: cell, Err: ErrBadPhone})
			continue
		case first[phone] > 0:
			bad = append(bad, LineError{Line: line, Value: cell, Err: ErrRepeatedPhone, First: first[phone]})
			continue
		}
		first[phone] = line
		m := Member{Phone: phone, Line: line}
		if len(rec) > 1 {
			m.Name = data.NormaliseName(rec[1])
		}
		out = append(out, m)
	}
	if len(bad) > 0 {
		return nil, bad
	}
	if len(out) == 0 {
		return nil, ErrNoMembers
	}
	return out, nil
}

// delimiters are the cell separators a member list may use, in order of
// preference: comma (CSV), tab (Excel's "Unicode text", a list pasted from
// a table), semicolon (CSV saved in locales with a decimal comma) and the
// full-width comma a Chinese input method types.
var delimiters = []rune{',', '\t', ';', '，'}

// delimiter returns the separator of the member list text: of delimiters,
// the one found on most of its first five non-blank lines, the earlier one
// on a tie; a comma when none is found.
func delimiter(text []byte) rune {
	counts := make([]int, len(delimiters))
	seen := 0
	for l := range bytes.Lines(text) {
		if seen == 5 {
			break
		}
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		seen++
		for i, d := range delimiters {
			if bytes.ContainsRune(l, d) {
				counts[i]++
			}
		}
	}
	best := 0
	for i, n := range counts {
		if n > counts[best] {
			best = i
		}
	}
	return delimiters[best]
}

// blank reports whether every cell of rec is empty or spaces, as Excel
// saves an empty row (",,").
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// TeamSheet is a volunteer team's sheet of named pass cards, made by
// TeamPasses.
type TeamSheet struct {
	Team  data.Team
	Cards []pass.Card // one per member, in the list's order
	// NewVisitors counts members registered for the first time, NewPasses
	// the passes issued (to them, and to members who had none of this
	// kiosk's).
	NewVisitors, NewPasses int
	// Removed counts the team's former members not on the list, who are
	// no longer the team's.
	Removed int
	// Differing are the members whose name on the list differs from the
	// one registered for their phone, in the list's order; their cards
	// carry the registered name.
	Differing []NameDiff
	// Pages are the A4 pages (pass.A4) as PNG.
	Pages [][]byte
}

// NameDiff is a member whose name on the list is not the name registered
// for their phone.
type NameDiff struct {
	Line               int // the list's line, from 1; 0 when not read from a file
	Listed, Registered string
}

// TeamPasses makes team teamID's pass sheet: it registers each member
// (Register: found by phone, named from the list when they have no name, a
// pass issued when they have none), makes them the team's members
// (sqlite.Store.SetTeamMembers: members not on the list are no longer the
// team's; their visitor records and attendance stay), and draws their
// cards, with the team's name, on pass.A4 pages. A member whose registered
// name differs from the list's keeps it and is listed in
// TeamSheet.Differing; the card carries the registered name. progress, when
// set, is called with the steps done and the steps in all (a step is a
// member registered or a page drawn).
//
// An unknown team gives an error wrapping data.ErrNotFound before anyone is
// registered. An error registering a member names the member's line and
// masked phone; members registered before it stay registered.
func (s *Service) TeamPasses(ctx context.Context, teamID string, members []Member, progress func(done, total int)) (TeamSheet, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	teams, err := s.store.Teams(ctx)
	if err != nil {
		return TeamSheet{}, err
	}
	sheet := TeamSheet{Cards: make([]pass.Card, len(members))}
	for _, t := range teams {
		if t.ID == teamID {
			sheet.Team = t
		}
	}
	if sheet.Team.ID == "" {
		return TeamSheet{}, fmt.Errorf("team %q: %w", teamID, data.ErrNotFound)
	}
	total := len(members) + pass.A4.Pages(len(members))
	ids := make([]string, len(members))
	for i, m := range members {
		reg, err := s.Register(ctx, m.Phone, "", m.Name)
		if err != nil {
			where := data.MaskPhone(m.Phone)
			if m.Line > 0 {
				where = "line " + strconv.Itoa(m.Line) + ", " + where
			}
			return TeamSheet{}, fmt.Errorf("member %s: %w", where, err)
		}
		if reg.Created {
			sheet.NewVisitors++
		}
		if reg.Issued {
			sheet.NewPasses++
		}
		if m.Name != "" && m.Name != reg.Visitor.Name {
			sheet.Differing = append(sheet.Differing, NameDiff{Line: m.Line, Listed: m.Name, Registered: reg.Visitor.Name})
		}
		ids[i] = reg.Visitor.ID
		sheet.Cards[i] = pass.Card{Code: reg.Code, Name: reg.Visitor.Name, Phone: data.MaskPhone(reg.Visitor.Phone), Team: sheet.Team.Name}
		progress(i+1, total)
	}
	if _, sheet.Removed, err = s.store.SetTeamMembers(ctx, teamID, ids, s.now().UnixMilli()); err != nil {
		return TeamSheet{}, err
	}
	err = pass.A4.RenderEach(sheet.Cards, func(i int, page []byte) error {
		sheet.Pages = append(sheet.Pages, page)
		progress(len(members)+i+1, total)
		return nil
	})
	if err != nil {
		return TeamSheet{}, err
	}
	return sheet, nil
}

// Write writes the sheet's pages to dir as passes-TEAMID-01.png,
// passes-TEAMID-02.png, … and returns their paths (export.WritePages: each
// page whole or not at all, readable by the owner only; the team's pages of
// an earlier, longer sheet are removed, so that printing passes-TEAMID-*
// prints no former member's card).
func (t TeamSheet) Write(dir string) ([]string, error) {
	return export.WritePages(dir, "passes-"+t.Team.ID, t.Pages)
}

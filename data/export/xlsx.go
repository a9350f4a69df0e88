package export

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// MaxXLSXRows is the most data rows a sheet takes below its header row:
// Excel's limit of 1 048 576 rows a worksheet ("Excel specifications and
// limits", Microsoft), which excelize enforces too.
const MaxXLSXRows = 1_048_575

// TooManyRowsError is returned when the rows to export do not fit one XLSX
// sheet. Rows is how many there are, or 0 when the writer found out while
// writing and did not count them all.
type TooManyRowsError struct {
	Rows int
}

func (e *TooManyRowsError) Error() string {
	n := fmt.Sprintf("more than %d", MaxXLSXRows)
	if e.Rows > 0 {
		n = fmt.Sprint(e.Rows)
	}
	return fmt.Sprintf("%s rows do not fit one XLSX sheet (at most %d): export a shorter period, or CSV", n, MaxXLSXRows)
}

// CheckRows returns a *TooManyRowsError when rows data rows do not fit
// format f (XLSX: MaxXLSXRows), else nil: a caller that can count the rows
// first (sqlite.Store.CountAttendance) refuses an export up front instead of
// after reading them all.
func CheckRows(f Format, rows int) error {
	if f == XLSX && rows > MaxXLSXRows {
		return &TooManyRowsError{Rows: rows}
	}
	return nil
}

// book is an XLSX workbook written sheet by sheet through excelize's
// StreamWriter, which keeps up to 16 MiB of sheet data in memory and spills
// the rest to a temporary file (Options.TempDir).
type book struct {
	f      *excelize.File
	sheets []*excelize.StreamWriter
	style  map[kind]int
	header int
}

func newBook(o Options) (*book, error) {
	f := excelize.NewFile(excelize.Options{TmpDir: o.TempDir})
	b := &book{f: f, style: map[kind]int{}}
	var err error
	b.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
	})
	if err != nil {
		f.Close()
		return nil, err
	}
	for k, nf := range map[kind]string{kDate: fmtDate, kTime: fmtTime, kDateTime: fmtDateTime, kHours: fmtHours, kInt: fmtInt} {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &nf})
		if err != nil {
			f.Close()
			return nil, err
		}
		b.style[k] = id
	}
	return b, nil
}

// sheet starts a new sheet laid out as t: column widths, a bold header row
// and the top row frozen. The first sheet replaces the workbook's default
// one.
func (b *book) sheet(t table) (*sheet, error) {
	if len(b.sheets) == 0 {
		if err := b.f.SetSheetName(b.f.GetSheetName(0), t.sheet); err != nil {
			return nil, err
		}
	} else if _, err := b.f.NewSheet(t.sheet); err != nil {
		return nil, err
	}
	sw, err := b.f.NewStreamWriter(t.sheet)
	if err != nil {
		return nil, err
	}
	b.sheets = append(b.sheets, sw)
	for i, c := range t.cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, err
		}
	}
	err = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
	if err != nil {
		return nil, err
	}
	s := &sheet{b: b, sw: sw, t: t, vals: make([]any, len(t.cols)), row: 1}
	for i, c := range t.cols {
		s.vals[i] = excelize.Cell{StyleID: b.header, Value: c.header}
	}
	if err := sw.SetRow("A1", s.vals, excelize.RowOpts{Height: 20}); err != nil {
		return nil, err
	}
	return s, nil
}

// write flushes every sheet and writes the workbook to w (the first sheet is
// the active one).
//
// excelize's File.Write assembles the whole zip in a memory buffer first;
// here its zip writer (File.SetZipWriter) writes straight to w instead, so
// the sheet data goes from its temporary file to w and memory stays bounded.
// excelize then finds its own buffer empty and writes nothing more to it.
// The zip writer deflates at flate.BestSpeed: about a quarter less time
// for a quarter larger file than the default level.
// Entries over 4 GiB (about 3 million rows) would lack excelize's ZIP64
// local-header fix-up.
func (b *book) write(w io.Writer) error {
	for _, sw := range b.sheets {
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		return err
	}
	if buf.Len() != 0 { // excelize wrote around the zip writer: keep its bytes
		return errors.New("xlsx: unexpected data outside the zip stream")
	}
	return nil
}

// close removes the workbook's temporary files.
func (b *book) close() error { return b.f.Close() }

// sheet is a sheet being written, row by row.
type sheet struct {
	b    *book
	sw   *excelize.StreamWriter
	t    table
	vals []any
	row  int
}

// add writes one row of cells typed by the sheet's columns: text as inline
// strings (never formulas), numbers as numbers, dates and times as Excel
// serial date-times carrying the wall clock of the centre's zone. A row
// beyond MaxXLSXRows is refused with a *TooManyRowsError.
func (s *sheet) add(cells []cell) error {
	if s.row > MaxXLSXRows {
		return &TooManyRowsError{}
	}
	for i, col := range s.t.cols {
		s.vals[i] = s.value(col.kind, cells[i])
	}
	s.row++
	ref, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	return s.sw.SetRow(ref, s.vals)
}

func (s *sheet) value(k kind, c cell) any {
	if c.null {
		return nil
	}
	switch k {
	case kInt:
		return excelize.Cell{StyleID: s.b.style[k], Value: c.n}
	case kDate:
		y, m, d := c.t.Date()
		return excelize.Cell{StyleID: s.b.style[k], Value: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	case kTime:
		h, mi, sec := c.t.Clock()
		return excelize.Cell{StyleID: s.b.style[k], Value: float64(h*3600+mi*60+sec) / 86400}
	case kDateTime:
		return excelize.Cell{StyleID: s.b.style[k], Value: wall(c.t)}
	case kHours:
		return excelize.Cell{StyleID: s.b.style[k], Value: Hours(c.n)}
	}
	if c.s == "" {
		return nil
	}
	return strings.ToValidUTF8(c.s, "\uFFFD")
}

// wall returns t's wall clock as a UTC time: excelize writes the wall clock
// of a time's own location, so this makes the written value independent of
// t's location.
func wall(t time.Time) time.Time {
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, m, d, h, mi, s, 0, time.UTC)
}

// writeXLSX writes a workbook with one sheet per table. fill is called once
// per table, in order, with an emit callback for that table's rows; it
// returns the number of data rows over all sheets.
func writeXLSX(w io.Writer, o Options, tables []table, fill func(i int, emit func([]cell) error) error) (n int, err error) {
	b, err := newBook(o)
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, b.close()) }()
	p := progress{fn: o.Progress}
	for i, t := range tables {
		s, err := b.sheet(t)
		if err != nil {
			return p.n, err
		}
		err = fill(i, func(cells []cell) error {
			if err := s.add(cells); err != nil {
				return err
			}
			p.add()
			return nil
		})
		if err != nil {
			return p.n, err
		}
	}
	if err := b.write(w); err != nil {
		return p.n, err
	}
	p.done()
	return p.n, nil
}

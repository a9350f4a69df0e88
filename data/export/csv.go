package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// BOM is the UTF-8 byte order mark that starts a UTF-8 CSV file: without it
// zh-CN Excel reads the file as GBK and shows mojibake.
const BOM = "\uFEFF"

// csvWriter writes one table as CSV: UTF-8 with a BOM or GB18030 without,
// comma-separated, fields quoted by encoding/csv where needed, every record
// ended by CRLF (the spreadsheet norm). Line breaks inside a quoted field are
// written as they are (LF stays LF, CR stays CR), as Excel itself writes them.
type csvWriter struct {
	bw     *bufio.Writer
	enc    io.WriteCloser // the GB18030 encoder, nil for UTF-8
	rec    bytes.Buffer   // one record as encoding/csv writes it
	cw     *csv.Writer
	fields []string
}

func newCSVWriter(w io.Writer, gb18030 bool) (*csvWriter, error) {
	c := &csvWriter{}
	if gb18030 {
		t := transform.NewWriter(w, simplifiedchinese.GB18030.NewEncoder())
		c.enc, w = t, t
	}
	c.bw = bufio.NewWriterSize(w, 64<<10)
	if !gb18030 {
		if _, err := c.bw.WriteString(BOM); err != nil {
			return nil, err
		}
	}
	// encoding/csv with UseCRLF would drop a lone CR inside a field, so each
	// record is written with LF and its final LF replaced by CRLF.
	c.cw = csv.NewWriter(&c.rec)
	return c, nil
}

// record writes one record of plain fields.
func (c *csvWriter) record(fields []string) error {
	c.rec.Reset()
	if err := c.cw.Write(fields); err != nil {
		return err
	}
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	b := c.rec.Bytes()
	if _, err := c.bw.Write(b[:len(b)-1]); err != nil {
		return err
	}
	_, err := c.bw.WriteString("\r\n")
	return err
}

// row writes cells typed by t's columns.
func (c *csvWriter) row(t table, cells []cell) error {
	c.fields = c.fields[:0]
	for i, col := range t.cols {
		c.fields = append(c.fields, csvField(col.kind, cells[i]))
	}
	return c.record(c.fields)
}

// close flushes everything to the underlying writer.
func (c *csvWriter) close() error {
	err := c.bw.Flush()
	if c.enc != nil {
		err = errors.Join(err, c.enc.Close())
	}
	return err
}

// writeCSV writes t's header and then the rows that each delivers through
// its emit callback, and returns the number of data rows.
func writeCSV(w io.Writer, t table, o Options, each func(emit func([]cell) error) error) (int, error) {
	c, err := newCSVWriter(w, o.GB18030)
	if err != nil {
		return 0, err
	}
	if err := c.record(t.headers()); err != nil {
		return 0, err
	}
	p := progress{fn: o.Progress}
	err = each(func(cells []cell) error {
		if err := c.row(t, cells); err != nil {
			return err
		}
		p.add()
		return nil
	})
	if err != nil {
		return p.n, err
	}
	if err := c.close(); err != nil {
		return p.n, err
	}
	p.done()
	return p.n, nil
}

// progress counts rows and reports them every progressEvery rows.
type progress struct {
	n  int
	fn func(int)
}

func (p *progress) add() {
	p.n++
	if p.fn != nil && p.n%progressEvery == 0 {
		p.fn(p.n)
	}
}

func (p *progress) done() {
	if p.fn != nil {
		p.fn(p.n)
	}
}

package export

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"time"

	"golang.org/x/image/font"

	"github.com/civickiosk/kiosk/data/pass"
)

// CertificateTitle is the title of a volunteer's service record.
const CertificateTitle = "志愿服务记录证明"

// ErrNoService is returned (wrapped) for a service record of a volunteer
// with no session in the period.
var ErrNoService = errors.New("no service in the period")

// Certificate is a volunteer's service record (志愿服务记录证明): their line
// of the hours report and their sessions, as ComputeHoursBySession counts
// them, to print and seal.
type Certificate struct {
	Centre string // the issuing centre's name
	Name   string // the volunteer's name
	Phone  string // their phone as printed: masked (data.MaskPhone)
	// From and To are the period, [From, To): the start of its first day and
	// of the day after its last, in the centre's zone.
	From, To time.Time
	Issued   time.Time      // the date of issue
	Hours    VisitorHours   // the volunteer's line of the hours report
	Sessions []SessionHours // their sessions, by start
}

// NewCertificate makes the service record of the person subject (a visitor
// id) from rep, an hours report by session (ComputeHoursBySession) of the
// sessions that start in [from, to). A zero from or to (an open end) is
// taken as the first session's day or the day after issued. It returns an
// error wrapping ErrNoService when subject has no session in rep.
func NewCertificate(rep HoursReport, subject, centre, name, phone string, from, to, issued time.Time) (Certificate, error) {
	c := Certificate{Centre: centre, Name: name, Phone: phone, From: from, To: to, Issued: issued}
	for _, v := range rep.Visitors {
		if v.Subject == subject {
			c.Hours = v
		}
	}
	for _, s := range rep.Sessions {
		if s.Subject == subject {
			c.Sessions = append(c.Sessions, s)
		}
	}
	if c.Hours.Sessions == 0 || len(c.Sessions) == 0 {
		return Certificate{}, fmt.Errorf("service record of %s: %w", phone, ErrNoService)
	}
	loc := issued.Location()
	if c.From.IsZero() {
		c.From = startOfDay(time.UnixMilli(c.Sessions[0].SessionStartMS).In(loc))
	}
	if c.To.IsZero() {
		c.To = startOfDay(issued).AddDate(0, 0, 1)
	}
	return c, nil
}

// startOfDay is 00:00 of t's day in t's zone.
func startOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// chineseDate writes t's day as 2026年1月5日.
func chineseDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// Marks of a session in the record, as the hours report marks its people
// (含自动签退, 含补录).
const (
	markAuto     = "自动签退"
	markFilled   = "补录"
	markUnclosed = "未签退"
)

// marks are the marks of session s, joined by "、".
func (s SessionHours) marks() string {
	var m []string
	if s.Auto > 0 {
		m = append(m, markAuto)
	}
	if s.Backfilled > 0 {
		m = append(m, markFilled)
	}
	if s.Unclosed {
		m = append(m, markUnclosed)
	}
	return strings.Join(m, "、")
}

// certColumn is a column of the record's table: its header and width.
type certColumn struct {
	header string
	mm     float64
}

// certColumns are the columns of the sessions table; they span the page
// between its margins.
var certColumns = []certColumn{{"日期", 25}, {"活动", 63}, {"地点", 36}, {"时长(小时)", 22}, {"备注", 24}}

// Layout of a record page, in millimetres and points.
const (
	certMarginMM = 20
	certPadMM    = 1.5 // inside a table cell
	certSealMM   = 45  // the seal block's height
	titlePt      = 22
	bodyPt       = 12
	cellPt       = 10.5
	cellLines    = 3 // the most lines of a cell; longer text is cut with "…"
)

// certPage draws the record's pages.
type certPage struct {
	c                 Certificate
	paper             pass.Sheet
	title, body, head font.Face
	cell              font.Face
	left, right       int // the text's left and right edges, px
}

// Render draws the record on A4 pages (pass.A4's paper and resolution) and
// returns them as PNG (grey levels, white paper). The first page has the
// title, the volunteer, the period, the number of sessions and the total
// hours; every page a table of sessions (date, event, site, hours, marks:
// 自动签退, 补录, 未签退) continued on further pages as long as needed, and
// its number; the last page the issuing centre, a space for its seal
// (盖章) and the date of issue. Dates are in From's zone; hours have two
// decimals (Hours). Text too long for its cell is cut with "…".
func (c Certificate) Render() ([][]byte, error) {
	p := certPage{c: c, paper: pass.A4}
	faces := []*font.Face{&p.title, &p.body, &p.head, &p.cell}
	for i, spec := range []struct {
		bold bool
		pt   float64
	}{{true, titlePt}, {false, bodyPt}, {true, cellPt}, {false, cellPt}} {
		f, err := pass.Face(spec.bold, spec.pt, p.paper.DPI)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		*faces[i] = f
	}
	p.left = p.paper.Px(certMarginMM)
	p.right = p.paper.Px(p.paper.WidthMM - certMarginMM)

	// Lay the rows out on pages: as many as fit above the page number, and
	// room for the seal on the last page.
	bottom := p.paper.Px(p.paper.HeightMM-certMarginMM) - pass.LineStep(p.body)
	var pages [][]int // the rows of each page
	rows := []int{}
	header := p.row(nil, -1, 0)
	y := p.top(nil, true) + header
	for i := range c.Sessions {
		h := p.row(nil, i, 0)
		if y+h > bottom && len(rows) > 0 {
			pages = append(pages, rows)
			rows, y = []int{}, p.top(nil, false)+header
		}
		rows = append(rows, i)
		y += h
	}
	pages = append(pages, rows)
	if y+p.paper.Px(certSealMM) > bottom {
		pages = append(pages, nil)
	}

	out := make([][]byte, len(pages))
	for n, rows := range pages {
		img := image.NewGray(image.Rect(0, 0, p.paper.Px(p.paper.WidthMM), p.paper.Px(p.paper.HeightMM)))
		draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
		y := p.top(img, n == 0)
		if len(rows) > 0 {
			y += p.row(img, -1, y)
		}
		for _, i := range rows {
			y += p.row(img, i, y)
		}
		if n == len(pages)-1 {
			p.seal(img, y)
		}
		p.centred(img, p.body, fmt.Sprintf("第 %d 页，共 %d 页", n+1, len(pages)), bottom)
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return nil, err
		}
		out[n] = buf.Bytes()
	}
	return out, nil
}

// text draws lines in face at x, y when img is not nil, and returns the y
// under them.
func (p *certPage) text(img *image.Gray, face font.Face, lines []string, x, y int) int {
	if img == nil {
		return y + len(lines)*pass.LineStep(face)
	}
	return pass.DrawLines(img, face, lines, x, y)
}

// centred draws s in face centred across the page, its top at y, and
// returns the y under it.
func (p *certPage) centred(img *image.Gray, face font.Face, s string, y int) int {
	lines, _ := pass.Wrap(face, s, p.right-p.left, 2)
	for _, l := range lines {
		x := (p.paper.Px(p.paper.WidthMM) - font.MeasureString(face, l).Ceil()) / 2
		y = p.text(img, face, []string{l}, x, y)
	}
	return y
}

// top draws the head of a page when img is not nil (on the first page the
// title and the record's summary, on the others the title marked 续 and
// the volunteer), and returns the y under it, where the table starts.
func (p *certPage) top(img *image.Gray, first bool) int {
	c := p.c
	width := p.right - p.left
	y := p.paper.Px(certMarginMM)
	title := CertificateTitle
	if !first {
		title += "（续）"
	}
	y = p.centred(img, p.title, title, y) + p.paper.Px(6)
	name := c.Name
	if name == "" {
		name = "（未登记姓名）"
	}
	var paras []string
	if first {
		paras = []string{
			"志愿者姓名：" + name,
			"手机号码：" + c.Phone,
			"服务期间：" + chineseDate(c.From) + " 至 " + chineseDate(c.To.AddDate(0, 0, -1)),
			fmt.Sprintf("服务场次：%d 场", c.Hours.Sessions),
			fmt.Sprintf("累计服务时长：%.2f 小时", Hours(c.Hours.ServiceMS)),
			"兹证明该志愿者于上述期间在" + c.Centre + "参加志愿服务，服务记录如下。",
		}
		if c.Hours.Auto > 0 || c.Hours.Backfilled > 0 || c.Hours.Unclosed > 0 {
			paras = append(paras, "注：“"+markAuto+"”为活动结束时由系统自动签退；“"+markFilled+
				"”为工作人员补录的签到或签退；“"+markUnclosed+"”的场次不计服务时长。")
		}
	} else {
		paras = []string{"志愿者姓名：" + name + "　手机号码：" + c.Phone}
	}
	for _, s := range paras {
		lines, _ := pass.Wrap(p.body, s, width, 3)
		y = p.text(img, p.body, lines, p.left, y)
	}
	return y + p.paper.Px(4)
}

// rule is the grey of the table's lines.
var rule = color.Gray{Y: 0x60}

// row draws the table's row of session i (the header row for i = -1) with
// its top at y when img is not nil, and returns its height.
func (p *certPage) row(img *image.Gray, i, y int) int {
	face := p.cell
	var cells []string
	if i < 0 {
		face = p.head
		for _, col := range certColumns {
			cells = append(cells, col.header)
		}
	} else {
		s := p.c.Sessions[i]
		day := time.UnixMilli(s.SessionStartMS).In(p.c.From.Location()).Format("2006-01-02")
		hours := fmt.Sprintf("%.2f", Hours(s.ServiceMS))
		if s.Unclosed && s.ServiceMS == 0 {
			hours = "—"
		}
		cells = []string{day, s.Event, s.Site, hours, s.marks()}
	}
	pad := p.paper.Px(certPadMM)
	wrapped := make([][]string, len(cells))
	most := 1
	for j, s := range cells {
		wrapped[j], _ = pass.Wrap(face, s, p.paper.Px(certColumns[j].mm)-2*pad, cellLines)
		most = max(most, len(wrapped[j]))
	}
	h := most*pass.LineStep(face) + 2*pad
	if img == nil {
		return h
	}
	x := p.left
	for j, lines := range wrapped {
		p.text(img, face, lines, x+pad, y+pad)
		w := p.paper.Px(certColumns[j].mm)
		for yy := y; yy <= y+h; yy++ {
			img.SetGray(x, yy, rule)
		}
		x += w
	}
	for yy := y; yy <= y+h; yy++ {
		img.SetGray(x, yy, rule)
	}
	for xx := p.left; xx <= x; xx++ {
		img.SetGray(xx, y, rule)
		img.SetGray(xx, y+h, rule)
	}
	return h
}

// seal draws, in the certSealMM from y at the right of the page, the
// issuing centre, room for its seal (盖章) and the date of issue.
func (p *certPage) seal(img *image.Gray, y int) {
	x := p.left + (p.right-p.left)*2/5
	lines, _ := pass.Wrap(p.body, "出具单位（盖章）："+p.c.Centre, p.right-x, 2)
	p.text(img, p.body, lines, x, y+p.paper.Px(10))
	p.text(img, p.body, []string{"出具日期：" + chineseDate(p.c.Issued)}, x, y+p.paper.Px(certSealMM)-pass.LineStep(p.body))
}

// Write renders the record (Render) and writes its pages to dir as
// 服务证明-VISITORID-01.png, … (WritePages: each whole or not at all, the
// visitor's pages of an earlier, longer record removed), and returns their
// paths.
func (c Certificate) Write(dir string) ([]string, error) {
	pages, err := c.Render()
	if err != nil {
		return nil, err
	}
	return WritePages(dir, "服务证明-"+c.Hours.Subject, pages)
}

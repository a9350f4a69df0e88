package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pager shows a list of items one page at a time, as many as fit in its
// size, in one column or in columns at least colWidth text sizes wide. When
// they do not all fit, a row of 上一页, "第 2/5 页" and 下一页 at the bottom
// turns the pages. Touchscreens on desktops cannot drag-scroll, so this
// replaces scrolling everywhere.
type pager struct {
	colWidth float32 // in text sizes; 0 means one column
	empty    string  // shown when there are no items
	// onTurn, when set, is called after 上一页 or 下一页 has turned the
	// page; the items on other pages are hidden by then.
	onTurn func()

	items []fyne.CanvasObject
	page  int
	focus int // the item whose page the next layout shows; -1 for none
	// pages holds the index of the first row of each page, and then the
	// number of rows.
	pages []int

	box        *fyne.Container
	nav        *fyne.Container
	prev, next *tapButton
	status     *widget.RichText
}

// pager makes an empty pager; its buttons count as activity.
func (s *Shell) pager(colWidth float32, empty string) *pager {
	p := &pager{colWidth: colWidth, empty: empty, focus: -1}
	p.prev = s.button(lang.L("pager.prev"), theme.NavigateBackIcon(), widget.MediumImportance, func() { p.turn(-1) })
	p.next = s.button(lang.L("pager.next"), theme.NavigateNextIcon(), widget.MediumImportance, func() { p.turn(1) })
	p.next.IconPlacement = widget.ButtonIconTrailingText
	p.status = widget.NewRichText(&widget.TextSegment{Style: styleStrong})
	p.nav = container.NewBorder(nil, nil, p.prev, p.next, container.NewCenter(p.status))
	p.box = container.New(p, p.nav)
	return p
}

// setItems replaces the items and shows the first page.
func (p *pager) setItems(items []fyne.CanvasObject) {
	if len(items) == 0 {
		items = []fyne.CanvasObject{text(p.empty, styleSoft)}
	}
	p.items = items
	p.page = 0
	p.box.Objects = append(append([]fyne.CanvasObject{}, items...), p.nav)
	p.box.Refresh()
}

// showItem turns to the page holding item i.
func (p *pager) showItem(i int) {
	p.focus = i
	p.box.Refresh()
}

// turn moves by delta pages and tells onTurn.
func (p *pager) turn(delta int) {
	p.page += delta
	p.box.Refresh()
	if p.onTurn != nil {
		p.onTurn()
	}
}

// columns returns the number of columns and their width for a pager width.
func (p *pager) columns(width float32) (int, float32) {
	pad := theme.Padding()
	cols := 1
	if p.colWidth > 0 {
		cols = max(1, int((width+pad)/(p.colWidth*theme.TextSize()+pad)))
	}
	return cols, (width - float32(cols-1)*pad) / float32(cols)
}

// rowHeights sizes every item to the column width and returns the height of
// each row: that of its tallest item.
func (p *pager) rowHeights(cols int, colWidth float32) []float32 {
	rows := make([]float32, (len(p.items)+cols-1)/cols)
	for i, it := range p.items {
		it.Resize(fyne.NewSize(colWidth, it.MinSize().Height))
		rows[i/cols] = fyne.Max(rows[i/cols], it.MinSize().Height)
	}
	return rows
}

// paginate splits rows into pages no higher than height and returns the
// first row of each page followed by len(rows). A row higher than a page
// gets a page of its own.
func paginate(rows []float32, height, gap float32) []int {
	pages := []int{0}
	var y float32
	for i, h := range rows {
		if y > 0 && y+h > height {
			pages = append(pages, i)
			y = 0
		}
		y += h + gap
	}
	return append(pages, len(rows))
}

// Layout places the items of the current page, hides the others, and shows
// the page buttons when there is more than one page.
func (p *pager) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	cols, colWidth := p.columns(size.Width)
	rows := p.rowHeights(cols, colWidth)
	p.pages = paginate(rows, size.Height, pad)
	navHeight := p.nav.MinSize().Height
	if len(p.pages) > 2 {
		p.pages = paginate(rows, size.Height-navHeight-pad, pad)
	}
	if p.focus >= 0 && size.Height > 0 {
		p.page = 0
		for p.page+2 < len(p.pages) && p.pages[p.page+1] <= p.focus/cols {
			p.page++
		}
		p.focus = -1
	}
	p.page = min(max(p.page, 0), len(p.pages)-2)
	first, end := p.pages[p.page], p.pages[p.page+1]

	var y float32
	for r := range rows {
		for c := 0; c < cols && r*cols+c < len(p.items); c++ {
			it := p.items[r*cols+c]
			if r < first || r >= end {
				it.Hide()
				continue
			}
			it.Show()
			it.Move(fyne.NewPos(float32(c)*(colWidth+pad), y))
			it.Resize(fyne.NewSize(colWidth, rows[r]))
		}
		if r >= first && r < end {
			y += rows[r] + pad
		}
	}

	if len(p.pages) <= 2 {
		p.nav.Hide()
		return
	}
	p.status.Segments[0].(*widget.TextSegment).Text = lang.L("pager.status",
		map[string]any{"Page": p.page + 1, "Pages": len(p.pages) - 1})
	p.status.Refresh()
	setEnabled(p.prev, p.page > 0)
	setEnabled(p.next, p.page < len(p.pages)-2)
	p.nav.Show()
	p.nav.Move(fyne.NewPos(0, size.Height-navHeight))
	p.nav.Resize(fyne.NewSize(size.Width, navHeight))
	p.nav.Refresh()
}

// MinSize is small: the pager fits any space by making more pages.
func (p *pager) MinSize([]fyne.CanvasObject) fyne.Size {
	return p.nav.MinSize()
}

// setEnabled enables or disables b.
func setEnabled(b *tapButton, enabled bool) {
	if enabled {
		b.Enable()
	} else {
		b.Disable()
	}
}

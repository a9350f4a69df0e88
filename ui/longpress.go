package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// longPressTime is how long a finger must rest on the home screen's logo to
// open staff mode.
const longPressTime = 2 * time.Second

// longPress shows content and calls onLong when it is released after being
// held down for longPressTime; a short tap only counts as activity.
type longPress struct {
	widget.BaseWidget
	content fyne.CanvasObject
	now     func() time.Time
	onTap   func()
	onLong  func()
	down    time.Time // when the press began; zero when not pressed
}

func newLongPress(content fyne.CanvasObject, now func() time.Time, onTap, onLong func()) *longPress {
	l := &longPress{content: content, now: now, onTap: onTap, onLong: onLong}
	l.ExtendBaseWidget(l)
	return l
}

// MouseDown notes when the press began.
func (l *longPress) MouseDown(*desktop.MouseEvent) { l.down = l.now() }

// MouseUp calls onLong when the press lasted long enough.
func (l *longPress) MouseUp(*desktop.MouseEvent) {
	held := !l.down.IsZero() && l.now().Sub(l.down) >= longPressTime
	l.down = time.Time{}
	if held {
		l.onLong()
	}
}

// Tapped counts a short tap as activity.
func (l *longPress) Tapped(*fyne.PointEvent) { l.onTap() }

// CreateRenderer shows the content.
func (l *longPress) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(l.content)
}

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// confirmScreen asks staff before an action that deletes or cancels
// something: the question in large type (naming what it acts on), what the
// action does, 取消 (back to the screen before) and the action's button.
// Tapping the button calls act with the screen, which reports a failure with
// fail or leaves with done.
type confirmScreen struct {
	staffPage
	shell    *Shell
	title    string        // the screen's title
	question string        // e.g. 确定删除这位居民的个人信息吗？
	explain  string        // what the action does and keeps
	yes      string        // the action button's label
	icon     fyne.Resource // the action button's icon
	act      func(c *confirmScreen)

	msg *widget.RichText
}

// Build asks the question.
func (c *confirmScreen) Build() fyne.CanvasObject {
	s := c.shell
	c.msg = text("", styleAccent)
	yes := s.button(c.yes, c.icon, widget.DangerImportance, func() { c.act(c) })
	no := s.button(lang.L("reissue.cancel"), theme.CancelIcon(), widget.MediumImportance, s.Back)
	body := container.NewVBox(text(c.question, styleHeading), text(c.explain, styleReading), c.msg,
		layout.NewSpacer(), container.NewGridWithColumns(2, no, yes))
	return s.staffFrame(c.title, true, body)
}

// fail says why the action failed; the question stays on screen.
func (c *confirmScreen) fail(msg string) { say(c.msg, msg, false) }

// done returns to the screen before, unless staff have already left this
// one.
func (c *confirmScreen) done() {
	if c.shell.current() == Screen(c) {
		c.shell.Back()
	}
}

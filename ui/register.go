package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// privateIdle is how long the screens that show a visitor's phone number or
// pass wait for a tap before the kiosk goes home, so that the next person
// does not see them.
const privateIdle = 90 * time.Second

// homeWhenIdle goes home when nobody has tapped for privateIdle.
func (s *Shell) homeWhenIdle(now time.Time) {
	if now.Sub(s.LastActivity()) >= privateIdle {
		s.Home()
	}
}

// registerScreen is the first step of 登记 / 领取签到码: the visitor's phone
// number on the keypad, filled in when the visitor typed it already (a phone
// check-in with a number not yet registered).
type registerScreen struct {
	shell *Shell
	phone string
}

func newRegisterScreen(s *Shell, phone string) *registerScreen {
	return &registerScreen{shell: s, phone: phone}
}

// Build lays out the explanation beside the keypad.
func (r *registerScreen) Build() fyne.CanvasObject {
	s := r.shell
	pad := s.keypad(func(phone string) { s.Show(newCommunityScreen(s, phone)) })
	pad.set(r.phone)
	intro := container.NewVBox(text(lang.L("register.prompt"), styleHeading), text(lang.L("register.explain"), styleReading))
	return s.frame(lang.L("register.title"), false, container.New(&splitLayout{ratio: 0.4}, intro, pad.box))
}

// Tick goes home when the kiosk is left with a number half typed.
func (r *registerScreen) Tick(now time.Time) { r.shell.homeWhenIdle(now) }

// communityScreen is the second step: the visitor's community, one of the
// centre's stations, or 跳过.
type communityScreen struct {
	shell *Shell
	phone string
}

func newCommunityScreen(s *Shell, phone string) *communityScreen {
	return &communityScreen{shell: s, phone: phone}
}

// Build lists the stations.
func (c *communityScreen) Build() fyne.CanvasObject {
	s := c.shell
	title := lang.L("register.title")
	ctx, cancel := s.query()
	defer cancel()
	sites, err := s.catalog.Sites(ctx)
	if err != nil {
		return s.frame(title, true, s.failed(err))
	}
	var items []fyne.CanvasObject
	for _, site := range sites {
		if site.Level != data.LevelStation {
			continue
		}
		id := site.ID
		items = append(items, s.card(container.NewPadded(text(site.Name, styleItem)), func() { c.register(id) }))
	}
	list := s.pager(16, "")
	list.setItems(items)
	skip := s.button(lang.L("register.skip"), theme.MediaSkipNextIcon(), widget.MediumImportance, func() { c.register("") })
	head := container.NewBorder(nil, nil, nil, skip, text(lang.L("register.community"), styleHeading))
	return s.frame(title, true, container.NewBorder(head, nil, nil, nil, list.box))
}

// register registers the visitor in the community and shows their pass.
func (c *communityScreen) register(communityID string) {
	s := c.shell
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), checkInTimeout)
		defer cancel()
		reg, err := s.svc.Register(ctx, c.phone, communityID, "")
		fyne.Do(func() {
			if err != nil {
				s.storageFailed("registration", err)
				return
			}
			s.Show(newPassScreen(s, reg))
		})
	})
}

// Tick goes home when the kiosk is left on this step.
func (c *communityScreen) Tick(now time.Time) { c.shell.homeWhenIdle(now) }

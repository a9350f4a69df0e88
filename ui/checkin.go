package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
)

// checkInTimeout bounds one check-in, store write included.
const checkInTimeout = 10 * time.Second

// attempt is one try at checking a visitor in or out: a scanned code or a
// typed phone number, run for the event of to.
type attempt func(ctx context.Context, to checkin.Target) (checkin.Result, error)

// eventScreen is a screen about one event: a scan made while it is shown
// checks into that event, if it is open for check-in and the visitor is in
// no other (checkin.Target.Page).
type eventScreen interface {
	EventID() string
}

// checkIn runs try off Fyne's goroutine and then shows its answer. With
// eventID "", a scan made on an event's page goes to that event when it is
// open, unless the visitor is still in another (checkin.Target.Page).
func (s *Shell) checkIn(try attempt, eventID string) {
	to := checkin.Target{Event: eventID}
	if es, ok := s.current().(eventScreen); ok && eventID == "" {
		to.Page = es.EventID()
	}
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), checkInTimeout)
		defer cancel()
		res, err := try(ctx, to)
		fyne.Do(func() { s.answer(res, err, try) })
	})
}

// answer shows the result of try: the choice of event when several are
// open, else the result screen. A store failure is never shown as a
// success.
func (s *Shell) answer(res checkin.Result, err error, try attempt) {
	// A new answer ends a choice of event on display: that scan is never
	// applied to this one's visitor.
	var waiting *chooseScreen
	if c, ok := s.current().(*chooseScreen); ok {
		waiting = c
		c.forget()
	}
	if err != nil {
		s.storageFailed("check-in", err)
		return
	}
	if res.Outcome == data.Refused && res.Reason == data.ReasonChooseEvent {
		c := newChooseScreen(s, res, try)
		c.replaced = waiting != nil && waiting.visitor.ID != res.Visitor.ID
		s.present(c)
		return
	}
	s.present(newResultScreen(s, res))
}

// storageFailed shows the red "could not be saved" screen.
func (s *Shell) storageFailed(what string, err error) {
	fyne.LogError(what, err)
	s.present(newResultScreen(s, checkin.Result{Outcome: data.Refused, Reason: data.ReasonStorage}))
}

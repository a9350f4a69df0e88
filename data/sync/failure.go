package sync

import (
	"errors"
	"net"
	"net/http"
)

// Failure classes a failed round's error (Client.Round), for the staff sync
// screen's status (Syncer) and kioskctl sync alike.
type Failure struct {
	// Online: the hub answered (with a 4xx; a 5xx or no answer at all
	// count as offline).
	Online bool
	// NeedsStaff: retrying cannot help (HTTPError.Permanent): the kiosk
	// must be enrolled again or its settings fixed.
	NeedsStaff bool
	// Advice is one plain sentence saying what to do, in English for the
	// command line; "" when there is nothing to say beyond the error.
	Advice string
}

// ClassifyFailure classes err, a failed round's error (nil gives an
// online Failure with no advice).
func ClassifyFailure(err error) Failure {
	if err == nil {
		return Failure{Online: true}
	}
	var he *HTTPError
	if errors.As(err, &he) {
		f := Failure{Online: he.Status < 500, NeedsStaff: he.Permanent()}
		switch {
		case he.Status == http.StatusUnauthorized:
			f.Advice = "the hub does not accept this kiosk's token: the device was revoked or is unknown there " +
				"(a new hub database?); enrol it again with a new code (hub enrol --site ID, then kioskctl enrol)"
		case he.Status == http.StatusForbidden:
			f.Advice = "the hub refused this kiosk's data as another site's or device's: check the kiosk's site " +
				"at the hub (hub devices) and enrol it again if it moved"
		case errors.Is(err, ErrNotHub):
			f.Advice = "the address answers, but not as a Civic Kiosk hub: check the hub's address (URL)"
		case he.Status >= 500:
			f.Advice = "the hub failed to store or read data: try again later, and check the hub's log if it persists"
		}
		return f
	}
	var ne net.Error
	switch {
	case errors.Is(err, ErrNotEnrolled):
		return Failure{NeedsStaff: true, Advice: "enrol this kiosk first (kioskctl enrol, or staff mode's 加入中心平台)"}
	case errors.Is(err, ErrNotHub):
		return Failure{Advice: "the address answers, but not as a Civic Kiosk hub: check the hub's address (URL)"}
	case errors.As(err, &ne):
		return Failure{Advice: "the hub cannot be reached: check the network and the hub's address (URL); " +
			"nothing is lost, the next round sends what is waiting"}
	}
	return Failure{}
}

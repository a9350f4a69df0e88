package sync

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"testing"
)

func TestClassifyFailure(t *testing.T) {
	unreachable := &url.Error{Op: "Post", URL: "http://hub/v1/push", Err: syscall.ECONNREFUSED}
	for _, c := range []struct {
		name               string
		err                error
		online, needsStaff bool
		advice             string
	}{
		{"no error", nil, true, false, ""},
		{"hub down", fmt.Errorf("round: %w", unreachable), false, false, "cannot be reached"},
		{"revoked", &HTTPError{Status: 401, path: PathChanges}, true, true, "enrol it again"},
		{"another site", &HTTPError{Status: 403, path: PathPush}, true, true, "another site's"},
		{"not a hub", &HTTPError{Status: 404, path: PathPush}, true, true, "not as a Civic Kiosk hub"},
		{"hub error", &HTTPError{Status: 500, path: PathPush}, false, false, "hub's log"},
		{"not enrolled", ErrNotEnrolled, false, true, "enrol this kiosk first"},
		{"other", errors.New("disk full"), false, false, ""},
	} {
		f := ClassifyFailure(c.err)
		if f.Online != c.online || f.NeedsStaff != c.needsStaff || (c.advice == "") != (f.Advice == "") ||
			!strings.Contains(f.Advice, c.advice) {
			t.Errorf("%s: %+v", c.name, f)
		}
	}
}

package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/pass"
)

// InviteScheme begins the text of an enrolment invite.
const InviteScheme = "civickiosk-enrol"

// Errors of ParseInvite.
var (
	// ErrNotInvite: the text is not an enrolment invite at all (a pass, a
	// staff card, anything else).
	ErrNotInvite = errors.New("not an enrolment invite")
	// ErrBadInvite: the text begins as an invite but is incomplete or was
	// changed (a scan cut short, a character mistyped by the scanner, an
	// edited field), or comes from a newer hub.
	ErrBadInvite = errors.New("enrolment invite incomplete or altered")
)

// Invite is what `hub enrol --url` writes as a QR code for a kiosk's staff
// mode: where the hub is and a one-time code for one of its sites. A kiosk
// scans it and enrols with Enrol(ctx, st, HubURL, Code, hc).
type Invite struct {
	HubURL   string // http(s)://HOST[:PORT][/PATH], as kiosks reach the hub
	Code     string // the one-time code, as NewEnrolCode made it
	SiteID   string // the site the code is for
	SiteName string // that site's name in the hub's content; may be ""
}

// NewInvite makes a one-time enrolment code for a site (NewEnrolCode, same
// errors) and returns it as an invite to the hub at hubURL, with the site's
// name from the hub's content. A hubURL that is not http(s)://HOST[:PORT]
// is refused, with an error wrapping ErrHubURL, before any code is made.
func NewInvite(ctx context.Context, st Store, hubURL, siteID string, ttl time.Duration, now time.Time) (in Invite, expiresMS int64, err error) {
	hubURL = strings.TrimRight(hubURL, "/")
	if err := checkHubURL(hubURL); err != nil {
		return in, 0, err
	}
	code, expiresMS, err := NewEnrolCode(ctx, st, siteID, ttl, now)
	if err != nil {
		return in, 0, err
	}
	return Invite{HubURL: hubURL, Code: code, SiteID: siteID, SiteName: siteName(ctx, st, siteID)}, expiresMS, nil
}

// siteName returns the name of a site of the hub's content, or "" when it
// has none or cannot be read.
func siteName(ctx context.Context, st Store, id string) string {
	c, err := st.ContentItem(ctx, KindSite, id)
	if err != nil || c.Deleted {
		return ""
	}
	var s data.Site
	if json.Unmarshal(c.Data, &s) != nil {
		return ""
	}
	return s.Name
}

// Text returns the invite's text form, URL-like and plain ASCII so that a
// keyboard-wedge scanner types it whatever the keyboard layout:
//
//	civickiosk-enrol:?check=C&code=CODE&hub=URL&name=NAME&site=ID&v=1
//
// with the values query-escaped (RFC 3986; NAME in UTF-8) and the keys in
// that order. check is the first 8 hex digits of the SHA-256 of the query
// without it (the same text from "code=" on): it tells a scan that was cut
// short or mistyped, not a forgery — the hub refuses an unknown code.
func (in Invite) Text() string {
	q := in.query()
	return InviteScheme + ":?check=" + inviteCheck(q) + "&" + q
}

// invitePxPerModule is the size of a module of an invite's QR code, in
// pixels.
const invitePxPerModule = 8

// PNG returns the invite's QR code as a PNG file, as `hub enrol --url` writes
// it and PathAdminCodes answers with format=png: its Text at error
// correction level Q (it is printed), 8 px a module, with the quiet zone
// (pass.PNG, whose errors it returns).
func (in Invite) PNG() ([]byte, error) {
	return pass.PNG(in.Text(), true, invitePxPerModule)
}

// query is the invite's fields as an escaped query, keys in order.
func (in Invite) query() string {
	v := url.Values{}
	v.Set("v", "1")
	v.Set("hub", strings.TrimRight(in.HubURL, "/"))
	v.Set("code", in.Code)
	v.Set("site", in.SiteID)
	if in.SiteName != "" {
		v.Set("name", in.SiteName)
	}
	return v.Encode()
}

func inviteCheck(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:4])
}

// ParseInvite reads the text form of an invite (Invite.Text), as a scanner
// typed it: white space around it is ignored, the scheme in any case. Text
// that does not begin with InviteScheme + ":" gives an error wrapping
// ErrNotInvite. One that does but has another version, a missing or unknown
// field, a check that does not match, a hub address that is not
// http(s)://HOST, a code that is not 16 Crockford Base32 characters, or no
// site gives an error wrapping ErrBadInvite. A text that fails so but reads
// well with the case of its letters swapped (a scanner typing with Caps Lock
// on) is read so.
func ParseInvite(text string) (Invite, error) {
	in, err := parseInvite(text)
	if errors.Is(err, ErrBadInvite) {
		if swapped, err2 := parseInvite(swapCase(text)); err2 == nil {
			return swapped, nil
		}
	}
	return in, err
}

// swapCase returns s with its upper-case letters in lower case and its
// lower-case letters in upper case.
func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, s)
}

// parseInvite is ParseInvite without the Caps Lock retry.
func parseInvite(text string) (Invite, error) {
	text = strings.TrimSpace(text)
	scheme, rest, ok := strings.Cut(text, ":")
	if !ok || !strings.EqualFold(scheme, InviteScheme) {
		return Invite{}, ErrNotInvite
	}
	bad := func(why string) (Invite, error) { return Invite{}, fmt.Errorf("%w: %s", ErrBadInvite, why) }
	rawQuery, ok := strings.CutPrefix(rest, "?check=")
	if !ok {
		return bad("no check")
	}
	check, query, _ := strings.Cut(rawQuery, "&")
	v, err := url.ParseQuery(query)
	if err != nil {
		return bad(err.Error())
	}
	for k, vs := range v {
		if len(vs) != 1 || !strings.Contains(" v hub code site name ", " "+k+" ") {
			return bad(fmt.Sprintf("field %q", k))
		}
	}
	if v.Get("v") != "1" {
		return bad(fmt.Sprintf("version %q (this kiosk reads 1)", v.Get("v")))
	}
	in := Invite{HubURL: v.Get("hub"), Code: v.Get("code"), SiteID: v.Get("site"), SiteName: v.Get("name")}
	if in.query() != query || inviteCheck(query) != strings.ToLower(check) {
		return bad("the check does not match")
	}
	if err := checkHubURL(in.HubURL); err != nil {
		return bad(err.Error())
	}
	if len(NormaliseCode(in.Code)) != codeLen {
		return bad(fmt.Sprintf("code %q", in.Code))
	}
	if in.SiteID == "" {
		return bad("no site")
	}
	return in, nil
}

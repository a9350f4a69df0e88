package data

import "github.com/google/uuid"

// LocalIDPrefix starts the id of every event and honour-wall entry made in a
// kiosk's staff mode. A content file's ids are lower-case ASCII slugs without
// ':', so a content import never overwrites such an item, and the UUID keeps
// items made on different kiosks apart when they meet at the hub.
const LocalIDPrefix = "kiosk:"

// NewLocalID returns a new id for an item made on this kiosk:
// LocalIDPrefix followed by a UUIDv7 (RFC 9562) in its 36-character text form.
func NewLocalID() string {
	return LocalIDPrefix + uuid.Must(uuid.NewV7()).String()
}

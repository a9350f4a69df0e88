package main

import (
	"flag"
	"fmt"

	"github.com/civickiosk/kiosk/data/sqlite"
)

// dbFlag adds the --db flag every command takes.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "kiosk database file (default: the kiosk's own, in the user data directory)")
}

// openStore opens the database at path, or the default one when path is "".
func openStore(path string) (*sqlite.Store, error) {
	if path == "" {
		p, err := sqlite.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open the database: %w", err)
	}
	return st, nil
}

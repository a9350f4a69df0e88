package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/civickiosk/kiosk/data/sqlite"
)

// dbFlag adds the --db flag every command takes.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "kiosk database file (default: the kiosk's own, in the user data directory)")
}

// openStore opens the existing database at path, or the default one when
// path is "". A missing file is an error, so a mistyped path never leaves a
// new empty database behind.
func openStore(path string) (*sqlite.Store, error) {
	return open(path, false)
}

// createStore opens the database at path (default when ""), creating it when
// it does not exist: for commands that set a kiosk up (seed, import, set-pin,
// enrol).
func createStore(path string) (*sqlite.Store, error) {
	return open(path, true)
}

func open(path string, create bool) (*sqlite.Store, error) {
	if path == "" {
		p, err := sqlite.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	if !create {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s (load content first with kioskctl seed or import, or check --db)", path)
		}
	}
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open the database: %w", err)
	}
	return st, nil
}

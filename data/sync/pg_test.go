package sync_test

import (
	"os"
	"testing"

	"github.com/civickiosk/kiosk/data/postgres"
	"github.com/civickiosk/kiosk/data/postgres/pgtest"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// pgBackend is the PostgreSQL backend; its tests skip, with the reason, when
// no server can be found or started (see package pgtest).
func pgBackend(t *testing.T) (backend, bool) {
	return backend{"postgres", func(t *testing.T) func() hubsync.Store {
		url := pgtest.Database(t)
		return func() hubsync.Store {
			st, err := postgres.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
	}}, true
}

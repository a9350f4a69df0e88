package sync_test

import (
	"os"
	gosync "sync"
	"testing"

	"github.com/civickiosk/kiosk/data/postgres"
	"github.com/civickiosk/kiosk/data/postgres/pgtest"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// The PostgreSQL server is started once, on first use, and stopped by
// TestMain (see package pgtest for how it is found or started).
var (
	pgOnce    gosync.Once
	pgCluster *pgtest.Cluster
	pgErr     error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if pgCluster != nil {
		pgCluster.Stop()
	}
	os.Exit(code)
}

// pgBackend is the PostgreSQL backend; its tests skip, with the reason, when
// no server can be found or started.
func pgBackend(t *testing.T) (backend, bool) {
	return backend{"postgres", func(t *testing.T) func() hubsync.Store {
		pgOnce.Do(func() { pgCluster, pgErr = pgtest.Start() })
		if pgErr != nil {
			t.Skipf("PostgreSQL tests skipped: %v", pgErr)
		}
		url, err := pgCluster.NewDatabase(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return func() hubsync.Store {
			st, err := postgres.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
	}}, true
}

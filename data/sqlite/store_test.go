package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
)

var ctx = context.Background()

// openTemp opens a store in a fresh temporary folder.
func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// demo parses the embedded demo centre as loaded at now.
func demo(t *testing.T, now time.Time) *content.File {
	t.Helper()
	f, err := content.Parse(assets.DemoCentre, content.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenCreatesCurrentSchema(t *testing.T) {
	s := openTemp(t)
	if got := userVersion(t, s.Path()); got != SchemaVersion() || got < 2 {
		t.Fatalf("user_version = %d, want %d", got, SchemaVersion())
	}
	var mode string
	if err := s.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var sync int
	if err := s.w.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
		t.Fatalf("synchronous = %d (want 2 = FULL), %v", sync, err)
	}
	var fk int
	if err := s.r.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v", fk, err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestUpgradeFromOlderSchemaKeepsContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	w, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	old := &Store{path: path, w: w, r: w}
	if err := old.migrateTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := old.LoadContent(ctx, demo(t, time.Now())); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if got := userVersion(t, path); got != 1 {
		t.Fatalf("old schema version = %d", got)
	}

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := userVersion(t, path); got != SchemaVersion() {
		t.Fatalf("after upgrade user_version = %d, want %d", got, SchemaVersion())
	}
	evs, err := s.Events(ctx)
	if err != nil || len(evs) == 0 {
		t.Fatalf("events after upgrade: %d, %v", len(evs), err)
	}
	if _, err := s.DeviceID(ctx); err != nil { // a table from migration 2 works
		t.Fatal(err)
	}
}

func TestOpenRefusesBadFilesWithoutTouchingThem(t *testing.T) {
	dir := t.TempDir()

	corrupt := filepath.Join(dir, "corrupt.db")
	garbage := bytes.Repeat([]byte("this is not a database "), 400)
	if err := os.WriteFile(corrupt, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(corrupt)
	if !errors.Is(err, ErrCorrupt) || !bytes.Contains([]byte(err.Error()), []byte(corrupt)) {
		t.Fatalf("corrupt file: err = %v, want ErrCorrupt naming the path", err)
	}
	if b, _ := os.ReadFile(corrupt); !bytes.Equal(b, garbage) {
		t.Fatal("corrupt file was modified")
	}

	newer := filepath.Join(dir, "newer.db")
	s, err := Open(newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, _ := os.ReadFile(newer)
	_, err = Open(newer)
	if !errors.Is(err, ErrNewerSchema) || !bytes.Contains([]byte(err.Error()), []byte(newer)) {
		t.Fatalf("newer schema: err = %v, want ErrNewerSchema naming the path", err)
	}
	if after, _ := os.ReadFile(newer); !bytes.Equal(before, after) {
		t.Fatal("newer-schema file was modified")
	}

	// /proc refuses new files even to root.
	bad := "/proc/civic-kiosk-test/kiosk.db"
	if _, err := Open(bad); err == nil || !bytes.Contains([]byte(err.Error()), []byte(bad)) {
		t.Fatalf("unopenable path: err = %v, want an error naming %s", err, bad)
	}
}

func TestLoadContentAndCatalog(t *testing.T) {
	s := openTemp(t)
	empty, err := s.Empty(ctx)
	if err != nil || !empty {
		t.Fatalf("Empty() = %v, %v on a new store", empty, err)
	}
	f := demo(t, time.Now())
	if err := s.LoadContent(ctx, f); err != nil {
		t.Fatal(err)
	}
	// Loading twice upserts, never duplicates.
	if err := s.LoadContent(ctx, f); err != nil {
		t.Fatal(err)
	}
	c, err := s.Centre(ctx)
	if err != nil || c.Name != f.Centre.Name {
		t.Fatalf("centre = %q, %v", c.Name, err)
	}
	sites, _ := s.Sites(ctx)
	evs, _ := s.Events(ctx)
	hon, _ := s.HonourEntries(ctx)
	teams, _ := s.Teams(ctx)
	if len(sites) != len(f.Sites) || len(evs) != len(f.Events) || len(teams) != len(f.Teams) {
		t.Fatalf("counts: sites %d/%d events %d/%d teams %d/%d", len(sites), len(f.Sites), len(evs), len(f.Events), len(teams), len(f.Teams))
	}
	visible := 0
	for _, h := range f.Honour {
		if !h.Hidden {
			visible++
		}
	}
	if len(hon) != visible {
		t.Fatalf("honour entries = %d, want %d visible", len(hon), visible)
	}
	if sites[0].Level != data.LevelCentre {
		t.Fatalf("first site %+v is not the centre", sites[0])
	}
	e, err := s.Event(ctx, evs[0].ID)
	if err != nil || e != evs[0] {
		t.Fatalf("Event(%q) = %+v, %v", evs[0].ID, e, err)
	}
	if _, err := s.Event(ctx, "no-such-event"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("missing event: %v", err)
	}
	loc, err := s.Zone(ctx)
	if err != nil || loc.String() != data.DefaultZone {
		t.Fatalf("zone = %v, %v", loc, err)
	}
}

func TestLoadContentIsAllOrNothing(t *testing.T) {
	s := openTemp(t)
	f := demo(t, time.Now())
	f.Events = append(f.Events, data.Event{ID: "orphan", SiteID: "no-such-site", Title: "x", StartMS: 1, EndMS: 2})
	if err := s.LoadContent(ctx, f); err == nil {
		t.Fatal("content with a dangling site reference was accepted")
	}
	if empty, _ := s.Empty(ctx); !empty {
		t.Fatal("a failed load left rows behind")
	}
}

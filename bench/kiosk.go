package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/google/uuid"
)

// Hall is the site of the kiosk under test, and Lecture the event open for
// check-in there during the whole run.
const (
	Hall    = "bench-hall"
	Lecture = "bench-lecture"
)

// DSN is the go-sqlite3 DSN with the kiosk store's pragmas (WAL,
// synchronous=FULL, busy timeout, foreign keys, immediate transactions) and
// its statement cache: the raw baselines write through it.
func DSN(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	q.Set("_stmt_cache_size", "64")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// bulkDSN is DSN with synchronous=OFF, for building fixtures only.
func bulkDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?_journal_mode=WAL&_synchronous=OFF&_foreign_keys=0"
}

// Kiosk is a kiosk database with the demo centre, a lecture open now at
// Hall, and registered visitors whose passes have not been scanned yet.
type Kiosk struct {
	Path  string
	Store *sqlite.Store
	Svc   *checkin.Service
	Key   pass.Key
	Raw   *sql.DB // one connection with the store's pragmas, for baselines
	codes []string
	who   []holder // the holder of each code
	next  int
	raw   int // the next holder RawInsert writes a row for
}

// holder is a visitor and their pass.
type holder struct {
	visitor string
	no      uint32
}

// OpenKiosk opens (creating) the kiosk database at path, loads the demo
// centre unless the database has content, adds Hall and Lecture, and starts
// the check-in service at Hall.
func OpenKiosk(ctx context.Context, path string) (*Kiosk, error) {
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, err
	}
	k := &Kiosk{Path: path, Store: st}
	if err := k.setUp(ctx); err != nil {
		k.Close()
		return nil, err
	}
	return k, nil
}

func (k *Kiosk) setUp(ctx context.Context) error {
	now := time.Now()
	empty, err := k.Store.Empty(ctx)
	if err != nil {
		return err
	}
	f := &content.File{}
	if empty {
		if f, err = content.Parse(assets.DemoCentre, content.Options{Now: now}); err != nil {
			return err
		}
	}
	sites, err := k.Store.Sites(ctx)
	if err != nil {
		return err
	}
	parent := ""
	for _, s := range append(sites, f.Sites...) {
		if s.Level == data.LevelCentre {
			parent = s.ID
		}
	}
	f.Sites = append(f.Sites, data.Site{ID: Hall, ParentID: parent, Level: data.LevelStation, Name: "基准测试报告厅"})
	f.Events = append(f.Events, data.Event{ID: Lecture, SiteID: Hall, Title: "百姓宣讲：基准测试",
		StartMS: now.Add(-10 * time.Minute).UnixMilli(), EndMS: now.Add(10 * time.Hour).UnixMilli()})
	if err := k.Store.LoadContent(ctx, f); err != nil {
		return err
	}
	if k.Svc, err = checkin.New(ctx, k.Store, checkin.Options{SiteID: Hall}); err != nil {
		return err
	}
	id, priv, found, err := k.Store.OwnKey(ctx)
	if err != nil || !found {
		return fmt.Errorf("the kiosk's key: found %v, %v", found, err)
	}
	k.Key = pass.Key{ID: id, Private: priv}
	k.Raw, err = sql.Open("sqlite3", DSN(k.Store.Path()))
	if err != nil {
		return err
	}
	k.Raw.SetMaxOpenConns(1)
	return nil
}

// Close closes the store and the raw connection.
func (k *Kiosk) Close() error {
	var err error
	if k.Raw != nil {
		err = k.Raw.Close()
	}
	return errors.Join(err, k.Store.Close())
}

// AddVisitors registers n visitors with a pass each, in one transaction
// (fixture only: not timed), and keeps their pass codes for Scan.
func (k *Kiosk) AddVisitors(ctx context.Context, n int) error {
	db, err := sql.Open("sqlite3", bulkDSN(k.Store.Path()))
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var base int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(no), 0) FROM passes WHERE key_id = ?`, k.Key.ID).Scan(&base); err != nil {
		return err
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM visitors`).Scan(&seq); err != nil {
		return err
	}
	insV, err := tx.PrepareContext(ctx, `INSERT INTO visitors(id, phone, name, community_id, created_ms) VALUES(?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insP, err := tx.PrepareContext(ctx, `INSERT INTO passes(key_id, no, visitor_id, issued_ms) VALUES(?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	now := time.Now()
	day := pass.Day(now)
	for i := 0; i < n; i++ {
		id := uuid.Must(uuid.NewV7()).String()
		no := uint32(base) + uint32(i) + 1
		phone := fmt.Sprintf("13%09d", seq+int64(i)+500_000_000)
		if _, err := insV.ExecContext(ctx, id, phone, fmt.Sprintf("观众%d", seq+int64(i)), Hall, now.UnixMilli()); err != nil {
			return err
		}
		if _, err := insP.ExecContext(ctx, k.Key.ID, no, id, now.UnixMilli()); err != nil {
			return err
		}
		code, err := pass.Encode(k.Key, pass.Payload{No: no, IssuedDay: day})
		if err != nil {
			return err
		}
		k.codes = append(k.codes, code)
		k.who = append(k.who, holder{id, no})
	}
	return tx.Commit()
}

// Left returns how many unscanned passes remain.
func (k *Kiosk) Left() int { return len(k.codes) - k.next }

// Scan checks the next unscanned visitor in to Lecture through the kiosk's
// check-in path (checkin.Service.Scan, as the scanner's text) and returns
// how long it took, from the text to a durable record and the result.
func (k *Kiosk) Scan(ctx context.Context) (time.Duration, error) {
	if k.next >= len(k.codes) {
		return 0, errors.New("no unscanned passes left")
	}
	code := k.codes[k.next]
	k.next++
	t := time.Now()
	r, err := k.Svc.Scan(ctx, code, checkin.Target{})
	d := time.Since(t)
	if err != nil {
		return d, err
	}
	if r.Outcome != data.Accepted || r.Session.Event.ID != Lecture {
		return d, fmt.Errorf("scan answered %s %s (event %q)", r.Outcome, r.Reason, r.Session.Event.ID)
	}
	return d, nil
}

// rawInsert is the baseline statement: one check-in row, as the store
// writes it, in its own autocommit transaction.
const rawInsert = `INSERT INTO checkins(subject, id, visitor_id, pass_key_id, pass_no, event_id, session_start_ms,
	direction, method, device_id, wall_ms, run_id, run_ms, verified, outcome, reason, staff, backfilled)
	VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// RawInsert writes one check-in row with a single INSERT statement (its
// own transaction, the store's pragmas, same file) and returns how long it
// took: the baseline of the check-in path. The row is the one a scan of the
// next visitor writes, for another event, so that it lands in the same
// places of the same indexes.
func (k *Kiosk) RawInsert(ctx context.Context) (time.Duration, error) {
	id := uuid.Must(uuid.NewV7()).String()
	h := holder{visitor: "raw", no: 1}
	if len(k.who) > 0 {
		h = k.who[k.raw%len(k.who)]
		k.raw++
	}
	now := time.Now().UnixMilli()
	t := time.Now()
	_, err := k.Raw.ExecContext(ctx, rawInsert, h.visitor, id, h.visitor, k.Key.ID, h.no, "bench-raw", now,
		"in", "qr", "bench", now, "bench", 0, 1, "accepted", "", "", 0)
	return time.Since(t), err
}

// newKioskAt opens a new kiosk in dir with n visitors.
func newKioskAt(ctx context.Context, dir string, n int) (*Kiosk, error) {
	k, err := OpenKiosk(ctx, filepath.Join(dir, "kiosk.db"))
	if err != nil {
		return nil, err
	}
	if err := k.AddVisitors(ctx, n); err != nil {
		k.Close()
		return nil, err
	}
	return k, nil
}

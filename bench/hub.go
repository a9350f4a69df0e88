package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/postgres"
	"github.com/civickiosk/kiosk/data/postgres/pgtest"
	hubsync "github.com/civickiosk/kiosk/data/sync"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// hubServer is a hub's HTTP handler on 127.0.0.1.
type hubServer struct {
	URL string
	srv *http.Server
}

func serveHub(st hubsync.Store) (*hubServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &hubServer{URL: "http://" + ln.Addr().String(),
		srv: &http.Server{Handler: hubsync.NewHandler(st, hubsync.HubOptions{})}}
	go h.srv.Serve(ln)
	return h, nil
}

func (h *hubServer) Close() { h.srv.Close() }

// stations are the hub content's community stations, where simulated
// kiosks stand.
const stations = 160

// hubContent is the demo centre with Hall and 160 community stations.
func hubContent() (*content.File, error) {
	f, err := content.Parse(assets.DemoCentre, content.Options{Now: time.Now()})
	if err != nil {
		return nil, err
	}
	centre := ""
	for _, s := range f.Sites {
		if s.Level == data.LevelCentre {
			centre = s.ID
		}
	}
	f.Sites = append(f.Sites, data.Site{ID: Hall, ParentID: centre, Level: data.LevelStation, Name: "基准测试报告厅"})
	for i := range stations {
		f.Sites = append(f.Sites, data.Site{ID: fmt.Sprintf("st-%03d", i), ParentID: centre, Level: data.LevelStation,
			Name: fmt.Sprintf("第%03d社区新时代文明实践站", i)})
	}
	return f, nil
}

// hubRow is one check-in as a hub stores it, for the raw baselines.
type hubRow struct {
	r                          hubsync.Record
	site, subject              string
	received, trueMS, clockErr int64
}

const hubInsertCols = `id, visitor_id, pass_key_id, pass_no, event_id, session_start_ms, direction, method, device_id,
	wall_ms, run_id, run_ms, verified, outcome, reason, staff, backfilled, site_id, subject, received_ms, true_ms, clock_error_ms`

func (h hubRow) args() []any {
	r := h.r
	return []any{r.ID, r.VisitorID, int64(r.PassKeyID), int64(r.PassNo), r.EventID, r.SessionStartMS, r.Direction,
		r.Method, r.DeviceID, r.WallMS, r.RunID, r.RunMS, r.Verified, r.Outcome, r.Reason, r.Staff, r.Backfilled,
		h.site, h.subject, h.received, h.trueMS, h.clockErr}
}

// crowd returns n records of one kiosk: n/2 people checking in to a
// session, then out, each with a pass of the kiosk's key.
func crowd(device string, keyID uint32, n int, startMS int64) []hubsync.Record {
	run := uuid.Must(uuid.NewV7()).String()
	out := make([]hubsync.Record, 0, n)
	for i := range n {
		person := i / 2
		dir, wall := "in", startMS+int64(person)*1000
		if i%2 == 1 {
			dir, wall = "out", startMS+90*60_000+int64(person)*1000
		}
		out = append(out, hubsync.Record{ID: uuid.Must(uuid.NewV7()).String(), VisitorID: uuid.Must(uuid.NewV7()).String(),
			PassKeyID: keyID, PassNo: uint32(person + 1), EventID: "crowd-" + device, SessionStartMS: startMS,
			Direction: dir, Method: "qr", DeviceID: device, WallMS: wall, RunID: run, RunMS: wall - startMS + 5000,
			Verified: true, Outcome: "accepted"})
	}
	return out
}

// baselineRows turns records into rows as the hub stores them, with new ids,
// devices and events, so that the records the hub stores later do not fall in
// the baseline rows' duplicate groups (same pass, event and session).
func baselineRows(recs []hubsync.Record, site string) []hubRow {
	now := time.Now().UnixMilli()
	rows := make([]hubRow, len(recs))
	for i, r := range recs {
		r.ID = uuid.Must(uuid.NewV7()).String()
		r.DeviceID = "raw-" + r.DeviceID
		r.EventID = "raw-" + r.EventID
		rows[i] = hubRow{r: r, site: site, subject: r.Subject(), received: now, trueMS: r.WallMS}
	}
	return rows
}

// batchSQL is a multi-row INSERT … ON CONFLICT DO NOTHING of n hub rows,
// with ? or $N placeholders.
func batchSQL(n int, dollar bool) string {
	var b strings.Builder
	b.WriteString("INSERT INTO checkins(" + hubInsertCols + ") VALUES ")
	p := 0
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range 22 {
			if j > 0 {
				b.WriteString(", ")
			}
			p++
			if dollar {
				fmt.Fprintf(&b, "$%d", p)
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	b.WriteString(" ON CONFLICT(id) DO NOTHING")
	return b.String()
}

// rawBatches inserts rows in batches of size from workers goroutines (each
// takes the next batch), one statement and transaction per batch, and
// returns the wall time.
func rawBatches(ctx context.Context, rows []hubRow, size, workers int, exec func(ctx context.Context, n int, args []any) error) (time.Duration, error) {
	type job struct{ lo, hi int }
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	t := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var args []any
				for _, r := range rows[j.lo:j.hi] {
					args = append(args, r.args()...)
				}
				if err := exec(ctx, j.hi-j.lo, args); err != nil {
					mu.Lock()
					first = errors.Join(first, err)
					mu.Unlock()
				}
			}
		}()
	}
	for lo := 0; lo < len(rows); lo += size {
		jobs <- job{lo, min(lo+size, len(rows))}
	}
	close(jobs)
	wg.Wait()
	return time.Since(t), first
}

// sqliteRaw returns an exec for rawBatches on a SQLite hub database: the
// hub's pragmas, one writer connection.
func sqliteRaw(path string) (*sql.DB, func(ctx context.Context, n int, args []any) error, error) {
	db, err := sql.Open("sqlite3", DSN(path))
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(1)
	stmts := map[int]string{}
	var mu sync.Mutex
	return db, func(ctx context.Context, n int, args []any) error {
		mu.Lock()
		q, ok := stmts[n]
		if !ok {
			q = batchSQL(n, false)
			stmts[n] = q
		}
		mu.Unlock()
		_, err := db.ExecContext(ctx, q, args...)
		return err
	}, nil
}

// Upload measures one kiosk uploading s.Upload queued check-ins to a hub on
// SQLite (kiosk and hub on this machine, HTTP on loopback) against raw
// batch INSERTs of as many rows, in batches of the client's size, into
// the same hub database.
func Upload(ctx context.Context, dir string, s Sizes) ([]Figure, error) {
	hubPath := filepath.Join(dir, "hub.db")
	st, err := hubsync.OpenSQLiteHub(hubPath)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	f, err := hubContent()
	if err != nil {
		return nil, err
	}
	if _, err := hubsync.ImportContent(ctx, st, f, false, time.Now().UnixMilli()); err != nil {
		return nil, err
	}
	srv, err := serveHub(st)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	k, err := OpenKiosk(ctx, filepath.Join(dir, "upload-kiosk.db"))
	if err != nil {
		return nil, err
	}
	defer k.Close()
	code, _, err := hubsync.NewEnrolCode(ctx, st, Hall, 0, time.Now())
	if err != nil {
		return nil, err
	}
	if _, err := hubsync.Enrol(ctx, k.Store, srv.URL, code, nil); err != nil {
		return nil, err
	}
	cl := hubsync.NewClient(k.Store, hubsync.ClientOptions{})
	if _, err := cl.Round(ctx); err != nil { // enrolment: the feed comes down
		return nil, err
	}
	device, err := k.Store.DeviceID(ctx)
	if err != nil {
		return nil, err
	}
	recs := crowd(device, k.Key.ID, s.Upload, time.Now().Add(-3*time.Hour).UnixMilli())
	if err := k.queue(ctx, recs); err != nil {
		return nil, err
	}
	const batch = 500 // the client's default
	db, exec, err := sqliteRaw(hubPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	base, err := rawBatches(ctx, baselineRows(recs, Hall), batch, 1, exec)
	if err != nil {
		return nil, err
	}
	t := time.Now()
	res, err := cl.Round(ctx)
	took := time.Since(t)
	if err != nil {
		return nil, err
	}
	if res.Stored != len(recs) || res.Pending != 0 {
		return nil, fmt.Errorf("upload stored %d of %d, %d pending", res.Stored, len(recs), res.Pending)
	}
	return []Figure{{ID: "hub.upload", Section: "Hub", Name: fmt.Sprintf("one kiosk uploads %d queued check-ins (hub on SQLite)", len(recs)),
		Value: seconds(took), Base: seconds(base), Unit: "s", Ratios: []float64{ratio(seconds(took), seconds(base))},
		Baseline: fmt.Sprintf("raw INSERT … ON CONFLICT DO NOTHING, %d rows a statement, same hub database", batch),
		Note:     fmt.Sprintf("%.0f records/s; kiosk client (batches of %d) → HTTP loopback → hub → answers marked in the kiosk's outbox", float64(len(recs))/took.Seconds(), batch)}}, nil
}

// queue puts records into the kiosk's outbox (fixture only: one
// transaction, not timed).
func (k *Kiosk) queue(ctx context.Context, recs []hubsync.Record) error {
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
	ins, err := tx.PrepareContext(ctx, rawInsert)
	if err != nil {
		return err
	}
	for _, r := range recs {
		c := r.CheckIn()
		if _, err := ins.ExecContext(ctx, c.VisitorID, c.ID, c.VisitorID, c.Pass.KeyID, c.Pass.No, c.EventID,
			c.SessionStartMS, c.Direction, c.Method, c.DeviceID, c.WallMS, c.RunID, c.RunMS, c.Verified, c.Outcome,
			c.Reason, c.Staff, c.Backfilled); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// simKiosk is an enrolled kiosk simulated by its token.
type simKiosk struct {
	device, site, token string
	keyID               uint32
}

// enrolMany enrols n simulated kiosks at the stations, through the store.
func enrolMany(ctx context.Context, st hubsync.Store, n int) ([]simKiosk, error) {
	now := time.Now()
	out := make([]simKiosk, n)
	for i := range out {
		site := fmt.Sprintf("st-%03d", i%stations)
		code, _, err := hubsync.NewEnrolCode(ctx, st, site, 0, now)
		if err != nil {
			return nil, err
		}
		tok := make([]byte, 32)
		pub := make([]byte, 32)
		rand.Read(tok)
		rand.Read(pub)
		k := simKiosk{device: fmt.Sprintf("sim-%04d", i), site: site, token: base64.RawURLEncoding.EncodeToString(tok),
			keyID: uint32(100_000 + i)}
		_, err = st.Enrol(ctx, hubsync.Enrolment{CodeHash: hubsync.HashSecret(hubsync.NormaliseCode(code)),
			TokenHash: hubsync.HashSecret(k.token), DeviceID: k.device, KeyID: k.keyID, PublicKey: pub,
			NowMS: now.UnixMilli()})
		if err != nil {
			return nil, err
		}
		out[i] = k
	}
	return out, nil
}

// pushAll has every kiosk push its records in batches, all kiosks at once,
// and returns the wall time.
func pushAll(ctx context.Context, url string, ks []simKiosk, recs [][]hubsync.Record, batch int) (time.Duration, error) {
	hc := &http.Client{Timeout: 10 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: len(ks) + 10}}
	defer hc.CloseIdleConnections()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	start := make(chan struct{})
	for i, k := range ks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for lo := 0; lo < len(recs[i]); lo += batch {
				req := hubsync.PushRequest{SiteID: k.site, DeviceID: k.device, SentWallMS: time.Now().UnixMilli(),
					Records: recs[i][lo:min(lo+batch, len(recs[i]))]}
				var resp hubsync.PushResponse
				err := hubsync.Post(ctx, hc, url, k.token, hubsync.PathPush, req, &resp)
				if err == nil {
					for _, r := range resp.Results {
						if r.Status != hubsync.StatusStored {
							err = fmt.Errorf("record %s: %s %s", r.ID, r.Status, r.Reason)
							break
						}
					}
				}
				if err != nil {
					mu.Lock()
					first = errors.Join(first, fmt.Errorf("kiosk %s: %w", k.device, err))
					mu.Unlock()
					return
				}
			}
		}()
	}
	t := time.Now()
	close(start)
	wg.Wait()
	return time.Since(t), first
}

// Fleet measures s.Kiosks simulated kiosks pushing s.KioskRecords records
// each, all at once, to one hub on the given store, against raw batch
// INSERTs of as many rows in batches of the same size from as many
// goroutines into the same database (exec).
func Fleet(ctx context.Context, name string, st hubsync.Store, exec func(ctx context.Context, n int, args []any) error, workers int, s Sizes) (Figure, error) {
	f, err := hubContent()
	if err != nil {
		return Figure{}, err
	}
	if _, err := hubsync.ImportContent(ctx, st, f, false, time.Now().UnixMilli()); err != nil {
		return Figure{}, err
	}
	ks, err := enrolMany(ctx, st, s.Kiosks)
	if err != nil {
		return Figure{}, err
	}
	srv, err := serveHub(st)
	if err != nil {
		return Figure{}, err
	}
	defer srv.Close()
	start := time.Now().Add(-3 * time.Hour).UnixMilli()
	recs := make([][]hubsync.Record, len(ks))
	var all []hubsync.Record
	for i, k := range ks {
		recs[i] = crowd(k.device, k.keyID, s.KioskRecords, start)
		all = append(all, recs[i]...)
	}
	base, err := rawBatches(ctx, baselineRows(all, "st-000"), s.KioskBatch, workers, exec)
	if err != nil {
		return Figure{}, err
	}
	took, err := pushAll(ctx, srv.URL, ks, recs, s.KioskBatch)
	if err != nil {
		return Figure{}, err
	}
	return Figure{ID: "hub.fleet." + name, Section: "Hub",
		Name:  fmt.Sprintf("%d kiosks push %d check-ins each at once (hub on %s)", len(ks), s.KioskRecords, name),
		Value: seconds(took), Base: seconds(base), Unit: "s", Ratios: []float64{ratio(seconds(took), seconds(base))},
		Baseline: fmt.Sprintf("raw INSERT … ON CONFLICT DO NOTHING, %d rows a statement from %d goroutines, same database", s.KioskBatch, workers),
		Note:     fmt.Sprintf("%.0f records/s through the hub, %d rows in all", float64(len(all))/took.Seconds(), len(all))}, nil
}

// FleetSQLite runs Fleet on a new SQLite hub database in dir.
func FleetSQLite(ctx context.Context, dir string, s Sizes) (Figure, error) {
	path := filepath.Join(dir, "fleet.db")
	st, err := hubsync.OpenSQLiteHub(path)
	if err != nil {
		return Figure{}, err
	}
	defer st.Close()
	db, exec, err := sqliteRaw(path)
	if err != nil {
		return Figure{}, err
	}
	defer db.Close()
	return Fleet(ctx, "SQLite", st, exec, s.Kiosks, s)
}

// FleetPostgres runs Fleet on a throwaway PostgreSQL server (pgtest: the
// server named by CIVIC_PG_URL, or one started on loopback).
func FleetPostgres(ctx context.Context, s Sizes) (Figure, error) {
	c, err := pgtest.Start()
	if err != nil {
		return Figure{}, err
	}
	defer c.Stop()
	url, err := c.NewDatabase(ctx)
	if err != nil {
		return Figure{}, err
	}
	st, err := postgres.Open(ctx, url)
	if err != nil {
		return Figure{}, err
	}
	defer st.Close()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return Figure{}, err
	}
	defer pool.Close()
	q := map[int]string{}
	var mu sync.Mutex
	exec := func(ctx context.Context, n int, args []any) error {
		mu.Lock()
		s, ok := q[n]
		if !ok {
			s = batchSQL(n, true)
			q[n] = s
		}
		mu.Unlock()
		_, err := pool.Exec(ctx, s, args...)
		return err
	}
	f, err := Fleet(ctx, "PostgreSQL", st, exec, s.Kiosks, s)
	f.Note += "; server from pgtest (fsync off), default pgxpool on both sides"
	return f, err
}

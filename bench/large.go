package bench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/google/uuid"
)

// LargeInfo describes a large kiosk database built by BuildLarge.
type LargeInfo struct {
	CheckIns, Events, Visitors, Sessions int
	Centre                               string // the centre's site id
	FromMS, ToMS                         int64  // the span of the history, UTC ms
	Loc                                  *time.Location
}

const eventText = "社区新时代文明实践活动：邀请志愿者和居民一起参与，内容包括政策宣讲、文化服务、科普讲座、" +
	"法律咨询、健康义诊和邻里互助。请提前十分钟到场签到，活动结束后扫码签退，服务时长计入志愿服务记录。"

// BuildLarge fills the kiosk k with years of history: s.LargeEvents events
// (one in ten a weekly class of half a year, the rest one-off) at 160
// community stations over five years and the next 60 days, s.LargeVisitors
// visitors with passes, and s.LargeCheckIns records: check-ins and
// check-outs of the sessions that have ended, one in a hundred check-outs a
// refused scan. It writes with synchronous=OFF and builds the attendance
// log's indexes after the rows (fixture only: not timed).
func BuildLarge(ctx context.Context, k *Kiosk, s Sizes) (LargeInfo, error) {
	rng := rand.New(rand.NewPCG(7, 11))
	loc, err := k.Store.Zone(ctx)
	if err != nil {
		return LargeInfo{}, err
	}
	now := time.Now()
	info := LargeInfo{Loc: loc, FromMS: now.AddDate(-5, 0, 0).UnixMilli(), ToMS: now.UnixMilli()}
	sites, err := k.Store.Sites(ctx)
	if err != nil {
		return info, err
	}
	for _, st := range sites {
		if st.Level == data.LevelCentre {
			info.Centre = st.ID
		}
	}
	db, err := sql.Open("sqlite3", bulkDSN(k.Store.Path()))
	if err != nil {
		return info, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return info, err
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) {
		if err == nil {
			_, err = tx.ExecContext(ctx, q, args...)
		}
	}

	// Sites: 160 community stations under the centre.
	stations := make([]string, 160)
	for i := range stations {
		stations[i] = fmt.Sprintf("st-%03d", i)
		exec(`INSERT INTO sites(id, parent_id, level, name, address) VALUES(?, ?, ?, ?, '')`,
			stations[i], info.Centre, int(data.LevelStation), fmt.Sprintf("第%03d社区新时代文明实践站", i))
	}

	// Events over five years and the next 60 days.
	spanFrom, spanTo := now.AddDate(-5, 0, 0), now.AddDate(0, 0, 60)
	days := int(spanTo.Sub(spanFrom).Hours() / 24)
	var events []data.Event
	for i := range s.LargeEvents {
		d := spanFrom.AddDate(0, 0, rng.IntN(days)).In(loc)
		start := time.Date(d.Year(), d.Month(), d.Day(), []int{9, 14, 19}[rng.IntN(3)], 0, 0, 0, loc)
		e := data.Event{ID: fmt.Sprintf("ev-%05d", i), SiteID: stations[rng.IntN(len(stations))],
			Title: fmt.Sprintf("实践活动第%05d期", i), Category: []string{"理论宣讲", "文化服务", "科普", "法治", "健身", "志愿服务"}[i%6],
			Place: "活动室", Organiser: "新时代文明实践站", Description: eventText,
			StartMS: start.UnixMilli(), EndMS: start.Add(90 * time.Minute).UnixMilli(), Cancelled: rng.IntN(50) == 0}
		if i%10 == 0 {
			e.Weekly = true
			e.UntilMS = start.AddDate(0, 0, 26*7).UnixMilli()
		}
		events = append(events, e)
		exec(`INSERT INTO events(id, site_id, title, category, place, organiser, partners, description,
			start_ms, end_ms, weekly, until_ms, capacity, cancelled) VALUES(?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, 0, ?)`,
			e.ID, e.SiteID, e.Title, e.Category, e.Place, e.Organiser, e.Description, e.StartMS, e.EndMS, e.Weekly,
			e.UntilMS, e.Cancelled)
	}
	info.Events = len(events)

	// Visitors, each with a pass of this kiosk's key.
	var firstNo int64
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT coalesce(max(no), 0) FROM passes WHERE key_id = ?`, k.Key.ID).Scan(&firstNo)
	}
	visitors := make([]string, s.LargeVisitors)
	for i := range visitors {
		visitors[i] = uuid.Must(uuid.NewV7()).String()
		exec(`INSERT INTO visitors(id, phone, name, community_id, created_ms) VALUES(?, ?, ?, ?, ?)`,
			visitors[i], fmt.Sprintf("139%08d", i), fmt.Sprintf("居民%05d", i), stations[rng.IntN(len(stations))], info.FromMS)
		exec(`INSERT INTO passes(key_id, no, visitor_id, issued_ms) VALUES(?, ?, ?, ?)`,
			k.Key.ID, firstNo+int64(i)+1, visitors[i], info.FromMS)
	}
	info.Visitors = len(visitors)
	if err != nil {
		return info, err
	}

	// The sessions that have ended, in start order.
	var sessions []data.Session
	for _, ss := range data.SessionsBetween(events, info.FromMS, info.ToMS, "", loc) {
		if ss.EndMS < info.ToMS {
			sessions = append(sessions, ss)
		}
	}
	sort.Slice(sessions, func(i, j int) bool { return sessions[i].StartMS < sessions[j].StartMS })
	info.Sessions = len(sessions)

	// The attendance log, written without its indexes, then indexed.
	var indexes []string
	rows, qerr := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'checkins' AND sql IS NOT NULL`)
	if qerr != nil {
		return info, qerr
	}
	for rows.Next() {
		var name, q string
		if err := rows.Scan(&name, &q); err != nil {
			rows.Close()
			return info, err
		}
		indexes = append(indexes, name, q)
	}
	rows.Close()
	for i := 0; i < len(indexes); i += 2 {
		exec(`DROP INDEX ` + indexes[i])
	}
	ins, perr := tx.PrepareContext(ctx, `INSERT INTO checkins(subject, id, visitor_id, pass_key_id, pass_no, event_id,
		session_start_ms, direction, method, device_id, wall_ms, run_id, run_ms, verified, outcome, reason, staff,
		backfilled, upload_status, uploaded_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, '', 0, 'stored', ?)`)
	if perr != nil {
		return info, perr
	}
	device, derr := k.Store.DeviceID(ctx)
	if derr != nil {
		return info, derr
	}
	visits := s.LargeCheckIns / 2
	for i := 0; i < visits && err == nil && len(sessions) > 0; i++ {
		si := int(int64(i) * int64(len(sessions)) / int64(visits))
		ss := sessions[si]
		v := (si*7919 + i) % len(visitors) // distinct people in a session
		in := ss.StartMS - int64(rng.IntN(20*60_000))
		out := ss.EndMS + int64(rng.IntN(20*60_000)) - 10*60_000
		no := firstNo + int64(v) + 1
		method, outMethod := "qr", "qr"
		switch {
		case i%20 == 0:
			method = "phone"
		case i%20 == 1:
			outMethod, out = "auto", ss.EndMS
		}
		row := func(dir, method, event string, start, wall int64, outcome, reason string) {
			if err == nil {
				_, err = ins.ExecContext(ctx, visitors[v], uuid.Must(uuid.NewV7()).String(), visitors[v], k.Key.ID, no,
					event, start, dir, method, device, wall, "history", wall-info.FromMS, outcome, reason, wall+3_600_000)
			}
		}
		if i%100 == 99 { // a refused pass at the door, then again
			row("in", "qr", "", 0, in, "refused", string(data.ReasonNotOpen))
			row("in", "qr", "", 0, in+60_000, "refused", string(data.ReasonNotOpen))
		} else {
			row("in", method, ss.Event.ID, ss.StartMS, in, "accepted", "")
			row("out", outMethod, ss.Event.ID, ss.StartMS, out, "accepted", "")
		}
		info.CheckIns += 2
	}
	// Today's lecture at the kiosk's hall: people checked in so far.
	lecture, lerr := k.Store.Event(ctx, Lecture)
	if lerr != nil {
		return info, lerr
	}
	for j := 0; j < min(300, len(visitors)) && err == nil; j++ {
		wall := info.ToMS - int64(j)*1000
		_, err = ins.ExecContext(ctx, visitors[j], uuid.Must(uuid.NewV7()).String(), visitors[j], k.Key.ID, firstNo+int64(j)+1,
			Lecture, lecture.StartMS, "in", "qr", device, wall, "today", wall-lecture.StartMS, "accepted", "", 0)
		info.CheckIns++
	}
	ins.Close()
	for i := 1; i < len(indexes); i += 2 {
		exec(indexes[i])
	}
	if err != nil {
		return info, err
	}
	if err := tx.Commit(); err != nil {
		return info, err
	}
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return info, err
}

// timeIt runs f reps times and returns each duration.
func timeIt(reps int, f func() error) ([]time.Duration, error) {
	var out []time.Duration
	for range reps {
		t := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		out = append(out, time.Since(t))
	}
	return out, nil
}

// Large measures the kiosk's reads on years of history, and the check-in
// path on it, each against a baseline on the same database.
func Large(ctx context.Context, k *Kiosk, info LargeInfo, s Sizes) ([]Figure, error) {
	const reps = 7
	var total int
	baseline := func() error {
		return k.Raw.QueryRowContext(ctx, `SELECT count(*) FROM checkins`).Scan(&total)
	}
	now := time.Now().In(info.Loc)
	endOfDay := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, info.Loc)
	var sessions int
	home := func() error {
		if _, err := k.Store.Centre(ctx); err != nil {
			return err
		}
		if _, err := k.Store.Sites(ctx); err != nil {
			return err
		}
		evs, err := k.Store.EventsBetween(ctx, now.UnixMilli(), endOfDay.UnixMilli(), "")
		if err != nil {
			return err
		}
		sessions = len(data.SessionsBetween(evs, now.UnixMilli(), endOfDay.UnixMilli(), Hall, info.Loc))
		return nil
	}
	var upcoming int
	eventsScreen := func() error {
		if _, err := k.Store.Sites(ctx); err != nil {
			return err
		}
		evs, err := k.Store.EventsBetween(ctx, now.UnixMilli(), now.AddDate(0, 0, 60).UnixMilli(), "")
		if err != nil {
			return err
		}
		upcoming = len(data.SessionsBetween(evs, now.UnixMilli(), now.AddDate(0, 0, 60).UnixMilli(), Hall, info.Loc))
		return nil
	}
	var roster int
	today := func() error {
		open, err := k.Svc.OpenSessions(ctx)
		if err != nil {
			return err
		}
		roster = 0
		for _, ss := range open {
			r, err := k.Store.Roster(ctx, ss.Event.ID, ss.StartMS)
			if err != nil {
				return err
			}
			roster += len(r.Entries)
		}
		return nil
	}
	var days int
	weeks := func() error {
		d, err := k.Store.AttendancePerDay(ctx, now.AddDate(0, 0, -27).UnixMilli(), now.UnixMilli(), info.Loc)
		days = len(d)
		return err
	}
	var found int
	phone := func() error {
		m, err := k.Store.FindVisitors(ctx, fmt.Sprintf("%04d", info.Visitors/2%10000), 20)
		found = len(m)
		return err
	}
	var closed int
	firstSweep := func() error {
		svc, err := checkin.New(ctx, k.Store, checkin.Options{SiteID: Hall})
		if err == nil {
			closed, err = svc.CloseEnded(ctx)
		}
		return err
	}
	sweep := func() error {
		var err error
		closed, err = k.Svc.CloseEnded(ctx)
		return err
	}
	type probe struct {
		id, name string
		f        func() error
		detail   func() string
		reps     int
	}
	probes := []probe{
		{"home", "home screen data: centre, sites, the rest of today's events → sessions", home,
			func() string { return fmt.Sprintf("%d sessions today", sessions) }, reps},
		{"events", "events screen data: sites, the next 60 days' events → sessions", eventsScreen,
			func() string { return fmt.Sprintf("%d sessions", upcoming) }, reps},
		{"roster", "staff Today: open sessions and their rosters", today,
			func() string { return fmt.Sprintf("%d people", roster) }, reps},
		{"days", "staff Today: people per day, last 4 weeks", weeks,
			func() string { return fmt.Sprintf("%d days", days) }, reps},
		{"find", "staff: find visitors by the last 4 digits of a phone", phone,
			func() string { return fmt.Sprintf("%d found", found) }, reps},
		{"sweep", "automatic check-out sweep, every minute (CloseEnded, last 7 days)", sweep,
			func() string { return fmt.Sprintf("%d closed", closed) }, reps},
		{"sweep.first", "first automatic check-out sweep after start (whole history)", firstSweep,
			func() string {
				return fmt.Sprintf("%d closed; the kiosk runs it in the background at start, kioskctl export and hours before writing", closed)
			}, 1},
	}
	// Warm the page cache once.
	if err := baseline(); err != nil {
		return nil, err
	}
	for _, p := range probes[:len(probes)-1] { // the first sweep: a new Service each time
		if err := p.f(); err != nil {
			return nil, fmt.Errorf("%s: %w", p.id, err)
		}
	}
	var figs []Figure
	for _, p := range probes {
		var vals, bases []float64
		f := Figure{ID: "large." + p.id, Section: "Large data", Name: p.name, Unit: "ms",
			Baseline: "SELECT count(*) FROM checkins"}
		for range p.reps {
			b, err := timeIt(1, baseline)
			if err != nil {
				return nil, err
			}
			d, err := timeIt(1, p.f)
			if err != nil {
				return nil, err
			}
			vb, vd := ms(b)[0], ms(d)[0]
			vals, bases = append(vals, vd), append(bases, vb)
			f.Ratios = append(f.Ratios, ratio(vd, vb))
		}
		f.Value, f.Base = Median(vals), Median(bases)
		f.Note = strings.TrimSpace(p.detail())
		figs = append(figs, f)
	}
	figs[0].Note += fmt.Sprintf("; store: %d check-ins, %d events (%d sessions), %d visitors",
		total, info.Events, info.Sessions, info.Visitors)

	// The check-in path on the large store.
	if err := k.AddVisitors(ctx, s.LargeScans+100); err != nil {
		return nil, err
	}
	l, err := MeasureCheckIn(ctx, k, s.LargeScans, min(s.Rounds, max(s.LargeScans/100, 1)))
	if err != nil {
		return nil, err
	}
	cf := l.Figures("large.checkin", "Large data", "check-in on the large store")
	return append(figs, cf[0], cf[1]), nil
}

// sqliteFilter selects the records of one session.
func sqliteFilter(ss data.Session) sqlite.CheckInFilter {
	return sqlite.CheckInFilter{EventID: ss.Event.ID, SessionStartMS: ss.StartMS}
}

// monthFilter selects the accepted records of the last 28 days.
func monthFilter(now time.Time) sqlite.CheckInFilter {
	return sqlite.CheckInFilter{FromMS: now.AddDate(0, 0, -28).UnixMilli(), ToMS: now.UnixMilli(), AcceptedOnly: true}
}

// Command kiosk is Civic Kiosk's touchscreen app: it opens the kiosk's
// database (loading the demo centre into an empty one), shows the centre's
// screens, registers visitors and checks them in and out with their passes.
// It closes the check-ins of ended sessions at start and every minute.
//
// Usage: kiosk [--db PATH] [--site ID] [--lang zh-CN|en] [--zone NAME]
// [--fullscreen] [--size WxH] [--slips DIR] [--kiosk] [--idle DURATION]
//
// It logs to stderr and to kiosk.log beside the database, checks the
// database at start and keeps a week of daily backups in backups/ beside
// it. A database that cannot be opened is explained on screen, with what
// to do, until the window is closed. With --kiosk it exits with status 3
// when a staff member leaves.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/civickiosk/kiosk/data/upkeep"
	"github.com/civickiosk/kiosk/ui"
)

// Kiosk-grade operation.
var (
	kioskMode = flag.Bool("kiosk", false, "lock-down: fill the screen; closing the window or Escape asks for a staff PIN")
	idle      = flag.Duration("idle", ui.DefaultIdle, "start the attract loop after this long without a tap or a scan")
)

// exitLeft is the exit status after a staff member left the kiosk: the
// systemd unit does not restart the kiosk then.
const exitLeft = 3

// errLeft is returned by run when a staff member left the kiosk.
var errLeft = errors.New("left by staff")

// errShown is returned by run after an error at start was logged and shown
// on screen until the window was closed.
var errShown = errors.New("start-up error shown")

func main() {
	db := flag.String("db", "", "the kiosk's database file (default: ~/.local/share/civic-kiosk/kiosk.db)")
	site := flag.String("site", "", "the site this kiosk stands at (default: the site setting, else the district centre)")
	language := flag.String("lang", ui.Languages[0], "the language of the screens: zh-CN or en")
	zone := flag.String("zone", "", "the centre's time zone (default: the content's, else Asia/Shanghai)")
	fullscreen := flag.Bool("fullscreen", false, "fill the screen")
	size := flag.String("size", "1920x1080", "the window size when not fullscreen, WxH")
	slips := flag.String("slips", "", "where to save printable pass slips, e.g. a USB stick (default: slips/ beside the database)")
	flag.Parse()
	if err := run(*db, *site, *language, *zone, *fullscreen, *size, *slips); errors.Is(err, errLeft) {
		os.Exit(exitLeft)
	} else if errors.Is(err, errShown) {
		os.Exit(1)
	} else if err != nil {
		slog.Error("kiosk: " + err.Error())
		os.Exit(1)
	}
}

// closeEvery is how often ended sessions' open check-ins are closed.
const closeEvery = time.Minute

func run(db, site, language, zone string, fullscreen bool, size, slips string) error {
	var w, h float32
	if _, err := fmt.Sscanf(size, "%gx%g", &w, &h); err != nil || w <= 0 || h <= 0 {
		return fmt.Errorf("--size %q: want WIDTHxHEIGHT, e.g. 1024x600", size)
	}
	if err := ui.UseLanguage(language); err != nil {
		return err
	}
	if db == "" {
		var err error
		if db, err = sqlite.DefaultPath(); err != nil {
			return err
		}
	}
	logs, err := upkeep.Log(filepath.Dir(db), slog.LevelInfo)
	if err != nil {
		return fmt.Errorf("log: %w", err)
	}
	defer logs.Close()
	slog.Info("kiosk starting", "db", db, "kiosk", *kioskMode, "idle", *idle)
	st, err := sqlite.Open(db)
	if err != nil {
		return cannotOpen(db, fmt.Errorf("cannot open the database: %w", err), w, h, fullscreen)
	}
	defer st.Close()

	ctx := context.Background()
	if empty, err := st.Empty(ctx); err != nil {
		return cannotOpen(st.Path(), fmt.Errorf("database %s: %w", st.Path(), err), w, h, fullscreen)
	} else if empty {
		f, err := content.Parse(assets.DemoCentre, content.Options{Now: time.Now()})
		if err != nil {
			return fmt.Errorf("demo centre: %w", err)
		}
		if err := st.LoadContent(ctx, f); err != nil {
			return fmt.Errorf("loading the demo centre into %s: %w", st.Path(), err)
		}
	}
	loc, err := st.Zone(ctx)
	if zone != "" {
		loc, err = time.LoadLocation(zone)
	}
	if err != nil {
		return fmt.Errorf("time zone: %w", err)
	}
	here, err := st.KioskSite(ctx, site)
	if err != nil {
		return err
	}
	svc, err := checkin.New(ctx, st, checkin.Options{SiteID: here.ID, Zone: loc})
	if err != nil {
		return fmt.Errorf("check-in: %w", err)
	}
	if slips == "" {
		slips = filepath.Join(filepath.Dir(st.Path()), "slips")
	}
	stopClosing := closeEnded(svc)
	defer stopClosing()
	stopCare := upkeep.Care(st, filepath.Join(filepath.Dir(st.Path()), "backups"), loc, time.Now)
	defer stopCare()

	a, win := newWindow(w, h, fullscreen)
	hub := newHubSync(st, svc)
	shell := ui.NewShell(win, ui.Config{Catalog: st, SiteID: here.ID, Location: loc, CheckIn: svc, SlipsDir: slips,
		Staff: staffOptions(st), Sync: hub,
		Idle: *idle})
	left := false
	if *kioskMode {
		shell.LockDown(win, func() {
			left = true
			a.Quit()
		})
	}
	stopSync := hub.start(shell)
	defer stopSync()
	stop := shell.StartClock()
	defer stop()
	win.ShowAndRun()
	shell.Wait()
	if left {
		return errLeft
	}
	return nil
}

// newWindow makes the kiosk's app and its window, w×h or filling the
// screen.
func newWindow(w, h float32, fullscreen bool) (fyne.App, fyne.Window) {
	// Sizes come from the theme alone, whatever the monitor reports.
	if os.Getenv("FYNE_DISABLE_DPI_DETECTION") == "" {
		os.Setenv("FYNE_DISABLE_DPI_DETECTION", "1")
	}
	a := app.NewWithID("org.civickiosk.kiosk")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	win := a.NewWindow(lang.L("app.title"))
	win.Resize(fyne.NewSize(w, h))
	win.SetFullScreen(fullscreen)
	return a, win
}

// cannotOpen logs err, the failure to open the database at path, and shows
// it with what to do in the kiosk's window until the window is closed, so
// that the kiosk is not restarted over and over on a black screen.
func cannotOpen(path string, err error, w, h float32, fullscreen bool) error {
	if abs, aerr := filepath.Abs(path); aerr == nil {
		path = abs
	}
	slog.Error("kiosk: "+err.Error(), "db", path)
	_, win := newWindow(w, h, fullscreen || *kioskMode)
	ui.ShowStartupError(win, err, path)
	win.ShowAndRun()
	return errShown
}

// closeEnded checks out, now and then every closeEvery, everyone still
// checked in to a session that has ended. Call the returned function to
// stop.
func closeEnded(svc *checkin.Service) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(closeEvery)
		defer t.Stop()
		for {
			if _, err := svc.CloseEnded(ctx); err != nil && ctx.Err() == nil {
				fyne.LogError("closing the check-ins of ended sessions", err)
			}
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

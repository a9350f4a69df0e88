// Command hub is Civic Kiosk's district hub: kiosks enrol with it, push their
// check-ins to it and pull the centre's content, revocations and public keys
// from it.
//
// Usage:
//
//	hub [serve] --listen ADDR (--db FILE | --database-url postgres://…)
//	    [--tls-cert FILE --tls-key FILE] [--insecure-http] [--admin-token-file FILE]
//	hub enrol   --site ID [--ttl 168h]        print a one-time enrolment code
//	            [--url URL [--qr FILE]]         … and write it as a QR code for the kiosk
//	hub revoke  --device ID                   revoke a kiosk's token
//	hub devices                               list kiosks, with clock warnings
//	hub import  [--replace [--force]] FILE    publish a centre content file
//	hub stats   [--from DATE] [--to DATE]     check-ins per site per day
//	hub export  --out FILE [--format csv|xlsx] [--from DATE] [--to DATE] [--site ID]
//	            [--accepted-only] [--gb18030]   the district's attendance log
//
// Every sub-command takes --db FILE (embedded SQLite, default hub.db) or
// --database-url (PostgreSQL; also from $DATABASE_URL). Hubs on PostgreSQL
// keep no state of their own, so several may serve one database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/civickiosk/kiosk/data/postgres"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

type command struct {
	summary string
	run     func(ctx context.Context, args []string, out io.Writer) error
}

var commands = map[string]command{}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	name := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		usage(out)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(errOut, "hub: unknown command %q\n\n", name)
		usage(errOut)
		return 1
	}
	if err := c.run(ctx, args, out); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(errOut, "hub %s: %v\n", name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: hub [COMMAND] [flags]   (default command: serve; hub COMMAND -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
}

// storeFlags adds --db and --database-url.
type storeFlags struct{ db, url *string }

func addStoreFlags(fs *flag.FlagSet) storeFlags {
	return storeFlags{
		db:  fs.String("db", "hub.db", "hub database file (embedded SQLite)"),
		url: fs.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL, postgres://USER:PASS@HOST/DB (default $DATABASE_URL); overrides --db"),
	}
}

func (f storeFlags) open(ctx context.Context) (hubsync.Store, error) {
	if *f.url != "" {
		return postgres.Open(ctx, *f.url)
	}
	return hubsync.OpenSQLiteHub(*f.db)
}

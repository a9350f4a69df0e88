// Package pgtest gives tests a throwaway PostgreSQL server on 127.0.0.1.
//
// Start uses the server named by $CIVIC_PG_URL when set (a superuser URL;
// each test gets a new database in it). Otherwise it looks for initdb and
// pg_ctl on $PATH and in /usr/lib/postgresql/*/bin (Debian's `postgresql`
// package), makes a cluster in a temporary folder and starts it on a free
// loopback port with fsync off, as the `postgres` user when run as root
// (initdb refuses root). Stop stops it and removes the folder.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// ErrNoServer is returned (wrapped, with the reason) when no PostgreSQL
// server can be used; tests then skip.
var ErrNoServer = errors.New("no PostgreSQL server for the tests")

// Cluster is a running PostgreSQL server for tests.
type Cluster struct {
	URL   string // superuser URL of the maintenance database
	dir   string // data folder of a cluster this package started; "" for $CIVIC_PG_URL
	pgctl string
	cred  *syscall.Credential
	n     atomic.Int64
}

// findBin returns the path of a PostgreSQL server program.
func findBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(ms) == 0 {
		return "", fmt.Errorf("%w: %s not found on PATH or in /usr/lib/postgresql/*/bin (apt-get install postgresql, or set CIVIC_PG_URL)", ErrNoServer, name)
	}
	sort.Strings(ms)
	return ms[len(ms)-1], nil
}

// Start returns a server for tests: $CIVIC_PG_URL, or a new cluster.
func Start() (*Cluster, error) {
	if u := os.Getenv("CIVIC_PG_URL"); u != "" {
		return &Cluster{URL: u}, nil
	}
	initdb, err := findBin("initdb")
	if err != nil {
		return nil, err
	}
	pgctl, err := findBin("pg_ctl")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "civic-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, pgctl: pgctl}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("%w: running as root and there is no postgres user to run the server as", ErrNoServer)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w: initdb: %v\n%s", ErrNoServer, err, out)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	if out, err := c.run(pgctl, "-D", data, "-o", opts, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w: pg_ctl start: %v\n%s\n%s", ErrNoServer, err, out, log)
	}
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return c, nil
}

func (c *Cluster) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd.CombinedOutput()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// NewDatabase creates an empty database and returns its URL.
func (c *Cluster) NewDatabase(ctx context.Context) (string, error) {
	conn, err := pgx.Connect(ctx, c.URL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("civic_test_%d_%d", os.Getpid(), c.n.Add(1))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Stop stops a cluster this package started and removes its folder.
func (c *Cluster) Stop() {
	if c.dir == "" {
		return
	}
	c.run(c.pgctl, "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
}

// The cluster shared by the tests of one test binary.
var (
	sharedOnce sync.Once
	shared     *Cluster
	sharedErr  error
)

// Database returns the URL of a new, empty database on the test binary's
// shared cluster, which is started on first use (Start). When no server can
// be had, t is skipped with the reason. Call StopShared from TestMain after
// the tests have run.
func Database(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		t.Skipf("PostgreSQL tests skipped: %v", sharedErr)
	}
	url, err := shared.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return url
}

// StopShared stops the shared cluster if Database started one.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}

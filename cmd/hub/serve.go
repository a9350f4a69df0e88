package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

func init() {
	commands["serve"] = command{"serve kiosks: serve --listen ADDR (--db FILE | --database-url URL) [--tls-cert F --tls-key F]", serve}
}

// errInsecure refuses plain HTTP on an address other kiosks can reach.
var errInsecure = errors.New("refusing plain HTTP on a non-loopback address: give --tls-cert and --tls-key, or --insecure-http")

// loopback reports whether a listen address accepts connections from this
// machine only ("127.0.0.1:8080", "[::1]:8080", "localhost:8080").
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func serve(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	listen := fs.String("listen", "127.0.0.1:8443", "address to listen on, HOST:PORT")
	cert := fs.String("tls-cert", "", "TLS certificate file (PEM)")
	key := fs.String("tls-key", "", "TLS private key file (PEM)")
	insecure := fs.Bool("insecure-http", false, "allow plain HTTP on a non-loopback address (behind a TLS-terminating proxy)")
	adminFile := fs.String("admin-token-file", "", "file holding the admin token for /v1/stats and /v1/admin/codes")
	publicURL := fs.String("public-url", "", "the hub's address as visitors' phones reach it, for the kiosks' sign-in codes (default: the address each kiosk enrolled at)")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if (*cert == "") != (*key == "") {
		return errors.New("give both --tls-cert and --tls-key, or neither")
	}
	tls := *cert != ""
	if !tls && !*insecure && !loopback(*listen) {
		return errInsecure
	}
	o := hubsync.HubOptions{PublicURL: *publicURL, SecureCookies: tls || strings.HasPrefix(*publicURL, "https://")}
	if *adminFile != "" {
		b, err := os.ReadFile(*adminFile)
		if err != nil {
			return err
		}
		tok := strings.TrimSpace(string(b))
		if len(tok) < 16 {
			return fmt.Errorf("%s: the admin token must have at least 16 characters", *adminFile)
		}
		o.AdminTokenHash = hubsync.HashSecret(tok)
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           hubsync.NewHandler(st, o),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(os.Stderr, "hub: ", log.LstdFlags),
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	fmt.Fprintf(out, "hub listening on %s://%s\n", scheme, ln.Addr())
	done := make(chan error, 1)
	go func() {
		if tls {
			done <- srv.ServeTLS(ln, *cert, *key)
		} else {
			done <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

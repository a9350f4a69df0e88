// Command kioskctl is Civic Kiosk's staff and admin command line. It works on
// a kiosk's database without a display (it imports no Fyne), for scripts,
// headless boxes and tests.
//
// Usage: kioskctl COMMAND [flags]; `kioskctl help` lists the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one sub-command: it parses its own flags from args and writes
// its output to out.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, out io.Writer) error
}

// commands is filled by each sub-command's file.
var commands = map[string]command{}

// errRefused makes kioskctl exit with status 2 without an error message of its
// own (the command has already printed why).
var errRefused = errors.New("refused")

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(errOut, "kioskctl: unknown command %q\n\n", args[0])
		usage(errOut)
		return 1
	}
	err := c.run(ctx, args[1:], out)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errRefused):
		return 2
	}
	fmt.Fprintf(errOut, "kioskctl %s: %v\n", args[0], err)
	return 1
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: kioskctl COMMAND [flags]   (kioskctl COMMAND -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
}

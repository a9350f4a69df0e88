// Package cliargs parses the flags of kioskctl's and hub's sub-commands, the
// one place where both refuse positional arguments they do not expect.
package cliargs

import (
	"flag"
	"fmt"
	"strings"
)

// Parse parses args with fs and returns the positional arguments left, which
// must be exactly as many as names (the names of the ones expected, as the
// usage writes them: "FILE"). Extra or missing ones are an error naming
// them: an unquoted value with a space (--code nzt7 zmkq) ends flag parsing
// at its second word, so every flag after it would be silently ignored.
func Parse(fs *flag.FlagSet, args []string, names ...string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	rest := fs.Args()
	switch {
	case len(rest) > len(names):
		extra := rest[len(names):]
		return nil, fmt.Errorf("unexpected argument(s) %q: put a value with spaces in quotes (--flag \"a b\"), "+
			"and give every flag before these", extra)
	case len(rest) < len(names):
		return nil, fmt.Errorf("missing %s", strings.Join(names[len(rest):], " "))
	}
	return rest, nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/pass"
)

func init() {
	commands["register"] = command{"register a visitor and print their pass code (a lost card: visitors --reissue): register --db PATH --phone N [--name NAME] [--png FILE]", register}
}

func register(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("register", flag.ContinueOnError)
	db := dbFlag(fs)
	phone := fs.String("phone", "", "mainland mobile number (+86, spaces and dashes allowed)")
	name := fs.String("name", "", "the visitor's name (optional; a registered name is not changed)")
	community := fs.String("community", "", "the visitor's community (a site id, optional)")
	png := fs.String("png", "", "also write the pass QR code as a printable PNG to this file")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if *phone == "" {
		return errors.New("--phone is required")
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := checkin.New(ctx, st, checkin.Options{})
	if err != nil {
		return err
	}
	reg, err := svc.Register(ctx, *phone, *community, *name)
	if err != nil {
		return err
	}
	if *png != "" {
		img, err := pass.PNG(reg.Code, true, 8)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*png, img, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintln(out, reg.Code)
	state := "existing visitor"
	if reg.Created {
		state = "new visitor"
	}
	fmt.Fprintf(os.Stderr, "%s %s, pass %s\n", state, data.MaskPhone(reg.Visitor.Phone), map[bool]string{true: "issued", false: "re-shown"}[reg.Issued])
	if n := data.NormaliseName(*name); n != "" && n != reg.Visitor.Name {
		fmt.Fprintf(os.Stderr, "name not changed: registered as %q, not %q\n", reg.Visitor.Name, n)
	}
	return nil
}

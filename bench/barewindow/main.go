// Command barewindow is the baseline of the kiosk's memory, start-up and
// idle figures: a Fyne window of the same size showing one label.
//
// Usage: barewindow [--size WxH]
package main

import (
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	size := flag.String("size", "1920x1080", "the window size, WxH")
	flag.Parse()
	var w, h float32
	if _, err := fmt.Sscanf(*size, "%gx%g", &w, &h); err != nil || w <= 0 || h <= 0 {
		fmt.Fprintf(os.Stderr, "barewindow: --size %q: want WIDTHxHEIGHT\n", *size)
		os.Exit(2)
	}
	a := app.NewWithID("org.civickiosk.barewindow")
	win := a.NewWindow("bare window")
	win.SetContent(widget.NewLabel("Civic Kiosk"))
	win.Resize(fyne.NewSize(w, h))
	win.ShowAndRun()
}

package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ErrFormat is returned (wrapped) for an export format other than csv or
// xlsx.
var ErrFormat = errors.New("unknown export format (want csv or xlsx)")

// ErrFormatExt is returned (wrapped) for an export format whose file is
// named with the other format's extension.
var ErrFormatExt = errors.New("the file's extension names the other format (name it .csv or .xlsx as the format, or leave the format out to take it from the name)")

// ParseFormat returns the format named s ("csv" or "xlsx", any case), or,
// when s is "", the format of path's extension. It returns an error wrapping
// ErrFormat when neither names a format, and one wrapping ErrFormatExt when s
// names one format and path ends in another's extension (an XLSX file named
// .csv opens as garbage).
func ParseFormat(s, path string) (Format, error) {
	ext := Format(strings.ToLower(strings.TrimPrefix(filepath.Ext(path), ".")))
	if s == "" {
		s = string(ext)
	}
	switch f := Format(strings.ToLower(s)); f {
	case CSV, XLSX:
		if (ext == CSV || ext == XLSX) && ext != f {
			return "", fmt.Errorf("%s into %s: %w", f, filepath.Base(path), ErrFormatExt)
		}
		return f, nil
	}
	return "", fmt.Errorf("%q: %w", s, ErrFormat)
}

// WriteFile creates or replaces the file at path with what write writes,
// all or nothing: write goes (buffered) to a temporary file in path's folder
// (".NAME.*.tmp"), which is synced to disk (fsync) and then renamed to path.
// When write returns an error or panics, or the sync or rename fails, the
// temporary file is removed, an existing file at path is left as it was, and
// the error is returned. The new file is readable by its owner only (0600):
// exports hold personal data.
func WriteFile(path string, write func(w io.Writer) error) (err error) {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	done = true
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the system allows it
// (fsync of the folder; not possible on Windows, where it is skipped).
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// WritePages writes PNG pages to dir as NAME-01.png, NAME-02.png, …, each
// whole or not at all (WriteFile: readable by the owner only, as printed
// pages carry names), and returns their paths. A file of that name is
// replaced. When every page is written, NAME's pages from an earlier,
// longer print in dir (NAME-NN.png numbered past the last page; no other
// file) are removed, so that printing NAME-* prints no stale page; an error
// removing one is returned with the paths. When a page cannot be written,
// the pages written before it are removed and the error is returned.
func WritePages(dir, name string, pages [][]byte) ([]string, error) {
	paths := make([]string, len(pages))
	for i, p := range pages {
		paths[i] = filepath.Join(dir, fmt.Sprintf("%s-%02d.png", name, i+1))
		err := WriteFile(paths[i], func(w io.Writer) error {
			_, err := w.Write(p)
			return err
		})
		if err != nil {
			for _, done := range paths[:i] {
				os.Remove(done)
			}
			return nil, err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return paths, err
	}
	page := regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `-([0-9]{2,})\.png$`)
	for _, e := range entries {
		m := page.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n <= len(pages) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return paths, err
		}
	}
	return paths, nil
}

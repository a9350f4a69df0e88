package bench

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// xScreen is a connection to an X server's first screen, enough to read
// its pixels (GetImage of the root window). It speaks the core protocol
// directly so that polling for a window's first frame costs milliseconds,
// not an ImageMagick process per screenshot.
type xScreen struct {
	c       net.Conn
	r       *bufio.Reader
	root    uint32
	w, h    int
	bigEnd  bool // the server's image byte order
	bpp     int  // bits per pixel of the root depth's ZPixmap format
	rootDep int
}

// dialX connects to display ":N" over its Unix socket, without
// authentication (Xvfb started without -auth).
func dialX(display string) (*xScreen, error) {
	var n int
	if _, err := fmt.Sscanf(display, ":%d", &n); err != nil {
		return nil, fmt.Errorf("display %q: want :N", display)
	}
	c, err := net.DialTimeout("unix", fmt.Sprintf("/tmp/.X11-unix/X%d", n), 5*time.Second)
	if err != nil {
		return nil, err
	}
	x := &xScreen{c: c, r: bufio.NewReaderSize(c, 1<<20)}
	if err := x.setup(); err != nil {
		c.Close()
		return nil, err
	}
	return x, nil
}

func (x *xScreen) Close() error { return x.c.Close() }

func (x *xScreen) setup() error {
	// Byte order 'l' (little endian), protocol 11.0, no authorisation.
	req := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := x.c.Write(req); err != nil {
		return err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(x.r, head); err != nil {
		return err
	}
	rest := make([]byte, 4*int(binary.LittleEndian.Uint16(head[6:])))
	if _, err := io.ReadFull(x.r, rest); err != nil {
		return err
	}
	if head[0] != 1 {
		return fmt.Errorf("X server refused the connection: %q", rest[:min(int(head[1]), len(rest))])
	}
	vendorLen := int(binary.LittleEndian.Uint16(rest[16:]))
	nFormats := int(rest[21])
	x.bigEnd = rest[22] == 1
	off := 32 + (vendorLen+3)/4*4
	formats := rest[off : off+8*nFormats]
	scr := rest[off+8*nFormats:]
	x.root = binary.LittleEndian.Uint32(scr[0:])
	x.w = int(binary.LittleEndian.Uint16(scr[20:]))
	x.h = int(binary.LittleEndian.Uint16(scr[22:]))
	x.rootDep = int(scr[38])
	for i := 0; i < nFormats; i++ {
		f := formats[8*i:]
		if int(f[0]) == x.rootDep {
			x.bpp = int(f[1])
		}
	}
	if x.bpp != 32 && x.bpp != 24 {
		return fmt.Errorf("root depth %d with %d bits per pixel: unsupported", x.rootDep, x.bpp)
	}
	return nil
}

// grab reads rows [y0, y0+rows) of the root window as ZPixmap data.
func (x *xScreen) grab(y0, rows int) ([]byte, error) {
	req := make([]byte, 20)
	req[0] = 73 // GetImage
	req[1] = 2  // ZPixmap
	binary.LittleEndian.PutUint16(req[2:], 5)
	binary.LittleEndian.PutUint32(req[4:], x.root)
	binary.LittleEndian.PutUint16(req[8:], 0)
	binary.LittleEndian.PutUint16(req[10:], uint16(y0))
	binary.LittleEndian.PutUint16(req[12:], uint16(x.w))
	binary.LittleEndian.PutUint16(req[14:], uint16(rows))
	binary.LittleEndian.PutUint32(req[16:], 0xFFFFFFFF)
	if _, err := x.c.Write(req); err != nil {
		return nil, err
	}
	head := make([]byte, 32)
	if _, err := io.ReadFull(x.r, head); err != nil {
		return nil, err
	}
	switch head[0] {
	case 1:
	case 0:
		return nil, fmt.Errorf("X error %d on GetImage", head[1])
	default:
		return nil, errors.New("unexpected X event while waiting for GetImage")
	}
	buf := make([]byte, 4*int(binary.LittleEndian.Uint32(head[4:])))
	_, err := io.ReadFull(x.r, buf)
	return buf, err
}

// Colours counts the distinct colours on a grid of every 3rd pixel of
// every 3rd row of the screen, up to limit.
func (x *xScreen) Colours(limit int) (int, error) {
	seen := map[uint32]bool{}
	bytesPP := x.bpp / 8
	stride := (x.w*x.bpp + 31) / 32 * 4
	const band = 90 // rows per request
	for y0 := 0; y0 < x.h; y0 += band {
		rows := min(band, x.h-y0)
		buf, err := x.grab(y0, rows)
		if err != nil {
			return 0, err
		}
		for y := 0; y < rows; y += 3 {
			line := buf[y*stride:]
			for i := 0; i < x.w; i += 3 {
				p := line[i*bytesPP:]
				v := uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16
				seen[v] = true
				if len(seen) >= limit {
					return len(seen), nil
				}
			}
		}
	}
	return len(seen), nil
}

package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

// formSlack is what a multipart upload may carry besides the file: headers
// and small fields.
const formSlack = 64 << 10

// uploadDeadline is how long a large upload may take to arrive.
const uploadDeadline = 30 * time.Minute

// sizeGuard counts the bytes of an uploaded file, fails past max, and
// notes whether reading the request failed (a body cut short is the
// client's doing, not ours).
type sizeGuard struct {
	r        io.Reader
	n, max   int64
	exceeded bool
	broken   error
}

func (g *sizeGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.n += int64(n)
	if g.n > g.max {
		g.exceeded = true
		return n, errTooLarge
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		g.exceeded = true
		return n, errTooLarge
	}
	if err != nil && err != io.EOF {
		g.broken = err
	}
	return n, err
}

var errTooLarge = errors.New("upload too large")

func (s *Server) tooLarge() error {
	return &domain.Error{Kind: domain.KindTooLarge, Field: "file",
		Message: fmt.Sprintf("The file is too large: the limit is %s.", humanSize(s.MaxUpload))}
}

// streamUpload reads a multipart/form-data request without buffering it:
// onFile receives the stream of the "file" part, if one with a name is
// sent; the other fields are returned. A body larger than the limit is
// refused with 413 before it is read, when its length is announced, and as
// soon as it passes the limit otherwise.
func (s *Server) streamUpload(w http.ResponseWriter, r *http.Request, onFile func(name string, r io.Reader) error) (url.Values, error) {
	limit := s.MaxUpload + formSlack
	if r.ContentLength > limit {
		return nil, s.tooLarge()
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, domain.Malformed("Send the file as multipart/form-data, in a field named “file”.")
	}
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadDeadline))
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, domain.Malformed("The upload could not be read: %v.", err)
	}
	fields := url.Values{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return fields, nil
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fields, s.tooLarge()
		}
		if err != nil {
			return fields, domain.Malformed("The upload could not be read: %v.", err)
		}
		name := part.FormName()
		if name == "file" && part.FileName() != "" {
			guard := &sizeGuard{r: part, max: s.MaxUpload}
			err := onFile(part.FileName(), guard)
			if guard.exceeded {
				return fields, s.tooLarge()
			}
			if guard.broken != nil {
				return fields, domain.Malformed("The upload was cut short (%v): send it again.", guard.broken)
			}
			if err != nil {
				return fields, err
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, formSlack))
		if err != nil {
			return fields, domain.Malformed("The upload could not be read: %v.", err)
		}
		fields.Add(name, string(v))
	}
}

// humanSize writes a byte count for people.
func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// contentDisposition names a download: inline or attachment, with the file
// name encoded for any language (RFC 6266 and 5987).
func contentDisposition(inline bool, name string) string {
	kind := "attachment"
	if inline {
		kind = "inline"
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if v := mime.FormatMediaType(kind, map[string]string{"filename": name}); v != "" {
		return v
	}
	return kind
}

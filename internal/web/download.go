package web

import (
	"net/http"
	"strings"

	"github.com/acanban/acanban/internal/domain"
)

// download serves a stored file to those allowed to see a project that
// holds it: ranges, the CID as ETag, cached for good (the bytes of a CID
// never change), with a safe type and the stored name.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	rec, f, err := s.Projects.Download(r.Context(), viewer(r), r.PathValue("cid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	name := rec.Name
	if n := strings.TrimSpace(r.URL.Query().Get("filename")); n != "" {
		name = domain.CleanFileName(n)
	}
	ct, inline := domain.ServeType(rec.MediaType)
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", contentDisposition(inline, name))
	h.Set("ETag", `"`+rec.CID+`"`)
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox")
	http.ServeContent(w, r, "", rec.Created, f)
}

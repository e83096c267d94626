package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under content-hashed names
// (style.3f2a9c1d.css), cached for a year, so that a new release is fetched
// at once and an unchanged file never again.
type assets struct {
	hashed map[string]string // style.css → style.3f2a9c1d.css
	files  map[string][]byte // hashed name → content
	gzip   map[string][]byte // hashed name → content gzipped once, at the best level
	start  time.Time
}

func loadAssets() (*assets, error) {
	a := &assets{hashed: map[string]string{}, files: map[string][]byte{}, gzip: map[string][]byte{}, start: time.Now()}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.hashed[name], a.files[h] = h, b
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(b)
		if err := zw.Close(); err != nil {
			return err
		}
		a.gzip[h] = z.Bytes()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load static files: %w", err)
	}
	return a, nil
}

// url returns the path of a static file by its plain name.
func (a *assets) url(name string) string {
	h, ok := a.hashed[name]
	if !ok {
		panic("web: no static file " + name) // caught when templates are tested
	}
	return "/static/" + h
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, ok := a.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	if !slices.Contains(w.Header().Values("Vary"), "Accept-Encoding") { // the compress middleware may have said it
		w.Header().Add("Vary", "Accept-Encoding")
	}
	// Compressed once at start rather than on each request (the compress
	// middleware leaves a response with a Content-Encoding alone); a range
	// is served from the plain bytes. Each encoding has its own ETag, so
	// that a range asked If-Range of the gzipped bytes gets the whole file
	// rather than plain bytes glued to gzipped ones.
	etag := `"` + name + `"`
	if z, ok := a.gzip[name]; ok && acceptsGzip(r) && r.Header.Get("Range") == "" {
		w.Header().Set("Content-Encoding", "gzip")
		b, etag = z, `"`+name+`-gzip"`
	}
	w.Header().Set("ETag", etag)
	http.ServeContent(w, r, name, a.start, bytes.NewReader(b))
}

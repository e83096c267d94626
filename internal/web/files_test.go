package web

// HTTP-level tests of issue 4 (files on IPFS): report and slides revisions,
// type checks and size limits of uploads, permission-checked downloads at
// /ipfs/{cid}, task evidence, a real Kubo node going down and coming back,
// and concurrent uploads.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"html"
	"io"
	"math/rand"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/files"
	"github.com/acanban/acanban/internal/files/kubo"
	"github.com/acanban/acanban/internal/files/kubo/kubotest"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
)

// multipartBody encodes a form with one file part (none when filename is
// "" and content is nil) and the fields kv.
func multipartBody(filename string, content []byte, kv ...string) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i+1 < len(kv); i += 2 {
		mw.WriteField(kv[i], kv[i+1])
	}
	if filename != "" || content != nil {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(content)
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// upload posts a file as multipart/form-data in the field "file".
func (c *client) upload(path, filename string, content []byte, kv ...string) response {
	c.t.Helper()
	body, ct := multipartBody(filename, content, kv...)
	req, _ := http.NewRequest("POST", c.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return c.do(req)
}

// uploadChunked posts like upload but without a Content-Length, so that
// the server only learns the size by reading.
func (c *client) uploadChunked(path, filename string, content []byte) response {
	c.t.Helper()
	body, ct := multipartBody(filename, content)
	req, _ := http.NewRequest("POST", c.base+path, io.MultiReader(bytes.NewReader(body)))
	req.Header.Set("Content-Type", ct)
	req.ContentLength = -1
	return c.do(req)
}

// uploadRaw posts a file without touching testing.T, for goroutines.
func uploadRaw(c *client, path, filename string, content []byte) (int, string, error) {
	body, ct := multipartBody(filename, content)
	req, _ := http.NewRequest("POST", c.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location"), nil
}

// getWith sends a GET with extra headers.
func (c *client) getWith(path string, kv ...string) response {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Set(kv[i], kv[i+1])
	}
	return c.do(req)
}

// revisionRow is one line of a report or slides tab.
type revisionRow struct {
	Number   int
	Href     string // download link
	Name     string
	Size     string
	Uploader string // username of the uploader's profile link
	Who      string // the uploader's name as shown
	Time     time.Time
	CID      string
}

var (
	rowStart    = regexp.MustCompile(`<tr><td>(\d+)</td>`)
	rowLink     = regexp.MustCompile(`<a href="(/ipfs/[^"]+)"[^>]*>([^<]*)</a>`)
	rowCells    = regexp.MustCompile(`<td>([^<]*)</td>`)
	rowUploader = regexp.MustCompile(`<a href="/u/([^"]+)">([^<]*)</a>`)
	rowTime     = regexp.MustCompile(`<time datetime="([^"]+)"`)
	rowCID      = regexp.MustCompile(`<code class="cid">([^<]+)</code>`)
)

// revisionRows reads the revisions table of an artifact tab, in page order.
func revisionRows(t *testing.T, body string) []revisionRow {
	t.Helper()
	table := htmlSection(body, `<table class="revisions">`, `</table>`)
	if table == "" {
		return nil
	}
	var rows []revisionRow
	for _, tr := range strings.Split(table, "</tr>") {
		m := rowStart.FindStringSubmatchIndex(tr)
		if m == nil {
			continue
		}
		tr = tr[m[0]:]
		var row revisionRow
		row.Number, _ = strconv.Atoi(tr[m[2]-m[0] : m[3]-m[0]])
		if l := rowLink.FindStringSubmatch(tr); l != nil {
			row.Href, row.Name = html.UnescapeString(l[1]), html.UnescapeString(l[2])
		}
		if cells := rowCells.FindAllStringSubmatch(tr, -1); len(cells) >= 2 {
			row.Size = strings.TrimSpace(html.UnescapeString(cells[1][1]))
		}
		if u := rowUploader.FindStringSubmatch(tr); u != nil {
			row.Uploader, row.Who = u[1], html.UnescapeString(u[2])
		}
		if tm := rowTime.FindStringSubmatch(tr); tm != nil {
			row.Time, _ = time.Parse(time.RFC3339, tm[1])
		}
		if c := rowCID.FindStringSubmatch(tr); c != nil {
			row.CID = c[1]
		}
		rows = append(rows, row)
	}
	return rows
}

// fileSite is a project with people in every standing towards it.
type fileSite struct {
	*site
	id                                   int64
	p                                    string // "/p/{id}"
	stu, stu2, sup, out, judge, asst, gu *client
}

// newFileSite makes a project created by the student "stu" (ICT) with the
// student "stu2" and the supervisor "sup", a judge assigned to it, an
// assistant of its department, an outsider and a guest.
func newFileSite(t *testing.T, d Deps, fs files.Files) *fileSite {
	t.Helper()
	s := newSiteWith(t, d, fs)
	f := &fileSite{site: s, gu: s.client(t)}
	f.stu = s.account(t, "stu", "student", "ICT", "Stu Đặng")
	f.stu2 = s.account(t, "stu2", "student", "ICT", "Second Student")
	f.sup = s.account(t, "sup", "supervisor", "ICT", "")
	f.out = s.account(t, "out", "student", "ICT", "")
	f.judge = s.account(t, "judge", "judge", "", "")
	f.asst = s.account(t, "asst", "assistant", "ICT", "")
	f.id = f.stu.newProject("Files")
	f.p = fmt.Sprintf("/p/%d", f.id)
	f.stu.invite(f.id, "stu2")
	f.stu.invite(f.id, "sup")
	ctx := context.Background()
	judge, err := s.srv.Store.UserByUsername(ctx, "judge")
	if err != nil {
		t.Fatal(err)
	}
	asst, err := s.srv.Store.UserByUsername(ctx, "asst")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.srv.Store.AssignJudge(ctx, f.id, judge.ID, asst.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	return f
}

// revisions counts the revisions of slot in the database.
func (f *fileSite) revisions(t *testing.T, slot domain.Slot) []domain.Revision {
	t.Helper()
	revs, err := f.srv.Store.Revisions(context.Background(), f.id, slot)
	if err != nil {
		t.Fatal(err)
	}
	return revs
}

// pdf returns a small PDF of n bytes (n ≥ 32) whose bytes differ by seed.
func pdf(n int, seed int64) []byte {
	b := []byte(fmt.Sprintf("%%PDF-1.7\n%% seed %d\n", seed))
	r := rand.New(rand.NewSource(seed))
	for len(b) < n-6 {
		b = append(b, byte('a'+r.Intn(26)))
	}
	return append(b, "\n%%EOF"...)[:n]
}

// randomBytes returns n pseudo-random bytes.
func randomBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

// odf builds an OpenDocument text: a zip whose first entry is the stored,
// uncompressed "mimetype" file.
func odf(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	mt := []byte("application/vnd.oasis.opendocument.text")
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "mimetype", Method: zip.Store, CRC32: crc32.ChecksumIEEE(mt),
		CompressedSize64: uint64(len(mt)), UncompressedSize64: uint64(len(mt))})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(mt)
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "content.xml", Method: zip.Deflate})
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><office:document-content/>`)
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "META-INF/manifest.xml", Method: zip.Deflate})
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest/>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// docx builds a minimal Office Open XML document.
func docx(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><x/>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wantCID checks that s is a CIDv1 in its canonical base32 form.
func wantCID(t *testing.T, what, s string) {
	t.Helper()
	c, err := cid.Decode(s)
	if err != nil || c.Version() != 1 || c.String() != s {
		t.Errorf("%s: %q is not a canonical CIDv1 (%v)", what, s, err)
	}
}

func TestFilesReportAndSlidesRevisions(t *testing.T) {
	f := newFileSite(t, Deps{}, nil)
	type up struct {
		who     *client
		user    string
		display string
		name    string
		content []byte
	}
	for _, slot := range []string{"report", "slides"} {
		seed := int64(len(slot))
		ups := []up{
			{f.stu, "stu", "Stu Đặng", "draft.pdf", pdf(1500, seed)},
			{f.stu2, "stu2", "Second Student", "notes.md", []byte("# " + slot + "\n\nSecond *draft*.\n")},
			{f.stu, "stu", "Stu Đặng", "Báo cáo & <final>.pdf", pdf(3000, seed+1)},
		}
		before := time.Now().Add(-time.Second)
		for i, u := range ups {
			r := u.who.upload(f.p+"/"+slot+"/upload", u.name, u.content)
			seeOther(t, fmt.Sprintf("%s upload %d", slot, i+1), r, f.p+"/"+slot)
		}
		after := time.Now().Add(time.Second)
		page := f.stu.get(f.p + "/" + slot)
		if page.StatusCode != 200 {
			t.Fatalf("%s tab: %d %s", slot, page.StatusCode, alert(page.body))
		}
		if !strings.Contains(page.body, fmt.Sprintf("Revision %d of the %s is saved.", len(ups), slot)) {
			t.Errorf("%s tab after an upload: no confirmation that the revision is saved", slot)
		}
		rows := revisionRows(t, page.body)
		if len(rows) != len(ups) {
			t.Fatalf("%s tab lists %d revisions; want %d:\n%s", slot, len(rows), len(ups), page.body)
		}
		for i, row := range rows {
			u := ups[len(ups)-1-i] // newest first
			if row.Number != len(ups)-i {
				t.Errorf("%s row %d: revision #%d; want #%d (newest first)", slot, i, row.Number, len(ups)-i)
			}
			if row.Name != u.name {
				t.Errorf("%s #%d: name %q; want %q", slot, row.Number, row.Name, u.name)
			}
			if want := humanSize(int64(len(u.content))); row.Size != want {
				t.Errorf("%s #%d: size %q; want %q", slot, row.Number, row.Size, want)
			}
			if row.Uploader != u.user || row.Who != u.display {
				t.Errorf("%s #%d: uploader %s (%q); want %s (%q)", slot, row.Number, row.Uploader, row.Who, u.user, u.display)
			}
			if row.Time.Before(before) || row.Time.After(after) {
				t.Errorf("%s #%d: uploaded at %v; want between %v and %v", slot, row.Number, row.Time, before, after)
			}
			wantCID(t, fmt.Sprintf("%s #%d", slot, row.Number), row.CID)
			if !strings.HasPrefix(row.Href, "/ipfs/"+row.CID) {
				t.Errorf("%s #%d: download link %q does not name the CID %s", slot, row.Number, row.Href, row.CID)
				continue
			}
			d := f.stu2.get(row.Href)
			if d.StatusCode != 200 || d.body != string(u.content) {
				t.Errorf("%s #%d: download through the tab's link %s: %d, %d bytes; want 200 and the %d bytes uploaded",
					slot, row.Number, row.Href, d.StatusCode, len(d.body), len(u.content))
			}
			if _, params, err := mime.ParseMediaType(d.Header.Get("Content-Disposition")); err != nil || params["filename"] != u.name {
				t.Errorf("%s #%d: link downloads as %q (%v); want the name %q", slot, row.Number, d.Header.Get("Content-Disposition"), err, u.name)
			}
		}
		if strings.Contains(page.body, "<final>") {
			t.Errorf("%s tab: a file name reached the page unescaped", slot)
		}
		if n := len(f.revisions(t, domain.Slot(slot))); n != len(ups) {
			t.Errorf("%s: %d revisions in the database; want %d", slot, n, len(ups))
		}
	}
	// The same bytes give the same CID, again.
	again := pdf(1500, int64(len("report")))
	seeOther(t, "the first report uploaded again", f.stu.upload(f.p+"/report/upload", "again.pdf", again), f.p+"/report")
	rows := revisionRows(t, f.stu.get(f.p+"/report").body)
	if len(rows) != 4 || rows[0].Number != 4 || rows[0].CID != rows[3].CID {
		t.Errorf("the same bytes uploaded again: rows %+v; want #4 with the CID of #1", rows)
	}
	// Those who may see the project read the tabs; judges and the
	// department's assistant download the report they grade.
	report := rows[0].Href
	for _, who := range []struct {
		name string
		c    *client
	}{{"supervisor", f.sup}, {"judge", f.judge}, {"assistant", f.asst}} {
		for _, slot := range []string{"report", "slides"} {
			r := who.c.get(f.p + "/" + slot)
			if r.StatusCode != 200 || len(revisionRows(t, r.body)) == 0 {
				t.Errorf("%s tab as the %s: %d with %d revisions listed", slot, who.name, r.StatusCode, len(revisionRows(t, r.body)))
			}
			if strings.Contains(r.body, `action="`+f.p+"/"+slot+`/upload"`) {
				t.Errorf("%s tab offers the %s an upload form", slot, who.name)
			}
		}
		if r := who.c.get(report); r.StatusCode != 200 || r.body != string(again) {
			t.Errorf("report download as the %s: %d", who.name, r.StatusCode)
		}
	}
	if r := f.stu.get(f.p + "/report"); !strings.Contains(r.body, `action="`+f.p+`/report/upload"`) {
		t.Error("the report tab does not offer a student member the upload form")
	}
	wantStatus(t, "report tab as an outsider", f.out.get(f.p+"/report"), 403)
	wantStatus(t, "slides tab as a guest", f.gu.get(f.p+"/slides"), 401)
}

func TestFilesUploadPermissions(t *testing.T) {
	f := newFileSite(t, Deps{}, nil)
	for _, slot := range []string{"report", "slides"} {
		path := f.p + "/" + slot + "/upload"
		for _, c := range []struct {
			who    string
			c      *client
			status int
		}{
			{"supervisor member", f.sup, 403},
			{"non-member student", f.out, 403},
			{"guest", f.gu, 401},
			{"assigned judge", f.judge, 403},
			{"assistant of the department", f.asst, 403},
		} {
			wantStatus(t, slot+" upload by a "+c.who, c.c.upload(path, "report.pdf", pdf(200, 1)), c.status)
		}
		if n := len(f.revisions(t, domain.Slot(slot))); n != 0 {
			t.Errorf("%s: %d revisions after refused uploads; want 0", slot, n)
		}
		seeOther(t, slot+" upload by a student member", f.stu2.upload(path, "report.pdf", pdf(200, 1)), f.p+"/"+slot)
	}
	wantStatus(t, "upload to an unknown project", f.stu.upload("/p/999/report/upload", "r.pdf", pdf(200, 1)), 404)
}

func TestFilesUploadTypeChecks(t *testing.T) {
	f := newFileSite(t, Deps{}, nil)
	refused := []struct {
		what, slot, name string
		content          []byte
	}{
		{"a Windows program", "report", "setup.exe", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), randomBytes(600, 1)...)},
		{"a PNG into the report slot", "report", "figure.png", append(pngHeader, randomBytes(300, 2)...)},
		{"a PNG into the slides slot", "slides", "figure.png", append(pngHeader, randomBytes(300, 3)...)},
		{"a PNG renamed .pdf", "report", "figure.pdf", append(pngHeader, randomBytes(300, 4)...)},
		{"text with NUL bytes named .txt", "report", "notes.txt", []byte("hello\x00world\x00, not text\n")},
		{"an HTML page", "report", "index.html", []byte("<!DOCTYPE html><script>alert(1)</script>")},
		{"a file without extension", "report", "README", []byte("plain text\n")},
		{"a plain zip named .odt", "slides", "talk.odt", docx(t)},
		{"a PDF named .docx", "report", "report.docx", pdf(300, 5)},
	}
	for _, c := range refused {
		r := f.stu.upload(f.p+"/"+c.slot+"/upload", c.name, c.content)
		wantStatus(t, c.what, r, 415)
		msg := alert(r.body)
		for _, want := range []string{"PDF", ".pdf", ".odt", ".docx", ".pptx", "Markdown", "LaTeX", ".txt"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message %q does not list %s among the accepted types", c.what, msg, want)
			}
		}
		if !strings.Contains(r.body, `action="`+f.p+"/"+c.slot+`/upload"`) {
			t.Errorf("%s: the 415 page does not offer the upload form again", c.what)
		}
	}
	for _, slot := range []domain.Slot{domain.SlotReport, domain.SlotSlides} {
		if n := len(f.revisions(t, slot)); n != 0 {
			t.Errorf("%s: %d revisions after refused uploads; want 0", slot, n)
		}
		if rows := revisionRows(t, f.stu.get(f.p+"/"+string(slot)).body); len(rows) != 0 {
			t.Errorf("%s tab lists %d revisions after refused uploads", slot, len(rows))
		}
	}
	accepted := []struct {
		what, slot, name string
		content          []byte
		inline           string // Content-Type when served; "" for an attachment
	}{
		{"a PDF", "report", "report.pdf", pdf(400, 6), "application/pdf"},
		{"a PDF, upper-case extension", "slides", "TALK.PDF", pdf(400, 7), "application/pdf"},
		{"Markdown", "report", "report.md", []byte("# Report\n\nWith *emphasis* and ünïcödé.\n"), "text/plain; charset=utf-8"},
		{"LaTeX", "report", "report.tex", []byte("\\documentclass{article}\n\\begin{document}\nHi\n\\end{document}\n"), "text/plain; charset=utf-8"},
		{"plain text", "report", "report.txt", []byte("Just text.\n"), "text/plain; charset=utf-8"},
		{"reStructuredText", "report", "report.rst", []byte("Title\n=====\n\nBody.\n"), "text/plain; charset=utf-8"},
		{"an OpenDocument text", "report", "report.odt", odf(t), ""},
		{"an OpenDocument text in the slides", "slides", "talk.odt", odf(t), ""},
		{"a Word document", "report", "report.docx", docx(t), ""},
		{"a PowerPoint presentation", "slides", "talk.pptx", docx(t), ""},
	}
	counts := map[string]int{}
	for _, c := range accepted {
		r := f.stu.upload(f.p+"/"+c.slot+"/upload", c.name, c.content)
		seeOther(t, c.what, r, f.p+"/"+c.slot)
		counts[c.slot]++
		rows := revisionRows(t, f.stu.get(f.p+"/"+c.slot).body)
		if len(rows) == 0 || rows[0].Name != c.name {
			t.Errorf("%s: not listed first in the %s tab", c.what, c.slot)
			continue
		}
		d := f.stu.get("/ipfs/" + rows[0].CID)
		if d.StatusCode != 200 || d.body != string(c.content) {
			t.Errorf("%s: download %d, %d bytes", c.what, d.StatusCode, len(d.body))
		}
		disp, _, _ := mime.ParseMediaType(d.Header.Get("Content-Disposition"))
		switch ct := d.Header.Get("Content-Type"); {
		case c.inline != "" && (ct != c.inline || disp != "inline"):
			t.Errorf("%s: served as %s, %s; want %s inline", c.what, ct, disp, c.inline)
		case c.inline == "" && disp != "attachment":
			t.Errorf("%s: served as %s, %s; want an attachment", c.what, ct, disp)
		}
	}
	for slot, n := range counts {
		if got := len(f.revisions(t, domain.Slot(slot))); got != n {
			t.Errorf("%s: %d revisions; want %d", slot, got, n)
		}
	}
}

func TestFilesUploadMalformed(t *testing.T) {
	f := newFileSite(t, Deps{}, nil)
	path := f.p + "/report/upload"
	wantMessage(t, "multipart form without a file part", f.stu.upload(path, "", nil, "comment", "where is it"), 422, "file")
	// What a browser sends when no file is chosen: a part with an empty name.
	body, ct := multipartBody("", []byte{})
	if !bytes.Contains(body, []byte(`name="file"; filename=""`)) {
		t.Fatalf("test bug: no empty file part in %q", body)
	}
	req, _ := http.NewRequest("POST", f.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	r := f.stu.do(req)
	wantMessage(t, "empty file part, as when no file is chosen", r, 422, "file")
	wantStatus(t, "urlencoded post", f.stu.post(path, form("file", "report.pdf")), 400)
	req, _ = http.NewRequest("POST", f.URL+path, strings.NewReader("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4 trunc"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	wantStatus(t, "truncated multipart body", f.stu.do(req), 400)
	req, _ = http.NewRequest("POST", f.URL+path, strings.NewReader("%PDF-1.4"))
	req.Header.Set("Content-Type", "multipart/form-data")
	wantStatus(t, "multipart without a boundary", f.stu.do(req), 400)
	if n := len(f.revisions(t, domain.SlotReport)); n != 0 {
		t.Errorf("%d revisions after malformed uploads; want 0", n)
	}
}

func TestFilesUploadSizeLimit(t *testing.T) {
	f := newFileSite(t, Deps{MaxUpload: 1 << 20}, nil)
	path := f.p + "/report/upload"
	wantMessage(t, "2 MiB file, length announced", f.stu.upload(path, "big.pdf", pdf(2<<20, 1)), 413, "1.0 MiB")
	wantMessage(t, "2 MiB file, chunked", f.stu.uploadChunked(path, "big.pdf", pdf(2<<20, 2)), 413, "1.0 MiB")
	wantMessage(t, "1 MiB + 1 B, chunked", f.stu.uploadChunked(path, "big.pdf", pdf(1<<20+1, 3)), 413, "too large")
	wantMessage(t, "1 MiB + 1 B, length announced", f.stu.upload(path, "big.pdf", pdf(1<<20+1, 4)), 413, "too large")
	if n := len(f.revisions(t, domain.SlotReport)); n != 0 {
		t.Errorf("%d revisions after refused large uploads; want 0", n)
	}
	if rows := revisionRows(t, f.stu.get(f.p+"/report").body); len(rows) != 0 {
		t.Errorf("the report tab lists %d revisions after refused large uploads", len(rows))
	}
	seeOther(t, "900 KiB file", f.stu.upload(path, "ok.pdf", pdf(900<<10, 5)), f.p+"/report")
	seeOther(t, "exactly 1 MiB, chunked", f.stu.uploadChunked(path, "limit.pdf", pdf(1<<20, 6)), f.p+"/report")
	rows := revisionRows(t, f.stu.get(f.p+"/report").body)
	if len(rows) != 2 || rows[0].Size != "1.0 MiB" || rows[1].Size != "900.0 KiB" {
		t.Errorf("after the accepted uploads the tab lists %+v; want 1.0 MiB then 900.0 KiB", rows)
	}
	if r := f.stu.get(f.p + "/report"); !strings.Contains(r.body, "1.0 MiB") {
		t.Error("the report tab does not state the size limit")
	}
	// Task evidence has the same limit.
	n := f.stu.newTask(f.id, "Big", "assignee", "stu")
	work := fmt.Sprintf("%s/tasks/%d/work", f.p, n)
	wantStatus(t, "2 MiB evidence", f.stu.upload(work, "big.bin", randomBytes(2<<20, 7)), 413)
	if r := f.stu.get(fmt.Sprintf("%s/tasks/%d", f.p, n)); !strings.Contains(r.body, "not handed in") {
		t.Error("refused large evidence: the task shows work handed in")
	}

	// An announced length over the limit is refused from the headers alone:
	// the answer comes while the client still holds back the body.
	u, _ := url.Parse(f.URL)
	var cookies []string
	for _, c := range f.stu.http.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: %d\r\n\r\n%s",
		path, u.Host, strings.Join(cookies, "; "), 50<<20, start)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a request announcing 50 MiB before its body was sent: %v", err)
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	if res.StatusCode != 413 || alert(string(b)) == "" {
		t.Errorf("request announcing 50 MiB: %d (%q); want 413 with a message", res.StatusCode, alert(string(b)))
	}
	if n := len(f.revisions(t, domain.SlotReport)); n != 2 {
		t.Errorf("%d revisions after the refused 50 MiB request; want 2", n)
	}
}

// postFile hands in a file as evidence for task n.
func (f *fileSite) handIn(c *client, n int, name string, content []byte) response {
	c.t.Helper()
	return c.upload(fmt.Sprintf("%s/tasks/%d/work", f.p, n), name, content, "url", "")
}

var workLink = regexp.MustCompile(`<dt>Work</dt><dd><a href="([^"]+)"[^>]*>([^<]*)</a>`)

// taskWork returns the link and text of the work shown on a task page.
func (f *fileSite) taskWork(t *testing.T, c *client, n int) (href, text string) {
	t.Helper()
	r := c.get(fmt.Sprintf("%s/tasks/%d", f.p, n))
	if r.StatusCode != 200 {
		t.Fatalf("task %d: %d %s", n, r.StatusCode, alert(r.body))
	}
	m := workLink.FindStringSubmatch(r.body)
	if m == nil {
		return "", ""
	}
	return html.UnescapeString(m[1]), html.UnescapeString(m[2])
}

func cidOfLink(href string) string {
	c, _, _ := strings.Cut(strings.TrimPrefix(href, "/ipfs/"), "?")
	return c
}

func TestFilesDownload(t *testing.T) {
	f := newFileSite(t, Deps{}, nil)
	content := pdf(100, 42)
	name := "Báo cáo cuối kỳ “final”.pdf"
	seeOther(t, "upload", f.stu.upload(f.p+"/report/upload", name, content), f.p+"/report")
	rows := revisionRows(t, f.stu.get(f.p+"/report").body)
	if len(rows) != 1 {
		t.Fatalf("%d revisions listed; want 1", len(rows))
	}
	c := rows[0].CID
	dl := "/ipfs/" + c

	r := f.stu2.get(dl)
	if r.StatusCode != 200 || r.body != string(content) {
		t.Fatalf("download: %d, %d bytes; want 200 and the %d bytes", r.StatusCode, len(r.body), len(content))
	}
	for h, want := range map[string]string{
		"ETag":                   `"` + c + `"`,
		"Cache-Control":          "private, max-age=31536000, immutable",
		"Content-Type":           "application/pdf",
		"X-Content-Type-Options": "nosniff",
		"Content-Length":         "100",
		"Accept-Ranges":          "bytes",
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("download %s = %q; want %q", h, got, want)
		}
	}
	disp, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
	if err != nil || disp != "inline" || params["filename"] != name {
		t.Errorf("Content-Disposition %q = %s %v (%v); want inline with the name %q", r.Header.Get("Content-Disposition"), disp, params, err, name)
	}
	for _, b := range []byte(r.Header.Get("Content-Disposition")) {
		if b >= 0x80 {
			t.Errorf("Content-Disposition %q holds raw non-ASCII bytes; want them encoded (RFC 5987)", r.Header.Get("Content-Disposition"))
			break
		}
	}

	r = f.stu.getWith(dl, "Range", "bytes=10-19")
	if r.StatusCode != 206 || r.body != string(content[10:20]) || r.Header.Get("Content-Range") != "bytes 10-19/100" {
		t.Errorf("Range bytes=10-19: %d %q, Content-Range %q; want 206 %q, bytes 10-19/100",
			r.StatusCode, r.body, r.Header.Get("Content-Range"), content[10:20])
	}
	r = f.stu.getWith(dl, "Range", "bytes=-5")
	if r.StatusCode != 206 || r.body != string(content[95:]) {
		t.Errorf("Range bytes=-5: %d %q; want 206 with the last 5 bytes", r.StatusCode, r.body)
	}
	if r = f.stu.getWith(dl, "Range", "bytes=500-600"); r.StatusCode != 416 {
		t.Errorf("Range past the end: %d; want 416", r.StatusCode)
	}
	r = f.stu.getWith(dl, "If-None-Match", `"`+c+`"`)
	if r.StatusCode != 304 || r.body != "" {
		t.Errorf("If-None-Match with the CID: %d with %d bytes; want 304 and no body", r.StatusCode, len(r.body))
	}
	if r = f.stu.getWith(dl, "If-None-Match", `"bafkreiother"`); r.StatusCode != 200 {
		t.Errorf("If-None-Match with another ETag: %d; want 200", r.StatusCode)
	}
	r = f.stu.get(dl + "?filename=x.pdf")
	if _, params, _ := mime.ParseMediaType(r.Header.Get("Content-Disposition")); params["filename"] != "x.pdf" {
		t.Errorf("?filename=x.pdf: Content-Disposition %q", r.Header.Get("Content-Disposition"))
	}
	r = f.stu.get(dl + "?filename=" + url.QueryEscape("../../etc/passwd\r\nX-Evil: 1"))
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err != nil || strings.ContainsAny(params["filename"], "/\r\n") || r.Header.Get("X-Evil") != "" {
		t.Errorf("?filename with a path and CRLF: Content-Disposition %q (%v)", r.Header.Get("Content-Disposition"), err)
	}

	// Who may download.
	wantStatus(t, "download by an outsider", f.out.get(dl), 403)
	wantStatus(t, "download by a guest", f.gu.get(dl), 401)
	for _, who := range []struct {
		name string
		c    *client
	}{{"supervisor", f.sup}, {"judge", f.judge}, {"assistant", f.asst}} {
		if r := who.c.get(dl); r.StatusCode != 200 || r.body != string(content) {
			t.Errorf("download by the %s: %d", who.name, r.StatusCode)
		}
	}
	other := f.account(t, "asst2", "assistant", "Law", "")
	wantStatus(t, "download by an assistant of another department", other.get(dl), 403)
	mh, _ := multihash.Sum([]byte("bytes nobody uploaded"), multihash.SHA2_256, -1)
	unknown := cid.NewCidV1(cid.Raw, mh).String()
	wantStatus(t, "unknown CID", f.stu.get("/ipfs/"+unknown), 404)
	wantStatus(t, "unknown CID, guest", f.gu.get("/ipfs/"+unknown), 401)
	for _, bad := range []string{"not-a-cid", "bafy", "Qm123", c[:len(c)-3], "%00"} {
		wantStatus(t, "malformed CID "+bad, f.stu.get("/ipfs/"+bad), 404)
	}
	// A file of several chunks: ranges across a chunk boundary, and its
	// CIDv0 names the same file.
	large := pdf(300<<10, 43)
	seeOther(t, "upload of 300 KiB", f.stu.upload(f.p+"/slides/upload", "large.pdf", large), f.p+"/slides")
	lrows := revisionRows(t, f.stu.get(f.p+"/slides").body)
	if len(lrows) != 1 {
		t.Fatalf("%d slides revisions listed; want 1", len(lrows))
	}
	if r := f.stu.getWith("/ipfs/"+lrows[0].CID, "Range", "bytes=262140-262149"); r.StatusCode != 206 || r.body != string(large[262140:262150]) {
		t.Errorf("range across a chunk boundary: %d %q; want 206 %q", r.StatusCode, r.body, large[262140:262150])
	}
	if parsed, err := cid.Decode(lrows[0].CID); err != nil || parsed.Type() != cid.DagProtobuf {
		t.Errorf("a 300 KiB file has CID %s (%v); want a dag-pb root", lrows[0].CID, err)
	} else {
		v0 := cid.NewCidV0(parsed.Hash()).String()
		if r := f.stu.get("/ipfs/" + v0); r.StatusCode != 200 || r.body != string(large) {
			t.Errorf("CIDv0 %s of the file: %d", v0, r.StatusCode)
		}
	}

	// Evidence of any type downloads; HTML and SVG never as themselves.
	n := f.stu.newTask(f.id, "Web page", "assignee", "stu")
	for _, c := range []struct {
		name    string
		content string
	}{
		{"page.html", "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"},
		{"page.htm", "<html><body onload=alert(1)>hi</body></html>"},
		{"drawing.svg", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`},
		{"icon.svg", `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`},
		{"script.js", `alert(document.cookie)`},
		{"page.xhtml", `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>`},
	} {
		seeOther(t, "hand in "+c.name, f.handIn(f.stu, n, c.name, []byte(c.content)), fmt.Sprintf("%s/tasks/%d", f.p, n))
		href, text := f.taskWork(t, f.stu, n)
		if text != c.name {
			t.Errorf("hand in %s: the task shows %q", c.name, text)
			continue
		}
		r := f.stu2.get(href)
		ct := r.Header.Get("Content-Type")
		disp, params, _ := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
		if r.StatusCode != 200 || r.body != c.content {
			t.Errorf("%s: download %d", c.name, r.StatusCode)
		}
		if ct != "application/octet-stream" || disp != "attachment" || params["filename"] != c.name {
			t.Errorf("%s: served as %q, %q; want application/octet-stream, attachment named %q", c.name, ct, r.Header.Get("Content-Disposition"), c.name)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: served without X-Content-Type-Options: nosniff", c.name)
		}
	}
}

func TestFilesDownloadSameBytesInTwoProjects(t *testing.T) {
	f := newFileSite(t, Deps{}, nil)
	ext := f.account(t, "ext", "student", "Law", "")
	other := ext.newProject("Other")
	content := pdf(700, 9)
	seeOther(t, "upload in the first project", f.stu.upload(f.p+"/report/upload", "ours.pdf", content), f.p+"/report")
	seeOther(t, "upload in the second project", ext.upload(fmt.Sprintf("/p/%d/slides/upload", other), "theirs.pdf", content),
		fmt.Sprintf("/p/%d/slides", other))
	a := revisionRows(t, f.stu.get(f.p+"/report").body)
	b := revisionRows(t, ext.get(fmt.Sprintf("/p/%d/slides", other)).body)
	if len(a) != 1 || len(b) != 1 || a[0].CID != b[0].CID {
		t.Fatalf("the same bytes in two projects: %+v and %+v; want one CID", a, b)
	}
	dl := "/ipfs/" + a[0].CID
	for _, c := range []struct {
		who  string
		c    *client
		name string
	}{{"member of the first", f.stu, "ours.pdf"}, {"member of the second", ext, "theirs.pdf"}, {"supervisor of the first", f.sup, "ours.pdf"}} {
		r := c.c.get(dl)
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
		if r.StatusCode != 200 || r.body != string(content) {
			t.Errorf("download by the %s: %d", c.who, r.StatusCode)
		}
		// The name is the one of a project the user sees, never another's.
		if params["filename"] != c.name {
			t.Errorf("download by the %s: named %q; want %q", c.who, params["filename"], c.name)
		}
	}
	wantStatus(t, "download by a member of neither", f.out.get(dl), 403)
}

func TestFilesEvidence(t *testing.T) {
	f := newFileSite(t, Deps{}, nil)
	n := f.stu.newTask(f.id, "Prototype", "assignee", "stu")
	unassigned := f.stu.newTask(f.id, "Nobody's")
	task := fmt.Sprintf("%s/tasks/%d", f.p, n)
	work := task + "/work"
	content := randomBytes(5000, 11)
	if r := f.stu.get(task); !strings.Contains(r.body, `action="`+work+`"`) || !strings.Contains(r.body, "not handed in") {
		t.Error("the assignee's task page offers no hand-in form, or does not say the work is not handed in")
	}
	if r := f.stu2.get(task); strings.Contains(r.body, `action="`+work+`"`) {
		t.Error("the task page offers another member the hand-in form")
	}

	// Refusals before anything is handed in.
	for _, c := range []struct {
		who    string
		c      *client
		status int
	}{
		{"student member who is not the assignee", f.stu2, 403},
		{"supervisor member", f.sup, 403},
		{"non-member", f.out, 403},
		{"guest", f.gu, 401},
		{"assigned judge", f.judge, 403},
		{"assistant", f.asst, 403},
	} {
		wantStatus(t, "file handed in by a "+c.who, f.handIn(c.c, n, "work.bin", content), c.status)
		wantStatus(t, "link handed in by a "+c.who, c.c.post(work, form("url", "https://example.org/x")), c.status)
	}
	wantStatus(t, "hand in on an unassigned task", f.handIn(f.stu, unassigned, "work.bin", content), 403)
	wantStatus(t, "hand in on an unknown task", f.handIn(f.stu, 99, "work.bin", content), 404)
	wantMessage(t, "neither file nor link (urlencoded)", f.stu.post(work, form("url", "")), 422, "link")
	wantMessage(t, "neither file nor link (multipart)", f.stu.upload(work, "", nil, "url", ""), 422, "link")
	if href, _ := f.taskWork(t, f.stu, n); href != "" {
		t.Errorf("refused hand-ins: the task shows work %q", href)
	}

	// A file.
	seeOther(t, "hand in a file", f.handIn(f.stu, n, "prototype v1.bin", content), task)
	href, text := f.taskWork(t, f.stu2, n)
	if text != "prototype v1.bin" || !strings.HasPrefix(href, "/ipfs/") {
		t.Fatalf("after handing in a file the task shows %q → %q", text, href)
	}
	wantCID(t, "evidence", cidOfLink(href))
	if r := f.sup.get(href); r.StatusCode != 200 || r.body != string(content) {
		t.Errorf("evidence download by the supervisor: %d, %d bytes", r.StatusCode, len(r.body))
	}
	if r := f.stu.get(task); !strings.Contains(r.body, "Your work is handed in.") || !strings.Contains(r.body, humanSize(int64(len(content)))) {
		t.Error("the task page does not confirm the hand-in or show the file's size")
	}
	board := f.sup.get(f.p + "/tasks")
	card := htmlSection(board.body, fmt.Sprintf(`id="task-%d"`, n), "</li>")
	if !strings.Contains(card, "handed in") {
		t.Errorf("the board card of #%d does not show the work handed in: %s", n, card)
	}
	if c := htmlSection(board.body, fmt.Sprintf(`id="task-%d"`, unassigned), "</li>"); strings.Contains(c, "handed in") {
		t.Errorf("the card of a task without work says handed in: %s", c)
	}

	// Refused links keep the file.
	for _, bad := range []string{"javascript:alert(1)", "ftp://example.org/work.zip", "https://", "data:text/html,<script>alert(1)</script>", "example.org/no-scheme", "//example.org/x"} {
		r := f.stu.post(work, form("url", bad))
		wantMessage(t, "link "+bad, r, 422, "http")
		if !strings.Contains(r.body, `action="`+work+`"`) {
			t.Errorf("link %s: the 422 page does not offer the hand-in form again", bad)
		}
		if strings.Contains(r.body, `href="`+bad) || strings.Contains(r.body, `href="javascript:`) {
			t.Errorf("link %s: the refused link became a link on the page", bad)
		}
	}
	if h, _ := f.taskWork(t, f.stu, n); h != href {
		t.Errorf("after refused links the work is %q; want still %q", h, href)
	}
	wantStatus(t, "javascript: link in a multipart form", f.stu.upload(work, "", nil, "url", "javascript:alert(1)"), 422)

	// A link replaces the file.
	link := "https://git.example.org/team/prototype?tab=files&ref=main"
	seeOther(t, "hand in a link", f.stu.post(work, form("url", link)), task)
	if h, text := f.taskWork(t, f.stu2, n); h != link || text != link {
		t.Errorf("after handing in a link the task shows %q → %q; want the link %q", text, h, link)
	}
	if r := f.stu.get(task); !strings.Contains(r.body, `rel="nofollow noreferrer"`) {
		t.Error("the evidence link is not marked rel=nofollow noreferrer")
	}
	card = htmlSection(f.stu.get(f.p+"/tasks").body, fmt.Sprintf(`id="task-%d"`, n), "</li>")
	if !strings.Contains(card, "handed in") {
		t.Errorf("after a link the board card does not show the work handed in: %s", card)
	}
	// A link in a multipart form, as the page's form sends it without a file.
	seeOther(t, "hand in a link (multipart)", f.stu.upload(work, "", nil, "url", "http://example.org/v2"), task)
	if h, _ := f.taskWork(t, f.stu, n); h != "http://example.org/v2" {
		t.Errorf("after a multipart link the task shows %q", h)
	}
	// A file again, of any type.
	seeOther(t, "hand in an executable", f.handIn(f.stu, n, "tool.exe", append([]byte("MZ"), content...)), task)
	if _, text := f.taskWork(t, f.stu, n); text != "tool.exe" {
		t.Errorf("after handing in tool.exe the task shows %q", text)
	}
	// The earlier evidence file still downloads for the project's people.
	if r := f.stu2.get(href); r.StatusCode != 200 {
		t.Errorf("the earlier evidence file: %d", r.StatusCode)
	}
	wantStatus(t, "evidence download by an outsider", f.out.get(href), 403)
}

// swappable is a files.Files whose store can be replaced, for a Kubo node
// that comes back on another port.
type swappable struct{ cur atomic.Pointer[kubo.Store] }

func (s *swappable) Add(ctx context.Context, name string, r io.Reader) (files.Stat, error) {
	return s.cur.Load().Add(ctx, name, r)
}
func (s *swappable) Open(ctx context.Context, c string) (files.File, error) {
	return s.cur.Load().Open(ctx, c)
}
func (s *swappable) Stat(ctx context.Context, c string) (files.Stat, error) {
	return s.cur.Load().Stat(ctx, c)
}
func (s *swappable) Has(ctx context.Context, c string) (bool, error) { return s.cur.Load().Has(ctx, c) }
func (s *swappable) Close() error                                    { return s.cur.Load().Close() }

func TestKuboFilesUploadOutageAndRecovery(t *testing.T) {
	d := kubotest.Start(t)
	k, err := kubo.New(d.API)
	if err != nil {
		t.Fatal(err)
	}
	sw := &swappable{}
	sw.cur.Store(k)
	f := newFileSite(t, Deps{}, sw)
	n := f.stu.newTask(f.id, "Evidence", "assignee", "stu")

	content := pdf(300<<10, 21) // more than one 256 KiB chunk
	seeOther(t, "upload to Kubo", f.stu.upload(f.p+"/report/upload", "report.pdf", content), f.p+"/report")
	rows := revisionRows(t, f.stu.get(f.p+"/report").body)
	if len(rows) != 1 {
		t.Fatalf("%d revisions listed; want 1", len(rows))
	}
	wantCID(t, "Kubo revision", rows[0].CID)
	if has, err := k.Has(context.Background(), rows[0].CID); !has || err != nil {
		t.Errorf("the Kubo node does not hold the uploaded revision: %v %v", has, err)
	}
	dl := "/ipfs/" + rows[0].CID
	if r := f.stu.get(dl); r.StatusCode != 200 || r.body != string(content) {
		t.Errorf("download from Kubo: %d, %d bytes; want the %d bytes", r.StatusCode, len(r.body), len(content))
	}
	if r := f.stu.getWith(dl, "Range", "bytes=262140-262149"); r.StatusCode != 206 || r.body != string(content[262140:262150]) {
		t.Errorf("range across chunks from Kubo: %d %q", r.StatusCode, r.body)
	}
	seeOther(t, "evidence to Kubo", f.handIn(f.stu, n, "w.bin", []byte("work")), fmt.Sprintf("%s/tasks/%d", f.p, n))

	d.Stop()
	r := f.stu.upload(f.p+"/report/upload", "second.pdf", pdf(2000, 22))
	wantMessage(t, "upload with Kubo down", r, 503, "unreachable")
	if rows := revisionRows(t, r.body); len(rows) != 1 {
		t.Errorf("the 503 page lists %d revisions; want the 1 before", len(rows))
	}
	wantStatus(t, "slides upload with Kubo down", f.stu2.upload(f.p+"/slides/upload", "talk.pdf", pdf(2000, 23)), 503)
	wantStatus(t, "evidence with Kubo down", f.handIn(f.stu, n, "w2.bin", []byte("work 2")), 503)
	if _, text := f.taskWork(t, f.stu, n); text != "w.bin" {
		t.Errorf("after a failed hand-in the task shows %q; want still w.bin", text)
	}
	if n := len(f.revisions(t, domain.SlotReport)) + len(f.revisions(t, domain.SlotSlides)); n != 1 {
		t.Errorf("%d revisions after uploads with Kubo down; want 1", n)
	}
	wantStatus(t, "download with Kubo down", f.stu.get(dl), 503)
	for _, path := range []string{"/", f.p + "/info", f.p + "/tasks", f.p + "/members", f.p + "/report", f.p + "/slides", fmt.Sprintf("%s/tasks/%d", f.p, n)} {
		if r := f.stu.get(path); r.StatusCode != 200 {
			t.Errorf("GET %s with Kubo down: %d %s", path, r.StatusCode, alert(r.body))
		}
	}
	seeOther(t, "create a task with Kubo down", f.stu.post(f.p+"/tasks/create", form("name", "Still working")), f.p+"/tasks/*")
	seeOther(t, "hand in a link with Kubo down", f.stu.post(fmt.Sprintf("%s/tasks/%d/work", f.p, n), form("url", "https://example.org/w")),
		fmt.Sprintf("%s/tasks/%d", f.p, n))

	// The node comes back (perhaps on another port): uploads work again and
	// the earlier file is still there, pinned.
	d.Restart(t)
	k2, err := kubo.New(d.API)
	if err != nil {
		t.Fatal(err)
	}
	sw.cur.Store(k2)
	seeOther(t, "upload after Kubo is back", f.stu.upload(f.p+"/report/upload", "third.pdf", pdf(2000, 24)), f.p+"/report")
	rows = revisionRows(t, f.stu.get(f.p+"/report").body)
	if len(rows) != 2 || rows[0].Number != 2 || rows[0].Name != "third.pdf" {
		t.Errorf("after recovery the tab lists %+v; want #2 third.pdf then #1", rows)
	}
	if r := f.stu.get(dl); r.StatusCode != 200 || r.body != string(content) {
		t.Errorf("download of the first revision after recovery: %d", r.StatusCode)
	}
}

func TestFilesConcurrentUploads(t *testing.T) {
	f := newFileSite(t, Deps{}, nil)
	const n = 10
	var wg sync.WaitGroup
	type result struct {
		status int
		loc    string
		err    error
	}
	results := make([]result, n)
	for i := range n {
		c := f.stu
		if i%2 == 1 {
			c = f.stu2
		}
		wg.Go(func() {
			s, loc, err := uploadRaw(c, f.p+"/report/upload", fmt.Sprintf("r%d.txt", i), []byte(fmt.Sprintf("revision from goroutine %d\n", i)))
			results[i] = result{s, loc, err}
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.err != nil || r.status != 303 || r.loc != f.p+"/report" {
			t.Errorf("upload %d: %d to %q (%v); want 303 to %s/report", i, r.status, r.loc, r.err, f.p)
		}
	}
	revs := f.revisions(t, domain.SlotReport)
	var numbers []int
	names := map[string]bool{}
	for _, r := range revs {
		numbers = append(numbers, r.Number)
		names[r.File.Name] = true
	}
	sort.Ints(numbers)
	want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if fmt.Sprint(numbers) != fmt.Sprint(want) || len(names) != n {
		t.Errorf("revision numbers %v of %d distinct files; want %v of %d", numbers, len(names), want, n)
	}
	rows := revisionRows(t, f.stu.get(f.p+"/report").body)
	var shown []int
	for _, r := range rows {
		shown = append(shown, r.Number)
	}
	if fmt.Sprint(shown) != "[10 9 8 7 6 5 4 3 2 1]" {
		t.Errorf("the tab lists revisions %v; want 10 down to 1", shown)
	}
}

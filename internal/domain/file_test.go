package domain

import (
	"strings"
	"testing"
)

func TestArtifactType(t *testing.T) {
	odt := append([]byte("PK\x03\x04"), make([]byte, 26)...)
	odt = append(odt, []byte("mimetypeapplication/vnd.oasis.opendocument.text")...)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, c := range []struct {
		name string
		head []byte
		want string // media type, or "" for 415
	}{
		{"report.pdf", []byte("%PDF-1.7\n"), "application/pdf"},
		{"REPORT.PDF", []byte("%PDF-1.4"), "application/pdf"},
		{"report.odt", odt, "application/vnd.oasis.opendocument.text"},
		{"slides.pptx", []byte("PK\x03\x04rest"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
		{"notes.md", []byte("# Nguyễn\n\nText"), "text/markdown; charset=utf-8"},
		{"thesis.tex", []byte("\\documentclass{article}"), "text/x-tex; charset=utf-8"},
		{"cut.txt", []byte("caf\xc3"), "text/plain; charset=utf-8"}, // a character cut at 512 bytes
		{"image.png", png, ""},
		{"image.pdf", png, ""},
		{"setup.exe", []byte("MZ\x90\x00"), ""},
		{"binary.txt", []byte("a\x00b"), ""},
		{"fake.odt", []byte("PK\x03\x04not odf"), ""},
		{"noext", []byte("%PDF-1.7"), ""},
	} {
		got, err := ArtifactType(c.name, c.head)
		if got != c.want {
			t.Errorf("ArtifactType(%q) = %q, %v; want %q", c.name, got, err, c.want)
		}
		if c.want == "" && (KindOf(err) != KindUnsupported || !strings.Contains(err.Error(), "PDF")) {
			t.Errorf("ArtifactType(%q) error = %v; want 415 listing the accepted types", c.name, err)
		}
	}
}

func TestServeType(t *testing.T) {
	for mt, want := range map[string]string{
		"application/pdf": "application/pdf inline", "text/html; charset=utf-8": "application/octet-stream attachment",
		"image/svg+xml": "application/octet-stream attachment", "text/markdown; charset=utf-8": "text/plain; charset=utf-8 inline",
		"image/png": "image/png inline", "application/javascript": "application/octet-stream attachment",
		"TEXT/HTML": "application/octet-stream attachment", "": "application/octet-stream attachment",
	} {
		ct, inline := ServeType(mt)
		got := ct + map[bool]string{true: " inline", false: " attachment"}[inline]
		if got != want {
			t.Errorf("ServeType(%q) = %s; want %s", mt, got, want)
		}
	}
}

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		"C:\\Users\\ada\\report.pdf": "report.pdf", "../../etc/passwd": "passwd", "a\x00b\nc.txt": "abc.txt",
		"": "file", "Báo cáo.pdf": "Báo cáo.pdf", strings.Repeat("x", 300) + ".pdf": strings.Repeat("x", 251) + ".pdf",
	} {
		if got := CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q; want %q", in, got, want)
		}
	}
}

package domain

import (
	"bytes"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// File is an uploaded file: its bytes are an IPFS object named by CID, the
// rest is here.
type File struct {
	ID         int64
	ProjectID  int64
	CID        string
	Name       string
	Size       int64
	MediaType  string
	UploadedBy User
	Created    time.Time
}

// Slot is an artifact of a project that students hand in by revisions.
type Slot string

const (
	SlotReport Slot = "report"
	SlotSlides Slot = "slides"
)

// Title is the slot's name for display.
func (s Slot) Title() string {
	if s == SlotSlides {
		return "Slides"
	}
	return "Report"
}

// Revision is one upload of a report or slides.
type Revision struct {
	ID     int64
	Slot   Slot
	Number int // 1, 2 … per project and slot
	File   File
}

// MaxFileName is the longest file name kept.
const MaxFileName = 255

// CleanFileName keeps the last element of a name as sent by a browser,
// without control characters or path separators.
func CleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.ToValidUTF8(name, ""))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	if r := []rune(name); len(r) > MaxFileName {
		ext := path.Ext(name)
		name = string(r[:MaxFileName-len([]rune(ext))]) + ext
	}
	return name
}

// artifactType is a kind of file accepted for reports and slides: its
// extensions, media type, and a test of its first bytes.
type artifactType struct {
	name      string
	exts      []string
	mediaType string
	content   func(head []byte) bool
}

var zipMagic = []byte("PK\x03\x04")

func isPDF(head []byte) bool { return bytes.HasPrefix(head, []byte("%PDF-")) }

// isODF checks the zip whose first entry is the uncompressed "mimetype"
// file that ODF requires, naming an OpenDocument type.
func isODF(head []byte) bool {
	return bytes.HasPrefix(head, zipMagic) && len(head) > 38 && string(head[30:38]) == "mimetype" &&
		bytes.Contains(head[38:min(len(head), 120)], []byte("application/vnd.oasis.opendocument."))
}

func isZip(head []byte) bool { return bytes.HasPrefix(head, zipMagic) }

// isText: UTF-8 text without NUL bytes (the last character may be cut).
func isText(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	for i := 0; i < 3 && len(head) > 0 && !utf8.Valid(head); i++ {
		head = head[:len(head)-1]
	}
	return utf8.Valid(head) && strings.HasPrefix(http.DetectContentType(head), "text/")
}

var artifactTypes = []artifactType{
	{"PDF", []string{".pdf"}, "application/pdf", isPDF},
	{"OpenDocument text", []string{".odt"}, "application/vnd.oasis.opendocument.text", isODF},
	{"OpenDocument presentation", []string{".odp"}, "application/vnd.oasis.opendocument.presentation", isODF},
	{"Word (OOXML)", []string{".docx"}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", isZip},
	{"PowerPoint (OOXML)", []string{".pptx"}, "application/vnd.openxmlformats-officedocument.presentationml.presentation", isZip},
	{"Markdown", []string{".md", ".markdown"}, "text/markdown; charset=utf-8", isText},
	{"reStructuredText", []string{".rst"}, "text/x-rst; charset=utf-8", isText},
	{"LaTeX", []string{".tex"}, "text/x-tex; charset=utf-8", isText},
	{"plain text", []string{".txt"}, "text/plain; charset=utf-8", isText},
}

// AcceptedArtifacts lists the accepted report and slides types for messages.
const AcceptedArtifacts = "PDF (.pdf), OpenDocument (.odt, .odp), Office Open XML (.docx, .pptx), Markdown (.md), reStructuredText (.rst), LaTeX (.tex) or plain text (.txt)"

// ArtifactType returns the media type of a report or slides revision named
// name whose content starts with head, checking both the extension and the
// content; anything else is refused with 415.
func ArtifactType(name string, head []byte) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	for _, t := range artifactTypes {
		for _, e := range t.exts {
			if e != ext {
				continue
			}
			if !t.content(head) {
				return "", &Error{Kind: KindUnsupported, Field: "file", Message: "“" + name + "” is named " + t.name +
					" but its content is not: accepted are " + AcceptedArtifacts + "."}
			}
			return t.mediaType, nil
		}
	}
	return "", &Error{Kind: KindUnsupported, Field: "file", Message: "“" + name + "” is not an accepted type: upload " + AcceptedArtifacts + "."}
}

// plainTextExts are the names under which text may be shown as text; text
// under any other name (page.html, icon.svg, app.js) downloads as a file.
var plainTextExts = map[string]bool{".txt": true, ".log": true, ".csv": true, ".md": true, ".rst": true, ".tex": true,
	".json": true, ".yaml": true, ".yml": true, ".go": true, ".py": true, ".c": true, ".h": true, ".java": true, ".sql": true}

// EvidenceType guesses the media type of a file handed in as task evidence
// (any type is accepted) from its content and its name.
func EvidenceType(name string, head []byte) string {
	ext := strings.ToLower(path.Ext(name))
	for _, t := range artifactTypes {
		for _, e := range t.exts {
			if e == ext && t.content(head) {
				return t.mediaType
			}
		}
	}
	sniffed := http.DetectContentType(head)
	if strings.HasPrefix(sniffed, "text/") && !plainTextExts[ext] {
		return "application/octet-stream"
	}
	return sniffed
}

// inlineTypes are media types a browser may show in place without running
// anything of ours; every other file downloads as an attachment.
var inlineTypes = map[string]string{
	"application/pdf": "application/pdf",
	"image/png":       "image/png", "image/jpeg": "image/jpeg", "image/gif": "image/gif", "image/webp": "image/webp",
	"text/plain": "text/plain; charset=utf-8", "text/markdown": "text/plain; charset=utf-8",
	"text/x-rst": "text/plain; charset=utf-8", "text/x-tex": "text/plain; charset=utf-8",
	"audio/mpeg": "audio/mpeg", "audio/ogg": "audio/ogg", "video/mp4": "video/mp4", "video/webm": "video/webm",
}

// ServeType returns how to send a stored file: the Content-Type, and
// whether it may be shown inline. HTML, SVG, XML, scripts and anything
// unknown go as application/octet-stream attachments, so that an upload
// can never run script in Acanban's origin.
func ServeType(mediaType string) (contentType string, inline bool) {
	base, _, _ := strings.Cut(mediaType, ";")
	if ct, ok := inlineTypes[strings.TrimSpace(strings.ToLower(base))]; ok {
		return ct, true
	}
	return "application/octet-stream", false
}

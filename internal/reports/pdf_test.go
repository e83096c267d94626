package reports

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

var generated = time.Date(2026, 12, 2, 14, 5, 0, 0, time.UTC)

func writePDF(t *testing.T, title string, rows []domain.TranscriptRow) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePDF(&buf, title, generated, rows); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	if !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-: %q", out[:min(len(out), 20)])
	}
	if !bytes.Contains(out[max(0, len(out)-64):], []byte("%%EOF")) {
		t.Errorf("output does not end with %s", "%%EOF")
	}
	return out
}

// poppler finds a tool of poppler-utils (pdftotext, pdfinfo). Missing, it
// skips the test, except in CI (CI=true), where the check must run.
func poppler(t *testing.T, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err == nil {
		return path
	}
	msg := fmt.Sprintf("%s is not installed (Debian package poppler-utils: apt-get install poppler-utils)", tool)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI=true, so the PDF's text must be checked")
	}
	t.Skip(msg)
	return ""
}

// pdfText extracts the text of the PDF, of pages first to last (0: all).
func pdfText(t *testing.T, pdf []byte, first, last int) string {
	t.Helper()
	tool := poppler(t, "pdftotext")
	file := filepath.Join(t.TempDir(), "transcript.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	out, err := exec.Command(tool, append(args, file, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext %v: %v", args, err)
	}
	return string(out)
}

// pdfPages counts the pages of the PDF with pdfinfo.
func pdfPages(t *testing.T, pdf []byte) int {
	t.Helper()
	tool := poppler(t, "pdfinfo")
	file := filepath.Join(t.TempDir(), "transcript.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, file).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("pdfinfo gives no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestWritePDFText(t *testing.T) {
	rows := fixture(t)
	pdf := writePDF(t, "Transcript — Informatics", rows)
	text := pdfText(t, pdf, 0, 0)
	for _, want := range []string{
		"Transcript — Informatics", "Generated 2 December 2026, 14:05 UTC",
		"Nguyễn Gia Phong", "Đặng Thị Ánh", "Trần Văn Bình", "Zoë Ångström", "O'Brien, \"Mick\"",
		"Kanban for theses", "12.875", "11.375", "-1.5", "+2", "+0.25", "15.5", pdfNoGrade,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	for _, c := range Columns {
		if !strings.Contains(text, c) {
			t.Errorf("the PDF's text lacks the column %q", c)
		}
	}
}

// TestWritePDFPages checks that a long transcript runs over several A4
// pages, each with the header row, and that no row is lost or repeated.
func TestWritePDFPages(t *testing.T) {
	const n = 120
	pdf := writePDF(t, "Transcript — Informatics", many(t, n))
	pages := pdfPages(t, pdf)
	if pages < 3 {
		t.Fatalf("%d rows fill %d pages, want several", n, pages)
	}
	seen := map[string]int{}
	id := regexp.MustCompile(`\bS\d{4}\b`)
	for p := 1; p <= pages; p++ {
		text := pdfText(t, pdf, p, p)
		for _, c := range Columns {
			if !strings.Contains(text, c) {
				t.Errorf("page %d lacks the header %q:\n%s", p, c, text)
			}
		}
		if footer := fmt.Sprintf("page %d of %d", p, pages); !strings.Contains(text, footer) {
			t.Errorf("page %d lacks its footer %q", p, footer)
		}
		if got := strings.Contains(text, "Generated"); got != (p == 1) {
			t.Errorf("page %d has the generation date: %v, want it on page 1 alone", p, got)
		}
		if !strings.Contains(text, "Nguyễn Gia Phong") || !strings.Contains(text, "Đặng Thị Ánh") {
			t.Errorf("page %d lacks the names with diacritics:\n%s", p, text)
		}
		for _, m := range id.FindAllString(text, -1) {
			seen[m]++
		}
	}
	for i := 1; i <= n; i++ {
		if k := fmt.Sprintf("S%04d", i); seen[k] != 1 {
			t.Errorf("student %s appears %d times, want once", k, seen[k])
		}
	}
	if len(seen) != n {
		t.Errorf("%d student IDs in the PDF, want %d", len(seen), n)
	}

	// The PDF is A4 (landscape): 842 × 595 points.
	if !regexp.MustCompile(`/MediaBox \[0 0 841\.89 595\.28\]`).Match(pdf) {
		t.Error("the pages are not A4")
	}
}

// TestWritePDFOddText checks text that DejaVu Sans lacks or that wraps: the
// PDF is still written, and a long name wraps rather than being cut.
func TestWritePDFOddText(t *testing.T) {
	long := "Nguyễn Gia Phong Đặng Thị Ánh Trần Văn Bình Lê Thị Hồng Nhung Phạm Minh Đức"
	rows := []domain.TranscriptRow{
		row(t, "", "1", "山田 太郎 🙂", "yamada", "a\x00b\xff", "", "", "", "", ""),
		row(t, "", "2", long, "long", strings.Repeat("Supercalifragilistic ", 30), "1", "2", "3", "-2", "4"),
	}
	pdf := writePDF(t, "", rows)
	text := strings.Join(strings.Fields(pdfText(t, pdf, 0, 0)), " ")
	for _, word := range strings.Fields(long) {
		if !strings.Contains(text, word) {
			t.Errorf("the wrapped name lost %q:\n%s", word, text)
		}
	}
	if !strings.Contains(text, "…") {
		t.Error("an overlong cell is not cut with …")
	}
}

func TestWritePDFEmpty(t *testing.T) {
	pdf := writePDF(t, "Transcript — Nobody", nil)
	text := pdfText(t, pdf, 0, 0)
	if !strings.Contains(text, "No students.") || !strings.Contains(text, "Final grade") {
		t.Errorf("empty transcript text:\n%s", text)
	}
}

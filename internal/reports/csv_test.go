package reports

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWriteCSV(t *testing.T) {
	rows := fixture(t)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	if !utf8.Valid(out) {
		t.Error("output is not UTF-8")
	}
	if bytes.HasPrefix(out, []byte("\xEF\xBB\xBF")) {
		t.Error("output starts with a byte-order mark")
	}
	if !bytes.HasPrefix(out, []byte(strings.Join(Columns, ",")+"\r\n")) {
		t.Errorf("output does not start with the header and CRLF: %q", out[:min(len(out), 120)])
	}

	records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("standard reader: %v\n%s", err, out)
	}
	if !slices.Equal(records[0], Columns) {
		t.Errorf("header = %q, want %q", records[0], Columns)
	}
	if len(records) != len(rows)+1 {
		t.Fatalf("%d records, want the header and %d rows", len(records), len(rows))
	}
	want := [][]string{
		{"007", "Nguyễn Gia Phong", "phong", "Kanban for theses", "12.25", "13", "14", "", "12.875"},
		{"BI12-345", "Đặng Thị Ánh", "anh", "Kanban for theses", "12.25", "13", "14", "-1.5", "11.375"},
		{"BI12-346", "O'Brien, \"Mick\"\nthe second", "mick", "Lattice, \"gauge\" fields", "", "15.5", "", "", ""},
		// A formula typed as a project's name is defused; grades are not.
		{"42", "Zoë Ångström", "zoe", "'=HYPERLINK(\"http://x\")", "20", "20", "20", "2", "20"},
		{"BI12-347", "Trần Văn Bình", "binh", "Compilers", "9.75", "10", "8.5", "0.25", "9.75"},
	}
	for i, w := range want {
		if got := records[i+1]; !slices.Equal(got, w) {
			t.Errorf("row %d = %q, want %q", i+1, got, w)
		}
	}
}

func TestWriteCSVEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, nil); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(records) != 1 || !slices.Equal(records[0], Columns) {
		t.Errorf("empty transcript = %q, %v; want the header alone", records, err)
	}
}

func TestDefuseFormula(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "Compilers": "Compilers", "=1+1": "'=1+1", "+33 6": "'+33 6", "-x": "'-x",
		"@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "a=b": "a=b", "Đặng": "Đặng",
	} {
		if got := defuseFormula(in); got != want {
			t.Errorf("defuseFormula(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Gia Phong":   "Nguyễn Gia Phong",
		"a\x00b\x1bc\u0085d": "abcd",
		"line\nnext\ttab":    "line\nnext\ttab",
		"bad\xffbyte":        "bad\uFFFDbyte",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

package reports

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/acanban/acanban/internal/domain"
)

func openXLSX(t *testing.T, rows []domain.TranscriptRow) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("excelize cannot open the workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWriteXLSX(t *testing.T) {
	rows := fixture(t)
	f := openXLSX(t, rows)

	// One sheet per department, in order of first appearance.
	wantSheets := []string{"Informatics", "Maths-Physics- -Applied-", NoDepartment}
	if got := f.GetSheetList(); !slices.Equal(got, wantSheets) {
		t.Fatalf("sheets = %q, want %q", got, wantSheets)
	}
	byDept := map[string][]domain.TranscriptRow{}
	for _, r := range rows {
		byDept[r.Department] = append(byDept[r.Department], r)
	}
	for i, dept := range []string{"Informatics", "Maths/Physics: [Applied]", ""} {
		sheet := wantSheets[i]
		got, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{Columns}
		for _, r := range byDept[dept] {
			cells := append(texts(r), make([]string, 5)...)
			for j, g := range grades(r) {
				cells[firstGradeColumn+j] = gradeText(g)
			}
			// GetRows leaves out a row's trailing empty cells.
			for len(cells) > 0 && cells[len(cells)-1] == "" {
				cells = cells[:len(cells)-1]
			}
			want = append(want, cells)
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("sheet %q rows =\n%q\nwant\n%q", sheet, got, want)
		}

		// The header row is frozen.
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.Split || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
			t.Errorf("sheet %q panes = %+v, want the first row frozen", sheet, panes)
		}
		// The header is bold.
		id, err := f.GetCellStyle(sheet, "I1")
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if style.Font == nil || !style.Font.Bold {
			t.Errorf("sheet %q header is not bold: %+v", sheet, style.Font)
		}

		// Grades are numbers, not text; text stays text.
		for k, r := range byDept[dept] {
			rowNum := strconv.Itoa(k + 2)
			for j, g := range grades(r) {
				col, _ := excelize.ColumnNumberToName(firstGradeColumn + j + 1)
				cell := col + rowNum
				typ, err := f.GetCellType(sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				if g == nil {
					if raw != "" {
						t.Errorf("%s!%s = %q, want empty for a grade not given", sheet, cell, raw)
					}
					continue
				}
				if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
					t.Errorf("%s!%s has type %v, want a number", sheet, cell, typ)
				}
				if v, err := strconv.ParseFloat(raw, 64); err != nil || v != g.Float() {
					t.Errorf("%s!%s = %q, want the number %v", sheet, cell, raw, g.Float())
				}
			}
			typ, _ := f.GetCellType(sheet, "A"+rowNum)
			if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
				t.Errorf("%s!A%s (student ID %q) is a number, want text", sheet, rowNum, r.StudentID)
			}
		}
	}

	// Columns fit their contents.
	w, err := f.GetColWidth("Informatics", "B")
	if err != nil {
		t.Fatal(err)
	}
	if w < float64(len([]rune("Nguyễn Gia Phong"))) {
		t.Errorf("name column is %v wide, too narrow for the names", w)
	}
	if w, _ := f.GetColWidth("Informatics", "I"); w < float64(len("Final grade")) {
		t.Errorf("final grade column is %v wide, too narrow for its header", w)
	}
}

func TestWriteXLSXEmpty(t *testing.T) {
	f := openXLSX(t, nil)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Transcript"}) {
		t.Errorf("sheets = %q", got)
	}
	got, _ := f.GetRows("Transcript")
	if len(got) != 1 || !slices.Equal(got[0], Columns) {
		t.Errorf("rows = %q, want the header alone", got)
	}
}

// TestWriteXLSXManyDepartments checks that names made alike by Excel's rules
// stay apart, and that excelize accepts every name given.
func TestWriteXLSXManyDepartments(t *testing.T) {
	depts := []string{"A/B", "A\\B", "a-b", strings.Repeat("Very long department name ", 3),
		strings.Repeat("Very long department name ", 4), "", "'", "History"}
	var rows []domain.TranscriptRow
	for i, d := range depts {
		rows = append(rows, row(t, d, strconv.Itoa(i), "Student", "s", "P", "1", "1", "1", "", "1"))
	}
	f := openXLSX(t, rows)
	want := SheetNames(depts)
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("sheets = %q, want %q", got, want)
	}
	for i, sheet := range want {
		got, _ := f.GetRows(sheet)
		if len(got) != 2 || got[1][0] != strconv.Itoa(i) {
			t.Errorf("sheet %q rows = %q, want student %d", sheet, got, i)
		}
	}
}

func TestSheetNames(t *testing.T) {
	long := "Faculty of Information and Communication Technology"
	got := SheetNames([]string{
		"Informatics", "", "Maths/Physics: [Applied]", `a\b*c?d`, long, long + " (evening)",
		"informatics", "'Quoted'", "History", "   ", "Tiếng Việt và Văn hoá Đông Nam Á — khoa học xã hội", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
	})
	want := []string{
		"Informatics", NoDepartment, "Maths-Physics- -Applied-", "a-b-c-d", "Faculty of Information and Comm",
		"Faculty of Information and (2)", "informatics (2)", "Quoted", "History (department)", "No department (2)",
		"Tiếng Việt và Văn hoá Đông Nam", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
	}
	if !slices.Equal(got, want) {
		t.Errorf("SheetNames =\n%q\nwant\n%q", got, want)
	}
	for _, name := range got {
		if n := len(utf16.Encode([]rune(name))); n > 31 || strings.ContainsAny(name, `[]:*?/\`) ||
			strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'") {
			t.Errorf("%q (%d UTF-16 units) breaks Excel's rules", name, n)
		}
	}
}

package reports

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/acanban/acanban/internal/domain"
)

// NoDepartment names the sheet of the rows without a department.
const NoDepartment = "No department"

// maxSheetName is Excel's limit on a sheet's name, in UTF-16 code units.
const maxSheetName = 31

// WriteXLSX writes an Excel workbook with one sheet per department, in the
// order the departments first appear in rows (rows keep their order within
// a sheet). Each sheet has a bold header row that stays in view (frozen)
// and filters, grades as numbers (a grade not given yet is an empty cell),
// and columns wide enough for their contents. With no rows, the workbook
// has one sheet, "Transcript", with the header alone.
func WriteXLSX(w io.Writer, rows []domain.TranscriptRow) error {
	f := excelize.NewFile()
	defer f.Close()

	// Group the rows by department, in order of first appearance.
	var depts []string
	byDept := map[string][]domain.TranscriptRow{}
	for _, r := range rows {
		if _, ok := byDept[r.Department]; !ok {
			depts = append(depts, r.Department)
		}
		byDept[r.Department] = append(byDept[r.Department], r)
	}
	names := SheetNames(depts)
	if len(depts) == 0 {
		depts, names = []string{""}, []string{"Transcript"}
	}

	bold, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
	})
	if err != nil {
		return err
	}
	first := f.GetSheetName(0)
	for i, dept := range depts {
		sheet := names[i]
		if i == 0 {
			err = f.SetSheetName(first, sheet)
		} else {
			_, err = f.NewSheet(sheet)
		}
		if err != nil {
			return fmt.Errorf("sheet %q: %w", sheet, err)
		}
		if err := writeSheet(f, sheet, byDept[dept], bold); err != nil {
			return fmt.Errorf("sheet %q: %w", sheet, err)
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// writeSheet fills one department's sheet.
func writeSheet(f *excelize.File, sheet string, rows []domain.TranscriptRow, headerStyle int) error {
	widths := make([]int, len(Columns))
	for c, h := range Columns {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return err
		}
		widths[c] = displayWidth(h) + 2 // room for the filter button
	}
	for i, r := range rows {
		row := i + 2
		for c, s := range texts(r) {
			cell, _ := excelize.CoordinatesToCellName(c+1, row)
			s = cleanText(s)
			// SetCellStr keeps text as text: a student ID such as
			// "007" stays "007", and "=1+1" is no formula.
			if err := f.SetCellStr(sheet, cell, s); err != nil {
				return err
			}
			widths[c] = max(widths[c], displayWidth(s))
		}
		for j, g := range grades(r) {
			if g == nil {
				continue
			}
			c := firstGradeColumn + j
			cell, _ := excelize.CoordinatesToCellName(c+1, row)
			if err := f.SetCellFloat(sheet, cell, g.Float(), -1, 64); err != nil {
				return err
			}
			widths[c] = max(widths[c], len(g.String()))
		}
	}
	last, _ := excelize.ColumnNumberToName(len(Columns))
	if err := f.SetCellStyle(sheet, "A1", last+"1", headerStyle); err != nil {
		return err
	}
	for c, wd := range widths {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(sheet, col, col, float64(min(max(wd+2, 8), 60))); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	return f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, len(rows)+1), nil)
}

// displayWidth approximates the width of s in characters: its longest line.
func displayWidth(s string) int {
	w := 0
	for line := range strings.SplitSeq(s, "\n") {
		w = max(w, utf8.RuneCountInString(line))
	}
	return w
}

// SheetNames names a sheet for each department, following Excel's rules:
// at most 31 characters (UTF-16 code units), none of []:*?/\, no
// apostrophe first or last, not "History" (reserved by Excel), and no two
// alike, ignoring case. The department "" is NoDepartment; a forbidden
// character becomes "-"; a name made alike by these rules gets " (2)",
// " (3)"… at its end.
func SheetNames(depts []string) []string {
	names := make([]string, len(depts))
	taken := map[string]bool{}
	for i, d := range depts {
		base := sheetName(d)
		name := base
		for n := 2; taken[strings.ToLower(name)]; n++ {
			suffix := fmt.Sprintf(" (%d)", n)
			name = truncateUTF16(base, maxSheetName-len(suffix)) + suffix
		}
		taken[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

// sheetName is the sheet name of one department, before uniqueness.
func sheetName(dept string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r):
			return '-'
		case r == '\n' || r == '\t' || badControl(r):
			return ' '
		}
		return r
	}, strings.ToValidUTF8(dept, "\uFFFD"))
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(truncateUTF16(s, maxSheetName), "' ")
	switch {
	case s == "":
		return NoDepartment
	case strings.EqualFold(s, "History"):
		return s + " (department)"
	}
	return s
}

// truncateUTF16 cuts s to at most n UTF-16 code units, on a rune boundary.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n {
			return strings.TrimRight(s[:i], " ")
		}
	}
	return s
}

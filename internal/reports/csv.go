package reports

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/acanban/acanban/internal/domain"
)

// WriteCSV writes rows as RFC 4180 CSV in UTF-8: CRLF line ends, the header
// row (Columns) first, one line per row. A grade not given yet is an empty
// cell; grades are written with Grade.String(), such as "12.25".
//
// No byte-order mark is written, so that standard CSV readers see the
// header as it is. A text cell that a spreadsheet would take for a formula
// (one starting with =, +, -, @, a tab or a carriage return) is prefixed
// with an apostrophe, as OWASP advises against CSV injection: names and
// project titles are typed by users, and assistants open this file in a
// spreadsheet. Grades are numbers and are never prefixed.
func WriteCSV(w io.Writer, rows []domain.TranscriptRow) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(Columns); err != nil {
		return err
	}
	record := make([]string, len(Columns))
	for _, r := range rows {
		for i, s := range texts(r) {
			record[i] = defuseFormula(cleanText(s))
		}
		for i, g := range grades(r) {
			record[firstGradeColumn+i] = gradeText(g)
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuseFormula keeps a spreadsheet from evaluating text as a formula.
func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

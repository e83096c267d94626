// Package reports renders the academic results: transcripts as CSV, XLSX
// and PDF, and the statistics charts as inline SVG.
//
// It only formats what it is given: who may export what, and which rows a
// transcript holds, is decided by the caller.
package reports

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/acanban/acanban/internal/domain"
)

// Columns of every transcript, in order.
var Columns = []string{"Student ID", "Name", "Username", "Project", "Outcome", "Report", "Presentation", "Adjustment", "Final grade"}

// firstGradeColumn is the index in Columns of the first grade: the columns
// from it on are grades, those before it text.
const firstGradeColumn = 4

// adjustmentGrade is the index of the adjustment in grades.
const adjustmentGrade = 3

// texts are a row's text cells, in the order of Columns.
func texts(r domain.TranscriptRow) []string {
	return []string{r.StudentID, r.Name, r.Username, r.Project}
}

// grades are a row's grades, in the order of Columns; nil is a grade not
// given yet.
func grades(r domain.TranscriptRow) []*domain.Grade {
	return []*domain.Grade{r.Outcome, r.Report, r.Presentation, r.Adjustment, r.Final}
}

// gradeText is a grade as it is written in a transcript: Grade.String(),
// or "" for a grade not given yet.
func gradeText(g *domain.Grade) string {
	if g == nil {
		return ""
	}
	return g.String()
}

// cleanText makes user-typed text printable: invalid UTF-8 becomes U+FFFD,
// and control characters other than newline and tab are dropped (they are
// invalid in XML, and meaningless in a table).
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, badControl) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if badControl(r) {
			return -1
		}
		return r
	}, s)
}

// badControl is a control character that no output here keeps.
func badControl(r rune) bool {
	return r != '\n' && r != '\t' && (unicode.IsControl(r) || r == 0xFFFE || r == 0xFFFF)
}

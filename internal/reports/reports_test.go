package reports

import (
	"fmt"
	"testing"

	"github.com/acanban/acanban/internal/domain"
)

// grade parses a grade for a fixture; "" is a grade not given yet.
func grade(t testing.TB, s string) *domain.Grade {
	t.Helper()
	if s == "" {
		return nil
	}
	g, err := domain.ParseGrade(s)
	if err != nil {
		t.Fatal(err)
	}
	return &g
}

// row makes a transcript row; grades are outcome, report, presentation,
// adjustment, final.
func row(t testing.TB, dept, id, name, user, project string, gs ...string) domain.TranscriptRow {
	t.Helper()
	if len(gs) != 5 {
		t.Fatalf("row %s: %d grades, want 5", id, len(gs))
	}
	return domain.TranscriptRow{
		Department: dept, StudentID: id, Name: name, Username: user, Project: project,
		Outcome: grade(t, gs[0]), Report: grade(t, gs[1]), Presentation: grade(t, gs[2]),
		Adjustment: grade(t, gs[3]), Final: grade(t, gs[4]),
	}
}

// fixture is a small transcript over three departments, with the names of
// the issue, a name with CSV's special characters, grades not given yet,
// and a student ID with leading zeros.
func fixture(t testing.TB) []domain.TranscriptRow {
	return []domain.TranscriptRow{
		row(t, "Informatics", "007", "Nguyễn Gia Phong", "phong", "Kanban for theses", "12.25", "13", "14", "", "12.875"),
		row(t, "Informatics", "BI12-345", "Đặng Thị Ánh", "anh", "Kanban for theses", "12.25", "13", "14", "-1.5", "11.375"),
		row(t, "Maths/Physics: [Applied]", "BI12-346", "O'Brien, \"Mick\"\nthe second", "mick", "Lattice, \"gauge\" fields", "", "15.5", "", "", ""),
		row(t, "", "42", "Zoë Ångström", "zoe", "=HYPERLINK(\"http://x\")", "20", "20", "20", "+2", "20"),
		row(t, "Informatics", "BI12-347", "Trần Văn Bình", "binh", "Compilers", "9.75", "10", "8.5", "0.25", "9.75"),
	}
}

// many makes n rows of one department, student IDs S0001… in order.
func many(t testing.TB, n int) []domain.TranscriptRow {
	names := []string{"Nguyễn Gia Phong", "Đặng Thị Ánh", "Trần Văn Bình", "Lê Thị Hồng Nhung"}
	rows := make([]domain.TranscriptRow, n)
	for i := range rows {
		rows[i] = row(t, "Informatics", fmt.Sprintf("S%04d", i+1), names[i%len(names)], fmt.Sprintf("user%d", i+1),
			fmt.Sprintf("Project %d", i/3+1), "12.25", "13", "14", "", "12.875")
	}
	return rows
}

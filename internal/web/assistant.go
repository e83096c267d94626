package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/reports"
)

// statsPage is the assistant's statistics.
type statsPage struct {
	Department                 string
	Grades, Progress, Overdue  template.HTML
	Projects, Students, Graded int
}

func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	rows, err := s.Grading.Overview(r.Context(), viewer(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var finals []domain.Grade
	var progress []reports.ProjectProgress
	var overdue []reports.Bar
	students := 0
	for _, row := range rows {
		for _, st := range row.Students {
			students++
			if st.HasFinal {
				finals = append(finals, st.Final)
			}
		}
		sum := row.Summary
		progress = append(progress, reports.ProjectProgress{Project: sum.Name, Done: sum.Done, Doing: sum.Doing,
			Todo: sum.Tasks - sum.Done - sum.Doing})
		overdue = append(overdue, reports.Bar{Label: sum.Name, Value: float64(sum.Overdue)})
	}
	scale := s.Grading.Scale
	s.render(w, r, http.StatusOK, "stats", &page{Title: "Statistics", Data: statsPage{
		Department: viewer(r).Department, Projects: len(rows), Students: students, Graded: len(finals),
		Grades:   reports.Histogram(finals, scale, max(scale.Step, (scale.Max-scale.Min)/10), "Final grades of the students"),
		Progress: reports.ProgressChart(progress, "Tasks of each project"),
		Overdue:  reports.BarChart(overdue, "Overdue tasks per project"),
	}})
}

// writeTranscript sends rows in format as a download named name.
func (s *Server) writeTranscript(w http.ResponseWriter, r *http.Request, format, name, title string, rows []domain.TranscriptRow) {
	var buf bytes.Buffer
	var err error
	var ct string
	switch format {
	case "csv":
		ct, err = "text/csv; charset=utf-8", reports.WriteCSV(&buf, rows)
	case "xlsx":
		ct, err = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", reports.WriteXLSX(&buf, rows)
	case "pdf":
		ct, err = "application/pdf", reports.WritePDF(&buf, title, time.Now().In(s.Location), rows)
	}
	if err != nil {
		s.fail(w, r, fmt.Errorf("write %s transcript: %w", format, err))
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", contentDisposition(false, name+"."+format))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}

func (s *Server) departmentTranscript(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rows, err := s.Grading.DepartmentTranscript(r.Context(), viewer(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		dep := viewer(r).Department
		s.writeTranscript(w, r, format, "transcript-"+fileSafe(dep), "Transcript — "+dep, rows)
	}
}

func (s *Server) projectTranscript(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.project(w, r, domain.ManageEvaluation)
		if !ok {
			return
		}
		rows, err := s.Grading.ProjectTranscript(r.Context(), a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.writeTranscript(w, r, format, fmt.Sprintf("transcript-project-%d", a.Project.ID), "Transcript — "+a.Project.Name, rows)
	}
}

// fileSafe makes a name usable in a file name.
func fileSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '/' || r == '\\' || r < 0x20 {
			return '-'
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		return "department"
	}
	return s
}

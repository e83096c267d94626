package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/grading"
)

func (s *Server) grades(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.ViewProject)
	if !ok {
		return
	}
	s.renderGrades(w, r, a, http.StatusOK, nil)
}

func (s *Server) renderGrades(w http.ResponseWriter, r *http.Request, a projectAccess, status int, failure error) {
	sh, err := s.Grading.Sheet(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &page{Title: "Grades · " + a.Project.Name, Data: viewOf(a, "grades", sh), Form: r.PostForm}
	if failure != nil {
		p.Error, p.Field = s.message(r, failure)
		p.Form.Set("form", r.URL.Path)
	}
	s.render(w, r, status, "grades", p)
}

// gradingPost is the shape of every grading form: authorise, parse, act,
// then 303 to the grades tab (or the page given) or the tab again with the
// error.
func (s *Server) gradingPost(w http.ResponseWriter, r *http.Request, act domain.Action, do func(a projectAccess) (string, error)) {
	a, ok := s.project(w, r, act)
	if !ok {
		return
	}
	err := parseForm(w, r)
	to := fmt.Sprintf("/p/%d/grades", a.Project.ID)
	if err == nil {
		var next string
		next, err = do(a)
		if next != "" {
			to = next
		}
	}
	if err != nil {
		// A mistake in a form field shows the tab again with the message;
		// anything else (forbidden, a missing task, a fault) is its own page.
		var de *domain.Error
		if errors.As(err, &de) && (de.Field != "" || de.Kind == domain.KindInvalid || de.Kind == domain.KindConflict) {
			s.renderGrades(w, r, a, statusOf(err), err)
		} else {
			s.fail(w, r, err)
		}
		return
	}
	redirect(w, r, to)
}

func (s *Server) gradeOutcome(w http.ResponseWriter, r *http.Request) {
	s.gradingPost(w, r, domain.GradeTask, func(a projectAccess) (string, error) {
		_, err := s.Grading.GradeOutcome(r.Context(), a, r.PostForm.Get("grade"), r.PostForm.Get("comment"))
		return "", err
	})
}

func (s *Server) gradeArtifact(slot domain.Slot) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.gradingPost(w, r, domain.GradeArtifact, func(a projectAccess) (string, error) {
			_, err := s.Grading.GradeArtifact(r.Context(), a, slot, r.PostForm.Get("grade"), r.PostForm.Get("comment"))
			return "", err
		})
	}
}

func (s *Server) gradeTask(w http.ResponseWriter, r *http.Request) {
	s.gradingPost(w, r, domain.GradeTask, func(a projectAccess) (string, error) {
		n, err := taskNumber(r)
		if err != nil {
			return "", err
		}
		_, err = s.Grading.GradeTask(r.Context(), a, n, r.PostForm.Get("grade"), r.PostForm.Get("comment"))
		return fmt.Sprintf("/p/%d/tasks/%d", a.Project.ID, n), err
	})
}

func (s *Server) adjust(w http.ResponseWriter, r *http.Request) {
	s.gradingPost(w, r, domain.GradeTask, func(a projectAccess) (string, error) {
		_, err := s.Grading.Adjust(r.Context(), a, r.PostForm.Get("student"), r.PostForm.Get("delta"), r.PostForm.Get("reason"))
		return "", err
	})
}

func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	s.gradingPost(w, r, domain.ManageEvaluation, func(a projectAccess) (string, error) {
		err := s.Grading.Publish(r.Context(), a)
		if err == nil {
			s.setFlash(w, "The results are published: the students see their grades.")
		}
		return "", err
	})
}

func (s *Server) assignJudge(w http.ResponseWriter, r *http.Request) {
	s.gradingPost(w, r, domain.ManageEvaluation, func(a projectAccess) (string, error) {
		u, err := s.Grading.AssignJudge(r.Context(), a, r.PostForm.Get("username"))
		if err == nil {
			s.setFlash(w, u.Name+" is now a judge of this project.")
		}
		return "", err
	})
}

func (s *Server) unassignJudge(w http.ResponseWriter, r *http.Request) {
	s.gradingPost(w, r, domain.ManageEvaluation, func(a projectAccess) (string, error) {
		return "", s.Grading.UnassignJudge(r.Context(), a, r.PostForm.Get("username"))
	})
}

// assistantPage is the department overview.
type assistantPage struct {
	Department string
	Rows       []grading.ProjectRow
}

func (s *Server) assistantOverview(w http.ResponseWriter, r *http.Request) {
	rows, err := s.Grading.Overview(r.Context(), viewer(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "assistant", &page{Title: "Department overview",
		Data: assistantPage{Department: viewer(r).Department, Rows: rows}})
}

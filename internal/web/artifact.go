package web

import (
	"fmt"
	"io"
	"net/http"

	"github.com/acanban/acanban/internal/domain"
)

// artifactPage is the report or slides tab.
type artifactPage struct {
	Slot      domain.Slot
	Revisions []domain.Revision
	CanUpload bool
	MaxUpload string
	Accepted  string
}

func (s *Server) artifact(slot domain.Slot) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.project(w, r, domain.ViewProject)
		if !ok {
			return
		}
		s.renderArtifact(w, r, a, slot, http.StatusOK, nil)
	}
}

func (s *Server) renderArtifact(w http.ResponseWriter, r *http.Request, a projectAccess, slot domain.Slot, status int, failure error) {
	revs, err := s.Projects.Revisions(r.Context(), a, slot)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &page{Title: slot.Title() + " · " + a.Project.Name, Data: viewOf(a, string(slot), artifactPage{
		Slot: slot, Revisions: revs, CanUpload: a.Can(domain.UploadArtifact),
		MaxUpload: humanSize(s.MaxUpload), Accepted: domain.AcceptedArtifacts,
	})}
	if failure != nil {
		p.Error, p.Field = s.message(r, failure)
	}
	s.render(w, r, status, "artifact", p)
}

func (s *Server) artifactUpload(slot domain.Slot) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.project(w, r, domain.UploadArtifact)
		if !ok {
			return
		}
		var rev domain.Revision
		uploaded := false
		_, err := s.streamUpload(w, r, func(name string, body io.Reader) error {
			var err error
			rev, err = s.Projects.Upload(r.Context(), a, slot, name, body)
			uploaded = err == nil
			return err
		})
		if err == nil && !uploaded {
			err = domain.Invalid("file", "Choose a file to upload.")
		}
		if err != nil {
			s.renderArtifact(w, r, a, slot, statusOf(err), err)
			return
		}
		s.setFlash(w, fmt.Sprintf("Revision %d of the %s is saved.", rev.Number, slot))
		redirect(w, r, fmt.Sprintf("/p/%d/%s", a.Project.ID, slot))
	}
}

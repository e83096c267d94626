package projects

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/files"
	"github.com/acanban/acanban/internal/store"
)

// sniffLen is how much of a file is read to recognise its type.
const sniffLen = 512

// add stores the bytes of r in the file store, after check has seen their
// first bytes, and records the file in the project; the record is written
// by record in the same transaction. The bytes go to the store first: if it
// is down nothing is recorded, and if the database fails afterwards no row
// points to bytes that are not there.
func (s *Service) add(ctx context.Context, a Access, name string, r io.Reader,
	check func(name string, head []byte) (string, error),
	record func(q store.Queries, f domain.File) error) (domain.File, error) {
	name = domain.CleanFileName(name)
	br := bufio.NewReaderSize(r, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return domain.File{}, fmt.Errorf("read %s: %w", name, err)
	}
	mediaType, err := check(name, head)
	if err != nil {
		return domain.File{}, err
	}
	st, err := s.Files.Add(ctx, name, br)
	if errors.Is(err, files.ErrUnavailable) {
		return domain.File{}, domain.Unavailable("The file store is unreachable, so the file was not saved: try again in a moment, or tell the site's administrator.")
	}
	if err != nil {
		return domain.File{}, fmt.Errorf("store %s: %w", name, err)
	}
	f := domain.File{ProjectID: a.Project.ID, CID: st.CID, Name: name, Size: st.Size, MediaType: mediaType,
		UploadedBy: *a.Viewer, Created: s.now()}
	err = s.Store.Atomic(ctx, func(q store.Queries) error {
		var err error
		if f, err = q.CreateFile(ctx, f); err != nil {
			return err
		}
		return record(q, f)
	})
	return f, err
}

// Upload adds a revision of the project's report or slides.
func (s *Service) Upload(ctx context.Context, a Access, slot domain.Slot, name string, r io.Reader) (domain.Revision, error) {
	if err := a.Require(domain.UploadArtifact); err != nil {
		return domain.Revision{}, err
	}
	var rev domain.Revision
	_, err := s.add(ctx, a, name, r, domain.ArtifactType, func(q store.Queries, f domain.File) error {
		var err error
		rev, err = q.AddRevision(ctx, a.Project.ID, slot, f.ID)
		return err
	})
	return rev, err
}

// Revisions lists the project's revisions of slot, newest first.
func (s *Service) Revisions(ctx context.Context, a Access, slot domain.Slot) ([]domain.Revision, error) {
	if err := a.Require(domain.ViewProject); err != nil {
		return nil, err
	}
	return s.Store.Revisions(ctx, a.Project.ID, slot)
}

// assigned returns task number if the viewer may hand in its work.
func (s *Service) assigned(ctx context.Context, a Access, number int) (domain.Task, error) {
	if err := a.Require(domain.HandIn); err != nil {
		return domain.Task{}, err
	}
	t, err := s.task(ctx, s.Store, a, number)
	if err != nil {
		return t, err
	}
	if t.Assignee == nil || t.Assignee.ID != a.Viewer.ID {
		return t, domain.Forbidden("Only the task's assignee hands in its work.")
	}
	return t, nil
}

// HandInFile records a file as the evidence of task number's work.
func (s *Service) HandInFile(ctx context.Context, a Access, number int, name string, r io.Reader) (domain.Task, error) {
	t, err := s.assigned(ctx, a, number)
	if err != nil {
		return t, err
	}
	evidence := func(name string, head []byte) (string, error) { return domain.EvidenceType(name, head), nil }
	f, err := s.add(ctx, a, name, r, evidence, func(q store.Queries, f domain.File) error {
		if err := q.SetTaskWork(ctx, t.ID, "", f.ID, f.Created); err != nil {
			return err
		}
		return s.record(ctx, q, a, "work", t.Number)
	})
	s.announce(ctx, a, err)
	t.WorkURL, t.WorkFile = "", &f
	return t, err
}

// HandInURL records a link as the evidence of task number's work.
func (s *Service) HandInURL(ctx context.Context, a Access, number int, link string) (domain.Task, error) {
	t, err := s.assigned(ctx, a, number)
	if err != nil {
		return t, err
	}
	link = strings.TrimSpace(link)
	u, perr := url.Parse(link)
	switch {
	case link == "":
		return t, domain.Invalid("url", "Attach a file or give a link to the work.")
	case perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return t, domain.Invalid("url", "%q is not a web address: give an http:// or https:// link.", link)
	case len(link) > 2000:
		return t, domain.Invalid("url", "A link has at most 2000 characters.")
	}
	err = s.Store.Atomic(ctx, func(q store.Queries) error {
		if err := q.SetTaskWork(ctx, t.ID, link, 0, s.now()); err != nil {
			return err
		}
		return s.record(ctx, q, a, "work", t.Number)
	})
	s.announce(ctx, a, err)
	t.WorkURL, t.WorkFile = link, nil
	return t, err
}

// Download opens the file of cid for viewer, who must be allowed to see a
// project holding it; the record returned is that project's.
func (s *Service) Download(ctx context.Context, viewer *domain.User, cid string) (domain.File, files.File, error) {
	if viewer == nil {
		return domain.File{}, nil, domain.Unauthenticated("Log in to download files.")
	}
	c, err := files.ParseCID(cid)
	if err != nil {
		return domain.File{}, nil, domain.NotFound("There is no file %q.", cid)
	}
	records, err := s.Store.FilesByCID(ctx, c)
	if err != nil {
		return domain.File{}, nil, err
	}
	if len(records) == 0 {
		return domain.File{}, nil, domain.NotFound("There is no file %s.", c)
	}
	var rec *domain.File
	for i, r := range records {
		a, err := s.Open(ctx, viewer, r.ProjectID)
		if err != nil && domain.KindOf(err) != domain.KindNotFound {
			return domain.File{}, nil, err
		}
		if err == nil && a.Can(domain.ViewProject) {
			rec = &records[i]
			break
		}
	}
	if rec == nil {
		return domain.File{}, nil, domain.Forbidden("This file belongs to projects you are not part of.")
	}
	f, err := s.Files.Open(ctx, c)
	switch {
	case errors.Is(err, files.ErrUnavailable):
		return *rec, nil, domain.Unavailable("The file store is unreachable: try again in a moment.")
	case errors.Is(err, files.ErrNotFound):
		return *rec, nil, domain.NotFound("The bytes of %s are missing from the file store.", c)
	case err != nil:
		return *rec, nil, err
	}
	return *rec, f, nil
}

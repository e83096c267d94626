package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

func newFile(p domain.Project, by domain.User, cid string, at time.Time) domain.File {
	return domain.File{ProjectID: p.ID, CID: cid, Name: "Báo cáo " + cid + ".pdf", Size: 1234, MediaType: "application/pdf",
		UploadedBy: by, Created: at}
}

func testFiles(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	t0 := now()
	p := mustProject(t, s, newProject("P", ada, t0))
	q := mustProject(t, s, newProject("Q", ada, t0))
	f1, err := s.CreateFile(ctx, newFile(p, ada, "bafyA", t0))
	if err != nil {
		t.Fatal(err)
	}
	f2, err := s.CreateFile(ctx, newFile(q, ada, "bafyA", t0.Add(time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.FileByID(ctx, f1.ID)
	if err != nil || got.CID != "bafyA" || got.Name != f1.Name || got.Size != 1234 || got.MediaType != "application/pdf" ||
		got.ProjectID != p.ID || got.UploadedBy.Username != "ada" || !got.Created.Equal(t0) {
		t.Errorf("FileByID = %+v, %v; want %+v", got, err, f1)
	}
	fs, err := s.FilesByCID(ctx, "bafyA")
	if err != nil || len(fs) != 2 || fs[0].ID != f2.ID || fs[1].ID != f1.ID {
		t.Errorf("FilesByCID = %+v, %v; want both records, newest first", fs, err)
	}
	if fs, err := s.FilesByCID(ctx, "bafyNone"); err != nil || len(fs) != 0 {
		t.Errorf("FilesByCID(unknown) = %v, %v; want none", fs, err)
	}
	if _, err := s.FileByID(ctx, 99999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FileByID(unknown) = %v; want ErrNotFound", err)
	}
	if _, err := s.CreateFile(ctx, newFile(q, ada, "bafyB", t0)); err != nil {
		t.Fatal(err)
	}
	cids, err := s.FileCIDs(ctx)
	slices.Sort(cids)
	if err != nil || !slices.Equal(cids, []string{"bafyA", "bafyB"}) {
		t.Errorf("FileCIDs = %v, %v; want bafyA and bafyB, once each", cids, err)
	}
}

func testRevisions(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	t0 := now()
	p := mustProject(t, s, newProject("P", ada, t0))
	q := mustProject(t, s, newProject("Q", ada, t0))
	add := func(p domain.Project, slot domain.Slot, cid string) domain.Revision {
		t.Helper()
		f, err := s.CreateFile(ctx, newFile(p, ada, cid, t0))
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.AddRevision(ctx, p.ID, slot, f.ID)
		if err != nil {
			t.Fatalf("AddRevision: %v", err)
		}
		if r.File.ID != f.ID || r.File.CID != cid || r.Slot != slot {
			t.Errorf("AddRevision returned %+v; want file %d", r, f.ID)
		}
		return r
	}
	for i, c := range []struct {
		p    domain.Project
		slot domain.Slot
		want int
	}{{p, domain.SlotReport, 1}, {p, domain.SlotReport, 2}, {p, domain.SlotSlides, 1}, {q, domain.SlotReport, 1}, {p, domain.SlotReport, 3}} {
		if r := add(c.p, c.slot, fmt.Sprintf("bafy%d", i)); r.Number != c.want {
			t.Errorf("revision %d of %s in %s: number %d; want %d", i, c.slot, c.p.Name, r.Number, c.want)
		}
	}
	rs, err := s.Revisions(ctx, p.ID, domain.SlotReport)
	if err != nil || len(rs) != 3 || rs[0].Number != 3 || rs[2].Number != 1 || rs[0].File.CID != "bafy4" || rs[0].File.UploadedBy.Username != "ada" {
		t.Errorf("Revisions(report) = %+v, %v; want 3, newest first", rs, err)
	}
	if rs, _ := s.Revisions(ctx, q.ID, domain.SlotSlides); len(rs) != 0 {
		t.Errorf("Revisions of an empty slot = %+v", rs)
	}
	// Concurrent uploads get distinct numbers.
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := range 10 {
		wg.Go(func() {
			f, err := s.CreateFile(ctx, newFile(q, ada, fmt.Sprintf("bafyC%d", i), t0))
			if err == nil {
				_, err = s.AddRevision(ctx, q.ID, domain.SlotSlides, f.ID)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent AddRevision: %v", err)
		}
	}
	rs, _ = s.Revisions(ctx, q.ID, domain.SlotSlides)
	for i, r := range rs {
		if r.Number != 10-i {
			t.Errorf("concurrent revisions numbered %d at position %d; want %d", r.Number, i, 10-i)
		}
	}
	if _, err := s.AddRevision(ctx, 99999, domain.SlotReport, rs[0].File.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AddRevision to an unknown project = %v; want ErrNotFound", err)
	}
}

func testTaskWork(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	t0 := now()
	p := mustProject(t, s, newProject("P", ada, t0))
	task := mustTask(t, s, newTask(p, "T", ada, t0))
	if err := s.SetTaskWork(ctx, task.ID, "https://example.org/work", 0, t0); err != nil {
		t.Fatal(err)
	}
	got, _ := s.TaskByNumber(ctx, p.ID, task.Number)
	if got.WorkURL != "https://example.org/work" || got.WorkFile != nil || !got.HandedIn() || got.Version != task.Version+1 {
		t.Errorf("after handing in a URL: %s", taskString(got))
	}
	f, err := s.CreateFile(ctx, newFile(p, ada, "bafyW", t0))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetTaskWork(ctx, task.ID, "", f.ID, t0); err != nil {
		t.Fatal(err)
	}
	got, _ = s.TaskByNumber(ctx, p.ID, task.Number)
	if got.WorkURL != "" || got.WorkFile == nil || got.WorkFile.CID != "bafyW" || got.WorkFile.Name != f.Name || got.WorkFile.Size != f.Size {
		t.Errorf("after handing in a file: %s, file %+v", taskString(got), got.WorkFile)
	}
	ts, _ := s.Tasks(ctx, p.ID)
	if len(ts) != 1 || ts[0].WorkFile == nil || ts[0].WorkFile.CID != "bafyW" {
		t.Errorf("Tasks does not carry the evidence file: %+v", ts)
	}
	if err := s.SetTaskWork(ctx, 99999, "x", 0, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetTaskWork(unknown) = %v; want ErrNotFound", err)
	}
}

package domain

import (
	"fmt"
	"strings"
	"time"
)

// Three-way merge of an edit. An edit form carries, besides the values the
// editor submits, the values they started from ("orig_" fields). A field
// the editor left as it was is not written, so a concurrent change of
// another field — or a card moved meanwhile — survives; a field changed
// both by the editor and by someone else since is a conflict.

// mergeField returns the value to write for one field: nil to keep the
// stored one. next is what the editor submits (nil: not sent), orig what
// they started from (nil: not sent, so next wins), current what is stored.
func mergeField[T comparable](field, label string, next, orig *T, current T, show func(T) string) (*T, error) {
	switch {
	case next == nil || orig == nil:
		return next, nil
	case *next == *orig:
		return nil, nil // left as it was
	case current != *orig && current != *next:
		return nil, Conflict(field, "Someone else changed the %s while you were editing it: it is now %s. "+
			"Your version is still in the form: save again to replace theirs.", label, show(current))
	}
	return next, nil
}

func quoted(s string) string {
	if s == "" {
		return "empty"
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return fmt.Sprintf("“%s”", s)
}

// minute compares deadlines at the precision of a form: the minute.
func minute(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	var m int64
	if !t.IsZero() {
		m = t.Unix() / 60
	}
	return &m
}

func showMinute(m int64) string {
	if m == 0 {
		return "no deadline"
	}
	return time.Unix(m*60, 0).UTC().Format("2006-01-02 15:04 UTC")
}

func trimmed(s *string, norm func(string) string) *string {
	if s == nil {
		return nil
	}
	v := norm(*s)
	return &v
}

// Merge keeps of d only the fields to write onto p, given orig, the values
// the editor started from.
func (d ProjectDraft) Merge(orig ProjectDraft, p Project) (ProjectDraft, error) {
	var err error
	out := d
	if out.Name, err = mergeField("name", "name", trimmed(d.Name, strings.TrimSpace), trimmed(orig.Name, strings.TrimSpace), p.Name, quoted); err != nil {
		return d, err
	}
	if out.Description, err = mergeField("description", "description", trimmed(d.Description, normalizeText), trimmed(orig.Description, normalizeText), p.Description, quoted); err != nil {
		return d, err
	}
	if out.Department, err = mergeField("department", "department", trimmed(d.Department, strings.TrimSpace), trimmed(orig.Department, strings.TrimSpace), p.Department, quoted); err != nil {
		return d, err
	}
	keep, err := mergeField("deadline", "deadline", minute(d.Deadline), minute(orig.Deadline), *minute(&p.Deadline), showMinute)
	if err != nil {
		return d, err
	}
	if keep == nil {
		out.Deadline = nil
	}
	return out, nil
}

// Merge keeps of d only the fields to write onto t, given orig, the values
// the editor started from.
func (d TaskDraft) Merge(orig TaskDraft, t Task) (TaskDraft, error) {
	var err error
	out := d
	if out.Name, err = mergeField("name", "name", trimmed(d.Name, strings.TrimSpace), trimmed(orig.Name, strings.TrimSpace), t.Name, quoted); err != nil {
		return d, err
	}
	if out.Description, err = mergeField("description", "description", trimmed(d.Description, normalizeText), trimmed(orig.Description, normalizeText), t.Description, quoted); err != nil {
		return d, err
	}
	assignee := ""
	if t.Assignee != nil {
		assignee = t.Assignee.Username
	}
	norm := func(s string) string { return NormalizeUsername(strings.TrimPrefix(strings.TrimSpace(s), "@")) }
	if out.Assignee, err = mergeField("assignee", "assignee", trimmed(d.Assignee, norm), trimmed(orig.Assignee, norm), assignee,
		func(s string) string { return map[bool]string{true: "nobody", false: "@" + s}[s == ""] }); err != nil {
		return d, err
	}
	keep, err := mergeField("deadline", "deadline", minute(d.Deadline), minute(orig.Deadline), *minute(&t.Deadline), showMinute)
	if err != nil {
		return d, err
	}
	if keep == nil {
		out.Deadline = nil
	}
	if out.Status, err = mergeField("status", "status", d.Status, orig.Status, t.Status, func(s Status) string { return s.Title() }); err != nil {
		return d, err
	}
	return out, nil
}

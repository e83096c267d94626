package sqlstore

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/acanban/acanban/internal/domain"
)

// nullTime binds a time, the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// timeOrZero scans a nullable time column or expression: NULL gives the
// zero time. SQLite returns typeless expressions (MIN(deadline)) as text,
// which it parses.
type timeOrZero struct{ t *time.Time }

var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	time.RFC3339Nano,
}

func (s timeOrZero) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into a time", v)
	}
	return nil
}

func (s timeOrZero) parse(v string) error {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			*s.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("sqlstore: %q is not a time", v)
}

// likePattern makes a LIKE pattern matching q anywhere, with LIKE's
// wildcards in q escaped by backslash (use with ESCAPE '\').
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// MaxSearchWords is how many words of a search are used.
const MaxSearchWords = 8

// matchWords is the condition that column contains every word of the
// query, folded, in any order: "gia nguyen" finds "Nguyễn Gia Phong". An
// empty query matches everything. (On PostgreSQL, trigram indexes make
// these substring searches fast.)
func matchWords(column, query string) (string, []any) {
	words := strings.Fields(domain.Fold(query))
	if len(words) > MaxSearchWords {
		words = words[:MaxSearchWords]
	}
	if len(words) == 0 {
		return "1 = 1", nil
	}
	conds := make([]string, len(words))
	args := make([]any, len(words))
	for i, w := range words {
		conds[i] = column + ` LIKE ? ESCAPE '\'`
		args[i] = likePattern(w)
	}
	return "(" + strings.Join(conds, " AND ") + ")", args
}

// trigramMatch is an FTS5 query for the rows whose text contains every
// word of query of at least three characters (a trigram index cannot
// narrow shorter ones), or "" if there is none. It finds a superset of
// what matchWords finds, which stays the exact condition.
func trigramMatch(query string) string {
	words := strings.Fields(domain.Fold(query))
	if len(words) > MaxSearchWords {
		words = words[:MaxSearchWords]
	}
	var phrases []string
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 3 {
			phrases = append(phrases, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		}
	}
	return strings.Join(phrases, " AND ")
}

package accounts

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

// MaxImport is how many accounts one import may create: each password is
// hashed with argon2id, about 40 ms of a core, so 500 take about ten
// seconds on two cores.
const MaxImport = 500

// MaxImportBytes bounds the size of an import file (500 accounts take far
// less).
const MaxImportBytes = 1 << 20

// ImportColumns are the columns an import file may have, in any order;
// the first three are required.
var ImportColumns = []string{"username", "name", "email", "role", "department", "student_id", "password"}

// ImportRow is an account read from line Line of an import file.
type ImportRow struct {
	Line int
	NewUser
}

// Imported is an account an import created, with the password it was
// given when its row had none (to be handed to its owner; shown once).
type Imported struct {
	User      domain.User
	Generated string
}

// ParseCSV reads the accounts of a CSV file whose first line names its
// columns (ImportColumns). It checks the shape of the file only; Import
// checks the accounts.
func ParseCSV(r io.Reader) ([]ImportRow, error) {
	// Spreadsheets write a byte-order mark, before a quoted header too.
	br := bufio.NewReader(&capped{r: r, left: MaxImportBytes})
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, domain.Invalid("csv", "The file is empty: its first line names the columns (%s).", strings.Join(ImportColumns, ", "))
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue // a spreadsheet's empty column: its cells are ignored
		}
		if !slices.Contains(ImportColumns, h) {
			return nil, domain.Invalid("csv", "Line 1: unknown column %q; the columns are %s.", h, strings.Join(ImportColumns, ", "))
		}
		if _, dup := col[h]; dup {
			return nil, domain.Invalid("csv", "Line 1: the column %q is named twice.", h)
		}
		col[h] = i
	}
	for _, need := range ImportColumns[:3] {
		if _, ok := col[need]; !ok {
			return nil, domain.Invalid("csv", "Line 1: the column %q is missing; username, name and email are required.", need)
		}
	}
	var rows []ImportRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue // a spreadsheet's empty row (",,,")
		}
		if len(rows) == MaxImport {
			return nil, domain.Invalid("csv", "The file has more than %d accounts: split it.", MaxImport)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				if name == "password" {
					return rec[i] // as written: spaces may be part of it
				}
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		for _, f := range rec {
			if !utf8.ValidString(f) || strings.ContainsRune(f, 0) {
				return nil, domain.Invalid("csv", "Line %d is not valid UTF-8 text: save the file as CSV UTF-8.", line)
			}
		}
		rows = append(rows, ImportRow{Line: line, NewUser: NewUser{
			Username: get("username"), Name: get("name"), Email: get("email"), Role: get("role"),
			Department: get("department"), StudentID: get("student_id"), Password: get("password"),
		}})
	}
	if len(rows) == 0 {
		return nil, domain.Invalid("csv", "The file names its columns but has no accounts.")
	}
	return rows, nil
}

// blank reports whether every field of rec is empty or spaces.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// capped reads r up to left bytes, then fails with errTooLarge rather than
// ending early (which would cut the file's last row silently).
type capped struct {
	r    io.Reader
	left int64
}

var errTooLarge = &domain.Error{Kind: domain.KindTooLarge, Field: "csv",
	Message: fmt.Sprintf("The file is larger than %d KiB: split it.", MaxImportBytes>>10)}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, errTooLarge
		}
		return 0, err // EOF, or an error, at the limit
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

func csvError(err error) error {
	if errors.Is(err, errTooLarge) {
		return errTooLarge
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return domain.Invalid("csv", "Line %d: %v.", pe.Line, pe.Err)
	}
	return domain.Invalid("csv", "The file cannot be read as CSV: %v.", err)
}

// errEmptySite: the first account is the administrator, made on purpose
// rather than by being the first line of a file.
var errEmptySite = domain.Invalid("csv", "There are no accounts yet: create the first one (the administrator) before importing others.")

// rowError names the line of an import at fault in err's message.
func rowError(line int, err error) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return fmt.Errorf("line %d: %w", line, err)
	}
	return &domain.Error{Kind: de.Kind, Field: "csv", Message: fmt.Sprintf("Line %d: %s", line, de.Message)}
}

// ValidateImport checks rows as Import would, without touching the store:
// what it refuses before writing anything.
func ValidateImport(rows []ImportRow) error {
	_, _, err := prepareImport(rows)
	return err
}

// prepareImport checks every row and the clashes between rows, and gives a
// password to the rows without one.
func prepareImport(rows []ImportRow) ([]checked, []Imported, error) {
	if len(rows) == 0 {
		return nil, nil, domain.Invalid("csv", "There are no accounts to create.")
	}
	if len(rows) > MaxImport {
		return nil, nil, domain.Invalid("csv", "At most %d accounts are created at once: split the file.", MaxImport)
	}
	cs := make([]checked, len(rows))
	out := make([]Imported, len(rows))
	usernames, emails := map[string]int{}, map[string]int{}
	for i, row := range rows {
		in := row.NewUser
		in.Token, in.Admin = "", false
		if in.Password == "" {
			in.Password = auth.NewToken()
			out[i].Generated = in.Password
		}
		c, err := check(in)
		if err != nil {
			return nil, nil, rowError(row.Line, err)
		}
		if other, dup := usernames[c.user.Username]; dup {
			return nil, nil, rowError(row.Line, domain.Conflict("username", "the username %s is also on line %d.", c.user.Username, other))
		}
		if other, dup := emails[c.user.Email]; dup {
			return nil, nil, rowError(row.Line, domain.Conflict("email", "the email address %s is also on line %d.", c.user.Email, other))
		}
		usernames[c.user.Username], emails[c.user.Email] = row.Line, row.Line
		cs[i] = c
	}
	return cs, out, nil
}

// Import creates the accounts of rows on an operator's word, all or none:
// a row that breaks a rule, or clashes with another row or an existing
// account, creates nothing and is named in the error. A row without a
// password gets a generated one. No row makes an admin, and an empty site
// takes no import: its first account, the admin, is made on purpose.
func (s *Service) Import(ctx context.Context, rows []ImportRow) ([]Imported, error) {
	cs, out, err := prepareImport(rows)
	if err != nil {
		return nil, err
	}
	if n, err := s.Store.CountUsers(ctx); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, errEmptySite
	}
	// Hash every password before writing anything, a cancelled request
	// stopping here. The import leaves one of the Hasher's slots free, so
	// that the site's logins do not wait for the whole file.
	hashes := make([]string, len(cs))
	errs := make([]error, len(cs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, s.Hasher.Concurrency()-1) {
		wg.Go(func() {
			for i := range next {
				hashes[i], errs[i] = s.Hasher.Hash(ctx, cs[i].password)
			}
		})
	}
	for i := range cs {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("hash passwords: %w", err)
		}
	}
	now := s.now()
	err = s.Store.Atomic(ctx, func(q store.Queries) error {
		if err := q.Lock(ctx, "first-user"); err != nil {
			return err
		}
		n, err := q.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return errEmptySite
		}
		for i, c := range cs {
			u := c.user
			u.PasswordHash, u.Created, u.Updated = hashes[i], now, now
			if out[i].User, err = q.CreateUser(ctx, u); err != nil {
				return rowError(rows[i].Line, conflict(err))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

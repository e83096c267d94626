package accounts

import (
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
	cr := csv.NewReader(r)
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
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) // spreadsheets write a byte-order mark
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
		if len(rows) == MaxImport {
			return nil, domain.Invalid("csv", "The file has more than %d accounts: split it.", MaxImport)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
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

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return domain.Invalid("csv", "Line %d: %v.", pe.Line, pe.Err)
	}
	return domain.Invalid("csv", "The file cannot be read as CSV: %v.", err)
}

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
// password gets a generated one. No row makes an admin (but the first
// account ever, as always).
func (s *Service) Import(ctx context.Context, rows []ImportRow) ([]Imported, error) {
	cs, out, err := prepareImport(rows)
	if err != nil {
		return nil, err
	}
	// Hash every password before writing anything; the Hasher bounds how
	// many run at once, and a cancelled request stops here.
	hashes := make([]string, len(cs))
	errs := make([]error, len(cs))
	var wg sync.WaitGroup
	for i := range cs {
		wg.Go(func() { hashes[i], errs[i] = s.Hasher.Hash(ctx, cs[i].password) })
	}
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
		for i, c := range cs {
			u := c.user
			u.PasswordHash, u.Created, u.Updated = hashes[i], now, now
			u.Admin = n == 0 && i == 0 // the first account ever is an admin
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

package accounts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/domain"
)

func importCSV(t *testing.T, s *accounts.Service, text string) ([]accounts.Imported, error) {
	t.Helper()
	rows, err := accounts.ParseCSV(strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	return s.Import(context.Background(), rows)
}

func countUsers(t *testing.T, s *accounts.Service) int {
	t.Helper()
	n, err := s.Store.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImport(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, newUser("root")); err != nil { // the first account: the admin
		t.Fatal(err)
	}
	// A spreadsheet's export: byte-order mark, headers in another case and
	// order, a quoted name with a comma, a row without a password.
	file := "\ufeffEmail,Username,Name,Role,Department,Student_ID,Password\r\n" +
		"an@example.edu,An,\"Nguyễn, Văn An\",student,Physics,S-1,an-secret-1\r\n" +
		"binh@example.edu,binh,Trần Bình,judge,,,\r\n"
	got, err := importCSV(t, s, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("imported %d accounts; want 2", len(got))
	}
	an, binh := got[0], got[1]
	if an.User.Username != "an" || an.User.Name != "Nguyễn, Văn An" || an.User.Role != domain.RoleStudent ||
		an.User.Department != "Physics" || an.User.StudentID != "S-1" || an.User.Admin || an.Generated != "" {
		t.Errorf("first row = %+v", an)
	}
	if binh.User.Role != domain.RoleJudge || binh.User.Admin || len(binh.Generated) < 20 {
		t.Errorf("second row = %+v; want a judge with a generated password", binh)
	}
	for _, c := range []struct{ user, password string }{{"an", "an-secret-1"}, {"binh", binh.Generated}} {
		if _, err := s.Authenticate(ctx, c.user, c.password, "10.0.0.1"); err != nil {
			t.Errorf("log in as %s with the imported password: %v", c.user, err)
		}
	}
	if u, _ := s.User(ctx, "root"); !u.Admin {
		t.Error("the first account lost its admin flag")
	}
}

// What spreadsheets write: a byte-order mark before a quoted header, an
// empty last column, empty rows; and passwords keep their spaces.
func TestImportSpreadsheetFiles(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, newUser("root")); err != nil {
		t.Fatal(err)
	}
	file := "\ufeff\"username\",\"name\",\"email\",\"password\",\r\n" +
		"\"lan\",\"Lan\",\"lan@example.edu\",\"  two spaces  \",\r\n" +
		",,,,\r\n" +
		"\"minh\",\"Minh\",\"minh@example.edu\",\"minh-secret\",\r\n" +
		",,,,\r\n"
	got, err := importCSV(t, s, file)
	if err != nil || len(got) != 2 {
		t.Fatalf("import = %+v, %v; want lan and minh", got, err)
	}
	if _, err := s.Authenticate(ctx, "lan", "  two spaces  ", "10.0.0.1"); err != nil {
		t.Errorf("the password with its spaces: %v", err)
	}
	if _, err := s.Authenticate(ctx, "lan", "two spaces", "10.0.0.2"); err == nil {
		t.Error("the password without its spaces was accepted: it was trimmed")
	}
}

// The first account, the administrator, is not made by an import.
func TestImportIntoAnEmptySite(t *testing.T) {
	s := newService(t)
	_, err := importCSV(t, s, "username,name,email\nfirst,First,first@example.edu\n")
	if domain.KindOf(err) != domain.KindInvalid || !strings.Contains(fmt.Sprint(err), "first one") {
		t.Errorf("import into an empty site: %v; want refused", err)
	}
	if n := countUsers(t, s); n != 0 {
		t.Errorf("%d accounts created", n)
	}
}

// A file with one bad row creates nothing, and the message names the line.
func TestImportRefusals(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, newUser("taken")); err != nil {
		t.Fatal(err)
	}
	head := "username,name,email\n"
	ok := "ok1,One,ok1@example.edu\n"
	var many strings.Builder
	many.WriteString(head)
	for i := range accounts.MaxImport + 1 {
		fmt.Fprintf(&many, "m%d,M,m%d@example.edu\n", i, i)
	}
	for _, c := range []struct {
		name, file string
		kind       domain.Kind
		mention    string
	}{
		{"empty file", "", domain.KindInvalid, "empty"},
		{"no rows", head, domain.KindInvalid, "no accounts"},
		{"unknown column", "username,name,email,shoe_size\n", domain.KindInvalid, "shoe_size"},
		{"missing column", "username,name\nx,X\n", domain.KindInvalid, "email"},
		{"column twice", "username,name,email,name\n", domain.KindInvalid, "twice"},
		{"ragged row", head + ok + "short,row\n", domain.KindInvalid, "line 3"},
		{"bad email", head + ok + "bad,Bad,not-an-email\n", domain.KindInvalid, "line 3"},
		{"bad role", head[:len(head)-1] + ",role\nok1,One,ok1@example.edu,student\nr,R,r@example.edu,wizard\n", domain.KindInvalid, "line 3"},
		{"short password", "username,name,email,password\nok1,One,ok1@example.edu,\np,P,p@example.edu,abc\n", domain.KindInvalid, "line 3"},
		{"username twice in the file", head + ok + "OK1,Other,other@example.edu\n", domain.KindConflict, "line 2"},
		{"email twice in the file", head + ok + "ok2,Two,OK1@example.edu\n", domain.KindConflict, "line 2"},
		{"username of an existing account", head + ok + "taken,T,t2@example.edu\n", domain.KindConflict, "line 3"},
		{"email of an existing account", head + ok + "new,N,taken@example.edu\n", domain.KindConflict, "line 3"},
		{"too many rows", many.String(), domain.KindInvalid, fmt.Sprint(accounts.MaxImport)},
		{"not UTF-8", head + "lat,\xe9t\xe9,lat@example.edu\n", domain.KindInvalid, "utf-8"},
		{"too large", head + "big,Big,big@example.edu\n" + strings.Repeat("#", accounts.MaxImportBytes), domain.KindTooLarge, "larger"},
	} {
		before := countUsers(t, s)
		_, err := importCSV(t, s, c.file)
		if domain.KindOf(err) != c.kind || !strings.Contains(strings.ToLower(fmt.Sprint(err)), strings.ToLower(c.mention)) {
			t.Errorf("%s: %v (kind %v); want kind %v mentioning %q", c.name, err, domain.KindOf(err), c.kind, c.mention)
		}
		if after := countUsers(t, s); after != before {
			t.Errorf("%s: %d accounts created; want none", c.name, after-before)
		}
	}
}

package web

// HTTP-level tests of issue 5 (academic evaluation): the permission table
// of grading and exporting, the grade scale, means of judges and the
// weighted final grade, the audit trail, adjustments, judges, publication,
// the assistant's overview and statistics, and the transcripts in CSV,
// XLSX and PDF.

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/domain"
)

// Names with diacritics, for the transcripts.
const (
	grPhong = "Nguyễn Gia Phong"
	grAnh   = "Đặng Thị Ánh"
)

// gradingFixture is an ICT project "Thesis" created by the student stu,
// with the student stu2 and the supervisor sup as members, task #1
// assigned to stu, and the judge "judge" assigned by the ICT assistant.
// Others: out (non-member student), outsup (non-member supervisor), judge2
// and judge3 (judges not assigned), asst2 (assistant of Law).
type gradingFixture struct {
	s  *site
	id int64
	p  string // "/p/{id}"
	c  map[string]*client
}

// grUser creates an account of any role, department, name and student id
// and returns a client logged in as it.
func (s *site) grUser(t *testing.T, username, role, dept, name, studentID string) *client {
	t.Helper()
	if name == "" {
		name = "Name " + username
	}
	if _, err := s.srv.Accounts.Create(context.Background(), accounts.NewUser{Username: username, Password: "password-" + username,
		Name: name, Email: username + "@example.edu", Role: role, Department: dept, StudentID: studentID}); err != nil {
		t.Fatalf("create %s (%s): %v", username, role, err)
	}
	c := s.client(t)
	if r := c.post("/login", form("username", username, "password", "password-"+username)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", username, r.StatusCode, alert(r.body))
	}
	return c
}

func newGradingFixture(t *testing.T) *gradingFixture {
	t.Helper()
	s := newSite(t, domain.RegistrationOpen)
	f := &gradingFixture{s: s, c: map[string]*client{"guest": s.client(t)}}
	f.c["stu"] = s.grUser(t, "stu", "student", "ICT", grPhong, "BI9-184")
	f.c["stu2"] = s.grUser(t, "stu2", "student", "ICT", grAnh, "BI9-201")
	f.c["sup"] = s.grUser(t, "sup", "supervisor", "ICT", "", "")
	f.c["out"] = s.grUser(t, "out", "student", "ICT", "", "")
	f.c["outsup"] = s.grUser(t, "outsup", "supervisor", "ICT", "", "")
	f.c["judge"] = s.grUser(t, "judge", "judge", "", "", "")
	f.c["judge2"] = s.grUser(t, "judge2", "judge", "", "", "")
	f.c["judge3"] = s.grUser(t, "judge3", "judge", "", "", "")
	f.c["asst"] = s.grUser(t, "asst", "assistant", "ICT", "", "")
	f.c["asst2"] = s.grUser(t, "asst2", "assistant", "Law", "", "")
	f.id = f.c["stu"].newProject("Thesis", "description", "A thesis.")
	f.p = fmt.Sprintf("/p/%d", f.id)
	f.c["stu"].invite(f.id, "stu2")
	f.c["stu"].invite(f.id, "sup")
	f.c["stu"].newTask(f.id, "Write tests", "assignee", "stu")
	f.assign(t, "judge")
	return f
}

// assign makes username a judge of the project, as the ICT assistant.
func (f *gradingFixture) assign(t *testing.T, username string) {
	t.Helper()
	seeOther(t, "assign "+username, f.c["asst"].post(f.p+"/judges", form("username", username)), f.p+"/grades")
}

// grade posts a grade to path (relative to the project) as who and wants
// a 303 to the grades tab.
func (f *gradingFixture) grade(t *testing.T, who, path, grade, comment string) {
	t.Helper()
	seeOther(t, fmt.Sprintf("%s grades %s %s", who, path, grade),
		f.c[who].post(f.p+path, form("grade", grade, "comment", comment)), f.p+"/grades")
}

// publish publishes the results as the ICT assistant.
func (f *gradingFixture) publish(t *testing.T) {
	t.Helper()
	seeOther(t, "publish", f.c["asst"].post(f.p+"/publish", nil), f.p+"/grades")
}

// tab returns the grades tab as who, wanting 200.
func (f *gradingFixture) tab(t *testing.T, who string) string {
	t.Helper()
	r := f.c[who].get(f.p + "/grades")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("grades tab as %s: %d (%s)", who, r.StatusCode, alert(r.body))
	}
	return r.body
}

var grTags = regexp.MustCompile(`<[^>]*>`)

// grText is the text of an HTML fragment, unescaped and with spaces
// collapsed.
func grText(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(grTags.ReplaceAllString(s, " "))), " ")
}

// grCells returns the grade and the "by" cell of a criterion's row of the
// grades table ("Outcome", "Report", "Presentation", "Final").
func grCells(body, criterion string) (grade, by string) {
	row := htmlSection(body, `<th scope="row">`+criterion+`</th>`, `</tr>`)
	if row == "" {
		return "", ""
	}
	cells := strings.Split(row, "<td")
	if len(cells) > 1 {
		grade = grText("<td" + cells[1])
	}
	if len(cells) > 2 {
		by = grText("<td" + cells[2])
	}
	return grade, by
}

// grNumber parses a grade cell, failing the test if it is not a number.
func grNumber(t *testing.T, what, cell string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(cell, 64)
	if err != nil {
		t.Fatalf("%s: %q is not a grade", what, cell)
	}
	return v
}

// wantCell checks the grade shown for a criterion on the grades tab.
func wantCell(t *testing.T, who, body, criterion, want string) {
	t.Helper()
	if got, _ := grCells(body, criterion); got != want {
		t.Errorf("%s sees %s grade %q; want %q", who, criterion, got, want)
	}
}

// trailRow is one line of the audit trail.
type trailRow struct{ Who, What, Grade, Comment string }

var trailLine = regexp.MustCompile(`(?s)<tr><td><time[^>]*>.*?</time></td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>`)

// grTrail reads the audit trail of a grades tab (nil when it has none).
func grTrail(body string) []trailRow {
	var out []trailRow
	for _, m := range trailLine.FindAllStringSubmatch(htmlSection(body, `<table class="trail">`, `</table>`), -1) {
		out = append(out, trailRow{grText(m[1]), grText(m[2]), grText(m[3]), grText(m[4])})
	}
	return out
}

func hasTrailRow(rows []trailRow, want trailRow) bool {
	for _, r := range rows {
		if r == want {
			return true
		}
	}
	return false
}

var studentLine = regexp.MustCompile(`<li><a href="/u/([^"]+)">[^<]*</a>:(.*?)</li>`)

// grStudents reads the students' final grades shown on a grades tab.
func grStudents(body string) map[string]string {
	out := map[string]string{}
	for _, m := range studentLine.FindAllStringSubmatch(htmlSection(body, `<h3>Students</h3>`, `</ul>`), -1) {
		out[m[1]] = grText(m[2])
	}
	return out
}

// standings are the columns of the permission table, in order.
var grStandings = []string{"guest", "stu", "sup", "out", "outsup", "judge", "judge2", "asst", "asst2"}

// TestGradingPermissionTable drives every grading and exporting route as
// each standing: guest, student member, supervisor member, non-member
// student and supervisor, assigned and unassigned judge, assistant of the
// project's department and of another.
func TestGradingPermissionTable(t *testing.T) {
	f := newGradingFixture(t)
	p := f.p
	const (
		//           guest stu sup out outsup judge judge2 asst asst2
		judgeOnly  = "401 403 403 403 403 303 403 403 403"
		supOnly    = "401 403 303 403 403 403 403 403 403"
		asstOnly   = "401 403 403 403 403 403 403 303 403"
		export     = "401 403 403 403 403 403 403 200 403"
		department = "401 403 403 403 403 403 403 200 200" // asst2 sees their own department
		tab        = "401 200 200 403 403 200 403 200 403"
	)
	ensureJudge3 := func() {
		r := f.c["asst"].post(p+"/judges", form("username", "judge3"))
		if r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusConflict {
			t.Fatalf("assign judge3: %d %s", r.StatusCode, alert(r.body))
		}
	}
	rows := []struct {
		name, method, path string
		form               url.Values
		want, location     string
		before, after      func()
	}{
		{"grades tab", "GET", p + "/grades", nil, tab, "", nil, nil},
		{"grade report", "POST", p + "/report/eval", form("grade", "12", "comment", "ok"), judgeOnly, p + "/grades", nil, nil},
		{"grade slides", "POST", p + "/slides/eval", form("grade", "13", "comment", "ok"), judgeOnly, p + "/grades", nil, nil},
		{"grade outcome", "POST", p + "/eval", form("grade", "14", "comment", "ok"), supOnly, p + "/grades", nil, nil},
		{"grade task", "POST", p + "/tasks/1/eval", form("grade", "15", "comment", "ok"), supOnly, p + "/tasks/1", nil, nil},
		{"adjust", "POST", p + "/adjust", form("student", "stu", "delta", "1", "reason", "helped"), supOnly, p + "/grades", nil, nil},
		{"publish", "POST", p + "/publish", nil, asstOnly, p + "/grades", nil, nil},
		{"assign judge", "POST", p + "/judges", form("username", "judge3"), asstOnly, p + "/grades", nil, func() {
			seeOther(t, "unassign judge3", f.c["asst"].post(p+"/judges/remove", form("username", "judge3")), p+"/grades")
		}},
		{"unassign judge", "POST", p + "/judges/remove", form("username", "judge3"), asstOnly, p + "/grades", ensureJudge3, nil},
		{"project transcript CSV", "GET", p + "/transcript.csv", nil, export, "", nil, nil},
		{"project transcript XLSX", "GET", p + "/transcript.xlsx", nil, export, "", nil, nil},
		{"project transcript PDF", "GET", p + "/transcript.pdf", nil, export, "", nil, nil},
		{"department overview", "GET", "/a", nil, department, "", nil, nil},
		{"statistics", "GET", "/a/stats", nil, department, "", nil, nil},
		{"department transcript CSV", "GET", "/a/transcript.csv", nil, department, "", nil, nil},
		{"department transcript XLSX", "GET", "/a/transcript.xlsx", nil, department, "", nil, nil},
		{"department transcript PDF", "GET", "/a/transcript.pdf", nil, department, "", nil, nil},
	}
	for _, row := range rows {
		want := strings.Fields(row.want)
		for i, who := range grStandings {
			if row.before != nil {
				row.before()
			}
			var r response
			if row.method == "GET" {
				r = f.c[who].get(row.path)
			} else {
				r = f.c[who].post(row.path, row.form)
			}
			what := fmt.Sprintf("%s %s (%s) as %s", row.method, row.path, row.name, who)
			if got := strconv.Itoa(r.StatusCode); got != want[i] {
				t.Errorf("%s: %s; want %s (%s)", what, got, want[i], alert(r.body))
			}
			if r.StatusCode >= 400 && alert(r.body) == "" {
				t.Errorf("%s: error page without a message", what)
			}
			if r.StatusCode == http.StatusSeeOther && r.Header.Get("Location") != row.location {
				t.Errorf("%s: 303 to %q; want %q", what, r.Header.Get("Location"), row.location)
			}
			if r.StatusCode < 400 && row.after != nil {
				row.after()
			}
		}
	}
}

// TestGradingScale: on the default scale 0–20 by quarters, 21, -1 and
// 12.3 are refused with the allowed range, 12.25 is accepted, for every
// kind of grade.
func TestGradingScale(t *testing.T) {
	f := newGradingFixture(t)
	for _, c := range []struct{ who, path, criterion string }{
		{"sup", "/eval", "Outcome"},
		{"judge", "/report/eval", "Report"},
		{"judge", "/slides/eval", "Presentation"},
		{"sup", "/tasks/1/eval", ""},
	} {
		for _, bad := range []string{"21", "-1", "12.3", "20.25", "abc", "", "1e1", "NaN", "--1", "99999999999", "12.2.5"} {
			r := f.c[c.who].post(f.p+c.path, form("grade", bad, "comment", "refused"))
			wantMessage(t, fmt.Sprintf("%s grade %q", c.path, bad), r, http.StatusUnprocessableEntity, "from 0 to 20")
			if !strings.Contains(alert(r.body), "0.25") {
				t.Errorf("%s grade %q: the message %q does not give the step", c.path, bad, alert(r.body))
			}
		}
		for _, good := range []string{"12.25", "0", "20"} {
			r := f.c[c.who].post(f.p+c.path, form("grade", good, "comment", "fine"))
			if r.StatusCode != http.StatusSeeOther {
				t.Errorf("%s grade %q: %d (%s); want 303", c.path, good, r.StatusCode, alert(r.body))
			}
		}
		f.c[c.who].post(f.p+c.path, form("grade", "12.25", "comment", "<script>alert(1)</script>"))
		if c.criterion != "" {
			body := f.tab(t, "asst")
			wantCell(t, "asst", body, c.criterion, "12.25")
			if strings.Contains(body, "<script>alert") {
				t.Error("a grade's comment reached the page as markup")
			}
		}
	}
	task := f.c["sup"].get(f.p + "/tasks/1")
	if ev := htmlSection(task.body, `<section aria-labelledby="task-grade">`, `</section>`); !strings.Contains(ev, "12.25") || strings.Contains(ev, "refused") {
		t.Errorf("task #1 after refused and accepted grades shows:\n%s", ev)
	}
	if trail := grTrail(f.tab(t, "asst")); hasTrailRow(trail, trailRow{"Name sup", "Outcome", "21", "refused"}) {
		t.Error("a refused grade reached the audit trail")
	}
}

// TestGradingMeansFinalAndAuditTrail: the report grade is the mean of the
// assigned judges', the final grade the weighted sum; a revision replaces
// a grade but the audit trail (assistants and the grader only) keeps the
// old one; an unassigned judge's grades stop counting.
func TestGradingMeansFinalAndAuditTrail(t *testing.T) {
	f := newGradingFixture(t)
	f.assign(t, "judge2")
	f.grade(t, "judge", "/report/eval", "12", "first reading")
	f.grade(t, "judge2", "/report/eval", "14", "sharp prose")
	f.grade(t, "sup", "/eval", "16.5", "solid work")
	f.grade(t, "judge", "/slides/eval", "15", "clear talk")
	f.grade(t, "judge2", "/slides/eval", "16", "good answers")

	body := f.tab(t, "asst")
	wantCell(t, "asst", body, "Report", "13")
	wantCell(t, "asst", body, "Outcome", "16.5")
	wantCell(t, "asst", body, "Presentation", "15.5")
	final := func(body string) {
		t.Helper()
		o, _ := grCells(body, "Outcome")
		r, _ := grCells(body, "Report")
		p, _ := grCells(body, "Presentation")
		fin, _ := grCells(body, "Final")
		want := 0.5*grNumber(t, "outcome", o) + 0.25*grNumber(t, "report", r) + 0.25*grNumber(t, "presentation", p)
		if got := grNumber(t, "final", fin); math.Abs(got-want) > 1e-9 {
			t.Errorf("final grade %v; want 0.5×%s + 0.25×%s + 0.25×%s = %v", got, o, r, p, want)
		}
	}
	final(body)
	wantCell(t, "asst", body, "Final", "15.375")
	for who, want := range map[string]string{"stu": "15.375", "stu2": "15.375"} {
		if got := grStudents(body)[who]; got != want {
			t.Errorf("student %s's final grade %q; want %q", who, got, want)
		}
	}

	// Revision.
	f.grade(t, "judge", "/report/eval", "10", "second reading")
	body = f.tab(t, "asst")
	wantCell(t, "asst", body, "Report", "12")
	if _, by := grCells(body, "Report"); !strings.Contains(by, "Name judge: 10") || strings.Contains(by, "Name judge: 12") ||
		strings.Contains(by, "first reading") {
		t.Errorf("report graders after the revision: %q; want the judge's 10 only", by)
	}
	final(body)
	wantCell(t, "asst", body, "Final", "15.125")
	old := trailRow{"Name judge", "Report", "12", "first reading"}
	revised := trailRow{"Name judge", "Report", "10", "second reading"}
	other := trailRow{"Name judge2", "Report", "14", "sharp prose"}
	for _, c := range []struct {
		who  string
		want map[trailRow]bool
	}{
		{"asst", map[trailRow]bool{old: true, revised: true, other: true}},
		{"judge", map[trailRow]bool{old: true, revised: true, other: false}},
		{"judge2", map[trailRow]bool{old: false, revised: false, other: true}},
		{"sup", map[trailRow]bool{old: false, revised: false, other: false}},
	} {
		body := f.tab(t, c.who)
		trail := grTrail(body)
		for row, want := range c.want {
			if hasTrailRow(trail, row) != want {
				t.Errorf("%s's audit trail holds %+v: %v; want %v (trail %+v)", c.who, row, !want, want, trail)
			}
		}
		if c.who != "asst" && c.who != "judge" && strings.Contains(body, "first reading") {
			t.Errorf("%s sees the judge's old comment", c.who)
		}
	}
	f.publish(t)
	for _, who := range []string{"stu", "stu2"} {
		body := f.tab(t, who)
		if trail := grTrail(body); trail != nil || strings.Contains(body, "Audit trail") || strings.Contains(body, "first reading") {
			t.Errorf("student %s sees the audit trail: %+v", who, trail)
		}
		wantCell(t, who, body, "Report", "12")
	}

	// Unassigning judge2: their grades stop counting but stay in the trail.
	seeOther(t, "unassign judge2", f.c["asst"].post(f.p+"/judges/remove", form("username", "judge2")), f.p+"/grades")
	body = f.tab(t, "asst")
	wantCell(t, "asst", body, "Report", "10")
	wantCell(t, "asst", body, "Presentation", "15")
	final(body)
	if _, by := grCells(body, "Report"); strings.Contains(by, "judge2") {
		t.Errorf("the unassigned judge still counts: %q", by)
	}
	if !hasTrailRow(grTrail(body), other) {
		t.Error("the unassigned judge's grade left the audit trail")
	}
	wantStatus(t, "unassigned judge opens the grades tab", f.c["judge2"].get(f.p+"/grades"), http.StatusForbidden)
	wantStatus(t, "unassigned judge grades", f.c["judge2"].post(f.p+"/report/eval", form("grade", "20", "comment", "x")), http.StatusForbidden)
	wantCell(t, "stu", f.tab(t, "stu"), "Report", "10")
}

// TestGradingAdjustment: a supervisor adjusts a student's grade within ±2
// with a reason; the student's final is the project's plus the adjustment,
// kept on the scale; the rest is refused with 422.
func TestGradingAdjustment(t *testing.T) {
	f := newGradingFixture(t)
	f.grade(t, "sup", "/eval", "19.5", "")
	f.grade(t, "judge", "/report/eval", "19.5", "")
	f.grade(t, "judge", "/slides/eval", "19.5", "")
	seeOther(t, "adjust +2", f.c["sup"].post(f.p+"/adjust", form("student", "stu", "delta", "2", "reason", "Led the team")), f.p+"/grades")
	seeOther(t, "adjust -1.75", f.c["sup"].post(f.p+"/adjust", form("student", "STU2", "delta", "-1.75", "reason", "Missed the rehearsal")), f.p+"/grades")

	for _, who := range []string{"sup", "asst"} {
		body := f.tab(t, who)
		wantCell(t, who, body, "Final", "19.5")
		got := grStudents(body)
		if got["stu"] != "20 (adjusted +2: Led the team)" || got["stu2"] != "17.75 (adjusted -1.75: Missed the rehearsal)" {
			t.Errorf("%s sees the students' grades %q; want stu 19.5+2 kept at 20, stu2 19.5-1.75 = 17.75", who, got)
		}
		trail := grTrail(body)
		for _, want := range []trailRow{
			{"Name sup", "Adjustment of " + grPhong, "+2", "Led the team"},
			{"Name sup", "Adjustment of " + grAnh, "-1.75", "Missed the rehearsal"},
		} {
			if !hasTrailRow(trail, want) {
				t.Errorf("%s's audit trail lacks %+v: %+v", who, want, trail)
			}
		}
	}

	for _, c := range []struct {
		name        string
		form        url.Values
		wantMessage string
	}{
		{"2.25", form("student", "stu", "delta", "2.25", "reason", "too much"), "2"},
		{"-3", form("student", "stu", "delta", "-3", "reason", "too much"), "2"},
		{"off step", form("student", "stu", "delta", "0.3", "reason", "odd"), "0.25"},
		{"not a number", form("student", "stu", "delta", "lots", "reason", "odd"), "2"},
		{"no reason", form("student", "stu", "delta", "1"), "reason"},
		{"blank reason", form("student", "stu", "delta", "1", "reason", "   "), "reason"},
		{"a supervisor", form("student", "sup", "delta", "1", "reason", "why not"), "sup"},
		{"a non-member", form("student", "out", "delta", "1", "reason", "why not"), "out"},
		{"nobody", form("student", "nobody", "delta", "1", "reason", "why not"), "nobody"},
	} {
		wantMessage(t, "adjustment "+c.name, f.c["sup"].post(f.p+"/adjust", c.form), http.StatusUnprocessableEntity, c.wantMessage)
	}
	if got := grStudents(f.tab(t, "sup"))["stu"]; got != "20 (adjusted +2: Led the team)" {
		t.Errorf("after refused adjustments stu's grade is %q", got)
	}
}

// grTranscriptHeader is the header of every transcript.
var grTranscriptHeader = []string{"Student ID", "Name", "Username", "Project", "Outcome", "Report", "Presentation", "Adjustment", "Final grade"}

// exportFixture adds to the grading fixture the graded project "Thesis"
// (stu2 adjusted +1), the ungraded ICT project "Robotics" of stu3 and the
// Law project "Contracts" of lawstu.
func exportFixture(t *testing.T) *gradingFixture {
	f := newGradingFixture(t)
	f.grade(t, "sup", "/eval", "16.5", "")
	f.grade(t, "judge", "/report/eval", "13", "")
	f.grade(t, "judge", "/slides/eval", "15.5", "")
	seeOther(t, "adjust", f.c["sup"].post(f.p+"/adjust", form("student", "stu2", "delta", "1", "reason", "Extra work")), f.p+"/grades")
	f.c["stu3"] = f.s.grUser(t, "stu3", "student", "ICT", "Lê Văn Cường", "BI9-333")
	f.c["stu3"].newProject("Robotics")
	f.c["lawstu"] = f.s.grUser(t, "lawstu", "student", "Law", "Law Student", "L-1")
	f.c["lawstu"].newProject("Contracts")
	return f
}

// grDownload gets a transcript as the ICT assistant, checking its type.
func (f *gradingFixture) grDownload(t *testing.T, path, contentType string) []byte {
	t.Helper()
	r := f.c["asst"].get(path)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d (%s)", path, r.StatusCode, alert(r.body))
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
		t.Errorf("GET %s: Content-Type %q; want %s", path, ct, contentType)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("GET %s: Content-Disposition %q; want an attachment", path, cd)
	}
	return []byte(r.body)
}

// TestTranscriptExports: the CSV parses with encoding/csv and holds one
// row per student of the department; the XLSX holds the same rows in one
// sheet per department; the PDF's text holds every name with its
// diacritics.
func TestTranscriptExports(t *testing.T) {
	f := exportFixture(t)
	want := [][]string{
		grTranscriptHeader,
		{"BI9-184", grPhong, "stu", "Thesis", "16.5", "13", "15.5", "", "15.375"},
		{"BI9-201", grAnh, "stu2", "Thesis", "16.5", "13", "15.5", "1", "16.375"},
		{"BI9-333", "Lê Văn Cường", "stu3", "Robotics", "", "", "", "", ""},
	}
	byUsername := func(rows [][]string) [][]string {
		out := append([][]string(nil), rows...)
		sort.SliceStable(out[1:], func(i, j int) bool { return out[1+i][2] < out[1+j][2] })
		return out
	}
	check := func(what string, got, want [][]string) {
		t.Helper()
		if len(got) == 0 || fmt.Sprint(got[0]) != fmt.Sprint(grTranscriptHeader) {
			t.Errorf("%s: header %q; want %q", what, got[:min(1, len(got))], grTranscriptHeader)
			return
		}
		got, want = byUsername(got), byUsername(want)
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Errorf("%s:\n got %q\nwant %q", what, got, want)
		}
	}

	// CSV.
	data := f.grDownload(t, "/a/transcript.csv", "text/csv")
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("the department CSV does not parse: %v\n%s", err, data)
	}
	check("department CSV", records, want)
	if !bytes.Contains(data, []byte("\r\n")) {
		t.Error("the CSV lines do not end in CRLF (RFC 4180)")
	}
	data = f.grDownload(t, f.p+"/transcript.csv", "text/csv")
	records, err = csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("the project CSV does not parse: %v", err)
	}
	check("project CSV", records, want[:3])

	// XLSX.
	xl := func(path string) (sheets []string, rows map[string][][]string) {
		t.Helper()
		wb, err := excelize.OpenReader(bytes.NewReader(f.grDownload(t, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))
		if err != nil {
			t.Fatalf("%s does not open with excelize: %v", path, err)
		}
		defer wb.Close()
		rows = map[string][][]string{}
		for _, sh := range wb.GetSheetList() {
			got, err := wb.GetRows(sh)
			if err != nil {
				t.Fatalf("%s sheet %q: %v", path, sh, err)
			}
			for i := range got { // excelize leaves out trailing empty cells
				for len(got[i]) < len(grTranscriptHeader) {
					got[i] = append(got[i], "")
				}
			}
			rows[sh] = got
			panes, err := wb.GetPanes(sh)
			if err != nil || !panes.Freeze || panes.YSplit != 1 {
				t.Errorf("%s sheet %q: panes %+v, %v; want the header row frozen", path, sh, panes, err)
			}
		}
		return wb.GetSheetList(), rows
	}
	sheets, rows := xl("/a/transcript.xlsx")
	if len(sheets) != 1 || sheets[0] != "ICT" {
		t.Errorf("department XLSX sheets %q; want one sheet, ICT", sheets)
	}
	check("department XLSX", rows["ICT"], want)
	sheets, rows = xl(f.p + "/transcript.xlsx")
	if len(sheets) != 1 {
		t.Errorf("project XLSX sheets %q; want one", sheets)
	} else {
		check("project XLSX", rows[sheets[0]], want[:3])
	}

	// The Law assistant sees Law only.
	r := f.c["asst2"].get("/a/transcript.csv")
	records, err = csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if r.StatusCode != 200 || err != nil || len(records) != 2 || records[1][2] != "lawstu" {
		t.Errorf("Law transcript: %d, %v, %q; want the header and lawstu", r.StatusCode, err, records)
	}

	// PDF (last: without pdftotext the rest of the test is skipped).
	pdfData := f.grDownload(t, "/a/transcript.pdf", "application/pdf")
	if !bytes.HasPrefix(pdfData, []byte("%PDF-")) {
		t.Fatalf("the PDF transcript does not start with %%PDF-: %q", pdfData[:min(16, len(pdfData))])
	}
	text := grPDFText(t, pdfData)
	for _, name := range []string{grPhong, grAnh, "Lê Văn Cường", "Thesis", "Robotics"} {
		if !strings.Contains(text, name) {
			t.Errorf("the PDF's text lacks %q:\n%s", name, text)
		}
	}
	if strings.Contains(text, "Law Student") || strings.Contains(text, "Contracts") {
		t.Error("the ICT PDF holds a Law student")
	}
	text = grPDFText(t, f.grDownload(t, f.p+"/transcript.pdf", "application/pdf"))
	if !strings.Contains(text, grPhong) || !strings.Contains(text, grAnh) || strings.Contains(text, "Lê Văn Cường") {
		t.Errorf("the project PDF's text does not hold exactly the project's students:\n%s", text)
	}

}

// grPDFText extracts a PDF's text with pdftotext: missing, the test is
// skipped, or fails under CI=true.
func grPDFText(t *testing.T, data []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is required under CI to check the PDF transcript")
		}
		t.Skip("pdftotext (poppler-utils) is not installed: the PDF's text is not checked")
	}
	path := filepath.Join(t.TempDir(), "transcript.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestGradingPublication: a student sees "pending" and no grade until the
// assistant publishes; the staff see the grades at once.
func TestGradingPublication(t *testing.T) {
	f := newGradingFixture(t)
	f.grade(t, "sup", "/eval", "17.5", "outcome remark")
	f.grade(t, "judge", "/report/eval", "13.75", "report remark")
	f.grade(t, "judge", "/slides/eval", "14.25", "slides remark")
	secret := []string{"17.5", "13.75", "14.25", "15.75", "outcome remark", "report remark", "slides remark"}
	for _, who := range []string{"stu", "stu2"} {
		body := f.tab(t, who)
		if !strings.Contains(body, "pending") {
			t.Errorf("%s's grades tab before publishing does not say pending", who)
		}
		for _, s := range secret {
			if strings.Contains(body, s) {
				t.Errorf("%s sees %q before publishing", who, s)
			}
		}
		if strings.Contains(body, `class="grades"`) {
			t.Errorf("%s sees the grades table before publishing", who)
		}
	}
	for _, who := range []string{"sup", "judge", "asst"} {
		body := f.tab(t, who)
		wantCell(t, who, body, "Final", "15.75")
		wantCell(t, who, body, "Report", "13.75")
	}
	wantStatus(t, "a student publishes", f.c["stu"].post(f.p+"/publish", nil), http.StatusForbidden)
	f.publish(t)
	if r := f.c["asst"].get(f.p + "/grades"); !strings.Contains(r.body, "published") {
		t.Error("the grades tab does not say the results are published")
	}
	for _, who := range []string{"stu", "stu2"} {
		body := f.tab(t, who)
		for _, s := range secret {
			if !strings.Contains(body, s) {
				t.Errorf("%s does not see %q after publishing", who, s)
			}
		}
		wantCell(t, who, body, "Outcome", "17.5")
		wantCell(t, who, body, "Final", "15.75")
		if got := grStudents(body)[who]; got != "15.75" {
			t.Errorf("%s's own final grade %q; want 15.75", who, got)
		}
		if strings.Contains(body, "pending") {
			t.Errorf("%s still sees pending after publishing", who)
		}
	}
}

// TestGradingJudges: assigning judges, its refusals, and the judge's
// dashboard of what is left to grade.
func TestGradingJudges(t *testing.T) {
	f := newGradingFixture(t)
	asst := f.c["asst"]
	wantMessage(t, "assign an unknown user", asst.post(f.p+"/judges", form("username", "nobody")), http.StatusNotFound, "nobody")
	wantMessage(t, "assign a student", asst.post(f.p+"/judges", form("username", "stu2")), http.StatusUnprocessableEntity, "not a judge")
	wantMessage(t, "assign an assistant", asst.post(f.p+"/judges", form("username", "asst")), http.StatusUnprocessableEntity, "not a judge")
	wantMessage(t, "assign a judge twice", asst.post(f.p+"/judges", form("username", "JUDGE")), http.StatusConflict, "already")
	wantStatus(t, "unassign a judge not assigned", asst.post(f.p+"/judges/remove", form("username", "judge2")), http.StatusNotFound)
	wantStatus(t, "unassign an unknown user", asst.post(f.p+"/judges/remove", form("username", "nobody")), http.StatusNotFound)
	if body := f.tab(t, "asst"); !strings.Contains(body, `href="/u/judge"`) || strings.Contains(body, `href="/u/judge2"`) {
		t.Error("the grades tab does not list exactly the assigned judge")
	}

	toGrade := func(who string) string {
		t.Helper()
		r := f.c[who].get("/")
		if r.StatusCode != 200 {
			t.Fatalf("%s's dashboard: %d", who, r.StatusCode)
		}
		return grText(htmlSection(r.body, fmt.Sprintf(`<a href="%s/grades" class="pname">`, f.p), `</li>`))
	}
	if got := toGrade("judge"); !strings.Contains(got, "Thesis") || !strings.Contains(got, "to grade: Report, Presentation") {
		t.Errorf("the judge's dashboard shows %q; want Thesis with to grade: Report, Presentation", got)
	}
	if got := toGrade("judge2"); got != "" {
		t.Errorf("an unassigned judge's dashboard lists the project: %q", got)
	}
	f.grade(t, "judge", "/report/eval", "14", "")
	if got := toGrade("judge"); !strings.Contains(got, "to grade: Presentation") || strings.Contains(got, "Report,") {
		t.Errorf("after grading the report the dashboard shows %q; want to grade: Presentation", got)
	}
	f.grade(t, "judge", "/slides/eval", "15", "")
	if got := toGrade("judge"); !strings.Contains(got, "all graded") || strings.Contains(got, "to grade") {
		t.Errorf("after grading both the dashboard shows %q; want all graded", got)
	}
	f.assign(t, "judge2")
	if got := toGrade("judge2"); !strings.Contains(got, "to grade: Report, Presentation") {
		t.Errorf("a newly assigned judge's dashboard shows %q", got)
	}
}

// grOverviewRow returns the text of the overview's row of a project.
func grOverviewRow(body, project string) string {
	for _, row := range strings.Split(htmlSection(body, "<tbody>", "</tbody>"), "<tr>") {
		if strings.Contains(row, ">"+project+"</a>") {
			return grText(row)
		}
	}
	return ""
}

// TestAssistantOverviewAndStats: the overview lists every project of the
// department with members, progress, missing evaluations and final grade,
// and no project of another; the statistics are inline SVG without script.
func TestAssistantOverviewAndStats(t *testing.T) {
	f := exportFixture(t)
	stu := f.c["stu"]
	seeOther(t, "finish task #1", stu.post(f.p+"/tasks/1/move", form("status", "done")), "*")
	stu.newTask(f.id, "Late task", "deadline", "2020-01-02")
	f.c["stu3"].newProject("Half graded")
	body := f.c["asst"].get("/a").body

	thesis := grOverviewRow(body, "Thesis")
	for _, want := range []string{grPhong, grAnh, "Name sup", "1/2 done", "1 overdue", "none", "15.375"} {
		if !strings.Contains(thesis, want) {
			t.Errorf("the overview's row of Thesis %q lacks %q", thesis, want)
		}
	}
	robotics := grOverviewRow(body, "Robotics")
	for _, want := range []string{"Lê Văn Cường", "0/0 done", "Outcome, Report, Presentation"} {
		if !strings.Contains(robotics, want) {
			t.Errorf("the overview's row of Robotics %q lacks %q", robotics, want)
		}
	}
	if grOverviewRow(body, "Half graded") == "" {
		t.Error("the overview lacks a project of the department")
	}
	if strings.Contains(body, "Contracts") || strings.Contains(body, "Law Student") {
		t.Error("the ICT overview shows a Law project")
	}
	if law := f.c["asst2"].get("/a").body; grOverviewRow(law, "Contracts") == "" || strings.Contains(law, "Thesis") {
		t.Error("the Law overview does not show exactly the Law project")
	}

	r := f.c["asst"].get("/a/stats")
	if r.StatusCode != 200 {
		t.Fatalf("/a/stats: %d (%s)", r.StatusCode, alert(r.body))
	}
	svgs := regexp.MustCompile(`<svg[^>]*>`).FindAllString(r.body, -1)
	if len(svgs) < 3 {
		t.Errorf("/a/stats has %d inline SVG charts; want 3 (grades, progress, overdue)", len(svgs))
	}
	for _, tag := range svgs {
		if !strings.Contains(tag, `role="img"`) || !strings.Contains(tag, "viewBox") {
			t.Errorf("chart %s lacks role=img or a viewBox (to scale on a phone)", tag)
		}
	}
	if strings.Contains(strings.ToLower(r.body), "<script") {
		t.Error("/a/stats has a script")
	}
	for _, want := range []string{"Thesis", "Robotics"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the statistics do not name %s", want)
		}
	}
}

// TestGradingTaskGrade: a supervisor grades a task; its assignee sees the
// feedback at once and the grade once published.
func TestGradingTaskGrade(t *testing.T) {
	f := newGradingFixture(t)
	task := f.p + "/tasks/1"
	seeOther(t, "grade task #1", f.c["sup"].post(task+"/eval", form("grade", "15.5", "comment", "Good coverage")), task)
	wantStatus(t, "grade a missing task", f.c["sup"].post(f.p+"/tasks/99/eval", form("grade", "15", "comment", "x")), http.StatusNotFound)
	evaluation := func(who string) string {
		t.Helper()
		r := f.c[who].get(task)
		if r.StatusCode != 200 {
			t.Fatalf("task page as %s: %d", who, r.StatusCode)
		}
		return htmlSection(r.body, `<section aria-labelledby="task-grade">`, `</section>`)
	}
	if ev := evaluation("sup"); !strings.Contains(ev, "15.5") || !strings.Contains(ev, "Good coverage") {
		t.Errorf("the supervisor's task page shows %q", grText(ev))
	}
	if ev := evaluation("stu"); !strings.Contains(ev, "Good coverage") || strings.Contains(ev, "15.5") {
		t.Errorf("before publishing the assignee sees %q; want the feedback without the grade", grText(ev))
	}
	if ev := evaluation("stu2"); strings.Contains(ev, "15.5") || strings.Contains(ev, "Good coverage") {
		t.Errorf("before publishing another student sees %q", grText(ev))
	}
	f.publish(t)
	if ev := evaluation("stu"); !strings.Contains(ev, "Good coverage") || !strings.Contains(ev, "15.5") {
		t.Errorf("after publishing the assignee sees %q; want the grade and the feedback", grText(ev))
	}
	seeOther(t, "revise the task grade", f.c["sup"].post(task+"/eval", form("grade", "16", "comment", "Better now")), task)
	if ev := evaluation("stu"); !strings.Contains(ev, "16") || strings.Contains(ev, "15.5") || !strings.Contains(ev, "Better now") {
		t.Errorf("after a revision the assignee sees %q; want only 16 and its feedback", grText(ev))
	}
}

// A student sees their own result and adjustment, not their classmates'.
func TestGradingStudentsSeeOwnResultOnly(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.account(t, "ada", "student", "ICT", "Ada")
	s.account(t, "bob", "student", "ICT", "Bob")
	sup := s.account(t, "sup", "supervisor", "ICT", "")
	asst := s.account(t, "asst", "assistant", "ICT", "")
	id := ada.newProject("Private results")
	ada.invite(id, "bob")
	ada.invite(id, "sup")
	p := fmt.Sprintf("/p/%d", id)
	seeOther(t, "adjust bob", sup.post(p+"/adjust", form("student", "bob", "delta", "-1", "reason", "a private reason")), p+"/grades")
	seeOther(t, "publish", asst.post(p+"/publish", nil), p+"/grades")
	page := ada.get(p + "/grades").body
	if strings.Contains(page, "private reason") || strings.Contains(page, `href="/u/bob"`) {
		t.Error("a student sees a classmate's result or adjustment")
	}
	if !strings.Contains(page, `href="/u/ada"`) {
		t.Error("a student does not see their own result")
	}
	if !strings.Contains(sup.get(p+"/grades").body, "private reason") {
		t.Error("the supervisor does not see the adjustment")
	}
}

// Members cannot move a project out of its department once grading began.
func TestGradingDepartmentFixed(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	stu := s.account(t, "stu", "student", "ICT", "")
	s.account(t, "jude", "judge", "", "")
	asst := s.account(t, "asst", "assistant", "ICT", "")
	id := stu.newProject("Fixed")
	p := fmt.Sprintf("/p/%d", id)
	seeOther(t, "change the department before grading", stu.post(p+"/edit", form("department", "Maths")), p+"/info")
	stu.post(p+"/edit", form("department", "ICT"))
	seeOther(t, "assign a judge", asst.post(p+"/judges", form("username", "jude")), p+"/grades")
	wantMessage(t, "change the department after", stu.post(p+"/edit", form("department", "Nowhere")), 422, "fixed")
	seeOther(t, "edit the name after", stu.post(p+"/edit", form("name", "Renamed")), p+"/info")
}

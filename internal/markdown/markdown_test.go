package markdown

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	r := New()
	for _, c := range []struct{ in, want, not string }{
		{"**bold** and _it_", "<strong>bold</strong> and <em>it</em>", ""},
		{"<script>alert(1)</script>", "", "<script"},
		{"[x](javascript:alert(1))", "", "javascript:"},
		{`<img src=x onerror="alert(1)">`, "", "onerror"},
		{"| a | b |\n|---|---|\n| 1 | 2 |", "<table>", ""},
		{"https://example.org", `href="https://example.org"`, ""},
		{"[l](https://example.org)", `rel="nofollow noreferrer noopener"`, ""},
		{"- [x] done", `type="checkbox"`, ""},
	} {
		got := string(r.Render(c.in))
		if c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("Render(%q) = %q; want it to contain %q", c.in, got, c.want)
		}
		if c.not != "" && strings.Contains(got, c.not) {
			t.Errorf("Render(%q) = %q; must not contain %q", c.in, got, c.not)
		}
	}
	if r.Render("") != "" {
		t.Error("empty source gave HTML")
	}
}

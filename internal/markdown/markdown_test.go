package markdown

import (
	"fmt"
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

func TestRefs(t *testing.T) {
	r := New()
	for _, c := range []struct{ in, want string }{
		{"thanks @Ada.", `thanks <a href="/u/ada" class="mention" rel="nofollow noreferrer">@Ada</a>.`},
		{"see #3, then #12", `see <a href="/p/7/tasks/3" class="task-ref" rel="nofollow noreferrer">#3</a>, then <a href="/p/7/tasks/12" class="task-ref" rel="nofollow noreferrer">#12</a>`},
		{"(@bob)", `(<a href="/u/bob" class="mention" rel="nofollow noreferrer">@bob</a>)`},
		{"mail ada@example.edu", `mail <a href="mailto:ada@example.edu" rel="nofollow noreferrer">ada@example.edu</a>`},
		{"a#3 and #0 and #3x", `a#3 and #0 and #3x`},
		{"`@ada #3`", `<code>@ada #3</code>`},
		{"@a", `@a`},
		{"**@ada** _#2_", `<strong><a href="/u/ada" class="mention" rel="nofollow noreferrer">@ada</a></strong> <em><a href="/p/7/tasks/2" class="task-ref" rel="nofollow noreferrer">#2</a></em>`},
		{"[@ada and #1](https://e.org)", `<a href="https://e.org" rel="nofollow noreferrer noopener" target="_blank">@ada and #1</a>`},
		{"![@ada](/x.png)", `<img src="/x.png" alt="@ada">`},
		{"@" + strings.Repeat("a", 33), "@" + strings.Repeat("a", 33)},
	} {
		got := strings.TrimSpace(string(r.RenderIn(7, c.in)))
		got = strings.TrimSuffix(strings.TrimPrefix(got, "<p>"), "</p>")
		if got != c.want {
			t.Errorf("RenderIn(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
	if got := string(r.Render("#3 and @ada")); strings.Contains(got, "/tasks/") || !strings.Contains(got, `href="/u/ada"`) {
		t.Errorf("outside a project: %s; want @ada linked and #3 not", got)
	}
	if got := string(r.Render("# Title")); !strings.Contains(got, "<h1>Title</h1>") {
		t.Errorf("headings broke: %s", got)
	}
}

func TestCache(t *testing.T) {
	r := New()
	a := r.RenderIn(1, "see #2")
	b := r.RenderIn(2, "see #2")
	if a == b || !strings.Contains(string(a), "/p/1/tasks/2") || !strings.Contains(string(b), "/p/2/tasks/2") {
		t.Errorf("the cache mixed projects: %s / %s", a, b)
	}
	if again := r.RenderIn(1, "see #2"); again != a {
		t.Errorf("cached render differs: %s", again)
	}
	for i := range cacheSize + 10 {
		r.Render(strings.Repeat("x", i%50) + string(rune('a'+i%26)) + fmt.Sprint(i))
	}
	if n := len(r.cache.m); n > cacheSize {
		t.Errorf("the cache holds %d entries; at most %d", n, cacheSize)
	}
}

func BenchmarkRender(b *testing.B) {
	src := "A comment with **Markdown**, a [link](https://example.org), `code`, @ada and #2.\n\n- one\n- two\n"
	b.Run("uncached", func(b *testing.B) {
		r := New()
		for b.Loop() {
			r.convert(src, 1)
		}
	})
	b.Run("cached", func(b *testing.B) {
		r := New()
		for b.Loop() {
			r.RenderIn(1, src)
		}
	})
}

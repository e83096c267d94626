// Package markdown renders user-written Markdown to sanitised HTML.
package markdown

import (
	"bytes"
	"crypto/sha256"
	"html/template"
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// Renderer turns Markdown into HTML safe to put in a page: goldmark renders
// (CommonMark with GitHub's tables, strikethrough, autolinks and task
// lists) and bluemonday keeps only user-content tags and attributes.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	cache  cache
}

// cacheSize is how many rendered texts are kept: rendering and sanitising
// cost far more than a lookup, and pages show the same texts again and again
// (a task's thread, a project's description).
const cacheSize = 8192

type cacheKey struct {
	project int64
	sum     [sha256.Size]byte
}

// cache maps sources to their HTML. When full it forgets an arbitrary
// half, which is cheap and good enough for texts that are read far more
// often than written.
type cache struct {
	mu sync.RWMutex
	m  map[cacheKey]template.HTML
}

func (c *cache) get(k cacheKey) (template.HTML, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	h, ok := c.m[k]
	return h, ok
}

func (c *cache) put(k cacheKey, h template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[cacheKey]template.HTML, cacheSize)
	}
	if len(c.m) >= cacheSize {
		n := 0
		for k := range c.m {
			delete(c.m, k)
			if n++; n >= cacheSize/2 {
				break
			}
		}
	}
	c.m[k] = h
}

// New returns a Renderer.
func New() *Renderer {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AllowAttrs("type", "checked", "disabled").Matching(bluemonday.SpaceSeparatedTokens).OnElements("input")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(mention|task-ref)$`)).OnElements("a")
	p.AllowAttrs("alt", "title").Matching(regexp.MustCompile(`^[^<>"]*$`)).OnElements("img") // any text, escaped
	return &Renderer{
		md:     goldmark.New(goldmark.WithExtensions(extension.GFM, refs{})),
		policy: p,
	}
}

// Render returns the sanitised HTML of src; @username links to the profile.
func (r *Renderer) Render(src string) template.HTML { return r.render(src, 0) }

// RenderIn renders src written in project: #n also links to task n.
func (r *Renderer) RenderIn(project int64, src string) template.HTML { return r.render(src, project) }

func (r *Renderer) render(src string, project int64) template.HTML {
	if src == "" {
		return ""
	}
	key := cacheKey{project: project, sum: sha256.Sum256([]byte(src))}
	if h, ok := r.cache.get(key); ok {
		return h
	}
	h := r.convert(src, project)
	r.cache.put(key, h)
	return h
}

func (r *Renderer) convert(src string, project int64) template.HTML {
	pc := parser.NewContext()
	if project != 0 {
		pc.Set(projectKey, project)
	}
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf, parser.WithContext(pc)); err != nil {
		// goldmark only fails when writing fails; a bytes.Buffer does not.
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(r.policy.SanitizeBytes(buf.Bytes()))
}

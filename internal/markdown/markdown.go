// Package markdown renders user-written Markdown to sanitised HTML.
package markdown

import (
	"bytes"
	"html/template"
	"regexp"

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

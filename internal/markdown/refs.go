package markdown

import (
	"fmt"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// refs is a goldmark extension that links @username to the profile and, in
// a project, #n to task n. It works on text only: code spans, code blocks
// and links keep their content as written.
type refs struct{}

var projectKey = parser.NewContextKey()

// kindRef is the AST kind of a reference.
var kindRef = ast.NewNodeKind("Ref")

type refNode struct {
	ast.BaseInline
	text string // as written: @ada or #3
	href string
	cls  string
}

func (n *refNode) Kind() ast.NodeKind { return kindRef }

func (n *refNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"href": n.href}, nil)
}

func (refs) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(refParser{}, 999)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(refRenderer{}, 999)))
}

// newRef makes a reference node whose child is its text as written, so
// that inside a link or an image's alt text it is plain text.
func newRef(seg text.Segment, n int, written, href, cls string) *refNode {
	r := &refNode{text: written, href: href, cls: cls}
	r.AppendChild(r, ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+n)))
	return r
}

// inLink reports whether n is inside a link or an image.
func inLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Kind() {
		case ast.KindLink, ast.KindImage, ast.KindAutoLink:
			return true
		}
	}
	return false
}

type refParser struct{}

func (refParser) Trigger() []byte { return []byte{'@', '#'} }

// opensRef: a reference starts a word, after space or opening punctuation,
// so that emails (ada@example.edu) and anchors (page#3) stay text.
func opensRef(r rune) bool {
	return r == '\n' || unicode.IsSpace(r) || r == '(' || r == '[' || r == '{' || r == ',' || r == ';' ||
		r == ':' || r == '"' || r == '\'' || r == '!' || r == '?' || r == '*' || r == '_' || r == '~'
}

func (refParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	if prev := block.PrecendingCharacter(); prev != '\n' && prev != 0 && !opensRef(prev) {
		return nil
	}
	line, seg := block.PeekLine()
	if len(line) < 2 {
		return nil
	}
	n := 1
	switch line[0] {
	case '@':
		for n < len(line) && isUsernameByte(line[n]) {
			n++
		}
		for n > 1 && line[n-1] == '.' { // "thanks @ada." ends a sentence
			n--
		}
		if n-1 < 2 || n-1 > 32 {
			return nil
		}
		name := toLower(string(line[1:n]))
		block.Advance(n)
		return newRef(seg, n, string(line[:n]), "/u/"+name, "mention")
	case '#':
		project, ok := pc.Get(projectKey).(int64)
		if !ok || line[1] < '1' || line[1] > '9' {
			return nil
		}
		for n < len(line) && n <= 9 && line[n] >= '0' && line[n] <= '9' {
			n++
		}
		if n < len(line) && (line[n] >= '0' && line[n] <= '9' || isLetter(line[n])) {
			return nil
		}
		block.Advance(n)
		return newRef(seg, n, string(line[:n]), fmt.Sprintf("/p/%d/tasks/%s", project, line[1:n]), "task-ref")
	}
	return nil
}

func isUsernameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

type refRenderer struct{}

func (refRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindRef, func(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		n := node.(*refNode)
		if inLink(n) {
			return ast.WalkContinue, nil // its text child only
		}
		if entering {
			fmt.Fprintf(w, `<a href="%s" class="%s">`, util.EscapeHTML([]byte(n.href)), n.cls)
		} else {
			w.WriteString("</a>")
		}
		return ast.WalkContinue, nil
	})
}

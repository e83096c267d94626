package reports

import (
	"encoding/xml"
	"errors"
	"html/template"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/acanban/acanban/internal/domain"
)

// chart is what a test reads of an SVG chart.
type chart struct {
	root  xml.StartElement
	title string             // the text of the first <title>, the chart's own
	rects []xml.StartElement // every <rect>
	texts []string           // the text of every <text>
	elems map[string]int     // count of elements by name
}

func (c chart) attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// rectsOf are the rects whose class list holds class.
func (c chart) rectsOf(class string) []xml.StartElement {
	var out []xml.StartElement
	for _, r := range c.rects {
		if strings.Contains(" "+c.attr(r, "class")+" ", " "+class+" ") {
			out = append(out, r)
		}
	}
	return out
}

// parseSVG decodes the whole chart as XML, strictly, and checks what every
// chart must be: one <svg> with a viewBox, role="img", an aria-label and a
// <title> first; no script, no style, no link, no event handler, no
// external resource; text in currentColor.
func parseSVG(t *testing.T, h template.HTML) chart {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(h)))
	d.Strict = true
	c := chart{elems: map[string]int{}}
	var stack []string
	var text strings.Builder
	roots := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not well-formed XML: %v\n%s", err, h)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				roots++
				c.root = tok.Copy()
			}
			stack = append(stack, tok.Name.Local)
			c.elems[tok.Name.Local]++
			text.Reset()
			if tok.Name.Local == "rect" {
				c.rects = append(c.rects, tok.Copy())
			}
			for _, a := range tok.Attr {
				if n := strings.ToLower(a.Name.Local); strings.HasPrefix(n, "on") || n == "href" || n == "style" || n == "src" {
					t.Errorf("<%s> has the attribute %s=%q", tok.Name.Local, a.Name.Local, a.Value)
				}
			}
		case xml.CharData:
			if len(stack) == 0 && strings.TrimSpace(string(tok)) != "" {
				t.Errorf("text outside the <svg>: %q", tok)
			}
			text.Write(tok)
		case xml.EndElement:
			switch tok.Name.Local {
			case "title":
				if c.elems["title"] == 1 && c.title == "" {
					c.title = text.String()
				}
			case "text":
				c.texts = append(c.texts, text.String())
			}
			stack = stack[:len(stack)-1]
			text.Reset()
		}
	}
	if roots != 1 || c.root.Name.Local != "svg" {
		t.Fatalf("root = %v (%d roots), want one <svg>", c.root.Name, roots)
	}
	for _, name := range []string{"viewBox", "aria-label"} {
		if c.attr(c.root, name) == "" {
			t.Errorf("<svg> has no %s", name)
		}
	}
	if got := c.attr(c.root, "role"); got != "img" {
		t.Errorf("<svg role=%q>, want img", got)
	}
	if got := c.attr(c.root, "fill"); got != "currentColor" {
		t.Errorf("<svg fill=%q>, want currentColor for the text", got)
	}
	if !strings.HasPrefix(string(h), "<svg ") || !strings.Contains(string(h), "><title>") {
		t.Errorf("the chart does not open with <svg …><title>: %.120s", h)
	}
	for _, bad := range []string{"script", "style", "foreignObject", "image", "use", "a"} {
		if c.elems[bad] > 0 {
			t.Errorf("the chart has a <%s>", bad)
		}
	}
	return c
}

func num0(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}

func TestHistogram(t *testing.T) {
	var gs []domain.Grade
	for _, s := range []string{"0", "1.75", "12", "12.25", "13.999", "14", "20", "19.75"} {
		gs = append(gs, *grade(t, s))
	}
	h := Histogram(gs, domain.DefaultScale, 2*domain.GradeUnit, "Distribution of final grades")
	c := parseSVG(t, h)
	if c.title != "Distribution of final grades" {
		t.Errorf("title = %q", c.title)
	}
	bars := c.rectsOf("bar")
	if len(bars) != 10 {
		t.Fatalf("%d bars, want 10 bins of 2 points from 0 to 20", len(bars))
	}
	// Counts per bin: 0–2: 2, 12–14: 3, 14–16: 1, 18–20: 2.
	want := []float64{2, 0, 0, 0, 0, 0, 3, 1, 0, 2}
	unit := num0(t, c.attr(bars[6], "height")) / 3
	for i, b := range bars {
		if got := num0(t, c.attr(b, "height")); got < want[i]*unit-0.02 || got > want[i]*unit+0.02 {
			t.Errorf("bin %d height %v, want %v", i, got, want[i]*unit)
		}
	}
	if !strings.Contains(string(h), "<title>12 to 14: 3 students</title>") {
		t.Error("bin 12–14 has no tooltip with its count")
	}
	for _, label := range []string{"0", "10", "20", "Final grade"} {
		if !containsText(c.texts, label) {
			t.Errorf("no axis label %q in %q", label, c.texts)
		}
	}
	if !strings.Contains(c.attr(c.root, "aria-label"), "3 from 12 to 14") {
		t.Errorf("aria-label %q does not describe the data", c.attr(c.root, "aria-label"))
	}
}

func TestHistogramBins(t *testing.T) {
	g := func(s string) domain.Grade { return *grade(t, s) }
	tests := []struct {
		name   string
		grades []domain.Grade
		scale  domain.Scale
		width  domain.Grade
		bounds string
		counts string
	}{
		{"uneven last bin", []domain.Grade{g("0"), g("2.999"), g("3"), g("18"), g("20"), g("-1"), g("21")}, domain.DefaultScale, 3000,
			"0 3 6 9 12 15 18 20", "3 1 0 0 0 0 3"},
		{"default width", nil, domain.DefaultScale, 0, "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20", strings.Repeat("0 ", 19) + "0"},
		{"wide scale", []domain.Grade{g("100")}, domain.Scale{Min: 0, Max: 100 * domain.GradeUnit}, 0,
			"0 8 16 24 32 40 48 56 64 72 80 88 96 100", "0 0 0 0 0 0 0 0 0 0 0 0 1"},
		{"tiny width", nil, domain.Scale{Min: 0, Max: 10 * domain.GradeUnit}, 1, "", ""},
		{"broken scale", []domain.Grade{g("5")}, domain.Scale{}, 10 * domain.GradeUnit, "0 10 20", "1 0"},
	}
	for _, tc := range tests {
		bounds, counts := HistogramBins(tc.grades, tc.scale, tc.width)
		if tc.name == "tiny width" {
			if len(counts) > 100 || len(counts) < 50 || len(bounds) != len(counts)+1 {
				t.Errorf("%s: %d bins, want at most 100", tc.name, len(counts))
			}
			continue
		}
		var bs, cs []string
		for _, b := range bounds {
			bs = append(bs, b.String())
		}
		for _, c := range counts {
			cs = append(cs, strconv.Itoa(c))
		}
		if got := strings.Join(bs, " "); got != tc.bounds {
			t.Errorf("%s: bounds %s, want %s", tc.name, got, tc.bounds)
		}
		if got := strings.Join(cs, " "); got != tc.counts {
			t.Errorf("%s: counts %s, want %s", tc.name, got, tc.counts)
		}
	}
}

const hostile = `<script>alert("x")</script> & 'quoted' ]]> <!-- x`

func TestProgressChart(t *testing.T) {
	ps := []ProjectProgress{
		{Project: "Kanban for theses", Done: 5, Doing: 3, Todo: 4},
		{Project: hostile, Done: 10, Todo: 1},
		{Project: "Nothing yet"},
		{Project: "Nguyễn\x01\x1b\xff project", Doing: 2, Todo: 7},
	}
	h := ProgressChart(ps, "Progress of <projects>")
	c := parseSVG(t, h)
	if c.title != "Progress of <projects>" {
		t.Errorf("title = %q", c.title)
	}
	for class, want := range map[string]int{"done": 2 + 1, "doing": 2 + 1, "todo": 3 + 1, "swatch": 3} {
		if got := len(c.rectsOf(class)); got != want {
			t.Errorf("%d rects of class %s, want %d", got, class, want)
		}
	}
	// Each bar fills the width: its parts add up to the same length.
	widths := map[string]float64{}
	for _, r := range c.rects {
		if !strings.Contains(c.attr(r, "class"), "swatch") {
			widths[c.attr(r, "y")] += num0(t, c.attr(r, "width"))
		}
	}
	if len(widths) != 3 {
		t.Errorf("bars at %d heights, want 3", len(widths))
	}
	for y, w := range widths {
		if w < svgWidth-2*svgPad-0.05 || w > svgWidth-2*svgPad+0.05 {
			t.Errorf("the bar at y=%s is %v long, want %v", y, w, svgWidth-2*svgPad)
		}
	}
	assertEscaped(t, h, c)
	for _, want := range []string{"5/12 done", "10/11 done", "0/0 done", "No tasks yet.", "Done", "In progress", "To do",
		"5 done · 3 in progress · 4 to do"} {
		if !containsText(c.texts, want) {
			t.Errorf("no text %q in %q", want, c.texts)
		}
	}
}

func TestBarChart(t *testing.T) {
	bars := []Bar{{"Kanban for theses", 3}, {hostile, 6}, {"Compilers", 0}, {"Broken", -2}}
	h := BarChart(bars, "Overdue tasks per project")
	c := parseSVG(t, h)
	rects := c.rectsOf("bar")
	if len(rects) != len(bars) {
		t.Fatalf("%d bars, want %d", len(rects), len(bars))
	}
	full := svgWidth - 2*svgPad
	for i, want := range []float64{full / 2, full, 0, 0} {
		if got := num0(t, c.attr(rects[i], "width")); got < want-0.02 || got > want+0.02 {
			t.Errorf("bar %d is %v long, want %v", i, got, want)
		}
	}
	assertEscaped(t, h, c)
	for _, want := range []string{"Kanban for theses", "3", "6", "Compilers", "0"} {
		if !containsText(c.texts, want) {
			t.Errorf("no text %q in %q", want, c.texts)
		}
	}
}

// TestLongLabel checks that a label too long for a phone is cut, with its
// full text kept as a tooltip.
func TestLongLabel(t *testing.T) {
	long := strings.Repeat("Đồ án tốt nghiệp ", 10)
	c := parseSVG(t, BarChart([]Bar{{long, 1}}, "t"))
	for _, s := range c.texts {
		if strings.Contains(s, "…") {
			if len([]rune(s)) > 80 {
				t.Errorf("the cut label is still %d characters long", len([]rune(s)))
			}
			return
		}
	}
	t.Errorf("the long label is not cut: %q", c.texts)
}

func TestEmptyCharts(t *testing.T) {
	for name, h := range map[string]template.HTML{
		"histogram": Histogram(nil, domain.DefaultScale, domain.GradeUnit, "Grades"),
		"progress":  ProgressChart(nil, "Progress"),
		"bars":      BarChart(nil, "Overdue"),
	} {
		c := parseSVG(t, h)
		if name != "histogram" && !containsText(c.texts, "No data yet.") {
			t.Errorf("%s: empty chart says %q", name, c.texts)
		}
	}
}

// assertEscaped checks that the hostile label came out as text: no markup
// of its own in the output, and its exact text in the decoded chart.
func assertEscaped(t *testing.T, h template.HTML, c chart) {
	t.Helper()
	raw := string(h)
	for _, bad := range []string{"<script", "</script", "<!--", "]]>", `"x"`} {
		if strings.Contains(raw, bad) {
			t.Errorf("the output holds %q unescaped", bad)
		}
	}
	if !strings.Contains(raw, "&lt;script&gt;") {
		t.Error("the hostile label is not in the output, escaped")
	}
	if !strings.Contains(c.attr(c.root, "aria-label"), hostile) {
		t.Errorf("aria-label %q lacks the label as text", c.attr(c.root, "aria-label"))
	}
}

func containsText(texts []string, want string) bool {
	for _, s := range texts {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}

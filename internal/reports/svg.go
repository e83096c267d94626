package reports

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/acanban/acanban/internal/domain"
)

// The charts are inline SVG drawn in a box 400 units wide: they take the
// width of their container (width="100%"), so on a phone a unit is about a
// CSS pixel and the 12–13 unit text stays readable. Text and axes are
// currentColor, so they follow the page's text colour in light and dark
// themes; the bars' fills are mid-tone colours with at least 3:1 contrast
// on both white and near-black, given as presentation attributes (no style
// attribute, which a strict Content-Security-Policy would block), so a
// stylesheet can override them by class: .bar, .done, .doing, .todo.
const (
	svgWidth = 400.0
	svgPad   = 8.0
	svgFont  = 13.0
	svgSmall = 11.5
	// svgCharWidth estimates the average advance of a character, in em.
	svgCharWidth = 0.58
)

// Fills of the bars.
const (
	fillBar   = "#4a86d9"
	fillDone  = "#3a9a5b"
	fillDoing = "#c8700a"
	fillTodo  = "#8b6fd6"
)

// Bar is one item of a BarChart.
type Bar struct {
	Label string
	Value float64
}

// ProjectProgress counts a project's tasks by state, for ProgressChart.
type ProjectProgress struct {
	Project           string
	Done, Doing, Todo int
}

// svg builds one chart.
type svg struct {
	b strings.Builder
}

// esc makes user text safe as SVG/HTML text or a quoted attribute value:
// one line, valid UTF-8, no control character, <>&'" escaped.
func esc(s string) string {
	return template.HTMLEscapeString(strings.Join(strings.Fields(cleanText(s)), " "))
}

// num writes a coordinate with at most two decimals.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		x = 0
	}
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// open starts the chart: height h, its title and its accessible label.
func (s *svg) open(h float64, class, title, label string) {
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart %s" viewBox="0 0 %s %s" width="100%%" `+
		`role="img" aria-label="%s" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="%s" fill="currentColor">`,
		class, num(svgWidth), num(h), esc(label), num(svgFont))
	fmt.Fprintf(&s.b, `<title>%s</title>`, esc(title))
}

func (s *svg) close() template.HTML {
	s.b.WriteString(`</svg>`)
	// Every piece of user text went through esc.
	return template.HTML(s.b.String())
}

// text writes one line of text at x, y (its baseline); anchor is start,
// middle or end; extra holds more attributes, written as they are.
func (s *svg) text(x, y float64, anchor, extra, content string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s"%s>%s</text>`, num(x), num(y), anchor, extra, esc(content))
}

// rect writes a filled rectangle with a tooltip.
func (s *svg) rect(x, y, w, h float64, class, fill, tooltip string) {
	fmt.Fprintf(&s.b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
		class, num(x), num(y), num(max(w, 0)), num(max(h, 0)), fill, esc(tooltip))
}

// line writes a line in the text colour.
func (s *svg) line(x1, y1, x2, y2, opacity float64) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="currentColor" stroke-opacity="%s" stroke-width="1"/>`,
		num(x1), num(y1), num(x2), num(y2), num(opacity))
}

// fit cuts label to about width units at the given font size, with "…".
func fit(label string, width, size float64) (string, bool) {
	label = strings.Join(strings.Fields(cleanText(label)), " ")
	n := int(width / (size * svgCharWidth))
	if utf8.RuneCountInString(label) <= n {
		return label, false
	}
	r := []rune(label)
	return strings.TrimRight(string(r[:max(n-1, 1)]), " ") + "…", true
}

// labelLine writes an item's label on the left (with its full text as a
// tooltip when cut) and value on the right, on the baseline y.
func (s *svg) labelLine(y float64, label, value string) {
	valueWidth := float64(utf8.RuneCountInString(value)+1) * svgFont * svgCharWidth
	shown, cut := fit(label, svgWidth-2*svgPad-valueWidth, svgFont)
	if cut {
		fmt.Fprintf(&s.b, `<text x="%s" y="%s"><title>%s</title>%s</text>`, num(svgPad), num(y), esc(label), esc(shown))
	} else {
		s.text(svgPad, y, "start", "", shown)
	}
	s.text(svgWidth-svgPad, y, "end", ` font-weight="600"`, value)
}

// noData draws the message of an empty chart.
func noData(class, title string) template.HTML {
	var s svg
	s.open(40, class, title, title+": no data.")
	s.text(svgWidth/2, 25, "middle", ` fill-opacity="0.8"`, "No data yet.")
	return s.close()
}

// plural is "1 student", "2 students".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// formatValue writes a bar's value with at most two decimals.
func formatValue(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// niceStep is a step of 1, 2 or 5 times a power of ten that divides 0–top
// into about four intervals.
func niceStep(top float64) float64 {
	if top <= 0 {
		return 1
	}
	raw := top / 4
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return max(1, m*p)
		}
	}
	return max(1, 10*p)
}

// HistogramBins are the bins a Histogram draws: the lower bound of each bin
// and the upper bound of the last, and the count of grades in each. Bins
// are binWidth wide from scale.Min; the last ends at scale.Max (it may be
// narrower) and includes it; a grade off the scale counts in the nearest
// bin. A binWidth of zero or less takes one point, or more so that there
// are at most 20 bins; there are never more than 100 bins.
func HistogramBins(grades []domain.Grade, scale domain.Scale, binWidth domain.Grade) (bounds []domain.Grade, counts []int) {
	lo, hi := scale.Min, scale.Max
	if hi <= lo {
		lo, hi = domain.DefaultScale.Min, domain.DefaultScale.Max
	}
	span := hi - lo
	if binWidth <= 0 {
		binWidth = domain.GradeUnit
		for (span+binWidth-1)/binWidth > 20 {
			binWidth *= 2
		}
	}
	for (span+binWidth-1)/binWidth > 100 {
		binWidth *= 2
	}
	n := int((span + binWidth - 1) / binWidth)
	bounds = make([]domain.Grade, n+1)
	for i := range n {
		bounds[i] = lo + domain.Grade(i)*binWidth
	}
	bounds[n] = hi
	counts = make([]int, n)
	for _, g := range grades {
		i := int((min(max(g, lo), hi) - lo) / binWidth)
		counts[min(i, n-1)]++
	}
	return bounds, counts
}

// Histogram draws the distribution of final grades over the scale: one
// vertical bar (rect class="bar") per bin of HistogramBins, empty bins
// included, with the count above each non-empty bar, a count axis on the
// left and the grades along the bottom.
func Histogram(grades []domain.Grade, scale domain.Scale, binWidth domain.Grade, title string) template.HTML {
	bounds, counts := HistogramBins(grades, scale, binWidth)
	n := len(counts)
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	step := niceStep(float64(top))
	yMax := max(step, step*math.Ceil(float64(top)/step))

	const h = 250.0
	left, right, plotTop, plotBottom := 36.0, svgPad+4, 18.0, h-44
	plotW, plotH := svgWidth-left-right, plotBottom-plotTop
	bw := plotW / float64(n)

	summary := make([]string, 0, n)
	for i, c := range counts {
		if c > 0 {
			summary = append(summary, fmt.Sprintf("%d from %s to %s", c, bounds[i], bounds[i+1]))
		}
	}
	label := title + ": " + plural(len(grades), "grade", "grades")
	if len(summary) > 0 {
		label += "; " + strings.Join(summary, ", ")
	}
	var s svg
	s.open(h, "histogram", title, label+".")

	// Count axis, with gridlines.
	for v := 0.0; v <= yMax+1e-9; v += step {
		y := plotBottom - v/yMax*plotH
		s.line(left, y, svgWidth-right, y, 0.18)
		s.text(left-5, y+4, "end", fmt.Sprintf(` font-size="%s"`, num(svgSmall)), formatValue(v))
	}
	// Bars.
	gap := min(2, bw*0.15)
	for i, c := range counts {
		bh := float64(c) / yMax * plotH
		x := left + float64(i)*bw
		s.rect(x+gap/2, plotBottom-bh, bw-gap, bh, "bar", fillBar,
			fmt.Sprintf("%s to %s: %s", bounds[i], bounds[i+1], plural(c, "student", "students")))
		if c > 0 && bw >= 12 {
			s.text(x+bw/2, plotBottom-bh-4, "middle", fmt.Sprintf(` font-size="%s"`, num(svgSmall)), strconv.Itoa(c))
		}
	}
	s.line(left, plotBottom, svgWidth-right, plotBottom, 0.8)
	// Grade axis: label every k-th bound so that the labels do not touch.
	widest := 0
	for _, b := range bounds {
		widest = max(widest, len(b.String()))
	}
	k := max(1, int(math.Ceil((float64(widest)*svgSmall*svgCharWidth+6)/bw)))
	for i, b := range bounds {
		if i%k != 0 && i != n {
			continue
		}
		if i == n && n%k != 0 && float64(n%k)*bw < float64(widest)*svgSmall*svgCharWidth+6 {
			continue // too close to the previous label
		}
		x := left + float64(i)*bw
		s.line(x, plotBottom, x, plotBottom+4, 0.8)
		s.text(x, plotBottom+17, "middle", fmt.Sprintf(` font-size="%s"`, num(svgSmall)), b.String())
	}
	s.text(left+plotW/2, h-8, "middle", ` fill-opacity="0.85"`, "Final grade")
	return s.close()
}

// ProgressChart draws one horizontal stacked bar per project: its tasks
// done, in progress and to do (rect class "done", "doing", "todo"; an empty
// part is left out), each as a share of the project's tasks, under the
// project's name and "done/total", over the three counts; with a legend
// (rect class "swatch") above. A project without tasks says so instead of
// a bar.
func ProgressChart(ps []ProjectProgress, title string) template.HTML {
	if len(ps) == 0 {
		return noData("progress", title)
	}
	const legendH, rowH = 26.0, 64.0
	h := legendH + rowH*float64(len(ps)) + 4
	summary := make([]string, len(ps))
	for i, p := range ps {
		summary[i] = fmt.Sprintf("%s: %d done, %d in progress, %d to do", p.Project, max(p.Done, 0), max(p.Doing, 0), max(p.Todo, 0))
	}
	var s svg
	s.open(h, "progress", title, title+". "+strings.Join(summary, "; ")+".")

	parts := []struct{ class, fill, name string }{
		{"done", fillDone, "Done"}, {"doing", fillDoing, "In progress"}, {"todo", fillTodo, "To do"},
	}
	x := svgPad
	for _, p := range parts {
		s.rect(x, 6, 12, 12, "swatch "+p.class, p.fill, p.name)
		s.text(x+17, 16.5, "start", "", p.name)
		x += 17 + float64(len(p.name))*svgFont*svgCharWidth + 16
	}

	barW := svgWidth - 2*svgPad
	for i, p := range ps {
		y := legendH + rowH*float64(i)
		counts := []int{max(p.Done, 0), max(p.Doing, 0), max(p.Todo, 0)}
		total := counts[0] + counts[1] + counts[2]
		s.labelLine(y+15, p.Project, fmt.Sprintf("%d/%d done", counts[0], total))
		if total == 0 {
			s.text(svgPad, y+35, "start", fmt.Sprintf(` font-size="%s" fill-opacity="0.8"`, num(svgSmall)), "No tasks yet.")
			continue
		}
		x := svgPad
		for j, c := range counts {
			if c == 0 {
				continue
			}
			w := barW * float64(c) / float64(total)
			s.rect(x, y+22, w, 18, parts[j].class, parts[j].fill,
				fmt.Sprintf("%s: %s", parts[j].name, plural(c, "task", "tasks")))
			x += w
		}
		s.text(svgPad, y+54, "start", fmt.Sprintf(` font-size="%s" fill-opacity="0.85"`, num(svgSmall)),
			fmt.Sprintf("%d done · %d in progress · %d to do", counts[0], counts[1], counts[2]))
	}
	return s.close()
}

// BarChart draws one horizontal bar (rect class "bar") per item, under its
// label and value, as long as its share of the largest value; a negative or
// non-finite value counts as 0.
func BarChart(bars []Bar, title string) template.HTML {
	if len(bars) == 0 {
		return noData("bars", title)
	}
	const rowH = 42.0
	h := rowH*float64(len(bars)) + 6
	top := 0.0
	summary := make([]string, len(bars))
	values := make([]float64, len(bars))
	for i, b := range bars {
		v := b.Value
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			v = 0
		}
		values[i] = v
		top = max(top, v)
		summary[i] = fmt.Sprintf("%s: %s", b.Label, formatValue(v))
	}
	var s svg
	s.open(h, "bars", title, title+". "+strings.Join(summary, "; ")+".")
	barW := svgWidth - 2*svgPad
	for i, b := range bars {
		y := rowH * float64(i)
		s.labelLine(y+16, b.Label, formatValue(values[i]))
		w := 0.0
		if top > 0 {
			w = barW * values[i] / top
		}
		s.rect(svgPad, y+22, w, 14, "bar", fillBar, fmt.Sprintf("%s: %s", b.Label, formatValue(values[i])))
	}
	return s.close()
}

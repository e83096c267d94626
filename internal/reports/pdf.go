package reports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"

	"github.com/acanban/acanban/internal/domain"
)

// The PDF's page: A4 landscape, so that the nine columns fit; lengths in
// millimetres, text sizes in points.
const (
	pdfMargin       = 12.0 // left, right and top
	pdfBottom       = 15.0 // bottom margin, below it the footer
	pdfFont         = "DejaVu"
	pdfTextSize     = 9.0
	pdfLineHeight   = 4.2
	pdfCellPadY     = 1.0
	pdfMaxCellLines = 8 // a cell longer than this is cut with "…"
)

// pdfNoGrade stands in a PDF cell for a grade not given yet.
const pdfNoGrade = "—"

// WritePDF writes a print-ready A4 PDF (landscape): the title and the
// generation date on the first page, then one table with the Columns, its
// header row repeated at the top of every page, and "title — page N of M"
// at the foot of every page. Text is set in DejaVu Sans, embedded from Go
// (no system font is needed), so that names with diacritics such as
// "Nguyễn Gia Phong" render and extract intact. Long cells wrap; a grade
// not given yet is "—"; an adjustment is signed ("+1.5").
func WritePDF(w io.Writer, title string, generated time.Time, rows []domain.TranscriptRow) error {
	title = printable(strings.Join(strings.Fields(title), " "))
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(pdfFont, "", dejavusans.TTF)
	pdf.AddUTF8FontFromBytes(pdfFont, "B", dejavusansbold.TTF)
	// After the fonts, so that their subsets keep the digits of the
	// page count.
	pdf.AliasNbPages("{nb}")
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(false, pdfBottom) // rows are placed by hand below
	pdf.SetTitle(title, true)
	pdf.SetCreator("Acanban", true)
	pdf.SetLang("en")
	pdf.SetCreationDate(generated)
	pdf.SetModificationDate(generated)
	pdf.SetLineWidth(0.2)
	pdf.SetDrawColor(150, 150, 150)

	pageW, pageH := pdf.GetPageSize()
	widths := pdfColumnWidths(pdf, pageW-2*pdfMargin)
	aligns := make([]string, len(Columns))
	for i := range aligns {
		aligns[i] = "LT"
		if i >= firstGradeColumn {
			aligns[i] = "RT"
		}
	}

	pdf.SetHeaderFunc(func() {
		if pdf.PageNo() == 1 {
			pdf.SetFont(pdfFont, "B", 15)
			pdf.SetTextColor(0, 0, 0)
			pdf.MultiCell(0, 7, title, "", "L", false)
			pdf.SetFont(pdfFont, "", 9)
			pdf.SetTextColor(80, 80, 80)
			pdf.CellFormat(0, 6, "Generated "+generated.Format("2 January 2006, 15:04 MST"), "", 1, "L", false, 0, "")
			pdf.Ln(3)
		}
		pdf.SetFont(pdfFont, "B", pdfTextSize)
		pdf.SetTextColor(0, 0, 0)
		pdf.SetFillColor(217, 225, 242)
		pdfRow(pdf, widths, aligns, Columns, true)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-pdfBottom + 4)
		pdf.SetFont(pdfFont, "", 8)
		pdf.SetTextColor(80, 80, 80)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s — page %d of {nb}", title, pdf.PageNo()), "", 0, "C", false, 0, "")
	})

	pdf.AddPage()
	pdf.SetFont(pdfFont, "", pdfTextSize)
	cells := make([]string, len(Columns))
	for i, r := range rows {
		for c, s := range texts(r) {
			cells[c] = printable(s)
		}
		for j, g := range grades(r) {
			cells[firstGradeColumn+j] = pdfGrade(g, j == adjustmentGrade)
		}
		pdf.SetFont(pdfFont, "", pdfTextSize)
		if pdf.GetY()+pdfRowHeight(pdf, widths, cells) > pageH-pdfBottom {
			pdf.AddPage()
			pdf.SetFont(pdfFont, "", pdfTextSize)
		}
		pdf.SetTextColor(0, 0, 0)
		pdf.SetFillColor(244, 245, 247)
		pdfRow(pdf, widths, aligns, cells, i%2 == 1)
	}
	if len(rows) == 0 {
		pdf.SetFont(pdfFont, "", pdfTextSize)
		pdf.CellFormat(pageW-2*pdfMargin, pdfLineHeight+2*pdfCellPadY, "No students.", "1", 1, "C", false, 0, "")
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

// printable makes user text printable in the PDF: cleanText, and a character
// beyond the Basic Multilingual Plane (an emoji, say), which fpdf cannot
// set, becomes U+FFFD.
func printable(s string) string {
	s = cleanText(s)
	if !strings.ContainsFunc(s, func(r rune) bool { return r > 0xFFFF }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return '\uFFFD'
		}
		return r
	}, s)
}

// pdfGrade is a grade as a PDF cell shows it.
func pdfGrade(g *domain.Grade, signed bool) string {
	switch {
	case g == nil:
		return pdfNoGrade
	case signed && *g > 0:
		return "+" + g.String()
	}
	return g.String()
}

// pdfColumnWidths gives each grade column the width of its header or of a
// grade, whichever is wider, and shares the rest among the text columns.
func pdfColumnWidths(pdf *fpdf.Fpdf, total float64) []float64 {
	widths := make([]float64, len(Columns))
	pdf.SetFont(pdfFont, "B", pdfTextSize)
	margin := pdf.GetCellMargin()
	rest := total
	for i := firstGradeColumn; i < len(Columns); i++ {
		widths[i] = max(pdf.GetStringWidth(Columns[i]), pdf.GetStringWidth("+20.125")) + 2*margin + 1
		rest -= widths[i]
	}
	// Student ID, name, username, project.
	shares := []float64{1, 2, 1.3, 2.4}
	sum := 0.0
	for _, s := range shares {
		sum += s
	}
	for i, s := range shares {
		widths[i] = rest * s / sum
	}
	return widths
}

// pdfLines wraps each cell to its column with the current font.
func pdfLines(pdf *fpdf.Fpdf, widths []float64, cells []string) [][]string {
	lines := make([][]string, len(cells))
	for i, s := range cells {
		var ls []string
		if s != "" {
			ls = pdf.SplitText(s, widths[i])
		}
		if len(ls) == 0 {
			ls = []string{""}
		}
		if len(ls) > pdfMaxCellLines {
			ls = ls[:pdfMaxCellLines]
			ls[len(ls)-1] += "…"
		}
		lines[i] = ls
	}
	return lines
}

// pdfRowHeight is the height of a row of cells with the current font.
func pdfRowHeight(pdf *fpdf.Fpdf, widths []float64, cells []string) float64 {
	n := 1
	for _, ls := range pdfLines(pdf, widths, cells) {
		n = max(n, len(ls))
	}
	return float64(n)*pdfLineHeight + 2*pdfCellPadY
}

// pdfRow draws one row of the table at the current position, with the
// current font, and moves below it.
func pdfRow(pdf *fpdf.Fpdf, widths []float64, aligns, cells []string, fill bool) {
	lines := pdfLines(pdf, widths, cells)
	h := pdfRowHeight(pdf, widths, cells)
	x0, y := pdf.GetX(), pdf.GetY()
	x := x0
	style := "D"
	if fill {
		style = "FD"
	}
	for i, ls := range lines {
		pdf.Rect(x, y, widths[i], h, style)
		for k, line := range ls {
			pdf.SetXY(x, y+pdfCellPadY+float64(k)*pdfLineHeight)
			pdf.CellFormat(widths[i], pdfLineHeight, line, "", 0, aligns[i], false, 0, "")
		}
		x += widths[i]
	}
	pdf.SetXY(x0, y+h)
}

package domain

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold makes text comparable for search: lower case, without diacritics
// (so "nguyen" finds "Nguyễn"), with runs of space reduced to one.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		case 'ł', 'Ł':
			return 'l'
		case 'ø', 'Ø':
			return 'o'
		}
		return unicode.ToLower(r)
	}, out)
	return strings.Join(strings.Fields(out), " ")
}

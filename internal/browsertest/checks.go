package browsertest

import (
	"context"
	"fmt"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// unlabelled lists form controls that have no accessible label.
const unlabelledJS = `(() => {
  const bad = [];
  for (const el of document.querySelectorAll('input, select, textarea, button')) {
    if (el.type === 'hidden') continue;
    const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') ||
      el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim() !== '');
    if (!named) bad.push(el.outerHTML.slice(0, 120));
  }
  return bad;
})()`

// Unlabelled returns the form controls of the page without a label.
func Unlabelled(ctx context.Context) ([]string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](unlabelledJS))
}

// lowContrastJS computes, for every element with its own visible text, the
// WCAG contrast ratio of its colour on the background behind it, and lists
// those under AA: 4.5:1, or 3:1 for large text (24px, or 18.66px bold).
const lowContrastJS = `(() => {
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bg = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '');
    if (!own) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.display === 'none' || el.getClientRects().length === 0) continue;
    const r = el.getBoundingClientRect(); if (r.right < 0 || r.bottom < 0) continue;
    const fg = parse(st.color), b = bg(el);
    const l1 = lum(fg), l2 = lum(b);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < need) bad.push(el.tagName + ' "' + el.textContent.trim().slice(0, 40) + '" ' + ratio.toFixed(2) + ' < ' + need);
  }
  return bad;
})()`

// LowContrast returns the texts of the page under WCAG AA contrast.
func LowContrast(ctx context.Context) ([]string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](lowContrastJS))
}

// Overflow reports whether the page scrolls sideways.
func Overflow(ctx context.Context) (bool, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
}

// StylesApplied reports whether the stylesheet loaded (CSP and hashing
// working): the skip link is moved off screen only by our CSS.
func StylesApplied(ctx context.Context) error {
	left, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('.skip').getBoundingClientRect().left`))
	if err != nil {
		return err
	}
	if left >= 0 {
		return fmt.Errorf("the stylesheet did not apply (skip link at x=%v)", left)
	}
	return nil
}

// ColorScheme makes the page render as for a user who prefers "light" or
// "dark".
func ColorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

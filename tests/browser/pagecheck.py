"""Helpers shared by the browser tests: colour contrast and in-page measurements."""

from __future__ import annotations

import re

RGB = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)")


def parse_rgb(value: str) -> tuple[float, float, float, float]:
    m = RGB.match(value.strip())
    assert m, f"not an rgb() colour: {value!r}"
    r, g, b, a = m.groups()
    return float(r), float(g), float(b), float(a) if a is not None else 1.0


def luminance(value: str) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = parse_rgb(value)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# Every diagram on the page: box, visibility, smallest rendered font size, colours.
DIAGRAMS_JS = """
() => Array.from(document.querySelectorAll('.briefing-diagram svg')).map(svg => {
  const box = svg.getBoundingClientRect();
  const style = getComputedStyle(svg);
  const card = svg.closest('.briefing-diagram');
  const texts = Array.from(svg.querySelectorAll('text')).filter(t => {
    if (!t.textContent.trim()) return false;
    const b = t.getBoundingClientRect();
    return b.width > 0 && b.height > 0;
  });
  const sizes = texts.map(t => {
    const m = t.getScreenCTM();
    return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  });
  return {
    id: svg.id,
    width: box.width, height: box.height,
    visible: style.display !== 'none' && style.visibility !== 'hidden' && parseFloat(style.opacity) > 0
             && card.getBoundingClientRect().width > 0,
    texts: texts.length,
    minFont: sizes.length ? Math.min(...sizes) : null,
    // Each text's colour against what is behind it: the shape under its centre, or the card.
    pairs: Array.from(new Set(texts.map(t => {
      t.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
      const b = t.getBoundingClientRect();
      const x = b.left + b.width / 2, y = b.top + b.height / 2;
      let behind = getComputedStyle(card).backgroundColor;
      for (const el of document.elementsFromPoint(x, y)) {
        if (el === t || t.contains(el) || el.closest('text')) continue;
        if (!svg.contains(el)) break;
        if (!['rect', 'path', 'polygon', 'circle', 'ellipse'].includes(el.tagName)) continue;
        const s = getComputedStyle(el);
        if (s.fill && s.fill.startsWith('rgb') && parseFloat(s.fillOpacity) > 0.5 && parseFloat(s.opacity) > 0.5) {
          behind = s.fill; break;
        }
      }
      return getComputedStyle(t).fill + '|' + behind;
    }))),
    cardBackground: getComputedStyle(card).backgroundColor,
    pageBackground: getComputedStyle(document.body).backgroundColor,
    theme: document.body.dataset.theme || null,
  };
})
"""

# Elements that stick out of the viewport on the right (to explain an overflow).
OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      let scroller = el.parentElement, clipped = false;
      while (scroller && scroller !== document.body) {
        const o = getComputedStyle(scroller).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
        scroller = scroller.parentElement;
      }
      if (!clipped) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
        ' right=' + Math.round(r.right));
    }
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: width, offenders: out.slice(0, 8)};
}
"""

# The accessible name of every diagram (role img + aria-label / aria-labelledby).
DIAGRAM_NAMES_JS = """
() => Array.from(document.querySelectorAll('.briefing-diagram svg')).map(svg => {
  const labelledby = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
  const byIds = labelledby.map(id => { const el = document.getElementById(id);
                                       return el ? el.textContent.trim() : ''; }).join(' ').trim();
  const card = svg.closest('.briefing-diagram');
  let next = card.nextElementSibling;
  return {
    id: svg.id,
    role: svg.getAttribute('role'),
    label: (svg.getAttribute('aria-label') || '').trim(),
    labelledby: byIds,
    labelledbyIds: labelledby,
    cardClasses: card.className,
    next: next ? next.tagName.toLowerCase() + '.' + next.className : null,
    nextHasTable: !!(next && (next.matches('table') || next.querySelector('table'))),
  };
})
"""

# Every text of every diagram that is cut short: ends in an ellipsis, runs outside the
# diagram, or (in a timeline) runs outside the box drawn behind it.
CUT_TEXT_JS = """
() => {
  const out = [];
  const inside = (a, b, slack) => a.left >= b.left - slack && a.right <= b.right + slack &&
                                  a.top >= b.top - slack && a.bottom <= b.bottom + slack;
  document.querySelectorAll('.briefing-diagram svg').forEach(svg => {
    const whole = svg.getBoundingClientRect();
    svg.querySelectorAll('text').forEach(t => {
      const text = t.textContent.replace(/\\s+/g, ' ').trim();
      if (!text) return;
      const r = t.getBoundingClientRect();
      if (/(\u2026|\\.\\.\\.)$/.test(text)) out.push(`${svg.id}: ends in an ellipsis: ${text}`);
      if (!inside(r, whole, 2)) out.push(`${svg.id}: outside the diagram: ${text}`);
      const node = t.closest('g.timeline-node');
      const shape = node && node.querySelector('path.node-bkg');
      if (shape && !inside(r, shape.getBoundingClientRect(), 2))
        out.push(`${svg.id}: outside its box: ${text}`);
    });
  });
  return out;
}
"""

# Per diagram at the current viewport: smallest rendered text, whether it scrolls in its card,
# and whether the reader is told so (a visible hint and a visible Enlarge button).
PHONE_DIAGRAMS_JS = """
() => Array.from(document.querySelectorAll('.briefing-diagram')).map(card => {
  const svg = card.querySelector('.briefing-diagram-scroll svg');
  const scroller = card.querySelector('.briefing-diagram-scroll');
  const shown = el => { if (!el) return false; const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const sizes = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim()).map(t => {
    const m = t.getScreenCTM(); return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b); });
  const caption = card.querySelector('figcaption');
  return {id: svg.id, minFont: Math.min(...sizes),
          scrolls: scroller.scrollWidth > scroller.clientWidth + 1 && getComputedStyle(scroller).overflowX !== 'visible',
          hint: shown(card.querySelector('.briefing-diagram-hint')),
          enlarge: shown(card.querySelector('.briefing-zoom-open')),
          caption: caption ? caption.textContent.trim() : null};
})
"""

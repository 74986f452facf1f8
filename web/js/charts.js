// charts.js — inline SVG drawn from the API's numbers: a horizontal bar chart (statuses) and
// a histogram (overdue by age). Geometry goes in SVG attributes and colours in CSS classes,
// never in inline style (the CSP forbids it). Each chart is an image with a title for screen
// readers; the page shows the same numbers as a table beside it.

import { s } from './dom.js';
import { fmtNum } from './i18n.js';

let uid = 0;

function titled(svg, title) {
  const id = `chart-title-${++uid}`;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', id);
  svg.prepend(s('title', { id }, title));
  return svg;
}

// The drawing's width in its own units: narrower on a phone, so that its text, scaled with
// it, stays readable.
function chartWidth() {
  return document.documentElement.clientWidth < 600 ? 360 : 560;
}

// rows: [{label, value, cls}]. One bar per row, the value written after it.
export function barChart(rows, title) {
  const rowH = 26;
  const width = chartWidth();
  const labelW = width < 500 ? 110 : 150;
  const valueW = 44;
  const height = rows.length * rowH + 6;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const svg = s('svg', { class: 'chart chart-bars', viewBox: `0 0 ${width} ${height}`, width: '100%', height: height });
  rows.forEach((r, i) => {
    const y = 3 + i * rowH;
    const w = Math.round(((width - labelW - valueW) * r.value) / max);
    svg.append(
      s('text', { x: labelW - 8, y: y + rowH / 2 + 5, 'text-anchor': 'end', class: 'chart-label' }, r.label),
      s('rect', { x: labelW, y: y + 3, width: Math.max(w, r.value > 0 ? 2 : 0), height: rowH - 8, rx: 3, class: `bar ${r.cls || ''}` }),
      s('text', { x: labelW + w + 6, y: y + rowH / 2 + 5, class: 'chart-value' }, fmtNum(r.value)),
    );
  });
  return titled(svg, title);
}

// bins: [{label, value}] left to right, drawn as adjacent columns over a base line.
export function histogram(bins, title) {
  const width = chartWidth();
  const height = 190;
  const top = 22;
  const bottom = 34;
  const n = Math.max(1, bins.length);
  const colW = (width - 20) / n;
  const max = Math.max(1, ...bins.map((b) => b.value));
  const plotH = height - top - bottom;
  const svg = s('svg', { class: 'chart chart-hist', viewBox: `0 0 ${width} ${height}`, width: '100%', height });
  bins.forEach((b, i) => {
    const x = 10 + i * colW;
    const hgt = Math.round((plotH * b.value) / max);
    const y = top + plotH - hgt;
    svg.append(
      s('rect', { x: x + 1, y, width: colW - 2, height: hgt, class: 'bar bar-age' }),
      s('text', { x: x + colW / 2, y: y - 5, 'text-anchor': 'middle', class: 'chart-value' }, fmtNum(b.value)),
      s('text', { x: x + colW / 2, y: height - bottom + 18, 'text-anchor': 'middle', class: 'chart-label' }, b.label),
    );
  });
  svg.append(s('line', { x1: 10, x2: width - 10, y1: top + plotH + 0.5, y2: top + plotH + 0.5, class: 'axis' }));
  return titled(svg, title);
}

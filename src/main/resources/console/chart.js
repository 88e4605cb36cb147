// A small SVG bar chart: per member, the expected share (from the weights) beside the actual share.
import { pct } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

export const EXPECTED = '#9fb7dd';
export const ACTUAL = '#1f5fbf';

/** rows: [{label, expected, actual}] with shares in 0..1. */
export function shareChart(rows) {
  const bar = 14, gap = 10, labelW = 110, width = 460, plotW = width - labelW - 60;
  const height = rows.length * (2 * bar + gap) + 10;
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img',
    'aria-label': 'Expected and actual share per member' });
  rows.forEach((r, i) => {
    const y = 5 + i * (2 * bar + gap);
    svg.append(s('text', { x: 0, y: y + bar + 4 }, r.label.length > 16 ? r.label.slice(0, 15) + '…' : r.label));
    svg.append(s('rect', { x: labelW, y, width: Math.max(1, r.expected * plotW), height: bar, fill: EXPECTED }));
    svg.append(s('text', { x: labelW + r.expected * plotW + 4, y: y + bar - 3 }, pct(r.expected)));
    svg.append(s('rect', { x: labelW, y: y + bar, width: Math.max(1, r.actual * plotW), height: bar, fill: ACTUAL }));
    svg.append(s('text', { x: labelW + r.actual * plotW + 4, y: y + 2 * bar - 3 }, pct(r.actual)));
  });
  return svg;
}

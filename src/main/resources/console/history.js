// A rotation's history: fairness over a chosen window (a preset or from/to) and the assignment log (paged,
// filtered by member and by from/to). Both read the public API (/stats, /assignments).
import { get } from './api.js';
import { h, field, time, pct } from './dom.js';
import { shareChart, EXPECTED, ACTUAL } from './chart.js';

export const who = (u) => u.name || u.email;
export const reasons = (skipped, names) => (skipped || []).map(s => `${names.get(String(s.userId)) || '#' + s.userId}: ${s.reason}`).join(', ');

const WINDOWS = [['1h', 3600e3], ['24h', 86400e3], ['7d', 7 * 86400e3], ['30d', 30 * 86400e3]];

/** A datetime-local value (the browser's time zone) as an ISO instant; '' when empty. */
export const instant = (local) => (local ? new Date(local).toISOString() : '');

/** from/to inputs (datetime-local, in the browser's time zone) calling onChange when either changes. */
function range(onChange) {
  const from = h('input', { type: 'datetime-local', 'data-field': 'from' });
  const to = h('input', { type: 'datetime-local', 'data-field': 'to' });
  from.addEventListener('change', onChange);
  to.addEventListener('change', onChange);
  const query = () => [['from', instant(from.value)], ['to', instant(to.value)]]
    .filter(([, v]) => v).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join('');
  return { from, to, query, fields: [field('From', from), field('To', to)] };
}

export function fairness(id) {
  const choice = h('select', { id: 'fairness-window' },
    WINDOWS.map(([l]) => h('option', { value: l, selected: l === '24h' }, `last ${l}`)),
    h('option', { value: 'custom' }, 'from … to …'));
  const body = h('div', { id: 'fairness' });
  const custom = range(() => load());
  const customFields = h('div', { class: 'inline', id: 'fairness-custom', hidden: true }, custom.fields);
  let latest = 0; // only the answer to the latest request is shown (an older one may come back later)
  const load = async () => {
    const mine = ++latest;
    customFields.hidden = choice.value !== 'custom';
    let query;
    if (choice.value === 'custom') {
      query = custom.query().slice(1);
    } else {
      const ms = WINDOWS.find(([l]) => l === choice.value)[1];
      const to = new Date();
      const from = new Date(to.getTime() - ms);
      query = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
    }
    try {
      const s = await get(`/lead-rotations/${id}/stats?${query}`);
      if (mine !== latest) return;
      body.replaceChildren(
        h('div', { class: 'legend' }, h('span', {}, h('span', { class: 'swatch', style: `background:${EXPECTED}` }), 'expected (weights)'),
          h('span', {}, h('span', { class: 'swatch', style: `background:${ACTUAL}` }), 'actual')),
        shareChart(s.members.map(m => ({ label: who(m), expected: m.expectedShare, actual: m.actualShare }))),
        h('table', { id: 'fairness-table' }, h('thead', {}, h('tr', {}, ['Member', 'Picks', 'Expected', 'Actual'].map(t => h('th', {}, t)))),
          h('tbody', {}, s.members.map(m => h('tr', { 'data-user': m.userId },
            h('td', {}, who(m)), h('td', { class: 'picks' }, String(m.picks)),
            h('td', { class: 'expected' }, pct(m.expectedShare)), h('td', { class: 'actual' }, pct(m.actualShare)))))),
        h('p', { class: 'muted', id: 'fairness-total' }, `${s.totalPicks} picks from ${time(s.from)} to ${time(s.to)}`));
    } catch (e) {
      if (mine !== latest) return;
      body.replaceChildren(h('p', { class: 'form-error', role: 'alert', id: 'fairness-error' }, e.message));
    }
  };
  choice.addEventListener('change', load);
  const reload = h('button', { type: 'button', id: 'fairness-refresh', onclick: load }, 'Refresh');
  load();
  return h('div', { class: 'card', id: 'fairness-card' }, h('h2', {}, 'Fairness'),
    h('div', { class: 'inline' }, field('Window', choice), reload), customFields, body);
}

export function log(id, rotation, names) {
  const PAGE = 20;
  let offset = 0;
  const user = h('select', { id: 'log-user' }, h('option', { value: '' }, 'everyone'),
    rotation.members.map(m => h('option', { value: m.userId }, who(m))));
  const body = h('div', { id: 'log' });
  const when = range(() => { offset = 0; load(); });
  let latest = 0; // only the answer to the latest request is shown
  const load = async () => {
    const mine = ++latest;
    try {
      const p = await get(`/lead-rotations/${id}/assignments?limit=${PAGE}&offset=${offset}`
        + (user.value ? `&userId=${user.value}` : '') + when.query());
      if (mine !== latest) return;
      body.replaceChildren(h('div', { class: 'scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, ['#', 'Picked', 'When', 'Passed over'].map(t => h('th', {}, t)))),
        h('tbody', {}, p.items.map(a => h('tr', { 'data-sequence': a.sequence }, h('td', {}, String(a.sequence)),
          h('td', {}, names.get(String(a.userId)) || a.email, a.repayment ? ' (owed turn)' : '',
            a.fallbackFrom ? ` (fallback from ${a.fallbackFrom})` : ''),
          h('td', {}, time(a.pickedAt)), h('td', {}, reasons(a.skipped, names) || '—')))))),
        h('div', { class: 'actions' },
          h('button', { type: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, 'Newer'),
          h('span', { class: 'muted', id: 'log-count' }, `${p.total ? offset + 1 : 0}–${offset + p.items.length} of ${p.total}`),
          h('button', { type: 'button', disabled: offset + PAGE >= p.total, onclick: () => { offset += PAGE; load(); } }, 'Older')));
    } catch (e) {
      if (mine !== latest) return;
      body.replaceChildren(h('p', { class: 'form-error', role: 'alert', id: 'log-error' }, e.message));
    }
  };
  user.addEventListener('change', () => { offset = 0; load(); });
  load();
  return h('div', { class: 'card', id: 'log-card' }, h('h2', {}, 'Assignment log'),
    h('div', { class: 'inline' }, field('Member', user), when.fields,
      h('button', { type: 'button', id: 'log-refresh', onclick: load }, 'Refresh')),
    h('p', { class: 'muted' }, 'From and To are in your browser\'s time zone; From is included, To is not.'), body);
}

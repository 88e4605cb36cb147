// The rotations list (with a status filter) and the create / edit form.
import { api, get } from './api.js';
import { h, field, errorBox, showError, clearErrors } from './dom.js';

export async function rotationsView(query) {
  const status = query.get('status') || '';
  const page = await get('/lead-rotations?limit=200' + (status ? '&status=' + encodeURIComponent(status) : ''));
  const filter = h('select', { id: 'status-filter' },
    ['', 'active', 'queued', 'archived'].map(s => h('option', { value: s, selected: s === status }, s || 'all')));
  filter.addEventListener('change', () => { location.hash = '#/rotations' + (filter.value ? '?status=' + filter.value : ''); });
  const rows = page.items.map(r => h('tr', { 'data-rotation': r.id },
    h('td', {}, h('a', { href: `#/rotations/${r.id}` }, r.name)),
    h('td', {}, h('span', { class: 'badge ' + r.status }, r.status)),
    h('td', {}, String(r.members.length)),
    h('td', { class: 'picks-today' }, '…'),
    h('td', { class: 'eligible-now' }, '…')));
  const table = h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Status'),
    h('th', {}, 'Members'), h('th', {}, 'Picks today'), h('th', {}, 'Eligible now'))), h('tbody', {}, rows));
  // picks today and eligible now come from each rotation's stats and members views
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  page.items.forEach((r, i) => {
    get(`/lead-rotations/${r.id}/stats?from=${encodeURIComponent(midnight.toISOString())}`)
      .then(s => { rows[i].querySelector('.picks-today').textContent = String(s.totalPicks); })
      .catch(e => { rows[i].querySelector('.picks-today').textContent = e.message; });
    get(`/lead-rotations/${r.id}/members`)
      .then(m => {
        const n = m.members.filter(x => x.eligibleNow).length;
        rows[i].querySelector('.eligible-now').textContent = `${n} of ${m.members.length}`;
      })
      .catch(e => { rows[i].querySelector('.eligible-now').textContent = e.message; });
  });
  return h('section', {},
    h('h1', {}, 'Rotations'),
    h('div', { class: 'inline card' }, field('Status', filter),
      h('a', { href: '#/rotations/new', class: 'button', id: 'new-rotation' }, 'New rotation')),
    h('div', { class: 'card scroll' }, page.items.length ? table : h('p', { class: 'muted' }, 'No rotations.'),
      h('p', { class: 'muted' }, `${page.total} rotation(s)`)));
}

const CAPS = ['hour', 'day', 'week'];

function memberRow(users, m, index, remove) {
  const user = h('select', { 'data-field': `members[${index}].userId`, class: 'member-user' },
    users.map(u => h('option', { value: u.id, selected: m && String(m.userId) === String(u.id) }, `${u.name || u.email} (${u.email})`)));
  const weight = h('input', { type: 'number', min: 1, max: 10, value: m ? m.weight : 1, class: 'member-weight',
    'data-field': `members[${index}].weight` });
  const paused = h('input', { type: 'checkbox', class: 'member-paused', checked: m && m.paused,
    'data-field': `members[${index}].paused` });
  const caps = CAPS.map(c => h('input', { type: 'number', min: 1, class: 'member-cap-' + c,
    value: m && m.caps && m.caps[c] ? m.caps[c] : '', 'data-field': `members[${index}].caps.${c}` }));
  return h('div', { class: 'member-row inline' },
    field(`Member ${index + 1}`, user), field('Weight', weight), field('Paused', paused),
    ...CAPS.map((c, i) => field(`Cap per ${c}`, caps[i])),
    h('button', { type: 'button', class: 'danger', onclick: remove }, 'Remove'));
}

/** Create (id null) or edit a rotation: members, weights, caps, pause, time zone, catch-up, fallback. */
export async function rotationFormView(id) {
  const [users, rotation] = await Promise.all([get('/users?limit=500'),
    id ? get(`/lead-rotations/${id}`) : Promise.resolve(null)]);
  const name = h('input', { type: 'text', value: rotation ? rotation.name : '', 'data-field': 'name', required: true });
  const status = h('select', { 'data-field': 'status' }, ['active', 'queued', 'archived']
    .map(s => h('option', { value: s, selected: rotation && rotation.status === s }, s)));
  const zone = h('input', { type: 'text', value: rotation ? rotation.timeZone : 'UTC', 'data-field': 'timeZone' });
  const catchUp = h('input', { type: 'checkbox', checked: rotation && rotation.catchUp, 'data-field': 'catchUp' });
  const fb = rotation && rotation.fallback;
  const fallbackKind = h('select', { 'data-field': 'fallback' }, [['', 'none'], ['rotationId', 'another rotation'],
    ['userId', 'a fixed user']].map(([v, l]) => h('option', { value: v, selected: fb ? (v in fb) : v === '' }, l)));
  const fallbackId = h('input', { type: 'number', min: 1, value: fb ? (fb.rotationId || fb.userId) : '',
    'data-field': 'fallback.id' });
  const members = h('div', { id: 'members' });
  let list = rotation ? rotation.members.map(m => ({ ...m })) : [];
  const redraw = () => members.replaceChildren(...list.map((m, i) => memberRow(users.items, m, i, () => {
    list = read(); list.splice(i, 1); redraw();
  })));
  const read = () => [...members.querySelectorAll('.member-row')].map(row => ({
    userId: row.querySelector('.member-user').value,
    weight: row.querySelector('.member-weight').value,
    paused: row.querySelector('.member-paused').checked,
    caps: Object.fromEntries(CAPS.map(c => [c, row.querySelector('.member-cap-' + c).value]).filter(([, v]) => v !== '')),
  }));
  redraw();
  const add = h('button', { type: 'button', id: 'add-member', onclick: () => {
    list = read(); list.push({ userId: users.items[0] && users.items[0].id, weight: 1 }); redraw();
  } }, 'Add member');
  // novalidate: the API is the one judge of a value (its words are shown next to the field)
  const form = h('form', { class: 'card', id: 'rotation-form', novalidate: true },
    h('h1', {}, rotation ? `Edit ${rotation.name}` : 'New rotation'),
    field('Name', name), rotation ? null : field('Status', status), field('Time zone (IANA)', zone),
    field('Catch up missed turns', catchUp, 'Turns missed while away, paused or outside hours are owed and repaid.'),
    h('div', { class: 'inline' }, field('Fallback', fallbackKind), field('Fallback id', fallbackId)),
    h('h2', {}, 'Members'), members, add,
    errorBox(),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, rotation ? 'Save' : 'Create'),
      h('a', { href: rotation ? `#/rotations/${id}` : '#/rotations' }, 'Cancel')));
  if (!users.items.length) {
    form.insertBefore(h('p', { class: 'form-error' }, 'The account has no users yet: add people first.'), members);
  }
  form.addEventListener('submit', async e => {
    e.preventDefault();
    clearErrors(form);
    const num = v => (v === '' || v === null || v === undefined ? v : Number(v));
    const body = {
      name: name.value,
      timeZone: zone.value,
      catchUp: catchUp.checked,
      fallback: fallbackKind.value ? { [fallbackKind.value]: num(fallbackId.value) } : null,
      members: read().map(m => ({ userId: num(m.userId), weight: num(m.weight), paused: m.paused,
        caps: Object.fromEntries(Object.entries(m.caps).map(([k, v]) => [k, num(v)])) })),
    };
    if (!rotation) body.status = status.value;
    try {
      const saved = await api(rotation ? 'PUT' : 'POST', rotation ? `/lead-rotations/${id}` : '/lead-rotations', body);
      location.hash = `#/rotations/${saved.id}`;
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

// People (the directory: active, away, working hours, time zone) and teams.
import { api, get } from './api.js';
import { h, field, errorBox, showError, clearErrors, time } from './dom.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** "09:00-12:00, 13:00-17:30" <-> [["09:00","12:00"],["13:00","17:30"]] */
const rangesText = (ranges) => (ranges || []).map(r => r.join('-')).join(', ');
const parseRanges = (text) => text.split(',').map(t => t.trim()).filter(Boolean).map(t => t.split('-').map(x => x.trim()));

function userForm(user, done) {
  const email = h('input', { type: 'email', value: user ? user.email : '', 'data-field': 'email' });
  const name = h('input', { type: 'text', value: user ? user.name || '' : '', 'data-field': 'name' });
  const active = h('input', { type: 'checkbox', checked: user ? user.active : true, 'data-field': 'active' });
  const zone = h('input', { type: 'text', value: user ? user.timeZone : 'UTC', 'data-field': 'timeZone' });
  const away = h('input', { type: 'datetime-local', 'data-field': 'awayUntil',
    value: user && user.awayUntil ? new Date(user.awayUntil).toISOString().slice(0, 16) : '' });
  const always = h('input', { type: 'checkbox', checked: !user || !user.workingHours, 'data-field': 'workingHours' });
  const days = DAYS.map(d => h('input', { type: 'text', placeholder: 'e.g. 09:00-17:30', 'data-field': `workingHours.${d}`,
    value: user && user.workingHours ? rangesText(user.workingHours[d]) : '' }));
  const title = user ? `Edit ${user.name || user.email}` : 'New person';
  const form = h('form', { class: 'card', 'aria-label': title },
    h('h2', {}, title),
    h('div', { class: 'inline' }, field('Email', email), field('Name', name), field('Active', active),
      field('Time zone (IANA)', zone), field('Away until (UTC)', away)),
    h('h2', {}, 'Working hours'),
    field('Always available', always),
    h('div', { class: 'inline' }, DAYS.map((d, i) => field(d, days[i]))),
    errorBox(),
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, user ? 'Save' : 'Add'),
      user ? h('button', { type: 'button', onclick: done }, 'Close') : null));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    clearErrors(form);
    const body = { email: email.value, name: name.value || undefined, active: active.checked, timeZone: zone.value,
      awayUntil: away.value ? new Date(away.value + 'Z').toISOString() : null,
      workingHours: always.checked ? null : Object.fromEntries(DAYS.map((d, i) => [d, parseRanges(days[i].value)])) };
    try {
      await api(user ? 'PUT' : 'POST', user ? `/users/${user.id}` : '/users', body);
      done();
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

export async function peopleView() {
  const section = h('section', {});
  const draw = async () => {
    const users = await get('/users?limit=500');
    const editor = h('div', {});
    const rows = users.items.map(u => h('tr', { 'data-user': u.id },
      h('td', {}, u.name || '', h('div', { class: 'muted' }, u.email)),
      h('td', {}, h('span', { class: 'badge ' + (u.active ? 'yes' : 'no') }, u.active ? 'active' : 'inactive')),
      h('td', {}, u.awayUntil && new Date(u.awayUntil) > new Date() ? 'away until ' + time(u.awayUntil) : '—'),
      h('td', { class: 'hide-narrow' }, u.workingHours ? DAYS.filter(d => (u.workingHours[d] || []).length)
        .map(d => `${d} ${rangesText(u.workingHours[d])}`).join('; ') : 'always'),
      h('td', {}, u.timeZone),
      h('td', {}, h('button', { type: 'button', 'aria-label': `Edit ${u.name || u.email}`,
        onclick: () => editor.replaceChildren(userForm(u, draw)) }, 'Edit'))));
    section.replaceChildren(h('h1', {}, 'People'), editor,
      h('div', { class: 'card scroll' }, h('table', { id: 'people' },
        h('thead', {}, h('tr', {}, ['Person', 'Active', 'Away', 'Working hours', 'Time zone', ''].map(t => h('th', {}, t)))),
        h('tbody', {}, rows))),
      userForm(null, draw));
  };
  await draw();
  return section;
}

export async function teamsView() {
  const section = h('section', {});
  const draw = async () => {
    const [teams, users] = await Promise.all([get('/teams?limit=500'), get('/users?limit=500')]);
    const name = h('input', { type: 'text', 'data-field': 'name' });
    const members = h('select', { multiple: true, size: 5, 'data-field': 'members' },
      users.items.map(u => h('option', { value: u.id }, u.name || u.email)));
    const form = h('form', { class: 'card' }, h('h2', {}, 'New team'), field('Name', name),
      field('Members', members, 'Ctrl/Cmd-click to choose several.'), errorBox(),
      h('button', { type: 'submit', class: 'primary' }, 'Add team'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      try {
        await api('POST', '/teams', { name: name.value, members: [...members.selectedOptions].map(o => ({ userId: Number(o.value) })) });
        await draw();
      } catch (err) {
        showError(form, err);
      }
    });
    section.replaceChildren(h('h1', {}, 'Teams'),
      h('div', { class: 'card scroll' }, teams.items.length ? h('table', {},
        h('thead', {}, h('tr', {}, ['Team', 'Active', 'Members'].map(t => h('th', {}, t)))),
        h('tbody', {}, teams.items.map(t => h('tr', {}, h('td', {}, t.name),
          h('td', {}, t.active ? 'yes' : 'no'), h('td', {}, t.members.map(m => m.name || m.email).join(', ')))))) : h('p', { class: 'muted' }, 'No teams.')),
      form);
  };
  await draw();
  return section;
}

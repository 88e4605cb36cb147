// A rotation's page: status actions, members with eligibility, preview, live stream, fairness, log, tokens.
import { api, get, stream } from './api.js';
import { h, field, errorBox, showError, clearErrors, time } from './dom.js';
import { fairness, log, who, reasons } from './history.js';


export async function rotationView(id, onLeave) {
  const rotation = await get(`/lead-rotations/${id}`);
  const names = new Map(rotation.members.map(m => [String(m.userId), who(m)]));
  const page = h('section', { 'data-rotation': id });
  const status = h('span', { class: 'badge ' + rotation.status, id: 'rotation-status' }, rotation.status);
  const actionsError = errorBox();
  const setStatus = (s) => api('PATCH', `/lead-rotations/${id}/status`, { status: s })
    .then(r => { status.textContent = r.status; status.className = 'badge ' + r.status; refresh(); })
    .catch(e => showError(actionsError.parentElement, e));
  const membersCard = h('div', { class: 'card', id: 'members-card' });
  const previewCard = h('div', { class: 'card', id: 'preview-card' });
  const refresh = async () => {
    await Promise.all([members(id, membersCard, refresh), preview(id, previewCard)]);
  };
  page.append(
    h('h1', {}, rotation.name, ' ', status),
    h('div', { class: 'card' },
      h('p', { class: 'muted' }, `Time zone ${rotation.timeZone} · catch-up ${rotation.catchUp ? 'on' : 'off'} · fallback `
        + (rotation.fallback ? JSON.stringify(rotation.fallback) : 'none') + (rotation.followsTeam ? ' · follows its team' : '')),
      h('div', { class: 'actions' },
        h('a', { href: `#/rotations/${id}/edit`, id: 'edit-rotation' }, 'Edit'),
        h('button', { type: 'button', onclick: () => setStatus('active') }, 'Activate'),
        h('button', { type: 'button', onclick: () => setStatus('queued') }, 'Queue'),
        h('button', { type: 'button', class: 'danger', onclick: () => setStatus('archived') }, 'Archive')),
      actionsError),
    h('div', { class: 'grid' }, membersCard, previewCard),
    h('div', { class: 'grid' }, live(id, names, onLeave), fairness(id)),
    log(id, rotation, names),
    tokens(id));
  await refresh();
  return page;
}

async function members(id, card, refresh) {
  const view = await get(`/lead-rotations/${id}/members`);
  const error = errorBox();
  const rows = view.members.map(m => {
    const paused = h('input', { type: 'checkbox', checked: m.paused, 'aria-label': `Pause ${who(m)}`,
      class: 'pause-toggle', 'data-user': m.userId });
    paused.addEventListener('change', async () => {
      try {
        await api('PATCH', `/lead-rotations/${id}/members/${m.userId}`, { paused: paused.checked });
        await refresh();
      } catch (e) {
        paused.checked = !paused.checked;
        showError(card, e);
      }
    });
    const caps = ['hour', 'day', 'week'].filter(c => m.caps[c]).map(c => `${m.counts[c]}/${m.caps[c]} per ${c}`).join(', ');
    return h('tr', { 'data-user': m.userId, class: 'member' },
      h('td', {}, who(m), h('div', { class: 'muted hide-narrow' }, m.email)),
      h('td', {}, String(m.weight)),
      h('td', {}, paused),
      h('td', {}, caps || '—'),
      h('td', { class: 'eligibility' }, h('span', { class: 'badge ' + (m.eligibleNow ? 'yes' : 'no') },
        m.eligibleNow ? 'eligible' : m.reason),
        !m.eligibleNow && m.nextEligibleAt ? h('div', { class: 'muted' }, 'from ' + time(m.nextEligibleAt)) : null),
      h('td', {}, String(m.owed)));
  });
  card.replaceChildren(h('h2', {}, 'Members'), h('div', { class: 'scroll' }, h('table', { id: 'members' },
    h('thead', {}, h('tr', {}, ['Member', 'Weight', 'Paused', 'Caps', 'Eligible now', 'Owed'].map(t => h('th', {}, t)))),
    h('tbody', {}, rows))), error);
}

async function preview(id, card) {
  try {
    const p = await get(`/lead-rotations/${id}/preview?count=10`);
    card.replaceChildren(h('h2', {}, 'Next 10 picks'),
      h('ol', { class: 'preview', id: 'preview' }, p.picks.map((x, i) => h('li', {
        title: x.skipped.length ? 'passes over ' + x.skipped.map(s => `${s.userId}: ${s.reason}`).join(', ') : '',
      }, `${i + 1}. ${who(x.user)}${x.repayment ? ' (owed)' : ''}`))));
  } catch (e) {
    card.replaceChildren(h('h2', {}, 'Next 10 picks'), h('p', { class: 'form-error', id: 'preview-error', role: 'alert' }, e.message));
  }
}

function live(id, names, onLeave) {
  const list = h('ul', { class: 'stream', id: 'stream', 'aria-live': 'polite' });
  const state = h('span', { class: 'badge', id: 'stream-state' }, 'connecting');
  // a stream that ends (the node stopped, the network dropped) is opened again, to any node, until the page
  // is left; one the API refuses (401, 404) is not
  let stopStream = () => {};
  let left = false;
  let retry = null;
  // the id of the last event seen: a reconnect resumes after it, so no pick is missed or shown twice
  let lastId = null;
  const connect = () => { stopStream = stream(`/lead-rotations/${id}/events`, {
    lastEventId: lastId,
    onOpen: () => { state.textContent = 'live'; state.className = 'badge yes'; },
    onError: (e) => {
      state.className = 'badge no';
      if (left) return;
      if (e.status >= 400 && e.status < 500) {
        state.textContent = 'refused: ' + e.message;
      } else {
        state.textContent = 'reconnecting (' + e.message + ')';
        retry = setTimeout(connect, 2000);
      }
    },
    onEvent: (type, seq, data) => {
      if (seq) lastId = seq;
      let item;
      if (type === 'pick') {
        item = h('li', { 'data-sequence': data.sequence },
          h('strong', {}, `#${data.sequence}`), ` ${data.name || data.email} · ${time(data.at)}`,
          data.skipped.length ? h('span', { class: 'muted' }, ` · passed over ${reasons(data.skipped, names)}`) : null,
          data.fallbackFrom ? h('span', { class: 'muted' }, ` · fallback from rotation ${data.fallbackFrom}`) : null);
      } else if (type === 'dropped') {
        item = h('li', { class: 'form-error' }, `${data.count} picks not shown (the page fell behind)`);
      } else if (type === 'deleted') {
        item = h('li', { class: 'form-error' }, 'The rotation was deleted.');
      } else {
        return;
      }
      list.prepend(item);
      while (list.children.length > 200) list.lastChild.remove();
    },
  }); };
  connect();
  onLeave(() => { left = true; clearTimeout(retry); stopStream(); });
  return h('div', { class: 'card' }, h('h2', {}, 'Live picks ', state),
    h('p', { class: 'muted' }, 'Pushed by the service as picks happen (newest first).'), list);
}

function tokens(id) {
  const name = h('input', { type: 'text', 'data-field': 'name', id: 'token-name' });
  const secret = h('div', { id: 'token-secret' });
  const list = h('div', { id: 'tokens', class: 'scroll' });
  const card = h('div', { class: 'card' });
  const load = async () => {
    const t = await get(`/lead-rotations/${id}/tokens`);
    list.replaceChildren(h('table', {}, h('thead', {}, h('tr', {}, ['Name', 'Prefix', 'Created', 'State', ''].map(x => h('th', {}, x)))),
      h('tbody', {}, t.items.map(k => h('tr', { 'data-token': k.id },
        h('td', {}, k.name || ''), h('td', {}, h('code', {}, k.prefix + '…')), h('td', {}, time(k.createdAt)),
        h('td', { class: 'token-state' }, k.revoked ? 'revoked ' + time(k.revokedAt) : 'active'),
        h('td', {}, k.revoked ? '' : h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke ${k.name || k.prefix}`,
          onclick: async () => {
            try { await api('DELETE', `/lead-rotations/${id}/tokens/${k.id}`); secret.replaceChildren(); await load(); } catch (e) { showError(card, e); }
          } }, 'Revoke')))))));
  };
  const form = h('form', { class: 'inline' }, field('Token name', name), h('button', { type: 'submit' }, 'Create ingest token'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    clearErrors(card);
    try {
      const t = await api('POST', `/lead-rotations/${id}/tokens`, { name: name.value });
      name.value = '';
      secret.replaceChildren(h('p', {}, 'Copy this secret now: it is shown once and never again.'),
        h('div', { class: 'secret', id: 'new-secret' }, t.token));
      await load();
    } catch (err) {
      showError(card, err);
    }
  });
  load().catch(e => showError(card, e));
  card.append(h('h2', {}, 'Ingest tokens'), h('p', { class: 'muted' }, 'For POST /v1/leads.'), form, errorBox(), secret, list);
  return card;
}

// The console's shell: sign-in, the account, navigation by the URL's hash, and the views.
import { session, claims, get } from './api.js';
import { h, field, errorBox, showError } from './dom.js';
import { rotationsView, rotationFormView } from './rotations.js';
import { rotationView } from './rotation.js';
import { peopleView, teamsView } from './people.js';
import { leadsView } from './leads.js';

const main = document.getElementById('main');
let config = { devMode: false };
let leaving = [];

/** Views register what must stop when the page changes (a live stream). */
export function onLeave(fn) {
  leaving.push(fn);
}

function signInView() {
  const token = h('textarea', { rows: 4, cols: 60, autocomplete: 'off', spellcheck: 'false', 'data-field': 'token' });
  const account = h('select', { 'data-field': 'account' });
  const other = h('input', { type: 'text', 'data-field': 'account', placeholder: 'account id' });
  const otherField = field('Account id (the token grants every account)', other);
  otherField.hidden = true;
  const accountField = field('Account', account);
  accountField.hidden = true;
  const form = h('form', { class: 'card', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in'),
    config.devMode ? h('p', { class: 'badge queued', id: 'devmode' }, 'Dev mode: the service printed a dev token when it started (and `java -jar target/lead-router.jar token --account ID --sub EMAIL` mints one).') : null,
    h('p', { class: 'muted' }, 'Paste a JWT. It is kept for this browser tab only (session storage) and sent with each API call.'),
    field('Token (JWT)', token),
    accountField, otherField, errorBox(),
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'));
  let granted = [];
  token.addEventListener('input', () => {
    form.querySelector('.form-error').textContent = '';
    try {
      const c = claims(token.value.trim());
      granted = Array.isArray(c.accounts) ? c.accounts.map(String) : [];
    } catch {
      granted = [];
    }
    const real = granted.filter(a => a !== '*');
    account.replaceChildren(...real.map(a => h('option', { value: a }, a)));
    accountField.hidden = real.length === 0;
    otherField.hidden = !granted.includes('*');
  });
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const t = token.value.trim();
    let chosen = !otherField.hidden && other.value.trim() ? other.value.trim() : account.value;
    if (!t) return showError(form, { field: 'token', message: 'token: paste a JWT' });
    if (!chosen) return showError(form, { message: 'account: the token grants no account; pick or type one' });
    session.signIn(t, chosen);
    try {
      await get('/lead-rotations?limit=1'); // the server checks the token and the account
      location.hash = '#/rotations';
      render();
    } catch (err) {
      session.signOut();
      showError(form, err);
    }
  });
  return form;
}

function shell() {
  const signedIn = !!session.token;
  document.getElementById('nav').hidden = !signedIn;
  const who = document.getElementById('who');
  who.replaceChildren();
  if (signedIn) {
    let sub = '';
    try { sub = claims(session.token).sub || ''; } catch { /* shown as is */ }
    who.append(h('span', { id: 'signed-in-as' }, `${sub} · account ${session.account}`),
      h('button', { type: 'button', onclick: () => { session.signOut(); location.hash = ''; render(); } }, 'Sign out'));
  }
  document.getElementById('banner').textContent = config.devMode ? 'Dev mode: no JWT key is configured on this service.' : '';
  for (const a of document.querySelectorAll('#nav a')) {
    if (location.hash.startsWith(a.getAttribute('href'))) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function render() {
  leaving.forEach(fn => fn());
  leaving = [];
  shell();
  if (!session.token) {
    main.replaceChildren(signInView());
    return;
  }
  const parts = (location.hash || '#/rotations').slice(2).split('/');
  let view;
  try {
    if (parts[0] === 'rotations' && parts[1] === 'new') view = await rotationFormView(null);
    else if (parts[0] === 'rotations' && parts[1] && parts[2] === 'edit') view = await rotationFormView(parts[1]);
    else if (parts[0] === 'rotations' && parts[1]) view = await rotationView(parts[1], onLeave);
    else if (parts[0] === 'people') view = await peopleView();
    else if (parts[0] === 'teams') view = await teamsView();
    else if (parts[0] === 'leads') view = await leadsView(parts[1]);
    else view = await rotationsView(new URLSearchParams(location.hash.split('?')[1] || ''));
  } catch (err) {
    view = h('div', { class: 'card' }, h('h1', {}, 'Could not load this page'),
      h('p', { class: 'form-error', role: 'alert' }, err.message));
    if (err.status === 401) {
      view.append(h('button', { type: 'button', onclick: () => { session.signOut(); render(); } }, 'Sign in again'));
    }
  }
  main.replaceChildren(view);
}

window.addEventListener('hashchange', render);
fetch('config.json').then(r => r.json()).then(c => { config = c; }).catch(() => {}).finally(render);

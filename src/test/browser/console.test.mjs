// The console's flows in a real headless Chromium (Debian's), driven by playwright-core.
// node console.test.mjs --url http://127.0.0.1:PORT --token JWT --account ID [--dev-mode true] --out DIR
// Exits non-zero on the first failed flow; prints one line per flow ("ok N - ...") and "N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const base = args.url;
const token = args.token;
const account = args.account;
const out = args.out || 'target/console-screenshots';
const browserPath = args.chromium || '/usr/bin/chromium';
const WAIT = 15_000; // a functional wait: generous, never a timing assertion
mkdirSync(out, { recursive: true });

async function call(method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'x-account-id': account,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function ok(method, path, body) {
  const r = await call(method, path, body);
  assert.ok(r.status < 300, `${method} ${path} answered ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

const profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: browserPath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
const page = browser.pages()[0] || await browser.newPage();
const consoleErrors = [];
page.on('pageerror', e => consoleErrors.push(String(e)));
// a refused API call is logged by Chromium itself ("Failed to load resource"); the flows check those answers
page.on('console', m => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text()); });
page.setDefaultTimeout(WAIT);

let passed = 0, failed = 0;
async function flow(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok ${passed + failed} - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${passed + failed} - ${name}\n${e.stack || e}`);
    await page.screenshot({ path: join(out, `failed-${passed + failed}.png`), fullPage: true }).catch(() => {});
    throw e;
  }
}

async function shot(name) {
  await page.screenshot({ path: join(out, name + '.png'), fullPage: true });
}

// a datetime-local value (the browser's time zone) for an instant, and the ISO instant the page sends for one
const localInput = (ms) => page.evaluate(t => {
  const d = new Date(t);
  const p = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}, ms);
const isoOf = (local) => page.evaluate(v => new Date(v).toISOString(), local);
async function setInput(locator, value) {
  await locator.fill(value);
  await locator.dispatchEvent('change');
}

const previewNames = async () => (await page.locator('#preview li').allInnerTexts())
  .map(t => t.replace(/^\d+\.\s*/, '').replace(/ \(owed\)$/, ''));

try {
  // data made through the API, as any client would
  const people = {};
  for (const n of ['Ann', 'Bob', 'Cy']) {
    people[n] = (await ok('POST', '/users', { email: `${n.toLowerCase()}@example.com`, name: n })).id;
  }
  const fromApi = await ok('POST', '/lead-rotations', { name: 'Made through the API', members: ['ann@example.com', 'bob@example.com'] });
  let rotationId;

  await flow('1 sign in with a token; the list shows a rotation created through the API', async () => {
    await page.goto(base + '/');
    assert.match(page.url(), /\/console\/$/);
    if (args['dev-mode'] === 'true') {
      assert.match(await page.locator('#devmode').innerText(), /^Dev mode/);
    }
    await page.getByLabel('Token (JWT)').fill(token);
    const wildcard = page.getByLabel('Account id (the token grants every account)');
    if (await wildcard.isVisible()) {
      await wildcard.fill(account); // a token granting "*", like the dev token
    } else {
      await page.getByLabel('Account', { exact: true }).selectOption(account);
    }
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`tr[data-rotation="${fromApi.id}"]`).waitFor();
    assert.equal(await page.locator(`tr[data-rotation="${fromApi.id}"] td`).first().innerText(), 'Made through the API');
    await page.locator(`tr[data-rotation="${fromApi.id}"] .eligible-now`).filter({ hasText: '2 of 2' }).waitFor();
    assert.match(await page.locator('#signed-in-as').innerText(), new RegExp(`account ${account}`));
  });

  await flow('2 create a rotation of three people with weights 3/1/1; the preview shows a b a c a', async () => {
    await page.getByRole('link', { name: 'New rotation' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Three in the page');
    for (const [i, [who, weight]] of [['Ann', 3], ['Bob', 1], ['Cy', 1]].entries()) {
      await page.getByRole('button', { name: 'Add member' }).click();
      await page.getByLabel(`Member ${i + 1}`, { exact: true }).selectOption(String(people[who]));
      await page.locator('.member-row').nth(i).getByLabel('Weight').fill(String(weight));
    }
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('#preview li').first().waitFor();
    rotationId = Number(await page.locator('section[data-rotation]').getAttribute('data-rotation'));
    assert.deepEqual((await previewNames()).slice(0, 5), ['Ann', 'Bob', 'Ann', 'Cy', 'Ann']);
    const stored = await ok('GET', `/lead-rotations/${rotationId}`);
    assert.deepEqual(stored.members.map(m => [m.name, m.weight]), [['Ann', 3], ['Bob', 1], ['Cy', 1]]);
  });

  await flow('3 pause a member; the preview drops them and the row shows the reason', async () => {
    await page.getByLabel('Pause Bob').check();
    const bobRow = page.locator(`#members tr[data-user="${people.Bob}"] .eligibility`);
    await bobRow.filter({ hasText: 'paused' }).waitFor();
    await page.waitForFunction(() => ![...document.querySelectorAll('#preview li')].some(li => li.textContent.includes('Bob')));
    const names = await previewNames();
    assert.equal(names.length, 10);
    assert.ok(!names.includes('Bob'), names.join(' '));
    assert.deepEqual(names.slice(0, 4), ['Ann', 'Ann', 'Cy', 'Ann']);
    const stored = await ok('GET', `/lead-rotations/${rotationId}/members`);
    assert.equal(stored.members.find(m => m.userId === people.Bob).reason, 'paused');
  });

  await flow('4 picks made through the API appear in the live stream, in order, with their sequence', async () => {
    await page.locator('#stream-state').filter({ hasText: 'live' }).waitFor();
    const picks = [];
    for (let i = 0; i < 5; i++) {
      const p = await ok('GET', `/lead-rotations/${rotationId}/next-user`);
      picks.push([p.sequence, p.user.name, p.skipped.some(x => x.userId === people.Bob && x.reason === 'paused')]);
    }
    await page.waitForFunction(n => document.querySelectorAll('#stream li[data-sequence]').length >= n, 5);
    const shown = await page.locator('#stream li[data-sequence]').evaluateAll(items =>
      items.map(li => [Number(li.dataset.sequence), li.textContent]));
    const oldestFirst = shown.reverse();
    assert.deepEqual(oldestFirst.map(s => s[0]), picks.map(p => p[0]));
    oldestFirst.forEach(([seq, text], i) => {
      assert.ok(text.startsWith(`#${seq} ${picks[i][1]}`), `${text} is pick ${picks[i]}`);
      assert.equal(text.includes('passed over Bob: paused'), picks[i][2], text);
    });
  });

  await flow("5 the fairness chart's numbers match /stats", async () => {
    let stats;
    const deadline = Date.now() + WAIT;
    do { // picks reach the store (where /stats counts them) within the write-behind interval
      stats = await ok('GET', `/lead-rotations/${rotationId}/stats`);
    } while (stats.totalPicks < 5 && Date.now() < deadline && await new Promise(r => setTimeout(r, 100)) === undefined);
    assert.equal(stats.totalPicks, 5);
    await page.locator('#fairness-refresh').click();
    await page.locator('#fairness-total').filter({ hasText: /^5 picks/ }).waitFor();
    for (const m of stats.members) {
      const row = page.locator(`#fairness-table tr[data-user="${m.userId}"]`);
      assert.equal(await row.locator('.picks').innerText(), String(m.picks));
      assert.equal(await row.locator('.expected').innerText(), (m.expectedShare * 100).toFixed(1) + ' %');
      assert.equal(await row.locator('.actual').innerText(), (m.actualShare * 100).toFixed(1) + ' %');
    }
    assert.equal(await page.locator('#fairness svg rect').count(), 2 * stats.members.length);
    await page.locator('#log-refresh').click();
    await page.locator('#log tbody tr').first().waitFor();
    await shot('rotation-desktop');
  });

  await flow('the assignment log filtered by from/to, and fairness over a custom window, match the API', async () => {
    const logCard = page.locator('#log-card');
    const hourAgo = await localInput(Date.now() - 3600e3);
    const twoHoursAgo = await localInput(Date.now() - 2 * 3600e3);
    const inHour = await localInput(Date.now() + 3600e3);
    const q = (from, to) => (from ? `&from=${encodeURIComponent(from)}` : '') + (to ? `&to=${encodeURIComponent(to)}` : '');
    // a window in the future: nothing
    await setInput(logCard.getByLabel('From', { exact: true }), inHour);
    await page.locator('#log-count').filter({ hasText: /of 0$/ }).waitFor();
    assert.equal(await page.locator('#log tbody tr').count(), 0);
    assert.equal((await ok('GET', `/lead-rotations/${rotationId}/assignments?limit=20${q(await isoOf(inHour))}`)).total, 0);
    // the last hour: the five picks, the rows the API lists for the same instants
    await setInput(logCard.getByLabel('From', { exact: true }), hourAgo);
    await setInput(logCard.getByLabel('To', { exact: true }), inHour);
    await page.locator('#log-count').filter({ hasText: /^1–5 of 5$/ }).waitFor();
    const listed = await ok('GET', `/lead-rotations/${rotationId}/assignments?limit=20${q(await isoOf(hourAgo), await isoOf(inHour))}`);
    assert.deepEqual(await page.locator('#log tbody tr').evaluateAll(rows => rows.map(r => Number(r.dataset.sequence))),
      listed.items.map(a => a.sequence));
    // to not after from: the API's words, shown in the page
    await setInput(logCard.getByLabel('To', { exact: true }), hourAgo);
    const refused = await call('GET', `/lead-rotations/${rotationId}/assignments?limit=20${q(await isoOf(hourAgo), await isoOf(hourAgo))}`);
    assert.equal(refused.status, 400);
    await page.locator('#log-error').filter({ hasText: refused.json.error.message }).waitFor();
    assert.match(refused.json.error.message, /^to: /);
    await setInput(logCard.getByLabel('From', { exact: true }), '');
    await setInput(logCard.getByLabel('To', { exact: true }), '');
    await page.locator('#log-count').filter({ hasText: /^1–5 of 5$/ }).waitFor();

    // fairness: a custom window instead of the presets
    const fair = page.locator('#fairness-card');
    assert.equal(await page.locator('#fairness-custom').isVisible(), false);
    await page.getByLabel('Window').selectOption('custom');
    await page.locator('#fairness-custom').waitFor();
    await setInput(fair.getByLabel('From', { exact: true }), hourAgo);
    await setInput(fair.getByLabel('To', { exact: true }), inHour);
    await page.locator('#fairness-total').filter({ hasText: /^5 picks/ }).waitFor();
    const stats = await ok('GET', `/lead-rotations/${rotationId}/stats?${q(await isoOf(hourAgo), await isoOf(inHour)).slice(1)}`);
    assert.equal(stats.totalPicks, 5);
    for (const m of stats.members) {
      assert.equal(await page.locator(`#fairness-table tr[data-user="${m.userId}"] .picks`).innerText(), String(m.picks));
    }
    await setInput(fair.getByLabel('From', { exact: true }), twoHoursAgo);
    await setInput(fair.getByLabel('To', { exact: true }), hourAgo);
    await page.locator('#fairness-total').filter({ hasText: /^0 picks/ }).waitFor();
    await page.getByLabel('Window').selectOption('24h');
    await page.locator('#fairness-total').filter({ hasText: /^5 picks/ }).waitFor();
    assert.equal(await page.locator('#fairness-custom').isVisible(), false);
  });

  await flow("6 a bad edit (weight 11) shows the API's error next to the field, and nothing changes", async () => {
    const before = await ok('GET', `/lead-rotations/${rotationId}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.locator('.member-row').first().getByLabel('Weight').fill('11');
    await page.getByRole('button', { name: 'Save' }).click();
    const error = page.locator('[data-error-for="members[0].weight"]');
    await error.filter({ hasText: 'weight' }).waitFor();
    // the very words the API gives for the same edit
    const members = before.members.map((m, i) => ({ userId: Number(m.userId), weight: i === 0 ? 11 : m.weight,
      paused: m.paused, caps: m.caps }));
    const refused = await call('PUT', `/lead-rotations/${rotationId}`, { name: before.name, timeZone: before.timeZone,
      catchUp: before.catchUp, fallback: before.fallback, members });
    assert.equal(refused.status, 400);
    assert.equal(await error.innerText(), refused.json.error.message);
    assert.equal(await page.locator('.member-row').first().getByLabel('Weight').getAttribute('aria-invalid'), 'true');
    const after = await ok('GET', `/lead-rotations/${rotationId}`);
    assert.deepEqual(after.members, before.members);
    assert.equal(after.updatedAt, before.updatedAt);
    await shot('edit-error-desktop');
    // a good value is then saved as any edit
    await page.locator('.member-row').first().getByLabel('Weight').fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#preview li').first().waitFor();
    const saved = await ok('GET', `/lead-rotations/${rotationId}`);
    assert.deepEqual(saved.members.map(m => [m.name, m.weight, m.paused]), [['Ann', 2, false], ['Bob', 1, true], ['Cy', 1, false]]);
  });

  await flow('status: queue, then activate again, from the rotation page', async () => {
    await page.getByRole('button', { name: 'Queue' }).click();
    await page.locator('#rotation-status').filter({ hasText: 'queued' }).waitFor();
    assert.equal((await ok('GET', `/lead-rotations/${rotationId}`)).status, 'queued');
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('#rotation-status').filter({ hasText: 'active' }).waitFor();
    await page.locator('#preview li').first().waitFor();
    assert.equal((await ok('GET', `/lead-rotations/${rotationId}`)).status, 'active');
  });

  await flow('7 ingest token created, its secret shown once, revoked', async () => {
    await page.goto(`${base}/console/#/rotations/${rotationId}`);
    await page.getByLabel('Token name').fill('web form');
    await page.getByRole('button', { name: 'Create ingest token' }).click();
    const secret = (await page.locator('#new-secret').innerText()).trim();
    assert.match(secret, /^lrt_/);
    const lead = await fetch(base + '/v1/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ current_token: secret, email: 'lead@example.com' }) });
    assert.equal(lead.status, 201, await lead.text());
    const row = page.locator('#tokens tr[data-token]').filter({ hasText: 'web form' });
    await row.waitFor();
    await page.reload();
    await page.locator('#tokens tr[data-token]').filter({ hasText: 'web form' }).waitFor();
    assert.equal(await page.locator('#new-secret').count(), 0, 'the secret is shown once');
    assert.ok(!(await page.content()).includes(secret), 'the secret is nowhere on the page after a reload');
    await page.getByRole('button', { name: 'Revoke web form' }).click();
    await row.locator('.token-state').filter({ hasText: 'revoked' }).waitFor();
    const refused = await fetch(base + '/v1/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ current_token: secret, email: 'late@example.com' }) });
    assert.equal(refused.status, 401);
  });

  await flow('leads: recent leads with their owner; a lead\'s history as a readable list', async () => {
    const lead = (await ok('GET', '/v1/leads?limit=1')).items[0];
    assert.equal(lead.email, 'lead@example.com');
    const moved = await ok('POST', `/api/v2/pub/application/reassign?orgId=${account}`, { ApplicationId: Number(lead.id),
      Assignments: [{ Email: 'cy@example.com' }], PrimaryAgent: { Email: 'ann@example.com' }, UnassignAllOtherUsers: false });
    assert.equal(moved.Success, true, JSON.stringify(moved));
    const moves = await ok('GET', `/v1/leads/${lead.id}/assignments`);
    assert.equal(moves.history.length, 2);
    await page.goto(`${base}/console/#/leads`);
    const row = page.locator(`#leads tr[data-lead="${lead.id}"]`);
    await row.waitFor();
    assert.equal(await row.locator('.lead-owner').innerText(), moves.owner);
    await row.getByRole('link', { name: 'lead@example.com' }).click();
    await page.locator('#lead-history li').first().waitFor();
    assert.equal(await page.locator('#lead-owner').innerText(), moves.owner);
    const items = page.locator('#lead-history li');
    assert.equal(await items.count(), moves.history.length);
    for (const [i, e] of moves.history.entries()) {
      const item = items.nth(i);
      assert.equal(await item.getAttribute('data-kind'), e.kind);
      const text = await item.innerText();
      assert.ok(text.startsWith(e.kind), text);
      assert.ok(text.includes(`by ${e.by}`), `${text} names who did it (${e.by})`);
      for (const a of e.to) assert.ok(text.includes(a.email), `${text} lists agent ${a.email}`);
      for (const a of e.from) assert.ok(text.includes(a.email), `${text} lists former agent ${a.email}`);
    }
    assert.match(await items.nth(1).locator('.agents-to').innerText(), /Ann \(ann@example\.com\), primary; Cy \(cy@example\.com\)/);
    assert.equal(await page.locator('#lead-detail pre').count(), 0, 'no raw JSON');
    await shot('leads-desktop');
  });

  await flow('people: away and working hours edited in the page; a team added', async () => {
    await page.goto(`${base}/console/#/people`);
    await page.getByRole('button', { name: 'Edit Cy' }).click();
    const editor = page.getByRole('form', { name: 'Edit Cy' });
    await editor.getByLabel('Always available').uncheck();
    await editor.getByLabel('mon', { exact: true }).fill('09:00-12:00, 13:00-17:30');
    await editor.getByLabel('Away until (UTC)').fill('2030-01-01T10:00');
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.locator(`#people tr[data-user="${people.Cy}"]`).filter({ hasText: 'away until' }).waitFor();
    const cy = await ok('GET', `/users/${people.Cy}`);
    assert.deepEqual(cy.workingHours.mon, [['09:00', '12:00'], ['13:00', '17:30']]);
    assert.equal(cy.awayUntil, '2030-01-01T10:00:00Z');
    const member = (await ok('GET', `/lead-rotations/${rotationId}/members`)).members.find(m => m.userId === people.Cy);
    assert.equal(member.reason, 'away');

    await page.goto(`${base}/console/#/teams`);
    await page.getByRole('heading', { name: 'New team' }).waitFor(); // the view replaced the people page
    await page.getByLabel('Name', { exact: true }).fill('Closers');
    await page.getByLabel('Members').selectOption([String(people.Ann), String(people.Cy)]);
    await page.getByRole('button', { name: 'Add team' }).click();
    await page.getByRole('cell', { name: 'Closers' }).waitFor();
    const teams = await ok('GET', '/teams');
    const closers = teams.items.find(t => t.name === 'Closers');
    assert.deepEqual(closers.members.map(m => m.name), ['Ann', 'Cy']);
  });

  await flow('the live stream reconnects with the last id it saw (Last-Event-ID)', async () => {
    const r = await ok('POST', '/lead-rotations', { name: 'Reconnects', members: ['ann@example.com'] });
    const sent = []; // the Last-Event-ID of each request the page makes for the stream
    const watch = req => { if (req.url().endsWith(`/lead-rotations/${r.id}/events`)) sent.push(req.headers()['last-event-id'] || null); };
    page.on('request', watch);
    try {
      await page.goto(`${base}/console/#/rotations/${r.id}`);
      await page.locator('#stream-state').filter({ hasText: 'live' }).waitFor();
      const picks = [await ok('GET', `/lead-rotations/${r.id}/next-user`), await ok('GET', `/lead-rotations/${r.id}/next-user`)];
      await page.waitForFunction(n => document.querySelectorAll('#stream li[data-sequence]').length >= n, 2);
      // deleting the rotation ends the stream; the page opens it again, resuming after the last pick it showed
      await ok('DELETE', `/lead-rotations/${r.id}`);
      await page.locator('#stream-state').filter({ hasText: /^refused/ }).waitFor();
      assert.deepEqual(sent, [null, String(picks[1].sequence)]);
    } finally {
      page.off('request', watch);
    }
  });

  await flow('screenshots of the main views, desktop and narrow', async () => {
    await page.goto(`${base}/console/#/rotations`);
    await page.locator(`tr[data-rotation="${rotationId}"] .picks-today`).filter({ hasText: /^\d+$/ }).waitFor();
    await shot('rotations-desktop');
    await page.goto(`${base}/console/#/people`);
    await page.locator('#people tbody tr').first().waitFor();
    await shot('people-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/console/#/rotations/${rotationId}`);
    await page.locator('#preview li').first().waitFor();
    await page.locator('#fairness-table').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the rotation page fits 390 px (scroll width ${width})`);
    await shot('rotation-narrow');
    await page.goto(`${base}/console/#/rotations`);
    await page.locator(`tr[data-rotation="${rotationId}"]`).waitFor();
    await shot('rotations-narrow');
  });

  assert.deepEqual(consoleErrors, [], 'no errors in the page');
} catch (e) {
  if (failed === 0) {
    failed++;
    console.log(`not ok - ${e.stack || e}`);
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

// Leads: the recent ones with their owner, and one lead's agents and assignment history as a readable list.
import { get } from './api.js';
import { h, time } from './dom.js';

const agentName = (a) => (a.name ? `${a.name} (${a.email})` : a.email || `user ${a.userId}`) + (a.primary ? ', primary' : '');
const agentList = (agents) => (agents || []).length ? agents.map(agentName).join('; ') : 'nobody';
const leadName = (l) => [l.firstName, l.lastName].filter(Boolean).join(' ') || l.email || `lead ${l.id}`;

function historyItem(e) {
  return h('li', { 'data-kind': e.kind },
    h('span', { class: 'badge ' + (e.kind === 'assigned' ? 'active' : 'queued') }, e.kind), ' ',
    h('time', { datetime: e.at }, time(e.at)),
    h('span', { class: 'muted' }, ` · by ${e.by || 'unknown'}`),
    h('div', { class: 'agents-to' }, `to: ${agentList(e.to)}`),
    (e.from || []).length ? h('div', { class: 'muted agents-from' }, `from: ${agentList(e.from)}`) : null);
}

async function detail(leadId) {
  try {
    const [lead, moves] = await Promise.all([get(`/v1/leads/${leadId}`), get(`/v1/leads/${leadId}/assignments`)]);
    const history = moves.history || [];
    return h('div', { class: 'card', id: 'lead-detail', 'data-lead': leadId },
      h('h2', {}, `Lead ${leadId}: ${leadName(lead)}`),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Email'), h('dd', {}, lead.email || '—'),
        h('dt', {}, 'Owner'), h('dd', { id: 'lead-owner' }, moves.owner || '—'),
        h('dt', {}, 'Agents now'), h('dd', { id: 'lead-agents' }, agentList(moves.agents)),
        h('dt', {}, 'Rotation'), h('dd', {}, h('a', { href: `#/rotations/${lead.rotationId}` }, `rotation ${lead.rotationId}`)),
        h('dt', {}, 'Created'), h('dd', {}, `${time(lead.created_at)} by ${lead.created_by || 'unknown'}`)),
      h('h3', {}, 'History (oldest first)'),
      history.length ? h('ol', { id: 'lead-history', class: 'history' }, history.map(historyItem))
        : h('p', { class: 'muted' }, 'No history.'));
  } catch (e) {
    return h('p', { class: 'form-error', role: 'alert' }, e.message);
  }
}

export async function leadsView(leadId) {
  const [leads, shown] = await Promise.all([get('/v1/leads?limit=50'), leadId ? detail(leadId) : null]);
  const items = leads.items || [];
  return h('section', {}, h('h1', {}, 'Leads'), shown,
    h('div', { class: 'card scroll' }, h('h2', {}, 'Recent leads'), items.length ? h('table', { id: 'leads' },
      h('thead', {}, h('tr', {}, ['Lead', 'Owner', 'Rotation', 'Created'].map(t => h('th', {}, t)))),
      h('tbody', {}, items.map(l => h('tr', { 'data-lead': l.id },
        h('td', {}, h('a', { href: `#/leads/${l.id}` }, leadName(l))), h('td', { class: 'lead-owner' }, l.owner || '—'),
        h('td', {}, l.rotationId ? h('a', { href: `#/rotations/${l.rotationId}` }, String(l.rotationId)) : ''),
        h('td', {}, time(l.created_at))))))
      : h('p', { class: 'muted' }, 'No leads yet.')));
}

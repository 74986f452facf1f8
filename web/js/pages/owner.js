// pages/owner.js — #/owners/<handle>: the owner, and what it leads, overdue first (the most
// late first), then the other open items by deadline, then the closed ones.

import * as api from '../api.js';
import { h, add } from '../dom.js';
import { t } from '../i18n.js';
import { heading, section, dl, recTable, notice } from '../ui.js';

export async function load({ handle }) {
  const [owner, recs, wf] = await Promise.all([
    api.get(`/v1/owners/${encodeURIComponent(handle)}`),
    api.all('/v1/recommendations', { owner: handle }),
    api.workflow(),
  ]);
  return { owner, recs, wf };
}

function rank(r) {
  return r.overdue ? 0 : r.open ? 1 : 2;
}

export function sortLed(recs) {
  return [...recs].sort((a, b) => rank(a) - rank(b)
    || (a.overdue && b.overdue ? b.days_overdue - a.days_overdue : 0)
    || (a.due_on || '9999').localeCompare(b.due_on || '9999')
    || a.id - b.id);
}

// For the secretariat: end the owner's sign-in links (and the sessions they opened).
function links(owner) {
  const msg = h('div', { id: 'revoke-message', tabindex: '-1' });
  const button = h('button', {
    type: 'button', class: 'secondary', id: 'revoke-links', 'aria-describedby': 'revoke-hint',
    onclick: async () => {
      button.disabled = true;
      try {
        const r = await api.post(`/v1/owners/${encodeURIComponent(owner.handle)}/revoke-links`);
        msg.replaceChildren(notice(t('owner.revoked', { n: r.sessions_revoked ?? 0 }), 'ok'));
      } catch (err) {
        msg.replaceChildren(notice(err.message, 'error'));
      } finally {
        button.disabled = false;
        msg.focus();
      }
    },
  }, t('owner.revoke'));
  return section(t('owner.links'), h('p', { id: 'revoke-hint' }, t('owner.revoke_hint')), msg, h('p', null, button));
}

export function render(main, { owner, recs, wf }, ctx) {
  const role = ctx.session && ctx.session.role;
  add(main,
    heading(owner.name),
    h('p', { class: 'sub' }, h('span', { class: 'code' }, owner.handle), owner.active ? '' : ` · ${t('owner.inactive')}`),
    dl([[t('col.email'), owner.email || t('none')]]),
    section(t('owner.leads'), recs.length
      ? recTable(null, sortLed(recs), wf, { owner: false })
      : h('p', null, t('owner.empty'))),
    role === 'secretariat' || role === 'admin' ? links(owner) : null);
}

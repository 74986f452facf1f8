// pages/owners.js — #/owners: every owner with its open and overdue counts (summary report).

import * as api from '../api.js';
import { h, add } from '../dom.js';
import { t, fmtNum } from '../i18n.js';
import { heading, table, ownerLink } from '../ui.js';

export function load() {
  return Promise.all([api.all('/v1/owners'), api.get('/v1/reports/summary')]);
}

export function render(main, [owners, summary]) {
  const counts = new Map((summary.owners || []).map((o) => [o.handle, o]));
  add(main, heading(t('owners.title')), table(null,
    [t('col.name'), t('col.handle'), { text: t('col.open'), num: true }, { text: t('col.overdue'), num: true }],
    owners.map((o) => {
      const c = counts.get(o.handle) || {};
      return [
        h('span', null, ownerLink(o.handle, o.name), o.active ? null : h('span', { class: 'muted' }, ` (${t('owner.inactive')})`)),
        h('span', { class: 'code' }, o.handle),
        fmtNum(c.open ?? 0), { v: fmtNum(c.overdue ?? 0), cls: c.overdue ? 'late' : null }];
    }), 'owners'));
}

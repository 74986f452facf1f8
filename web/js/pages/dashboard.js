// pages/dashboard.js — #/: one request (GET /v1/dashboard). Open, overdue and due-soon
// counts; statuses as a bar chart and overdue items by age as a histogram, each with its
// numbers as a table; overdue by owner and by meeting; the oldest overdue items.

import * as api from '../api.js';
import { h, add } from '../dom.js';
import { t, fmtDate, fmtNum, lang } from '../i18n.js';
import { barChart, histogram } from '../charts.js';
import { heading, section, table, ownerLink, meetingLink, recLink } from '../ui.js';

export function load() {
  return api.get('/v1/dashboard');
}

function statusName(row) {
  if (row.labels && typeof row.labels === 'object') return row.labels[lang] || row.labels.en || row.status;
  return row.label || row.status;
}

function ageName(bin) {
  if (bin.from !== undefined && bin.from !== null) {
    if (bin.to === null || bin.to === undefined) return t('age.more', { from: bin.from });
    return t('age.days', { from: bin.from, to: bin.to });
  }
  return bin.label;
}

function ageShort(bin) {
  if (bin.label) return bin.label;
  return bin.to === null || bin.to === undefined ? `${bin.from}+` : `${bin.from}–${bin.to}`;
}

function countCard(id, key, value, href) {
  const num = h('span', { class: 'big', id }, fmtNum(value ?? 0));
  return h('div', { class: `count count-${key}` },
    h('dt', null, t(`dash.${key}`)),
    h('dd', null, href ? h('a', { href }, num) : num));
}

export function render(main, d) {
  const statuses = d.by_status || [];
  const ages = d.overdue_by_age || [];
  add(main,
    heading(t('dash.title')),
    h('p', { class: 'sub' }, t('dash.asof', { date: fmtDate(d.as_of) })),
    h('section', { 'aria-labelledby': 'counts-title', class: 'block' },
      h('h2', { id: 'counts-title', class: 'sr-only' }, t('dash.counts')),
      h('dl', { class: 'counts' },
        countCard('dash-open', 'open', d.open, '#/recommendations?open=true'),
        countCard('dash-overdue', 'overdue', d.overdue, '#/recommendations?overdue=true'),
        countCard('dash-due-soon', 'due_soon', d.due_soon, null))),
    h('div', { class: 'grid2' },
      section(t('dash.by_status'),
        barChart(statuses.map((r, i) => ({ label: statusName(r), value: r.count, cls: `c${(i + 1) % 8}` })), t('dash.chart_status')),
        table(null, [t('col.status'), { text: t('col.count'), num: true }],
          statuses.map((r) => [
            h('a', { href: `#/recommendations?status=${encodeURIComponent(r.status)}` }, statusName(r)),
            fmtNum(r.count)]), 'numbers by-status')),
      section(t('dash.by_age'),
        histogram(ages.map((b) => ({ label: ageShort(b), value: b.count })), t('dash.chart_age')),
        table(null, [t('col.range'), { text: t('col.count'), num: true }],
          ages.map((b) => [ageName(b), fmtNum(b.count)]), 'numbers by-age'))),
    h('div', { class: 'grid2' },
      section(t('dash.by_owner'), (d.overdue_by_owner || []).length === 0
        ? h('p', null, t('dash.nothing_overdue'))
        : table(null, [t('col.owner'), { text: t('col.overdue'), num: true }],
          d.overdue_by_owner.map((o) => [ownerLink(o.owner, o.name), fmtNum(o.count)]), 'by-owner')),
      section(t('dash.by_meeting'), (d.overdue_by_meeting || []).length === 0
        ? h('p', null, t('dash.nothing_overdue'))
        : table(null, [t('col.meeting'), { text: t('col.overdue'), num: true }],
          d.overdue_by_meeting.map((m) => [meetingLink(m.meeting, m.title), fmtNum(m.count)]), 'by-meeting'))),
    section(t('dash.oldest'), (d.oldest || []).length === 0
      ? h('p', null, t('dash.nothing_overdue'))
      : table(null, [t('col.ref'), t('col.text'), t('col.owner'), t('col.due'), { text: t('col.late'), num: true }],
        d.oldest.map((r) => [recLink(r.ref), h('span', { class: 'rec-text' }, r.text), ownerLink(r.owner),
          fmtDate(r.due_on), fmtNum(r.days_overdue)]), 'recs oldest')),
  );
}

// pages/reports.js — #/reports[?brief=<meeting>]: the overdue report (by owner, then
// meeting), the summary (by status, meeting and owner) and the follow-up brief of a meeting
// of a series, each with links to its CSV and plain-text forms (the cookie opens them).

import * as api from '../api.js';
import { h, add } from '../dom.js';
import { t, lang, label, fmtDate, fmtNum } from '../i18n.js';
import { heading, section, table, recLink, ownerLink, meetingLink, recTable } from '../ui.js';

export async function load({ query }) {
  const brief = query.get('brief');
  const [overdue, summary, meetings, wf] = await Promise.all([
    api.get('/v1/reports/overdue'),
    api.get('/v1/reports/summary'),
    api.get('/v1/meetings', { limit: 500 }),
    api.workflow(),
  ]);
  const briefData = brief ? await api.get('/v1/reports/brief', { meeting: brief }).catch((e) => ({ error: e })) : null;
  return { overdue, summary, meetings: meetings.items, wf, brief, briefData };
}

function downloads(path, query, name) {
  const csv = api.url(path, { ...query, format: 'csv' });
  const text = api.url(path, { ...query, format: 'text', lang });
  return h('p', { class: 'downloads' },
    h('a', { href: csv, download: `${name}.csv`, class: 'button secondary', id: `${name}-csv` }, t('reports.csv')), ' ',
    h('a', { href: text, class: 'button secondary', type: 'text/plain' }, t('reports.text')));
}

function statusName(labels, name) {
  return label(labels && labels[name], name);
}

function overdueSection(r) {
  const itemRows = (items, meeting) => items.map((i) => [recLink(i.ref), h('span', { class: 'rec-text' }, i.text),
    meeting ? meetingLink(meeting.code, meeting.title) : t('none'), statusName(r.status_labels, i.status), fmtDate(i.due_on), fmtNum(i.days_overdue)]);
  const headers = [t('col.ref'), t('col.text'), t('col.meeting'), t('col.status'), t('col.due'), { text: t('col.late'), num: true }];
  const parts = [
    h('p', null, `${t('dash.asof', { date: fmtDate(r.as_of) })} — ${t('reports.total', { n: fmtNum(r.total) })}`),
    downloads('/v1/reports/overdue', {}, 'overdue'),
  ];
  for (const o of r.owners || []) {
    parts.push(h('h3', null, ownerLink(o.owner.handle, o.owner.name), ` — ${fmtNum(o.total)}`),
      table(null, headers, (o.meetings || []).flatMap((m) => itemRows(m.items || [], m)), 'recs'));
  }
  if ((r.unowned || []).length) {
    parts.push(h('h3', null, t('reports.unowned')), table(null, headers, itemRows(r.unowned, null), 'recs'));
  }
  return section(t('reports.overdue'), parts);
}

function summarySection(r, wf) {
  const byStatus = r.by_status || {};
  const names = wf.statuses.map((s) => s.name).filter((n) => n in byStatus);
  return section(t('reports.summary'),
    h('p', null, `${t('dash.asof', { date: fmtDate(r.as_of) })} — ${t('dash.open')}: ${fmtNum(r.open)}, ${t('dash.overdue')}: ${fmtNum(r.overdue)}`),
    downloads('/v1/reports/summary', {}, 'summary'),
    h('h3', null, t('reports.by_status')),
    table(null, [t('col.status'), { text: t('col.count'), num: true }],
      names.map((n) => [statusName(r.status_labels, n), fmtNum(byStatus[n])])),
    h('h3', null, t('reports.by_meeting')),
    table(null, [t('col.meeting'), { text: t('col.open'), num: true }, { text: t('col.overdue'), num: true }],
      (r.meetings || []).map((m) => [meetingLink(m.code, m.title), fmtNum(m.open), fmtNum(m.overdue)])),
    h('h3', null, t('reports.by_owner')),
    table(null, [t('col.owner'), { text: t('col.open'), num: true }, { text: t('col.overdue'), num: true }],
      (r.owners || []).map((o) => [ownerLink(o.handle, o.name), fmtNum(o.open), fmtNum(o.overdue)])));
}

function briefSection(d, ctx) {
  const series = d.meetings.filter((m) => m.series);
  if (!series.length) return section(t('reports.brief'), h('p', null, t('reports.brief_none')));
  const sel = h('select', { id: 'brief-meeting', name: 'brief' }, series.map((m) =>
    h('option', { value: m.code, selected: m.code === d.brief }, `${m.title} (${fmtDate(m.starts_on)})`)));
  const form = h('form', { class: 'inline', id: 'brief-form' },
    h('label', { for: 'brief-meeting' }, t('reports.brief_meeting')), sel, ' ',
    h('button', { type: 'submit' }, t('reports.brief_show')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(`#/reports?brief=${encodeURIComponent(sel.value)}`);
  });
  const parts = [form];
  const b = d.briefData;
  if (b && b.error) parts.push(h('p', { class: 'alert alert-error', role: 'alert' }, b.error.message));
  else if (b) {
    parts.push(downloads('/v1/reports/brief', { meeting: d.brief }, 'brief'),
      h('p', null, b.previous
        ? t('meeting.brief_intro', { series: b.series, previous: `${b.previous.title} (${fmtDate(b.previous.starts_on)})` })
        : t('meeting.brief_first', { series: b.series || t('none') })));
    if ((b.open || []).length) parts.push(h('h3', null, t('meeting.brief_open')), recTable(null, b.open, d.wf));
    if ((b.changes || []).length) {
      parts.push(h('h3', null, t('meeting.brief_changes')), h('ul', { class: 'changes' }, b.changes.map((c) =>
        h('li', null, recLink(c.ref), ' ', h('span', { class: 'rec-text' }, c.text), ` — ${fmtNum((c.events || []).length)}`))));
    }
  }
  return h('div', { id: 'brief' }, section(t('reports.brief'), parts));
}

export function render(main, d, ctx) {
  add(main, heading(t('reports.title')),
    h('nav', { class: 'toc', 'aria-label': t('reports.title') }, h('ul', null,
      h('li', null, h('a', { href: '#/reports', 'data-target': 'overdue-report' }, t('reports.overdue'))),
      h('li', null, h('a', { href: '#/reports', 'data-target': 'summary-report' }, t('reports.summary'))),
      h('li', null, h('a', { href: '#/reports', 'data-target': 'brief' }, t('reports.brief'))))),
    h('div', { id: 'overdue-report' }, overdueSection(d.overdue)),
    h('div', { id: 'summary-report' }, summarySection(d.summary, d.wf)),
    briefSection(d, ctx));
  // In-page links cannot use the hash (it is the route): move the focus to the section.
  for (const a of main.querySelectorAll('.toc a')) {
    a.addEventListener('click', (e) => {
      e.preventDefault();
      const target = document.getElementById(a.dataset.target);
      const h2 = target && target.querySelector('h2');
      if (h2) {
        h2.setAttribute('tabindex', '-1');
        h2.focus();
        h2.scrollIntoView();
      }
    });
  }
}

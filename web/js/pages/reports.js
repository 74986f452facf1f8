// pages/reports.js — #/reports[?owner=&meeting=&brief=]: the overdue report (by owner, then
// meeting; narrowed to an owner or a meeting), the summary (by status, meeting and owner) and
// the follow-up brief of a meeting of a series, each with links to its CSV and plain-text
// forms (the cookie opens them). With more than OVERDUE_MAX overdue items the whole report
// is not drawn: it waits for a filter (the CSV still has it all).

import * as api from '../api.js';
import { h, add } from '../dom.js';
import { t, lang, label, fmtDate, fmtNum } from '../i18n.js';
import { heading, section, table, recLink, ownerLink, meetingLink, recTable } from '../ui.js';

const OVERDUE_MAX = 1000;

export async function load({ query }) {
  const brief = query.get('brief');
  const filter = {};
  for (const k of ['owner', 'meeting']) if (query.get(k)) filter[k] = query.get(k);
  const [summary, meetings, wf] = await Promise.all([
    api.get('/v1/reports/summary'),
    api.get('/v1/meetings', { limit: 500 }),
    api.workflow(),
  ]);
  const filtered = Object.keys(filter).length > 0;
  const [overdue, briefData] = await Promise.all([
    filtered || summary.overdue <= OVERDUE_MAX
      ? api.get('/v1/reports/overdue', filtered ? filter : undefined).catch((e) => ({ error: e })) : null,
    brief ? api.get('/v1/reports/brief', { meeting: brief }).catch((e) => ({ error: e })) : null,
  ]);
  return { overdue, summary, meetings: meetings.items, wf, brief, briefData, filter };
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

function overdueFilter(d, ctx) {
  const owner = h('input', { id: 'overdue-owner', name: 'owner', type: 'text', value: d.filter.owner || '', autocomplete: 'off' });
  const meeting = h('select', { id: 'overdue-meeting', name: 'meeting' },
    h('option', { value: '' }, t('recs.any')),
    d.meetings.map((m) => h('option', { value: m.code, selected: m.code === d.filter.meeting }, m.title)));
  const form = h('form', { class: 'fields-grid', id: 'overdue-filter' },
    h('div', { class: 'field' }, h('label', { for: 'overdue-owner' }, t('col.owner')), owner),
    h('div', { class: 'field' }, h('label', { for: 'overdue-meeting' }, t('col.meeting')), meeting),
    h('div', { class: 'field check' }, h('button', { type: 'submit' }, t('recs.apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (owner.value.trim()) q.set('owner', owner.value.trim());
    if (meeting.value) q.set('meeting', meeting.value);
    if (d.brief) q.set('brief', d.brief);
    const qs = q.toString();
    ctx.navigate(`#/reports${qs ? `?${qs}` : ''}`);
  });
  return form;
}

function overdueSection(d, ctx) {
  const r = d.overdue;
  const top = [overdueFilter(d, ctx), downloads('/v1/reports/overdue', d.filter, 'overdue')];
  if (!r) {
    return section(t('reports.overdue'), top,
      h('p', null, t('reports.too_many', { n: fmtNum(d.summary.overdue) })));
  }
  if (r.error) return section(t('reports.overdue'), top, h('p', { class: 'alert alert-error', role: 'alert' }, r.error.message));
  return overdueReport(r, top);
}

function overdueReport(r, top) {
  const itemRows = (items, meeting) => items.map((i) => [recLink(i.ref), h('span', { class: 'rec-text' }, i.text),
    meeting ? meetingLink(meeting.code, meeting.title) : t('none'), statusName(r.status_labels, i.status), fmtDate(i.due_on), fmtNum(i.days_overdue)]);
  const headers = [t('col.ref'), t('col.text'), t('col.meeting'), t('col.status'), t('col.due'), { text: t('col.late'), num: true }];
  const parts = [
    ...top,
    h('p', null, `${t('dash.asof', { date: fmtDate(r.as_of) })} — ${t('reports.total', { n: fmtNum(r.total) })}`),
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
    const q = new URLSearchParams(d.filter);
    q.set('brief', sel.value);
    ctx.navigate(`#/reports?${q}`);
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
    h('div', { id: 'overdue-report' }, overdueSection(d, ctx)),
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

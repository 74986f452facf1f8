// pages/meeting.js — #/meetings/<code>: the meeting, a progress bar per status of the
// workflow, its recommendations, and for a meeting of a series the follow-up brief
// (GET /v1/reports/brief: what is still open from earlier meetings and what changed).

import * as api from '../api.js';
import { h, add } from '../dom.js';
import { t, fmtNum, fmtDate } from '../i18n.js';
import { heading, section, dl, recTable, statusLabel, statusIndex, recLink } from '../ui.js';
import { dates } from './meetings.js';

export async function load({ code }) {
  const path = `/v1/meetings/${encodeURIComponent(code)}`;
  const [meeting, recs, wf] = await Promise.all([
    api.get(path),
    api.all('/v1/recommendations', { meeting: code }),
    api.workflow(),
  ]);
  let brief = null;
  if (meeting.series) brief = await api.get('/v1/reports/brief', { meeting: code }).catch(() => null);
  return { meeting, recs, wf, brief };
}

function progress(meeting, wf) {
  const counts = meeting.counts || {};
  const total = counts.total ?? Object.values(counts).reduce((a, b) => a + b, 0);
  const rows = wf.statuses.map((st) => {
    const n = counts[st.name] ?? 0;
    const id = `p-${st.name}`;
    return h('div', { class: 'prog-row' },
      h('label', { for: id }, statusLabel(wf, st.name)),
      h('progress', { id, max: Math.max(total, 1), value: n, class: `c${statusIndex(wf, st.name) % 8}` }, `${n}/${total}`),
      h('span', { class: 'num' }, `${fmtNum(n)} / ${fmtNum(total)}`));
  });
  return section(t('meeting.progress'),
    h('p', null, t('meeting.total', { open: fmtNum(counts.open ?? 0), total: fmtNum(total), overdue: fmtNum(counts.overdue ?? 0) })),
    h('div', { class: 'progress' }, rows));
}

function briefSection(brief, wf) {
  const intro = brief.previous
    ? t('meeting.brief_intro', { series: brief.series, previous: `${brief.previous.title} (${fmtDate(brief.previous.starts_on)})` })
    : t('meeting.brief_first', { series: brief.series });
  const parts = [h('p', null, intro)];
  if ((brief.open || []).length) {
    parts.push(h('h3', null, t('meeting.brief_open')), recTable(null, brief.open, wf));
  }
  if ((brief.changes || []).length) {
    parts.push(h('h3', null, t('meeting.brief_changes')), h('ul', { class: 'changes' }, brief.changes.map((c) =>
      h('li', null, recLink(c.ref), ' ', h('span', { class: 'rec-text' }, c.text),
        h('ul', null, (c.events || []).map((e) => h('li', null,
          `${fmtDate((e.at || '').slice(0, 10))} — ${t(`hist.${e.kind}`)}`,
          e.after && e.after.status ? ` → ${statusLabel(wf, e.after.status)}` : '',
          e.comment ? h('q', null, e.comment) : null)))))));
  }
  return section(t('meeting.brief'), parts);
}

export function render(main, { meeting, recs, wf, brief }) {
  add(main,
    heading(meeting.title),
    h('p', { class: 'sub' }, h('span', { class: 'code' }, meeting.code), ' · ', dates(meeting),
      meeting.place ? ` · ${meeting.place}` : ''),
    dl([
      [t('col.series'), meeting.series || null],
      [t('meeting.organisers'), meeting.organisers && meeting.organisers.length ? meeting.organisers.join(' · ') : null],
      [t('meeting.notes'), meeting.notes || null],
    ]),
    progress(meeting, wf),
    section(t('meeting.recs'), recs.length ? recTable(null, recs, wf) : h('p', null, t('meeting.empty'))),
    brief ? briefSection(brief, wf) : null,
  );
}

// pages/meetings.js — #/meetings: every meeting, latest first, with its open and overdue
// counts from the summary report.

import * as api from '../api.js';
import { h, add } from '../dom.js';
import { t, fmtDate, fmtNum } from '../i18n.js';
import { heading, table, meetingLink } from '../ui.js';

export function load() {
  return Promise.all([api.all('/v1/meetings'), api.get('/v1/reports/summary')]);
}

export function dates(m) {
  return m.ends_on && m.ends_on !== m.starts_on ? `${fmtDate(m.starts_on)} – ${fmtDate(m.ends_on)}` : fmtDate(m.starts_on);
}

export function render(main, [meetings, summary]) {
  const byCode = new Map((summary.meetings || []).map((m) => [m.code, m]));
  add(main, heading(t('meetings.title')));
  if (meetings.length === 0) {
    add(main, h('p', null, t('meetings.empty')));
    return;
  }
  add(main, table(null,
    [t('col.title'), t('col.dates'), t('col.place'), t('col.series'), { text: t('col.open'), num: true }, { text: t('col.overdue'), num: true }],
    meetings.map((m) => {
      const c = byCode.get(m.code) || {};
      return [
        h('span', null, meetingLink(m.code, m.title), h('span', { class: 'code' }, m.code)),
        dates(m), m.place || t('none'), m.series || t('none'),
        fmtNum(c.open ?? 0), { v: fmtNum(c.overdue ?? 0), cls: c.overdue ? 'late' : null }];
    }), 'meetings'));
}

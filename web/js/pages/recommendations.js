// pages/recommendations.js — #/recommendations?…: the API's filters (status, open, overdue,
// owner, meeting, tag, due dates) and text search as a form whose values live in the hash,
// one page of results, and keyset paging (the API's next cursor becomes ?after=…).

import * as api from '../api.js';
import { h, add } from '../dom.js';
import { t, fmtNum } from '../i18n.js';
import { heading, recTable, statusLabel, notice, errorBox } from '../ui.js';

const KEYS = ['q', 'status', 'open', 'overdue', 'owner', 'meeting', 'tag', 'due_after', 'due_before'];
const PAGE = 50;

// ?limit=N (1–500) changes the page size, as the API's own parameter does.
function pageSize(query) {
  const n = Number(query.get('limit'));
  return Number.isInteger(n) && n >= 1 && n <= 500 ? n : PAGE;
}

export async function load({ query }) {
  const filters = {};
  for (const k of KEYS) {
    const v = query.getAll(k).filter((x) => x !== '');
    if (v.length) filters[k] = k === 'status' || k === 'tag' ? v : v[0];
  }
  const [wf, owners, meetings] = await Promise.all([
    api.workflow(),
    api.get('/v1/owners', { limit: 500 }),
    api.get('/v1/meetings', { limit: 500 }),
  ]);
  let page = null;
  let error = null;
  try {
    page = await api.get('/v1/recommendations', { ...filters, limit: pageSize(query), after: query.get('after') || undefined });
  } catch (e) {
    if (e.status !== 422 && e.status !== 404) throw e;
    error = e;
  }
  const limit = query.get('limit') ? pageSize(query) : null;
  return { filters, wf, owners: owners.items, meetings: meetings.items, page, error, after: query.get('after'), limit };
}

function field(id, text, control, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, text), control,
    hint ? h('small', { id: `${id}-hint` }, hint) : null);
}

function input(id, type, value, attrs = {}) {
  return h('input', { id, name: id, type, value: value || '', ...attrs });
}

function select(id, value, options) {
  return h('select', { id, name: id }, options.map(([v, text]) =>
    h('option', { value: v, selected: v === (value || '') }, text)));
}

function datalist(id, items, key, name) {
  return h('datalist', { id }, items.map((x) => h('option', { value: x[key] }, x[name])));
}

function hashFor(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of params) if (v !== '' && v !== null && v !== undefined) qs.append(k, v);
  const s = qs.toString();
  return `#/recommendations${s ? `?${s}` : ''}`;
}

export function render(main, d, ctx) {
  const f = d.filters;
  const stateValue = f.open === 'true' ? 'open' : f.open === 'false' ? 'closed' : '';
  const form = h('form', { id: 'filters', role: 'search' },
    h('fieldset', null, h('legend', { class: 'sr-only' }, t('recs.filters')),
      h('div', { class: 'fields-grid' },
        field('q', t('recs.q'), input('q', 'search', f.q, { minlength: 3, maxlength: 200, 'aria-describedby': 'q-hint' }), t('recs.q_hint')),
        field('status', t('col.status'), select('status', (f.status || [])[0],
          [['', t('recs.any')], ...d.wf.statuses.map((st) => [st.name, statusLabel(d.wf, st.name)])])),
        field('state', t('recs.state'), select('state', stateValue,
          [['', t('recs.any')], ['open', t('recs.open')], ['closed', t('recs.closed')]])),
        field('owner', t('col.owner'), input('owner', 'text', f.owner, { list: 'owners-list', autocomplete: 'off' })),
        field('meeting', t('col.meeting'), input('meeting', 'text', f.meeting, { list: 'meetings-list', autocomplete: 'off' })),
        field('tag', t('recs.tag'), input('tag', 'text', (f.tag || [])[0])),
        field('due_after', t('recs.due_after'), input('due_after', 'date', f.due_after)),
        field('due_before', t('recs.due_before'), input('due_before', 'date', f.due_before)),
        h('div', { class: 'field check' },
          h('input', { id: 'overdue', name: 'overdue', type: 'checkbox', checked: f.overdue === 'true' }),
          h('label', { for: 'overdue' }, t('recs.overdue_only')))),
      datalist('owners-list', d.owners, 'handle', 'name'),
      datalist('meetings-list', d.meetings, 'code', 'title'),
      h('p', { class: 'buttons' },
        h('button', { type: 'submit', id: 'apply' }, t('recs.apply')), ' ',
        h('a', { href: '#/recommendations', class: 'button secondary' }, t('recs.reset')))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = (id) => form.elements[id].value.trim();
    const state = v('state');
    ctx.navigate(hashFor([
      ['q', v('q')], ['status', v('status')],
      ['open', state === 'open' ? 'true' : state === 'closed' ? 'false' : ''],
      ['overdue', form.elements.overdue.checked ? 'true' : ''],
      ['owner', v('owner')], ['meeting', v('meeting')], ['tag', v('tag')],
      ['due_after', v('due_after')], ['due_before', v('due_before')],
    ]));
  });

  // On a phone the filters fold away unless some are in use.
  const active = Object.keys(f).length > 0;
  const wide = document.documentElement.clientWidth >= 720;
  add(main, heading(t('recs.title')),
    h('details', { class: 'filters card', open: active || wide }, h('summary', null, t('recs.filters')), form));
  if (d.error) {
    const errs = (d.error.problem.errors || []).map((e) => `${e.field}: ${e.message}`).join('; ');
    add(main, d.error.status === 422 ? notice(errs || d.error.message, 'error') : errorBox(d.error));
    return;
  }
  const items = d.page.items;
  const results = h('section', { 'aria-labelledby': 'results-title', class: 'block', id: 'results' },
    h('h2', { id: 'results-title' }, `${t('recs.title')} — ${t('recs.shown', { n: fmtNum(items.length) })}`));
  add(results, items.length ? recTable(null, items, d.wf) : h('p', null, t('recs.empty')));
  const base = [];
  for (const k of KEYS) {
    const v = f[k];
    if (Array.isArray(v)) v.forEach((x) => base.push([k, x]));
    else if (v) base.push([k, v]);
  }
  if (d.limit) base.push(['limit', d.limit]);
  const pager = h('p', { class: 'pager' });
  if (d.after) add(pager, h('a', { href: hashFor(base), class: 'button secondary', id: 'first-page' }, t('recs.first')), ' ');
  if (d.page.next) add(pager, h('a', { href: hashFor([...base, ['after', d.page.next]]), class: 'button', id: 'next-page', rel: 'next' }, t('recs.next')));
  add(results, pager);
  add(main, results);
}

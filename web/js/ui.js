// ui.js — the pieces pages share: the page heading (which receives focus on navigation),
// tables with captions, definition lists, links to meetings, owners and recommendations,
// status badges from the workflow's labels, and error boxes. All text goes in as text.

import { h } from './dom.js';
import { t, label, fmtDate, fmtNum } from './i18n.js';
import { refPath } from './api.js';

export function heading(text, level = 1) {
  const el = h(`h${level}`, level === 1 ? { id: 'page-title', tabindex: '-1' } : null, text);
  return el;
}

export function section(title, ...children) {
  const id = `s-${Math.random().toString(36).slice(2, 9)}`;
  return h('section', { 'aria-labelledby': id, class: 'block' }, h('h2', { id }, title), ...children);
}

// A table: headers [text…] (a header may be {text, num:true} for right-aligned numbers),
// rows [[cell…]…]; a cell is text, a node, or {v, num:true}. Wrapped to scroll on a phone.
export function table(caption, headers, rows, cls = '') {
  const num = headers.map((x) => typeof x === 'object' && x !== null && x.num);
  const head = h('thead', null, h('tr', null, headers.map((x, i) =>
    h('th', { scope: 'col', class: num[i] ? 'num' : null }, typeof x === 'object' && x !== null ? x.text : x))));
  const body = h('tbody', null, rows.map((r) => h('tr', null, r.map((c, i) => {
    const isObj = c !== null && typeof c === 'object' && !(c instanceof Node) && 'v' in c;
    const v = isObj ? c.v : c;
    const cls = [num[i] ? 'num' : '', isObj && c.cls ? c.cls : ''].join(' ').trim() || null;
    return i === 0 && !num[i] ? h('th', { scope: 'row', class: cls }, v) : h('td', { class: cls }, v);
  }))));
  return h('div', { class: 'table-wrap' },
    h('table', { class: cls || null }, caption ? h('caption', null, caption) : null, head, body));
}

// A definition list from [[term, value]…]; values null/undefined are left out.
export function dl(pairs, cls = 'fields') {
  return h('dl', { class: cls }, pairs.filter((p) => p[1] !== null && p[1] !== undefined)
    .map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))));
}

export function recHref(ref) {
  return `#/recommendations/${refPath(ref)}`;
}

export function recLink(ref) {
  return h('a', { href: recHref(ref) }, ref);
}

export function ownerLink(handle, name) {
  if (!handle) return t('none');
  return h('a', { href: `#/owners/${encodeURIComponent(handle)}`, title: name || null }, name || handle);
}

export function meetingLink(code, title) {
  return h('a', { href: `#/meetings/${encodeURIComponent(code)}` }, title || code);
}

// Index of a status in the workflow (for its colour class), 0 when unknown.
export function statusIndex(wf, name) {
  const i = wf ? wf.statuses.findIndex((x) => x.name === name) : -1;
  return i < 0 ? 0 : i + 1;
}

export function statusLabel(wf, name) {
  const st = wf && wf.statuses.find((x) => x.name === name);
  return st ? label(st.labels, name) : name;
}

export function priorityLabel(wf, name) {
  const p = wf && wf.priorities.find((x) => x.name === name);
  return p ? label(p.labels, name) : name;
}

export function statusBadge(wf, name) {
  return h('span', { class: `badge c${statusIndex(wf, name) % 8}` }, statusLabel(wf, name));
}

export function dueCell(rec) {
  if (!rec.due_on) return t('none');
  return h('span', { class: rec.overdue ? 'late' : null }, fmtDate(rec.due_on));
}

// The table of recommendations used by lists, meetings and owners.
export function recTable(caption, items, wf, { owner = true } = {}) {
  const headers = [t('col.ref'), t('col.text')];
  if (owner) headers.push(t('col.owner'));
  headers.push(t('col.status'), t('col.due'), { text: t('col.late'), num: true });
  const rows = items.map((r) => {
    const row = [recLink(r.ref), h('span', { class: 'rec-text' }, r.text)];
    if (owner) row.push(ownerLink(r.owner));
    row.push(statusBadge(wf, r.status), dueCell(r), r.overdue ? fmtNum(r.days_overdue) : '');
    return row;
  });
  return table(caption, headers, rows, 'recs');
}

export function errorBox(err) {
  const text = err && err.status === 0 ? t('error.network')
    : err && err.status === 404 ? t('error.notfound')
    : t('error.load', { detail: (err && err.message) || String(err) });
  return h('div', { class: 'alert alert-error', role: 'alert' }, h('p', null, text));
}

export function notice(text, kind = 'info') {
  return h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, h('p', null, text));
}

export function count(n) {
  return fmtNum(n ?? 0);
}

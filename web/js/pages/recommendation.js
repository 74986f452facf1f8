// pages/recommendation.js — #/recommendations/<ref>: every field, the history as a timeline
// and, only where the session's role allows, the updates: a button per status the workflow
// allows from the current one (with the comment box, required for some statuses), a comment,
// and for the secretariat reassign and deadline. Every write sends If-Match with the version
// the page shows; a 412 or 409 means someone else changed the item: the page says so and
// keeps what the person typed, through a reload of the item.

import * as api from '../api.js';
import { h, add, replace } from '../dom.js';
import { t, fmtDate, fmtTime, fmtNum } from '../i18n.js';
import { heading, section, dl, ownerLink, meetingLink, statusBadge, statusLabel, priorityLabel, notice } from '../ui.js';

// What the person typed, carried over a reload of the same item; and the message to show
// after a write (the page is drawn again from the server's answer).
let kept = null;
let flash = null;

export async function load({ ref }) {
  const path = `/v1/recommendations/${api.refPath(ref)}`;
  const [full, history, wf] = await Promise.all([
    api.getFull(path),
    api.all(`${path}/history`),
    api.workflow(),
  ]);
  const rec = full.data;
  const m = /"(\d+)"/.exec(full.etag || '');
  return { path, rec, version: m ? Number(m[1]) : rec.version, history, wf };
}

function canAct(session, rec) {
  if (!session) return false;
  if (session.role === 'admin' || session.role === 'secretariat') return true;
  return session.role === 'owner' && session.owner !== null && session.owner === rec.owner;
}

function canEdit(session) {
  return session && (session.role === 'admin' || session.role === 'secretariat');
}

function fields(rec, wf) {
  return dl([
    [t('rec.meeting'), meetingLink(rec.meeting)],
    [t('rec.owner'), ownerLink(rec.owner)],
    [t('rec.supporting'), rec.supporting && rec.supporting.length
      ? rec.supporting.flatMap((s, i) => (i ? [', ', ownerLink(s)] : [ownerLink(s)])) : t('none')],
    [t('rec.status'), statusBadge(wf, rec.status)],
    [t('rec.priority'), priorityLabel(wf, rec.priority)],
    [t('rec.due'), h('span', { class: rec.overdue ? 'late' : null }, fmtDate(rec.due_on),
      rec.overdue ? ` — ${t('rec.overdue_days', { n: fmtNum(rec.days_overdue) })}` : '')],
    [t('rec.tags'), rec.tags && rec.tags.length ? h('ul', { class: 'tags' }, rec.tags.map((x) =>
      h('li', null, h('a', { href: `#/recommendations?tag=${encodeURIComponent(x)}` }, x)))) : t('none')],
    [t('rec.details'), rec.details ? h('div', { class: 'prewrap', id: 'rec-details' }, rec.details) : null],
    [t('rec.version'), String(rec.version)],
    [t('rec.created'), fmtTime(rec.created_at)],
    [t('rec.updated'), fmtTime(rec.updated_at)],
    [t('rec.closed'), rec.closed_at ? fmtTime(rec.closed_at) : null],
  ]);
}

function show(v, key, wf) {
  if (v === null || v === undefined || v === '') return t('none');
  if (key === 'status') return statusLabel(wf, v);
  if (key === 'priority') return priorityLabel(wf, v);
  if (key === 'due_on') return fmtDate(v);
  if (Array.isArray(v)) return v.join(', ') || t('none');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const FIELD_KEYS = { text: 'rec.text', details: 'rec.details', owner: 'rec.owner', supporting: 'rec.supporting',
  status: 'rec.status', priority: 'rec.priority', due_on: 'rec.due', tags: 'rec.tags' };

function timeline(history, wf) {
  if (!history.length) return h('p', null, t('hist.empty'));
  return h('ol', { class: 'timeline', id: 'history' }, history.map((e) => {
    const changes = [];
    if (e.kind !== 'created' && e.after) {
      for (const k of Object.keys(e.after)) {
        changes.push(h('li', null, `${t(FIELD_KEYS[k] || k)}: `,
          h('span', { class: 'was' }, show(e.before && e.before[k], k, wf)), ' → ',
          h('span', { class: 'now' }, show(e.after[k], k, wf))));
      }
    }
    return h('li', { class: `event event-${e.kind}`, 'data-version': e.version },
      h('p', { class: 'event-head' },
        h('strong', null, t(`hist.${e.kind}`)), ' · ',
        h('time', { datetime: e.at }, fmtTime(e.at)), ' · ',
        e.source === 'mail' ? t('hist.mail') : t('hist.by', { actor: e.actor })),
      changes.length ? h('ul', { class: 'changes' }, changes) : null,
      e.comment ? h('blockquote', { class: 'comment prewrap' }, e.comment) : null);
  }));
}

function actions(d, ctx) {
  const { rec, wf, path } = d;
  const session = ctx.session;
  if (!canAct(session, rec)) return h('p', { class: 'readonly', id: 'readonly' }, t('rec.readonly'));

  const msg = h('div', { id: 'action-message', tabindex: '-1' });
  const say = (node) => {
    msg.replaceChildren(node);
    msg.focus();
  };
  const stale = () => say(h('div', { class: 'alert alert-error', role: 'alert', id: 'stale' },
    h('p', null, t('rec.stale')),
    h('p', null, h('button', { type: 'button', id: 'reload', onclick: () => reload() }, t('rec.reload')))));
  const comment = h('textarea', { id: 'comment', name: 'comment', rows: 4, maxlength: wf.limits && wf.limits.comment ? wf.limits.comment : null, 'aria-describedby': 'comment-hint' });
  const required = wf.statuses.filter((st) => st.comment_required).map((st) => statusLabel(wf, st.name));
  const ownerSel = canEdit(session) ? h('select', { id: 'edit-owner', name: 'owner' },
    h('option', { value: '' }, t('rec.edit_none')),
    rec.owner ? h('option', { value: rec.owner, selected: true }, rec.owner) : null) : null;
  const dueInput = canEdit(session) ? h('input', { id: 'edit-due', name: 'due_on', type: 'date', value: rec.due_on || '' }) : null;

  function reload() {
    kept = { ref: rec.ref, comment: comment.value, owner: ownerSel && ownerSel.value, due: dueInput && dueInput.value };
    flash = { text: t('rec.reloaded'), kind: 'info' };
    ctx.rerender();
  }

  // Run one write; on success draw the page again from the server with a message.
  async function write(fn, done) {
    const buttons = [...document.querySelectorAll('#actions button')];
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await fn();
      kept = null;
      flash = { text: done, kind: 'ok' };
      ctx.announce(done);
      ctx.rerender();
    } catch (err) {
      if (err.status === 412 || err.status === 409) stale();
      else if (err.status === 401) ctx.navigate('#/signin');
      else if (err.code === 'comment_required') say(notice(t('rec.comment_empty'), 'error'));
      else say(notice(t('rec.refused', { detail: err.message }), 'error'));
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  const moves = wf.transitions.filter((x) => x.from === rec.status).map((x) => x.to);
  const moveButtons = moves.length
    ? h('div', { class: 'buttons', role: 'group', 'aria-labelledby': 'move-label' }, moves.map((to) =>
      h('button', {
        type: 'button', class: 'move', 'data-to': to,
        onclick: () => {
          const st = wf.statuses.find((x) => x.name === to);
          const text = comment.value.trim();
          if (st && st.comment_required && !text) {
            say(notice(t('rec.comment_needed', { status: statusLabel(wf, to) }), 'error'));
            comment.focus();
            return;
          }
          const body = { to };
          if (text) body.comment = text;
          write(() => api.post(`${path}/transitions`, body, d.version), t('rec.moved', { status: statusLabel(wf, to) }));
        },
      }, statusLabel(wf, to))))
    : h('p', null, t('rec.no_moves'));

  const commentButton = h('button', {
    type: 'button', id: 'comment-add', class: 'secondary',
    onclick: () => {
      const text = comment.value.trim();
      if (!text) {
        say(notice(t('rec.comment_empty'), 'error'));
        comment.focus();
        return;
      }
      write(() => api.post(`${path}/comments`, { comment: text }, d.version), t('rec.commented'));
    },
  }, t('rec.comment_add'));

  const parts = [
    msg,
    h('div', { class: 'field' },
      h('label', { for: 'comment' }, t('rec.comment')),
      comment,
      h('small', { id: 'comment-hint' }, required.length ? t('rec.comment_hint', { list: required.join(', ') }) : '')),
    h('p', { class: 'buttons' }, commentButton),
    h('h3', { id: 'move-label' }, t('rec.move')),
    moveButtons,
  ];

  if (canEdit(session)) {
    const form = h('form', { id: 'edit-form', class: 'edit' },
      h('fieldset', null, h('legend', null, t('rec.edit')),
        h('div', { class: 'fields-grid' },
          h('div', { class: 'field' }, h('label', { for: 'edit-owner' }, t('rec.edit_owner')), ownerSel),
          h('div', { class: 'field' }, h('label', { for: 'edit-due' }, t('rec.edit_due')), dueInput)),
        h('p', { class: 'buttons' }, h('button', { type: 'submit', id: 'edit-save' }, t('rec.edit_save')))));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = {};
      const owner = ownerSel.value || null;
      const due = dueInput.value || null;
      if (owner !== rec.owner) body.owner = owner;
      if (due !== rec.due_on) body.due_on = due;
      if (!Object.keys(body).length) {
        say(notice(t('rec.edit_nochange')));
        return;
      }
      write(() => api.patch(path, body, d.version), t('rec.saved'));
    });
    parts.push(form);
    // The owners to choose from, filled in when they arrive (the page does not wait).
    const wantOwner = kept && kept.ref === rec.ref ? kept.owner : rec.owner || '';
    api.get('/v1/owners', { limit: 500 }).then((page) => {
      const keep = document.activeElement === ownerSel ? ownerSel.value : wantOwner;
      replace(ownerSel, h('option', { value: '' }, t('rec.edit_none')),
        page.items.filter((o) => o.active || o.handle === rec.owner).map((o) =>
          h('option', { value: o.handle }, `${o.name} (${o.handle})`)));
      ownerSel.value = keep;
    }).catch(() => {});
  }

  // Carried over from before a reload of this item.
  if (kept && kept.ref === rec.ref) {
    comment.value = kept.comment || '';
    if (ownerSel && kept.owner !== null && kept.owner !== undefined) ownerSel.value = kept.owner;
    if (dueInput && kept.due !== null && kept.due !== undefined) dueInput.value = kept.due;
  }
  kept = null;
  if (flash) {
    msg.append(notice(flash.text, flash.kind));
    flash = null;
  }
  return h('div', { id: 'actions' }, parts);
}

export function render(main, d, ctx) {
  const { rec, wf, history } = d;
  const acts = actions(d, ctx);
  add(main,
    heading(rec.ref),
    h('p', { class: 'rec-text-main', id: 'rec-text' }, rec.text),
    h('div', { class: 'rec-layout' },
      h('div', null,
        section(t('rec.fields'), fields(rec, wf)),
        section(t('rec.history'), timeline(history, wf))),
      h('div', null, section(t('rec.actions'), acts))));
  // After a write or a reload the person stays in the update box: on the kept text, else on
  // the message saying what happened.
  const msg = document.getElementById('action-message');
  const comment = document.getElementById('comment');
  if (msg && msg.childNodes.length) {
    requestAnimationFrame(() => (comment && comment.value ? comment : msg).focus());
  }
}

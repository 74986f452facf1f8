// pages/signin.js — #/signin: paste a token, get a session cookie (POST /v1/sessions). The
// token goes to the server once and is not kept by the page. ?error=link is where a sign-in
// link that is no longer valid lands.

import * as api from '../api.js';
import { h, add } from '../dom.js';
import { t } from '../i18n.js';
import { heading, notice } from '../ui.js';

export function render(main, data, ctx) {
  const q = ctx.params.query;
  const msg = h('div', { id: 'signin-message' });
  if (q.get('error') === 'link') msg.append(notice(t('signin.link'), 'error'));
  else if (q.get('out')) msg.append(notice(t('signin.out')));
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', required: true, autocomplete: 'off',
    spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': 'token-hint',
  });
  const button = h('button', { type: 'submit', id: 'signin-submit' }, t('signin.submit'));
  const form = h('form', { class: 'card signin', id: 'signin-form', novalidate: true },
    h('p', { id: 'token-hint' }, t('signin.intro')),
    h('label', { for: 'token' }, t('signin.token')),
    input,
    h('p', null, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) {
      input.focus();
      return;
    }
    button.disabled = true;
    msg.replaceChildren();
    try {
      const s = await api.signIn(token);
      input.value = '';
      ctx.signedIn(s);
      ctx.navigate(s.role === 'owner' && s.owner ? `#/owners/${encodeURIComponent(s.owner)}` : '#/');
    } catch (err) {
      msg.append(notice(err.status === 0 ? t('error.network') : t('signin.bad'), 'error'));
      input.focus();
      input.select();
    } finally {
      button.disabled = false;
    }
  });
  add(main, heading(t('signin.title')), msg, form);
}

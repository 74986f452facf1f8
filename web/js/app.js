// app.js — the web view's shell: the session, the header (navigation, language, sign-out),
// and the hash router. A page module exports load(params, ctx) (its requests, started at
// once, in parallel with the session check on the first page) and render(main, data, ctx).
// After each navigation the page's heading takes the focus, so a screen reader says where
// the person is and the keyboard starts from there.

import * as api from './api.js';
import { h, replace } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import { errorBox } from './ui.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const sessionBox = document.getElementById('session');
const langButton = document.getElementById('lang-switch');
const menuToggle = document.getElementById('menu-toggle');
const announcer = document.getElementById('announce');

const ROUTES = [
  { re: /^$/, page: 'dashboard', nav: 'dashboard' },
  { re: /^signin$/, page: 'signin', open: true },
  { re: /^meetings$/, page: 'meetings', nav: 'meetings' },
  { re: /^meetings\/([^/]+)$/, page: 'meeting', nav: 'meetings', keys: ['code'] },
  { re: /^recommendations$/, page: 'recommendations', nav: 'recommendations' },
  { re: /^recommendations\/(.+)$/, page: 'recommendation', nav: 'recommendations', keys: ['ref'] },
  { re: /^owners$/, page: 'owners', nav: 'owners' },
  { re: /^owners\/([^/]+)$/, page: 'owner', nav: 'owners', keys: ['handle'] },
  { re: /^reports$/, page: 'reports', nav: 'reports' },
];

const NAV = ['dashboard', 'meetings', 'recommendations', 'owners', 'reports'];
const NAV_HREF = { dashboard: '#/', meetings: '#/meetings', recommendations: '#/recommendations', owners: '#/owners', reports: '#/reports' };

// The session: undefined until asked, null when signed out. The first question is asked at
// once, before any page module is even parsed.
let session;
let sessionPromise = api.currentSession();
let navSeq = 0;
let firstRender = true;

const ctx = {
  get session() {
    return session;
  },
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  announce(text) {
    announcer.textContent = '';
    // A fresh text node each time, so the same words are announced again.
    requestAnimationFrame(() => {
      announcer.textContent = text;
    });
  },
  rerender() {
    route({ keepFocus: true });
  },
  signedIn(s) {
    session = s;
    sessionPromise = Promise.resolve(s);
    renderHeader();
  },
  async signOut() {
    await api.signOut();
    session = null;
    sessionPromise = Promise.resolve(null);
    renderHeader();
    ctx.navigate('#/signin?out=1');
  },
};

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = (q < 0 ? raw : raw.slice(0, q)).replace(/\/+$/, '');
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  for (const r of ROUTES) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params = { query };
    (r.keys || []).forEach((k, i) => {
      params[k] = decodeURIComponent(m[i + 1]);
    });
    return { route: r, params };
  }
  return null;
}

function renderHeader() {
  document.documentElement.lang = lang;
  document.getElementById('skip').textContent = t('skip');
  nav.setAttribute('aria-label', t('nav.label'));
  menuToggle.textContent = t('nav.menu');
  langButton.textContent = t('lang.switch');
  langButton.setAttribute('lang', lang === 'en' ? 'fr' : 'en');
  langButton.setAttribute('aria-label', `${t('lang.label')}: ${t('lang.switch')}`);
  const signed = Boolean(session);
  nav.hidden = !signed;
  menuToggle.hidden = !signed;
  const current = parseHash();
  replace(nav, h('ul', null, NAV.map((n) => h('li', null, h('a', {
    href: NAV_HREF[n],
    'aria-current': current && current.route.nav === n ? 'page' : null,
  }, t(`nav.${n}`))))));
  for (const el of sessionBox.querySelectorAll('.who, .signout')) el.remove();
  if (signed) {
    sessionBox.prepend(
      h('span', { class: 'who' }, h('span', { class: 'sr-only' }, t('signed.as')), ' ',
        session.name, ' · ', t(`role.${session.role}`)),
      h('button', { type: 'button', class: 'signout', id: 'signout', onclick: () => ctx.signOut() }, t('signout')),
    );
  }
}

const pageModules = {};
function loadPage(name) {
  pageModules[name] ??= import(`./pages/${name}.js`);
  return pageModules[name];
}

async function route({ keepFocus = false } = {}) {
  const seq = ++navSeq;
  const found = parseHash();
  if (!found) {
    ctx.navigate('#/');
    return;
  }
  const { route: r, params } = found;
  nav.classList.remove('open');
  menuToggle.setAttribute('aria-expanded', 'false');
  main.setAttribute('aria-busy', 'true');
  try {
    const modP = loadPage(r.page);
    let dataP = null;
    if (!r.open) {
      // The page's requests start with the session check (the first page of a visit makes
      // both at once); a 401 there means the same as no session.
      dataP = modP.then((mod) => (mod.load ? mod.load(params, ctx) : null));
      dataP.catch(() => {});
      if (session === undefined) session = await sessionPromise;
      if (seq !== navSeq) return;
      if (!session) {
        renderHeader();
        ctx.navigate('#/signin');
        return;
      }
    } else if (session === undefined) {
      session = await sessionPromise;
    }
    renderHeader();
    const mod = await modP;
    const data = dataP ? await dataP : null;
    if (seq !== navSeq) return;
    const scrollY = window.scrollY;
    main.replaceChildren();
    await mod.render(main, data, { ...ctx, params, session });
    if (seq !== navSeq) return;
    finish(keepFocus, scrollY);
  } catch (err) {
    if (seq !== navSeq) return;
    if (err && err.status === 401) {
      session = null;
      renderHeader();
      ctx.navigate('#/signin');
      return;
    }
    replace(main, h('h1', { id: 'page-title', tabindex: '-1' }, t(r.page === 'dashboard' ? 'dash.title' : `nav.${r.nav || 'dashboard'}`)),
      errorBox(err), h('p', null, h('button', { type: 'button', onclick: () => route() }, t('retry'))));
    finish(false, 0);
  } finally {
    if (seq === navSeq) main.removeAttribute('aria-busy');
    // What boot.js asked for serves the first page only (a sign-in changes the answers).
    window.suiviBoot = null;
  }
}

function finish(keepFocus, scrollY) {
  const title = document.getElementById('page-title');
  document.title = title ? `${title.textContent} — suivi` : 'suivi';
  if (keepFocus) {
    window.scrollTo(0, scrollY);
  } else {
    if (title) title.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  if (firstRender) {
    firstRender = false;
    performance.mark('suivi-content');
  }
  document.body.dataset.page = parseHash() ? parseHash().route.page : '';
  document.body.dataset.ready = String(navSeq);
}

api.setUnauthorizedHandler(() => {
  if (session) {
    session = null;
    renderHeader();
  }
});

langButton.addEventListener('click', () => {
  setLang(lang === 'en' ? 'fr' : 'en');
  renderHeader();
  route({ keepFocus: true });
});

menuToggle.addEventListener('click', () => {
  const open = nav.classList.toggle('open');
  menuToggle.setAttribute('aria-expanded', String(open));
});

document.getElementById('skip').addEventListener('click', (e) => {
  e.preventDefault();
  const title = document.getElementById('page-title');
  (title || main).focus();
});

window.addEventListener('hashchange', () => route());
renderHeader();
route();

// api.js — the JSON API under /v1 with the session cookie: same-origin fetches, the CSRF
// header on every write, If-Match where the caller gives a version, and problem+json answers
// turned into ApiError (status, code, detail). A 401 tells the app the session is gone.

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.code = (problem && problem.code) || '';
    this.problem = problem || {};
  }
}

let onUnauthorized = () => {};

export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

// "/v1/x" plus query parameters (arrays repeat the key; empty values are left out).
export function url(path, query) {
  const u = new URL(path, location.origin);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      const vals = Array.isArray(v) ? v : [v];
      for (const one of vals) if (one !== undefined && one !== null && one !== '') u.searchParams.append(k, one);
    }
  }
  return u.pathname + u.search;
}

// A recommendation's ref ("bamako-2019/3") in a path: its two segments, each encoded.
export function refPath(ref) {
  return String(ref).split('/').map(encodeURIComponent).join('/');
}

// The answer boot.js already asked for (once), else null.
function booted(method, path, query) {
  const boot = window.suiviBoot;
  if (method !== 'GET' || query || !boot || !boot[path]) return null;
  const p = boot[path];
  delete boot[path];
  return p;
}

async function request(method, path, { query, body, version, quiet } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-Suivi-CSRF'] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (version !== undefined && version !== null) headers['If-Match'] = `"${version}"`;
  let res;
  try {
    res = await (booted(method, path, query) || fetch(url(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    }));
  } catch (e) {
    throw new ApiError(0, { code: 'network', detail: String(e.message || e) });
  }
  if (res.status === 204) return { data: null, etag: null, status: 204 };
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !quiet) onUnauthorized();
    throw new ApiError(res.status, data);
  }
  return { data, etag: res.headers.get('ETag'), status: res.status };
}

export async function get(path, query, opts) {
  return (await request('GET', path, { ...opts, query })).data;
}

export async function getFull(path, query) {
  return request('GET', path, { query });
}

export async function post(path, body, version) {
  return (await request('POST', path, { body, version })).data;
}

export async function patch(path, body, version) {
  return (await request('PATCH', path, { body, version })).data;
}

export async function del(path) {
  return request('DELETE', path, {});
}

// The session of this browser, or null when there is none (401).
export async function currentSession() {
  try {
    return (await request('GET', '/v1/sessions/current', { quiet: true })).data;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function signIn(token) {
  return (await request('POST', '/v1/sessions', { body: { token }, quiet: true })).data;
}

export async function signOut() {
  try {
    await request('DELETE', '/v1/sessions/current', { quiet: true });
  } catch (e) {
    if (e.status !== 401) throw e;
  }
}

// The workflow (statuses, transitions, priorities, limits), read once a page load.
let workflowPromise = null;
export function workflow() {
  if (!workflowPromise) {
    workflowPromise = get('/v1/workflow').catch((e) => {
      workflowPromise = null;
      throw e;
    });
  }
  return workflowPromise;
}

// Every page of a list (bounded): for the few lists a page shows whole.
export async function all(path, query, maxPages = 20) {
  const items = [];
  let after;
  for (let i = 0; i < maxPages; i++) {
    const page = await get(path, { ...query, limit: 500, after });
    items.push(...page.items);
    if (!page.next) break;
    after = page.next;
  }
  return items;
}

// boot.js — a classic deferred script, run before the modules (document order): it starts
// the first page's API requests at once, so that they travel while the ES modules load;
// api.js takes the answers instead of asking again. Only the session, and the dashboard when
// the page opens on it: any other page asks for its own data.
(function () {
  var opts = { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } };
  var boot = {};
  function start(path) {
    boot[path] = fetch(path, opts);
    boot[path].catch(function () {}); // a network error is reported by api.js
  }
  start('/v1/sessions/current');
  if (location.hash === '' || location.hash === '#' || location.hash === '#/') start('/v1/dashboard');
  window.suiviBoot = boot;
})();

#!/usr/bin/python3
"""test-browser.py — the web view in a real browser (TAP for automake).

Headless Chromium (Debian's chromium, chromium-driver and python3-selenium) against a real
suivid with its embedded PostgreSQL and the demo data, serving the source tree's web/
(tests/browser/webenv.py). Each test leaves a screenshot in tests/browser/screenshots/ of the
build directory. A missing browser or driver is a failure, not a skip: dev/deps installs them.

Environment (set by make check): SUIVID, SUIVI_SRCDIR, SUIVI_PG_BINDIR, SUIVI_MIGRATIONS_DIR,
SUIVI_SQL_DIR. SUIVI_WEB_TESTS=name,… runs some tests only; SUIVI_DOC_SCREENSHOTS=DIR also
writes the README's screenshots there (make doc-screenshots).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

sys.dont_write_bytecode = True  # nothing written into the (maybe read-only) source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webenv  # noqa: E402
from webenv import SetupError, wait_until  # noqa: E402

TIMEOUT = 30
XSS_TEXT = "<img src=x onerror=alert(1)>"
XSS_DETAILS = "<script>alert(2)</script> & <b>bold</b>"
XSS_OWNER = '<svg onload="alert(3)">'
# Network errors the pages meet on purpose (refusals, stale writes, the signed-out check).
EXPECTED_CONSOLE = re.compile(r"the server responded with a status of (401|403|404|409|412|422)")

OUT = os.environ.get("SUIVI_BROWSER_OUT") or os.path.join(os.getcwd(), "tests", "browser")
SHOTS = os.path.join(OUT, "screenshots")
DOC_SHOTS = os.environ.get("SUIVI_DOC_SCREENSHOTS")


class Ctx:
    """What the tests share: the daemon, its tokens, the browser."""

    def __init__(self):
        self.suivi = None
        self.driver = None
        self.tokens = {}
        self.shot_n = 0
        self.current = ""

    # -- browser helpers -------------------------------------------------------------------
    @property
    def d(self):
        return self.driver

    def wait(self, cond, what, timeout=TIMEOUT):
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(
            lambda drv: cond(drv), message=f"waiting for {what}")

    def ready(self):
        return self.d.execute_script("return document.body.dataset.ready || ''")

    def page(self):
        return self.d.execute_script("return document.body.dataset.page || ''")

    def wait_page(self, page, before=None):
        """Wait until the router has drawn page (after the render numbered before)."""
        def drawn(_):
            r = self.d.execute_script(
                "return [document.body.dataset.page || '', document.body.dataset.ready || '',"
                " document.getElementById('main').getAttribute('aria-busy')]")
            return r[0] == page and r[2] is None and (before is None or r[1] != before)
        self.wait(drawn, f"page {page}")

    def load(self, hash_path, page):
        """A fresh page load of /#<hash_path> (from about:blank: a get that changes only the
        fragment would not reload the page)."""
        self.d.get("about:blank")
        self.d.get(f"{self.suivi.base}/#{hash_path}")
        self.wait_page(page)

    def go(self, hash_path, page):
        """Navigate inside the loaded page (hashchange), as a link would."""
        before = self.ready()
        same = self.d.execute_script(
            "const same = location.hash === arguments[0]; if (!same) location.hash = arguments[0];"
            " return same;", f"#{hash_path}")
        if same:
            self.d.refresh()
            before = None
        self.wait_page(page, before)

    def css(self, sel):
        from selenium.webdriver.common.by import By
        return self.d.find_elements(By.CSS_SELECTOR, sel)

    def one(self, sel):
        els = self.css(sel)
        assert els, f"no element matches {sel} on {self.d.current_url}"
        return els[0]

    def text(self, sel):
        return self.d.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", sel)

    def sign_in(self, token, expect_page="dashboard"):
        self.d.delete_all_cookies()
        self.load("/signin", "signin")
        self.one("#token").send_keys(token)
        before = self.ready()
        self.one("#signin-submit").click()
        self.wait_page(expect_page, before)

    def sign_out_quietly(self):
        self.d.delete_all_cookies()

    def shot(self, name):
        self.shot_n += 1
        os.makedirs(SHOTS, exist_ok=True)
        path = os.path.join(SHOTS, f"{self.shot_n:02d}-{name}.png")
        assert self.d.save_screenshot(path), f"could not save {path}"
        return path

    def console_errors(self):
        """Severe console messages since the last call, minus the expected refusals."""
        out = []
        for e in self.d.get_log("browser"):
            if e.get("level") != "SEVERE":
                continue
            if EXPECTED_CONSOLE.search(e.get("message", "")):
                continue
            out.append(e["message"])
        return out

    def fetch(self, method, path, body=None, headers=None):
        """fetch() from the page's own JavaScript, with its cookie: [status, body]."""
        return self.d.execute_async_script(
            """
            const [method, path, body, headers, done] = arguments;
            fetch(path, {method, credentials: 'same-origin', headers,
                         body: body === null ? undefined : JSON.stringify(body)})
              .then(async (r) => done([r.status, await r.text()]))
              .catch((e) => done([0, String(e)]));
            """, method, path, body, headers or {})


def digits(s):
    return int(re.sub(r"\D", "", s or "") or "-1")


# --------------------------------------------------------------------------------------------
# Tests. Each takes the context, asserts, and leaves a screenshot.

def test_static_sources(t):
    """web/ is safe by construction: no HTML assigned from JS, no inline script or style, no
    eval, no external fetch, and small."""
    web = os.path.join(t.suivi.srcdir, "web")
    total = 0
    bad = []
    forbidden = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\s*\("
                           r"|new Function|\.style\b|setAttribute\(\s*['\"]style|https?://")
    files_found = set()
    for root, _, files in os.walk(web):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, web)
            if name == "local.mk":
                continue
            files_found.add(rel)
            total += os.path.getsize(path)
            with open(path, encoding="utf-8") as f:
                src = f.read()
            if name.endswith(".js"):
                for n, line in enumerate(src.splitlines(), 1):
                    code = "" if line.lstrip().startswith("//") else line
                    code = code.replace("'http://www.w3.org/2000/svg'", "")
                    if forbidden.search(code):
                        bad.append(f"{rel}:{n}: {line.strip()}")
            if name.endswith(".html"):
                if re.search(r"<style|\sstyle\s*=|\son[a-z]+\s*=", src, re.I):
                    bad.append(f"{rel}: inline style or event handler")
                for m in re.finditer(r"<script\b[^>]*>", src, re.I):
                    if "src=" not in m.group(0):
                        bad.append(f"{rel}: inline script {m.group(0)}")
    assert not bad, "unsafe constructs in web/:\n" + "\n".join(bad)
    with open(os.path.join(web, "local.mk"), encoding="utf-8") as f:
        listed = set(re.findall(r"\bweb/(\S+\.(?:html|js|css|svg|png|ico|json|woff2))", f.read()))
    assert listed == files_found, (
        f"web/local.mk and web/ differ: not installed {sorted(files_found - listed)}, "
        f"missing {sorted(listed - files_found)}")
    assert total < 100 * 1024, f"web/ weighs {total} bytes (aim: well under 100 KB)"
    print(f"# web/ is {total} bytes")


def test_wire(t):
    """Headers of the static files and the session cookie, read on the wire (http.client)."""
    s = t.suivi
    r = s.request("GET", "/")
    assert r.status == 200, f"GET / answered {r.status}"
    assert r.header("Content-Type").startswith("text/html"), r.header("Content-Type")
    csp = r.header("Content-Security-Policy") or ""
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == "default-src 'self'", csp
    assert directives.get("script-src") == "script-src 'self'", csp
    assert directives.get("style-src") == "style-src 'self'", csp
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", csp
    assert "unsafe" not in csp, csp
    assert r.header("X-Content-Type-Options") == "nosniff"
    assert r.header("X-Frame-Options") == "DENY"
    assert r.header("Referrer-Policy") == "no-referrer"
    etag = r.header("ETag")
    assert etag and r.header("Cache-Control"), "GET / has no ETag or Cache-Control"
    assert s.request("GET", "/", headers={"If-None-Match": etag}).status == 304
    assert b'src="js/app.js"' in r.body
    for path, typ in (("/js/app.js", "text/javascript"), ("/css/suivi.css", "text/css"),
                      ("/favicon.svg", "image/svg+xml")):
        rr = s.request("GET", path)
        assert rr.status == 200 and rr.header("Content-Type").startswith(typ), \
            f"{path}: {rr.status} {rr.header('Content-Type')}"
        assert rr.header("X-Content-Type-Options") == "nosniff"

    bad = s.request("POST", "/v1/sessions", {"token": "suivi_" + "x" * 32})
    assert bad.status in (401, 403, 422), f"a wrong token answered {bad.status}"
    assert not bad.header("Set-Cookie"), "a refused sign-in set a cookie"

    r = s.request("POST", "/v1/sessions", {"token": t.tokens["secretariat"]})
    assert r.status == 201, f"POST /v1/sessions answered {r.status}: {r.body[:200]!r}"
    body = r.json()
    assert body["role"] == "secretariat" and body["owner"] is None and body["expires_at"], body
    cookies = [c for c in r.all_headers("Set-Cookie") if c.startswith("suivi_session=")]
    assert len(cookies) == 1, r.all_headers("Set-Cookie")
    attrs = [a.strip().lower() for a in cookies[0].split(";")]
    print(f"# Set-Cookie: {cookies[0].split('=')[0]}=…; {'; '.join(cookies[0].split(';')[1:]).strip()}")
    assert "httponly" in attrs, cookies[0]
    assert "samesite=strict" in attrs, cookies[0]
    assert "path=/" in attrs, cookies[0]
    assert "secure" not in attrs, "Secure on an http public_url: the browser would drop it"
    value = cookies[0].split(";")[0].split("=", 1)[1]
    assert t.tokens["secretariat"] not in cookies[0], "the cookie carries the token itself"
    jar = {"Cookie": f"suivi_session={value}"}

    cur = s.request("GET", "/v1/sessions/current", headers=jar)
    assert cur.status == 200 and cur.json()["role"] == "secretariat", cur.status
    assert s.request("GET", "/v1/dashboard", headers=jar).status == 200

    # A write with the cookie and without the CSRF header is refused and changes nothing.
    ref = "/v1/recommendations/eu-clasi-2024/3"
    v = s.rec("eu-clasi-2024/3", t.tokens["admin"])["version"]
    w = s.request("POST", f"{ref}/comments", {"comment": "csrf?"},
                  headers=dict(jar, **{"If-Match": f'"{v}"'}))
    assert 400 <= w.status < 500, f"a cookie write without X-Suivi-CSRF answered {w.status}"
    assert s.rec("eu-clasi-2024/3", t.tokens["admin"])["version"] == v
    # The same with the header goes through.
    w = s.request("POST", f"{ref}/comments", {"comment": "with the CSRF header"},
                  headers=dict(jar, **{"If-Match": f'"{v}"', "X-Suivi-CSRF": "1"}))
    assert w.status == 200, f"a cookie write with X-Suivi-CSRF answered {w.status}"

    out = s.request("DELETE", "/v1/sessions/current", headers=dict(jar, **{"X-Suivi-CSRF": "1"}))
    assert out.status == 204, f"DELETE /v1/sessions/current answered {out.status}"
    assert s.request("GET", "/v1/sessions/current", headers=jar).status == 401
    assert s.request("GET", "/v1/dashboard", headers=jar).status == 401
    t.d.get(f"{s.base}/#/signin")
    t.wait_page("signin")
    t.shot("wire-signin")


def test_signin_token(t):
    """Signing in with a pasted token: refused token first, then the real one; the session is
    an HttpOnly cookie the page's JavaScript cannot read; sign-out ends it."""
    t.d.delete_all_cookies()
    t.load("/", "signin")  # no session: the dashboard sends to the sign-in page
    assert t.d.execute_script("return document.activeElement.id") == "page-title"
    t.one("#token").send_keys("suivi_notavalidtokenatallnotavalidtoke")
    t.one("#signin-submit").click()
    t.wait(lambda _: t.css("#signin-message .alert-error"), "the refusal")
    t.one("#token").clear()
    t.one("#token").send_keys(t.tokens["secretariat"])
    before = t.ready()
    t.one("#signin-submit").click()
    t.wait_page("dashboard", before)
    cookies = {c["name"]: c for c in t.d.get_cookies()}
    assert "suivi_session" in cookies, cookies.keys()
    c = cookies["suivi_session"]
    assert c["httpOnly"] is True and c.get("sameSite") == "Strict", c
    assert "suivi_session" not in t.d.execute_script("return document.cookie")
    assert t.d.execute_script("return localStorage.length") <= 1  # the language only
    assert "secretariat" in t.text("#session .who")
    t.shot("signin-token")
    before = t.ready()
    t.one("#signout").click()
    t.wait_page("signin", before)
    assert t.suivi.request("GET", "/v1/sessions/current",
                           headers={"Cookie": f"suivi_session={c['value']}"}).status == 401
    t.load("/meetings", "signin")


def test_dashboard_numbers(t):
    """Every number of the dashboard is the API's: GET /v1/dashboard, and the same counts
    recomputed from the recommendations list; the first render makes few requests."""
    s, tok = t.suivi, t.tokens["admin"]
    t.sign_in(t.tokens["secretariat"])
    t.load("/", "dashboard")
    api = s.get_json("/v1/dashboard", tok)
    assert digits(t.text("#dash-open")) == api["open"], (t.text("#dash-open"), api["open"])
    assert digits(t.text("#dash-overdue")) == api["overdue"]
    assert digits(t.text("#dash-due-soon")) == api["due_soon"]
    # Independent of the dashboard endpoint: the list's own filters.
    assert api["open"] == len(s.get_all("/v1/recommendations", tok, open="true"))
    overdue = s.get_all("/v1/recommendations", tok, overdue="true")
    assert api["overdue"] == len(overdue) > 0, (api["overdue"], len(overdue))

    rows = t.d.execute_script("""
        const rows = (sel) => [...document.querySelectorAll(sel + ' tbody tr')]
          .map((tr) => [...tr.children].map((c) => c.textContent));
        return {status: rows('table.by-status'), age: rows('table.by-age'),
                owner: rows('table.by-owner'), meeting: rows('table.by-meeting'),
                oldest: rows('table.oldest'),
                svgStatus: [...document.querySelectorAll('svg.chart-bars .chart-value')].map((e) => e.textContent),
                svgAge: [...document.querySelectorAll('svg.chart-hist .chart-value')].map((e) => e.textContent),
                bars: document.querySelectorAll('svg.chart-bars rect').length,
                cols: document.querySelectorAll('svg.chart-hist rect').length};""")
    assert [digits(r[1]) for r in rows["status"]] == [b["count"] for b in api["by_status"]]
    assert [digits(v) for v in rows["svgStatus"]] == [b["count"] for b in api["by_status"]]
    assert rows["bars"] == len(api["by_status"])
    assert [digits(r[1]) for r in rows["age"]] == [b["count"] for b in api["overdue_by_age"]]
    assert [digits(v) for v in rows["svgAge"]] == [b["count"] for b in api["overdue_by_age"]]
    assert rows["cols"] == len(api["overdue_by_age"])
    assert sum(b["count"] for b in api["overdue_by_age"]) == api["overdue"]
    assert [(r[0], digits(r[1])) for r in rows["owner"]] == \
        [(o["name"] or o["owner"] or "—", o["count"]) for o in api["overdue_by_owner"]]
    assert [(r[0], digits(r[1])) for r in rows["meeting"]] == \
        [(m["title"] or m["meeting"], m["count"]) for m in api["overdue_by_meeting"]]
    assert [r[0] for r in rows["oldest"]] == [o["ref"] for o in api["oldest"]]
    assert [digits(r[4]) for r in rows["oldest"]] == [o["days_overdue"] for o in api["oldest"]]
    # The ten largest groups (owner None: no lead owner), recomputed from the list.
    by_owner, by_meeting = {}, {}
    for r in overdue:
        by_owner[r["owner"]] = by_owner.get(r["owner"], 0) + 1
        by_meeting[r["meeting"]] = by_meeting.get(r["meeting"], 0) + 1
    for api_rows, key, counts in ((api["overdue_by_owner"], "owner", by_owner),
                                  (api["overdue_by_meeting"], "meeting", by_meeting)):
        assert len(api_rows) == min(10, len(counts)), (api_rows, counts)
        for row in api_rows:
            assert counts[row[key]] == row["count"], (row, counts)
        assert [x["count"] for x in api_rows] == sorted(counts.values(), reverse=True)[:10]

    # The first render of a fresh load: its API requests and bytes (Resource Timing).
    t.load("/", "dashboard")
    res = t.d.execute_script("""
        const r = performance.getEntriesByType('resource');
        const n = performance.getEntriesByType('navigation')[0];
        const api = r.filter((e) => new URL(e.name).pathname.startsWith('/v1/'));
        return {api: api.map((e) => new URL(e.name).pathname),
                bytes: r.reduce((a, e) => a + (e.encodedBodySize || 0), n.encodedBodySize || 0)};""")
    print(f"# dashboard: API requests {res['api']}, {res['bytes']} bytes of bodies")
    assert len(res["api"]) <= 3, res["api"]
    assert res["bytes"] < 100 * 1024, res["bytes"]
    t.shot("dashboard")


def test_secretariat_workflow(t):
    """A secretariat moves an item through the workflow with the page's buttons (only the
    statuses the workflow allows, a comment where one is required), reassigns it and moves
    its deadline; the history shows each step, and the API agrees."""
    s, adm = t.suivi, t.tokens["admin"]
    ref = "euca-drugs-2023/5"  # accepted
    wf = s.get_json("/v1/workflow", adm)
    t.sign_in(t.tokens["secretariat"])
    t.load(f"/recommendations/{ref}", "recommendation")
    assert t.text("#page-title") == ref
    rec = s.rec(ref, adm)
    allowed = sorted(x["to"] for x in wf["transitions"] if x["from"] == rec["status"])
    shown = sorted(b.get_attribute("data-to") for b in t.css("button.move"))
    assert shown == allowed, (shown, allowed)
    n0 = len(t.css("#history > li"))

    def move(to, comment=None):
        if comment is not None:
            t.one("#comment").clear()
            t.one("#comment").send_keys(comment)
        before = t.ready()
        t.one(f'button.move[data-to="{to}"]').click()
        t.wait_page("recommendation", before)

    move("in_progress")
    assert s.rec(ref, adm)["status"] == "in_progress"
    t.wait(lambda _: len(t.css("#history > li")) == n0 + 1, "the transition in the history")
    assert "Moved to" in t.text("#action-message"), t.text("#action-message")
    # blocked needs a comment: the page says so and sends nothing.
    v = s.rec(ref, adm)["version"]
    t.one("#comment").clear()
    t.one('button.move[data-to="blocked"]').click()
    t.wait(lambda _: t.css("#action-message .alert-error"), "the comment-required message")
    assert s.rec(ref, adm)["version"] == v
    move("blocked", "Waiting for the donors' answer.")
    t.wait(lambda _: len(t.css("#history > li")) == n0 + 2, "the second transition")
    last = t.css("#history > li")[-1]
    assert "Waiting for the donors' answer." in last.text, last.text
    shown = sorted(b.get_attribute("data-to") for b in t.css("button.move"))
    assert shown == sorted(x["to"] for x in wf["transitions"] if x["from"] == "blocked"), shown

    # Reassign and move the deadline (PATCH with If-Match).
    from selenium.webdriver.support.ui import Select
    t.wait(lambda _: len(t.css("#edit-owner option")) > 2, "the owners in the select")
    Select(t.one("#edit-owner")).select_by_value("unodc")
    t.d.execute_script("document.getElementById('edit-due').value = '2031-06-30'")
    before = t.ready()
    t.one("#edit-save").click()
    t.wait_page("recommendation", before)
    rec = s.rec(ref, adm)
    assert rec["owner"] == "unodc" and rec["due_on"] == "2031-06-30", rec
    hist = s.get_json(f"/v1/recommendations/{ref}/history", adm)["items"]
    kinds = [e["kind"] for e in hist]
    assert kinds[-3:] == ["transition", "transition", "edit"], kinds
    assert hist[-2]["comment"] == "Waiting for the donors' answer."
    assert hist[-2]["actor"] == "web-secretariat", hist[-2]["actor"]
    assert len(t.css("#history > li")) == len(hist)
    assert "unodc" in t.css("#history > li")[-1].text
    t.shot("secretariat-workflow")


def test_owner_scope(t):
    """An owner sees buttons only on what it leads; the API refuses the rest, even when the
    page's own JavaScript sends the request with the cookie and the CSRF header."""
    s, adm = t.suivi, t.tokens["admin"]
    t.sign_in(t.tokens["owner"], expect_page="owner")
    assert t.text("#page-title") == s.get_json("/v1/owners/ocs-mali", adm)["name"]
    # What it leads, overdue first.
    refs = [r.text for r in t.css("table.recs tbody tr th")]
    led = s.get_all("/v1/recommendations", adm, owner="ocs-mali")
    assert sorted(refs) == sorted(r["ref"] for r in led), refs
    flags = [s.rec(r, adm)["overdue"] for r in refs]
    assert flags == sorted(flags, reverse=True), flags

    mine, other = "bamako-2019/1", "bamako-2019/2"  # ocs-mali's; ocrtis'
    t.go(f"/recommendations/{mine}", "recommendation")
    assert t.css("button.move") and t.css("#comment"), "no update controls on the owner's item"
    assert not t.css("#edit-form"), "an owner is offered reassign/deadline"
    t.go(f"/recommendations/{other}", "recommendation")
    assert not t.css("button.move") and not t.css("#comment") and t.css("#readonly")
    t.shot("owner-readonly")

    v = s.rec(other, adm)["version"]
    hdr = {"Content-Type": "application/json", "X-Suivi-CSRF": "1", "If-Match": f'"{v}"'}
    st, body = t.fetch("POST", f"/v1/recommendations/{other}/transitions", {"to": "in_progress"}, hdr)
    assert st == 403, (st, body)
    st, body = t.fetch("POST", f"/v1/recommendations/{other}/comments", {"comment": "not mine"}, hdr)
    assert st == 403, (st, body)
    vm = s.rec(mine, adm)["version"]
    st, body = t.fetch("PATCH", f"/v1/recommendations/{mine}", {"due_on": "2030-01-01"},
                       dict(hdr, **{"If-Match": f'"{vm}"'}))
    assert st == 403, ("an owner may not PATCH", st, body)
    assert s.rec(other, adm)["version"] == v and s.rec(mine, adm)["version"] == vm
    # Without the CSRF header even its own item is refused.
    st, body = t.fetch("POST", f"/v1/recommendations/{mine}/comments", {"comment": "no header"},
                       {"Content-Type": "application/json", "If-Match": f'"{vm}"'})
    assert 400 <= st < 500 and s.rec(mine, adm)["version"] == vm, (st, body)
    # And the buttons it has work.
    t.go(f"/recommendations/{mine}", "recommendation")
    t.one("#comment").send_keys("Réunion de concertation fixée au mois prochain.")
    before = t.ready()
    t.one("#comment-add").click()
    t.wait_page("recommendation", before)
    hist = s.get_json(f"/v1/recommendations/{mine}/history", adm)["items"]
    assert hist[-1]["kind"] == "comment" and hist[-1]["actor"] == "web-owner", hist[-1]
    t.shot("owner-own-item")


def test_stale_page(t):
    """The item changes behind the page's back: the write gets 412/409, the page says someone
    else changed it and keeps the typed comment, through a reload, until it is sent."""
    s, adm = t.suivi, t.tokens["admin"]
    ref = "bamako-2019/5"
    t.sign_in(t.tokens["secretariat"])
    t.load(f"/recommendations/{ref}", "recommendation")
    v = s.rec(ref, adm)["version"]
    r = s.api("POST", f"/v1/recommendations/{ref}/comments", adm,
              {"comment": "Changed elsewhere."}, {"If-Match": f'"{v}"'})
    assert r.status == 200, r.status
    typed = "Typed on the page — l’équipe a été formée, 3 sessions."
    t.one("#comment").send_keys(typed)
    t.one("#comment-add").click()
    t.wait(lambda _: t.css("#stale"), "the stale message")
    msg = t.text("#stale")
    assert "someone else changed this item" in msg.lower() and "reload" in msg.lower(), msg
    assert t.one("#comment").get_attribute("value") == typed
    assert s.rec(ref, adm)["version"] == v + 1
    t.shot("stale-412")
    # A transition from the stale page is refused the same way.
    t.d.execute_script("document.getElementById('stale').remove()")
    t.one('button.move[data-to="implemented"]').click()
    t.wait(lambda _: t.css("#stale"), "the stale message after a transition")
    assert s.rec(ref, adm)["status"] == "in_progress"
    assert t.one("#comment").get_attribute("value") == typed
    before = t.ready()
    t.one("#reload").click()
    t.wait_page("recommendation", before)
    assert t.one("#comment").get_attribute("value") == typed
    assert "Changed elsewhere." in t.text("#history")
    before = t.ready()
    t.one("#comment-add").click()
    t.wait_page("recommendation", before)
    hist = s.get_json(f"/v1/recommendations/{ref}/history", adm)["items"]
    assert hist[-1]["comment"] == typed, hist[-1]
    assert t.one("#comment").get_attribute("value") == ""
    t.shot("stale-resolved")


def test_xss_text(t):
    """Texts from the API that look like HTML stay text: on the item's page, in lists, on
    the owner's page; no img or script element appears and no alert fires."""
    from selenium.common.exceptions import NoAlertPresentException
    s, adm = t.suivi, t.tokens["admin"]
    r = s.api("POST", "/v1/owners", adm, {"handle": "xss-owner", "name": XSS_OWNER})
    assert r.status == 201, (r.status, r.body[:200])
    r = s.api("POST", "/v1/recommendations", adm,
              {"meeting": "bamako-2019", "text": XSS_TEXT, "details": XSS_DETAILS,
               "owner": "xss-owner", "tags": ["<i>tag</i>"], "due_on": "2020-01-01"})
    assert r.status == 201, (r.status, r.body[:200])
    ref = r.json()["ref"]
    t.sign_in(t.tokens["secretariat"])

    def clean(where):
        try:
            alert = t.d.switch_to.alert
            text = alert.text
            alert.dismiss()
            raise AssertionError(f"an alert fired on {where}: {text}")
        except NoAlertPresentException:
            pass
        n = t.d.execute_script(
            "return document.querySelectorAll('main img, main script, main svg [onload], main i').length")
        assert n == 0, f"markup from the API became elements on {where}"

    t.load(f"/recommendations/{ref}", "recommendation")
    assert t.text("#rec-text") == XSS_TEXT, t.text("#rec-text")
    assert t.text("#rec-details") == XSS_DETAILS
    assert "<i>tag</i>" in t.text(".tags")
    clean("the item's page")
    t.shot("xss-recommendation")
    t.go("/recommendations?meeting=bamako-2019", "recommendations")
    assert XSS_TEXT in [e.text for e in t.css("table.recs .rec-text")]
    clean("the list")
    t.go("/owners/xss-owner", "owner")
    assert t.text("#page-title") == XSS_OWNER
    clean("the owner's page")
    t.go("/", "dashboard")
    assert XSS_TEXT in t.text("table.oldest") or XSS_OWNER in t.text("table.by-owner")
    clean("the dashboard")
    t.go("/reports", "reports")
    assert XSS_TEXT in t.text("#overdue-report")
    clean("the reports")
    t.shot("xss-reports")


def test_signin_link(t):
    """A digest's sign-in link (a real reminder run, mailed through the hook) signs its owner
    in and opens its page; a broken link lands on the sign-in page with a message."""
    s = t.suivi
    r = s.api("POST", "/v1/reminders/run", t.tokens["secretariat"], {})
    assert r.status == 200, (r.status, r.body[:300])
    sent = [n for n in r.json()["notifications"] if n["kind"] == "reminder"]
    assert any(n["recipient"] == "ocs@example.ml" for n in sent), sent

    def digest():
        for m in s.messages():
            if "ocs@example.ml" in str(m.get("To", "")):
                return m
        return None
    msg = wait_until(digest, 60, "ocs-mali's digest in the hook's outbox")
    body = s.body_text(msg)
    links = re.findall(r"https?://[^\s<>\"']+/signin\?l=[^\s<>\"']+", body)
    assert links, "no sign-in link in the digest:\n" + body[:2000]
    link = links[0]
    assert link.startswith(s.base + "/signin?l="), link
    print(f"# digest link: {link[:len(s.base) + 20]}…")

    t.d.delete_all_cookies()
    t.d.get(link)
    t.wait_page("owner")
    assert t.d.current_url.endswith("#/owners/ocs-mali"), t.d.current_url
    assert "owner" in t.text("#session .who") or "responsable" in t.text("#session .who")
    cur = json.loads(t.fetch("GET", "/v1/sessions/current")[1])
    assert cur["role"] == "owner" and cur["owner"] == "ocs-mali", cur
    owner_cookie = t.d.get_cookie("suivi_session")["value"]
    t.shot("signin-link")

    # On the wire: a 303 to the owner's page with the session cookie.
    path = link[len(s.base):]
    w = s.request("GET", path)
    assert w.status == 303 and w.header("Location").endswith("#/owners/ocs-mali"), \
        (w.status, w.header("Location"))
    ck = [c for c in w.all_headers("Set-Cookie") if c.startswith("suivi_session=")]
    assert ck and "httponly" in ck[0].lower() and "samesite=strict" in ck[0].lower(), ck

    t.d.delete_all_cookies()
    t.d.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    t.wait_page("signin")
    assert "#/signin" in t.d.current_url and t.css("#signin-message .alert-error"), t.d.current_url
    t.shot("signin-link-broken")

    # The secretariat revokes the owner's links from its page: the link and the session it
    # opened stop working.
    t.sign_in(t.tokens["secretariat"])
    t.go("/owners/ocs-mali", "owner")
    t.one("#revoke-links").click()
    t.wait(lambda _: t.css("#revoke-message .alert-ok"), "the revocation")
    jar = {"Cookie": f"suivi_session={owner_cookie}"}
    assert s.request("GET", "/v1/sessions/current", headers=jar).status == 401
    t.d.delete_all_cookies()
    t.d.get(link)
    t.wait_page("signin")
    assert "error=link" in t.d.current_url, t.d.current_url
    t.shot("signin-link-revoked")


def test_languages(t):
    """English by default (the browser's language), French with the switch, kept across a
    reload; status labels come from the workflow in each language."""
    t.sign_in(t.tokens["secretariat"])
    t.d.execute_script("localStorage.removeItem('suivi.lang')")
    t.load("/", "dashboard")
    assert t.d.execute_script("return document.documentElement.lang") == "en"
    assert t.text("#page-title") == "Dashboard"
    assert "in progress" in t.text("table.by-status")
    before = t.ready()
    t.one("#lang-switch").click()
    t.wait_page("dashboard", before)
    assert t.d.execute_script("return document.documentElement.lang") == "fr"
    assert t.text("#page-title") == "Tableau de bord"
    assert "en cours" in t.text("table.by-status")  # the workflow's French label
    assert t.text('#nav a[href="#/meetings"]') == "Réunions"
    t.shot("dashboard-fr")
    t.load("/recommendations/bamako-2019/1", "recommendation")
    assert t.text("#page-title") == "bamako-2019/1"
    assert "Historique" in t.text("main") and "Échéance" in t.text("main")
    t.shot("recommendation-fr")
    t.d.refresh()
    t.wait_page("recommendation")
    assert t.d.execute_script("return document.documentElement.lang") == "fr"
    before = t.ready()
    t.one("#lang-switch").click()
    t.wait_page("recommendation", before)
    assert "History" in t.text("main") and t.d.execute_script("return localStorage.getItem('suivi.lang')") == "en"

    # With no choice stored, a French browser gets French.
    t.d.execute_script("localStorage.removeItem('suivi.lang')")
    try:
        t.d.execute_cdp_cmd("Emulation.setLocaleOverride", {"locale": "fr-FR"})
        t.d.execute_cdp_cmd("Network.setUserAgentOverride", {
            "userAgent": t.d.execute_script("return navigator.userAgent"), "acceptLanguage": "fr-FR,fr"})
        t.load("/meetings", "meetings")
        nav_lang = t.d.execute_script("return navigator.language")
        if nav_lang.startswith("fr"):
            assert t.text("#page-title") == "Réunions", t.text("#page-title")
        else:
            print(f"# navigator.language stays {nav_lang} under CDP overrides; not checked")
    finally:
        t.d.execute_cdp_cmd("Emulation.setLocaleOverride", {"locale": ""})
        t.d.execute_cdp_cmd("Network.setUserAgentOverride", {
            "userAgent": t.d.execute_script("return navigator.userAgent"), "acceptLanguage": "en-US,en"})
        t.d.execute_script("localStorage.setItem('suivi.lang', 'en')")
    if DOC_SHOTS:
        doc_screenshots(t)


def test_pages_and_keyboard(t):
    """Every page renders for a secretariat, with one h1 that takes the focus, landmarks,
    labelled controls and no console error; lists page by cursor; keyboard navigation."""
    from selenium.webdriver.common.keys import Keys
    s, adm = t.suivi, t.tokens["admin"]
    t.sign_in(t.tokens["secretariat"])
    pages = [("/meetings", "meetings"), ("/meetings/euca-drugs-2023", "meeting"),
             ("/recommendations", "recommendations"), ("/owners", "owners"),
             ("/owners/unodc", "owner"), ("/reports", "reports"),
             ("/reports?brief=euca-drugs-2023", "reports"),
             ("/recommendations/bamako-2019/3", "recommendation"), ("/", "dashboard")]
    for path, page in pages:
        t.go(path, page)
        info = t.d.execute_script("""
            const unlabelled = [...document.querySelectorAll('main input, main select, main textarea')]
              .filter((e) => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'));
            return {h1: document.querySelectorAll('h1').length, focus: document.activeElement.id,
                    landmarks: ['header', 'nav', 'main'].every((s) => document.querySelector(s)),
                    unlabelled: unlabelled.map((e) => e.id || e.name),
                    current: (document.querySelector('#nav [aria-current=page]') || {}).textContent,
                    title: document.title};""")
        assert info["h1"] == 1 and info["focus"] == "page-title", (path, info)
        assert info["landmarks"] and not info["unlabelled"], (path, info)
        assert info["title"].endswith("— suivi"), info
    # The reports' CSV links work with the session cookie alone.
    t.go("/reports?brief=euca-drugs-2023", "reports")
    for link, head in (("#overdue-csv", "owner,owner_name,meeting,ref,status,due_on,days_overdue,text"),
                       ("#summary-csv", None), ("#brief-csv", None)):
        href = t.one(link).get_attribute("href")
        st, body = t.fetch("GET", href[len(s.base):])
        assert st == 200 and body.strip(), (link, st, body[:200])
        if head:
            assert body.splitlines()[0].strip() == head, body.splitlines()[0]
    # The overdue report narrowed to a meeting, through its form.
    from selenium.webdriver.support.ui import Select
    Select(t.one("#overdue-meeting")).select_by_value("bamako-2019")
    before = t.ready()
    t.one("#overdue-filter button").click()
    t.wait_page("reports", before)
    refs = [e.text for e in t.css("#overdue-report table.recs tbody th")]
    api_refs = [i["ref"] for o in s.get_json("/v1/reports/overdue?meeting=bamako-2019", adm)["owners"]
                for m in o["meetings"] for i in m["items"]]
    assert refs and sorted(refs) == sorted(api_refs) and all(r.startswith("bamako-2019/") for r in refs), refs
    assert "meeting=bamako-2019" in t.one("#overdue-csv").get_attribute("href")
    # The meeting page: a progress bar per status, the counts of the API, the brief.
    t.go("/meetings/euca-drugs-2023", "meeting")
    m = s.get_json("/v1/meetings/euca-drugs-2023", adm)
    wf = s.get_json("/v1/workflow", adm)
    bars = t.d.execute_script(
        "return [...document.querySelectorAll('main progress')].map((p) => [p.id, p.value, p.max])")
    assert [b[0] for b in bars] == [f"p-{x['name']}" for x in wf["statuses"]]
    assert [b[1] for b in bars] == [m["counts"].get(x["name"], 0) for x in wf["statuses"]]
    assert len(t.css("table.recs tbody tr")) >= m["counts"]["total"]
    assert "Follow-up brief" in t.text("main")
    t.shot("meeting")
    # Keyset paging: each next page continues where the last stopped, to the end.
    t.go("/recommendations?open=true&limit=5", "recommendations")
    every = [r["ref"] for r in s.get_all("/v1/recommendations", adm, open="true")]
    seen = [e.text for e in t.css("table.recs tbody th")]
    assert len(seen) == 5 and not t.css("#first-page"), seen
    while t.css("#next-page"):
        before = t.ready()
        t.one("#next-page").click()
        t.wait_page("recommendations", before)
        assert t.css("#first-page") and "after=" in t.d.current_url
        seen += [e.text for e in t.css("table.recs tbody th")]
    assert seen == every, (seen, every)
    t.shot("recommendations-last-page")
    # Search and filters through the form.
    t.go("/recommendations", "recommendations")
    t.one("#q").send_keys("synthetic")
    before = t.ready()
    t.one("#q").send_keys(Keys.ENTER)
    t.wait_page("recommendations", before)
    found = [e.text for e in t.css("table.recs tbody th")]
    api_found = [r["ref"] for r in s.get_all("/v1/recommendations", adm, q="synthetic")]
    assert found == api_found and found, (found, api_found)
    assert "q=synthetic" in t.d.current_url
    # Keyboard: the skip link is the first stop and leads to the heading; Tab from there
    # goes into the page; Enter on a navigation link navigates and focuses the new heading.
    t.go("/", "dashboard")
    first = t.d.execute_script(
        "return document.querySelector('a[href], button:not([hidden]), input, select, textarea').id")
    assert first == "skip", first
    t.d.execute_script("document.getElementById('skip').focus()")
    t.d.switch_to.active_element.send_keys(Keys.ENTER)
    assert t.d.execute_script("return document.activeElement.id") == "page-title"
    t.d.switch_to.active_element.send_keys(Keys.TAB)
    assert t.d.execute_script(
        "return document.getElementById('main').contains(document.activeElement)"
        " && document.activeElement.tagName === 'A'"), "Tab from the heading left the page"
    link = t.one('#nav a[href="#/owners"]')
    before = t.ready()
    link.send_keys(Keys.ENTER)
    t.wait_page("owners", before)
    assert t.d.execute_script("return document.activeElement.id") == "page-title"
    t.shot("owners-keyboard")


def test_phone_width(t):
    """At 390×844 the pages fit the width (no sideways scrolling of the page), the menu
    opens from its button, and the update box is usable."""
    t.d.set_window_size(390, 844)
    try:
        t.sign_in(t.tokens["secretariat"])
        for path, page in (("/", "dashboard"), ("/recommendations/bamako-2019/1", "recommendation"),
                           ("/meetings/bamako-2019", "meeting"), ("/recommendations", "recommendations")):
            t.go(path, page)
            w = t.d.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]")
            assert w[0] <= w[1] + 1, f"{path} is {w[0]} px wide in a {w[1]} px window"
            if page == "dashboard":
                t.shot("phone-dashboard")
        t.shot("phone-recommendations")
        toggle = t.one("#menu-toggle")
        assert toggle.is_displayed() and not t.one("#nav").is_displayed()
        toggle.click()
        t.wait(lambda _: t.one("#nav").is_displayed(), "the menu")
        assert toggle.get_attribute("aria-expanded") == "true"
        t.shot("phone-menu")
        before = t.ready()
        t.one('#nav a[href="#/meetings"]').click()
        t.wait_page("meetings", before)
        assert not t.one("#nav").is_displayed()
    finally:
        t.d.set_window_size(1280, 900)


def doc_screenshots(t):
    """The README's screenshots: dashboard, a meeting and a recommendation, en and fr."""
    os.makedirs(DOC_SHOTS, exist_ok=True)
    t.d.set_window_size(1280, 900)
    # A history with more than its creation: a comment, as an owner would write it.
    s, adm = t.suivi, t.tokens["admin"]
    v = s.rec("bamako-2019/1", adm)["version"]
    r = s.api("POST", "/v1/recommendations/bamako-2019/1/comments", t.tokens["owner"],
              {"comment": "Termes de référence diffusés aux six services ; première réunion "
                          "prévue à Dakar au prochain trimestre."}, {"If-Match": f'"{v}"'})
    assert r.status == 200, r.status
    for lang in ("en", "fr"):
        t.d.execute_script("localStorage.setItem('suivi.lang', arguments[0])", lang)
        for name, path, page in (("dashboard", "/", "dashboard"),
                                 ("meeting", "/meetings/bamako-2019", "meeting"),
                                 ("recommendation", "/recommendations/bamako-2019/1", "recommendation")):
            t.load(path, page)
            t.d.execute_script("document.activeElement.blur()")
            out = os.path.join(DOC_SHOTS, f"{name}-{lang}.png")
            assert t.d.save_screenshot(out), out
    t.d.execute_script("localStorage.setItem('suivi.lang', 'en')")


TESTS = [test_static_sources, test_wire, test_signin_token, test_dashboard_numbers,
         test_secretariat_workflow, test_owner_scope, test_stale_page, test_xss_text,
         test_signin_link, test_languages, test_pages_and_keyboard, test_phone_width]


def main():
    only = [x for x in os.environ.get("SUIVI_WEB_TESTS", "").split(",") if x]
    tests = [f for f in TESTS if not only or f.__name__[5:] in only or f.__name__ in only]
    print(f"1..{len(tests)}")
    sys.stdout.flush()
    t = Ctx()
    work = tempfile.mkdtemp(prefix="suivi-browser-", dir="/tmp")
    failed = 0
    try:
        try:
            t.driver = webenv.chromium_driver(work)
            t.suivi = webenv.Suivi()
            t.suivi.start()
            t.suivi.load_demo()
            t.tokens["admin"] = t.suivi.make_token("web-admin", "admin")
            for role in ("secretariat", "viewer"):
                t.tokens[role] = t.suivi.api_token(t.tokens["admin"], f"web-{role}", role)
            t.tokens["owner"] = t.suivi.api_token(t.tokens["admin"], "web-owner", "owner", "ocs-mali")
        except (SetupError, TimeoutError, OSError, subprocess.SubprocessError) as e:
            msg = str(e).strip().replace("\n", "\n# ")
            print(f"# {msg}")
            print(f"Bail out! {str(e).splitlines()[0] if str(e) else type(e).__name__}")
            return 1
        except Exception as e:  # selenium's own errors (the driver did not start)
            print("# " + traceback.format_exc().replace("\n", "\n# "))
            print(f"Bail out! the browser did not start: {str(e).splitlines()[0] if str(e) else e!r}")
            return 1
        print(f"# suivid at {t.suivi.base}, web_dir {t.suivi.web_dir}; "
              f"screenshots in {SHOTS}")
        for n, fn in enumerate(tests, 1):
            name = fn.__name__[5:]
            t.current = name
            start = time.monotonic()
            try:
                t.console_errors()  # drop what earlier tests left
                fn(t)
                errors = t.console_errors()
                csp = [e for e in errors if "Content Security Policy" in e]
                assert not errors, "console errors:\n" + "\n".join(errors) + (
                    "\n(CSP violations)" if csp else "")
                print(f"ok {n} - {name} ({time.monotonic() - start:.1f} s)")
            except Exception as e:
                failed += 1
                print(f"not ok {n} - {name}")
                detail = "".join(traceback.format_exception(type(e), e, e.__traceback__))
                print("# " + detail.rstrip().replace("\n", "\n# "))
                try:
                    print(f"# at {t.d.current_url}; screenshot {t.shot(name + '-FAILED')}")
                    print("# main: " + (t.text("main") or "")[:1500].replace("\n", " "))
                except Exception as e2:  # the browser itself may be gone
                    print(f"# no screenshot: {e2!r}")
            sys.stdout.flush()
        if failed:
            print("# suivid log (last lines):\n# " + t.suivi.log_tail(30).replace("\n", "\n# "))
        return 1 if failed else 0
    finally:
        if t.driver is not None:
            try:
                t.driver.quit()
            except Exception:
                pass
        if t.suivi is not None:
            t.suivi.cleanup(keep=bool(failed) and bool(os.environ.get("SUIVI_KEEP")))
        subprocess.run(["rm", "-rf", work], check=False)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""perf.py — the dashboard's first render in headless Chromium, measured by the browser.

For each run: a fresh load of /#/ with the HTTP cache emptied ("cold", as a first visit) and
then again with it ("warm"), signed in with a session cookie. Figures, from Navigation Timing
and Resource Timing of the page itself:
  time to content  performance.mark('suivi-content') (set by app.js once the first page is
                   drawn), in ms from the start of the navigation;
  API requests     resource entries under /v1/;
  bytes            transferSize of the document and every resource (headers included;
                   0 for what the cache served), and their body sizes.
Prints the median of RUNS runs (default 7) and every run.

Without PERF_URL it starts a throwaway suivid with the demo data (tests/browser/webenv.py;
SUIVID etc. as make check sets them: `make perf-web`). With PERF_URL=http://host:port and
PERF_TOKEN=suivi_… it measures that suivid: for the benchmark's 1M recommendations, run
`make bench BENCH_ONLY=serve` and take both from the serve.env it names.
"""

import json
import os
import shutil
import statistics
import sys
import tempfile

sys.dont_write_bytecode = True  # nothing written into the (maybe read-only) source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webenv  # noqa: E402

MEASURE = """
const nav = performance.getEntriesByType('navigation')[0];
const mark = performance.getEntriesByName('suivi-content')[0];
const res = performance.getEntriesByType('resource');
const api = res.filter((e) => new URL(e.name).pathname.startsWith('/v1/'));
return {
  content_ms: mark ? mark.startTime : null,
  ttfb_ms: nav.responseStart,
  dcl_ms: nav.domContentLoadedEventEnd,
  api: api.map((e) => new URL(e.name).pathname + new URL(e.name).search),
  api_ms: api.map((e) => Math.round(e.duration)),
  files: res.length - api.length + 1,
  transfer: res.reduce((a, e) => a + e.transferSize, nav.transferSize),
  body: res.reduce((a, e) => a + e.encodedBodySize, nav.encodedBodySize),
  api_body: api.reduce((a, e) => a + e.encodedBodySize, 0),
};
"""


def measure(driver, base, cold):
    if cold:
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get("about:blank")
    driver.get(f"{base}/#/")
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 60, poll_frequency=0.05).until(
        lambda d: d.execute_script("return document.body.dataset.page") == "dashboard"
        and d.execute_script("return performance.getEntriesByName('suivi-content').length") > 0)
    return driver.execute_script(MEASURE)


def main():
    runs = int(os.environ.get("RUNS", "7"))
    work = tempfile.mkdtemp(prefix="suivi-perf-", dir="/tmp")
    suivi = None
    driver = None
    try:
        base, token = os.environ.get("PERF_URL"), os.environ.get("PERF_TOKEN")
        if not base:
            suivi = webenv.Suivi()
            suivi.start()
            suivi.load_demo()
            token = suivi.make_token("perf", "secretariat")
            base = suivi.base
            what = "demo data (data/demo.sql)"
        else:
            what = base
        driver = webenv.chromium_driver(work)
        driver.execute_cdp_cmd("Network.enable", {})
        driver.get(f"{base}/#/signin")
        status = driver.execute_async_script("""
            const [token, done] = arguments;
            fetch('/v1/sessions', {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json', 'X-Suivi-CSRF': '1'},
              body: JSON.stringify({token})}).then((r) => done(r.status)).catch((e) => done(String(e)));
        """, token)
        if status != 201:
            raise SystemExit(f"perf: POST /v1/sessions answered {status}")
        measure(driver, base, True)  # the browser's own first start is not the page's
        results = {"cold": [], "warm": []}
        for _ in range(runs):
            results["cold"].append(measure(driver, base, True))
            results["warm"].append(measure(driver, base, False))
        print(f"Dashboard first render, headless Chromium, {what}, median of {runs} runs")
        print("| cache | time to content | TTFB | API requests | files | transferred | bodies (API) |")
        print("|---|---|---|---|---|---|---|")
        for kind, rs in results.items():
            med = lambda k: statistics.median(r[k] for r in rs)  # noqa: E731
            print(f"| {kind} | {med('content_ms'):.0f} ms | {med('ttfb_ms'):.1f} ms | "
                  f"{len(rs[0]['api'])} ({', '.join(rs[0]['api'])}) | {rs[0]['files']} | "
                  f"{med('transfer') / 1024:.1f} KiB | {med('body') / 1024:.1f} KiB "
                  f"({med('api_body') / 1024:.1f} KiB) |")
        if os.environ.get("PERF_JSON"):
            with open(os.environ["PERF_JSON"], "w") as f:
                json.dump(results, f, indent=1)
        return 0
    finally:
        if driver is not None:
            driver.quit()
        if suivi is not None:
            suivi.cleanup()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""webenv.py — a throwaway suivi for the browser tests and the performance script.

A real suivid (the build's, from $SUIVID) on a free loopback port, running its own embedded
PostgreSQL in a temporary directory under /tmp (as dev/run does), loaded with data/demo.sql,
serving the source tree's web/ at /, with public_url set so that digests carry sign-in links
and a hook that writes every outgoing message to its own file. Also: an HTTP client for the
API (bearer token or session cookie), and headless Chromium through Debian's chromedriver.

Nothing here sleeps for a fixed time: every wait polls a condition under a deadline.
"""

import email
import email.policy
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DEBIAN_PACKAGES = "chromium chromium-driver python3-selenium"


class SetupError(Exception):
    """The environment cannot run the tests (a missing package, a daemon that did not start)."""


def wait_until(cond, timeout=30.0, what="condition", interval=0.1):
    """Poll cond() until it returns something true; raise TimeoutError after timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def all_headers(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Suivi:
    """One suivid with its embedded PostgreSQL and the demo data."""

    def __init__(self, srcdir=None, suivid=None, pg_bindir=None, public_url=True):
        self.srcdir = os.path.abspath(srcdir or os.environ.get("SUIVI_SRCDIR") or
                                      os.path.join(os.path.dirname(__file__), "..", ".."))
        self.suivid = suivid or os.environ.get("SUIVID")
        if not self.suivid or not os.access(self.suivid, os.X_OK):
            raise SetupError("SUIVID does not name the built suivid (run through make check)")
        self.pg_bindir = pg_bindir or os.environ.get("SUIVI_PG_BINDIR") or ""
        self.web_dir = os.path.join(self.srcdir, "web")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.public_url = public_url
        self.proc = None
        self.log_path = None
        # Under /tmp: PostgreSQL's socket path must stay short, and under root the postgres
        # user must be able to reach it.
        self.dir = tempfile.mkdtemp(prefix="suivi-web-", dir="/tmp")
        os.chmod(self.dir, 0o755)
        self.mail_dir = os.path.join(self.dir, "mail")
        os.mkdir(self.mail_dir)

    # -- the daemon -------------------------------------------------------------------------
    def config(self):
        return (
            "[server]\n"
            f"listen = 127.0.0.1:{self.port}\n"
            "web = on\n"
            f"web_dir = {self.web_dir}\n"
            + (f"public_url = {self.base}\n" if self.public_url else "")
            + "[database]\n"
            f"data_dir = {self.dir}/d\n"
            "[schedule]\n"
            "timezone = UTC\n"
            'reminders = ""\n'
            'overdue_report = ""\n'
            "[mail]\n"
            "from = suivi@example.org\n"
            "[hook]\n"
            f"command = {self.dir}/hook.sh\n"
            "[log]\n"
            "level = info\n")

    def start(self, timeout=180):
        hook = os.path.join(self.dir, "hook.sh")
        with open(hook, "w") as f:
            f.write("#!/bin/sh\n# One file per message handed to the hook.\n"
                    f'f=$(mktemp "{self.mail_dir}/msg.XXXXXX") || exit 75\n'
                    'cat >"$f" || exit 75\n'
                    'mv "$f" "$f.eml"\n')
        os.chmod(hook, 0o755)
        self.conf = os.path.join(self.dir, "suivid.conf")
        with open(self.conf, "w") as f:
            f.write(self.config())
        self.log_path = os.path.join(self.dir, "suivid.log")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.suivid, "-c", self.conf], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log, start_new_session=True)

        def healthy():
            if self.proc.poll() is not None:
                raise SetupError(f"suivid exited with status {self.proc.returncode}:\n"
                                 + self.log_tail())
            try:
                return self.request("GET", "/v1/health", timeout=2).status == 200
            except OSError:
                return False
        wait_until(healthy, timeout, "suivid to answer /v1/health", interval=0.2)

    def log_tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return ""

    def psql(self, sql=None, file=None):
        psql = os.path.join(self.pg_bindir, "psql") if self.pg_bindir else "psql"
        if not os.access(psql, os.X_OK):
            psql = shutil.which("psql") or psql
        conninfo = f"host={self.dir}/d/run port=5432 user=suivi dbname=suivi"
        cmd = [psql, conninfo, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        cmd += ["-f", file] if file else ["-c", sql]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise SetupError(f"psql failed: {out.stderr.strip()}")
        return out.stdout.strip()

    def load_demo(self):
        self.psql(file=os.path.join(self.srcdir, "data", "demo.sql"))

    def make_token(self, name, role, owner=None):
        """A token made by the daemon's own command (the first admin), else through the API."""
        cmd = [self.suivid, "-c", self.conf, "token", "create", name, "--role", role]
        if owner:
            cmd += ["--owner", owner]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if out.returncode != 0 or not out.stdout.strip():
            raise SetupError(f"suivid token create failed: {out.stderr.strip()}")
        return out.stdout.strip().splitlines()[-1]

    def api_token(self, admin, name, role, owner=None):
        body = {"name": name, "role": role}
        if owner:
            body["owner"] = owner
        r = self.api("POST", "/v1/tokens", admin, body)
        if r.status != 201:
            raise SetupError(f"POST /v1/tokens answered {r.status}: {r.body[:300]!r}")
        return r.json()["token"]

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None

    def cleanup(self, keep=False):
        self.stop()
        if not keep:
            # The cluster belongs to postgres under root: remove as root (we are the owner of
            # the parent), ignoring what is already gone.
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- HTTP -------------------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            hdrs = dict(headers or {})
            data = None
            if body is not None:
                data = json.dumps(body).encode("utf-8") if not isinstance(body, bytes) else body
                hdrs.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=data, headers=hdrs)
            res = conn.getresponse()
            return Response(res.status, res.getheaders(), res.read())
        finally:
            conn.close()

    def api(self, method, path, token, body=None, headers=None):
        hdrs = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        hdrs.update(headers or {})
        return self.request(method, path, body, hdrs)

    def get_json(self, path, token):
        r = self.api("GET", path, token)
        if r.status != 200:
            raise AssertionError(f"GET {path} answered {r.status}: {r.body[:300]!r}")
        return r.json()

    def get_all(self, path, token, **query):
        items, after = [], None
        while True:
            q = dict(query, limit=500)
            if after:
                q["after"] = after
            page = self.get_json(f"{path}?{urllib.parse.urlencode(q, doseq=True)}", token)
            items += page["items"]
            after = page.get("next")
            if not after:
                return items

    def rec(self, ref, token):
        r = self.api("GET", f"/v1/recommendations/{ref}", token)
        if r.status != 200:
            raise AssertionError(f"GET {ref} answered {r.status}")
        return r.json()

    # -- mail -------------------------------------------------------------------------------
    def messages(self):
        """Every message the hook received, parsed."""
        out = []
        for path in sorted(glob.glob(os.path.join(self.mail_dir, "*.eml"))):
            with open(path, "rb") as f:
                out.append(email.message_from_binary_file(f, policy=email.policy.default))
        return out

    @staticmethod
    def body_text(msg):
        part = msg.get_body(preferencelist=("plain",)) if msg.is_multipart() else msg
        return part.get_content() if part is not None else ""


def chromium_driver(workdir, width=1280, height=900, lang="en-US"):
    """Headless Chromium through Debian's chromedriver, with a fresh profile in workdir."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("the selenium module")
    if missing:
        raise SetupError(f"the browser tests need {', '.join(missing)}: install the Debian "
                         f"packages {DEBIAN_PACKAGES} (dev/deps does).")
    profile = tempfile.mkdtemp(prefix="chromium-", dir=workdir)
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    args = ["--headless=new", f"--user-data-dir={profile}", f"--window-size={width},{height}",
            "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-sync",
            "--disable-background-networking", "--disable-component-update",
            "--disable-features=Translate,MediaRouter,OptimizationHints",
            "--password-store=basic", "--use-mock-keychain", f"--lang={lang}",
            "--hide-scrollbars"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root otherwise
    for a in args:
        opts.add_argument(a)
    opts.add_experimental_option("prefs", {"intl.accept_languages": lang})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER,
                      log_path=os.path.join(workdir, "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver

"""
harness.py - start a throw-away minwon server and talk HTTP to it.

Standard library only (Debian's /usr/bin/python3). Used by every
tests/integration/test_*.py:

    srv = harness.Server()          # temp dir, `minwon init`, users of every role
    srv.start()                     # port 0, reads the port from stdout, waits for /healthz
    admin = srv.client("admin")     # signed in; keeps the cookie, sends X-CSRF-Token
    anon = srv.client()             # anonymous
    r = anon.post("/api/v1/complaints", harness.complaint_body())
    srv.stop()                      # SIGTERM, wait, kill; raises on sanitizer reports

Environment:
    MINWON_BIN   the binary (default build/minwon under the repository root)
    MINWON_ASAN  "1" when the binary is an AddressSanitizer build: timeouts are
                 multiplied, and stop() fails when the server's stderr holds an
                 ASan or UBSan report.
"""

import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("MINWON_BIN") or os.path.join(REPO, "build", "minwon"))
ASAN = os.environ.get("MINWON_ASAN") == "1"
# Everything that waits scales with this (ASan builds are slow).
SCALE = 4.0 if ASAN else 1.0
FIXTURES = os.path.join(REPO, "tests", "fixtures")

PASSWORD = "Integration-Pass-1"

# login -> (role, department)
USERS = {
    "admin": ("admin", None),
    "manager": ("manager", "road"),
    "officer": ("officer", "road"),
    "officer2": ("officer", "parking"),
    "desk": ("desk", None),
    "field": ("field", None),
    "auditor": ("auditor", None),
}

SANITIZER_PATTERNS = ("ERROR: AddressSanitizer", "runtime error:")

RECEIPT_RE = re.compile(r"^\d{4}-\d{6}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,}$")
KST_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$")


def timeout(seconds):
    return seconds * SCALE


class ServerError(AssertionError):
    """The server did something a test must not tolerate (crash, sanitizer report)."""


# ---------------------------------------------------------------------------
# HTTP


class Response:
    def __init__(self, status, reason, headers, body, elapsed):
        self.status = status
        self.reason = reason
        self.header_list = headers          # [(name, value)] as received
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body
        self.elapsed = elapsed
        self._json = None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        if self._json is None:
            self._json = json.loads(self.body.decode("utf-8"))
        return self._json

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        body = self.text
        if len(body) > 600:
            body = body[:600] + "..."
        return "<%d %s %s>" % (self.status, self.reason, body)


def _encode_body(body, headers):
    if body is None:
        return None
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    headers.setdefault("Content-Type", "application/json")
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


class Client:
    """One user agent: a cookie jar (the session cookie) and the CSRF token.
    A fresh TCP connection per request keeps the client simple and makes
    no assumption about keep-alive."""

    def __init__(self, port, host="127.0.0.1", login=None):
        self.host = host
        self.port = port
        self.login_name = login
        self.cookies = {}
        self.csrf = None
        self.role = None
        self.department = None

    def request(self, method, path, body=None, headers=None, query=None, csrf=True,
                timeout_s=30):
        hdrs = dict(headers or {})
        data = _encode_body(body, hdrs)
        if query:
            path = path + ("&" if "?" in path else "?") + urllib.parse.urlencode(query)
        if self.cookies and "Cookie" not in hdrs:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if csrf and self.csrf and "X-CSRF-Token" not in hdrs:
            hdrs["X-CSRF-Token"] = self.csrf
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout(timeout_s))
        t0 = time.monotonic()
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            r = Response(resp.status, resp.reason, resp.getheaders(), payload,
                         time.monotonic() - t0)
        finally:
            conn.close()
        for name, value in r.header_list:
            if name.lower() == "set-cookie":
                self._set_cookie(value)
        return r

    def _set_cookie(self, value):
        parts = [p.strip() for p in value.split(";")]
        name, _, val = parts[0].partition("=")
        attrs = {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else "")
                 for p in parts[1:]}
        if not val or attrs.get("max-age") == "0":
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = val

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def sign_in(self, login, password=PASSWORD):
        r = self.post("/api/v1/session", {"login": login, "password": password})
        if r.status == 200:
            j = r.json()
            self.csrf = j["csrf"]
            self.role = j["role"]
            self.department = j["department"]
            self.login_name = login
        return r

    def action(self, ident, type_, if_match=None, **fields):
        body = {"type": type_}
        body.update(fields)
        headers = {}
        if if_match is not None:
            headers["If-Match"] = '"%s"' % if_match
        return self.post("/api/v1/staff/complaints/%s/actions" % ident, body, headers=headers)

    def staff_view(self, ident, **query):
        return self.get("/api/v1/staff/complaints/%s" % ident, query=query or None)


def complaint_body(**over):
    """A valid citizen complaint (web channel, privacy consent given)."""
    body = {
        "title": "보도블록 파손",
        "text": "역삼로 12 앞 보도블록이 깨져서 보행자가 넘어질 위험이 있습니다.",
        "category": "road_damage",
        "lat": 37.5006,
        "lon": 127.0364,
        "address": "서울특별시 강남구 역삼로 12",
        "channel": "web",
        "contact": {"name": "홍길동", "phone": "010-1234-5678", "email": "hong@example.kr"},
        "consent": {"privacy": True, "public_map": False},
    }
    for k, v in over.items():
        if v is _DROP:
            body.pop(k, None)
        else:
            body[k] = v
    return body


class _Drop:
    def __repr__(self):
        return "DROP"


_DROP = _Drop()
DROP = _DROP   # complaint_body(category=DROP) leaves the field out


def desk_last_filing(client):
    """The receipt number and access code of the desk's last filing, read
    from its printed receipt (the cookie that remembers it is sealed)."""
    page = client.get("/desk/receipt").text
    receipt = re.search(r'id="receipt-no">([^<]+)<', page)
    token = re.search(r'id="receipt-token">([^<]+)<', page)
    assert receipt and token, page[:500]
    return receipt.group(1), token.group(1)


def new_key():
    return "it-" + uuid.uuid4().hex


def raw_request(port, data, read_timeout=10.0, host="127.0.0.1"):
    """Sends raw bytes on a new connection and returns (status, headers, body)
    of the answer, or raises. For requests http.client refuses to build."""
    s = socket.create_connection((host, port), timeout=timeout(read_timeout))
    try:
        s.sendall(data)
        return read_http_response(s)
    finally:
        s.close()


def read_http_response(sock):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/"):
        raise ConnectionError("no HTTP response: %r" % buf[:200])
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    n = headers.get("content-length")
    if n is not None:
        n = int(n)
        while len(rest) < n:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        rest = rest[:n]
    return status, headers, rest


# ---------------------------------------------------------------------------
# The server process


class Server:
    def __init__(self, users=USERS, threads=None, extra_args=(), env=None, db=None):
        self.extra_args = list(extra_args)
        self.env = dict(env or {})
        self.dir = tempfile.mkdtemp(prefix="minwon-it-")
        self.db = db or os.path.join(self.dir, "minwon.db")
        self.users = dict(users)
        self.threads = threads
        self.proc = None
        self.port = None
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        self._stderr = None
        self._starts = 0
        if db:
            return      # another Server's database: initialised there
        self._cli("init", "--db", self.db)
        for login, (role, dept) in self.users.items():
            args = ["user", "add", login, "--role", role, "--password-stdin", "--db", self.db]
            if dept:
                args[5:5] = ["--department", dept]
            self._cli(*args, stdin=PASSWORD + "\n")

    def _cli(self, *args, stdin=None):
        p = subprocess.run([BIN] + list(args), input=stdin, capture_output=True, text=True,
                           timeout=timeout(60))
        if p.returncode != 0:
            raise ServerError("minwon %s failed (%d): %s%s" % (" ".join(args), p.returncode,
                                                              p.stdout, p.stderr))
        return p.stdout

    def start(self):
        assert self.proc is None, "already running"
        self._starts += 1
        self._stderr = open(self.stderr_path, "ab")
        self._stderr.write(("\n==== start %d ====\n" % self._starts).encode())
        self._stderr.flush()
        args = [BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:0"]
        if self.threads:
            args += ["--threads", str(self.threads)]
        args += self.extra_args
        env = dict(os.environ)
        env.update(self.env)
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._stderr, env=env)
        deadline = time.monotonic() + timeout(20)
        line = b""
        while time.monotonic() < deadline and not line.endswith(b"\n"):
            if self.proc.poll() is not None:
                break
            rd, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if rd:
                c = os.read(self.proc.stdout.fileno(), 1)
                if not c:
                    break
                line += c
        m = re.search(rb"serving .* on http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self._abort()
            raise ServerError("server did not start (stdout %r); stderr:\n%s"
                              % (line, self.stderr_tail()))
        self.port = int(m.group(1))
        while time.monotonic() < deadline:
            try:
                r = self.client().get("/healthz", timeout_s=2)
                if r.status == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self._abort()
        raise ServerError("server never answered /healthz; stderr:\n%s" % self.stderr_tail())

    def _abort(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close_pipes()
        self.proc = None

    def _close_pipes(self):
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if self._stderr:
            self._stderr.close()
            self._stderr = None

    def client(self, login=None, password=PASSWORD):
        c = Client(self.port)
        if login:
            r = c.sign_in(login, password)
            if r.status != 200:
                raise AssertionError("cannot sign in as %s: %r" % (login, r))
        return c

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def assert_healthy(self, testcase=None):
        """The process runs and answers /healthz with 200 JSON."""
        if not self.alive():
            raise ServerError("the server process died (rc=%r); stderr:\n%s"
                              % (self.proc and self.proc.returncode, self.stderr_tail()))
        r = self.client().get("/healthz", timeout_s=10)
        if r.status != 200 or r.json().get("status") != "ok":
            raise ServerError("/healthz answered %r" % r)

    def kill(self):
        """SIGKILL: a crash, as far as the database is concerned."""
        if self.proc:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self._close_pipes()
            self.proc = None

    def stop(self):
        """SIGTERM, wait, then SIGKILL. Raises ServerError when the server had
        already died or its stderr holds a sanitizer report."""
        problems = []
        if self.proc:
            rc = self.proc.poll()
            if rc is not None:
                problems.append("the server had exited before teardown (rc=%d)" % rc)
            else:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    rc = self.proc.wait(timeout=timeout(15))
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
                    problems.append("the server ignored SIGTERM for %ds" % timeout(15))
                    rc = None
                if rc not in (None, 0):
                    problems.append("the server exited with %d after SIGTERM" % rc)
            self._close_pipes()
            self.proc = None
        report = self.sanitizer_report()
        if report:
            problems.append("sanitizer report in the server's stderr:\n" + report)
        return problems

    def sanitizer_report(self):
        try:
            with open(self.stderr_path, "r", errors="replace") as f:
                text = f.read()
        except OSError:
            return ""
        for pat in SANITIZER_PATTERNS:
            i = text.find(pat)
            if i >= 0:
                return text[max(0, i - 200):i + 4000]
        return ""

    def stderr_tail(self, n=4000):
        try:
            with open(self.stderr_path, "r", errors="replace") as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def cleanup(self):
        if self.proc:
            self._abort()
        if os.environ.get("MINWON_KEEP_TMP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    def finish(self):
        """stop() + cleanup(); raises ServerError listing what went wrong (and
        then keeps the temporary directory for a look at the logs)."""
        problems = self.stop()
        if problems:
            raise ServerError("; ".join(problems) + "\n(files kept in %s)" % self.dir)
        self.cleanup()


# ---------------------------------------------------------------------------
# unittest glue


class ServerTestCase:
    """Mixin for unittest.TestCase classes that share one server per class.
    Set `server_threads` to choose the HTTP thread count."""

    server_threads = None
    server_args = ()
    server_env = None
    srv = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.srv = Server(threads=cls.server_threads, extra_args=cls.server_args,
                         env=cls.server_env)
        try:
            cls.srv.start()
        except Exception:
            cls.srv.cleanup()
            raise
        cls.clients = {}

    @classmethod
    def tearDownClass(cls):
        srv, cls.srv = cls.srv, None
        try:
            if srv:
                srv.finish()
        finally:
            super().tearDownClass()

    @classmethod
    def as_user(cls, login):
        """A signed-in client for login, made once per class."""
        c = cls.clients.get(login)
        if c is None:
            c = cls.srv.client(login)
            cls.clients[login] = c
        return c

    def anon(self):
        return self.srv.client()

    # -- assertions --------------------------------------------------------

    def assertError(self, r, status, code=None, msg=None):
        """r is an error of this status with a JSON {"error":{code,message}} body."""
        self.assertEqual(r.status, status, msg or repr(r))
        return self.assertErrorBody(r, code)

    def assertErrorBody(self, r, code=None):
        ctype = r.header("Content-Type") or ""
        self.assertTrue(ctype.startswith("application/json"),
                        "error with Content-Type %r: %r" % (ctype, r))
        try:
            j = r.json()
        except ValueError:
            self.fail("error body is not JSON: %r" % r)
        self.assertIsInstance(j, dict, repr(r))
        self.assertIn("error", j, repr(r))
        err = j["error"]
        self.assertIsInstance(err, dict, repr(r))
        self.assertIsInstance(err.get("code"), str, repr(r))
        self.assertTrue(err["code"], repr(r))
        self.assertIsInstance(err.get("message"), str, repr(r))
        self.assertTrue(err["message"], repr(r))
        if code is not None:
            self.assertEqual(err["code"], code, repr(r))
        return err

    def assertStatus(self, r, status, msg=None):
        self.assertEqual(r.status, status, msg or repr(r))

    # -- helpers -------------------------------------------------------------

    def file(self, client=None, key=None, expect=201, **over):
        """Files a complaint and returns its 201 JSON (asserting the status)."""
        client = client or self.anon()
        headers = {"Idempotency-Key": key} if key else None
        r = client.post("/api/v1/complaints", complaint_body(**over), headers=headers)
        self.assertEqual(r.status, expect, repr(r))
        return r.json()

    def citizen_view(self, receipt, token):
        return self.anon().get("/api/v1/complaints/%s" % receipt, query={"token": token})


def parse_kst(s):
    """'2026-01-02T09:00:00+09:00' -> aware datetime."""
    import datetime
    return datetime.datetime.fromisoformat(s)

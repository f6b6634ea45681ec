"""
notify_sinks.py - real receivers for the notification tests: an SMTP
server (Debian's python3-aiosmtpd) and an HTTP server standing in for an
SMS gateway, an 알림톡 relay and a webhook consumer. Both keep everything
they receive; both run in threads of the test process on loopback ports.
"""

import email
import email.policy
import http.server
import json
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(cond, timeout=30.0, what="the condition", interval=0.05):
    """Polls cond() until it is true; fails with what after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(interval)


class Mail:
    def __init__(self, mail_from, rcpt_tos, raw):
        self.mail_from = mail_from
        self.rcpt_tos = rcpt_tos
        self.raw = raw
        self.msg = email.message_from_bytes(raw, policy=email.policy.default)

    @property
    def kind(self):
        return self.msg["X-Minwon-Kind"]

    @property
    def subject(self):
        return str(self.msg["Subject"])

    @property
    def message_id(self):
        return self.msg["Message-ID"]

    def body(self):
        return self.msg.get_content()

    def raw_header(self, name):
        """The header as it went over the wire (unfolded, not decoded)."""
        head = self.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
        lines = head.split("\r\n")
        out, cur = [], None
        for line in lines:
            if line[:1] in (" ", "\t") and cur is not None:
                out[-1] += "\r\n" + line
            else:
                out.append(line)
                cur = line
        for line in out:
            k, _, v = line.partition(":")
            if k.lower() == name.lower():
                return v.strip()
        return None


class _SmtpHandler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        if self.sink.delay:
            time.sleep(self.sink.delay)
        with self.sink.lock:
            self.sink.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos),
                                        envelope.original_content or envelope.content))
        return "250 OK"


class SmtpSink:
    """An SMTP server that keeps every message. stop() and start() again
    on the same port simulate a mail server that is down for a while."""

    def __init__(self, port=None, delay=0.0):
        self.port = port or free_port()
        self.delay = delay
        self.mails = []
        self.lock = threading.Lock()
        self.controller = None

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def start(self):
        self.controller = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=self.port,
                                     decode_data=False)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def snapshot(self):
        with self.lock:
            return list(self.mails)

    def to(self, address, kind=None):
        return [m for m in self.snapshot()
                if address in m.rcpt_tos and (kind is None or m.kind == kind)]


class HttpSink:
    """An HTTP server that keeps every POST. fail[path] is a list of
    statuses answered to the first requests on that path (then 200);
    always[path] answers every request on it."""

    def __init__(self):
        self.requests = []
        self.fail = {}
        self.always = {}
        self.lock = threading.Lock()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with sink.lock:
                    sink.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    queue = sink.fail.get(self.path)
                    status = sink.always.get(self.path) or (queue.pop(0) if queue else 200)
                payload = b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def on(self, path):
        with self.lock:
            return [(h, b) for p, h, b in self.requests if p == path]

    def json_on(self, path):
        return [(h, json.loads(b.decode("utf-8"))) for h, b in self.on(path)]

    def texts_to(self, path, number):
        """The texts of the SMS-style JSON bodies posted on path to number."""
        return [b["text"] for _, b in self.json_on(path) if b.get("to") == number]

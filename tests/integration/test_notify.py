"""
test_notify.py - the test clock, the outbox and its channels, the staff
inbox and the deadline monitor (issue #5), against real receivers: an SMTP
server (Debian's python3-aiosmtpd) and a local HTTP server standing in for
the SMS gateway, the 알림톡 relay and webhook consumers (notify_sinks.py).

No test asserts on timings: waits poll for a condition with a generous
limit, and the deadline tests move the server's test clock.
"""

import datetime
import heapq
import hashlib
import hmac
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import complaint_body  # noqa: E402
import deadline_oracle as oracle  # noqa: E402
from notify_sinks import HttpSink, SmtpSink, wait_until  # noqa: E402

KST = datetime.timezone(datetime.timedelta(hours=9))
START = "2025-01-24T17:00:00+09:00"      # a Friday before the 2025 설날 holidays
FROM = "minwon@gu.example.kr"
WAIT = harness.timeout(30)

WEEKDAY_KO = "월화수목금토일"


def kst(s):
    return datetime.datetime.fromisoformat(s)


def korean_time(iso):
    """'2026-12-04T23:59:59+09:00' -> '2026년 12월 4일(금) 23:59', as in messages."""
    t = kst(iso)
    return "%d년 %d월 %d일(%s) %02d:%02d" % (t.year, t.month, t.day, WEEKDAY_KO[t.weekday()],
                                            t.hour, t.minute)


def notify_env(smtp=None, **extra):
    env = {"MINWON_OFFICE_NAME": "강남구청", "MINWON_NOTIFY_BACKOFF": "1",
           "MINWON_NOTIFY_BACKOFF_MAX": "2", "MINWON_NOTIFY_LEASE": "3",
           "MINWON_QUIET_HOURS": "none"}
    if smtp:
        env.update({"MINWON_SMTP_URL": smtp.url, "MINWON_SMTP_FROM": FROM})
    env.update(extra)
    return env


def citizen(email=None, phone=None, name="홍길동", **over):
    contact = {"name": name}
    if email:
        contact["email"] = email
    if phone:
        contact["phone"] = phone
    return complaint_body(contact=contact, **over)


def all_reminders(client):
    """The whole reminder schedule, page by page."""
    items, after = [], 0
    while True:
        r = client.get("/api/v1/admin/notify/reminders",
                       query={"after": str(after), "limit": "500"})
        assert r.status == 200, r
        j = r.json()
        items += j["items"]
        after = j["next_cursor"]
        if not after:
            return items


class NotifyCase(harness.ServerTestCase):
    """Receivers started before the server and stopped after it (configure
    returns the server's environment), and shared helpers: filing, the
    admin's outbox view, draining, inboxes."""

    @classmethod
    def configure(cls):
        return notify_env()

    @classmethod
    def smtp_sink(cls, started=True, **kw):
        sink = SmtpSink(**kw)
        cls._sinks.append(sink)
        return sink.start() if started else sink

    @classmethod
    def http_sink(cls):
        sink = HttpSink().start()
        cls._sinks.append(sink)
        return sink

    # Staff members given a work address (login@gu.example.kr) once the
    # server runs.
    WORK_MAIL = ()

    @classmethod
    def setUpClass(cls):
        cls._sinks = []
        try:
            cls.server_env = cls.configure()
            super().setUpClass()
            for login in cls.WORK_MAIL:
                role, dept = harness.USERS[login]
                r = cls.as_user("admin").post("/api/v1/admin/users", {
                    "login": login, "role": role, "department": dept,
                    "email": "%s@gu.example.kr" % login})
                assert r.status == 200, r
        except Exception:
            cls.stop_sinks()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.stop_sinks()

    @classmethod
    def stop_sinks(cls):
        for sink in cls._sinks:
            sink.stop()

    def file_as(self, body, client=None, expect=201):
        r = (client or self.anon()).post("/api/v1/complaints", body)
        self.assertEqual(r.status, expect, repr(r))
        return r.json()

    def outbox(self, state="any"):
        items, cursor = [], None
        while True:
            q = {"state": state, "limit": "500"}
            if cursor:
                q["before"] = str(cursor)
            r = self.as_user("admin").get("/api/v1/admin/notify/outbox", query=q)
            self.assertStatus(r, 200)
            j = r.json()
            items += j["items"]
            cursor = j["next_cursor"]
            if not cursor:
                return items

    def drained(self):
        """Every message is out (sent, dead, recorded or dropped)."""
        return not self.outbox("pending")

    def inbox(self, login, **query):
        r = self.as_user(login).get("/api/v1/staff/inbox", query=query or None)
        self.assertStatus(r, 200)
        return r.json()

    def inbox_kinds(self, login):
        counts, before = {}, None
        while True:
            q = {"limit": "100"}
            if before:
                q["before"] = str(before)
            j = self.inbox(login, **q)
            for i in j["items"]:
                key = (i["receipt_no"], i["kind"])
                counts[key] = counts.get(key, 0) + 1
            before = j["next_cursor"]
            if not before:
                return counts

    def set_contact(self, login, role, department=None, **fields):
        body = {"login": login, "role": role}
        if department:
            body["department"] = department
        body.update(fields)
        self.assertStatus(self.as_user("admin").post("/api/v1/admin/users", body), 200)


# ---------------------------------------------------------------------------
# the test clock


class ClockTest(harness.ServerTestCase, unittest.TestCase):
    """MINWON_NOW starts a test clock that runs on and only moves forward;
    /healthz shows it; without it the clock endpoint does not exist."""

    server_env = {"MINWON_NOW": START}

    def test_test_clock(self):
        j = self.anon().get("/healthz").json()
        self.assertEqual(j["clock"], "test")
        now = kst(j["now"])
        self.assertGreaterEqual(now, kst(START))
        self.assertLess(now, kst(START) + datetime.timedelta(minutes=10))

        # Filing uses it: day 1 is Friday 24 January; 27-30 January are
        # holidays (임시공휴일 and 설날), so day 7 is Friday 7 February.
        c = self.file(category="road_damage")
        self.assertEqual(c["received_at"][:13], "2025-01-24T17")
        self.assertEqual(c["due_at"], "2025-02-07T23:59:59+09:00")

        # It moves forward only.
        admin = self.as_user("admin")
        r = admin.post("/api/v1/admin/clock", {"advance": 600})
        self.assertStatus(r, 200)
        before = kst(r.json()["now"])
        self.assertGreaterEqual(before, now + datetime.timedelta(minutes=10))
        self.assertError(admin.post("/api/v1/admin/clock", {"to": START}), 409, "conflict")
        self.assertError(admin.post("/api/v1/admin/clock", {}), 400, "invalid")
        self.assertError(admin.post("/api/v1/admin/clock", {"advance": -5}), 400, "invalid")
        r = admin.post("/api/v1/admin/clock", {"to": "2025-03-01T09:00:00+09:00"})
        self.assertStatus(r, 200)
        self.assertGreater(kst(r.json()["now"]), before)
        self.assertEqual(r.json()["now"][:16], "2025-03-01T09:00")
        self.assertEqual(self.anon().get("/healthz").json()["now"][:13], "2025-03-01T09")
        # Staff sessions follow the clock too: a month on, the session
        # above has been idle far too long.
        self.assertError(admin.post("/api/v1/admin/clock", {"advance": 1}), 401,
                         "unauthorized")
        self.clients.clear()
        self.assertError(self.as_user("officer").post(
            "/api/v1/admin/clock", {"advance": 1}), 403, "forbidden")


class RealClockTest(harness.ServerTestCase, unittest.TestCase):

    def test_no_test_clock_without_minwon_now(self):
        j = self.anon().get("/healthz").json()
        self.assertNotIn("clock", j)
        self.assertError(self.as_user("admin").post("/api/v1/admin/clock", {"advance": 60}),
                         404, "not_found")

    def test_a_clock_behind_the_database_is_refused(self):
        # The database has events from today (real time); a test clock in
        # 2025 would run it backwards.
        self.file()
        srv = harness.Server(db=self.srv.db, env={"MINWON_NOW": START})
        try:
            with self.assertRaises(harness.ServerError) as cm:
                srv.start()
            self.assertIn("earlier than the newest event", str(cm.exception))
        finally:
            srv.cleanup()


# ---------------------------------------------------------------------------
# e-mail


class MailTest(NotifyCase, unittest.TestCase):
    """A real SMTP server receives the citizen's and the staff's mail."""

    WORK_MAIL = ("officer", "manager")

    @classmethod
    def configure(cls):
        cls.smtp = cls.smtp_sink()
        return notify_env(cls.smtp)

    def mails_of(self, address, receipt, n, kind=None):
        """Waits for n mails to address about receipt, and returns them."""
        def got():
            ms = [m for m in self.smtp.to(address, kind) if receipt in m.subject]
            return ms if len(ms) >= n else None
        return wait_until(got, WAIT, "%d mail(s) to %s about %s" % (n, address, receipt))

    def test_receipt_mail(self):
        c = self.file_as(citizen(email="hong@example.kr"))
        rn = c["receipt_no"]
        [m] = self.mails_of("hong@example.kr", rn, 1)
        # Korean subject, encoded words on the wire (RFC 2047), decoded here.
        self.assertEqual(m.subject, "[강남구청] 민원이 접수되었습니다 (접수번호 %s)" % rn)
        self.assertTrue(m.raw_header("Subject").startswith("=?UTF-8?B?"), m.raw_header("Subject"))
        for line in m.raw.split(b"\r\n"):
            self.assertLessEqual(len(line), 998)
        self.assertTrue(m.raw.decode("ascii"))                 # 7-bit clean
        self.assertEqual(m.msg.get_content_type(), "text/plain")
        self.assertEqual(m.msg.get_content_charset(), "utf-8")
        self.assertEqual(m.msg["Content-Transfer-Encoding"], "base64")
        self.assertEqual(m.msg["MIME-Version"], "1.0")
        self.assertEqual(m.msg["From"].addresses[0].display_name, "강남구청")
        self.assertEqual(m.msg["From"].addresses[0].addr_spec, FROM)
        self.assertRegex(m.message_id, r"^<mw-[0-9a-f]{16}-\d+@gu\.example\.kr>$")
        self.assertIsNotNone(m.msg["Date"].datetime)
        self.assertEqual(m.kind, "received")
        body = m.body()
        self.assertIn("접수번호: %s" % rn, body)
        self.assertIn("처리 기한: %s" % korean_time(c["due_at"]), body)
        self.assertIn("담당 부서: 도로과", body)
        self.assertIn("/track#%s.%s" % (rn, c["token"]), body)
        self.assertIn(c["track_url"], body)
        # Exactly one, once everything is out.
        wait_until(self.drained, WAIT, "the outbox to drain")
        self.assertEqual(len([x for x in self.smtp.to("hong@example.kr") if rn in x.subject]), 1)
        # The outbox keeps no address and, for sent mail, no text.
        rows = [o for o in self.outbox() if o["data"].get("receipt_no") == rn]
        self.assertEqual([(o["kind"], o["channel"], o["recipient"], o["state"]) for o in rows],
                         [("received", "email", "citizen", "sent")])
        self.assertNotIn("hong@example.kr", json.dumps(rows, ensure_ascii=False))
        self.assertNotIn(c["token"], json.dumps(rows, ensure_ascii=False))

    def test_lifecycle_mails_and_inbox(self):
        c = self.file_as(citizen(email="lee@example.kr"))
        rn = c["receipt_no"]
        mgr, off = self.as_user("manager"), self.as_user("officer")
        self.assertStatus(mgr.action(rn, "assign", assignee="officer"), 200)
        [a] = self.mails_of("lee@example.kr", rn, 1, "assigned")
        self.assertIn("도로과", a.body())
        [n] = self.mails_of("officer@gu.example.kr", rn, 1, "new_assignment")
        self.assertIn("처리 기한", n.body())
        r = off.action(rn, "extend", text="현장 측량이 필요합니다", period="7d")
        self.assertStatus(r, 200)
        [e] = self.mails_of("lee@example.kr", rn, 1, "extended")
        self.assertIn("현장 측량이 필요합니다", e.body())
        self.assertIn("새 처리 기한: %s" % korean_time(r.json()["due_at"]), e.body())
        self.assertStatus(off.action(rn, "request_info", text="정확한 위치 사진을 보내 주세요"), 200)
        [q] = self.mails_of("lee@example.kr", rn, 1, "needs_info")
        self.assertIn("정확한 위치 사진을 보내 주세요", q.body())
        self.assertIn("보완 기한: ", q.body())
        r = self.anon().post("/api/v1/complaints/%s/messages" % rn,
                             {"text": "사진 보냅니다", "token": c["token"]})
        self.assertStatus(r, 200)
        self.mails_of("officer@gu.example.kr", rn, 1, "info_provided")
        self.assertStatus(off.action(rn, "interim_notice", text="다음 주에 보수합니다"), 200)
        self.mails_of("lee@example.kr", rn, 1, "interim")
        self.assertStatus(off.action(rn, "answer", text="보도블록 6장을 교체했습니다."), 200)
        [ans] = self.mails_of("lee@example.kr", rn, 1, "answered")
        self.assertIn("보도블록 6장을 교체했습니다.", ans.body())
        wait_until(self.drained, WAIT, "the outbox to drain")
        kinds = sorted(m.kind for m in self.smtp.to("lee@example.kr") if rn in m.subject)
        self.assertEqual(kinds, ["answered", "assigned", "extended", "interim", "needs_info",
                                 "received"])
        # Every message has its own stable id.
        ids = [m.message_id for m in self.smtp.snapshot() if rn in m.subject]
        self.assertEqual(len(ids), len(set(ids)))

        # The officer's inbox has the assignment and the 보완 reply.
        box = self.inbox("officer")
        mine = [i for i in box["items"] if i["receipt_no"] == rn]
        self.assertEqual(sorted(i["kind"] for i in mine), ["info_provided", "new_assignment"])
        item = [i for i in mine if i["kind"] == "new_assignment"][0]
        self.assertEqual(item["title"], "새 민원 배정: %s" % rn)
        self.assertEqual(item["label"], "새 배정")
        self.assertFalse(item["read"])
        unread = box["unread"]
        r = off.post("/api/v1/staff/inbox/read", {"ids": [item["id"]]})
        self.assertEqual(r.json(), {"marked": 1})
        self.assertEqual(self.inbox("officer")["unread"], unread - 1)
        self.assertEqual(off.post("/api/v1/staff/inbox/read", {"ids": [item["id"]]}).json(),
                         {"marked": 0})
        # Nobody marks another's items.
        self.assertEqual(mgr.post("/api/v1/staff/inbox/read", {"ids": [mine[0]["id"]]}).json(),
                         {"marked": 0})
        self.assertError(off.post("/api/v1/staff/inbox/read", {"ids": "all"}), 400, "invalid")
        off.post("/api/v1/staff/inbox/read", {"all": True})
        self.assertEqual(self.inbox("officer", unread="1")["items"], [])

    def test_urgent_alerts_the_department(self):
        c = self.file_as(citizen(email="kim@example.kr", urgent=True,
                                 text="맨홀 뚜껑이 열려 있어 사람이 빠질 위험이 있습니다."))
        rn = c["receipt_no"]
        [u] = self.mails_of("manager@gu.example.kr", rn, 1, "urgent")
        self.assertTrue(u.subject.startswith("[긴급 민원] %s" % rn))
        self.mails_of("officer@gu.example.kr", rn, 1, "urgent")
        self.assertIn("urgent", [i["kind"] for i in self.inbox("manager")["items"]
                                 if i["receipt_no"] == rn])

    def test_citizen_choices(self):
        # Opted out: nothing to them, the office still works.
        c = self.file_as(citizen(email="quiet@example.kr", notify=False))
        wait_until(self.drained, WAIT, "the outbox to drain")
        self.assertEqual(self.smtp.to("quiet@example.kr"), [])
        # English.
        c = self.file_as(citizen(email="en@example.kr", notify={"lang": "en"}))
        [m] = self.mails_of("en@example.kr", c["receipt_no"], 1)
        self.assertEqual(m.subject, "[강남구청] Your complaint was received (receipt %s)"
                         % c["receipt_no"])
        self.assertIn("Department: ", m.body())
        # Choices the contact data cannot serve, or that do not exist.
        for bad, word in ((citizen(email="x@example.kr", notify={"channels": ["sms"]}), "phone"),
                          (citizen(notify={"channels": ["email"]}), "contact.email"),
                          (citizen(email="x@example.kr", notify={"channels": ["fax"]}), "email, sms"),
                          (citizen(email="x@example.kr", notify={"lang": "fr"}), "lang"),
                          (citizen(email="x@example.kr", notify="yes"), "notify must be"),
                          (citizen(email="x@example.kr", notify={"chanels": []}), "chanels")):
            r = self.anon().post("/api/v1/complaints", bad)
            err = self.assertError(r, 400, "invalid")
            self.assertIn(word, err["message"])

    def test_templates_are_data_the_admin_edits(self):
        admin = self.as_user("admin")
        items = admin.get("/api/v1/admin/notify/templates").json()["items"]
        keys = {(t["kind"], t["channel"], t["lang"]) for t in items}
        for k in (("received", "email", "ko"), ("received", "text", "en"),
                  ("overdue", "inbox", "ko"), ("late", "email", "en")):
            self.assertIn(k, keys)
        self.assertFalse(any(t["custom"] for t in items))
        r = admin.post("/api/v1/admin/notify/templates", {
            "kind": "received", "channel": "email", "lang": "ko",
            "subject": "{{office}} 접수 안내 {{receipt_no}}",
            "body": "{{department}}에서 처리합니다. 기한 {{due_at}}"})
        self.assertStatus(r, 200)
        c = self.file_as(citizen(email="tmpl@example.kr"))
        [m] = self.mails_of("tmpl@example.kr", c["receipt_no"], 1)
        self.assertEqual(m.subject, "강남구청 접수 안내 %s" % c["receipt_no"])
        self.assertEqual(m.body().strip(), "도로과에서 처리합니다. 기한 %s" % korean_time(c["due_at"]))
        items = admin.get("/api/v1/admin/notify/templates").json()["items"]
        self.assertEqual([t["custom"] for t in items
                          if (t["kind"], t["channel"], t["lang"]) == ("received", "email", "ko")],
                         [True])
        for bad in ({"kind": "received", "channel": "email", "body": "{{password}}"},
                    {"kind": "received", "channel": "email", "body": "{{receipt_no"},
                    {"kind": "received", "channel": "email", "body": "{{#title}}x"},
                    {"kind": "nope", "channel": "email", "body": "x"},
                    {"kind": "received", "channel": "fax", "body": "x"},
                    {"kind": "received", "channel": "email", "lang": "fr", "body": "x"}):
            self.assertError(admin.post("/api/v1/admin/notify/templates", bad), 400, "invalid")
        # Back to the built-in text for the other tests.
        default = [t for t in self.default_templates
                   if (t["kind"], t["channel"], t["lang"]) == ("received", "email", "ko")][0]
        self.assertStatus(admin.post("/api/v1/admin/notify/templates", {
            "kind": "received", "channel": "email", "lang": "ko",
            "subject": default["subject"], "body": default["body"]}), 200)

    def setUp(self):
        if not hasattr(type(self), "default_templates"):
            type(self).default_templates = self.as_user("admin").get(
                "/api/v1/admin/notify/templates").json()["items"]

    def test_chat_handoff_reaches_the_desk(self):
        r = self.anon().post("/api/v1/chat", {"text": "담당자와 직접 통화하고 싶습니다"})
        self.assertStatus(r, 200)
        items = wait_until(lambda: [i for i in self.inbox("desk")["items"]
                                    if i["kind"] == "chat_handoff"], WAIT, "a hand-off item")
        self.assertIn("상담 연결 요청", items[0]["title"])

    def test_metrics(self):
        self.file_as(citizen(email="metrics@example.kr"))
        wait_until(lambda: self.smtp.to("metrics@example.kr"), WAIT, "the mail")
        wait_until(self.drained, WAIT, "the outbox to drain")
        text = self.anon().get("/metrics").text
        sent = int(re.search(r'^minwon_notify_sent_total\{channel="email"\} (\d+)$', text,
                             re.M).group(1))
        self.assertGreaterEqual(sent, 1)
        self.assertRegex(text, r'(?m)^minwon_notify_outbox_depth\{channel="email"\} 0$')
        self.assertRegex(text, r'(?m)^minwon_notify_dead_letters\{channel="sms"\} 0$')
        self.assertRegex(text, r'(?m)^minwon_notify_failed_total\{channel="webhook"\} 0$')
        self.assertRegex(text, r'(?m)^minwon_monitor_fired_total\{kind="overdue"\} \d+$')

    def test_notify_test_command(self):
        env = dict(os.environ)
        env.update(notify_env(self.smtp))
        p = subprocess.run([harness.BIN, "notify", "test", "--to", "ops@example.kr"], env=env,
                           capture_output=True, text=True, timeout=harness.timeout(30))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("sent by e-mail", p.stdout)
        [m] = wait_until(lambda: self.smtp.to("ops@example.kr"), WAIT, "the test mail")
        self.assertEqual(m.kind, "test")
        self.assertEqual(m.subject, "[강남구청] 알림 시험 발송")
        # Nothing configured for SMS: a clear error, exit 1.
        p = subprocess.run([harness.BIN, "notify", "test", "--to", "010-1234-5678"], env=env,
                           capture_output=True, text=True, timeout=harness.timeout(30))
        self.assertEqual(p.returncode, 1)
        self.assertIn("sms is not configured", p.stderr)


# ---------------------------------------------------------------------------
# SMS, 알림톡 and webhooks over HTTP


class HttpChannelsTest(NotifyCase, unittest.TestCase):
    SECRET = "webhook-secret-of-the-test"

    @classmethod
    def configure(cls):
        cls.http = cls.http_sink()
        cls.http.fail["/sms"] = [503, 503]          # the gateway stumbles twice
        return notify_env(
            MINWON_SMS_URL=cls.http.url("/sms"), MINWON_SMS_HEADER="Authorization: Bearer k-1",
            MINWON_KAKAO_URL=cls.http.url("/kakao"), MINWON_WEBHOOK_URL=cls.http.url("/hook"),
            MINWON_WEBHOOK_SECRET=cls.SECRET)

    def test_sms_with_retries(self):
        c = self.file_as(citizen(phone="010-2222-3333"))
        rn = c["receipt_no"]
        reqs = wait_until(lambda: [(h, b) for h, b in self.http.json_on("/sms")
                                   if rn in b["text"]] if len(self.http.on("/sms")) >= 3 else None,
                          WAIT, "three SMS requests")
        self.assertEqual(len(reqs), 3)
        ids = {h["x-minwon-message-id"] for h, _ in reqs}
        self.assertEqual(len(ids), 1, "a retry keeps its message id")
        h, b = reqs[-1]
        self.assertEqual(h["authorization"], "Bearer k-1")
        self.assertEqual(h["content-type"], "application/json; charset=utf-8")
        self.assertEqual(b["to"], "010-2222-3333")
        self.assertEqual(b["id"], ids.pop())
        self.assertIn("[강남구청] 민원이 접수되었습니다. 접수번호 %s" % rn, b["text"])
        self.assertIn(korean_time(c["due_at"]), b["text"])
        wait_until(self.drained, WAIT, "the outbox to drain")
        [row] = [o for o in self.outbox() if o["channel"] == "sms"
                 and o["data"].get("receipt_no") == rn]
        self.assertEqual((row["state"], row["tries"]), ("sent", 3))
        self.assertIn("status 503", row["last_error"] or "status 503")
        text = self.anon().get("/metrics").text
        self.assertRegex(text, r'(?m)^minwon_notify_failed_total\{channel="sms"\} [1-9]')

    def test_kakao_template_message(self):
        c = self.file_as(citizen(phone="010-4444-5555", notify={"channels": ["kakao"]}))
        [(h, b)] = wait_until(lambda: [(h, b) for h, b in self.http.json_on("/kakao")
                                       if c["receipt_no"] in b["text"]], WAIT, "the 알림톡")
        self.assertEqual(b["template"], "minwon_received")
        self.assertEqual(b["to"], "010-4444-5555")
        self.assertTrue(h["x-minwon-message-id"].startswith("mw-"))
        # Only the channel chosen.
        wait_until(self.drained, WAIT, "the outbox to drain")
        self.assertFalse([1 for _, b in self.http.json_on("/sms") if b["to"] == "010-4444-5555"])

    def test_webhook_signed_without_personal_data(self):
        c = self.file_as(citizen(phone="010-6666-7777", name="박민원"))
        rn = c["receipt_no"]
        self.assertStatus(self.as_user("manager").action(rn, "assign", assignee="officer"), 200)
        hooks = wait_until(lambda: [(h, raw) for h, raw in self.http.on("/hook")
                                    if rn.encode() in raw and len([1 for _, r2 in
                                                                   self.http.on("/hook")
                                                                   if rn.encode() in r2]) >= 3],
                           WAIT, "three webhooks")
        kinds = []
        for h, raw in hooks:
            mac = hmac.new(self.SECRET.encode(), raw, hashlib.sha256).hexdigest()
            self.assertEqual(h["x-minwon-signature"], "sha256=" + mac)
            j = json.loads(raw)
            self.assertEqual(j["complaint"]["receipt_no"], rn)
            self.assertEqual(j["id"], h["x-minwon-message-id"])
            for secret in ("010-6666-7777", "박민원", "보도블록", c["token"]):
                self.assertNotIn(secret, raw.decode("utf-8"))
            kinds.append((j["kind"], j["audience"]))
        self.assertEqual(sorted(kinds), [("assigned", "citizen"), ("new_assignment", "staff"),
                                         ("received", "citizen")])


class StaffSmsTest(NotifyCase, unittest.TestCase):
    """Staff with a phone get urgent alerts, due-soon reminders and
    escalations by SMS too (staff-sms), in quiet hours as well, and not
    the other notices; their numbers are masked in the admin's list and
    never in the outbox."""

    START = "2025-03-10T10:00:00+09:00"          # a Monday
    PHONES = {"manager": "010-7000-0001", "officer": "010-7000-0002"}

    @classmethod
    def configure(cls):
        cls.http = cls.http_sink()
        # Quiet all day: citizens' SMS wait, staff SMS do not.
        return notify_env(MINWON_NOW=cls.START, MINWON_SMS_URL=cls.http.url("/sms"),
                          MINWON_QUIET_HOURS="00:00-23:59")

    def texts(self, login, part):
        return [t for t in self.http.texts_to("/sms", self.PHONES[login]) if part in t]

    def test_staff_sms(self):
        for login, phone in self.PHONES.items():
            self.set_contact(login, login, "road", phone=phone)
        plain = self.file_as(citizen(phone="010-5555-0000"))
        urgent = self.file_as(citizen(urgent=True, text="맨홀 뚜껑이 열려 있어 빠질 위험이 있습니다."))
        self.assertStatus(self.as_user("manager").action(plain["receipt_no"], "assign",
                                                         assignee="officer"), 200)
        for login in self.PHONES:
            wait_until(lambda: self.texts(login, "[긴급 민원] %s" % urgent["receipt_no"]), WAIT,
                       "the urgent SMS to %s" % login)

        # Past the due time: one working day before it, and the escalation.
        self.assertStatus(self.as_user("admin").post(
            "/api/v1/admin/clock", {"to": "2025-03-19T09:00:00+09:00"}), 200)
        self.clients.clear()
        self.assertStatus(self.as_user("admin").post("/api/v1/admin/notify/scan", {}), 200)
        rn = plain["receipt_no"]
        for login in self.PHONES:
            for part in ("처리기한 1일 전 %s" % rn, "처리기한 경과 %s" % rn):
                wait_until(lambda: self.texts(login, part), WAIT, "%s to %s" % (part, login))
        # Nobody has the urgent one: its escalation reaches the manager.
        wait_until(lambda: self.texts("manager", "처리기한 경과 %s" % urgent["receipt_no"]), WAIT,
                   "the escalation of the unassigned complaint")
        wait_until(lambda: not [o for o in self.outbox("pending") if o["recipient"] != "citizen"],
                   WAIT, "the staff messages to go")
        # Once each, and not the other notices (assignment, 80 %, 중간통보).
        self.assertEqual(len(self.texts("officer", "처리기한 경과 %s" % rn)), 1)
        for login in self.PHONES:
            for part in ("새 배정", "80%", "중간통보"):
                self.assertEqual(self.texts(login, part), [], part)
        self.assertIn("overdue", [i["kind"] for i in self.inbox("officer")["items"]
                                  if i["receipt_no"] == rn])
        # The citizen's SMS waits for the morning.
        [held] = [o for o in self.outbox("pending") if o["recipient"] == "citizen"
                  and o["data"].get("receipt_no") == rn and o["kind"] == "received"]
        self.assertEqual(held["last_error"], "held for the quiet hours")

        # Numbers: masked in the admin's list, nowhere in the outbox.
        users = self.as_user("admin").get("/api/v1/admin/users").json()["items"]
        by = {u["login"]: u for u in users}
        self.assertEqual(by["manager"]["phone"], "010-****-0001")
        self.assertIsNone(by["officer2"]["phone"])
        listing = json.dumps(users) + json.dumps(self.outbox())
        for phone in self.PHONES.values():
            self.assertNotIn(phone, listing)
        rows = [o for o in self.outbox() if o["channel"] == "sms" and o["recipient"] == "officer"]
        self.assertEqual(sorted(o["kind"] for o in rows if o["data"].get("receipt_no") == rn),
                         ["due_soon", "overdue"])
        # A number cleared: nothing more by SMS.
        self.set_contact("officer", "officer", "road", phone="")
        self.assertIsNone({u["login"]: u for u in self.as_user("admin").get(
            "/api/v1/admin/users").json()["items"]}["officer"]["phone"])
        self.assertError(self.as_user("admin").post("/api/v1/admin/users", {
            "login": "officer", "role": "officer", "department": "road", "phone": "전화"}),
            400, "invalid")


class DeadLetterTest(NotifyCase, unittest.TestCase):
    """After the last try a message is a dead letter with its last error; an
    HTTP 4xx is final at once; an admin can send it again."""

    @classmethod
    def configure(cls):
        cls.http = cls.http_sink()
        cls.http.always["/sms"] = 500
        cls.http.always["/kakao"] = 400
        return notify_env(MINWON_SMS_URL=cls.http.url("/sms"),
                          MINWON_KAKAO_URL=cls.http.url("/kakao"),
                          MINWON_NOTIFY_TRIES="3")

    def test_dead_letters(self):
        c = self.file_as(citizen(phone="010-8888-9999", notify={"channels": ["sms", "kakao"]}))
        dead = wait_until(lambda: [o for o in self.outbox("dead")
                                   if o["data"].get("receipt_no") == c["receipt_no"]]
                          if len(self.outbox("dead")) >= 2 else None, WAIT, "two dead letters")
        by = {o["channel"]: o for o in dead}
        self.assertEqual((by["sms"]["tries"], by["sms"]["last_error"]), (3, "http: status 500"))
        self.assertEqual((by["kakao"]["tries"], by["kakao"]["last_error"]), (1, "http: status 400"))
        self.assertEqual(len(self.http.on("/sms")), 3)
        self.assertEqual(len(self.http.on("/kakao")), 1)
        text = self.anon().get("/metrics").text
        self.assertRegex(text, r'(?m)^minwon_notify_dead_letters\{channel="sms"\} 1$')
        self.assertRegex(text, r'(?m)^minwon_notify_dead_lettered_total\{channel="kakao"\} 1$')
        # Retry: the gateway is back.
        del self.http.always["/sms"]
        admin = self.as_user("admin")
        r = admin.post("/api/v1/admin/notify/outbox/%d/retry" % by["sms"]["id"], {})
        self.assertEqual(r.json(), {"state": "pending"})
        wait_until(lambda: len(self.http.on("/sms")) == 4, WAIT, "the retried SMS")
        wait_until(self.drained, WAIT, "the outbox to drain")
        self.assertError(admin.post("/api/v1/admin/notify/outbox/%d/retry" % by["sms"]["id"], {}),
                         409, "conflict")
        self.assertError(admin.post("/api/v1/admin/notify/outbox/999999/retry", {}), 409,
                         "conflict")


class QuietHoursTest(NotifyCase, unittest.TestCase):
    """Citizens' SMS wait for the morning; urgent safety messages do not."""

    @classmethod
    def configure(cls):
        cls.http = cls.http_sink()
        now = datetime.datetime.now(KST)
        frm, cls.quiet_end = now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=2)
        return notify_env(MINWON_SMS_URL=cls.http.url("/sms"),
                          MINWON_QUIET_HOURS="%02d:%02d-%02d:%02d" % (
                              frm.hour, frm.minute, cls.quiet_end.hour, cls.quiet_end.minute))

    def test_quiet_hours(self):
        plain = self.file_as(citizen(phone="010-1111-0000"))
        urgent = self.file_as(citizen(phone="010-1111-0001", urgent=True,
                                      text="가스 냄새가 심하게 납니다. 폭발 위험이 있습니다."))
        wait_until(lambda: [1 for _, b in self.http.json_on("/sms")
                            if urgent["receipt_no"] in b["text"]], WAIT, "the urgent SMS")
        held = wait_until(lambda: [o for o in self.outbox("pending")
                                   if o["data"].get("receipt_no") == plain["receipt_no"]
                                   and o["last_error"]], WAIT, "the held SMS")
        self.assertEqual(held[0]["last_error"], "held for the quiet hours")
        self.assertEqual(held[0]["tries"], 0)
        self.assertEqual(kst(held[0]["next_at"]).strftime("%H:%M"),
                         self.quiet_end.strftime("%H:%M"))
        self.assertFalse([1 for _, b in self.http.json_on("/sms")
                          if plain["receipt_no"] in b["text"]])


class DutyTest(NotifyCase, unittest.TestCase):
    """Outside office hours an urgent complaint also goes to the duty
    e-mail and phone; in office hours the department is there."""

    NIGHT = "2025-01-25T03:00:00+09:00"        # a Saturday night

    @classmethod
    def configure(cls):
        cls.smtp = cls.smtp_sink()
        cls.http = cls.http_sink()
        return notify_env(cls.smtp, MINWON_NOW=cls.NIGHT,
                          MINWON_SMS_URL=cls.http.url("/sms"),
                          MINWON_DUTY_EMAIL="duty@gu.example.kr",
                          MINWON_DUTY_PHONE="010-9999-0000")

    def test_duty_contacts(self):
        text = "도로가 침수되어 차량이 고립되었습니다. 위험합니다."
        night = self.file_as(citizen(urgent=True, text=text))
        [m] = wait_until(lambda: self.smtp.to("duty@gu.example.kr"), WAIT, "the duty mail")
        self.assertEqual(m.kind, "urgent")
        self.assertIn(night["receipt_no"], m.subject)
        [(h, b)] = wait_until(lambda: [(h, b) for h, b in self.http.json_on("/sms")
                                       if b["to"] == "010-9999-0000"], WAIT, "the duty SMS")
        self.assertIn("[긴급 민원] %s" % night["receipt_no"], b["text"])
        # Monday 10:00: office hours, the department is in.
        self.assertStatus(self.as_user("admin").post(
            "/api/v1/admin/clock", {"to": "2025-01-31T10:00:00+09:00"}), 200)
        self.clients.clear()
        day = self.file_as(citizen(urgent=True, text=text))
        wait_until(self.drained, WAIT, "the outbox to drain")
        self.assertEqual([m.subject for m in self.smtp.to("duty@gu.example.kr")
                          if day["receipt_no"] in m.subject], [])
        self.assertIn("urgent", [i["kind"] for i in self.inbox("manager")["items"]
                                 if i["receipt_no"] == day["receipt_no"]])


class ClockedMailCase(NotifyCase):
    """A real SMTP server and a test clock starting at START."""

    START = None

    @classmethod
    def configure(cls):
        cls.smtp = cls.smtp_sink()
        return notify_env(cls.smtp, MINWON_NOW=cls.START)


class LateTest(ClockedMailCase, unittest.TestCase):
    """The citizen's late notice says why, from the officer's own delay
    notice (지연 사유 안내) or from the complaint's state, and when to
    expect the answer; so does the public timeline. A period that has
    run out is not extended any more."""

    START = "2025-03-10T09:00:00+09:00"         # a Monday
    DUE = "2025-03-18T23:59:59+09:00"          # road_damage: 7 days
    AFTER = "2025-03-19T10:00:00+09:00"
    WORK_MAIL = ("officer", "manager")

    def mail(self, address, receipt, kind):
        return wait_until(lambda: [m for m in self.smtp.to(address, kind) if receipt in m.subject],
                          WAIT, "the %s mail about %s" % (kind, receipt))

    def late_event(self, c):
        tl = self.citizen_view(c["receipt_no"], c["token"]).json()["timeline"]
        [ev] = [e for e in tl if e["kind"] == "late"]
        self.assertEqual(ev["label"], "처리 지연 안내")
        return ev

    def test_why_it_is_late(self):
        off = self.as_user("officer")
        nobody = self.file_as(citizen(email="a@example.kr"))
        coop = self.file_as(citizen(email="b@example.kr", notify={"lang": "en"}))
        told = self.file_as(citizen(email="c@example.kr"))
        quiet = self.file_as(citizen(email="d@example.kr"))
        for c in (coop, told, quiet):
            self.assertEqual(c["due_at"], self.DUE)
            self.assertStatus(off.action(c["receipt_no"], "start"), 200)
        self.assertStatus(off.action(coop["receipt_no"], "cooperate", department="parking",
                                     text="불법 주차 단속 이력 확인", period="10d"), 200)

        # Before the due time the officer already knows: the citizen hears
        # it now, and the due time stays (late remains late).
        r = off.action(told["receipt_no"], "delay_notice", text="보도블록 자재 수급이 늦어지고 있습니다.",
                       expected_at="2025-03-28")
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["expected_at"], "2025-03-28T23:59:59+09:00")
        self.assertEqual(r.json()["due_at"], self.DUE)
        [m] = self.mail("c@example.kr", told["receipt_no"], "delay")
        self.assertIn("사유: 보도블록 자재 수급이 늦어지고 있습니다.", m.body())
        self.assertIn("처리 예정일: 2025년 3월 28일(금) 23:59", m.body())
        for bad in ({"expected_at": "2025-03-17"}, {"expected_at": "내일"}, {}):
            r = off.action(told["receipt_no"], "delay_notice", text="사유", **bad)
            self.assertError(r, 400)

        self.assertStatus(self.as_user("admin").post("/api/v1/admin/clock", {"to": self.AFTER}),
                          200)
        self.clients.clear()
        off = self.as_user("officer")
        self.assertStatus(self.as_user("admin").post("/api/v1/admin/notify/scan", {}), 200)

        # Nobody has it: the reason says so.
        [m] = self.mail("a@example.kr", nobody["receipt_no"], "late")
        self.assertIn("사유: 아직 담당자가 정해지지 않았습니다.", m.body())
        # late-grace, 3 days (24 working hours) after the due time: Wed 19,
        # Thu 20, Fri 21.
        self.assertIn("새 처리 예정일: 2025년 3월 21일(금) 18:00", m.body())
        ev = self.late_event(nobody)
        self.assertEqual(ev["text"], "처리 기한이 지났습니다. 사유: 아직 담당자가 정해지지 "
                         "않았습니다. 부서장에게 보고되어 담당자를 정하고 있습니다. 새 처리 "
                         "예정일: 2025년 3월 21일(금) 18:00")
        self.assertEqual(ev["detail"], "2025-03-21T18:00:00+09:00")

        # Waiting for a cooperating department, in English; not before its
        # reply can come (10 days: Fri 21) and three days more.
        [m] = self.mail("b@example.kr", coop["receipt_no"], "late")
        self.assertIn("Why: we are waiting for Parking Management Division to reply to our "
                      "request for its review.", m.body())
        self.assertIn("New expected date: Wed 26 Mar 2025, 18:00 KST", m.body())
        self.assertIn("주차관리과의 검토 회신을 기다리고", self.late_event(coop)["text"])

        # The officer's own words and date.
        [m] = self.mail("c@example.kr", told["receipt_no"], "late")
        self.assertIn("사유: 보도블록 자재 수급이 늦어지고 있습니다.", m.body())
        self.assertIn("새 처리 예정일: 2025년 3월 28일(금) 23:59", m.body())
        self.assertEqual(self.late_event(told)["detail"], "2025-03-28T23:59:59+09:00")
        # The head of the department reads what the citizen was told.
        [m] = self.mail("manager@gu.example.kr", told["receipt_no"], "overdue")
        self.assertIn("안내한 사유: 보도블록 자재 수급이 늦어지고 있습니다.", m.body())

        # Nobody said anything: the general reason, then the officer tells
        # the citizen after all. Extending a period that ran out is refused.
        [m] = self.mail("d@example.kr", quiet["receipt_no"], "late")
        self.assertIn("사유: 담당 부서의 검토에 시간이 더 필요합니다.", m.body())
        r = off.action(quiet["receipt_no"], "extend", text="연장", period="7d")
        self.assertError(r, 409, "transition_not_allowed")
        self.assertIn("delay_notice", r.json()["error"]["message"])
        r = off.action(quiet["receipt_no"], "delay_notice", text="현장 재조사가 필요합니다.",
                       expected_at="2025-03-25T18:00:00+09:00")
        self.assertStatus(r, 200)
        [m] = self.mail("d@example.kr", quiet["receipt_no"], "delay")
        self.assertIn("처리 예정일: 2025년 3월 25일(화) 18:00", m.body())
        v = self.citizen_view(quiet["receipt_no"], quiet["token"]).json()
        [ev] = [e for e in v["timeline"] if e["kind"] == "delay_notice"]
        self.assertEqual((ev["label"], ev["text"], ev["detail"]),
                         ("지연 사유 안내", "현장 재조사가 필요합니다.", "2025-03-25T18:00:00+09:00"))
        self.assertEqual(v["due_at"], self.DUE)
        sv = off.staff_view(quiet["receipt_no"]).json()
        self.assertTrue(sv["overdue"])
        wait_until(self.drained, WAIT, "the outbox to drain")
        # One late notice each: the monitor spoke once.
        for c, a in ((nobody, "a"), (coop, "b"), (told, "c"), (quiet, "d")):
            self.assertEqual(len([m for m in self.smtp.to("%s@example.kr" % a, "late")
                                  if c["receipt_no"] in m.subject]), 1)


class InfoExpiredTest(ClockedMailCase, unittest.TestCase):
    """A 보완 request left unanswered (시행령 §24): the citizen is reminded
    before the period ends; after it the officer is told, and may ask once
    more (a new period), go on without it, or close with a reason, which
    the citizen hears. Before its end none of that closes the citizen's
    time."""

    START = "2025-03-10T10:00:00+09:00"          # a Monday
    WORK_MAIL = ("officer",)

    def jump(self, to):
        self.assertStatus(self.as_user("admin").post("/api/v1/admin/clock", {"to": to}), 200)
        self.clients.clear()
        self.assertStatus(self.as_user("admin").post("/api/v1/admin/notify/scan", {}), 200)

    def mails(self, address, receipt, kind, n=1):
        return wait_until(lambda: [m for m in self.smtp.to(address, kind) if receipt in m.subject]
                          if len([m for m in self.smtp.to(address, kind)
                                  if receipt in m.subject]) >= n else None,
                          WAIT, "%d %s mail(s) about %s" % (n, kind, receipt))

    def test_unanswered_info_request(self):
        off = self.as_user("officer")
        gone = self.file_as(citizen(email="gone@example.kr"))
        late = self.file_as(citizen(email="late@example.kr"))
        for c in (gone, late):
            self.assertStatus(off.action(c["receipt_no"], "start"), 200)
            self.assertStatus(off.action(c["receipt_no"], "request_info",
                                         text="정확한 위치 사진을 보내 주세요."), 200)
        rn = gone["receipt_no"]
        [m] = self.mails("gone@example.kr", rn, "needs_info")
        # 7 days from Monday 10 March, the request's day counted.
        self.assertIn("보완 기한: 2025년 3월 18일(화) 23:59", m.body())
        self.assertEqual(off.staff_view(rn).json()["info_due_at"], "2025-03-18T23:59:59+09:00")
        r = off.action(rn, "close", text="보완이 없어 종결합니다")
        self.assertError(r, 409, "transition_not_allowed")
        self.assertIn("until 2025-03-18T23:59:59+09:00", r.json()["error"]["message"])

        # The last working day: the citizen is reminded.
        self.jump("2025-03-17T18:30:00+09:00")
        self.mails("gone@example.kr", rn, "info_reminder")
        # Over: the officer is told what the law allows next.
        self.jump("2025-03-19T09:00:00+09:00")
        [m] = self.mails("officer@gu.example.kr", rn, "info_expired")
        for option in ("다시 보완 요청", "처리 재개", "종결"):
            self.assertIn(option, m.body())
        off = self.as_user("officer")
        self.assertIn("info_expired", [i["kind"] for i in self.inbox("officer")["items"]
                                       if i["receipt_no"] == rn])
        page = off.get("/staff/c/" + rn).text
        self.assertIn('id="case-info-due"', page)
        for t in ("request_info", "resume", "close"):
            self.assertIn('name="type" value="%s"' % t, page, t)

        # Asked once more: a new period from today, the clock still stopped.
        self.assertStatus(off.action(rn, "request_info", text="사진이 없으면 처리할 수 없습니다. "
                                     "한 번 더 보내 주세요."), 200)
        [_, m] = self.mails("gone@example.kr", rn, "needs_info", 2)
        self.assertIn("보완 기한: 2025년 3월 27일(목) 23:59", m.body())
        v = off.staff_view(rn).json()
        self.assertEqual((v["status"], v["due_at"], v["info_due_at"]),
                         ("needs_info", None, "2025-03-27T23:59:59+09:00"))
        self.jump("2025-03-28T09:00:00+09:00")
        self.mails("officer@gu.example.kr", rn, "info_expired", 2)
        off = self.as_user("officer")
        self.assertError(off.action(rn, "close"), 400)          # a reason, please
        r = off.action(rn, "close", text="두 차례 보완을 요청했으나 답이 없어 종결합니다.")
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["status"], "closed")
        [m] = self.mails("gone@example.kr", rn, "closed")
        self.assertIn("사유: 두 차례 보완을 요청했으나 답이 없어 종결합니다.", m.body())

        # The other one: the officer goes on with what the office has.
        rn = late["receipt_no"]
        r = off.action(rn, "resume", text="현장 확인으로 위치를 찾았습니다.")
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["status"], "in_progress")
        self.assertIsNotNone(r.json()["due_at"])
        [m] = self.mails("late@example.kr", rn, "resumed")
        self.assertIn("현장 확인으로 위치를 찾았습니다.", m.body())
        self.assertIn("처리 기한: ", m.body())
        wait_until(self.drained, WAIT, "the outbox to drain")


class BackfillTest(unittest.TestCase):
    """Complaints filed before notifications existed (here: by minwon demo,
    which writes no plans) get their reminders when the server starts:
    only those still ahead, once."""

    def test_backfill(self):
        srv = harness.Server(users={"admin": ("admin", None)})
        try:
            os.unlink(srv.db)
            srv._cli("demo", "--db", srv.db, "--count", "40", "--seed", "3", "--password",
                     harness.PASSWORD)
            srv.start()
            admin = srv.client("admin")
            queue = admin.get("/api/v1/queue", query={"limit": "100"}).json()["items"]
            running = [q for q in queue if q["due_at"]]
            self.assertTrue(running, "the demo has open complaints with a running clock")
            now = datetime.datetime.now(KST)

            def planned():
                r = admin.get("/api/v1/admin/notify/reminders", query={"limit": "500"})
                return r.json()["items"] or None
            items = wait_until(planned, WAIT, "the backfill")
            self.assertEqual({i["state"] for i in items}, {"pending"})
            for i in items:
                self.assertGreater(kst(i["fire_at"]), now - datetime.timedelta(minutes=5))
            ids = {i["complaint_id"] for i in items}
            self.assertTrue({q["id"] for q in running if kst(q["due_at"]) > now} <= ids)
            # A restart plans nothing twice.
            srv.stop()
            srv.start()
            admin = srv.client("admin")
            again = admin.get("/api/v1/admin/notify/reminders", query={"limit": "500"}).json()
            self.assertEqual(len(again["items"]), len(items))
        finally:
            problems = srv.stop()
            srv.cleanup()
            self.assertEqual(problems, [])


class BackfillCooperationTest(unittest.TestCase):
    """Open 협조 requests made before cooperation reminders were backfilled
    (a database whose first backfill was done by an older minwon) get
    their reminder when the server starts: only open requests of open
    complaints, only reminders still ahead, the same instant the request
    itself would have planned, and never twice."""

    START = "2025-03-10T09:00:00+09:00"          # a Monday
    RESTART = "2025-03-11T18:00:00+09:00"

    def coop_rows(self, admin):
        return sorted((i["complaint_id"], i["ref"], i["fire_at"], i["state"])
                      for i in all_reminders(admin) if i["kind"] == "cooperation_reminder")

    def forget_coop_reminders(self, srv):
        """What an older minwon left: no cooperation reminders, no record
        of their pass (its own backfill done)."""
        db = sqlite3.connect(srv.db)
        try:
            db.execute("DELETE FROM reminders WHERE kind = 4")
            db.execute("DELETE FROM notify_meta WHERE key LIKE 'backfill_coop_%'")
            db.commit()
            self.assertTrue(db.execute("SELECT value FROM notify_meta WHERE key = "
                                       "'backfill_upto'").fetchone())
        finally:
            db.close()

    def test_open_cooperation_requests_get_their_reminder(self):
        srv = harness.Server(env=notify_env(MINWON_NOW=self.START))
        try:
            srv.start()
            off = srv.client("officer")
            rns = {}
            for name, period in (("open", "5d"), ("replied", "5d"), ("answered", "5d"),
                                 ("past", "1d")):
                r = harness.Client(srv.port).post("/api/v1/complaints", citizen())
                self.assertEqual(r.status, 201, r)
                rn = rns[name] = r.json()["receipt_no"]
                self.assertEqual(off.action(rn, "start").status, 200)
                r = off.action(rn, "cooperate", department="parking", text="단속 이력 확인",
                               period=period)
                self.assertEqual(r.status, 200, r)
            self.assertEqual(srv.client("officer2").action(rns["replied"], "cooperation_reply",
                                                           text="이력 없음").status, 200)
            self.assertEqual(off.action(rns["answered"], "answer", text="처리했습니다").status, 200)
            admin = srv.client("admin")
            ids = {k: admin.staff_view(rn).json()["id"] for k, rn in rns.items()}
            planned = [r for r in self.coop_rows(admin) if r[0] == ids["open"]]
            self.assertEqual(len(planned), 1)
            self.assertEqual(planned[0][1:], ("parking", planned[0][2], "pending"))
            srv.stop()

            self.forget_coop_reminders(srv)
            srv.env["MINWON_NOW"] = self.RESTART
            srv.start()
            admin = srv.client("admin")
            got = wait_until(lambda: self.coop_rows(admin) or None, WAIT, "the backfill")
            # 80 % of 40 working hours from Mon 09:00 is Thu 18:00, still
            # ahead; the 1-day request's instant (Mon 16:24) has passed.
            self.assertEqual(got, planned)
            self.assertEqual(kst(got[0][2]), kst("2025-03-13T18:00:00+09:00"))

            # Again, even with the pass forgotten: nothing twice.
            srv.stop()
            db = sqlite3.connect(srv.db)
            db.execute("DELETE FROM notify_meta WHERE key LIKE 'backfill_coop_%'")
            db.commit()
            db.close()
            srv.start()
            admin = srv.client("admin")
            wait_until(lambda: sqlite3.connect(srv.db).execute(
                "SELECT count(*) FROM notify_meta WHERE key = 'backfill_coop_done'").fetchone()[0],
                WAIT, "the pass")
            self.assertEqual(self.coop_rows(admin), planned)

            # It fires and tells the asked department.
            self.assertEqual(admin.post("/api/v1/admin/clock",
                                        {"to": "2025-03-13T18:30:00+09:00"}).status, 200)
            admin = srv.client("admin")
            self.assertEqual(admin.post("/api/v1/admin/notify/scan", {}).status, 200)
            box = srv.client("officer2").get("/api/v1/staff/inbox").json()["items"]
            self.assertEqual(sorted(i["kind"] for i in box if i["receipt_no"] == rns["open"]),
                             ["cooperation", "cooperation_reminder"])
        finally:
            problems = srv.stop()
            srv.cleanup()
            self.assertEqual(problems, [])


# ---------------------------------------------------------------------------
# faults: the mail server is down; the server is killed


class SmtpDownTest(NotifyCase, unittest.TestCase):

    @classmethod
    def configure(cls):
        cls.smtp = cls.smtp_sink(started=False)   # not started: down
        return notify_env(cls.smtp)

    def test_messages_wait_for_the_mail_server(self):
        rns = [self.file_as(citizen(email="wait%d@example.kr" % i))["receipt_no"] for i in range(3)]
        failing = wait_until(lambda: [o for o in self.outbox("pending") if o["tries"] >= 1]
                             if len([o for o in self.outbox("pending") if o["tries"] >= 1]) == 3
                             else None, WAIT, "three failed tries")
        for o in failing:
            self.assertTrue(o["last_error"].startswith("smtp: "), o["last_error"])
        self.smtp.start()
        for i, rn in enumerate(rns):
            wait_until(lambda: self.smtp.to("wait%d@example.kr" % i), WAIT, "mail %s" % rn)
        wait_until(self.drained, WAIT, "the outbox to drain")
        self.assertEqual(len(self.smtp.snapshot()), 3)
        self.assertEqual([o["state"] for o in self.outbox()], ["sent"] * 3)


class KillTest(NotifyCase, unittest.TestCase):
    """SIGKILL in the middle of delivery: after a restart every message
    arrives; duplicates only with the same message id."""

    COUNT = 40

    @classmethod
    def configure(cls):
        cls.smtp = cls.smtp_sink(delay=0.05)   # a slow mail server
        return notify_env(cls.smtp, MINWON_NOTIFY_LEASE="2")

    def test_sigkill_during_delivery(self):
        want = {}
        for i in range(self.COUNT):
            c = self.file_as(citizen(email="k%d@example.kr" % i))
            want[c["receipt_no"]] = "k%d@example.kr" % i
        wait_until(lambda: len(self.smtp.snapshot()) >= 5, WAIT, "delivery to start")
        self.srv.kill()
        got_before = len(self.smtp.snapshot())
        self.assertLess(got_before, self.COUNT, "all delivered before the kill: nothing tested")
        self.srv.start()
        self.clients.clear()
        wait_until(lambda: len({m.msg["To"] for m in self.smtp.snapshot()}) == self.COUNT,
                   WAIT, "every receipt mail")
        wait_until(self.drained, WAIT, "the outbox to drain")
        by_receipt = {}
        for m in self.smtp.snapshot():
            rn = re.search(r"\d{4}-\d{6}", m.subject).group(0)
            self.assertIn(want[rn], m.rcpt_tos)
            by_receipt.setdefault(rn, set()).add(m.message_id)
        self.assertEqual(set(by_receipt), set(want))
        for rn, ids in by_receipt.items():
            self.assertEqual(len(ids), 1, "%s came with different message ids" % rn)
        self.assertEqual([o["state"] for o in self.outbox()], ["sent"] * self.COUNT)


class TrainingTest(NotifyCase, unittest.TestCase):
    """Training mode renders and records every message and sends none."""

    @classmethod
    def configure(cls):
        cls.smtp = cls.smtp_sink()
        return notify_env(cls.smtp, MINWON_NOTIFY_TRAINING="1")

    def test_training_records_without_sending(self):
        self.assertEqual(self.anon().get("/healthz").json()["notify"], "training")
        c = self.file_as(citizen(email="train@example.kr", phone="010-3333-4444"))
        wait_until(self.drained, WAIT, "the outbox to drain")
        rows = {o["channel"]: o for o in self.outbox() if o["recipient"] == "citizen"}
        self.assertEqual(set(rows), {"email", "sms"})
        for o in rows.values():
            self.assertEqual(o["state"], "recorded")
        self.assertEqual(rows["email"]["subject"],
                         "[강남구청] 민원이 접수되었습니다 (접수번호 %s)" % c["receipt_no"])
        self.assertIn("처리 상황 조회: (링크)", rows["email"]["body"])
        self.assertNotIn(c["token"], rows["email"]["body"])
        self.assertIn(c["receipt_no"], rows["sms"]["body"])
        self.assertEqual(self.smtp.snapshot(), [])

    def test_training_records_staff_sms(self):
        self.set_contact("officer", "officer", "road", phone="010-3333-0002")
        u = self.file_as(citizen(urgent=True, text="가스 냄새가 심하게 납니다. 폭발 위험이 있습니다."))
        wait_until(self.drained, WAIT, "the outbox to drain")
        [row] = [o for o in self.outbox() if o["channel"] == "sms" and o["recipient"] == "officer"]
        self.assertEqual((row["kind"], row["state"]), ("urgent", "recorded"))
        self.assertIn("[긴급 민원] %s" % u["receipt_no"], row["body"])
        self.assertEqual(self.smtp.snapshot(), [])


class WorkerTest(NotifyCase, unittest.TestCase):
    """serve --no-workers writes the outbox; minwon worker sends it."""

    server_args = ("--no-workers",)

    @classmethod
    def configure(cls):
        cls.smtp = cls.smtp_sink()
        return notify_env(cls.smtp)

    def test_worker_sends(self):
        c = self.file_as(citizen(email="w@example.kr"))
        self.assertEqual(len(self.outbox("pending")), 1)
        env = dict(os.environ)
        env.update(notify_env(self.smtp))
        w = subprocess.Popen([harness.BIN, "worker", "--db", self.srv.db], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: self.smtp.to("w@example.kr"), WAIT, "the worker's mail")
            self.assertIn(c["receipt_no"], self.smtp.to("w@example.kr")[0].subject)
        finally:
            w.send_signal(signal.SIGTERM)
            self.assertEqual(w.wait(timeout=harness.timeout(15)), 0)
            w.stdout.close()



# ---------------------------------------------------------------------------
# the deadline monitor: a simulated month


class SimulatedMonthTest(NotifyCase, unittest.TestCase):
    """1,000 complaints with periods from 16 hours to 14 days, filed in ten
    batches at all hours (also at night and on a Saturday) around 설날 and
    an extra holiday; 보완 pauses, extensions, 중간통보, 협조 requests,
    early answers, and 보완 left unanswered. The test clock then walks a
    month, stopping at every instant the reminder rules give (counted
    independently, deadline_oracle.py) and asking for a scan. Every
    reminder must fire at its instant: none early, none missed, none
    twice; each tells the right people."""

    START = "2025-01-24T08:00:00+09:00"
    END = "2025-03-07T18:00:00+09:00"
    BATCHES = ("2025-01-24T09:30:00+09:00", "2025-01-24T13:10:00+09:00",
               "2025-01-24T17:45:00+09:00", "2025-01-24T22:00:00+09:00",
               "2025-01-25T11:00:00+09:00", "2025-01-31T09:00:00+09:00",
               "2025-01-31T12:30:00+09:00", "2025-02-03T15:00:00+09:00",
               "2025-02-04T10:20:00+09:00", "2025-02-05T16:40:00+09:00")
    PER_BATCH = 100
    PERIODS = ("16h", "1d", "3d", "5d", "7d", "10d", "14d")
    FOLLOW_UP = 90 * 60
    SLACK = 60   # seconds the clock runs on between a jump and its scan

    server_args = ("--session-idle", "604800")

    @classmethod
    def configure(cls):
        return notify_env(MINWON_NOW=cls.START, MINWON_NOTIFY_TRAINING="1",
                          MINWON_MONITOR_INTERVAL="3600")

    # -- the clock ------------------------------------------------------------

    @classmethod
    def as_user(cls, login):
        """Signed in; again when a month of test clock ended the session."""
        c = super().as_user(login)
        if c.get("/api/v1/session").status == 401:
            cls.clients.pop(login)
            c = super().as_user(login)
        return c

    def jump(self, t):
        r = self.as_user("admin").post("/api/v1/admin/clock", {"to": oracle.iso(t)})
        if r.status == 409:          # the clock ran past t already
            return
        self.assertStatus(r, 200)

    def scan(self):
        r = self.as_user("admin").post("/api/v1/admin/notify/scan", {})
        self.assertStatus(r, 200)

    # -- the scenario ---------------------------------------------------------

    def setup_reference_data(self):
        admin = self.as_user("admin")
        for p in self.PERIODS:
            self.assertStatus(admin.post("/api/v1/admin/categories", {
                "code": "m" + p, "name_ko": "모의 " + p, "department": "road", "period": p}), 200)
        self.assertStatus(admin.post("/api/v1/admin/holidays", {
            "date": "2025-02-12", "name": "모의 공휴일"}), 200)
        hol = admin.get("/api/v1/admin/holidays").json()["items"]
        return oracle.Calendar([h["date"] for h in hol])

    def file_batch(self, b, t):
        officer = self.as_user("officer")
        out = []
        for i in range(self.PER_BATCH):
            period = self.PERIODS[(i + b) % len(self.PERIODS)]
            variant = i % 10
            c = self.file_as(citizen(email="m%d.%d@example.kr" % (b, i), category="m" + period,
                                     title="모의 민원 %d-%d" % (b, i)))
            c.update(period=period, variant=variant, extensions=0, interim=False, coop=None,
                     replied=False, assignee=None)
            rn = c["receipt_no"]
            if variant in (0, 4, 5):
                self.assertStatus(officer.action(rn, "start"), 200)
                c["assignee"] = "officer"
            if variant in (0, 5):
                self.assertStatus(officer.action(rn, "request_info", text="위치를 알려 주세요"), 200)
            elif variant == 1:
                self.assertStatus(officer.action(rn, "extend", text="검토 기간 연장", period=period),
                                  200)
                c["extensions"] = 1
            elif variant == 2:
                self.assertStatus(officer.action(rn, "interim_notice", text="검토 중입니다"), 200)
                c["interim"] = True
            elif variant == 3:
                r = officer.action(rn, "cooperate", department="parking", text="확인 부탁",
                                   period="2d")
                self.assertStatus(r, 200)
                c["coop"] = oracle.epoch(r.json()["cooperation_due_at"])
            out.append(c)
        return out

    def follow_up(self, batch):
        officer, officer2 = self.as_user("officer"), self.as_user("officer2")
        for i, c in enumerate(batch):
            rn = c["receipt_no"]
            if c["variant"] == 0:
                r = self.anon().post("/api/v1/complaints/%s/messages" % rn,
                                     {"text": "위치는 정문 앞입니다", "token": c["token"]})
                self.assertStatus(r, 200)
            elif c["variant"] == 4:
                self.assertStatus(officer.action(rn, "answer", text="처리했습니다"), 200)
            elif c["variant"] == 3 and i % 20 == 3:
                self.assertStatus(officer2.action(rn, "cooperation_reply", text="이상 없음"), 200)
                c["replied"] = True

    def expected(self, cal, c):
        """The complaint's reminders [(kind, instant)], from its state as the
        server recorded it."""
        v = self.as_user("admin").staff_view(c["receipt_no"]).json()
        c["id"] = v["id"]
        events = v["timeline"]
        starts = [oracle.epoch(e["at"]) for e in events if e["kind"] == "request_info"]
        ends = [oracle.epoch(e["at"]) for e in events if e["kind"] == "provide_info"]
        out = []
        if v["status"] in ("received", "assigned", "in_progress", "needs_info", "reopened"):
            if v["clock_stopped"]:
                out = oracle.plan(cal, clock_start=None, due=None, paused_at=starts[-1])
            else:
                out = oracle.plan(
                    cal, clock_start=oracle.epoch(v["received_at"]),
                    due=oracle.epoch(v["due_at"]), pauses=list(zip(starts, ends)),
                    period_hours_effective=oracle.period_hours(c["period"]) *
                    (1 + c["extensions"]), interim_given=c["interim"])
            if c["coop"] and not c["replied"]:
                asked = [oracle.epoch(e["at"]) for e in events if e["kind"] == "cooperate"][0]
                out.append((oracle.COOP, oracle.coop_at(cal, asked, c["coop"])))
        return out

    def test_a_month_of_deadlines(self):
        cal = self.setup_reference_data()
        end = oracle.epoch(self.END)
        # (time, order, what, batch index): filings, their follow-ups 90
        # minutes later, and each reminder instant once known.
        agenda = []
        for b, t in enumerate(self.BATCHES):
            heapq.heappush(agenda, (oracle.epoch(t), 0, "file", b))
            heapq.heappush(agenda, (oracle.epoch(t) + self.FOLLOW_UP, 1, "follow", b))
        batches, expect, instants = {}, {}, set()
        while agenda and agenda[0][0] <= end:
            t, _, what, b = heapq.heappop(agenda)
            self.jump(t)
            if what == "file":
                batches[b] = self.file_batch(b, t)
            elif what == "follow":
                self.follow_up(batches[b])
                for c in batches[b]:
                    expect[c["receipt_no"]] = self.expected(cal, c)
                    for _, at in expect[c["receipt_no"]]:
                        if at not in instants:
                            instants.add(at)
                            heapq.heappush(agenda, (at, 2, "scan", None))
            else:
                self.scan()
        self.jump(end)
        self.scan()
        complaints = {c["receipt_no"]: c for batch in batches.values() for c in batch}
        self.assertEqual(len(complaints), 1000)
        self.check_reminders(complaints, expect, end)
        self.check_notices(complaints)
        if os.environ.get("MINWON_TEST_STATS"):
            print("\n%d instants, %d reminders fired: %s" % (
                len(instants), len(self.fired),
                {k: sum(1 for _, x in self.fired if x == k) for _, k in self.fired}))

    # -- the checks -------------------------------------------------------------

    def check_reminders(self, complaints, expect, end):
        """Every reminder the reckoning gives up to the end fired, at its
        instant; of those after it, the monitor keeps the next one pending
        (it writes the following one when that fires); cooperation
        reminders each have their own row."""
        by_id = {c["id"]: rn for rn, c in complaints.items()}
        fired, pending = {}, {}
        self.fired = []
        for r in all_reminders(self.as_user("admin")):
            rn = by_id[r["complaint_id"]]
            if r["state"] == "cancelled":
                # Only what an interim notice or a cooperation reply ended.
                self.assertIn((r["kind"], complaints[rn]["variant"]),
                              ((oracle.INTERIM, 2), (oracle.COOP, 3)), r)
                continue
            at = oracle.epoch(r["fire_at"])
            if r["state"] == "fired":
                t = oracle.epoch(r["fired_at"])
                self.assertGreaterEqual(t, at, "fired early: %s %r" % (rn, r))
                self.assertLessEqual(t - at, self.SLACK, "fired late: %s %r" % (rn, r))
                fired.setdefault(rn, []).append((r["kind"], at))
                self.fired.append((rn, r["kind"]))
            else:
                self.assertGreater(at, end, "missed: %s %r" % (rn, r))
                pending.setdefault(rn, []).append((r["kind"], at))
        mismatches = []
        for rn in complaints:
            want = expect.get(rn, [])
            own = sorted(x for x in want if x[0] != oracle.COOP)
            coop = [x for x in want if x[0] == oracle.COOP]
            want_fired = sorted(x for x in want if x[1] <= end)
            later = [x for x in own if x[1] > end]
            soonest = [x for x in later if x[1] == min(t for _, t in later)] if later else []
            have_pending = sorted(pending.get(rn, []))
            ok = sorted(fired.get(rn, [])) == want_fired
            own_pending = [x for x in have_pending if x[0] != oracle.COOP]
            ok &= len(own_pending) == (1 if later else 0) and all(x in soonest for x in own_pending)
            ok &= sorted(x for x in have_pending if x[0] == oracle.COOP) == sorted(
                x for x in coop if x[1] > end)
            if not ok:
                mismatches.append("%s (%s, variant %d): want %s, fired %s, pending %s" % (
                    rn, complaints[rn]["period"], complaints[rn]["variant"],
                    [(k, oracle.iso(t)) for k, t in sorted(want, key=lambda x: x[1])],
                    [(k, oracle.iso(t)) for k, t in sorted(fired.get(rn, []))],
                    [(k, oracle.iso(t)) for k, t in have_pending]))
        self.assertEqual(mismatches, [], "\n".join(mismatches[:10]))
        kinds = {k for _, k in self.fired}
        for k in (oracle.PROGRESS, oracle.DUE_SOON, oracle.OVERDUE, oracle.INTERIM, oracle.COOP,
                  oracle.INFO_REMIND, oracle.INFO_EXPIRED):
            self.assertIn(k, kinds, "no %s fired in the whole month" % k)

    def check_notices(self, complaints):
        staff_kind = {oracle.PROGRESS: "reminder", oracle.DUE_SOON: "due_soon",
                      oracle.OVERDUE: "overdue", oracle.INTERIM: "interim_prompt",
                      oracle.COOP: "cooperation_reminder", oracle.INFO_EXPIRED: "info_expired"}
        want = {"officer": {}, "manager": {}, "officer2": {}}
        for rn, kind in self.fired:
            c = complaints[rn]
            if kind not in staff_kind:
                continue
            if kind == oracle.COOP:
                who = ["officer2"]
            elif kind in (oracle.DUE_SOON, oracle.OVERDUE):
                who = ["manager"] + (["officer"] if c["assignee"] else [])
            else:
                who = [c["assignee"] or "manager"]
            for login in who:
                key = (rn, staff_kind[kind])
                want[login][key] = want[login].get(key, 0) + 1
        for login, w in want.items():
            have = {k: n for k, n in self.inbox_kinds(login).items()
                    if k[1] in staff_kind.values()}
            self.assertEqual(have, w, "%s's inbox" % login)
        # The citizens heard of lateness and of 보완 deadlines, once each.
        wait_until(self.drained, WAIT, "the outbox to drain")
        rows = self.outbox("recorded")
        for kind, notice in ((oracle.OVERDUE, "late"), (oracle.INFO_REMIND, "info_reminder")):
            fired = sorted(rn for rn, k in self.fired if k == kind)
            told = sorted(o["data"]["receipt_no"] for o in rows if o["kind"] == notice)
            self.assertEqual(told, fired, notice)
        late = [o for o in rows if o["kind"] == "late"][0]
        self.assertIn("새 처리 예정일", late["body"])
        rn = late["data"]["receipt_no"]
        tl = self.citizen_view(rn, complaints[rn]["token"]).json()["timeline"]
        [ev] = [e for e in tl if e["kind"] == "late"]
        self.assertEqual(ev["label"], "처리 지연 안내")
        self.assertIn("새 처리 예정일", ev["text"])



class TwoServersTest(NotifyCase, unittest.TestCase):
    """Two servers on one database, both monitoring and both sending: each
    reminder fires once and each message goes out once."""

    START = "2025-01-24T08:00:00+09:00"

    @classmethod
    def configure(cls):
        cls.smtp = cls.smtp_sink()
        # A lease longer than any delivery here: nobody is killed, so a
        # message may go out once only.
        return notify_env(cls.smtp, MINWON_NOW=cls.START, MINWON_NOTIFY_LEASE="60")

    # The second server starts once the first one's clock has jumped, with
    # its own clock at the same time: test clocks are per process, and two
    # servers whose clocks are weeks apart see each other's leases as long
    # expired (docs/NOTIFY.md), which real clocks never are.
    other = None

    @classmethod
    def start_other(cls, now):
        cls.other = harness.Server(db=cls.srv.db, env=dict(cls.server_env, MINWON_NOW=now))
        try:
            cls.other.start()
        except Exception:
            cls.other.cleanup()
            cls.other = None
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.other:
                cls.other.finish()
        finally:
            super().tearDownClass()

    def test_no_double_firing_or_sending(self):
        self.set_contact("manager", "manager", "road", email="boss@gu.example.kr")
        rns = [self.file_as(citizen(email="t%d@example.kr" % i))["receipt_no"] for i in range(30)]
        wait_until(self.drained, WAIT, "the receipts to go out")
        admin_a = self.as_user("admin")
        later = "2025-03-10T09:00:00+09:00"
        self.assertStatus(admin_a.post("/api/v1/admin/clock", {"to": later}), 200)
        self.start_other(later)
        admin_b = harness.Client(self.other.port)
        admin_b.cookies, admin_b.csrf = dict(admin_a.cookies), admin_a.csrf   # one database
        self.clients.clear()
        admin_a = self.as_user("admin")
        admin_b.cookies, admin_b.csrf = dict(admin_a.cookies), admin_a.csrf
        fired, errors = [], []

        def scan(c):
            for _ in range(5):
                r = c.post("/api/v1/admin/notify/scan", {})
                if r.status != 200:
                    errors.append(r)
                else:
                    fired.append(r.json()["fired"])

        threads = [threading.Thread(target=scan, args=(c,)) for c in (admin_a, admin_b) * 2]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        wait_until(self.drained, WAIT, "the outbox to drain")
        done = [r for r in all_reminders(admin_a) if r["state"] == "fired"]
        # 30 x (80 %, one day left, overdue, 중간통보 prompt) for 7-day periods.
        self.assertEqual(len(done), 120)
        # Counted by both servers together (their monitors woke up with the
        # clock, too): each fired once.
        total = 0
        for port in (self.srv.port, self.other.port):
            text = harness.Client(port).get("/metrics").text
            total += sum(int(n) for n in re.findall(r"(?m)^minwon_monitor_fired_total\{[^}]*\} (\d+)$",
                                                    text))
        self.assertEqual(total, 120)
        # One inbox item per reminder that tells the manager.
        box = self.inbox_kinds("manager")
        self.assertEqual(set(box.values()), {1})
        self.assertEqual(len(box), 120)
        # Each message once: the citizens' late notices and the manager's mail.
        mails = self.smtp.snapshot()
        ids = [m.message_id for m in mails]
        self.assertEqual(len(ids), len(set(ids)), "a message went out twice")
        sent = [o for o in self.outbox("sent")]
        self.assertEqual(len(mails), len(sent))
        for rn in rns:
            self.assertEqual(len([m for m in self.smtp.to("boss@gu.example.kr", "overdue")
                                  if rn in m.subject]), 1)


if __name__ == "__main__":
    unittest.main()

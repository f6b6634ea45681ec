"""
test_track_code.py - tracking a complaint by receipt number + phone with a
one-time code (issue #4, docs/API.md#track-by-phone): POST /api/v1/track/code
and /api/v1/track/verify, the grant they give, and the /track page's second
way in without JavaScript.

The SMS gateway is a local HTTP receiver (notify_sinks.py), as in
test_notify.py; expiry and the rate limit move the server's test clock.
Quiet hours cover the whole day here, so every code that arrives also
shows that codes are not held for them.
"""

import os
import re
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from notify_sinks import wait_until  # noqa: E402
from test_notify import NotifyCase, citizen, notify_env  # noqa: E402

START = "2025-03-04T10:00:00+09:00"
WAIT = harness.timeout(30)
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
SENT = {"status": "accepted", "expires_in": 300,
        "message": "if the phone number is the complaint's, a code was sent to it by SMS"}


def form(fields):
    return urllib.parse.urlencode(fields).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class TrackCodeTest(NotifyCase, unittest.TestCase):

    @classmethod
    def configure(cls):
        cls.http = cls.http_sink()
        return notify_env(MINWON_SMS_URL=cls.http.url("/sms"), MINWON_NOW=START,
                          MINWON_QUIET_HOURS="00:00-23:59")

    # -- helpers -------------------------------------------------------------

    def filed(self, phone, **over):
        # E-mail only: the code goes by SMS whatever was chosen at filing.
        return self.file_as(citizen(email="c@example.kr", phone=phone,
                                    notify={"channels": ["email"]}, **over))

    def codes_for(self, receipt):
        return [b for _, b in self.http.json_on("/sms") if receipt in b["text"]]

    def wait_code(self, receipt, n=1):
        msgs = wait_until(lambda: self.codes_for(receipt) if len(self.codes_for(receipt)) >= n
                          else None, WAIT, "the code SMS")
        self.assertEqual(len(msgs), n, msgs)
        m = re.search(r"\[(\d{6})\]", msgs[-1]["text"])
        self.assertTrue(m, msgs[-1])
        return msgs[-1], m.group(1)

    def ask(self, receipt, phone, expect=202):
        r = self.anon().post("/api/v1/track/code", {"receipt_no": receipt, "phone": phone})
        self.assertStatus(r, expect)
        return r

    def verify(self, receipt, phone, code):
        return self.anon().post("/api/v1/track/verify",
                                {"receipt_no": receipt, "phone": phone, "code": code})

    def advance(self, seconds):
        r = self.srv.client("admin").post("/api/v1/admin/clock", {"advance": seconds})
        self.assertStatus(r, 200)
        # Staff sessions follow the clock: sign in again when next needed.
        self.clients.pop("admin", None)

    # -- the API ---------------------------------------------------------------

    def test_right_code_opens_the_complaint(self):
        c = self.filed("010-2222-3333")
        rn = c["receipt_no"]
        r = self.ask(rn, "010 2222 3333")
        self.assertEqual(r.json(), SENT)
        msg, code = self.wait_code(rn)
        self.assertEqual(msg["to"], "010-2222-3333")
        self.assertIn("인증번호", msg["text"])
        # The code is sealed in the outbox, never in clear.
        row = [o for o in self.outbox() if o["kind"] == "track_code"
               and o["data"].get("receipt_no") == rn]
        self.assertEqual(len(row), 1)
        self.assertNotIn(code, repr(row[0]["data"]))
        r = self.verify(rn, "01022223333", code)
        self.assertStatus(r, 200)
        j = r.json()
        self.assertEqual(j["receipt_no"], rn)
        self.assertEqual(len(j["token"]), 22)
        self.assertNotEqual(j["token"], c["token"])
        self.assertTrue(j["expires_at"].endswith("+09:00"))
        # The grant opens the complaint like its own token, for its receipt only.
        view = self.citizen_view(rn, j["token"])
        self.assertStatus(view, 200)
        self.assertEqual(view.json()["receipt_no"], rn)
        other = self.filed("010-2222-3334")
        self.assertError(self.citizen_view(other["receipt_no"], j["token"]), 404, "not_found")
        r = self.anon().post("/api/v1/complaints/%s/messages" % rn,
                             {"text": "사진을 더 보냅니다", "token": j["token"]})
        self.assertStatus(r, 200)
        # A code opens once.
        self.assertError(self.verify(rn, "01022223333", code), 400, "no_code")
        # The grant lasts an hour.
        self.advance(3601)
        self.assertError(self.citizen_view(rn, j["token"]), 404, "not_found")
        self.assertStatus(self.citizen_view(rn, c["token"]), 200)

    def test_wrong_phone_gets_the_same_answer_and_no_sms(self):
        c = self.filed("010-4444-5555")
        rn = c["receipt_no"]
        wrong = self.ask(rn, "010-4444-5556")
        unknown = self.ask("2503-999999", "010-4444-5555")
        self.assertEqual(wrong.json(), SENT)
        self.assertEqual(unknown.json(), SENT)
        self.assertEqual(wrong.body, unknown.body)
        # A right request after it: exactly one SMS, from that one.
        self.ask(rn, "010-4444-5555")
        _, code = self.wait_code(rn)
        self.assertEqual(len([b for _, b in self.http.json_on("/sms")
                              if b["to"] == "010-4444-5556"]), 0)
        # The code does not open with another phone number (and that costs a try).
        r = self.verify(rn, "010-4444-5556", code)
        self.assertEqual(self.assertError(r, 403, "wrong_code")["attempts_left"], 4)
        self.assertStatus(self.verify(rn, "010-4444-5555", code), 200)
        # Unknown receipts and complaints without a code answer alike.
        self.assertError(self.verify("2503-999999", "010-4444-5555", "123456"), 400, "no_code")
        self.assertError(self.verify(rn, "010-4444-5555", "12345"), 400, "invalid")
        self.assertError(self.verify(rn, "010-4444-5555", "12345a"), 400, "invalid")
        self.assertError(self.anon().post("/api/v1/track/code", {"receipt_no": rn,
                                                                 "phone": "전화"}), 400, "invalid")
        self.assertError(self.anon().post("/api/v1/track/code", {"receipt_no": rn}), 400)

    def test_wrong_codes_are_counted(self):
        rn = self.filed("010-6666-7777")["receipt_no"]
        self.ask(rn, "010-6666-7777")
        _, code = self.wait_code(rn)
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        for left in (4, 3, 2, 1, 0):
            err = self.assertError(self.verify(rn, "010-6666-7777", wrong), 403, "wrong_code")
            self.assertEqual(err["attempts_left"], left)
        # Spent: even the right code no longer opens it.
        self.assertError(self.verify(rn, "010-6666-7777", code), 403, "too_many_attempts")
        # A new code works.
        self.ask(rn, "010-6666-7777")
        _, code2 = self.wait_code(rn, 2)
        self.assertStatus(self.verify(rn, "010-6666-7777", code2), 200)

    def test_codes_expire_after_five_minutes(self):
        rn = self.filed("010-1212-3434")["receipt_no"]
        self.ask(rn, "010-1212-3434")
        _, code = self.wait_code(rn)
        self.advance(301)
        self.assertError(self.verify(rn, "010-1212-3434", code), 410, "code_expired")

    def test_at_most_five_codes_an_hour(self):
        rn = self.filed("010-5656-7878")["receipt_no"]
        # Wrong numbers count too, so the limit tells nothing either.
        for phone in ("010-5656-0000", "010-5656-7878", "010-5656-0001", "010-5656-0002",
                      "010-5656-0003"):
            self.ask(rn, phone)
        r = self.ask(rn, "010-5656-7878", expect=429)
        self.assertError(r, 429, "too_many_codes")
        self.assertEqual(r.header("Retry-After"), "3600")
        self.wait_code(rn, 1)
        self.advance(3601)
        self.ask(rn, "010-5656-7878")
        self.wait_code(rn, 2)

    # -- the page ----------------------------------------------------------------

    def test_track_page_by_phone_without_javascript(self):
        rn = self.filed("010-9090-8080", text="<b>가로등</b>이 꺼졌습니다")["receipt_no"]
        b = self.anon()
        page = b.get("/track")
        self.assertStatus(page, 200)
        self.assertIn('action="/track/code"', page.text)
        csrf = CSRF_RE.search(page.text).group(1)
        r = b.post("/track/code", form({"csrf": csrf, "receipt": rn, "phone": "010-9090-8080"}),
                   headers=FORM)
        self.assertStatus(r, 200)
        self.assertIn('id="code-sent"', r.text)
        self.assertIn('action="/track/verify"', r.text)
        self.assertNotIn("010-9090-8080", r.header("Location") or "")
        _, code = self.wait_code(rn)
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        r = b.post("/track/verify", form({"csrf": csrf, "receipt": rn, "phone": "010-9090-8080",
                                          "code": wrong}), headers=FORM)
        self.assertStatus(r, 403)
        self.assertIn('id="e-phone"', r.text)
        self.assertIn("인증번호가 맞지 않습니다", r.text)
        r = b.post("/track/verify", form({"csrf": csrf, "receipt": rn, "phone": "010-9090-8080",
                                          "code": code[:3] + " " + code[3:]}), headers=FORM)
        self.assertStatus(r, 303)
        self.assertEqual(r.header("Location"), "/track")
        self.assertNotIn(code, r.header("Location"))
        page = b.get("/track")
        self.assertIn('id="track-status"', page.text)
        self.assertIn("&lt;b&gt;가로등&lt;/b&gt;", page.text)
        # Without a CSRF token nothing is sent.
        n = len(self.codes_for(rn))
        r = self.anon().post("/track/code", form({"receipt": rn, "phone": "010-9090-8080"}),
                             headers=FORM)
        self.assertIn(r.status, (400, 403))
        self.assertEqual(len(self.codes_for(rn)), n)

    def test_track_page_in_english_and_its_errors(self):
        b = self.anon()
        page = b.get("/track", query={"lang": "en"})
        csrf = CSRF_RE.search(page.text).group(1)
        r = b.post("/track/code", form({"csrf": csrf, "receipt": "2503-000001", "phone": "abc"}),
                   headers=FORM)
        self.assertStatus(r, 400)
        self.assertIn('id="e-phone"', r.text)
        r = b.post("/track/verify", form({"csrf": csrf, "receipt": "2503-999999",
                                          "phone": "010-1111-2222", "code": "123456"}),
                   headers=FORM)
        self.assertStatus(r, 400)
        self.assertIn('id="phone-form"', r.text)


if __name__ == "__main__":
    unittest.main()

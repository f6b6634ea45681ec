"""
test_field_session.py - field sessions (src/api/session.h): a field
worker's phone stays signed in for weeks while office sessions end after
a working day; "이 기기에서 로그인 유지" on /field/login gives any other role a
long session with the field role's permissions only; disabling the user,
a new password and signing out end it; a report kept offline while the
session ran out is filed once after signing in again.

The server runs on a test clock (MINWON_NOW) that the tests move forward
with POST /api/v1/admin/clock, so each test signs its users in afresh.
"""

import re
import unittest

import harness
from test_web import urlencode

START = "2025-03-03T08:00:00+09:00"
DAY = 86400
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def max_age(r):
    """The Max-Age of the session cookie a response sets, or None."""
    for name, value in r.header_list:
        if name.lower() == "set-cookie" and value.startswith("mw_session="):
            m = re.search(r"Max-Age=(\d+)", value)
            return int(m.group(1)) if m else None
    return None


def field_report(**over):
    body = {"text": "쓰레기 무단투기 (현장 신고)", "category": "illegal_dumping",
            "channel": "field", "lat": 37.5006, "lon": 127.0364, "consent": {"privacy": True}}
    body.update(over)
    return body


class FieldSessionTest(harness.ServerTestCase, unittest.TestCase):

    server_env = {"MINWON_NOW": START}

    def advance(self, seconds):
        """Moves the test clock on (as a fresh admin: a jump may end the
        sessions of earlier ones)."""
        r = self.srv.client("admin").post("/api/v1/admin/clock", {"advance": seconds})
        self.assertStatus(r, 200)

    def add_user(self, login, role, **over):
        body = {"login": login, "role": role, "password": harness.PASSWORD, "create": True}
        body.update(over)
        r = self.srv.client("admin").post("/api/v1/admin/users", body)
        self.assertIn(r.status, (200, 201), repr(r))

    def page_sign_in(self, login, keep):
        """Signs in on the field app's own sign-in page; returns the client
        and the answer of the POST."""
        c = self.anon()
        r = c.get("/field/login")
        self.assertStatus(r, 200)
        fields = {"csrf": CSRF_RE.search(r.text).group(1), "login": login,
                  "password": harness.PASSWORD}
        if keep:
            fields["keep"] = "yes"
        return c, c.post("/field/login", urlencode(fields), headers=FORM)

    def whoami(self, c):
        r = c.get("/api/v1/session")
        if r.status == 200:
            c.csrf = r.json()["csrf"]
        return r

    # -- how long sessions live --------------------------------------------

    def test_a_field_session_outlives_three_days_an_office_session_does_not(self):
        field = self.anon()
        r = field.sign_in("field")
        self.assertStatus(r, 200)
        self.assertEqual((r.json()["session"], r.json()["role"]), ("field", "field"))
        self.assertEqual(max_age(r), 30 * DAY)     # a persistent cookie: survives closing the app
        officer = self.anon()
        r = officer.sign_in("officer")
        self.assertEqual((r.json()["session"], r.json()["role"]), ("office", "officer"))
        self.assertEqual(max_age(r), 12 * 3600)

        self.advance(3 * DAY)
        self.assertError(officer.get("/api/v1/queue"), 401, "unauthorized")
        self.assertStatus(self.whoami(field), 200)
        self.assertStatus(field.post("/api/v1/complaints", field_report()), 201)
        self.assertStatus(field.get("/field"), 200)

        # Used within the week it lives on; a week unused ends it.
        self.advance(6 * DAY)
        self.assertStatus(self.whoami(field), 200)
        self.advance(7 * DAY + 3600)
        self.assertError(field.get("/api/v1/session"), 401, "unauthorized")
        r = field.get("/field")
        self.assertStatus(r, 303)
        self.assertEqual(r.header("Location"), "/field/login")

    def test_a_field_session_ends_thirty_days_after_the_sign_in(self):
        field = self.srv.client("field")
        for days in (6, 6, 6, 6, 5):                # used every few days: day 29
            self.advance(days * DAY)
            self.assertStatus(self.whoami(field), 200)
        self.advance(DAY + 60)
        self.assertError(field.get("/api/v1/session"), 401, "unauthorized")

    # -- keep me signed in, with the field role's permissions only ---------

    def test_keep_signed_in_gives_another_role_only_the_field_permissions(self):
        receipt = self.file()["receipt_no"]         # a road complaint: the officer's department
        c, r = self.page_sign_in("officer", keep=True)
        self.assertStatus(r, 303, r.text[:400])
        self.assertEqual(r.header("Location"), "/field")
        self.assertEqual(max_age(r), 30 * DAY)
        me = self.whoami(c).json()
        self.assertEqual((me["role"], me["department"], me["session"]), ("field", None, "field"))
        # The officer's own powers are not in this session.
        self.assertError(c.staff_view(receipt), 403, "forbidden")
        self.assertError(c.action(receipt, "accept"), 403, "forbidden")
        self.assertError(c.get("/api/v1/staff/lookup", query={"phone": "010-1234-5678"}),
                         403, "forbidden")
        self.assertStatus(c.post("/api/v1/complaints", field_report()), 201)
        self.assertStatus(c.get("/field"), 200)
        self.assertStatus(c.get("/staff/c/%s" % receipt), 403)
        self.advance(3 * DAY)
        self.assertStatus(self.whoami(c), 200)

        # Without the box ticked: an ordinary office session of the officer.
        c, r = self.page_sign_in("officer", keep=False)
        self.assertStatus(r, 303)
        self.assertEqual(r.header("Location"), "/field")
        self.assertEqual(max_age(r), 12 * 3600)
        me = self.whoami(c).json()
        self.assertEqual((me["role"], me["session"]), ("officer", "office"))
        self.assertStatus(c.staff_view(receipt), 200)

    def test_a_role_without_the_field_permissions_cannot_keep_a_session(self):
        c, r = self.page_sign_in("auditor", keep=True)
        self.assertStatus(r, 403)
        self.assertIn('id="e-login"', r.text)
        self.assertIn("로그인 유지", r.text)
        self.assertIsNone(max_age(r))
        self.assertNotIn("mw_session", c.cookies)
        self.assertError(self.anon().post("/api/v1/session", {
            "login": "auditor", "password": harness.PASSWORD, "session": "field"}), 403, "forbidden")
        # A wrong password still says only that.
        self.assertError(self.anon().post("/api/v1/session", {
            "login": "auditor", "password": "wrong-password", "session": "field"}),
            401, "unauthorized")
        for bad in ("forever", "", 7, ["field"]):
            self.assertError(self.anon().post("/api/v1/session", {
                "login": "field", "password": harness.PASSWORD, "session": bad}), 400)

    def test_the_field_sign_in_page(self):
        r = self.anon().get("/field/login")
        self.assertStatus(r, 200)
        self.assertIn('action="/field/login"', r.text)
        self.assertIn('name="keep" type="checkbox" value="yes"', r.text)
        self.assertIn("30일", r.text)
        self.assertIn("field.webmanifest", r.text)
        self.assertIn("30 days", self.anon().get("/field/login?lang=en").text)
        # The staff entrance says the office limit, as configured.
        self.assertIn("30분", self.anon().get("/staff/login").text)
        # A phone already kept signed in goes on to the app.
        field = self.srv.client("field")
        self.assertEqual(field.get("/field/login").header("Location"), "/field")
        # The app signs out to its own sign-in.
        page = field.get("/field")
        r = field.post("/staff/logout", urlencode({"csrf": CSRF_RE.search(page.text).group(1),
                                                   "then": "field"}), headers=FORM)
        self.assertEqual((r.status, r.header("Location")), (303, "/field/login"))
        self.assertNotIn("mw_session", field.cookies)
        # Wrong password: the form again, with what was typed.
        c, r = self.page_sign_in("nobody", keep=True)
        self.assertStatus(r, 401)
        self.assertIn('value="nobody"', r.text)
        self.assertIn('name="keep" type="checkbox" value="yes" checked', r.text)

    # -- what ends a field session -----------------------------------------

    def test_disabling_the_user_a_new_password_or_signing_out_end_it(self):
        self.add_user("street1", "field")
        admin = self.srv.client("admin")
        field = self.srv.client("street1")
        other = self.srv.client("street1")          # a second phone
        r = admin.post("/api/v1/admin/users", {"login": "street1", "role": "field",
                                                "disabled": True})
        self.assertStatus(r, 200)
        self.assertError(field.get("/api/v1/session"), 401, "unauthorized")
        self.assertError(other.get("/api/v1/session"), 401, "unauthorized")
        # Enabled again, the old sessions stay ended.
        self.assertStatus(admin.post("/api/v1/admin/users", {
            "login": "street1", "role": "field", "disabled": False}), 200)
        self.assertError(field.get("/api/v1/session"), 401, "unauthorized")

        field = self.srv.client("street1")
        kept = self.srv.client("street1")
        # Saving the user without a new password keeps the sessions.
        self.assertStatus(admin.post("/api/v1/admin/users", {
            "login": "street1", "role": "field", "name": "김현장"}), 200)
        self.assertStatus(self.whoami(field), 200)
        self.assertStatus(admin.post("/api/v1/admin/users", {
            "login": "street1", "role": "field", "password": "A-new-password-2"}), 200)
        self.assertError(field.get("/api/v1/session"), 401, "unauthorized")
        self.assertError(kept.get("/api/v1/session"), 401, "unauthorized")

        field = self.srv.client("street1", password="A-new-password-2")
        self.assertEqual(self.whoami(field).json()["session"], "field")

    def test_sign_out_ends_the_session_on_the_server(self):
        field = self.srv.client("field")
        cookie = field.cookies["mw_session"]
        self.assertStatus(field.delete("/api/v1/session"), 204)
        copy = self.anon()
        copy.cookies["mw_session"] = cookie
        self.assertError(copy.get("/api/v1/session"), 401, "unauthorized")

    def test_a_role_changed_to_one_without_the_field_permissions_ends_it(self):
        self.add_user("street2", "field")
        field = self.srv.client("street2")
        self.assertStatus(self.srv.client("admin").post("/api/v1/admin/users", {
            "login": "street2", "role": "auditor"}), 200)
        self.assertError(field.get("/api/v1/session"), 401, "unauthorized")

    # -- the offline queue ---------------------------------------------------

    def test_a_report_kept_while_the_session_ran_out_is_filed_once_after_signing_in(self):
        field = self.srv.client("field")
        key = harness.new_key()
        body = field_report(text="보관했던 현장 신고: 폐가구 무단투기")
        self.advance(31 * DAY)
        # The outbox sends: the session has ended, the app asks to sign in.
        self.assertError(field.post("/api/v1/complaints", body, headers={"Idempotency-Key": key}),
                         401, "unauthorized")
        c, r = self.page_sign_in("field", keep=False)
        self.assertStatus(r, 303)
        self.assertEqual(max_age(r), 30 * DAY)     # the field role always keeps the device
        self.whoami(c)
        first = c.post("/api/v1/complaints", body, headers={"Idempotency-Key": key})
        self.assertStatus(first, 201)
        again = c.post("/api/v1/complaints", body, headers={"Idempotency-Key": key})
        self.assertStatus(again, 201)
        self.assertEqual(again.header("Idempotent-Replayed"), "true")
        self.assertEqual(again.json()["receipt_no"], first.json()["receipt_no"])
        mine = [i for i in c.get("/api/v1/queue", query={"limit": 100}).json()["items"]
                if i["title"].startswith("보관했던 현장 신고")]
        self.assertEqual(len(mine), 1)


class SessionSettingsTest(harness.ServerTestCase, unittest.TestCase):
    """The limits are settings of minwon serve: flags and the environment."""

    server_args = ("--field-session-max", "2d", "--session-max", "1h")
    server_env = {"MINWON_NOW": START, "MINWON_FIELD_SESSION_IDLE": "1d"}

    def test_limits_from_flags_and_environment(self):
        field = self.anon()
        self.assertEqual(max_age(field.sign_in("field")), 2 * DAY)
        officer = self.anon()
        self.assertEqual(max_age(officer.sign_in("officer")), 3600)
        self.assertIn("2일", self.anon().get("/field/login").text)
        r = self.srv.client("admin").post("/api/v1/admin/clock", {"advance": 3601})
        self.assertStatus(r, 200)
        self.assertError(officer.get("/api/v1/session"), 401, "unauthorized")
        self.assertStatus(field.get("/api/v1/session"), 200)
        r = self.srv.client("admin").post("/api/v1/admin/clock", {"advance": DAY + 60})
        self.assertError(field.get("/api/v1/session"), 401, "unauthorized")

    def test_bad_values_are_refused_at_start(self):
        for args, env in ((("--field-session-max", "91d"), {}),
                          (("--session-idle", "0"), {}),
                          ((), {"MINWON_SESSION_MAX": "12 hours"})):
            srv = harness.Server(db=self.srv.db, extra_args=args, env=env)
            try:
                with self.assertRaises(harness.ServerError) as cm:
                    srv.start()
                self.assertIn("length of time", str(cm.exception))
            finally:
                srv.cleanup()


if __name__ == "__main__":
    unittest.main()

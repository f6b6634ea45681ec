"""
test_notify.py - the test clock, the outbox and its channels, the staff
inbox and the deadline monitor (issue #5), against real receivers: an SMTP
server (Debian's python3-aiosmtpd) and a local HTTP server standing in for
the SMS gateway, the 알림톡 relay and webhook consumers.

No test asserts on timings: waits poll for a condition with a generous
limit, and the deadline tests move the server's test clock.
"""

import datetime
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import complaint_body  # noqa: E402

KST = datetime.timezone(datetime.timedelta(hours=9))
START = "2025-01-24T17:00:00+09:00"      # a Friday before the 2025 설날 holidays


def kst(s):
    return datetime.datetime.fromisoformat(s)


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


if __name__ == "__main__":
    unittest.main()

"""
test_durability.py - acknowledged means durable, and retries are safe.

Eight client threads file complaints, each logical complaint with its own
Idempotency-Key, retrying with the same key (and the same body) on any
connection error until they get a 201. Meanwhile the server is killed with
SIGKILL three times and restarted on the same database. At the end:

  * every acknowledged receipt is readable with its token, with its text;
  * a replay of an acknowledged key returns the same receipt and token;
  * no key produced two complaints: the database holds exactly one
    complaint per key (staff queue as admin, and /metrics).
"""

import http.client
import json
import os
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import complaint_body  # noqa: E402

THREADS = 8
KILLS = 3
RUN_BETWEEN_KILLS = 1.0   # seconds of load before each SIGKILL
PACE = 0.02               # pause between one thread's complaints (bounds the work)
MAX_PER_THREAD = 1000


class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.port = None
        self.stop = threading.Event()
        self.acked = {}          # key -> (receipt, token, text)
        self.attempted = set()   # every key ever sent
        self.errors = []
        self.retries = 0
        self.replayed = 0


def post_once(port, key, payload):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=harness.timeout(10))
    try:
        conn.request("POST", "/api/v1/complaints", body=payload,
                     headers={"Content-Type": "application/json", "Idempotency-Key": key})
        r = conn.getresponse()
        return r.status, r.getheader("Idempotent-Replayed"), r.read()
    finally:
        conn.close()


def client_thread(sh, n):
    seq = 0
    while not sh.stop.is_set() and seq < MAX_PER_THREAD:
        seq += 1
        key = "dur-%d-%d-%s" % (n, seq, uuid.uuid4().hex[:8])
        text = "내구성 시험 민원 %s: 가로등이 꺼져 있습니다." % key
        payload = json.dumps(complaint_body(title=key, text=text, category="streetlight"),
                             ensure_ascii=False).encode("utf-8")
        with sh.lock:
            sh.attempted.add(key)
        # Retry this key until it is acknowledged, however long the server is away.
        deadline = time.monotonic() + harness.timeout(60)
        while True:
            if time.monotonic() > deadline:
                with sh.lock:
                    sh.errors.append("%s: never acknowledged" % key)
                return
            port = sh.port
            try:
                status, replayed, body = post_once(port, key, payload)
            except (OSError, http.client.HTTPException):
                with sh.lock:
                    sh.retries += 1
                time.sleep(0.05)
                continue
            if status == 201:
                j = json.loads(body)
                with sh.lock:
                    sh.acked[key] = (j["receipt_no"], j["token"], text)
                    if replayed == "true":
                        sh.replayed += 1
                break
            if status == 503:
                time.sleep(0.05)
                continue
            with sh.lock:
                sh.errors.append("%s: %d %r" % (key, status, body[:300]))
            return
        time.sleep(PACE)


class DurabilityTest(unittest.TestCase):

    def setUp(self):
        self.srv = harness.Server()

    def tearDown(self):
        srv, self.srv = self.srv, None
        srv.finish()

    def test_kill_and_retry(self):
        srv, sh = self.srv, Shared()
        srv.start()
        sh.port = srv.port
        threads = [threading.Thread(target=client_thread, args=(sh, i), daemon=True)
                   for i in range(THREADS)]
        for t in threads:
            t.start()
        acked_at_kill = []
        try:
            for _ in range(KILLS):
                time.sleep(RUN_BETWEEN_KILLS)
                self.assertTrue(all(t.is_alive() for t in threads),
                                "client threads ended before the kills")
                with sh.lock:
                    acked_at_kill.append(dict(sh.acked))
                    retries_before = sh.retries
                srv.kill()
                time.sleep(0.2)   # clients see refused connections meanwhile
                srv.start()
                sh.port = srv.port
                self.assertGreater(sh.retries, retries_before, "a kill went unnoticed")
                # Everything acknowledged before the kill survived it.
                anon = srv.client()
                for key, (rn, tok, text) in list(acked_at_kill[-1].items())[-50:]:
                    r = anon.get("/api/v1/complaints/%s" % rn, query={"token": tok})
                    self.assertEqual(r.status, 200, "%s lost after SIGKILL: %r" % (rn, r))
            time.sleep(RUN_BETWEEN_KILLS)
        finally:
            sh.stop.set()
            for t in threads:
                t.join(timeout=harness.timeout(90))
        self.assertFalse([t for t in threads if t.is_alive()], "client threads hung")
        self.assertEqual(sh.errors, [])
        self.assertEqual(set(sh.acked), sh.attempted, "some keys were never acknowledged")
        self.assertGreater(len(acked_at_kill[0]), 0, "no complaint acknowledged before a kill")
        self.assertGreater(sh.retries, 0, "no client ever had to retry: kills had no effect")
        sys.stderr.write("[%d complaints, %d retries, %d replays] "
                         % (len(sh.acked), sh.retries, sh.replayed))

        # 1. Every acknowledged receipt reads back with its token and text.
        anon = srv.client()
        receipts = {}
        for key, (rn, tok, text) in sh.acked.items():
            r = anon.get("/api/v1/complaints/%s" % rn, query={"token": tok})
            self.assertEqual(r.status, 200, "%s (key %s): %r" % (rn, key, r))
            v = r.json()
            self.assertEqual(v["text"], text)
            self.assertEqual(v["title"], key)
            self.assertEqual(v["status"], "received")
            receipts.setdefault(rn, []).append(key)
        dup = {rn: keys for rn, keys in receipts.items() if len(keys) > 1}
        self.assertEqual(dup, {}, "one receipt acknowledged for several keys")

        # 2. Replaying acknowledged keys gives back the same receipt and token.
        sample = list(sh.acked.items())
        for key, (rn, tok, text) in sample[:: max(1, len(sample) // 40)]:
            payload = json.dumps(complaint_body(title=key, text=text, category="streetlight"),
                                 ensure_ascii=False).encode("utf-8")
            status, replayed, body = post_once(srv.port, key, payload)
            self.assertEqual(status, 201, body)
            self.assertEqual(replayed, "true")
            j = json.loads(body)
            self.assertEqual((j["receipt_no"], j["token"]), (rn, tok))

        # 3. Exactly one complaint per key in the database.
        admin = srv.client("admin")
        titles, cursor = [], None
        for _ in range(1000):
            q = {"status": "any", "limit": 100}
            if cursor:
                q["cursor"] = cursor
            r = admin.get("/api/v1/queue", query=q)
            self.assertEqual(r.status, 200, repr(r))
            j = r.json()
            titles.extend(i["title"] for i in j["items"])
            cursor = j["next_cursor"]
            if not cursor:
                break
        counts = {}
        for t in titles:
            counts[t] = counts.get(t, 0) + 1
        twice = {t: n for t, n in counts.items() if n > 1}
        self.assertEqual(twice, {}, "keys that produced more than one complaint")
        self.assertEqual(set(counts), set(sh.acked), "queue and acknowledged keys differ")
        self.assertEqual(len(titles), len(sh.attempted))

        metrics = admin.get("/metrics").text
        total = sum(float(line.rpartition(" ")[2]) for line in metrics.splitlines()
                    if line.startswith("minwon_complaints{"))
        self.assertEqual(int(total), len(sh.attempted))

    def test_clean_restart_keeps_sessions_and_data(self):
        srv = self.srv
        srv.start()
        c = srv.client("officer")
        j = srv.client().post("/api/v1/complaints", complaint_body()).json()
        r = c.action(j["receipt_no"], "start")
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(srv.stop(), [])
        srv.start()
        c.port = srv.port
        v = c.staff_view(j["receipt_no"])
        self.assertEqual(v.status, 200, repr(v))
        self.assertEqual(v.json()["status"], "in_progress")


if __name__ == "__main__":
    unittest.main()

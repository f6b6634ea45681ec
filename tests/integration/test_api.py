"""
test_api.py - the HTTP API end to end: citizen intake and status view,
idempotent retries, the whole lifecycle through the staff API, access
control on records, contact unmasking and its access log, the queue's
keyset pagination, metrics, and sessions (lockout, logout).
"""

import datetime
import json
import os
import sqlite3
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import DROP, complaint_body, parse_kst  # noqa: E402

KST = datetime.timezone(datetime.timedelta(hours=9))


def uniq(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def unique_phone():
    """A mobile number no other test uses (010-5xxx-xxxx)."""
    n = uuid.uuid4().int % 10**7
    return "010-5%03d-%04d" % (n // 10**4, n % 10**4)


def in_working_time(t):
    """Is datetime t inside 09:00-12:00 or 13:00-18:00 KST on a weekday?
    (Public holidays are checked by the caller.)"""
    k = t.astimezone(KST)
    if k.weekday() >= 5:
        return False
    sec = k.hour * 3600 + k.minute * 60 + k.second
    return 9 * 3600 <= sec < 12 * 3600 or 13 * 3600 <= sec < 18 * 3600


class IntakeTest(harness.ServerTestCase, unittest.TestCase):

    def test_intake_answer_fields(self):
        before = datetime.datetime.now(KST)
        r = self.anon().post("/api/v1/complaints", complaint_body())
        self.assertStatus(r, 201)
        self.assertTrue(r.header("Content-Type").startswith("application/json"))
        j = r.json()
        for k in ("receipt_no", "token", "status", "category", "department", "due_at",
                  "track_url"):
            self.assertIn(k, j)
        self.assertRegex(j["receipt_no"], harness.RECEIPT_RE)
        # The receipt starts with the KST year and month of filing (YYMM).
        self.assertIn(j["receipt_no"][:4], {before.strftime("%y%m"),
                                            datetime.datetime.now(KST).strftime("%y%m")})
        self.assertRegex(j["token"], harness.TOKEN_RE)
        self.assertGreaterEqual(len(j["token"]), 22)
        self.assertEqual(j["status"], "received")
        self.assertEqual(j["category"], "road_damage")
        self.assertEqual(j["department"], "road")
        self.assertRegex(j["due_at"], harness.KST_RE)
        due = parse_kst(j["due_at"])
        self.assertGreater(due, before)
        # road_damage is a 7-day category: due within 7..16 calendar days.
        self.assertLess(due - before, datetime.timedelta(days=16))
        self.assertGreater(due - before, datetime.timedelta(days=6))
        # The tracking page, with the token in the fragment (never sent to a server).
        self.assertTrue(j["track_url"].endswith("/track#%s.%s" % (j["receipt_no"], j["token"])),
                        j["track_url"])
        self.assertIsNone(r.header("Idempotent-Replayed"))

    def test_receipts_are_distinct_and_increasing(self):
        a = self.file()
        b = self.file()
        self.assertNotEqual(a["receipt_no"], b["receipt_no"])
        self.assertNotEqual(a["token"], b["token"])
        if a["receipt_no"][:4] == b["receipt_no"][:4]:
            self.assertLess(int(a["receipt_no"][5:]), int(b["receipt_no"][5:]))

    def test_no_category_goes_to_triage(self):
        j = self.file(category=DROP)
        self.assertEqual(j["category"], "triage")
        self.assertEqual(j["department"], "triage")
        j = self.file(category="")
        self.assertEqual(j["category"], "triage")

    def test_triage_cannot_be_chosen_by_citizen(self):
        r = self.anon().post("/api/v1/complaints", complaint_body(category="triage"))
        self.assertError(r, 400, "invalid")

    def test_title_derived_from_text(self):
        j = self.file(title=DROP, text="첫 줄이 제목이 됩니다\n둘째 줄")
        v = self.citizen_view(j["receipt_no"], j["token"]).json()
        self.assertEqual(v["title"], "첫 줄이 제목이 됩니다…")
        self.assertEqual(v["text"], "첫 줄이 제목이 됩니다\n둘째 줄")

    def test_status_view_has_no_contact_data(self):
        name, email = "김비밀" + uuid.uuid4().hex[:4], uniq("secret") + "@example.kr"
        phone = unique_phone()
        j = self.file(contact={"name": name, "phone": phone, "email": email},
                      text="연락처가 보이면 안 되는 민원입니다.")
        r = self.citizen_view(j["receipt_no"], j["token"])
        self.assertStatus(r, 200)
        v = r.json()
        self.assertEqual(v["receipt_no"], j["receipt_no"])
        self.assertEqual(v["status"], "received")
        self.assertEqual(v["text"], "연락처가 보이면 안 되는 민원입니다.")
        self.assertEqual(v["due_at"], j["due_at"])
        self.assertFalse(v["clock_stopped"])
        self.assertEqual([e["kind"] for e in v["timeline"]], ["received"])
        self.assertNotIn("contact", v)
        raw = r.body.decode("utf-8")
        digits = phone.replace("-", "")
        for secret in (name, email, phone, digits, digits[-4:] + '"', email.split("@")[0]):
            self.assertNotIn(secret, raw)
        # Not even in escaped form.
        raw_ascii = json.dumps(v, ensure_ascii=True)
        self.assertNotIn(json.dumps(name, ensure_ascii=True).strip('"'), raw_ascii)
        for ev in v["timeline"]:
            self.assertNotIn("actor", ev)

    def test_wrong_token_and_unknown_receipt_look_the_same(self):
        j = self.file()
        other = self.file()
        anon = self.anon()
        bad_token = anon.get("/api/v1/complaints/%s" % j["receipt_no"],
                             query={"token": "A" * len(j["token"])})
        unknown = anon.get("/api/v1/complaints/%s" % "9912-999999",
                           query={"token": "A" * len(j["token"])})
        crossed = anon.get("/api/v1/complaints/%s" % j["receipt_no"],
                           query={"token": other["token"]})
        no_token = anon.get("/api/v1/complaints/%s" % j["receipt_no"])
        short_token = anon.get("/api/v1/complaints/%s" % j["receipt_no"], query={"token": "x"})
        for r in (bad_token, unknown, crossed, no_token, short_token):
            self.assertError(r, 404, "not_found")
            self.assertEqual(r.body, bad_token.body)
        # The right pair still works, and the token works in a header too.
        self.assertStatus(self.citizen_view(j["receipt_no"], j["token"]), 200)
        r = anon.get("/api/v1/complaints/%s" % j["receipt_no"],
                     headers={"X-Complaint-Token": j["token"]})
        self.assertStatus(r, 200)

    def test_idempotent_retry(self):
        key = harness.new_key()
        body = complaint_body(text="같은 키로 두 번 보냅니다 " + key)
        anon = self.anon()
        r1 = anon.post("/api/v1/complaints", body, headers={"Idempotency-Key": key})
        self.assertStatus(r1, 201)
        self.assertIsNone(r1.header("Idempotent-Replayed"))
        r2 = anon.post("/api/v1/complaints", body, headers={"Idempotency-Key": key})
        self.assertStatus(r2, 201)
        self.assertEqual(r2.header("Idempotent-Replayed"), "true")
        j1, j2 = r1.json(), r2.json()
        self.assertEqual(j1["receipt_no"], j2["receipt_no"])
        self.assertEqual(j1["token"], j2["token"])
        self.assertEqual(j1["due_at"], j2["due_at"])
        self.assertStatus(self.citizen_view(j2["receipt_no"], j2["token"]), 200)
        # Same key, different body: refused, nothing new filed.
        r3 = anon.post("/api/v1/complaints", complaint_body(text="다른 내용 " + key),
                       headers={"Idempotency-Key": key})
        self.assertError(r3, 422, "idempotency_key_reused")
        # A different key files a new complaint.
        r4 = anon.post("/api/v1/complaints", body, headers={"Idempotency-Key": key + "x"})
        self.assertStatus(r4, 201)
        self.assertNotEqual(r4.json()["receipt_no"], j1["receipt_no"])
        self.assertIsNone(r4.header("Idempotent-Replayed"))

    def test_concurrent_retries_with_one_key(self):
        key = harness.new_key()
        body = complaint_body(text="동시에 같은 키 " + key)
        results, lock = [], threading.Lock()

        def send():
            r = self.anon().post("/api/v1/complaints", body, headers={"Idempotency-Key": key})
            with lock:
                results.append(r)

        threads = [threading.Thread(target=send) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([r.status for r in results], [201] * 12, results)
        self.assertEqual(len({(r.json()["receipt_no"], r.json()["token"]) for r in results}), 1)
        self.assertEqual(len([r for r in results if r.header("Idempotent-Replayed") is None]), 1)
        self.assertEqual(len([r for r in results if r.header("Idempotent-Replayed") == "true"]),
                         11)

    def test_idempotency_key_format(self):
        r = self.anon().post("/api/v1/complaints", complaint_body(),
                             headers={"Idempotency-Key": "x" * 129})
        self.assertError(r, 400, "invalid")

    def test_categories_public(self):
        r = self.anon().get("/api/v1/categories")
        self.assertStatus(r, 200)
        codes = {c["code"]: c for c in r.json()["items"]}
        self.assertIn("road_damage", codes)
        self.assertEqual(codes["road_damage"]["department"], "road")
        self.assertNotIn("triage", codes)

    def test_healthz(self):
        r = self.anon().get("/healthz")
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["status"], "ok")
        self.assertGreaterEqual(r.json()["schema_version"], 1)


class LifecycleTest(harness.ServerTestCase, unittest.TestCase):
    """The lifecycle through the staff API, with the legal clock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.as_user("admin")
        # A road category with a 3-day period: 5 days or less count in
        # working hours, so a pause (보완) is visible in the due time.
        r = admin.post("/api/v1/admin/categories",
                       {"code": "road_quick", "name_ko": "도로 긴급보수", "department": "road",
                        "period": "3d"})
        assert r.status == 200, r

    def setUp(self):
        self.manager = self.as_user("manager")
        self.officer = self.as_user("officer")
        self.officer2 = self.as_user("officer2")
        self.admin = self.as_user("admin")

    def act(self, client, ident, type_, expect=200, **fields):
        r = client.action(ident, type_, **fields)
        self.assertEqual(r.status, expect, "%s %s: %r" % (client.login_name, type_, r))
        return r.json()

    def holidays(self):
        r = self.admin.get("/api/v1/admin/holidays")
        self.assertStatus(r, 200)
        return {h["date"] for h in r.json()["items"]}

    def test_full_lifecycle(self):
        c = self.file(category="road_quick", text="가로수 쓰러짐 " + uniq("lc"))
        rn, tok = c["receipt_no"], c["token"]
        self.assertEqual(c["department"], "road")
        due0 = parse_kst(c["due_at"])

        # Only a manager assigns.
        r = self.officer.action(rn, "assign", assignee="officer")
        self.assertError(r, 403, "forbidden")
        a = self.act(self.manager, rn, "assign", assignee="officer")
        self.assertEqual(a["status"], "assigned")
        self.assertEqual(a["receipt_no"], rn)
        self.assertEqual(a["department"], "road")
        v = self.officer.staff_view(rn).json()
        self.assertEqual(v["assignee"], "officer")
        self.assertEqual(v["version"], a["version"])

        a = self.act(self.officer, rn, "start")
        self.assertEqual(a["status"], "in_progress")

        # 보완 요청: the clock stops.
        t_pause = datetime.datetime.now(KST)
        a = self.act(self.officer, rn, "request_info", text="사진을 첨부해 주세요.")
        self.assertEqual(a["status"], "needs_info")
        self.assertIsNone(a["due_at"])
        v = self.citizen_view(rn, tok).json()
        self.assertEqual(v["status"], "needs_info")
        self.assertTrue(v["clock_stopped"])
        self.assertIsNone(v["due_at"])
        self.assertIn("사진을 첨부해 주세요.", [e["text"] for e in v["timeline"]])
        sv = self.officer.staff_view(rn).json()
        self.assertTrue(sv["clock_stopped"])
        self.assertIsNone(sv["due_at"])
        self.assertIn("extend", sv["allowed_actions"])
        self.assertIn("resume", sv["allowed_actions"])
        # Asking again or closing waits for the end of the 보완 period.
        for t in ("request_info", "close"):
            r = self.officer.action(rn, t, text="기한 전에는 안 됩니다")
            self.assertError(r, 409, "transition_not_allowed")
            self.assertIn("the citizen has until", r.json()["error"]["message"])

        time.sleep(2.1)
        # The citizen's message while 보완 is asked for restarts the clock.
        r = self.anon().post("/api/v1/complaints/%s/messages" % rn,
                             {"text": "사진 대신 위치를 자세히 적습니다.", "token": tok})
        self.assertStatus(r, 200)
        a = r.json()
        t_resume = datetime.datetime.now(KST)
        self.assertEqual(a["status"], "in_progress")
        self.assertEqual(a["action"], "provide_info")
        self.assertIsNotNone(a["due_at"])
        due1 = parse_kst(a["due_at"])
        self.assertGreaterEqual(due1, due0)
        # In working time the paused seconds are added to the due time.
        hol = self.holidays()
        if (in_working_time(t_pause) and in_working_time(t_resume)
                and t_pause.date() == t_resume.date()
                and t_pause.strftime("%Y-%m-%d") not in hol
                and (t_resume - t_pause).total_seconds() >= 3):
            self.assertGreater(due1, due0, "the pause in working time did not move the due")
        v = self.citizen_view(rn, tok).json()
        self.assertFalse(v["clock_stopped"])
        self.assertEqual(parse_kst(v["due_at"]), due1)

        # First extension: a reason is enough; the due moves.
        r = self.officer.action(rn, "extend", period="1d")
        self.assertError(r, 400)  # no reason
        a = self.act(self.officer, rn, "extend", text="현장 확인이 필요합니다.", period="1d")
        due2 = parse_kst(a["due_at"])
        self.assertGreater(due2, due1)
        self.assertEqual(self.officer.staff_view(rn).json()["extensions"], 1)
        # Second: needs the citizen's consent.
        r = self.officer.action(rn, "extend", text="자재 수급 지연", period="1d")
        self.assertStatus(r, 409)
        self.assertErrorBody(r)
        a = self.act(self.officer, rn, "extend", text="자재 수급 지연", period="1d",
                     citizen_consent=True)
        due3 = parse_kst(a["due_at"])
        self.assertGreater(due3, due2)
        # Third: never.
        r = self.officer.action(rn, "extend", text="또 연장", period="1d", citizen_consent=True)
        self.assertStatus(r, 409)
        self.assertErrorBody(r)
        sv = self.officer.staff_view(rn).json()
        self.assertEqual(sv["extensions"], 2)
        self.assertEqual(parse_kst(sv["due_at"]), due3)

        # 중간 통보 is public.
        notice = "부품 도착 후 처리 예정입니다 " + uniq("n")
        self.act(self.officer, rn, "interim_notice", text=notice)
        v = self.citizen_view(rn, tok).json()
        kinds = [(e["kind"], e["text"]) for e in v["timeline"]]
        self.assertIn(("interim_notice", notice), kinds)
        self.assertIn("extend", [k for k, _ in kinds])

        # Cooperation with parking: officer2 reads and replies, nothing more.
        self.assertError(self.officer2.staff_view(rn), 403, "forbidden")
        a = self.act(self.officer, rn, "cooperate", department="parking",
                     text="주차 단속 협조 바랍니다.")
        self.assertIn("cooperation_due_at", a)
        self.assertEqual(a["status"], "in_progress")
        r = self.officer2.staff_view(rn)
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["receipt_no"], rn)
        # A department asked only for cooperation sees no contact data.
        self.assertIsNone(r.json()["contact"])
        self.assertError(self.officer2.staff_view(rn, reveal="1", reason="회신용"), 403)
        r = self.officer2.action(rn, "answer", text="저희가 답합니다")
        self.assertError(r, 403, "forbidden")
        r = self.officer2.action(rn, "extend", text="x", period="1d", citizen_consent=True)
        self.assertError(r, 403, "forbidden")
        self.act(self.officer2, rn, "cooperation_reply", text="단속반 배치 완료")
        sv = self.officer.staff_view(rn).json()
        self.assertEqual(len(sv["cooperations"]), 1)
        self.assertEqual(sv["cooperations"][0]["department"], "parking")
        self.assertEqual(sv["cooperations"][0]["reply"], "단속반 배치 완료")
        self.assertIsNotNone(sv["cooperations"][0]["replied_at"])
        # A cooperation reply is internal.
        v = self.citizen_view(rn, tok).json()
        self.assertNotIn("단속반 배치 완료", json.dumps(v, ensure_ascii=False))

        # Answer; an unsatisfied rating reopens (재검토).
        self.act(self.officer, rn, "answer", text="보수를 완료했습니다.")
        v = self.citizen_view(rn, tok).json()
        self.assertEqual(v["status"], "answered")
        self.assertEqual(v["answer"], "보수를 완료했습니다.")
        r = self.anon().post("/api/v1/complaints/%s/rating" % rn,
                             {"rating": 2, "comment": "아직 흔들립니다", "token": tok})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["status"], "reopened")
        self.assertIsNotNone(r.json()["due_at"])
        v = self.citizen_view(rn, tok).json()
        self.assertEqual(v["status"], "reopened")

        # Second answer, satisfied rating: closed.
        self.act(self.officer, rn, "answer", text="재시공을 완료했습니다.")
        r = self.anon().post("/api/v1/complaints/%s/rating" % rn,
                             {"rating": 5, "token": tok})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["status"], "closed")
        v = self.citizen_view(rn, tok).json()
        self.assertEqual(v["status"], "closed")
        self.assertEqual(v["rating"], 5)
        self.assertIsNotNone(v["closed_at"])

    def test_rating_twice_refused(self):
        c = self.file()
        rn, tok = c["receipt_no"], c["token"]
        self.act(self.officer, rn, "start")
        self.act(self.officer, rn, "answer", text="처리했습니다")
        r = self.anon().post("/api/v1/complaints/%s/rating" % rn, {"rating": 4, "token": tok})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["status"], "closed")
        r = self.anon().post("/api/v1/complaints/%s/rating" % rn, {"rating": 1, "token": tok})
        self.assertStatus(r, 409)
        self.assertErrorBody(r)
        self.assertEqual(self.citizen_view(rn, tok).json()["rating"], 4)

    def test_illegal_transitions(self):
        c = self.file()
        rn, tok = c["receipt_no"], c["token"]
        allowed = self.officer.staff_view(rn).json()["allowed_actions"]
        self.assertIn("start", allowed)
        self.assertNotIn("answer", allowed)
        for t in ("answer", "close", "reopen", "request_info"):
            r = self.officer.action(rn, t, text="불가능한 전이")
            err = self.assertError(r, 409, "transition_not_allowed")
            self.assertIsInstance(err.get("allowed"), list, repr(r))
            self.assertEqual(sorted(err["allowed"]), sorted(allowed))
            self.assertNotIn(t, err["allowed"])
        # The citizen cannot rate what has not been answered.
        r = self.anon().post("/api/v1/complaints/%s/rating" % rn, {"rating": 5, "token": tok})
        err = self.assertError(r, 409, "transition_not_allowed")
        self.assertIn("allowed", err)
        # Unknown action types are a 400.
        self.assertError(self.officer.action(rn, "explode"), 400, "invalid")
        # Nothing changed.
        v = self.officer.staff_view(rn).json()
        self.assertEqual(v["status"], "received")
        self.assertEqual(v["version"], 1)

    def test_assign_checks_the_assignee(self):
        c = self.file()
        rn = c["receipt_no"]
        self.assertError(self.manager.action(rn, "assign"), 400, "missing_field")
        self.assertError(self.manager.action(rn, "assign", assignee="nobody"), 400, "invalid")
        # officer2 is in parking, the complaint in road.
        self.assertError(self.manager.action(rn, "assign", assignee="officer2"), 400, "invalid")
        self.assertError(self.manager.action(rn, "assign", assignee="desk"), 400, "invalid")
        self.assertEqual(self.officer.staff_view(rn).json()["version"], 1)
        a = self.act(self.manager, rn, "assign", assignee="manager")
        self.assertEqual(a["status"], "assigned")
        # Re-assigning within the department is allowed.
        a = self.act(self.manager, rn, "assign", assignee="officer")
        self.assertEqual(self.officer.staff_view(rn).json()["assignee"], "officer")

    def test_staff_cannot_take_citizen_actions(self):
        # action.def marks withdraw, provide_info, message and rate as the
        # citizen's (who = CITIZEN); the staff action API must refuse them.
        c = self.file()
        rn = c["receipt_no"]
        r = self.officer.action(rn, "withdraw", text="담당자가 대신 취하")
        self.assertIn(r.status, (400, 403),
                      "POST /api/v1/staff/complaints/%s/actions {type: withdraw} as officer: %r"
                      % (rn, r))
        self.assertErrorBody(r)
        self.assertEqual(self.officer.staff_view(rn).json()["status"], "received")
        self.act(self.officer, rn, "start")
        self.act(self.officer, rn, "request_info", text="서류를 보내 주세요")
        r = self.officer.action(rn, "provide_info", text="담당자가 대신 보완")
        self.assertIn(r.status, (400, 403), "staff provide_info restarted the clock: %r" % r)
        v = self.officer.staff_view(rn).json()
        self.assertEqual(v["status"], "needs_info")
        self.assertTrue(v["clock_stopped"])

    def test_close_and_reopen(self):
        c = self.file()
        rn, tok = c["receipt_no"], c["token"]
        self.act(self.officer, rn, "start")
        self.act(self.officer, rn, "answer", text="처리 완료")
        a = self.act(self.officer, rn, "close")
        self.assertEqual(a["status"], "closed")
        v = self.citizen_view(rn, tok).json()
        self.assertEqual(v["status"], "closed")
        self.assertIsNotNone(v["closed_at"])
        self.assertError(self.officer.action(rn, "answer", text="또"), 409,
                         "transition_not_allowed")
        before = datetime.datetime.now(KST)
        a = self.act(self.manager, rn, "reopen", text="재검토 지시")
        self.assertEqual(a["status"], "reopened")
        self.assertGreater(parse_kst(a["due_at"]), before)
        v = self.citizen_view(rn, tok).json()
        self.assertIsNone(v["closed_at"])
        self.assertEqual(v["status"], "reopened")
        self.act(self.officer, rn, "answer", text="재검토 결과 답변")
        self.assertEqual(self.citizen_view(rn, tok).json()["answer"], "재검토 결과 답변")

    def test_if_match_stale(self):
        c = self.file()
        rn = c["receipt_no"]
        r = self.officer.staff_view(rn)
        v = r.json()["version"]
        self.assertEqual(r.header("ETag"), '"%d"' % v)
        a = self.act(self.officer, rn, "note", text="첫 메모", if_match=v)
        self.assertEqual(a["version"], v + 1)
        r = self.officer.action(rn, "note", text="오래된 화면에서 쓴 메모", if_match=v)
        self.assertError(r, 409, "stale_version")
        r = self.officer.action(rn, "start", if_match=v)
        self.assertError(r, 409, "stale_version")
        self.assertEqual(self.officer.staff_view(rn).json()["status"], "received")
        a = self.act(self.officer, rn, "start", if_match=v + 1)
        self.assertEqual(a["status"], "in_progress")
        r = self.officer.post("/api/v1/staff/complaints/%s/actions" % rn,
                              {"type": "note", "text": "x"}, headers={"If-Match": '"abc"'})
        self.assertError(r, 400, "invalid")

    def test_transfer_to_department(self):
        c = self.file()
        rn, tok = c["receipt_no"], c["token"]
        self.act(self.officer, rn, "start")
        r = self.officer.action(rn, "transfer", department="parking")
        self.assertError(r, 400)   # a reason is required
        r = self.officer.action(rn, "transfer", department="road", text="같은 부서")
        self.assertError(r, 400)
        r = self.officer.action(rn, "transfer", department="no_such_dept", text="x")
        self.assertError(r, 400, "invalid")
        a = self.act(self.officer, rn, "transfer", department="parking",
                     text="주차관리과 소관입니다.")
        self.assertEqual(a["department"], "parking")
        self.assertEqual(a["status"], "assigned")
        # The due time keeps running within the office.
        self.assertEqual(a["due_at"], c["due_at"])
        self.assertError(self.officer.staff_view(rn), 403, "forbidden")
        self.assertError(self.manager.staff_view(rn), 403, "forbidden")
        self.assertError(self.officer.action(rn, "note", text="아직 내 것?"), 403, "forbidden")
        v = self.officer2.staff_view(rn)
        self.assertStatus(v, 200)
        self.assertEqual(v.json()["department"], "parking")
        self.assertIsNone(v.json()["assignee"])
        self.act(self.officer2, rn, "start")
        cv = self.citizen_view(rn, tok).json()
        self.assertEqual(cv["department"], "parking")
        # Queues follow: parking's has it, road's not.
        road = self.officer.get("/api/v1/queue", query={"limit": 100}).json()["items"]
        parking = self.officer2.get("/api/v1/queue", query={"limit": 100}).json()["items"]
        self.assertNotIn(rn, [i["receipt_no"] for i in road])
        self.assertIn(rn, [i["receipt_no"] for i in parking])

    def test_transfer_to_agency(self):
        c = self.file()
        rn, tok = c["receipt_no"], c["token"]
        a = self.act(self.officer, rn, "transfer", agency="서울특별시 도시기반시설본부",
                     text="시 관리 도로입니다.")
        self.assertEqual(a["status"], "transferred")
        v = self.citizen_view(rn, tok).json()
        self.assertEqual(v["status"], "transferred")
        self.assertEqual(v["transferred_to"], "서울특별시 도시기반시설본부")
        self.assertIsNotNone(v["closed_at"])
        self.assertError(self.officer.action(rn, "start"), 409, "transition_not_allowed")
        r = self.anon().post("/api/v1/complaints/%s/messages" % rn,
                             {"text": "추가", "token": tok})
        self.assertStatus(r, 409)

    def test_withdraw(self):
        c = self.file()
        rn, tok = c["receipt_no"], c["token"]
        r = self.anon().post("/api/v1/complaints/%s/withdraw" % rn,
                             {"reason": "자체 해결", "token": "B" * len(tok)})
        self.assertError(r, 404, "not_found")
        r = self.anon().post("/api/v1/complaints/%s/withdraw" % rn,
                             {"reason": "자체 해결", "token": tok})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["status"], "withdrawn")
        v = self.citizen_view(rn, tok).json()
        self.assertEqual(v["status"], "withdrawn")
        self.assertIn("withdraw", [e["kind"] for e in v["timeline"]])
        r = self.anon().post("/api/v1/complaints/%s/withdraw" % rn, {"token": tok})
        self.assertError(r, 409, "transition_not_allowed")
        self.assertError(self.officer.action(rn, "start"), 409, "transition_not_allowed")

    def test_merge(self):
        target = self.file(text="같은 장소 민원 (원본)")
        dup = self.file(text="같은 장소 민원 (중복)")
        a = self.act(self.officer, dup["receipt_no"], "merge", into=target["receipt_no"],
                     text="중복 민원")
        self.assertEqual(a["status"], "merged")
        tid = self.officer.staff_view(target["receipt_no"]).json()["id"]
        v = self.officer.staff_view(dup["receipt_no"]).json()
        self.assertEqual(v["status"], "merged")
        self.assertEqual(v["merged_into"], tid)
        cv = self.citizen_view(dup["receipt_no"], dup["token"]).json()
        self.assertEqual(cv["status"], "merged")
        self.assertEqual(self.citizen_view(target["receipt_no"], target["token"]).json()["status"],
                         "received")
        # Into itself, into a closed one, into nothing: refused.
        other = self.file()
        r = self.officer.action(other["receipt_no"], "merge", into=other["receipt_no"])
        self.assertError(r, 400)
        r = self.officer.action(other["receipt_no"], "merge", into=dup["receipt_no"])
        self.assertError(r, 400)
        r = self.officer.action(other["receipt_no"], "merge", into="2001-000001")
        self.assertError(r, 400)
        # By numeric id works too.
        a = self.act(self.officer, other["receipt_no"], "merge", into=tid)
        self.assertEqual(a["status"], "merged")

    def test_internal_notes(self):
        c = self.file()
        rn, tok = c["receipt_no"], c["token"]
        secret = "내부메모-" + uniq("note")
        self.act(self.officer, rn, "note", text=secret)
        v = self.citizen_view(rn, tok)
        self.assertStatus(v, 200)
        self.assertNotIn(secret, v.body.decode("utf-8"))
        self.assertNotIn("note", [e["kind"] for e in v.json()["timeline"]])
        sv = self.officer.staff_view(rn).json()
        notes = [e for e in sv["timeline"] if e["kind"] == "note"]
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes[0]["text"], secret)
        self.assertFalse(notes[0]["public"])
        self.assertEqual(notes[0]["actor"], "officer")
        # Public events are marked so for staff.
        self.assertTrue([e for e in sv["timeline"] if e["kind"] == "received"][0]["public"])

    def test_staff_cannot_act_without_csrf(self):
        c = self.file()
        r = self.officer.post("/api/v1/staff/complaints/%s/actions" % c["receipt_no"],
                              {"type": "start"}, csrf=False)
        self.assertError(r, 403, "csrf")
        r = self.officer.post("/api/v1/staff/complaints/%s/actions" % c["receipt_no"],
                              {"type": "start"}, headers={"X-CSRF-Token": "wrong" * 5})
        self.assertError(r, 403, "csrf")
        self.assertEqual(self.officer.staff_view(c["receipt_no"]).json()["status"], "received")

    def test_staff_view_by_id_and_receipt(self):
        c = self.file()
        v1 = self.officer.staff_view(c["receipt_no"]).json()
        v2 = self.officer.staff_view(v1["id"]).json()
        self.assertEqual(v1["receipt_no"], v2["receipt_no"])
        self.assertError(self.officer.staff_view("999999999"), 404, "not_found")
        self.assertError(self.officer.staff_view("2001-000999"), 404, "not_found")
        self.assertError(self.officer.staff_view("abc"), 404, "not_found")

    def test_queue_status_any_includes_closed(self):
        c = self.file(category="animals", text="상태 any 확인 " + uniq("any"))
        rn, tok = c["receipt_no"], c["token"]
        r = self.anon().post("/api/v1/complaints/%s/withdraw" % rn, {"token": tok})
        self.assertStatus(r, 200)
        items = self.admin.get("/api/v1/queue", query={"department": "animals", "status": "any",
                                                         "limit": 100}).json()["items"]
        self.assertIn(rn, [i["receipt_no"] for i in items],
                      "GET /api/v1/queue?status=any does not list a withdrawn complaint")
        items = self.admin.get("/api/v1/queue", query={"department": "animals",
                                                         "status": "withdrawn"}).json()["items"]
        self.assertIn(rn, [i["receipt_no"] for i in items])
        items = self.admin.get("/api/v1/queue", query={"department": "animals",
                                                         "limit": 100}).json()["items"]
        self.assertNotIn(rn, [i["receipt_no"] for i in items])


class TemplateTest(harness.ServerTestCase, unittest.TestCase):
    """Answer templates: kept per category by the department's manager,
    general ones by the administrator, listed for staff who answer."""

    def test_templates(self):
        admin, manager, officer = (self.as_user(u) for u in ("admin", "manager", "officer"))
        title = uniq("포트홀 보수")
        r = manager.post("/api/v1/staff/templates", {
            "category": "road_damage", "title": title,
            "body": "안녕하십니까. 요청하신 {위치}의 포트홀을 {날짜}에 보수했습니다."})
        self.assertStatus(r, 201)
        mine = r.json()
        self.assertEqual((mine["category"], mine["updated_by"]), ("road_damage", "manager"))
        general = admin.post("/api/v1/staff/templates",
                             {"title": uniq("일반 감사"), "body": "의견 주셔서 감사합니다."})
        self.assertStatus(general, 201)
        general = general.json()
        self.assertIsNone(general["category"])
        other = admin.post("/api/v1/staff/templates", {
            "category": "noise", "title": uniq("소음 측정"), "body": "소음을 측정했습니다."}).json()
        # The officer sees the category's templates and the general ones, general last.
        items = officer.get("/api/v1/staff/templates",
                            query={"category": "road_damage"}).json()["items"]
        ids = [t["id"] for t in items]
        self.assertIn(mine["id"], ids)
        self.assertIn(general["id"], ids)
        self.assertNotIn(other["id"], ids)
        self.assertLess(ids.index(mine["id"]), ids.index(general["id"]))
        # Update; the manager may not touch general or other departments' ones.
        r = manager.post("/api/v1/staff/templates", dict(mine, body="수정한 답변입니다."))
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["body"], "수정한 답변입니다.")
        self.assertError(manager.post("/api/v1/staff/templates",
                                      dict(general, category="road_damage")), 403, "forbidden")
        self.assertError(manager.post("/api/v1/staff/templates", dict(other)), 403, "forbidden")
        self.assertError(manager.delete("/api/v1/staff/templates/%d" % general["id"]), 403)
        # Bad input.
        for bad in ({"title": "", "body": "x", "category": "road_damage"},
                    {"title": "t", "body": "x", "category": "nope"},
                    {"title": "t", "body": "x" * 9000, "category": "road_damage"},
                    {"id": 0, "title": "t", "body": "x", "category": "road_damage"},
                    {"id": "1", "title": "t", "body": "x", "category": "road_damage"}):
            r = admin.post("/api/v1/staff/templates", bad)
            self.assertIn(r.status, (400, 413), "%r -> %r" % (bad, r))
            self.assertErrorBody(r)
        self.assertError(admin.post("/api/v1/staff/templates", {
            "id": 99999999, "title": "t", "body": "x"}), 404)
        # Delete.
        self.assertStatus(manager.delete("/api/v1/staff/templates/%d" % mine["id"]), 200)
        self.assertError(manager.delete("/api/v1/staff/templates/%d" % mine["id"]), 404)
        self.assertError(admin.delete("/api/v1/staff/templates/abc"), 404)


class PrivacyTest(harness.ServerTestCase, unittest.TestCase):
    """Masked contact data, unmasking with a reason, the access log, desk
    filing, lookup by phone."""

    def test_public_map_shows_only_opted_in(self):
        # A box of its own, so other tests' complaints stay out.
        lat, lon = 35.10123, 129.03456
        phone, name = unique_phone(), "지도공개" + uniq("n")[-4:]
        shown = self.file(lat=lat, lon=lon, category="streetlight", title="공원 입구 가로등 꺼짐",
                          contact={"name": name, "phone": phone},
                          consent={"privacy": True, "public_map": True})
        hidden = self.file(lat=lat, lon=lon, consent={"privacy": True, "public_map": False})
        gone = self.file(lat=lat + 0.0002, lon=lon, consent={"privacy": True, "public_map": True})
        self.assertStatus(self.anon().post("/api/v1/complaints/%s/withdraw" % gone["receipt_no"],
                                           {"token": gone["token"]}), 200)
        bbox = "%.4f,%.4f,%.4f,%.4f" % (lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)
        r = self.anon().get("/api/v1/map", query={"bbox": bbox})
        self.assertStatus(r, 200)
        m = r.json()
        self.assertEqual(m["type"], "FeatureCollection")
        self.assertIs(m["truncated"], False)
        got = [f["properties"]["receipt_no"] for f in m["features"]]
        self.assertEqual(got, [shown["receipt_no"]])
        f = m["features"][0]
        self.assertEqual(f["geometry"]["type"], "Point")
        # Rounded to 4 decimals (about 10 m), longitude first as GeoJSON has it.
        self.assertEqual(f["geometry"]["coordinates"], [round(lon, 4), round(lat, 4)])
        p = f["properties"]
        self.assertEqual((p["category"], p["status"], p["title"]),
                         ("streetlight", "received", "공원 입구 가로등 꺼짐"))
        for k in ("token", "contact", "text", "id", "address"):
            self.assertNotIn(k, p)
        for secret in (phone, name, shown["token"], hidden["receipt_no"]):
            self.assertNotIn(secret, r.text)
        # Filters.
        q = lambda **kw: self.anon().get("/api/v1/map", query=dict(bbox=bbox, **kw))
        self.assertEqual(len(q(category="streetlight").json()["features"]), 1)
        self.assertEqual(q(category="noise").json()["features"], [])
        self.assertEqual(len(q(state="open").json()["features"]), 1)
        self.assertEqual(q(state="done").json()["features"], [])
        two = self.file(lat=lat, lon=lon, consent={"privacy": True, "public_map": True})
        m = q(limit="1").json()
        self.assertEqual([f["properties"]["receipt_no"] for f in m["features"]],
                         [two["receipt_no"]])
        self.assertIs(m["truncated"], True)
        # Bad input.
        for bad in ({"bbox": "1,2,3"}, {"bbox": "129,35,128,36"}, {"bbox": "a,b,c,d"},
                    {"bbox": "0,0,0,nan"}, {"state": "closed"}, {"limit": "0"},
                    {"limit": "5000"}, {"category": "nope"}):
            self.assertError(self.anon().get("/api/v1/map", query=bad), 400, "invalid",
                             msg="%r" % bad)

    def test_reveal_contact_is_logged(self):
        officer, auditor = self.as_user("officer"), self.as_user("auditor")
        phone = unique_phone()
        name, email = "박민원", uniq("reveal") + "@example.kr"
        c = self.file(contact={"name": name, "phone": phone, "email": email})
        rn = c["receipt_no"]
        r = officer.staff_view(rn)
        self.assertStatus(r, 200)
        contact = r.json()["contact"]
        self.assertTrue(contact["masked"])
        self.assertEqual(contact["name"], "박*원")
        self.assertNotEqual(contact["phone"], phone)
        self.assertTrue(contact["phone"].endswith(phone[-4:]), contact)
        self.assertIn("*", contact["phone"])
        self.assertNotEqual(contact["email"], email)
        raw = r.body.decode("utf-8")
        self.assertNotIn(phone, raw)
        self.assertNotIn(email, raw)
        self.assertNotIn(name, raw)

        log_before = auditor.get("/api/v1/access-log", query={"limit": 500}).json()["items"]
        self.assertNotIn(rn, [e["receipt_no"] for e in log_before])
        # No reason, no data.
        self.assertError(officer.staff_view(rn, reveal="1"), 400, "reason_required")
        reason = "민원인 전화 회신 " + uniq("why")
        r = officer.staff_view(rn, reveal="1", reason=reason)
        self.assertStatus(r, 200)
        contact = r.json()["contact"]
        self.assertFalse(contact["masked"])
        self.assertEqual(contact["name"], name)
        self.assertEqual(contact["phone"], phone)
        self.assertEqual(contact["email"], email)

        r = auditor.get("/api/v1/access-log", query={"limit": 500})
        self.assertStatus(r, 200)
        entries = [e for e in r.json()["items"] if e["receipt_no"] == rn]
        self.assertEqual(len(entries), 1, r.json())
        e = entries[0]
        self.assertEqual(e["login"], "officer")
        self.assertEqual(e["what"], "contact")
        self.assertEqual(e["reason"], reason)
        self.assertEqual(e["complaint_id"], officer.staff_view(rn).json()["id"])
        self.assertRegex(e["at"], harness.KST_RE)
        # The log holds no contact data itself.
        self.assertNotIn(phone, r.body.decode("utf-8"))

        # The auditor reads the log, not complaints; the officer the reverse.
        self.assertError(auditor.staff_view(rn), 403, "forbidden")
        self.assertError(auditor.get("/api/v1/queue"), 403, "forbidden")
        self.assertError(officer.get("/api/v1/access-log"), 403, "forbidden")
        self.assertError(self.as_user("admin").get("/api/v1/access-log"), 403, "forbidden")
        # A manager of another department cannot unmask either.
        self.assertError(self.as_user("officer2").staff_view(rn, reveal="1", reason="궁금"),
                         403, "forbidden")

    def test_attachments_public_copy_is_stripped(self):
        anon, officer = self.anon(), self.as_user("officer")
        media = os.path.join(harness.FIXTURES, "media")
        c = self.file(lat=DROP, lon=DROP)
        rn, tok = c["receipt_no"], c["token"]
        with open(os.path.join(media, "gps.jpg"), "rb") as f:
            original = f.read()
        self.assertIn(b"FixtureCam", original)
        r = anon.post("/api/v1/complaints/%s/attachments" % rn, original,
                      headers={"Content-Type": "image/jpeg"}, query={"token": tok})
        self.assertStatus(r, 201)
        att = r.json()
        self.assertTrue(att["location_from_photo"])
        self.assertEqual(att["size"], len(original))
        # Wrong token: 404, like the status view.
        r = anon.post("/api/v1/complaints/%s/attachments" % rn, original,
                      headers={"Content-Type": "image/jpeg"}, query={"token": "C" * len(tok)})
        self.assertError(r, 404, "not_found")
        # The public copy carries no camera, no GPS, no XMP.
        pub = anon.get(att["url"], query={"token": tok})
        self.assertStatus(pub, 200)
        self.assertEqual(pub.header("Content-Type"), "image/jpeg")
        self.assertTrue(pub.body.startswith(b"\xff\xd8"))
        for marker in (b"FixtureCam", b"Minwon", b"xpacket", b"http://ns.adobe.com",
                       b"\x88\x25"):
            self.assertNotIn(marker, pub.body, marker)
        self.assertError(anon.get(att["url"]), 404, "not_found")
        v = self.citizen_view(rn, tok).json()
        self.assertEqual([a["id"] for a in v["attachments"]], [att["id"]])
        self.assertAlmostEqual(v["location"]["lat"], 37.5665, places=3)
        self.assertNotIn("gps", json.dumps(v))
        # Staff get the original, and the position it held.
        sv = officer.staff_view(rn).json()
        self.assertEqual(sv["attachments"][0]["gps"], {"lat": 37.5665, "lon": 126.978})
        orig = officer.get(sv["attachments"][0]["url"])
        self.assertStatus(orig, 200)
        self.assertEqual(orig.body, original)
        self.assertError(self.as_user("officer2").get(sv["attachments"][0]["url"]), 403)
        # PNG text chunks go too.
        with open(os.path.join(media, "meta.png"), "rb") as f:
            png = f.read()
        self.assertIn(b"tEXt", png)
        r = anon.post("/api/v1/complaints/%s/attachments" % rn, png,
                      headers={"Content-Type": "image/png"}, query={"token": tok})
        self.assertStatus(r, 201)
        pub = anon.get(r.json()["url"], query={"token": tok}).body
        self.assertTrue(pub.startswith(b"\x89PNG"))
        self.assertNotIn(b"tEXt", pub)
        # At most ten photos; none on a final complaint.
        with open(os.path.join(media, "plain.png"), "rb") as f:
            small = f.read()
        for _ in range(8):
            r = anon.post("/api/v1/complaints/%s/attachments" % rn, small,
                          headers={"Content-Type": "image/png"}, query={"token": tok})
            self.assertStatus(r, 201)
        r = anon.post("/api/v1/complaints/%s/attachments" % rn, small,
                      headers={"Content-Type": "image/png"}, query={"token": tok})
        self.assertError(r, 409, "too_many_attachments")
        c2 = self.file()
        self.assertStatus(anon.post("/api/v1/complaints/%s/withdraw" % c2["receipt_no"],
                                    {"token": c2["token"]}), 200)
        r = anon.post("/api/v1/complaints/%s/attachments" % c2["receipt_no"], small,
                      headers={"Content-Type": "image/png"}, query={"token": c2["token"]})
        self.assertError(r, 409, "conflict")

    def test_access_log_paging(self):
        officer, auditor = self.as_user("officer"), self.as_user("auditor")
        c = self.file()
        reasons = [uniq("page") for _ in range(5)]
        for reason in reasons:
            self.assertStatus(officer.staff_view(c["receipt_no"], reveal="1", reason=reason), 200)
        first = auditor.get("/api/v1/access-log", query={"limit": 2}).json()["items"]
        self.assertEqual([e["reason"] for e in first], reasons[::-1][:2])
        self.assertGreater(first[0]["id"], first[1]["id"])
        nxt = auditor.get("/api/v1/access-log",
                          query={"limit": 2, "before": first[-1]["id"]}).json()["items"]
        self.assertEqual([e["reason"] for e in nxt], reasons[::-1][2:4])
        self.assertError(auditor.get("/api/v1/access-log", query={"limit": "0"}), 400, "invalid")
        self.assertError(auditor.get("/api/v1/access-log", query={"before": "x"}), 400, "invalid")

    def test_desk_files_for_visitors(self):
        desk = self.as_user("desk")
        body = complaint_body(channel="visit", text="방문 접수 " + uniq("desk"))
        r = self.anon().post("/api/v1/complaints", body)
        self.assertError(r, 401, "unauthorized")
        r = self.anon().post("/api/v1/complaints", complaint_body(channel="phone"))
        self.assertError(r, 401, "unauthorized")
        r = self.as_user("auditor").post("/api/v1/complaints", body)
        self.assertError(r, 403, "forbidden")
        r = desk.post("/api/v1/complaints", body)
        self.assertStatus(r, 201)
        mine = r.json()
        self.assertEqual(mine["status"], "received")
        v = desk.staff_view(mine["receipt_no"])
        self.assertStatus(v, 200)
        self.assertEqual(v.json()["channel"], "visit")
        self.assertEqual(v.json()["filed_by"], "desk")
        self.assertTrue(v.json()["contact"]["masked"])
        # Desk staff may not unmask, nor act.
        self.assertError(desk.staff_view(mine["receipt_no"], reveal="1", reason="확인"), 403)
        self.assertError(desk.action(mine["receipt_no"], "note", text="메모"), 403)
        # Not what others filed.
        other = self.file()
        self.assertError(desk.staff_view(other["receipt_no"]), 403, "forbidden")
        # Desk queue: own filings of today only.
        items = desk.get("/api/v1/queue", query={"limit": 100}).json()["items"]
        rns = [i["receipt_no"] for i in items]
        self.assertIn(mine["receipt_no"], rns)
        self.assertNotIn(other["receipt_no"], rns)
        # Field staff file on the field channel and list, but do not read.
        field = self.as_user("field")
        r = field.post("/api/v1/complaints", complaint_body(channel="field"))
        self.assertStatus(r, 201)
        f = r.json()
        self.assertError(field.staff_view(f["receipt_no"]), 403, "forbidden")
        items = field.get("/api/v1/queue").json()["items"]
        self.assertEqual([i["receipt_no"] for i in items], [f["receipt_no"]])

    def test_desk_queue_lists_own_filings_in_any_state(self):
        # "Desk and field staff see what they filed today, in any state" (staff.c).
        desk = self.as_user("desk")
        r = desk.post("/api/v1/complaints", complaint_body(channel="phone",
                                                           text="전화 접수 후 취하 " + uniq("d")))
        self.assertStatus(r, 201)
        c = r.json()
        r = self.anon().post("/api/v1/complaints/%s/withdraw" % c["receipt_no"],
                             {"token": c["token"], "reason": "전화로 취하"})
        self.assertStatus(r, 200)
        self.assertStatus(desk.staff_view(c["receipt_no"]), 200)
        items = desk.get("/api/v1/queue", query={"limit": 100}).json()["items"]
        self.assertIn(c["receipt_no"], [i["receipt_no"] for i in items],
                      "desk queue (GET /api/v1/queue as desk) hides its own withdrawn filing")

    def test_lookup_by_phone(self):
        phone = unique_phone()
        a = self.file(contact={"name": "이조회", "phone": phone})
        b = self.file(contact={"phone": phone.replace("-", " ")}, category="noise")
        other = self.file(contact={"phone": unique_phone()})
        for who in ("desk", "officer", "manager", "admin"):
            c = self.as_user(who)
            r = c.get("/api/v1/staff/lookup", query={"phone": phone.replace("-", "")})
            self.assertStatus(r, 200)
            rns = [i["receipt_no"] for i in r.json()["items"]]
            self.assertIn(a["receipt_no"], rns, who)
            # b went to the environment department: road staff do not see it.
            if who in ("officer", "manager"):
                self.assertNotIn(b["receipt_no"], rns, who)
            else:
                self.assertIn(b["receipt_no"], rns, who)
            self.assertNotIn(other["receipt_no"], rns, who)
            self.assertNotIn(phone, r.body.decode("utf-8"))
        self.assertError(self.as_user("desk").get("/api/v1/staff/lookup"), 400, "missing_field")
        self.assertError(self.as_user("desk").get("/api/v1/staff/lookup",
                                                  query={"phone": "123"}), 400, "invalid")
        self.assertError(self.as_user("field").get("/api/v1/staff/lookup",
                                                   query={"phone": phone}), 403)
        # Each lookup is on record.
        log = self.as_user("auditor").get("/api/v1/access-log",
                                          query={"limit": 500}).json()["items"]
        self.assertGreaterEqual(len([e for e in log if e["what"] == "lookup_by_phone"]), 4)


class QueueTest(harness.ServerTestCase, unittest.TestCase):

    N = 60

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.as_user("admin")
        for body in ({"code": "qdept", "name_ko": "대기열시험과"},):
            assert admin.post("/api/v1/admin/departments", body).status == 200
        for code, period in (("q_fast", "2d"), ("q_mid", "16h"), ("q_slow", "9d")):
            r = admin.post("/api/v1/admin/categories", {"code": code, "name_ko": code,
                                                        "department": "qdept", "period": period})
            assert r.status == 200, r

    def test_keyset_pagination(self):
        cats = ("q_slow", "q_fast", "q_mid")
        made = []
        anon = self.anon()
        for i in range(self.N):
            r = anon.post("/api/v1/complaints",
                          complaint_body(category=cats[i % 3], text="대기열 %d" % i,
                                         urgent=(i % 7 == 0)))
            self.assertStatus(r, 201)
            made.append(r.json()["receipt_no"])
        admin = self.as_user("admin")
        seen, pages, cursor = [], 0, None
        while True:
            q = {"department": "qdept", "limit": 25}
            if cursor:
                q["cursor"] = cursor
            r = admin.get("/api/v1/queue", query=q)
            self.assertStatus(r, 200)
            j = r.json()
            pages += 1
            self.assertLessEqual(len(j["items"]), 25)
            seen.extend(j["items"])
            cursor = j["next_cursor"]
            if not cursor:
                break
            self.assertEqual(len(j["items"]), 25)
            self.assertLess(pages, 10, "pagination does not end")
        self.assertIn(pages, (3, 4))
        rns = [i["receipt_no"] for i in seen]
        self.assertEqual(len(rns), len(set(rns)), "duplicates across pages")
        self.assertEqual(set(rns), set(made), "gaps across pages")
        keys = [(parse_kst(i["due_at"]), i["id"]) for i in seen]
        self.assertEqual(keys, sorted(keys), "not sorted by (due_at, id)")
        self.assertGreater(len({i["due_at"] for i in seen}), 1)
        for i in seen:
            self.assertEqual(i["department"], "qdept")
            self.assertEqual(i["status"], "received")
            self.assertFalse(i["overdue"])
        # Filters.
        urgent = admin.get("/api/v1/queue", query={"department": "qdept", "urgent": "true",
                                                   "limit": 100}).json()["items"]
        self.assertEqual(len(urgent), len([i for i in range(self.N) if i % 7 == 0]))
        self.assertTrue(all(i["urgent"] for i in urgent))
        slow = admin.get("/api/v1/queue", query={"category": "q_slow",
                                                 "limit": 100}).json()["items"]
        self.assertEqual(len(slow), self.N // 3)
        due_first = keys[0][0]
        early = admin.get("/api/v1/queue", query={"department": "qdept", "limit": 100,
                                                  "due_before": (due_first + datetime.timedelta(
                                                      seconds=1)).isoformat()}).json()["items"]
        self.assertTrue(early)
        self.assertTrue(all(parse_kst(i["due_at"]) <= due_first for i in early))
        overdue = admin.get("/api/v1/queue", query={"department": "qdept",
                                                    "overdue": "true"}).json()["items"]
        self.assertEqual(overdue, [])
        # Officers see their own department only.
        r = self.as_user("officer").get("/api/v1/queue", query={"department": "qdept"})
        self.assertError(r, 403, "forbidden")
        for bad in ({"limit": "0"}, {"limit": "101"}, {"cursor": "garbage"},
                    {"status": "nonsense"}, {"urgent": "maybe"}, {"due_before": "yesterday"}):
            self.assertError(admin.get("/api/v1/queue", query=bad), 400, "invalid", repr(bad))
        # Stats count the same.
        st = admin.get("/api/v1/staff/stats", query={"department": "qdept"}).json()
        self.assertEqual(st["by_status"]["received"], self.N)
        self.assertEqual(st["open"], self.N)
        self.assertEqual((st["answered_30d"], st["on_time_30d"]), (0, 0))
        self.assertIsNone(st["on_time_rate_30d"])
        now = datetime.datetime.now(KST)
        midnight = (now + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0,
                                                              microsecond=0)
        self.assertEqual(st["due_today"], len([k for k in keys if now <= k[0] < midnight]))
        # One answered in time: the manager's on-time rate.
        rn = admin.get("/api/v1/queue", query={"department": "qdept",
                                                "limit": 1}).json()["items"][0]["receipt_no"]
        self.assertStatus(admin.action(rn, "start"), 200)
        self.assertStatus(admin.action(rn, "answer", text="조치했습니다."), 200)
        st = admin.get("/api/v1/staff/stats", query={"department": "qdept"}).json()
        self.assertEqual((st["answered_30d"], st["on_time_30d"], st["on_time_rate_30d"]),
                         (1, 1, 1.0))

    def test_metrics(self):
        self.file()
        self.anon().get("/api/v1/complaints/2001-000001", query={"token": "x"})
        r = self.anon().get("/metrics")
        self.assertStatus(r, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/plain"))
        text = r.text
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                samples[name] = float(value)
        self.assertGreaterEqual(
            samples.get('minwon_http_requests_total{route="complaint_create",status="201"}', 0), 1)
        self.assertGreaterEqual(
            samples.get('minwon_http_requests_total{route="complaint_status",status="404"}', 0), 1)
        self.assertIn('minwon_http_request_duration_seconds_bucket{route="complaint_create",'
                      'le="+Inf"}', samples)
        self.assertIn("# TYPE minwon_http_request_duration_seconds histogram", text)
        received = samples.get('minwon_complaints{status="received"}')
        self.assertIsNotNone(received)
        self.assertGreaterEqual(received, 1)
        self.assertIn("minwon_complaints_overdue", samples)
        self.assertEqual(samples["minwon_complaints_overdue"], 0)
        self.assertIn('minwon_commit_batch_size_bucket{le="+Inf"}', samples)
        self.assertGreaterEqual(samples['minwon_commit_batch_size_bucket{le="+Inf"}'], 1)
        self.assertGreaterEqual(samples["minwon_commit_batch_size_count"], 1)
        # minwon_complaints agrees with the stats endpoint.
        st = self.as_user("admin").get("/api/v1/staff/stats").json()
        for status, n in st["by_status"].items():
            self.assertEqual(samples['minwon_complaints{status="%s"}' % status], n, status)


class SessionTest(harness.ServerTestCase, unittest.TestCase):

    def test_session_info(self):
        c = self.srv.client("manager")
        r = c.get("/api/v1/session")
        self.assertStatus(r, 200)
        j = r.json()
        self.assertEqual((j["login"], j["role"], j["department"]), ("manager", "manager", "road"))
        self.assertEqual(j["csrf"], c.csrf)
        self.assertError(self.anon().get("/api/v1/session"), 401, "unauthorized")

    def test_login_errors(self):
        anon = self.anon()
        self.assertError(anon.post("/api/v1/session", {"login": "officer"}), 400, "missing_field")
        self.assertError(anon.post("/api/v1/session", {"login": "nobody", "password": "x" * 12}),
                         401, "unauthorized")
        r = anon.post("/api/v1/session", {"login": "officer", "password": "wrong-password"})
        self.assertError(r, 401, "unauthorized")
        self.assertNotIn("mw_session", anon.cookies)

    def test_login_cookie(self):
        c = self.anon()
        r = c.sign_in("officer")
        self.assertStatus(r, 200)
        cookie = [v for k, v in r.header_list if k.lower() == "set-cookie"][0]
        self.assertTrue(cookie.startswith("mw_session="), cookie)
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(attr, cookie)
        self.assertRegex(c.csrf, harness.TOKEN_RE)

    def test_lockout(self):
        admin = self.as_user("admin")
        r = admin.post("/api/v1/admin/users", {"login": "locky", "role": "officer",
                                               "department": "road",
                                               "password": harness.PASSWORD})
        self.assertStatus(r, 200)
        self.assertStatus(self.anon().sign_in("locky"), 200)
        anon = self.anon()
        for i in range(4):
            r = anon.post("/api/v1/session", {"login": "locky", "password": "wrong-%d-xxxxx" % i})
            self.assertError(r, 401, "unauthorized", "attempt %d: %r" % (i + 1, r))
        r = anon.post("/api/v1/session", {"login": "locky", "password": "wrong-5-xxxxx"})
        self.assertError(r, 429, "locked")
        r = anon.post("/api/v1/session", {"login": "locky", "password": harness.PASSWORD})
        self.assertError(r, 429, "locked")
        self.assertNotIn("mw_session", anon.cookies)
        users = {u["login"]: u for u in admin.get("/api/v1/admin/users").json()["items"]}
        self.assertTrue(users["locky"]["locked"])
        self.assertFalse(users["officer"]["locked"])
        # Others are not affected.
        self.assertStatus(self.anon().sign_in("officer"), 200)
        # An administrator's password reset lifts the lock.
        r = admin.post("/api/v1/admin/users", {"login": "locky", "role": "officer",
                                               "department": "road",
                                               "password": harness.PASSWORD + "-new"})
        self.assertStatus(r, 200)
        self.assertStatus(self.anon().sign_in("locky", harness.PASSWORD + "-new"), 200)

    def test_logout(self):
        c = self.srv.client("officer")
        cookie = dict(c.cookies)
        self.assertStatus(c.get("/api/v1/queue"), 200)
        r = c.delete("/api/v1/session")
        self.assertStatus(r, 204)
        self.assertNotIn("mw_session", c.cookies)
        # The old cookie, replayed, is refused.
        old = self.anon()
        old.cookies = cookie
        old.csrf = c.csrf
        self.assertError(old.get("/api/v1/session"), 401, "unauthorized")
        self.assertError(old.get("/api/v1/queue"), 401, "unauthorized")
        self.assertError(old.get("/api/v1/staff/stats"), 401)
        # Citizen routes still work with a dead cookie (treated as anonymous).
        self.assertStatus(old.post("/api/v1/complaints", complaint_body()), 201)
        # Logging out needs the CSRF token.
        c2 = self.srv.client("officer")
        self.assertError(c2.delete("/api/v1/session", csrf=False), 403, "csrf")
        self.assertStatus(c2.get("/api/v1/session"), 200)


if __name__ == "__main__":
    unittest.main()


class IdleLogoutTest(harness.ServerTestCase, unittest.TestCase):
    """Staff are signed out after the idle limit (30 minutes by default;
    shortened here with --session-idle)."""

    server_args = ("--session-idle", "2")

    def test_idle_session_expires(self):
        c = self.srv.client("officer")
        self.assertStatus(c.get("/api/v1/session"), 200)
        time.sleep(3.2)
        self.assertError(c.get("/api/v1/session"), 401, "unauthorized")
        self.assertError(c.get("/api/v1/queue"), 401, "unauthorized")

    def test_activity_keeps_the_session(self):
        c = self.srv.client("manager")
        for _ in range(4):
            time.sleep(1.0)
            self.assertStatus(c.get("/api/v1/session"), 200)


class BackupTest(harness.ServerTestCase, unittest.TestCase):
    """minwon backup copies the database while the server keeps serving."""

    def test_backup_while_serving(self):
        anon = self.anon()
        receipts = []
        for i in range(20):
            r = anon.post("/api/v1/complaints", {
                "text": "백업 시험 민원 %d: 공원 벤치가 부서졌습니다." % i,
                "category": "parks_trees", "channel": "web",
                "consent": {"privacy": True}})
            self.assertStatus(r, 201)
            receipts.append(r.json()["receipt_no"])
        out = os.path.join(self.srv.dir, "backup.db")
        self.srv._cli("backup", "--db", self.srv.db, "--out", out)
        # The server still answers, and the copy holds every complaint.
        self.assertStatus(anon.get("/healthz"), 200)
        con = sqlite3.connect(out)
        try:
            got = {row[0] for row in con.execute("SELECT receipt_no FROM complaints")}
        finally:
            con.close()
        self.assertTrue(set(receipts) <= got, set(receipts) - got)
        # A second backup to the same file is refused, not overwritten.
        with self.assertRaises(harness.ServerError):
            self.srv._cli("backup", "--db", self.srv.db, "--out", out)

"""
test_admin_api.py - what the admin pages need of the API: the chatbot's
FAQ over HTTP (/api/v1/admin/faq: list, add, replace, delete, the checks
on each field, the running chatbot answering from a change at once, no
SIGHUP), adding without replacing ("create": true), holidays by year and
임시공휴일; versions on every edit (a save based on an old read is 409
stale_version, also between two servers on one database), deleting
holidays, departments and categories (409 in_use naming what still uses
them, retired instead of deleted when only history refers to them), the
triage category in the admin list, and the admin log the auditor reads.
The rest of /admin/... is in test_api.py and test_authz.py.
"""

import time
import unittest

import harness

QUESTION = "구청 공영주차장은 주말에도 무료로 열려 있나요?"
ANSWER = "주말과 공휴일에는 구청 공영주차장을 무료로 개방합니다."
ASK = "주말에 구청 공영주차장 무료인가요?"


class AdminFaqTest(harness.ServerTestCase, unittest.TestCase):

    def admin(self):
        return self.as_user("admin")

    def chat(self, text):
        r = self.anon().post("/api/v1/chat", {"text": text})
        self.assertStatus(r, 200)
        return r.json()

    def items(self):
        r = self.admin().get("/api/v1/admin/faq")
        self.assertStatus(r, 200)
        return {e["id"]: e for e in r.json()["items"]}

    def test_add_replace_delete_reach_the_chatbot_at_once(self):
        self.assertNotEqual(self.chat(ASK)["kind"], "faq")
        r = self.admin().post("/api/v1/admin/faq", {"question": QUESTION, "answer": ANSWER})
        self.assertStatus(r, 201)
        entry = r.json()
        self.assertRegex(entry["id"], r"^faq-[A-Za-z0-9_-]{10}$")
        self.assertEqual(entry["category"], "general")
        self.assertEqual(entry["answer"], ANSWER)
        self.assertEqual(self.items()[entry["id"]]["question"], QUESTION)
        j = self.chat(ASK)
        self.assertEqual((j["kind"], j["faq_id"], j["answer"]), ("faq", entry["id"], ANSWER))

        # Replacing it by id: 200, and the next answer is the new text.
        new_answer = "토요일에는 무료, 일요일과 공휴일에는 유료로 운영합니다."
        r = self.admin().post("/api/v1/admin/faq", {"id": entry["id"], "question": QUESTION,
                                                   "answer": new_answer,
                                                   "category": "illegal_parking"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["category"], "illegal_parking")
        self.assertEqual(self.chat(ASK)["answer"], new_answer)

        # Deleting it: the chatbot no longer knows the answer.
        r = self.admin().delete("/api/v1/admin/faq/" + entry["id"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"deleted": True})
        self.assertNotIn(entry["id"], self.items())
        self.assertNotEqual(self.chat(ASK).get("faq_id"), entry["id"])
        self.assertError(self.admin().delete("/api/v1/admin/faq/" + entry["id"]), 404,
                         "not_found")

    def test_an_id_of_the_office_is_kept(self):
        body = {"id": "FA-T.1", "question": "대형폐기물 스티커는 어디서 사나요?",
                "answer": "주민센터와 편의점에서 살 수 있습니다.", "category": "waste_collection"}
        self.assertStatus(self.admin().post("/api/v1/admin/faq", body), 201)
        self.assertStatus(self.admin().post("/api/v1/admin/faq", body), 200)
        self.assertEqual(self.items()["FA-T.1"]["category"], "waste_collection")
        self.assertStatus(self.admin().delete("/api/v1/admin/faq/FA-T.1"), 200)

    def test_fields_are_checked(self):
        post = lambda **b: self.admin().post("/api/v1/admin/faq", b)  # noqa: E731
        self.assertError(post(answer="답"), 400, "missing_field")
        self.assertError(post(question="질문?", answer="   "), 400, "missing_field")
        self.assertError(post(question="질문?", answer="답", category="nowhere"), 400, "invalid")
        self.assertError(post(question="질문?", answer="답", id="has space"), 400, "invalid")
        self.assertError(post(question="질문?", answer="답", id="x" * 65), 400, "invalid")
        self.assertError(post(question="질문?", answer="답", id=7), 400, "wrong_type")
        self.assertError(post(question="질문?", answer="가" * 1334), 413, "too_large")
        self.assertError(post(question="가" * 334, answer="답"), 413, "too_large")
        self.assertError(self.admin().delete("/api/v1/admin/faq/no%20such"), 404, "not_found")
        # Nothing of the refused ones was stored.
        self.assertFalse([e for e in self.items().values() if e["question"] == "질문?"])

    def test_text_is_normalised_and_kept_as_typed(self):
        r = self.admin().post("/api/v1/admin/faq", {
            "question": "  <script>alert(1)</script> 질문\n둘째 줄 ",
            "answer": "첫 줄\r\n둘째 줄 <b>굵게</b>"})
        self.assertStatus(r, 201)
        e = r.json()
        self.assertEqual(e["question"], "<script>alert(1)</script> 질문 둘째 줄")
        self.assertEqual(e["answer"], "첫 줄\n둘째 줄 <b>굵게</b>")
        self.assertStatus(self.admin().delete("/api/v1/admin/faq/" + e["id"]), 200)

    def test_only_admin_with_csrf(self):
        body = {"question": QUESTION, "answer": ANSWER}
        for who in ("manager", "officer", "desk", "field", "auditor"):
            self.assertError(self.as_user(who).post("/api/v1/admin/faq", body), 403,
                             "forbidden", who)
        self.assertError(self.anon().get("/api/v1/admin/faq"), 401, "unauthorized")
        self.assertError(self.admin().post("/api/v1/admin/faq", body, csrf=False), 403, "csrf")


class AdminReferenceTest(harness.ServerTestCase, unittest.TestCase):

    def test_create_never_replaces(self):
        admin = self.as_user("admin")
        r = admin.post("/api/v1/admin/users", {"login": "newbie", "role": "desk", "name": "신입",
                                               "password": harness.PASSWORD, "create": True})
        self.assertStatus(r, 200)
        r = admin.post("/api/v1/admin/users", {"login": "newbie", "role": "admin",
                                               "password": harness.PASSWORD, "create": True})
        self.assertError(r, 409, "conflict")
        users = {u["login"]: u for u in admin.get("/api/v1/admin/users").json()["items"]}
        self.assertEqual((users["newbie"]["role"], users["newbie"]["name"]), ("desk", "신입"))
        self.assertError(admin.post("/api/v1/admin/departments", {
            "code": "road", "name_ko": "덮어쓰기", "create": True}), 409, "conflict")
        self.assertError(admin.post("/api/v1/admin/categories", {
            "code": "road_damage", "name_ko": "덮어쓰기", "department": "road", "period": "1d",
            "create": True}), 409, "conflict")
        self.assertError(admin.post("/api/v1/admin/users", {
            "login": "x1", "role": "desk", "password": harness.PASSWORD, "create": "yes"}),
            400, "wrong_type")
        cats = {c["code"]: c for c in self.anon().get("/api/v1/categories").json()["items"]}
        self.assertNotEqual(cats["road_damage"]["name"], "덮어쓰기")
        self.assertStatus(admin.post("/api/v1/admin/departments", {
            "code": "fresh_dept", "name_ko": "새부서", "create": True}), 200)

    def test_holidays_by_year_and_temporary(self):
        admin = self.as_user("admin")
        self.assertStatus(admin.post("/api/v1/admin/holidays", {
            "date": "2031-05-02", "name": "개교기념일", "temporary": True}), 200)
        self.assertStatus(admin.post("/api/v1/admin/holidays", {
            "date": "2031-05-03", "name": "임시공휴일(예시)", "temporary": True}), 200)
        self.assertStatus(admin.post("/api/v1/admin/holidays", {
            "date": "2031-05-04", "name": "법정공휴일"}), 200)
        r = admin.get("/api/v1/admin/holidays", query={"year": "2031"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["items"], [
            {"date": "2031-05-02", "name": "개교기념일(임시공휴일)", "temporary": True, "version": 1},
            {"date": "2031-05-03", "name": "임시공휴일(예시)", "temporary": True, "version": 1},
            {"date": "2031-05-04", "name": "법정공휴일", "temporary": False, "version": 1}])
        y2025 = admin.get("/api/v1/admin/holidays", query={"year": "2025"}).json()["items"]
        self.assertTrue(y2025 and all(h["date"].startswith("2025-") for h in y2025))
        self.assertTrue(any(h["temporary"] for h in y2025), "2025-01-27 임시공휴일")
        self.assertError(admin.get("/api/v1/admin/holidays", query={"year": "26"}), 400,
                         "invalid")



class AdminVersionTest(harness.ServerTestCase, unittest.TestCase):
    """Two administrators edit the same record: the second save, based on
    what they read before the first one, is refused."""

    def admin(self):
        return self.as_user("admin")

    def second_admin(self):
        c = self.clients.get("admin2")
        if c is None:
            self.assertStatus(self.admin().post("/api/v1/admin/users", {
                "login": "admin2", "role": "admin", "password": harness.PASSWORD,
                "create": True}), 200)
            c = self.clients["admin2"] = self.srv.client("admin2")
        return c

    def item(self, path, key, value):
        items = self.admin().get(path).json()["items"]
        return [x for x in items if x[key] == value][0]

    def check_conflict(self, path, body, list_path, key):
        """Both admins read version v; the first save wins and bumps it, the
        second is 409 stale_version and changes nothing."""
        v = self.item(list_path, key, body[key])["version"]
        r = self.admin().post(path, dict(body, version=v))
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["version"], v + 1)
        err = self.assertError(self.second_admin().post(path, dict(body, version=v)), 409,
                               "stale_version")
        self.assertIn("someone else", err["message"])
        self.assertIn("version %d now" % (v + 1), err["message"])
        self.assertEqual(self.item(list_path, key, body[key])["version"], v + 1)
        # Reloaded, the same save goes through.
        self.assertStatus(self.second_admin().post(path, dict(body, version=v + 1)), 200)
        return v + 2

    def test_every_area_refuses_a_save_based_on_an_old_read(self):
        a = self.admin()
        self.check_conflict("/api/v1/admin/departments",
                            {"code": "road", "name_ko": "도로과", "name_en": "Roads"},
                            "/api/v1/admin/departments", "code")
        self.check_conflict("/api/v1/admin/categories",
                            {"code": "noise", "name_ko": "소음·진동", "department": "environment",
                             "period": "7d"}, "/api/v1/admin/categories", "code")
        self.check_conflict("/api/v1/admin/users",
                            {"login": "officer", "role": "officer", "department": "road"},
                            "/api/v1/admin/users", "login")
        self.assertStatus(a.post("/api/v1/admin/holidays", {"date": "2034-05-02",
                                                           "name": "버전시험일"}), 200)
        self.check_conflict("/api/v1/admin/holidays", {"date": "2034-05-02", "name": "버전시험"},
                            "/api/v1/admin/holidays?year=2034", "date")
        self.assertStatus(a.post("/api/v1/admin/faq", {"id": "FV1", "question": "버전 질문?",
                                                      "answer": "버전 답"}), 201)
        self.check_conflict("/api/v1/admin/faq", {"id": "FV1", "question": "버전 질문?",
                                                  "answer": "새 답"}, "/api/v1/admin/faq", "id")
        t = a.post("/api/v1/staff/templates", {"title": "버전 템플릿", "body": "본문"}).json()
        self.assertEqual(t["version"], 1)
        self.check_conflict("/api/v1/staff/templates", {"id": t["id"], "title": "버전 템플릿",
                                                        "body": "새 본문"},
                            "/api/v1/staff/templates", "id")

    def test_deletes_check_the_version_too(self):
        a = self.admin()
        self.assertStatus(a.post("/api/v1/admin/faq", {"id": "FV2", "question": "지울 질문?",
                                                      "answer": "답"}), 201)
        self.assertStatus(a.post("/api/v1/admin/faq", {"id": "FV2", "question": "지울 질문?",
                                                      "answer": "고친 답", "version": 1}), 200)
        self.assertError(a.delete("/api/v1/admin/faq/FV2", query={"version": "1"}), 409,
                         "stale_version")
        self.assertStatus(a.delete("/api/v1/admin/faq/FV2", query={"version": "2"}), 200)
        # Deleted meanwhile: a save based on it says so.
        err = self.assertError(a.post("/api/v1/admin/faq", {
            "id": "FV2", "question": "지울 질문?", "answer": "답", "version": 2}), 409,
            "stale_version")
        self.assertIn("deleted by someone else", err["message"])
        self.assertNotIn("FV2", [e["id"] for e in a.get("/api/v1/admin/faq").json()["items"]])

    def test_no_version_means_the_last_save_wins(self):
        a = self.admin()
        for name in ("하나", "둘"):
            self.assertStatus(a.post("/api/v1/admin/departments", {
                "code": "lastwins", "name_ko": name}), 200)
        d = self.item("/api/v1/admin/departments", "code", "lastwins")
        self.assertEqual((d["name_ko"], d["version"]), ("둘", 2))

    def test_bad_versions_are_400(self):
        a = self.admin()
        body = {"code": "road", "name_ko": "도로과"}
        self.assertError(a.post("/api/v1/admin/departments", dict(body, version="3")), 400,
                         "wrong_type")
        self.assertError(a.post("/api/v1/admin/departments", dict(body, version=0)), 400,
                         "invalid")
        self.assertError(a.post("/api/v1/admin/departments", dict(body, version=1.5)), 400,
                         "wrong_type")
        for v in ("x", "0", "-1", ""):
            self.assertError(a.delete("/api/v1/admin/departments/nothing-here",
                                      query={"version": v}), 400, "invalid")
        self.srv.assert_healthy()

    def test_bad_input_on_the_new_routes(self):
        a = self.admin()
        for path in ("/api/v1/admin/departments/" + "x" * 300, "/api/v1/admin/departments/%00",
                     "/api/v1/admin/categories/..", "/api/v1/admin/categories/A%20B",
                     "/api/v1/admin/holidays/9999-99-99", "/api/v1/admin/holidays/%ff"):
            self.assertError(a.delete(path), 404, "not_found")
        for v in ("99999999999999999999", "1e3", "0x10", "-0"):
            self.assertError(a.delete("/api/v1/admin/holidays/2035-01-01", query={"version": v}),
                             400, "invalid")
        self.assertError(a.post("/api/v1/admin/departments", {
            "code": "road", "name_ko": "도로과", "version": 2**63}), 400)
        faq = {"question": "형식 질문?", "answer": "답"}
        self.assertError(a.post("/api/v1/admin/faq", dict(faq, answer_en=5)), 400, "wrong_type")
        self.assertError(a.post("/api/v1/admin/faq", dict(faq, question_en=["x"])), 400,
                         "wrong_type")
        self.assertError(a.post("/api/v1/admin/faq", dict(faq, answer_en="a" * 4001)), 413,
                         "too_large")
        self.assertError(a.delete("/api/v1/admin/departments/road", body=b"{}"), 413)
        self.assertError(self.as_user("auditor").get("/api/v1/admin-log",
                                                     query={"before": "x"}), 400, "invalid")
        self.srv.assert_healthy()

    def test_two_servers_on_one_database(self):
        """The version lives in the database: a save through another server
        that read the same version is refused as well."""
        other = harness.Server(db=self.srv.db)
        try:
            other.start()
            b = other.client("admin")
            v = self.item("/api/v1/admin/departments", "code", "parking")["version"]
            body = {"code": "parking", "name_ko": "주차관리과", "version": v}
            self.assertStatus(self.admin().post("/api/v1/admin/departments", body), 200)
            self.assertError(b.post("/api/v1/admin/departments", body), 409, "stale_version")
            self.assertStatus(b.post("/api/v1/admin/departments", dict(body, version=v + 1)), 200)
        finally:
            other.finish()

    def test_another_server_follows_reference_changes(self):
        """A category added and then deleted through one server is offered
        and then refused by another on the same database within seconds,
        without a SIGHUP (0012_ref_generation.sql)."""
        other = harness.Server(db=self.srv.db)
        try:
            other.start()
            anon = other.client()

            def codes():
                return {x["code"] for x in anon.get("/api/v1/categories").json()["items"]}

            def within(cond, what):
                deadline = time.time() + 10
                while not cond():
                    self.assertLess(time.time(), deadline, what)
                    time.sleep(0.2)

            self.assertNotIn("bench_follow", codes())
            a = self.admin()
            self.assertStatus(a.post("/api/v1/admin/categories", {
                "code": "bench_follow", "name_ko": "따라오기 시험", "department": "road",
                "period": "7d", "create": True}), 200)
            within(lambda: "bench_follow" in codes(), "the other server lists the new category")
            filed = anon.post("/api/v1/complaints", harness.complaint_body(category="bench_follow"))
            self.assertStatus(filed, 201)
            # Used by an open complaint: refused; once it is gone, deleted
            # and refused by the other server too.
            self.assertError(a.delete("/api/v1/admin/categories/bench_follow"), 409, "in_use")
            staff = other.client("admin")
            rn = filed.json()["receipt_no"]
            self.assertStatus(staff.post("/api/v1/staff/complaints/%s/actions" % rn, {
                "type": "recategorize", "category": "road_damage"}), 200)
            self.assertStatus(a.delete("/api/v1/admin/categories/bench_follow"), 200)
            within(lambda: "bench_follow" not in codes(), "the other server drops it")
            self.assertError(anon.post("/api/v1/complaints",
                                       harness.complaint_body(category="bench_follow")), 400, "invalid")
        finally:
            other.finish()


class AdminDeleteTest(harness.ServerTestCase, unittest.TestCase):

    def admin(self):
        return self.as_user("admin")

    def categories(self, admin=False):
        c = self.admin() if admin else self.anon()
        path = "/api/v1/admin/categories" if admin else "/api/v1/categories"
        return {x["code"]: x for x in c.get(path).json()["items"]}

    def departments(self, path="/api/v1/admin/departments"):
        return {x["code"]: x for x in self.admin().get(path).json()["items"]}

    def test_holiday_delete(self):
        a = self.admin()
        self.assertStatus(a.post("/api/v1/admin/holidays", {"date": "2035-03-05",
                                                           "name": "지울 휴일"}), 200)
        r = a.delete("/api/v1/admin/holidays/2035-03-05")
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"deleted": True})
        self.assertEqual(a.get("/api/v1/admin/holidays", query={"year": "2035"}).json()["items"],
                         [])
        self.assertError(a.delete("/api/v1/admin/holidays/2035-03-05"), 404, "not_found")
        for bad in ("2035-02-30", "tomorrow", "2035-3-5"):
            self.assertError(a.delete("/api/v1/admin/holidays/" + bad), 404, "not_found")

    def test_holiday_delete_moves_the_next_due_date_back(self):
        """A holiday the calendar drops is a working day again for the next
        complaint: a 16-working-hour category filed on the eve is due on it."""
        a = self.admin()
        self.assertStatus(a.post("/api/v1/admin/categories", {
            "code": "fast_lane", "name_ko": "빠른 처리", "department": "road",
            "period": "16h"}), 200)
        due = lambda: self.file(category="fast_lane")["due_at"]  # noqa: E731
        before = due()
        day = harness.parse_kst(before).date().isoformat()
        self.assertStatus(a.post("/api/v1/admin/holidays", {"date": day, "name": "시험 휴일"}), 200)
        moved = due()
        self.assertGreater(moved, before)
        self.assertStatus(a.delete("/api/v1/admin/holidays/" + day), 200)
        self.assertEqual(due()[:10], before[:10])
        self.assertNotEqual(moved[:10], before[:10])

    def test_department_in_use_is_refused_with_what_uses_it(self):
        a = self.admin()
        self.assertStatus(a.post("/api/v1/admin/departments", {"code": "busy_dept",
                                                               "name_ko": "바쁜과"}), 200)
        self.assertStatus(a.post("/api/v1/admin/users", {
            "login": "busy1", "role": "officer", "department": "busy_dept",
            "password": harness.PASSWORD}), 200)
        self.assertStatus(a.post("/api/v1/admin/categories", {
            "code": "busy_cat", "name_ko": "바쁜 분류", "department": "busy_dept",
            "period": "7d"}), 200)
        c = self.file(category="busy_cat")
        r = a.delete("/api/v1/admin/departments/busy_dept")
        err = self.assertError(r, 409, "in_use")
        used = {u["what"]: u for u in err["used_by"]}
        self.assertEqual(set(used), {"open_complaints", "users", "categories"})
        self.assertEqual(used["open_complaints"], {"what": "open_complaints", "count": 1,
                                                   "examples": [c["receipt_no"]]})
        self.assertEqual(used["users"]["examples"], ["busy1"])
        self.assertEqual(used["categories"]["examples"], ["busy_cat"])
        for word in ("1 open complaint (%s)" % c["receipt_no"], "1 user (busy1)",
                     "1 category (busy_cat)"):
            self.assertIn(word, err["message"])
        self.assertIn("busy_dept", self.departments())
        # The triage department holds the triage category.
        err = self.assertError(a.delete("/api/v1/admin/departments/triage"), 409, "in_use")
        self.assertEqual([u["what"] for u in err["used_by"]], ["categories"])

    def test_unused_department_is_deleted_used_one_retired(self):
        a = self.admin()
        self.assertStatus(a.post("/api/v1/admin/departments", {"code": "empty_dept",
                                                               "name_ko": "빈과"}), 200)
        self.assertEqual(a.delete("/api/v1/admin/departments/empty_dept").json(),
                         {"deleted": True})
        self.assertNotIn("empty_dept", self.departments())
        self.assertError(a.delete("/api/v1/admin/departments/empty_dept"), 404, "not_found")

        # A department that handled complaints: retired once nothing is open.
        self.assertStatus(a.post("/api/v1/admin/departments", {"code": "old_dept",
                                                               "name_ko": "옛과"}), 200)
        self.assertStatus(a.post("/api/v1/admin/categories", {
            "code": "old_cat", "name_ko": "옛 분류", "department": "old_dept",
            "period": "7d"}), 200)
        c = self.file(category="old_cat")
        err = self.assertError(a.delete("/api/v1/admin/categories/old_cat"), 409, "in_use")
        self.assertEqual([u["what"] for u in err["used_by"]], ["open_complaints"])
        self.assertStatus(a.action(c["receipt_no"], "start"), 200)
        self.assertStatus(a.action(c["receipt_no"], "answer", text="처리했습니다."), 200)
        # The category is retired (a complaint was filed under it), then the
        # department (it handled one and only a retired category remains).
        r = a.delete("/api/v1/admin/categories/old_cat")
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"retired": True, "version": 2})
        r = a.delete("/api/v1/admin/departments/old_dept")
        self.assertStatus(r, 200)
        self.assertTrue(r.json()["retired"])
        d = self.departments()["old_dept"]
        self.assertEqual((d["retired"], d["name_ko"]), (True, "옛과"))
        self.assertNotIn("old_dept", self.departments("/api/v1/staff/departments"))
        self.assertNotIn("old_cat", self.categories())
        # Its history keeps the names.
        view = a.staff_view(c["receipt_no"]).json()
        self.assertEqual((view["category_name"], view["department_name"]), ("옛 분류", "옛과"))
        old = self.categories(admin=True)["old_cat"]
        self.assertEqual((old["retired"], old["version"]), (True, 2))
        # Nothing new may use a retired one.
        self.assertError(a.post("/api/v1/admin/users", {
            "login": "old1", "role": "officer", "department": "old_dept",
            "password": harness.PASSWORD}), 400, "invalid")
        self.assertError(a.post("/api/v1/admin/categories", {
            "code": "new_cat", "name_ko": "새", "department": "old_dept", "period": "7d"}),
            400, "invalid")
        self.file(category="old_cat", expect=400)
        n = self.file()
        self.assertError(a.action(n["receipt_no"], "transfer", department="old_dept",
                                  text="옛과로"), 400, "invalid")
        self.assertError(a.action(n["receipt_no"], "recategorize", category="old_cat"), 400,
                         "invalid")
        self.assertError(a.post("/api/v1/staff/templates", {"category": "old_cat", "title": "t",
                                                           "body": "b"}), 400, "invalid")
        self.assertError(a.delete("/api/v1/admin/categories/old_cat"), 404, "not_found")
        # Saved again, it is back.
        self.assertStatus(a.post("/api/v1/admin/departments", {"code": "old_dept",
                                                               "name_ko": "옛과"}), 200)
        self.assertFalse(self.departments()["old_dept"]["retired"])
        self.assertIn("old_dept", self.departments("/api/v1/staff/departments"))

    def test_category_in_use_by_faq_and_templates(self):
        a = self.admin()
        self.assertStatus(a.post("/api/v1/admin/categories", {
            "code": "faq_cat", "name_ko": "FAQ 분류", "department": "road", "period": "7d"}), 200)
        self.assertStatus(a.post("/api/v1/admin/faq", {"id": "FQC", "question": "분류 질문?",
                                                      "answer": "답", "category": "faq_cat"}), 201)
        t = a.post("/api/v1/staff/templates", {"category": "faq_cat", "title": "분류 템플릿",
                                               "body": "본문"}).json()
        err = self.assertError(a.delete("/api/v1/admin/categories/faq_cat"), 409, "in_use")
        used = {u["what"]: u["examples"] for u in err["used_by"]}
        self.assertEqual(used, {"faq": ["FQC"], "templates": ["분류 템플릿"]})
        self.assertStatus(a.delete("/api/v1/admin/faq/FQC"), 200)
        self.assertStatus(a.delete("/api/v1/staff/templates/%d" % t["id"]), 200)
        self.assertEqual(a.delete("/api/v1/admin/categories/faq_cat").json(), {"deleted": True})
        self.assertNotIn("faq_cat", self.categories(admin=True))

    def test_triage_is_listed_editable_and_never_deleted(self):
        a = self.admin()
        cats = self.categories(admin=True)
        self.assertNotIn("triage", self.categories())
        t = cats["triage"]
        self.assertTrue(t["triage"])
        self.assertFalse(cats["noise"]["triage"])
        self.assertEqual(t["department"], "triage")
        err = self.assertError(a.delete("/api/v1/admin/categories/triage"), 409, "in_use")
        self.assertIn("triage", err["message"])
        # Its department can change: an unsure complaint waits there.
        self.assertStatus(a.post("/api/v1/admin/categories", {
            "code": "triage", "name_ko": t["name"], "department": "civil", "period": t["period"],
            "version": t["version"]}), 200)
        c = self.file(category=harness.DROP, text="안녕하세요 ㅎㅎ 확인 부탁드립니다")
        self.assertEqual((c["category"], c["department"]), ("triage", "civil"))
        self.assertStatus(a.post("/api/v1/admin/categories", {
            "code": "triage", "name_ko": t["name"], "department": "triage",
            "period": t["period"]}), 200)

    def test_admin_log_for_the_auditor(self):
        a = self.admin()
        self.assertStatus(a.post("/api/v1/admin/departments", {"code": "logged",
                                                               "name_ko": "기록과"}), 200)
        self.assertStatus(a.post("/api/v1/admin/users", {
            "login": "logged1", "role": "desk", "password": harness.PASSWORD}), 200)
        self.assertStatus(a.delete("/api/v1/admin/departments/logged"), 200)
        self.assertError(a.get("/api/v1/admin-log"), 403, "forbidden")
        r = self.as_user("auditor").get("/api/v1/admin-log", query={"limit": "50"})
        self.assertStatus(r, 200)
        items = r.json()["items"]
        dept = [e for e in items if e["area"] == "departments" and e["item"] == "logged"]
        self.assertEqual([e["action"] for e in dept], ["delete", "create"])
        self.assertEqual(dept[1]["detail"]["name_ko"], "기록과")
        self.assertEqual((dept[0]["login"], dept[0]["version"]), ("admin", 0))
        self.assertRegex(dept[0]["at"], harness.KST_RE)
        user = [e for e in items if e["area"] == "users" and e["item"] == "logged1"][0]
        self.assertEqual(user["detail"]["password_changed"], True)
        self.assertNotIn(harness.PASSWORD, r.text)
        older = self.as_user("auditor").get("/api/v1/admin-log",
                                            query={"before": str(items[0]["id"]), "limit": "1"})
        self.assertEqual([e["id"] for e in older.json()["items"]], [items[1]["id"]])
        self.assertError(self.as_user("auditor").get("/api/v1/admin-log",
                                                     query={"limit": "0"}), 400, "invalid")


if __name__ == "__main__":
    unittest.main()

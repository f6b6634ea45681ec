"""
test_admin_api.py - what the admin pages need of the API: the chatbot's
FAQ over HTTP (/api/v1/admin/faq: list, add, replace, delete, the checks
on each field, the running chatbot answering from a change at once, no
SIGHUP), adding without replacing ("create": true), holidays by year and
임시공휴일. The rest of /admin/... is in test_api.py and test_authz.py.
"""

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
            {"date": "2031-05-02", "name": "개교기념일(임시공휴일)", "temporary": True},
            {"date": "2031-05-03", "name": "임시공휴일(예시)", "temporary": True},
            {"date": "2031-05-04", "name": "법정공휴일", "temporary": False}])
        y2025 = admin.get("/api/v1/admin/holidays", query={"year": "2025"}).json()["items"]
        self.assertTrue(y2025 and all(h["date"].startswith("2025-") for h in y2025))
        self.assertTrue(any(h["temporary"] for h in y2025), "2025-01-27 임시공휴일")
        self.assertError(admin.get("/api/v1/admin/holidays", query={"year": "26"}), 400,
                         "invalid")


if __name__ == "__main__":
    unittest.main()

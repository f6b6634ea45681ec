"""
test_web_admin.py - the admin pages over HTTP (src/web/admin.c): who may
open them, each area's list and forms (users and roles, departments,
categories with their processing periods, holidays, the chatbot's FAQ,
answer templates), field errors tied to their fields, CSRF, escaping, and
that what a form saves reaches the API at once (a complaint gets the new
department and period, the chatbot the new answer); deleting (refused with
what still uses the item, retired when only history refers to it, holidays
from their row), two administrators saving the same item (the second one
is told to reload), the triage category's page and the FAQ's English
answer. The same in a real browser: tests/e2e/admin.mjs.
"""

import html
import re
import unittest
import urllib.parse

import harness

FORM_CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
SECTIONS = ("users", "departments", "categories", "holidays", "faq", "templates")


def urlencode(fields):
    return urllib.parse.urlencode(fields).encode()


class WebAdminTest(harness.ServerTestCase, unittest.TestCase):

    def admin(self):
        return self.as_user("admin")

    def form(self, c, path, fields, expect=303, csrf=None):
        """Posts a form as the browser does (the page's csrf field, no header)."""
        body = dict(fields)
        body["csrf"] = c.csrf if csrf is None else csrf
        if csrf is False:
            del body["csrf"]
        r = c.post(path, urlencode(body), csrf=False,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, expect, r.text[:3000])
        return r

    def page(self, path, c=None, expect=200):
        r = (c or self.admin()).get(path)
        self.assertEqual(r.status, expect, r.text[:2000])
        return r

    def field_error(self, r, fid):
        """The field's error text, after checking the field points at it."""
        m = re.search(r'<(?:input|select|textarea) id="%s"[^>]*>' % re.escape(fid), r.text)
        self.assertTrue(m, "no control %s in %s" % (fid, r.text[:3000]))
        self.assertIn('aria-invalid="true"', m.group(0))
        self.assertIn("%s-error" % fid, m.group(0))
        e = re.search(r'id="%s-error">([^<]*)<' % re.escape(fid), r.text)
        self.assertTrue(e, "no error text for " + fid)
        self.assertIn('href="#%s"' % fid, r.text, "the summary links the field")
        return html.unescape(e.group(1))

    # -- who --------------------------------------------------------------

    def test_only_admin_anonymous_signs_in_first(self):
        r = self.anon().get("/admin/users")
        self.assertEqual(r.status, 303, repr(r))
        self.assertTrue(r.header("Location").endswith("/staff/login"), r.header("Location"))
        for who in ("manager", "officer", "desk", "field", "auditor"):
            for path in ("/admin", "/admin/faq", "/admin/users/admin"):
                r = self.as_user(who).get(path)
                self.assertEqual(r.status, 403, "%s %s" % (who, path))
                self.assertTrue(r.header("Content-Type").startswith("text/html"), who)
            c = self.as_user(who)
            r = c.post("/admin/holidays", urlencode({"csrf": c.csrf, "date": "2032-01-05",
                                                      "name": "거부"}), csrf=False,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(r.status, 403, who)
        items = self.admin().get("/api/v1/admin/holidays", query={"year": "2032"}).json()["items"]
        self.assertFalse(items, "a refused form saved nothing")

    def test_every_page_renders_in_both_languages(self):
        r = self.page("/admin")
        self.assertIn('<html lang="ko">', r.text)
        self.assertIn("default-src 'self'", r.header("Content-Security-Policy"))
        self.assertNotIn("style=", r.text)
        self.assertNotIn("<script>", r.text)
        for s in SECTIONS:
            self.assertIn('href="/admin/%s"' % s, r.text)
        for s in ("users", "departments", "categories", "faq", "templates"):
            r = self.page("/admin/" + s)
            self.assertIn('aria-current="page"', r.text)
            self.assertIn('name="csrf" value="%s"' % self.admin().csrf, r.text)
        r = self.admin().get("/admin/holidays")
        self.assertEqual(r.status, 303)
        self.assertRegex(r.header("Location"), r"/admin/holidays\?year=\d{4}$")
        r = self.page("/admin/holidays?year=2025&lang=en")
        self.assertIn('<html lang="en">', r.text)
        self.assertIn("Holidays of 2025", r.text)
        self.assertIn("Temporary holiday", r.text)          # 2025-01-27
        r = self.page("/admin/categories?lang=ko")
        self.assertIn("분류와 처리기간", r.text)
        self.page("/admin/nothing", expect=404)
        self.page("/admin/holidays/2025-01-01", expect=404)
        self.page("/admin/users/nobody-here", expect=404)

    # -- users --------------------------------------------------------------

    def test_users_add_edit_reset_lock(self):
        c = self.admin()
        self.form(c, "/admin/users", {"login": "web-kim", "name": "김<b>웹</b>", "role": "officer",
                                      "department": "road", "password": harness.PASSWORD})
        r = self.page("/admin/users?done=added")
        self.assertIn("추가했습니다", r.text)
        self.assertIn("김&lt;b&gt;웹&lt;/b&gt;", r.text)
        self.assertIn('href="/admin/users/web-kim"', r.text)
        # The same login again is refused on its field, nothing replaced.
        r = self.form(c, "/admin/users", {"login": "web-kim", "role": "desk",
                                          "password": harness.PASSWORD}, expect=400)
        self.assertIn("이미 있는 아이디", self.field_error(r, "add-login"))
        self.assertIn('value="web-kim"', r.text, "the typed values come back")
        self.assertNotIn(harness.PASSWORD, r.text, "never the password")
        r = self.form(c, "/admin/users", {"login": "Web Kim", "role": "desk",
                                          "password": harness.PASSWORD}, expect=400)
        self.field_error(r, "add-login")
        r = self.form(c, "/admin/users", {"login": "web-lee", "role": "manager",
                                          "password": harness.PASSWORD}, expect=400)
        self.field_error(r, "add-department")
        r = self.form(c, "/admin/users", {"login": "web-lee", "role": "desk",
                                          "password": "short"}, expect=400)
        self.assertIn("10자", self.field_error(r, "add-password"))

        # Role and department change; the password stays when left empty.
        self.form(c, "/admin/users/web-kim", {"name": "김웹", "role": "manager",
                                              "department": "parking", "password": ""})
        users = {u["login"]: u for u in c.get("/api/v1/admin/users").json()["items"]}
        self.assertEqual((users["web-kim"]["role"], users["web-kim"]["department"]),
                         ("manager", "parking"))
        self.assertStatus(self.anon().sign_in("web-kim"), 200)
        # A new password.
        self.form(c, "/admin/users/web-kim", {"name": "김웹", "role": "manager",
                                              "department": "parking",
                                              "password": "Another-Pass-9"})
        self.assertEqual(self.anon().sign_in("web-kim").status, 401)
        self.assertStatus(self.anon().sign_in("web-kim", "Another-Pass-9"), 200)

        # Locked after failed sign-ins: the page says so and unlocks.
        for _ in range(5):
            self.anon().sign_in("web-kim", "wrong-password-1")
        r = self.page("/admin/users/web-kim")
        self.assertIn('id="unlock"', r.text)
        self.assertIn("잠김", r.text)
        self.assertEqual(self.anon().sign_in("web-kim", "Another-Pass-9").status, 429)
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"',
                                 r.text.split('id="unlock-form"')[1].split("</form>")[0]))
        self.form(c, "/admin/users/web-kim", fields)
        self.assertStatus(self.anon().sign_in("web-kim", "Another-Pass-9"), 200)
        users = {u["login"]: u for u in c.get("/api/v1/admin/users").json()["items"]}
        self.assertEqual((users["web-kim"]["role"], users["web-kim"]["department"]),
                         ("manager", "parking"), "unlocking changed nothing else")

        # Disabled: signed out at once.
        k = self.srv.client("web-kim", "Another-Pass-9")
        self.form(c, "/admin/users/web-kim", {"name": "김웹", "role": "manager",
                                              "department": "parking", "disabled": "yes"})
        self.assertEqual(k.get("/api/v1/session").status, 401)
        self.assertIn("사용 중지", self.page("/admin/users").text)

    # -- departments, categories, holidays ------------------------------------

    def test_users_notice_contacts_masked_kept_and_cleared(self):
        c = self.admin()
        self.form(c, "/admin/users", {"login": "web-park", "role": "officer", "department": "road",
                                      "password": harness.PASSWORD, "email": "park@gu.example.kr",
                                      "phone": "010-4321-8765"})
        r = self.page("/admin/users")
        self.assertIn("pa**@gu.example.kr · 010-****-8765", r.text)
        self.assertNotIn("010-4321-8765", r.text)
        # The edit page shows them masked and its fields start empty.
        r = self.page("/admin/users/web-park")
        self.assertIn('id="item-contact"', r.text)
        self.assertRegex(r.text, r'<input id="edit-phone" name="phone" type="text" value=""')
        self.assertNotIn("010-4321-8765", r.text)
        # Saved with the fields left empty: kept.
        self.form(c, "/admin/users/web-park", {"role": "officer", "department": "road"})
        u = {u["login"]: u for u in c.get("/api/v1/admin/users").json()["items"]}["web-park"]
        self.assertEqual((u["email"], u["phone"]), ("pa**@gu.example.kr", "010-****-8765"))
        # A bad number is refused on its field; "-" clears.
        r = self.form(c, "/admin/users/web-park", {"role": "officer", "department": "road",
                                                   "phone": "전화번호"}, expect=400)
        self.assertIn("전화번호를 확인", self.field_error(r, "edit-phone"))
        self.form(c, "/admin/users/web-park", {"role": "officer", "department": "road",
                                               "phone": "-"})
        u = {u["login"]: u for u in c.get("/api/v1/admin/users").json()["items"]}["web-park"]
        self.assertEqual((u["email"], u["phone"]), ("pa**@gu.example.kr", None))
        r = self.page("/admin/users?lang=en")
        self.assertIn("Notices to", r.text)

    def test_departments_add_and_rename(self):
        c = self.admin()
        self.form(c, "/admin/departments", {"code": "smart_city", "name_ko": "스마트도시과",
                                            "name_en": "Smart City Division"})
        r = self.form(c, "/admin/departments", {"code": "smart_city", "name_ko": "x"},
                      expect=400)
        self.field_error(r, "add-code")
        r = self.form(c, "/admin/departments", {"code": "x y", "name_ko": "x"}, expect=400)
        self.field_error(r, "add-code")
        r = self.form(c, "/admin/departments", {"code": "xy", "name_ko": " "}, expect=400)
        self.assertEqual(self.field_error(r, "add-name_ko"), "입력해 주세요.")
        self.form(c, "/admin/departments/smart_city", {"name_ko": "스마트도시정책과",
                                                       "name_en": ""})
        r = self.page("/admin/departments")
        self.assertIn("스마트도시정책과", r.text)
        r = self.page("/admin/users")
        self.assertIn('<option value="smart_city">스마트도시정책과</option>', r.text)

    def test_category_moves_with_a_new_period(self):
        c = self.admin()
        r = self.page("/admin/categories/noise")
        self.assertRegex(r.text, r'<option value="environment" selected>')
        r = self.form(c, "/admin/categories/noise", {"name_ko": "소음·진동", "department": "road",
                                                     "period": "many", "period_unit": "d"},
                      expect=400)
        self.assertIn("1~3650", self.field_error(r, "edit-period"))
        self.form(c, "/admin/categories/noise", {"name_ko": "소음·진동", "department": "road",
                                                 "period": "21", "period_unit": "d"})
        r = self.page("/admin/categories?done=saved")
        row = re.search(r'<tr id="cat-noise">.*?</tr>', r.text, re.S).group(0)
        self.assertIn("도로과", row)
        self.assertIn("21 일", row)
        j = self.file(category="noise")
        self.assertEqual(j["department"], "road")
        view = self.citizen_view(j["receipt_no"], j["token"]).json()
        self.assertEqual(view["period"], "21d")
        # In working hours, and a new category.
        self.form(c, "/admin/categories", {"code": "kickboard", "name_ko": "공유 킥보드 방치",
                                           "department": "traffic", "period": "16",
                                           "period_unit": "h"})
        cats = {x["code"]: x for x in self.anon().get("/api/v1/categories").json()["items"]}
        self.assertEqual((cats["kickboard"]["department"], cats["kickboard"]["period"]),
                         ("traffic", "16h"))
        r = self.form(c, "/admin/categories", {"code": "kickboard", "name_ko": "중복",
                                               "department": "traffic", "period": "1",
                                               "period_unit": "d"}, expect=400)
        self.field_error(r, "add-code")

    def test_holidays_by_year_official_and_temporary(self):
        c = self.admin()
        self.form(c, "/admin/holidays?year=2033", {"date": "2033-03-02", "name": "개교기념일",
                                                   "temporary": "yes"})
        self.form(c, "/admin/holidays?year=2033", {"date": "2033-03-03", "name": "시험공휴일"})
        r = self.page("/admin/holidays?year=2033")
        self.assertIn("2033년 3월 2일 (수)", r.text)
        self.assertRegex(r.text, r'(?s)<tr id="h-2033-03-02">.*?개교기념일\(임시공휴일\).*?임시공휴일</td>')
        self.assertRegex(r.text, r'(?s)<tr id="h-2033-03-03">.*?시험공휴일</td><td>공휴일</td>')
        self.assertNotIn("2025-", r.text.split('id="list"')[1].split("</table>")[0])
        self.assertIn('href="/admin/holidays?year=2032"', r.text)
        r = self.form(c, "/admin/holidays?year=2033", {"date": "2033-02-30", "name": "없는 날"},
                      expect=400)
        self.field_error(r, "add-date")
        r = self.form(c, "/admin/holidays?year=2033", {"date": "2033-04-01", "name": " "},
                      expect=400)
        self.field_error(r, "add-name")

    # -- FAQ and answer templates ------------------------------------------------

    def test_faq_add_edit_delete_reach_the_chatbot(self):
        c = self.admin()
        ask = {"text": "동물등록은 어디서 하나요?"}
        self.assertNotEqual(self.anon().post("/api/v1/chat", ask).json()["kind"], "faq")
        evil = "<script>alert('faq')</script> 동물병원에서 등록합니다."
        self.form(c, "/admin/faq", {"question": "반려견 동물등록은 어디서 하나요?", "answer": evil,
                                    "category": "general"})
        r = self.page("/admin/faq?done=added")
        self.assertNotIn("<script>alert", r.text)
        self.assertIn("&lt;script&gt;alert(&#39;faq&#39;)&lt;/script&gt;", r.text)
        fid = re.search(r'href="/admin/faq/([^"]+)"', r.text).group(1)
        j = self.anon().post("/api/v1/chat", ask).json()
        self.assertEqual((j["kind"], j["faq_id"], j["answer"]), ("faq", fid, evil))
        r = self.form(c, "/admin/faq/" + fid, {"question": "반려견 동물등록은 어디서 하나요?",
                                               "answer": "", "category": "general"}, expect=400)
        self.field_error(r, "edit-answer")
        self.form(c, "/admin/faq/" + fid, {"question": "반려견 동물등록은 어디서 하나요?",
                                           "answer": "가까운 동물병원이나 구청에서 합니다.",
                                           "category": "animals"})
        self.assertEqual(self.anon().post("/api/v1/chat", ask).json()["answer"],
                         "가까운 동물병원이나 구청에서 합니다.")
        r = self.page("/admin/faq/" + fid)
        self.assertIn('<option value="animals" selected>', r.text)
        self.assertIn('id="delete"', r.text)
        r = self.form(c, "/admin/faq/%s/delete" % fid, {})
        self.assertTrue(r.header("Location").endswith("/admin/faq?done=deleted"))
        self.assertNotEqual(self.anon().post("/api/v1/chat", ask).json().get("faq_id"), fid)
        self.page("/admin/faq/" + fid, expect=404)

    def test_templates_add_edit_delete(self):
        c = self.admin()
        self.form(c, "/admin/templates", {"title": "포트홀 보수 완료", "category": "road_damage",
                                          "body": "요청하신 {위치}의 포트홀을 보수했습니다."})
        items = c.get("/api/v1/staff/templates").json()["items"]
        t = [x for x in items if x["title"] == "포트홀 보수 완료"][0]
        self.assertEqual(t["category"], "road_damage")
        r = self.form(c, "/admin/templates/%d" % t["id"], {"title": "", "category": "",
                                                           "body": "x"}, expect=400)
        self.field_error(r, "edit-title")
        self.form(c, "/admin/templates/%d" % t["id"], {"title": "일반 감사 인사", "category": "",
                                                       "body": "감사합니다."})
        t2 = [x for x in c.get("/api/v1/staff/templates").json()["items"] if x["id"] == t["id"]][0]
        self.assertEqual((t2["title"], t2["category"]), ("일반 감사 인사", None))
        # Managers see it in their list (the API they answer with).
        titles = [x["title"] for x in self.as_user("manager").get(
            "/api/v1/staff/templates", query={"category": "road_damage"}).json()["items"]]
        self.assertIn("일반 감사 인사", titles)
        self.form(c, "/admin/templates/%d/delete" % t["id"], {})
        self.assertFalse([x for x in c.get("/api/v1/staff/templates").json()["items"]
                          if x["id"] == t["id"]])
        self.form(c, "/admin/templates/%d/delete" % t["id"], {}, expect=404)
        self.form(c, "/admin/users/admin/delete", {}, expect=404)

    # -- deleting, versions, triage ------------------------------------------------

    def version_of(self, r):
        m = re.search(r'<form method="post" action="[^"]*" id="edit-form"[^>]*>.*?'
                      r'name="version" value="(\d+)"', r.text, re.S)
        self.assertTrue(m, "the edit form carries its version")
        return m.group(1)

    def test_two_admins_save_the_same_department(self):
        c = self.admin()
        other = self.srv.client("admin")      # a second browser, signed in too
        first = self.page("/admin/departments/parking")
        second = self.page("/admin/departments/parking", c=other)
        v = self.version_of(first)
        self.assertEqual(v, self.version_of(second))
        self.form(c, "/admin/departments/parking", {"name_ko": "주차관리과", "name_en": "Parking A",
                                                    "version": v})
        r = self.form(other, "/admin/departments/parking",
                      {"name_ko": "주차관리과", "name_en": "Parking B", "version": v}, expect=409)
        self.assertIn("다른 사람이", r.text)
        self.assertIn('id="edit-failed"', r.text)
        self.assertIn('href="/admin/departments/parking" id="reload"', r.text)
        self.assertIn('value="Parking B"', r.text, "what was typed comes back")
        self.assertEqual(self.version_of(r), v, "and the version it was based on")
        d = [x for x in c.get("/api/v1/admin/departments").json()["items"]
             if x["code"] == "parking"][0]
        self.assertEqual(d["name_en"], "Parking A", "the first save stands")
        # Reloaded, the change goes through.
        fresh = self.page("/admin/departments/parking", c=other)
        self.form(other, "/admin/departments/parking",
                  {"name_ko": "주차관리과", "name_en": "Parking B",
                   "version": self.version_of(fresh)})
        r = self.page("/admin/departments/parking?lang=en", c=other)
        self.assertIn('value="Parking B"', r.text)

    def test_delete_refused_while_in_use_then_retired(self):
        c = self.admin()
        self.form(c, "/admin/departments", {"code": "web_del", "name_ko": "지울과"})
        self.form(c, "/admin/categories", {"code": "web_del_cat", "name_ko": "지울 분류",
                                           "department": "web_del", "period": "7",
                                           "period_unit": "d"})
        j = self.file(category="web_del_cat")
        r = self.page("/admin/categories/web_del_cat")
        self.assertIn('id="delete"', r.text)
        v = re.search(r'id="delete-form".*?name="version" value="(\d+)"', r.text, re.S).group(1)
        r = self.form(c, "/admin/categories/web_del_cat/delete", {"version": v}, expect=409)
        self.assertIn("아직 쓰이고 있어", r.text)
        self.assertIn("처리 중인 민원 1건: %s" % j["receipt_no"], r.text)
        r = self.form(c, "/admin/departments/web_del/delete", {}, expect=409)
        self.assertIn("이 부서가 맡은 분류 1개: web_del_cat", r.text)
        # Closed, the category is retired rather than deleted.
        self.assertStatus(c.action(j["receipt_no"], "start"), 200)
        self.assertStatus(c.action(j["receipt_no"], "answer", text="처리했습니다."), 200)
        r = self.form(c, "/admin/categories/web_del_cat/delete", {"version": v})
        self.assertTrue(r.header("Location").endswith("/admin/categories?done=retired"))
        r = self.page("/admin/categories?done=retired")
        self.assertIn("사용을 멈췄습니다", r.text)
        row = re.search(r'<tr id="cat-web_del_cat">.*?</tr>', r.text, re.S).group(0)
        self.assertIn("사용 중지", row)
        r = self.page("/admin/categories/web_del_cat")
        self.assertIn('id="item-note"', r.text)
        self.assertNotIn('id="delete"', r.text, "a retired one is not deleted again")
        self.assertNotIn('value="web_del_cat"', self.page("/admin/faq").text,
                         "nor offered for new work")
        # The department now only has history: retired too.
        r = self.form(c, "/admin/departments/web_del/delete", {})
        self.assertTrue(r.header("Location").endswith("/admin/departments?done=retired"))
        self.assertNotIn('<option value="web_del">', self.page("/admin/users").text)
        # A department nothing used is deleted for good.
        self.form(c, "/admin/departments", {"code": "web_gone", "name_ko": "빈과"})
        r = self.form(c, "/admin/departments/web_gone/delete", {})
        self.assertTrue(r.header("Location").endswith("/admin/departments?done=deleted"))
        self.page("/admin/departments/web_gone", expect=404)

    def test_stale_delete_says_so(self):
        c = self.admin()
        self.form(c, "/admin/departments", {"code": "web_stale", "name_ko": "옛이름"})
        r = self.page("/admin/departments/web_stale")
        v = self.version_of(r)
        self.form(c, "/admin/departments/web_stale", {"name_ko": "새이름", "version": v})
        r = self.form(c, "/admin/departments/web_stale/delete", {"version": v}, expect=409)
        self.assertIn("다른 사람이", r.text)
        self.assertIn('value="새이름"', r.text, "the page shows the item as it is now")
        self.assertIn("web_stale", [x["code"] for x in
                                    c.get("/api/v1/admin/departments").json()["items"]])

    def test_holidays_are_deleted_from_their_row(self):
        c = self.admin()
        self.form(c, "/admin/holidays?year=2036", {"date": "2036-06-03", "name": "지울 휴일"})
        r = self.page("/admin/holidays?year=2036")
        row = re.search(r'<tr id="h-2036-06-03">.*?</tr>', r.text, re.S).group(0)
        self.assertIn('action="/admin/holidays/2036-06-03/delete"', row)
        self.assertIn('aria-label="2036년 6월 3일 (화) 삭제"', row)
        v = re.search(r'name="version" value="(\d+)"', row).group(1)
        self.form(c, "/admin/holidays?year=2036", {"date": "2036-06-03", "name": "고친 휴일"})
        r = self.form(c, "/admin/holidays/2036-06-03/delete", {"version": v}, expect=409)
        self.assertIn('id="list-failed"', r.text)
        self.assertIn("고친 휴일", r.text)
        self.assertIn('href="/admin/holidays?year=2036" id="reload"', r.text)
        r = self.form(c, "/admin/holidays/2036-06-03/delete", {})
        self.assertTrue(r.header("Location").endswith("/admin/holidays?done=deleted&year=2036"))
        self.assertEqual(c.get("/api/v1/admin/holidays", query={"year": "2036"}).json()["items"],
                         [])
        self.form(c, "/admin/holidays/2036-06-03/delete", {}, expect=404)
        self.page("/admin/holidays/2036-06-03", expect=404)
        self.form(c, "/admin/holidays/2036-06-03", {"name": "x"}, expect=404)

    def test_triage_category_page(self):
        c = self.admin()
        r = self.page("/admin/categories")
        row = re.search(r'<tr id="cat-triage">.*?</tr>', r.text, re.S).group(0)
        self.assertIn("분류대기", row)
        en = self.srv.client("admin")         # the language sticks to a browser
        r = self.page("/admin/categories/triage?lang=en", c=en)
        self.assertIn("Complaints the AI was not sure about", r.text)
        self.assertNotIn('id="delete"', r.text)
        self.form(c, "/admin/categories/triage", {"name_ko": "분류대기", "department": "civil",
                                                  "period": "5", "period_unit": "d",
                                                  "version": self.version_of(r)})
        cat = [x for x in c.get("/api/v1/admin/categories").json()["items"]
               if x["code"] == "triage"][0]
        self.assertEqual((cat["department"], cat["period"]), ("civil", "5d"))
        self.form(c, "/admin/categories/triage/delete", {}, expect=409)
        self.form(c, "/admin/categories/triage", {"name_ko": "분류대기", "department": "triage",
                                                  "period": "7", "period_unit": "d"})

    def test_faq_english_answer(self):
        c = self.admin()
        self.form(c, "/admin/faq", {"question": "여권 발급 수수료는 얼마인가요?",
                                    "answer": "10년 복수여권은 5만 원입니다.",
                                    "question_en": "How much is a passport?",
                                    "answer_en": "A 10-year passport costs 50,000 won."})
        e = [x for x in c.get("/api/v1/admin/faq").json()["items"]
             if x["question"] == "여권 발급 수수료는 얼마인가요?"][0]
        self.assertEqual((e["question_en"], e["answer_en"]),
                         ("How much is a passport?", "A 10-year passport costs 50,000 won."))
        r = self.page("/admin/faq/%s?lang=en" % e["id"], c=self.srv.client("admin"))
        self.assertIn('id="edit-answer_en"', r.text)
        self.assertIn("A 10-year passport costs 50,000 won.", r.text)
        # Emptied, the English answer goes.
        self.form(c, "/admin/faq/" + e["id"], {"question": e["question"], "answer": e["answer"],
                                               "category": "general", "question_en": "",
                                               "answer_en": "", "version": str(e["version"])})
        e = [x for x in c.get("/api/v1/admin/faq").json()["items"] if x["id"] == e["id"]][0]
        self.assertEqual((e["question_en"], e["answer_en"], e["version"]), (None, None, 2))

    # -- CSRF -----------------------------------------------------------------

    def test_forms_without_the_token_are_refused(self):
        c = self.admin()
        for csrf in (False, "", "forged-token-forged-to"):
            self.form(c, "/admin/faq", {"question": "CSRF 질문?", "answer": "답"}, expect=403,
                      csrf=csrf)
            self.form(c, "/admin/users", {"login": "csrf-user", "role": "admin",
                                          "password": harness.PASSWORD}, expect=403, csrf=csrf)
        questions = [e["question"] for e in c.get("/api/v1/admin/faq").json()["items"]]
        self.assertNotIn("CSRF 질문?", questions)
        logins = [u["login"] for u in c.get("/api/v1/admin/users").json()["items"]]
        self.assertNotIn("csrf-user", logins)


if __name__ == "__main__":
    unittest.main()

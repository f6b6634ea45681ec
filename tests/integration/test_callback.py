"""
test_callback.py - call-back requests (전화 요청) as data: filing one through
the API ("callback": true, which needs a phone number), in the easy view's
"전화로 도와주세요" and at the desk; the staff queue's filter (API
callback=pending, the console's "전화 요청" checkbox), the badge, the
dashboard's count, the department's inbox notice; and recording the call
("통화 완료", the lifecycle action callback_done) from the API and from the
complaint page, which takes the complaint off the filter. The browser
journey is in tests/e2e/easy.mjs.
"""

import re
import unittest

import harness
from test_web import multipart, urlencode

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
IDEM_RE = re.compile(r'name="idem" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" value="(\d+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class CallbackTest(harness.ServerTestCase, unittest.TestCase):

    # -- helpers -------------------------------------------------------------

    def file_callback(self, **over):
        over.setdefault("callback", True)
        return self.file(**over)

    def pending(self, who="manager", **query):
        q = {"callback": "pending", "limit": 100}
        q.update(query)
        r = self.as_user(who).get("/api/v1/queue", query=q)
        self.assertStatus(r, 200)
        return [i["receipt_no"] for i in r.json()["items"]]

    def stats(self, who="manager"):
        r = self.as_user(who).get("/api/v1/staff/stats")
        self.assertStatus(r, 200)
        return r.json()

    def browser(self, path):
        """An anonymous browser that has loaded path (its CSRF cookie and token)."""
        c = self.anon()
        r = c.get(path)
        self.assertStatus(r, 200)
        c.form_csrf = CSRF_RE.search(r.text).group(1)
        c.idem = IDEM_RE.search(r.text).group(1) if IDEM_RE.search(r.text) else None
        return c

    def signed_in(self, login):
        """A staff browser signed in through /staff/login."""
        c = self.anon()
        token = CSRF_RE.search(c.get("/staff/login").text).group(1)
        r = c.post("/staff/login", urlencode({"csrf": token, "login": login,
                                              "password": harness.PASSWORD}), headers=FORM)
        self.assertStatus(r, 303)
        # The session's token, which the console's forms carry.
        c.csrf = CSRF_RE.search(c.get("/staff").text).group(1)
        return c

    # -- the API -------------------------------------------------------------

    def test_api_filing_with_callback_is_pending_everywhere(self):
        before = self.stats()["callbacks_pending"]
        c = self.file_callback(text="기초연금 신청 방법을 전화로 듣고 싶습니다")
        self.assertEqual(c["callback"], "pending")
        plain = self.file()
        self.assertIsNone(plain["callback"])
        # The citizen's view, the staff view and the queue row say so.
        self.assertEqual(self.citizen_view(c["receipt_no"], c["token"]).json()["callback"], "pending")
        self.assertIsNone(self.citizen_view(plain["receipt_no"], plain["token"]).json()["callback"])
        sv = self.as_user("manager").staff_view(c["receipt_no"]).json()
        self.assertEqual(sv["callback"], "pending")
        self.assertIn("callback_done", sv["allowed_actions"])
        self.assertNotIn("callback_done",
                         self.as_user("manager").staff_view(plain["receipt_no"]).json()["allowed_actions"])
        items = self.as_user("manager").get("/api/v1/queue", query={"limit": 100}).json()["items"]
        row = [i for i in items if i["receipt_no"] == c["receipt_no"]][0]
        self.assertEqual(row["callback"], "pending")
        # The filter lists call-backs only; the dashboard counts them.
        mine = self.pending()
        self.assertIn(c["receipt_no"], mine)
        self.assertNotIn(plain["receipt_no"], mine)
        self.assertEqual(self.stats()["callbacks_pending"], before + 1)
        # Another department neither lists nor counts it.
        self.assertNotIn(c["receipt_no"], self.pending("officer2"))
        all_depts = self.as_user("admin").get("/api/v1/staff/stats").json()["callbacks_pending"]
        self.assertGreaterEqual(all_depts, before + 1)

    def test_api_callback_needs_a_phone_number(self):
        anon = self.anon()
        for contact in (harness.DROP, None, {"name": "홍길동"}, {"email": "hong@example.kr"}):
            body = harness.complaint_body(callback=True, contact=contact)
            err = self.assertError(anon.post("/api/v1/complaints", body), 400, "missing_field")
            self.assertIn("contact.phone", err["message"])
            self.assertIn("callback", err["message"])
        for bad in ("yes", 1, [], {}):
            err = self.assertError(anon.post("/api/v1/complaints",
                                             harness.complaint_body(callback=bad)), 400, "wrong_type")
            self.assertIn("callback", err["message"])
        # false and null ask for nothing.
        for off in (False, None):
            self.assertIsNone(self.file(callback=off)["callback"])

    def test_api_queue_filter_refuses_other_values(self):
        for bad in ("done", "1", "true", "PENDING"):
            err = self.assertError(self.as_user("manager").get("/api/v1/queue",
                                                               query={"callback": bad}),
                                   400, "invalid")
            self.assertIn("callback", err["message"])

    def test_api_callback_done_records_the_call_and_clears_the_filter(self):
        c = self.file_callback(text="전화로 설명 부탁드립니다")
        rn = c["receipt_no"]
        mgr = self.as_user("manager")
        before = self.stats()["callbacks_pending"]
        # A note is needed, and a short one.
        err = self.assertError(mgr.action(rn, "callback_done"), 400, "invalid")
        self.assertIn("note", err["message"])
        err = self.assertError(mgr.action(rn, "callback_done", text="가" * 334), 413, "too_large")
        self.assertIn("text", err["message"])
        # Another department may not.
        self.assertError(self.as_user("officer2").action(rn, "callback_done", text="통화함"), 403,
                         "forbidden")
        version = mgr.staff_view(rn).json()["version"]
        r = mgr.action(rn, "callback_done", if_match=version,
                       text="11시 통화, 보도 보수 일정을 안내했습니다.")
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["action"], "callback_done")
        self.assertEqual(r.json()["status"], "received")
        self.assertEqual(r.json()["version"], version + 1)
        sv = mgr.staff_view(rn).json()
        self.assertEqual(sv["callback"], "done")
        self.assertNotIn("callback_done", sv["allowed_actions"])
        ev = [e for e in sv["timeline"] if e["kind"] == "callback_done"]
        self.assertEqual(len(ev), 1)
        self.assertTrue(ev[0]["public"])
        self.assertEqual(ev[0]["actor"], "manager")
        self.assertEqual(ev[0]["label"], "통화 완료")
        # The citizen sees that the office called (never who).
        cv = self.citizen_view(rn, c["token"]).json()
        self.assertEqual(cv["callback"], "done")
        pub = [e for e in cv["timeline"] if e["kind"] == "callback_done"]
        self.assertEqual(pub[0]["text"], "11시 통화, 보도 보수 일정을 안내했습니다.")
        self.assertNotIn("actor", pub[0])
        # Off the filter and the count; a second record is refused.
        self.assertNotIn(rn, self.pending())
        self.assertEqual(self.stats()["callbacks_pending"], before - 1)
        err = self.assertError(mgr.action(rn, "callback_done", text="또 통화"), 409,
                               "transition_not_allowed")
        self.assertIn("call-back", err["message"])
        self.assertNotIn("callback_done", err["allowed"])
        self.assertEqual(sorted(err["allowed"]), sorted(sv["allowed_actions"]))

    def test_api_callback_done_without_a_request_is_refused(self):
        c = self.file()
        err = self.assertError(self.as_user("manager").action(c["receipt_no"], "callback_done",
                                                              text="통화함"),
                               409, "transition_not_allowed")
        self.assertIn("no call-back is pending", err["message"])
        self.assertNotIn("callback_done", err["allowed"])

    def test_api_callback_is_listed_while_the_complaint_is_open(self):
        c = self.file_callback()
        rn = c["receipt_no"]
        mgr = self.as_user("manager")
        self.assertStatus(mgr.action(rn, "start"), 200)
        self.assertStatus(mgr.action(rn, "answer", text="보수했습니다."), 200)
        # Answered: no longer open work, but the call is still owed and can
        # be recorded; the filter with status=answered finds it.
        self.assertNotIn(rn, self.pending())
        self.assertIn(rn, self.pending(status="answered"))
        self.assertEqual(mgr.staff_view(rn).json()["callback"], "pending")
        self.assertStatus(mgr.action(rn, "callback_done", text="답변 내용을 전화로 설명"), 200)
        self.assertNotIn(rn, self.pending(status="answered"))

    def test_staff_inbox_hears_of_a_new_call_back_request(self):
        c = self.file_callback(text="전화 상담을 원합니다")
        for who in ("manager", "officer"):
            items = self.as_user(who).get("/api/v1/staff/inbox", query={"limit": 100}).json()["items"]
            mine = [i for i in items if i["kind"] == "callback_request"
                    and i["receipt_no"] == c["receipt_no"]]
            self.assertEqual(len(mine), 1, who)
            self.assertEqual(mine[0]["label"], "전화 요청")
        other = self.as_user("officer2").get("/api/v1/staff/inbox", query={"limit": 100}).json()
        self.assertFalse([i for i in other["items"] if i["receipt_no"] == c["receipt_no"]])

    # -- the pages -----------------------------------------------------------

    def easy(self, c, expect=200, **fields):
        base = {"csrf": c.form_csrf, "idem": c.idem, "go": "next"}
        base.update(fields)
        body, ctype = multipart(base, ())
        r = c.post("/easy", body, headers={"Content-Type": ctype})
        self.assertEqual(r.status, expect, r.text[:1500])
        return r

    def test_easy_view_call_back_request_is_data(self):
        c = self.browser("/easy")
        r = self.easy(c, expect=303, mode="call", step="call_consent", phone="010-8888-3333",
                      text="기초연금 신청 방법", consent="yes")
        self.assertEqual(r.header("Location"), "/receipt")
        receipt, _, token = c.cookies["mw_track"].partition(".")
        j = self.citizen_view(receipt, token).json()
        self.assertEqual(j["callback"], "pending")
        self.assertEqual(j["text"], "기초연금 신청 방법")
        self.assertEqual(j["title"], "기초연금 신청 방법")
        # The receipt and the track page tell the citizen a call will come.
        self.assertIn('id="receipt-callback"', c.get("/receipt").text)
        self.assertIn("전화드립니다", c.get("/track").text)
        # Without a topic: the text says what is asked.
        c2 = self.browser("/easy")
        self.easy(c2, expect=303, mode="call", step="call_consent", phone="010-8888-4444",
                  consent="yes")
        receipt2, _, token2 = c2.cookies["mw_track"].partition(".")
        j2 = self.citizen_view(receipt2, token2).json()
        self.assertEqual(j2["text"], "전화 상담을 요청합니다.")
        self.assertEqual(j2["callback"], "pending")
        admin = self.as_user("admin")
        listed = [i["receipt_no"] for i in admin.get("/api/v1/queue",
                                                     query={"callback": "pending", "limit": 100}).json()["items"]]
        self.assertIn(receipt, listed)
        self.assertIn(receipt2, listed)
        # A phone number the API refuses comes back on the phone screen.
        c3 = self.browser("/easy")
        r = self.easy(c3, expect=400, mode="call", step="call_consent", phone="12", consent="yes")
        self.assertIn('name="step" value="call_phone"', r.text)
        self.assertRegex(r.text, r'id="f-phone"[^>]*aria-invalid="true"')

    def desk_file(self, c, expect=303, **over):
        r = c.get("/desk")
        token, idem = CSRF_RE.search(r.text).group(1), IDEM_RE.search(r.text).group(1)
        fields = {"csrf": token, "idem": idem, "channel": "phone", "phone": "010-3333-5555",
                  "name": "김민원", "text": "전화 민원: 보도블록이 깨졌는데 결과를 전화로 알려 주세요",
                  "category": "road_damage", "consent": "yes"}
        fields.update(over)
        r = c.post("/desk", urlencode(fields), headers=FORM)
        self.assertStatus(r, expect, r.text[:800])
        return r

    def test_desk_files_a_call_back_request(self):
        c = self.signed_in("desk")
        self.assertIn('id="f-callback"', c.get("/desk").text)
        self.desk_file(c, callback="yes")
        receipt, token = harness.desk_last_filing(c)
        self.assertEqual(self.citizen_view(receipt, token).json()["callback"], "pending")
        self.assertIn('id="receipt-callback"', c.get("/desk/receipt").text)
        self.assertIn(receipt, self.pending())
        # Without a phone number: the phone field says why, the box stays ticked.
        r = self.desk_file(c, expect=400, callback="yes", phone="")
        self.assertIn('id="e-phone"', r.text)
        self.assertIn("전화 요청에는 전화번호가 필요합니다", r.text)
        self.assertRegex(r.text, r'id="f-callback"[^>]* checked')
        # Unticked: an ordinary filing.
        self.desk_file(c)
        receipt, token = harness.desk_last_filing(c)
        self.assertIsNone(self.citizen_view(receipt, token).json()["callback"])

    def test_console_filter_badge_and_recording_the_call(self):
        c = self.file_callback(text="콘솔에서 전화 요청 확인")
        plain = self.file(text="전화 요청이 없는 민원")
        rn = c["receipt_no"]
        self.assertStatus(self.as_user("manager").action(rn, "start"), 200)
        web = self.signed_in("manager")
        # The filter: only call-back requests, each with its badge.
        page = web.get("/staff", query={"callback": "1"})
        self.assertStatus(page, 200)
        self.assertRegex(page.text, r'id="q-callback"[^>]* checked')
        self.assertIn(rn, page.text)
        self.assertNotIn(plain["receipt_no"], page.text)
        self.assertIn('class="badge callback-badge"', page.text)
        # The whole queue shows the badge on that row.
        row = [tr for tr in web.get("/staff").text.split("<tr") if rn in tr][0]
        self.assertIn("callback-badge", row)
        # The dashboard counts them and links to the filter.
        dash = web.get("/staff/dashboard").text
        self.assertIn('id="dash-callbacks"', dash)
        self.assertIn("callback=1", dash)
        # The complaint page: the badge, the masked phone with the reveal
        # form (a reason already written), and the 통화 완료 form.
        page = web.get("/staff/c/%s" % rn).text
        self.assertIn('id="case-callback-badge"', page)
        self.assertIn("010-****-5678", page)
        self.assertNotIn("010-1234-5678", page)
        self.assertRegex(page, r'id="f-reveal-reason"[^>]* value="전화 요청에 따른 회신 전화"')
        self.assertIn('id="a-callback_done"', page)
        self.assertIn('id="answer-callback-hint"', page)
        self.assertNotIn('id="a-callback_done"', web.get("/staff/c/%s" % plain["receipt_no"]).text)
        # Reveal goes through the logged reveal, as for every complaint.
        r = web.post("/staff/c/%s/reveal" % rn,
                     urlencode({"csrf": web.csrf, "reason": "전화 요청에 따른 회신 전화"}),
                     headers=FORM)
        self.assertStatus(r, 200)
        self.assertIn("010-1234-5678", r.text)
        log = self.as_user("auditor").get("/api/v1/access-log", query={"limit": 500}).json()["items"]
        self.assertTrue([e for e in log if e["receipt_no"] == rn and e["what"] == "contact"
                         and e["reason"] == "전화 요청에 따른 회신 전화"])
        # An empty note is refused on the page, the form open again.
        version = VERSION_RE.search(page).group(1)
        r = web.post("/staff/c/%s/act" % rn, urlencode({"csrf": web.csrf, "type": "callback_done",
                                                       "version": version, "text": " "}),
                     headers=FORM)
        self.assertStatus(r, 400)
        self.assertIn("내용을 적어 주세요", r.text)
        # 통화 완료: back to the page, which says so; off the filter.
        r = web.post("/staff/c/%s/act" % rn,
                     urlencode({"csrf": web.csrf, "type": "callback_done", "version": version,
                                "text": "오후 2시 통화, 처리 일정 안내"}), headers=FORM)
        self.assertStatus(r, 303)
        self.assertEqual(r.header("Location"), "/staff/c/%s?done=callback_done" % rn)
        page = web.get(r.header("Location")).text
        self.assertIn("통화 완료를 기록했습니다", page)
        self.assertNotIn('id="case-callback-badge"', page)
        self.assertIn("통화를 마쳤습니다", page)
        self.assertIn("오후 2시 통화, 처리 일정 안내", page)
        self.assertNotIn('id="a-callback_done"', page)
        self.assertNotIn(rn, web.get("/staff", query={"callback": "1"}).text)
        # Recording it again from a stale page: refused with the reason.
        r = web.post("/staff/c/%s/act" % rn,
                     urlencode({"csrf": web.csrf, "type": "callback_done",
                                "text": "다시 통화"}), headers=FORM)
        self.assertStatus(r, 409)
        self.assertIn("기다리는 전화 요청이 없습니다", r.text)

    def test_console_in_english_and_the_citizen_track_page(self):
        c = self.file_callback()
        web = self.signed_in("manager")
        page = web.get("/staff", query={"callback": "1", "lang": "en"}).text
        self.assertIn("Call-back requests only", page)
        self.assertIn(">Call back</span>", page)
        self.assertIn("Called back", web.get("/staff/c/%s" % c["receipt_no"]).text)



# What the migrations after version 8 added, undone newest first: a new
# migration adds its undo at the front.
UNDO_AFTER_8 = (
    # 0012_ref_generation.sql
    "".join("DROP TRIGGER %s_gen_%s;" % (t, k) for t in ("departments", "categories", "holidays")
            for k in "iud") + "DROP TABLE ref_generation;"
    # 0011_field_sessions.sql
    "DROP INDEX sessions_login; ALTER TABLE sessions DROP COLUMN kind;"
    # 0010_admin.sql
    "DROP TABLE admin_log;"
    "ALTER TABLE faq DROP COLUMN answer_en; ALTER TABLE faq DROP COLUMN question_en;"
    "ALTER TABLE categories DROP COLUMN retired_at; ALTER TABLE departments DROP COLUMN retired_at;"
    + "".join("ALTER TABLE %s DROP COLUMN version;" % t for t in
              ("answer_templates", "faq", "users", "holidays", "categories", "departments")) +
    # 0009_callback.sql
    "DROP INDEX complaints_callback_dept; DROP INDEX complaints_callback;"
    "ALTER TABLE complaints DROP COLUMN callback;"
)


class CallbackMigrationTest(unittest.TestCase):
    """0009_callback.sql: a database of version 8 keeps its complaints, and
    the call-back requests the easy view filed before (title "전화 상담
    요청…", the note in the text, a phone number) become pending ones."""

    def test_old_easy_view_call_backs_become_pending(self):
        import sqlite3
        srv = harness.Server()
        try:
            srv.start()
            anon = srv.client()
            old = anon.post("/api/v1/complaints", harness.complaint_body(
                title="전화 상담 요청: 기초연금",
                text="기초연금\n\n[전화 상담 요청] 민원인이 쉬운 화면에서 전화 상담을 요청했습니다. "
                     "접수 정보의 전화번호로 연락해 주세요.")).json()
            lookalike = anon.post("/api/v1/complaints", harness.complaint_body(
                title="전화 상담 요청이 너무 느립니다")).json()
            self.assertEqual(srv.stop(), [])
            # Back to version 8: undo 0009 and every migration after it.
            db = sqlite3.connect(srv.db)
            db.executescript(UNDO_AFTER_8 + "PRAGMA user_version = 8;")
            db.close()
            srv.start()
            self.assertGreaterEqual(srv.client().get("/healthz").json()["schema_version"], 9)
            staff = srv.client("manager")
            self.assertEqual(staff.staff_view(old["receipt_no"]).json()["callback"], "pending")
            self.assertIsNone(staff.staff_view(lookalike["receipt_no"]).json()["callback"])
            listed = [i["receipt_no"] for i in staff.get(
                "/api/v1/queue", query={"callback": "pending"}).json()["items"]]
            self.assertEqual(listed, [old["receipt_no"]])
        finally:
            problems = srv.stop()
            srv.cleanup()
        self.assertEqual(problems, [])


if __name__ == "__main__":
    unittest.main()

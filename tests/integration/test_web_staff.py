"""
test_web_staff.py - the staff console (/staff, src/web/staff_*.c) over HTTP:
the queue and its filters and paging, the complaint page (AI category with
one-click correction, masked contact and "reveal" with a logged reason,
duplicates and merge, every action form, answer templates with and
without JavaScript, 409 on a stale version), the manager view, the
templates page, the counsellor queue, and the rules every page keeps
(sign-in, CSRF, escaping, CSP). The same journeys in a browser are in
tests/e2e/staff.mjs.

The server runs on a test clock (so that complaints can become overdue)
with a tiny routing model trained here, so that complaints carry the AI's
category and confidence.
"""

import datetime
import html
import json
import os
import re
import subprocess
import tempfile
import unittest
import urllib.parse

import harness

FIXTURE_JPG = os.path.join(harness.FIXTURES, "media", "gps.jpg")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
VERSION_RE = re.compile(r'name="version" value="(\d+)"')

# A few lines per category are enough for the model to have an opinion.
TRAINING = {
    "streetlight": ["가로등이 꺼져 있어요", "보안등이 깜빡입니다", "골목 가로등 고장",
                    "가로등 불이 안 들어와요", "가로등이 밤새 꺼져 있습니다", "보안등 전구가 나갔어요"],
    "road_damage": ["보도블록이 깨졌어요", "도로에 포트홀이 생겼습니다", "인도 블록이 들떠 있어요",
                    "도로가 파손되었습니다", "아스팔트가 패였어요", "보도 파손 신고"],
    "illegal_dumping": ["쓰레기를 무단으로 버렸어요", "골목에 쓰레기 무단투기", "불법 투기된 쓰레기 더미",
                        "누가 가구를 버리고 갔어요", "무단투기 쓰레기가 쌓였습니다", "쓰레기 불법 투기"],
}


def form(fields):
    return urllib.parse.urlencode(fields).encode()


class ConsolePages:
    """Reading a console page and posting its forms as a signed-in user
    (a mixin for harness.ServerTestCase classes)."""

    def page(self, who, path, status=200, **kw):
        r = self.as_user(who).get(path, **kw)
        self.assertEqual(r.status, status, r.text[:3000])
        self.assertTrue(r.header("Content-Type").startswith("text/html"), r.header("Content-Type"))
        return r

    def post_form(self, who, path, fields, status=303, csrf=True):
        c = self.as_user(who)
        if csrf:
            fields = dict(fields, csrf=c.csrf)
        r = c.post(path, form(fields), headers=FORM)
        self.assertEqual(r.status, status, r.text[:3000])
        return r


class StaffWebTest(ConsolePages, harness.ServerTestCase, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="minwon-staff-")
        data = os.path.join(cls.tmp, "train.jsonl")
        with open(data, "w", encoding="utf-8") as f:
            n = 0
            for cat, texts in TRAINING.items():
                for t in texts:
                    n += 1
                    f.write(json.dumps({"id": str(n), "text": t, "category": cat,
                                        "urgent": False}, ensure_ascii=False) + "\n")
        model = os.path.join(cls.tmp, "routing.model")
        subprocess.run([harness.BIN, "nlp", "train", "--data", data, "--default-corpus", "0",
                        "--out", model], check=True, capture_output=True,
                       timeout=harness.timeout(60))
        cls.server_args = ("--model", model)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            subprocess.run(["rm", "-rf", cls.tmp], check=False)

    # -- helpers -------------------------------------------------------------

    def file(self, **over):
        r = self.anon().post("/api/v1/complaints", harness.complaint_body(**over))
        self.assertStatus(r, 201)
        return r.json()

    def act(self, who, receipt, type_, status=303, **fields):
        version = self.as_user("admin").staff_view(receipt).json()["version"]
        fields = dict(fields, type=type_, version=str(version))
        return self.post_form(who, "/staff/c/%s/act" % receipt, fields, status)

    def view(self, receipt):
        return self.as_user("admin").staff_view(receipt).json()

    # -- the JSON API additions -------------------------------------------

    def test_api_queue_rows_name_category_and_department(self):
        c = self.file(text="큐에 이름이 보이는지 확인합니다")
        items = self.as_user("manager").get("/api/v1/queue", query={"limit": 100}).json()["items"]
        row = [i for i in items if i["receipt_no"] == c["receipt_no"]][0]
        self.assertEqual(row["category_name"], "도로·보도 파손")
        self.assertEqual(row["department_name"], "도로과")

    def test_api_staff_view_has_ai_and_overdue(self):
        c = self.file(text="골목 가로등이 밤새 꺼져 있습니다", category="road_damage")
        v = self.view(c["receipt_no"])
        self.assertEqual(v["ai"]["category"], "streetlight")
        self.assertEqual(v["ai"]["category_name"], "가로등·보안등")
        self.assertGreater(v["ai"]["confidence"], 0)
        self.assertLessEqual(v["ai"]["confidence"], 1)
        self.assertIs(v["overdue"], False)

    def test_api_staff_assignees(self):
        items = self.as_user("manager").get("/api/v1/staff/assignees").json()["items"]
        self.assertEqual(sorted(i["login"] for i in items), ["manager", "officer"])
        r = self.as_user("admin").get("/api/v1/staff/assignees", query={"department": "parking"})
        self.assertEqual([i["login"] for i in r.json()["items"]], ["officer2"])
        self.assertError(self.as_user("admin").get("/api/v1/staff/assignees"), 400, "missing_field")
        self.assertError(self.as_user("officer").get("/api/v1/staff/assignees"), 403, "forbidden")

    def test_api_staff_departments(self):
        r = self.as_user("field").get("/api/v1/staff/departments")
        self.assertStatus(r, 200)
        d = {i["code"]: i for i in r.json()["items"]}
        self.assertEqual(d["road"]["name_ko"], "도로과")
        self.assertEqual(d["road"]["name_en"], "Roads Division")
        self.assertIn("triage", d)
        self.assertError(self.anon().get("/api/v1/staff/departments"), 401, "unauthorized")

    # -- sign-in and the rules of every page ------------------------------

    def test_anonymous_is_sent_to_sign_in(self):
        for path in ("/staff", "/staff/c/2611-000001", "/staff/dashboard", "/staff/counsel",
                     "/staff/templates"):
            r = self.anon().get(path)
            self.assertEqual(r.status, 303, path)
            self.assertEqual(r.header("Location"), "/staff/login")

    def test_the_menu_links_the_field_app_and_the_desk_for_roles_that_may_use_them(self):
        # As the route table says: /field needs the queue and staff-channel
        # filing, /desk also the lookup by phone.
        expect = {"admin": (True, True), "manager": (True, True), "officer": (True, True),
                  "desk": (True, True), "field": (True, False)}
        for who, (field, desk) in expect.items():
            nav = self.page(who, "/staff", query={"lang": "ko"}).text
            nav = nav[nav.index('<nav class="staff-nav"'):]
            nav = nav[:nav.index("</nav>")]
            self.assertEqual('<a href="/field" id="nav-field">현장 신고 앱</a>' in nav, field, who)
            self.assertEqual('<a href="/desk" id="nav-desk">창구 접수</a>' in nav, desk, who)
            if field:
                self.assertStatus(self.as_user(who).get("/field"), 200)
            if desk:
                self.assertStatus(self.as_user(who).get("/desk"), 200)
        en = self.page("officer", "/staff", query={"lang": "en"}).text
        self.assertIn(">Field app</a>", en)
        self.assertIn(">Desk intake</a>", en)
        self.as_user("officer").get("/staff", query={"lang": "ko"})
        # The auditor has no console queue, and no link to either page.
        r = self.as_user("auditor").get("/staff")
        self.assertNotIn('href="/field"', r.text)
        self.assertNotIn('href="/desk"', r.text)
        # A manager's phone kept signed in acts as the field role: only the app.
        c = self.anon()
        self.assertStatus(c.post("/api/v1/session", {"login": "manager", "password": harness.PASSWORD,
                                                     "session": "field"}), 200)
        nav = c.get("/staff").text
        self.assertIn('id="nav-field"', nav)
        self.assertNotIn('id="nav-desk"', nav)
        self.assertNotIn('href="/staff/dashboard"', nav)

    def test_pages_have_csp_and_no_inline_script_or_style(self):
        c = self.file(text="헤더를 확인하는 민원")
        for path in ("/staff", "/staff/c/" + c["receipt_no"], "/staff/dashboard",
                     "/staff/templates", "/staff/counsel"):
            r = self.page("manager", path)
            self.assertIn("script-src 'self'", r.header("Content-Security-Policy"))
            self.assertEqual(r.header("Cache-Control"), "no-store")
            self.assertNotIn("<script>", r.text)
            self.assertNotIn("style=", r.text)
            self.assertIn("/staff.css", r.text)
            self.assertIn("/staff.js", r.text)
        # Citizen pages do not load the console's assets.
        self.assertNotIn("staff.js", self.anon().get("/").text)

    def test_a_form_without_its_token_is_refused_and_changes_nothing(self):
        c = self.file(text="CSRF 확인용 민원")
        rn = c["receipt_no"]
        self.post_form("manager", "/staff/c/%s/act" % rn, {"type": "start", "version": "1"},
                       status=403, csrf=False)
        self.post_form("manager", "/staff/c/%s/act" % rn,
                       {"type": "start", "version": "1", "csrf": "forged-token-000000000"},
                       status=403, csrf=False)
        self.assertEqual(self.view(rn)["status"], "received")
        self.post_form("manager", "/staff/c/%s/reveal" % rn, {"reason": "확인"}, status=403,
                       csrf=False)
        self.post_form("manager", "/staff/counsel/1/reply", {"text": "x"}, status=403, csrf=False)

    def test_complaint_text_is_shown_as_text(self):
        evil = "<script>alert(1)</script><img src=x onerror=alert(2)> 무단투기"
        c = self.file(text=evil, title="<b>제목</b>")
        for path in ("/staff", "/staff/c/" + c["receipt_no"]):
            r = self.page("manager", path)
            self.assertNotIn("<script>alert", r.text)
            self.assertNotIn("<img src=x", r.text)
            self.assertNotIn("<b>제목", r.text)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;",
                      self.page("manager", "/staff/c/" + c["receipt_no"]).text)

    def test_timeline_names_the_citizen_in_the_page_language(self):
        c = self.file()
        page = self.page("manager", "/staff/c/" + c["receipt_no"]).text
        self.assertIn('<span class="actor">민원인</span>', page)
        self.assertNotIn('<span class="actor">citizen</span>', page)

    # -- the queue ----------------------------------------------------------

    def test_queue_rows_link_and_name_things(self):
        c = self.file(text="보도블록이 깨져 있어 위험합니다")
        r = self.page("officer", "/staff")
        self.assertIn('href="/staff/c/%s"' % c["receipt_no"], r.text)
        self.assertIn("도로·보도 파손", r.text)
        self.assertIn("도로과", r.text)
        en = self.page("officer", "/staff", query={"lang": "en"})
        self.assertIn("Road", en.text)
        self.assertIn("Roads Division", en.text)
        # Officers have no department filter; the admin has one.
        self.assertNotIn('id="q-department"', r.text)
        self.assertIn('id="q-department"', self.page("admin", "/staff").text)

    def test_field_staff_see_their_filings_without_links(self):
        r = self.as_user("field").post("/api/v1/complaints", harness.complaint_body(
            channel="field", text="현장에서 찍은 무단투기", category="illegal_dumping"))
        self.assertStatus(r, 201)
        page = self.page("field", "/staff").text
        self.assertIn(r.json()["receipt_no"], page)
        self.assertNotIn('href="/staff/c/', page)
        self.assertNotIn('id="a-answer"', page)

    def test_queue_pins_urgent_complaints(self):
        u = self.file(text="맨홀 뚜껑이 열려 있어 사람이 빠질 것 같습니다", urgent=True)
        r = self.page("manager", "/staff")
        pinned = r.text.split('id="pinned"')[1].split("</table>")[0]
        self.assertIn(u["receipt_no"], pinned)
        self.assertEqual(r.text.count('href="/staff/c/%s"' % u["receipt_no"]), 1,
                         "an urgent complaint is listed once")
        only = self.page("manager", "/staff", query={"urgent": "1"})
        self.assertIn(u["receipt_no"], only.text)
        self.assertNotIn('id="pinned"', only.text)

    def test_queue_triage_filter(self):
        t = self.file(text="안녕하세요 확인 부탁드립니다", category=harness.DROP)
        self.assertEqual(self.view(t["receipt_no"])["category"], "triage")
        r = self.page("admin", "/staff", query={"triage": "1"})
        self.assertIn(t["receipt_no"], r.text)
        self.assertIn("분류대기", r.text)
        routed = self.file(text="분류가 정해진 민원입니다")
        self.assertNotIn(routed["receipt_no"], r.text)

    def test_queue_status_and_bad_filter(self):
        c = self.file(text="상태 거르기 확인")
        self.act("manager", c["receipt_no"], "start")
        r = self.page("manager", "/staff", query={"status": "in_progress"})
        self.assertIn(c["receipt_no"], r.text)
        self.assertNotIn(c["receipt_no"], self.page("manager", "/staff",
                                                    query={"status": "received"}).text)
        self.page("manager", "/staff", status=400, query={"status": "bogus"})
        # Another department's queue is refused, not silently narrowed.
        self.page("manager", "/staff", status=403, query={"department": "parking"})

    def test_queue_keyset_paging(self):
        for i in range(27):
            self.file(text="주차 민원 %d" % i, category="illegal_parking")
        first = self.page("officer2", "/staff")
        rows = re.findall(r'href="/staff/c/(\d{4}-\d{6})"', first.text)
        self.assertEqual(len(rows), 25)
        nxt = re.search(r'href="([^"]+)" id="next-page"', first.text)
        self.assertTrue(nxt, "a next-page link")
        second = self.page("officer2", html.unescape(nxt.group(1)))
        more = re.findall(r'href="/staff/c/(\d{4}-\d{6})"', second.text)
        self.assertGreaterEqual(len(more), 2)
        self.assertFalse(set(rows) & set(more), "pages do not overlap")

    # -- the complaint page ------------------------------------------------

    def test_complaint_page_shows_the_ai_and_corrects_in_one_click(self):
        c = self.file(text="골목 가로등이 밤새 꺼져 있습니다", category="road_damage")
        rn = c["receipt_no"]
        r = self.page("manager", "/staff/c/" + rn)
        self.assertIn('id="ai-category">가로등·보안등<', r.text)
        self.assertRegex(r.text, r'id="ai-confidence">\d+%<')
        self.assertIn('id="ai-apply"', r.text)
        self.assertIn('name="category" value="streetlight"', r.text)
        loc = self.act("manager", rn, "recategorize", category="streetlight").header("Location")
        self.assertEqual(loc, "/staff/c/%s?done=recategorize" % rn)
        v = self.view(rn)
        self.assertEqual((v["category"], v["department"]), ("streetlight", "facilities"))
        # The road manager no longer sees it; the timeline says who changed it.
        self.page("manager", "/staff/c/" + rn, status=403)
        page = self.page("admin", loc)
        self.assertIn("분류를 바꿨습니다", page.text)
        self.assertIn("manager", page.text.split('id="timeline"')[1])

    def test_reveal_needs_a_reason_and_is_logged(self):
        c = self.file(text="연락처 열람 확인", contact={"name": "김열람", "phone": "010-4321-8765"})
        rn = c["receipt_no"]
        r = self.page("officer", "/staff/c/" + rn)
        self.assertIn("010-****-8765", r.text)
        self.assertNotIn("010-4321-8765", r.text)
        r = self.post_form("officer", "/staff/c/%s/reveal" % rn, {"reason": " "}, status=400)
        self.assertIn('id="e-reveal"', r.text)
        self.assertNotIn("010-4321-8765", r.text)
        r = self.post_form("officer", "/staff/c/%s/reveal" % rn, {"reason": "현장 방문 일정 협의"},
                           status=200)
        self.assertIn("010-4321-8765", r.text)
        self.assertIn("김열람", r.text)
        log = self.as_user("auditor").get("/api/v1/access-log").json()["items"]
        self.assertTrue([e for e in log if e["receipt_no"] == rn and e["login"] == "officer"
                         and e["reason"] == "현장 방문 일정 협의"])
        # The next plain view is masked again; another department may not reveal.
        self.assertNotIn("010-4321-8765", self.page("officer", "/staff/c/" + rn).text)
        self.post_form("officer2", "/staff/c/%s/reveal" % rn, {"reason": "궁금해서"}, status=403)

    def test_duplicates_are_listed_and_merged(self):
        a = self.file(text="역삼로 12 앞 보도블록이 깨져 있습니다 위험해요")
        b = self.file(text="역삼로 12 앞 보도블록이 깨져 있어요 위험합니다")
        r = self.page("manager", "/staff/c/" + b["receipt_no"])
        dups = r.text.split('id="duplicates"')[1].split("</section>")[0]
        self.assertIn(a["receipt_no"], dups)
        self.assertIn('name="into" value="%s"' % a["receipt_no"], dups)
        self.act("manager", b["receipt_no"], "merge", into=a["receipt_no"])
        v = self.view(b["receipt_no"])
        self.assertEqual(v["status"], "merged")
        self.assertEqual(v["merged_into"], self.view(a["receipt_no"])["id"])

    def test_every_action_form_reaches_the_api(self):
        c = self.file(text="모든 처리 양식 확인")
        rn = c["receipt_no"]
        page = self.page("manager", "/staff/c/" + rn).text
        for t in ("start", "assign", "interim_notice", "extend", "transfer", "cooperate",
                  "merge", "note", "recategorize"):
            self.assertIn('name="type" value="%s"' % t, page, t)
        for t in ("answer", "request_info", "close", "reopen", "cooperation_reply"):
            self.assertNotIn('name="type" value="%s"' % t, page, "not in state received: " + t)
        self.assertRegex(page, r'<select id="f-assign-assignee" name="assignee">\s*'
                               r'<option value="manager">manager</option><option value="officer">')
        self.act("manager", rn, "assign", assignee="officer")
        self.assertEqual(self.view(rn)["assignee"], "officer")
        self.act("manager", rn, "start")
        page = self.page("manager", "/staff/c/" + rn).text
        for t in ("answer", "request_info"):
            self.assertIn('name="type" value="%s"' % t, page, t)
        self.assertNotIn('name="type" value="start"', page)
        self.act("manager", rn, "interim_notice", text="현장 확인 중입니다.")
        self.act("manager", rn, "extend", period="3d", text="자재 수급 지연")
        self.act("manager", rn, "cooperate", department="parking", period="2d", text="주차 단속 여부?")
        # The parking officer sees the request and replies from the same page.
        p2 = self.page("officer2", "/staff/c/" + rn).text
        self.assertIn('id="a-cooperation_reply"', p2)
        self.assertNotIn('id="a-answer"', p2)
        self.act("officer2", rn, "cooperation_reply", text="단속 대상 아닙니다.")
        self.act("manager", rn, "note", text="내부 메모입니다")
        self.act("manager", rn, "request_info", text="정확한 위치를 알려 주세요.")
        self.assertIsNone(self.view(rn)["due_at"])
        tok = c["token"]
        r = self.anon().post("/api/v1/complaints/%s/messages" % rn, {"text": "12번지 앞", "token": tok})
        self.assertStatus(r, 200)
        self.act("manager", rn, "answer", text="보수했습니다.")
        self.act("manager", rn, "close")
        self.act("manager", rn, "reopen", text="다시 봅니다")
        self.act("manager", rn, "transfer", target="department", department="parking",
                 agency="무시되는 기관", text="주차 문제입니다")
        v = self.view(rn)
        self.assertEqual((v["status"], v["department"]), ("assigned", "parking"))
        kinds = [e["kind"] for e in v["timeline"]]
        for k in ("assign", "start", "interim_notice", "extend", "cooperate", "cooperation_reply",
                  "note", "request_info", "provide_info", "answer", "close", "reopen", "transfer"):
            self.assertIn(k, kinds)
        self.assertEqual(v["extensions"], 0, "재검토 restarted the clock")
        t = self.file(text="다른 기관으로 이송")
        self.act("manager", t["receipt_no"], "transfer", target="agency", department="road",
                 agency="한국전력공사 강남지사", text="한전 소유 전주")
        self.assertEqual(self.view(t["receipt_no"])["transferred_to"], "한국전력공사 강남지사")

    def test_delay_notice_and_the_info_period_in_the_console(self):
        c = self.file(text="늦어질 민원")
        rn = c["receipt_no"]
        self.act("manager", rn, "start")
        page = self.page("manager", "/staff/c/" + rn).text
        self.assertIn('name="type" value="delay_notice"', page)
        self.assertRegex(page, r'<input id="f-delay_notice-expected_at" name="expected_at" '
                               r'type="date" value="" required')
        # A date before the due day is refused in words, the text kept.
        due = self.view(rn)["due_at"][:10]
        r = self.act("manager", rn, "delay_notice", status=400, expected_at="2020-01-01",
                     text="자재가 늦게 옵니다")
        self.assertIn("처리 기한보다 뒤", r.text)
        self.assertIn("자재가 늦게 옵니다", r.text)
        later = (datetime.date.fromisoformat(due) + datetime.timedelta(days=7)).isoformat()
        self.act("manager", rn, "delay_notice", expected_at=later, text="자재가 늦게 옵니다")
        v = self.view(rn)
        [ev] = [e for e in v["timeline"] if e["kind"] == "delay_notice"]
        self.assertEqual(ev["detail"], later + "T23:59:59+09:00")
        self.assertEqual(v["due_at"][:10], due, "a delay notice moves no due date")
        page = self.page("manager", "/staff/c/%s?done=delay_notice" % rn).text
        self.assertIn("지연 사유와 처리 예정일을 알렸습니다", page)
        self.assertIn("처리 예정일 ", page)
        citizen = self.anon()
        citizen.cookies["mw_track"] = "%s.%s" % (rn, c["token"])
        track = citizen.get("/track")
        self.assertStatus(track, 200)
        self.assertIn("지연 사유 안내", track.text)
        self.assertIn("처리 예정일: ", track.text)

        # While 보완 is awaited: its deadline, going on without it, and no
        # asking again or closing before the citizen's time is up.
        self.act("manager", rn, "request_info", text="위치를 알려 주세요.")
        page = self.page("manager", "/staff/c/" + rn).text
        self.assertIn('id="case-info-due"', page)
        self.assertIn('name="type" value="resume"', page)
        for t in ("request_info", "close"):
            self.assertNotIn('name="type" value="%s"' % t, page, t)
        self.act("manager", rn, "resume", text="현장에서 위치를 확인했습니다.")
        v = self.view(rn)
        self.assertEqual(v["status"], "in_progress")
        self.assertIsNotNone(v["due_at"])
        self.assertIsNone(v["info_due_at"])
        self.assertIn("resume", [e["kind"] for e in v["timeline"]])

    def test_a_refused_action_keeps_the_text_and_says_why(self):
        c = self.file(text="거절되는 처리 확인")
        rn = c["receipt_no"]
        # A form from an older page: answer is not allowed before work starts.
        r = self.act("manager", rn, "answer", status=409, text="아직 답할 수 없는 답변 초안")
        self.assertIn("지금 상태에서는 할 수 없는 처리입니다", r.text)
        self.act("manager", rn, "start")
        r = self.act("manager", rn, "extend", status=400, period="30d", text="너무 긴 연장")
        self.assertIn("처리기간보다 길 수 없습니다", r.text)
        self.assertRegex(r.text, r'<details class="action" id="a-extend" open>')
        self.assertIn("너무 긴 연장", r.text)

    def test_a_stale_version_is_a_clear_409(self):
        c = self.file(text="동시에 고치는 민원")
        rn = c["receipt_no"]
        old = VERSION_RE.search(self.page("manager", "/staff/c/" + rn).text).group(1)
        self.act("officer", rn, "note", text="먼저 남긴 메모")
        r = self.post_form("manager", "/staff/c/%s/act" % rn,
                           {"type": "note", "version": old, "text": "늦게 쓴 메모"}, status=409)
        self.assertIn("그 사이에 다른 사람이 이 민원을 바꿨습니다", r.text)
        self.assertIn("늦게 쓴 메모", r.text)
        self.assertIn("먼저 남긴 메모", r.text)
        fresh = VERSION_RE.search(r.text).group(1)
        self.assertGreater(int(fresh), int(old))
        self.post_form("manager", "/staff/c/%s/act" % rn,
                       {"type": "note", "version": fresh, "text": "늦게 쓴 메모"})
        notes = [e["text"] for e in self.view(rn)["timeline"] if e["kind"] == "note"]
        self.assertEqual(notes, ["먼저 남긴 메모", "늦게 쓴 메모"])

    def test_answer_templates_fill_the_answer_without_javascript(self):
        r = self.as_user("manager").post("/api/v1/staff/templates", {
            "category": "road_damage", "title": "보도 보수 완료",
            "body": "요청하신 {위치}의 보도블록을 {날짜}에 교체했습니다."})
        self.assertStatus(r, 201)
        tid = r.json()["id"]
        c = self.file(text="템플릿으로 답변할 민원")
        rn = c["receipt_no"]
        self.act("manager", rn, "start")
        page = self.page("officer", "/staff/c/" + rn).text
        self.assertIn("보도 보수 완료", page)
        self.assertIn('data-body="요청하신 {위치}의 보도블록을 {날짜}에 교체했습니다."', page)
        v = self.view(rn)["version"]
        r = self.post_form("officer", "/staff/c/%s/act" % rn,
                           {"type": "answer", "version": str(v), "template": str(tid),
                            "load_template": "1", "text": ""}, status=200)
        box = r.text.split('id="f-answer-text"')[1].split("</textarea>")[0]
        self.assertIn("요청하신 {위치}의 보도블록을 {날짜}에 교체했습니다.", box)
        self.assertEqual(self.view(rn)["status"], "in_progress", "loading sends nothing")
        self.act("officer", rn, "answer", text="요청하신 역삼로 12의 보도블록을 12월 1일에 교체했습니다.")
        self.assertEqual(self.view(rn)["status"], "answered")

    def test_staff_photo_is_the_original_for_the_department_only(self):
        c = self.file(text="사진 원본 확인")
        with open(FIXTURE_JPG, "rb") as f:
            up = self.anon().post("/api/v1/complaints/%s/attachments" % c["receipt_no"], f.read(),
                                  headers={"Content-Type": "image/jpeg"},
                                  query={"token": c["token"]})
        self.assertStatus(up, 201)
        page = self.page("officer", "/staff/c/" + c["receipt_no"]).text
        url = re.search(r'<img class="thumb" src="(/staff/photo/\d+/\d+)"', page).group(1)
        r = self.as_user("officer").get(url)
        self.assertStatus(r, 200)
        self.assertEqual(r.header("Content-Type"), "image/jpeg")
        with open(FIXTURE_JPG, "rb") as f:
            self.assertEqual(r.body, f.read(), "the original, metadata and all")
        self.assertEqual(self.as_user("officer2").get(url).status, 403)

    # -- manager view, templates page, counsellor queue --------------------

    def test_dashboard_counts_and_links(self):
        self.file(text="현황 확인 민원")
        r = self.page("manager", "/staff/dashboard")
        self.assertRegex(r.text, r'id="dash-open">\d+<')
        self.assertIn('href="/staff?department=road&amp;due=overdue"', r.text)
        self.assertIn('href="/staff?department=road&amp;status=received"', r.text)
        self.page("officer", "/staff/dashboard", status=403)
        self.assertIn('id="d-department"', self.page("admin", "/staff/dashboard").text)
        self.page("manager", "/staff/dashboard", status=403, query={"department": "parking"})

    def test_templates_page_for_managers_and_officers(self):
        r = self.post_form("manager", "/staff/templates",
                           {"category": "road_damage", "title": "포트홀 보수", "body": "보수했습니다."})
        self.assertEqual(r.header("Location"), "/staff/templates?done=saved")
        page = self.page("manager", "/staff/templates").text
        self.assertIn("포트홀 보수", page)
        tid = re.search(r'name="id" value="(\d+)">', page).group(1)
        # Another department's category, or a general one: refused with a message.
        r = self.post_form("manager", "/staff/templates",
                           {"category": "illegal_parking", "title": "단속", "body": "단속했습니다."},
                           status=403)
        self.assertIn("고칠 수 없습니다", r.text)
        # Officers read the templates but have no forms.
        op = self.page("officer", "/staff/templates").text
        self.assertIn("포트홀 보수", op)
        self.assertNotIn('id="tpl-new"', op)
        self.post_form("officer", "/staff/templates/%s/delete" % tid, {}, status=403)
        self.post_form("manager", "/staff/templates",
                       {"id": tid, "category": "road_damage", "title": "포트홀 보수 완료",
                        "body": "{날짜}에 보수했습니다."})
        self.assertIn("포트홀 보수 완료", self.page("officer", "/staff/templates").text)
        r = self.post_form("manager", "/staff/templates/%s/delete" % tid, {})
        self.assertEqual(r.header("Location"), "/staff/templates?done=deleted")
        self.assertNotIn("포트홀 보수 완료", self.page("officer", "/staff/templates").text)

    def test_counsellor_answers_a_hand_off(self):
        chat = self.anon().post("/api/v1/chat", {
            "text": "주민센터 창구 직원이 반말하고 소리를 질렀어요. 정식으로 항의하고 싶습니다."}).json()
        self.assertEqual(chat["kind"], "human")
        page = self.page("desk", "/staff/counsel").text
        url = re.findall(r'href="(/staff/counsel/\d+)"', page)[-1]
        one = self.page("desk", url).text
        self.assertIn("반말하고 소리를 질렀어요", one)
        self.post_form("desk", url + "/reply", {"text": ""}, status=400)
        r = self.post_form("desk", url + "/reply", {"text": "불편을 드려 죄송합니다. 내일 전화드리겠습니다."})
        self.assertEqual(r.header("Location"), "/staff/counsel?done=replied")
        t = self.anon().get("/api/v1/chat", query={"session": chat["session"]}).json()
        self.assertEqual(t["messages"][-1]["from"], "staff")
        self.assertIn("내일 전화드리겠습니다", t["messages"][-1]["text"])
        self.assertFalse(t["waiting_for_staff"])
        self.assertNotIn(url + '"', self.page("desk", "/staff/counsel").text)
        self.assertEqual(self.as_user("field").get("/staff/counsel").status, 403)

    def test_counsellor_queue_pages(self):
        for i in range(3):
            self.assertEqual(self.anon().post("/api/v1/chat", {
                "text": "상담원과 직접 이야기하고 싶어요 (%d)" % i}).json()["kind"], "human")
        desk = self.as_user("desk")
        every = desk.get("/api/v1/staff/counsel", query={"limit": "100"}).json()
        self.assertIsNone(every["next_cursor"])
        ids, cursor = [], None
        while True:
            q = {"limit": "2"}
            if cursor:
                q["cursor"] = cursor
            page = desk.get("/api/v1/staff/counsel", query=q).json()
            self.assertLessEqual(len(page["items"]), 2)
            ids += [x["id"] for x in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        # Every waiting conversation once, longest waiting first.
        self.assertEqual(ids, [x["id"] for x in every["items"]])
        self.assertGreaterEqual(len(ids), 3)
        # The page: a "next page" link that carries the cursor.
        html = self.page("desk", "/staff/counsel?limit=2").text
        nxt = re.search(r'id="counsel-next"', html)
        self.assertTrue(nxt, html[-800:])
        link = re.search(r'href="(/staff/counsel\?cursor=[^"]+)" id="counsel-next"', html).group(1)
        self.assertEqual(self.page("desk", link.replace("&amp;", "&") + "&limit=2").status, 200)
        for bad in ({"limit": "0"}, {"limit": "101"}, {"cursor": "x"}, {"cursor": "1.-2"}):
            r = desk.get("/api/v1/staff/counsel", query=bad)
            self.assertEqual(r.status, 400, bad)
            self.assertEqual(r.json()["error"]["code"], "invalid")


class StaffOverdueTest(harness.ServerTestCase, unittest.TestCase):
    """On a test clock that jumps 40 days (and so signs staff out): a
    server of its own."""

    server_env = {"MINWON_NOW": "2026-11-23T10:00:00+09:00"}

    def test_overdue_is_marked_in_words_and_filtered(self):
        r = self.anon().post("/api/v1/complaints", harness.complaint_body(
            text="기한이 지날 민원", category="animals"))
        self.assertStatus(r, 201)
        rn = r.json()["receipt_no"]
        self.assertStatus(self.as_user("admin").post("/api/v1/admin/clock",
                                                     {"advance": 40 * 86400}), 200)
        admin = self.srv.client("admin")
        r = admin.get("/staff", query={"department": "animals", "due": "overdue"})
        self.assertStatus(r, 200)
        row = re.search(r'<tr class="overdue">((?:(?!</tr>).)*%s(?:(?!</tr>).)*)</tr>' % rn,
                        r.text, re.S)
        self.assertTrue(row, "the row is marked overdue")
        self.assertIn("기한 지남", row.group(1), "in words, not by colour alone")
        self.assertIn("기한 지남", admin.get("/staff/c/" + rn).text)
        self.assertNotIn(rn, admin.get("/staff", query={"department": "animals",
                                                         "due": "today"}).text)
        self.assertIn(rn, admin.get("/staff", query={"department": "animals"}).text)

if __name__ == "__main__":
    unittest.main()

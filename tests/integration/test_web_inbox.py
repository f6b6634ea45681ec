"""
test_web_inbox.py - the staff inbox in the console (/staff/inbox,
src/web/staff_inbox.c) and its API (GET /api/v1/staff/inbox, POST
/api/v1/staff/inbox/read): notices of urgent complaints, assignments and
the chatbot's hand-offs on the page, escaped, newest first, unread ones
said in words, time in Korean; marking one and all read as plain forms
with CSRF (post, redirect, get); the unread count in the console's menu;
the "읽지 않은 것만" filter and "더 보기" paging; and a field session, which
gets neither the page nor the menu item nor the API. The same journey in a
browser is in tests/e2e/staff.mjs.
"""

import re
import unittest

import harness
from test_web_staff import FORM, ConsolePages, form

KST_DATE_RE = re.compile(r"\d{4}년 \d{1,2}월 \d{1,2}일 \([월화수목금토일]\) 오[전후] \d{1,2}:\d{2}")
EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def notice_ids(html):
    """The ids of the notices a page lists, in order."""
    return [int(i) for i in re.findall(r'<li class="notice[^"]*" id="notice-(\d+)"', html)]


def unread_ids(html):
    return [int(i) for i in re.findall(r'<li class="notice unread" id="notice-(\d+)"', html)]


class StaffInboxPageTest(ConsolePages, harness.ServerTestCase, unittest.TestCase):

    # -- helpers -------------------------------------------------------------

    def inbox(self, who, **query):
        r = self.as_user(who).get("/api/v1/staff/inbox", query=dict(query, limit=100))
        self.assertStatus(r, 200)
        return r.json()

    def notice_of(self, who, receipt, kind):
        [item] = [i for i in self.inbox(who)["items"]
                  if i["receipt_no"] == receipt and i["kind"] == kind]
        return item

    def field_session(self, login):
        """A client of login signed in with a field session (a phone kept
        signed in as a field device)."""
        c = self.anon()
        r = c.post("/api/v1/session", {"login": login, "password": harness.PASSWORD,
                                       "session": "field"})
        self.assertStatus(r, 200)
        c.csrf = r.json()["csrf"]
        return c

    # -- the page ------------------------------------------------------------

    def test_an_urgent_complaint_is_on_the_page_escaped(self):
        c = self.file(urgent=True, title=EVIL + " 맨홀 뚜껑",
                      text="맨홀 뚜껑이 열려 있어 사람이 빠질 위험이 있습니다.")
        rn = c["receipt_no"]
        item = self.notice_of("manager", rn, "urgent")
        html = self.page("manager", "/staff/inbox").text
        block = html[html.index('id="notice-%d"' % item["id"]):]
        block = block[:block.index("</li>")]
        self.assertIn("긴급 민원: %s" % rn, block)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;",
                      block)
        self.assertNotIn("<script>alert", html)
        self.assertNotIn("<img src=x", html)
        # Unread in words, not by colour alone; the time in Korean (KST).
        self.assertIn("새 알림", block)
        self.assertIn('<li class="notice unread" id="notice-%d"' % item["id"], html)
        self.assertRegex(block, KST_DATE_RE)
        self.assertIn('datetime="%s"' % item["at"], block)
        self.assertIn('href="/staff/c/%s"' % rn, block)
        self.assertIn("민원 %s 보기" % rn, block)
        # Newest first, as the API keeps them.
        ids = notice_ids(html)
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertIn("script-src 'self'", self.page("manager", "/staff/inbox")
                      .header("Content-Security-Policy"))
        self.assertNotIn("style=", html)

    def test_an_assignment_reaches_the_officers_page(self):
        c = self.file(text="배정 알림이 담당자에게 가는지 확인합니다")
        rn = c["receipt_no"]
        self.assertStatus(self.as_user("manager").action(rn, "assign", assignee="officer"), 200)
        item = self.notice_of("officer", rn, "new_assignment")
        html = self.page("officer", "/staff/inbox").text
        self.assertIn('id="notice-%d"' % item["id"], html)
        self.assertIn("새 민원 배정: %s" % rn, html)
        self.assertIn('href="/staff/c/%s"' % rn, html)

    def test_a_hand_off_links_to_the_conversation(self):
        chat = self.anon().post("/api/v1/chat", {
            "text": "주민센터 창구 직원이 반말하고 소리를 질렀어요. 정식으로 항의하고 싶습니다."}).json()
        self.assertEqual(chat["kind"], "human")
        items = [i for i in self.inbox("desk")["items"] if i["kind"] == "chat_handoff"]
        self.assertTrue(items)
        html = self.page("desk", "/staff/inbox").text
        sid = items[0]["data"]["session"]
        self.assertIn('href="/staff/counsel/%d"' % sid, html)
        self.assertIn("상담 대화 보기", html)
        self.assertIn('href="/staff/counsel/%d"' % sid,
                      html[html.index('id="notice-%d"' % items[0]["id"]):])

    def test_marking_one_read_needs_csrf_and_comes_back(self):
        rn = self.file(urgent=True, text="읽음 표시를 확인하는 긴급 민원")["receipt_no"]
        item = self.notice_of("officer", rn, "urgent")
        self.assertFalse(item["read"])
        # Without the form's token (or with a forged one) nothing changes.
        self.post_form("officer", "/staff/inbox/read", {"id": str(item["id"])}, status=403,
                       csrf=False)
        self.post_form("officer", "/staff/inbox/read",
                       {"id": str(item["id"]), "csrf": "forged-token-000000000"}, status=403,
                       csrf=False)
        self.assertFalse(self.notice_of("officer", rn, "urgent")["read"])
        # With it: read, and back to the list as it was.
        r = self.post_form("officer", "/staff/inbox/read",
                           {"id": str(item["id"]), "unread": "1", "before": "999999"})
        self.assertEqual(r.header("Location"), "/staff/inbox?unread=1&before=999999&done=read")
        self.assertTrue(self.notice_of("officer", rn, "urgent")["read"])
        html = self.page("officer", "/staff/inbox?done=read").text
        self.assertIn("읽음으로 표시했습니다.", html)
        self.assertIn('<li class="notice" id="notice-%d"' % item["id"], html)
        self.assertNotIn(item["id"], unread_ids(html))
        # Someone else's notice is not theirs to mark.
        other = self.notice_of("manager", rn, "urgent")
        self.post_form("officer", "/staff/inbox/read", {"id": str(other["id"])})
        self.assertFalse(self.notice_of("manager", rn, "urgent")["read"])
        # A form that names nothing is refused by the API.
        self.post_form("officer", "/staff/inbox/read", {"id": "x"}, status=400)
        # Only its own words go back into the URL.
        r = self.post_form("officer", "/staff/inbox/read",
                           {"id": str(item["id"]), "before": "//evil.example", "limit": " 5"})
        self.assertEqual(r.header("Location"), "/staff/inbox?limit=5&done=read")

    def test_mark_all_read_and_the_menu_count(self):
        self.file(urgent=True, text="메뉴 숫자를 확인하는 긴급 민원 하나")
        self.file(urgent=True, text="메뉴 숫자를 확인하는 긴급 민원 둘")
        n = self.inbox("manager")["unread"]
        self.assertGreaterEqual(n, 2)
        for path in ("/staff", "/staff/templates", "/staff/inbox"):
            html = self.page("manager", path).text
            start = html.index('class="staff-nav"')
            nav = html[start:html.index("</nav>", start)]
            self.assertIn('id="nav-inbox"', nav)
            self.assertIn('<span class="nav-count" aria-hidden="true">%d</span>' % n, nav, path)
            self.assertIn('<span class="visually-hidden">읽지 않은 알림 %d건</span>' % n, nav, path)
        self.assertIn('aria-current="page">알림', self.page("manager", "/staff/inbox").text)
        self.assertIn("읽지 않은 알림이 %d건 있습니다." % n, self.page("manager", "/staff/inbox").text)
        en = self.as_user("manager").get("/staff?lang=en").text
        self.assertIn(">%d unread</span>" % n, en)
        self.as_user("manager").get("/staff?lang=ko")
        # Without the token nothing is marked.
        self.post_form("manager", "/staff/inbox/read", {"all": "1"}, status=403, csrf=False)
        self.assertEqual(self.inbox("manager")["unread"], n)
        r = self.post_form("manager", "/staff/inbox/read", {"all": "1"})
        self.assertEqual(r.header("Location"), "/staff/inbox?done=all_read")
        self.assertEqual(self.inbox("manager")["unread"], 0)
        html = self.page("manager", "/staff/inbox?done=all_read").text
        self.assertIn("모든 알림을 읽음으로 표시했습니다.", html)
        self.assertEqual(unread_ids(html), [])
        self.assertNotIn('id="mark-all"', html)
        nav = self.page("manager", "/staff").text
        self.assertNotIn("nav-count", nav)
        self.assertIn('id="nav-inbox"', nav)

    def test_unread_filter_and_paging(self):
        for i in range(5):
            self.file(urgent=True, text="쪽 넘김을 확인하는 긴급 민원 %d" % i)
        box = self.inbox("officer")["items"]
        first = self.page("officer", "/staff/inbox?limit=2").text
        self.assertEqual(notice_ids(first), [i["id"] for i in box[:2]])
        m = re.search(r'href="([^"]+)" id="inbox-next" rel="next">더 보기<', first)
        self.assertTrue(m, first)
        nxt = m.group(1).replace("&amp;", "&")
        self.assertEqual(nxt, "/staff/inbox?limit=2&before=%d" % box[1]["id"])
        second = self.page("officer", nxt).text
        self.assertEqual(notice_ids(second), [i["id"] for i in box[2:4]])
        self.assertIn('id="inbox-first"', second)
        self.assertIn('name="before" value="%d"' % box[1]["id"], second)
        # Read one; "읽지 않은 것만" leaves it out.
        self.post_form("officer", "/staff/inbox/read", {"id": str(box[0]["id"])})
        only = self.page("officer", "/staff/inbox?unread=1&limit=100").text
        self.assertNotIn(box[0]["id"], notice_ids(only))
        self.assertIn(box[1]["id"], notice_ids(only))
        self.assertEqual(notice_ids(only), unread_ids(only))
        self.assertIn('id="i-unread" name="unread" value="1" checked', only)
        # A paging address that is not one is said so, not a 500.
        r = self.page("officer", "/staff/inbox?before=abc", status=400)
        self.assertIn("목록 주소가 올바르지 않습니다", r.text)

    def test_signed_out_is_sent_to_sign_in(self):
        r = self.anon().get("/staff/inbox")
        self.assertEqual(r.status, 303)
        self.assertTrue(r.header("Location").startswith("/staff/login"), r.header("Location"))

    # -- a field session -------------------------------------------------------

    def test_a_field_session_cannot_read_the_inbox(self):
        rn = self.file(urgent=True, text="현장 기기에서 보이면 안 되는 긴급 알림")["receipt_no"]
        self.notice_of("manager", rn, "urgent")
        phone = self.field_session("manager")
        r = phone.get("/api/v1/staff/inbox")
        err = self.assertError(r, 403, "forbidden")
        self.assertIn("/staff/login", err["message"])
        self.assertNotIn(rn, r.text)
        r = phone.post("/api/v1/staff/inbox/read", {"all": True})
        self.assertError(r, 403, "forbidden")
        self.assertFalse(self.notice_of("manager", rn, "urgent")["read"])
        # Neither the page nor the menu item.
        r = phone.get("/staff/inbox")
        self.assertEqual(r.status, 403)
        self.assertNotIn(rn, r.text)
        r = phone.post("/staff/inbox/read", form({"all": "1", "csrf": phone.csrf}), headers=FORM)
        self.assertEqual(r.status, 403)
        self.assertFalse(self.notice_of("manager", rn, "urgent")["read"])
        queue = phone.get("/staff")
        self.assertStatus(queue, 200)
        self.assertNotIn("/staff/inbox", queue.text)
        self.assertNotIn("nav-count", queue.text)
        # The same person at the office still has it.
        self.assertIn('id="nav-inbox"', self.page("manager", "/staff").text)


if __name__ == "__main__":
    unittest.main()

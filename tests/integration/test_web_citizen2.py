"""
test_web_citizen2.py - the citizen pages beyond filing and tracking, over
HTTP: the public map (/map), the chatbot (/chat) and filing in the easy
view (/easy, one question per screen, and the call-back request). Each
page works without JavaScript, keeps tokens out of URLs and personal data
off the public pages, and escapes what people wrote. The same pages in a
browser: tests/e2e/map.mjs, chat.mjs, easy.mjs.
"""

import os
import re
import unittest
import urllib.parse
import uuid

import harness
from test_web import CSRF_RE, FIXTURE_JPG, multipart, urlencode

# The e2e tests' small FAQ (written for the tests).
FAQ = os.path.join(harness.REPO, "tests", "e2e", "faq.jsonl")
BULKY = "안 쓰는 소파를 버리려면 어떻게 해요?"
BULKY_ANSWER = "대형폐기물로 신고한 뒤 버립니다"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def unique(word):
    return "%s-%s" % (word, uuid.uuid4().hex[:8])


def t_last(transcript):
    """The text of the last message of a transcript."""
    return transcript["messages"][-1]["text"]


class CitizenPagesTest(harness.ServerTestCase, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.clients = {}
        srv = harness.Server()
        try:
            srv._cli("faq", "import", FAQ, "--db", srv.db)
            srv.start()
        except BaseException:
            srv.cleanup()
            raise
        cls.srv = srv

    def file_api(self, **over):
        r = self.anon().post("/api/v1/complaints", harness.complaint_body(**over))
        self.assertStatus(r, 201)
        return r.json()["receipt_no"]

    # -- the public map ----------------------------------------------------

    def test_map_lists_opted_in_complaints_without_personal_data(self):
        shown, hidden = unique("<b>공개</b>"), unique("비공개")
        self.file_api(title=shown, text="비밀 내용 " + shown, consent={"privacy": True, "public_map": True})
        self.file_api(title=hidden, consent={"privacy": True, "public_map": False})
        r = self.anon().get("/map")
        self.assertStatus(r, 200)
        self.assertIn(shown.replace("<", "&lt;").replace(">", "&gt;"), r.text)
        self.assertNotIn(shown, r.text)           # escaped, never markup
        self.assertNotIn(hidden, r.text)
        for personal in ("비밀 내용", "홍길동", "010-1234-5678", "hong@example.kr", "역삼로 12"):
            self.assertNotIn(personal, r.text)
        self.assertNotIn("style=", r.text)
        self.assertNotIn("<script>", r.text)
        # The map's script and stylesheet, on this page only.
        self.assertRegex(r.text, r'<script src="/static/v/[0-9a-f]+/map\.js" defer>')
        self.assertNotIn("map.js", self.anon().get("/track").text)

    def test_map_filters_by_category_and_state(self):
        lamp = unique("가로등")
        receipt = self.file_api(title=lamp, category="streetlight",
                                consent={"privacy": True, "public_map": True})
        road = unique("보도")
        self.file_api(title=road, category="road_damage", consent={"privacy": True, "public_map": True})
        c = self.anon()
        r = c.get("/map", query={"category": "streetlight"})
        self.assertIn(lamp, r.text)
        self.assertNotIn(road, r.text)
        self.assertIn('<option value="streetlight" selected>', r.text)
        self.assertIn(lamp, c.get("/map", query={"state": "open"}).text)
        self.assertNotIn(lamp, c.get("/map", query={"state": "done"}).text)
        officer = self.srv.client("admin")
        for t, f in (("start", {}), ("answer", {"text": "고쳤습니다"})):
            self.assertStatus(officer.action(receipt, t, **f), 200)
        r = c.get("/map", query={"state": "done", "category": "streetlight"})
        self.assertIn(lamp, r.text)
        self.assertIn('<option value="done" selected>', r.text)

    def test_map_refuses_unknown_filters_with_the_form(self):
        r = self.anon().get("/map", query={"category": "nope", "lang": "en"})
        self.assertStatus(r, 400)
        self.assertIn("text/html", r.header("Content-Type"))
        self.assertIn('role="alert"', r.text)
        self.assertIn('id="map-filter"', r.text)

    def test_map_in_english_and_easy_view(self):
        r = self.anon().get("/map", query={"lang": "en", "easy": "1"})
        self.assertIn('<html lang="en">', r.text)
        self.assertIn('class="easy"', r.text)
        self.assertIn("Complaints map", r.text)
        self.assertTrue(re.search(r'href="/map"', r.text))

    # -- the chatbot -------------------------------------------------------

    def browser(self, path="/chat"):
        c = self.anon()
        r = c.get(path)
        self.assertStatus(r, 200)
        c.form_csrf = CSRF_RE.search(r.text).group(1)
        return c

    def say(self, c, text, **extra):
        fields = {"csrf": c.form_csrf, "text": text}
        fields.update(extra)
        r = c.post("/chat", urlencode(fields), headers=FORM)
        self.assertStatus(r, 303)
        return r

    def photo(self, c, name, data):
        body, ctype = multipart({"csrf": c.form_csrf}, [("photo", name, data)])
        r = c.post("/chat/photo", body, headers={"Content-Type": ctype})
        self.assertStatus(r, 303)
        return r.header("Location")

    def transcript(self, c):
        """The API's transcript of this browser's conversation (header, not URL)."""
        r = self.anon().get("/api/v1/chat", headers={"X-Chat-Session": c.cookies["mw_chat"]})
        self.assertStatus(r, 200)
        return r.json()

    def test_chat_keeps_the_session_in_an_httponly_cookie(self):
        c = self.browser()
        r = self.say(c, BULKY)
        self.assertEqual(r.header("Location"), "/chat#latest")
        set_cookie = [v for k, v in r.header_list
                      if k.lower() == "set-cookie" and v.startswith("mw_chat=")][0]
        self.assertIn("HttpOnly", set_cookie)
        token = c.cookies["mw_chat"]
        self.assertRegex(token, harness.TOKEN_RE)
        page = c.get("/chat")
        self.assertStatus(page, 200)
        self.assertIn(BULKY_ANSWER, page.text)
        self.assertIn('action="/chat/rate"', page.text)
        self.assertNotIn(token, page.text)
        self.assertNotIn("style=", page.text)
        self.assertRegex(page.text, r'<script src="/static/v/[0-9a-f]+/chat\.js" defer>')
        self.assertNotIn(token, self.srv.stderr_tail(200000))
        # Another browser does not see this conversation.
        self.assertNotIn(BULKY_ANSWER, self.anon().get("/chat").text)
        # The end of the conversation: the cookie goes.
        r = c.post("/chat/new", urlencode({"csrf": c.form_csrf}), headers=FORM)
        self.assertStatus(r, 303)
        self.assertNotIn("mw_chat", c.cookies)

    def test_chat_rating_and_the_transcript_additions(self):
        c = self.browser()
        self.say(c, BULKY)
        t = self.transcript(c)
        self.assertEqual(t["stage"], "none")
        self.assertIsNone(t["answer_by"])
        bot = t["messages"][-1]
        self.assertEqual((bot["from"], bot["kind"], bot["helpful"]), ("bot", "faq", None))
        self.assertNotIn("helpful", t["messages"][0])      # the citizen's own
        r = c.post("/chat/rate", urlencode({"csrf": c.form_csrf, "message_id": bot["id"],
                                            "helpful": "no"}), headers=FORM)
        self.assertStatus(r, 303)
        self.assertEqual(r.header("Location"), "/chat#m%d" % bot["id"])
        self.assertIs(self.transcript(c)["messages"][-1]["helpful"], False)
        page = c.get("/chat").text
        self.assertIn('class="hint rated"', page)
        self.assertNotIn('action="/chat/rate"', page)
        r = c.post("/chat/rate", urlencode({"csrf": c.form_csrf, "message_id": "1x",
                                            "helpful": "no"}), headers=FORM)
        self.assertEqual(r.header("Location"), "/chat?err=rate#say")

    def test_chat_report_flow_files_and_remembers_the_complaint(self):
        c = self.browser()
        self.say(c, "공원 화장실 세면대 수도꼭지가 부서져서 물이 계속 새요")
        self.assertEqual(self.transcript(c)["stage"], "confirm")
        self.assertIn('id="say-yes"', c.get("/chat").text)
        self.say(c, "네")
        page = c.get("/chat").text
        self.assertIn('id="send-location"', page)
        self.assertIn('id="photo-form"', page)
        self.assertIn('aria-describedby="h-where"', page)
        self.say(c, "역삼동 근린공원 화장실", lat="37.5001", lon="127.0402")
        self.assertEqual(self.transcript(c)["stage"], "photo")
        with open(FIXTURE_JPG, "rb") as f:
            self.assertEqual(self.photo(c, "p.jpg", f.read()), "/chat#latest")
        self.assertIn("[사진 1]", c.get("/chat").text)
        self.assertNotIn("mw_track", c.cookies)
        self.say(c, "접수")
        self.assertEqual(self.transcript(c)["stage"], "filed")
        self.assertIn('href="/receipt"', c.get("/chat").text)
        receipt, _, token = c.cookies["mw_track"].partition(".")
        self.assertIn(receipt, c.get("/receipt").text)
        j = self.citizen_view(receipt, token).json()
        self.assertEqual(len(j["attachments"]), 1)
        self.assertEqual(j["location"]["address"], "역삼동 근린공원 화장실")
        self.assertAlmostEqual(j["location"]["lat"], 37.5001)

    def test_chat_in_english_on_the_english_page(self):
        """The page's language goes with every message and photo: the bot's
        words are English, the FAQ answer comes with the note that it is
        in Korean only, and the report names its category in English."""
        c = self.browser("/chat?lang=en")
        self.say(c, BULKY)
        page = c.get("/chat").text
        self.assertIn("(This answer is available in Korean only.)", page)
        self.assertIn(BULKY_ANSWER, page)
        self.say(c, "공원 화장실 세면대 수도꼭지가 부서져서 물이 계속 새요")
        t = self.transcript(c)
        self.assertEqual((t["stage"], t["lang"]), ("confirm", "en"))
        page = c.get("/chat").text
        self.assertIn("Shall I file this as a complaint?", page)
        # No model on this server: no category to name (chat.mjs has one).
        self.assertIsNone(t["messages"][-1]["category"])
        self.assertNotIn("category-note", page)
        self.say(c, "yes")          # what the English "yes" button sends
        self.assertIn("Send my location", t_last(self.transcript(c)))
        self.say(c, "Near the park toilets", lat="37.5001", lon="127.0402")
        with open(FIXTURE_JPG, "rb") as f:
            self.assertEqual(self.photo(c, "p.jpg", f.read()), "/chat#latest")
        self.assertIn("[photo 1]", c.get("/chat").text)
        self.say(c, "done")
        t = self.transcript(c)
        self.assertEqual(t["stage"], "filed")
        receipt = c.cookies["mw_track"].partition(".")[0]
        self.assertEqual(t_last(t), "Your complaint is filed with 1 photo(s) and receipt number "
                                    "%s. You can follow it with this number." % receipt)
        # Back on the Korean page, the bot speaks Korean again.
        c.get("/chat?lang=ko")
        self.say(c, "동네 놀이터 그네 줄이 끊어져 있어요")
        self.assertIn("접수해 드릴까요?", t_last(self.transcript(c)))

    def test_chat_photo_refusals_come_back_as_notes(self):
        c = self.browser()
        self.assertEqual(self.photo(c, "a.jpg", b"x"), "/chat?err=photo_stage#say")
        self.say(c, "골목에 누가 쓰레기를 잔뜩 버려 놓았어요")
        self.assertEqual(self.photo(c, "a.jpg", b"x"), "/chat?err=photo_stage#say")  # not yet yes
        self.say(c, "네")
        self.assertEqual(self.photo(c, "a.txt", b"just text"), "/chat?err=photo_type#say")
        self.assertEqual(self.photo(c, "", b""), "/chat?err=photo_none#say")
        self.assertIn('role="alert"', c.get("/chat", query={"err": "photo_type"}).text)
        # Only known notes are shown, whatever the address says.
        page = c.get("/chat", query={"err": "<b>hi</b>"}).text
        self.assertNotIn("hi</b>", page)
        self.assertNotIn('id="chat-error"', page)

    def test_chat_handoff_says_by_when_and_shows_the_staff_reply(self):
        c = self.browser()
        ask = "제 경우에 기초연금 받을 수 있는지 상담원과 직접 이야기하고 싶어요"
        self.say(c, ask)
        page = c.get("/chat").text
        self.assertIn('id="handoff"', page)
        self.assertIn('data-waiting="1"', page)
        t = self.transcript(c)
        self.assertTrue(t["waiting_for_staff"])
        self.assertRegex(t["answer_by"], harness.KST_RE)
        admin = self.as_user("admin")
        q = admin.get("/api/v1/staff/counsel").json()["items"]
        item = [it for it in q if it["last_message"] == ask][0]
        reply = "<i>상담원</i>입니다. 내일 전화드리겠습니다."
        self.assertStatus(admin.post("/api/v1/staff/counsel/%d/reply" % item["id"], {"text": reply}), 200)
        page = c.get("/chat", query={"lang": "en"}).text
        self.assertIn('class="msg staff"', page)
        self.assertIn("&lt;i&gt;상담원&lt;/i&gt;입니다", page)
        self.assertIn("Counsellor", page)
        self.assertNotIn('id="handoff"', page)
        self.assertNotIn("data-waiting", page)

    def test_chat_text_is_escaped_and_forms_need_the_csrf_token(self):
        c = self.browser()
        self.say(c, "<script>alert(1)</script>")
        page = c.get("/chat").text
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertNotIn("<script>alert", page)
        for path in ("/chat", "/chat/rate", "/chat/new"):
            r = c.post(path, urlencode({"text": "x", "message_id": "1", "helpful": "yes"}),
                       headers=FORM)
            self.assertStatus(r, 403)
        r = c.post("/chat", urlencode({"csrf": c.form_csrf, "text": "  "}), headers=FORM)
        self.assertEqual(r.header("Location"), "/chat?err=empty#say")

    def test_chat_session_header_is_preferred_to_the_query(self):
        a, b = self.browser(), self.browser()
        self.say(a, BULKY)
        self.say(b, "안녕하세요")
        r = self.anon().get("/api/v1/chat?session=" + urllib.parse.quote(b.cookies["mw_chat"]),
                            headers={"X-Chat-Session": a.cookies["mw_chat"]})
        self.assertIn(BULKY, r.text)
        self.assertStatus(self.anon().get("/api/v1/chat", headers={"X-Chat-Session": "nope"}), 404)

    # -- the easy view -----------------------------------------------------

    STEP_RE = re.compile(r'name="step" value="([a-z_]+)"')
    IDEM_RE = re.compile(r'name="idem" value="([^"]+)"')

    def easy(self, c, expect=200, files=(), **fields):
        """Posts one easy-view screen; returns the answer."""
        base = {"csrf": c.form_csrf, "idem": c.idem, "go": "next"}
        base.update(fields)
        body, ctype = multipart(base, files)
        r = c.post("/easy", body, headers={"Content-Type": ctype})
        self.assertEqual(r.status, expect, r.text[:1500])
        return r

    def easy_browser(self):
        c = self.browser("/easy")
        c.idem = self.IDEM_RE.search(c.get("/easy").text).group(1)
        return c

    def step_of(self, r):
        return self.STEP_RE.search(r.text).group(1)

    def test_easy_view_home_is_the_first_question(self):
        c = self.anon()
        r = c.get("/", query={"easy": "1"})
        self.assertStatus(r, 200)
        self.assertIn('class="easy"', r.text)
        self.assertEqual(self.step_of(r), "what")
        self.assertIn('action="/easy"', r.text)
        self.assertRegex(r.text, r'<script src="/static/v/[0-9a-f]+/easy\.js" defer>')
        self.assertNotIn("style=", r.text)
        # The usual form again when the easy view is off.
        self.assertIn('id="file-form"', c.get("/", query={"easy": "0"}).text)

    def test_easy_one_question_per_screen_files_the_complaint(self):
        c = self.easy_browser()
        text = "<b>공원</b> 가로등이 일주일째 꺼져 있어요"
        r = self.easy(c, mode="file", step="what", text=text)
        self.assertEqual(self.step_of(r), "where")
        self.assertIn('name="text" value="&lt;b&gt;공원&lt;/b&gt; 가로등이 일주일째 꺼져 있어요"', r.text)
        carried = dict(mode="file", text=text)
        r = self.easy(c, step="where", address="역삼동 근린공원", lat="37.5002", lon="127.0401", **carried)
        self.assertEqual(self.step_of(r), "contact")
        carried.update(address="역삼동 근린공원", lat="37.5002", lon="127.0401")
        # Back keeps what the screen had.
        r = self.easy(c, step="contact", go="back", phone="010-4444-5555", **carried)
        self.assertEqual(self.step_of(r), "where")
        self.assertIn('name="phone" value="010-4444-5555"', r.text)
        r = self.easy(c, step="contact", phone="010-4444-5555", **carried)
        self.assertEqual(self.step_of(r), "consent")
        carried.update(phone="010-4444-5555")
        r = self.easy(c, step="consent", consent="yes", **carried)
        self.assertEqual(self.step_of(r), "photo")
        carried.update(consent="yes")
        with open(FIXTURE_JPG, "rb") as f:
            jpg = f.read()
        r = self.easy(c, expect=303, step="photo", files=[("photo", "p.jpg", jpg)], **carried)
        self.assertEqual(r.header("Location"), "/receipt")
        receipt, _, token = c.cookies["mw_track"].partition(".")
        j = self.citizen_view(receipt, token).json()
        self.assertEqual(j["text"], text)
        self.assertEqual(j["location"]["address"], "역삼동 근린공원")
        self.assertAlmostEqual(j["location"]["lat"], 37.5002)
        self.assertEqual(j["channel"], "web")
        self.assertFalse(j["public_map"])
        self.assertEqual(len(j["attachments"]), 1)
        # The same last screen again (a double click) files nothing new.
        r = self.easy(c, expect=303, step="photo", files=[("photo", "p.jpg", jpg)], **carried)
        self.assertEqual(c.cookies["mw_track"].partition(".")[0], receipt)

    def test_easy_refusals_come_back_on_the_screen_that_asked(self):
        c = self.easy_browser()
        r = self.easy(c, expect=400, mode="file", step="what", text="   ")
        self.assertEqual(self.step_of(r), "what")
        self.assertIn('id="easy-error"', r.text)
        self.assertIn('aria-invalid="true"', r.text)
        base = dict(mode="file", text="보도블록이 깨졌어요", consent="yes")
        # The API refuses the phone number: the contact screen says so.
        r = self.easy(c, expect=400, step="photo", phone="12", **base)
        self.assertEqual(self.step_of(r), "contact")
        self.assertRegex(r.text, r'id="f-phone"[^>]*aria-invalid="true"')
        # Not a photo: the photo screen, nothing filed.
        r = self.easy(c, expect=400, step="photo", files=[("photo", "x.txt", b"text")], **base)
        self.assertEqual(self.step_of(r), "photo")
        self.assertNotIn("mw_track", c.cookies)
        # A consent that went missing on the way is asked again.
        r = self.easy(c, expect=400, step="photo", mode="file", text="보도블록이 깨졌어요")
        self.assertEqual(self.step_of(r), "consent")
        self.assertNotIn("mw_track", c.cookies)
        # The CSRF token is checked on every screen.
        body, ctype = multipart({"step": "what", "text": "x", "go": "next"})
        self.assertStatus(c.post("/easy", body, headers={"Content-Type": ctype}), 403)

    def test_easy_call_back_request_is_a_complaint_staff_recognise(self):
        c = self.easy_browser()
        r = self.easy(c, mode="file", step="what", go="call", text="기초연금 신청 방법")
        self.assertEqual(self.step_of(r), "call_phone")
        self.assertIn('name="mode" value="call"', r.text)
        r = self.easy(c, expect=400, mode="call", step="call_phone", text="기초연금 신청 방법")
        self.assertIn('id="easy-error"', r.text)
        # Back from the first call-back screen is the first question.
        r = self.easy(c, mode="call", step="call_phone", go="back", text="기초연금 신청 방법")
        self.assertEqual(self.step_of(r), "what")
        carried = dict(mode="call", phone="010-8888-1111", text="기초연금 신청 방법")
        self.assertEqual(self.step_of(self.easy(c, step="call_phone", **carried)), "call_topic")
        self.assertEqual(self.step_of(self.easy(c, step="call_topic", **carried)), "call_consent")
        r = self.easy(c, expect=303, step="call_consent", consent="yes", lang="en", **carried)
        receipt, _, token = c.cookies["mw_track"].partition(".")
        j = self.citizen_view(receipt, token).json()
        # The request is data (test_callback.py has the rest); the topic is
        # the text, in the citizen's words.
        self.assertEqual(j["callback"], "pending")
        self.assertEqual(j["title"], "기초연금 신청 방법")
        self.assertEqual(j["text"], "기초연금 신청 방법")
        self.assertEqual(j["channel"], "web")
        staff = self.as_user("admin").get("/api/v1/queue", query={"status": "any", "limit": 100}).json()
        mine = [it for it in staff["items"] if it["receipt_no"] == receipt][0]
        self.assertEqual(mine["callback"], "pending")
        # Without a topic the text says what is asked, in Korean for staff.
        c2 = self.easy_browser()
        self.easy(c2, expect=303, mode="call", step="call_consent", phone="010-8888-2222", consent="yes")
        receipt, _, token = c2.cookies["mw_track"].partition(".")
        self.assertEqual(self.citizen_view(receipt, token).json()["text"], "전화 상담을 요청합니다.")


if __name__ == "__main__":
    unittest.main()

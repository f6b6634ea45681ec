"""
test_web_citizen2.py - the citizen pages beyond filing and tracking, over
HTTP: the public map (/map). Each page works without JavaScript, keeps
personal data out, and escapes what people wrote. The same pages in a
browser: tests/e2e/map.mjs.
"""

import re
import unittest
import uuid

import harness


def unique(word):
    return "%s-%s" % (word, uuid.uuid4().hex[:8])


class CitizenPagesTest(harness.ServerTestCase, unittest.TestCase):

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


if __name__ == "__main__":
    unittest.main()

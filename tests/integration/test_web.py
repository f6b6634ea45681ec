"""
test_web.py - the citizen pages over HTTP (src/web): headers, cookies,
CSRF, the form → API → redirect flow, idempotent re-posts, photos,
escaping, tracking and the citizen's actions, static assets, error pages.
The same journeys in a real browser are in tests/e2e/.
"""

import os
import re
import unittest
import urllib.parse
import uuid

import harness

FIXTURE_JPG = os.path.join(harness.FIXTURES, "media", "gps.jpg")
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
IDEM_RE = re.compile(r'name="idem" value="([^"]+)"')


def urlencode(fields):
    return urllib.parse.urlencode(fields).encode()


def multipart(fields, files=()):
    boundary = "b" + uuid.uuid4().hex
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, k)).encode()
        out += v.encode() + b"\r\n"
    for name, filename, data in files:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name, filename)).encode()
        out += data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary


class WebTest(harness.ServerTestCase, unittest.TestCase):

    def browser(self):
        """A fresh browser: its cookie (mw_b) and the form's tokens."""
        c = self.anon()
        r = c.get("/")
        self.assertStatus(r, 200)
        c.form_csrf = CSRF_RE.search(r.text).group(1)
        c.form_idem = IDEM_RE.search(r.text).group(1)
        return c

    def file(self, c, expect=303, files=(), **fields):
        base = {"csrf": c.form_csrf, "idem": c.form_idem, "text": "가로등이 꺼졌습니다",
                "consent": "yes"}
        base.update(fields)
        if files:
            body, ctype = multipart(base, files)
        else:
            body, ctype = urlencode(base), "application/x-www-form-urlencoded"
        r = c.post("/", body, headers={"Content-Type": ctype})
        self.assertEqual(r.status, expect, r.text[:2000])
        return r

    def tracked(self, c):
        receipt, _, token = c.cookies["mw_track"].partition(".")
        return receipt, token

    # -- headers and cookies -----------------------------------------------

    def test_page_headers(self):
        r = self.anon().get("/")
        self.assertStatus(r, 200)
        self.assertEqual(r.header("Content-Type"), "text/html; charset=utf-8")
        csp = r.header("Content-Security-Policy")
        for part in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                     "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
                     "https://tile.openstreetmap.org"):
            self.assertIn(part, csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(r.header("Referrer-Policy"), "no-referrer")
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertIn('<html lang="ko">', r.text)
        self.assertNotIn("<script>", r.text)      # no inline script
        self.assertNotIn("style=", r.text)        # no inline style
        cookie = [v for k, v in r.header_list if k.lower() == "set-cookie"][0]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Lax", cookie)

    def test_language_and_easy_view_are_remembered(self):
        c = self.anon()
        r = c.get("/", query={"lang": "en", "easy": "1"})
        self.assertIn('<html lang="en">', r.text)
        self.assertIn('class="easy"', r.text)
        self.assertEqual(c.cookies.get("mw_lang"), "en")
        r = c.get("/track")
        self.assertIn('<html lang="en">', r.text)
        self.assertIn('class="easy"', r.text)
        self.assertIn("Track a complaint", r.text)
        r = c.get("/", query={"lang": "ko", "easy": "0"})
        self.assertIn('<html lang="ko">', r.text)
        self.assertNotIn('class="easy"', r.text)

    # -- filing ------------------------------------------------------------

    def test_file_redirects_to_the_receipt_without_the_token_in_a_url(self):
        c = self.browser()
        r = self.file(c, address="역삼로 12", lat="37.5006", lon="127.0364", phone="010-1234-5678")
        self.assertEqual(r.header("Location"), "/receipt")
        receipt, token = self.tracked(c)
        self.assertRegex(receipt, harness.RECEIPT_RE)
        set_cookie = [v for k, v in r.header_list if k.lower() == "set-cookie"][0]
        self.assertIn("SameSite=Strict", set_cookie)
        self.assertIn("HttpOnly", set_cookie)
        page = c.get("/receipt")
        self.assertStatus(page, 200)
        self.assertIn(receipt, page.text)
        self.assertIn(token, page.text)          # shown once, to keep
        self.assertIn('<svg xmlns="http://www.w3.org/2000/svg"', page.text)
        self.assertNotIn("token=", page.text)
        j = self.citizen_view(receipt, token).json()
        self.assertEqual(j["location"]["address"], "역삼로 12")
        self.assertAlmostEqual(j["location"]["lat"], 37.5006)
        self.assertEqual(j["channel"], "web")
        # The server's log never holds the token.
        self.assertNotIn(token, self.srv.stderr_tail(200000))

    def test_posting_the_same_form_twice_files_once(self):
        c = self.browser()
        self.file(c, text="같은 양식을 두 번 보냅니다")
        first = self.tracked(c)
        self.file(c, text="같은 양식을 두 번 보냅니다")
        self.assertEqual(self.tracked(c), first)

    def test_photo_goes_with_the_complaint(self):
        c = self.browser()
        with open(FIXTURE_JPG, "rb") as f:
            jpg = f.read()
        self.file(c, files=[("photo", "a.jpg", jpg)], text="사진과 함께 신고합니다")
        receipt, token = self.tracked(c)
        j = self.citizen_view(receipt, token).json()
        self.assertEqual(len(j["attachments"]), 1)
        self.assertTrue(j["location"]["lat"])     # from the photo's EXIF
        photo = c.get("/track/photo/%d" % j["attachments"][0]["id"])
        self.assertStatus(photo, 200)
        self.assertEqual(photo.header("Content-Type"), "image/jpeg")
        self.assertStatus(self.anon().get("/track/photo/%d" % j["attachments"][0]["id"]), 404)

    def test_not_a_photo_is_refused_before_anything_is_filed(self):
        c = self.browser()
        r = self.file(c, expect=400, files=[("photo", "x.txt", b"just text")],
                      text="사진이 아닌 파일")
        self.assertIn('id="e-photo"', r.text)
        self.assertIn("사진이 아닌 파일", r.text)   # the text is kept
        self.assertNotIn("mw_track", c.cookies)

    def test_errors_are_tied_to_their_fields_and_values_kept(self):
        c = self.browser()
        r = self.file(c, expect=400, consent="", text="<b>동의 없이</b>", phone="12")
        self.assertIn('id="error-summary"', r.text)
        self.assertIn('aria-describedby="h-consent e-consent"', r.text)
        self.assertIn("&lt;b&gt;동의 없이&lt;/b&gt;", r.text)
        self.assertNotIn("<b>동의 없이", r.text)
        r = self.file(c, expect=400, phone="12")
        self.assertIn('id="e-phone"', r.text)
        self.assertIn('aria-invalid="true"', r.text)
        r = self.file(c, expect=400, lat="north", lon="127")
        self.assertIn('id="e-location"', r.text)

    def test_csrf_is_required(self):
        c = self.browser()
        before = self.srv.client("admin").get("/api/v1/queue", query={"status": "any", "limit": 100})
        for token in (None, "forged", c.form_csrf[:-1] + ("A" if c.form_csrf[-1] != "A" else "B")):
            fields = {"text": "CSRF", "consent": "yes"}
            if token:
                fields["csrf"] = token
            r = c.post("/", urlencode(fields),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
            self.assertStatus(r, 403)
            self.assertIn("text/html", r.header("Content-Type"))
        # Another browser's token does not work with this browser's cookie.
        other = self.browser()
        r = c.post("/", urlencode({"csrf": other.form_csrf, "text": "x", "consent": "yes"}),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertStatus(r, 403)
        after = self.srv.client("admin").get("/api/v1/queue", query={"status": "any", "limit": 100})
        self.assertEqual(len(before.json()["items"]), len(after.json()["items"]))

    def test_signed_in_staff_use_the_session_token(self):
        desk = self.srv.client("desk")
        page = desk.get("/")
        token = CSRF_RE.search(page.text).group(1)
        self.assertEqual(token, desk.csrf)
        r = desk.post("/", urlencode({"csrf": token, "text": "창구에서 대신 접수", "consent": "yes"}),
                      headers={"Content-Type": "application/x-www-form-urlencoded"}, csrf=False)
        self.assertStatus(r, 303)

    # -- tracking ----------------------------------------------------------

    def test_track_lookup_and_actions(self):
        c = self.browser()
        self.file(c, text="<script>alert(1)</script> 보도블록이 깨졌어요", category="road_damage")
        receipt, token = self.tracked(c)
        # Another browser looks it up with the receipt number and token.
        b = self.browser()
        r = b.post("/track", urlencode({"csrf": b.form_csrf, "receipt": receipt, "token": "x" * 22}),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertStatus(r, 404)
        self.assertIn('id="e-lookup"', r.text)
        r = b.post("/track", urlencode({"csrf": b.form_csrf, "receipt": " " + receipt,
                                        "token": token + " "}),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertStatus(r, 303)
        page = b.get("/track")
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page.text)
        self.assertNotIn("<script>alert(1)", page.text)
        self.assertIn('id="track-status"', page.text)
        # Staff answer; the citizen rates it unsatisfied: 재검토.
        officer = self.as_user("officer")
        for action, extra in (("start", {}), ("answer", {"text": "교체했습니다"})):
            self.assertStatus(officer.action(receipt, action, **extra), 200)
        page = b.get("/track")
        self.assertIn("교체했습니다", page.text)
        self.assertIn('action="/track/rate"', page.text)
        r = b.post("/track/rate", urlencode({"csrf": b.form_csrf, "rating": "2", "comment": "그대로예요"}),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertStatus(r, 303)
        self.assertEqual(r.header("Location"), "/track?done=reopened")
        self.assertEqual(self.citizen_view(receipt, token).json()["status"], "reopened")
        r = b.post("/track/rate", urlencode({"csrf": b.form_csrf, "rating": "4"}),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.header("Location"), "/track?err=rate")
        r = b.post("/track/message", urlencode({"csrf": b.form_csrf, "text": "사진 추가 예정"}),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.header("Location"), "/track?done=message")
        r = b.post("/track/withdraw", urlencode({"csrf": b.form_csrf}),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.header("Location"), "/track?done=withdrawn")
        self.assertEqual(self.citizen_view(receipt, token).json()["status"], "withdrawn")
        r = b.post("/track/forget", urlencode({"csrf": b.form_csrf}),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertStatus(r, 303)
        self.assertNotIn("mw_track", b.cookies)
        self.assertIn('id="track-form"', b.get("/track").text)

    def test_track_notes_are_from_the_catalogue_only(self):
        r = self.anon().get("/track", query={"err": "<script>", "done": "pwned"})
        self.assertStatus(r, 200)
        self.assertNotIn("pwned", r.text)
        self.assertNotIn("&lt;script&gt;", r.text)

    def test_receipt_without_a_complaint_goes_to_track(self):
        r = self.anon().get("/receipt")
        self.assertStatus(r, 303)
        self.assertEqual(r.header("Location"), "/track")

    # -- the staff entrance -------------------------------------------------

    def test_staff_sign_in_and_out(self):
        c = self.anon()
        r = c.get("/staff")
        self.assertStatus(r, 303)
        self.assertEqual(r.header("Location"), "/staff/login")
        page = c.get("/staff/login")
        token = CSRF_RE.search(page.text).group(1)
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        r = c.post("/staff/login", urlencode({"csrf": token, "login": "officer", "password": "nope"}),
                   headers=form)
        self.assertStatus(r, 401)
        self.assertIn('id="e-login"', r.text)
        self.assertNotIn("mw_session", c.cookies)
        r = c.post("/staff/login", urlencode({"login": "officer", "password": harness.PASSWORD}),
                   headers=form)
        self.assertStatus(r, 403)                 # no CSRF token
        r = c.post("/staff/login", urlencode({"csrf": token, "login": "officer",
                                              "password": harness.PASSWORD}), headers=form)
        self.assertStatus(r, 303)
        self.assertEqual(r.header("Location"), "/staff")
        self.assertIn("mw_session", c.cookies)
        home = c.get("/staff")
        self.assertStatus(home, 200)
        self.assertIn('id="staff-login">officer<', home.text)
        session_csrf = CSRF_RE.search(home.text).group(1)
        self.assertNotEqual(session_csrf, token)  # signed in: the session's token
        # The session works for the API too (same cookie, header token).
        self.assertStatus(c.get("/api/v1/session"), 200)
        r = c.post("/staff/logout", urlencode({"csrf": token}), headers=form)
        self.assertStatus(r, 403)                 # the browser token is not the session's
        r = c.post("/staff/logout", urlencode({"csrf": session_csrf}), headers=form)
        self.assertStatus(r, 303)
        self.assertEqual(r.header("Location"), "/staff/login")
        self.assertNotIn("mw_session", c.cookies)
        self.assertStatus(c.get("/staff"), 303)

    # -- static files and errors ---------------------------------------------

    def test_static_assets(self):
        page = self.anon().get("/").text
        css = re.search(r'href="(/static/v/[0-9a-f]{16}/app\.css)"', page).group(1)
        r = self.anon().get(css)
        self.assertStatus(r, 200)
        self.assertEqual(r.header("Content-Type"), "text/css; charset=utf-8")
        self.assertEqual(r.header("Cache-Control"), "public, max-age=31536000, immutable")
        etag = r.header("ETag")
        r = self.anon().get("/static/app.css", headers={"If-None-Match": etag})
        self.assertStatus(r, 304)
        r = self.anon().get("/static/app.css")
        self.assertEqual(r.header("Cache-Control"), "no-cache")
        leaflet = css.replace("app.css", "vendor/leaflet/leaflet.js")
        self.assertStatus(self.anon().get(leaflet), 200)
        self.assertStatus(self.anon().get("/static/v/0000000000000000/app.css"), 404)
        self.assertStatus(self.anon().get("/static/../CMakeLists.txt"), 404)

    def test_error_pages(self):
        r = self.anon().get("/no/such/page")
        self.assertStatus(r, 404)
        self.assertIn("text/html", r.header("Content-Type"))
        self.assertIn("Content-Security-Policy", dict(r.header_list))
        r = self.anon().get("/api/v1/no-such")
        self.assertError(r, 404, "not_found")
        r = self.anon().request("DELETE", "/track")
        self.assertStatus(r, 405)
        self.assertIn("text/html", r.header("Content-Type"))
        r = self.anon().post("/", b"text=x", headers={"Content-Type": "text/plain"})
        self.assertStatus(r, 415)
        # A form over the page's limit (3 photos of 10 MB) is refused before
        # it is read, with a page.
        status, headers, body = harness.raw_request(
            self.srv.port, b"POST / HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; "
            b"boundary=x\r\nContent-Length: 40000000\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, 413)
        self.assertTrue(headers["content-type"].startswith("text/html"))

    def test_classify_endpoint(self):
        r = self.anon().get("/api/v1/complaints/classify", query={"text": "가로등이 꺼졌어요"})
        self.assertStatus(r, 200)
        j = r.json()
        self.assertIn("suggest", j)
        self.assertIn("category", j)
        self.assertError(self.anon().get("/api/v1/complaints/classify"), 400, "missing_field")
        self.assertError(self.anon().get("/api/v1/complaints/classify", query={"text": "가" * 700}),
                         413, "too_large")


if __name__ == "__main__":
    unittest.main()

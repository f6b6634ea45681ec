"""
test_web_field.py - the field app (/field) and the desk intake (/desk)
over HTTP: field workers and the desk land on their page after signing
in, the redirect of a visitor who is not signed in, filing without
JavaScript (once however often the form is sent), the lookup by phone
(logged), the printed receipt, the service worker and the manifest.
The same journeys in a real browser are tests/e2e/field.mjs and desk.mjs.
"""

import os
import re
import unittest
import urllib.parse

import harness
from test_web import multipart, urlencode

FIXTURE_JPG = os.path.join(harness.FIXTURES, "media", "gps.jpg")
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
IDEM_RE = re.compile(r'name="idem" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class FieldDeskWebTest(harness.ServerTestCase, unittest.TestCase):

    def signed_in(self, login, password=harness.PASSWORD):
        """A browser signed in through the staff entrance (/staff/login)."""
        c = self.anon()
        r = c.get("/staff/login")
        self.assertStatus(r, 200)
        token = CSRF_RE.search(r.text).group(1)
        r = c.post("/staff/login", urlencode({"csrf": token, "login": login,
                                              "password": password}), headers=FORM)
        self.assertStatus(r, 303, r.text[:500])
        c.home = r.header("Location")
        return c

    def form_of(self, c, path):
        r = c.get(path)
        self.assertStatus(r, 200)
        return CSRF_RE.search(r.text).group(1), IDEM_RE.search(r.text).group(1)

    def queue(self, c):
        return c.get("/api/v1/queue", query={"limit": 100}).json()["items"]

    # -- sign-in -----------------------------------------------------------

    def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(self):
        c = self.anon()
        # The field app signs in on its own page, inside the installed app.
        for path, login in (("/field", "/field/login"), ("/desk", "/staff/login"),
                            ("/desk/receipt", "/staff/login")):
            r = c.get(path)
            self.assertStatus(r, 303)
            self.assertEqual(r.header("Location"), login)

    def test_field_workers_and_the_desk_land_on_their_page(self):
        for login, home in (("field", "/field"), ("desk", "/desk"), ("officer", "/staff")):
            c = self.signed_in(login)
            self.assertEqual(c.home, home)
            # Signed in already: the sign-in page sends them on.
            self.assertEqual(c.get("/staff/login").header("Location"), home)
            self.assertStatus(c.get(home), 200)

    def test_sign_out_from_the_desk_ends_the_session(self):
        c = self.signed_in("desk")
        token, _ = self.form_of(c, "/desk")
        self.assertIn('action="/staff/logout"', c.get("/desk").text)
        r = c.post("/staff/logout", urlencode({"csrf": token}), headers=FORM)
        self.assertStatus(r, 303)
        self.assertNotIn("mw_session", c.cookies)
        self.assertStatus(c.get("/desk"), 303)

    def test_roles_without_the_permission_get_the_403_page(self):
        field = self.signed_in("field")
        token, _ = self.form_of(field, "/field")
        r = field.post("/desk/lookup", urlencode({"csrf": token, "phone": "010-1234-5678"}),
                       headers=FORM)
        self.assertStatus(r, 403)
        self.assertIn("text/html", r.header("Content-Type"))
        auditor = self.signed_in("auditor")
        self.assertStatus(auditor.get("/desk"), 403)
        self.assertStatus(auditor.get("/field"), 403)

    # -- the field app -------------------------------------------------------

    def test_field_page_is_an_installable_app(self):
        c = self.signed_in("field")
        r = c.get("/field")
        self.assertStatus(r, 200)
        self.assertNotIn("<script>", r.text)
        self.assertNotIn("style=", r.text)
        self.assertIn('capture="environment"', r.text)
        self.assertIn('accept="image/*"', r.text)
        # 무단투기 is the first category, and the one chosen.
        first = re.search(r'name="category" id="c-([a-z_]+)" value="[a-z_]*" data-text="[^"]*"( checked)?',
                          r.text)
        self.assertEqual(first.group(1), "illegal_dumping")
        self.assertEqual(first.group(2), " checked")
        manifest = re.search(r'<link rel="manifest" href="([^"]+)"', r.text).group(1)
        self.assertTrue(manifest.endswith("/field.webmanifest"))
        m = c.get(manifest)
        self.assertEqual(m.header("Content-Type"), "application/manifest+json")
        j = m.json()
        self.assertEqual((j["start_url"], j["scope"], j["display"]), ("/field", "/field", "standalone"))
        for icon in j["icons"]:
            self.assertStatus(c.get(manifest.rsplit("/", 1)[0] + "/" + icon["src"]), 200)
        sw_url = re.search(r'data-sw="([^"]+)"', r.text).group(1)
        sw = self.anon().get(sw_url)
        self.assertStatus(sw, 200)
        self.assertEqual(sw.header("Service-Worker-Allowed"), "/field")
        self.assertTrue(sw.header("Content-Type").startswith("text/javascript"))
        self.assertEqual(sw.header("Cache-Control"), "no-cache")
        self.assertIn("importScripts", sw.text)
        # The citizen pages keep their own manifest and no field script.
        home = self.anon().get("/")
        self.assertIn("/manifest.webmanifest", home.text)
        self.assertNotIn("field.js", home.text)

    def test_field_report_without_javascript_is_filed_once_with_its_photo(self):
        c = self.signed_in("field")
        token, idem = self.form_of(c, "/field")
        before = len(self.queue(c))
        with open(FIXTURE_JPG, "rb") as f:
            photo = f.read()
        fields = {"csrf": token, "idem": idem, "category": "illegal_dumping", "lat": "37.5006",
                  "lon": "127.0364", "address": "역삼로 12 앞", "memo": ""}
        body, ctype = multipart(fields, [("photo", "p.jpg", photo)])
        for _ in range(2):
            r = c.post("/field", body, headers={"Content-Type": ctype})
            self.assertStatus(r, 303, r.text[:500])
            self.assertEqual(r.header("Location"), "/field?done=sent")
        items = self.queue(c)
        self.assertEqual(len(items), before + 1)
        mine = [i for i in items if i["title"] == "쓰레기 무단투기 (현장 신고)"]
        self.assertTrue(mine)
        self.assertEqual(mine[0]["channel"], "field")
        staff = self.as_user("admin").staff_view(mine[0]["receipt_no"]).json()
        self.assertEqual(len(staff["attachments"]), 1)
        self.assertEqual(staff["location"]["address"], "역삼로 12 앞")
        self.assertEqual(staff["filed_by"], "field")
        page = c.get("/field?done=sent")
        self.assertIn('id="field-done"', page.text)
        self.assertIn(mine[0]["receipt_no"], page.text)
        # Only known notes: anything else in ?done= shows nothing.
        self.assertNotIn('id="field-done"', c.get("/field?done=%3Cb%3E").text)

    def test_field_memo_is_the_text_and_not_a_photo_is_refused(self):
        c = self.signed_in("field")
        token, idem = self.form_of(c, "/field")
        before = len(self.queue(c))
        body, ctype = multipart({"csrf": token, "idem": idem, "category": "",
                                 "memo": "<b>전봇대</b> 아래 폐가구"},
                                [("photo", "x.jpg", b"not a photo at all")])
        r = c.post("/field", body, headers={"Content-Type": ctype})
        self.assertStatus(r, 400)
        self.assertIn('class="alert error"', r.text)
        self.assertEqual(len(self.queue(c)), before)
        body, ctype = multipart({"csrf": token, "idem": idem, "category": "",
                                 "memo": "<b>전봇대</b> 아래 폐가구"})
        self.assertStatus(c.post("/field", body, headers={"Content-Type": ctype}), 303)
        page = c.get("/field").text
        self.assertIn("&lt;b&gt;전봇대&lt;/b&gt;", page)
        self.assertNotIn("<b>전봇대", page)

    def test_field_form_needs_its_token(self):
        c = self.signed_in("field")
        _, idem = self.form_of(c, "/field")
        body, ctype = multipart({"idem": idem, "category": "illegal_ads"})
        self.assertStatus(c.post("/field", body, headers={"Content-Type": ctype}, csrf=False), 403)

    # -- the desk --------------------------------------------------------------

    def desk_file(self, c, expect=303, **over):
        token, idem = self.form_of(c, "/desk")
        fields = {"csrf": token, "idem": idem, "channel": "visit", "phone": "010-3333-4444",
                  "name": "김민원", "text": "창구 방문: 골목 가로등이 꺼졌습니다", "consent": "yes"}
        fields.update(over)
        r = c.post("/desk", urlencode(fields), headers=FORM)
        self.assertStatus(r, expect, r.text[:800])
        return r, fields

    def test_desk_files_for_a_visitor_and_prints_the_receipt(self):
        c = self.signed_in("desk")
        r, fields = self.desk_file(c, channel="phone", text="<script>alert(1)</script> 전화 민원")
        self.assertEqual(r.header("Location"), "/desk/receipt")
        cookie = [v for k, v in r.header_list if k.lower() == "set-cookie" and "mw_desk_receipt=" in v][0]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        receipt, token = harness.desk_last_filing(c)
        self.assertNotIn(receipt, cookie)  # sealed
        self.assertNotIn(token, cookie)
        page = c.get("/desk/receipt")
        self.assertStatus(page, 200)
        self.assertIn(receipt, page.text)
        self.assertIn(token, page.text)
        self.assertIn('class="qr"', page.text)
        self.assertIn("전화 접수", page.text)
        self.assertIn("&lt;script&gt;", page.text)
        self.assertNotIn("<script>alert", page.text)
        self.assertIn("/desk.css", page.text)
        self.assertRegex(page.text, r'<body class="[^"]*\bpaper-a4"')
        self.assertRegex(c.get("/desk/receipt?paper=80").text, r'<body class="[^"]*\bpaper-80"')
        # The same form once more files nothing new.
        again = c.post("/desk", urlencode(fields), headers=FORM)
        self.assertStatus(again, 303)
        self.assertEqual(harness.desk_last_filing(c)[0], receipt)
        item = [i for i in self.queue(c) if i["receipt_no"] == receipt]
        self.assertEqual(len(item), 1)
        self.assertEqual(item[0]["channel"], "phone")
        # The receipt shows only this desk's last filing, from the cookie.
        self.assertEqual(self.anon().get("/desk/receipt").header("Location"), "/staff/login")
        # Sealed for this staff member: the next one at the same PC (here
        # the administrator, with the cookie copied) gets the form.
        other = self.signed_in("admin")
        other.cookies["mw_desk_receipt"] = c.cookies["mw_desk_receipt"]
        self.assertEqual(other.get("/desk/receipt").header("Location"), "/desk")

    def test_desk_lookup_by_phone_is_logged_and_keeps_the_form(self):
        phone = "010-4444-%04d" % (os.getpid() % 10000)
        earlier = self.file(contact={"phone": phone})
        c = self.signed_in("desk")
        token, idem = self.form_of(c, "/desk")
        r = c.post("/desk/lookup", urlencode({"csrf": token, "idem": idem, "phone": phone,
                                              "text": "적던 내용", "channel": "phone"}),
                   headers=FORM)
        self.assertStatus(r, 200)
        self.assertIn(earlier["receipt_no"], r.text)
        self.assertIn('id="lookup-result"', r.text)
        self.assertIn(">적던 내용</textarea>", r.text)
        self.assertIn('value="%s"' % idem, r.text)
        self.assertRegex(r.text, r'id="f-channel-phone" value="phone" checked')
        self.assertRegex(r.text, r'id="f-name"[^>]* autofocus')
        self.assertNotIn(phone, urllib.parse.unquote(r.header("Location") or ""))
        log = self.as_user("auditor").get("/api/v1/access-log", query={"limit": 500}).json()["items"]
        self.assertTrue([e for e in log if e["login"] == "desk" and e["what"] == "lookup_by_phone"])
        # Nothing to look up, or not a phone number: an error on the field.
        for bad in ("", "12"):
            r = c.post("/desk/lookup", urlencode({"csrf": token, "idem": idem, "phone": bad}),
                       headers=FORM)
            self.assertStatus(r, 400)
            self.assertIn('id="e-phone"', r.text)

    def reprint(self, c, form, expect=200):
        """The row's button (POST, → 303) and the receipt page (GET)."""
        r = c.post("/desk/reprint", urlencode(form), headers=FORM)
        self.assertStatus(r, 303, r.text[:600])
        self.assertEqual(r.header("Location"), "/desk/reprint")
        page = c.get("/desk/reprint")
        self.assertStatus(page, expect, page.text[:600])
        return r, page

    def test_desk_reprints_the_receipt_of_an_earlier_filing(self):
        phone = "010-5555-%04d" % (os.getpid() % 10000)
        earlier = self.file(contact={"phone": phone})
        other = self.file(contact={"phone": "010-9999-0000"})
        receipt = earlier["receipt_no"]
        c = self.signed_in("desk")
        token, idem = self.form_of(c, "/desk")
        r = c.post("/desk/lookup", urlencode({"csrf": token, "idem": idem, "phone": phone}),
                   headers=FORM)
        self.assertStatus(r, 200)
        self.assertIn('formaction="/desk/reprint" formnovalidate name="receipt" value="%s"'
                      % receipt, r.text)
        # The button of the row, as the browser sends it: the whole form.
        form = {"csrf": token, "idem": idem, "phone": phone, "channel": "visit", "text": "",
                "receipt": receipt}
        r, page = self.reprint(c, form)
        cookie = [v for k, v in r.header_list
                  if k.lower() == "set-cookie" and v.startswith("mw_desk_reprint=")][0]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        # Sealed: neither the phone nor the receipt number can be read in it.
        value = urllib.parse.unquote(c.cookies["mw_desk_reprint"])
        self.assertNotIn(phone.replace("-", "")[-8:], value.replace("-", ""))
        self.assertNotIn(receipt, value)
        text = page.text
        self.assertIn('id="receipt-no">%s<' % receipt, text)
        self.assertRegex(text, r'id="receipt-due">\d{4}년 \d+월 \d+일')
        self.assertIn('class="qr"', text)
        self.assertIn('id="reprint-note"', text)
        self.assertIn("재발행", text)
        self.assertIn('id="receipt-status"', text)
        self.assertRegex(text, r'<body class="[^"]*\bpaper-a4"')
        self.assertIn("/desk.css", text)
        self.assertIn('href="/desk/reprint?paper=80"', text)
        # No access code: it is kept only as a digest, and none is made.
        self.assertNotIn('id="receipt-token"', text)
        self.assertNotIn(earlier["token"], text)
        self.assertStatus(self.citizen_view(receipt, earlier["token"]), 200)
        # The 80 mm roll, and English, are links like on the new receipt.
        self.assertRegex(c.get("/desk/reprint?paper=80").text, r'<body class="[^"]*\bpaper-80"')
        self.assertIn("(reprint)", c.get("/desk/reprint?lang=en").text)
        c.get("/desk?lang=ko")
        # Every print of it is in the access log with its receipt number.
        log = self.as_user("auditor").get("/api/v1/access-log", query={"limit": 500}).json()["items"]
        mine = [e for e in log if e["login"] == "desk" and e["receipt_no"] == receipt]
        self.assertEqual(len(mine), 3)
        self.assertEqual(mine[0]["what"], "lookup_by_phone")
        self.assertIn("접수증 다시 인쇄", mine[0]["reason"])
        # The new filing's receipt page is untouched by a reprint.
        self.assertEqual(c.get("/desk/receipt").header("Location"), "/desk")
        # The sealed cookie opens for this staff member only.
        admin = self.signed_in("admin")
        admin.cookies["mw_desk_reprint"] = c.cookies["mw_desk_reprint"]
        self.assertEqual(admin.get("/desk/reprint").header("Location"), "/desk")

        # Only a complaint of this phone: else the desk form, the number
        # kept, the error on it, and nothing printed.
        for bad_form in (dict(form, receipt=other["receipt_no"]), dict(form, receipt="2611-x"),
                         dict(form, phone="12")):
            _, page = self.reprint(c, bad_form, expect=400)
            self.assertIn('id="e-phone"', page.text)
            self.assertIn('id="desk-form"', page.text)
            self.assertIn('value="%s"' % bad_form["phone"], page.text)
            self.assertNotIn('id="receipt-no"', page.text)
            self.assertNotIn("mw_desk_reprint", c.cookies)
        r = c.post("/desk/reprint", urlencode(dict(form, receipt="")), headers=FORM)
        self.assertStatus(r, 400)
        self.assertIn('id="e-phone"', r.text)
        self.assertEqual(c.get("/desk/reprint").header("Location"), "/desk")
        self.assertStatus(c.post("/desk/reprint", urlencode({"phone": phone, "receipt": receipt}),
                                 headers=FORM, csrf=False), 403)
        self.assertEqual(self.anon().get("/desk/reprint").header("Location"), "/staff/login")
        # Signing out leaves nothing of the desk's receipts in the browser.
        self.reprint(c, form)
        self.desk_file(c)
        self.assertIn("mw_desk_receipt", c.cookies)
        r = c.post("/staff/logout", urlencode({"csrf": token}), headers=FORM)
        self.assertStatus(r, 303)
        self.assertNotIn("mw_desk_reprint", c.cookies)
        self.assertNotIn("mw_desk_receipt", c.cookies)
        # Who may not look up may not reprint: the field role; an officer
        # finds only the department's complaints.
        field = self.signed_in("field")
        ftoken, _ = self.form_of(field, "/field")
        self.assertStatus(field.post("/desk/reprint", urlencode(dict(form, csrf=ftoken)),
                                     headers=FORM), 403)
        self.assertStatus(field.get("/desk/reprint"), 403)
        officer2 = self.signed_in("officer2")
        otoken, oidem = self.form_of(officer2, "/desk")
        self.reprint(officer2, dict(form, csrf=otoken, idem=oidem), expect=400)

    def test_lookup_by_phone_narrowed_to_one_receipt(self):
        phone = "010-6666-%04d" % (os.getpid() % 10000)
        earlier = self.file(contact={"phone": phone})
        other = self.file(contact={"phone": "010-9999-0001"})
        desk = self.as_user("desk")
        r = desk.get("/api/v1/staff/lookup", query={"phone": phone,
                                                    "receipt": earlier["receipt_no"]})
        self.assertStatus(r, 200)
        self.assertEqual([i["receipt_no"] for i in r.json()["items"]], [earlier["receipt_no"]])
        self.assertError(desk.get("/api/v1/staff/lookup", query={
            "phone": phone, "receipt": other["receipt_no"]}), 404, "not_found")
        for bad in ("", "2611-12", "abc", "2611-000001x"):
            self.assertError(desk.get("/api/v1/staff/lookup", query={
                "phone": phone, "receipt": bad}), 400, "invalid")

    def test_desk_errors_are_tied_to_their_fields(self):
        c = self.signed_in("desk")
        r, _ = self.desk_file(c, expect=400, consent="")
        self.assertIn('id="e-consent"', r.text)
        self.assertIn('id="error-summary"', r.text)
        self.assertIn("창구 방문: 골목 가로등이 꺼졌습니다", r.text)
        r, _ = self.desk_file(c, expect=400, phone="12")
        self.assertIn('id="e-phone"', r.text)
        r, _ = self.desk_file(c, expect=400, text="   ")
        self.assertIn('id="e-text"', r.text)
        self.assertStatus(c.post("/desk", urlencode({"text": "x", "consent": "yes"}),
                                 headers=FORM, csrf=False), 403)


if __name__ == "__main__":
    unittest.main()

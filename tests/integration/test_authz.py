"""
test_authz.py - who may call what: every route of src/api/routes.def,
called by an anonymous client and by a signed-in member of each role,
checked against the matrix below (the HTTP status each cell must get).

Columns: anon, admin, manager (road), officer (road), officer2 (parking),
desk, field, auditor. The shared complaint ("road") belongs to road and was
filed by a citizen on the web; "desk_own" was filed by desk today;
"parking" belongs to parking. Extra rows (route name with a suffix) show
the record-level rules on top of the route permission.
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import complaint_body  # noqa: E402

ROLES = ("anon", "admin", "manager", "officer", "officer2", "desk", "field", "auditor")

# fmt: off
# route name (routes.def)        anon admin mgr  off  off2 desk field aud
MATRIX = {
    "healthz":                  (200, 200, 200, 200, 200, 200, 200, 200),
    "metrics":                  (200, 200, 200, 200, 200, 200, 200, 200),
    "categories":               (200, 200, 200, 200, 200, 200, 200, 200),
    "complaint_create":         (201, 201, 201, 201, 201, 201, 201, 403),
    "complaint_create:visit":   (401, 201, 201, 201, 201, 201, 201, 403),
    "complaint_status":         (200, 200, 200, 200, 200, 200, 200, 200),
    "complaint_message":        (200, 200, 200, 200, 200, 200, 200, 200),
    "complaint_rating":         (200, 200, 200, 200, 200, 200, 200, 200),
    "complaint_withdraw":       (200, 200, 200, 200, 200, 200, 200, 200),
    "attachment_upload":        (201, 201, 201, 201, 201, 201, 201, 201),
    "attachment_public":        (200, 200, 200, 200, 200, 200, 200, 200),
    "session_login":            (200, 200, 200, 200, 200, 200, 200, 200),
    "session_get":              (401, 200, 200, 200, 200, 200, 200, 200),
    "session_logout":           (401, 204, 204, 204, 204, 204, 204, 204),
    "queue":                    (401, 200, 200, 200, 200, 200, 200, 403),
    "staff_complaint":          (401, 200, 200, 200, 403, 403, 403, 403),
    "staff_complaint:desk_own": (401, 200, 403, 403, 403, 200, 403, 403),
    "staff_complaint:parking":  (401, 200, 403, 403, 200, 403, 403, 403),
    "staff_complaint:reveal":   (401, 200, 200, 200, 403, 403, 403, 403),
    "staff_action":             (401, 200, 200, 200, 403, 403, 403, 403),
    "staff_action:assign":      (401, 200, 200, 403, 403, 403, 403, 403),
    "staff_action:parking":     (401, 200, 403, 403, 200, 403, 403, 403),
    "attachment_staff":         (401, 200, 200, 200, 403, 403, 403, 403),
    "templates":                (401, 200, 200, 200, 200, 403, 403, 403),
    "template_put":             (401, 201, 201, 403, 403, 403, 403, 403),
    "template_put:general":     (401, 201, 403, 403, 403, 403, 403, 403),
    "template_put:parking":     (401, 201, 403, 403, 403, 403, 403, 403),
    "template_delete":          (401, 200, 200, 403, 403, 403, 403, 403),
    "staff_lookup":             (401, 200, 200, 200, 200, 200, 403, 403),
    "complaint_similar":        (200, 200, 200, 200, 200, 200, 200, 200),
    "public_map":               (200, 200, 200, 200, 200, 200, 200, 200),
    "complaint_classify":       (200, 200, 200, 200, 200, 200, 200, 200),
    "complaint_support":        (201, 201, 201, 201, 201, 201, 201, 201),
    "track_code":               (202, 202, 202, 202, 202, 202, 202, 202),
    "track_verify":             (400, 400, 400, 400, 400, 400, 400, 400),
    "staff_similar":            (401, 200, 200, 200, 403, 403, 403, 403),
    "chat":                     (200, 200, 200, 200, 200, 200, 200, 200),
    "chat_transcript":          (200, 200, 200, 200, 200, 200, 200, 200),
    "chat_rating":              (200, 200, 200, 200, 200, 200, 200, 200),
    "chat_photo":               (409, 409, 409, 409, 409, 409, 409, 409),
    "counsel_queue":            (401, 200, 200, 200, 200, 200, 403, 403),
    "counsel_get":              (401, 200, 200, 200, 200, 200, 403, 403),
    "counsel_reply":            (401, 200, 200, 200, 200, 200, 403, 403),
    "staff_departments":        (401, 200, 200, 200, 200, 200, 200, 200),
    "staff_assignees":          (401, 200, 200, 403, 403, 403, 403, 403),
    "staff_assignees:parking":  (401, 200, 403, 403, 403, 403, 403, 403),
    "staff_stats":              (401, 200, 200, 403, 403, 403, 403, 403),
    "access_log":               (401, 403, 403, 403, 403, 403, 403, 200),
    "admin_log":                (401, 403, 403, 403, 403, 403, 403, 200),
    "admin_users":              (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_user_put":           (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_departments":        (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_department_put":     (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_category_put":       (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_holidays":           (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_holiday_put":        (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_holiday_delete":     (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_categories":         (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_category_delete":    (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_department_delete":  (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_faq":                (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_faq_put":            (401, 201, 403, 403, 403, 403, 403, 403),
    "admin_faq_delete":         (401, 200, 403, 403, 403, 403, 403, 403),
    # Only a server with a test clock has a clock to move (test_notify.py).
    "admin_clock":              (401, 404, 403, 403, 403, 403, 403, 403),
    # A field session has no inbox (a phone kept signed in must not show its
    # owner's notices), and a field worker always signs in with one.
    "staff_inbox":              (401, 200, 200, 200, 200, 200, 403, 200),
    "staff_inbox_read":         (401, 200, 200, 200, 200, 200, 403, 200),
    "admin_notify_templates":   (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_notify_template_put": (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_outbox":             (401, 200, 403, 403, 403, 403, 403, 403),
    # No dead letter to retry: refused as a conflict, after the role check.
    "admin_outbox_retry":       (401, 409, 403, 403, 403, 403, 403, 403),
    "admin_reminders":          (401, 200, 403, 403, 403, 403, 403, 403),
    "admin_monitor_scan":       (401, 200, 403, 403, 403, 403, 403, 403),
}
# fmt: on

ROUTES_DEF = os.path.join(harness.REPO, "src", "api", "routes.def")
JPEG = os.path.join(harness.FIXTURES, "media", "nogps.jpg")


def routes_in_def():
    """[(method, pattern, name)] from routes.def."""
    out = []
    with open(ROUTES_DEF, encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\s*MW_ROUTE\(\s*(\w+)\s*,\s*"([^"]+)".*"(\w+)"\)\s*$', line)
            if m:
                out.append(m.groups())
    return out


class AuthzMatrixTest(harness.ServerTestCase, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer_c = cls.as_user("officer")
        for login in ROLES[1:]:
            cls.as_user(login)
        with open(JPEG, "rb") as f:
            cls.jpeg = f.read()

    # -- fixtures ---------------------------------------------------------

    def new_complaint(self, client=None, **over):
        r = (client or self.anon()).post("/api/v1/complaints", complaint_body(**over))
        self.assertStatus(r, 201)
        return r.json()

    def staff_id(self, receipt):
        return self.as_user("admin").staff_view(receipt).json()["id"]

    def answered_complaint(self):
        c = self.new_complaint()
        self.assertStatus(self.officer_c.action(c["receipt_no"], "start"), 200)
        self.assertStatus(self.officer_c.action(c["receipt_no"], "answer", text="처리 완료"), 200)
        return c

    def admin_made(self, area, body, key):
        """Adds a record as the admin (for a delete cell) and returns its key."""
        self.assertStatus(self.as_user("admin").post("/api/v1/admin/" + area, body), 200)
        return body[key]

    def upload(self, client, c):
        return client.post("/api/v1/complaints/%s/attachments" % c["receipt_no"], self.jpeg,
                           headers={"Content-Type": "image/jpeg"},
                           query={"token": c["token"]})

    def client_for(self, role, fresh=False):
        if role == "anon":
            return self.anon()
        if fresh:
            return self.srv.client(role)
        return self.as_user(role)

    # -- the matrix -----------------------------------------------------

    def staff_chat_id(self, chat):
        """The counsellor-queue id of a handed-off conversation."""
        items = self.as_user("admin").get("/api/v1/staff/counsel").json()["items"]
        self.assertTrue(items, "the hand-off did not reach the counsellor queue: %r" % chat)
        return items[-1]["id"]

    def cells(self):
        """route label -> function(role) -> Response."""
        road = self.new_complaint(contact={"name": "권한표", "phone": "010-7777-1212"})
        att = self.upload(self.anon(), road)
        self.assertStatus(att, 201)
        att_id = att.json()["id"]
        road_id = self.staff_id(road["receipt_no"])
        uploads = self.new_complaint()
        desk_own = self.new_complaint(self.as_user("desk"), channel="visit", category="noise")
        parking = self.new_complaint(category="illegal_parking")
        rn, tok = road["receipt_no"], road["token"]
        seq = iter(range(10**6))

        def status_path(c):
            return "/api/v1/complaints/%s" % c["receipt_no"]

        # A conversation handed to a person (this server has no FAQ), for
        # the chat and counsellor cells.
        chat = self.anon().post("/api/v1/chat", {"text": "담당자 연결 부탁드립니다"}).json()
        waiting = self.staff_chat_id(chat)

        return {
            "complaint_classify": lambda role, c: c.get(
                "/api/v1/complaints/classify", query={"text": "보도블록 파손"}),
            "complaint_similar": lambda role, c: c.get(
                "/api/v1/complaints/similar", query={"lat": "37.5", "lon": "127.0",
                                                     "text": "보도블록 파손"}),
            "public_map": lambda role, c: c.get("/api/v1/map", query={"limit": "5"}),
            "templates": lambda role, c: c.get("/api/v1/staff/templates",
                                               query={"category": "road_damage"}),
            "template_put": lambda role, c: c.post("/api/v1/staff/templates", {
                "category": "road_damage", "title": "보수 완료 %d" % next(seq),
                "body": "요청하신 도로를 보수했습니다."}),
            "template_put:general": lambda role, c: c.post("/api/v1/staff/templates", {
                "title": "일반 %d" % next(seq), "body": "감사합니다."}),
            "template_put:parking": lambda role, c: c.post("/api/v1/staff/templates", {
                "category": "illegal_parking", "title": "단속 %d" % next(seq),
                "body": "단속했습니다."}),
            "template_delete": lambda role, c: c.delete(
                "/api/v1/staff/templates/%d" % self.as_user("admin").post(
                    "/api/v1/staff/templates", {"category": "road_damage", "title": "삭제용",
                                                "body": "x"}).json()["id"]),
            "complaint_support": lambda role, c: c.post(
                "/api/v1/complaints/%s/support" % rn,
                {"phone": "010-5%03d-%04d" % (next(seq) % 1000, next(seq) % 10000)}),
            # Public, and the same for everyone: a complaint of its own per
            # cell keeps the per-receipt rate limit out of the way; no code
            # was asked for the road complaint, so verify is 400 no_code.
            "track_code": lambda role, c: c.post("/api/v1/track/code", {
                "receipt_no": self.new_complaint(contact={"phone": "010-7777-1313"})["receipt_no"],
                "phone": "010-7777-1313"}),
            "track_verify": lambda role, c: c.post("/api/v1/track/verify", {
                "receipt_no": rn, "phone": "010-7777-1212", "code": "000000"}),
            "staff_similar": lambda role, c: c.get("/api/v1/staff/complaints/%s/similar" % rn),
            "chat": lambda role, c: c.post("/api/v1/chat", {"text": "안녕하세요"}),
            "chat_transcript": lambda role, c: c.get("/api/v1/chat",
                                                     query={"session": chat["session"]}),
            "chat_rating": lambda role, c: c.post("/api/v1/chat/rating", {
                "session": chat["session"], "message_id": chat["message_id"],
                "helpful": role != "anon"}),
            "chat_photo": lambda role, c: c.post(
                "/api/v1/chat/photo", b"\x89PNG\r\n\x1a\n", query={"session": chat["session"]},
                headers={"Content-Type": "image/png"}),
            "counsel_queue": lambda role, c: c.get("/api/v1/staff/counsel"),
            "counsel_get": lambda role, c: c.get("/api/v1/staff/counsel/%d" % waiting),
            "counsel_reply": lambda role, c: c.post("/api/v1/staff/counsel/%d/reply" % waiting, {
                "text": "확인 중입니다 (%s)" % role, "close": False}),
            "healthz": lambda role, c: c.get("/healthz"),
            "metrics": lambda role, c: c.get("/metrics"),
            "categories": lambda role, c: c.get("/api/v1/categories"),
            "complaint_create": lambda role, c: c.post("/api/v1/complaints", complaint_body()),
            "complaint_create:visit": lambda role, c: c.post(
                "/api/v1/complaints", complaint_body(channel="visit")),
            "complaint_status": lambda role, c: c.get(status_path(road), query={"token": tok}),
            "complaint_message": lambda role, c: c.post(
                status_path(road) + "/messages", {"text": "추가 정보 (%s)" % role, "token": tok}),
            "complaint_rating": lambda role, c: (lambda a: c.post(
                status_path(a) + "/rating", {"rating": 4, "token": a["token"]}))(
                    self.answered_complaint()),
            "complaint_withdraw": lambda role, c: (lambda a: c.post(
                status_path(a) + "/withdraw", {"reason": "해결됨", "token": a["token"]}))(
                    self.new_complaint()),
            "attachment_upload": lambda role, c: self.upload(c, uploads),
            "attachment_public": lambda role, c: c.get(
                status_path(road) + "/attachments/%d" % att_id, query={"token": tok}),
            "session_login": lambda role, c: harness.Client(self.srv.port).post(
                "/api/v1/session", {"login": "desk", "password": harness.PASSWORD},
                headers=({"Cookie": "; ".join("%s=%s" % kv for kv in c.cookies.items())}
                         if c.cookies else None)),
            "session_get": lambda role, c: c.get("/api/v1/session"),
            "session_logout": lambda role, c: c.delete("/api/v1/session"),
            "queue": lambda role, c: c.get("/api/v1/queue"),
            "staff_complaint": lambda role, c: c.staff_view(rn),
            "staff_complaint:desk_own": lambda role, c: c.staff_view(desk_own["receipt_no"]),
            "staff_complaint:parking": lambda role, c: c.staff_view(parking["receipt_no"]),
            "staff_complaint:reveal": lambda role, c: c.staff_view(rn, reveal="1",
                                                                   reason="권한 확인"),
            "staff_action": lambda role, c: c.action(rn, "note", text="메모 (%s)" % role),
            "staff_action:assign": lambda role, c: c.action(
                self.new_complaint()["receipt_no"], "assign", assignee="officer"),
            "staff_action:parking": lambda role, c: c.action(
                parking["receipt_no"], "note", text="주차 메모 (%s)" % role),
            "attachment_staff": lambda role, c: c.get(
                "/api/v1/staff/complaints/%d/attachments/%d" % (road_id, att_id)),
            "staff_lookup": lambda role, c: c.get("/api/v1/staff/lookup",
                                                  query={"phone": "01077771212"}),
            "staff_departments": lambda role, c: c.get("/api/v1/staff/departments"),
            "staff_assignees": lambda role, c: c.get("/api/v1/staff/assignees",
                                                     query={"department": "road"}),
            "staff_assignees:parking": lambda role, c: c.get("/api/v1/staff/assignees",
                                                             query={"department": "parking"}),
            "staff_stats": lambda role, c: c.get("/api/v1/staff/stats"),
            "access_log": lambda role, c: c.get("/api/v1/access-log"),
            "admin_log": lambda role, c: c.get("/api/v1/admin-log"),
            "admin_users": lambda role, c: c.get("/api/v1/admin/users"),
            "admin_user_put": lambda role, c: c.post("/api/v1/admin/users", {
                "login": "matrix%d" % next(seq), "role": "desk",
                "password": harness.PASSWORD}),
            "admin_departments": lambda role, c: c.get("/api/v1/admin/departments"),
            "admin_department_put": lambda role, c: c.post("/api/v1/admin/departments", {
                "code": "matrix%d" % next(seq), "name_ko": "권한시험과"}),
            "admin_category_put": lambda role, c: c.post("/api/v1/admin/categories", {
                "code": "matrix%d" % next(seq), "name_ko": "권한시험", "department": "road",
                "period": "7d"}),
            "admin_holidays": lambda role, c: c.get("/api/v1/admin/holidays"),
            "admin_holiday_put": lambda role, c: c.post("/api/v1/admin/holidays", {
                "date": "2199-12-%02d" % (1 + next(seq) % 28), "name": "권한시험일"}),
            "admin_holiday_delete": lambda role, c: c.delete(
                "/api/v1/admin/holidays/%s" % self.admin_made("holidays", {
                    "date": "2198-12-%02d" % (1 + next(seq) % 28), "name": "삭제용"}, "date")),
            "admin_categories": lambda role, c: c.get("/api/v1/admin/categories"),
            "admin_category_delete": lambda role, c: c.delete(
                "/api/v1/admin/categories/%s" % self.admin_made("categories", {
                    "code": "del%d" % next(seq), "name_ko": "삭제용", "department": "road",
                    "period": "7d"}, "code")),
            "admin_department_delete": lambda role, c: c.delete(
                "/api/v1/admin/departments/%s" % self.admin_made("departments", {
                    "code": "del%d" % next(seq), "name_ko": "삭제용"}, "code")),
            "admin_faq": lambda role, c: c.get("/api/v1/admin/faq"),
            "admin_faq_put": lambda role, c: c.post("/api/v1/admin/faq", {
                "question": "권한시험 질문 %d" % next(seq), "answer": "권한시험 답변"}),
            "admin_faq_delete": lambda role, c: c.delete(
                "/api/v1/admin/faq/%s" % self.as_user("admin").post("/api/v1/admin/faq", {
                    "question": "삭제용 질문", "answer": "삭제용 답변"}).json()["id"]),
            "admin_clock": lambda role, c: c.post("/api/v1/admin/clock", {"advance": 1}),
            "staff_inbox": lambda role, c: c.get("/api/v1/staff/inbox"),
            "staff_inbox_read": lambda role, c: c.post("/api/v1/staff/inbox/read", {"all": True}),
            "admin_notify_templates": lambda role, c: c.get("/api/v1/admin/notify/templates"),
            "admin_notify_template_put": lambda role, c: c.post(
                "/api/v1/admin/notify/templates", {"kind": "test", "channel": "text",
                                                   "lang": "en", "body": "[{{office}}] test"}),
            "admin_outbox": lambda role, c: c.get("/api/v1/admin/notify/outbox"),
            "admin_outbox_retry": lambda role, c: c.post("/api/v1/admin/notify/outbox/1/retry", {}),
            "admin_reminders": lambda role, c: c.get("/api/v1/admin/notify/reminders"),
            "admin_monitor_scan": lambda role, c: c.post("/api/v1/admin/notify/scan", {}),
        }

    def test_matrix_covers_every_route(self):
        names = [name for _, _, name in routes_in_def()]
        self.assertEqual(len(names), len(set(names)), "two routes share a metrics name")
        base = {label.split(":")[0] for label in MATRIX}
        self.assertEqual(set(names) - base, set(), "routes missing from MATRIX")
        self.assertEqual(base - set(names), set(), "MATRIX names routes that do not exist")
        self.assertEqual(set(self.cells_labels()), set(MATRIX))

    @staticmethod
    def cells_labels():
        return list(MATRIX)

    def test_matrix(self):
        cells = self.cells()
        actual, bad = {}, []
        for label, expected in MATRIX.items():
            fn = cells[label]
            row = []
            for role, want in zip(ROLES, expected):
                fresh = label in ("session_logout",)
                c = self.client_for(role, fresh=fresh)
                r = fn(role, c)
                row.append(r.status)
                if r.status != want:
                    bad.append("%s as %s: want %d, got %r" % (label, role, want, r))
                elif r.status >= 400:
                    # Every refusal is a JSON error, 401 vs 403 by sign-in.
                    err = self.assertErrorBody(r)
                    if r.status == 401:
                        self.assertEqual(err["code"], "unauthorized", "%s %s" % (label, role))
                    if r.status == 403:
                        self.assertEqual(err["code"], "forbidden", "%s %s" % (label, role))
            actual[label] = tuple(row)
        if bad:
            lines = ["%-26s %s" % ("", " ".join("%8s" % r for r in ROLES))]
            for label, row in actual.items():
                marks = " ".join("%8s" % ("%d%s" % (got, "" if got == want else "!=%d" % want))
                                 for got, want in zip(row, MATRIX[label]))
                lines.append("%-26s %s" % (label, marks))
            self.fail("authorisation matrix mismatches:\n" + "\n".join(bad) + "\n\n"
                      + "\n".join(lines))
        # The shared sessions survived (no cell logged them out).
        for role in ROLES[1:]:
            self.assertStatus(self.as_user(role).get("/api/v1/session"), 200)

    def test_session_of_a_disabled_user_is_refused(self):
        admin = self.as_user("admin")
        r = admin.post("/api/v1/admin/users", {"login": "tempdesk", "role": "desk",
                                               "password": harness.PASSWORD})
        self.assertStatus(r, 200)
        c = self.srv.client("tempdesk")
        self.assertStatus(c.get("/api/v1/queue"), 200)
        r = admin.post("/api/v1/admin/users", {"login": "tempdesk", "role": "desk",
                                               "disabled": True})
        self.assertStatus(r, 200)
        self.assertError(c.get("/api/v1/queue"), 401, "unauthorized")
        self.assertError(self.anon().sign_in("tempdesk"), 401, "unauthorized")

    def test_role_change_applies_at_once(self):
        admin = self.as_user("admin")
        self.assertStatus(admin.post("/api/v1/admin/users", {
            "login": "shifty", "role": "manager", "department": "road",
            "password": harness.PASSWORD}), 200)
        c = self.srv.client("shifty")
        self.assertStatus(c.get("/api/v1/staff/stats"), 200)
        self.assertStatus(admin.post("/api/v1/admin/users", {
            "login": "shifty", "role": "field"}), 200)
        self.assertError(c.get("/api/v1/staff/stats"), 403, "forbidden")

    def test_admin_input_checks(self):
        admin = self.as_user("admin")
        self.assertError(admin.post("/api/v1/admin/users", {
            "login": "weak", "role": "desk", "password": "short"}), 400, "weak_password")
        self.assertError(admin.post("/api/v1/admin/users", {
            "login": "noden", "role": "officer", "password": harness.PASSWORD}), 400, "invalid")
        self.assertError(admin.post("/api/v1/admin/users", {
            "login": "X", "role": "desk", "password": harness.PASSWORD}), 400, "invalid")
        self.assertError(admin.post("/api/v1/admin/users", {
            "login": "rolex", "role": "king", "password": harness.PASSWORD}), 400, "invalid")
        self.assertError(admin.post("/api/v1/admin/categories", {
            "code": "cat_x", "name_ko": "x", "department": "nowhere", "period": "7d"}),
            400, "invalid")
        self.assertError(admin.post("/api/v1/admin/categories", {
            "code": "cat_y", "name_ko": "y", "department": "road", "period": "7 days"}),
            400, "invalid")
        self.assertError(admin.post("/api/v1/admin/holidays", {
            "date": "2025-02-30", "name": "없는 날"}), 400, "invalid")


if __name__ == "__main__":
    unittest.main()

"""
test_nlp.py - AI routing, duplicates and the counselling chatbot, end to end
(issue #3): train a model on the shared bench data with `minwon nlp train`,
import the bench FAQ with `minwon faq import`, serve with `--model`, then

  * file complaints without a category and check where they are routed
    (category, department, urgent flag, alert/triage/repeat events, the
    urgent array at the top of the department's queue);
  * staff correct a triage complaint (recategorize);
  * duplicate hints for citizens (/complaints/similar) and staff
    (/staff/complaints/{id}/similar), then a merge;
  * walk the chatbot through its three outcomes (faq, report -> filed
    complaint, human -> counsellor queue -> staff reply), ratings and bad
    input, and who may use the counsellor queue;
  * the same conversation in English (lang=en): the bot's own words in
    English, an FAQ entry's English answer or the Korean one with a note,
    English text handed to a person, the language kept by the session;
  * SIGHUP reloads the model and the FAQ while serving.

The bench data (complaints.jsonl, faq.jsonl) is read from MINWON_BENCH_DIR or
<repo>/../shared/bench; without it the tests are skipped. Every complaint and
chat text below is written here for the test (none is copied from the bench).
"""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import DROP, complaint_body, parse_kst  # noqa: E402

KST = datetime.timezone(datetime.timedelta(hours=9))

BENCH = os.path.abspath(os.environ.get("MINWON_BENCH_DIR")
                        or os.path.join(harness.REPO, "..", "shared", "bench"))
BENCH_COMPLAINTS = os.path.join(BENCH, "complaints.jsonl")
BENCH_FAQ = os.path.join(BENCH, "faq.jsonl")

# The harness users plus people of the departments urgent complaints go to.
USERS = dict(harness.USERS)
USERS.update({
    "safety_officer": ("officer", "safety"),
    "fac_manager": ("manager", "facilities"),
})

TRIAGE_THRESHOLD = 0.6      # the server's default --triage-threshold


def unique_phone():
    n = uuid.uuid4().int % 10**7
    return "010-7%03d-%04d" % (n // 10**4, n % 10**4)


def body(text, **over):
    """A citizen complaint WITHOUT category (the AI decides), with a contact
    phone of its own so that no complaint looks like another's 반복민원."""
    b = dict(title=DROP, category=DROP, text=text,
             contact={"name": "시민", "phone": unique_phone()})
    b.update(over)
    return complaint_body(**b)


class NlpTest(harness.ServerTestCase, unittest.TestCase):
    """One server for the module: training and FAQ import happen once."""

    @classmethod
    def setUpClass(cls):
        if not os.path.isfile(BENCH_COMPLAINTS) or not os.path.isfile(BENCH_FAQ):
            raise unittest.SkipTest(
                "no bench data: %s or %s is missing (set MINWON_BENCH_DIR to the directory "
                "holding complaints.jsonl and faq.jsonl)" % (BENCH_COMPLAINTS, BENCH_FAQ))
        cls.clients = {}
        srv = harness.Server(users=USERS)
        try:
            cls.model = os.path.join(srv.dir, "routing.model")
            p = subprocess.run([harness.BIN, "nlp", "train", "--data", BENCH_COMPLAINTS,
                                "--out", cls.model],
                               capture_output=True, text=True, timeout=harness.timeout(120))
            if p.returncode != 0:
                raise AssertionError("minwon nlp train exited %d:\n%s%s"
                                     % (p.returncode, p.stdout, p.stderr))
            if not os.path.isfile(cls.model) or os.path.getsize(cls.model) == 0:
                raise AssertionError("minwon nlp train exited 0 but wrote no model at %s"
                                     % cls.model)
            out = srv._cli("faq", "import", BENCH_FAQ, "--db", srv.db)
            with open(BENCH_FAQ, encoding="utf-8") as f:
                cls.faq = {e["id"]: e for e in (json.loads(line) for line in f if line.strip())}
            if "imported %d " % len(cls.faq) not in out:
                raise AssertionError("faq import said %r for %d entries" % (out, len(cls.faq)))
            srv.extra_args += ["--model", cls.model]
            srv.start()
        except BaseException:
            srv.cleanup()
            raise
        cls.srv = srv
        r = srv.client().get("/api/v1/categories")
        if r.status != 200:
            srv.finish()
            raise AssertionError("GET /api/v1/categories: %r" % r)
        cls.cat_dept = {c["code"]: c["department"] for c in r.json()["items"]}

    # -- helpers -------------------------------------------------------------

    @property
    def admin(self):
        return self.as_user("admin")

    def file_text(self, text, expect=201, **over):
        r = self.anon().post("/api/v1/complaints", body(text, **over))
        self.assertEqual(r.status, expect, "%s -> %r" % (text, r))
        return r.json()

    def timeline(self, receipt, who="admin"):
        r = self.as_user(who).staff_view(receipt)
        self.assertStatus(r, 200)
        return r.json()["timeline"]

    def kinds(self, receipt):
        return [e["kind"] for e in self.timeline(receipt)]

    def assertRouted(self, j, category):
        self.assertEqual(j["category"], category, repr(j))
        self.assertNotEqual(j["category"], "triage")
        self.assertEqual(j["department"], self.cat_dept[category], repr(j))
        self.assertTrue(j["department_name"], repr(j))
        self.assertIs(j["urgent"], False, repr(j))
        self.assertNotIn("triage", self.kinds(j["receipt_no"]))
        self.assertNotIn("alert", self.kinds(j["receipt_no"]))

    def chat(self, text, session=None, expect=200, **extra):
        b = {"text": text}
        if session:
            b["session"] = session
        b.update(extra)
        r = self.anon().post("/api/v1/chat", b)
        self.assertEqual(r.status, expect, "chat %r -> %r" % (text, r))
        return r.json()

    def queue(self, client, **query):
        r = client.get("/api/v1/queue", query=query or None)
        self.assertStatus(r, 200)
        return r.json()

    # -- routing at intake ---------------------------------------------------

    def test_routing_streetlight(self):
        j = self.file_text("저희 골목 가로등이 일주일 넘게 불이 안 들어와서 밤에 너무 깜깜합니다. "
                           "전구 좀 갈아 주세요.")
        self.assertRouted(j, "streetlight")

    def test_routing_illegal_parking(self):
        j = self.file_text("아파트 후문 소화전 바로 앞에 흰색 승합차가 사흘째 불법 주차되어 있습니다. "
                           "견인이나 단속 부탁드립니다.")
        self.assertRouted(j, "illegal_parking")

    def test_routing_noise(self):
        j = self.file_text("건물 1층 술집에서 새벽 세 시까지 스피커로 음악을 크게 틀어서 소음 때문에 "
                           "잠을 잘 수가 없어요. 단속해 주세요.")
        self.assertRouted(j, "noise")

    def test_urgent_sinkhole_alert_and_queue_top(self):
        t0 = datetime.datetime.now(KST)
        j = self.file_text("사거리 횡단보도 옆 차도에 갑자기 싱크홀이 생겼어요. 지름이 1미터쯤 되고 "
                           "계속 커지고 있어서 차가 빠질 것 같습니다. 빨리 와 주세요!")
        rn = j["receipt_no"]
        self.assertIs(j["urgent"], True, repr(j))
        self.assertEqual(j["category"], "safety_hazard", repr(j))
        self.assertEqual(j["department"], self.cat_dept["safety_hazard"])
        # The alert is an internal event of the staff timeline, by "system",
        # naming the department; the citizen does not see it.
        alerts = [e for e in self.timeline(rn) if e["kind"] == "alert"]
        self.assertEqual(len(alerts), 1, self.timeline(rn))
        self.assertEqual(alerts[0]["actor"], "system")
        self.assertIs(alerts[0]["public"], False)
        self.assertEqual(alerts[0]["detail"], j["department"])
        self.assertEqual(alerts[0]["label"], "긴급 알림")
        self.assertGreaterEqual(parse_kst(alerts[0]["at"]), t0 - datetime.timedelta(seconds=2))
        cv = self.citizen_view(rn, j["token"]).json()
        self.assertIs(cv["urgent"], True)
        self.assertEqual([e["kind"] for e in cv["timeline"]], ["received"])
        # Top of the department's queue: the first page of its unfiltered
        # queue has it in "urgent", for the admin and for its own officer.
        for who, query in (("admin", {"department": j["department"]}),
                           ("safety_officer", {})):
            q = self.queue(self.as_user(who), **query)
            self.assertIn("urgent", q, "%s: %r" % (who, q))
            urgent = {i["receipt_no"]: i for i in q["urgent"]}
            self.assertIn(rn, urgent, "%s: %r" % (who, q))
            self.assertIs(urgent[rn]["urgent"], True)
            self.assertEqual(urgent[rn]["department"], j["department"])
            self.assertTrue(all(i["urgent"] for i in q["urgent"]), q)
        # Another department's officer does not get it.
        q = self.queue(self.as_user("officer"))
        self.assertNotIn(rn, [i["receipt_no"] for i in q.get("urgent", [])])
        self.assertNotIn(rn, [i["receipt_no"] for i in q["items"]])
        # A filtered page is a plain list: nothing outside the filter.
        q = self.queue(self.as_user("admin"), department=j["department"], status="any")
        self.assertNotIn("urgent", q)
        q = self.queue(self.as_user("admin"), department=j["department"], category="noise")
        self.assertTrue(all(i["category"] == "noise" for i in q["items"]), q)
        self.assertNotIn(rn, [i["receipt_no"] for i in q.get("urgent", [])],
                         "queue?category=noise lists a safety_hazard complaint in urgent: %r" % q)

    def test_urgent_gas_smell(self):
        j = self.file_text("주택가 골목 전체에 도시가스 냄새가 진동을 합니다. 어디서 새는 것 같은데 "
                           "불이라도 붙을까 봐 무서워요. 급합니다.")
        self.assertIs(j["urgent"], True, repr(j))
        self.assertIn("alert", self.kinds(j["receipt_no"]))

    def test_not_urgent_has_no_alert(self):
        j = self.file_text("공원 벤치 페인트가 벗겨져서 보기 흉합니다. 시간 나실 때 다시 칠해 주세요.")
        self.assertIs(j["urgent"], False, repr(j))
        self.assertNotIn("alert", self.kinds(j["receipt_no"]))

    def test_meaningless_text_goes_to_triage(self):
        j = self.file_text("안녕하세요 ㅎㅎ")
        self.assertEqual(j["category"], "triage", repr(j))
        self.assertEqual(j["department"], "triage", repr(j))
        self.assertIs(j["urgent"], False)
        # The triage event says what the model thought and how unsure it was.
        ev = [e for e in self.timeline(j["receipt_no"]) if e["kind"] == "triage"]
        self.assertEqual(len(ev), 1, self.timeline(j["receipt_no"]))
        self.assertEqual(ev[0]["actor"], "system")
        self.assertIs(ev[0]["public"], False)
        guess, conf = ev[0]["detail"].split()
        self.assertIn(guess, self.cat_dept)
        self.assertLess(float(conf), TRIAGE_THRESHOLD)

    def test_given_category_is_kept(self):
        # A streetlight text filed by a citizen as road damage stays road damage.
        b = body("가로등이 꺼져서 밤길이 어둡습니다. 불 좀 켜 주세요.", category="road_damage")
        r = self.anon().post("/api/v1/complaints", b)
        self.assertStatus(r, 201)
        j = r.json()
        self.assertEqual(j["category"], "road_damage")
        self.assertEqual(j["department"], self.cat_dept["road_damage"])
        self.assertNotIn("triage", self.kinds(j["receipt_no"]))

    def test_given_category_still_flags_danger(self):
        # Issue #3: "intake classifies each complaint ... urgent ones go to the
        # top of the department's queue and raise an alert event". A citizen
        # who picks a category on the form must not lose the danger flag.
        b = body("아파트 옹벽에 금이 크게 가고 흙이 계속 쏟아져 내려요. 당장 무너질 것 같아요. "
                 "밑으로 아이들이 지나다닙니다.", category="safety_hazard")
        r = self.anon().post("/api/v1/complaints", b)
        self.assertStatus(r, 201)
        j = r.json()
        self.assertEqual(j["category"], "safety_hazard")
        self.assertIs(j["urgent"], True, "a danger filed with a category is not flagged: %r" % j)
        self.assertIn("alert", self.kinds(j["receipt_no"]))

    def test_idempotent_replay_keeps_routing(self):
        b = body("교차로 신호등이 고장 나서 계속 빨간불만 켜져 있어요. 차들이 신호를 무시하고 "
                 "지나갑니다.")
        key = harness.new_key()
        r1 = self.anon().post("/api/v1/complaints", b, headers={"Idempotency-Key": key})
        r2 = self.anon().post("/api/v1/complaints", b, headers={"Idempotency-Key": key})
        self.assertStatus(r1, 201)
        self.assertStatus(r2, 201)
        self.assertEqual(r2.header("Idempotent-Replayed"), "true")
        for k in ("receipt_no", "category", "department", "urgent"):
            self.assertEqual(r1.json()[k], r2.json()[k], k)

    # -- staff correction ------------------------------------------------------

    def test_staff_recategorizes_triage(self):
        j = self.file_text("안녕하세요 ㅎㅎ 수고 많으십니다")
        rn = j["receipt_no"]
        self.assertEqual(j["category"], "triage", repr(j))
        r = self.admin.action(rn, "recategorize", category="illegal_ads")
        self.assertStatus(r, 200)
        a = r.json()
        self.assertEqual(a["department"], self.cat_dept["illegal_ads"])
        v = self.admin.staff_view(rn).json()
        self.assertEqual(v["category"], "illegal_ads")
        self.assertEqual(v["department"], self.cat_dept["illegal_ads"])
        ev = [e for e in v["timeline"] if e["kind"] == "recategorize"]
        self.assertEqual(len(ev), 1)
        self.assertEqual(ev[0]["actor"], "admin")
        self.assertEqual(ev[0]["detail"], "illegal_ads")
        # The triage event stays: what the model said is kept next to the fix.
        self.assertIn("triage", [e["kind"] for e in v["timeline"]])

    # -- duplicates ------------------------------------------------------------

    def test_similar_and_merge(self):
        lat, lon = 37.54321, 127.07654
        name, phone = "박중복" + uuid.uuid4().hex[:4], unique_phone()
        first = self.anon().post("/api/v1/complaints", body(
            "어린이공원 입구 앞 보도블록 여러 장이 들떠서 걸려 넘어질 뻔했습니다. 보수해 주세요.",
            lat=lat, lon=lon, contact={"name": name, "phone": phone},
            consent={"privacy": True, "public_map": False}))
        self.assertStatus(first, 201)
        first = first.json()
        # Same place, unrelated text: must not be offered as a duplicate.
        other = self.file_text("옆 상가 간판 조명이 밤새 번쩍거려서 잠을 못 자겠어요.",
                               lat=lat, lon=lon)
        anon = self.anon()
        q = {"lat": "%.6f" % lat, "lon": "%.6f" % lon,
             "text": "어린이공원 입구 보도블록이 들떠 있어서 위험해요"}
        r = anon.get("/api/v1/complaints/similar", query=q)
        self.assertStatus(r, 200)
        items = r.json()["items"]
        self.assertEqual([i["receipt_no"] for i in items], [first["receipt_no"]], items)
        hit = items[0]
        self.assertEqual(hit["category"], first["category"])
        self.assertEqual(hit["status"], "received")
        self.assertLessEqual(hit["distance_m"], 100)
        self.assertGreater(hit["similarity"], 0)
        self.assertLessEqual(hit["similarity"], 1)
        self.assertIsNone(hit["title"])          # no public_map consent: no title
        for k in ("token", "contact", "text", "id"):
            self.assertNotIn(k, hit)
        raw = r.body.decode("utf-8")
        for secret in (name, phone, phone.replace("-", ""), phone[-4:]):
            self.assertNotIn(secret, raw)
        # 2 km north: nothing.
        far = dict(q, lat="%.6f" % (lat + 0.018))
        r = anon.get("/api/v1/complaints/similar", query=far)
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["items"], [])
        # Bad coordinates.
        self.assertError(anon.get("/api/v1/complaints/similar", query={"lon": "127"}), 400)
        self.assertError(anon.get("/api/v1/complaints/similar",
                                  query={"lat": "abc", "lon": "127"}), 400)
        self.assertError(anon.get("/api/v1/complaints/similar",
                                  query={"lat": "91", "lon": "127"}), 400)

        # The second one, filed anyway: staff see the first as its duplicate.
        second = self.file_text("어린이공원 입구 보도블록이 들떠 있어서 사람들이 걸려 넘어지겠어요. "
                                "빨리 보수 부탁드립니다.", lat=lat, lon=lon)
        first_id = self.admin.staff_view(first["receipt_no"]).json()["id"]
        r = self.admin.get("/api/v1/staff/complaints/%s/similar" % second["receipt_no"])
        self.assertStatus(r, 200)
        s = r.json()
        self.assertEqual([i["receipt_no"] for i in s["items"]], [first["receipt_no"]], s)
        self.assertEqual(s["items"][0]["id"], first_id)
        self.assertLessEqual(s["items"][0]["distance_m"], 100)
        self.assertEqual(s["repeat_of"], 0)       # another person
        self.assertNotIn(other["receipt_no"], r.text)
        # Merge (병합) the second into the first.
        r = self.admin.action(second["receipt_no"], "merge", into=first["receipt_no"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["status"], "merged")
        r = anon.get("/api/v1/complaints/similar", query=q)
        self.assertEqual([i["receipt_no"] for i in r.json()["items"]], [first["receipt_no"]])
        self.assertEqual(self.admin.staff_view(second["receipt_no"]).json()["merged_into"],
                         first_id)

    def test_support_instead_of_filing_again(self):
        # 공감/추가 정보: the hint offers the open complaint, and a second
        # citizen adds to it instead of filing a duplicate.
        lat, lon = 37.55123, 127.08123
        first = self.file_text("시장 골목 입구 하수구 덮개가 깨져서 발이 빠질 것 같아요.",
                               lat=lat, lon=lon)
        rn = first["receipt_no"]
        anon = self.anon()
        q = {"lat": "%.6f" % lat, "lon": "%.6f" % lon, "text": "시장 골목 하수구 덮개 깨짐"}
        hit = anon.get("/api/v1/complaints/similar", query=q).json()["items"][0]
        self.assertEqual(hit["receipt_no"], rn)
        self.assertEqual(hit["supporters"], 0)
        url = hit["support_url"]
        secret_phone = unique_phone()
        extra = "저녁에는 어두워서 더 위험합니다. 자전거도 자주 지나가요."
        r = anon.post(url, {"text": extra, "phone": secret_phone})
        self.assertStatus(r, 201)
        self.assertEqual(r.json(), {"receipt_no": rn, "added": True, "supporters": 1,
                                    "information_added": True})
        # The same person again counts once (information is still added).
        r = anon.post(url, {"phone": secret_phone})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["supporters"], 1)
        self.assertFalse(r.json()["added"])
        # Without a phone: the browser counts once.
        self.assertEqual(anon.post(url, {}).json()["supporters"], 2)
        self.assertEqual(anon.post(url, {}).json()["supporters"], 2)
        hit = anon.get("/api/v1/complaints/similar", query=q).json()["items"][0]
        self.assertEqual(hit["supporters"], 2)
        # The author sees the count, not who or what was added; staff see the
        # extra information in the timeline.
        st = anon.get("/api/v1/complaints/%s" % rn, query={"token": first["token"]})
        self.assertEqual(st.json()["supporters"], 2)
        self.assertNotIn(extra, st.text)
        self.assertNotIn(secret_phone, st.text)
        v = self.admin.staff_view(rn).json()
        self.assertEqual(v["supporters"], 2)
        self.assertIn(extra, [e.get("text") for e in v["timeline"] if e["kind"] == "support"])
        self.assertNotIn(secret_phone, self.admin.staff_view(rn).text)
        # Bad input and closed complaints.
        self.assertError(anon.post(url, {"phone": "not a phone"}), 400, "invalid")
        self.assertError(anon.post(url, {"text": 5}), 400)
        self.assertError(anon.post("/api/v1/complaints/9912-999999/support", {}), 404)
        self.assertStatus(anon.post("/api/v1/complaints/%s/withdraw" % rn,
                                    {"token": first["token"], "reason": "해결됨"}), 200)
        self.assertError(anon.post(url, {}), 409, "closed")

    def test_similar_rejects_non_numbers(self):
        # "nan" and "inf" are not coordinates: strtod() reads them, and NaN
        # passes a "< -90 || > 90" range check.
        anon = self.anon()
        for q in ({"lat": "nan", "lon": "127.0"}, {"lat": "37.5", "lon": "nan"},
                  {"lat": "inf", "lon": "127.0"}, {"lat": "37.5x", "lon": "127.0"}):
            r = anon.get("/api/v1/complaints/similar", query=q)
            self.assertError(r, 400, "invalid", msg="%r -> %r" % (q, r))

    def test_staff_similar_needs_access(self):
        j = self.file_text("가로수 가지가 부러져 전선에 걸려 있어요.", category="parks_trees",
                           lat=37.511, lon=127.011)
        r = self.as_user("officer").get("/api/v1/staff/complaints/%s/similar" % j["receipt_no"])
        self.assertError(r, 403)
        r = self.anon().get("/api/v1/staff/complaints/%s/similar" % j["receipt_no"])
        self.assertError(r, 401)
        r = self.admin.get("/api/v1/staff/complaints/9912-999999/similar")
        self.assertError(r, 404)

    def test_repeat_complaint(self):
        phone = unique_phone()
        text = "매일 아침 우리 동네 재활용 쓰레기를 안 가져가서 골목에 쌓여 있습니다. 수거해 주세요."
        c = {"name": "반복인", "phone": phone}
        a = self.file_text(text, contact=c, lat=37.5301, lon=127.0201)
        b = self.file_text(text, contact=c, lat=37.5301, lon=127.0201)
        self.assertNotIn("repeat", self.kinds(a["receipt_no"]))
        ev = [e for e in self.timeline(b["receipt_no"]) if e["kind"] == "repeat"]
        self.assertEqual(len(ev), 1, self.timeline(b["receipt_no"]))
        a_id = self.admin.staff_view(a["receipt_no"]).json()["id"]
        self.assertEqual(ev[0]["detail"], str(a_id))
        self.assertEqual(ev[0]["actor"], "system")
        self.assertIs(ev[0]["public"], False)
        self.assertEqual(ev[0]["label"], "반복 민원")
        r = self.admin.get("/api/v1/staff/complaints/%s/similar" % b["receipt_no"])
        self.assertEqual(r.json()["repeat_of"], a_id)
        # Another person with the same text is not a 반복민원.
        d = self.file_text(text, lat=37.5301, lon=127.0201)
        self.assertNotIn("repeat", self.kinds(d["receipt_no"]))
        # Not shown to the citizen.
        cv = self.citizen_view(b["receipt_no"], b["token"]).json()
        self.assertNotIn("repeat", [e["kind"] for e in cv["timeline"]])

    # -- the chatbot -----------------------------------------------------------

    def test_chat_faq(self):
        j = self.chat("안 쓰는 소파랑 옷장을 버리고 싶은데 그냥 밖에 내놓으면 되나요? 절차가 궁금해요.")
        self.assertEqual(j["kind"], "faq", repr(j))
        self.assertEqual(j["faq_id"], "FA01", repr(j))
        self.assertEqual(j["answer"], self.faq["FA01"]["answer"])
        self.assertRegex(j["session"], harness.TOKEN_RE)
        self.assertIsInstance(j["message_id"], int)
        self.assertIsNone(j["answer_by"])
        self.assertNotIn("complaint", j)
        # Rating: this bot reply yes; the citizen's own line, an unknown
        # message and another conversation's message no.
        sess = j["session"]
        r = self.anon().post("/api/v1/chat/rating",
                             {"session": sess, "message_id": j["message_id"], "helpful": True})
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"saved": True})
        r = self.anon().post("/api/v1/chat/rating",
                             {"session": sess, "message_id": j["message_id"], "helpful": False})
        self.assertStatus(r, 200)
        self.assertError(self.anon().post("/api/v1/chat/rating", {
            "session": sess, "message_id": 987654321, "helpful": True}), 404, "not_found")
        self.assertError(self.anon().post("/api/v1/chat/rating", {
            "session": sess, "message_id": j["message_id"] - 1, "helpful": True}), 404)
        other = self.chat("주민등록등본은 어디서 뗄 수 있어요?")
        self.assertError(self.anon().post("/api/v1/chat/rating", {
            "session": other["session"], "message_id": j["message_id"], "helpful": True}), 404)
        self.assertError(self.anon().post("/api/v1/chat/rating", {
            "session": "A" * 22, "message_id": j["message_id"], "helpful": True}), 404)
        self.assertError(self.anon().post("/api/v1/chat/rating", {
            "session": sess, "message_id": j["message_id"]}), 400)
        # The transcript: citizen, bot.
        t = self.anon().get("/api/v1/chat", query={"session": sess})
        self.assertStatus(t, 200)
        msgs = t.json()["messages"]
        self.assertEqual([m["from"] for m in msgs], ["citizen", "bot"])
        self.assertEqual(msgs[1]["kind"], "faq")
        self.assertIs(t.json()["waiting_for_staff"], False)

    def test_chat_report_files_a_complaint(self):
        text = "우리 집 앞 가로등이 사흘째 꺼져 있어요"
        j = self.chat(text)
        self.assertEqual(j["kind"], "report", repr(j))
        self.assertEqual(j["category"], "streetlight", repr(j))
        self.assertEqual(j["category_name"], "가로등·보안등")
        self.assertNotIn("complaint", j)
        sess = j["session"]
        j = self.chat("네", session=sess)
        self.assertEqual(j["session"], sess)
        self.assertEqual(j["kind"], "report", repr(j))
        self.assertIn("위치", j["answer"])
        self.assertNotIn("complaint", j)
        lat, lon = 37.55555, 127.04444
        j = self.chat("목련로 25 편의점 앞 전봇대예요", session=sess, lat=lat, lon=lon)
        self.assertEqual(j["kind"], "report", repr(j))
        self.assertIn("사진", j["answer"])
        self.assertNotIn("complaint", j)
        j = self.chat("사진은 없어요", session=sess)
        self.assertEqual(j["kind"], "report", repr(j))
        self.assertIn("complaint", j, repr(j))
        c = j["complaint"]
        self.assertRegex(c["receipt_no"], harness.RECEIPT_RE)
        self.assertRegex(c["token"], harness.TOKEN_RE)
        self.assertTrue(c["track_url"].endswith("/track#%s.%s" % (c["receipt_no"], c["token"])),
                        c["track_url"])
        v = self.citizen_view(c["receipt_no"], c["token"])
        self.assertStatus(v, 200)
        v = v.json()
        self.assertEqual(v["category"], "streetlight")
        self.assertEqual(v["department"], self.cat_dept["streetlight"])
        self.assertEqual(v["text"], text)
        self.assertEqual(v["channel"], "app")
        self.assertEqual(v["status"], "received")
        self.assertEqual(v["due_at"], c["due_at"])
        self.assertEqual(v["location"]["address"], "목련로 25 편의점 앞 전봇대예요")
        self.assertAlmostEqual(v["location"]["lat"], lat, places=5)
        self.assertAlmostEqual(v["location"]["lon"], lon, places=5)
        # It is in the department's queue like any other complaint.
        q = self.queue(self.as_user("fac_manager"), limit=100)
        self.assertIn(c["receipt_no"], [i["receipt_no"] for i in q["items"]])

    def test_chat_report_with_photos(self):
        # The report flow collects photos: one with a GPS position answers
        # the location question, and both end up on the filed complaint.
        with open(os.path.join(harness.FIXTURES, "media", "gps.jpg"), "rb") as f:
            gps = f.read()
        with open(os.path.join(harness.FIXTURES, "media", "plain.png"), "rb") as f:
            plain = f.read()
        anon = self.anon()

        def photo(sess, data, ctype):
            return anon.post("/api/v1/chat/photo", data, query={"session": sess},
                             headers={"Content-Type": ctype})

        j = self.chat("골목에 누가 폐가구랑 쓰레기를 잔뜩 버리고 갔어요")
        self.assertEqual(j["kind"], "report", repr(j))
        sess = j["session"]
        # No photos before the citizen agreed to file.
        self.assertError(photo(sess, gps, "image/jpeg"), 409, "no_report")
        j = self.chat("네", session=sess)
        self.assertIn("위치", j["answer"])
        r = photo(sess, gps, "image/jpeg")
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["kind"], "report")
        self.assertIn("위치 정보", r.json()["answer"])
        self.assertNotIn("complaint", r.json())
        r = photo(sess, plain, "image/png")
        self.assertStatus(r, 200)
        self.assertIn("2장", r.json()["answer"])
        # Not a photo, and an unknown session.
        self.assertError(photo(sess, b"hello, not an image", "image/jpeg"), 415)
        self.assertError(photo("B" * 22, plain, "image/png"), 404)
        j = self.chat("비 오기 전에 치워 주세요", session=sess)
        self.assertIn("complaint", j, repr(j))
        self.assertIn("2장", j["answer"])
        c = j["complaint"]
        v = self.citizen_view(c["receipt_no"], c["token"]).json()
        self.assertEqual(len(v["attachments"]), 2, v)
        self.assertAlmostEqual(v["location"]["lat"], 37.5665, places=4)
        self.assertAlmostEqual(v["location"]["lon"], 126.978, places=3)
        # What the citizen added at the photo step is part of the text.
        self.assertIn("비 오기 전에 치워 주세요", v["text"])
        # The public copy of the photo is served, without its metadata.
        r = anon.get(v["attachments"][0]["url"], query={"token": c["token"]})
        self.assertStatus(r, 200)
        self.assertNotIn(b"FixtureCam", r.body)
        # Filed: no more photos through the chat.
        self.assertError(photo(sess, plain, "image/png"), 409, "no_report")
        t = anon.get("/api/v1/chat", query={"session": sess}).json()["messages"]
        self.assertIn("[사진 1]", [m["text"] for m in t])

    def test_chat_report_declined(self):
        j = self.chat("동네 놀이터 그네 줄이 끊어져 있어요")
        self.assertEqual(j["kind"], "report", repr(j))
        j = self.chat("아니요 괜찮아요", session=j["session"])
        self.assertEqual(j["kind"], "report")
        self.assertNotIn("complaint", j)
        self.assertNotIn("위치", j["answer"])

    def test_chat_confirm_does_not_take_a_question_for_yes(self):
        # At "shall I file this?" a citizen who asks something else has not
        # said yes: the bot must not go on to ask for the location (the next
        # line would then be filed as the address, with consent implied).
        j = self.chat("골목 보안등이 깜빡깜빡해요")
        self.assertEqual(j["kind"], "report", repr(j))
        sess = j["session"]
        j = self.chat("여권 발급은 어떻게 해요?", session=sess)
        self.assertNotIn("위치를 알려 주세요", j["answer"],
                         "a question was taken for consent to file: %r" % j)

    def test_chat_urgent_report_is_urgent(self):
        # chat.c files "with the same rows, events and routing as POST
        # /api/v1/complaints": a danger reported to the bot is urgent too.
        j = self.chat("집 앞 도로에 갑자기 싱크홀이 생겼어요. 점점 커지고 있어요")
        self.assertEqual(j["kind"], "report", repr(j))
        sess = j["session"]
        self.chat("네 접수해 주세요", session=sess)
        self.chat("은행나무로 8 앞 도로", session=sess, lat=37.56001, lon=127.03001)
        j = self.chat("접수", session=sess)
        c = j["complaint"]
        v = self.citizen_view(c["receipt_no"], c["token"]).json()
        self.assertIs(v["urgent"], True, "a sinkhole filed through the chatbot is not urgent")
        self.assertIn("alert", self.kinds(c["receipt_no"]))

    def test_chat_human_handoff_and_staff_reply(self):
        text = ("어제 주민센터에 서류 떼러 갔는데 창구 직원이 반말을 하면서 저한테 소리를 "
                "질렀습니다. 너무 불쾌해서 정식으로 항의하고 싶습니다.")
        t0 = datetime.datetime.now(KST)
        j = self.chat(text)
        self.assertEqual(j["kind"], "human", repr(j))
        self.assertIsNone(j["faq_id"])
        self.assertTrue(j["reason"], repr(j))
        self.assertRegex(j["answer_by"], harness.KST_RE)
        answer_by = parse_kst(j["answer_by"])
        self.assertGreater(answer_by, t0)
        self.assertLess(answer_by, t0 + datetime.timedelta(days=12))
        self.assertIn(j["answer_by"][:10], j["answer"])   # the citizen is told when
        sess = j["session"]
        # A follow-up joins the transcript; the promise does not move.
        j2 = self.chat("언제쯤 연락 받을 수 있을까요?", session=sess)
        self.assertEqual(j2["kind"], "human")
        self.assertEqual(j2["answer_by"], j["answer_by"])
        t = self.anon().get("/api/v1/chat", query={"session": sess}).json()
        self.assertIs(t["waiting_for_staff"], True)

        # The counsellor queue (desk) lists it.
        desk = self.as_user("desk")
        r = desk.get("/api/v1/staff/counsel")
        self.assertStatus(r, 200)
        mine = [i for i in r.json()["items"] if i["last_message"] == "언제쯤 연락 받을 수 있을까요?"]
        self.assertEqual(len(mine), 1, r.json())
        item = mine[0]
        self.assertEqual(item["reason"], j["reason"])
        self.assertEqual(item["answer_by"], j["answer_by"])
        self.assertEqual(item["messages"], 4)
        cid = item["id"]
        r = desk.get("/api/v1/staff/counsel/%d" % cid)
        self.assertStatus(r, 200)
        conv = r.json()
        self.assertIs(conv["waiting"], True)
        self.assertEqual(conv["reason"], j["reason"])
        self.assertEqual([(m["from"], m["text"]) for m in conv["messages"]][0], ("citizen", text))
        self.assertEqual([m["from"] for m in conv["messages"]], ["citizen", "bot", "citizen", "bot"])
        self.assertEqual(conv["messages"][1]["kind"], "human")
        self.assertError(desk.get("/api/v1/staff/counsel/987654321"), 404)
        self.assertError(desk.get("/api/v1/staff/counsel/abc"), 404)

        # Staff answer; the conversation leaves the queue.
        reply = "불편을 드려 죄송합니다. 해당 직원의 응대를 확인한 뒤 내일 오전에 전화드리겠습니다."
        r = desk.post("/api/v1/staff/counsel/%d/reply" % cid, {"text": reply})
        self.assertStatus(r, 200)
        self.assertIs(r.json()["waiting"], False)
        self.assertIsInstance(r.json()["message_id"], int)
        self.assertError(desk.post("/api/v1/staff/counsel/%d/reply" % cid, {"text": ""}), 400)
        r = desk.get("/api/v1/staff/counsel")
        self.assertNotIn(cid, [i["id"] for i in r.json()["items"]])

        # The citizen sees the staff message, from "staff" (never the login).
        r = self.anon().get("/api/v1/chat", query={"session": sess})
        self.assertStatus(r, 200)
        t = r.json()
        self.assertIs(t["waiting_for_staff"], False)
        last = t["messages"][-1]
        self.assertEqual(last["from"], "staff")
        self.assertEqual(last["text"], reply)
        self.assertNotIn('"desk"', r.text)
        self.assertEqual(len(t["messages"]), 5)

    def test_counsel_reply_can_keep_waiting(self):
        j = self.chat("이웃이 제 차를 긁고 모른 척하는데 구청에서 중재해 줄 수 있나요? 어떻게 해야 할지 "
                      "모르겠어요.")
        self.assertEqual(j["kind"], "human", repr(j))
        desk = self.as_user("desk")
        items = desk.get("/api/v1/staff/counsel").json()["items"]
        mine = [i for i in items if i["last_message"].startswith("이웃이 제 차를 긁고")]
        self.assertEqual(len(mine), 1, items)
        cid = mine[0]["id"]
        r = desk.post("/api/v1/staff/counsel/%d/reply" % cid,
                      {"text": "확인 중입니다. 조금만 기다려 주세요.", "close": False})
        self.assertStatus(r, 200)
        self.assertIs(r.json()["waiting"], True)
        self.assertIn(cid, [i["id"] for i in desk.get("/api/v1/staff/counsel").json()["items"]])
        t = self.anon().get("/api/v1/chat", query={"session": j["session"]}).json()
        self.assertIs(t["waiting_for_staff"], True)
        self.assertEqual(t["messages"][-1]["from"], "staff")
        self.assertError(desk.post("/api/v1/staff/counsel/%d/reply" % cid,
                                   {"text": "x", "close": "no"}), 400)
        r = desk.post("/api/v1/staff/counsel/%d/reply" % cid, {"text": "처리했습니다."})
        self.assertIs(r.json()["waiting"], False)

    def test_chat_legal_dispute_goes_to_human(self):
        j = self.chat("옆집이 담장을 우리 땅 쪽으로 30센티 넘게 넘어와서 지었는데 소송을 하면 "
                      "이길 수 있을까요? 변호사를 써야 하나요?")
        self.assertEqual(j["kind"], "human", repr(j))
        self.assertRegex(j["answer_by"], harness.KST_RE)

    def test_chat_bad_input(self):
        anon = self.anon()
        self.assertError(anon.post("/api/v1/chat", {"text": ""}), 400)
        self.assertError(anon.post("/api/v1/chat", {"text": "   \n "}), 400)
        self.assertError(anon.post("/api/v1/chat", {}), 400)
        self.assertError(anon.post("/api/v1/chat", {"text": 12}), 400)
        self.assertError(anon.post("/api/v1/chat", {"text": "가" * 3000}), 413, "too_large")
        self.assertError(anon.post("/api/v1/chat", "{\"text\": \"가로등", headers={
            "Content-Type": "application/json"}), 400, "malformed_json")
        self.assertError(anon.post("/api/v1/chat", b'{"text":"\xff\xfe"}', headers={
            "Content-Type": "application/json"}), 400)
        self.assertError(anon.post("/api/v1/chat", {"text": "가로등", "lat": 37.5}), 400)
        self.assertError(anon.post("/api/v1/chat", {"text": "가로등", "lat": 99, "lon": 127}), 400)
        self.assertError(anon.get("/api/v1/chat", query={"session": "A" * 22}), 404)
        self.assertError(anon.get("/api/v1/chat"), 404)
        # The server is still fine.
        self.srv.assert_healthy()

    def test_chat_unknown_session_starts_a_new_one(self):
        j = self.chat("주민등록등본은 어디서 뗄 수 있어요?", session="B" * 22)
        self.assertNotEqual(j["session"], "B" * 22)
        self.assertRegex(j["session"], harness.TOKEN_RE)

    # -- the chatbot in English ----------------------------------------------------

    def assertNoHangul(self, text):
        self.assertFalse(any("\uac00" <= ch <= "\ud7a3" for ch in text), text)

    def test_chat_english_faq_with_and_without_an_english_answer(self):
        ask = "안 쓰는 소파랑 옷장을 버리고 싶은데 그냥 밖에 내놓으면 되나요? 절차가 궁금해요."
        j = self.chat(ask, lang="en")
        self.assertEqual((j["kind"], j["faq_id"], j["lang"], j["answer_lang"]),
                         ("faq", "FA01", "en", "ko"), repr(j))
        note, _, rest = j["answer"].partition("\n")
        self.assertEqual(note, "(This answer is available in Korean only.)")
        self.assertEqual(rest, self.faq["FA01"]["answer"])
        # The office writes the English answer: the English page gets it.
        e = [x for x in self.admin.get("/api/v1/admin/faq").json()["items"]
             if x["id"] == "FA01"][0]
        english = "Report large items such as sofas online or at the community centre first."
        r = self.admin.post("/api/v1/admin/faq", {
            "id": "FA01", "question": e["question"], "answer": e["answer"],
            "category": e["category"], "question_en": "How do I throw away a sofa?",
            "answer_en": english, "version": e["version"]})
        self.assertStatus(r, 200)
        try:
            j = self.chat(ask, lang="en")
            self.assertEqual((j["faq_id"], j["answer"], j["answer_lang"]),
                             ("FA01", english, "en"))
            # The Korean page is unchanged.
            j = self.chat(ask)
            self.assertEqual((j["answer"], j["lang"], j["answer_lang"]),
                             (self.faq["FA01"]["answer"], "ko", "ko"))
        finally:
            e2 = [x for x in self.admin.get("/api/v1/admin/faq").json()["items"]
                  if x["id"] == "FA01"][0]
            self.assertStatus(self.admin.post("/api/v1/admin/faq", {
                "id": "FA01", "question": e["question"], "answer": e["answer"],
                "category": e["category"], "version": e2["version"]}), 200)

    def test_chat_english_report_flow(self):
        with open(os.path.join(harness.FIXTURES, "media", "plain.png"), "rb") as f:
            plain = f.read()
        j = self.chat("우리 집 앞 가로등이 사흘째 꺼져 있어요", lang="en")
        self.assertEqual((j["kind"], j["category"], j["lang"]), ("report", "streetlight", "en"))
        self.assertIn("Shall I file this as a complaint?", j["answer"])
        self.assertIn("“yes” or “no”", j["answer"])
        self.assertNoHangul(j["answer"])
        sess = j["session"]
        # The language stays with the conversation; "Yes" in any case.
        j = self.chat("Yes", session=sess)
        self.assertEqual((j["kind"], j["lang"]), ("report", "en"))
        self.assertIn("Send my location", j["answer"])
        j = self.chat("25 Mongnyeon-ro, in front of the shop", session=sess, lat=37.5551,
                      lon=127.0444)
        self.assertIn("photos", j["answer"])
        self.assertNoHangul(j["answer"])
        r = self.anon().post("/api/v1/chat/photo", plain, query={"session": sess},
                             headers={"Content-Type": "image/png"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["answer"], "I have 1 photo(s). Send more if you have them, "
                                             "or answer “done” when you have finished.")
        j = self.chat("done", session=sess)
        c = j["complaint"]
        self.assertEqual(j["answer"], "Your complaint is filed with 1 photo(s) and receipt number "
                                      "%s. You can follow it with this number." % c["receipt_no"])
        v = self.citizen_view(c["receipt_no"], c["token"]).json()
        self.assertEqual((v["category"], len(v["attachments"])), ("streetlight", 1))
        t = self.anon().get("/api/v1/chat", query={"session": sess}).json()
        self.assertEqual(t["lang"], "en")
        self.assertIn("[photo 1]", [m["text"] for m in t["messages"]])
        self.assertEqual(t["messages"][1]["category"], "streetlight")
        for m in t["messages"]:
            if m["from"] == "bot":
                self.assertNoHangul(m["text"])
        # Declined in English too.
        j = self.chat("동네 놀이터 그네 줄이 끊어져 있어요", lang="en")
        j = self.chat("No, thanks", session=j["session"])
        self.assertEqual(j["answer"], "All right, nothing was filed. If there is anything else, "
                                      "just ask.")

    def test_chat_english_text_reaches_a_person(self):
        j = self.chat("Hello, my landlord keeps my deposit and I want to know what the law says. "
                      "Can someone help me?", lang="en")
        self.assertEqual(j["kind"], "human", repr(j))
        self.assertRegex(j["answer_by"], harness.KST_RE)
        self.assertIn("(working hours)", j["answer"])
        self.assertIn(j["answer_by"][:10], j["answer"])
        self.assertNoHangul(j["answer"])
        j = self.chat("Thank you", session=j["session"])
        self.assertEqual((j["kind"], j["answer"]), ("human", "Your message has been passed to "
                         "the counsellor, who will answer in this conversation."))

    def test_chat_lang_is_checked_and_switches(self):
        anon = self.anon()
        self.assertError(anon.post("/api/v1/chat", {"text": "안녕하세요", "lang": "fr"}), 400,
                         "invalid")
        self.assertError(anon.post("/api/v1/chat", {"text": "안녕하세요", "lang": 1}), 400,
                         "wrong_type")
        self.assertError(anon.post("/api/v1/chat", {"text": "안녕하세요", "lang": "EN"}), 400)
        j = self.chat("골목 보안등이 깜빡깜빡해요", lang="en")
        self.assertError(anon.post("/api/v1/chat/photo", b"x", query={
            "session": j["session"], "lang": "xx"}, headers={"Content-Type": "image/png"}), 400,
            "invalid")
        # The page switched to Korean: the next answer is Korean.
        j = self.chat("네", session=j["session"], lang="ko")
        self.assertIn("위치를 알려 주세요", j["answer"])
        self.srv.assert_healthy()

    # -- who may use the counsellor queue ---------------------------------------

    def test_counsel_authz(self):
        anon = self.anon()
        self.assertError(anon.get("/api/v1/staff/counsel"), 401)
        self.assertError(anon.get("/api/v1/staff/counsel/1"), 401)
        self.assertError(anon.post("/api/v1/staff/counsel/1/reply", {"text": "x"}), 401)
        for who in ("auditor", "field"):
            c = self.as_user(who)
            self.assertError(c.get("/api/v1/staff/counsel"), 403, msg=who)
            self.assertError(c.get("/api/v1/staff/counsel/1"), 403, msg=who)
            self.assertError(c.post("/api/v1/staff/counsel/1/reply", {"text": "x"}), 403, msg=who)
        for who in ("admin", "manager", "officer", "desk"):
            self.assertStatus(self.as_user(who).get("/api/v1/staff/counsel"), 200, who)

    # -- SIGHUP ------------------------------------------------------------------

    def test_sighup_reloads_model_and_faq(self):
        question = "구청 민원실 옆 공영주차장은 주말에도 무료로 열려 있나요?"
        before = self.chat(question)
        self.assertNotEqual(before.get("faq_id"), "IT01")
        path = os.path.join(self.srv.dir, "extra_faq.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps({"id": "IT01", "question": "구청 공영주차장은 주말에도 무료로 "
                                "열려 있나요?", "answer": "주말과 공휴일에는 구청 공영주차장을 "
                                "무료로 개방합니다.", "category": "general"},
                               ensure_ascii=False) + "\n")
        self.srv._cli("faq", "import", path, "--db", self.srv.db)
        with open(self.srv.stderr_path, "rb") as f:
            loads_before = f.read().count(b"event=models_loaded")
        os.kill(self.srv.proc.pid, signal.SIGHUP)
        deadline = time.monotonic() + harness.timeout(10)
        loads = loads_before
        while time.monotonic() < deadline and loads == loads_before:
            time.sleep(0.05)
            with open(self.srv.stderr_path, "rb") as f:
                loads = f.read().count(b"event=models_loaded")
        self.assertGreater(loads, loads_before, "no models_loaded after SIGHUP:\n%s"
                           % self.srv.stderr_tail())
        self.srv.assert_healthy()
        after = self.chat(question)
        self.assertEqual(after["kind"], "faq", repr(after))
        self.assertEqual(after["faq_id"], "IT01", repr(after))
        # Still routes with the reloaded model.
        j = self.file_text("버스 정류장 옆 가로등 두 개가 밤새 깜빡거리다가 아예 꺼졌어요. 고쳐 주세요.")
        self.assertRouted(j, "streetlight")


if __name__ == "__main__":
    unittest.main()


class RetrainFromDbTest(harness.ServerTestCase, unittest.TestCase):
    """nlp train --from-db learns from the office's handled complaints,
    counting staff corrections."""

    def test_train_from_db(self):
        admin = self.as_user("admin")
        anon = self.anon()
        r = anon.post("/api/v1/complaints", {
            "text": "아파트 뒤 산책로 벤치가 부서져 앉을 수가 없습니다.",
            "channel": "web", "consent": {"privacy": True}})
        self.assertStatus(r, 201)
        rn = r.json()["receipt_no"]
        # No model on this server: it waits in triage until staff decide.
        self.assertEqual(r.json()["category"], "triage")
        a = admin.action(rn, "recategorize", category="parks_trees")
        self.assertStatus(a, 200)
        model = os.path.join(self.srv.dir, "retrained.model")
        p = subprocess.run([harness.BIN, "nlp", "train", "--from-db", self.srv.db,
                            "--default-corpus", "300", "--out", model],
                           capture_output=True, text=True, timeout=harness.timeout(120))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stderr + p.stdout, r"from-db\s+1 handled complaints")
        self.assertTrue(os.path.getsize(model) > 0)

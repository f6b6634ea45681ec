/*
 * test_lifecycle.c - the complaint state machine (src/core/lifecycle.c).
 *
 * The transition table below is written out by hand from the law as
 * action.def states it; it is deliberately not derived from
 * mw_lifecycle_allowed() or from action.def itself, so that an edit to
 * either one that changes behaviour shows up here.
 *
 * The calendar is a real one (mw_calendar_new) with three holidays of
 * our own, so every due instant below is computed by hand:
 *   2026-03-01 Sun, 03-02 Mon (holiday), 03-03 Tue, 03-04 Wed,
 *   03-05 Thu (holiday), 03-06 Fri, 03-09 Mon .. 03-13 Fri,
 *   03-16 Mon (holiday), 03-17 Tue .. 03-20 Fri, 03-23 Mon .. 03-27 Fri,
 *   03-30 Mon, 03-31 Tue, 04-01 Wed .. 04-03 Fri, 04-06 Mon ...
 * Working hours are 09-12 and 13-18 KST (8 a day).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/mw.h"
#include "base/timeutil.h"
#include "core/complaint.h"
#include "core/deadline.h"

#include "base/banned.h"

#define KST(y, mo, d, h, mi, s) mw_time_from_kst(y, mo, d, h, mi, s)
#define EOD(y, mo, d) mw_time_from_kst(y, mo, d, 23, 59, 59)

static const mw_period DAYS14 = { 14, MW_PERIOD_DAYS };
static const mw_period DAYS7 = { 7, MW_PERIOD_DAYS };
static const mw_period DAYS3 = { 3, MW_PERIOD_DAYS };

/* ---- the independent table ---------------------------------------------- */

enum { NSTATUS = 10, NACTION = 21 };

/* Column order of the table rows. */
static const mw_status col_status[NSTATUS] = {
	MW_STATUS_RECEIVED, MW_STATUS_ASSIGNED, MW_STATUS_IN_PROGRESS,
	MW_STATUS_NEEDS_INFO, MW_STATUS_ANSWERED, MW_STATUS_CLOSED,
	MW_STATUS_WITHDRAWN, MW_STATUS_MERGED, MW_STATUS_REOPENED,
	MW_STATUS_TRANSFERRED,
};

static const char *const status_names[NSTATUS] = {
	"received", "assigned", "in_progress", "needs_info", "answered",
	"closed", "withdrawn", "merged", "reopened", "transferred",
};

static const bool status_final[NSTATUS] = {
	false, false, false, false, false, true, true, true, false, true,
};

#define SAME_STATE ((mw_status)-1)

static const struct expect_row {
	mw_action act;
	const char *name;
	bool staff_only;
	bool is_public;
	mw_status to;          /* with the request built by make_req() */
	/* rcv asg inp nfo ans clo wdr mrg rop trf */
	char from[NSTATUS];
} table[NACTION] = {
	{ MW_ACT_ASSIGN,         "assign",            true,  true,  MW_STATUS_ASSIGNED,
	  { 1, 1, 0, 0, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_START,          "start",             true,  true,  MW_STATUS_IN_PROGRESS,
	  { 1, 1, 0, 0, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_REQUEST_INFO,   "request_info",      true,  true,  MW_STATUS_NEEDS_INFO,
	  { 0, 1, 1, 1, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_PROVIDE_INFO,   "provide_info",      false, true,  MW_STATUS_IN_PROGRESS,
	  { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 } },
	{ MW_ACT_RESUME,         "resume",            true,  true,  MW_STATUS_IN_PROGRESS,
	  { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 } },
	{ MW_ACT_TRANSFER,       "transfer",          true,  true,  MW_STATUS_ASSIGNED,
	  { 1, 1, 1, 0, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_COOPERATE,      "cooperate",         true,  false, SAME_STATE,
	  { 1, 1, 1, 0, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_COOP_REPLY,     "cooperation_reply", true,  false, SAME_STATE,
	  { 1, 1, 1, 1, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_EXTEND,         "extend",            true,  true,  SAME_STATE,
	  { 1, 1, 1, 1, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_INTERIM_NOTICE, "interim_notice",    true,  true,  SAME_STATE,
	  { 1, 1, 1, 1, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_DELAY_NOTICE,   "delay_notice",      true,  true,  SAME_STATE,
	  { 1, 1, 1, 0, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_ANSWER,         "answer",            true,  true,  MW_STATUS_ANSWERED,
	  { 0, 1, 1, 0, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_CLOSE,          "close",             true,  true,  MW_STATUS_CLOSED,
	  { 0, 0, 0, 1, 1, 0, 0, 0, 0, 0 } },
	{ MW_ACT_WITHDRAW,       "withdraw",          false, true,  MW_STATUS_WITHDRAWN,
	  { 1, 1, 1, 1, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_MERGE,          "merge",             true,  true,  MW_STATUS_MERGED,
	  { 1, 1, 1, 1, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_REOPEN,         "reopen",            true,  true,  MW_STATUS_REOPENED,
	  { 0, 0, 0, 0, 1, 1, 0, 0, 0, 0 } },
	{ MW_ACT_RATE,           "rate",              false, true,  MW_STATUS_CLOSED,
	  { 0, 0, 0, 0, 1, 1, 0, 0, 0, 0 } },
	{ MW_ACT_MESSAGE,        "message",           false, true,  SAME_STATE,
	  { 1, 1, 1, 1, 1, 0, 0, 0, 1, 0 } },
	{ MW_ACT_NOTE,           "note",              true,  false, SAME_STATE,
	  { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 } },
	{ MW_ACT_RECATEGORIZE,   "recategorize",      true,  false, SAME_STATE,
	  { 1, 1, 1, 0, 0, 0, 0, 0, 1, 0 } },
	{ MW_ACT_CALLBACK_DONE,  "callback_done",     true,  true,  SAME_STATE,
	  { 1, 1, 1, 1, 1, 0, 0, 0, 1, 0 } },
};

static int col_of(mw_status s)
{
	for (int i = 0; i < NSTATUS; i++)
		if (col_status[i] == s)
			return i;
	fail_msg("status %d not in the test table", (int)s);
	return -1;
}

static const struct expect_row *row_of(mw_action a)
{
	for (int i = 0; i < NACTION; i++)
		if (table[i].act == a)
			return &table[i];
	fail_msg("action %d not in the test table", (int)a);
	return NULL;
}

static unsigned expected_mask(mw_status s)
{
	unsigned m = 0;
	int c = col_of(s);

	for (int i = 0; i < NACTION; i++)
		if (table[i].from[c])
			m |= 1u << table[i].act;
	return m;
}

/* The same, for one kind of actor: staff take the staff_only actions,
 * the citizen the others. */
static unsigned expected_mask_for(mw_status s, bool staff)
{
	unsigned m = 0;
	int c = col_of(s);

	for (int i = 0; i < NACTION; i++)
		if (table[i].from[c] && table[i].staff_only == staff)
			m |= 1u << table[i].act;
	return m;
}

/* ---- fixtures -------------------------------------------------------- */

static int group_setup(void **state)
{
	mw_calendar *cal = mw_calendar_new();

	if (!cal)
		return -1;
	if (mw_calendar_add_holiday(cal, 2026, 3, 2) || mw_calendar_add_holiday(cal, 2026, 3, 5) ||
	    mw_calendar_add_holiday(cal, 2026, 3, 16)) {
		mw_calendar_free(cal);
		return -1;
	}
	*state = cal;
	return 0;
}

static int group_teardown(void **state)
{
	mw_calendar_free(*state);
	return 0;
}

static void check_time(mw_time got, mw_time want, const char *file, int line)
{
	char g[32], w[32];

	if (got == want)
		return;
	mw_time_format_kst(got, g);
	mw_time_format_kst(want, w);
	fail_msg("%s:%d: got %s (%lld), want %s (%lld)", file, line, g, (long long)got, w,
		 (long long)want);
}

#define CHECK_TIME(got, want) check_time((got), (want), __FILE__, __LINE__)

/* Received Tue 2026-03-03 10:00 KST, 14 days (due Tue 03-24). */
static const int R_Y = 2026, R_M = 3, R_D = 3;

static mw_complaint make_complaint(const mw_calendar *cal, mw_status s)
{
	mw_complaint c;

	memset(&c, 0, sizeof(c));
	c.id = 42;
	mw_strlcpy(c.receipt_no, "2603-000042", sizeof(c.receipt_no));
	c.title = "보도블록 파손";
	c.text = "시청 앞 보도블록이 깨져 있습니다.";
	c.category = "road";
	c.department = "도로과";
	c.assignee = "kim";
	c.channel = MW_CHANNEL_WEB;
	c.status = s;
	c.version = 7;
	/* The citizen asked to be called back, so callback_done is allowed
	 * wherever the table says (test_callback_done covers the rest). */
	c.callback = MW_CALLBACK_PENDING;
	c.received_at = KST(R_Y, R_M, R_D, 10, 0, 0);
	c.updated_at = c.received_at;
	mw_lifecycle_start_clock(cal, &c, c.received_at, DAYS14);
	if (s == MW_STATUS_NEEDS_INFO) {
		c.paused_at = KST(2026, 3, 10, 11, 0, 0);
		mw_lifecycle_recompute_due(cal, &c);
	}
	if (s == MW_STATUS_ANSWERED || s == MW_STATUS_CLOSED) {
		c.answer = "보수했습니다.";
		c.answered_at = KST(2026, 3, 10, 15, 0, 0);
	}
	if (mw_status_is_final(s))
		c.closed_at = KST(2026, 3, 10, 16, 0, 0);
	return c;
}

/* A request for action a that succeeds whenever a is allowed. */
static mw_action_req make_req(mw_action a)
{
	mw_action_req r;

	memset(&r, 0, sizeof(r));
	r.type = a;
	r.actor_kind = MW_ACTOR_STAFF;
	r.actor = "lee";
	/* The citizen's own actions are taken by the citizen. */
	for (int i = 0; i < NACTION; i++)
		if (table[i].act == a && !table[i].staff_only) {
			r.actor_kind = MW_ACTOR_CITIZEN;
			r.actor = NULL;
		}
	switch (a) {
	case MW_ACT_ASSIGN:
		r.assignee = "park";
		break;
	case MW_ACT_TRANSFER:
	case MW_ACT_COOPERATE:
		r.department = "건축과";
		r.text = "관할 부서 확인";
		break;
	case MW_ACT_EXTEND:
		r.period = DAYS7;
		r.text = "현장 조사 필요";
		break;
	case MW_ACT_MERGE:
		r.merge_into = 99;
		r.merge_into_receipt = "2603-000099";
		break;
	case MW_ACT_RATE:
		r.rating = 4;
		break;
	case MW_ACT_RECATEGORIZE:
		r.category = "water";
		break;
	case MW_ACT_DELAY_NOTICE:
		r.text = "현장 측량 일정이 밀렸습니다";
		r.expected_at = KST(2026, 4, 30, 18, 0, 0);
		break;
	default:
		r.text = "내용";
		break;
	}
	/* A 보완 period of an hour: over by NOW for the complaint the
	 * fixture pauses (asking again and closing wait for its end). */
	r.info_period = (mw_period){ 1, MW_PERIOD_HOURS };
	return r;
}

#define NOW KST(2026, 3, 11, 14, 0, 0)

/* ---- the table ------------------------------------------------------- */

static void test_table_shape(void **state)
{
	(void)state;
	/* A new action or state must be added to the table above. */
	assert_int_equal(MW_ACT__COUNT, NACTION);
	assert_int_equal(MW_STATUS__COUNT, NSTATUS);
	for (int i = 0; i < NACTION; i++)
		for (int j = i + 1; j < NACTION; j++)
			assert_int_not_equal(table[i].act, table[j].act);
}

static void test_every_status_action_pair(void **state)
{
	const mw_calendar *cal = *state;

	for (int si = 0; si < NSTATUS; si++) {
		mw_status s = col_status[si];

		for (int ai = 0; ai < NACTION; ai++) {
			const struct expect_row *row = &table[ai];
			mw_complaint cur = make_complaint(cal, s), next;
			mw_action_req req = make_req(row->act);
			mw_event ev;
			mw_refusal why;
			int rc;

			memset(&next, 0, sizeof(next));
			rc = mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why);
			if (row->from[si]) {
				mw_status want = row->to == SAME_STATE ? s : row->to;

				if (rc != MW_OK)
					fail_msg("%s from %s: rc %s (%s), want ok", row->name,
						 status_names[si], mw_err_code(rc), why.message);
				if (next.status != want)
					fail_msg("%s from %s: went to %s, want %s", row->name,
						 status_names[si], mw_status_name(next.status),
						 mw_status_name(want));
				assert_int_equal(next.version, cur.version + 1);
				assert_int_equal(next.updated_at, NOW);
				assert_int_equal(ev.action, row->act);
				assert_string_equal(ev.kind, row->name);
				assert_int_equal(ev.from, s);
				assert_int_equal(ev.to, want);
				assert_int_equal(ev.at, NOW);
				assert_int_equal(ev.is_public, row->is_public);
				assert_int_equal(ev.due_at, next.due_at);
			} else {
				if (rc != MW_ERR_CONFLICT)
					fail_msg("%s from %s: rc %s, want conflict", row->name,
						 status_names[si], mw_err_code(rc));
				assert_int_equal(why.err, MW_ERR_CONFLICT);
				assert_int_equal(why.allowed,
						 expected_mask_for(s, req.actor_kind == MW_ACTOR_STAFF));
				if (!strstr(why.message, row->name) ||
				    !strstr(why.message, status_names[si]))
					fail_msg("%s from %s: message \"%s\" does not name both",
						 row->name, status_names[si], why.message);
			}
		}
	}
}

static void test_allowed_mask_and_names(void **state)
{
	char out[512];

	(void)state;
	for (int si = 0; si < NSTATUS; si++)
		assert_int_equal(mw_lifecycle_allowed(col_status[si]), expected_mask(col_status[si]));
	mw_lifecycle_allowed_names(expected_mask(MW_STATUS_ANSWERED), out, sizeof(out));
	assert_string_equal(out, "close, reopen, rate, message, note, callback_done");
	for (int si = 0; si < NSTATUS; si++) {
		assert_int_equal(mw_lifecycle_allowed_for(col_status[si], MW_ACTOR_STAFF),
				 expected_mask_for(col_status[si], true));
		assert_int_equal(mw_lifecycle_allowed_for(col_status[si], MW_ACTOR_CITIZEN),
				 expected_mask_for(col_status[si], false));
	}
	mw_lifecycle_allowed_names(0, out, sizeof(out));
	assert_string_equal(out, "");
	/* A short buffer never overflows and stays terminated. */
	mw_lifecycle_allowed_names(expected_mask(MW_STATUS_RECEIVED), out, 10);
	assert_true(strlen(out) < 10);
}

/* Withdrawing, rating and adding information belong to the citizen:
 * staff taking them is refused and the complaint is left alone. */
static void test_staff_cannot_take_citizen_actions(void **state)
{
	const mw_calendar *cal = *state;
	static const struct {
		mw_action act;
		mw_status from;
	} cases[] = {
		{ MW_ACT_WITHDRAW, MW_STATUS_IN_PROGRESS },
		{ MW_ACT_PROVIDE_INFO, MW_STATUS_NEEDS_INFO },
		{ MW_ACT_MESSAGE, MW_STATUS_IN_PROGRESS },
		{ MW_ACT_RATE, MW_STATUS_ANSWERED },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mw_complaint cur = make_complaint(cal, cases[i].from), next;
		mw_action_req req = make_req(cases[i].act);
		mw_event ev;
		mw_refusal why;

		req.actor_kind = MW_ACTOR_STAFF;
		req.actor = "lee";
		assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why),
				 MW_ERR_FORBIDDEN);
		assert_int_equal(why.err, MW_ERR_FORBIDDEN);
	}
}

static void test_refusal_message(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_RECEIVED), next;
	mw_action_req req = make_req(MW_ACT_CLOSE);
	mw_event ev;
	mw_refusal why;

	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why),
			 MW_ERR_CONFLICT);
	assert_int_equal(why.err, MW_ERR_CONFLICT);
	assert_non_null(strstr(why.message, "close"));
	assert_non_null(strstr(why.message, "received"));
	/* A staff member is offered the staff actions only. */
	assert_int_equal(why.allowed,
			 (1u << MW_ACT_ASSIGN) | (1u << MW_ACT_START) | (1u << MW_ACT_TRANSFER) |
			 (1u << MW_ACT_COOPERATE) | (1u << MW_ACT_COOP_REPLY) |
			 (1u << MW_ACT_EXTEND) | (1u << MW_ACT_INTERIM_NOTICE) |
			 (1u << MW_ACT_DELAY_NOTICE) | (1u << MW_ACT_MERGE) | (1u << MW_ACT_NOTE) |
			 (1u << MW_ACT_RECATEGORIZE) | (1u << MW_ACT_CALLBACK_DONE));
	/* Nothing at all for the citizen on a transferred complaint (staff
	 * could still add a note). */
	cur = make_complaint(cal, MW_STATUS_TRANSFERRED);
	req = make_req(MW_ACT_MESSAGE);
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why),
			 MW_ERR_CONFLICT);
	assert_int_equal(why.allowed, 0);
	assert_int_equal(mw_lifecycle_allowed_for(MW_STATUS_TRANSFERRED, MW_ACTOR_STAFF),
			 1u << MW_ACT_NOTE);
	assert_non_null(strstr(why.message, "message"));
	assert_non_null(strstr(why.message, "transferred"));
}

/* ---- a whole life, versions ------------------------------------------ */

static void step(const mw_calendar *cal, mw_time now, mw_complaint *c, mw_action_req *req,
		 mw_status want)
{
	mw_complaint next;
	mw_event ev;
	mw_refusal why;
	int rc = mw_lifecycle_apply(cal, now, c, req, &next, &ev, &why);

	if (rc != MW_OK)
		fail_msg("%s from %s: %s (%s)", mw_action_name(req->type),
			 mw_status_name(c->status), mw_err_code(rc), why.message);
	assert_int_equal(next.version, c->version + 1);
	assert_int_equal(next.status, want);
	*c = next;
}

static void test_version_bumps(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c = make_complaint(cal, MW_STATUS_RECEIVED);
	mw_action_req req;
	int64_t v0 = c.version;

	req = make_req(MW_ACT_ASSIGN);
	step(cal, KST(2026, 3, 3, 11, 0, 0), &c, &req, MW_STATUS_ASSIGNED);
	assert_string_equal(c.assignee, "park");
	req = make_req(MW_ACT_START);
	step(cal, KST(2026, 3, 3, 12, 0, 0), &c, &req, MW_STATUS_IN_PROGRESS);
	assert_string_equal(c.assignee, "park");
	req = make_req(MW_ACT_NOTE);
	step(cal, KST(2026, 3, 3, 13, 0, 0), &c, &req, MW_STATUS_IN_PROGRESS);
	req = make_req(MW_ACT_ANSWER);
	step(cal, KST(2026, 3, 4, 9, 0, 0), &c, &req, MW_STATUS_ANSWERED);
	req = make_req(MW_ACT_CLOSE);
	step(cal, KST(2026, 3, 4, 10, 0, 0), &c, &req, MW_STATUS_CLOSED);
	assert_int_equal(c.closed_at, KST(2026, 3, 4, 10, 0, 0));
	req = make_req(MW_ACT_NOTE);
	step(cal, KST(2026, 3, 4, 11, 0, 0), &c, &req, MW_STATUS_CLOSED);
	assert_int_equal(c.version, v0 + 6);
	assert_int_equal(c.updated_at, KST(2026, 3, 4, 11, 0, 0));
}

static void test_start_takes_actor_when_unassigned(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c = make_complaint(cal, MW_STATUS_RECEIVED);
	mw_action_req req = make_req(MW_ACT_START);

	c.assignee = NULL;
	step(cal, NOW, &c, &req, MW_STATUS_IN_PROGRESS);
	assert_string_equal(c.assignee, "lee");
}

/* ---- the clock: start, 보완 pause, resume ------------------------------ */

static void test_start_clock(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c;
	mw_civil civ;

	/* Sanity of the hand-made calendar in the header comment. */
	mw_time_to_kst(KST(2026, 3, 3, 12, 0, 0), &civ);
	assert_int_equal(civ.wday, 2);
	mw_time_to_kst(KST(2026, 3, 16, 12, 0, 0), &civ);
	assert_int_equal(civ.wday, 1);
	assert_false(mw_calendar_is_workday(cal, 2026, 3, 5));

	memset(&c, 0, sizeof(c));
	mw_lifecycle_start_clock(cal, &c, KST(2026, 3, 3, 10, 0, 0), DAYS14);
	assert_int_equal(c.clock_start, KST(2026, 3, 3, 10, 0, 0));
	assert_int_equal(c.period.unit, MW_PERIOD_DAYS);
	assert_int_equal(c.period.amount, 14);
	/* 03-03 04 06 09 10 11 12 13 17 18 19 20 23 24 (05, 16 holidays). */
	CHECK_TIME(c.due_at, EOD(2026, 3, 24));

	mw_lifecycle_start_clock(cal, &c, KST(2026, 3, 3, 10, 0, 0), DAYS7);
	CHECK_TIME(c.due_at, EOD(2026, 3, 12));

	/* Three days are 24 working hours, and kept in hours. */
	mw_lifecycle_start_clock(cal, &c, KST(2026, 3, 10, 10, 0, 0), DAYS3);
	assert_int_equal(c.period.unit, MW_PERIOD_HOURS);
	assert_int_equal(c.period.amount, 24);
	assert_int_equal(c.base_period.unit, MW_PERIOD_DAYS);
	assert_int_equal(c.base_period.amount, 3);
	/* 03-10 7h, 03-11 8h, 03-12 8h, 03-13 09-10. */
	CHECK_TIME(c.due_at, KST(2026, 3, 13, 10, 0, 0));
}

static void test_pause_days_mode(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c;
	mw_complaint next;
	mw_action_req req;
	mw_event ev;
	mw_refusal why;
	mw_time asked = KST(2026, 3, 4, 11, 0, 0), given = KST(2026, 3, 10, 14, 0, 0);

	memset(&c, 0, sizeof(c));
	c.id = 1;
	c.status = MW_STATUS_IN_PROGRESS;
	c.department = "도로과";
	mw_lifecycle_start_clock(cal, &c, KST(2026, 3, 3, 10, 0, 0), DAYS7);
	CHECK_TIME(c.due_at, EOD(2026, 3, 12));

	req = make_req(MW_ACT_REQUEST_INFO);
	req.text = "사진을 첨부해 주세요";
	assert_int_equal(mw_lifecycle_apply(cal, asked, &c, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.status, MW_STATUS_NEEDS_INFO);
	assert_int_equal(next.paused_at, asked);
	assert_int_equal(next.due_at, 0);
	assert_int_equal(ev.due_at, 0);
	assert_string_equal(ev.text, "사진을 첨부해 주세요");
	c = next;

	req = make_req(MW_ACT_PROVIDE_INFO);
	req.actor_kind = MW_ACTOR_CITIZEN;
	req.actor = NULL;
	assert_int_equal(mw_lifecycle_apply(cal, given, &c, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.status, MW_STATUS_IN_PROGRESS);
	assert_int_equal(next.paused_at, 0);
	assert_int_equal(next.npauses, 1);
	assert_int_equal(next.pauses[0].start, asked);
	assert_int_equal(next.pauses[0].end, given);
	/* Pause covers working days 03-06, 03-09, 03-10 (03-05 is a
	 * holiday): three days after 03-12 are 03-13, 03-17, 03-18. */
	CHECK_TIME(next.due_at, EOD(2026, 3, 18));
	assert_int_equal(ev.due_at, next.due_at);
	assert_int_equal(next.clock_start, KST(2026, 3, 3, 10, 0, 0));
}

static void test_pause_hours_mode(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c;
	mw_complaint next;
	mw_action_req req;
	mw_event ev;
	mw_refusal why;
	mw_time asked = KST(2026, 3, 11, 10, 0, 0), given = KST(2026, 3, 12, 15, 0, 0);

	memset(&c, 0, sizeof(c));
	c.id = 1;
	c.status = MW_STATUS_ASSIGNED;
	mw_lifecycle_start_clock(cal, &c, KST(2026, 3, 10, 10, 0, 0), DAYS3);
	CHECK_TIME(c.due_at, KST(2026, 3, 13, 10, 0, 0));

	req = make_req(MW_ACT_REQUEST_INFO);
	assert_int_equal(mw_lifecycle_apply(cal, asked, &c, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.due_at, 0);
	assert_int_equal(next.paused_at, asked);
	c = next;

	/* Extending while the clock is stopped keeps it stopped. */
	req = make_req(MW_ACT_EXTEND);
	req.period = (mw_period){ 1, MW_PERIOD_DAYS };
	assert_int_equal(mw_lifecycle_apply(cal, asked + 60, &c, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.status, MW_STATUS_NEEDS_INFO);
	assert_int_equal(next.due_at, 0);
	assert_int_equal(next.period.unit, MW_PERIOD_HOURS);
	assert_int_equal(next.period.amount, 32);

	/* Without the extension: 8h used before the pause, 16h after
	 * 03-12 15:00: 3 + 8 (03-13) + [03-16 holiday] + 5 (03-17 until 15:00). */
	req = make_req(MW_ACT_PROVIDE_INFO);
	assert_int_equal(mw_lifecycle_apply(cal, given, &c, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.paused_at, 0);
	assert_int_equal(next.status, MW_STATUS_IN_PROGRESS);
	CHECK_TIME(next.due_at, KST(2026, 3, 17, 15, 0, 0));
}

static void test_pause_rounds_bounded(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c, next;
	mw_action_req ask = make_req(MW_ACT_REQUEST_INFO), give = make_req(MW_ACT_PROVIDE_INFO);
	mw_event ev;
	mw_refusal why;
	mw_time t = KST(2026, 4, 6, 9, 30, 0), prev_due;

	memset(&c, 0, sizeof(c));
	c.id = 1;
	c.status = MW_STATUS_IN_PROGRESS;
	mw_lifecycle_start_clock(cal, &c, KST(2026, 4, 6, 9, 0, 0), (mw_period){ 30, MW_PERIOD_DAYS });
	prev_due = c.due_at;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(mw_lifecycle_apply(cal, t, &c, &ask, &next, &ev, &why), MW_OK);
		c = next;
		t += 86400;
		assert_int_equal(mw_lifecycle_apply(cal, t, &c, &give, &next, &ev, &why), MW_OK);
		c = next;
		t += 3600;
		assert_true(c.npauses <= MW_MAX_PAUSES);
		assert_int_equal(c.npauses, i + 1 < MW_MAX_PAUSES ? (size_t)i + 1 : MW_MAX_PAUSES);
		for (size_t k = 0; k < c.npauses; k++) {
			assert_true(c.pauses[k].start < c.pauses[k].end);
			if (k)
				assert_true(c.pauses[k - 1].end <= c.pauses[k].start);
		}
		assert_true(c.due_at >= prev_due);
		prev_due = c.due_at;
	}
}

/* ---- transfer -------------------------------------------------------- */

static void test_transfer_department(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_IN_PROGRESS), next;
	mw_action_req req = make_req(MW_ACT_TRANSFER);
	mw_event ev;
	mw_refusal why;

	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.status, MW_STATUS_ASSIGNED);
	assert_string_equal(next.department, "건축과");
	assert_null(next.assignee);
	assert_null(next.agency);
	assert_int_equal(next.closed_at, 0);
	/* The legal clock keeps running within the office. */
	assert_int_equal(next.clock_start, cur.clock_start);
	CHECK_TIME(next.due_at, cur.due_at);
	CHECK_TIME(next.due_at, EOD(2026, 3, 24));
	assert_string_equal(ev.buf, "건축과");
	assert_string_equal(ev.text, "관할 부서 확인");
	assert_true(ev.is_public);
}

static void test_transfer_agency(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_ASSIGNED), next;
	mw_action_req req = make_req(MW_ACT_TRANSFER);
	mw_event ev;
	mw_refusal why;

	req.department = NULL;
	req.agency = "국토교통부";
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.status, MW_STATUS_TRANSFERRED);
	assert_true(mw_status_is_final(next.status));
	assert_string_equal(next.agency, "국토교통부");
	assert_string_equal(next.department, "도로과");
	assert_int_equal(next.closed_at, NOW);
	assert_string_equal(ev.buf, "국토교통부");
	assert_int_equal(ev.to, MW_STATUS_TRANSFERRED);
}

static void test_transfer_refusals(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_ASSIGNED), next;
	mw_action_req req;
	mw_event ev;
	mw_refusal why;

	req = make_req(MW_ACT_TRANSFER);
	req.text = NULL;
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);
	assert_int_equal(why.err, MW_ERR_INVALID);
	assert_true(why.message[0] != '\0');

	req = make_req(MW_ACT_TRANSFER);
	req.text = " \t\r\n";
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);

	req = make_req(MW_ACT_TRANSFER);
	req.department = "도로과"; /* where it already is */
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);
	assert_int_equal(why.err, MW_ERR_INVALID);

	req = make_req(MW_ACT_TRANSFER);
	req.department = NULL;
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);

	req = make_req(MW_ACT_TRANSFER);
	req.department = "  ";
	req.agency = "";
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);
}

/* ---- cooperation ----------------------------------------------------- */

static void test_cooperate(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_IN_PROGRESS), next;
	mw_action_req req = make_req(MW_ACT_COOPERATE);
	mw_event ev;
	mw_refusal why;

	/* Default sub-deadline: 3 days = 24 working hours from Fri 03-13
	 * 16:00: 2 + [03-16 holiday] + 8 + 8 + 6 -> Thu 03-19 16:00. */
	assert_int_equal(mw_lifecycle_apply(cal, KST(2026, 3, 13, 16, 0, 0), &cur, &req, &next, &ev,
					    &why), MW_OK);
	assert_int_equal(next.status, MW_STATUS_IN_PROGRESS);
	CHECK_TIME(ev.sub_due, KST(2026, 3, 19, 16, 0, 0));
	assert_false(ev.is_public);
	assert_string_equal(ev.buf, "건축과");
	assert_string_equal(next.department, "도로과");
	assert_int_equal(next.due_at, cur.due_at);

	/* An explicit sub-deadline: 4 working hours from Tue 03-10 10:00. */
	req.period = (mw_period){ 4, MW_PERIOD_HOURS };
	assert_int_equal(mw_lifecycle_apply(cal, KST(2026, 3, 10, 10, 0, 0), &cur, &req, &next,
					    &ev, &why), MW_OK);
	CHECK_TIME(ev.sub_due, KST(2026, 3, 10, 15, 0, 0));

	/* Two days = 16 hours from 03-10 10:00: 7 + 8 + 1. */
	req.period = (mw_period){ 2, MW_PERIOD_DAYS };
	assert_int_equal(mw_lifecycle_apply(cal, KST(2026, 3, 10, 10, 0, 0), &cur, &req, &next,
					    &ev, &why), MW_OK);
	CHECK_TIME(ev.sub_due, KST(2026, 3, 12, 10, 0, 0));

	/* Other actions leave sub_due at 0. */
	req = make_req(MW_ACT_NOTE);
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(ev.sub_due, 0);
}

static void test_cooperate_refusals(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_ASSIGNED), next;
	mw_action_req req;
	mw_event ev;
	mw_refusal why;

	req = make_req(MW_ACT_COOPERATE);
	req.department = "도로과";
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);
	req = make_req(MW_ACT_COOPERATE);
	req.department = NULL;
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);
	req = make_req(MW_ACT_COOPERATE);
	req.text = "";
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);
}

/* ---- extensions (연장) ------------------------------------------------ */

static int extend(const mw_calendar *cal, mw_complaint *c, mw_period p, bool consent)
{
	mw_complaint next;
	mw_action_req req = make_req(MW_ACT_EXTEND);
	mw_event ev;
	mw_refusal why;
	int rc;

	req.period = p;
	req.citizen_consent = consent;
	rc = mw_lifecycle_apply(cal, NOW, c, &req, &next, &ev, &why);
	if (rc == MW_OK) {
		assert_int_equal(next.version, c->version + 1);
		assert_int_equal(ev.due_at, next.due_at);
		*c = next;
	} else {
		assert_int_equal(why.err, rc);
		assert_true(why.message[0] != '\0');
	}
	return rc;
}

static void test_extend_days(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c = make_complaint(cal, MW_STATUS_IN_PROGRESS);

	CHECK_TIME(c.due_at, EOD(2026, 3, 24));
	/* Once freely. */
	assert_int_equal(extend(cal, &c, DAYS7, false), MW_OK);
	assert_int_equal(c.extensions, 1);
	assert_int_equal(c.period.unit, MW_PERIOD_DAYS);
	assert_int_equal(c.period.amount, 21);
	assert_int_equal(c.base_period.amount, 14);
	CHECK_TIME(c.due_at, EOD(2026, 4, 2));
	assert_int_equal(c.status, MW_STATUS_IN_PROGRESS);

	/* Twice only with the citizen's consent. */
	assert_int_equal(extend(cal, &c, (mw_period){ 5, MW_PERIOD_DAYS }, false), MW_ERR_CONFLICT);
	assert_int_equal(c.extensions, 1);
	assert_int_equal(extend(cal, &c, (mw_period){ 5, MW_PERIOD_DAYS }, true), MW_OK);
	assert_int_equal(c.extensions, 2);
	assert_int_equal(c.period.amount, 26);
	CHECK_TIME(c.due_at, EOD(2026, 4, 9));

	/* Never a third time. */
	assert_int_equal(extend(cal, &c, (mw_period){ 1, MW_PERIOD_DAYS }, true), MW_ERR_CONFLICT);
	assert_int_equal(extend(cal, &c, (mw_period){ 1, MW_PERIOD_DAYS }, false), MW_ERR_CONFLICT);
	assert_int_equal(c.extensions, 2);
}

static void test_extend_limits(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c = make_complaint(cal, MW_STATUS_ASSIGNED);
	mw_time due0 = c.due_at;

	/* Not longer than the processing period itself. */
	assert_int_equal(extend(cal, &c, (mw_period){ 15, MW_PERIOD_DAYS }, false), MW_ERR_INVALID);
	/* A days-mode period is extended in days, not hours. */
	assert_int_equal(extend(cal, &c, (mw_period){ 8, MW_PERIOD_HOURS }, false), MW_ERR_INVALID);
	assert_int_equal(extend(cal, &c, (mw_period){ 0, MW_PERIOD_DAYS }, false), MW_ERR_INVALID);
	assert_int_equal(extend(cal, &c, (mw_period){ -3, MW_PERIOD_DAYS }, false), MW_ERR_INVALID);
	assert_int_equal(c.extensions, 0);
	assert_int_equal(c.due_at, due0);
	/* Exactly as long is fine. */
	assert_int_equal(extend(cal, &c, DAYS14, false), MW_OK);
	assert_int_equal(c.period.amount, 28);
	assert_int_equal(c.extensions, 1);

	/* A reason is required. */
	{
		mw_complaint next;
		mw_action_req req = make_req(MW_ACT_EXTEND);
		mw_event ev;
		mw_refusal why;

		req.text = NULL;
		req.citizen_consent = true;
		assert_int_equal(mw_lifecycle_apply(cal, NOW, &c, &req, &next, &ev, &why),
				 MW_ERR_INVALID);
	}
}

static void test_extend_hours(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c;

	memset(&c, 0, sizeof(c));
	c.id = 1;
	c.status = MW_STATUS_IN_PROGRESS;
	mw_lifecycle_start_clock(cal, &c, KST(2026, 3, 10, 10, 0, 0), DAYS3);
	CHECK_TIME(c.due_at, KST(2026, 3, 13, 10, 0, 0));

	/* Longer than 24 working hours: refused in either unit. */
	assert_int_equal(extend(cal, &c, (mw_period){ 4, MW_PERIOD_DAYS }, false), MW_ERR_INVALID);
	assert_int_equal(extend(cal, &c, (mw_period){ 25, MW_PERIOD_HOURS }, false),
			 MW_ERR_INVALID);

	/* Two days are 16 hours; the period stays in hours: 40h from 03-10
	 * 10:00 is 7 + 8 + 8 + 8 + [03-16] + 8 + 1 -> 03-18 10:00. */
	assert_int_equal(extend(cal, &c, (mw_period){ 2, MW_PERIOD_DAYS }, false), MW_OK);
	assert_int_equal(c.period.unit, MW_PERIOD_HOURS);
	assert_int_equal(c.period.amount, 40);
	CHECK_TIME(c.due_at, KST(2026, 3, 18, 10, 0, 0));

	/* 24 more hours with consent: 7 (03-18) + 8 + 8 + 1 -> Mon 03-23 10:00. */
	assert_int_equal(extend(cal, &c, (mw_period){ 24, MW_PERIOD_HOURS }, true), MW_OK);
	assert_int_equal(c.period.unit, MW_PERIOD_HOURS);
	assert_int_equal(c.period.amount, 64);
	assert_int_equal(c.extensions, 2);
	CHECK_TIME(c.due_at, KST(2026, 3, 23, 10, 0, 0));
	assert_int_equal(extend(cal, &c, (mw_period){ 1, MW_PERIOD_HOURS }, true), MW_ERR_CONFLICT);
}

/* ---- answer, rating, reopen, merge ----------------------------------- */

static void test_answer(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_IN_PROGRESS), next;
	mw_action_req req = make_req(MW_ACT_ANSWER);
	mw_event ev;
	mw_refusal why;

	req.text = "3월 12일까지 보수하겠습니다.";
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.status, MW_STATUS_ANSWERED);
	assert_string_equal(next.answer, "3월 12일까지 보수하겠습니다.");
	assert_int_equal(next.answered_at, NOW);
	assert_int_equal(next.closed_at, 0);
	assert_false(mw_status_is_open(next.status));
	assert_false(mw_status_is_final(next.status));
	assert_string_equal(ev.text, "3월 12일까지 보수하겠습니다.");
}

static mw_complaint rated_setup(const mw_calendar *cal, mw_status s)
{
	mw_complaint c = make_complaint(cal, s);

	/* Some history for the fresh clock to wipe. */
	c.extensions = 1;
	c.period.amount = 21;
	c.npauses = 1;
	c.pauses[0].start = KST(2026, 3, 4, 10, 0, 0);
	c.pauses[0].end = KST(2026, 3, 5, 10, 0, 0);
	mw_lifecycle_recompute_due(cal, &c);
	return c;
}

static void test_rate_low_reopens(void **state)
{
	const mw_calendar *cal = *state;
	mw_time now = KST(2026, 4, 1, 10, 0, 0);

	for (int rating = 1; rating <= 2; rating++) {
		for (int k = 0; k < 2; k++) {
			mw_status s = k ? MW_STATUS_CLOSED : MW_STATUS_ANSWERED;
			mw_complaint cur = rated_setup(cal, s), next;
			mw_action_req req = make_req(MW_ACT_RATE);
			mw_event ev;
			mw_refusal why;

			req.actor_kind = MW_ACTOR_CITIZEN;
			req.actor = NULL;
			req.rating = rating;
			assert_int_equal(mw_lifecycle_apply(cal, now, &cur, &req, &next, &ev, &why),
					 MW_OK);
			assert_int_equal(next.status, MW_STATUS_REOPENED);
			/* The low rating lives on in the event; the complaint's
			 * rating is cleared so the second answer can be rated. */
			assert_int_equal(next.rating, 0);
			assert_string_equal(ev.buf, rating == 1 ? "1" : "2");
			assert_int_equal(next.clock_start, now);
			assert_int_equal(next.extensions, 0);
			assert_int_equal(next.npauses, 0);
			assert_int_equal(next.paused_at, 0);
			assert_int_equal(next.closed_at, 0);
			assert_int_equal(next.period.amount, 14);
			assert_int_equal(next.period.unit, MW_PERIOD_DAYS);
			/* 14 working days from Wed 04-01: ... 04-17, 04-20. */
			CHECK_TIME(next.due_at, EOD(2026, 4, 20));
			assert_int_equal(ev.to, MW_STATUS_REOPENED);
			assert_int_equal(ev.due_at, next.due_at);
			assert_true(mw_status_is_open(next.status));
		}
	}

	/* A chosen period for the second look. */
	{
		mw_complaint cur = rated_setup(cal, MW_STATUS_ANSWERED), next;
		mw_action_req req = make_req(MW_ACT_RATE);
		mw_event ev;
		mw_refusal why;

		req.rating = 1;
		req.reopen_period = DAYS7;
		assert_int_equal(mw_lifecycle_apply(cal, now, &cur, &req, &next, &ev, &why), MW_OK);
		assert_int_equal(next.period.amount, 7);
		CHECK_TIME(next.due_at, EOD(2026, 4, 9));
	}
}

static void test_rate_high_closes(void **state)
{
	const mw_calendar *cal = *state;
	mw_time now = KST(2026, 4, 1, 10, 0, 0);

	for (int rating = 3; rating <= 5; rating++) {
		mw_complaint cur = rated_setup(cal, MW_STATUS_ANSWERED), next;
		mw_action_req req = make_req(MW_ACT_RATE);
		mw_event ev;
		mw_refusal why;
		char want[4];

		req.actor_kind = MW_ACTOR_CITIZEN;
		req.rating = rating;
		assert_int_equal(mw_lifecycle_apply(cal, now, &cur, &req, &next, &ev, &why), MW_OK);
		assert_int_equal(next.status, MW_STATUS_CLOSED);
		assert_int_equal(next.rating, rating);
		assert_int_equal(next.closed_at, now);
		assert_int_equal(next.clock_start, cur.clock_start);
		assert_int_equal(next.extensions, 1);
		snprintf(want, sizeof(want), "%d", rating);
		assert_string_equal(ev.buf, want);
	}
	/* Rating a closed complaint keeps its closing time. */
	{
		mw_complaint cur = rated_setup(cal, MW_STATUS_CLOSED), next;
		mw_action_req req = make_req(MW_ACT_RATE);
		mw_event ev;
		mw_refusal why;

		req.rating = 5;
		assert_int_equal(mw_lifecycle_apply(cal, now, &cur, &req, &next, &ev, &why), MW_OK);
		assert_int_equal(next.status, MW_STATUS_CLOSED);
		assert_int_equal(next.closed_at, cur.closed_at);
	}
}

static void test_rate_refusals(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = rated_setup(cal, MW_STATUS_ANSWERED), next;
	mw_action_req req = make_req(MW_ACT_RATE);
	mw_event ev;
	mw_refusal why;
	static const int bad[] = { 0, 6, -1, 100 };

	req.actor_kind = MW_ACTOR_CITIZEN;
	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++) {
		req.rating = bad[i];
		assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why),
				 MW_ERR_INVALID);
		assert_int_equal(why.err, MW_ERR_INVALID);
	}

	/* A second rating. */
	req.rating = 4;
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_OK);
	cur = next;
	assert_int_equal(cur.status, MW_STATUS_CLOSED);
	req.rating = 5;
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why),
			 MW_ERR_CONFLICT);
	assert_int_equal(why.err, MW_ERR_CONFLICT);
	req.rating = 1;
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why),
			 MW_ERR_CONFLICT);
	assert_int_equal(cur.rating, 4);
}

static void test_reopen_restarts_clock(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = rated_setup(cal, MW_STATUS_CLOSED), next;
	mw_action_req req = make_req(MW_ACT_REOPEN);
	mw_event ev;
	mw_refusal why;
	mw_time now = KST(2026, 4, 1, 10, 0, 0);

	assert_int_equal(mw_lifecycle_apply(cal, now, &cur, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.status, MW_STATUS_REOPENED);
	assert_int_equal(next.clock_start, now);
	assert_int_equal(next.extensions, 0);
	assert_int_equal(next.npauses, 0);
	assert_int_equal(next.closed_at, 0);
	CHECK_TIME(next.due_at, EOD(2026, 4, 20));
}

static void test_merge(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_RECEIVED), next;
	mw_action_req req = make_req(MW_ACT_MERGE);
	mw_event ev;
	mw_refusal why;
	static const int64_t bad[] = { 0, -1, 42 };

	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++) {
		req.merge_into = bad[i];
		assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why),
				 MW_ERR_INVALID);
		assert_int_equal(why.err, MW_ERR_INVALID);
	}
	req.merge_into = 99;
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.status, MW_STATUS_MERGED);
	assert_int_equal(next.merged_into, 99);
	assert_int_equal(next.closed_at, NOW);
	assert_string_equal(ev.buf, "2603-000099");
}

static void test_recategorize(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_ASSIGNED), next;
	mw_action_req req = make_req(MW_ACT_RECATEGORIZE);
	mw_event ev;
	mw_refusal why;

	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_OK);
	assert_string_equal(next.category, "water");
	assert_string_equal(next.department, "도로과");
	assert_string_equal(next.assignee, "kim");
	req.department = "상하수도과";
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_OK);
	assert_string_equal(next.department, "상하수도과");
	assert_null(next.assignee);
	req.category = " ";
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);
}

/* ---- actors and text ------------------------------------------------- */

static void test_citizen_cannot_take_staff_actions(void **state)
{
	const mw_calendar *cal = *state;

	for (int ai = 0; ai < NACTION; ai++) {
		const struct expect_row *row = &table[ai];
		int si;

		for (si = 0; si < NSTATUS && !row->from[si]; si++)
			;
		assert_true(si < NSTATUS);
		{
			mw_complaint cur = make_complaint(cal, col_status[si]), next;
			mw_action_req req = make_req(row->act);
			mw_event ev;
			mw_refusal why;
			int rc;

			req.actor_kind = MW_ACTOR_CITIZEN;
			req.actor = NULL;
			rc = mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why);
			if (row->staff_only) {
				if (rc != MW_ERR_FORBIDDEN)
					fail_msg("citizen %s from %s: %s, want forbidden",
						 row->name, status_names[si], mw_err_code(rc));
				assert_int_equal(why.err, MW_ERR_FORBIDDEN);
			} else if (rc != MW_OK) {
				fail_msg("citizen %s from %s: %s (%s), want ok", row->name,
					 status_names[si], mw_err_code(rc), why.message);
			}
			/* The system may take any action. */
			req.actor_kind = MW_ACTOR_SYSTEM;
			assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why),
					 MW_OK);
		}
	}
}

static void test_blank_text_refused(void **state)
{
	const mw_calendar *cal = *state;
	static const mw_action needs_text[] = {
		MW_ACT_REQUEST_INFO, MW_ACT_PROVIDE_INFO, MW_ACT_TRANSFER, MW_ACT_COOPERATE,
		MW_ACT_COOP_REPLY, MW_ACT_EXTEND, MW_ACT_INTERIM_NOTICE, MW_ACT_ANSWER,
		MW_ACT_MESSAGE, MW_ACT_NOTE, MW_ACT_DELAY_NOTICE, MW_ACT_CALLBACK_DONE,
	};
	static const char *const blanks[] = { "  \n", "", "\t\r\n ", NULL };

	for (size_t i = 0; i < MW_ARRAY_LEN(needs_text); i++) {
		const struct expect_row *row = row_of(needs_text[i]);
		int si;

		for (si = 0; si < NSTATUS && !row->from[si]; si++)
			;
		for (size_t b = 0; b < MW_ARRAY_LEN(blanks); b++) {
			mw_complaint cur = make_complaint(cal, col_status[si]), next;
			mw_action_req req = make_req(row->act);
			mw_event ev;
			mw_refusal why;
			int rc;

			req.text = blanks[b];
			rc = mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why);
			if (rc != MW_ERR_INVALID)
				fail_msg("%s with text %s%s%s: %s, want invalid", row->name,
					 blanks[b] ? "\"" : "", blanks[b] ? blanks[b] : "NULL",
					 blanks[b] ? "\"" : "", mw_err_code(rc));
			assert_int_equal(why.err, MW_ERR_INVALID);
			assert_true(why.message[0] != '\0');
		}
	}
}

/* 통화 완료 records the call a citizen asked for: only while one is
 * pending, and only once; the complaint's state and clock stay. */
static void test_callback_done(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_ASSIGNED), next;
	mw_action_req req = make_req(MW_ACT_CALLBACK_DONE);
	mw_event ev;
	mw_refusal why;

	req.text = "3월 11일 14시 통화, 신청 방법을 안내했습니다.";
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.callback, MW_CALLBACK_DONE);
	assert_int_equal(next.status, MW_STATUS_ASSIGNED);
	assert_int_equal(next.due_at, cur.due_at);
	assert_true(ev.is_public);
	assert_string_equal(ev.kind, "callback_done");
	assert_string_equal(ev.text, req.text);
	/* Done, or never asked for: refused, and not offered. */
	for (int cb = MW_CALLBACK_NONE; cb < MW_CALLBACK__COUNT; cb++) {
		if (cb == MW_CALLBACK_PENDING)
			continue;
		cur.callback = (mw_callback)cb;
		assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why),
				 MW_ERR_CONFLICT);
		assert_non_null(strstr(why.message, "call-back"));
		assert_int_equal(why.allowed & (1u << MW_ACT_CALLBACK_DONE), 0);
		assert_int_equal(mw_lifecycle_allowed_on(&cur, MW_ACTOR_STAFF),
				 expected_mask_for(MW_STATUS_ASSIGNED, true) &
					 ~(1u << MW_ACT_CALLBACK_DONE));
	}
	cur.callback = MW_CALLBACK_PENDING;
	assert_int_equal(mw_lifecycle_allowed_on(&cur, MW_ACTOR_STAFF),
			 expected_mask_for(MW_STATUS_ASSIGNED, true));
	assert_int_equal(mw_lifecycle_allowed_on(&cur, MW_ACTOR_CITIZEN),
			 expected_mask_for(MW_STATUS_ASSIGNED, false));
	/* Other actions leave the request as it is. */
	req = make_req(MW_ACT_ANSWER);
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_OK);
	assert_int_equal(next.callback, MW_CALLBACK_PENDING);
	/* The API's names. */
	assert_null(mw_callback_name(MW_CALLBACK_NONE));
	assert_string_equal(mw_callback_name(MW_CALLBACK_PENDING), "pending");
	assert_string_equal(mw_callback_name(MW_CALLBACK_DONE), "done");
	assert_null(mw_callback_name(MW_CALLBACK__COUNT));
}

static void test_unknown_action(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint cur = make_complaint(cal, MW_STATUS_RECEIVED), next;
	mw_action_req req = make_req(MW_ACT_NOTE);
	mw_event ev;
	mw_refusal why;

	req.type = MW_ACT__COUNT;
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);
	req.type = (mw_action)-1;
	assert_int_equal(mw_lifecycle_apply(cal, NOW, &cur, &req, &next, &ev, &why), MW_ERR_INVALID);
}

/* ---- late: extension before the due time, delay notices ---------------- */

static int apply_at(const mw_calendar *cal, mw_time now, mw_complaint *c, mw_action_req *req,
		    mw_refusal *why, mw_event *ev)
{
	mw_complaint next;
	int rc = mw_lifecycle_apply(cal, now, c, req, &next, ev, why);

	if (rc == MW_OK)
		*c = next;
	return rc;
}

static void test_extend_only_before_the_due_time(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c = make_complaint(cal, MW_STATUS_IN_PROGRESS);
	mw_action_req req = make_req(MW_ACT_EXTEND), info;
	mw_refusal why;
	mw_event ev;

	/* Due Tue 03-24 23:59:59; the next morning it is too late. */
	assert_int_equal(apply_at(cal, KST(2026, 3, 25, 9, 0, 0), &c, &req, &why, &ev),
			 MW_ERR_CONFLICT);
	assert_non_null(strstr(why.message, "delay_notice"));
	assert_int_equal(c.extensions, 0);
	/* The last second of the period still extends it. */
	assert_int_equal(apply_at(cal, EOD(2026, 3, 24), &c, &req, &why, &ev), MW_OK);
	assert_int_equal(c.extensions, 1);
	/* While 보완 stops the clock there is no due time to have passed. */
	c = make_complaint(cal, MW_STATUS_NEEDS_INFO);
	assert_int_equal(apply_at(cal, KST(2026, 5, 4, 10, 0, 0), &c, &req, &why, &ev), MW_OK);
	/* ...unless the period had run out before 보완 was asked: a late
	 * complaint is not extended by asking for 보완 first. */
	c = make_complaint(cal, MW_STATUS_IN_PROGRESS);
	info = make_req(MW_ACT_REQUEST_INFO);
	assert_int_equal(apply_at(cal, KST(2026, 3, 25, 9, 0, 0), &c, &info, &why, &ev), MW_OK);
	assert_int_equal(c.status, MW_STATUS_NEEDS_INFO);
	assert_int_equal(apply_at(cal, KST(2026, 3, 26, 9, 0, 0), &c, &req, &why, &ev),
			 MW_ERR_CONFLICT);
	assert_int_equal(c.extensions, 0);
}

static void test_delay_notice(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c = make_complaint(cal, MW_STATUS_IN_PROGRESS);
	mw_action_req req = make_req(MW_ACT_DELAY_NOTICE);
	mw_refusal why;
	mw_event ev;
	mw_time due = c.due_at;

	/* Before the due time, when the office already knows. */
	assert_int_equal(apply_at(cal, NOW, &c, &req, &why, &ev), MW_OK);
	assert_string_equal(ev.kind, "delay_notice");
	assert_true(ev.is_public);
	assert_string_equal(ev.text, "현장 측량 일정이 밀렸습니다");
	assert_string_equal(ev.buf, "2026-04-30T18:00:00+09:00");
	/* It moves no due time: late stays late. */
	assert_int_equal(c.due_at, due);
	assert_int_equal(c.extensions, 0);
	assert_int_equal(c.status, MW_STATUS_IN_PROGRESS);
	/* After the due time, too. */
	req.expected_at = KST(2026, 4, 3, 18, 0, 0);
	assert_int_equal(apply_at(cal, KST(2026, 3, 26, 9, 0, 0), &c, &req, &why, &ev), MW_OK);
	assert_int_equal(c.due_at, due);

	/* A date, after now and after the due time, within a year. */
	req.expected_at = 0;
	assert_int_equal(apply_at(cal, NOW, &c, &req, &why, &ev), MW_ERR_INVALID);
	assert_non_null(strstr(why.message, "expected_at"));
	req.expected_at = KST(2026, 3, 20, 18, 0, 0);
	assert_int_equal(apply_at(cal, NOW, &c, &req, &why, &ev), MW_ERR_INVALID);
	req.expected_at = KST(2026, 3, 27, 9, 0, 0);
	assert_int_equal(apply_at(cal, KST(2026, 3, 27, 10, 0, 0), &c, &req, &why, &ev),
			 MW_ERR_INVALID);
	req.expected_at = KST(2027, 4, 1, 9, 0, 0);
	assert_int_equal(apply_at(cal, NOW, &c, &req, &why, &ev), MW_ERR_INVALID);
	assert_non_null(strstr(why.message, "year"));
	/* Not while 보완 stops the clock: nothing can be late then. */
	c = make_complaint(cal, MW_STATUS_NEEDS_INFO);
	req.expected_at = KST(2026, 4, 30, 18, 0, 0);
	assert_int_equal(apply_at(cal, NOW, &c, &req, &why, &ev), MW_ERR_CONFLICT);
}

/* ---- the end of a 보완 period ------------------------------------------- */

static void test_info_period_over(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c = make_complaint(cal, MW_STATUS_NEEDS_INFO);
	mw_action_req close = make_req(MW_ACT_CLOSE), again = make_req(MW_ACT_REQUEST_INFO);
	mw_refusal why;
	mw_event ev;

	/* Asked Tue 03-10 11:00; 7 days: 10 11 12 13 (16 a holiday) 17 18 19. */
	close.info_period = again.info_period = (mw_period){ 0, MW_PERIOD_DAYS };
	CHECK_TIME(mw_lifecycle_info_due(cal, &c, close.info_period), EOD(2026, 3, 19));
	/* A short one counts working hours: 6 h, 8 h, 8 h, then 09-11. */
	CHECK_TIME(mw_lifecycle_info_due(cal, &c, (mw_period){ 3, MW_PERIOD_DAYS }),
		   KST(2026, 3, 13, 11, 0, 0));
	close.text = "기한까지 보완하지 않아 종결합니다";
	assert_int_equal(apply_at(cal, NOW, &c, &close, &why, &ev), MW_ERR_CONFLICT);
	assert_non_null(strstr(why.message, "2026-03-19T23:59:59+09:00"));
	assert_int_equal(apply_at(cal, EOD(2026, 3, 19), &c, &again, &why, &ev), MW_ERR_CONFLICT);
	assert_int_equal(c.status, MW_STATUS_NEEDS_INFO);

	/* Over: ask again; a new period runs from now, the clock stays
	 * stopped and the time so far is one pause. */
	assert_int_equal(apply_at(cal, KST(2026, 3, 20, 9, 0, 0), &c, &again, &why, &ev), MW_OK);
	assert_int_equal(c.status, MW_STATUS_NEEDS_INFO);
	assert_int_equal(c.paused_at, KST(2026, 3, 20, 9, 0, 0));
	assert_int_equal(c.due_at, 0);
	assert_int_equal(c.npauses, 1);
	assert_int_equal(c.pauses[0].start, KST(2026, 3, 10, 11, 0, 0));
	assert_int_equal(c.pauses[0].end, KST(2026, 3, 20, 9, 0, 0));
	/* 20 23 24 25 26 27 30. */
	CHECK_TIME(mw_lifecycle_info_due(cal, &c, close.info_period), EOD(2026, 3, 30));
	assert_int_equal(apply_at(cal, KST(2026, 3, 30, 18, 0, 0), &c, &close, &why, &ev),
			 MW_ERR_CONFLICT);
	/* Unanswered twice: the office may close it, with the reason. */
	close.text = NULL;
	assert_int_equal(apply_at(cal, KST(2026, 3, 31, 9, 0, 0), &c, &close, &why, &ev),
			 MW_ERR_INVALID);
	close.text = "두 차례 보완을 요청했으나 답이 없어 종결합니다";
	assert_int_equal(apply_at(cal, KST(2026, 3, 31, 9, 0, 0), &c, &close, &why, &ev), MW_OK);
	assert_int_equal(c.status, MW_STATUS_CLOSED);
	assert_int_equal(c.paused_at, 0);
}

static void test_resume_without_the_info(void **state)
{
	const mw_calendar *cal = *state;
	mw_complaint c = make_complaint(cal, MW_STATUS_NEEDS_INFO);
	mw_action_req req = make_req(MW_ACT_RESUME);
	mw_refusal why;
	mw_event ev;

	/* Any time: the officer goes on with what the office has. */
	req.text = NULL;
	assert_int_equal(apply_at(cal, NOW, &c, &req, &why, &ev), MW_OK);
	assert_int_equal(c.status, MW_STATUS_IN_PROGRESS);
	assert_int_equal(c.paused_at, 0);
	assert_int_equal(c.npauses, 1);
	assert_int_equal(c.pauses[0].end, NOW);
	/* Paused 03-10 11:00 to 03-11 14:00: 03-11 is not counted, so the
	 * due day moves one working day, from Tue 03-24 to Wed 03-25. */
	CHECK_TIME(c.due_at, EOD(2026, 3, 25));
	assert_true(ev.is_public);
}

/* ---- names ----------------------------------------------------------- */

static void test_names(void **state)
{
	static const char *const channels[] = { "web", "app", "field", "phone", "visit", "open311" };
	static const char *const bad[] = { "", "unknown", "RECEIVED", "Received", "received ",
					   " web", "assign\n", "x" };
	mw_status s;
	mw_action a;
	mw_channel ch;

	(void)state;
	for (int i = 0; i < NSTATUS; i++) {
		mw_status st = col_status[i];

		assert_string_equal(mw_status_name(st), status_names[i]);
		assert_int_equal(mw_status_parse(status_names[i], &s), MW_OK);
		assert_int_equal(s, st);
		assert_int_equal(mw_status_is_final(st), status_final[i]);
		assert_int_equal(mw_status_is_open(st),
				 !status_final[i] && st != MW_STATUS_ANSWERED);
		assert_true(strlen(mw_status_label_ko(st)) > 0);
	}
	assert_string_equal(mw_status_label_ko(MW_STATUS_IN_PROGRESS), "처리중");
	assert_string_equal(mw_status_name(MW_STATUS__COUNT), "unknown");
	assert_false(mw_status_is_final(MW_STATUS__COUNT));

	for (int i = 0; i < NACTION; i++) {
		assert_string_equal(mw_action_name(table[i].act), table[i].name);
		assert_int_equal(mw_action_parse(table[i].name, &a), MW_OK);
		assert_int_equal(a, table[i].act);
		assert_int_equal(mw_action_is_public(table[i].act), table[i].is_public);
		assert_true(strlen(mw_action_label_ko(table[i].act)) > 0);
	}
	assert_string_equal(mw_action_label_ko(MW_ACT_TRANSFER), "이송");
	assert_string_equal(mw_action_name(MW_ACT__COUNT), "unknown");
	assert_false(mw_action_is_public(MW_ACT__COUNT));

	for (int i = 0; i < MW_CHANNEL__COUNT; i++) {
		assert_string_equal(mw_channel_name((mw_channel)i), channels[i]);
		assert_int_equal(mw_channel_parse(channels[i], &ch), MW_OK);
		assert_int_equal(ch, i);
	}
	assert_int_equal(MW_CHANNEL__COUNT, 6);
	assert_string_equal(mw_channel_name(MW_CHANNEL__COUNT), "unknown");

	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++) {
		s = (mw_status)77;
		a = (mw_action)77;
		ch = (mw_channel)77;
		assert_int_equal(mw_status_parse(bad[i], &s), MW_ERR_INVALID);
		assert_int_equal(mw_action_parse(bad[i], &a), MW_ERR_INVALID);
		assert_int_equal(mw_channel_parse(bad[i], &ch), MW_ERR_INVALID);
		assert_int_equal(s, 77);
		assert_int_equal(a, 77);
		assert_int_equal(ch, 77);
	}
	/* Names of one kind are not names of another. */
	assert_int_equal(mw_status_parse("assign", &s), MW_ERR_INVALID);
	assert_int_equal(mw_action_parse("received", &a), MW_ERR_INVALID);
	assert_int_equal(mw_channel_parse("email", &ch), MW_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_every_status_action_pair),
		cmocka_unit_test(test_allowed_mask_and_names),
		cmocka_unit_test(test_refusal_message),
		cmocka_unit_test(test_callback_done),
		cmocka_unit_test(test_staff_cannot_take_citizen_actions),
		cmocka_unit_test(test_version_bumps),
		cmocka_unit_test(test_start_takes_actor_when_unassigned),
		cmocka_unit_test(test_start_clock),
		cmocka_unit_test(test_pause_days_mode),
		cmocka_unit_test(test_pause_hours_mode),
		cmocka_unit_test(test_pause_rounds_bounded),
		cmocka_unit_test(test_transfer_department),
		cmocka_unit_test(test_transfer_agency),
		cmocka_unit_test(test_transfer_refusals),
		cmocka_unit_test(test_cooperate),
		cmocka_unit_test(test_cooperate_refusals),
		cmocka_unit_test(test_extend_days),
		cmocka_unit_test(test_extend_limits),
		cmocka_unit_test(test_extend_hours),
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_rate_low_reopens),
		cmocka_unit_test(test_rate_high_closes),
		cmocka_unit_test(test_rate_refusals),
		cmocka_unit_test(test_reopen_restarts_clock),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_recategorize),
		cmocka_unit_test(test_citizen_cannot_take_staff_actions),
		cmocka_unit_test(test_blank_text_refused),
		cmocka_unit_test(test_unknown_action),
		cmocka_unit_test(test_extend_only_before_the_due_time),
		cmocka_unit_test(test_delay_notice),
		cmocka_unit_test(test_info_period_over),
		cmocka_unit_test(test_resume_without_the_info),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

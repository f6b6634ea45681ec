/*
 * test_late.c - why a complaint is late (src/core/late.c): each cause of
 * late.def from the state that bears it out, their order, the sentences
 * with the department's name, and the new expected date.
 *
 * The calendar has no holidays (weekends only). The complaint: 3 days
 * (24 working hours) from Mon 2026-03-02 10:00 KST, due Thu 03-05 10:00
 * (Mon 7 h, Tue 8, Wed 8, Thu 09-10).
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
#include "core/late.h"

#include "base/banned.h"

#define KST(y, mo, d, h, mi, s) mw_time_from_kst(y, mo, d, h, mi, s)

static mw_calendar *cal;
static const mw_period GRACE = { 3, MW_PERIOD_DAYS };
static const mw_period INFO = { 7, MW_PERIOD_DAYS };

static int setup(void **state)
{
	(void)state;
	cal = mw_calendar_new();
	return cal ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	mw_calendar_free(cal);
	return 0;
}

static mw_complaint late_complaint(void)
{
	mw_complaint c = { .status = MW_STATUS_IN_PROGRESS, .assignee = "kim" };

	mw_lifecycle_start_clock(cal, &c, KST(2026, 3, 2, 10, 0, 0), (mw_period){ 3, MW_PERIOD_DAYS });
	return c;
}

static mw_late_facts facts(const mw_complaint *c)
{
	return (mw_late_facts){ .c = c, .info_period = INFO, .grace = GRACE };
}

static void test_due_as_counted(void **state)
{
	mw_complaint c = late_complaint();

	(void)state;
	assert_int_equal(c.due_at, KST(2026, 3, 5, 10, 0, 0));
}

static void test_nobody_said(void **state)
{
	mw_complaint c = late_complaint();
	mw_late_facts f = facts(&c);
	mw_late_reason r;

	(void)state;
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_REVIEW);
	assert_string_equal(r.ko, "담당 부서의 검토에 시간이 더 필요합니다.");
	assert_string_equal(r.en, "the department needs more time to look into it.");
	assert_string_equal(mw_late_cause_name(r.cause), "review");
	/* 24 working hours on: Thu 7 h, Fri 8, Mon 8, Tue 09-10. */
	assert_int_equal(r.expected, KST(2026, 3, 10, 10, 0, 0));
}

static void test_the_officer_said(void **state)
{
	mw_complaint c = late_complaint();
	mw_late_facts f = facts(&c);
	mw_late_coop co = { "주차관리과", "Parking", KST(2026, 3, 3, 9, 0, 0),
			    KST(2026, 3, 6, 18, 0, 0), 0 };
	mw_late_reason r;

	(void)state;
	f.officer_reason = "현장 측량 업체의 일정이 밀렸습니다.";
	f.officer_expected = KST(2026, 3, 20, 18, 0, 0);
	f.coops = &co;
	f.ncoops = 1;
	mw_late_explain(cal, &f, &r);
	/* The officer's word comes first, in both languages, with its date. */
	assert_int_equal(r.cause, MW_LATE_OFFICER);
	assert_string_equal(r.ko, f.officer_reason);
	assert_string_equal(r.en, f.officer_reason);
	assert_int_equal(r.expected, KST(2026, 3, 20, 18, 0, 0));
	/* A date that is not after the due time is no delay notice. */
	f.officer_expected = c.due_at;
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_COOP_OPEN);
}

static void test_waiting_for_cooperation(void **state)
{
	mw_complaint c = late_complaint();
	mw_late_facts f = facts(&c);
	mw_late_coop co[2] = {
		{ "건축과", "Building", KST(2026, 3, 2, 11, 0, 0), KST(2026, 3, 3, 18, 0, 0),
		  KST(2026, 3, 3, 16, 0, 0) },
		{ "주차관리과", "Parking", KST(2026, 3, 3, 9, 0, 0), KST(2026, 3, 11, 18, 0, 0), 0 },
	};
	mw_late_reason r;

	(void)state;
	f.coops = co;
	f.ncoops = 2;
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_COOP_OPEN);
	assert_string_equal(r.ko, "협조를 요청한 주차관리과의 검토 회신을 기다리고 있습니다.");
	assert_string_equal(r.en,
			    "we are waiting for Parking to reply to our request for its review.");
	/* Not before the reply can come: 24 working hours after its due
	 * time (Wed 11 18:00): Thu 12, Fri 13, Mon 16. */
	assert_int_equal(r.expected, KST(2026, 3, 16, 18, 0, 0));
	/* Without an English name the Korean one stands in. */
	co[1].department_en = NULL;
	mw_late_explain(cal, &f, &r);
	assert_string_equal(r.en,
			    "we are waiting for 주차관리과 to reply to our request for its review.");
}

static void test_cooperation_answered_late(void **state)
{
	mw_complaint c = late_complaint();
	mw_late_facts f = facts(&c);
	mw_late_coop co = { "건축과", "Building", KST(2026, 3, 2, 11, 0, 0),
			    KST(2026, 3, 3, 18, 0, 0), KST(2026, 3, 4, 17, 0, 0) };
	mw_late_reason r;

	(void)state;
	f.coops = &co;
	f.ncoops = 1;
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_COOP_LATE);
	assert_string_equal(r.ko, "협조를 요청한 건축과의 회신이 회신 기한보다 늦게 와서 "
				  "검토가 늦어졌습니다.");
	/* In time: nothing to say about it. */
	co.replied_at = KST(2026, 3, 3, 17, 0, 0);
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_REVIEW);
}

static void test_moved_part_way(void **state)
{
	mw_complaint c = late_complaint();
	mw_late_facts f = facts(&c);
	mw_late_reason r;

	(void)state;
	c.assignee = NULL;
	f.moved_to_ko = "공원녹지과";
	f.moved_to_en = "Parks";
	/* Wed 13:00: 17 of 24 working hours used. */
	f.moved_at = KST(2026, 3, 4, 13, 0, 0);
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_MOVED);
	assert_string_equal(r.ko, "처리 도중 민원이 공원녹지과에 넘어가, 새 담당 부서가 처음부터 "
				  "검토하고 있습니다.");
	assert_string_equal(r.en, "the complaint was passed to Parks part-way through, and that "
				  "department is reviewing it from the start.");
	/* Mon 13:00: 2 of 24 hours, early enough; then nobody has it. */
	f.moved_at = KST(2026, 3, 2, 13, 0, 0);
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_UNASSIGNED);
	/* Exactly half (Tue 15:00: 12 hours) counts as part-way. */
	f.moved_at = KST(2026, 3, 3, 15, 0, 0);
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_MOVED);
}

static void test_info_answered_late(void **state)
{
	mw_complaint c = late_complaint();
	mw_late_facts f = facts(&c);
	mw_late_reason r;

	(void)state;
	/* 보완 asked Mon 11:00; its 7 days end Tue 03-10 23:59:59. */
	c.pauses[0] = (mw_pause){ KST(2026, 3, 2, 11, 0, 0), KST(2026, 3, 11, 9, 30, 0) };
	c.npauses = 1;
	mw_lifecycle_recompute_due(cal, &c);
	f.info_answered_at = c.pauses[0].end;
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_INFO_LATE);
	/* The same pause ended by the office (resume, or asking again) with
	 * no answer from the citizen: nobody answered late. */
	f.info_answered_at = 0;
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_REVIEW);
	/* An answer within the 보완 period is no reason at all. */
	c.pauses[0].end = KST(2026, 3, 10, 17, 0, 0);
	f.info_answered_at = c.pauses[0].end;
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_REVIEW);
}

static void test_by_state(void **state)
{
	mw_complaint c = late_complaint();
	mw_late_facts f = facts(&c);
	mw_late_reason r;

	(void)state;
	c.extensions = 1;
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_EXTENDED);
	c.status = MW_STATUS_REOPENED;
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_REOPENED);
	c.assignee = NULL;
	mw_late_explain(cal, &f, &r);
	assert_int_equal(r.cause, MW_LATE_UNASSIGNED);
	assert_string_equal(mw_late_cause_name(r.cause), "unassigned");
	assert_string_equal(mw_late_cause_name(MW_LATE__COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_as_counted),
		cmocka_unit_test(test_nobody_said),
		cmocka_unit_test(test_the_officer_said),
		cmocka_unit_test(test_waiting_for_cooperation),
		cmocka_unit_test(test_cooperation_answered_late),
		cmocka_unit_test(test_moved_part_way),
		cmocka_unit_test(test_info_answered_late),
		cmocka_unit_test(test_by_state),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

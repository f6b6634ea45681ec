/*
 * test_reminder.c - the deadline monitor's plan (src/core/reminder.c):
 * when each reminder falls, with the built-in holiday calendar. The
 * instants were counted by hand in working hours (09-12, 13-18 KST);
 * the comments show the count.
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

#include "base/embedded.h"
#include "base/mw.h"
#include "core/reminder.h"

#include "base/banned.h"

#define KST(y, mo, d, h, mi, s) mw_time_from_kst(y, mo, d, h, mi, s)

static mw_calendar *cal;
static mw_remind_policy policy;

static int setup(void **state)
{
	const struct mw_embedded *f = mw_embedded_find("holidays.tsv");
	const char *p;

	(void)state;
	cal = mw_calendar_new();
	if (!f || !cal)
		return -1;
	for (p = f->data; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		int y, m, d;

		if (sscanf(p, "%4d-%2d-%2d\t", &y, &m, &d) == 3)
			mw_calendar_add_holiday(cal, y, m, d);
	}
	mw_remind_policy_default(&policy);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mw_calendar_free(cal);
	return 0;
}

static mw_complaint open_complaint(mw_time received, const char *period)
{
	mw_complaint c = { .status = MW_STATUS_IN_PROGRESS };

	mw_period_parse(period, &c.base_period);
	mw_lifecycle_start_clock(cal, &c, received, c.base_period);
	return c;
}

static mw_time at(const mw_remind_plan *plan, mw_remind_kind kind)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->r[i].kind == kind)
			return plan->r[i].at;
	return 0;
}

static void expect(const mw_remind_plan *plan, mw_remind_kind kind, mw_time want)
{
	mw_time got = at(plan, kind);
	char g[32], w[32];

	if (got != want) {
		mw_time_format_kst(got, g);
		mw_time_format_kst(want, w);
		fail_msg("%s at %s, want %s", mw_remind_name(kind), got ? g : "none",
			 want ? w : "none");
	}
}

/* 3d (24 working hours) received Friday 17:00: due Wednesday 17:00. */
static void test_hourly_period(void **state)
{
	mw_complaint c = open_complaint(KST(2026, 11, 27, 17, 0, 0), "3d");
	mw_remind_plan plan;

	(void)state;
	assert_int_equal(c.due_at, KST(2026, 12, 2, 17, 0, 0));
	mw_remind_plan_complaint(cal, &c, &policy, false, &plan);
	assert_int_equal(plan.n, 3);
	/* 80 % = 19.2 h: Fri 1, Mon 8 (9), Tue 8 (17), Wed 09:00 + 2.2 h. */
	expect(&plan, MW_REMIND_PROGRESS, KST(2026, 12, 2, 11, 12, 0));
	/* 16 h used: Fri 1, Mon 8, Tue 09-12 and 13-17. */
	expect(&plan, MW_REMIND_DUE_SOON, KST(2026, 12, 1, 17, 0, 0));
	expect(&plan, MW_REMIND_OVERDUE, KST(2026, 12, 2, 17, 0, 1));
	expect(&plan, MW_REMIND_INTERIM, 0); /* 3d is short: no 중간통보 */
	/* In time order. */
	assert_int_equal(plan.r[0].kind, MW_REMIND_DUE_SOON);
	assert_int_equal(plan.r[2].kind, MW_REMIND_OVERDUE);
	assert_int_equal(plan.r[2].target, c.due_at);
	/* A cooperation request with the same times is reminded at 80 %. */
	assert_int_equal(mw_remind_coop_at(cal, KST(2026, 11, 27, 17, 0, 0), c.due_at, &policy),
			 KST(2026, 12, 2, 11, 12, 0));
}

/* The same with a 보완 pause on Monday 10:00-15:00 (4 working hours). */
static void test_hourly_with_pause(void **state)
{
	mw_complaint c = open_complaint(KST(2026, 11, 27, 17, 0, 0), "3d");
	mw_remind_plan plan;

	(void)state;
	c.pauses[0] = (mw_pause){ KST(2026, 11, 30, 10, 0, 0), KST(2026, 11, 30, 15, 0, 0) };
	c.npauses = 1;
	mw_lifecycle_recompute_due(cal, &c);
	assert_int_equal(c.due_at, KST(2026, 12, 3, 12, 0, 0));
	mw_remind_plan_complaint(cal, &c, &policy, false, &plan);
	/* 19.2 h: Fri 1, Mon 09-10 and 15-18 (5), Tue 8 (13), Wed 09-12 (16),
	 * 13:00 + 3.2 h. */
	expect(&plan, MW_REMIND_PROGRESS, KST(2026, 12, 2, 16, 12, 0));
	/* 16 h: Wed 12:00 exactly (the end of a block counts). */
	expect(&plan, MW_REMIND_DUE_SOON, KST(2026, 12, 2, 12, 0, 0));
}

/* 7d received Tuesday 22 September 2026 10:00, across 추석 (24-26). */
static void test_days_period(void **state)
{
	mw_complaint c = open_complaint(KST(2026, 9, 22, 10, 0, 0), "7d");
	mw_remind_plan plan;

	(void)state;
	assert_int_equal(c.due_at, KST(2026, 10, 2, 23, 59, 59));
	mw_remind_plan_complaint(cal, &c, &policy, false, &plan);
	assert_int_equal(plan.n, 4);
	/* 55 working hours: Sep 22 7, 23 8, 28-30 and Oct 1-2 5 x 8.
	 * 80 % = 44 h: ... Sep 30 (39), Oct 1 09-12 and 13-15. */
	expect(&plan, MW_REMIND_PROGRESS, KST(2026, 10, 1, 15, 0, 0));
	/* One working day left: the end of Thursday, the last day before. */
	expect(&plan, MW_REMIND_DUE_SOON, KST(2026, 10, 1, 18, 0, 0));
	expect(&plan, MW_REMIND_OVERDUE, KST(2026, 10, 3, 0, 0, 0));
	/* 50 % = 27.5 h: Sep 22 7, 23 (15), 28 (23), 29 09-12 (26), 13:00 + 1.5 h. */
	expect(&plan, MW_REMIND_INTERIM, KST(2026, 9, 29, 14, 30, 0));
	mw_remind_plan_complaint(cal, &c, &policy, true, &plan);
	expect(&plan, MW_REMIND_INTERIM, 0);
	assert_true(mw_remind_plan_has(&plan, MW_REMIND_OVERDUE, KST(2026, 10, 3, 0, 0, 0)));
	assert_false(mw_remind_plan_has(&plan, MW_REMIND_OVERDUE, KST(2026, 10, 3, 0, 0, 1)));
}

/* While 보완 stops the clock, the citizen's 보완 period (7 days from the
 * request) has its own reminders. */
static void test_info_pause(void **state)
{
	mw_complaint c = open_complaint(KST(2026, 11, 2, 10, 0, 0), "7d");
	mw_remind_plan plan;

	(void)state;
	c.status = MW_STATUS_NEEDS_INFO;
	c.paused_at = KST(2026, 11, 4, 14, 0, 0);
	mw_lifecycle_recompute_due(cal, &c);
	assert_int_equal(c.due_at, 0);
	mw_remind_plan_complaint(cal, &c, &policy, false, &plan);
	assert_int_equal(plan.n, 2);
	/* Day 1 Wed 4 Nov ... day 7 Thu 12 Nov. */
	expect(&plan, MW_REMIND_INFO_REMIND, KST(2026, 11, 11, 18, 0, 0));
	expect(&plan, MW_REMIND_INFO_EXPIRED, KST(2026, 11, 13, 0, 0, 0));
	assert_int_equal(plan.r[1].target, KST(2026, 11, 12, 23, 59, 59));
}

static void test_not_open(void **state)
{
	mw_complaint c = open_complaint(KST(2026, 11, 2, 10, 0, 0), "7d");
	mw_remind_plan plan;

	(void)state;
	c.status = MW_STATUS_ANSWERED;
	mw_remind_plan_complaint(cal, &c, &policy, false, &plan);
	assert_int_equal(plan.n, 0);
	c.status = MW_STATUS_TRANSFERRED;
	mw_remind_plan_complaint(cal, &c, &policy, false, &plan);
	assert_int_equal(plan.n, 0);
}

/* A 1d period (8 working hours) has no "one day left" reminder: it is
 * one day long. 80 % is 6.4 h. */
static void test_one_day(void **state)
{
	mw_complaint c = open_complaint(KST(2026, 11, 30, 9, 0, 0), "1d");
	mw_remind_plan plan;

	(void)state;
	assert_int_equal(c.due_at, KST(2026, 11, 30, 18, 0, 0));
	mw_remind_plan_complaint(cal, &c, &policy, false, &plan);
	expect(&plan, MW_REMIND_DUE_SOON, 0);
	expect(&plan, MW_REMIND_PROGRESS, KST(2026, 11, 30, 16, 24, 0));
	assert_int_equal(plan.n, 2);
}

static void test_names(void **state)
{
	mw_remind_kind k;

	(void)state;
	assert_string_equal(mw_remind_name(MW_REMIND_DUE_SOON), "due_soon");
	assert_int_equal(mw_remind_parse("interim_prompt", &k), MW_OK);
	assert_int_equal(k, MW_REMIND_INTERIM);
	assert_int_equal(mw_remind_parse("nope", &k), MW_ERR_INVALID);
	/* Stored numbers never move (reminder.def is append-only). */
	assert_int_equal(MW_REMIND_COOP, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hourly_period),
		cmocka_unit_test(test_hourly_with_pause),
		cmocka_unit_test(test_days_period),
		cmocka_unit_test(test_info_pause),
		cmocka_unit_test(test_not_open),
		cmocka_unit_test(test_one_day),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

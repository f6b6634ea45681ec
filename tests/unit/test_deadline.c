/*
 * test_deadline.c - the legal deadline calculus (src/core/deadline.c)
 * against hand-computed cases, the real holiday table and a naive
 * minute-by-minute reference.
 *
 * The calendar is built from data/holidays.tsv, found through
 * $MINWON_SOURCE_DIR or, failing that, relative to this source file, so
 * the tests check the data that ships and not a copy of it.
 *
 * Weekdays used below (KST): 2024-12-02 Mon, 2024-12-06 Fri,
 * 2024-12-25 Wed, 2024-12-31 Tue.
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
#include "core/deadline.h"

#include "base/banned.h"

#define KST(y, mo, d, h, mi, s) mw_time_from_kst(y, mo, d, h, mi, s)
/* The end of a days-mode period: the last second of the day. */
#define EOD(y, mo, d) mw_time_from_kst(y, mo, d, 23, 59, 59)

/* ---- holiday table loader ---------------------------------------------- */

static void holidays_path(char *out, size_t size)
{
	const char *root = getenv("MINWON_SOURCE_DIR");
	const char *file = __FILE__;
	const char *slash = strrchr(file, '/');

	if (root && *root) {
		snprintf(out, size, "%s/data/holidays.tsv", root);
		return;
	}
	/* __FILE__ is tests/unit/test_deadline.c (absolute under CMake,
	 * relative when compiled by hand from the source root). A path
	 * through the file name itself ("x.c/..") does not resolve, so
	 * strip it first. */
	if (!slash)
		snprintf(out, size, "../../data/holidays.tsv");
	else
		snprintf(out, size, "%.*s/../../data/holidays.tsv",
			 (int)(slash - file), file);
}

typedef struct holiday_row {
	int y, m, d;
	char name[128];
} holiday_row;

/* Parses one line; 1 for a holiday, 0 for a comment or blank line, -1
 * for a malformed one. */
static int parse_row(char *line, holiday_row *row)
{
	size_t n = strlen(line);
	char date[11];

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n == 0 || line[0] == '#')
		return 0;
	if (n < 12 || line[10] != '\t')
		return -1;
	memcpy(date, line, 10);
	date[10] = '\0';
	if (mw_date_parse(date, &row->y, &row->m, &row->d) != MW_OK)
		return -1;
	if (mw_strlcpy(row->name, line + 11, sizeof(row->name)) != MW_OK)
		return -1;
	return 1;
}

/* Calls fn for every row; returns the number of rows or -1. */
static int read_holidays(void (*fn)(const holiday_row *, void *), void *arg)
{
	char path[4096], line[512];
	holiday_row row;
	int count = 0;
	FILE *f;

	holidays_path(path, sizeof(path));
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s (set MINWON_SOURCE_DIR)\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		int r = parse_row(line, &row);

		if (r < 0) {
			fprintf(stderr, "%s: bad line: %s\n", path, line);
			fclose(f);
			return -1;
		}
		if (r == 1) {
			fn(&row, arg);
			count++;
		}
	}
	fclose(f);
	return count;
}

static void add_row(const holiday_row *row, void *arg)
{
	if (mw_calendar_add_holiday(arg, row->y, row->m, row->d) != MW_OK)
		fprintf(stderr, "cannot add %04d-%02d-%02d\n", row->y, row->m, row->d);
}

static int group_setup(void **state)
{
	mw_calendar *cal = mw_calendar_new();

	if (!cal)
		return -1;
	if (read_holidays(add_row, cal) <= 0) {
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

/* ---- helpers ----------------------------------------------------------- */

static void check_time(mw_time got, mw_time want, const char *file, int line)
{
	char g[32], w[32];

	if (got == want)
		return;
	mw_time_format_kst(got, g);
	mw_time_format_kst(want, w);
	fail_msg("%s:%d: got %s (%lld), want %s (%lld)", file, line, g,
		 (long long)got, w, (long long)want);
}

#define CHECK_TIME(got, want) check_time((got), (want), __FILE__, __LINE__)

static mw_period P(const char *s)
{
	mw_period p = { 0, MW_PERIOD_DAYS };

	assert_int_equal(mw_period_parse(s, &p), MW_OK);
	return p;
}

static mw_time due(const mw_calendar *cal, mw_time received, const char *period)
{
	return mw_deadline_due(cal, received, P(period), NULL, 0);
}

static mw_time due_p(const mw_calendar *cal, mw_time received,
		     const char *period, const mw_pause *pauses, size_t n)
{
	return mw_deadline_due(cal, received, P(period), pauses, n);
}

#define EXPECT_DUE(recv, period, want) CHECK_TIME(due(cal, recv, period), want)

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Working days from day a to day b inclusive, through the public API. */
static int workdays_between(const mw_calendar *cal, int64_t a, int64_t b)
{
	int n = 0;

	for (int64_t day = a; day <= b; day++) {
		int y, m, d;

		mw_civil_from_days(day, &y, &m, &d);
		n += mw_calendar_is_workday(cal, y, m, d);
	}
	return n;
}

static int64_t kst_day_of(mw_time t)
{
	mw_civil c;

	mw_time_to_kst(t, &c);
	return mw_days_from_civil(c.year, c.month, c.day);
}

/* True when the minute starting at t (minute aligned) is working time
 * and lies in none of the pauses. */
static bool minute_counts(const mw_calendar *cal, mw_time t,
			  const mw_pause *pauses, size_t n)
{
	mw_civil c;
	int sod;

	mw_time_to_kst(t, &c);
	if (!mw_calendar_is_workday(cal, c.year, c.month, c.day))
		return false;
	sod = c.hour * 3600 + c.min * 60 + c.sec;
	if (!((sod >= 9 * 3600 && sod < 12 * 3600) ||
	      (sod >= 13 * 3600 && sod < 18 * 3600)))
		return false;
	for (size_t i = 0; i < n; i++)
		if (t >= pauses[i].start && t < pauses[i].end)
			return false;
	return true;
}

/* The naive reference for hours mode: walk minute by minute. */
static mw_time naive_due_hours(const mw_calendar *cal, mw_time received,
			       int hours, const mw_pause *pauses, size_t n)
{
	mw_time t = received;
	long need = hours * 60L;

	while (need > 0) {
		if (minute_counts(cal, t, pauses, n))
			need--;
		t += 60;
	}
	return t;
}

/* ---- calendar ---------------------------------------------------------- */

static void test_calendar_basics(void **state)
{
	mw_calendar *cal = mw_calendar_new();

	(void)state;
	assert_non_null(cal);
	/* A fresh calendar has no holidays: only weekends are off. */
	assert_false(mw_calendar_is_holiday(cal, 2024, 12, 25));
	assert_true(mw_calendar_is_workday(cal, 2024, 12, 25));
	assert_false(mw_calendar_is_workday(cal, 2024, 12, 7)); /* Sat */
	assert_false(mw_calendar_is_workday(cal, 2024, 12, 8)); /* Sun */

	assert_int_equal(mw_calendar_add_holiday(cal, 2024, 12, 25), MW_OK);
	assert_true(mw_calendar_is_holiday(cal, 2024, 12, 25));
	assert_false(mw_calendar_is_workday(cal, 2024, 12, 25));
	/* Adding twice is harmless. */
	assert_int_equal(mw_calendar_add_holiday(cal, 2024, 12, 25), MW_OK);

	/* Non-dates are refused. */
	assert_int_equal(mw_calendar_add_holiday(cal, 2023, 2, 29), MW_ERR_INVALID);
	assert_int_equal(mw_calendar_add_holiday(cal, 2024, 13, 1), MW_ERR_INVALID);
	assert_int_equal(mw_calendar_add_holiday(cal, 2024, 0, 10), MW_ERR_INVALID);
	assert_int_equal(mw_calendar_add_holiday(cal, 2024, 4, 31), MW_ERR_INVALID);
	assert_int_equal(mw_calendar_add_holiday(cal, 2024, 4, 0), MW_ERR_INVALID);
	assert_int_equal(mw_calendar_add_holiday(cal, 2100, 2, 29), MW_ERR_INVALID);
	assert_int_equal(mw_calendar_add_holiday(cal, 2024, 2, 29), MW_OK);
	assert_int_equal(mw_calendar_add_holiday(cal, 2000, 2, 29), MW_OK);

	/* The table covers 1970-01-01 .. 2200-12-31, both ends included. */
	assert_int_equal(mw_calendar_add_holiday(cal, 1970, 1, 1), MW_OK);
	assert_true(mw_calendar_is_holiday(cal, 1970, 1, 1));
	assert_int_equal(mw_calendar_add_holiday(cal, 2200, 12, 31), MW_OK);
	assert_true(mw_calendar_is_holiday(cal, 2200, 12, 31));
	assert_false(mw_calendar_is_holiday(cal, 2200, 12, 30));
	assert_int_equal(mw_calendar_add_holiday(cal, 1969, 12, 31), MW_ERR_INVALID);
	assert_int_equal(mw_calendar_add_holiday(cal, 2201, 1, 1), MW_ERR_INVALID);
	assert_int_equal(mw_calendar_add_holiday(NULL, 2024, 1, 1), MW_ERR_INVALID);
	mw_calendar_free(cal);
	mw_calendar_free(NULL);
}

static void test_calendar_out_of_range(void **state)
{
	const mw_calendar *cal = *state;

	/* Outside the table nothing is a holiday, but weekends still are
	 * weekends: 2300-03-01 is a Thursday, 1969-12-28 a Sunday. */
	assert_false(mw_calendar_is_holiday(cal, 1969, 12, 31));
	assert_false(mw_calendar_is_holiday(cal, 2201, 1, 1));
	assert_false(mw_calendar_is_holiday(cal, 9999, 12, 31));
	assert_false(mw_calendar_is_holiday(cal, 0, 1, 1));
	assert_false(mw_calendar_is_holiday(cal, -5, 1, 1));
	assert_false(mw_calendar_is_holiday(cal, 2024, 13, 1));
	assert_false(mw_calendar_is_holiday(cal, 2024, 2, 30));
	assert_true(mw_calendar_is_workday(cal, 2300, 3, 1));
	assert_true(mw_calendar_is_workday(cal, 1969, 12, 31));
	assert_false(mw_calendar_is_workday(cal, 1969, 12, 28));
	assert_false(mw_calendar_is_workday(cal, 2024, 2, 30));
	assert_false(mw_calendar_is_workday(cal, 2024, 0, 1));
	assert_false(mw_calendar_is_workday(cal, 0, 1, 1));
	assert_false(mw_calendar_is_workday(cal, 10000, 1, 3));
	assert_false(mw_calendar_is_workday(cal, -2147483647 - 1, 1, 1));
	/* A NULL calendar is an empty one. */
	assert_false(mw_calendar_is_holiday(NULL, 2024, 12, 25));
	assert_true(mw_calendar_is_workday(NULL, 2024, 12, 25));

	/* Deadlines beyond the table are counted over weekends only.
	 * 2300-03-01 Thu 10:00 + 24h: Thu 7h, Fri 8h, Mon 8h, Tue 09-10. */
	EXPECT_DUE(KST(2300, 3, 1, 10, 0, 0), "3d", KST(2300, 3, 6, 10, 0, 0));
	/* 7 days: Thu 1, Fri 2, Mon 5, Tue 6, Wed 7, Thu 8, Fri 9. */
	EXPECT_DUE(KST(2300, 3, 1, 10, 0, 0), "7d", EOD(2300, 3, 9));
	/* Before 1970 too: 1969-12-31 was a Wednesday. */
	EXPECT_DUE(KST(1969, 12, 31, 10, 0, 0), "1h", KST(1969, 12, 31, 11, 0, 0));
	/* Absurd instants give 0 (no deadline) instead of overflowing. */
	assert_int_equal(mw_deadline_due(cal, INT64_MAX, P("3d"), NULL, 0), 0);
	assert_int_equal(mw_deadline_due(cal, INT64_MIN, P("7d"), NULL, 0), 0);
	assert_int_equal(mw_deadline_working_seconds(cal, INT64_MIN, INT64_MAX), 0);
	CHECK_TIME(mw_deadline_extend(cal, INT64_MAX, P("7d")), INT64_MAX);
}

/* ---- the holiday table ------------------------------------------------- */

typedef struct table_check {
	int count;
	int64_t prev;
	int per_year[4];
	bool sorted;
	bool substitutes_on_weekdays;
} table_check;

static void check_row(const holiday_row *row, void *arg)
{
	table_check *tc = arg;
	int64_t day = mw_days_from_civil(row->y, row->m, row->d);
	int wday = (int)(((day % 7) + 11) % 7);

	if (tc->count > 0 && day <= tc->prev)
		tc->sorted = false;
	tc->prev = day;
	tc->count++;
	if (row->y >= 2024 && row->y <= 2027)
		tc->per_year[row->y - 2024]++;
	/* A substitute or temporary holiday on a weekend would be pointless:
	 * it is a sure sign of a typo in the date. */
	if ((strncmp(row->name, "대체공휴일", strlen("대체공휴일")) == 0 ||
	     strncmp(row->name, "임시공휴일", strlen("임시공휴일")) == 0) &&
	    (wday == 0 || wday == 6))
		tc->substitutes_on_weekdays = false;
}

static void test_holiday_file(void **state)
{
	table_check tc = { 0, 0, { 0 }, true, true };

	(void)state;
	assert_true(read_holidays(check_row, &tc) > 0);
	assert_true(tc.sorted);
	assert_true(tc.substitutes_on_weekdays);
	/* 15 fixed holidays a year plus 설/추석 extras, substitutes and
	 * elections: 2024 19, 2025 19, 2026 21 (with 제헌절), 2027 21. */
	assert_int_equal(tc.per_year[0], 19);
	assert_int_equal(tc.per_year[1], 19);
	assert_int_equal(tc.per_year[2], 21);
	assert_int_equal(tc.per_year[3], 21);
}

static void test_holiday_table(void **state)
{
	const mw_calendar *cal = *state;
	static const int holidays[][3] = {
		{ 2024, 1, 1 }, { 2024, 2, 9 }, { 2024, 2, 12 }, { 2024, 3, 1 },
		{ 2024, 4, 10 }, { 2024, 5, 6 }, { 2024, 5, 15 }, { 2024, 6, 6 },
		{ 2024, 8, 15 }, { 2024, 9, 16 }, { 2024, 9, 17 }, { 2024, 9, 18 },
		{ 2024, 10, 1 }, { 2024, 10, 3 }, { 2024, 10, 9 }, { 2024, 12, 25 },
		{ 2025, 1, 1 }, { 2025, 1, 27 }, { 2025, 1, 28 }, { 2025, 1, 30 },
		{ 2025, 3, 3 }, { 2025, 5, 5 }, { 2025, 5, 6 }, { 2025, 6, 3 },
		{ 2025, 6, 6 }, { 2025, 8, 15 }, { 2025, 10, 3 }, { 2025, 10, 6 },
		{ 2025, 10, 7 }, { 2025, 10, 8 }, { 2025, 10, 9 }, { 2025, 12, 25 },
		{ 2026, 1, 1 }, { 2026, 2, 16 }, { 2026, 2, 17 }, { 2026, 2, 18 },
		{ 2026, 3, 2 }, { 2026, 5, 5 }, { 2026, 5, 25 }, { 2026, 6, 3 },
		{ 2026, 7, 17 }, { 2026, 8, 17 }, { 2026, 9, 24 }, { 2026, 9, 25 },
		{ 2026, 10, 5 }, { 2026, 10, 9 }, { 2026, 12, 25 },
		{ 2027, 1, 1 }, { 2027, 2, 8 }, { 2027, 2, 9 }, { 2027, 3, 1 },
		{ 2027, 5, 5 }, { 2027, 5, 13 }, { 2027, 8, 16 }, { 2027, 9, 14 },
		{ 2027, 9, 15 }, { 2027, 9, 16 }, { 2027, 10, 4 }, { 2027, 10, 11 },
		{ 2027, 12, 27 },
	};
	/* Weekdays that are NOT holidays, each for a reason:
	 * 2025-10-10 was proposed as 임시공휴일 but never designated;
	 * 노동절 (05-01) is no public holiday for 관공서;
	 * 2027-07-19 (제헌절 substitute) awaits the amended 규정;
	 * 2024-12-24 and 2024-12-31 are ordinary working days;
	 * 2025-07-17 predates the 2026 제헌절 amendment. */
	static const int workdays[][3] = {
		{ 2025, 10, 10 }, { 2026, 5, 1 }, { 2025, 5, 1 },
		{ 2027, 7, 19 }, { 2024, 12, 24 }, { 2024, 12, 31 },
		{ 2025, 7, 17 }, { 2026, 3, 3 }, { 2025, 1, 31 },
	};

	for (size_t i = 0; i < MW_ARRAY_LEN(holidays); i++) {
		const int *h = holidays[i];

		if (!mw_calendar_is_holiday(cal, h[0], h[1], h[2]))
			fail_msg("%04d-%02d-%02d should be a holiday", h[0], h[1], h[2]);
		assert_false(mw_calendar_is_workday(cal, h[0], h[1], h[2]));
	}
	for (size_t i = 0; i < MW_ARRAY_LEN(workdays); i++) {
		const int *w = workdays[i];

		if (!mw_calendar_is_workday(cal, w[0], w[1], w[2]))
			fail_msg("%04d-%02d-%02d should be a working day", w[0], w[1], w[2]);
	}
}

/* ---- periods ----------------------------------------------------------- */

static void test_period_parse(void **state)
{
	static const struct {
		const char *s;
		int amount;
		char unit;
	} good[] = {
		{ "1d", 1, 'd' }, { "3d", 3, 'd' }, { "5d", 5, 'd' }, { "6d", 6, 'd' },
		{ "7d", 7, 'd' }, { "30d", 30, 'd' }, { "3650d", 3650, 'd' },
		{ "1h", 1, 'h' }, { "36h", 36, 'h' }, { "3650h", 3650, 'h' },
	};
	/* Zero, signs, a missing number or unit, an unknown or upper-case
	 * unit, too large, surrounding space, leading zeros, trailing junk. */
	static const char *const bad[] = {
		"0d", "0h", "-1d", "+3d", "3", "d", "h", "3x", "3D", "3H", "3651d",
		"3651h", "36500d", "99999999999d", " 3d", "3d ", "3 d", "", "03d",
		"3dd", "3d\n", "3.5d", "1e3d", "3h3",
	};
	mw_period p;

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(good); i++) {
		p.amount = -1;
		assert_int_equal(mw_period_parse(good[i].s, &p), MW_OK);
		assert_int_equal(p.amount, good[i].amount);
		assert_int_equal(p.unit, good[i].unit);
	}
	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++) {
		if (mw_period_parse(bad[i], &p) != MW_ERR_INVALID)
			fail_msg("\"%s\" should be invalid", bad[i]);
	}
	assert_int_equal(mw_period_parse(NULL, &p), MW_ERR_INVALID);
}

static void test_period_format(void **state)
{
	char buf[16];
	mw_period p;

	(void)state;
	mw_period_format((mw_period){ 7, MW_PERIOD_DAYS }, buf);
	assert_string_equal(buf, "7d");
	mw_period_format((mw_period){ 36, MW_PERIOD_HOURS }, buf);
	assert_string_equal(buf, "36h");
	/* Every valid period survives a format/parse round trip. */
	for (int a = 1; a <= 3650; a++) {
		for (int u = 0; u < 2; u++) {
			mw_period in = { a, u ? MW_PERIOD_HOURS : MW_PERIOD_DAYS };

			mw_period_format(in, buf);
			assert_int_equal(mw_period_parse(buf, &p), MW_OK);
			assert_int_equal(p.amount, a);
			assert_int_equal(p.unit, in.unit);
		}
	}
	/* Up to five days is counted in hours; six and more in days; hour
	 * periods always in hours. */
	assert_true(mw_period_is_hourly(P("1d")));
	assert_true(mw_period_is_hourly(P("5d")));
	assert_false(mw_period_is_hourly(P("6d")));
	assert_false(mw_period_is_hourly(P("3650d")));
	assert_true(mw_period_is_hourly(P("1h")));
	assert_true(mw_period_is_hourly(P("3650h")));
}

static void test_invalid_period(void **state)
{
	const mw_calendar *cal = *state;
	mw_time r = KST(2024, 12, 2, 9, 0, 0);

	/* A period that mw_period_parse would refuse has no deadline. */
	assert_int_equal(mw_deadline_due(cal, r, (mw_period){ 0, MW_PERIOD_DAYS }, NULL, 0), 0);
	assert_int_equal(mw_deadline_due(cal, r, (mw_period){ -3, MW_PERIOD_HOURS }, NULL, 0), 0);
	assert_int_equal(mw_deadline_due(cal, r, (mw_period){ 3, (mw_period_unit)'x' }, NULL, 0), 0);
	assert_int_equal(mw_deadline_due(cal, r, (mw_period){ 100001, MW_PERIOD_DAYS }, NULL, 0), 0);
	/* And an invalid extension leaves the due instant alone. */
	CHECK_TIME(mw_deadline_extend(cal, r, (mw_period){ 0, MW_PERIOD_DAYS }), r);
}

/* ---- hours mode -------------------------------------------------------- */

static void test_hours_spec_example(void **state)
{
	const mw_calendar *cal = *state;

	/* The spec: received Friday 15:00, 3 days = 24 working hours.
	 * Fri 15-18 3h; Mon 8h (11); Tue 8h (19); Wed 09-12 (22), 13-15 (24). */
	EXPECT_DUE(KST(2024, 12, 6, 15, 0, 0), "3d", KST(2024, 12, 11, 15, 0, 0));
	/* Friday 17:00 + 1h: the last hour of the week is enough. */
	EXPECT_DUE(KST(2024, 12, 6, 17, 0, 0), "1h", KST(2024, 12, 6, 18, 0, 0));
	/* Friday 17:00 + 2h: one hour on Friday, one on Monday morning. */
	EXPECT_DUE(KST(2024, 12, 6, 17, 0, 0), "2h", KST(2024, 12, 9, 10, 0, 0));
	/* Friday 15:00 as an ISO string, as the API would receive it. */
	{
		mw_time t;

		assert_int_equal(mw_time_parse_iso8601("2024-12-06T15:00:00+09:00", &t), MW_OK);
		EXPECT_DUE(t, "3d", KST(2024, 12, 11, 15, 0, 0));
	}
}

static void test_hours_receipt_outside_working_time(void **state)
{
	const mw_calendar *cal = *state;

	/* Lunch: received 12:30, counting starts at 13:00. */
	EXPECT_DUE(KST(2024, 12, 3, 12, 30, 0), "1h", KST(2024, 12, 3, 14, 0, 0));
	/* 12:30 + 24h: Tue 13-18 5h, Wed 8h (13), Thu 8h (21), Fri 09-12 (24). */
	EXPECT_DUE(KST(2024, 12, 3, 12, 30, 0), "3d", KST(2024, 12, 6, 12, 0, 0));
	/* Exactly 12:00 is already lunch. */
	EXPECT_DUE(KST(2024, 12, 3, 12, 0, 0), "1h", KST(2024, 12, 3, 14, 0, 0));
	/* Exactly 13:00 is working time again. */
	EXPECT_DUE(KST(2024, 12, 3, 13, 0, 0), "1h", KST(2024, 12, 3, 14, 0, 0));
	/* Before 09:00: counting starts at 09:00. */
	EXPECT_DUE(KST(2024, 12, 3, 7, 0, 0), "1h", KST(2024, 12, 3, 10, 0, 0));
	EXPECT_DUE(KST(2024, 12, 3, 8, 59, 59), "1h", KST(2024, 12, 3, 10, 0, 0));
	EXPECT_DUE(KST(2024, 12, 3, 0, 0, 0), "8h", KST(2024, 12, 3, 18, 0, 0));
	/* After 18:00: counting starts at 09:00 the next working day. */
	EXPECT_DUE(KST(2024, 12, 3, 19, 0, 0), "1h", KST(2024, 12, 4, 10, 0, 0));
	EXPECT_DUE(KST(2024, 12, 3, 23, 59, 59), "1h", KST(2024, 12, 4, 10, 0, 0));
	/* Exactly 18:00 is after hours: the working day is [09:00, 18:00). */
	EXPECT_DUE(KST(2024, 12, 3, 18, 0, 0), "1h", KST(2024, 12, 4, 10, 0, 0));
	EXPECT_DUE(KST(2024, 12, 3, 18, 0, 0), "8h", KST(2024, 12, 4, 18, 0, 0));
	/* One second before 18:00 uses that one second. */
	EXPECT_DUE(KST(2024, 12, 3, 17, 59, 59), "1h", KST(2024, 12, 4, 9, 59, 59));
	/* Saturday: nothing counts until Monday 09:00. */
	EXPECT_DUE(KST(2024, 12, 7, 10, 0, 0), "1h", KST(2024, 12, 9, 10, 0, 0));
	/* Sunday evening, same. */
	EXPECT_DUE(KST(2024, 12, 8, 20, 0, 0), "3d", KST(2024, 12, 11, 18, 0, 0));
	/* A holiday (성탄절, Wednesday): nothing counts until Thursday. */
	EXPECT_DUE(KST(2024, 12, 25, 10, 0, 0), "1h", KST(2024, 12, 26, 10, 0, 0));
}

static void test_hours_segment_ends(void **state)
{
	const mw_calendar *cal = *state;

	/* A count that ends exactly when lunch starts is due at 12:00, not
	 * at 13:00 when work resumes. */
	EXPECT_DUE(KST(2024, 12, 3, 9, 0, 0), "3h", KST(2024, 12, 3, 12, 0, 0));
	EXPECT_DUE(KST(2024, 12, 3, 11, 0, 0), "1h", KST(2024, 12, 3, 12, 0, 0));
	/* One hour more runs into the afternoon: 09-12 plus 13-14. */
	EXPECT_DUE(KST(2024, 12, 3, 9, 0, 0), "4h", KST(2024, 12, 3, 14, 0, 0));
	/* 11:30 + 1h: 30 minutes before lunch, 30 after. */
	EXPECT_DUE(KST(2024, 12, 3, 11, 30, 0), "1h", KST(2024, 12, 3, 13, 30, 0));
	/* A count that ends exactly at 18:00 is due at 18:00 that day, not
	 * at 09:00 the next. */
	EXPECT_DUE(KST(2024, 12, 3, 17, 0, 0), "1h", KST(2024, 12, 3, 18, 0, 0));
	EXPECT_DUE(KST(2024, 12, 3, 13, 0, 0), "5h", KST(2024, 12, 3, 18, 0, 0));
	/* 17:30 + 1h: half an hour today, half an hour tomorrow morning. */
	EXPECT_DUE(KST(2024, 12, 3, 17, 30, 0), "1h", KST(2024, 12, 4, 9, 30, 0));
	/* On a Friday, 18:00 is still the due instant, not Monday 09:00. */
	EXPECT_DUE(KST(2024, 12, 6, 17, 0, 0), "1h", KST(2024, 12, 6, 18, 0, 0));
}

static void test_hours_lengths(void **state)
{
	const mw_calendar *cal = *state;

	/* 8h from Monday 09:00 is the whole Monday. */
	EXPECT_DUE(KST(2024, 12, 2, 9, 0, 0), "8h", KST(2024, 12, 2, 18, 0, 0));
	/* 8h from Monday 10:00: Mon 10-12, 13-18 (7h), Tue 09-10. */
	EXPECT_DUE(KST(2024, 12, 2, 10, 0, 0), "8h", KST(2024, 12, 3, 10, 0, 0));
	/* "1d" is the same as "8h". */
	EXPECT_DUE(KST(2024, 12, 2, 10, 0, 0), "1d", KST(2024, 12, 3, 10, 0, 0));
	/* 40h from Monday 09:00 is the whole working week. */
	EXPECT_DUE(KST(2024, 12, 2, 9, 0, 0), "40h", KST(2024, 12, 6, 18, 0, 0));
	/* 40h from Monday 14:00 ends next Monday 14:00. */
	EXPECT_DUE(KST(2024, 12, 2, 14, 0, 0), "40h", KST(2024, 12, 9, 14, 0, 0));
	/* 40h from 2024-12-23 09:00 (Mon) crosses 성탄절 (Wed): Mon, Tue,
	 * Thu, Fri, then Mon 12-30 is the fifth day. */
	EXPECT_DUE(KST(2024, 12, 23, 9, 0, 0), "40h", KST(2024, 12, 30, 18, 0, 0));
	/* 1h from Monday 09:00. */
	EXPECT_DUE(KST(2024, 12, 2, 9, 0, 0), "1h", KST(2024, 12, 2, 10, 0, 0));
}

static void test_five_vs_six_days(void **state)
{
	const mw_calendar *cal = *state;
	mw_time r = KST(2024, 12, 2, 9, 0, 0);

	/* 5d is 40 working hours: from Monday 09:00, Friday 18:00. */
	EXPECT_DUE(r, "5d", KST(2024, 12, 6, 18, 0, 0));
	CHECK_TIME(due(cal, r, "5d"), due(cal, r, "40h"));
	/* 6d is counted in days, Monday being day one: Mon..Fri are days
	 * 1-5, next Monday is day 6, due at its last second. */
	EXPECT_DUE(r, "6d", EOD(2024, 12, 9));
	/* From Monday 14:00, 5d ends next Monday 14:00, earlier than 6d. */
	EXPECT_DUE(KST(2024, 12, 2, 14, 0, 0), "5d", KST(2024, 12, 9, 14, 0, 0));
	EXPECT_DUE(KST(2024, 12, 2, 14, 0, 0), "6d", EOD(2024, 12, 9));
	/* Every "Nd" with N <= 5 equals "8N h". */
	for (int n = 1; n <= 5; n++) {
		mw_period d = { n, MW_PERIOD_DAYS }, h = { 8 * n, MW_PERIOD_HOURS };

		CHECK_TIME(mw_deadline_due(cal, r, d, NULL, 0),
			   mw_deadline_due(cal, r, h, NULL, 0));
	}
}

/* ---- days mode --------------------------------------------------------- */

static void test_days_mode(void **state)
{
	const mw_calendar *cal = *state;

	/* 7d received Monday 20:00: Monday still counts as day one, so
	 * Mon 2 .. Fri 6 (5), Mon 9 (6), Tue 10 (7). */
	EXPECT_DUE(KST(2024, 12, 2, 20, 0, 0), "7d", EOD(2024, 12, 10));
	/* The hour makes no difference, even the very last second. */
	EXPECT_DUE(KST(2024, 12, 2, 0, 0, 0), "7d", EOD(2024, 12, 10));
	EXPECT_DUE(KST(2024, 12, 2, 23, 59, 59), "7d", EOD(2024, 12, 10));
	/* Received on Saturday: day one is Monday 9, day 7 Tuesday 17. */
	EXPECT_DUE(KST(2024, 12, 7, 10, 0, 0), "7d", EOD(2024, 12, 17));
	/* Received Sunday 23:59:59: the same. */
	EXPECT_DUE(KST(2024, 12, 8, 23, 59, 59), "7d", EOD(2024, 12, 17));
	/* Received on 성탄절: day one is Thu 26; 27 (2), 30 (3), 31 (4),
	 * 2025-01-01 is a holiday, Jan 2 (5), 3 (6), 6 (7). */
	EXPECT_DUE(KST(2024, 12, 25, 10, 0, 0), "7d", EOD(2025, 1, 6));
	/* 14d from Monday 2024-12-02: two weeks (10), then Mon 16 .. Thu 19. */
	EXPECT_DUE(KST(2024, 12, 2, 11, 0, 0), "14d", EOD(2024, 12, 19));
	/* 30d from Monday 2024-12-02: December gives 21 working days (25th
	 * is off), January 1 is off, then Jan 2, 3, 6-10, 13, 14 = 30. */
	EXPECT_DUE(KST(2024, 12, 2, 11, 0, 0), "30d", EOD(2025, 1, 14));
}

static void test_days_long_period(void **state)
{
	const mw_calendar *cal = *state;
	mw_time r = KST(2024, 1, 2, 10, 0, 0);
	mw_time d = due(cal, r, "3650d");
	mw_civil c;

	/* 3650 working days is roughly 14 years: the due day must be a
	 * working day, at 23:59:59, with exactly 3650 working days from the
	 * day of receipt to it. */
	mw_time_to_kst(d, &c);
	assert_int_equal(c.hour, 23);
	assert_int_equal(c.min, 59);
	assert_int_equal(c.sec, 59);
	assert_true(mw_calendar_is_workday(cal, c.year, c.month, c.day));
	assert_int_equal(workdays_between(cal, kst_day_of(r), kst_day_of(d)), 3650);
	/* 3650h is 456.25 working days of 8h; check the hours add up. */
	d = due(cal, r, "3650h");
	assert_int_equal(mw_deadline_working_seconds(cal, r, d), 3650 * 3600);
	/* It must also be quick: a thousand of them take milliseconds (a
	 * per-second walk would take minutes each). */
	for (int i = 0; i < 1000; i++)
		assert_true(due(cal, r + i * 3600, "3650d") > r);
}

/* ---- holidays in practice ---------------------------------------------- */

static void test_seollal(void **state)
{
	const mw_calendar *cal = *state;

	/* 설 2024: 02-09 (Fri) .. 02-11 (Sun), substitute 02-12 (Mon).
	 * Thu 02-08 10:00 + 24h: Thu 7h; Tue 13 8h (15); Wed 14 8h (23);
	 * Thu 15 09-10 (24). */
	EXPECT_DUE(KST(2024, 2, 8, 10, 0, 0), "3d", KST(2024, 2, 15, 10, 0, 0));
	/* 7d: Thu 8 (1), Tue 13 (2), Wed 14 (3), Thu 15 (4), Fri 16 (5),
	 * Mon 19 (6), Tue 20 (7). */
	EXPECT_DUE(KST(2024, 2, 8, 10, 0, 0), "7d", EOD(2024, 2, 20));

	/* 설 2025: 01-28 .. 01-30, plus the temporary holiday 01-27 (Mon).
	 * Fri 01-24 16:00 + 24h: Fri 2h; Fri 31 8h (10); Mon 2-3 8h (18);
	 * Tue 2-4 09-12 (21), 13-16 (24). */
	EXPECT_DUE(KST(2025, 1, 24, 16, 0, 0), "3d", KST(2025, 2, 4, 16, 0, 0));
	/* Received on the temporary holiday itself: the whole week is off
	 * until Friday 01-31. */
	EXPECT_DUE(KST(2025, 1, 27, 9, 0, 0), "1h", KST(2025, 1, 31, 10, 0, 0));
	/* 10d received Mon 01-20: 20-24 (5), 31 (6), Feb 3-6 (10). */
	EXPECT_DUE(KST(2025, 1, 20, 9, 0, 0), "10d", EOD(2025, 2, 6));

	/* 설 2026: 02-16 (Mon) .. 02-18 (Wed). 6d from Fri 02-13: Fri 13 (1),
	 * Thu 19 (2), Fri 20 (3), Mon 23 (4), Tue 24 (5), Wed 25 (6). */
	EXPECT_DUE(KST(2026, 2, 13, 9, 0, 0), "6d", EOD(2026, 2, 25));
	/* Fri 17:00 + 2h: Fri 1h, then Thu 19 09-10. */
	EXPECT_DUE(KST(2026, 2, 13, 17, 0, 0), "2h", KST(2026, 2, 19, 10, 0, 0));

	/* 설 2027: 02-06 (Sat) .. 02-08 (Mon); 02-07 is a Sunday, so 02-09
	 * (Tue) is a substitute. Fri 02-05 17:00 + 2h: Fri 1h, Wed 10 09-10. */
	EXPECT_DUE(KST(2027, 2, 5, 17, 0, 0), "2h", KST(2027, 2, 10, 10, 0, 0));
}

static void test_chuseok(void **state)
{
	const mw_calendar *cal = *state;

	/* 추석 2024: 09-16 .. 09-18 (Mon-Wed). Fri 09-13 13:00 + 8h: Fri 5h,
	 * Thu 19 09-12 (8h): ends exactly at lunch, so 12:00. */
	EXPECT_DUE(KST(2024, 9, 13, 13, 0, 0), "8h", KST(2024, 9, 19, 12, 0, 0));
	/* 추석 2025 with 개천절 (10-03), substitute 10-08 and 한글날 (10-09):
	 * Thu 10-02 is day one and Fri 10-10 day two; then 13, 14, 15, 16,
	 * 17 make seven. */
	EXPECT_DUE(KST(2025, 10, 2, 10, 0, 0), "7d", EOD(2025, 10, 17));
	/* Thu 10-02 17:30 + 1h: half an hour, then Fri 10-10 09:30. */
	EXPECT_DUE(KST(2025, 10, 2, 17, 30, 0), "1h", KST(2025, 10, 10, 9, 30, 0));
	/* 추석 2026: 09-24 (Thu) .. 09-26 (Sat), no substitute because a
	 * Saturday does not count for 추석; 10-03 (Sat) gives 10-05 (Mon).
	 * Wed 09-23 17:00 + 2h: Wed 1h, Mon 09-28 09-10. */
	EXPECT_DUE(KST(2026, 9, 23, 17, 0, 0), "2h", KST(2026, 9, 28, 10, 0, 0));
	/* The 2024 temporary holiday 10-01 (Tue) and 개천절 10-03 (Thu):
	 * Mon 09-30 17:00 + 2h: Mon 1h, Wed 10-02 09-10. */
	EXPECT_DUE(KST(2024, 9, 30, 17, 0, 0), "2h", KST(2024, 10, 2, 10, 0, 0));
}

static void test_elections_and_other_days(void **state)
{
	const mw_calendar *cal = *state;

	/* 2024-04-10 (Wed) general election. Tue 14:00 + 8h: Tue 4h,
	 * Thu 11 09-12 (7h), 13-14 (8h). */
	EXPECT_DUE(KST(2024, 4, 9, 14, 0, 0), "8h", KST(2024, 4, 11, 14, 0, 0));
	/* 2025-06-03 (Tue) presidential election. Mon 09:00 + 16h: Mon 8h,
	 * Wed 04 8h, ending exactly at 18:00. */
	EXPECT_DUE(KST(2025, 6, 2, 9, 0, 0), "2d", KST(2025, 6, 4, 18, 0, 0));
	/* 2026-06-03 (Wed) local elections. Tue 18:00 + 1h: Thu 04 10:00. */
	EXPECT_DUE(KST(2026, 6, 2, 18, 0, 0), "1h", KST(2026, 6, 4, 10, 0, 0));
	/* 제헌절 2026-07-17 (Fri) is a holiday again. Thu 17:00 + 2h: Thu 1h,
	 * Mon 20 09-10. */
	EXPECT_DUE(KST(2026, 7, 16, 17, 0, 0), "2h", KST(2026, 7, 20, 10, 0, 0));
	/* 노동절 2026-05-01 (Fri) is a working day for public offices. */
	EXPECT_DUE(KST(2026, 4, 30, 17, 0, 0), "2h", KST(2026, 5, 1, 10, 0, 0));
	/* 현충일 2024-06-06 (Thu). Wed 17:00 + 2h: Wed 1h, Fri 09-10. */
	EXPECT_DUE(KST(2024, 6, 5, 17, 0, 0), "2h", KST(2024, 6, 7, 10, 0, 0));
}

static void test_year_end(void **state)
{
	const mw_calendar *cal = *state;

	/* 2024-12-31 (Tue) 17:00 + 2h: 1h on the 31st, 2025-01-01 is off,
	 * Thu 01-02 09-10. */
	EXPECT_DUE(KST(2024, 12, 31, 17, 0, 0), "2h", KST(2025, 1, 2, 10, 0, 0));
	/* 6d: Dec 31 (1), Jan 2 (2), 3 (3), 6 (4), 7 (5), 8 (6). */
	EXPECT_DUE(KST(2024, 12, 31, 17, 0, 0), "6d", EOD(2025, 1, 8));
	/* Received after hours on the 31st: counting starts Jan 2. */
	EXPECT_DUE(KST(2024, 12, 31, 19, 0, 0), "1h", KST(2025, 1, 2, 10, 0, 0));
	/* 2027-12-31 (Fri) 17:00 + 2h into 2028, beyond the table: Fri 1h,
	 * 2028-01-01 is a Saturday (not in the table, but a weekend) and
	 * Monday 2028-01-03 09-10 follows. 신정 2028 is missing from the
	 * table, which only shows that the table must be extended yearly. */
	EXPECT_DUE(KST(2027, 12, 31, 17, 0, 0), "2h", KST(2028, 1, 3, 10, 0, 0));
}

/* ---- pauses (보완) ----------------------------------------------------- */

static void test_pause_hours(void **state)
{
	const mw_calendar *cal = *state;
	mw_time r = KST(2024, 12, 2, 9, 0, 0); /* Monday */

	/* Without a pause: Mon, Tue, Wed → Wed 18:00. */
	CHECK_TIME(due_p(cal, r, "3d", NULL, 0), KST(2024, 12, 4, 18, 0, 0));
	{
		/* Paused Mon 11:00 .. Tue 15:00 = Mon 11-12, 13-18, Tue 09-12,
		 * 13-15 = 11 working hours not counted. Mon 09-11 (2h), Tue
		 * 15-18 (5), Wed (13), Thu (21), Fri 09-12 (24): Fri 12:00. */
		mw_pause p[] = { { KST(2024, 12, 2, 11, 0, 0), KST(2024, 12, 3, 15, 0, 0) } };

		CHECK_TIME(due_p(cal, r, "3d", p, 1), KST(2024, 12, 6, 12, 0, 0));
	}
	{
		/* A pause entirely outside working time changes nothing. */
		mw_pause p[] = { { KST(2024, 12, 2, 18, 30, 0), KST(2024, 12, 3, 8, 0, 0) } };

		CHECK_TIME(due_p(cal, r, "3d", p, 1), KST(2024, 12, 4, 18, 0, 0));
	}
	{
		/* A pause that began before receipt only counts from receipt:
		 * Mon 09-10 is lost; 24h from Mon 10:00 ends Thu 10:00. */
		mw_pause p[] = { { KST(2024, 12, 1, 10, 0, 0), KST(2024, 12, 2, 10, 0, 0) } };

		CHECK_TIME(due_p(cal, r, "3d", p, 1), KST(2024, 12, 5, 10, 0, 0));
	}
	{
		/* A pause after the due instant (or starting exactly at it)
		 * changes nothing. */
		mw_pause p[] = { { KST(2024, 12, 4, 18, 0, 0), KST(2024, 12, 6, 9, 0, 0) } };

		CHECK_TIME(due_p(cal, r, "3d", p, 1), KST(2024, 12, 4, 18, 0, 0));
	}
	{
		/* Two pauses: Mon 09-13 (3 working hours) and Tue 13:00 .. Wed
		 * 09:00 (5): 8 hours lost, one working day later: Thu 18:00. */
		mw_pause p[] = {
			{ KST(2024, 12, 2, 9, 0, 0), KST(2024, 12, 2, 13, 0, 0) },
			{ KST(2024, 12, 3, 13, 0, 0), KST(2024, 12, 4, 9, 0, 0) },
		};

		CHECK_TIME(due_p(cal, r, "3d", p, 2), KST(2024, 12, 5, 18, 0, 0));
	}
	{
		/* A pause across a weekend: Fri 17:00 .. Mon 10:00 costs Fri
		 * 17-18 and Mon 09-10. 1h from Fri 16:00: Fri 16-17, done. */
		mw_pause p[] = { { KST(2024, 12, 6, 17, 0, 0), KST(2024, 12, 9, 10, 0, 0) } };

		CHECK_TIME(due_p(cal, KST(2024, 12, 6, 16, 0, 0), "1h", p, 1),
			   KST(2024, 12, 6, 17, 0, 0));
		/* 2h: Fri 16-17, then Mon 10-11. */
		CHECK_TIME(due_p(cal, KST(2024, 12, 6, 16, 0, 0), "2h", p, 1),
			   KST(2024, 12, 9, 11, 0, 0));
	}
	{
		/* An empty pause (end == start) costs nothing. */
		mw_pause p[] = { { KST(2024, 12, 2, 11, 0, 0), KST(2024, 12, 2, 11, 0, 0) } };

		CHECK_TIME(due_p(cal, r, "3d", p, 1), KST(2024, 12, 4, 18, 0, 0));
	}
}

static void test_pause_days(void **state)
{
	const mw_calendar *cal = *state;
	mw_time r = KST(2024, 12, 2, 10, 0, 0); /* Monday */

	/* Without a pause: Tue 12-10 (see test_days_mode). */
	CHECK_TIME(due_p(cal, r, "7d", NULL, 0), EOD(2024, 12, 10));
	{
		/* Requested Wed 12-04, supplied Fri 12-06: the days after the
		 * request up to and including the reply day (Thu, Fri) are not
		 * counted: two days later, Thu 12-12. */
		mw_pause p[] = { { KST(2024, 12, 4, 15, 0, 0), KST(2024, 12, 6, 10, 0, 0) } };

		CHECK_TIME(due_p(cal, r, "7d", p, 1), EOD(2024, 12, 12));
	}
	{
		/* Requested Fri 12-06, supplied Mon 12-09: (Fri, Mon] holds one
		 * working day (Mon): Wed 12-11. */
		mw_pause p[] = { { KST(2024, 12, 6, 16, 0, 0), KST(2024, 12, 9, 11, 0, 0) } };

		CHECK_TIME(due_p(cal, r, "7d", p, 1), EOD(2024, 12, 11));
	}
	{
		/* Requested and supplied the same day: nothing moves. */
		mw_pause p[] = { { KST(2024, 12, 4, 10, 0, 0), KST(2024, 12, 4, 16, 0, 0) } };

		CHECK_TIME(due_p(cal, r, "7d", p, 1), EOD(2024, 12, 10));
	}
	{
		/* Requested after the deadline passed: nothing moves. */
		mw_pause p[] = { { KST(2024, 12, 11, 10, 0, 0), KST(2024, 12, 13, 10, 0, 0) } };

		CHECK_TIME(due_p(cal, r, "7d", p, 1), EOD(2024, 12, 10));
	}
	{
		/* Requested on the due day itself (Tue 12-10), supplied Thu
		 * 12-12: Wed and Thu are not counted, due Thu 12-12. */
		mw_pause p[] = { { KST(2024, 12, 10, 10, 0, 0), KST(2024, 12, 12, 10, 0, 0) } };

		CHECK_TIME(due_p(cal, r, "7d", p, 1), EOD(2024, 12, 12));
	}
	{
		/* Two pauses: the first (Thu, Fri) moves the due day to Thu
		 * 12-12; the second, requested Wed 12-11 and supplied Fri 12-13,
		 * began before that and costs Thu and Fri: Mon 12-16. */
		mw_pause p[] = {
			{ KST(2024, 12, 4, 15, 0, 0), KST(2024, 12, 6, 10, 0, 0) },
			{ KST(2024, 12, 11, 9, 0, 0), KST(2024, 12, 13, 9, 0, 0) },
		};

		CHECK_TIME(due_p(cal, r, "7d", p, 2), EOD(2024, 12, 16));
	}
	{
		/* A pause over 설 2025: 10d received Mon 01-20 is due Thu 02-06.
		 * Requested Thu 01-23, supplied Mon 02-03: the working days in
		 * (01-23, 02-03] are Fri 24, Fri 31, Mon 3: due Tue 02-11. */
		mw_pause p[] = { { KST(2025, 1, 23, 14, 0, 0), KST(2025, 2, 3, 10, 0, 0) } };

		CHECK_TIME(due_p(cal, KST(2025, 1, 20, 9, 0, 0), "10d", p, 1),
			   EOD(2025, 2, 11));
	}
}

static void test_open_pause(void **state)
{
	const mw_calendar *cal = *state;
	mw_time r = KST(2024, 12, 2, 10, 0, 0);
	mw_pause open[] = { { KST(2024, 12, 3, 10, 0, 0), 0 } };
	mw_pause closed_then_open[] = {
		{ KST(2024, 12, 3, 10, 0, 0), KST(2024, 12, 4, 10, 0, 0) },
		{ KST(2024, 12, 5, 10, 0, 0), 0 },
	};

	/* While the citizen has not answered, the clock is stopped and there
	 * is no due instant, in both modes. */
	assert_int_equal(due_p(cal, r, "3d", open, 1), 0);
	assert_int_equal(due_p(cal, r, "7d", open, 1), 0);
	assert_int_equal(due_p(cal, r, "36h", closed_then_open, 2), 0);
	assert_int_equal(due_p(cal, r, "14d", closed_then_open, 2), 0);
}

/* ---- extension (연장) -------------------------------------------------- */

static void test_extend(void **state)
{
	const mw_calendar *cal = *state;

	/* Hours: from Wed 12-11 15:00, 24 more working hours: Wed 3h, Thu
	 * (11), Fri (19), Mon 16 09-12 (22), 13-15 (24). */
	CHECK_TIME(mw_deadline_extend(cal, KST(2024, 12, 11, 15, 0, 0), P("3d")),
		   KST(2024, 12, 16, 15, 0, 0));
	/* From an 18:00 due, 1h more is 10:00 the next working day. */
	CHECK_TIME(mw_deadline_extend(cal, KST(2024, 12, 3, 18, 0, 0), P("1h")),
		   KST(2024, 12, 4, 10, 0, 0));
	/* From Fri 12:00, 8h: Fri 13-18 (5), Mon 09-12 (8): Mon 12:00. */
	CHECK_TIME(mw_deadline_extend(cal, KST(2024, 12, 6, 12, 0, 0), P("8h")),
		   KST(2024, 12, 9, 12, 0, 0));
	/* Days: due Tue 12-10, extended by 7d counted from Wed 12-11:
	 * 11, 12, 13, 16, 17, 18, 19. */
	CHECK_TIME(mw_deadline_extend(cal, EOD(2024, 12, 10), P("7d")),
		   EOD(2024, 12, 19));
	/* Over the year end: due Tue 12-24; 26 (1), 27 (2), 30 (3), 31 (4),
	 * Jan 2 (5), Jan 3 (6). */
	CHECK_TIME(mw_deadline_extend(cal, EOD(2024, 12, 24), P("6d")),
		   EOD(2025, 1, 3));
	/* Over 추석 2025: due Thu 10-02; 10-03 .. 10-09 are all off, so
	 * Fri 10 (1), 13 (2), 14 (3), 15 (4), 16 (5), 17 (6). */
	CHECK_TIME(mw_deadline_extend(cal, EOD(2025, 10, 2), P("6d")),
		   EOD(2025, 10, 17));
	/* An hourly extension of a days-mode due (23:59:59): counting
	 * resumes the next working morning. */
	CHECK_TIME(mw_deadline_extend(cal, EOD(2024, 12, 10), P("2h")),
		   KST(2024, 12, 11, 11, 0, 0));
	/* A day extension of an hours-mode due (Wed 15:00): the day after
	 * the due day is day one: Thu 12 .. Thu 19 is six days. */
	CHECK_TIME(mw_deadline_extend(cal, KST(2024, 12, 11, 15, 0, 0), P("6d")),
		   EOD(2024, 12, 19));
	/* A due on a Friday, extended by 6d: Mon .. next Mon. */
	CHECK_TIME(mw_deadline_extend(cal, EOD(2024, 12, 6), P("6d")),
		   EOD(2024, 12, 16));
}

/* ---- working seconds --------------------------------------------------- */

static void test_extended_periods(void **state)
{
	const mw_calendar *cal = *state;
	mw_time r = KST(2024, 12, 6, 15, 0, 0);
	mw_time d;

	/* The lifecycle extends by adding to the period and recomputing from
	 * receipt, so amounts beyond what mw_period_parse accepts (3650 plus
	 * two extensions of up to 3650) must still be computed, and must
	 * agree with extending the shorter period. */
	d = mw_deadline_due(cal, r, (mw_period){ 10950, MW_PERIOD_HOURS }, NULL, 0);
	CHECK_TIME(d, mw_deadline_extend(cal, mw_deadline_extend(cal, due(cal, r, "3650h"),
								  P("3650h")), P("3650h")));
	assert_int_equal(mw_deadline_working_seconds(cal, r, d), (int64_t)10950 * 3600);
	d = mw_deadline_due(cal, r, (mw_period){ 10950, MW_PERIOD_DAYS }, NULL, 0);
	CHECK_TIME(d, mw_deadline_extend(cal, mw_deadline_extend(cal, due(cal, r, "3650d"),
								  P("3650d")), P("3650d")));
	/* "3d" kept as "24h" plus a "3d" extension as "+24h" is 48h: from
	 * Fri 12-06 15:00 that is Fri 3h + Mon..Fri 40h + Mon 12-16 09-12,
	 * 13-15 (48h). */
	CHECK_TIME(mw_deadline_due(cal, r, (mw_period){ 48, MW_PERIOD_HOURS }, NULL, 0),
		   KST(2024, 12, 16, 15, 0, 0));
	CHECK_TIME(mw_deadline_extend(cal, due(cal, r, "3d"), P("3d")),
		   KST(2024, 12, 16, 15, 0, 0));
}

static void test_working_seconds(void **state)
{
	const mw_calendar *cal = *state;

	/* A whole working day is 8 hours. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 3, 9, 0, 0),
						     KST(2024, 12, 3, 18, 0, 0)), 8 * 3600);
	/* Midnight to midnight is the same. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 3, 0, 0, 0),
						     KST(2024, 12, 4, 0, 0, 0)), 8 * 3600);
	/* 11:00 .. 14:00 spans lunch: 1h + 1h. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 3, 11, 0, 0),
						     KST(2024, 12, 3, 14, 0, 0)), 2 * 3600);
	/* The lunch hour itself is worth nothing. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 3, 12, 0, 0),
						     KST(2024, 12, 3, 13, 0, 0)), 0);
	/* 12:30 .. 13:30 is half an hour. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 3, 12, 30, 0),
						     KST(2024, 12, 3, 13, 30, 0)), 1800);
	/* Overnight is worth nothing. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 3, 18, 0, 0),
						     KST(2024, 12, 4, 9, 0, 0)), 0);
	/* Fri 17:00 .. Mon 10:00: one hour each side of the weekend. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 6, 17, 0, 0),
						     KST(2024, 12, 9, 10, 0, 0)), 2 * 3600);
	/* A whole week is 40 hours. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 2, 0, 0, 0),
						     KST(2024, 12, 9, 0, 0, 0)), 40 * 3600);
	/* The two weeks around 설 2024 (02-05 .. 02-18) have 8 working days:
	 * 02-09 and 02-12 are off. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 2, 5, 0, 0, 0),
						     KST(2024, 2, 19, 0, 0, 0)), 64 * 3600);
	/* A holiday is worth nothing. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 25, 0, 0, 0),
						     KST(2024, 12, 26, 0, 0, 0)), 0);
	/* Empty and reversed intervals are worth nothing. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 3, 10, 0, 0),
						     KST(2024, 12, 3, 10, 0, 0)), 0);
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 4, 10, 0, 0),
						     KST(2024, 12, 3, 10, 0, 0)), 0);
	/* One second. */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2024, 12, 3, 17, 59, 59),
						     KST(2024, 12, 3, 18, 0, 0)), 1);
	/* The year 2025 has 244 working days with this table: 365 days,
	 * 104 weekend days and 17 holidays on weekdays (신정, 01-27 .. 01-30,
	 * 03-03, 05-05, 05-06, 06-03, 06-06, 08-15, 10-03, 10-06 .. 10-09,
	 * 12-25). */
	assert_int_equal(mw_deadline_working_seconds(cal, KST(2025, 1, 1, 0, 0, 0),
						     KST(2026, 1, 1, 0, 0, 0)),
			 (int64_t)(365 - 104 - 17) * 8 * 3600);
}

/* ---- properties -------------------------------------------------------- */

static void test_property_hours(void **state)
{
	const mw_calendar *cal = *state;
	mw_time base = KST(2024, 1, 1, 0, 0, 0);
	mw_time span = KST(2028, 1, 1, 0, 0, 0) - base;
	uint64_t seed = 0x5eed2024c0ffeeULL;
	int inside = 0;

	/* For 2000 receipts at random seconds of 2024-2027 and every period
	 * of 1..40 hours: the due instant grows strictly with the period,
	 * exactly period*3600 working seconds lie between receipt and due,
	 * and one second less before the last second (due is the earliest
	 * such instant). The receipts outside working time hold too; the
	 * count of those inside is checked so the sample is not all nights. */
	for (int i = 0; i < 2000; i++) {
		mw_time r = base + (mw_time)(rng_next(&seed) % (uint64_t)span);
		mw_time prev = r;

		if (mw_deadline_working_seconds(cal, r, r + 1) == 1)
			inside++;
		for (int h = 1; h <= 40; h++) {
			mw_period p = { h, MW_PERIOD_HOURS };
			mw_time d = mw_deadline_due(cal, r, p, NULL, 0);

			assert_true(d > prev);
			assert_int_equal(mw_deadline_working_seconds(cal, r, d),
					 (int64_t)h * 3600);
			assert_int_equal(mw_deadline_working_seconds(cal, r, d - 1),
					 (int64_t)h * 3600 - 1);
			prev = d;
		}
	}
	/* Working time is 40 of 168 hours a week, a little less with
	 * holidays: about 23% of 2000. */
	assert_in_range(inside, 300, 600);
}

static void test_property_reference(void **state)
{
	const mw_calendar *cal = *state;
	mw_time base = KST(2024, 1, 1, 0, 0, 0);
	uint64_t span_min = (uint64_t)(KST(2028, 1, 1, 0, 0, 0) - base) / 60;
	uint64_t seed = 0xdead11e2025ULL;

	/* Against the naive minute-by-minute walk, with 0 to 3 random
	 * pauses after receipt: 400 minute-aligned receipts. */
	for (int i = 0; i < 400; i++) {
		mw_time r = base + (mw_time)(rng_next(&seed) % span_min) * 60;
		int hours = 1 + (int)(rng_next(&seed) % 40);
		size_t npauses = (size_t)(rng_next(&seed) % 4);
		mw_pause pauses[3];
		mw_time t = r;
		mw_period p = { hours, MW_PERIOD_HOURS };

		for (size_t k = 0; k < npauses; k++) {
			/* Gaps and lengths of up to three days, to the minute. */
			t += (mw_time)(rng_next(&seed) % (3 * 1440)) * 60;
			pauses[k].start = t;
			t += (mw_time)(1 + rng_next(&seed) % (3 * 1440)) * 60;
			pauses[k].end = t;
		}
		CHECK_TIME(mw_deadline_due(cal, r, p, pauses, npauses),
			   naive_due_hours(cal, r, hours, pauses, npauses));
	}
}

static void test_property_days(void **state)
{
	const mw_calendar *cal = *state;
	mw_time base = KST(2024, 1, 1, 0, 0, 0);
	mw_time span = KST(2028, 1, 1, 0, 0, 0) - base;
	uint64_t seed = 0xd475d475ULL;

	/* For random receipts and 6..60 days: the due instant is 23:59:59 of
	 * a working day and the day of receipt .. the due day hold exactly
	 * N working days. */
	for (int i = 0; i < 1000; i++) {
		mw_time r = base + (mw_time)(rng_next(&seed) % (uint64_t)span);
		int n = 6 + (int)(rng_next(&seed) % 55);
		mw_period p = { n, MW_PERIOD_DAYS };
		mw_time d = mw_deadline_due(cal, r, p, NULL, 0);
		mw_civil c;

		mw_time_to_kst(d, &c);
		assert_int_equal(c.hour * 3600 + c.min * 60 + c.sec, 86399);
		assert_true(mw_calendar_is_workday(cal, c.year, c.month, c.day));
		assert_int_equal(workdays_between(cal, kst_day_of(r), kst_day_of(d)), n);
		/* Extending by M days is the same as M more days, counted from
		 * the day after. */
		CHECK_TIME(mw_deadline_extend(cal, d, P("7d")),
			   mw_deadline_due(cal, r, (mw_period){ n + 7, MW_PERIOD_DAYS },
					   NULL, 0));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calendar_basics),
		cmocka_unit_test(test_calendar_out_of_range),
		cmocka_unit_test(test_holiday_file),
		cmocka_unit_test(test_holiday_table),
		cmocka_unit_test(test_period_parse),
		cmocka_unit_test(test_period_format),
		cmocka_unit_test(test_invalid_period),
		cmocka_unit_test(test_hours_spec_example),
		cmocka_unit_test(test_hours_receipt_outside_working_time),
		cmocka_unit_test(test_hours_segment_ends),
		cmocka_unit_test(test_hours_lengths),
		cmocka_unit_test(test_five_vs_six_days),
		cmocka_unit_test(test_days_mode),
		cmocka_unit_test(test_days_long_period),
		cmocka_unit_test(test_seollal),
		cmocka_unit_test(test_chuseok),
		cmocka_unit_test(test_elections_and_other_days),
		cmocka_unit_test(test_year_end),
		cmocka_unit_test(test_pause_hours),
		cmocka_unit_test(test_pause_days),
		cmocka_unit_test(test_open_pause),
		cmocka_unit_test(test_extend),
		cmocka_unit_test(test_extended_periods),
		cmocka_unit_test(test_working_seconds),
		cmocka_unit_test(test_property_hours),
		cmocka_unit_test(test_property_reference),
		cmocka_unit_test(test_property_days),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

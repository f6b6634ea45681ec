/*
 * test_timeutil.c - civil time in KST (src/base/timeutil.c): ISO 8601
 * parsing, formatting, dates and weekdays. Expected instants were
 * computed independently (Python datetime).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/mw.h"
#include "base/timeutil.h"

#include "base/banned.h"

static void expect_parse(const char *s, mw_time want)
{
	mw_time t = -12345;
	int rc = mw_time_parse_iso8601(s, &t);

	if (rc != MW_OK)
		fail_msg("\"%s\" refused (%s)", s, mw_err_code(rc));
	if (t != want)
		fail_msg("\"%s\" -> %lld, want %lld (off by %lld s)", s, (long long)t,
			 (long long)want, (long long)(t - want));
}

static void expect_bad(const char *s)
{
	mw_time t = -12345;

	if (mw_time_parse_iso8601(s, &t) != MW_ERR_INVALID)
		fail_msg("\"%s\" accepted as %lld", s, (long long)t);
	assert_int_equal(t, -12345);
}

/* 2024-12-11 15:00:00 KST = 06:00:00 UTC. */
#define T0 INT64_C(1733896800)

static void test_parse_zones(void **state)
{
	(void)state;
	expect_parse("2024-12-11T15:00:00+09:00", T0);
	expect_parse("2024-12-11T06:00:00Z", T0);
	expect_parse("2024-12-11T06:00:00z", T0);
	expect_parse("2024-12-11T06:00:00+00:00", T0);
	expect_parse("2024-12-11T06:00:00-00:00", T0);
	expect_parse("2024-12-11T00:30:00-05:30", T0);
	expect_parse("2024-12-11T11:30:00+05:30", T0);
	expect_parse("2024-12-11T15:00:00+0900", T0);
	expect_parse("2024-12-11T20:00:00+14:00", T0);
	/* No zone: Korea. */
	expect_parse("2024-12-11T15:00:00", T0);
	expect_parse("2024-12-11T15:00", T0);
	expect_parse("2024-12-11 15:00:00", T0);
	expect_parse("2024-12-11T06:00Z", T0);
}

static void test_parse_fraction_and_date(void **state)
{
	(void)state;
	/* Fractions are dropped, never rounded up. */
	expect_parse("2024-12-11T15:00:00.123456+09:00", T0);
	expect_parse("2024-12-11T15:00:00.999999999+09:00", T0);
	expect_parse("2024-12-11T06:00:00.5Z", T0);
	expect_parse("2024-12-11T06:00:00,5Z", T0);
	expect_parse("2024-12-11T15:00:00.1", T0);
	/* A bare date is midnight in Korea. */
	expect_parse("2024-12-11", INT64_C(1733842800));
	expect_parse("1970-01-01T09:00:00+09:00", 0);
	expect_parse("1970-01-01", -9 * 3600);
	expect_parse("2024-02-29T23:59:59+09:00", INT64_C(1709218799));
	expect_parse("9999-12-31T23:59:59+09:00", INT64_C(253402268399));
	/* The leap second is taken as the next second. */
	expect_parse("2016-12-31T23:59:60Z", INT64_C(1483228800));
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "2024", "2024-12", "2024-12-1", "24-12-11",
		"2024-02-30", "2023-02-29", "2100-02-29", "2024-04-31", "2024-13-01",
		"2024-00-10", "2024-12-00", "2024-12-32",
		"2024-12-11T25:00", "2024-12-11T24:00:00", "2024-12-11T12:60",
		"2024-12-11T12:00:61", "2024-12-11T1:00", "2024-12-11T12",
		"2024-12-11T12:", "2024-12-11T12:00:", "2024-12-11T12:00:0",
		"2024-12-11T12:00:00.", "2024-12-11T12:00:00.Z", "2024-12-11T12:00.5",
		"2024-12-11T12:00:00+", "2024-12-11T12:00:00+9", "2024-12-11T12:00:00+09:0",
		"2024-12-11T12:00:00+15:00", "2024-12-11T12:00:00+09:60",
		"2024-12-11T12:00:00Zjunk", "2024-12-11T12:00:00+09:00 ", "2024-12-11x",
		"2024-12-11 ", "2024-12-11T", "2024-12-11T12:00:00 Z", " 2024-12-11",
		"2024/12/11", "2024-12-11t12:00", "1969-12-31T23:59:59Z",
		"abcd-ef-gh", "2024-12-11T12:00:00GMT", "2024-12-11T12:00:00+09:00Z",
	};

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++)
		expect_bad(bad[i]);
}

static void test_date_parse(void **state)
{
	int y = 0, m = 0, d = 0;

	(void)state;
	assert_int_equal(mw_date_parse("2024-02-29", &y, &m, &d), MW_OK);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	assert_int_equal(mw_date_parse("2000-02-29", &y, &m, &d), MW_OK);
	assert_int_equal(mw_date_parse("2024-02-30", &y, &m, &d), MW_ERR_INVALID);
	assert_int_equal(mw_date_parse("1900-02-29", &y, &m, &d), MW_ERR_INVALID);
	assert_int_equal(mw_date_parse("2024-12-11T00:00", &y, &m, &d), MW_ERR_INVALID);
	assert_int_equal(mw_date_parse("2024-12-1", &y, &m, &d), MW_ERR_INVALID);
	assert_int_equal(mw_date_parse("", &y, &m, &d), MW_ERR_INVALID);
}

static void test_format_roundtrip(void **state)
{
	char out[32];
	static const mw_time samples[] = {
		0, T0, INT64_C(1709218799), INT64_C(1733842800), -9 * 3600,
		INT64_C(253402268399), INT64_C(2147483647), INT64_C(2147483648),
		INT64_C(4102444800),
	};

	(void)state;
	mw_time_format_kst(T0, out);
	assert_string_equal(out, "2024-12-11T15:00:00+09:00");
	mw_time_format_kst(0, out);
	assert_string_equal(out, "1970-01-01T09:00:00+09:00");
	mw_time_format_kst(INT64_C(1709218799), out);
	assert_string_equal(out, "2024-02-29T23:59:59+09:00");
	/* A UTC evening is the next morning in Korea. */
	mw_time_format_kst(INT64_C(1733958000), out);
	assert_string_equal(out, "2024-12-12T08:00:00+09:00");

	for (size_t i = 0; i < MW_ARRAY_LEN(samples); i++) {
		mw_time back = -1;

		mw_time_format_kst(samples[i], out);
		assert_int_equal(strlen(out), 25);
		assert_int_equal(mw_time_parse_iso8601(out, &back), MW_OK);
		assert_int_equal(back, samples[i]);
	}
	/* Every hour for two years, across both leap-day boundaries. */
	for (mw_time t = INT64_C(1704034800); t < INT64_C(1767193200); t += 3600 + 17) {
		mw_time back = -1;

		mw_time_format_kst(t, out);
		assert_int_equal(mw_time_parse_iso8601(out, &back), MW_OK);
		assert_int_equal(back, t);
	}
}

static void test_kst_conversion(void **state)
{
	mw_civil c;

	(void)state;
	mw_time_to_kst(T0, &c);
	assert_int_equal(c.year, 2024);
	assert_int_equal(c.month, 12);
	assert_int_equal(c.day, 11);
	assert_int_equal(c.hour, 15);
	assert_int_equal(c.min, 0);
	assert_int_equal(c.sec, 0);
	assert_int_equal(mw_time_from_kst(2024, 12, 11, 15, 0, 0), T0);
	/* Before the epoch. */
	mw_time_to_kst(-9 * 3600 - 1, &c);
	assert_int_equal(c.year, 1969);
	assert_int_equal(c.month, 12);
	assert_int_equal(c.day, 31);
	assert_int_equal(c.hour, 23);
	assert_int_equal(c.min, 59);
	assert_int_equal(c.sec, 59);
	assert_int_equal(c.wday, 3);

	for (int64_t days = -800000; days <= 2932896; days += 997) {
		int y, m, d;

		mw_civil_from_days(days, &y, &m, &d);
		assert_int_equal(mw_days_from_civil(y, m, d), days);
	}
	assert_int_equal(mw_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(mw_days_from_civil(2000, 3, 1), 11017);
}

static void test_weekdays(void **state)
{
	static const struct {
		int y, m, d, wday;
	} known[] = {
		{ 1970, 1, 1, 4 },  { 1988, 9, 17, 6 }, { 2000, 1, 1, 6 },
		{ 2000, 2, 29, 2 }, { 2024, 2, 29, 4 }, { 2024, 12, 25, 3 },
		{ 2026, 3, 1, 0 },  { 2038, 1, 19, 2 }, { 2099, 12, 31, 4 },
		{ 2100, 3, 1, 1 },  { 9999, 12, 31, 5 },
	};
	mw_civil c;

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(known); i++) {
		/* At both ends of the KST day. */
		mw_time_to_kst(mw_time_from_kst(known[i].y, known[i].m, known[i].d, 0, 0, 0), &c);
		if (c.wday != known[i].wday)
			fail_msg("%04d-%02d-%02d 00:00: wday %d, want %d", known[i].y, known[i].m,
				 known[i].d, c.wday, known[i].wday);
		mw_time_to_kst(mw_time_from_kst(known[i].y, known[i].m, known[i].d, 23, 59, 59), &c);
		assert_int_equal(c.wday, known[i].wday);
		assert_int_equal(c.day, known[i].d);
	}
}

static void test_clocks(void **state)
{
	int64_t a, b;

	(void)state;
	/* Sometime after this code was written, and before 2100. */
	assert_true(mw_now() > INT64_C(1735657200));
	assert_true(mw_now() < INT64_C(4102444800));
	a = mw_monotonic_us();
	b = mw_monotonic_us();
	assert_true(b >= a);
	assert_true(mw_now_us() / 1000000 - mw_now() <= 1);
}

/* The test clock starts where it is told, runs on with real time, moves
 * only forward, and cannot be started twice. It is process-wide, so this
 * test runs last. */
static void test_test_clock(void **state)
{
	mw_time start = mw_time_from_kst(2025, 1, 24, 17, 0, 0);
	mw_time real = mw_real_now();

	(void)state;
	assert_false(mw_clock_is_test());
	assert_int_equal(mw_clock_jump(start + 60), MW_ERR_INVALID);
	assert_int_equal(mw_clock_start_test(start), MW_OK);
	assert_true(mw_clock_is_test());
	assert_true(mw_now() >= start && mw_now() <= start + 5);
	assert_true(mw_real_now() >= real && mw_real_now() <= real + 5);
	assert_int_equal(mw_clock_start_test(start), MW_ERR_INVALID);
	assert_int_equal(mw_clock_jump(start + 30 * 86400), MW_OK);
	assert_true(mw_now() >= start + 30 * 86400 && mw_now() <= start + 30 * 86400 + 5);
	assert_true(mw_now_us() / 1000000 - mw_now() <= 1);
	assert_int_equal(mw_clock_jump(start), MW_ERR_INVALID);
	assert_true(mw_now() >= start + 30 * 86400);
}

/* Lengths of time of the serve settings (--session-idle 30m, ...). */
static void test_parse_seconds(void **state)
{
	static const struct {
		const char *s;
		int64_t want;
	} good[] = {
		{ "1800", 1800 }, { "0", 0 },       { "45s", 45 },         { "30m", 1800 },
		{ "12h", 43200 }, { "30d", 2592000 }, { "90d", 7776000 },
	};
	static const char *const bad[] = { "", "d", "-5", "+5", " 5", "5 ", "5x", "5dd", "1.5h",
					   "91d", "7776001", "99999999999999999999", "0x10" };
	int64_t v;

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(good); i++) {
		v = -1;
		if (mw_parse_seconds(good[i].s, 0, 90 * 86400, &v) || v != good[i].want)
			fail_msg("\"%s\" -> %lld, want %lld", good[i].s, (long long)v,
				 (long long)good[i].want);
	}
	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++)
		if (mw_parse_seconds(bad[i], 0, 90 * 86400, &v) != MW_ERR_INVALID)
			fail_msg("\"%s\" accepted as %lld", bad[i], (long long)v);
	assert_int_equal(mw_parse_seconds("0", 1, 100, &v), MW_ERR_INVALID);
	assert_int_equal(mw_parse_seconds(NULL, 0, 100, &v), MW_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_zones),
		cmocka_unit_test(test_parse_fraction_and_date),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_kst_conversion),
		cmocka_unit_test(test_weekdays),
		cmocka_unit_test(test_clocks),
		cmocka_unit_test(test_test_clock),
		cmocka_unit_test(test_parse_seconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

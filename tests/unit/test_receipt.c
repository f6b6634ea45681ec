/*
 * test_receipt.c - receipt numbers (src/core/receipt.c): the YYMM period
 * in KST, formatting, parsing and what parsing refuses.
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
#include "core/receipt.h"

#include "base/banned.h"

/* receipt.h: out >= 16 bytes. */
#define OUTSZ 16

static mw_time iso(const char *s)
{
	mw_time t = 0;

	if (mw_time_parse_iso8601(s, &t) != MW_OK)
		fail_msg("cannot parse %s", s);
	return t;
}

static void test_period_kst(void **state)
{
	(void)state;
	assert_int_equal(mw_receipt_period(iso("2026-11-30T23:30:00+09:00")), 2611);
	/* 15:30 UTC is already 00:30 of December 1st in Korea. */
	assert_int_equal(mw_receipt_period(iso("2026-11-30T15:30:00Z")), 2612);
	assert_int_equal(mw_receipt_period(iso("2026-11-30T14:59:59Z")), 2611);
	assert_int_equal(mw_receipt_period(iso("2026-11-30T15:00:00Z")), 2612);
	/* New year in Korea, still the old year in UTC. */
	assert_int_equal(mw_receipt_period(iso("2026-12-31T15:00:00Z")), 2701);
	assert_int_equal(mw_receipt_period(iso("2027-01-01T00:00:00+09:00")), 2701);
	assert_int_equal(mw_receipt_period(iso("2026-12-31T23:59:59+09:00")), 2612);
	assert_int_equal(mw_receipt_period(iso("2024-02-29T12:00:00+09:00")), 2402);
	assert_int_equal(mw_receipt_period(mw_time_from_kst(2030, 1, 1, 0, 0, 0)), 3001);
	assert_int_equal(mw_receipt_period(mw_time_from_kst(2099, 12, 31, 23, 59, 59)), 9912);
}

static void roundtrip(int period, int64_t seq, const char *want)
{
	char out[OUTSZ];
	int p = -1;
	int64_t q = -1;

	assert_int_equal(mw_receipt_format(period, seq, out, sizeof(out)), MW_OK);
	assert_string_equal(out, want);
	assert_int_equal(mw_receipt_parse(out, &p, &q), MW_OK);
	assert_int_equal(p, period);
	assert_int_equal(q, seq);
}

static void test_format_parse_roundtrip(void **state)
{
	(void)state;
	roundtrip(2611, 1, "2611-000001");
	roundtrip(2611, 123, "2611-000123");
	roundtrip(2612, 999999, "2612-999999");
	/* Past six digits the number grows a digit and stays unique. */
	roundtrip(2612, 1000000, "2612-1000000");
	roundtrip(2701, 1234567, "2701-1234567");
	roundtrip(2701, 99999999, "2701-99999999");
	roundtrip(9912, 42, "9912-000042");
	roundtrip(101, 7, "0101-000007");
}

static void test_format_refusals(void **state)
{
	char out[OUTSZ];

	(void)state;
	assert_int_equal(mw_receipt_format(2611, 0, out, sizeof(out)), MW_ERR_INVALID);
	assert_int_equal(mw_receipt_format(2611, -5, out, sizeof(out)), MW_ERR_INVALID);
	assert_int_equal(mw_receipt_format(2611, 100000000, out, sizeof(out)), MW_ERR_INVALID);
	assert_int_equal(mw_receipt_format(10000, 1, out, sizeof(out)), MW_ERR_INVALID);
	assert_int_equal(mw_receipt_format(-2611, 1, out, sizeof(out)), MW_ERR_INVALID);
	/* Too small a buffer: refused, and nothing written past it. */
	{
		char small[8];

		memset(small, 'x', sizeof(small));
		assert_int_equal(mw_receipt_format(2611, 1, small, 6), MW_ERR_TOO_LARGE);
		assert_int_equal(small[6], 'x');
		assert_int_equal(small[7], 'x');
		assert_int_equal(strlen(small), 5);
	}
}

/* Whatever format accepts, parse must accept back: a period with month
 * 00 or 13 is no period at all. */
static void test_format_refuses_bad_month(void **state)
{
	char out[OUTSZ];
	static const int bad[] = { 2613, 2600, 2699, 2620 };

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++) {
		int rc = mw_receipt_format(bad[i], 1, out, sizeof(out));

		if (rc != MW_ERR_INVALID)
			fail_msg("mw_receipt_format(%d, 1) = %s (\"%s\"), want invalid; "
				 "mw_receipt_parse refuses what it wrote", bad[i], mw_err_code(rc),
				 rc == MW_OK ? out : "");
	}
}

/* Every period a KST time of this century produces formats and parses
 * back. (2000-01..2000-12 give periods 1..12, which format refuses as
 * below 0101; that year is not tested.) */
static void test_every_kst_period_formats(void **state)
{
	char out[OUTSZ];

	(void)state;
	for (int y = 2001; y <= 2099; y++)
		for (int m = 1; m <= 12; m++) {
			int period = mw_receipt_period(mw_time_from_kst(y, m, 15, 12, 0, 0));
			int p = -1;
			int64_t q = -1;

			assert_int_equal(period, (y % 100) * 100 + m);
			if (mw_receipt_format(period, 5, out, sizeof(out)) != MW_OK)
				fail_msg("period %04d (%d-%02d) does not format", period, y, m);
			assert_int_equal(mw_receipt_parse(out, &p, &q), MW_OK);
			assert_int_equal(p, period);
			assert_int_equal(q, 5);
		}
}

static void test_parse_refusals(void **state)
{
	static const char *const bad[] = {
		"2613-000001",     /* month 13 */
		"2600-000001",     /* month 0 */
		"2611-00001",      /* five digits */
		"26110-00001",     /* dash in the wrong place */
		"2611_000001",
		"2611-000000",     /* sequence 0 */
		"",
		"2611-0000012345", /* too long */
		"2611-",
		"2611",
		"-2611-000001",
		"2611-00000a",
		"2611-+00001",
		"2611- 00001",
		" 2611-000001",
		"2611-000001 ",
		"2611-000001\n",
		"26a1-000001",
		"2611--000001",
		"２６１１-000001",  /* full-width digits */
	};

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++) {
		int p = 77;
		int64_t q = 77;

		if (mw_receipt_parse(bad[i], &p, &q) != MW_ERR_INVALID)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(p, 77);
		assert_int_equal(q, 77);
	}
}

static void test_parse_accepts(void **state)
{
	int p;
	int64_t q;

	(void)state;
	assert_int_equal(mw_receipt_parse("2611-000123", &p, &q), MW_OK);
	assert_int_equal(p, 2611);
	assert_int_equal(q, 123);
	assert_int_equal(mw_receipt_parse("2612-1234567", &p, &q), MW_OK);
	assert_int_equal(q, 1234567);
	assert_int_equal(mw_receipt_parse("2612-12345678", &p, &q), MW_OK);
	assert_int_equal(q, 12345678);
	/* Outputs are optional. */
	assert_int_equal(mw_receipt_parse("2601-000001", NULL, NULL), MW_OK);
	assert_int_equal(mw_receipt_parse("2601-000000", NULL, NULL), MW_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period_kst),
		cmocka_unit_test(test_format_parse_roundtrip),
		cmocka_unit_test(test_format_refusals),
		cmocka_unit_test(test_format_refuses_bad_month),
		cmocka_unit_test(test_every_kst_period_formats),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_parse_accepts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

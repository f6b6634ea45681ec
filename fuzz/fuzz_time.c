/*
 * fuzz_time.c - the small parsers of times, dates, periods and receipt
 * numbers (src/base/timeutil.h, src/core/deadline.h, src/core/receipt.h),
 * and the deadline calculus fed with what they accept.
 *
 * The input, as a C string (it ends at the first NUL), is given whole to
 * mw_time_parse_iso8601, mw_date_parse, mw_period_parse and
 * mw_receipt_parse. What parses must come back unchanged through its
 * formatter (mw_time_format_kst, mw_period_format, mw_receipt_format),
 * and a parsed time or period goes into mw_deadline_due with a calendar.
 *
 * An input with '|' in it is also split as
 *     RECEIVED|PERIOD[|PAUSE_START|PAUSE_END]
 * e.g. "2024-12-11T15:00:00+09:00|3d|2024-12-12T10:00|2024-12-13", to
 * drive mw_deadline_due with the caller's own values and one pause.
 *
 * Checks on a due instant: it is 0 or not before the receipt; an hourly
 * period ends after exactly its working time (mw_deadline_working_seconds),
 * a day period at 23:59:59 KST of a working day; a pause never makes a
 * deadline earlier; an extension never does either.
 */
#include "fuzz.h"
#include "base/mw.h"
#include "base/timeutil.h"
#include "core/deadline.h"
#include "core/receipt.h"

#include <string.h>

#include "base/banned.h"

static mw_calendar *calendar(void)
{
	/* A few real holidays (data/holidays.tsv) around the seeds' dates. */
	static const int days[][3] = {
		{ 2024, 12, 25 }, { 2025, 1, 1 }, { 2025, 1, 28 }, { 2025, 1, 29 },
		{ 2025, 1, 30 }, { 2025, 3, 3 }, { 2025, 5, 5 }, { 2025, 5, 6 },
		{ 2025, 6, 3 }, { 2025, 6, 6 }, { 2025, 8, 15 }, { 2025, 10, 3 },
		{ 2025, 10, 6 }, { 2025, 10, 7 }, { 2025, 10, 8 }, { 2025, 10, 9 },
		{ 2025, 12, 25 }, { 2026, 1, 1 }, { 2026, 2, 16 }, { 2026, 2, 17 },
		{ 2026, 2, 18 }, { 2026, 3, 2 }, { 2026, 5, 5 }, { 2026, 5, 25 },
		{ 2200, 12, 31 },
	};
	static mw_calendar *cal;

	if (!cal) {
		cal = mw_calendar_new();
		FUZZ_CHECK(cal != NULL, "out of memory");
		for (size_t i = 0; i < MW_ARRAY_LEN(days); i++)
			FUZZ_CHECK(mw_calendar_add_holiday(cal, days[i][0], days[i][1],
							   days[i][2]) == MW_OK,
				   "holiday %d-%d-%d refused", days[i][0], days[i][1], days[i][2]);
	}
	return cal;
}

static int64_t working_secs(mw_period p)
{
	return p.unit == MW_PERIOD_HOURS ? (int64_t)p.amount * 3600 : (int64_t)p.amount * 8 * 3600;
}

/* The due instant of (received, period, pauses), checked. */
static mw_time check_due(mw_time received, mw_period p, const mw_pause *pauses, size_t npauses)
{
	const mw_calendar *cal = calendar();
	mw_time due = mw_deadline_due(cal, received, p, pauses, npauses);
	char r[32], d[32];

	mw_time_format_kst(received, r);
	mw_time_format_kst(due, d);
	FUZZ_CHECK(due == 0 || due >= received, "received %s, period %d%c: due %s is before",
		   r, p.amount, (char)p.unit, d);
	if (!due)
		return 0;
	if (mw_period_is_hourly(p)) {
		/* (mw_deadline_working_seconds stops at 9999-12-31.) */
		if (!npauses && due <= INT64_C(253402300799)) {
			int64_t w = mw_deadline_working_seconds(cal, received, due);

			FUZZ_CHECK(w == working_secs(p),
				   "received %s, period %d%c: due %s after %lld working seconds",
				   r, p.amount, (char)p.unit, d, (long long)w);
		}
	} else {
		mw_civil c;

		mw_time_to_kst(due, &c);
		FUZZ_CHECK(c.hour == 23 && c.min == 59 && c.sec == 59,
			   "received %s, period %d%c: due %s is not the end of a day", r, p.amount,
			   (char)p.unit, d);
		/* (mw_calendar_is_workday knows years up to 9999.) */
		FUZZ_CHECK(c.year > 9999 || mw_calendar_is_workday(cal, c.year, c.month, c.day),
			   "received %s, period %d%c: due %s is not a working day", r, p.amount,
			   (char)p.unit, d);
	}
	{
		mw_time ext = mw_deadline_extend(cal, due, p);

		FUZZ_CHECK(ext >= due, "extending %s by %d%c gives an earlier time", d, p.amount,
			   (char)p.unit);
	}
	return due;
}

static void check_time(const char *s)
{
	mw_time t, t2;
	char buf[32], e1[256];

	if (mw_time_parse_iso8601(s, &t) != MW_OK)
		return;
	mw_time_format_kst(t, buf);
	FUZZ_CHECK(mw_time_parse_iso8601(buf, &t2) == MW_OK,
		   "\"%s\" parses, its format \"%s\" does not", fuzz_esc(s, strlen(s), e1, sizeof(e1)),
		   buf);
	FUZZ_CHECK(t == t2, "\"%s\" -> %s -> %lld, not %lld", fuzz_esc(s, strlen(s), e1, sizeof(e1)),
		   buf, (long long)t2, (long long)t);
	{
		/* Every time gets a receipt period that formats. */
		char rno[16];
		int period = mw_receipt_period(t);

		FUZZ_CHECK(mw_receipt_format(period, 1, rno, sizeof(rno)) == MW_OK,
			   "receipt period %d of %s does not format", period, buf);
	}
	{
		static const mw_period periods[] = {
			{ 1, MW_PERIOD_HOURS }, { 36, MW_PERIOD_HOURS }, { 3, MW_PERIOD_DAYS },
			{ 5, MW_PERIOD_DAYS },  { 6, MW_PERIOD_DAYS },   { 14, MW_PERIOD_DAYS },
		};

		for (size_t i = 0; i < MW_ARRAY_LEN(periods); i++)
			check_due(t, periods[i], NULL, 0);
	}
}

static void check_date(const char *s)
{
	int y, m, d;
	mw_time t;
	char buf[32];

	if (mw_date_parse(s, &y, &m, &d) != MW_OK)
		return;
	FUZZ_CHECK(strlen(s) == 10, "date of %zu characters", strlen(s));
	FUZZ_CHECK(mw_time_parse_iso8601(s, &t) == MW_OK, "date %s is not a time", s);
	FUZZ_CHECK(t == mw_time_from_kst(y, m, d, 0, 0, 0), "date %s is not 00:00 KST", s);
	/* The calendar date comes back as it was written. */
	{
		int y2, m2, d2;

		mw_civil_from_days(mw_days_from_civil(y, m, d), &y2, &m2, &d2);
		FUZZ_CHECK(y == y2 && m == m2 && d == d2, "%s comes back as %d-%d-%d", s, y2, m2,
			   d2);
	}
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	FUZZ_CHECK(!strcmp(buf, s), "%s reads as %s", s, buf);
	mw_calendar_is_workday(calendar(), y, m, d);
	mw_calendar_is_holiday(calendar(), y, m, d);
}

static void check_period(const char *s)
{
	mw_period p, p2;
	char buf[16];
	mw_time received = INT64_C(1733896800); /* 2024-12-11T15:00:00+09:00 */

	if (mw_period_parse(s, &p) != MW_OK)
		return;
	FUZZ_CHECK(p.amount >= 1 && p.amount <= 3650, "amount %d", p.amount);
	mw_period_format(p, buf);
	FUZZ_CHECK(mw_period_parse(buf, &p2) == MW_OK && p2.amount == p.amount &&
			   p2.unit == p.unit,
		   "period %s -> %s does not come back", s, buf);
	FUZZ_CHECK(!strcmp(buf, s), "period %s formats as %s", s, buf);
	check_due(received, p, NULL, 0);
	/* A Saturday evening, and the end of the calendar's table. */
	check_due(INT64_C(1734170400), p, NULL, 0);
	check_due(INT64_C(7289621999), p, NULL, 0);
}

static void check_receipt(const char *s)
{
	int period, period2;
	int64_t seq, seq2;
	char buf[16];
	int rc;

	if (mw_receipt_parse(s, &period, &seq) != MW_OK)
		return;
	FUZZ_CHECK(period % 100 >= 1 && period % 100 <= 12 && seq >= 1,
		   "receipt %s: period %d, seq %lld", s, period, (long long)seq);
	rc = mw_receipt_format(period, seq, buf, sizeof(buf));
	FUZZ_CHECK(rc == MW_OK, "receipt %s parses, (%d, %lld) does not format: %s", s, period,
		   (long long)seq, mw_err_code(rc));
	FUZZ_CHECK(mw_receipt_parse(buf, &period2, &seq2) == MW_OK && period2 == period &&
			   seq2 == seq,
		   "receipt %s -> %s does not come back", s, buf);
	FUZZ_CHECK(mw_receipt_parse(s, NULL, NULL) == MW_OK, "NULL outputs");
}

/* RECEIVED|PERIOD[|PAUSE_START|PAUSE_END] */
static void check_combined(char *s)
{
	char *part[4] = { s, NULL, NULL, NULL };
	size_t n = 1;
	mw_time received, ps, pe;
	mw_period p;
	mw_time plain, paused;

	for (char *q = s; *q && n < 4; q++)
		if (*q == '|') {
			*q = '\0';
			part[n++] = q + 1;
		}
	if (n < 2 || mw_time_parse_iso8601(part[0], &received) ||
	    mw_period_parse(part[1], &p))
		return;
	plain = check_due(received, p, NULL, 0);
	if (n < 4 || mw_time_parse_iso8601(part[2], &ps) || mw_time_parse_iso8601(part[3], &pe))
		return;
	{
		mw_pause pause = { ps, pe };

		paused = check_due(received, p, &pause, 1);
		/* A (closed) pause never brings the deadline forward. */
		if (plain && paused)
			FUZZ_CHECK(paused >= plain, "a pause makes %lld earlier: %lld",
				   (long long)plain, (long long)paused);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	/* Longer strings are refused on their length by every parser. */
	if (size > 256)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_time(s);
	check_date(s);
	check_period(s);
	check_receipt(s);
	if (strchr(s, '|'))
		check_combined(s);
	free(s);
	return 0;
}

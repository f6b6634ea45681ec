/*
 * deadline.c - the legal deadline calculus of deadline.h.
 *
 * Everything here works on KST day numbers (days since 1970-01-01, KST)
 * and on instants (mw_time). A day number d starts at the instant
 * d * 86400 - 9h. Working time on a working day is the two half-open
 * segments [09:00, 12:00) and [13:00, 18:00).
 *
 * Edge rules, chosen once and kept everywhere:
 *  - Hours mode returns the earliest instant at which the required
 *    working time has been used. A count that ends exactly at the end of
 *    a segment therefore ends at 12:00 or 18:00 of that day, never at the
 *    start of the next segment.
 *  - A receipt outside working time (before 09:00, in the lunch hour,
 *    at or after 18:00, on a weekend or holiday) starts counting at the
 *    next working instant, because the segments are half-open.
 *  - Days mode counts the day of receipt as day one whenever it is a
 *    working day, whatever the hour; the due instant is 23:59:59 KST of
 *    the last counted day.
 *  - Pauses (보완): in hours mode paused working seconds are skipped. In
 *    days mode a pause that started on or before the current due day
 *    pushes the due day back by the working days d with
 *    start_day < d <= end_day (the request day was worked, the day the
 *    reply arrived is not counted). A pause that started after the due
 *    day cannot revive a deadline that had already passed, which is also
 *    what hours mode does naturally.
 *  - Any open pause (end == 0) stops the clock: mw_deadline_due() is 0.
 *  - A NULL calendar is an empty one: only weekends are non-working.
 *
 * Lookups are a bit test in a bitmap of days from 1970-01-01 to
 * 2200-12-31; days outside it are never holidays, only weekends.
 */
#include "deadline.h"

#include "../base/mw.h"

#include <stdio.h>
#include <stdlib.h>

#include "../base/banned.h"

#define DAY_SECS	86400
#define HOUR_SECS	3600
#define WORKDAY_SECS	(8 * HOUR_SECS)

/* The calendar covers 1970-01-01 .. 2200-12-31: 231 years with 56 leap
 * days (2100 and 2200 are not leap years). */
#define CAL_FIRST_YEAR	1970
#define CAL_LAST_YEAR	2200
#define CAL_DAYS	(231 * 365 + 56)
#define CAL_WORDS	((CAL_DAYS + 63) / 64)

/* Instants outside 0001-01-01 .. 9999-12-31 are refused, so that day
 * arithmetic can never overflow an int64_t. */
#define TIME_MIN	INT64_C(-62135596800)
#define TIME_MAX	INT64_C(253402300799)

/* mw_period_parse() takes 1..3650, but callers add extensions to a
 * period (two of them, each at most as long as the period), so the
 * calculus itself accepts far more; the cap only bounds the work. */
#define PERIOD_MAX	3650
#define AMOUNT_MAX	100000

struct mw_calendar {
	uint64_t holiday[CAL_WORDS];
};

/* Seconds after local midnight of the working segments, in order. */
static const struct {
	int start, end;
} segments[] = {
	{ 9 * HOUR_SECS, 12 * HOUR_SECS },
	{ 13 * HOUR_SECS, 18 * HOUR_SECS },
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t kst_day(mw_time t)
{
	return floor_div(t + MW_KST_OFFSET, DAY_SECS);
}

static mw_time day_start(int64_t day)
{
	return day * DAY_SECS - MW_KST_OFFSET;
}

/* The last second of a KST day: where days-mode periods end. */
static mw_time day_last_second(int64_t day)
{
	return day_start(day) + DAY_SECS - 1;
}

static bool time_in_range(mw_time t)
{
	return t >= TIME_MIN && t <= TIME_MAX;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool valid_date(int y, int m, int d)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12 || d < 1)
		return false;
	return d <= dm[m - 1] + (m == 2 && is_leap(y));
}

/* The bitmap index of a date, or -1 when the calendar cannot hold it. */
static int64_t cal_index(int y, int m, int d)
{
	if (y < CAL_FIRST_YEAR || y > CAL_LAST_YEAR || !valid_date(y, m, d))
		return -1;
	return mw_days_from_civil(y, m, d);
}

static bool day_is_holiday(const mw_calendar *cal, int64_t day)
{
	if (!cal || day < 0 || day >= CAL_DAYS)
		return false;
	return (cal->holiday[day >> 6] >> (day & 63)) & 1;
}

static bool day_is_workday(const mw_calendar *cal, int64_t day)
{
	/* 1970-01-01 was a Thursday, so day 0 has weekday 4 (Sunday = 0). */
	int wday = (int)(((day % 7) + 11) % 7);

	if (wday == 0 || wday == 6)
		return false;
	return !day_is_holiday(cal, day);
}

mw_calendar *mw_calendar_new(void)
{
	return calloc(1, sizeof(mw_calendar));
}

void mw_calendar_free(mw_calendar *cal)
{
	free(cal);
}

int mw_calendar_add_holiday(mw_calendar *cal, int y, int m, int d)
{
	int64_t day = cal_index(y, m, d);

	if (!cal || day < 0)
		return MW_ERR_INVALID;
	cal->holiday[day >> 6] |= UINT64_C(1) << (day & 63);
	return MW_OK;
}

bool mw_calendar_is_holiday(const mw_calendar *cal, int y, int m, int d)
{
	int64_t day = cal_index(y, m, d);

	return day >= 0 && day_is_holiday(cal, day);
}

bool mw_calendar_is_workday(const mw_calendar *cal, int y, int m, int d)
{
	/* Weekends are known for every date, not only those in the table. */
	if (y < 1 || y > 9999 || !valid_date(y, m, d))
		return false;
	return day_is_workday(cal, mw_days_from_civil(y, m, d));
}

int mw_period_parse(const char *s, mw_period *out)
{
	int amount = 0;
	int i;

	if (!s || s[0] < '1' || s[0] > '9')
		return MW_ERR_INVALID;
	/* At most four digits: the largest valid amount is 3650. */
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == 4)
			return MW_ERR_INVALID;
		amount = amount * 10 + (s[i] - '0');
	}
	if ((s[i] != 'd' && s[i] != 'h') || s[i + 1] != '\0')
		return MW_ERR_INVALID;
	if (amount < 1 || amount > PERIOD_MAX)
		return MW_ERR_INVALID;
	out->amount = amount;
	out->unit = s[i] == 'd' ? MW_PERIOD_DAYS : MW_PERIOD_HOURS;
	return MW_OK;
}

void mw_period_format(mw_period p, char out[16])
{
	snprintf(out, 16, "%d%c", p.amount, (char)p.unit);
}

bool mw_period_is_hourly(mw_period p)
{
	return p.unit == MW_PERIOD_HOURS || p.amount <= 5;
}

static bool period_valid(mw_period p)
{
	return p.amount > 0 && p.amount <= AMOUNT_MAX &&
	       (p.unit == MW_PERIOD_DAYS || p.unit == MW_PERIOD_HOURS);
}

/* Working seconds an hourly period stands for: a day is 8 hours. */
static int64_t period_seconds(mw_period p)
{
	if (p.unit == MW_PERIOD_HOURS)
		return (int64_t)p.amount * HOUR_SECS;
	return (int64_t)p.amount * WORKDAY_SECS;
}

/*
 * The earliest instant at which `need` (> 0) working seconds have passed
 * since `from`, not counting working seconds inside the pauses. Walks one
 * working segment at a time, so the cost is per day, not per second.
 * Pauses must be closed, sorted by start and non-overlapping; one whose
 * end is not after its start is empty and ignored.
 */
static mw_time walk_hours(const mw_calendar *cal, mw_time from, int64_t need,
			  const mw_pause *pauses, size_t npauses)
{
	size_t i = 0;

	for (int64_t day = kst_day(from);; day++) {
		mw_time base;

		if (!day_is_workday(cal, day))
			continue;
		base = day_start(day);
		for (size_t k = 0; k < MW_ARRAY_LEN(segments); k++) {
			mw_time s = base + segments[k].start;
			mw_time e = base + segments[k].end;

			if (s < from)
				s = from;
			while (s < e) {
				mw_time stop = e;

				while (i < npauses && pauses[i].end <= s)
					i++;
				if (i < npauses && pauses[i].start <= s) {
					/* Inside a pause: jump to its end. */
					s = pauses[i].end < e ? pauses[i].end : e;
					continue;
				}
				if (i < npauses && pauses[i].start < e)
					stop = pauses[i].start;
				if (need <= stop - s)
					return s + need;
				need -= stop - s;
				s = stop;
			}
		}
	}
}

/* The n-th (n >= 1) working day, counting `day` itself as a candidate. */
static int64_t nth_workday(const mw_calendar *cal, int64_t day, int64_t n)
{
	for (;; day++) {
		if (day_is_workday(cal, day) && --n == 0)
			return day;
	}
}

/* Working days d with first <= d <= last. */
static int64_t count_workdays(const mw_calendar *cal, int64_t first, int64_t last)
{
	int64_t n = 0;

	for (int64_t d = first; d <= last; d++)
		n += day_is_workday(cal, d);
	return n;
}

static mw_time due_days(const mw_calendar *cal, mw_time received, int64_t n,
			const mw_pause *pauses, size_t npauses)
{
	int64_t first = kst_day(received);
	int64_t last = nth_workday(cal, first, n);

	for (size_t i = 0; i < npauses; i++) {
		int64_t sd = kst_day(pauses[i].start);
		int64_t ed = kst_day(pauses[i].end);
		int64_t k;

		/* Sorted by start: once one starts after the due day, so do
		 * the rest, and the deadline had passed before they began. */
		if (sd > last)
			break;
		/* Days before receipt were never part of the period. */
		if (sd < first - 1)
			sd = first - 1;
		k = count_workdays(cal, sd + 1, ed);
		if (k > 0)
			last = nth_workday(cal, last + 1, k);
	}
	return day_last_second(last);
}

mw_time mw_deadline_due(const mw_calendar *cal, mw_time received,
			mw_period period, const mw_pause *pauses, size_t npauses)
{
	if (!period_valid(period) || !time_in_range(received))
		return 0;
	for (size_t i = 0; i < npauses; i++) {
		if (pauses[i].end == 0)
			return 0;
		if (!time_in_range(pauses[i].start) || !time_in_range(pauses[i].end))
			return 0;
	}
	if (mw_period_is_hourly(period))
		return walk_hours(cal, received, period_seconds(period), pauses,
				  npauses);
	return due_days(cal, received, period.amount, pauses, npauses);
}

mw_time mw_deadline_extend(const mw_calendar *cal, mw_time due, mw_period ext)
{
	if (!period_valid(ext) || !time_in_range(due))
		return due;
	if (mw_period_is_hourly(ext))
		return walk_hours(cal, due, period_seconds(ext), NULL, 0);
	/* 시행령 §21: the extension runs from the day after the old due day. */
	return day_last_second(nth_workday(cal, kst_day(due) + 1, ext.amount));
}

int64_t mw_deadline_working_seconds(const mw_calendar *cal, mw_time a, mw_time b)
{
	int64_t sum = 0;
	int64_t last;

	if (b <= a || !time_in_range(a) || !time_in_range(b))
		return 0;
	last = kst_day(b - 1);
	for (int64_t day = kst_day(a); day <= last; day++) {
		mw_time base;

		if (!day_is_workday(cal, day))
			continue;
		base = day_start(day);
		for (size_t k = 0; k < MW_ARRAY_LEN(segments); k++) {
			mw_time s = base + segments[k].start;
			mw_time e = base + segments[k].end;

			if (s < a)
				s = a;
			if (e > b)
				e = b;
			if (e > s)
				sum += e - s;
		}
	}
	return sum;
}

int64_t mw_deadline_worked(const mw_calendar *cal, mw_time a, mw_time b, const mw_pause *pauses,
			   size_t npauses)
{
	int64_t sum = mw_deadline_working_seconds(cal, a, b);

	for (size_t i = 0; i < npauses; i++) {
		mw_time s = pauses[i].start < a ? a : pauses[i].start;
		mw_time e = pauses[i].end > b ? b : pauses[i].end;

		if (e > s)
			sum -= mw_deadline_working_seconds(cal, s, e);
	}
	return sum;
}

mw_time mw_deadline_after_worked(const mw_calendar *cal, mw_time from, int64_t secs,
				 const mw_pause *pauses, size_t npauses)
{
	if (secs < 0 || !time_in_range(from) || secs > (int64_t)AMOUNT_MAX * WORKDAY_SECS)
		return 0;
	for (size_t i = 0; i < npauses; i++)
		if (!time_in_range(pauses[i].start) || !time_in_range(pauses[i].end) ||
		    pauses[i].end == 0)
			return 0;
	return walk_hours(cal, from, secs, pauses, npauses);
}

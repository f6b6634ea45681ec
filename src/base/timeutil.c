#include "timeutil.h"
#include "mw.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "banned.h"

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t mw_days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void mw_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp, yy;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

void mw_time_to_kst(mw_time t, mw_civil *out)
{
	int64_t local = t + MW_KST_OFFSET;
	int64_t days = floor_div(local, 86400);
	int64_t sod = local - days * 86400;

	mw_civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(sod / 3600);
	out->min = (int)(sod / 60 % 60);
	out->sec = (int)(sod % 60);
	/* 1970-01-01 was a Thursday. */
	out->wday = (int)((days % 7 + 11) % 7);
}

mw_time mw_time_from_kst(int y, int m, int d, int hh, int mm, int ss)
{
	return mw_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss -
	       MW_KST_OFFSET;
}

/* The test clock is an offset added to real time; only ever growing once
 * set, so readers need no lock. */
static _Atomic int64_t clock_offset_us;
static _Atomic bool clock_test;

static int64_t real_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

mw_time mw_now(void)
{
	return (mw_time)floor_div(mw_now_us(), 1000000);
}

int64_t mw_now_us(void)
{
	return real_now_us() + atomic_load(&clock_offset_us);
}

mw_time mw_real_now(void)
{
	return (mw_time)(real_now_us() / 1000000);
}

int mw_clock_start_test(mw_time start)
{
	bool expected = false;

	if (!atomic_compare_exchange_strong(&clock_test, &expected, true))
		return MW_ERR_INVALID;
	atomic_store(&clock_offset_us, start * 1000000 - real_now_us());
	return MW_OK;
}

int mw_clock_jump(mw_time to)
{
	int64_t now = mw_now_us();

	if (!atomic_load(&clock_test) || to * 1000000 < now)
		return MW_ERR_INVALID;
	atomic_fetch_add(&clock_offset_us, to * 1000000 - now);
	return MW_OK;
}

bool mw_clock_is_test(void)
{
	return atomic_load(&clock_test);
}

int64_t mw_monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void mw_time_format_kst(mw_time t, char out[32])
{
	mw_civil c;

	mw_time_to_kst(t, &c);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+09:00", c.year, c.month,
		 c.day, c.hour, c.min, c.sec);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

static int parse_date_prefix(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) < 10 || !digits(s, 4, y) || s[4] != '-' ||
	    !digits(s + 5, 2, m) || s[7] != '-' || !digits(s + 8, 2, d))
		return MW_ERR_INVALID;
	if (*y < 1970 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > days_in_month(*y, *m))
		return MW_ERR_INVALID;
	return MW_OK;
}

int mw_date_parse(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) != 10)
		return MW_ERR_INVALID;
	return parse_date_prefix(s, y, m, d);
}

int mw_time_parse_iso8601(const char *s, mw_time *out)
{
	int y, mo, d, hh = 0, mi = 0, ss = 0, oh = 9, om = 0, sign = 1;
	const char *p;
	mw_civil kst;
	mw_time t;

	if (parse_date_prefix(s, &y, &mo, &d))
		return MW_ERR_INVALID;
	p = s + 10;
	if (*p == '\0')
		goto done;
	if ((*p != 'T' && *p != ' ') || !digits(p + 1, 2, &hh) || p[3] != ':' ||
	    !digits(p + 4, 2, &mi))
		return MW_ERR_INVALID;
	p += 6;
	if (*p == ':') {
		if (!digits(p + 1, 2, &ss))
			return MW_ERR_INVALID;
		p += 3;
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return MW_ERR_INVALID;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (hh > 23 || mi > 59 || ss > 60)
		return MW_ERR_INVALID;
	if (*p == 'Z' || *p == 'z') {
		oh = om = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!digits(p + 1, 2, &oh))
			return MW_ERR_INVALID;
		p += 3;
		if (*p == ':')
			p++;
		if (!digits(p, 2, &om))
			return MW_ERR_INVALID;
		p += 2;
		if (oh > 14 || om > 59)
			return MW_ERR_INVALID;
	}
	if (*p != '\0')
		return MW_ERR_INVALID;
done:
	t = mw_days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss -
	    sign * (oh * 3600 + om * 60);
	/* The range is checked on the instant, in KST, so that whatever is
	 * accepted can be formatted and parsed again. */
	mw_time_to_kst(t, &kst);
	if (kst.year < 1970 || kst.year > 9999)
		return MW_ERR_INVALID;
	*out = t;
	return MW_OK;
}

int mw_parse_seconds(const char *s, int64_t min, int64_t max, int64_t *out)
{
	static const struct {
		char unit;
		int64_t seconds;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	int64_t n, scale = 1;
	char digits[24];
	size_t len = s ? strlen(s) : 0;

	if (len == 0 || len >= sizeof(digits))
		return MW_ERR_INVALID;
	memcpy(digits, s, len + 1);
	for (size_t i = 0; i < MW_ARRAY_LEN(units); i++)
		if (digits[len - 1] == units[i].unit) {
			scale = units[i].seconds;
			digits[--len] = '\0';
			break;
		}
	/* Digits only: no sign, blank or second unit gets through strtoll. */
	if (len == 0 || strspn(digits, "0123456789") != len ||
	    mw_parse_i64(digits, 0, max / scale, &n) || n * scale < min)
		return MW_ERR_INVALID;
	*out = n * scale;
	return MW_OK;
}

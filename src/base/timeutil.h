/*
 * timeutil.h - civil time arithmetic in Korea Standard Time.
 *
 * Korea has kept UTC+9 without daylight saving since 1988, so KST is a
 * fixed offset and every conversion here is pure arithmetic (no tz
 * database, no locale). mw_time is seconds since the Unix epoch.
 */
#ifndef MW_TIMEUTIL_H
#define MW_TIMEUTIL_H

#include <stdint.h>
#include <stddef.h>

typedef int64_t mw_time;

#define MW_KST_OFFSET (9 * 3600)

typedef struct mw_civil {
	int year, month, day;     /* 1-based month and day */
	int hour, min, sec;
	int wday;                 /* 0 = Sunday ... 6 = Saturday */
} mw_civil;

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t mw_days_from_civil(int y, int m, int d);
void mw_civil_from_days(int64_t days, int *y, int *m, int *d);

/* KST wall clock for t, and the instant of a KST wall-clock time. */
void mw_time_to_kst(mw_time t, mw_civil *out);
mw_time mw_time_from_kst(int y, int m, int d, int hh, int mm, int ss);

/* Current time, seconds and microseconds. */
mw_time mw_now(void);
int64_t mw_now_us(void);
int64_t mw_monotonic_us(void);

/* Formats t as "2024-12-11T15:00:00+09:00" into out (>= 26 bytes). */
void mw_time_format_kst(mw_time t, char out[32]);

/* Parses ISO 8601 "YYYY-MM-DDTHH:MM[:SS][.frac](Z|+HH:MM|-HH:MM)" or a
 * bare date "YYYY-MM-DD" (taken as 00:00 KST). A timestamp without zone is
 * taken as KST. Returns MW_OK or MW_ERR_INVALID. */
int mw_time_parse_iso8601(const char *s, mw_time *out);

/* Parses "YYYY-MM-DD" strictly (a real calendar date). */
int mw_date_parse(const char *s, int *y, int *m, int *d);

#endif

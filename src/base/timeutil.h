/*
 * timeutil.h - civil time arithmetic in Korea Standard Time.
 *
 * Korea has kept UTC+9 without daylight saving since 1988, so KST is a
 * fixed offset and every conversion here is pure arithmetic (no tz
 * database, no locale). mw_time is seconds since the Unix epoch.
 */
#ifndef MW_TIMEUTIL_H
#define MW_TIMEUTIL_H

#include <stdbool.h>
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

/*
 * The process clock. mw_now() and mw_now_us() are "now" for everything the
 * service decides: receipt times, deadlines, reminders, sessions. Normally
 * that is the system's real time. A test clock (MINWON_NOW, `--now`) starts
 * at a given instant and then runs on with real time; mw_clock_jump() moves
 * it forward, never back, so a simulated month of deadlines passes in
 * seconds. There is no way back to the real clock: a process with a test
 * clock keeps it until it exits. Thread-safe.
 */
mw_time mw_now(void);
int64_t mw_now_us(void);
int64_t mw_monotonic_us(void);
/* Real time, whatever the process clock says (logs). */
mw_time mw_real_now(void);
/* Starts the test clock at start. MW_ERR_INVALID when a test clock is
 * running already. */
int mw_clock_start_test(mw_time start);
/* Moves the test clock forward to `to`. MW_ERR_INVALID without a test
 * clock or when `to` is earlier than now. */
int mw_clock_jump(mw_time to);
bool mw_clock_is_test(void);

/* Formats t as "2024-12-11T15:00:00+09:00" into out (>= 26 bytes). */
void mw_time_format_kst(mw_time t, char out[32]);

/* Parses ISO 8601 "YYYY-MM-DDTHH:MM[:SS][.frac](Z|+HH:MM|-HH:MM)" or a
 * bare date "YYYY-MM-DD" (taken as 00:00 KST). A timestamp without zone is
 * taken as KST. Returns MW_OK or MW_ERR_INVALID. */
int mw_time_parse_iso8601(const char *s, mw_time *out);

/* Parses a length of time: whole seconds ("1800") or a number with one
 * unit, s m h or d ("30m", "12h", "30d"), into seconds within
 * [min, max]. MW_ERR_INVALID otherwise. */
int mw_parse_seconds(const char *s, int64_t min, int64_t max, int64_t *out);

/* Parses "YYYY-MM-DD" strictly (a real calendar date). */
int mw_date_parse(const char *s, int *y, int *m, int *d);

#endif

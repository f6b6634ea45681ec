/*
 * deadline.h - processing deadlines under the 민원 처리에 관한 법률 §19 and
 * its enforcement decree (시행령 §19, §21, §23).
 *
 * The rules, as this module implements them:
 *  - A period of 5 days or less is counted in working hours from the
 *    moment of receipt: a day is 8 working hours, 09:00-12:00 and
 *    13:00-18:00 KST. Time outside those hours does not count, so a
 *    complaint received at 17:00 on a Friday has used one hour by Monday.
 *  - A period of 6 days or more is counted in days, the day of receipt
 *    counted as the first day, and ends at 23:59:59 KST of the last day.
 *  - Saturdays, Sundays and public holidays (mw_calendar) are never counted.
 *  - Time spent waiting for the citizen (보완, a pause) is not counted:
 *    hours-mode periods skip the paused working time, days-mode periods are
 *    pushed back by the working days the pause covered.
 *  - "Nh" periods are always counted in working hours.
 *
 * All functions are pure: no I/O, no clock, no global state.
 */
#ifndef MW_DEADLINE_H
#define MW_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/timeutil.h"

/* A set of non-working days (public holidays) on top of weekends. */
typedef struct mw_calendar mw_calendar;

/* Returns NULL on OOM. Free with mw_calendar_free(). */
mw_calendar *mw_calendar_new(void);
void mw_calendar_free(mw_calendar *cal);
/* Marks a KST date as a holiday. MW_ERR_INVALID for a non-date. */
int mw_calendar_add_holiday(mw_calendar *cal, int y, int m, int d);
bool mw_calendar_is_holiday(const mw_calendar *cal, int y, int m, int d);
/* Working day: not Saturday, not Sunday, not a holiday. */
bool mw_calendar_is_workday(const mw_calendar *cal, int y, int m, int d);

typedef enum { MW_PERIOD_DAYS = 'd', MW_PERIOD_HOURS = 'h' } mw_period_unit;

typedef struct mw_period {
	int amount;              /* > 0 */
	mw_period_unit unit;
} mw_period;

/* "7d", "3d", "36h" -> period. MW_ERR_INVALID otherwise (amount 1..3650). */
int mw_period_parse(const char *s, mw_period *out);
/* Formats as "7d" / "36h" into out (>= 16 bytes). */
void mw_period_format(mw_period p, char out[16]);
/* True when the period is counted in working hours (≤ 5 days, or hours). */
bool mw_period_is_hourly(mw_period p);

/* A stretch of time in which the clock was stopped (보완). end may be
 * 0 when the pause is still running; then the deadline is open-ended and
 * mw_deadline_due() returns 0. */
typedef struct mw_pause {
	mw_time start;
	mw_time end;
} mw_pause;

/*
 * The due instant for a complaint received at `received` with `period`,
 * given the pauses so far (sorted by start, non-overlapping). Returns 0
 * when a pause is still open (the clock is stopped).
 */
mw_time mw_deadline_due(const mw_calendar *cal, mw_time received,
			mw_period period, const mw_pause *pauses, size_t npauses);

/*
 * The due instant after extending `due` by `ext` (연장, 시행령 §21):
 * working hours counted on from `due` for hourly periods; for day periods
 * the days after the due day are counted, the first of them included.
 */
mw_time mw_deadline_extend(const mw_calendar *cal, mw_time due, mw_period ext);

/* Working seconds (hours-mode counting) between a and b, a <= b. */
int64_t mw_deadline_working_seconds(const mw_calendar *cal, mw_time a, mw_time b);

/* Working seconds between a and b not inside any of the (closed, sorted,
 * non-overlapping) pauses: the part of a period used up between them. */
int64_t mw_deadline_worked(const mw_calendar *cal, mw_time a, mw_time b, const mw_pause *pauses,
			   size_t npauses);

/* The earliest instant at which `secs` (>= 0) working seconds outside the
 * pauses have passed since `from` (hours-mode counting, as for due times;
 * 0 seconds is the first working instant at or after from). Returns 0 for
 * an instant out of range. */
mw_time mw_deadline_after_worked(const mw_calendar *cal, mw_time from, int64_t secs,
				 const mw_pause *pauses, size_t npauses);

#endif

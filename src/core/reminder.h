/*
 * reminder.h - when the deadline monitor speaks up about a complaint.
 *
 * Pure, like deadline.h: a complaint's clock and the holiday calendar in,
 * instants out. The monitor (notify/monitor.c) stores the plan and fires
 * each reminder once, at the first scan at or after its instant.
 *
 * The rules (times are KST working time: 09:00-12:00 and 13:00-18:00 on
 * working days, as for due times; "the period's working time" is the
 * working time from the clock's start to the due time, 보완 pauses
 * excluded):
 *  - PROGRESS: when progress_pct % of the period's working time has been
 *    used (rounded down to the second): the officer is reminded.
 *  - DUE_SOON: when one working day (8 working hours) of it remains, for
 *    periods longer than that: officer and manager are told. For periods
 *    counted in days that is 18:00 on the last working day before the due
 *    day.
 *  - OVERDUE: the second after the due time: escalation to the manager,
 *    and the citizen hears that it is late, why and the new expected date.
 *  - INTERIM: for periods of interim_min or more, at interim_pct % of the
 *    working time, unless an interim notice (중간통보) was given: the
 *    officer is prompted to give one.
 *  - While 보완 stops the clock: INFO_REMIND, when one working day of the
 *    보완 period (info_period from the request) remains, reminds the
 *    citizen; INFO_EXPIRED, the second after it ends, tells the officer
 *    the complaint may be closed (시행령 §24) or continued.
 *  - COOP: a cooperation request's reply is due at its own deadline; at
 *    progress_pct % of that working time the cooperating department is
 *    reminded.
 * Complaints that are not open (answered, closed, ...) have no reminders.
 */
#ifndef MW_REMINDER_H
#define MW_REMINDER_H

#include "complaint.h"

typedef enum mw_remind_kind {
#define MW_REMIND(e, name, who) MW_REMIND_##e,
#include "reminder.def"
#undef MW_REMIND
	MW_REMIND__COUNT
} mw_remind_kind;

const char *mw_remind_name(mw_remind_kind k);       /* "due_soon" */
int mw_remind_parse(const char *name, mw_remind_kind *out);

typedef struct mw_remind_policy {
	int progress_pct;        /* 80 */
	mw_period interim_min;   /* 7d: shorter periods get no interim prompt */
	int interim_pct;         /* 50 */
	mw_period info_period;   /* the 보완 period: 7d */
} mw_remind_policy;

/* The defaults above. */
void mw_remind_policy_default(mw_remind_policy *p);

#define MW_REMIND_MAX 8

typedef struct mw_reminder {
	mw_remind_kind kind;
	mw_time at;                  /* fire at or after this instant */
	mw_time target;              /* the deadline it is about */
} mw_reminder;

typedef struct mw_remind_plan {
	size_t n;
	mw_reminder r[MW_REMIND_MAX];
} mw_remind_plan;

/* The reminders of a complaint's own clock in its current state, in time
 * order. interim_given: a 중간통보 was sent since the clock started. */
void mw_remind_plan_complaint(const mw_calendar *cal, const mw_complaint *c,
			      const mw_remind_policy *p, bool interim_given, mw_remind_plan *out);

/* The instant of a cooperation request's reminder (0 when none). */
mw_time mw_remind_coop_at(const mw_calendar *cal, mw_time requested_at, mw_time due_at,
			  const mw_remind_policy *p);

/* Whether a plan holds this reminder. */
bool mw_remind_plan_has(const mw_remind_plan *plan, mw_remind_kind kind, mw_time at);

#endif

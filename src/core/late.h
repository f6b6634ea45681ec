/*
 * late.h - why a complaint is late and when it should be answered, in
 * words the citizen reads (the deadline monitor's late notice and the
 * public "late" event, docs/NOTIFY.md).
 *
 * Pure, like reminder.h: the caller gathers what it knows about the
 * complaint (its officer's delay notice, its cooperation requests, its
 * last move between departments) into plain structs, with department
 * names already looked up, and gets one reason back: the officer's own
 * when there is one, else the first cause in late.def that the state
 * bears out, ending in a general one. Nothing here blames the citizen for
 * time the law does not count: a 보완 pause is excluded from the period,
 * so a late answer is only named as a reason when it came after the 보완
 * deadline.
 */
#ifndef MW_LATE_H
#define MW_LATE_H

#include "complaint.h"

typedef enum mw_late_cause {
#define MW_LATE(e, name, ko, en) MW_LATE_##e,
#include "late.def"
#undef MW_LATE
	MW_LATE__COUNT
} mw_late_cause;

const char *mw_late_cause_name(mw_late_cause k);   /* "cooperation" */

/* A cooperation request of the complaint. */
typedef struct mw_late_coop {
	const char *department_ko, *department_en;   /* display names */
	mw_time requested_at, due_at;
	mw_time replied_at;                          /* 0: not answered yet */
} mw_late_coop;

typedef struct mw_late_facts {
	const mw_complaint *c;
	/* The officer's delay notice (delay_notice) given since the clock
	 * started and not overtaken by an extension, or NULL. */
	const char *officer_reason;
	mw_time officer_expected;
	const mw_late_coop *coops;
	size_t ncoops;
	/* The last move to another department of the office (이송) since the
	 * clock started, 0 when none, and that department's names. */
	mw_time moved_at;
	const char *moved_to_ko, *moved_to_en;
	/* The 보완 period in force, to tell whether an answer came late, and
	 * when the citizen last answered (provide_info; 0: never). A pause
	 * ended by resume or by asking again is no late answer. */
	mw_period info_period;
	mw_time info_answered_at;
	/* How long after the missed due time the answer is expected when
	 * nobody said (notify's late-grace). */
	mw_period grace;
} mw_late_facts;

typedef struct mw_late_reason {
	mw_late_cause cause;
	/* The sentences: the officer's text (both languages: it is what the
	 * officer wrote), or the ones below. They point into this struct or
	 * into the facts, so the struct is not copied while they are used. */
	const char *ko, *en;
	mw_time expected;            /* the new expected date */
	char buf_ko[512], buf_en[512];
} mw_late_reason;

/* Explains why f->c, an open complaint past its due time, is late. */
void mw_late_explain(const mw_calendar *cal, const mw_late_facts *f, mw_late_reason *out);

#endif

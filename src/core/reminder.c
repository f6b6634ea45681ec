/*
 * reminder.c - the reminder plan of reminder.h, from the deadline calculus.
 */
#include "reminder.h"
#include "../base/mw.h"

#include <string.h>

#include "../base/banned.h"

#define WORKDAY_SECS (8 * 3600)

static const char *const names[] = {
#define MW_REMIND(e, name, who) name,
#include "reminder.def"
#undef MW_REMIND
};

const char *mw_remind_name(mw_remind_kind k)
{
	return (unsigned)k < MW_REMIND__COUNT ? names[k] : "unknown";
}

int mw_remind_parse(const char *name, mw_remind_kind *out)
{
	for (int k = 0; k < MW_REMIND__COUNT; k++)
		if (!strcmp(names[k], name)) {
			*out = (mw_remind_kind)k;
			return MW_OK;
		}
	return MW_ERR_INVALID;
}

void mw_remind_policy_default(mw_remind_policy *p)
{
	p->progress_pct = 80;
	p->interim_min = (mw_period){ 7, MW_PERIOD_DAYS };
	p->interim_pct = 50;
	p->info_period = (mw_period){ 7, MW_PERIOD_DAYS };
}

static void add(mw_remind_plan *plan, mw_remind_kind kind, mw_time at, mw_time target)
{
	if (at > 0 && plan->n < MW_REMIND_MAX)
		plan->r[plan->n++] = (mw_reminder){ kind, at, target };
}

/* The instant at which pct % of the working time from start to due
 * (pauses excluded) has been used. */
static mw_time at_share(const mw_calendar *cal, mw_time start, mw_time due, int pct,
			const mw_pause *pauses, size_t npauses)
{
	int64_t total = mw_deadline_worked(cal, start, due, pauses, npauses);

	if (total <= 0)
		return 0;
	return mw_deadline_after_worked(cal, start, total * pct / 100, pauses, npauses);
}

/* The instant from which only one working day remains before due, when
 * the period is longer than a working day. */
static mw_time at_last_day(const mw_calendar *cal, mw_time start, mw_time due,
			   const mw_pause *pauses, size_t npauses)
{
	int64_t total = mw_deadline_worked(cal, start, due, pauses, npauses);

	if (total <= WORKDAY_SECS)
		return 0;
	return mw_deadline_after_worked(cal, start, total - WORKDAY_SECS, pauses, npauses);
}

static bool is_at_least(mw_period p, mw_period min)
{
	/* Compare in working hours: a day counts 8. */
	int64_t a = p.unit == MW_PERIOD_HOURS ? p.amount : (int64_t)p.amount * 8;
	int64_t b = min.unit == MW_PERIOD_HOURS ? min.amount : (int64_t)min.amount * 8;

	return a >= b;
}

static void sort_plan(mw_remind_plan *plan)
{
	for (size_t i = 1; i < plan->n; i++)
		for (size_t j = i; j > 0 && plan->r[j].at < plan->r[j - 1].at; j--) {
			mw_reminder t = plan->r[j];

			plan->r[j] = plan->r[j - 1];
			plan->r[j - 1] = t;
		}
}

void mw_remind_plan_complaint(const mw_calendar *cal, const mw_complaint *c,
			      const mw_remind_policy *p, bool interim_given, mw_remind_plan *out)
{
	out->n = 0;
	if (!mw_status_is_open(c->status))
		return;
	if (c->paused_at) {
		/* 보완: the citizen's own period runs instead. */
		mw_time info_due = mw_deadline_due(cal, c->paused_at, p->info_period, NULL, 0);

		if (!info_due)
			return;
		add(out, MW_REMIND_INFO_REMIND, at_last_day(cal, c->paused_at, info_due, NULL, 0),
		    info_due);
		add(out, MW_REMIND_INFO_EXPIRED, info_due + 1, info_due);
		return;
	}
	if (!c->due_at || c->due_at <= c->clock_start)
		return;
	add(out, MW_REMIND_PROGRESS,
	    at_share(cal, c->clock_start, c->due_at, p->progress_pct, c->pauses, c->npauses),
	    c->due_at);
	add(out, MW_REMIND_DUE_SOON,
	    at_last_day(cal, c->clock_start, c->due_at, c->pauses, c->npauses), c->due_at);
	add(out, MW_REMIND_OVERDUE, c->due_at + 1, c->due_at);
	if (!interim_given && is_at_least(c->period, p->interim_min))
		add(out, MW_REMIND_INTERIM,
		    at_share(cal, c->clock_start, c->due_at, p->interim_pct, c->pauses, c->npauses),
		    c->due_at);
	sort_plan(out);
}

mw_time mw_remind_coop_at(const mw_calendar *cal, mw_time requested_at, mw_time due_at,
			  const mw_remind_policy *p)
{
	if (due_at <= requested_at)
		return 0;
	return at_share(cal, requested_at, due_at, p->progress_pct, NULL, 0);
}

bool mw_remind_plan_has(const mw_remind_plan *plan, mw_remind_kind kind, mw_time at)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->r[i].kind == kind && plan->r[i].at == at)
			return true;
	return false;
}

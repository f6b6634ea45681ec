/*
 * late.c - the reasons of late.h: which cause a complaint's state bears
 * out, in the order of late.def, and the new expected date.
 */
#include "late.h"
#include "../base/mw.h"

#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

static const struct late_row {
	const char *name, *ko, *en;
} causes[MW_LATE__COUNT] = {
#define MW_LATE(e, name, ko, en) [MW_LATE_##e] = { name, ko, en },
#include "late.def"
#undef MW_LATE
};

#define PLACEHOLDER "{department}"

const char *mw_late_cause_name(mw_late_cause k)
{
	return (unsigned)k < MW_LATE__COUNT ? causes[k].name : "unknown";
}

/* Writes text into out with {department} replaced by name. */
static void fill(char *out, size_t outsz, const char *text, const char *name)
{
	const char *at = strstr(text, PLACEHOLDER);

	if (!at) {
		snprintf(out, outsz, "%s", text);
		return;
	}
	snprintf(out, outsz, "%.*s%s%s", (int)(at - text), text, name ? name : "",
		 at + strlen(PLACEHOLDER));
}

/* The open cooperation request whose reply is due last, or NULL. */
static const mw_late_coop *open_coop(const mw_late_facts *f)
{
	const mw_late_coop *best = NULL;

	for (size_t i = 0; i < f->ncoops; i++)
		if (!f->coops[i].replied_at && (!best || f->coops[i].due_at > best->due_at))
			best = &f->coops[i];
	return best;
}

/* A reply that came after its own deadline, since the clock started. */
static const mw_late_coop *late_coop(const mw_late_facts *f)
{
	for (size_t i = f->ncoops; i-- > 0;)
		if (f->coops[i].replied_at > f->coops[i].due_at &&
		    f->coops[i].requested_at >= f->c->clock_start)
			return &f->coops[i];
	return NULL;
}

/* A move between departments in the second half of the period's working
 * time leaves the new department little of it. */
static bool moved_late(const mw_calendar *cal, const mw_late_facts *f)
{
	const mw_complaint *c = f->c;
	int64_t total, used;

	if (!f->moved_at || f->moved_at < c->clock_start || !c->due_at)
		return false;
	total = mw_deadline_worked(cal, c->clock_start, c->due_at, c->pauses, c->npauses);
	used = mw_deadline_worked(cal, c->clock_start,
				  f->moved_at < c->due_at ? f->moved_at : c->due_at, c->pauses,
				  c->npauses);
	return total > 0 && used * 2 >= total;
}

/* The last 보완 ended with the citizen's answer, after its deadline. */
static bool info_late(const mw_calendar *cal, const mw_late_facts *f)
{
	const mw_complaint *c = f->c;
	const mw_pause *p;
	mw_time info_due;

	if (!c->npauses || f->info_period.amount <= 0)
		return false;
	p = &c->pauses[c->npauses - 1];
	if (f->info_answered_at != p->end)
		return false;
	info_due = mw_deadline_due(cal, p->start, f->info_period, NULL, 0);
	return info_due && p->end > info_due;
}

static mw_time later(mw_time a, mw_time b)
{
	return a > b ? a : b;
}

void mw_late_explain(const mw_calendar *cal, const mw_late_facts *f, mw_late_reason *out)
{
	const mw_complaint *c = f->c;
	const mw_late_coop *co = NULL;
	const char *ko = NULL, *en = NULL;
	mw_late_cause k;

	memset(out, 0, sizeof(*out));
	out->expected = mw_deadline_extend(cal, c->due_at, f->grace);
	if (f->officer_reason && *f->officer_reason && f->officer_expected > c->due_at) {
		out->cause = MW_LATE_OFFICER;
		out->ko = out->en = f->officer_reason;
		out->expected = f->officer_expected;
		return;
	}
	if ((co = open_coop(f))) {
		k = MW_LATE_COOP_OPEN;
		ko = co->department_ko;
		en = co->department_en;
		/* Its reply is still to come: the answer cannot come before it. */
		out->expected = later(out->expected, mw_deadline_extend(cal, co->due_at, f->grace));
	} else if ((co = late_coop(f))) {
		k = MW_LATE_COOP_LATE;
		ko = co->department_ko;
		en = co->department_en;
	} else if (moved_late(cal, f)) {
		k = MW_LATE_MOVED;
		ko = f->moved_to_ko;
		en = f->moved_to_en;
	} else if (info_late(cal, f)) {
		k = MW_LATE_INFO_LATE;
	} else if (!c->assignee) {
		k = MW_LATE_UNASSIGNED;
	} else if (c->status == MW_STATUS_REOPENED) {
		k = MW_LATE_REOPENED;
	} else if (c->extensions > 0) {
		k = MW_LATE_EXTENDED;
	} else {
		k = MW_LATE_REVIEW;
	}
	out->cause = k;
	fill(out->buf_ko, sizeof(out->buf_ko), causes[k].ko, ko);
	fill(out->buf_en, sizeof(out->buf_en), causes[k].en, en && *en ? en : ko);
	out->ko = out->buf_ko;
	out->en = out->buf_en;
}

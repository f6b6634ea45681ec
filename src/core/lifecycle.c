/*
 * lifecycle.c - the complaint state machine. The allowed transitions are
 * the table in action.def; this file adds the few rules a table cannot
 * hold (who must give a reason, the two-extension limit, the clock).
 */
#include "complaint.h"
#include "../base/mw.h"

#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

enum { TO_SAME = -1, TO_TRANSFER = -2, TO_RATE = -3 };
enum { WHO_STAFF, WHO_CITIZEN };

#define F(x) (1u << MW_STATUS_##x)
#define SAME TO_SAME
#define TRANSFER TO_TRANSFER
#define RATE TO_RATE
#define RECEIVED MW_STATUS_RECEIVED
#define ASSIGNED MW_STATUS_ASSIGNED
#define IN_PROGRESS MW_STATUS_IN_PROGRESS
#define NEEDS_INFO MW_STATUS_NEEDS_INFO
#define ANSWERED MW_STATUS_ANSWERED
#define CLOSED MW_STATUS_CLOSED
#define WITHDRAWN MW_STATUS_WITHDRAWN
#define MERGED MW_STATUS_MERGED
#define REOPENED MW_STATUS_REOPENED
#define STAFF WHO_STAFF
#define CITIZEN WHO_CITIZEN

static const struct action_row {
	const char *name;
	const char *ko;
	unsigned from;
	int to;
	bool is_public;
	int who;
} actions[] = {
#define MW_ACTION(e, name, ko, from, to, pub, who) { name, ko, from, to, pub, who },
#include "action.def"
#undef MW_ACTION
};

#undef F
#undef SAME
#undef TRANSFER
#undef RATE
#undef RECEIVED
#undef ASSIGNED
#undef IN_PROGRESS
#undef NEEDS_INFO
#undef ANSWERED
#undef CLOSED
#undef WITHDRAWN
#undef MERGED
#undef REOPENED
#undef STAFF
#undef CITIZEN

static const struct status_row {
	const char *name;
	const char *ko;
	bool final;
} statuses[] = {
#define MW_STATUS(e, name, ko, final) { name, ko, final },
#include "status.def"
#undef MW_STATUS
};

static const char *const channels[MW_CHANNEL__COUNT] = {
	"web", "app", "field", "phone", "visit", "open311",
};

const char *mw_status_name(mw_status s)
{
	return (unsigned)s < MW_STATUS__COUNT ? statuses[s].name : "unknown";
}

const char *mw_status_label_ko(mw_status s)
{
	return (unsigned)s < MW_STATUS__COUNT ? statuses[s].ko : "알 수 없음";
}

bool mw_status_is_final(mw_status s)
{
	return (unsigned)s < MW_STATUS__COUNT && statuses[s].final;
}

bool mw_status_is_open(mw_status s)
{
	return !mw_status_is_final(s) && s != MW_STATUS_ANSWERED;
}

int mw_status_parse(const char *name, mw_status *out)
{
	for (int i = 0; i < MW_STATUS__COUNT; i++)
		if (!strcmp(statuses[i].name, name)) {
			*out = (mw_status)i;
			return MW_OK;
		}
	return MW_ERR_INVALID;
}

const char *mw_action_name(mw_action a)
{
	return (unsigned)a < MW_ACT__COUNT ? actions[a].name : "unknown";
}

const char *mw_action_label_ko(mw_action a)
{
	return (unsigned)a < MW_ACT__COUNT ? actions[a].ko : "알 수 없음";
}

bool mw_action_is_citizen(mw_action a)
{
	return (unsigned)a < MW_ACT__COUNT && actions[a].who == WHO_CITIZEN;
}

unsigned mw_lifecycle_allowed_for(mw_status s, mw_actor_kind who)
{
	unsigned mask = mw_lifecycle_allowed(s);

	for (int a = 0; a < MW_ACT__COUNT; a++)
		if ((who == MW_ACTOR_CITIZEN) != (actions[a].who == WHO_CITIZEN))
			mask &= ~(1u << a);
	return mask;
}

bool mw_action_is_public(mw_action a)
{
	return (unsigned)a < MW_ACT__COUNT && actions[a].is_public;
}

int mw_action_parse(const char *name, mw_action *out)
{
	for (int i = 0; i < MW_ACT__COUNT; i++)
		if (!strcmp(actions[i].name, name)) {
			*out = (mw_action)i;
			return MW_OK;
		}
	return MW_ERR_INVALID;
}

const char *mw_channel_name(mw_channel c)
{
	return (unsigned)c < MW_CHANNEL__COUNT ? channels[c] : "unknown";
}

int mw_channel_parse(const char *name, mw_channel *out)
{
	for (int i = 0; i < MW_CHANNEL__COUNT; i++)
		if (!strcmp(channels[i], name)) {
			*out = (mw_channel)i;
			return MW_OK;
		}
	return MW_ERR_INVALID;
}

const char *mw_callback_name(mw_callback cb)
{
	static const char *const names[MW_CALLBACK__COUNT] = { NULL, "pending", "done" };

	return (unsigned)cb < MW_CALLBACK__COUNT ? names[cb] : NULL;
}

unsigned mw_lifecycle_allowed(mw_status s)
{
	unsigned mask = 0;

	for (int a = 0; a < MW_ACT__COUNT; a++)
		if (actions[a].from & (1u << s))
			mask |= 1u << a;
	return mask;
}

void mw_lifecycle_allowed_names(unsigned mask, char *out, size_t outsz)
{
	size_t len = 0;

	if (outsz)
		out[0] = '\0';
	for (int a = 0; a < MW_ACT__COUNT; a++) {
		int n;

		if (!(mask & (1u << a)))
			continue;
		n = snprintf(out + len, outsz - len, "%s%s", len ? ", " : "", actions[a].name);
		if (n < 0 || (size_t)n >= outsz - len)
			break;
		len += (size_t)n;
	}
}

/* Periods of 5 days or less are working hours; keep them in hours so that
 * an extension can never flip the counting mode. */
static int period_hours(mw_period p)
{
	return p.unit == MW_PERIOD_HOURS ? p.amount : p.amount * 8;
}

/* Whether the processing period ran out before now. While 보완 stops the
 * clock there is no due time, but the period may have ended before the
 * pause began: then it counts as ended too (an extension asked for
 * during a late 보완 would otherwise undo the missed deadline). */
static bool period_ended(const mw_calendar *cal, const mw_complaint *c, mw_time now)
{
	mw_time due;

	if (!c->paused_at)
		return c->due_at && now > c->due_at;
	/* pauses[] holds the finished ones; the running one is paused_at. */
	due = mw_deadline_due(cal, c->clock_start, c->period, c->pauses, c->npauses);
	return due && c->paused_at > due;
}

void mw_lifecycle_recompute_due(const mw_calendar *cal, mw_complaint *c)
{
	if (c->paused_at) {
		c->due_at = 0;
		return;
	}
	c->due_at = mw_deadline_due(cal, c->clock_start, c->period, c->pauses, c->npauses);
}

void mw_lifecycle_start_clock(const mw_calendar *cal, mw_complaint *c, mw_time received,
			      mw_period period)
{
	c->clock_start = received;
	c->base_period = period;
	c->period = period;
	if (mw_period_is_hourly(period)) {
		c->period.unit = MW_PERIOD_HOURS;
		c->period.amount = period_hours(period);
	}
	c->extensions = 0;
	c->npauses = 0;
	c->paused_at = 0;
	mw_lifecycle_recompute_due(cal, c);
}

unsigned mw_lifecycle_allowed_on(const mw_complaint *c, mw_actor_kind who)
{
	unsigned mask = who == MW_ACTOR_SYSTEM ? mw_lifecycle_allowed(c->status)
					       : mw_lifecycle_allowed_for(c->status, who);

	if (c->callback != MW_CALLBACK_PENDING)
		mask &= ~(1u << MW_ACT_CALLBACK_DONE);
	return mask;
}

static int refuse(mw_refusal *why, int err, const char *msg)
{
	why->err = err;
	snprintf(why->message, sizeof(why->message), "%s", msg);
	return err;
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static int apply_extension(const mw_calendar *cal, const mw_complaint *cur,
			   const mw_action_req *req, mw_complaint *next, mw_refusal *why)
{
	mw_period base = cur->base_period, ext = req->period;

	if (ext.amount <= 0)
		return refuse(why, MW_ERR_INVALID, "extend needs a period such as \"7d\"");
	if (cur->extensions >= 2)
		return refuse(why, MW_ERR_CONFLICT,
			      "the period was already extended twice; the law allows no more");
	if (cur->extensions == 1 && !req->citizen_consent)
		return refuse(why, MW_ERR_CONFLICT,
			      "a second extension needs the citizen's consent (citizen_consent: true)");
	if (mw_period_is_hourly(base)) {
		if (period_hours(ext) > period_hours(base))
			return refuse(why, MW_ERR_INVALID,
				      "an extension may not be longer than the processing period");
		next->period.unit = MW_PERIOD_HOURS;
		next->period.amount = cur->period.amount + period_hours(ext);
	} else {
		if (ext.unit != MW_PERIOD_DAYS)
			return refuse(why, MW_ERR_INVALID,
				      "this period is counted in days; extend it in days (\"Nd\")");
		if (ext.amount > base.amount)
			return refuse(why, MW_ERR_INVALID,
				      "an extension may not be longer than the processing period");
		next->period.amount = cur->period.amount + ext.amount;
	}
	next->extensions = cur->extensions + 1;
	mw_lifecycle_recompute_due(cal, next);
	return MW_OK;
}

/* Ends the running 보완 pause at now: its span no longer counts. */
static void end_pause(const mw_complaint *cur, mw_complaint *next, mw_time now)
{
	if (cur->paused_at && now > cur->paused_at) {
		if (next->npauses == MW_MAX_PAUSES) {
			/* Fold the oldest two pauses into one span; the working
			 * time between them then also counts as paused, which
			 * only ever favours the office by at most the gap.
			 * Sixteen 보완 rounds is rare. */
			next->pauses[1].start = next->pauses[0].start;
			memmove(next->pauses, next->pauses + 1,
				(MW_MAX_PAUSES - 1) * sizeof(mw_pause));
			next->npauses--;
		}
		next->pauses[next->npauses].start = cur->paused_at;
		next->pauses[next->npauses].end = now;
		next->npauses++;
	}
	next->paused_at = 0;
}

mw_time mw_lifecycle_info_due(const mw_calendar *cal, const mw_complaint *c,
			      mw_period info_period)
{
	if (!c->paused_at)
		return 0;
	if (info_period.amount <= 0)
		info_period = MW_INFO_PERIOD_DEFAULT;
	return mw_deadline_due(cal, c->paused_at, info_period, NULL, 0);
}

/* The citizen keeps the whole 보완 period (시행령 §24): only after it the
 * office asks again or closes the complaint unanswered. */
static int info_period_over(const mw_calendar *cal, const mw_complaint *cur,
			    const mw_action_req *req, mw_time now, const char *what,
			    mw_refusal *why)
{
	mw_time until = mw_lifecycle_info_due(cal, cur, req->info_period);
	char iso[32];

	if (!until || now > until)
		return MW_OK;
	mw_time_format_kst(until, iso);
	why->err = MW_ERR_CONFLICT;
	snprintf(why->message, sizeof(why->message),
		 "the citizen has until %s to answer the 보완 request; %s only after that", iso,
		 what);
	return MW_ERR_CONFLICT;
}

/* A delay notice (지연 사유 안내) tells the citizen why the answer will be
 * late and when to expect it. It moves no legal due time: a complaint past
 * it stays overdue. The date must lie after now and after the due time
 * (else nothing is late), and within a year. */
static int delay_notice(const mw_complaint *cur, const mw_action_req *req, mw_time now,
			mw_event *ev, mw_refusal *why)
{
	if (blank(req->text))
		return refuse(why, MW_ERR_INVALID, "delay_notice needs the reason (text)");
	if (!req->expected_at)
		return refuse(why, MW_ERR_INVALID,
			      "delay_notice needs the expected date (expected_at)");
	if (req->expected_at <= now || (cur->due_at && req->expected_at <= cur->due_at))
		return refuse(why, MW_ERR_INVALID,
			      "expected_at must be after now and after the due time");
	if (req->expected_at - now > 366 * 86400)
		return refuse(why, MW_ERR_INVALID, "expected_at must be within a year");
	mw_time_format_kst(req->expected_at, ev->buf);
	return MW_OK;
}

static void restart_clock(const mw_calendar *cal, mw_complaint *next, mw_time now,
			  mw_period period)
{
	if (period.amount <= 0)
		period = next->base_period;
	mw_lifecycle_start_clock(cal, next, now, period);
	next->closed_at = 0;
	next->rating = 0;
}

int mw_lifecycle_apply(const mw_calendar *cal, mw_time now, const mw_complaint *cur,
		       const mw_action_req *req, mw_complaint *next, mw_event *ev,
		       mw_refusal *why)
{
	const struct action_row *row;
	int to, rc;

	memset(why, 0, sizeof(*why));
	memset(ev, 0, sizeof(*ev));
	if ((unsigned)req->type >= MW_ACT__COUNT)
		return refuse(why, MW_ERR_INVALID, "unknown action");
	row = &actions[req->type];
	why->allowed = mw_lifecycle_allowed_on(cur, req->actor_kind);
	if (!(row->from & (1u << cur->status))) {
		why->err = MW_ERR_CONFLICT;
		snprintf(why->message, sizeof(why->message),
			 "action %s is not allowed in state %s", row->name,
			 mw_status_name(cur->status));
		return MW_ERR_CONFLICT;
	}
	if (row->who == WHO_STAFF && req->actor_kind == MW_ACTOR_CITIZEN)
		return refuse(why, MW_ERR_FORBIDDEN, "only staff may take this action");
	/* Withdrawing, rating and adding information are the citizen's own
	 * acts; staff record what a citizen says with notes instead. */
	if (row->who == WHO_CITIZEN && req->actor_kind == MW_ACTOR_STAFF)
		return refuse(why, MW_ERR_FORBIDDEN, "only the citizen may take this action");

	*next = *cur;
	next->version = cur->version + 1;
	next->updated_at = now;
	ev->action = req->type;
	ev->kind = row->name;
	ev->is_public = row->is_public;
	ev->text = req->text;
	ev->at = now;
	ev->from = cur->status;
	to = row->to;

	switch (req->type) {
	case MW_ACT_ASSIGN:
		if (blank(req->assignee))
			return refuse(why, MW_ERR_INVALID, "assign needs an assignee (a staff login)");
		next->assignee = req->assignee;
		break;
	case MW_ACT_START:
		if (!next->assignee)
			next->assignee = req->actor;
		break;
	case MW_ACT_REQUEST_INFO:
		if (blank(req->text))
			return refuse(why, MW_ERR_INVALID,
				      "request_info needs text saying what the citizen must add");
		/* Asking again (다시 보완 요구) is for a 보완 period that ended
		 * unanswered; it starts a new one from now. */
		if (cur->status == MW_STATUS_NEEDS_INFO) {
			if ((rc = info_period_over(cal, cur, req, now, "request_info", why)))
				return rc;
			end_pause(cur, next, now);
		}
		next->paused_at = now;
		break;
	case MW_ACT_PROVIDE_INFO:
		if (blank(req->text))
			return refuse(why, MW_ERR_INVALID, "the added information is empty");
		end_pause(cur, next, now);
		break;
	case MW_ACT_RESUME:
		/* The officer goes on without the 보완 (with what the office
		 * has): the pause ends as if the citizen had answered. */
		end_pause(cur, next, now);
		break;
	case MW_ACT_TRANSFER:
		if (blank(req->text))
			return refuse(why, MW_ERR_INVALID, "transfer needs a reason (text)");
		if (!blank(req->agency)) {
			next->agency = req->agency;
			to = MW_STATUS_TRANSFERRED;
			next->closed_at = now;
			snprintf(ev->buf, sizeof(ev->buf), "%s", req->agency);
		} else if (!blank(req->department)) {
			if (cur->department && !strcmp(cur->department, req->department))
				return refuse(why, MW_ERR_INVALID,
					      "the complaint is already with that department");
			/* Within the office the legal clock keeps running: the
			 * office received it on received_at (시행령 §16 restarts
			 * the clock only at another agency). */
			next->department = req->department;
			next->assignee = NULL;
			to = MW_STATUS_ASSIGNED;
			snprintf(ev->buf, sizeof(ev->buf), "%s", req->department);
		} else {
			return refuse(why, MW_ERR_INVALID, "transfer needs a department or an agency");
		}
		break;
	case MW_ACT_COOPERATE:
		if (blank(req->department))
			return refuse(why, MW_ERR_INVALID, "cooperate needs a department");
		if (cur->department && !strcmp(cur->department, req->department))
			return refuse(why, MW_ERR_INVALID,
				      "a department cannot ask itself for cooperation");
		if (blank(req->text))
			return refuse(why, MW_ERR_INVALID, "cooperate needs text saying what is asked");
		ev->sub_due = mw_deadline_due(cal, now, req->period.amount > 0 ? req->period
				: (mw_period){ 3, MW_PERIOD_DAYS }, NULL, 0);
		snprintf(ev->buf, sizeof(ev->buf), "%s", req->department);
		break;
	case MW_ACT_COOP_REPLY:
		if (blank(req->text))
			return refuse(why, MW_ERR_INVALID, "cooperation_reply needs text");
		break;
	case MW_ACT_EXTEND:
		if (blank(req->text))
			return refuse(why, MW_ERR_INVALID, "extend needs a reason (text)");
		/* 시행령 §21 extends a period that still runs; a due time that
		 * has passed stays missed, and the citizen is told why it is
		 * late instead (delay_notice). */
		if (period_ended(cal, cur, now))
			return refuse(why, MW_ERR_CONFLICT,
				      "the due time has passed; a period is extended only before it "
				      "ends: tell the citizen why it is late (delay_notice)");
		if ((rc = apply_extension(cal, cur, req, next, why)))
			return rc;
		break;
	case MW_ACT_DELAY_NOTICE:
		if ((rc = delay_notice(cur, req, now, ev, why)))
			return rc;
		break;
	case MW_ACT_INTERIM_NOTICE:
	case MW_ACT_MESSAGE:
	case MW_ACT_NOTE:
		if (blank(req->text))
			return refuse(why, MW_ERR_INVALID, "this action needs text");
		break;
	case MW_ACT_ANSWER:
		if (blank(req->text))
			return refuse(why, MW_ERR_INVALID, "answer needs the answer text");
		next->answer = req->text;
		next->answered_at = now;
		break;
	case MW_ACT_CLOSE:
		/* Closing unanswered, when the citizen never supplied what 보완
		 * asked for (시행령 §24: 반려), needs the reason on record. */
		if (cur->status == MW_STATUS_NEEDS_INFO && blank(req->text))
			return refuse(why, MW_ERR_INVALID,
				      "closing during 보완 needs a reason (text), e.g. no reply in time");
		if (cur->status == MW_STATUS_NEEDS_INFO &&
		    (rc = info_period_over(cal, cur, req, now, "close", why)))
			return rc;
		next->closed_at = now;
		next->paused_at = 0;
		break;
	case MW_ACT_WITHDRAW:
		next->closed_at = now;
		break;
	case MW_ACT_MERGE:
		if (req->merge_into <= 0 || req->merge_into == cur->id)
			return refuse(why, MW_ERR_INVALID,
				      "merge needs another complaint to merge into (into)");
		next->merged_into = req->merge_into;
		next->closed_at = now;
		if (req->merge_into_receipt)
			snprintf(ev->buf, sizeof(ev->buf), "%s", req->merge_into_receipt);
		break;
	case MW_ACT_REOPEN:
		restart_clock(cal, next, now, req->reopen_period);
		break;
	case MW_ACT_RATE:
		if (req->rating < 1 || req->rating > 5)
			return refuse(why, MW_ERR_INVALID, "rating must be an integer from 1 to 5");
		if (cur->rating)
			return refuse(why, MW_ERR_CONFLICT, "this answer was already rated");
		if (req->rating <= 2) {
			/* An unsatisfied rating brings a second look (재검토)
			 * with a fresh clock; the rating stays in the timeline
			 * and the next answer can be rated anew. */
			restart_clock(cal, next, now, req->reopen_period);
			to = MW_STATUS_REOPENED;
		} else {
			to = MW_STATUS_CLOSED;
			if (!next->closed_at)
				next->closed_at = now;
			next->rating = req->rating;
		}
		snprintf(ev->buf, sizeof(ev->buf), "%d", req->rating);
		break;
	case MW_ACT_RECATEGORIZE:
		if (blank(req->category))
			return refuse(why, MW_ERR_INVALID, "recategorize needs a category");
		next->category = req->category;
		/* The period is the new category's, still counted from receipt;
		 * an extension already granted keeps the period it set. */
		if (req->period.amount > 0 && cur->extensions == 0) {
			mw_time paused = next->paused_at;

			mw_lifecycle_start_clock(cal, next, cur->clock_start, req->period);
			memcpy(next->pauses, cur->pauses, sizeof(next->pauses));
			next->npauses = cur->npauses;
			next->paused_at = paused;
		}
		if (!blank(req->department) &&
		    (!cur->department || strcmp(cur->department, req->department))) {
			next->department = req->department;
			next->assignee = NULL;
		}
		snprintf(ev->buf, sizeof(ev->buf), "%s", req->category);
		break;
	case MW_ACT_CALLBACK_DONE:
		/* Only a call the citizen asked for; any other call is a note. */
		if (cur->callback != MW_CALLBACK_PENDING)
			return refuse(why, MW_ERR_CONFLICT, "no call-back is pending on this complaint");
		if (blank(req->text))
			return refuse(why, MW_ERR_INVALID,
				      "callback_done needs a short note of the call (text)");
		next->callback = MW_CALLBACK_DONE;
		break;
	default:
		break;
	}

	MW_ASSERT(to != TO_TRANSFER && to != TO_RATE);
	next->status = to == TO_SAME ? cur->status : (mw_status)to;
	mw_lifecycle_recompute_due(cal, next);
	ev->to = next->status;
	ev->due_at = next->due_at;
	return MW_OK;
}

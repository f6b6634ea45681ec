/*
 * monitor.c - the deadline monitor: fires the reminders that are due.
 *
 * A scan is a unit of work on the writer thread. It reads the pending
 * reminders due now through the reminders_due index (never the
 * complaints table), checks each against the complaint's current plan,
 * marks it fired (only if nobody did: two servers on one database
 * serialise on the write lock, and the second finds it fired), writes the
 * complaint's next reminder and the notices, all in the same transaction.
 * A next reminder that is due already fires in the same scan (another unit
 * of work right after). A reminder that no longer belongs
 * to the plan (the complaint changed while the calendar did, say) is
 * cancelled and the plan written afresh.
 */
#include "notify_int.h"
#include "../base/log.h"
#include "../base/mw.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../base/banned.h"

#define NONE (-1)
#define SCAN_BATCH 256

/* What each reminder says, and to whom. */
static const struct remind_rule {
	int citizen;
	int staff;
	mw_audience to;
} remind_rules[MW_REMIND__COUNT] = {
	[MW_REMIND_PROGRESS] = { NONE, MW_NOTICE_REMINDER, MW_TO_ASSIGNEE },
	[MW_REMIND_DUE_SOON] = { NONE, MW_NOTICE_DUE_SOON, MW_TO_ASSIGNEE_AND_MANAGERS },
	[MW_REMIND_OVERDUE] = { MW_NOTICE_LATE, MW_NOTICE_OVERDUE, MW_TO_ASSIGNEE_AND_MANAGERS },
	[MW_REMIND_INTERIM] = { NONE, MW_NOTICE_INTERIM_PROMPT, MW_TO_ASSIGNEE },
	[MW_REMIND_COOP] = { NONE, MW_NOTICE_COOP_REMINDER, MW_TO_DEPARTMENT },
	[MW_REMIND_INFO_REMIND] = { MW_NOTICE_INFO_REMINDER, NONE, MW_TO_NOBODY },
	[MW_REMIND_INFO_EXPIRED] = { NONE, MW_NOTICE_INFO_EXPIRED, MW_TO_ASSIGNEE },
};

/* Why a complaint is late, when nobody said: the citizen still hears
 * that it is, and when to expect the answer. */
static const char late_reason_ko[] = "담당 부서의 검토에 시간이 더 필요합니다.";
static const char late_reason_en[] = "the department needs more time to look into it.";

struct scan_work {
	mw_work w;
	mw_notify *n;
	mw_time now;
	int seen, fired;
	bool again;                  /* a next reminder written is due already */
	int fired_kind[MW_REMIND__COUNT];
};

static void reminder_vars(mw_notify *n, json_t *v, const mw_complaint *c,
			  const mw_reminder_row *r, mw_time new_due)
{
	json_object_set_new(v, "scheduled_at", json_integer(r->fire_at));
	switch (r->kind) {
	case MW_REMIND_INFO_REMIND:
	case MW_REMIND_INFO_EXPIRED:
		json_object_set_new(v, "info_due_at", json_integer(r->target));
		break;
	case MW_REMIND_COOP: {
		const mw_department *d = mw_ref_department(n->ref, c->department);

		json_object_set_new(v, "cooperation_due_at", json_integer(r->target));
		json_object_set_new(v, "from_department",
				    json_string(d ? d->name_ko : c->department));
		break;
	}
	case MW_REMIND_OVERDUE:
		json_object_set_new(v, "new_due_at", json_integer(new_due));
		json_object_set_new(v, "reason", json_string(late_reason_ko));
		json_object_set_new(v, "reason_en", json_string(late_reason_en));
		break;
	default:
		break;
	}
}

/* The citizen's timeline says it is late, why, and the new date. */
static int late_event(mw_tx *tx, const mw_complaint *c, mw_time now, mw_time new_due)
{
	char when[64], iso[32], text[256];
	mw_event ev = { .kind = "late", .is_public = true, .from = c->status, .to = c->status,
			.at = now, .due_at = c->due_at };

	mw_tmpl_time(new_due, "ko", when, sizeof(when));
	mw_time_format_kst(new_due, iso);
	snprintf(text, sizeof(text), "처리 기한이 지났습니다. 사유: %s 새 처리 예정일: %s",
		 late_reason_ko, when);
	ev.text = text;
	return mw_tx_event_insert(tx, c->id, &ev, "system", iso);
}

static int fire(mw_tx *tx, mw_notify *n, const mw_reminder_row *r, mw_time now, mw_arena *a,
		bool *fired, bool *again)
{
	const struct remind_rule *rule;
	mw_complaint c;
	mw_remind_plan plan;
	mw_time new_due = 0, next;
	bool valid;
	int rc;

	*fired = false;
	if ((unsigned)r->kind >= MW_REMIND__COUNT)
		return mw_tx_reminder_fire(tx, r->id, -1, fired);
	rc = mw_tx_complaint_get(tx, r->complaint_id, a, &c, NULL);
	if (rc == MW_ERR_NOTFOUND)
		return mw_tx_reminder_fire(tx, r->id, -1, fired);
	if (rc)
		return rc;
	if (r->kind == MW_REMIND_COOP) {
		valid = mw_status_is_open(c.status);
	} else {
		mw_remind_plan_complaint(n->ref->cal, &c, &n->policy, false, &plan);
		valid = mw_remind_plan_has(&plan, (mw_remind_kind)r->kind, r->fire_at);
	}
	if (!valid) {
		if ((rc = mw_tx_reminder_fire(tx, r->id, -1, fired)))
			return rc;
		*fired = false;
		if (r->kind == MW_REMIND_COOP)
			return MW_OK;
		rc = mw_notify_replan(tx, n, &c, false, 0, &next);
		*again |= next && next <= now;
		return rc;
	}
	if ((rc = mw_tx_reminder_fire(tx, r->id, now, fired)) || !*fired)
		return rc;
	/* The one after it; fired in this scan too when it is due already. */
	if (r->kind != MW_REMIND_COOP) {
		if ((rc = mw_notify_replan(tx, n, &c, false, 0, &next)))
			return rc;
		*again |= next && next <= now;
	}
	rule = &remind_rules[r->kind];
	if (r->kind == MW_REMIND_OVERDUE) {
		new_due = mw_deadline_extend(n->ref->cal, c.due_at, n->cfg.late_grace_p);
		if ((rc = late_event(tx, &c, now, new_due)))
			return rc;
	}
	if (rule->citizen != NONE) {
		mw_notice_out o = { .kind = (mw_notice)rule->citizen, .c = &c,
				    .vars = mw_notify_vars(n, &c), .urgent = c.urgent };

		if (o.vars)
			reminder_vars(n, o.vars, &c, r, new_due);
		if ((rc = mw_notify_emit(tx, n, &o)))
			return rc;
	}
	if (rule->staff != NONE) {
		mw_notice_out o = { .kind = (mw_notice)rule->staff, .c = &c,
				    .vars = mw_notify_vars(n, &c), .to = rule->to };

		if (r->kind == MW_REMIND_COOP)
			o.department = r->ref;
		if (o.vars)
			reminder_vars(n, o.vars, &c, r, new_due);
		if ((rc = mw_notify_emit(tx, n, &o)))
			return rc;
	}
	return MW_OK;
}

static int scan_run(mw_tx *tx, mw_work *w)
{
	struct scan_work *sw = (struct scan_work *)w;
	mw_arena a = MW_ARENA_INIT;
	mw_reminder_row *rows;
	size_t nrows;
	int rc;

	sw->seen = sw->fired = 0;
	sw->again = false;
	memset(sw->fired_kind, 0, sizeof(sw->fired_kind));
	rc = mw_tx_reminders_due(tx, sw->now, SCAN_BATCH, &a, &rows, &nrows);
	for (size_t i = 0; !rc && i < nrows; i++) {
		bool fired;

		rc = fire(tx, sw->n, &rows[i], sw->now, &a, &fired, &sw->again);
		if (!rc && fired) {
			sw->fired++;
			sw->fired_kind[rows[i].kind]++;
		}
	}
	sw->seen = (int)nrows;
	mw_arena_release(&a);
	return rc;
}

int mw_notify_scan(mw_notify *n, int *fired)
{
	struct scan_work sw = { .w = { .run = scan_run }, .n = n };
	int64_t t0 = mw_monotonic_us();
	int rc, total = 0;

	pthread_mutex_lock(&n->scan_mu);
	do {
		sw.now = mw_now();
		rc = mw_store_exec(n->store, &sw.w);
		if (!rc) {
			total += sw.fired;
			for (int k = 0; k < MW_REMIND__COUNT; k++)
				atomic_fetch_add(&n->fired[k], (uint64_t)sw.fired_kind[k]);
		}
	} while (!rc && (sw.seen == SCAN_BATCH || sw.again));
	pthread_mutex_unlock(&n->scan_mu);
	atomic_fetch_add(&n->scans, 1);
	atomic_store(&n->last_scan_us, mw_monotonic_us() - t0);
	if (rc)
		mw_log_error("monitor", "event=scan_failed err=%s", mw_err_code(rc));
	else if (total)
		mw_log_info("monitor", "event=fired count=%d", total);
	if (fired)
		*fired = total;
	return rc;
}

/* ---- complaints filed before notifications existed --------------------- */

#define BACKFILL_BATCH 500

struct backfill_work {
	mw_work w;
	mw_notify *n;
	bool finished;
	int64_t planned;
};

/* Plans the next batch of open complaints up to the last one there was
 * when this first ran, remembering how far it got (notify_meta), so a
 * restart goes on from there. Only reminders still ahead are added: what
 * should have been said before the upgrade is not said now. Adding is
 * idempotent, so a complaint an action planned meanwhile, or another
 * server doing the same, changes nothing. */
static int backfill_run(mw_tx *tx, mw_work *w)
{
	struct backfill_work *bw = (struct backfill_work *)w;
	mw_arena a = MW_ARENA_INIT;
	const char *v;
	int64_t upto, done = 0, *ids;
	size_t nids;
	mw_time now = mw_now();
	char num[32];
	int rc;

	rc = mw_tx_notify_meta_get(tx, "backfill_upto", &a, &v);
	if (rc == MW_ERR_NOTFOUND) {
		if ((rc = mw_tx_last_complaint_id(tx, &upto)))
			goto out;
		snprintf(num, sizeof(num), "%lld", (long long)upto);
		if ((rc = mw_tx_notify_meta_put(tx, "backfill_upto", num)))
			goto out;
	} else if (rc || mw_parse_i64(v, 0, INT64_MAX, &upto)) {
		rc = rc ? rc : MW_ERR_DB;
		goto out;
	}
	rc = mw_tx_notify_meta_get(tx, "backfill_done", &a, &v);
	if (rc == MW_OK && mw_parse_i64(v, 0, INT64_MAX, &done))
		rc = MW_ERR_DB;
	if (rc && rc != MW_ERR_NOTFOUND)
		goto out;
	if (done >= upto) {
		bw->finished = true;
		rc = MW_OK;
		goto out;
	}
	if ((rc = mw_tx_open_complaint_ids(tx, done, upto, BACKFILL_BATCH, &a, &ids, &nids)))
		goto out;
	for (size_t i = 0; !rc && i < nids; i++) {
		mw_complaint c;

		if ((rc = mw_tx_complaint_get(tx, ids[i], &a, &c, NULL)))
			break;
		/* Fresh: added beside whatever an action planned meanwhile,
		 * never instead of it (a pending one may be due). */
		rc = mw_notify_replan(tx, bw->n, &c, true, now, NULL);
		bw->planned++;
	}
	if (rc)
		goto out;
	snprintf(num, sizeof(num), "%lld",
		 (long long)(nids == BACKFILL_BATCH ? ids[nids - 1] : upto));
	rc = mw_tx_notify_meta_put(tx, "backfill_done", num);
out:
	mw_arena_release(&a);
	return rc;
}

int mw_notify_backfill(mw_notify *n, int64_t *planned)
{
	struct backfill_work bw = { .w = { .run = backfill_run }, .n = n };
	int rc;

	do
		rc = mw_store_exec(n->store, &bw.w);
	while (!rc && !bw.finished);
	if (planned)
		*planned = bw.planned;
	if (rc)
		mw_log_error("monitor", "event=backfill_failed err=%s", mw_err_code(rc));
	else if (bw.planned)
		mw_log_info("monitor", "event=backfilled complaints=%lld", (long long)bw.planned);
	return rc;
}

void *mw_notify_monitor_main(void *arg)
{
	mw_notify *n = arg;

	mw_notify_backfill(n, NULL);
	pthread_mutex_lock(&n->mu);
	while (!n->stopping) {
		uint64_t seen = n->monitor_kicks;
		struct timespec until;

		pthread_mutex_unlock(&n->mu);
		mw_notify_scan(n, NULL);
		pthread_mutex_lock(&n->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += n->cfg.monitor_s;
		while (!n->stopping && n->monitor_kicks == seen &&
		       pthread_cond_timedwait(&n->cv, &n->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&n->mu);
	return NULL;
}

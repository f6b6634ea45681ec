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
#include "../core/late.h"
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

struct scan_work {
	mw_work w;
	mw_notify *n;
	mw_time now;
	int seen, fired;
	bool again;                  /* a next reminder written is due already */
	int fired_kind[MW_REMIND__COUNT];
};

static void reminder_vars(mw_notify *n, json_t *v, const mw_complaint *c,
			  const mw_reminder_row *r, const mw_late_reason *late)
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
		json_object_set_new(v, "new_due_at", json_integer(late->expected));
		json_object_set_new(v, "reason", json_string(late->ko));
		json_object_set_new(v, "reason_en", json_string(late->en));
		break;
	default:
		break;
	}
}

/* A department's names, Korean and English (the code when unknown). */
static void department_names(mw_notify *n, const char *code, const char **ko, const char **en)
{
	const mw_department *d = code ? mw_ref_department(n->ref, code) : NULL;

	*ko = d ? d->name_ko : code;
	*en = d && d->name_en && *d->name_en ? d->name_en : *ko;
}

/* What the complaint's record says about why it is late (core/late.h):
 * the officer's delay notice since the clock started, unless an
 * extension came after it; its last move to another department; its
 * cooperation requests. Strings live in a. */
static int late_facts(mw_tx *tx, mw_notify *n, const mw_complaint *c, mw_arena *a,
		      mw_late_facts *f)
{
	mw_event_row *ev;
	mw_coop_row *co;
	mw_late_coop *lc;
	size_t nev, nco;
	int rc;

	*f = (mw_late_facts){ .c = c, .info_period = n->cfg.info_period_p,
			      .grace = n->cfg.late_grace_p };
	if ((rc = mw_tx_events(tx, c->id, a, &ev, &nev)) ||
	    (rc = mw_tx_coops(tx, c->id, a, &co, &nco)))
		return rc;
	for (size_t i = 0; i < nev; i++) {
		if (ev[i].at < c->clock_start)
			continue;
		if (!strcmp(ev[i].kind, "delay_notice") && ev[i].detail &&
		    !mw_time_parse_iso8601(ev[i].detail, &f->officer_expected)) {
			f->officer_reason = ev[i].text;
		} else if (!strcmp(ev[i].kind, "extend")) {
			f->officer_reason = NULL;
		} else if (!strcmp(ev[i].kind, "provide_info")) {
			f->info_answered_at = ev[i].at;
		} else if (!strcmp(ev[i].kind, "transfer") && ev[i].detail &&
			   mw_ref_department(n->ref, ev[i].detail)) {
			f->moved_at = ev[i].at;
			department_names(n, ev[i].detail, &f->moved_to_ko, &f->moved_to_en);
		}
	}
	if (!nco)
		return MW_OK;
	if (!(lc = mw_arena_alloc(a, nco * sizeof(*lc))))
		return MW_ERR_NOMEM;
	for (size_t i = 0; i < nco; i++) {
		lc[i] = (mw_late_coop){ .requested_at = co[i].requested_at, .due_at = co[i].due_at,
					.replied_at = co[i].replied_at };
		department_names(n, co[i].department, &lc[i].department_ko, &lc[i].department_en);
	}
	f->coops = lc;
	f->ncoops = nco;
	return MW_OK;
}

/* The citizen's timeline says it is late, why, and the new date: the
 * text is the "timeline" template of the late notice, the detail the new
 * date. */
static int late_event(mw_tx *tx, mw_notify *n, const mw_complaint *c, mw_time now,
		      const mw_late_reason *late)
{
	mw_event ev = { .kind = "late", .is_public = true, .from = c->status, .to = c->status,
			.at = now, .due_at = c->due_at };
	json_t *vars = json_pack("{s:s, s:I}", "reason", late->ko, "new_due_at",
				 (json_int_t)late->expected);
	mw_tmpl_set *ts = mw_notify_tmpl_get(n);
	const mw_tmpl *t = mw_tmpl_find(ts, mw_notice_name(MW_NOTICE_LATE), "timeline", "ko");
	mw_buf text = MW_BUF_INIT;
	char iso[32];
	int rc;

	mw_time_format_kst(late->expected, iso);
	rc = !vars || !t || mw_tmpl_render(t->body, vars, "ko", &text) ? MW_ERR_NOMEM : MW_OK;
	mw_tmpl_put(ts);
	json_decref(vars);
	if (!rc) {
		ev.text = text.ptr;
		rc = mw_tx_event_insert(tx, c->id, &ev, "system", iso);
	}
	mw_buf_release(&text);
	return rc;
}

static int fire(mw_tx *tx, mw_notify *n, const mw_reminder_row *r, mw_time now, mw_arena *a,
		bool *fired, bool *again)
{
	const struct remind_rule *rule;
	mw_complaint c;
	mw_remind_plan plan;
	mw_late_reason late = { 0 };
	mw_time next;
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
		mw_late_facts f;

		if ((rc = late_facts(tx, n, &c, a, &f)))
			return rc;
		mw_late_explain(n->ref->cal, &f, &late);
		if ((rc = late_event(tx, n, &c, now, &late)))
			return rc;
	}
	if (rule->citizen != NONE) {
		mw_notice_out o = { .kind = (mw_notice)rule->citizen, .c = &c,
				    .vars = mw_notify_vars(n, &c), .urgent = c.urgent };

		if (o.vars)
			reminder_vars(n, o.vars, &c, r, &late);
		if ((rc = mw_notify_emit(tx, n, &o)))
			return rc;
	}
	if (rule->staff != NONE) {
		mw_notice_out o = { .kind = (mw_notice)rule->staff, .c = &c,
				    .vars = mw_notify_vars(n, &c), .to = rule->to };

		if (r->kind == MW_REMIND_COOP)
			o.department = r->ref;
		if (o.vars)
			reminder_vars(n, o.vars, &c, r, &late);
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

/* Plans one open complaint: only what is still ahead of now. */
typedef int (*backfill_fn)(mw_tx *tx, mw_notify *n, const mw_complaint *c, mw_time now,
			   mw_arena *a);

/* Its own clock's next reminder. Fresh: added beside whatever an action
 * planned meanwhile, never instead of it (a pending one may be due). */
static int backfill_own(mw_tx *tx, mw_notify *n, const mw_complaint *c, mw_time now,
			mw_arena *a)
{
	MW_UNUSED(a);
	return mw_notify_replan(tx, n, c, true, now, NULL);
}

/* A reminder for each of its open cooperation requests. */
static int backfill_coops(mw_tx *tx, mw_notify *n, const mw_complaint *c, mw_time now,
			  mw_arena *a)
{
	mw_coop_row *co;
	size_t nco;
	int rc = mw_tx_coops(tx, c->id, a, &co, &nco);

	for (size_t i = 0; !rc && i < nco; i++)
		if (!co[i].replied_at)
			rc = mw_notify_plan_coop(tx, n, c->id, co[i].department, co[i].requested_at,
						 co[i].due_at, now);
	return rc;
}

/* The passes, each once per database over the open complaints there were
 * when it first ran, remembering how far it got in notify_meta. The
 * cooperation pass came later: databases that had done the first get it
 * on their next start, new ones do both. */
static const struct backfill_pass {
	const char *upto_key, *done_key;
	backfill_fn plan;
} passes[] = {
	{ "backfill_upto", "backfill_done", backfill_own },
	{ "backfill_coop_upto", "backfill_coop_done", backfill_coops },
};

struct backfill_work {
	mw_work w;
	mw_notify *n;
	const struct backfill_pass *pass;
	bool finished;
	int64_t planned;
};

/* Plans the next batch of open complaints up to the last one there was
 * when the pass first ran, so a restart goes on from there. Only
 * reminders still ahead are added: what should have been said before the
 * upgrade is not said now. Adding is idempotent (a reminder is its
 * complaint, kind, reference and instant), so a complaint an action
 * planned meanwhile, another server doing the same, or the pass run again
 * changes nothing. */
static int backfill_run(mw_tx *tx, mw_work *w)
{
	struct backfill_work *bw = (struct backfill_work *)w;
	const struct backfill_pass *pass = bw->pass;
	mw_arena a = MW_ARENA_INIT;
	const char *v;
	int64_t upto, done = 0, *ids;
	size_t nids;
	mw_time now = mw_now();
	char num[32];
	int rc;

	rc = mw_tx_notify_meta_get(tx, pass->upto_key, &a, &v);
	if (rc == MW_ERR_NOTFOUND) {
		if ((rc = mw_tx_last_complaint_id(tx, &upto)))
			goto out;
		snprintf(num, sizeof(num), "%lld", (long long)upto);
		if ((rc = mw_tx_notify_meta_put(tx, pass->upto_key, num)))
			goto out;
	} else if (rc || mw_parse_i64(v, 0, INT64_MAX, &upto)) {
		rc = rc ? rc : MW_ERR_DB;
		goto out;
	}
	rc = mw_tx_notify_meta_get(tx, pass->done_key, &a, &v);
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
		rc = pass->plan(tx, bw->n, &c, now, &a);
		bw->planned++;
	}
	if (rc)
		goto out;
	snprintf(num, sizeof(num), "%lld",
		 (long long)(nids == BACKFILL_BATCH ? ids[nids - 1] : upto));
	rc = mw_tx_notify_meta_put(tx, pass->done_key, num);
out:
	mw_arena_release(&a);
	return rc;
}

int mw_notify_backfill(mw_notify *n, int64_t *planned)
{
	struct backfill_work bw = { .w = { .run = backfill_run }, .n = n };
	int64_t total = 0;
	int rc = MW_OK;

	for (size_t p = 0; !rc && p < MW_ARRAY_LEN(passes); p++) {
		bw.pass = &passes[p];
		bw.finished = false;
		bw.planned = 0;
		do
			rc = mw_store_exec(n->store, &bw.w);
		while (!rc && !bw.finished);
		if (!rc && bw.planned)
			mw_log_info("monitor", "event=backfilled pass=%s complaints=%lld",
				    passes[p].done_key, (long long)bw.planned);
		total += bw.planned;
	}
	if (planned)
		*planned = total;
	if (rc)
		mw_log_error("monitor", "event=backfill_failed err=%s", mw_err_code(rc));
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

#include "actions.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../notify/notify.h"

#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

static int action_run(mw_tx *tx, mw_work *w)
{
	mw_action_work *aw = (mw_action_work *)w;
	mw_arena *a = &aw->r->arena;
	mw_time now = mw_now();
	int rc;

	rc = mw_tx_complaint_get(tx, aw->id, a, &aw->before, NULL);
	if (rc)
		return rc;
	if (aw->if_match && aw->before.version != aw->if_match)
		return MW_ERR_STALE;
	/* The handler authorised against the department it read; if the
	 * complaint moved since, the decision no longer holds. */
	if (aw->expect_department && strcmp(aw->expect_department, aw->before.department))
		return MW_ERR_STALE;
	if (aw->act.type == MW_ACT_MERGE && aw->act.merge_into > 0) {
		mw_complaint target;

		rc = mw_tx_complaint_get(tx, aw->act.merge_into, a, &target, NULL);
		if (rc == MW_ERR_NOTFOUND || (rc == MW_OK && mw_status_is_final(target.status))) {
			aw->why.err = MW_ERR_INVALID;
			snprintf(aw->why.message, sizeof(aw->why.message),
				 "the complaint to merge into does not exist or is already closed");
			return MW_ERR_INVALID;
		}
		if (rc)
			return rc;
		aw->act.merge_into_receipt = mw_arena_strdup(a, target.receipt_no);
	}
	aw->act.info_period = mw_app_info_period(aw->r->app);
	if (aw->act.type == MW_ACT_RATE || aw->act.type == MW_ACT_REOPEN) {
		const mw_category *cat = mw_ref_category(aw->ref, aw->before.category);

		aw->act.reopen_period = cat ? cat->period : aw->before.base_period;
	}
	rc = mw_lifecycle_apply(aw->ref->cal, now, &aw->before, &aw->act, &aw->after, &aw->ev,
				&aw->why);
	if (rc)
		return rc;
	if (aw->act.type == MW_ACT_COOPERATE) {
		mw_coop_row row = {
			.department = aw->act.department,
			.request = aw->act.text,
			.requested_at = now,
			.due_at = aw->ev.sub_due,
		};

		if ((rc = mw_tx_coop_insert(tx, aw->id, &row)))
			return rc;
	} else if (aw->act.type == MW_ACT_COOP_REPLY) {
		rc = mw_tx_coop_reply(tx, aw->id, aw->coop_department, aw->act.text, now);
		if (rc == MW_ERR_NOTFOUND) {
			aw->why.err = MW_ERR_CONFLICT;
			snprintf(aw->why.message, sizeof(aw->why.message),
				 "department %s has no open cooperation request on this complaint",
				 aw->coop_department ? aw->coop_department : "-");
			return MW_ERR_CONFLICT;
		}
		if (rc)
			return rc;
		snprintf(aw->ev.buf, sizeof(aw->ev.buf), "%s",
			 aw->coop_department ? aw->coop_department : "");
	}
	if ((rc = mw_tx_complaint_update(tx, &aw->after, aw->before.version)) ||
	    (rc = mw_tx_event_insert(tx, aw->id, &aw->ev, aw->actor, NULL)))
		return rc;
	/* Who hears of it, and the reminders of the new state, in the same
	 * transaction as the action itself. */
	return mw_notify_on_action(tx, aw->r->app->notify, &aw->before, &aw->after, &aw->act,
				   &aw->ev, aw->coop_department);
}

static void action_done(mw_work *w)
{
	mw_action_work *aw = (mw_action_work *)w;

	mw_req_resume(aw->r);
}

void mw_action_names_json(mw_buf *b, unsigned mask)
{
	bool first = true;

	mw_buf_putc(b, '[');
	for (int a = 0; a < MW_ACT__COUNT; a++) {
		if (!(mask & (1u << a)))
			continue;
		if (!first)
			mw_buf_putc(b, ',');
		mw_buf_json_str(b, mw_action_name((mw_action)a));
		first = false;
	}
	mw_buf_putc(b, ']');
}

void mw_action_refusal(mw_req *r, const mw_refusal *why)
{
	mw_buf b = MW_BUF_INIT;

	mw_buf_puts(&b, "{\"error\":{\"code\":");
	mw_buf_json_str(&b, why->err == MW_ERR_CONFLICT ? "transition_not_allowed"
							: mw_err_code(why->err));
	mw_buf_puts(&b, ",\"message\":");
	mw_buf_json_str(&b, why->message);
	mw_buf_puts(&b, ",\"allowed\":");
	mw_action_names_json(&b, why->allowed);
	mw_buf_puts(&b, "}}");
	mw_resp_json(r, mw_err_http(why->err), &b);
}

static void action_answer(mw_req *r)
{
	mw_action_work *aw = r->work;
	mw_buf b = MW_BUF_INIT;
	int rc = aw->w.rc;

	mw_app_ref_put(r->app, aw->ref);
	if (rc == MW_ERR_STALE) {
		mw_resp_error(r, 409, "stale_version",
			      "the complaint changed since you read it (version %lld now); reload and retry",
			      (long long)aw->before.version);
		return;
	}
	if (rc == MW_ERR_NOTFOUND) {
		mw_resp_error(r, 404, "not_found", "no such complaint");
		return;
	}
	if (rc && aw->why.err) {
		mw_action_refusal(r, &aw->why);
		return;
	}
	if (rc) {
		mw_resp_err(r, rc, "the action could not be saved");
		return;
	}
	mw_buf_puts(&b, "{\"receipt_no\":");
	mw_buf_json_str(&b, aw->after.receipt_no);
	mw_buf_puts(&b, ",\"action\":");
	mw_buf_json_str(&b, mw_action_name(aw->act.type));
	mw_buf_puts(&b, ",\"status\":");
	mw_buf_json_str(&b, mw_status_name(aw->after.status));
	mw_buf_puts(&b, ",\"status_label\":");
	mw_buf_json_str(&b, mw_status_label_ko(aw->after.status));
	mw_buf_printf(&b, ",\"version\":%lld", (long long)aw->after.version);
	mw_buf_puts(&b, ",\"department\":");
	mw_buf_json_str(&b, aw->after.department);
	mw_api_json_time(&b, "due_at", aw->after.due_at, true);
	if (aw->ev.sub_due)
		mw_api_json_time(&b, "cooperation_due_at", aw->ev.sub_due, true);
	if (aw->act.type == MW_ACT_DELAY_NOTICE)
		mw_api_json_time(&b, "expected_at", aw->act.expected_at, true);
	mw_buf_putc(&b, '}');
	mw_resp_json(r, 200, &b);
}

void mw_action_submit(mw_req *r, mw_action_work *aw)
{
	int rc;

	aw->w.run = action_run;
	aw->w.done = action_done;
	aw->r = r;
	aw->ref = mw_app_ref_get(r->app);
	r->work = aw;
	r->on_resume = action_answer;
	mw_req_suspend(r);
	rc = mw_store_submit(r->app->store, &aw->w);
	if (rc) {
		/* Not queued: answer on resume with the error. */
		aw->w.rc = rc;
		mw_req_resume(r);
	}
}

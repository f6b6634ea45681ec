/*
 * notify.c - the HTTP side of notifications: the staff inbox, and for
 * admins the message templates, the outbox (dead letters and retries),
 * the reminder schedule and a deadline monitor scan on demand.
 */
#include "api.h"
#include "../base/mw.h"
#include "../notify/notify.h"
#include "../store/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define LIST_MAX 500

static const char *const state_names[MW_OUTBOX__STATES] = {
	[MW_OUTBOX_PENDING] = "pending", [MW_OUTBOX_SENT] = "sent", [MW_OUTBOX_DEAD] = "dead",
	[MW_OUTBOX_RECORDED] = "recorded", [MW_OUTBOX_DROPPED] = "dropped",
};

/* ?limit= (1..max, default def) and ?before= / ?after= (an id). */
static int read_page(mw_req *r, const char *cursor, int def, int max, int64_t *limit,
		     int64_t *from)
{
	const char *v;

	*limit = def;
	*from = 0;
	if ((v = mw_req_query(r, "limit")) && mw_parse_i64(v, 1, max, limit)) {
		mw_resp_error(r, 400, "invalid", "limit must be 1 to %d", max);
		return MW_ERR_INVALID;
	}
	if ((v = mw_req_query(r, cursor)) && mw_parse_i64(v, 0, INT64_MAX, from)) {
		mw_resp_error(r, 400, "invalid", "%s must be an id", cursor);
		return MW_ERR_INVALID;
	}
	return MW_OK;
}

/* Closes a list with its next_cursor (the last id of a full page) and
 * answers. */
static void end_page(mw_req *r, mw_buf *b, size_t n, int64_t limit, int64_t last_id)
{
	mw_buf_puts(b, "],\"next_cursor\":");
	if (n == (size_t)limit)
		mw_buf_printf(b, "%lld}", (long long)last_id);
	else
		mw_buf_puts(b, "null}");
	mw_resp_json(r, 200, b);
}

static bool no_notify(mw_req *r)
{
	if (r->app->notify)
		return false;
	mw_resp_error(r, 503, "not_configured", "notifications are not running in this process");
	return true;
}

/* ---- the staff inbox ---------------------------------------------------- */

/* The route lets every staff session in; a field session is refused here
 * (mw_authz_inbox) with a hint where its owner reads the notices. */
static bool inbox_refused(mw_req *r)
{
	if (mw_authz_inbox(r->auth))
		return false;
	mw_resp_error(r, 403, "forbidden",
		      "a field session cannot read the staff inbox; sign in at /staff/login");
	return true;
}

int api_staff_inbox(mw_req *r)
{
	const char *v = mw_req_query(r, "unread");
	bool unread = v && (!strcmp(v, "1") || !strcmp(v, "true"));
	int64_t limit, before, nunread;
	mw_inbox_row *rows;
	size_t n;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (inbox_refused(r) || no_notify(r) || read_page(r, "before", 50, 100, &limit, &before))
		return MW_OK;
	rc = mw_store_inbox(r->app->store, r->auth->login, unread, before, (int)limit, &r->arena,
			    &rows, &n, &nunread);
	if (rc) {
		mw_resp_err(r, rc, "cannot read the inbox");
		return MW_OK;
	}
	mw_buf_printf(&b, "{\"unread\":%lld,\"items\":[", (long long)nunread);
	for (size_t i = 0; i < n; i++) {
		const char *title, *body;
		mw_notice kind;

		mw_notify_render_inbox(r->app->notify, &rows[i], &r->arena, &title, &body);
		mw_buf_printf(&b, "%s{\"id\":%lld", i ? "," : "", (long long)rows[i].id);
		mw_api_json_time(&b, "at", rows[i].at, true);
		mw_buf_puts(&b, ",\"kind\":");
		mw_buf_json_str(&b, rows[i].kind);
		mw_buf_puts(&b, ",\"label\":");
		mw_buf_json_str(&b, !mw_notice_parse(rows[i].kind, &kind) ? mw_notice_label(kind) : NULL);
		mw_buf_puts(&b, ",\"title\":");
		mw_buf_json_str(&b, title);
		mw_buf_puts(&b, ",\"body\":");
		mw_buf_json_str(&b, body);
		mw_buf_puts(&b, ",\"receipt_no\":");
		mw_buf_json_str(&b, rows[i].receipt_no);
		mw_buf_printf(&b, ",\"complaint_id\":%lld,\"read\":%s,\"data\":%s}",
			      (long long)rows[i].complaint_id, rows[i].read_at ? "true" : "false",
			      rows[i].vars && rows[i].vars[0] == '{' ? rows[i].vars : "{}");
	}
	end_page(r, &b, n, limit, n ? rows[n - 1].id : 0);
	return MW_OK;
}

struct read_work {
	mw_work w;
	const char *login;
	int64_t *ids;
	size_t n;
	int64_t marked;
};

static int read_run(mw_tx *tx, mw_work *w)
{
	struct read_work *rw = (struct read_work *)w;

	return mw_tx_inbox_mark_read(tx, rw->login, rw->ids, rw->n, mw_now(), &rw->marked);
}

/* {"ids": [1, 2]} marks those; {"all": true} every unread item. */
int api_staff_inbox_read(mw_req *r)
{
	json_t *body, *ids, *v;
	struct read_work rw = { .w = { .run = read_run }, .login = r->auth->login };
	bool all = false;
	size_t i;
	int rc;

	if (inbox_refused(r))
		return MW_OK;
	body = mw_api_json_body(r);
	if (!body)
		return MW_OK;
	if (mw_api_opt_bool(r, body, "all", &all, NULL))
		goto out;
	ids = json_object_get(body, "ids");
	if (!all && (!json_is_array(ids) || !json_array_size(ids) ||
		     json_array_size(ids) > LIST_MAX)) {
		mw_resp_error(r, 400, "invalid", "give ids (a list of 1 to %d item ids) or all: true",
			      LIST_MAX);
		goto out;
	}
	if (!all) {
		rw.ids = mw_arena_alloc(&r->arena, json_array_size(ids) * sizeof(*rw.ids));
		if (!rw.ids) {
			mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
			goto out;
		}
		json_array_foreach(ids, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) < 1) {
				mw_resp_error(r, 400, "invalid", "ids must be item ids");
				goto out;
			}
			rw.ids[rw.n++] = json_integer_value(v);
		}
	}
	if ((rc = mw_store_exec(r->app->store, &rw.w))) {
		mw_resp_err(r, rc, "could not mark the items read");
		goto out;
	}
	{
		mw_buf b = MW_BUF_INIT;

		mw_buf_printf(&b, "{\"marked\":%lld}", (long long)rw.marked);
		mw_resp_json(r, 200, &b);
	}
out:
	json_decref(body);
	return MW_OK;
}

/* ---- templates ---------------------------------------------------------- */

int api_admin_notify_templates(mw_req *r)
{
	mw_buf b = MW_BUF_INIT;

	if (no_notify(r))
		return MW_OK;
	mw_buf_puts(&b, "{\"items\":");
	mw_notify_templates_json(r->app->notify, &b);
	mw_buf_putc(&b, '}');
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

int api_admin_notify_template_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	mw_notify_template t = { 0 };
	mw_notice kind;
	char err[200];
	int rc;

	if (!body)
		return MW_OK;
	if (no_notify(r) || mw_api_opt_string(r, body, "kind", &t.kind) ||
	    mw_api_opt_string(r, body, "channel", &t.channel) ||
	    mw_api_opt_string(r, body, "lang", &t.lang) ||
	    mw_api_text_field(r, body, "subject", 500, false, false, &t.subject) ||
	    mw_api_text_field(r, body, "body", 4000, true, true, &t.body))
		goto out;
	if (!t.kind || mw_notice_parse(t.kind, &kind)) {
		mw_resp_error(r, 400, "invalid", "kind must be a notice kind (GET this endpoint)");
		goto out;
	}
	if (!mw_notify_template_channel_ok(t.channel)) {
		mw_resp_error(r, 400, "invalid", "channel must be email, text or inbox");
		goto out;
	}
	if (!t.lang)
		t.lang = "ko";
	if (strcmp(t.lang, "ko") && strcmp(t.lang, "en")) {
		mw_resp_error(r, 400, "invalid", "lang must be ko or en");
		goto out;
	}
	if (mw_notify_template_check(t.subject ? t.subject : "", err, sizeof(err)) ||
	    mw_notify_template_check(t.body, err, sizeof(err))) {
		mw_resp_error(r, 400, "invalid", "%s", err);
		goto out;
	}
	t.updated_at = mw_now();
	rc = mw_store_put_notify_template(r->app->store, &t);
	if (rc) {
		mw_resp_err(r, rc, "could not save the template");
		goto out;
	}
	mw_notify_reload(r->app->notify);
	mw_resp_text(r, 200, "application/json; charset=utf-8", "{\"saved\":true}");
out:
	json_decref(body);
	return MW_OK;
}

/* ---- the outbox ---------------------------------------------------------- */

int api_admin_outbox(mw_req *r)
{
	const char *v = mw_req_query(r, "state");
	int state = -1;
	int64_t limit, before;
	mw_outbox_row *rows;
	size_t n;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (v && strcmp(v, "any")) {
		for (state = 0; state < MW_OUTBOX__STATES && strcmp(state_names[state], v); state++)
			;
		if (state == MW_OUTBOX__STATES) {
			mw_resp_error(r, 400, "invalid",
				      "state must be pending, sent, dead, recorded, dropped or any");
			return MW_OK;
		}
	}
	if (read_page(r, "before", 100, LIST_MAX, &limit, &before))
		return MW_OK;
	rc = mw_store_outbox_list(r->app->store, state, before, (int)limit, &r->arena, &rows, &n);
	if (rc) {
		mw_resp_err(r, rc, "cannot read the outbox");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		const mw_outbox_row *o = &rows[i];

		mw_buf_printf(&b, "%s{\"id\":%lld,\"kind\":", i ? "," : "", (long long)o->id);
		mw_buf_json_str(&b, o->kind);
		mw_buf_puts(&b, ",\"channel\":");
		mw_buf_json_str(&b, mw_chan_name((mw_chan)o->channel));
		/* The recipient's role or login, never an address. */
		mw_buf_puts(&b, ",\"recipient\":");
		mw_buf_json_str(&b, o->recipient);
		mw_buf_printf(&b, ",\"complaint_id\":%lld,\"lang\":", (long long)o->complaint_id);
		mw_buf_json_str(&b, o->lang);
		mw_buf_printf(&b, ",\"state\":\"%s\",\"tries\":%d,\"urgent\":%s",
			      (unsigned)o->state < MW_OUTBOX__STATES ? state_names[o->state] : "?",
			      o->tries, o->urgent ? "true" : "false");
		mw_api_json_time(&b, "created_at", o->created_at, true);
		mw_api_json_time(&b, "next_at", o->state == MW_OUTBOX_PENDING ? o->next_at : 0, true);
		mw_api_json_time(&b, "sent_at", o->sent_at, true);
		mw_buf_puts(&b, ",\"last_error\":");
		mw_buf_json_str(&b, o->last_error);
		mw_buf_puts(&b, ",\"subject\":");
		mw_buf_json_str(&b, o->subject);
		mw_buf_puts(&b, ",\"body\":");
		mw_buf_json_str(&b, o->body);
		mw_buf_printf(&b, ",\"data\":%s}", o->vars && o->vars[0] == '{' ? o->vars : "{}");
	}
	end_page(r, &b, n, limit, n ? rows[n - 1].id : 0);
	return MW_OK;
}

struct retry_work {
	mw_work w;
	int64_t id;
};

static int retry_run(mw_tx *tx, mw_work *w)
{
	return mw_tx_outbox_retry(tx, ((struct retry_work *)w)->id, mw_now());
}

int api_admin_outbox_retry(mw_req *r)
{
	struct retry_work rw = { .w = { .run = retry_run } };
	int rc;

	if (mw_parse_i64(mw_req_param(r, 0), 1, INT64_MAX, &rw.id)) {
		mw_resp_error(r, 404, "not_found", "no such message");
		return MW_OK;
	}
	rc = mw_store_exec(r->app->store, &rw.w);
	if (rc == MW_ERR_NOTFOUND) {
		mw_resp_error(r, 409, "conflict", "only a dead letter can be retried");
		return MW_OK;
	}
	if (rc) {
		mw_resp_err(r, rc, "could not retry the message");
		return MW_OK;
	}
	mw_notify_kick(r->app->notify);
	mw_resp_text(r, 200, "application/json; charset=utf-8", "{\"state\":\"pending\"}");
	return MW_OK;
}

/* ---- the deadline monitor ------------------------------------------------ */

int api_admin_reminders(mw_req *r)
{
	const char *v = mw_req_query(r, "complaint");
	int64_t limit, after, cid = 0;
	mw_reminder_row *rows;
	size_t n;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (read_page(r, "after", 100, LIST_MAX, &limit, &after))
		return MW_OK;
	if (v) {
		mw_complaint c;

		if (mw_api_load_complaint(r, v, &c, NULL))
			return MW_OK;
		cid = c.id;
	}
	rc = mw_store_reminders(r->app->store, cid, after, (int)limit, &r->arena, &rows, &n);
	if (rc) {
		mw_resp_err(r, rc, "cannot read the reminders");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		mw_buf_printf(&b, "%s{\"id\":%lld,\"complaint_id\":%lld,\"kind\":\"%s\",\"ref\":",
			      i ? "," : "", (long long)rows[i].id, (long long)rows[i].complaint_id,
			      mw_remind_name((mw_remind_kind)rows[i].kind));
		mw_buf_json_str(&b, rows[i].ref);
		mw_api_json_time(&b, "fire_at", rows[i].fire_at, true);
		mw_api_json_time(&b, "target", rows[i].target, true);
		mw_api_json_time(&b, "fired_at", rows[i].fired_at > 0 ? rows[i].fired_at : 0, true);
		mw_buf_printf(&b, ",\"state\":\"%s\"}",
			      rows[i].fired_at > 0 ? "fired"
			      : rows[i].fired_at < 0 ? "cancelled"
						     : "pending");
	}
	end_page(r, &b, n, limit, n ? rows[n - 1].id : 0);
	return MW_OK;
}

int api_admin_monitor_scan(mw_req *r)
{
	mw_buf b = MW_BUF_INIT;
	int fired = 0, rc;

	if (no_notify(r))
		return MW_OK;
	rc = mw_notify_scan(r->app->notify, &fired);
	if (rc) {
		mw_resp_err(r, rc, "the scan failed");
		return MW_OK;
	}
	mw_buf_printf(&b, "{\"fired\":%d", fired);
	mw_api_json_time(&b, "now", mw_now(), true);
	mw_buf_putc(&b, '}');
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/*
 * staff.c - the staff side: the queue, the full complaint view with
 * masked contact data (and logged unmasking), lifecycle actions, lookup
 * by phone for the desk, department statistics and the access log.
 */
#include "actions.h"
#include "api.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../core/mask.h"
#include "../core/receipt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define QUEUE_MAX_LIMIT 100

static bool parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "true") || !strcmp(s, "1")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "false") || !strcmp(s, "0")) {
		*out = false;
		return true;
	}
	return false;
}

/* Staff in a department see that department only; asking for another is
 * refused rather than silently narrowed, so a wrong link is noticed. */
static int scope_department(mw_req *r, const char *asked, const char **dept)
{
	const mw_auth *a = r->auth;

	*dept = asked && *asked ? asked : NULL;
	if (a->role != MW_ROLE_MANAGER && a->role != MW_ROLE_OFFICER)
		return MW_OK;
	if (*dept && (!a->department || strcmp(*dept, a->department))) {
		mw_resp_error(r, 403, "forbidden", "you may only see your own department's queue");
		return MW_ERR_FORBIDDEN;
	}
	*dept = a->department;
	return MW_OK;
}

static void queue_rows_json(mw_buf *b, const mw_queue_row *rows, size_t n, mw_time now,
			    const mw_refdata *ref)
{
	for (size_t i = 0; i < n; i++) {
		const mw_queue_row *q = &rows[i];
		const mw_category *cat = mw_ref_category(ref, q->category);
		const mw_department *dep = mw_ref_department(ref, q->department);

		mw_buf_printf(b, "%s{\"id\":%lld,\"receipt_no\":", i ? "," : "", (long long)q->id);
		mw_buf_json_str(b, q->receipt_no);
		mw_buf_json_kv(b, "title", q->title);
		mw_buf_json_kv(b, "category", q->category);
		mw_buf_json_kv(b, "category_name", cat ? cat->name_ko : NULL);
		mw_buf_json_kv(b, "department", q->department);
		mw_buf_json_kv(b, "department_name", dep ? dep->name_ko : NULL);
		mw_buf_json_kv(b, "assignee", q->assignee);
		mw_buf_json_kv(b, "channel", mw_channel_name(q->channel));
		mw_buf_json_kv(b, "status", mw_status_name(q->status));
		mw_buf_printf(b, ",\"urgent\":%s", q->urgent ? "true" : "false");
		mw_buf_json_kv(b, "callback", mw_callback_name(q->callback));
		mw_api_json_time(b, "received_at", q->received_at, true);
		mw_api_json_time(b, "due_at", q->due_at, true);
		mw_buf_printf(b, ",\"overdue\":%s,\"version\":%lld}",
			      mw_status_is_open(q->status) && q->due_at && q->due_at < now ? "true"
											   : "false",
			      (long long)q->version);
	}
}

int api_queue(mw_req *r)
{
	mw_queue_filter f = { .status = -1, .urgent = -1, .limit = 25 };
	const char *v;
	mw_queue_row *rows;
	size_t n;
	mw_time now = mw_now();
	mw_buf b = MW_BUF_INIT;
	mw_refdata *ref;
	int rc;

	if (scope_department(r, mw_req_query(r, "department"), &f.department))
		return MW_OK;
	if ((v = mw_req_query(r, "status")) && *v) {
		mw_status st;

		if (!strcmp(v, "open"))
			f.status = -1;
		else if (!strcmp(v, "any"))
			f.status = -2;
		else if (mw_status_parse(v, &st)) {
			mw_resp_error(r, 400, "invalid", "unknown status %.40s", v);
			return MW_OK;
		} else {
			f.status = st;
		}
	}
	if ((v = mw_req_query(r, "urgent")) && *v) {
		bool u;

		if (!parse_bool(v, &u)) {
			mw_resp_error(r, 400, "invalid", "urgent must be true or false");
			return MW_OK;
		}
		f.urgent = u;
	}
	if ((v = mw_req_query(r, "overdue")) && *v) {
		bool o;

		if (!parse_bool(v, &o)) {
			mw_resp_error(r, 400, "invalid", "overdue must be true or false");
			return MW_OK;
		}
		if (o)
			f.due_before = now;
		else
			f.not_due_before = now;
	}
	if ((v = mw_req_query(r, "due_before")) && *v && mw_time_parse_iso8601(v, &f.due_before)) {
		mw_resp_error(r, 400, "invalid", "due_before must be an ISO 8601 time");
		return MW_OK;
	}
	if ((v = mw_req_query(r, "category")) && *v)
		f.category = v;
	if ((v = mw_req_query(r, "callback")) && *v) {
		if (strcmp(v, "pending")) {
			mw_resp_error(r, 400, "invalid", "callback must be pending");
			return MW_OK;
		}
		f.callback_pending = true;
	}
	if ((v = mw_req_query(r, "sort")) && *v && strcmp(v, "due")) {
		mw_resp_error(r, 400, "invalid", "sort must be due");
		return MW_OK;
	}
	if ((v = mw_req_query(r, "limit")) && *v) {
		int64_t lim;

		if (mw_parse_i64(v, 1, QUEUE_MAX_LIMIT, &lim)) {
			mw_resp_error(r, 400, "invalid", "limit must be 1 to %d", QUEUE_MAX_LIMIT);
			return MW_OK;
		}
		f.limit = (int)lim;
	}
	{
		long long due = 0, id = 0;

		if (mw_api_cursor(r, &due, &id, &f.has_cursor))
			return MW_OK;
		f.cursor_due = due;
		f.cursor_id = id;
	}
	/* Desk and field staff see what they filed today, in any state. */
	if (r->auth->role == MW_ROLE_DESK || r->auth->role == MW_ROLE_FIELD) {
		mw_civil c;

		mw_time_to_kst(now, &c);
		f.filed_by = r->auth->login;
		f.received_after = mw_time_from_kst(c.year, c.month, c.day, 0, 0, 0);
		f.status = f.status == -1 ? -2 : f.status;
	}
	rc = mw_store_queue(r->app->store, &f, &r->arena, &rows, &n);
	if (rc) {
		mw_resp_err(r, rc, "cannot read the queue");
		return MW_OK;
	}
	ref = mw_app_ref_get(r->app);
	mw_buf_puts(&b, "{");
	/* Urgent complaints go to the top: the first page of an unfiltered
	 * department queue starts with its open urgent ones. */
	if (!f.has_cursor && f.urgent < 0 && f.status == -1 && !f.filed_by) {
		mw_queue_filter uf = { .department = f.department, .category = f.category,
				       .due_before = f.due_before, .not_due_before = f.not_due_before,
				       .callback_pending = f.callback_pending, .status = -1,
				       .urgent = 1, .limit = 10 };
		mw_queue_row *urows;
		size_t un = 0;

		if (!mw_store_queue(r->app->store, &uf, &r->arena, &urows, &un)) {
			mw_buf_puts(&b, "\"urgent\":[");
			queue_rows_json(&b, urows, un, now, ref);
			mw_buf_puts(&b, "],");
		}
	}
	mw_buf_puts(&b, "\"items\":[");
	queue_rows_json(&b, rows, n, now, ref);
	mw_app_ref_put(r->app, ref);
	mw_buf_puts(&b, "],\"next_cursor\":");
	if (n == (size_t)f.limit)
		mw_buf_printf(&b, "\"%lld.%lld\"", (long long)rows[n - 1].due_at,
			      (long long)rows[n - 1].id);
	else
		mw_buf_puts(&b, "null");
	mw_buf_putc(&b, '}');
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/* Finds a complaint by numeric id or receipt number (path parameter). */
int mw_api_load_complaint(mw_req *r, const char *key, mw_complaint *c, mw_complaint_secret *sec)
{
	int64_t id;
	int rc;

	if (strchr(key, '-'))
		rc = mw_store_complaint_by_receipt(r->app->store, key, &r->arena, c, sec);
	else if (mw_parse_i64(key, 1, INT64_MAX, &id))
		rc = MW_ERR_NOTFOUND;
	else
		rc = mw_store_complaint_get(r->app->store, id, &r->arena, c, sec);
	if (rc == MW_ERR_NOTFOUND)
		mw_resp_error(r, 404, "not_found", "no such complaint");
	else if (rc)
		mw_resp_err(r, rc, "cannot read the complaint");
	return rc;
}

/* Is the caller's department asked to cooperate (open request)? */
static bool cooperating(const mw_auth *a, const mw_coop_row *co, size_t n)
{
	if (!a->department)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!co[i].replied_at && !strcmp(co[i].department, a->department))
			return true;
	return false;
}

static bool own_department(const mw_auth *a, const mw_complaint *c)
{
	return a->role == MW_ROLE_ADMIN ||
	       (a->department && c->department && !strcmp(a->department, c->department));
}

struct access_work {
	mw_work w;
	mw_access_entry e;
};

static int access_run(mw_tx *tx, mw_work *w)
{
	return mw_tx_access_log(tx, &((struct access_work *)w)->e);
}

/* Writes the access-log entry and waits for it: data is shown only once
 * its disclosure is on record. */
static int log_access(mw_req *r, const mw_complaint *c, const char *what, const char *reason)
{
	struct access_work aw = {
		.w = { .run = access_run },
		.e = { .at = mw_now(), .login = r->auth->login, .complaint_id = c->id,
		       .receipt_no = c->receipt_no, .what = what, .reason = reason },
	};

	return mw_store_exec(r->app->store, &aw.w);
}

static int contact_json(mw_req *r, mw_buf *b, const mw_complaint *c,
			const mw_complaint_secret *sec, bool reveal)
{
	char *plain = NULL;
	json_t *j = NULL;
	const char *name = NULL, *phone = NULL, *email = NULL;
	char mn[128], mp[40], me[300];
	int rc;

	mw_buf_puts(b, ",\"contact\":");
	if (!sec->contact_sealed) {
		mw_buf_puts(b, "null");
		return MW_OK;
	}
	rc = mw_unseal(&r->app->keys, c->receipt_no, sec->contact_sealed, &plain, NULL);
	if (rc) {
		mw_log_error("staff", "event=unseal_failed complaint=%lld", (long long)c->id);
		mw_buf_puts(b, "null");
		return MW_OK;
	}
	j = json_loads(plain, 0, NULL);
	if (j) {
		name = json_string_value(json_object_get(j, "name"));
		phone = json_string_value(json_object_get(j, "phone"));
		email = json_string_value(json_object_get(j, "email"));
	}
	if (!reveal) {
		mw_mask_name(name, mn, sizeof(mn));
		mw_mask_phone(phone, mp, sizeof(mp));
		mw_mask_email(email, me, sizeof(me));
		name = name ? mn : NULL;
		phone = phone ? mp : NULL;
		email = email ? me : NULL;
	}
	mw_buf_puts(b, "{\"name\":");
	mw_buf_json_str(b, name);
	mw_buf_json_kv(b, "phone", phone);
	mw_buf_json_kv(b, "email", email);
	mw_buf_printf(b, ",\"masked\":%s}", reveal ? "false" : "true");
	json_decref(j);
	explicit_bzero(plain, strlen(plain));
	free(plain);
	return MW_OK;
}

/* What the routing model said when the complaint came in, so that staff
 * see how sure it was and correct it (recategorize). */
static void ai_json(mw_buf *b, const mw_complaint *c, const mw_refdata *ref)
{
	const mw_category *cat;

	mw_buf_puts(b, ",\"ai\":");
	if (!c->ai_category) {
		mw_buf_puts(b, "null");
		return;
	}
	cat = mw_ref_category(ref, c->ai_category);
	mw_buf_puts(b, "{\"category\":");
	mw_buf_json_str(b, c->ai_category);
	mw_buf_json_kv(b, "category_name", cat ? cat->name_ko : NULL);
	mw_buf_printf(b, ",\"confidence\":%.3f}", c->ai_confidence);
}

int api_staff_complaint(mw_req *r)
{
	mw_complaint c;
	mw_complaint_secret sec;
	mw_event_row *ev;
	mw_attachment_row *att;
	mw_coop_row *co;
	size_t nev, natt, nco;
	const char *reveal = mw_req_query(r, "reveal"), *reason = mw_req_query(r, "reason");
	bool want_reveal = reveal && (!strcmp(reveal, "1") || !strcmp(reveal, "true") ||
				      !strcmp(reveal, "contact"));
	bool coop;
	mw_refdata *ref;
	mw_buf b = MW_BUF_INIT;
	char etag[32];
	int rc;

	if (mw_api_load_complaint(r, mw_req_param(r, 0), &c, &sec))
		return MW_OK;
	if ((rc = mw_store_coops(r->app->store, c.id, &r->arena, &co, &nco))) {
		mw_resp_err(r, rc, "cannot read the complaint");
		return MW_OK;
	}
	coop = cooperating(r->auth, co, nco);
	rc = mw_authz_complaint(r->auth, PERM_READ, &c, coop, mw_now());
	if (rc) {
		mw_resp_err(r, rc, "%s", r->auth->role == MW_ROLE_DESK
					  ? "the desk sees only the complaints it filed today"
					  : "this complaint belongs to another department");
		return MW_OK;
	}
	if (want_reveal) {
		if (!mw_authz_role_has(r->auth->role, PERM_REVEAL) || !own_department(r->auth, &c)) {
			mw_resp_error(r, 403, "forbidden", "your role may not see contact data of this complaint");
			return MW_OK;
		}
		if (!reason || strlen(reason) < 2 || strlen(reason) > 500) {
			mw_resp_error(r, 400, "reason_required",
				      "say why you need the contact data (reason=...); it is logged");
			return MW_OK;
		}
		if ((rc = log_access(r, &c, "contact", reason))) {
			mw_resp_err(r, rc, "cannot write the access log; contact data not shown");
			return MW_OK;
		}
	}
	if ((rc = mw_store_events(r->app->store, c.id, false, &r->arena, &ev, &nev)) ||
	    (rc = mw_store_attachments(r->app->store, c.id, &r->arena, &att, &natt))) {
		mw_resp_err(r, rc, "cannot read the complaint");
		return MW_OK;
	}
	ref = mw_app_ref_get(r->app);
	mw_buf_printf(&b, "{\"id\":%lld,\"version\":%lld,", (long long)c.id, (long long)c.version);
	mw_api_complaint_json(r, &b, &c, ref);
	mw_buf_json_kv(&b, "assignee", c.assignee);
	mw_buf_json_kv(&b, "filed_by", c.filed_by);
	mw_buf_printf(&b, ",\"merged_into\":%lld,\"overdue\":%s", (long long)c.merged_into,
		      mw_status_is_open(c.status) && c.due_at && c.due_at < mw_now() ? "true"
											: "false");
	ai_json(&b, &c, ref);
	mw_app_ref_put(r->app, ref);
	/* A department asked only for cooperation sees no contact data. */
	if (own_department(r->auth, &c) || r->auth->role == MW_ROLE_DESK)
		contact_json(r, &b, &c, &sec, want_reveal);
	else
		mw_buf_puts(&b, ",\"contact\":null");
	mw_api_events_json(&b, ev, nev, true);
	mw_buf_puts(&b, ",\"attachments\":[");
	for (size_t i = 0; i < natt; i++) {
		mw_buf_printf(&b, "%s{\"id\":%lld,\"mime\":\"%s\",\"size\":%lld,\"url\":\"/api/v1/staff/complaints/%lld/attachments/%lld\"",
			      i ? "," : "", (long long)att[i].id, att[i].mime, (long long)att[i].size,
			      (long long)c.id, (long long)att[i].id);
		if (att[i].has_gps)
			mw_buf_printf(&b, ",\"gps\":{\"lat\":%.6f,\"lon\":%.6f}", att[i].lat, att[i].lon);
		mw_buf_putc(&b, '}');
	}
	mw_buf_puts(&b, "],\"cooperations\":[");
	for (size_t i = 0; i < nco; i++) {
		mw_buf_printf(&b, "%s{\"id\":%lld,\"department\":", i ? "," : "", (long long)co[i].id);
		mw_buf_json_str(&b, co[i].department);
		mw_buf_json_kv(&b, "request", co[i].request);
		mw_api_json_time(&b, "requested_at", co[i].requested_at, true);
		mw_api_json_time(&b, "due_at", co[i].due_at, true);
		mw_api_json_time(&b, "replied_at", co[i].replied_at, true);
		mw_buf_json_kv(&b, "reply", co[i].reply);
		mw_buf_putc(&b, '}');
	}
	mw_buf_puts(&b, "],\"allowed_actions\":");
	mw_action_names_json(&b, mw_lifecycle_allowed_on(&c, MW_ACTOR_STAFF));
	mw_buf_putc(&b, '}');
	snprintf(etag, sizeof(etag), "\"%lld\"", (long long)c.version);
	mw_resp_header(r, "ETag", etag);
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

static int parse_if_match(mw_req *r, int64_t *out)
{
	const char *v = mw_req_header(r, "If-Match");
	char digits[24];
	size_t n = 0;

	*out = 0;
	if (!v || !strcmp(v, "*"))
		return MW_OK;
	if (!strncmp(v, "W/", 2))
		v += 2;
	for (; *v && n < sizeof(digits) - 1; v++)
		if (*v != '"')
			digits[n++] = *v;
	digits[n] = '\0';
	if (mw_parse_i64(digits, 1, INT64_MAX, out)) {
		mw_resp_error(r, 400, "invalid", "If-Match must be the complaint's version, e.g. \"3\"");
		return MW_ERR_INVALID;
	}
	return MW_OK;
}

/* Reads the action's fields from the body into aw->act, checking the
 * reference data they name (department, category) exists. */
static int read_action(mw_req *r, json_t *body, mw_action_work *aw, mw_refdata *ref)
{
	mw_action_req *act = &aw->act;
	const char *type, *period, *into, *expected;
	int64_t into_id = 0;
	bool present;

	if (mw_api_opt_string(r, body, "type", &type))
		return MW_ERR_INVALID;
	if (!type || mw_action_parse(type, &act->type)) {
		mw_resp_error(r, 400, "invalid", "type must be one of the lifecycle actions (assign, "
			      "start, request_info, resume, transfer, cooperate, cooperation_reply, "
			      "extend, interim_notice, delay_notice, answer, close, merge, reopen, "
			      "note, recategorize, callback_done)");
		return MW_ERR_INVALID;
	}
	/* The note of a call is a short one; every other text may be long. */
	if (mw_api_text_field(r, body, "text",
			      act->type == MW_ACT_CALLBACK_DONE ? MW_CALL_NOTE_MAX : MW_ANSWER_MAX,
			      false, true, &act->text) ||
	    mw_api_text_field(r, body, "department", 64, false, false, &act->department) ||
	    mw_api_text_field(r, body, "agency", 200, false, false, &act->agency) ||
	    mw_api_text_field(r, body, "category", 64, false, false, &act->category) ||
	    mw_api_text_field(r, body, "assignee", 64, false, false, &act->assignee) ||
	    mw_api_opt_string(r, body, "period", &period) ||
	    mw_api_opt_string(r, body, "expected_at", &expected) ||
	    mw_api_opt_bool(r, body, "citizen_consent", &act->citizen_consent, NULL))
		return MW_ERR_INVALID;
	/* A day (the date field of the console) means its end, as due days. */
	if (expected) {
		int y, m, d;

		if (!mw_date_parse(expected, &y, &m, &d))
			act->expected_at = mw_time_from_kst(y, m, d, 23, 59, 59);
		else if (mw_time_parse_iso8601(expected, &act->expected_at)) {
			mw_resp_error(r, 400, "invalid",
				      "expected_at must be a date (YYYY-MM-DD) or an ISO 8601 time");
			return MW_ERR_INVALID;
		}
	}
	/* "into" names the surviving complaint by receipt number or id. */
	into = json_is_string(json_object_get(body, "into"))
		       ? json_string_value(json_object_get(body, "into")) : NULL;
	if (!into && mw_api_opt_int(r, body, "into", &into_id, &present))
		return MW_ERR_INVALID;
	if (period && mw_period_parse(period, &act->period)) {
		mw_resp_error(r, 400, "invalid", "period must look like \"7d\" or \"16h\"");
		return MW_ERR_INVALID;
	}
	if (act->department && !mw_ref_department_active(ref, act->department)) {
		mw_resp_error(r, 400, "invalid", "unknown department %.64s", act->department);
		return MW_ERR_INVALID;
	}
	if (act->category) {
		const mw_category *cat = mw_ref_category_active(ref, act->category);

		if (!cat) {
			mw_resp_error(r, 400, "invalid", "unknown category %.64s", act->category);
			return MW_ERR_INVALID;
		}
		if (act->type == MW_ACT_RECATEGORIZE) {
			if (!act->department)
				act->department = cat->department;
			if (!period)
				act->period = cat->period;
		}
	}
	if (act->type == MW_ACT_MERGE) {
		if (into) {
			mw_complaint t;

			if (mw_store_complaint_by_receipt(r->app->store, into, &r->arena, &t, NULL)) {
				mw_resp_error(r, 400, "invalid", "no complaint %.20s to merge into", into);
				return MW_ERR_INVALID;
			}
			into_id = t.id;
		}
		act->merge_into = into_id;
	}
	act->actor_kind = MW_ACTOR_STAFF;
	act->actor = r->auth->login;
	return MW_OK;
}

int api_staff_action(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	mw_action_work *aw;
	mw_complaint c;
	mw_coop_row *co;
	size_t nco;
	mw_refdata *ref = NULL;
	bool coop, own;
	int rc;

	if (!body)
		return MW_OK;
	aw = mw_arena_alloc(&r->arena, sizeof(*aw));
	if (!aw) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (parse_if_match(r, &aw->if_match) || mw_api_load_complaint(r, mw_req_param(r, 0), &c, NULL))
		goto out;
	if ((rc = mw_store_coops(r->app->store, c.id, &r->arena, &co, &nco))) {
		mw_resp_err(r, rc, "cannot read the complaint");
		goto out;
	}
	coop = cooperating(r->auth, co, nco);
	own = own_department(r->auth, &c);
	if ((rc = mw_authz_complaint(r->auth, PERM_ACT, &c, coop, mw_now()))) {
		mw_resp_err(r, rc, "this complaint belongs to another department");
		goto out;
	}
	ref = mw_app_ref_get(r->app);
	rc = read_action(r, body, aw, ref);
	mw_app_ref_put(r->app, ref);
	if (rc)
		goto out;
	if (!own && aw->act.type != MW_ACT_COOP_REPLY && aw->act.type != MW_ACT_NOTE) {
		mw_resp_error(r, 403, "forbidden",
			      "a cooperating department may only reply (cooperation_reply) or add notes");
		goto out;
	}
	if (aw->act.type == MW_ACT_ASSIGN) {
		mw_user u;

		if (!mw_authz_role_has(r->auth->role, PERM_ASSIGN)) {
			mw_resp_error(r, 403, "forbidden", "only a manager assigns complaints");
			goto out;
		}
		if (!aw->act.assignee) {
			mw_resp_error(r, 400, "missing_field", "assign needs an assignee (a staff login)");
			goto out;
		}
		if (mw_store_user_get(r->app->store, aw->act.assignee, &r->arena, &u) || u.disabled ||
		    !u.department || strcmp(u.department, c.department)) {
			mw_resp_error(r, 400, "invalid",
				      "assignee must be an active staff member of department %s",
				      c.department);
			goto out;
		}
	}
	if (aw->act.type == MW_ACT_COOP_REPLY && !r->auth->department) {
		mw_resp_error(r, 400, "invalid", "cooperation replies come from a department");
		goto out;
	}
	aw->id = c.id;
	aw->actor = r->auth->login;
	aw->coop_department = r->auth->department;
	aw->expect_department = c.department;
	mw_action_submit(r, aw);
out:
	json_decref(body);
	return MW_OK;
}

/* GET /api/v1/staff/lookup?phone=[&receipt=][&reason=]: the person's
 * complaints by phone; with receipt, that one complaint only (the desk
 * reprinting a receipt: 404 unless it is this phone's). Logged either way,
 * with the receipt number when one was asked for. */
int api_staff_lookup(mw_req *r)
{
	const char *phone = mw_req_query(r, "phone"), *reason = mw_req_query(r, "reason");
	const char *receipt = mw_req_query(r, "receipt");
	char digits[24], hash[MW_DIGEST_HEX];
	int period;
	int64_t seq;
	size_t n = 0;
	mw_queue_row *rows;
	size_t nrows;
	mw_buf b = MW_BUF_INIT;
	mw_refdata *ref;
	struct access_work aw = { .w = { .run = access_run } };
	int rc;

	if (!phone) {
		mw_resp_error(r, 400, "missing_field", "phone is required");
		return MW_OK;
	}
	for (const char *p = phone; *p && n < sizeof(digits) - 1; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	digits[n] = '\0';
	if (n < 8 || n > 15) {
		mw_resp_error(r, 400, "invalid", "phone is not a phone number");
		return MW_OK;
	}
	if (receipt && (!*receipt || mw_receipt_parse(receipt, &period, &seq))) {
		mw_resp_error(r, 400, "invalid", "receipt is not a receipt number");
		return MW_OK;
	}
	mw_keyed_digest(&r->app->keys, digits, n, hash);
	rc = mw_store_by_phone(r->app->store, hash, 50, &r->arena, &rows, &nrows);
	if (rc) {
		mw_resp_err(r, rc, "cannot search");
		return MW_OK;
	}
	/* Department staff see their own department's complaints only; the
	 * desk sees the person's history to help them at the counter. */
	if (r->auth->role == MW_ROLE_MANAGER || r->auth->role == MW_ROLE_OFFICER) {
		size_t k = 0;

		for (size_t i = 0; i < nrows; i++)
			if (r->auth->department && !strcmp(rows[i].department, r->auth->department))
				rows[k++] = rows[i];
		nrows = k;
	}
	if (receipt) {
		size_t k = 0;

		for (size_t i = 0; i < nrows; i++)
			if (!strcmp(rows[i].receipt_no, receipt))
				rows[k++] = rows[i];
		nrows = k;
	}
	/* A search by phone number touches personal data: it is logged. */
	aw.e = (mw_access_entry){ .at = mw_now(), .login = r->auth->login,
				  .complaint_id = receipt && nrows ? rows[0].id : 0,
				  .receipt_no = receipt ? receipt : "-", .what = "lookup_by_phone",
				  .reason = reason && *reason ? reason : "민원 접수 창구 조회" };
	if ((rc = mw_store_exec(r->app->store, &aw.w))) {
		mw_resp_err(r, rc, "cannot write the access log");
		return MW_OK;
	}
	if (receipt && !nrows) {
		mw_resp_error(r, 404, "not_found", "no complaint of this phone has this receipt number");
		return MW_OK;
	}
	ref = mw_app_ref_get(r->app);
	mw_buf_puts(&b, "{\"items\":[");
	queue_rows_json(&b, rows, nrows, mw_now(), ref);
	mw_buf_puts(&b, "]}");
	mw_app_ref_put(r->app, ref);
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/* Who a complaint of a department can be assigned to: its active managers
 * and officers (the assign action accepts exactly these). Managers ask
 * for their own department; the admin names one. */
int api_staff_assignees(mw_req *r)
{
	const char *dept;
	mw_user *u;
	size_t n, k = 0;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (scope_department(r, mw_req_query(r, "department"), &dept))
		return MW_OK;
	if (!dept) {
		mw_resp_error(r, 400, "missing_field", "department is required");
		return MW_OK;
	}
	if ((rc = mw_store_users(r->app->store, &r->arena, &u, &n))) {
		mw_resp_err(r, rc, "cannot list the staff");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"department\":");
	mw_buf_json_str(&b, dept);
	mw_buf_puts(&b, ",\"items\":[");
	for (size_t i = 0; i < n; i++) {
		if (u[i].disabled || !u[i].department || strcmp(u[i].department, dept) ||
		    (strcmp(u[i].role, "manager") && strcmp(u[i].role, "officer")))
			continue;
		mw_buf_printf(&b, "%s{\"login\":", k++ ? "," : "");
		mw_buf_json_str(&b, u[i].login);
		mw_buf_json_kv(&b, "name", u[i].name && *u[i].name ? u[i].name : NULL);
		mw_buf_json_kv(&b, "role", u[i].role);
		mw_buf_putc(&b, '}');
	}
	mw_buf_puts(&b, "]}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

int api_staff_stats(mw_req *r)
{
	const char *dept;
	int64_t counts[MW_STATUS__COUNT], overdue, open = 0, callbacks = 0;
	mw_time now = mw_now();
	mw_civil today;
	mw_sla sla = { 0 };
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (scope_department(r, mw_req_query(r, "department"), &dept))
		return MW_OK;
	mw_time_to_kst(now, &today);
	rc = mw_store_counts(r->app->store, dept, now, counts, &overdue);
	if (!rc)
		rc = mw_store_sla(r->app->store, dept, now,
				  mw_time_from_kst(today.year, today.month, today.day, 0, 0, 0) + 86400,
				  now - 30 * 86400, &sla);
	if (!rc)
		rc = mw_store_callbacks_pending(r->app->store, dept, &callbacks);
	if (rc) {
		mw_resp_err(r, rc, "cannot count");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"department\":");
	mw_buf_json_str(&b, dept);
	mw_buf_puts(&b, ",\"by_status\":{");
	for (int s = 0; s < MW_STATUS__COUNT; s++) {
		mw_buf_printf(&b, "%s\"%s\":%lld", s ? "," : "", mw_status_name((mw_status)s),
			      (long long)counts[s]);
		if (mw_status_is_open((mw_status)s))
			open += counts[s];
	}
	mw_buf_printf(&b, "},\"open\":%lld,\"overdue\":%lld,\"due_today\":%lld,"
			  "\"callbacks_pending\":%lld,"
			  "\"answered_30d\":%lld,\"on_time_30d\":%lld,\"on_time_rate_30d\":",
		      (long long)open, (long long)overdue, (long long)sla.due_today,
		      (long long)callbacks, (long long)sla.answered, (long long)sla.on_time);
	if (sla.answered)
		mw_buf_printf(&b, "%.3f}", (double)sla.on_time / (double)sla.answered);
	else
		mw_buf_puts(&b, "null}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

int api_access_log(mw_req *r)
{
	const char *v;
	int64_t before = 0, limit = 50;
	mw_access_entry *e;
	size_t n;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if ((v = mw_req_query(r, "before")) && mw_parse_i64(v, 1, INT64_MAX, &before)) {
		mw_resp_error(r, 400, "invalid", "before must be an entry id");
		return MW_OK;
	}
	if ((v = mw_req_query(r, "limit")) && mw_parse_i64(v, 1, 500, &limit)) {
		mw_resp_error(r, 400, "invalid", "limit must be 1 to 500");
		return MW_OK;
	}
	rc = mw_store_access_log(r->app->store, before, (int)limit, &r->arena, &e, &n);
	if (rc) {
		mw_resp_err(r, rc, "cannot read the access log");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		mw_buf_printf(&b, "%s{\"id\":%lld", i ? "," : "", (long long)e[i].id);
		mw_api_json_time(&b, "at", e[i].at, true);
		mw_buf_json_kv(&b, "login", e[i].login);
		mw_buf_printf(&b, ",\"complaint_id\":%lld", (long long)e[i].complaint_id);
		mw_buf_json_kv(&b, "receipt_no", e[i].receipt_no);
		mw_buf_json_kv(&b, "what", e[i].what);
		mw_buf_json_kv(&b, "reason", e[i].reason);
		mw_buf_putc(&b, '}');
	}
	mw_buf_puts(&b, "]}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/*
 * similar.c - duplicate hints. Before filing, a citizen sees open
 * complaints nearby that say the same thing, and can add to one instead
 * of filing again; staff see the likely duplicates of each complaint and
 * merge them (the lifecycle's merge action). A citizen who finds their
 * problem already reported adds to it (공감, with optional extra
 * information) instead of filing a duplicate.
 */
#include "api.h"
#include "routing.h"
#include "../base/mw.h"
#include "../core/text.h"
#include "../store/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define MAX_SIMILAR 5

static int parse_coord(mw_req *r, const char *name, double lo, double hi, double *out)
{
	const char *v = mw_req_query(r, name);
	char *end;

	if (!v || !*v) {
		mw_resp_error(r, 400, "missing_field", "%s is required", name);
		return MW_ERR_INVALID;
	}
	/* A plain decimal only: no NaN, no infinity, no hex, no spaces. */
	*out = (*v == '-' || *v == '.' || (*v >= '0' && *v <= '9')) ? strtod(v, &end) : NAN;
	if ((!isnan(*out) && *end) || !(*out >= lo && *out <= hi)) {
		mw_resp_error(r, 400, "invalid", "%s must be a number from %g to %g", name, lo, hi);
		return MW_ERR_INVALID;
	}
	return MW_OK;
}

/* The public hint names no one: category, state, distance and date, and
 * the title only when its author agreed to the public map. */
int api_complaint_similar(mw_req *r)
{
	const char *raw = mw_req_query(r, "text");
	char *text = NULL;
	double lat, lon;
	mw_similar sim[MAX_SIMILAR];
	size_t n;
	mw_refdata *ref;
	mw_buf b = MW_BUF_INIT;
	const char *why;
	int rc;

	if (parse_coord(r, "lat", -90, 90, &lat) || parse_coord(r, "lon", -180, 180, &lon))
		return MW_OK;
	if (raw && mw_text_normalize(raw, strlen(raw), MW_TEXT_MAX, 0, &text, &why)) {
		mw_resp_error(r, 400, "invalid", "text: %s", why ? why : "not valid text");
		return MW_OK;
	}
	rc = mw_routing_similar(r->app, &r->arena, lat, lon, text, 0, sim, MAX_SIMILAR, &n);
	free(text);
	if (rc) {
		mw_resp_err(r, rc, "cannot search");
		return MW_OK;
	}
	ref = mw_app_ref_get(r->app);
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		const mw_brief *c = sim[i].b;
		const mw_category *cat = mw_ref_category(ref, c->category);

		mw_buf_printf(&b, "%s{\"receipt_no\":", i ? "," : "");
		mw_buf_json_str(&b, c->receipt_no);
		mw_buf_puts(&b, ",\"category\":");
		mw_buf_json_str(&b, c->category);
		mw_buf_puts(&b, ",\"category_name\":");
		mw_buf_json_str(&b, cat ? cat->name_ko : NULL);
		mw_buf_puts(&b, ",\"title\":");
		mw_buf_json_str(&b, c->public_map ? c->title : NULL);
		mw_buf_printf(&b, ",\"status\":\"%s\",\"status_label\":\"%s\","
				  "\"distance_m\":%.0f,\"similarity\":%.2f",
			      mw_status_name(c->status), mw_status_label_ko(c->status),
			      sim[i].distance_m, sim[i].similarity);
		mw_api_json_time(&b, "received_at", c->received_at, true);
		mw_buf_printf(&b, ",\"supporters\":%lld,\"support_url\":\"/api/v1/complaints/%s/support\"}",
			      (long long)c->supporters, c->receipt_no);
	}
	mw_buf_puts(&b, "]}");
	mw_app_ref_put(r->app, ref);
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

int api_staff_similar(mw_req *r)
{
	mw_complaint c;
	mw_similar sim[MAX_SIMILAR];
	size_t n = 0;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (mw_api_load_complaint(r, mw_req_param(r, 0), &c, NULL))
		return MW_OK;
	rc = mw_authz_complaint(r->auth, PERM_READ, &c, false, mw_now());
	if (rc) {
		mw_resp_err(r, rc, "this complaint belongs to another department");
		return MW_OK;
	}
	if (c.has_location &&
	    (rc = mw_routing_similar(r->app, &r->arena, c.lat, c.lon, c.text, c.id, sim,
				     MAX_SIMILAR, &n))) {
		mw_resp_err(r, rc, "cannot search");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		const mw_brief *o = sim[i].b;

		mw_buf_printf(&b, "%s{\"id\":%lld,\"receipt_no\":", i ? "," : "", (long long)o->id);
		mw_buf_json_str(&b, o->receipt_no);
		mw_buf_puts(&b, ",\"title\":");
		mw_buf_json_str(&b, o->title);
		mw_buf_puts(&b, ",\"category\":");
		mw_buf_json_str(&b, o->category);
		mw_buf_printf(&b, ",\"status\":\"%s\",\"distance_m\":%.0f,\"similarity\":%.2f",
			      mw_status_name(o->status), sim[i].distance_m, sim[i].similarity);
		mw_api_json_time(&b, "received_at", o->received_at, true);
		mw_buf_putc(&b, '}');
	}
	mw_buf_printf(&b, "],\"repeat_of\":%lld}", (long long)c.repeat_of);
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/* ---- 공감 / 추가 정보 --------------------------------------------------- */

struct support_work {
	mw_work w;
	mw_req *r;
	int64_t id;
	const char *receipt_no;
	const char *text;             /* extra information, or NULL */
	char supporter[MW_DIGEST_HEX];
	/* results */
	bool added;
	int64_t count;
};

static int support_run(mw_tx *tx, mw_work *w)
{
	struct support_work *sw = (struct support_work *)w;
	mw_arena *a = &sw->r->arena;
	mw_complaint c;
	mw_time now = mw_now();
	int rc;

	/* Read again in the writer: it may have closed since. */
	if ((rc = mw_tx_complaint_get(tx, sw->id, a, &c, NULL)))
		return rc;
	if (!mw_status_is_open(c.status))
		return MW_ERR_CONFLICT;
	if ((rc = mw_tx_support_add(tx, c.id, sw->supporter, now, &sw->added, &sw->count)))
		return rc;
	/* Extra information goes to the staff timeline only: it may name
	 * people, and the complaint's author did not write it. */
	if (sw->text) {
		mw_event ev = { .kind = "support", .text = sw->text, .from = c.status, .to = c.status,
				.at = now, .due_at = c.due_at };

		rc = mw_tx_event_insert(tx, c.id, &ev, "citizen", NULL);
	}
	return rc;
}

static void support_done(mw_work *w)
{
	mw_req_resume(((struct support_work *)w)->r);
}

static void support_answer(mw_req *r)
{
	struct support_work *sw = r->work;
	mw_buf b = MW_BUF_INIT;

	switch (sw->w.rc) {
	case MW_OK:
		break;
	case MW_ERR_CONFLICT:
		mw_resp_error(r, 409, "closed",
			      "this complaint is no longer open; please file a new complaint");
		return;
	default:
		mw_resp_err(r, sw->w.rc == MW_ERR_DB ? MW_ERR_BUSY : sw->w.rc,
			    "the support could not be saved; please retry");
		return;
	}
	mw_buf_puts(&b, "{\"receipt_no\":");
	mw_buf_json_str(&b, sw->receipt_no);
	mw_buf_printf(&b, ",\"added\":%s,\"supporters\":%lld,\"information_added\":%s}",
		      sw->added ? "true" : "false", (long long)sw->count,
		      sw->text ? "true" : "false");
	mw_resp_json(r, sw->added || sw->text ? 201 : 200, &b);
}

/* POST /api/v1/complaints/{receipt}/support {"text"?, "phone"?}: anyone
 * may add to an open complaint. One supporter counts once: by phone when
 * given, otherwise by the browser's address and user agent. */
int api_complaint_support(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	struct support_work *sw;
	mw_complaint c;
	const char *phone = NULL, *ua;
	char digits[24];
	mw_buf key = MW_BUF_INIT;

	if (!body)
		return MW_OK;
	sw = mw_arena_alloc(&r->arena, sizeof(*sw));
	if (!sw) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		goto out;
	}
	*sw = (struct support_work){ .w = { .run = support_run, .done = support_done }, .r = r,
				     .receipt_no = mw_req_param(r, 0) };
	if (mw_api_text_field(r, body, "text", MW_TEXT_MAX, false, true, &sw->text) ||
	    mw_api_text_field(r, body, "phone", MW_PHONE_MAX, false, false, &phone))
		goto out;
	if (phone && !mw_api_phone_digits(phone, digits, sizeof(digits))) {
		mw_resp_error(r, 400, "invalid", "phone is not a phone number");
		goto out;
	}
	if (mw_store_complaint_by_receipt(r->app->store, sw->receipt_no, &r->arena, &c, NULL)) {
		mw_resp_error(r, 404, "not_found", "no complaint has this receipt number");
		goto out;
	}
	sw->id = c.id;
	if (phone) {
		mw_buf_printf(&key, "phone:%s", digits);
	} else {
		ua = mw_req_header(r, "User-Agent");
		mw_buf_printf(&key, "peer:%s|%s", mw_req_peer(r), ua ? ua : "");
	}
	if (!key.ptr) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		goto out;
	}
	mw_keyed_digest(&r->app->keys, key.ptr, key.len, sw->supporter);
	mw_buf_release(&key);
	r->work = sw;
	r->on_resume = support_answer;
	mw_req_suspend(r);
	if (mw_store_submit(r->app->store, &sw->w)) {
		sw->w.rc = MW_ERR_BUSY;
		mw_req_resume(r);
	}
out:
	json_decref(body);
	return MW_OK;
}

/*
 * similar.c - duplicate hints. Before filing, a citizen sees open
 * complaints nearby that say the same thing, and can add to one instead
 * of filing again; staff see the likely duplicates of each complaint and
 * merge them (the lifecycle's merge action).
 */
#include "api.h"
#include "routing.h"
#include "../base/mw.h"
#include "../core/text.h"

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
		mw_buf_putc(&b, '}');
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

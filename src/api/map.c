/*
 * map.c - the public map (GET /api/v1/map): complaints whose authors
 * agreed to show them (public_map), as GeoJSON for the /map page and for
 * anyone who wants the data. No personal data: no contact, no text, no
 * token; the position is rounded to about 10 m.
 */
#include "api.h"
#include "../base/mw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define MAP_DEFAULT_LIMIT 500
#define MAP_MAX_LIMIT 2000

/* "west,south,east,north" in degrees, as Leaflet's toBBoxString(). */
static int parse_bbox(const char *v, mw_map_filter *f)
{
	double x[4];
	char *end;

	for (int i = 0; i < 4; i++) {
		if (!(*v == '-' || *v == '.' || (*v >= '0' && *v <= '9')))
			return MW_ERR_INVALID;
		x[i] = strtod(v, &end);
		if (end == v || !isfinite(x[i]) || (i < 3 && *end != ',') || (i == 3 && *end))
			return MW_ERR_INVALID;
		v = end + 1;
	}
	if (x[0] < -180 || x[2] > 180 || x[1] < -90 || x[3] > 90 || x[0] > x[2] || x[1] > x[3])
		return MW_ERR_INVALID;
	f->west = x[0];
	f->south = x[1];
	f->east = x[2];
	f->north = x[3];
	return MW_OK;
}

int api_public_map(mw_req *r)
{
	mw_map_filter f = { .south = -90, .north = 90, .west = -180, .east = 180,
			    .limit = MAP_DEFAULT_LIMIT };
	const char *v;
	mw_brief *rows;
	size_t n;
	mw_refdata *ref;
	mw_buf b = MW_BUF_INIT;
	int64_t lim;
	int rc;

	if ((v = mw_req_query(r, "bbox")) && *v && parse_bbox(v, &f)) {
		mw_resp_error(r, 400, "invalid",
			      "bbox must be west,south,east,north in degrees, west <= east, south <= north");
		return MW_OK;
	}
	if ((v = mw_req_query(r, "state")) && *v) {
		if (!strcmp(v, "open"))
			f.state = 1;
		else if (!strcmp(v, "done"))
			f.state = 2;
		else if (strcmp(v, "all")) {
			mw_resp_error(r, 400, "invalid", "state must be open, done or all");
			return MW_OK;
		}
	}
	if ((v = mw_req_query(r, "limit")) && *v) {
		if (mw_parse_i64(v, 1, MAP_MAX_LIMIT, &lim)) {
			mw_resp_error(r, 400, "invalid", "limit must be an integer from 1 to %d",
				      MAP_MAX_LIMIT);
			return MW_OK;
		}
		f.limit = (int)lim;
	}
	ref = mw_app_ref_get(r->app);
	if ((v = mw_req_query(r, "category")) && *v) {
		if (!mw_ref_category(ref, v)) {
			mw_app_ref_put(r->app, ref);
			mw_resp_error(r, 400, "invalid", "unknown category");
			return MW_OK;
		}
		f.category = v;
	}
	/* One more than asked tells whether there is more. */
	f.limit++;
	rc = mw_store_public_map(r->app->store, &f, &r->arena, &rows, &n);
	if (rc) {
		mw_app_ref_put(r->app, ref);
		mw_resp_err(r, rc, "cannot read the map");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (size_t i = 0; i < n && i < (size_t)f.limit - 1; i++) {
		const mw_brief *c = &rows[i];
		const mw_category *cat = mw_ref_category(ref, c->category);

		mw_buf_printf(&b, "%s{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
				  "\"coordinates\":[%.4f,%.4f]},\"properties\":{\"receipt_no\":",
			      i ? "," : "", c->lon, c->lat);
		mw_buf_json_str(&b, c->receipt_no);
		mw_buf_puts(&b, ",\"title\":");
		mw_buf_json_str(&b, c->title);
		mw_buf_puts(&b, ",\"category\":");
		mw_buf_json_str(&b, c->category);
		mw_buf_puts(&b, ",\"category_name\":");
		mw_buf_json_str(&b, cat ? cat->name_ko : NULL);
		mw_buf_printf(&b, ",\"status\":\"%s\",\"status_label\":\"%s\",\"supporters\":%lld",
			      mw_status_name(c->status), mw_status_label_ko(c->status),
			      (long long)c->supporters);
		mw_api_json_time(&b, "received_at", c->received_at, true);
		mw_buf_puts(&b, "}}");
	}
	mw_buf_printf(&b, "],\"truncated\":%s}", n >= (size_t)f.limit ? "true" : "false");
	mw_app_ref_put(r->app, ref);
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

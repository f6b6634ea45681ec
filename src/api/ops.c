/*
 * ops.c - operations endpoints: /healthz, /metrics (Prometheus text
 * format) and the public category list the filing forms use.
 */
#include "api.h"
#include "routes.h"
#include "../base/mw.h"
#include "../notify/notify.h"

#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

int api_healthz(mw_req *r)
{
	mw_buf b = MW_BUF_INIT;
	int v = mw_store_schema_version(r->app->store);

	if (v < 0) {
		mw_resp_error(r, 503, "unhealthy", "the database cannot be read");
		return MW_OK;
	}
	mw_buf_printf(&b, "{\"status\":\"ok\",\"schema_version\":%d,\"backend\":\"%s\"", v,
		      mw_store_backend(r->app->store));
	/* A test clock, or messages that are only recorded, must never go
	 * unnoticed. */
	if (mw_clock_is_test()) {
		mw_buf_puts(&b, ",\"clock\":\"test\"");
		mw_api_json_time(&b, "now", mw_now(), true);
	}
	if (r->app->notify && mw_notify_config_of(r->app->notify)->training)
		mw_buf_puts(&b, ",\"notify\":\"training\"");
	mw_buf_putc(&b, '}');
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

int api_metrics(mw_req *r)
{
	mw_buf b = MW_BUF_INIT;
	size_t nroutes = mw_routes_count();
	int64_t counts[MW_STATUS__COUNT], overdue = 0;
	mw_store_stats st;
	static const int batch_bounds[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512 };

	mw_buf_puts(&b, "# HELP minwon_http_requests_total HTTP requests by route and status.\n"
			"# TYPE minwon_http_requests_total counter\n");
	for (size_t i = 0; i <= nroutes; i++) {
		const char *name = i < nroutes ? mw_route_at(i)->name : "unmatched";

		for (int s = 0; s < MW_STATUS_SLOTS; s++) {
			uint64_t v = atomic_load(&r->app->route_stats[i].by_status[s]);
			int code = mw_api_slot_status(s);

			if (!v)
				continue;
			if (code)
				mw_buf_printf(&b, "minwon_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
					      name, code, (unsigned long long)v);
			else
				mw_buf_printf(&b, "minwon_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
					      name, (unsigned long long)v);
		}
	}
	mw_buf_puts(&b, "# HELP minwon_http_request_duration_seconds Time from request to response.\n"
			"# TYPE minwon_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= nroutes; i++) {
		const char *name = i < nroutes ? mw_route_at(i)->name : "unmatched";
		const mw_route_stats *rs = &r->app->route_stats[i];
		uint64_t cum = 0;

		for (int k = 0; k < MW_LAT_BUCKETS; k++)
			cum += atomic_load(&rs->latency[k]);
		if (!cum)
			continue;
		cum = 0;
		for (int k = 0; k < MW_LAT_BUCKETS; k++) {
			cum += atomic_load(&rs->latency[k]);
			if (k == MW_LAT_BUCKETS - 1)
				mw_buf_printf(&b, "minwon_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
					      name, (unsigned long long)cum);
			else
				mw_buf_printf(&b, "minwon_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
					      name, (double)mw_api_latency_bounds[k] / 1e6,
					      (unsigned long long)cum);
		}
		mw_buf_printf(&b, "minwon_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name,
			      (double)atomic_load(&rs->latency_sum_us) / 1e6);
		mw_buf_printf(&b, "minwon_http_request_duration_seconds_count{route=\"%s\"} %llu\n", name,
			      (unsigned long long)cum);
	}
	if (mw_store_counts(r->app->store, NULL, mw_now(), counts, &overdue) == MW_OK) {
		mw_buf_puts(&b, "# HELP minwon_complaints Complaints by status.\n"
				"# TYPE minwon_complaints gauge\n");
		for (int s = 0; s < MW_STATUS__COUNT; s++)
			mw_buf_printf(&b, "minwon_complaints{status=\"%s\"} %lld\n",
				      mw_status_name((mw_status)s), (long long)counts[s]);
		mw_buf_printf(&b, "# HELP minwon_complaints_overdue Open complaints past their due time.\n"
				  "# TYPE minwon_complaints_overdue gauge\nminwon_complaints_overdue %lld\n",
			      (long long)overdue);
	}
	mw_store_stats_get(r->app->store, &st);
	mw_buf_puts(&b, "# HELP minwon_commit_batch_size Units of work per durable commit.\n"
			"# TYPE minwon_commit_batch_size histogram\n");
	{
		uint64_t cum = 0;

		for (int k = 0; k < 11; k++) {
			cum += st.batch_hist[k];
			if (k < 10)
				mw_buf_printf(&b, "minwon_commit_batch_size_bucket{le=\"%d\"} %llu\n",
					      batch_bounds[k], (unsigned long long)cum);
			else
				mw_buf_printf(&b, "minwon_commit_batch_size_bucket{le=\"+Inf\"} %llu\n",
					      (unsigned long long)cum);
		}
		mw_buf_printf(&b, "minwon_commit_batch_size_sum %llu\nminwon_commit_batch_size_count %llu\n",
			      (unsigned long long)st.units, (unsigned long long)st.commits);
	}
	mw_notify_metrics(r->app->notify, &b);
	mw_buf_printf(&b, "# HELP minwon_writer_queue_depth Units waiting for the writer.\n"
			  "# TYPE minwon_writer_queue_depth gauge\nminwon_writer_queue_depth %llu\n"
			  "# HELP minwon_http_in_flight Requests being handled.\n"
			  "# TYPE minwon_http_in_flight gauge\nminwon_http_in_flight %llu\n",
		      (unsigned long long)st.queue_depth,
		      (unsigned long long)atomic_load(&r->app->in_flight));
	{
		size_t len;
		char *p = mw_buf_detach(&b, &len);

		mw_resp_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", p, len);
	}
	return MW_OK;
}

/* The categories with their department and period: for citizens the
 * ones they may choose (not triage, not retired); for the administrator
 * every one, with its version and whether it is retired or the triage
 * category. */
static void categories_answer(mw_req *r, bool admin)
{
	mw_refdata *ref = mw_app_ref_get(r->app);
	mw_buf b = MW_BUF_INIT;
	bool first = true;

	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < ref->ncategories; i++) {
		const mw_category *c = &ref->categories[i];
		const mw_department *d = mw_ref_department(ref, c->department);
		bool triage = !strcmp(c->code, MW_TRIAGE_CATEGORY);
		char p[16];

		if (!admin && (triage || c->retired))
			continue;
		mw_period_format(c->period, p);
		mw_buf_printf(&b, "%s{\"code\":", first ? "" : ",");
		mw_buf_json_str(&b, c->code);
		mw_buf_puts(&b, ",\"name\":");
		mw_buf_json_str(&b, c->name_ko);
		mw_buf_puts(&b, ",\"department\":");
		mw_buf_json_str(&b, c->department);
		mw_buf_puts(&b, ",\"department_name\":");
		mw_buf_json_str(&b, d ? d->name_ko : NULL);
		mw_buf_printf(&b, ",\"period\":\"%s\"", p);
		if (admin)
			mw_buf_printf(&b, ",\"version\":%lld,\"retired\":%s,\"triage\":%s",
				      (long long)c->version, c->retired ? "true" : "false",
				      triage ? "true" : "false");
		mw_buf_putc(&b, '}');
		first = false;
	}
	mw_buf_puts(&b, "]}");
	mw_app_ref_put(r->app, ref);
	mw_resp_json(r, 200, &b);
}

int api_categories(mw_req *r)
{
	categories_answer(r, false);
	return MW_OK;
}

/* GET /api/v1/admin/categories (the admin's list; saved in admin.c). */
int api_admin_categories(mw_req *r)
{
	categories_answer(r, true);
	return MW_OK;
}

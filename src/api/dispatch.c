/*
 * dispatch.c - from a matched route to a handler: authentication (session
 * cookie), CSRF for state-changing staff requests, the route's permission,
 * then the handler. Also the JSON helpers every handler shares.
 */
#include "api.h"
#include "routes.h"
#include "session.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../core/text.h"
#include "../web/web.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

const int64_t mw_api_latency_bounds[MW_LAT_BUCKETS] = {
	250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, INT64_MAX,
};

static const int status_slots[MW_STATUS_SLOTS] = {
	200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503, 0, 0,
};

int mw_api_status_slot(int status)
{
	for (int i = 0; i < MW_STATUS_SLOTS && status_slots[i]; i++)
		if (status_slots[i] == status)
			return i;
	return MW_STATUS_SLOTS - 1; /* "other" */
}

int mw_api_slot_status(int slot)
{
	return slot >= 0 && slot < MW_STATUS_SLOTS ? status_slots[slot] : 0;
}

/* Paths people open in a browser; the rest (/api/, /healthz, /metrics)
 * belongs to programs and gets JSON errors. */
static bool is_page_path(const char *path)
{
	return strncmp(path, "/api/", 5) && strcmp(path, "/healthz") && strcmp(path, "/metrics");
}

long mw_api_begin(mw_req *r)
{
	bool wrong_method;
	int idx = mw_route_match(r, r->method, r->path, &wrong_method);

	if (idx < 0) {
		/* Outside the API a person is reading: answer with a page. */
		if (is_page_path(r->path) && r->app->web) {
			mw_web_error_page(r, wrong_method ? 405 : 404);
			if (wrong_method)
				mw_resp_header(r, "Allow", mw_route_methods(r, r->path));
			return -1;
		}
		if (wrong_method) {
			mw_resp_header(r, "Allow", mw_route_methods(r, r->path));
			mw_resp_error(r, 405, "method_not_allowed", "%s is not allowed on this path",
				      r->method);
		} else {
			mw_resp_error(r, 404, "not_found", "no such endpoint");
		}
		return -1;
	}
	r->route_index = idx;
	r->route = mw_route_at((size_t)idx);
	return (long)r->route->max_body;
}

void mw_api_too_large(mw_req *r, long long n, long limit)
{
	if (r->route && (r->route->flags & MW_ROUTE_PAGE))
		mw_web_error_page(r, 413);
	else
		mw_resp_error(r, 413, "too_large",
			      "request body of %lld bytes exceeds the limit of %ld bytes", n, limit);
}

static void handle(mw_req *r);

static bool state_changing(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

void mw_api_handle(mw_req *r)
{
	/* A GET reads only, synchronously: all its reads (session, user,
	 * the resource) share one snapshot and one read transaction. */
	bool snapshot;

	mw_app_ref_follow(r->app);
	snapshot = !strcmp(r->method, "GET") && !mw_store_read_begin(r->app->store);
	handle(r);
	if (snapshot)
		mw_store_read_end(r->app->store);
}

/* A refusal before the handler: JSON for the API, a page for a page. */
static void refuse(mw_req *r, int status, const char *code, const char *msg)
{
	if (r->route->flags & MW_ROUTE_PAGE)
		mw_web_error_page(r, status);
	else
		mw_resp_error(r, status, code, "%s", msg);
}

static void handle(mw_req *r)
{
	int rc;

	rc = mw_session_resolve(r);
	if (rc) {
		refuse(r, mw_err_http(rc), mw_err_code(rc),
		       rc == MW_ERR_UNAUTHORIZED ? "the session has expired; sign in again"
						 : "cannot read the session");
		return;
	}
	/* A browser sends the session cookie on its own; a state-changing
	 * request must also prove it came from our pages (CSRF). A page
	 * checks the token of its form itself (src/web). */
	if (r->auth && state_changing(r->method) && r->route->handler != api_session_login &&
	    !(r->route->flags & MW_ROUTE_PAGE)) {
		const char *t = mw_req_header(r, "X-CSRF-Token");

		if (!t || !mw_ct_streq(t, r->auth->csrf)) {
			mw_resp_error(r, 403, "csrf", "missing or wrong X-CSRF-Token header");
			return;
		}
	}
	rc = mw_authz_route(r->auth, r->route->perm);
	if (rc) {
		refuse(r, mw_err_http(rc), mw_err_code(rc),
		       rc == MW_ERR_UNAUTHORIZED ? "sign in first" : "your role may not use this endpoint");
		return;
	}
	r->route->handler(r);
	if (!r->status && !r->suspended)
		mw_resp_error(r, 500, "internal", "the handler gave no answer");
}

void mw_api_complete(mw_req *r, int64_t us, bool completed)
{
	mw_route_stats *st = &r->app->route_stats[r->route_index >= 0 ? (size_t)r->route_index
									 : mw_routes_count()];
	int b;

	atomic_fetch_add(&st->by_status[mw_api_status_slot(r->status ? r->status : 500)], 1);
	for (b = 0; b < MW_LAT_BUCKETS - 1 && us > mw_api_latency_bounds[b]; b++)
		;
	atomic_fetch_add(&st->latency[b], 1);
	atomic_fetch_add(&st->latency_sum_us, (uint64_t)us);
	if (!completed || r->status >= 500)
		mw_log_warn("http", "event=request method=%s route=%s status=%d us=%lld completed=%d",
			    r->method, r->route ? r->route->name : "-", r->status, (long long)us,
			    completed);
}

json_t *mw_api_json_body(mw_req *r)
{
	const char *ct = mw_req_header(r, "Content-Type");
	json_error_t err;
	json_t *root;

	if (ct && strncmp(ct, "application/json", 16)) {
		mw_resp_error(r, 415, "unsupported_media_type",
			      "send the body as application/json");
		return NULL;
	}
	if (!r->body.len) {
		mw_resp_error(r, 400, "invalid", "the request body is empty; send a JSON object");
		return NULL;
	}
	/* jansson rejects invalid UTF-8 and NUL bytes in strings. */
	root = json_loadb(r->body.ptr, r->body.len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		mw_resp_error(r, 400, "malformed_json", "malformed JSON at line %d column %d: %s",
			      err.line, err.column, err.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		mw_resp_error(r, 400, "invalid", "the body must be a JSON object");
		return NULL;
	}
	return root;
}

static int wrong_type(mw_req *r, const char *key, const char *want)
{
	mw_resp_error(r, 400, "wrong_type", "field %s must be %s", key, want);
	return MW_ERR_INVALID;
}

int mw_api_opt_string(mw_req *r, json_t *obj, const char *key, const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return MW_OK;
	if (!json_is_string(v))
		return wrong_type(r, key, "a string");
	*out = json_string_value(v);
	return MW_OK;
}

int mw_api_cursor(mw_req *r, long long *a, long long *b, bool *present)
{
	const char *v = mw_req_query(r, "cursor");
	long long x, y;
	int used = 0;

	if (present)
		*present = false;
	if (!v || !*v)
		return MW_OK;
	if (sscanf(v, "%lld.%lld%n", &x, &y, &used) != 2 || v[used] || x < 0 || y < 0) {
		mw_resp_error(r, 400, "invalid", "cursor is not one this server gave out");
		return MW_ERR_INVALID;
	}
	*a = x;
	*b = y;
	if (present)
		*present = true;
	return MW_OK;
}

int mw_api_opt_bool(mw_req *r, json_t *obj, const char *key, bool *out, bool *present)
{
	json_t *v = json_object_get(obj, key);

	if (present)
		*present = false;
	if (!v || json_is_null(v))
		return MW_OK;
	if (!json_is_boolean(v))
		return wrong_type(r, key, "true or false");
	*out = json_is_true(v);
	if (present)
		*present = true;
	return MW_OK;
}

int mw_api_opt_number(mw_req *r, json_t *obj, const char *key, double *out, bool *present)
{
	json_t *v = json_object_get(obj, key);

	*present = false;
	if (!v || json_is_null(v))
		return MW_OK;
	if (!json_is_number(v))
		return wrong_type(r, key, "a number");
	*out = json_number_value(v);
	if (!isfinite(*out))
		return wrong_type(r, key, "a finite number");
	*present = true;
	return MW_OK;
}

int mw_api_opt_int(mw_req *r, json_t *obj, const char *key, int64_t *out, bool *present)
{
	json_t *v = json_object_get(obj, key);

	*present = false;
	if (!v || json_is_null(v))
		return MW_OK;
	if (!json_is_integer(v))
		return wrong_type(r, key, "an integer");
	*out = json_integer_value(v);
	*present = true;
	return MW_OK;
}

int mw_api_text_field(mw_req *r, json_t *obj, const char *key, size_t max, bool required,
		      bool multiline, const char **out)
{
	json_t *v = json_object_get(obj, key);
	const char *why;
	char *norm;
	int rc;

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required) {
			mw_resp_error(r, 400, "missing_field", "field %s is required", key);
			return MW_ERR_INVALID;
		}
		return MW_OK;
	}
	if (!json_is_string(v))
		return wrong_type(r, key, "a string");
	rc = mw_text_normalize(json_string_value(v), json_string_length(v), max, multiline, &norm,
			       &why);
	if (rc == MW_ERR_TOO_LARGE) {
		mw_resp_error(r, 413, "too_large", "field %s is longer than %zu bytes", key, max);
		return rc;
	}
	if (rc) {
		mw_resp_error(r, 400, "invalid", "field %s: %s", key, why ? why : mw_err_str(rc));
		return rc;
	}
	if (!*norm) {
		free(norm);
		if (required) {
			mw_resp_error(r, 400, "missing_field", "field %s must not be empty", key);
			return MW_ERR_INVALID;
		}
		return MW_OK;
	}
	*out = mw_arena_strdup(&r->arena, norm);
	free(norm);
	return *out ? MW_OK : MW_ERR_NOMEM;
}

int mw_api_json_time(mw_buf *b, const char *key, mw_time t, bool comma)
{
	char ts[32];

	if (comma)
		mw_buf_putc(b, ',');
	mw_buf_json_str(b, key);
	mw_buf_putc(b, ':');
	if (!t)
		return mw_buf_puts(b, "null");
	mw_time_format_kst(t, ts);
	return mw_buf_json_str(b, ts);
}

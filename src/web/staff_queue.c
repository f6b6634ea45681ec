/*
 * staff_queue.c - the work queue (/staff) and the manager's view of the
 * department (/staff/dashboard).
 *
 * The queue is GET /api/v1/queue run in-process: its order (by due time,
 * the open urgent ones pinned above on the first page) and its keyset
 * paging are the API's. The page's filter form uses the API's own
 * parameter names where they exist (department, status, urgent, cursor)
 * and turns its others into API parameters: due=overdue|today|soon
 * (overdue, due_before), triage=1 (category=triage, 분류대기) and
 * callback=1 (callback=pending: 전화 요청, no call on record yet).
 */
#include "staff_int.h"
#include "../base/mw.h"
#include "../base/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* "Due soon": due within this many seconds from now. */
#define DUE_SOON_SECONDS (3 * 86400)

static const char *const states[] = { "received", "assigned",	"in_progress", "needs_info",
				      "answered", "closed",	"withdrawn",   "merged",
				      "reopened", "transferred" };
static const char *const due_words[] = { "overdue", "today", "soon" };

static const char *query_word(mw_page *pg, const char *name, const char *const *words, size_t n)
{
	const char *v = mw_req_query(pg->r, name);

	for (size_t i = 0; v && i < n; i++)
		if (!strcmp(v, words[i]))
			return words[i];
	return NULL;
}

static bool query_on(mw_page *pg, const char *name)
{
	const char *v = mw_req_query(pg->r, name);

	return v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true"));
}

static const char *iso(mw_page *pg, mw_time t)
{
	char ts[32];

	mw_time_format_kst(t, ts);
	return mw_arena_strdup(&pg->r->arena, ts);
}

/* The filters as the page shows them again, and as the API reads them. */
static void queue_filters(mw_page *pg)
{
	mw_req *r = pg->r;
	const char *status = mw_req_query(r, "status"), *dept = mw_req_query(r, "department");
	const char *due = query_word(pg, "due", due_words, MW_ARRAY_LEN(due_words));
	bool urgent = query_on(pg, "urgent"), triage = query_on(pg, "triage");
	bool callback = query_on(pg, "callback");
	json_t *opts = json_array(), *dues = json_array();
	mw_time now = mw_now();
	mw_civil c;

	if (!status || !*status)
		status = "open";
	json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", "open", "label",
					      mw_page_msg(pg, "queue.status_open"), "selected",
					      !strcmp(status, "open")));
	json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", "any", "label",
					      mw_page_msg(pg, "queue.status_any"), "selected",
					      !strcmp(status, "any")));
	for (size_t i = 0; i < MW_ARRAY_LEN(states); i++)
		json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", states[i], "label",
						      mw_page_msg2(pg, "status.", states[i]),
						      "selected", !strcmp(status, states[i])));
	json_array_append_new(dues, json_pack("{s:s, s:s, s:b}", "value", "", "label",
					      mw_page_msg(pg, "queue.due_any"), "selected", !due));
	for (size_t i = 0; i < MW_ARRAY_LEN(due_words); i++)
		json_array_append_new(dues, json_pack("{s:s, s:s, s:b}", "value", due_words[i],
						      "label", mw_page_msg2(pg, "queue.due_", due_words[i]),
						      "selected", due && !strcmp(due, due_words[i])));
	json_object_set_new(pg->view, "status_options", opts);
	json_object_set_new(pg->view, "due_options", dues);
	json_object_set_new(pg->view, "filter",
			    json_pack("{s:s, s:s?, s:b, s:b, s:b, s:s?}", "status", status, "department",
				      dept && *dept ? dept : NULL, "urgent", urgent, "triage", triage,
				      "callback", callback, "due", due));

	/* What the API reads instead of the page's own words. */
	mw_req_set_query(r, "category", triage ? "triage" : NULL);
	mw_req_set_query(r, "overdue", NULL);
	mw_req_set_query(r, "due_before", NULL);
	if (due && !strcmp(due, "overdue")) {
		mw_req_set_query(r, "overdue", "true");
	} else if (due) {
		mw_time until;

		mw_time_to_kst(now, &c);
		until = !strcmp(due, "today") ? mw_time_from_kst(c.year, c.month, c.day, 0, 0, 0) + 86400
					      : now + DUE_SOON_SECONDS;
		/* Not yet overdue, and due before then. */
		mw_req_set_query(r, "overdue", "false");
		mw_req_set_query(r, "due_before", iso(pg, until));
	}
	mw_req_set_query(r, "urgent", urgent ? "true" : NULL);
	mw_req_set_query(r, "callback", callback ? "pending" : NULL);
	mw_req_set_query(r, "status", status);
}

/* Adds what a row shows beyond the API's fields. */
static void queue_row(mw_page *pg, json_t *it)
{
	const char *receipt = staff_str(it, "receipt_no");

	json_object_set_new(it, "status_text", json_string(mw_page_msg2(pg, "status.",
									   staff_str(it, "status"))));
	json_object_set_new(it, "category_text",
			    json_string(staff_category_name(pg, staff_str(it, "category"),
							    staff_str(it, "category_name"))));
	json_object_set_new(it, "department_text",
			    json_string(staff_department_name(pg, staff_str(it, "department"),
							      staff_str(it, "department_name"))));
	staff_add_date(pg, it, "due_at", true);
	json_object_set_new(it, "callback_pending",
			    json_boolean(staff_str(it, "callback") && !strcmp(staff_str(it, "callback"), "pending")));
	/* Field staff see what they filed today but open no complaint. */
	if (receipt && mw_authz_role_has(pg->r->auth->role, PERM_READ))
		json_object_set_new(it, "url", json_string(mw_arena_printf(&pg->r->arena,
									  "/staff/c/%s", receipt)));
}

/* The link to the next page: the filters as they are, plus the cursor. */
static const char *next_url(mw_page *pg, const char *cursor)
{
	static const char *const keep[] = { "department", "status", "due", "urgent", "triage",
					    "callback" };
	json_t *f = json_object_get(pg->view, "filter");
	mw_buf b = MW_BUF_INIT;
	char *s;
	const char *out;

	mw_buf_puts(&b, "/staff?");
	for (size_t i = 0; i < MW_ARRAY_LEN(keep); i++) {
		json_t *v = json_object_get(f, keep[i]);

		if (json_is_true(v))
			mw_buf_printf(&b, "%s=1&", keep[i]);
		else if (json_is_string(v))
			mw_buf_printf(&b, "%s=%s&", keep[i], staff_urlenc(pg, json_string_value(v)));
	}
	mw_buf_printf(&b, "cursor=%s", staff_urlenc(pg, cursor));
	s = mw_buf_detach(&b, NULL);
	out = s ? mw_arena_strdup(&pg->r->arena, s) : "/staff";
	free(s);
	return out;
}

static void queue_render(mw_page *pg, int status, json_t *answer)
{
	json_t *items = json_object_get(answer, "items"), *pinned = json_object_get(answer, "urgent");
	json_t *rows = json_array(), *it;
	const char *cursor = staff_str(answer, "next_cursor");
	size_t i;

	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "queue.title")));
	if (status != 200) {
		json_decref(rows);
		if (status != 400 && status != 403) {
			staff_fail(pg, status);
			return;
		}
		json_object_set_new(pg->view, "error",
				    json_string(mw_page_msg(pg, status == 403 ? "queue.err_department"
									     : "queue.err_filter")));
		mw_page_render(pg, status, "staff_queue");
		return;
	}
	json_array_foreach(pinned, i, it)
		queue_row(pg, it);
	/* The pinned urgent complaints are not listed twice on this page. */
	json_array_foreach(items, i, it) {
		json_t *p;
		size_t k;
		bool dup = false;

		json_array_foreach(pinned, k, p)
			dup = dup || json_equal(json_object_get(p, "id"), json_object_get(it, "id"));
		if (dup)
			continue;
		queue_row(pg, it);
		json_array_append(rows, it);
	}
	if (json_array_size(pinned)) {
		json_object_set(pg->view, "pinned", pinned);
		json_object_set_new(pg->view, "has_pinned", json_true());
	}
	json_object_set_new(pg->view, "has_rows", json_boolean(json_array_size(rows) > 0));
	json_object_set_new(pg->view, "rows", rows);
	json_object_set_new(pg->view, "paged", json_boolean(mw_req_query(pg->r, "cursor") != NULL));
	if (cursor)
		json_object_set_new(pg->view, "next_url", json_string(next_url(pg, cursor)));
	mw_page_render(pg, 200, "staff_queue");
}

static void queue_departments(mw_page *pg, int status, json_t *answer)
{
	json_t *f = json_object_get(pg->view, "filter");

	if (status == 200)
		staff_keep_departments(pg, answer, staff_str(f, "department"));
	staff_call(pg, PERM_QUEUE, api_queue, NULL, queue_render);
}

int web_staff_queue(mw_req *r)
{
	mw_page *pg = staff_begin(r, "queue");

	if (!pg)
		return MW_OK;
	if (!mw_authz_role_has(r->auth->role, PERM_QUEUE)) {
		/* A role without a queue (the auditor) still gets the menu. */
		json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "queue.title")));
		json_object_set_new(pg->view, "no_queue", json_true());
		mw_page_render(pg, 200, "staff_queue");
		return MW_OK;
	}
	queue_filters(pg);
	staff_call(pg, PERM_STAFF, api_departments, NULL, queue_departments);
	return MW_OK;
}

/* ---- the manager's view (/staff/dashboard) ------------------------------ */

static void dashboard_render(mw_page *pg, int status, json_t *s)
{
	json_t *by = json_object_get(s, "by_status"), *counts, *rate;
	const char *dept = staff_str(s, "department");
	const char *q = dept ? mw_arena_printf(&pg->r->arena, "department=%s&", staff_urlenc(pg, dept))
			     : "";

	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "dash.title")));
	if (status != 200) {
		if (status != 403) {
			staff_fail(pg, status);
			return;
		}
		json_object_set_new(pg->view, "error", json_string(mw_page_msg(pg, "dash.err_department")));
		mw_page_render(pg, 403, "staff_dashboard");
		return;
	}
	counts = json_array();
	for (size_t i = 0; i < MW_ARRAY_LEN(states); i++) {
		json_t *n = json_object_get(by, states[i]);

		json_array_append_new(counts,
				      json_pack("{s:s, s:s, s:I, s:s}", "state", states[i], "label",
						mw_page_msg2(pg, "status.", states[i]), "count",
						(json_int_t)json_integer_value(n), "url",
						mw_arena_printf(&pg->r->arena, "/staff?%sstatus=%s", q,
								states[i])));
	}
	json_object_set_new(s, "counts", counts);
	json_object_set_new(s, "department_text",
			    json_string(dept ? staff_department_name(pg, dept, NULL)
					     : mw_page_msg(pg, "dash.all_departments")));
	json_object_set_new(s, "open_url", json_string(mw_arena_printf(&pg->r->arena, "/staff?%sstatus=open", q)));
	json_object_set_new(s, "overdue_url", json_string(mw_arena_printf(&pg->r->arena, "/staff?%sdue=overdue", q)));
	json_object_set_new(s, "today_url", json_string(mw_arena_printf(&pg->r->arena, "/staff?%sdue=today", q)));
	json_object_set_new(s, "callback_url", json_string(mw_arena_printf(&pg->r->arena, "/staff?%scallback=1", q)));
	rate = json_object_get(s, "on_time_rate_30d");
	if (json_is_number(rate))
		json_object_set_new(s, "rate_text",
				    json_string(mw_arena_printf(&pg->r->arena, "%.0f%%",
								json_number_value(rate) * 100)));
	json_object_set(pg->view, "s", s);
	mw_page_render(pg, 200, "staff_dashboard");
}

static void dashboard_departments(mw_page *pg, int status, json_t *answer)
{
	if (status == 200)
		staff_keep_departments(pg, answer, mw_req_query(pg->r, "department"));
	staff_call(pg, PERM_STATS, api_staff_stats, NULL, dashboard_render);
}

int web_staff_dashboard(mw_req *r)
{
	mw_page *pg = staff_begin(r, "dashboard");

	if (pg)
		staff_call(pg, PERM_STAFF, api_departments, NULL, dashboard_departments);
	return MW_OK;
}

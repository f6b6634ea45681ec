/*
 * staff_inbox.c - the signed-in staff member's notices (/staff/inbox):
 * new assignments, reminders, escalations, the chatbot's hand-offs,
 * call-back requests and urgent alerts, newest first, as
 * GET /api/v1/staff/inbox answers them (its keyset paging: unread=1,
 * limit, before); marking one or all read is a plain form
 * (POST /staff/inbox/read → POST /api/v1/staff/inbox/read, then back).
 *
 * A field session has no inbox: the API refuses it (mw_authz_inbox) and
 * the menu leaves the item out (can.inbox).
 */
#include "staff_int.h"
#include "../base/mw.h"

#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* The list's own parameters, kept by the paging link and by the forms
 * that come back to the list. */
static const char *const kept_params[] = { "unread", "limit" };

/* A parameter that is a number (an item id, a limit, unread=1), or -1. */
static long long number_of(const char *s)
{
	int64_t v;

	return mw_parse_i64(s, 0, INT64_MAX, &v) ? -1 : (long long)v;
}

/* "/staff/inbox" with the kept parameters as get(name) gives them, then
 * before (unless < 0) and done (may be NULL). Values are written as the
 * numbers they parse to, so the URL says nothing a link did not mean. */
static const char *list_url(mw_page *pg, const char *(*get)(const mw_page *, const char *),
			    long long before, const char *done)
{
	mw_buf b = MW_BUF_INIT;
	const char *out;
	char sep = '?', *s;
	long long v;

	mw_buf_puts(&b, "/staff/inbox");
	for (size_t i = 0; i < MW_ARRAY_LEN(kept_params); i++)
		if ((v = number_of(get(pg, kept_params[i]))) >= 0) {
			mw_buf_printf(&b, "%c%s=%lld", sep, kept_params[i], v);
			sep = '&';
		}
	if (before >= 0) {
		mw_buf_printf(&b, "%cbefore=%lld", sep, before);
		sep = '&';
	}
	if (done)
		mw_buf_printf(&b, "%cdone=%s", sep, done);
	s = mw_buf_detach(&b, NULL);
	out = s ? mw_arena_strdup(&pg->r->arena, s) : "/staff/inbox";
	free(s);
	return out;
}

static const char *query_of(const mw_page *pg, const char *name)
{
	return mw_req_query(pg->r, name);
}

/* Where a notice leads: its complaint, or the conversation the chatbot
 * handed over; only for a role that may open it. */
static void notice_link(mw_page *pg, json_t *it)
{
	const char *receipt = staff_str(it, "receipt_no");
	json_t *session = json_object_get(json_object_get(it, "data"), "session");
	mw_role role = pg->r->auth->role;

	if (receipt && *receipt && mw_authz_role_has(role, PERM_READ)) {
		json_object_set_new(it, "url", json_string(mw_arena_printf(&pg->r->arena, "/staff/c/%s",
									  staff_urlenc(pg, receipt))));
		json_object_set_new(it, "link_text", json_string(mw_page_msg_fill(pg, "inbox.open_complaint",
										  receipt)));
	} else if (json_is_integer(session) && mw_authz_role_has(role, PERM_COUNSEL)) {
		json_object_set_new(it, "url", json_string(mw_arena_printf(&pg->r->arena, "/staff/counsel/%lld",
									  (long long)json_integer_value(session))));
		json_object_set_new(it, "link_text", json_string(mw_page_msg(pg, "inbox.open_chat")));
	}
}

static void list_render(mw_page *pg, int status, json_t *answer)
{
	static const char *const done[] = { "read", "all_read" };
	json_t *items = json_object_get(answer, "items"), *next = json_object_get(answer, "next_cursor"), *it;
	const char *v = mw_req_query(pg->r, "unread");
	long long before, limit;
	json_int_t unread = json_integer_value(json_object_get(answer, "unread"));
	size_t i;

	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "inbox.title")));
	if (status == 400) {
		json_object_set_new(pg->view, "error", json_string(mw_page_msg(pg, "inbox.err_paging")));
		mw_page_render(pg, 400, "staff_inbox");
		return;
	}
	if (status != 200) {
		staff_fail(pg, status);
		return;
	}
	json_array_foreach(items, i, it) {
		staff_add_date(pg, it, "at", true);
		notice_link(pg, it);
	}
	json_object_set(pg->view, "items", items);
	json_object_set_new(pg->view, "has_items", json_boolean(json_array_size(items) > 0));
	json_object_set_new(pg->view, "unread", json_integer(unread));
	json_object_set_new(pg->view, "filter_unread", json_boolean(number_of(v) == 1));
	if ((limit = number_of(mw_req_query(pg->r, "limit"))) >= 0)
		json_object_set_new(pg->view, "limit", json_integer(limit));
	if ((before = number_of(mw_req_query(pg->r, "before"))) >= 0) {
		json_object_set_new(pg->view, "paged", json_true());
		json_object_set_new(pg->view, "before", json_integer(before));
	}
	if (json_is_integer(next))
		json_object_set_new(pg->view, "next_url",
				    json_string(list_url(pg, query_of, json_integer_value(next), NULL)));
	json_object_set_new(pg->view, "first_url", json_string(list_url(pg, query_of, -1, NULL)));
	/* The API counted the unread items already: the menu takes its number. */
	pg->before_render = NULL;
	if (unread > 0)
		json_object_set_new(pg->view, "inbox_unread", json_integer(unread));
	staff_notes(pg, "inbox.", done, MW_ARRAY_LEN(done), NULL, 0);
	mw_page_render(pg, 200, "staff_inbox");
}

int web_staff_inbox(mw_req *r)
{
	mw_page *pg = staff_begin(r, "inbox");
	const char *v = mw_req_query(r, "unread");

	if (!pg)
		return MW_OK;
	/* The checkbox sends "1", and the API reads "1" and "true". */
	mw_req_set_query(r, "unread", number_of(v) == 1 ? "1" : NULL);
	staff_call(pg, PERM_STAFF, api_staff_inbox, NULL, list_render);
	return MW_OK;
}

static void marked(mw_page *pg, int status, json_t *answer)
{
	const char *back = pg->data;

	(void)answer;
	if (status != 200) {
		staff_fail(pg, status);
		return;
	}
	mw_page_redirect(pg, back);
}

static const char *field_of(const mw_page *pg, const char *name)
{
	return mw_page_field(pg, name);
}

/* POST /staff/inbox/read: id=N marks one notice, all=1 every unread one;
 * back to the list as it was (unread, limit, before). */
int web_staff_inbox_read(mw_req *r)
{
	mw_page *pg = staff_begin(r, "inbox");
	json_t *body;
	bool all;
	int64_t id;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	all = !strcmp(mw_page_field(pg, "all"), "1");
	pg->data = (void *)list_url(pg, field_of, number_of(mw_page_field(pg, "before")),
				    all ? "all_read" : "read");
	if (all)
		body = json_pack("{s:b}", "all", true);
	else if (!mw_parse_i64(mw_page_field(pg, "id"), 1, INT64_MAX, &id))
		body = json_pack("{s:[I]}", "ids", (json_int_t)id);
	else
		body = json_pack("{s:[]}", "ids");    /* the API says what is wrong */
	mw_page_post(pg, api_staff_inbox_read, body, marked);
	return MW_OK;
}

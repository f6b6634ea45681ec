/*
 * staff_counsel.c - the counsellor queue (상담 대기열): conversations the
 * chatbot handed to a person (/staff/counsel), one conversation with its
 * transcript and a reply form (/staff/counsel/{id}), and the reply
 * (POST /staff/counsel/{id}/reply). The citizen reads the reply in the
 * chat (GET /api/v1/chat?session=).
 */
#include "staff_int.h"
#include "../base/mw.h"

#include <string.h>

#include "../base/banned.h"

static void reason_text(mw_page *pg, json_t *obj)
{
	json_object_set_new(obj, "reason_text",
			    json_string(mw_page_msg2(pg, "counsel.reason.", staff_str(obj, "reason"))));
}

static void list_render(mw_page *pg, int status, json_t *answer)
{
	static const char *const done[] = { "replied" };
	json_t *items = json_object_get(answer, "items"), *it;
	const char *cursor;
	size_t i;

	if (status != 200) {
		staff_fail(pg, status);
		return;
	}
	json_array_foreach(items, i, it) {
		reason_text(pg, it);
		staff_add_date(pg, it, "handed_off_at", true);
		staff_add_date(pg, it, "answer_by", true);
		json_object_set_new(it, "url", json_string(mw_arena_printf(&pg->r->arena, "/staff/counsel/%lld",
									  (long long)json_integer_value(json_object_get(it, "id")))));
	}
	json_object_set(pg->view, "items", items);
	json_object_set_new(pg->view, "has_items", json_boolean(json_array_size(items) > 0));
	if ((cursor = staff_str(answer, "next_cursor")))
		json_object_set_new(pg->view, "next_url",
				    json_string(mw_arena_printf(&pg->r->arena, "/staff/counsel?cursor=%s",
								staff_urlenc(pg, cursor))));
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "counsel.title")));
	staff_notes(pg, "counsel.", done, MW_ARRAY_LEN(done), NULL, 0);
	mw_page_render(pg, 200, "staff_counsel");
}

static int counsel_page(mw_req *r, mw_handler h, mw_page_then then)
{
	mw_page *pg = staff_begin(r, "counsel");

	if (pg)
		staff_call(pg, PERM_COUNSEL, h, NULL, then);
	return MW_OK;
}

int web_staff_counsel(mw_req *r)
{
	return counsel_page(r, api_counsel_queue, list_render);
}

static void one_render(mw_page *pg, int status, json_t *conv)
{
	json_t *m;
	size_t i;
	const char *error_key = pg->data;

	if (status != 200 || !conv) {
		staff_fail(pg, status);
		return;
	}
	reason_text(pg, conv);
	json_array_foreach(json_object_get(conv, "messages"), i, m) {
		const char *from = staff_str(m, "from");

		staff_add_date(pg, m, "at", true);
		json_object_set_new(m, "from_text", json_string(mw_page_msg2(pg, "counsel.from.", from)));
	}
	json_object_set(pg->view, "conv", conv);
	json_object_set_new(pg->view, "title",
			    json_string(mw_arena_printf(&pg->r->arena, "%s %s", mw_page_msg(pg, "counsel.one_title"),
							mw_req_param(pg->r, 0))));
	if (error_key) {
		json_object_set_new(pg->view, "error", json_string(mw_page_msg(pg, error_key)));
		json_object_set_new(pg->view, "reply_text", json_string(mw_page_field(pg, "text")));
	}
	mw_page_render(pg, error_key ? 400 : 200, "staff_counsel_one");
}

int web_staff_counsel_one(mw_req *r)
{
	return counsel_page(r, api_counsel_get, one_render);
}

static void replied(mw_page *pg, int status, json_t *answer)
{
	(void)answer;
	if (status == 200) {
		mw_page_redirect(pg, "/staff/counsel?done=replied");
		return;
	}
	if (status == 404 || status >= 500) {
		staff_fail(pg, status);
		return;
	}
	pg->data = (void *)(status == 413 ? "counsel.err_long" : "counsel.err_empty");
	staff_call(pg, PERM_COUNSEL, api_counsel_get, NULL, one_render);
}

int web_staff_counsel_reply(mw_req *r)
{
	mw_page *pg = staff_begin(r, "counsel");

	if (!pg || mw_page_form(pg))
		return MW_OK;
	mw_page_post(pg, api_counsel_reply,
		     json_pack("{s:s, s:b}", "text", mw_page_field(pg, "text"), "close",
			       strcmp(mw_page_field(pg, "keep_waiting"), "yes") != 0),
		     replied);
	return MW_OK;
}

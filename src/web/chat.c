/*
 * chat.c - the counselling chatbot's page (/chat): the conversation of
 * POST /api/v1/chat as a page that works without JavaScript.
 *
 * The session token lives in an HttpOnly cookie (mw_chat), never in a URL:
 * every action is a form posted to /chat, /chat/photo or /chat/rate that
 * runs the API's handler in-process and redirects back to GET /chat,
 * which renders the transcript (GET /api/v1/chat, the token in the
 * X-Chat-Session header). The transcript says where the report flow
 * stands (stage), so the page offers the right controls: yes/no, "my
 * location" and photos, then the receipt link; a complaint filed here is
 * remembered like one filed on "/" (mw_track), so /receipt shows it.
 * chat.js posts the same forms with fetch, merges the new transcript
 * without a reload and polls it while a person has the conversation.
 *
 * Every message and photo goes with the page's language (lang), so the
 * bot answers in it; a report it offers to file is named on the page, in
 * the page's words, under the bot's message.
 */
#include "web_int.h"
#include "../base/mw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* A hand-off is answered within 8 working hours, which may be after a
 * weekend: the conversation is kept a week in this browser. */
#define CHAT_COOKIE_SECONDS (7 * 86400)
/* Seconds between two looks at the transcript while a person has it. */
#define CHAT_POLL_SECONDS 5

static const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The session token of this browser's conversation, or NULL. */
static const char *chat_cookie(mw_page *pg)
{
	const char *v = mw_req_cookie(pg->r, MW_COOKIE_CHAT);

	return v && strlen(v) == MW_TOKEN_CHARS ? v : NULL;
}

/* Notes after an action (?err=): only these keys can be shown. */
static const char *const chat_errors[] = {
	"empty", "long", "failed", "photo_none", "photo_type", "photo_large", "photo_many",
	"photo_stage", "rate",
};

static const char *chat_note(mw_page *pg)
{
	const char *v = mw_req_query(pg->r, "err");

	for (size_t i = 0; v && i < MW_ARRAY_LEN(chat_errors); i++)
		if (!strcmp(v, chat_errors[i]))
			return mw_page_msg2(pg, "chat.err.", v);
	return NULL;
}

/* ---- GET /chat ---------------------------------------------------------- */

/* The page's language as the chat API names it. */
static const char *lang_code(const mw_page *pg)
{
	return pg->lang == MW_LANG_EN ? "en" : "ko";
}

/* What the page adds to one message of the transcript for display. */
static void message_view(mw_page *pg, json_t *m)
{
	const char *from = jstr(m, "from"), *kind = jstr(m, "kind"), *cat = jstr(m, "category");
	json_t *helpful = json_object_get(m, "helpful");
	bool faq = from && !strcmp(from, "bot") && kind && !strcmp(kind, "faq");
	const char *cat_text = cat && kind && !strcmp(kind, "report") && pg->lang != MW_LANG_KO
				       ? mw_page_category(pg, cat, NULL) : NULL;

	json_object_set_new(m, "who", json_string(mw_page_msg2(pg, "chat.from.", from)));
	json_object_set_new(m, "at_text", json_string(mw_page_date(pg, jstr(m, "at"), true)));
	json_object_set_new(m, "can_rate", json_boolean(faq && json_is_null(helpful)));
	json_object_set_new(m, "rated", json_boolean(faq && json_is_boolean(helpful)));
	/* The bot's words name no category but in Korean (the office's names
	 * are Korean): the page names it in its own language. */
	json_object_set_new(m, "category_text", cat_text ? json_string(cat_text) : json_null());
}

static void chat_render(mw_page *pg, int status, json_t *t)
{
	json_t *msgs = json_object_get(t, "messages"), *m;
	const char *stage = jstr(t, "stage"), *note;
	json_int_t last = 0;
	size_t i;

	if (status == 404)
		mw_page_cookie(pg, MW_COOKIE_CHAT, "", 0, false);
	if (status == 200) {
		json_array_foreach(msgs, i, m) {
			message_view(pg, m);
			last = json_integer_value(json_object_get(m, "id"));
		}
		/* Where "/chat#latest" (the answer to a form) scrolls to. */
		if ((m = json_array_get(msgs, json_array_size(msgs) - 1)))
			json_object_set_new(m, "latest", json_true());
		json_object_set(pg->view, "messages", msgs);
		json_object_set_new(pg->view, "stage", json_pack("{s:b}", stage ? stage : "none", 1));
		if (json_is_true(json_object_get(t, "waiting_for_staff")))
			json_object_set_new(pg->view, "waiting",
					    json_pack("{s:s?}", "answer_by_text",
						      mw_page_date(pg, jstr(t, "answer_by"), true)));
	}
	if ((note = chat_note(pg)))
		json_object_set_new(pg->view, "error", json_string(note));
	json_object_set_new(pg->view, "last_id", json_integer(last));
	json_object_set_new(pg->view, "poll", json_integer(CHAT_POLL_SECONDS));
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "chat.title")));
	mw_page_assets(pg, "chat.css", "chat.js");
	mw_page_render(pg, 200, "chat");
}

int web_chat(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const char *token;

	if (!pg)
		return MW_OK;
	if (!(token = chat_cookie(pg))) {
		chat_render(pg, 0, NULL);
		return MW_OK;
	}
	mw_req_set_header(r, "X-Chat-Session", token);
	mw_page_call(pg, api_chat_transcript, NULL, chat_render);
	return MW_OK;
}

/* ---- POST /chat: one message ------------------------------------------- */

static void chat_sent(mw_page *pg, int status, json_t *a)
{
	const char *session = jstr(a, "session"), *code;
	json_t *filed = json_object_get(a, "complaint");

	if (status != 200 || !session) {
		code = jstr(json_object_get(a, "error"), "code");
		mw_page_redirect(pg, status == 413 ? "/chat?err=long#say"
				     : code && !strcmp(code, "missing_field") ? "/chat?err=empty#say"
									       : "/chat?err=failed#say");
		return;
	}
	mw_page_cookie(pg, MW_COOKIE_CHAT, session, CHAT_COOKIE_SECONDS, false);
	if (jstr(filed, "receipt_no") && jstr(filed, "token"))
		mw_page_track(pg, jstr(filed, "receipt_no"), jstr(filed, "token"));
	mw_page_redirect(pg, "/chat#latest");
}

/* A coordinate of "my location" (chat.js fills lat and lon), or NAN. */
static double coord(mw_page *pg, const char *name)
{
	const char *v = mw_page_field(pg, name);
	char *end;
	double x = strtod(v, &end);

	return *v && !*end && isfinite(x) ? x : NAN;
}

int web_chat_send(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const char *token;
	double lat, lon;
	json_t *body;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	body = json_pack("{s:s, s:s}", "text", mw_page_field(pg, "text"), "lang", lang_code(pg));
	if (body && (token = chat_cookie(pg)))
		json_object_set_new(body, "session", json_string(token));
	lat = coord(pg, "lat");
	lon = coord(pg, "lon");
	if (body && !isnan(lat) && !isnan(lon)) {
		json_object_set_new(body, "lat", json_real(lat));
		json_object_set_new(body, "lon", json_real(lon));
	}
	mw_page_post(pg, api_chat, body, chat_sent);
	return MW_OK;
}

/* ---- POST /chat/photo ------------------------------------------------- */

/* The note for a refused photo, from the API's status and code. */
static const char *photo_refusal(mw_req *r)
{
	json_t *a = r->resp_body ? json_loadb(r->resp_body, r->resp_len, 0, NULL) : NULL;
	const char *code = jstr(json_object_get(a, "error"), "code");
	const char *loc = r->status == 415				  ? "/chat?err=photo_type#say"
			  : r->status == 413				  ? "/chat?err=photo_large#say"
			  : code && !strcmp(code, "too_many_attachments") ? "/chat?err=photo_many#say"
			  : r->status == 409 || r->status == 404	  ? "/chat?err=photo_stage#say"
									  : "/chat?err=failed#say";

	json_decref(a);
	return loc;
}

int web_chat_photo(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const char *token, *loc = "/chat?err=photo_none#say";

	if (!pg || mw_page_form(pg))
		return MW_OK;
	if (!(token = chat_cookie(pg))) {
		mw_page_redirect(pg, "/chat?err=photo_stage#say");
		return MW_OK;
	}
	mw_req_set_header(r, "X-Chat-Session", token);
	mw_req_set_query(r, "lang", lang_code(pg));
	for (size_t i = 0; i < pg->form.n; i++) {
		const mw_form_field *f = &pg->form.f[i];

		/* A file input left empty still sends a part without bytes. */
		if (!f->filename || strcmp(f->name, "photo") || !f->len)
			continue;
		if (mw_page_call_raw(pg, api_chat_photo, f->value, f->len) != 200) {
			loc = photo_refusal(r);
			break;
		}
		loc = "/chat#latest";
	}
	mw_page_redirect(pg, loc);
	return MW_OK;
}

/* ---- POST /chat/rate: "was this helpful?" -------------------------------- */

static void chat_rated(mw_page *pg, int status, json_t *a)
{
	char *loc = mw_arena_printf(&pg->r->arena, "/chat#m%s", mw_page_field(pg, "message_id"));

	(void)a;
	mw_page_redirect(pg, status != 200 ? "/chat?err=rate#say" : loc ? loc : "/chat");
}

int web_chat_rate(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const char *token, *helpful;
	int64_t id;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	helpful = mw_page_field(pg, "helpful");
	if (!(token = chat_cookie(pg)) ||
	    mw_parse_i64(mw_page_field(pg, "message_id"), 1, INT64_MAX, &id) ||
	    (strcmp(helpful, "yes") && strcmp(helpful, "no"))) {
		mw_page_redirect(pg, "/chat?err=rate#say");
		return MW_OK;
	}
	mw_page_post(pg, api_chat_rating,
		     json_pack("{s:s, s:I, s:b}", "session", token, "message_id", (json_int_t)id,
			       "helpful", !strcmp(helpful, "yes")),
		     chat_rated);
	return MW_OK;
}

/* ---- POST /chat/new: forget this conversation --------------------------- */

int web_chat_new(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (!pg || mw_page_form(pg))
		return MW_OK;
	mw_page_cookie(pg, MW_COOKIE_CHAT, "", 0, false);
	mw_page_redirect(pg, "/chat");
	return MW_OK;
}

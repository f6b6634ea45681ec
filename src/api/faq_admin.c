/*
 * faq_admin.c - the chatbot's FAQ, kept by the administrator over HTTP:
 * list, add or replace, delete. `minwon faq import` remains the way to
 * load a whole file; both write the same table. Every change rebuilds the
 * FAQ index of the running server at once (mw_app_faq_reload), so the
 * next chat message is answered from it; SIGHUP is not needed.
 */
#include "api.h"
#include "../base/mw.h"

#include <string.h>

#include "../base/banned.h"

#define FAQ_ID_MAX 64
#define FAQ_QUESTION_MAX 1000
#define FAQ_ANSWER_MAX 4000
#define FAQ_GENERAL "general"

static void faq_json(mw_buf *b, const mw_faq_row *f)
{
	mw_buf_puts(b, "{\"id\":");
	mw_buf_json_str(b, f->id);
	mw_buf_json_kv(b, "question", f->question);
	mw_buf_json_kv(b, "answer", f->answer);
	mw_buf_json_kv(b, "category", f->category);
	mw_buf_json_kv(b, "question_en", f->question_en);
	mw_buf_json_kv(b, "answer_en", f->answer_en);
	mw_buf_printf(b, ",\"version\":%lld}", (long long)f->version);
}

int api_admin_faq(mw_req *r)
{
	mw_faq_row *rows;
	size_t n;
	mw_buf b = MW_BUF_INIT;
	int rc = mw_store_faqs(r->app->store, &r->arena, &rows, &n);

	if (rc) {
		mw_resp_err(r, rc, "cannot list the FAQ");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			mw_buf_putc(&b, ',');
		faq_json(&b, &rows[i]);
	}
	mw_buf_puts(&b, "]}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/* Ids are what `minwon faq import` files use (FA01): letters, digits,
 * _ - . and nothing a URL path would need to escape. */
static bool valid_faq_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '-' || s[n] == '.'))
			return false;
	return n >= 1 && n <= FAQ_ID_MAX;
}

static int faq_apply(mw_tx *tx, mw_admin_change *ch)
{
	return mw_tx_faq_put(tx, ch->arg, mw_now());
}

static int faq_delete_apply(mw_tx *tx, mw_admin_change *ch)
{
	ch->action = "delete";
	return mw_tx_faq_delete(tx, ch->key);
}

/* After a change: the chatbot answers from the new FAQ from the next
 * message on. The change itself is saved either way. */
static bool faq_reloaded(mw_req *r)
{
	if (!mw_app_faq_reload(r->app))
		return true;
	mw_resp_error(r, 500, "internal",
		      "the change was saved but the chatbot could not reload the FAQ");
	return false;
}

int api_admin_faq_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	mw_faq_row row = { 0 };
	mw_admin_change ch = { .kind = MW_ADMIN_FAQ, .area = "faq", .noun = "FAQ entry",
			       .apply = faq_apply, .arg = &row };
	char id[MW_TOKEN_CHARS + 1];
	mw_refdata *ref;
	mw_buf b = MW_BUF_INIT;
	bool known;

	if (!body)
		return MW_OK;
	if (mw_api_opt_string(r, body, "id", &row.id) ||
	    mw_api_text_field(r, body, "question", FAQ_QUESTION_MAX, true, false, &row.question) ||
	    mw_api_text_field(r, body, "answer", FAQ_ANSWER_MAX, true, true, &row.answer) ||
	    mw_api_text_field(r, body, "category", 64, false, false, &row.category) ||
	    mw_api_text_field(r, body, "question_en", FAQ_QUESTION_MAX, false, false,
			      &row.question_en) ||
	    mw_api_text_field(r, body, "answer_en", FAQ_ANSWER_MAX, false, true, &row.answer_en) ||
	    mw_admin_version_param(r, body, &ch.expected))
		goto out;
	if (row.id && !valid_faq_id(row.id)) {
		mw_resp_error(r, 400, "invalid", "id must be 1-%d characters of A-Z, a-z, 0-9, _ - .",
			      FAQ_ID_MAX);
		goto out;
	}
	if (!row.category)
		row.category = FAQ_GENERAL;
	ref = mw_app_ref_get(r->app);
	known = !strcmp(row.category, FAQ_GENERAL) || mw_ref_category_active(ref, row.category);
	mw_app_ref_put(r->app, ref);
	if (!known) {
		mw_resp_error(r, 400, "invalid",
			      "unknown category; use a category code or \"general\"");
		goto out;
	}
	if (!row.id) {
		/* A new entry without an id of the office's own numbering; the
		 * token's characters (base64url) are all valid in an id. */
		mw_token_new(id);
		row.id = mw_arena_printf(&r->arena, "faq-%.10s", id);
		if (!row.id) {
			mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	ch.key = row.id;
	ch.detail = json_pack("{s:s, s:b}", "category", row.category, "english",
			      row.answer_en != NULL);
	if (mw_admin_change_exec(r, &ch) || !faq_reloaded(r))
		goto out;
	row.version = ch.version;
	faq_json(&b, &row);
	mw_resp_json(r, ch.existed ? 200 : 201, &b);
out:
	json_decref(body);
	return MW_OK;
}

int api_admin_faq_delete(mw_req *r)
{
	mw_admin_change ch = { .kind = MW_ADMIN_FAQ, .area = "faq", .noun = "FAQ entry",
			       .apply = faq_delete_apply, .key = mw_req_param(r, 0) };

	if (!ch.key || !valid_faq_id(ch.key)) {
		mw_resp_error(r, 404, "not_found", "no such FAQ entry");
		return MW_OK;
	}
	if (mw_admin_version_param(r, NULL, &ch.expected) || mw_admin_change_exec(r, &ch))
		return MW_OK;
	if (faq_reloaded(r))
		mw_resp_text(r, 200, "application/json; charset=utf-8", "{\"deleted\":true}");
	return MW_OK;
}

/*
 * templates.c - answer templates (canned responses). A department keeps
 * the answers it gives again and again per category; staff pick one in
 * the console and edit it before answering. Managers keep their own
 * department's categories; general templates (no category) are the
 * administrator's.
 */
#include "api.h"
#include "../base/mw.h"

#include <string.h>

#include "../base/banned.h"

#define TEMPLATE_TITLE_MAX 200
#define TEMPLATE_BODY_MAX 8000

static void template_json(mw_buf *b, const mw_template *t)
{
	mw_buf_printf(b, "{\"id\":%lld,\"category\":", (long long)t->id);
	mw_buf_json_str(b, t->category);
	mw_buf_puts(b, ",\"title\":");
	mw_buf_json_str(b, t->title);
	mw_buf_puts(b, ",\"body\":");
	mw_buf_json_str(b, t->body);
	mw_api_json_time(b, "updated_at", t->updated_at, true);
	mw_buf_puts(b, ",\"updated_by\":");
	mw_buf_json_str(b, t->updated_by);
	mw_buf_printf(b, ",\"version\":%lld}", (long long)t->version);
}

int api_templates(mw_req *r)
{
	const char *category = mw_req_query(r, "category");
	mw_template *t;
	size_t n;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (category && !*category)
		category = NULL;
	if ((rc = mw_store_templates(r->app->store, category, &r->arena, &t, &n))) {
		mw_resp_err(r, rc, "cannot list the templates");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			mw_buf_putc(&b, ',');
		template_json(&b, &t[i]);
	}
	mw_buf_puts(&b, "]}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/* Managers keep the templates of their own department's categories. */
static int may_keep(mw_req *r, const char *category)
{
	mw_refdata *ref;
	const mw_category *cat;
	int rc = MW_OK;

	if (r->auth->role == MW_ROLE_ADMIN)
		return MW_OK;
	if (!category) {
		mw_resp_error(r, 403, "forbidden", "general templates are kept by the administrator");
		return MW_ERR_FORBIDDEN;
	}
	ref = mw_app_ref_get(r->app);
	cat = mw_ref_category(ref, category);
	if (!cat || !r->auth->department || strcmp(cat->department, r->auth->department)) {
		mw_resp_error(r, 403, "forbidden", "this category belongs to another department");
		rc = MW_ERR_FORBIDDEN;
	}
	mw_app_ref_put(r->app, ref);
	return rc;
}

/* A template's id as the admin log's key. */
static const char *template_key(mw_arena *a, int64_t id)
{
	return mw_arena_printf(a, "%lld", (long long)id);
}

static int template_apply(mw_tx *tx, mw_admin_change *ch)
{
	mw_template *t = (mw_template *)ch->arg;
	int rc = mw_tx_template_put(tx, t);

	/* A new one has its id now. */
	if (!rc && !ch->existed && !(ch->key = template_key(ch->a, t->id)))
		rc = MW_ERR_NOMEM;
	return rc;
}

static int template_delete_apply(mw_tx *tx, mw_admin_change *ch)
{
	ch->action = "delete";
	return mw_tx_template_delete(tx, ((const mw_template *)ch->arg)->id);
}

int api_template_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	mw_template t = { 0 }, old;
	mw_admin_change ch = { .kind = MW_ADMIN_TEMPLATE, .area = "templates", .noun = "template",
			       .apply = template_apply, .arg = &t, .key = "0" };
	mw_refdata *ref;
	bool has_id;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (!body)
		return MW_OK;
	if (mw_api_opt_int(r, body, "id", &t.id, &has_id) ||
	    mw_api_text_field(r, body, "category", 64, false, false, &t.category) ||
	    mw_api_text_field(r, body, "title", TEMPLATE_TITLE_MAX, true, false, &t.title) ||
	    mw_api_text_field(r, body, "body", TEMPLATE_BODY_MAX, true, true, &t.body) ||
	    mw_admin_version_param(r, body, &ch.expected))
		goto out;
	ref = mw_app_ref_get(r->app);
	rc = t.category && !mw_ref_category_active(ref, t.category);
	mw_app_ref_put(r->app, ref);
	if (rc) {
		mw_resp_error(r, 400, "invalid", "unknown category");
		goto out;
	}
	if (has_id && t.id <= 0) {
		mw_resp_error(r, 400, "invalid", "id must be a positive integer");
		goto out;
	}
	/* An update must be allowed on the template as it is, too. */
	if (t.id) {
		if (mw_store_template_get(r->app->store, t.id, &r->arena, &old)) {
			mw_resp_error(r, 404, "not_found", "no such template");
			goto out;
		}
		if (may_keep(r, old.category))
			goto out;
		ch.key = template_key(&r->arena, t.id);
	}
	if (may_keep(r, t.category))
		goto out;
	t.updated_at = mw_now();
	t.updated_by = r->auth->login;
	ch.detail = json_pack("{s:s?, s:s}", "category", t.category, "title", t.title);
	if (mw_admin_change_exec(r, &ch))
		goto out;
	t.version = ch.version;
	template_json(&b, &t);
	mw_resp_json(r, has_id ? 200 : 201, &b);
out:
	json_decref(body);
	return MW_OK;
}

int api_template_delete(mw_req *r)
{
	mw_template old;
	mw_admin_change ch = { .kind = MW_ADMIN_TEMPLATE, .area = "templates", .noun = "template",
			       .apply = template_delete_apply, .arg = &old };

	if (mw_parse_i64(mw_req_param(r, 0), 1, INT64_MAX, &old.id) ||
	    mw_store_template_get(r->app->store, old.id, &r->arena, &old)) {
		mw_resp_error(r, 404, "not_found", "no such template");
		return MW_OK;
	}
	if (may_keep(r, old.category) || mw_admin_version_param(r, NULL, &ch.expected))
		return MW_OK;
	ch.key = template_key(&r->arena, old.id);
	if (!mw_admin_change_exec(r, &ch))
		mw_resp_text(r, 200, "application/json; charset=utf-8", "{\"deleted\":true}");
	return MW_OK;
}

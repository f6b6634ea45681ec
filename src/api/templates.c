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
	mw_buf_putc(b, '}');
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

struct template_work {
	mw_work w;
	mw_template t;
	bool delete_it;
};

static int template_run(mw_tx *tx, mw_work *w)
{
	struct template_work *tw = (struct template_work *)w;

	return tw->delete_it ? mw_tx_template_delete(tx, tw->t.id) : mw_tx_template_put(tx, &tw->t);
}

int api_template_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	struct template_work tw = { .w = { .run = template_run } };
	mw_template old;
	mw_refdata *ref;
	bool has_id;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (!body)
		return MW_OK;
	if (mw_api_opt_int(r, body, "id", &tw.t.id, &has_id) ||
	    mw_api_text_field(r, body, "category", 64, false, false, &tw.t.category) ||
	    mw_api_text_field(r, body, "title", TEMPLATE_TITLE_MAX, true, false, &tw.t.title) ||
	    mw_api_text_field(r, body, "body", TEMPLATE_BODY_MAX, true, true, &tw.t.body))
		goto out;
	ref = mw_app_ref_get(r->app);
	rc = tw.t.category && !mw_ref_category(ref, tw.t.category);
	mw_app_ref_put(r->app, ref);
	if (rc) {
		mw_resp_error(r, 400, "invalid", "unknown category");
		goto out;
	}
	if (has_id && tw.t.id <= 0) {
		mw_resp_error(r, 400, "invalid", "id must be a positive integer");
		goto out;
	}
	/* An update must be allowed on the template as it is, too. */
	if (tw.t.id) {
		if (mw_store_template_get(r->app->store, tw.t.id, &r->arena, &old)) {
			mw_resp_error(r, 404, "not_found", "no such template");
			goto out;
		}
		if (may_keep(r, old.category))
			goto out;
	}
	if (may_keep(r, tw.t.category))
		goto out;
	tw.t.updated_at = mw_now();
	tw.t.updated_by = r->auth->login;
	if ((rc = mw_store_exec(r->app->store, &tw.w))) {
		mw_resp_err(r, rc, "could not save the template");
		goto out;
	}
	template_json(&b, &tw.t);
	mw_resp_json(r, has_id ? 200 : 201, &b);
out:
	json_decref(body);
	return MW_OK;
}

int api_template_delete(mw_req *r)
{
	struct template_work tw = { .w = { .run = template_run }, .delete_it = true };
	mw_template old;
	int rc;

	if (mw_parse_i64(mw_req_param(r, 0), 1, INT64_MAX, &tw.t.id) ||
	    mw_store_template_get(r->app->store, tw.t.id, &r->arena, &old)) {
		mw_resp_error(r, 404, "not_found", "no such template");
		return MW_OK;
	}
	if (may_keep(r, old.category))
		return MW_OK;
	rc = mw_store_exec(r->app->store, &tw.w);
	if (rc == MW_ERR_NOTFOUND)
		mw_resp_error(r, 404, "not_found", "no such template");
	else if (rc)
		mw_resp_err(r, rc, "could not delete the template");
	else
		mw_resp_text(r, 200, "application/json; charset=utf-8", "{\"deleted\":true}");
	return MW_OK;
}

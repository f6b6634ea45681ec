/*
 * staff_templates.c - answer templates (/staff/templates): everyone who
 * answers sees them; a manager adds, edits and deletes those of the
 * department's categories, the administrator every one and the general
 * ones (GET/POST/DELETE /api/v1/staff/templates). Which template a person
 * may change is the API's decision; the page only leaves out the forms it
 * would refuse.
 */
#include "staff_int.h"
#include "../base/mw.h"

#include <string.h>

#include "../base/banned.h"

struct tpl_state {
	const char *error_key;
	int status;
};

static bool may_keep(mw_page *pg, const char *category_department)
{
	const mw_auth *a = pg->r->auth;

	if (a->role == MW_ROLE_ADMIN)
		return true;
	return mw_authz_role_has(a->role, PERM_TEMPLATES) && a->department && category_department &&
	       !strcmp(a->department, category_department);
}

static const char *department_of(mw_page *pg, const char *category)
{
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(pg->view, "categories"), i, it)
		if (category && staff_str(it, "code") && !strcmp(staff_str(it, "code"), category))
			return staff_str(it, "department");
	return NULL;
}

static void list_render(mw_page *pg, int status, json_t *answer)
{
	static const char *const done[] = { "saved", "deleted" };
	struct tpl_state *st = pg->data;
	json_t *items = json_object_get(answer, "items"), *it, *cat;
	size_t i;

	if (status != 200) {
		staff_fail(pg, status);
		return;
	}
	json_array_foreach(items, i, it) {
		const char *code = staff_str(it, "category");
		json_t *opts = json_array();
		size_t k;

		json_object_set_new(it, "category_text",
				    json_string(code ? staff_category_name(pg, code, NULL)
						     : mw_page_msg(pg, "tpl.general")));
		json_object_set_new(it, "editable", json_boolean(code ? may_keep(pg, department_of(pg, code))
								     : pg->r->auth->role == MW_ROLE_ADMIN));
		/* The edit form's category choice starts at the template's own. */
		json_array_foreach(json_object_get(pg->view, "keepable"), k, cat)
			json_array_append_new(opts, json_pack("{s:O, s:O, s:b}", "code", json_object_get(cat, "code"),
							      "name", json_object_get(cat, "name"), "selected",
							      code && !strcmp(code, staff_str(cat, "code"))));
		json_object_set_new(it, "options", opts);
	}
	json_object_set(pg->view, "items", items);
	json_object_set_new(pg->view, "has_items", json_boolean(json_array_size(items) > 0));
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "tpl.title")));
	staff_notes(pg, "tpl.", done, MW_ARRAY_LEN(done), NULL, 0);
	if (st && st->error_key) {
		json_object_set_new(pg->view, "error", json_string(mw_page_msg(pg, st->error_key)));
		json_object_set_new(pg->view, "new_title", json_string(mw_page_field(pg, "title")));
		json_object_set_new(pg->view, "new_body", json_string(mw_page_field(pg, "body")));
	}
	mw_page_render(pg, st && st->status ? st->status : 200, "staff_templates");
}

static void got_categories(mw_page *pg, int status, json_t *answer)
{
	json_t *all = json_array(), *keep = json_array(), *it;
	const char *filter = mw_req_query(pg->r, "category");
	size_t i;

	(void)status;
	json_array_foreach(json_object_get(answer, "items"), i, it) {
		const char *code = staff_str(it, "code"), *dept = staff_str(it, "department");
		json_t *c;

		if (!code)
			continue;
		c = json_pack("{s:s, s:s?, s:s?, s:b}", "code", code, "name",
			      staff_category_name(pg, code, staff_str(it, "name")), "department", dept,
			      "selected", filter && !strcmp(filter, code));
		if (may_keep(pg, dept))
			json_array_append(keep, c);
		json_array_append_new(all, c);
	}
	json_object_set_new(pg->view, "categories", all);
	json_object_set_new(pg->view, "keepable", keep);
	json_object_set_new(pg->view, "may_add", json_boolean(json_array_size(keep) > 0 ||
							      pg->r->auth->role == MW_ROLE_ADMIN));
	staff_call(pg, PERM_ACT, api_templates, NULL, list_render);
}

static void show_list(mw_page *pg)
{
	staff_call(pg, PERM_PUBLIC, api_categories, NULL, got_categories);
}

int web_staff_templates(mw_req *r)
{
	mw_page *pg = staff_begin(r, "templates");

	if (pg)
		show_list(pg);
	return MW_OK;
}

static void saved(mw_page *pg, int status, json_t *answer)
{
	struct tpl_state *st = mw_arena_alloc(&pg->r->arena, sizeof(*st));
	const char *code = staff_str(json_object_get(answer, "error"), "code");

	if (status == 200 || status == 201) {
		mw_page_redirect(pg, pg->data ? "/staff/templates?done=deleted" : "/staff/templates?done=saved");
		return;
	}
	if (!st || status == 404 || status >= 500) {
		staff_fail(pg, st ? status : 503);
		return;
	}
	st->status = status;
	st->error_key = status == 403 ? "tpl.err_forbidden"
			: status == 413 ? "tpl.err_long"
			: code && !strcmp(code, "missing_field") ? "tpl.err_missing" : "tpl.err_invalid";
	pg->data = st;
	/* The list is read again without the post's category filter. */
	mw_req_set_query(pg->r, "category", NULL);
	show_list(pg);
}

int web_staff_template_save(mw_req *r)
{
	mw_page *pg = staff_begin(r, "templates");
	json_t *body;
	const char *v;
	int64_t id;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	body = json_pack("{s:s, s:s}", "title", mw_page_field(pg, "title"), "body",
			 mw_page_field(pg, "body"));
	if (body && (v = staff_field(pg, "category")))
		json_object_set_new(body, "category", json_string(v));
	if (body && !mw_parse_i64(mw_page_field(pg, "id"), 1, INT64_MAX, &id))
		json_object_set_new(body, "id", json_integer(id));
	mw_page_post(pg, api_template_put, body, saved);
	return MW_OK;
}

int web_staff_template_delete(mw_req *r)
{
	mw_page *pg = staff_begin(r, "templates");

	if (!pg || mw_page_form(pg))
		return MW_OK;
	pg->data = (void *)"deleted";
	mw_page_call(pg, api_template_delete, NULL, saved);
	return MW_OK;
}

/*
 * staff_common.c - the parts every page of the staff console shares
 * (staff_int.h): the signed-in person and what the role may do, the
 * console's menu and assets, permission-checked in-process API calls,
 * names of departments and categories in the page's language, notes
 * after an action.
 */
#include "staff_int.h"
#include "../base/mw.h"
#include "../store/store.h"

#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

/* What the view's can.* says: a role's permissions, for showing only the
 * controls the API would accept from that role. */
static const struct {
	const char *name;
	mw_perm perm;
} role_can[] = {
	{ "queue", PERM_QUEUE },     { "read", PERM_READ },
	{ "act", PERM_ACT },         { "assign", PERM_ASSIGN },
	{ "reveal", PERM_REVEAL },   { "stats", PERM_STATS },
	{ "templates", PERM_TEMPLATES }, { "counsel", PERM_COUNSEL },
};

/* The staff's other pages in the console's menu (can.field, can.desk):
 * offered to a role that may use every route the page needs, as the
 * route table (pages.def) says, so the menu never shows a page that would
 * answer 403. */
static const struct {
	const char *name;
	const char *routes[4];    /* route names, NULL-terminated */
} role_pages[] = {
	{ "field", { "page_field", "page_field_file", NULL } },
	{ "desk", { "page_desk", "page_desk_file", "page_desk_lookup", NULL } },
};

static bool may_use_route(const mw_auth *auth, const char *name)
{
	for (size_t i = 0; i < mw_routes_count(); i++) {
		const mw_route *rt = mw_route_at(i);

		if (!strcmp(rt->name, name))
			return mw_authz_route(auth, rt->perm) == MW_OK;
	}
	return false;
}

static bool may_use_page(const mw_auth *auth, const char *const *routes)
{
	for (; *routes; routes++)
		if (!may_use_route(auth, *routes))
			return false;
	return true;
}

/* The menu's "알림 3" (before_render, on pages that are drawn): one count
 * over the partial index of unread items. A failed count leaves the
 * number out; the page does not depend on it. */
static void menu_counts(mw_page *pg)
{
	int64_t n;

	if (!mw_store_inbox_unread(pg->r->app->store, pg->r->auth->login, &n) && n > 0)
		json_object_set_new(pg->view, "inbox_unread", json_integer(n));
}

mw_page *staff_begin(mw_req *r, const char *nav)
{
	mw_page *pg = mw_page_begin(r);
	json_t *can, *me;

	if (!pg)
		return NULL;
	can = json_object();
	for (size_t i = 0; r->auth && i < MW_ARRAY_LEN(role_can); i++)
		json_object_set_new(can, role_can[i].name,
				    json_boolean(mw_authz_role_has(r->auth->role, role_can[i].perm)));
	for (size_t i = 0; r->auth && i < MW_ARRAY_LEN(role_pages); i++)
		json_object_set_new(can, role_pages[i].name,
				    json_boolean(may_use_page(r->auth, role_pages[i].routes)));
	json_object_set_new(can, "admin", json_boolean(r->auth && r->auth->role == MW_ROLE_ADMIN));
	json_object_set_new(can, "inbox", json_boolean(mw_authz_inbox(r->auth)));
	if (mw_authz_inbox(r->auth))
		pg->before_render = menu_counts;
	json_object_set_new(pg->view, "can", can);
	me = r->auth ? json_pack("{s:s, s:s}", "login", r->auth->login, "role_text",
				 mw_page_msg2(pg, "role.", mw_role_name(r->auth->role)))
		     : json_null();
	json_object_set_new(pg->view, "me", me);
	json_object_set_new(pg->view, "staff", json_true());
	mw_page_assets(pg, "staff.css", "staff.js");
	if (nav) {
		char key[32];

		snprintf(key, sizeof(key), "nav_%s", nav);
		json_object_set_new(pg->view, key, json_true());
	}
	return pg;
}

void staff_call(mw_page *pg, mw_perm perm, mw_handler h, json_t *body, mw_page_then then)
{
	if (mw_authz_route(pg->r->auth, perm)) {
		then(pg, pg->r->auth ? 403 : 401, NULL);
		return;
	}
	mw_page_call(pg, h, body, then);
}

const char *staff_str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const char *staff_field(const mw_page *pg, const char *name)
{
	const char *v = mw_page_field(pg, name);
	size_t n;

	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
		n--;
	return n ? mw_arena_strndup(&pg->r->arena, v, n) : NULL;
}

void staff_keep_departments(mw_page *pg, json_t *answer, const char *selected)
{
	json_t *items = json_object_get(answer, "items"), *out = json_array(), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		const char *code = staff_str(it, "code"), *en = staff_str(it, "name_en");
		const char *name = pg->lang == MW_LANG_EN && en && *en ? en : staff_str(it, "name_ko");

		if (!code)
			continue;
		json_array_append_new(out, json_pack("{s:s, s:s?, s:b}", "code", code, "name", name,
						     "selected", selected && !strcmp(selected, code)));
	}
	json_object_set_new(pg->view, "departments", out);
}

const char *staff_department_name(mw_page *pg, const char *code, const char *ko_name)
{
	json_t *list = json_object_get(pg->view, "departments"), *it;
	size_t i;

	if (!code)
		return ko_name;
	json_array_foreach(list, i, it) {
		const char *c = staff_str(it, "code");

		if (c && !strcmp(c, code) && staff_str(it, "name"))
			return staff_str(it, "name");
	}
	return ko_name ? ko_name : code;
}

const char *staff_category_name(mw_page *pg, const char *code, const char *ko_name)
{
	const char *name = mw_page_category(pg, code, ko_name);

	/* The triage category is not among the public ones. */
	return name || !code ? name : mw_page_msg2(pg, "category.", code);
}

void staff_add_date(mw_page *pg, json_t *obj, const char *key, bool with_time)
{
	char k[64];
	const char *d = mw_page_date(pg, staff_str(obj, key), with_time);

	snprintf(k, sizeof(k), "%s_text", key);
	if (d)
		json_object_set_new(obj, k, json_string(d));
}

static const char *allowed_word(mw_page *pg, const char *param, const char *const *words,
				size_t n)
{
	const char *v = mw_req_query(pg->r, param);

	for (size_t i = 0; v && i < n; i++)
		if (!strcmp(v, words[i]))
			return words[i];
	return NULL;
}

void staff_notes(mw_page *pg, const char *prefix, const char *const *done, size_t ndone,
		 const char *const *err, size_t nerr)
{
	const char *w;
	char p[48];

	if ((w = allowed_word(pg, "done", done, ndone))) {
		snprintf(p, sizeof(p), "%sdone.", prefix);
		json_object_set_new(pg->view, "note", json_string(mw_page_msg2(pg, p, w)));
	}
	if ((w = allowed_word(pg, "err", err, nerr))) {
		snprintf(p, sizeof(p), "%serr.", prefix);
		json_object_set_new(pg->view, "error", json_string(mw_page_msg2(pg, p, w)));
	}
}

const char *staff_urlenc(mw_page *pg, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = mw_arena_alloc(&pg->r->arena, 3 * n + 1), *o = out;

	if (!out)
		return "";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

void staff_fail(mw_page *pg, int status)
{
	mw_web_error_page(pg->r, status >= 400 ? status : 500);
}

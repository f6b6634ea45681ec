/*
 * admin.c - the administrator's pages (/admin): staff users and roles,
 * departments, the category -> department map with processing periods,
 * holidays, the chatbot's FAQ and the answer templates.
 *
 * Every area is a row of `sections`: the API handlers it lists, saves and
 * deletes with, the key of an item, and the fields of its "add" and "edit"
 * forms. Five generic handlers serve them all:
 *
 *   GET  /admin/{s}               the list and the "add" form
 *   POST /admin/{s}               add            -> 303 /admin/{s}?done=added
 *   GET  /admin/{s}/{key}         the "edit" form
 *   POST /admin/{s}/{key}         save           -> 303 /admin/{s}?done=saved
 *   POST /admin/{s}/{key}/delete  delete         -> 303 /admin/{s}?done=deleted
 *                                                   (or done=retired)
 *
 * A refused form comes back with the person's values and each API error
 * tied to the field it names (the field whose API name the message
 * mentions first), in the catalogue's words: admin.<s>.<field>.<code>, else
 * admin.err.<code>. Every edit form carries the version of the item it
 * was drawn from; the API refuses a save or delete based on an old one
 * (409 stale_version), and the page says so with a link that reloads the
 * item. A delete the API refuses because the item is still in use shows
 * what uses it. Nothing here checks a rule the API checks; the routes
 * are PERM_ADMIN, so dispatch refuses other roles with the 403 page before
 * a handler runs.
 */
#include "web_int.h"
#include "../api/app.h"
#include "../base/mw.h"
#include "../base/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* ---- the sections ------------------------------------------------------- */

enum ctl { CTL_TEXT, CTL_AREA, CTL_SELECT, CTL_PASSWORD, CTL_DATE, CTL_NUMBER, CTL_CHECK };

typedef json_t *(*options_fn)(mw_page *pg, const char *chosen);

struct field {
	const char *name;         /* the form's field, named as the API names it */
	enum ctl ctl;
	bool required;
	options_fn options;       /* CTL_SELECT */
	const char *autocomplete; /* NULL: none */
};

typedef void (*item_fn)(mw_page *pg, json_t *item);
typedef void (*body_fn)(mw_page *pg, json_t *body);

struct section {
	const char *name;            /* the path segment and catalogue area */
	mw_handler list, put, del;   /* del NULL: items are never deleted */
	const char *key;             /* the member naming an item */
	const struct field *add, *edit; /* edit NULL: no edit page (deleted from the list) */
	bool create;                 /* "add" sends "create": true (never replaces) */
	body_fn adjust;              /* the API's JSON where the form differs (or NULL) */
	item_fn show;                /* display values of a listed item */
	item_fn fill;                /* item -> values of the edit form (NULL: the same names) */
};

/* What a refused form needs to come back. */
struct page_state {
	const struct section *s;
	const char *key;             /* the edited item, NULL for "add" */
	json_t *errors;              /* {"field": "message"} */
	const char *form_error;
	bool stale;                  /* someone else changed or deleted it: offer a reload */
	bool deleting;               /* a refused delete (nothing was typed) */
	json_t *uses;                /* a refused delete: [{text}] of what uses it (view-owned) */
};

/* ---- small helpers ------------------------------------------------------ */

static const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* A catalogue text that may be absent (hints, specific error texts). */
static const char *msg_opt(const mw_page *pg, const char *key)
{
	const char *t = mw_catalog_get(pg->web->cat[pg->lang], key);

	return t ? t : mw_catalog_get(pg->web->cat[MW_LANG_KO], key);
}

/* A catalogue key made of parts, e.g. ("admin.%s.%s", "users", "login"). */
static const char *keyf(mw_page *pg, const char *fmt, const char *a, const char *b)
{
	return mw_arena_printf(&pg->r->arena, fmt, a, b ? b : "");
}

static const char *msgf(mw_page *pg, const char *fmt, const char *a, const char *b)
{
	const char *key = keyf(pg, fmt, a, b);

	return key ? mw_page_msg(pg, key) : "";
}

/* A form value with blanks around it removed; NULL when nothing is left. */
static const char *form_opt(const mw_page *pg, const char *name)
{
	const char *v = mw_page_field(pg, name);

	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	return *v ? v : NULL;
}

static json_t *option(const char *value, const char *label, const char *chosen)
{
	return json_pack("{s:s, s:s, s:b}", "value", value, "label", label ? label : value,
			 "selected", chosen && !strcmp(chosen, value));
}

/* The item's key as text (template ids are numbers). */
static const char *item_key(mw_page *pg, const struct section *s, json_t *item)
{
	json_t *v = json_object_get(item, s->key);

	if (json_is_integer(v))
		return mw_arena_printf(&pg->r->arena, "%lld", (long long)json_integer_value(v));
	return json_string_value(v);
}

static json_t *find_item(mw_page *pg, const struct section *s, json_t *answer, const char *key)
{
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(answer, "items"), i, it) {
		const char *k = item_key(pg, s, it);

		if (k && key && !strcmp(k, key))
			return it;
	}
	return NULL;
}

/* ---- select options ------------------------------------------------------ */

static const char *const roles[] = { "admin", "manager", "officer", "desk", "field", "auditor" };

static json_t *role_options(mw_page *pg, const char *chosen)
{
	json_t *o = json_array();

	for (size_t i = 0; i < MW_ARRAY_LEN(roles); i++)
		json_array_append_new(o, option(roles[i], mw_page_msg2(pg, "role.", roles[i]),
						chosen));
	return o;
}

static const char *department_name(mw_page *pg, const mw_department *d)
{
	return pg->lang == MW_LANG_EN && d->name_en && *d->name_en ? d->name_en : d->name_ko;
}

static json_t *department_list(mw_page *pg, const char *chosen, const char *none_label)
{
	json_t *o = json_array();
	mw_refdata *ref = mw_app_ref_get(pg->r->app);

	if (none_label)
		json_array_append_new(o, option("", mw_page_msg(pg, none_label), chosen));
	for (size_t i = 0; i < ref->ndepartments; i++)
		if (!ref->departments[i].retired || (chosen && !strcmp(chosen, ref->departments[i].code)))
			json_array_append_new(o, option(ref->departments[i].code,
							department_name(pg, &ref->departments[i]),
							chosen));
	mw_app_ref_put(pg->r->app, ref);
	return o;
}

static json_t *department_options(mw_page *pg, const char *chosen)
{
	return department_list(pg, chosen, NULL);
}

static json_t *department_or_none(mw_page *pg, const char *chosen)
{
	return department_list(pg, chosen, "admin.users.no_department");
}

/* Categories with a first entry for "every category" (general). */
static json_t *category_list(mw_page *pg, const char *chosen, const char *general)
{
	json_t *o = json_array();
	mw_refdata *ref = mw_app_ref_get(pg->r->app);

	json_array_append_new(o, option(general, mw_page_msg(pg, "admin.general"), chosen));
	for (size_t i = 0; i < ref->ncategories; i++) {
		const mw_category *c = &ref->categories[i];

		if (strcmp(c->code, MW_TRIAGE_CATEGORY) && !c->retired)
			json_array_append_new(o, option(c->code, mw_page_category(pg, c->code, c->name_ko),
							chosen));
	}
	mw_app_ref_put(pg->r->app, ref);
	return o;
}

static json_t *faq_categories(mw_page *pg, const char *chosen)
{
	return category_list(pg, chosen ? chosen : "general", "general");
}

static json_t *template_categories(mw_page *pg, const char *chosen)
{
	return category_list(pg, chosen ? chosen : "", "");
}

static json_t *period_units(mw_page *pg, const char *chosen)
{
	json_t *o = json_array();

	json_array_append_new(o, option("d", mw_page_msg(pg, "admin.unit.d"), chosen ? chosen : "d"));
	json_array_append_new(o, option("h", mw_page_msg(pg, "admin.unit.h"), chosen));
	return o;
}

/* The display name of a category code ("general" and "" are for all). */
static const char *category_text(mw_page *pg, const char *code)
{
	mw_refdata *ref;
	const mw_category *c;
	const char *name = NULL;

	if (!code || !*code || !strcmp(code, "general"))
		return mw_page_msg(pg, "admin.general");
	ref = mw_app_ref_get(pg->r->app);
	if ((c = mw_ref_category(ref, code)))
		name = mw_arena_strdup(&pg->r->arena, mw_page_category(pg, code, c->name_ko));
	mw_app_ref_put(pg->r->app, ref);
	return name ? name : code;
}

/* ---- users ------------------------------------------------------------- */

static const struct field user_add[] = {
	{ "login", CTL_TEXT, true, NULL, "off" },
	{ "name", CTL_TEXT, false, NULL, "off" },
	{ "role", CTL_SELECT, true, role_options, NULL },
	{ "department", CTL_SELECT, false, department_or_none, NULL },
	{ "password", CTL_PASSWORD, true, NULL, "new-password" },
	{ "email", CTL_TEXT, false, NULL, "off" },
	{ "phone", CTL_TEXT, false, NULL, "off" },
	{ NULL, 0, false, NULL, NULL },
};

static const struct field user_edit[] = {
	{ "name", CTL_TEXT, false, NULL, "off" },
	{ "role", CTL_SELECT, true, role_options, NULL },
	{ "department", CTL_SELECT, false, department_or_none, NULL },
	{ "password", CTL_PASSWORD, false, NULL, "new-password" },
	{ "email", CTL_TEXT, false, NULL, "off" },
	{ "phone", CTL_TEXT, false, NULL, "off" },
	{ "disabled", CTL_CHECK, false, NULL, NULL },
	{ NULL, 0, false, NULL, NULL },
};

/* The work e-mail and phone notices go to. The API lists them masked, so
 * the edit form starts empty (left empty, they stay as they are) and "-"
 * clears one (the API clears a field sent empty). */
static const char *const user_contacts[] = { "email", "phone" };

static void user_adjust(mw_page *pg, json_t *b)
{
	for (size_t i = 0; i < MW_ARRAY_LEN(user_contacts); i++) {
		const char *v = jstr(b, user_contacts[i]);

		if (v && !strcmp(v, "-"))
			json_object_set_new(b, user_contacts[i], json_string(""));
	}
	(void)pg;
}

static void user_fill(mw_page *pg, json_t *u)
{
	for (size_t i = 0; i < MW_ARRAY_LEN(user_contacts); i++)
		json_object_set_new(u, user_contacts[i], json_string(""));
	(void)pg;
}

static void user_show(mw_page *pg, json_t *u)
{
	const char *dep = jstr(u, "department");
	const char *state = json_is_true(json_object_get(u, "disabled")) ? "disabled"
			    : json_is_true(json_object_get(u, "locked"))  ? "locked"
									   : "active";

	json_object_set_new(u, "role_text", json_string(mw_page_msg2(pg, "role.", jstr(u, "role"))));
	if (dep) {
		mw_refdata *ref = mw_app_ref_get(pg->r->app);
		const mw_department *d = mw_ref_department(ref, dep);

		json_object_set_new(u, "department_text", json_string(d ? department_name(pg, d) : dep));
		mw_app_ref_put(pg->r->app, ref);
	}
	json_object_set_new(u, "state", json_string(state));
	json_object_set_new(u, "state_text", json_string(mw_page_msg2(pg, "admin.users.state.", state)));
	/* The masked addresses, for the list and the edit page's summary. */
	{
		const char *email = jstr(u, "email"), *phone = jstr(u, "phone");

		if (email || phone)
			json_object_set_new(u, "contact_text",
					    json_string(mw_arena_printf(&pg->r->arena, "%s%s%s",
									email ? email : "",
									email && phone ? " · " : "",
									phone ? phone : "")));
	}
}

/* ---- departments, categories, holidays ---------------------------------- */

/* A retired department or category (kept for the history of complaints
 * filed under it) is marked in the lists and explained on its page. */
static void retired_show(mw_page *pg, json_t *item)
{
	if (!json_is_true(json_object_get(item, "retired")))
		return;
	json_object_set_new(item, "state", json_string("retired"));
	json_object_set_new(item, "state_text", json_string(mw_page_msg(pg, "admin.state.retired")));
	json_object_set_new(item, "note", json_string(mw_page_msg(pg, "admin.retired_note")));
}

static const struct field department_add[] = {
	{ "code", CTL_TEXT, true, NULL, "off" },
	{ "name_ko", CTL_TEXT, true, NULL, "off" },
	{ "name_en", CTL_TEXT, false, NULL, "off" },
	{ NULL, 0, false, NULL, NULL },
};

static const struct field category_add[] = {
	{ "code", CTL_TEXT, true, NULL, "off" },
	{ "name_ko", CTL_TEXT, true, NULL, "off" },
	{ "department", CTL_SELECT, true, department_options, NULL },
	{ "period", CTL_NUMBER, true, NULL, NULL },
	{ "period_unit", CTL_SELECT, true, period_units, NULL },
	{ NULL, 0, false, NULL, NULL },
};

/* The form has the period's number and unit apart; the API wants "7d". */
static void category_adjust(mw_page *pg, json_t *b)
{
	const char *n = form_opt(pg, "period");

	json_object_del(b, "period_unit");
	if (n)
		json_object_set_new(b, "period",
				    json_string(mw_arena_printf(&pg->r->arena, "%s%s", n,
								!strcmp(mw_page_field(pg, "period_unit"), "h")
									? "h" : "d")));
}

/* "7d" -> 7 and "d", for the edit form and the list. */
static void split_period(mw_page *pg, json_t *c)
{
	const char *p = jstr(c, "period");
	size_t n = p ? strlen(p) : 0;

	if (n < 2)
		return;
	json_object_set_new(c, "period_n", json_string(mw_arena_strndup(&pg->r->arena, p, n - 1)));
	json_object_set_new(c, "period_unit", json_string(p[n - 1] == 'h' ? "h" : "d"));
}

static void category_text_and_period(mw_page *pg, json_t *c)
{
	const char *dep = jstr(c, "department");
	mw_refdata *ref = mw_app_ref_get(pg->r->app);
	const mw_department *d = dep ? mw_ref_department(ref, dep) : NULL;

	json_object_set_new(c, "name_text",
			    json_string(mw_page_category(pg, jstr(c, "code"), jstr(c, "name"))));
	json_object_set_new(c, "department_text",
			    json_string(d ? department_name(pg, d) : dep ? dep : ""));
	mw_app_ref_put(pg->r->app, ref);
	split_period(pg, c);
	json_object_set_new(c, "period_text",
			    json_string(mw_page_msg2(pg, "admin.unit.", jstr(c, "period_unit"))));
}

static void category_show(mw_page *pg, json_t *c)
{
	retired_show(pg, c);
	if (json_is_true(json_object_get(c, "triage"))) {
		json_object_set_new(c, "state", json_string("triage"));
		json_object_set_new(c, "state_text",
				    json_string(mw_page_msg(pg, "admin.categories.triage_badge")));
		json_object_set_new(c, "note", json_string(mw_page_msg(pg, "admin.categories.triage_note")));
	}
	category_text_and_period(pg, c);
}

static void category_fill(mw_page *pg, json_t *c)
{
	split_period(pg, c);
	json_object_set(c, "name_ko", json_object_get(c, "name"));
	json_object_set(c, "period", json_object_get(c, "period_n"));
}

static const struct field holiday_add[] = {
	{ "date", CTL_DATE, true, NULL, NULL },
	{ "name", CTL_TEXT, true, NULL, "off" },
	{ "temporary", CTL_CHECK, false, NULL, NULL },
	{ NULL, 0, false, NULL, NULL },
};

static void holiday_show(mw_page *pg, json_t *h)
{
	const char *iso = mw_arena_printf(&pg->r->arena, "%sT00:00:00+09:00", jstr(h, "date"));
	const char *text = mw_page_date(pg, iso, false);

	json_object_set_new(h, "date_text", json_string(text));
	json_object_set_new(h, "delete_label",
			    json_string(mw_page_msg_fill(pg, "admin.holidays.delete_label", text)));
}

/* ---- FAQ and answer templates ------------------------------------------- */

static const struct field faq_fields[] = {
	{ "question", CTL_TEXT, true, NULL, "off" },
	{ "answer", CTL_AREA, true, NULL, NULL },
	{ "category", CTL_SELECT, false, faq_categories, NULL },
	{ "question_en", CTL_TEXT, false, NULL, "off" },
	{ "answer_en", CTL_AREA, false, NULL, NULL },
	{ NULL, 0, false, NULL, NULL },
};

static void with_category_text(mw_page *pg, json_t *item)
{
	json_object_set_new(item, "category_text", json_string(category_text(pg, jstr(item, "category"))));
}

/* Template ids are numbers. */
static void template_adjust(mw_page *pg, json_t *b)
{
	int64_t id;

	if (!mw_parse_i64(jstr(b, "id"), 1, INT64_MAX, &id))
		json_object_set_new(b, "id", json_integer(id));
	(void)pg;
}

static const struct field template_fields[] = {
	{ "title", CTL_TEXT, true, NULL, "off" },
	{ "category", CTL_SELECT, false, template_categories, NULL },
	{ "body", CTL_AREA, true, NULL, NULL },
	{ NULL, 0, false, NULL, NULL },
};

static const struct section sections[] = {
	{ "users", api_admin_users, api_admin_user_put, NULL, "login", user_add, user_edit, true,
	  user_adjust, user_show, user_fill },
	{ "departments", api_admin_departments, api_admin_department_put,
	  api_admin_department_delete, "code", department_add, department_add + 1, true, NULL,
	  retired_show, NULL },
	{ "categories", api_admin_categories, api_admin_category_put, api_admin_category_delete,
	  "code", category_add, category_add + 1, true, category_adjust, category_show,
	  category_fill },
	{ "holidays", api_admin_holidays, api_admin_holiday_put, api_admin_holiday_delete, "date",
	  holiday_add, NULL, false, NULL, holiday_show, NULL },
	{ "faq", api_admin_faq, api_admin_faq_put, api_admin_faq_delete, "id", faq_fields,
	  faq_fields, false, NULL, with_category_text, NULL },
	{ "templates", api_templates, api_template_put, api_template_delete, "id", template_fields,
	  template_fields, false, template_adjust, with_category_text, NULL },
};

/* The API's JSON body from a form: the item's key, then each field as the
 * API names it — text trimmed and left out when empty (the API says what
 * is required), a password as typed, a checkbox as true or false. */
static json_t *form_body(mw_page *pg, const struct section *s, const char *key)
{
	json_t *b = json_object();
	int64_t version;

	if (key)
		json_object_set_new(b, s->key, json_string(key));
	else if (s->create)
		json_object_set_new(b, "create", json_true());
	for (const struct field *f = key ? s->edit : s->add; f->name; f++) {
		const char *v = f->ctl == CTL_PASSWORD ? mw_page_field(pg, f->name)
							: form_opt(pg, f->name);

		if (f->ctl == CTL_CHECK)
			json_object_set_new(b, f->name, json_boolean(!strcmp(mw_page_field(pg, f->name),
									      "yes")));
		else if (v && *v)
			json_object_set_new(b, f->name, json_string(v));
	}
	if (key && mw_parse_i64(mw_page_field(pg, "version"), 1, INT64_MAX, &version) == MW_OK)
		json_object_set_new(b, "version", json_integer(version));
	if (s->adjust)
		s->adjust(pg, b);
	return b;
}

static const struct section *section_named(const char *name)
{
	for (size_t i = 0; name && i < MW_ARRAY_LEN(sections); i++)
		if (!strcmp(sections[i].name, name))
			return &sections[i];
	return NULL;
}

/* ---- building the view -------------------------------------------------- */

static void admin_view(mw_page *pg, const struct section *cur, const char *title)
{
	json_t *nav = json_array();

	for (size_t i = 0; i < MW_ARRAY_LEN(sections); i++)
		json_array_append_new(nav, json_pack("{s:s, s:s, s:b}", "href",
						     mw_arena_printf(&pg->r->arena, "/admin/%s",
								     sections[i].name),
						     "label", msgf(pg, "admin.%s.heading", sections[i].name, NULL),
						     "current", cur == &sections[i]));
	json_object_set_new(pg->view, "admin_nav", nav);
	json_object_set_new(pg->view, "staff", json_true());
	json_object_set_new(pg->view, "title", json_string(title));
	mw_page_assets(pg, "admin.css", NULL);
}

/* One control of a form: every member set, so that a lookup in the
 * template never reaches a value of an outer context. */
static json_t *field_view(mw_page *pg, const struct section *s, const char *form_id,
			  const struct field *f, json_t *values, json_t *errors)
{
	const char *fid = mw_arena_printf(&pg->r->arena, "%s-%s", form_id, f->name);
	const char *hint = msg_opt(pg, keyf(pg, "admin.%s.%s.hint", s->name, f->name));
	const char *error = jstr(errors, f->name);
	const char *value = f->ctl == CTL_PASSWORD ? "" : jstr(values, f->name);
	const char *desc = hint && error ? mw_arena_printf(&pg->r->arena, "%s-hint %s-error", fid, fid)
			   : hint	 ? mw_arena_printf(&pg->r->arena, "%s-hint", fid)
			   : error	 ? mw_arena_printf(&pg->r->arena, "%s-error", fid)
					 : NULL;
	static const char *const types[] = { [CTL_TEXT] = "text", [CTL_PASSWORD] = "password",
					     [CTL_DATE] = "date", [CTL_NUMBER] = "number" };
	json_t *v = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:b, s:b, s:b, s:b, s:b, s:b, s:s?, "
			      "s:s?}",
			      "fid", fid, "name", f->name,
			      "label", msgf(pg, "admin.%s.%s", s->name, f->name),
			      "hint", hint, "error", error, "value", value ? value : "",
			      "required", f->required, "invalid", error != NULL,
			      "check", f->ctl == CTL_CHECK, "area", f->ctl == CTL_AREA,
			      "select", f->ctl == CTL_SELECT,
			      "checked", f->ctl == CTL_CHECK && json_is_true(json_object_get(values, f->name)),
			      "autocomplete", f->autocomplete, "describedby", desc);

	json_object_set_new(v, "input", json_boolean(f->ctl < MW_ARRAY_LEN(types) && types[f->ctl]));
	json_object_set_new(v, "type", f->ctl < MW_ARRAY_LEN(types) && types[f->ctl]
						? json_string(types[f->ctl]) : json_null());
	json_object_set_new(v, "options", f->options ? f->options(pg, value) : json_null());
	json_object_set_new(v, "number", json_boolean(f->ctl == CTL_NUMBER));
	return v;
}

/* The form's values from what was posted (a checkbox is true or absent). */
static json_t *posted_values(mw_page *pg, const struct field *fields)
{
	json_t *v = json_pack("{s:s}", "version", mw_page_field(pg, "version"));

	for (const struct field *f = fields; f->name; f++)
		json_object_set_new(v, f->name, f->ctl == CTL_CHECK
							? json_boolean(!strcmp(mw_page_field(pg, f->name), "yes"))
							: json_string(mw_page_field(pg, f->name)));
	return v;
}

/* A form of one button with hidden fields (delete, unlock). */
static json_t *button_form(mw_page *pg, const char *id, const char *action, const char *submit_key,
			   const char *note_key, const char *class)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:[]}", "id", id, "action", action, "submit",
			 mw_page_msg(pg, submit_key), "note", note_key ? mw_page_msg(pg, note_key) : NULL,
			 "class", class, "hidden");
}

static void add_hidden(json_t *form, const char *name, const char *value)
{
	json_array_append_new(json_object_get(form, "hidden"),
			      json_pack("{s:s, s:s}", "name", name, "value", value ? value : ""));
}

/* Why a form or a delete was refused (admin_failure.html): the text, what
 * still uses the item, and where to reload it; null when nothing was. */
static json_t *failure_view(mw_page *pg, const struct page_state *st, const char *id,
			    const char *reload)
{
	if (!st || !st->form_error)
		return json_null();
	return json_pack("{s:s, s:s, s:b, s:O, s:s?}", "fid", id, "text", st->form_error,
			 "has_uses", json_array_size(st->uses) > 0, "uses",
			 st->uses ? st->uses : json_null(), "reload", st->stale ? reload : NULL);
}

/* The version an edit form was drawn from, as text ("" for none). */
static const char *version_text(mw_page *pg, json_t *values)
{
	json_t *v = json_object_get(values, "version");

	if (json_is_integer(v))
		return mw_arena_printf(&pg->r->arena, "%lld", (long long)json_integer_value(v));
	return json_is_string(v) ? json_string_value(v) : "";
}

static json_t *form_view(mw_page *pg, const struct section *s, const char *id, const char *action,
			 const char *submit_key, const struct field *fields, json_t *values,
			 const struct page_state *st)
{
	json_t *form, *list = json_array(), *errs = json_array();
	json_t *errors = st ? st->errors : NULL;
	const char *version = version_text(pg, values);

	for (const struct field *f = fields; f->name; f++) {
		json_t *fv = field_view(pg, s, id, f, values, errors);

		if (json_is_true(json_object_get(fv, "invalid")))
			json_array_append_new(errs, json_pack("{s:O, s:O, s:O}", "fid",
							      json_object_get(fv, "fid"), "label",
							      json_object_get(fv, "label"), "message",
							      json_object_get(fv, "error")));
		json_array_append_new(list, fv);
	}
	form = json_pack("{s:s, s:s, s:s, s:o, s:b, s:o, s:o, s:[]}", "id", id, "action", action,
			 "submit", mw_page_msg(pg, submit_key), "fields", list, "has_errors",
			 json_array_size(errs) > 0, "errors", errs, "failure",
			 failure_view(pg, st, mw_arena_printf(&pg->r->arena, "%s-failed", id),
				      mw_arena_printf(&pg->r->arena, "/admin/%s%s%s", s->name,
						      st && st->key ? "/" : "",
						      st && st->key ? st->key : "")),
			 "hidden");
	if (*version)
		add_hidden(form, "version", version);
	return form;
}

/* ---- notes after an action ------------------------------------------------ */

static const char *const done_notes[] = { "added", "saved", "deleted", "retired" };

static void done_note(mw_page *pg)
{
	const char *v = mw_req_query(pg->r, "done");

	for (size_t i = 0; v && i < MW_ARRAY_LEN(done_notes); i++)
		if (!strcmp(v, done_notes[i]))
			json_object_set_new(pg->view, "done",
					    json_string(mw_page_msg2(pg, "admin.done.", v)));
}

/* ---- lists and the "add" form --------------------------------------------- */

static int current_year(void)
{
	mw_civil c;

	mw_time_to_kst(mw_now(), &c);
	return c.year;
}

static void holiday_years(mw_page *pg)
{
	int64_t y;

	if (mw_parse_i64(mw_req_query(pg->r, "year"), 1900, 2999, &y))
		y = current_year();
	json_object_set_new(pg->view, "year", json_integer(y));
	json_object_set_new(pg->view, "year_prev", json_integer(y - 1));
	json_object_set_new(pg->view, "year_next", json_integer(y + 1));
}

static void list_render(mw_page *pg, int status, json_t *answer)
{
	struct page_state *st = pg->data;
	const struct section *s = st->s;
	json_t *items = json_object_get(answer, "items"), *it, *values;
	const char *action;
	size_t i;

	if (status != 200 || !items) {
		mw_web_error_page(pg->r, status >= 400 ? status : 500);
		return;
	}
	json_array_foreach(items, i, it) {
		const char *k = s->key ? item_key(pg, s, it) : NULL;

		if (s->show)
			s->show(pg, it);
		if (k && s->edit)
			json_object_set_new(it, "edit_href",
					    json_string(mw_arena_printf(&pg->r->arena, "/admin/%s/%s",
									s->name, k)));
		/* Without an edit page, an item is deleted from its row. */
		if (k && !s->edit && s->del) {
			json_object_set_new(it, "delete_action",
					    json_string(mw_arena_printf(&pg->r->arena,
									"/admin/%s/%s/delete", s->name, k)));
			json_object_set_new(it, "version_text", json_string(version_text(pg, it)));
		}
	}
	admin_view(pg, s, msgf(pg, "admin.%s.heading", s->name, NULL));
	json_object_set_new(pg->view, "about", json_string(msgf(pg, "admin.%s.about", s->name, NULL)));
	json_object_set_new(pg->view, "add_title",
			    json_string(msgf(pg, "admin.%s.add_title", s->name, NULL)));
	json_object_set(pg->view, "items", items);
	json_object_set_new(pg->view, "count", json_integer((json_int_t)json_array_size(items)));
	done_note(pg);
	if (st->deleting) {
		/* A delete from the list was refused: say so above it. */
		json_object_set_new(pg->view, "list_error",
				    failure_view(pg, st, "list-failed",
						 mw_arena_printf(&pg->r->arena, "/admin/%s?year=%.4s",
								 s->name, st->key)));
		st->form_error = NULL;
	}
	action = mw_arena_printf(&pg->r->arena, "/admin/%s", s->name);
	if (!strcmp(s->name, "holidays")) {
		holiday_years(pg);
		action = mw_arena_printf(&pg->r->arena, "/admin/holidays?year=%lld",
					 (long long)json_integer_value(json_object_get(pg->view, "year")));
	}
	values = st->errors || st->form_error ? posted_values(pg, s->add) : json_object();
	json_object_set_new(pg->view, "form", form_view(pg, s, "add", action, "admin.add", s->add,
							values, st));
	json_decref(values);
	mw_page_render(pg, st->deleting ? 409 : st->errors || st->form_error ? 400 : 200,
		       mw_arena_printf(&pg->r->arena, "admin_%s", s->name));
}

/* Starts a page of section param 0; NULL (answered: 404) when there is
 * no such section or it lacks what the route needs. */
static struct page_state *section_begin(mw_req *r, mw_page **pgp, bool form, bool need_key)
{
	mw_page *pg = mw_page_begin(r);
	const struct section *s = section_named(mw_req_param(r, 0));
	struct page_state *st;

	*pgp = pg;
	if (!pg)
		return NULL;
	if (!s || (need_key && !s->key)) {
		mw_web_error_page(r, 404);
		return NULL;
	}
	if (form && mw_page_form(pg))
		return NULL;
	st = mw_arena_alloc(&r->arena, sizeof(*st));
	if (!st) {
		mw_web_error_page(r, 503);
		return NULL;
	}
	memset(st, 0, sizeof(*st));
	st->s = s;
	st->key = need_key ? mw_req_param(r, 1) : NULL;
	pg->data = st;
	return st;
}

int web_admin_list(mw_req *r)
{
	mw_page *pg;
	struct page_state *st = section_begin(r, &pg, false, false);
	int64_t y;

	if (!st)
		return MW_OK;
	/* Holidays are listed one year at a time, this year's first. */
	if (!strcmp(st->s->name, "holidays") &&
	    mw_parse_i64(mw_req_query(r, "year"), 1900, 2999, &y)) {
		mw_page_redirect(pg, mw_arena_printf(&r->arena, "/admin/holidays?year=%d",
						     current_year()));
		return MW_OK;
	}
	mw_page_call(pg, st->s->list, NULL, list_render);
	return MW_OK;
}

/* ---- saving --------------------------------------------------------------- */

/* Where in an API error message a field's name stands as a word; -1 if
 * nowhere. */
static long mention(const char *message, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strstr(message, name); p; p = strstr(p + 1, name)) {
		char before = p == message ? ' ' : p[-1], after = p[n];
		bool word_before = (before >= 'a' && before <= 'z') || before == '_';
		bool word_after = (after >= 'a' && after <= 'z') || (after >= '0' && after <= '9') ||
				  after == '_';

		if (!word_before && !word_after)
			return p - message;
	}
	return -1;
}

static void edit_render(mw_page *pg, int status, json_t *answer);

static void refused(mw_page *pg, int status, json_t *answer)
{
	struct page_state *st = pg->data;
	const struct field *fields = st->key ? st->s->edit : st->s->add, *hit = NULL;
	json_t *err = json_object_get(answer, "error");
	const char *code = jstr(err, "code"), *message = jstr(err, "message");
	long best = -1;

	/* Someone else saved or deleted it since the form was drawn: no
	 * field is wrong, the form is old. */
	if (code && !strcmp(code, "stale_version"))
		message = NULL;
	for (const struct field *f = fields; message && f->name; f++) {
		long at = mention(message, f->name);

		if (at >= 0 && (best < 0 || at < best)) {
			best = at;
			hit = f;
		}
	}
	if (hit && code) {
		const char *text = msg_opt(pg, keyf(pg, "admin.%s.%s", st->s->name,
						    mw_arena_printf(&pg->r->arena, "%s.%s", hit->name, code)));

		if (!text)
			text = msg_opt(pg, keyf(pg, "admin.err.%s", code, NULL));
		/* The view owns the errors; the page state borrows them. */
		st->errors = json_pack("{s:s}", hit->name, text ? text : mw_page_msg(pg, "admin.err.invalid"));
		json_object_set_new(pg->view, "field_errors", st->errors);
	} else if (code && !strcmp(code, "stale_version")) {
		st->stale = true;
		st->form_error = mw_page_msg(pg, "admin.err.stale_version");
	} else {
		st->form_error = mw_page_msg(pg, status >= 500 ? "admin.err.busy" : "admin.err.form");
	}
	mw_page_call(pg, st->s->list, NULL, st->key ? edit_render : list_render);
}

static void saved(mw_page *pg, int status, json_t *answer)
{
	struct page_state *st = pg->data;
	const char *done = st->key ? "saved" : "added";
	const char *year = "";

	if (status < 200 || status > 299) {
		refused(pg, status, answer);
		return;
	}
	if (!strcmp(st->s->name, "holidays") && strlen(mw_page_field(pg, "date")) >= 4)
		year = mw_arena_printf(&pg->r->arena, "&year=%.4s", mw_page_field(pg, "date"));
	mw_page_redirect(pg, mw_arena_printf(&pg->r->arena, "/admin/%s?done=%s%s", st->s->name, done,
					     year ? year : ""));
}

static int save(mw_req *r, bool need_key)
{
	mw_page *pg;
	struct page_state *st = section_begin(r, &pg, true, need_key);

	if (!st)
		return MW_OK;
	if (need_key && !st->s->edit) {
		mw_web_error_page(r, 404);
		return MW_OK;
	}
	/* The API handlers of one item read its key as their first parameter. */
	if (need_key) {
		r->params[0] = st->key;
		r->nparams = 1;
	}
	mw_page_post(pg, st->s->put, form_body(pg, st->s, st->key), saved);
	return MW_OK;
}

int web_admin_add(mw_req *r)
{
	return save(r, false);
}

int web_admin_save(mw_req *r)
{
	return save(r, true);
}

/* ---- one item ------------------------------------------------------------ */

static void edit_render(mw_page *pg, int status, json_t *answer)
{
	struct page_state *st = pg->data;
	const struct section *s = st->s;
	json_t *item = status == 200 ? find_item(pg, s, answer, st->key) : NULL, *values, *extra;
	const char *action;

	if (!item) {
		mw_web_error_page(pg->r, status == 200 ? 404 : status >= 400 ? status : 500);
		return;
	}
	if (s->show)
		s->show(pg, item);
	if (s->fill)
		s->fill(pg, item);
	admin_view(pg, s, msgf(pg, "admin.%s.edit_title", s->name, NULL));
	json_object_set(pg->view, "item", item);
	json_object_set_new(pg->view, "key", json_string(st->key));
	json_object_set_new(pg->view, "back", json_string(mw_arena_printf(&pg->r->arena, "/admin/%s",
									  s->name)));
	json_object_set_new(pg->view, "back_text", json_string(msgf(pg, "admin.%s.heading", s->name, NULL)));
	json_object_set_new(pg->view, "heading", json_string(msgf(pg, "admin.%s.edit_title", s->name, NULL)));
	action = mw_arena_printf(&pg->r->arena, "/admin/%s/%s", s->name, st->key);
	/* A refused save shows what was typed (and the version it was based
	 * on); a refused delete the item as it is now. */
	values = (st->errors || st->form_error) && !st->deleting ? posted_values(pg, s->edit)
								 : json_incref(item);
	json_object_set_new(pg->view, "form", form_view(pg, s, "edit", action, "admin.save", s->edit,
							values, st));
	json_decref(values);
	extra = json_array();
	/* Retired items are kept for history; the triage category is needed. */
	if (s->del && !json_is_true(json_object_get(item, "retired")) &&
	    !json_is_true(json_object_get(item, "triage"))) {
		const char *note = keyf(pg, "admin.%s.delete_note", s->name, NULL);
		json_t *f = button_form(pg, "delete", mw_arena_printf(&pg->r->arena, "%s/delete", action),
					"admin.delete", msg_opt(pg, note) ? note : "admin.delete_note",
					"danger");

		add_hidden(f, "version", version_text(pg, item));
		json_array_append_new(extra, f);
	}
	/* A locked account opens again when it is saved (the API clears the
	 * lockout): one button that saves it as it is. */
	if (!strcmp(s->name, "users") && json_is_true(json_object_get(item, "locked"))) {
		json_t *f = button_form(pg, "unlock", action, "admin.users.unlock",
					"admin.users.locked_note", "secondary");

		add_hidden(f, "name", jstr(item, "name"));
		add_hidden(f, "role", jstr(item, "role"));
		add_hidden(f, "department", jstr(item, "department"));
		if (json_is_true(json_object_get(item, "disabled")))
			add_hidden(f, "disabled", "yes");
		add_hidden(f, "version", version_text(pg, item));
		json_array_append_new(extra, f);
	}
	json_object_set_new(pg->view, "extra", extra);
	mw_page_render(pg, st->stale || st->deleting ? 409 : st->errors || st->form_error ? 400 : 200,
		       "admin_item");
}

int web_admin_edit(mw_req *r)
{
	mw_page *pg;
	struct page_state *st = section_begin(r, &pg, false, true);

	if (st && !st->s->edit)
		mw_web_error_page(r, 404);
	else if (st)
		mw_page_call(pg, st->s->list, NULL, edit_render);
	return MW_OK;
}

/* What still uses an item the API would not delete, in the page's words:
 * "처리 중인 민원 2건: 2611-000001, 2611-000002". */
static json_t *uses_view(mw_page *pg, json_t *answer)
{
	json_t *out = json_array(), *u;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(answer, "error"), "used_by"), i, u) {
		const char *count = mw_arena_printf(&pg->r->arena, "%lld",
						    (long long)json_integer_value(json_object_get(u, "count")));
		const char *text = mw_page_msg_fill(pg, keyf(pg, "admin.used.%s", jstr(u, "what"), NULL),
						    count);
		json_t *ex = json_object_get(u, "examples"), *e;
		mw_buf b = MW_BUF_INIT;
		char *line;
		size_t k;

		mw_buf_puts(&b, text);
		json_array_foreach(ex, k, e)
			mw_buf_printf(&b, "%s%s", k ? ", " : ": ", json_string_value(e));
		if (json_array_size(ex) < (size_t)json_integer_value(json_object_get(u, "count")))
			mw_buf_puts(&b, " …");
		line = mw_buf_detach(&b, NULL);
		json_array_append_new(out, json_pack("{s:s}", "text", line ? line : text));
		free(line);
	}
	return out;
}

static void deleted(mw_page *pg, int status, json_t *answer)
{
	struct page_state *st = pg->data;
	const char *code = jstr(json_object_get(answer, "error"), "code");
	bool holidays = !strcmp(st->s->name, "holidays");

	if (status == 200) {
		mw_page_redirect(pg, mw_arena_printf(&pg->r->arena, "/admin/%s?done=%s%s%.4s",
						     st->s->name,
						     json_is_true(json_object_get(answer, "retired"))
							     ? "retired" : "deleted",
						     holidays ? "&year=" : "", holidays ? st->key : ""));
		return;
	}
	if (status != 409 || !code) {
		mw_web_error_page(pg->r, status >= 400 ? status : 500);
		return;
	}
	/* Refused: the page again, with why (and what uses it). */
	st->deleting = true;
	st->stale = !strcmp(code, "stale_version");
	st->form_error = mw_page_msg(pg, st->stale ? "admin.err.stale_version" : "admin.err.in_use");
	if (!st->stale) {
		st->uses = uses_view(pg, answer);
		json_object_set_new(pg->view, "delete_uses", st->uses);
	}
	if (holidays)
		mw_req_set_query(pg->r, "year", mw_arena_strndup(&pg->r->arena, st->key, 4));
	mw_page_call(pg, st->s->list, NULL, st->s->edit ? edit_render : list_render);
}

int web_admin_delete(mw_req *r)
{
	mw_page *pg;
	struct page_state *st = section_begin(r, &pg, true, true);

	if (!st)
		return MW_OK;
	if (!st->s->del) {
		mw_web_error_page(r, 404);
		return MW_OK;
	}
	r->params[0] = st->key;
	r->nparams = 1;
	/* The version the page was drawn from goes as ?version=. */
	if (*mw_page_field(pg, "version"))
		mw_req_set_query(r, "version", mw_page_field(pg, "version"));
	mw_page_call(pg, st->s->del, NULL, deleted);
	return MW_OK;
}

/* ---- the index ------------------------------------------------------------ */

int web_admin_index(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	json_t *list = json_array();

	if (!pg)
		return MW_OK;
	for (size_t i = 0; i < MW_ARRAY_LEN(sections); i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "href",
						      mw_arena_printf(&r->arena, "/admin/%s", sections[i].name),
						      "label", msgf(pg, "admin.%s.heading", sections[i].name, NULL),
						      "about", msgf(pg, "admin.%s.about", sections[i].name, NULL)));
	admin_view(pg, NULL, mw_page_msg(pg, "admin.title"));
	json_object_set_new(pg->view, "sections", list);
	mw_page_render(pg, 200, "admin_index");
	return MW_OK;
}

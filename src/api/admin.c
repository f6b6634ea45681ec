/*
 * admin.c - administration endpoints: staff users and roles,
 * departments, the category -> department map with processing periods,
 * and holidays. Changes to reference data reload it at once.
 *
 * Every change is one unit of work (mw_admin_change): the version the
 * client read is checked against the record's (a save based on an old
 * read is 409 stale_version), the change is made and it is written to the
 * admin log, all in one transaction. A department or category still in
 * use is never deleted (409 in_use names what uses it); one that only
 * history refers to is retired instead of deleted (store_admin.h).
 */
#include "api.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../core/mask.h"
#include "../store/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define PASSWORD_MIN 10

static bool valid_code(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_' ||
		      s[n] == '-' || s[n] == '.'))
			return false;
	return n >= 2 && n <= 64;
}

/* {"create": true} asks to add, never to replace: the forms that add a
 * user, department or category must not overwrite one by accident. */
static int want_create(mw_req *r, json_t *body, bool *create)
{
	*create = false;
	return mw_api_opt_bool(r, body, "create", create, NULL);
}

/* ---- one change: version check, change, log ---------------------------- */

int mw_admin_version_param(mw_req *r, json_t *body, int64_t *out)
{
	bool present = false;
	const char *q;

	*out = 0;
	if (body) {
		if (mw_api_opt_int(r, body, "version", out, &present))
			return MW_ERR_INVALID;
	} else if ((q = mw_req_query(r, "version"))) {
		present = true;
		if (mw_parse_i64(q, 1, INT64_MAX, out))
			*out = 0;
	}
	if (present && *out < 1) {
		mw_resp_error(r, 400, "invalid", "version must be a positive integer (the one you read)");
		return MW_ERR_INVALID;
	}
	return MW_OK;
}

static int change_run(mw_tx *tx, mw_work *w)
{
	mw_admin_change *ch = (mw_admin_change *)w;
	mw_admin_log_entry e = { 0 };
	int rc = mw_tx_admin_version(tx, ch->kind, ch->key, &ch->version, &ch->retired);

	ch->existed = rc == MW_OK;
	if (rc && rc != MW_ERR_NOTFOUND)
		return rc;
	if (!ch->existed)
		ch->version = 0;
	if (ch->expected && ch->version != ch->expected)
		return MW_ERR_STALE;
	if (ch->create && ch->existed)
		return MW_ERR_CONFLICT;
	ch->action = NULL;
	if ((rc = ch->apply(tx, ch)))
		return rc;
	if (!ch->action)
		ch->action = ch->existed ? "update" : "create";
	ch->version = 0;
	if (strcmp(ch->action, "delete") &&
	    (rc = mw_tx_admin_version(tx, ch->kind, ch->key, &ch->version, &ch->retired)))
		return rc;
	e = (mw_admin_log_entry){ .at = mw_now(), .login = ch->login, .area = ch->area,
				  .item = ch->key, .action = ch->action, .version = ch->version,
				  .detail = ch->detail_text };
	return mw_tx_admin_log(tx, &e);
}

int mw_admin_change_exec(mw_req *r, mw_admin_change *ch)
{
	char *detail = ch->detail ? json_dumps(ch->detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	json_decref(ch->detail);
	ch->detail = NULL;
	ch->detail_text = detail ? mw_arena_strdup(&r->arena, detail) : NULL;
	free(detail);
	ch->w = (mw_work){ .run = change_run };
	ch->login = r->auth && r->auth->login ? r->auth->login : "-";
	ch->a = &r->arena;
	rc = mw_store_exec(r->app->store, &ch->w);
	switch (rc) {
	case MW_OK:
		mw_log_info("admin", "event=admin_change area=%s action=%s version=%lld", ch->area,
			    ch->action, (long long)ch->version);
		break;
	case MW_ERR_STALE:
		if (ch->existed)
			mw_resp_error(r, 409, "stale_version",
				      "this %s was changed by someone else since you read it (version "
				      "%lld now); reload it and make your change again",
				      ch->noun, (long long)ch->version);
		else
			mw_resp_error(r, 409, "stale_version",
				      "this %s was deleted by someone else since you read it", ch->noun);
		break;
	case MW_ERR_CONFLICT:
		if (ch->refusal)
			mw_resp_error(r, 409, "in_use", "%s", ch->refusal);
		else if (!ch->nuses)
			mw_resp_error(r, 409, "conflict", "a %s with this %s exists", ch->noun,
				      ch->kind == MW_ADMIN_USER ? "login" : "code");
		break;
	case MW_ERR_NOTFOUND:
		mw_resp_error(r, 404, "not_found", "no such %s", ch->noun);
		break;
	case MW_ERR_INVALID:
		if (ch->kind == MW_ADMIN_USER)
			mw_resp_error(r, 400, "missing_field", "a new user needs a password");
		else
			mw_resp_err(r, rc, "could not save the %s", ch->noun);
		break;
	default:
		mw_resp_err(r, rc, "could not save the %s", ch->noun);
		break;
	}
	return rc;
}

static void answer_saved(mw_req *r, const mw_admin_change *ch, bool reload)
{
	mw_buf b = MW_BUF_INIT;

	if (reload)
		mw_app_reload(r->app);
	mw_buf_printf(&b, "{\"saved\":true,\"version\":%lld}", (long long)ch->version);
	mw_resp_json(r, 200, &b);
}

/* ---- users ------------------------------------------------------------- */

int api_admin_users(mw_req *r)
{
	mw_user *u;
	size_t n;
	mw_buf b = MW_BUF_INIT;
	mw_time now = mw_now();
	char email[300], phone[40];
	int rc = mw_store_users(r->app->store, &r->arena, &u, &n);

	if (rc) {
		mw_resp_err(r, rc, "cannot list users");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		mw_buf_printf(&b, "%s{\"login\":", i ? "," : "");
		mw_buf_json_str(&b, u[i].login);
		mw_buf_json_kv(&b, "name", u[i].name);
		mw_buf_json_kv(&b, "role", u[i].role);
		mw_buf_json_kv(&b, "department", u[i].department);
		/* Where notices go, masked: a listing is no place for them. */
		mw_mask_email(u[i].email, email, sizeof(email));
		mw_mask_phone(u[i].phone, phone, sizeof(phone));
		mw_buf_json_kv(&b, "email", u[i].email && *u[i].email ? email : NULL);
		mw_buf_json_kv(&b, "phone", u[i].phone && *u[i].phone ? phone : NULL);
		mw_buf_printf(&b, ",\"disabled\":%s,\"locked\":%s,\"version\":%lld}",
			      u[i].disabled ? "true" : "false",
			      u[i].locked_until > now ? "true" : "false", (long long)u[i].version);
	}
	mw_buf_puts(&b, "]}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/* A user with their work e-mail and phone for notices: a field left out
 * keeps its value, an empty one clears it. */
struct user_put {
	mw_user u;
	bool has_email, has_phone;
	const char *email, *phone;
};

static int user_apply(mw_tx *tx, mw_admin_change *ch)
{
	const struct user_put *up = ch->arg;
	mw_staff_contact c = { .login = up->u.login };
	int rc = mw_tx_user_put(tx, &up->u);

	if (rc || (!up->has_email && !up->has_phone))
		return rc;
	if ((rc = mw_tx_staff_contact_get(tx, up->u.login, ch->a, &c)) && rc != MW_ERR_NOTFOUND)
		return rc;
	return mw_tx_staff_contact_put(tx, up->u.login, up->has_email ? up->email : c.email,
				       up->has_phone ? up->phone : c.phone);
}

int api_admin_user_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	struct user_put up = { 0 };
	mw_user *u = &up.u;
	mw_admin_change ch = { .kind = MW_ADMIN_USER, .area = "users", .noun = "user",
			       .apply = user_apply, .arg = &up };
	const char *password;
	char digits[24], *hash = NULL;
	mw_role role;
	mw_refdata *ref;
	bool dept_ok;

	if (!body)
		return MW_OK;
	up.has_email = json_object_get(body, "email") != NULL;
	up.has_phone = json_object_get(body, "phone") != NULL;
	if (mw_api_text_field(r, body, "email", MW_EMAIL_MAX, false, false, &up.email) ||
	    mw_api_text_field(r, body, "phone", MW_PHONE_MAX, false, false, &up.phone))
		goto out;
	if (up.email && !mw_api_email_valid(up.email)) {
		mw_resp_error(r, 400, "invalid", "email must be an e-mail address");
		goto out;
	}
	if (up.phone && !mw_api_phone_digits(up.phone, digits, sizeof(digits))) {
		mw_resp_error(r, 400, "invalid", "phone must be a phone number");
		goto out;
	}
	if (want_create(r, body, &ch.create) || mw_api_opt_string(r, body, "login", &u->login) ||
	    mw_api_opt_string(r, body, "role", &u->role) ||
	    mw_api_opt_string(r, body, "department", &u->department) ||
	    mw_api_text_field(r, body, "name", 100, false, false, &u->name) ||
	    mw_api_opt_string(r, body, "password", &password) ||
	    mw_api_opt_bool(r, body, "disabled", &u->disabled, NULL) ||
	    mw_admin_version_param(r, body, &ch.expected))
		goto out;
	if (!u->login || !valid_code(u->login)) {
		mw_resp_error(r, 400, "invalid", "login must be 2-64 characters of a-z, 0-9, _ - .");
		goto out;
	}
	if (!u->role || mw_role_parse(u->role, &role)) {
		mw_resp_error(r, 400, "invalid",
			      "role must be admin, manager, officer, desk, field or auditor");
		goto out;
	}
	if (password && strlen(password) < PASSWORD_MIN) {
		mw_resp_error(r, 400, "weak_password", "password must be at least %d characters",
			      PASSWORD_MIN);
		goto out;
	}
	ref = mw_app_ref_get(r->app);
	dept_ok = u->department && mw_ref_department_active(ref, u->department);
	mw_app_ref_put(r->app, ref);
	if ((role == MW_ROLE_MANAGER || role == MW_ROLE_OFFICER) && !dept_ok) {
		mw_resp_error(r, 400, "invalid", "managers and officers need an existing department");
		goto out;
	}
	if (password && mw_password_hash(password, &hash)) {
		mw_resp_err(r, MW_ERR_CRYPTO, "cannot hash the password");
		goto out;
	}
	u->pwhash = hash;
	ch.key = u->login;
	ch.detail = json_pack("{s:s, s:s?, s:s?, s:b, s:b, s:b}", "role", u->role, "department",
			      u->department, "name", u->name, "disabled", u->disabled,
			      "password_changed", password != NULL, "contact_changed",
			      up.has_email || up.has_phone);
	if (!mw_admin_change_exec(r, &ch))
		answer_saved(r, &ch, false);
out:
	free(hash);
	json_decref(body);
	return MW_OK;
}

/* ---- departments ------------------------------------------------------- */

static void department_json(mw_buf *b, const mw_department *d, bool admin)
{
	mw_buf_puts(b, "{\"code\":");
	mw_buf_json_str(b, d->code);
	mw_buf_json_kv(b, "name_ko", d->name_ko);
	mw_buf_json_kv(b, "name_en", d->name_en);
	if (admin)
		mw_buf_printf(b, ",\"version\":%lld,\"retired\":%s", (long long)d->version,
			      d->retired ? "true" : "false");
	mw_buf_putc(b, '}');
}

static void departments_answer(mw_req *r, bool admin)
{
	mw_refdata *ref = mw_app_ref_get(r->app);
	mw_buf b = MW_BUF_INIT;
	bool first = true;

	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < ref->ndepartments; i++) {
		if (!admin && ref->departments[i].retired)
			continue;
		if (!first)
			mw_buf_putc(&b, ',');
		first = false;
		department_json(&b, &ref->departments[i], admin);
	}
	mw_buf_puts(&b, "]}");
	mw_app_ref_put(r->app, ref);
	mw_resp_json(r, 200, &b);
}

/* The departments in use with their Korean and English names: what staff
 * pages offer for 이송 and 협조 (GET /api/v1/staff/departments). */
int api_departments(mw_req *r)
{
	departments_answer(r, false);
	return MW_OK;
}

/* The administrator's list: retired ones too, and every version. */
int api_admin_departments(mw_req *r)
{
	departments_answer(r, true);
	return MW_OK;
}

static int department_apply(mw_tx *tx, mw_admin_change *ch)
{
	return mw_tx_department_put(tx, ch->arg);
}

int api_admin_department_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	mw_department d = { 0 };
	mw_admin_change ch = { .kind = MW_ADMIN_DEPARTMENT, .area = "departments",
			       .noun = "department", .apply = department_apply, .arg = &d };

	if (!body)
		return MW_OK;
	if (want_create(r, body, &ch.create) || mw_api_opt_string(r, body, "code", &d.code) ||
	    mw_api_text_field(r, body, "name_ko", 100, true, false, &d.name_ko) ||
	    mw_api_text_field(r, body, "name_en", 100, false, false, &d.name_en) ||
	    mw_admin_version_param(r, body, &ch.expected))
		goto out;
	if (!d.code || !valid_code(d.code)) {
		mw_resp_error(r, 400, "invalid", "code must be 2-64 characters of a-z, 0-9, _ - .");
		goto out;
	}
	ch.key = d.code;
	ch.detail = json_pack("{s:s, s:s?}", "name_ko", d.name_ko, "name_en", d.name_en);
	if (!mw_admin_change_exec(r, &ch))
		answer_saved(r, &ch, true);
out:
	json_decref(body);
	return MW_OK;
}

/* ---- deleting a department or category ---------------------------------- */

/* The kinds of reference store_admin.h reports: whether each keeps a
 * record from going (live work) or only from being deleted for good
 * (history: it is retired instead), and how a message names it. */
static const struct use_kind {
	const char *what;
	bool blocks;
	const char *one, *many;
} use_kinds[] = {
	{ MW_ADMIN_USE_OPEN_COMPLAINTS, true, "open complaint", "open complaints" },
	{ MW_ADMIN_USE_USERS, true, "user", "users" },
	{ MW_ADMIN_USE_CATEGORIES, true, "category", "categories" },
	{ MW_ADMIN_USE_COOPERATIONS, true, "open cooperation request", "open cooperation requests" },
	{ MW_ADMIN_USE_FAQ, true, "FAQ entry", "FAQ entries" },
	{ MW_ADMIN_USE_TEMPLATES, true, "answer template", "answer templates" },
	{ MW_ADMIN_USE_COMPLAINTS, false, "complaint", "complaints" },
	{ MW_ADMIN_USE_DISABLED_USERS, false, "disabled user", "disabled users" },
	{ MW_ADMIN_USE_RETIRED_CATEGORIES, false, "retired category", "retired categories" },
};

static const struct use_kind *use_kind(const char *what)
{
	for (size_t i = 0; i < MW_ARRAY_LEN(use_kinds); i++)
		if (!strcmp(use_kinds[i].what, what))
			return &use_kinds[i];
	return NULL;
}

/* Deletes a department or category nothing uses; retires one that only
 * history refers to; refuses (MW_ERR_CONFLICT, ch->uses) one in use. */
static int delete_apply(mw_tx *tx, mw_admin_change *ch)
{
	bool history = false;
	size_t live = 0;
	int rc;

	if (!ch->existed || ch->retired)
		return MW_ERR_NOTFOUND;
	if (ch->kind == MW_ADMIN_CATEGORY && !strcmp(ch->key, MW_TRIAGE_CATEGORY)) {
		ch->refusal = "the triage category holds the complaints nobody has classified yet; "
			      "it cannot be deleted (give it another department instead)";
		return MW_ERR_CONFLICT;
	}
	if ((rc = mw_tx_admin_usage(tx, ch->kind, ch->key, ch->a, &ch->uses, &ch->nuses)))
		return rc;
	/* Only what blocks goes back to the caller. */
	for (size_t i = 0; i < ch->nuses; i++) {
		const struct use_kind *k = use_kind(ch->uses[i].what);

		if (k && k->blocks)
			ch->uses[live++] = ch->uses[i];
		else
			history = true;
	}
	ch->nuses = live;
	if (live)
		return MW_ERR_CONFLICT;
	ch->action = history ? "retire" : "delete";
	return history ? mw_tx_admin_retire(tx, ch->kind, ch->key, mw_now())
		       : mw_tx_admin_delete(tx, ch->kind, ch->key);
}

/* The names a usage row gives (newline separated in the store). */
static size_t split_examples(mw_req *r, const char *examples, const char **out, size_t max)
{
	size_t n = 0;

	for (const char *p = examples, *e; p && *p && n < max; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if ((out[n] = mw_arena_strndup(&r->arena, p, (size_t)(e - p))))
			n++;
	}
	return n;
}

/* 409 in_use: what keeps it, in words and as data:
 * "used_by":[{"what","count","examples":[...]}]. */
static void answer_in_use(mw_req *r, const mw_admin_change *ch)
{
	mw_buf msg = MW_BUF_INIT, b = MW_BUF_INIT;
	const char *ex[5];
	char *m;

	mw_buf_printf(&msg, "%s %s is still used by ", ch->noun, ch->key);
	for (size_t i = 0; i < ch->nuses; i++) {
		const mw_admin_use *u = &ch->uses[i];
		const struct use_kind *k = use_kind(u->what);
		size_t nex = split_examples(r, u->examples, ex, MW_ARRAY_LEN(ex));

		mw_buf_printf(&msg, "%s%lld %s", !i ? "" : i + 1 == ch->nuses ? " and " : ", ",
			      (long long)u->count, u->count == 1 ? k->one : k->many);
		for (size_t e = 0; e < nex; e++)
			mw_buf_printf(&msg, "%s%s", e ? ", " : " (", ex[e]);
		if (nex)
			mw_buf_puts(&msg, u->count > (int64_t)nex ? ", ...)" : ")");
	}
	mw_buf_puts(&msg, "; change or close them first");
	m = mw_buf_detach(&msg, NULL);
	mw_buf_puts(&b, "{\"error\":{\"code\":\"in_use\",\"message\":");
	mw_buf_json_str(&b, m ? m : "in use");
	free(m);
	mw_buf_puts(&b, ",\"used_by\":[");
	for (size_t i = 0; i < ch->nuses; i++) {
		const mw_admin_use *u = &ch->uses[i];
		size_t nex = split_examples(r, u->examples, ex, MW_ARRAY_LEN(ex));

		mw_buf_printf(&b, "%s{\"what\":\"%s\",\"count\":%lld,\"examples\":[", i ? "," : "",
			      u->what, (long long)u->count);
		for (size_t e = 0; e < nex; e++) {
			if (e)
				mw_buf_putc(&b, ',');
			mw_buf_json_str(&b, ex[e]);
		}
		mw_buf_puts(&b, "]}");
	}
	mw_buf_puts(&b, "]}}");
	mw_resp_json(r, 409, &b);
}

static int ref_delete(mw_req *r, mw_admin_kind kind, const char *area, const char *noun)
{
	mw_admin_change ch = { .kind = kind, .area = area, .noun = noun, .apply = delete_apply,
			       .key = mw_req_param(r, 0) };
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (!ch.key || !valid_code(ch.key)) {
		mw_resp_error(r, 404, "not_found", "no such %s", noun);
		return MW_OK;
	}
	if (mw_admin_version_param(r, NULL, &ch.expected))
		return MW_OK;
	rc = mw_admin_change_exec(r, &ch);
	if (rc == MW_ERR_CONFLICT && ch.nuses) {
		answer_in_use(r, &ch);
	} else if (!rc) {
		mw_app_reload(r->app);
		if (!strcmp(ch.action, "retire"))
			mw_buf_printf(&b, "{\"retired\":true,\"version\":%lld}", (long long)ch.version);
		else
			mw_buf_puts(&b, "{\"deleted\":true}");
		mw_resp_json(r, 200, &b);
	}
	return MW_OK;
}

int api_admin_department_delete(mw_req *r)
{
	return ref_delete(r, MW_ADMIN_DEPARTMENT, "departments", "department");
}

int api_admin_category_delete(mw_req *r)
{
	return ref_delete(r, MW_ADMIN_CATEGORY, "categories", "category");
}

/* ---- categories -------------------------------------------------------- */

static int category_apply(mw_tx *tx, mw_admin_change *ch)
{
	return mw_tx_category_put(tx, ch->arg);
}

int api_admin_category_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	mw_category c = { 0 };
	mw_admin_change ch = { .kind = MW_ADMIN_CATEGORY, .area = "categories", .noun = "category",
			       .apply = category_apply, .arg = &c };
	const char *period;
	mw_refdata *ref;
	bool dept_ok;
	char p[16];

	if (!body)
		return MW_OK;
	if (want_create(r, body, &ch.create) || mw_api_opt_string(r, body, "code", &c.code) ||
	    mw_api_text_field(r, body, "name_ko", 100, true, false, &c.name_ko) ||
	    mw_api_opt_string(r, body, "department", &c.department) ||
	    mw_api_opt_string(r, body, "period", &period) ||
	    mw_admin_version_param(r, body, &ch.expected))
		goto out;
	if (!c.code || !valid_code(c.code)) {
		mw_resp_error(r, 400, "invalid", "code must be 2-64 characters of a-z, 0-9, _ - .");
		goto out;
	}
	if (!period || mw_period_parse(period, &c.period)) {
		mw_resp_error(r, 400, "invalid", "period must look like \"7d\" or \"16h\"");
		goto out;
	}
	ref = mw_app_ref_get(r->app);
	dept_ok = c.department && mw_ref_department_active(ref, c.department);
	mw_app_ref_put(r->app, ref);
	if (!dept_ok) {
		mw_resp_error(r, 400, "invalid", "department must be an existing department code");
		goto out;
	}
	mw_period_format(c.period, p);
	ch.key = c.code;
	ch.detail = json_pack("{s:s, s:s, s:s}", "name_ko", c.name_ko, "department", c.department,
			      "period", p);
	if (!mw_admin_change_exec(r, &ch))
		answer_saved(r, &ch, true);
out:
	json_decref(body);
	return MW_OK;
}

/* ---- holidays ----------------------------------------------------------- */

/* A 임시공휴일 says so in its name, as the official lists write it
 * ("임시공휴일(국군의 날)", "제21대 대통령선거일(임시공휴일)"). */
#define TEMPORARY_HOLIDAY "임시공휴일"

int api_admin_holidays(mw_req *r)
{
	mw_holiday *h;
	size_t n, shown = 0;
	mw_buf b = MW_BUF_INIT;
	const char *year_s = mw_req_query(r, "year");
	int64_t year = 0;
	int rc;

	if (year_s && mw_parse_i64(year_s, 1900, 2999, &year)) {
		mw_resp_error(r, 400, "invalid", "year must be a year such as 2026");
		return MW_OK;
	}
	if ((rc = mw_store_holidays(r->app->store, &r->arena, &h, &n))) {
		mw_resp_err(r, rc, "cannot list holidays");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		if (year && h[i].y != year)
			continue;
		mw_buf_printf(&b, "%s{\"date\":\"%04d-%02d-%02d\",\"name\":", shown++ ? "," : "",
			      h[i].y, h[i].m, h[i].d);
		mw_buf_json_str(&b, h[i].name);
		mw_buf_printf(&b, ",\"temporary\":%s,\"version\":%lld}",
			      strstr(h[i].name, TEMPORARY_HOLIDAY) ? "true" : "false",
			      (long long)h[i].version);
	}
	mw_buf_puts(&b, "]}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

struct holiday_put {
	mw_holiday h;
	const char *source;
};

static int holiday_apply(mw_tx *tx, mw_admin_change *ch)
{
	const struct holiday_put *hp = ch->arg;

	return mw_tx_holiday_put(tx, &hp->h, hp->source);
}

/* YYYY-MM-DD of a date that exists, into date[11]; false otherwise. */
static bool holiday_date(const char *s, mw_holiday *h, char date[11])
{
	if (!s || mw_date_parse(s, &h->y, &h->m, &h->d))
		return false;
	snprintf(date, 11, "%04d-%02d-%02d", h->y, h->m, h->d);
	return true;
}

int api_admin_holiday_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	struct holiday_put hp = { 0 };
	mw_holiday *h = &hp.h;
	mw_admin_change ch = { .kind = MW_ADMIN_HOLIDAY, .area = "holidays", .noun = "holiday",
			       .apply = holiday_apply, .arg = &hp };
	const char *date;
	char iso[11];
	bool temporary = false;

	if (!body)
		return MW_OK;
	if (mw_api_opt_string(r, body, "date", &date) ||
	    mw_api_text_field(r, body, "name", 100, true, false, &h->name) ||
	    mw_api_text_field(r, body, "source", 200, false, false, &hp.source) ||
	    mw_api_opt_bool(r, body, "temporary", &temporary, NULL) ||
	    mw_admin_version_param(r, body, &ch.expected))
		goto out;
	if (!holiday_date(date, h, iso)) {
		mw_resp_error(r, 400, "invalid", "date must be YYYY-MM-DD");
		goto out;
	}
	if (temporary && !strstr(h->name, TEMPORARY_HOLIDAY) &&
	    !(h->name = mw_arena_printf(&r->arena, "%s(" TEMPORARY_HOLIDAY ")", h->name))) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (!hp.source)
		hp.source = r->auth->login;
	ch.key = iso;
	ch.detail = json_pack("{s:s, s:s}", "name", h->name, "source", hp.source);
	if (!mw_admin_change_exec(r, &ch))
		answer_saved(r, &ch, true);
out:
	json_decref(body);
	return MW_OK;
}

static int holiday_delete_apply(mw_tx *tx, mw_admin_change *ch)
{
	ch->action = "delete";
	return mw_tx_admin_delete(tx, MW_ADMIN_HOLIDAY, ch->key);
}

/* DELETE /api/v1/admin/holidays/{date}: a day counts as a working day
 * again for complaints filed from now on (and at their next action). */
int api_admin_holiday_delete(mw_req *r)
{
	mw_holiday h;
	char iso[11];
	mw_admin_change ch = { .kind = MW_ADMIN_HOLIDAY, .area = "holidays", .noun = "holiday",
			       .apply = holiday_delete_apply, .key = iso };

	if (!holiday_date(mw_req_param(r, 0), &h, iso)) {
		mw_resp_error(r, 404, "not_found", "no such holiday");
		return MW_OK;
	}
	if (mw_admin_version_param(r, NULL, &ch.expected) || mw_admin_change_exec(r, &ch))
		return MW_OK;
	mw_app_reload(r->app);
	mw_resp_text(r, 200, "application/json; charset=utf-8", "{\"deleted\":true}");
	return MW_OK;
}

/* ---- the admin log (auditor) ---------------------------------------------- */

/* GET /api/v1/admin-log?limit=&before=: who changed what, newest first. */
int api_admin_log(mw_req *r)
{
	const char *lim = mw_req_query(r, "limit"), *bef = mw_req_query(r, "before");
	int64_t limit = 50, before = 0;
	mw_admin_log_entry *e;
	size_t n;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (lim && mw_parse_i64(lim, 1, 500, &limit)) {
		mw_resp_error(r, 400, "invalid", "limit must be 1 to 500");
		return MW_OK;
	}
	if (bef && mw_parse_i64(bef, 1, INT64_MAX, &before)) {
		mw_resp_error(r, 400, "invalid", "before must be an entry id");
		return MW_OK;
	}
	if ((rc = mw_store_admin_log(r->app->store, before, (int)limit, &r->arena, &e, &n))) {
		mw_resp_err(r, rc, "cannot read the admin log");
		return MW_OK;
	}
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		mw_buf_printf(&b, "%s{\"id\":%lld", i ? "," : "", (long long)e[i].id);
		mw_api_json_time(&b, "at", e[i].at, true);
		mw_buf_puts(&b, ",\"login\":");
		mw_buf_json_str(&b, e[i].login);
		mw_buf_puts(&b, ",\"area\":");
		mw_buf_json_str(&b, e[i].area);
		mw_buf_puts(&b, ",\"item\":");
		mw_buf_json_str(&b, e[i].item);
		mw_buf_puts(&b, ",\"action\":");
		mw_buf_json_str(&b, e[i].action);
		mw_buf_printf(&b, ",\"version\":%lld,\"detail\":", (long long)e[i].version);
		/* detail is JSON the server wrote. */
		mw_buf_puts(&b, e[i].detail && *e[i].detail ? e[i].detail : "null");
		mw_buf_putc(&b, '}');
	}
	mw_buf_puts(&b, "]}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/* Moves the test clock forward: {"to": ISO 8601} or {"advance": seconds}.
 * Without a test clock (minwon serve --now / MINWON_NOW) there is nothing
 * to move and the endpoint answers 404, as if it did not exist. */
int api_admin_clock(mw_req *r)
{
	json_t *body;
	const char *to_s = NULL;
	int64_t advance = 0;
	bool has_advance = false;
	mw_time to;
	mw_buf b = MW_BUF_INIT;

	if (!mw_clock_is_test()) {
		mw_resp_error(r, 404, "not_found", "this server runs on the real clock");
		return MW_OK;
	}
	if (!(body = mw_api_json_body(r)))
		return MW_OK;
	if (mw_api_opt_string(r, body, "to", &to_s) ||
	    mw_api_opt_int(r, body, "advance", &advance, &has_advance))
		goto out;
	if (!to_s == !has_advance) {
		mw_resp_error(r, 400, "invalid", "give either to (an ISO 8601 time) or advance (seconds)");
		goto out;
	}
	if (to_s && mw_time_parse_iso8601(to_s, &to)) {
		mw_resp_error(r, 400, "invalid", "to must be an ISO 8601 time");
		goto out;
	}
	if (has_advance && (advance < 0 || advance > INT64_C(10) * 365 * 86400)) {
		mw_resp_error(r, 400, "invalid", "advance must be 0 to 315360000 seconds");
		goto out;
	}
	if (has_advance)
		to = mw_now() + advance;
	if (mw_clock_jump(to)) {
		mw_resp_error(r, 409, "conflict", "the test clock only moves forward");
		goto out;
	}
	mw_app_clock_moved(r->app);
	mw_buf_puts(&b, "{\"clock\":\"test\"");
	mw_api_json_time(&b, "now", mw_now(), true);
	mw_buf_putc(&b, '}');
	mw_resp_json(r, 200, &b);
out:
	json_decref(body);
	return MW_OK;
}

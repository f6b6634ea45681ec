/*
 * admin.c - administration endpoints: staff users and roles,
 * departments, the category -> department map with processing periods,
 * and holidays. Changes to reference data reload it at once.
 */
#include "api.h"
#include "../base/mw.h"
#include "../core/mask.h"
#include "../store/sync.h"

#include <stdio.h>
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

static void refuse_existing(mw_req *r, const char *what, const char *field)
{
	mw_resp_error(r, 409, "conflict", "a %s with this %s exists", what, field);
}

static void answer_saved(mw_req *r, int rc, bool reload)
{
	if (rc) {
		mw_resp_err(r, rc, "could not save");
		return;
	}
	if (reload)
		mw_app_reload(r->app);
	mw_resp_text(r, 200, "application/json; charset=utf-8", "{\"saved\":true}");
}

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
		mw_buf_puts(&b, ",\"name\":");
		mw_buf_json_str(&b, u[i].name);
		mw_buf_puts(&b, ",\"role\":");
		mw_buf_json_str(&b, u[i].role);
		mw_buf_puts(&b, ",\"department\":");
		mw_buf_json_str(&b, u[i].department);
		/* Where notices go, masked: a listing is no place for them. */
		mw_mask_email(u[i].email, email, sizeof(email));
		mw_mask_phone(u[i].phone, phone, sizeof(phone));
		mw_buf_puts(&b, ",\"email\":");
		mw_buf_json_str(&b, u[i].email && *u[i].email ? email : NULL);
		mw_buf_puts(&b, ",\"phone\":");
		mw_buf_json_str(&b, u[i].phone && *u[i].phone ? phone : NULL);
		mw_buf_printf(&b, ",\"disabled\":%s,\"locked\":%s}", u[i].disabled ? "true" : "false",
			      u[i].locked_until > now ? "true" : "false");
	}
	mw_buf_puts(&b, "]}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/* The work e-mail and phone a staff member gets notices at; a field left
 * out keeps its value, an empty one clears it. */
static int put_staff_contact(mw_req *r, const char *login, bool has_email, const char *email,
			     bool has_phone, const char *phone)
{
	mw_staff_contact c = { .login = login };

	if (mw_store_staff_contact(r->app->store, login, &r->arena, &c) == MW_OK)
		c.login = login;
	if (has_email)
		c.email = email;
	if (has_phone)
		c.phone = phone;
	return mw_store_put_staff_contact(r->app->store, &c);
}

int api_admin_user_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	mw_user u = { 0 };
	const char *password, *email = NULL, *phone = NULL;
	bool has_email = json_object_get(body ? body : NULL, "email") != NULL,
	     has_phone = json_object_get(body ? body : NULL, "phone") != NULL;
	char digits[24];
	mw_role role;
	mw_refdata *ref;
	mw_user existing;
	bool create;

	if (!body)
		return MW_OK;
	if (mw_api_text_field(r, body, "email", MW_EMAIL_MAX, false, false, &email) ||
	    mw_api_text_field(r, body, "phone", MW_PHONE_MAX, false, false, &phone))
		goto out;
	if (email && !mw_api_email_valid(email)) {
		mw_resp_error(r, 400, "invalid", "email must be an e-mail address");
		goto out;
	}
	if (phone && !mw_api_phone_digits(phone, digits, sizeof(digits))) {
		mw_resp_error(r, 400, "invalid", "phone must be a phone number");
		goto out;
	}
	if (want_create(r, body, &create) || mw_api_opt_string(r, body, "login", &u.login) ||
	    mw_api_opt_string(r, body, "role", &u.role) ||
	    mw_api_opt_string(r, body, "department", &u.department) ||
	    mw_api_text_field(r, body, "name", 100, false, false, &u.name) ||
	    mw_api_opt_string(r, body, "password", &password) ||
	    mw_api_opt_bool(r, body, "disabled", &u.disabled, NULL))
		goto out;
	if (!u.login || !valid_code(u.login)) {
		mw_resp_error(r, 400, "invalid", "login must be 2-64 characters of a-z, 0-9, _ - .");
		goto out;
	}
	if (!u.role || mw_role_parse(u.role, &role)) {
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
	if ((role == MW_ROLE_MANAGER || role == MW_ROLE_OFFICER) &&
	    (!u.department || !mw_ref_department(ref, u.department))) {
		mw_app_ref_put(r->app, ref);
		mw_resp_error(r, 400, "invalid", "managers and officers need an existing department");
		goto out;
	}
	mw_app_ref_put(r->app, ref);
	if (create && !mw_store_user_get(r->app->store, u.login, &r->arena, &existing)) {
		refuse_existing(r, "user", "login");
		goto out;
	}
	{
		int rc = mw_store_put_user(r->app->store, &u, password);

		if (rc == MW_ERR_INVALID) {
			mw_resp_error(r, 400, "missing_field", "a new user needs a password");
			goto out;
		}
		if (!rc && (has_email || has_phone))
			rc = put_staff_contact(r, u.login, has_email, email, has_phone, phone);
		answer_saved(r, rc, false);
	}
out:
	json_decref(body);
	return MW_OK;
}

/* The departments with their Korean and English names: the admin's list,
 * and what staff pages offer for 이송 and 협조 (GET /api/v1/staff/departments). */
int api_departments(mw_req *r)
{
	mw_refdata *ref = mw_app_ref_get(r->app);
	mw_buf b = MW_BUF_INIT;

	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < ref->ndepartments; i++) {
		mw_buf_printf(&b, "%s{\"code\":", i ? "," : "");
		mw_buf_json_str(&b, ref->departments[i].code);
		mw_buf_puts(&b, ",\"name_ko\":");
		mw_buf_json_str(&b, ref->departments[i].name_ko);
		mw_buf_puts(&b, ",\"name_en\":");
		mw_buf_json_str(&b, ref->departments[i].name_en);
		mw_buf_putc(&b, '}');
	}
	mw_buf_puts(&b, "]}");
	mw_app_ref_put(r->app, ref);
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

int api_admin_department_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	mw_department d = { 0 };
	mw_refdata *ref;
	bool create, exists;

	if (!body)
		return MW_OK;
	if (want_create(r, body, &create) || mw_api_opt_string(r, body, "code", &d.code) ||
	    mw_api_text_field(r, body, "name_ko", 100, true, false, &d.name_ko) ||
	    mw_api_text_field(r, body, "name_en", 100, false, false, &d.name_en))
		goto out;
	if (!d.code || !valid_code(d.code)) {
		mw_resp_error(r, 400, "invalid", "code must be 2-64 characters of a-z, 0-9, _ - .");
		goto out;
	}
	ref = mw_app_ref_get(r->app);
	exists = mw_ref_department(ref, d.code) != NULL;
	mw_app_ref_put(r->app, ref);
	if (create && exists) {
		refuse_existing(r, "department", "code");
		goto out;
	}
	answer_saved(r, mw_store_put_department(r->app->store, &d), true);
out:
	json_decref(body);
	return MW_OK;
}

int api_admin_category_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	mw_category c = { 0 };
	const char *period;
	mw_refdata *ref;
	bool dept_ok, exists, create;

	if (!body)
		return MW_OK;
	if (want_create(r, body, &create) || mw_api_opt_string(r, body, "code", &c.code) ||
	    mw_api_text_field(r, body, "name_ko", 100, true, false, &c.name_ko) ||
	    mw_api_opt_string(r, body, "department", &c.department) ||
	    mw_api_opt_string(r, body, "period", &period))
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
	dept_ok = c.department && mw_ref_department(ref, c.department);
	exists = mw_ref_category(ref, c.code) != NULL;
	mw_app_ref_put(r->app, ref);
	if (!dept_ok) {
		mw_resp_error(r, 400, "invalid", "department must be an existing department code");
		goto out;
	}
	if (create && exists) {
		refuse_existing(r, "category", "code");
		goto out;
	}
	answer_saved(r, mw_store_put_category(r->app->store, &c), true);
out:
	json_decref(body);
	return MW_OK;
}

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
		mw_buf_printf(&b, ",\"temporary\":%s}",
			      strstr(h[i].name, TEMPORARY_HOLIDAY) ? "true" : "false");
	}
	mw_buf_puts(&b, "]}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

int api_admin_holiday_put(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	mw_holiday h = { 0 };
	const char *date, *source;
	bool temporary = false;

	if (!body)
		return MW_OK;
	if (mw_api_opt_string(r, body, "date", &date) ||
	    mw_api_text_field(r, body, "name", 100, true, false, &h.name) ||
	    mw_api_text_field(r, body, "source", 200, false, false, &source) ||
	    mw_api_opt_bool(r, body, "temporary", &temporary, NULL))
		goto out;
	if (!date || mw_date_parse(date, &h.y, &h.m, &h.d)) {
		mw_resp_error(r, 400, "invalid", "date must be YYYY-MM-DD");
		goto out;
	}
	if (temporary && !strstr(h.name, TEMPORARY_HOLIDAY) &&
	    !(h.name = mw_arena_printf(&r->arena, "%s(" TEMPORARY_HOLIDAY ")", h.name))) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		goto out;
	}
	answer_saved(r, mw_store_put_holiday(r->app->store, &h, source ? source : r->auth->login),
		     true);
out:
	json_decref(body);
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

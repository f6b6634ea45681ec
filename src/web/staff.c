/*
 * staff.c - the staff side's entrance: sign-in (/staff/login) and
 * sign-out. Signing in leads to the console's queue (/staff,
 * staff_queue.c), a field worker to the field app (/field) and the desk
 * to its form (/desk). Sign-in runs the API's own handler, so the password
 * check, lockout and session rules are the API's (src/api/session.c); its
 * session cookie passes through (web.c keeps an API handler's
 * Set-Cookie). Any staff page reached without a session redirects here
 * (mw_web_error_page, 401).
 *
 * The field app has its own sign-in (/field/login), inside the installed
 * app's scope: the same form with "이 기기에서 로그인 유지", which asks
 * the API for a field session (weeks long, the field role's permissions
 * only; a field worker always gets one), and it leads to /field.
 */
#include "web_int.h"
#include "../api/session.h"
#include "../base/mw.h"

#include <string.h>

#include "../base/banned.h"

/* Where a role starts after signing in: field workers in the field app,
 * the desk at its form; everyone else in the console's queue. */
static const struct {
	const char *role;
	const char *home;
} role_homes[] = {
	{ "field", "/field" },
	{ "desk", "/desk" },
};

static const char *home_of(const char *role)
{
	for (size_t i = 0; role && i < MW_ARRAY_LEN(role_homes); i++)
		if (!strcmp(role, role_homes[i].role))
			return role_homes[i].home;
	return "/staff";
}

/* "30분", "12 hours", "30일": a session limit in the page's words. */
static const char *duration_text(mw_page *pg, int seconds)
{
	const char *key = seconds % 86400 == 0 ? "time.days"
			  : seconds % 3600 == 0 ? "time.hours" : "time.minutes";
	int n = seconds % 86400 == 0 ? seconds / 86400
		: seconds % 3600 == 0 ? seconds / 3600 : (seconds + 59) / 60;
	const char *pattern = mw_page_msg(pg, key), *hole = strstr(pattern, "{}");

	if (!hole)
		return pattern;
	return mw_arena_printf(&pg->r->arena, "%.*s%d%s", (int)(hole - pattern), pattern, n,
			       hole + 2);
}

/* The sign-in form, for the staff entrance or (field) the field app. */
static void login_render(mw_page *pg, int status, const char *error_key, bool field)
{
	const mw_session_limits *office = &pg->r->app->sessions[MW_SESSION_OFFICE];
	const mw_session_limits *kept = &pg->r->app->sessions[MW_SESSION_FIELD];
	const char *title = field ? "field.login_title" : "staff.login_title";

	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, title)));
	json_object_set_new(pg->view, "staff", json_true());
	json_object_set_new(pg->view, "login_action",
			    json_string(field ? "/field/login" : "/staff/login"));
	json_object_set_new(pg->view, "idle_text",
			    json_string(duration_text(pg, office->idle_seconds)));
	if (field) {
		json_object_set_new(pg->view, "field_login", json_true());
		json_object_set_new(pg->view, "keep_text",
				    json_string(duration_text(pg, kept->max_seconds)));
		json_object_set_new(pg->view, "keep",
				    json_boolean(!strcmp(mw_page_field(pg, "keep"), "yes")));
		json_object_set_new(pg->view, "page_manifest", json_string("field.webmanifest"));
	}
	if (error_key) {
		json_object_set_new(pg->view, "login_error", json_string(mw_page_msg(pg, error_key)));
		json_object_set_new(pg->view, "login",
				    json_string(mw_page_field(pg, "login")));
	}
	mw_page_render(pg, status, "staff_login");
}

int web_staff_login_form(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (!pg)
		return MW_OK;
	if (r->auth) {
		mw_page_redirect(pg, home_of(mw_role_name(r->auth->role)));
		return MW_OK;
	}
	login_render(pg, 200, NULL, false);
	return MW_OK;
}

/* GET /field/login. A phone with a field session goes on to the app; an
 * office session may sign in again here to keep this device. */
int web_field_login_form(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (!pg)
		return MW_OK;
	if (r->auth && r->auth->field_session) {
		mw_page_redirect(pg, "/field");
		return MW_OK;
	}
	login_render(pg, 200, NULL, true);
	return MW_OK;
}

/* What went wrong with a sign-in, for the form: the status to answer
 * and the catalogue key of the message. */
static const struct {
	int status;
	const char *key;
} login_errors[] = {
	{ 400, "staff.login_missing" },
	{ 401, "staff.login_wrong" },
	{ 403, "field.login_forbidden" },   /* this role cannot keep a field session */
	{ 429, "staff.login_locked" },
};

static void login_failed(mw_page *pg, int status, bool field)
{
	for (size_t i = 0; i < MW_ARRAY_LEN(login_errors); i++)
		if (login_errors[i].status == status) {
			login_render(pg, status, login_errors[i].key, field);
			return;
		}
	login_render(pg, 503, "error.busy", field);
}

static void login_answered(mw_page *pg, int status, json_t *answer)
{
	if (status == 200)
		mw_page_redirect(pg, home_of(json_string_value(json_object_get(answer, "role"))));
	else
		login_failed(pg, status, false);
}

static void field_login_answered(mw_page *pg, int status, json_t *answer)
{
	(void)answer;
	if (status == 200)
		mw_page_redirect(pg, "/field");
	else
		login_failed(pg, status, true);
}

static int login_post(mw_req *r, bool field)
{
	mw_page *pg = mw_page_begin(r);
	json_t *body;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	body = json_pack("{s:s, s:s}", "login", mw_page_field(pg, "login"), "password",
			 mw_page_field(pg, "password"));
	if (body && field && !strcmp(mw_page_field(pg, "keep"), "yes"))
		json_object_set_new(body, "session", json_string("field"));
	mw_page_post(pg, api_session_login, body, field ? field_login_answered : login_answered);
	return MW_OK;
}

int web_staff_login(mw_req *r)
{
	return login_post(r, false);
}

/* POST /field/login: signs in for the field app, keeping this device
 * signed in when asked ("keep": a field session). */
int web_field_login(mw_req *r)
{
	return login_post(r, true);
}

static void logout_answered(mw_page *pg, int status, json_t *answer)
{
	(void)answer;
	if (status != 204) {
		mw_web_error_page(pg->r, status >= 400 ? status : 500);
		return;
	}
	/* Nothing of the desk's last filing or reprint stays for whoever
	 * signs in next on this browser. */
	mw_page_cookie(pg, MW_COOKIE_DESK_RECEIPT, "", 0, true);
	mw_page_cookie(pg, MW_COOKIE_DESK_REPRINT, "", 0, true);
	/* The field app signs out to its own sign-in (inside the app). */
	mw_page_redirect(pg, !strcmp(mw_page_field(pg, "then"), "field") ? "/field/login"
									 : "/staff/login");
}

int web_staff_logout(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (!pg || mw_page_form(pg))
		return MW_OK;
	mw_page_call(pg, api_session_logout, NULL, logout_answered);
	return MW_OK;
}

/*
 * staff.c - the staff side's entrance: sign-in (/staff/login) and
 * sign-out. Signing in leads to the console's queue (/staff,
 * staff_queue.c), a field worker to the field app (/field) and the desk
 * to its form (/desk). Sign-in runs the API's own handler, so the password
 * check, lockout and session rules are the API's (src/api/session.c); its
 * session cookie passes through (web.c keeps an API handler's
 * Set-Cookie). Any staff page reached without a session redirects here
 * (mw_web_error_page, 401).
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

static void login_render(mw_page *pg, int status, const char *error_key)
{
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "staff.login_title")));
	json_object_set_new(pg->view, "staff", json_true());
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
	login_render(pg, 200, NULL);
	return MW_OK;
}

static void login_answered(mw_page *pg, int status, json_t *answer)
{
	if (status == 200) {
		mw_page_redirect(pg, home_of(json_string_value(json_object_get(answer, "role"))));
		return;
	}
	login_render(pg, status == 429 ? 429 : status == 400 ? 400 : 401,
		     status == 429 ? "staff.login_locked"
		     : status == 400 ? "staff.login_missing"
		     : status == 401 ? "staff.login_wrong" : "error.busy");
}

int web_staff_login(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	json_t *body;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	body = json_pack("{s:s, s:s}", "login", mw_page_field(pg, "login"), "password",
			 mw_page_field(pg, "password"));
	mw_page_post(pg, api_session_login, body, login_answered);
	return MW_OK;
}

static void logout_answered(mw_page *pg, int status, json_t *answer)
{
	(void)answer;
	if (status != 204) {
		mw_web_error_page(pg->r, status >= 400 ? status : 500);
		return;
	}
	mw_page_redirect(pg, "/staff/login");
}

int web_staff_logout(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (!pg || mw_page_form(pg))
		return MW_OK;
	mw_page_call(pg, api_session_logout, NULL, logout_answered);
	return MW_OK;
}

#include "api.h"
#include "routes.h"
#include "session.h"
#include "../base/log.h"
#include "../base/mw.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* Writes that nobody waits for (last-seen updates, expired sessions):
 * the unit owns a copy of its data and frees itself when done. */
struct bg_session_work {
	mw_work w;
	char id_hash[65];
	mw_time at;
	bool delete_it;
};

static int bg_run(mw_tx *tx, mw_work *w)
{
	struct bg_session_work *b = (struct bg_session_work *)w;

	return b->delete_it ? mw_tx_session_delete(tx, b->id_hash)
			    : mw_tx_session_touch(tx, b->id_hash, b->at);
}

static void bg_done(mw_work *w)
{
	free(w);
}

static void session_bg(mw_app *app, const char *id_hash, mw_time at, bool delete_it)
{
	struct bg_session_work *b = calloc(1, sizeof(*b));

	if (!b)
		return;
	b->w.run = bg_run;
	b->w.done = bg_done;
	mw_strlcpy(b->id_hash, id_hash, sizeof(b->id_hash));
	b->at = at;
	b->delete_it = delete_it;
	if (mw_store_submit(app->store, &b->w))
		free(b);
}

int mw_session_resolve(mw_req *r)
{
	const char *cookie = mw_req_cookie(r, MW_SESSION_COOKIE);
	char id_hash[MW_DIGEST_HEX];
	mw_session sess;
	mw_user user;
	mw_auth *auth;
	mw_time now = mw_now();
	mw_role role;
	int rc;

	r->auth = NULL;
	if (!cookie || strlen(cookie) != MW_TOKEN_CHARS)
		return MW_OK;
	mw_token_digest(cookie, id_hash);
	rc = mw_store_session_get(r->app->store, id_hash, &r->arena, &sess);
	if (rc == MW_ERR_NOTFOUND)
		return r->route->perm == PERM_PUBLIC || r->route->perm == PERM_FILE
			       ? MW_OK : MW_ERR_UNAUTHORIZED;
	if (rc)
		return rc;
	/* Idle for too long, or older than a working day: sign in again. */
	if (sess.last_seen + r->app->session_idle_seconds < now ||
	    sess.created_at + MW_SESSION_MAX_AGE < now) {
		session_bg(r->app, id_hash, now, true);
		return r->route->perm == PERM_PUBLIC || r->route->perm == PERM_FILE
			       ? MW_OK : MW_ERR_UNAUTHORIZED;
	}
	rc = mw_store_user_get(r->app->store, sess.login, &r->arena, &user);
	if (rc || user.disabled || mw_role_parse(user.role, &role))
		return MW_ERR_UNAUTHORIZED;
	auth = mw_arena_alloc(&r->arena, sizeof(*auth));
	if (!auth)
		return MW_ERR_NOMEM;
	auth->login = user.login;
	auth->role = role;
	auth->department = user.department;
	mw_strlcpy(auth->csrf, sess.csrf, sizeof(auth->csrf));
	mw_strlcpy(auth->session_hash, id_hash, sizeof(auth->session_hash));
	r->auth = auth;
	/* Refresh last_seen at most once a minute (or a quarter of the idle
	 * limit when that is shorter): the timeout needs no finer clock, and
	 * most requests then write nothing. */
	if (now - sess.last_seen >= (r->app->session_idle_seconds < 240
					     ? r->app->session_idle_seconds / 4 : 60))
		session_bg(r->app, id_hash, now, false);
	return MW_OK;
}

struct login_work {
	mw_work w;
	const char *login;
	bool ok;
	bool lock_expired;        /* start counting failures afresh */
	int max_failures;
	mw_time lock_until;
	mw_session sess;
};

static int login_run(mw_tx *tx, mw_work *w)
{
	struct login_work *l = (struct login_work *)w;
	int rc = MW_OK;

	if (l->lock_expired)
		rc = mw_tx_user_login_result(tx, l->login, true, l->max_failures, 0);
	if (!rc)
		rc = mw_tx_user_login_result(tx, l->login, l->ok, l->max_failures, l->lock_until);

	if (!rc && l->ok)
		rc = mw_tx_session_put(tx, &l->sess);
	return rc;
}

static void auth_json(mw_buf *b, const char *login, const char *role, const char *dept,
		      const char *csrf)
{
	mw_buf_puts(b, "{\"login\":");
	mw_buf_json_str(b, login);
	mw_buf_puts(b, ",\"role\":");
	mw_buf_json_str(b, role);
	mw_buf_puts(b, ",\"department\":");
	mw_buf_json_str(b, dept);
	mw_buf_puts(b, ",\"csrf\":");
	mw_buf_json_str(b, csrf);
	mw_buf_putc(b, '}');
}

/* A precomputed argon2id hash of a random password: verifying against it
 * when the login does not exist costs the same time as a real check, so
 * response times do not reveal which logins exist. */
static char *dummy_hash;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	char pw[MW_TOKEN_CHARS + 1];

	mw_token_new(pw);
	if (mw_password_hash(pw, &dummy_hash))
		dummy_hash = NULL;
}

int api_session_login(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	const char *login, *password;
	struct login_work lw = { .w = { .run = login_run } };
	mw_user user;
	mw_time now = mw_now();
	char token[MW_TOKEN_CHARS + 1], cookie[128];
	mw_buf b = MW_BUF_INIT;
	bool exists;
	int rc;

	if (!body)
		return MW_OK;
	if (mw_api_opt_string(r, body, "login", &login) ||
	    mw_api_opt_string(r, body, "password", &password))
		goto out;
	if (!login || !password || !*login || !*password) {
		mw_resp_error(r, 400, "missing_field", "login and password are required");
		goto out;
	}
	rc = mw_store_user_get(r->app->store, login, &r->arena, &user);
	if (rc && rc != MW_ERR_NOTFOUND) {
		mw_resp_err(r, rc, "cannot read users");
		goto out;
	}
	exists = rc == MW_OK && !user.disabled;
	if (exists && user.locked_until > now) {
		mw_resp_error(r, 429, "locked",
			      "too many failed sign-ins; try again in %lld minutes",
			      (long long)((user.locked_until - now + 59) / 60));
		goto out;
	}
	pthread_once(&dummy_once, dummy_init);
	if (!exists) {
		if (dummy_hash)
			mw_password_verify(dummy_hash, password);
		mw_log_info("auth", "event=login_failed reason=unknown_login");
		mw_resp_error(r, 401, "unauthorized", "wrong login or password");
		goto out;
	}
	lw.login = user.login;
	lw.lock_expired = user.locked_until && user.locked_until <= now;
	if (lw.lock_expired)
		user.failed = 0;
	lw.max_failures = r->app->login_max_failures;
	lw.lock_until = now + r->app->login_lock_seconds;
	lw.ok = mw_password_verify(user.pwhash, password) == MW_OK;
	if (lw.ok) {
		mw_token_new(token);
		mw_token_digest(token, lw.sess.id_hash);
		lw.sess.login = user.login;
		mw_token_new(lw.sess.csrf);
		lw.sess.created_at = lw.sess.last_seen = now;
	}
	rc = mw_store_exec(r->app->store, &lw.w);
	if (rc) {
		mw_resp_err(r, rc, "cannot record the sign-in");
		goto out;
	}
	if (!lw.ok) {
		mw_log_info("auth", "event=login_failed reason=password user_id=%lld",
			    (long long)user.id);
		if (user.failed + 1 >= r->app->login_max_failures)
			mw_resp_error(r, 429, "locked",
				      "too many failed sign-ins; the account is locked for %d minutes",
				      r->app->login_lock_seconds / 60);
		else
			mw_resp_error(r, 401, "unauthorized", "wrong login or password");
		goto out;
	}
	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
		 MW_SESSION_COOKIE, token, MW_SESSION_MAX_AGE,
		 strncmp(r->app->public_url, "https:", 6) ? "" : "; Secure");
	mw_resp_header(r, "Set-Cookie", cookie);
	auth_json(&b, user.login, user.role, user.department, lw.sess.csrf);
	mw_resp_json(r, 200, &b);
	mw_log_info("auth", "event=login user_id=%lld", (long long)user.id);
out:
	json_decref(body);
	return MW_OK;
}

int api_session_get(mw_req *r)
{
	mw_buf b = MW_BUF_INIT;

	auth_json(&b, r->auth->login, mw_role_name(r->auth->role), r->auth->department,
		  r->auth->csrf);
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

struct logout_work {
	mw_work w;
	const char *id_hash;
};

static int logout_run(mw_tx *tx, mw_work *w)
{
	return mw_tx_session_delete(tx, ((struct logout_work *)w)->id_hash);
}

int api_session_logout(mw_req *r)
{
	struct logout_work lw = { .w = { .run = logout_run }, .id_hash = r->auth->session_hash };
	int rc = mw_store_exec(r->app->store, &lw.w);

	if (rc) {
		mw_resp_err(r, rc, "cannot end the session");
		return MW_OK;
	}
	mw_resp_header(r, "Set-Cookie",
		       MW_SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	mw_resp_text(r, 204, NULL, "");
	return MW_OK;
}

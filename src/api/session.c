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

/* The limits as data: the flags, variables and defaults of minwon serve. */
static const mw_session_setting settings[] = {
	{ "session-idle", "MINWON_SESSION_IDLE", MW_SESSION_OFFICE, false, 30 * 60,
	  "office sessions end after TIME unused" },
	{ "session-max", "MINWON_SESSION_MAX", MW_SESSION_OFFICE, true, 12 * 3600,
	  "and TIME after the sign-in at the latest" },
	{ "field-session-idle", "MINWON_FIELD_SESSION_IDLE", MW_SESSION_FIELD, false, 7 * 86400,
	  "field sessions (/field, see docs/API.md) after TIME unused" },
	{ "field-session-max", "MINWON_FIELD_SESSION_MAX", MW_SESSION_FIELD, true, 30 * 86400,
	  "and TIME after the sign-in (also the cookie's Max-Age)" },
};

#define SETTING_MAX_SECONDS (90 * 86400)

static const char *const kind_names[MW_SESSION__COUNT] = {
	[MW_SESSION_OFFICE] = "office",
	[MW_SESSION_FIELD] = "field",
};

const char *mw_session_kind_name(mw_session_kind kind)
{
	return (unsigned)kind < MW_SESSION__COUNT ? kind_names[kind] : "unknown";
}

size_t mw_session_setting_count(void)
{
	return MW_ARRAY_LEN(settings);
}

const mw_session_setting *mw_session_setting_at(size_t i)
{
	return i < MW_ARRAY_LEN(settings) ? &settings[i] : NULL;
}

static void limit_put(mw_session_limits limits[MW_SESSION__COUNT], const mw_session_setting *st,
		      int seconds)
{
	if (st->is_max)
		limits[st->kind].max_seconds = seconds;
	else
		limits[st->kind].idle_seconds = seconds;
}

void mw_session_limits_default(mw_session_limits limits[MW_SESSION__COUNT])
{
	for (size_t i = 0; i < MW_ARRAY_LEN(settings); i++)
		limit_put(limits, &settings[i], settings[i].default_seconds);
}

int mw_session_limit_set(mw_session_limits limits[MW_SESSION__COUNT], size_t i,
			 const char *value)
{
	int64_t v;

	if (i >= MW_ARRAY_LEN(settings) || mw_parse_seconds(value, 1, SETTING_MAX_SECONDS, &v))
		return MW_ERR_INVALID;
	limit_put(limits, &settings[i], (int)v);
	return MW_OK;
}

/* "30m", "12h", "7d": a default as people write it. */
static void format_seconds(int s, char out[16])
{
	if (s % 86400 == 0)
		snprintf(out, 16, "%dd", s / 86400);
	else if (s % 3600 == 0)
		snprintf(out, 16, "%dh", s / 3600);
	else if (s % 60 == 0)
		snprintf(out, 16, "%dm", s / 60);
	else
		snprintf(out, 16, "%ds", s);
}

void mw_session_settings_help(FILE *f)
{
	char flag[40], def[16];

	fputs("Staff sessions (TIME is seconds, or a number with s, m, h or d; at most 90d):\n", f);
	for (size_t i = 0; i < MW_ARRAY_LEN(settings); i++) {
		snprintf(flag, sizeof(flag), "--%s TIME", settings[i].flag);
		format_seconds(settings[i].default_seconds, def);
		fprintf(f, "  %-26s %s\n  %-26s (or %s; default %s)\n", flag, settings[i].help, "",
			settings[i].env, def);
	}
	fputc('\n', f);
}

static bool public_route(const mw_req *r)
{
	return r->route->perm == PERM_PUBLIC || r->route->perm == PERM_FILE;
}

int mw_session_resolve(mw_req *r)
{
	const char *cookie = mw_req_cookie(r, MW_SESSION_COOKIE);
	char id_hash[MW_DIGEST_HEX];
	const mw_session_limits *limits;
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
		return public_route(r) ? MW_OK : MW_ERR_UNAUTHORIZED;
	if (rc)
		return rc;
	/* Idle for too long, or older than its kind may live: sign in again. */
	limits = &r->app->sessions[sess.kind];
	if (sess.last_seen + limits->idle_seconds < now ||
	    sess.created_at + limits->max_seconds < now) {
		session_bg(r->app, id_hash, now, true);
		return public_route(r) ? MW_OK : MW_ERR_UNAUTHORIZED;
	}
	rc = mw_store_user_get(r->app->store, sess.login, &r->arena, &user);
	if (rc || user.disabled || mw_role_parse(user.role, &role))
		return MW_ERR_UNAUTHORIZED;
	/* A field session acts as the field role, whatever the user's role;
	 * after a change to a role without those permissions it ends. */
	if (sess.kind == MW_SESSION_FIELD) {
		if (!mw_authz_role_covers(role, MW_ROLE_FIELD)) {
			session_bg(r->app, id_hash, now, true);
			return public_route(r) ? MW_OK : MW_ERR_UNAUTHORIZED;
		}
		role = MW_ROLE_FIELD;
		user.department = NULL;
	}
	auth = mw_arena_alloc(&r->arena, sizeof(*auth));
	if (!auth)
		return MW_ERR_NOMEM;
	auth->login = user.login;
	auth->role = role;
	auth->department = user.department;
	auth->field_session = sess.kind == MW_SESSION_FIELD;
	mw_strlcpy(auth->csrf, sess.csrf, sizeof(auth->csrf));
	mw_strlcpy(auth->session_hash, id_hash, sizeof(auth->session_hash));
	r->auth = auth;
	/* Refresh last_seen at most once a minute (or a quarter of the idle
	 * limit when that is shorter): the timeout needs no finer clock, and
	 * most requests then write nothing. */
	if (now - sess.last_seen >= (limits->idle_seconds < 240 ? limits->idle_seconds / 4 : 60))
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

/* Who is signed in, as the session acts: a field session says role
 * "field" and no department, whatever the user's own role. */
static void auth_json(mw_buf *b, const char *login, mw_role role, const char *dept,
		      const char *csrf, mw_session_kind kind)
{
	mw_buf_puts(b, "{\"login\":");
	mw_buf_json_str(b, login);
	mw_buf_puts(b, ",\"role\":");
	mw_buf_json_str(b, mw_role_name(role));
	mw_buf_puts(b, ",\"department\":");
	mw_buf_json_str(b, dept);
	mw_buf_puts(b, ",\"csrf\":");
	mw_buf_json_str(b, csrf);
	mw_buf_puts(b, ",\"session\":");
	mw_buf_json_str(b, mw_session_kind_name(kind));
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
	const char *login, *password, *kind_name;
	struct login_work lw = { .w = { .run = login_run } };
	mw_session_kind kind = MW_SESSION_OFFICE;
	mw_user user;
	mw_role role = MW_ROLE__COUNT;
	mw_time now = mw_now();
	char token[MW_TOKEN_CHARS + 1], cookie[160];
	mw_buf b = MW_BUF_INIT;
	bool exists;
	int rc;

	if (!body)
		return MW_OK;
	if (mw_api_opt_string(r, body, "login", &login) ||
	    mw_api_opt_string(r, body, "password", &password) ||
	    mw_api_opt_string(r, body, "session", &kind_name))
		goto out;
	if (!login || !password || !*login || !*password) {
		mw_resp_error(r, 400, "missing_field", "login and password are required");
		goto out;
	}
	if (kind_name && strcmp(kind_name, "office") && strcmp(kind_name, "field")) {
		mw_resp_error(r, 400, "invalid", "session must be office or field");
		goto out;
	}
	rc = mw_store_user_get(r->app->store, login, &r->arena, &user);
	if (rc && rc != MW_ERR_NOTFOUND) {
		mw_resp_err(r, rc, "cannot read users");
		goto out;
	}
	exists = rc == MW_OK && !user.disabled && !mw_role_parse(user.role, &role);
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
	/* The field role always signs in for the long life; another role
	 * only when asked, and only if it holds the field role's permissions
	 * (the session will carry just those). */
	if (role == MW_ROLE_FIELD || (kind_name && !strcmp(kind_name, "field")))
		kind = MW_SESSION_FIELD;
	if (lw.ok && kind == MW_SESSION_FIELD && !mw_authz_role_covers(role, MW_ROLE_FIELD)) {
		mw_resp_error(r, 403, "forbidden", "this role may not keep a field session");
		goto out;
	}
	if (lw.ok) {
		mw_token_new(token);
		mw_token_digest(token, lw.sess.id_hash);
		lw.sess.login = user.login;
		mw_token_new(lw.sess.csrf);
		lw.sess.created_at = lw.sess.last_seen = now;
		lw.sess.kind = kind;
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
	/* A persistent cookie that lasts as long as the session may: a field
	 * worker's phone stays signed in when the browser or app closes. */
	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
		 MW_SESSION_COOKIE, token, r->app->sessions[kind].max_seconds,
		 strncmp(r->app->public_url, "https:", 6) ? "" : "; Secure");
	mw_resp_header(r, "Set-Cookie", cookie);
	if (kind == MW_SESSION_FIELD) {
		role = MW_ROLE_FIELD;
		user.department = NULL;
	}
	auth_json(&b, user.login, role, user.department, lw.sess.csrf, kind);
	mw_resp_json(r, 200, &b);
	mw_log_info("auth", "event=login user_id=%lld session=%s", (long long)user.id,
		    mw_session_kind_name(kind));
out:
	json_decref(body);
	return MW_OK;
}

int api_session_get(mw_req *r)
{
	mw_buf b = MW_BUF_INIT;

	auth_json(&b, r->auth->login, r->auth->role, r->auth->department, r->auth->csrf,
		  r->auth->field_session ? MW_SESSION_FIELD : MW_SESSION_OFFICE);
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

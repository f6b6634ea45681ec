/*
 * session.h - staff sign-in: argon2id passwords (libsodium), lockout after
 * repeated failures, sessions held in the store (so several stateless
 * servers can share them) behind an HttpOnly SameSite=Strict cookie, and a
 * CSRF token per session.
 *
 * Two kinds of session (mw_session_kind in store.h), each with its own
 * limits (app->sessions, set by minwon serve):
 *
 *   office  a working day at a desk: ended after 30 minutes unused and
 *           12 hours after the sign-in, whatever the activity.
 *   field   a phone in the street (/field) that should not ask for the
 *           password every morning: 7 days unused, 30 days at most. Every
 *           sign-in of a user with the field role is one, and any other
 *           role may ask for one ("session": "field", the field app's
 *           "이 기기에서 로그인 유지"). Least privilege: a field session
 *           carries the field role's permissions only, whatever the
 *           user's role, and only while that role holds all of them.
 *
 * Sign-out ends a session; a new password or disabling the user ends all
 * of the user's sessions (mw_tx_user_put).
 */
#ifndef MW_SESSION_H
#define MW_SESSION_H

#include <stdio.h>

#include "../http/http.h"
#include "app.h"

#define MW_SESSION_COOKIE "mw_session"

/* Sets r->auth from the session cookie, or leaves it NULL for anonymous
 * requests. MW_ERR_UNAUTHORIZED when a cookie names an expired session
 * on a route that needs one; MW_OK otherwise. */
int mw_session_resolve(mw_req *r);

/* "office" or "field". */
const char *mw_session_kind_name(mw_session_kind kind);

/*
 * The settings of `minwon serve` for the limits, one row each: a flag
 * (e.g. --field-session-max 30d) wins over the environment variable
 * (MINWON_FIELD_SESSION_MAX), which wins over the default. Values are
 * lengths of time as mw_parse_seconds() reads them, 1 second to 90 days.
 */
typedef struct mw_session_setting {
	const char *flag;
	const char *env;
	mw_session_kind kind;
	bool is_max;             /* the longest life; else the idle limit */
	int default_seconds;
	const char *help;
} mw_session_setting;

size_t mw_session_setting_count(void);
const mw_session_setting *mw_session_setting_at(size_t i);
/* Every kind's limits at their defaults. */
void mw_session_limits_default(mw_session_limits limits[MW_SESSION__COUNT]);
/* Sets the limit of setting i from value. MW_ERR_INVALID when value is
 * not a length of time in range. */
int mw_session_limit_set(mw_session_limits limits[MW_SESSION__COUNT], size_t i,
			 const char *value);
/* One line per setting for --help. */
void mw_session_settings_help(FILE *f);

#endif

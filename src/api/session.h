/*
 * session.h - staff sign-in: argon2id passwords (libsodium), lockout after
 * repeated failures, sessions held in the store (so several stateless
 * servers can share them) behind an HttpOnly SameSite=Strict cookie, a
 * CSRF token per session, and logout after 30 idle minutes.
 */
#ifndef MW_SESSION_H
#define MW_SESSION_H

#include "../http/http.h"

#define MW_SESSION_COOKIE "mw_session"
/* A session ends 12 hours after sign-in however active it was. */
#define MW_SESSION_MAX_AGE (12 * 3600)

/* Sets r->auth from the session cookie, or leaves it NULL for anonymous
 * requests. MW_ERR_UNAUTHORIZED when a cookie names an expired session
 * on a route that needs one; MW_OK otherwise. */
int mw_session_resolve(mw_req *r);

#endif

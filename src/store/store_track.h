/*
 * store_track.h - the storage side of tracking by phone: one-time codes
 * and the short-lived access grants a right code gives (tables of
 * 0008_track_codes.sql). Rows of track_ops.def; src/api/track.c is the
 * only user. Codes and grant tokens are stored as digests only.
 */
#ifndef MW_STORE_TRACK_H
#define MW_STORE_TRACK_H

/* A code request of a complaint; code_hash NULL when no code was sent
 * (the phone did not match). Strings are arena copies. */
typedef struct mw_track_code {
	int64_t id;
	int64_t complaint_id;
	const char *code_hash;
	mw_time created_at;
	mw_time expires_at;
	int attempts;
	mw_time used_at;
} mw_track_code;

/* ---- writer side ----------------------------------------------------- */

/* Records a code request (code_hash may be NULL). */
int mw_tx_track_code_add(mw_tx *tx, const mw_track_code *row);
/* *n: the complaint's code requests created at or after since. */
int mw_tx_track_codes_since(mw_tx *tx, int64_t complaint_id, mw_time since, int64_t *n);
/* The complaint's newest code that was sent and not used yet;
 * MW_ERR_NOTFOUND when there is none. */
int mw_tx_track_code_live(mw_tx *tx, int64_t complaint_id, mw_arena *a, mw_track_code *out);
/* Sets a code's attempt count and used_at. */
int mw_tx_track_code_update(mw_tx *tx, int64_t id, int attempts, mw_time used_at);
/* Stores an access grant: the digest of its token, valid until expires_at. */
int mw_tx_track_grant_add(mw_tx *tx, const char *token_hash, int64_t complaint_id,
			  mw_time expires_at);

/* ---- reads ----------------------------------------------------------- */

/* The complaint a grant opens when it is still valid at now;
 * MW_ERR_NOTFOUND for an unknown or expired grant. */
int mw_store_track_grant(mw_store *s, const char *token_hash, mw_time now, int64_t *complaint_id);

#endif

/*
 * sqlite_track.c - the SQLite side of store_track.h: one-time codes and
 * access grants of tracking by phone (tables of 0008_track_codes.sql).
 *
 * Statements are data, as in store_sqlite.c; their slot on each
 * connection is MW_SQLITE_TRACK_SLOT + their index (sqlite_int.h).
 */
#include "sqlite_int.h"
#include "../../base/mw.h"

#include "../../base/banned.h"

enum {
	T_CODE_ADD,
	T_CODES_SINCE,
	T_CODE_LIVE,
	T_CODE_UPDATE,
	T_GRANT_ADD,
	T_GRANT,
	T__COUNT
};

_Static_assert(MW_SQLITE_TRACK_SLOT + T__COUNT <= MW_SQLITE_ADMIN_SLOT,
	       "track statements overlap the admin slots");

static const char *const sql[T__COUNT] = {
	[T_CODE_ADD] =
		"INSERT INTO track_codes(complaint_id, code_hash, created_at, expires_at) "
		"VALUES (?1, ?2, ?3, ?4)",
	[T_CODES_SINCE] =
		"SELECT count(*) FROM track_codes WHERE complaint_id = ?1 AND created_at >= ?2",
	[T_CODE_LIVE] =
		"SELECT id, complaint_id, code_hash, created_at, expires_at, attempts, used_at "
		"FROM track_codes WHERE complaint_id = ?1 AND code_hash IS NOT NULL AND used_at = 0 "
		"ORDER BY id DESC LIMIT 1",
	[T_CODE_UPDATE] = "UPDATE track_codes SET attempts = ?2, used_at = ?3 WHERE id = ?1",
	[T_GRANT_ADD] =
		"INSERT INTO track_grants(token_hash, complaint_id, expires_at) VALUES (?1, ?2, ?3)",
	[T_GRANT] =
		"SELECT complaint_id FROM track_grants WHERE token_hash = ?1 AND expires_at > ?2",
};

static sqlite3_stmt *S(mw_sqlite_conn *c, int i)
{
	return c ? mw_sqlite_stmt(c, MW_SQLITE_TRACK_SLOT + i, sql[i]) : NULL;
}

int tx_track_code_add(mw_tx *tx, const mw_track_code *row)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, T_CODE_ADD);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, row->complaint_id);
	mw_sqlite_bind_text(st, 2, row->code_hash);
	sqlite3_bind_int64(st, 3, row->created_at);
	sqlite3_bind_int64(st, 4, row->expires_at);
	return mw_sqlite_step_done(c, st, "track_code_add");
}

int tx_track_codes_since(mw_tx *tx, int64_t complaint_id, mw_time since, int64_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, T_CODES_SINCE);
	int r;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	sqlite3_bind_int64(st, 2, since);
	r = sqlite3_step(st);
	*n = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	mw_sqlite_finish(st);
	return r == SQLITE_ROW ? MW_OK : mw_sqlite_error(c, "track_codes_since");
}

int tx_track_code_live(mw_tx *tx, int64_t complaint_id, mw_arena *a, mw_track_code *out)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, T_CODE_LIVE);
	int r;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*out = (mw_track_code){
			.id = sqlite3_column_int64(st, 0),
			.complaint_id = sqlite3_column_int64(st, 1),
			.code_hash = mw_sqlite_col_text(st, 2, a),
			.created_at = sqlite3_column_int64(st, 3),
			.expires_at = sqlite3_column_int64(st, 4),
			.attempts = sqlite3_column_int(st, 5),
			.used_at = sqlite3_column_int64(st, 6),
		};
	}
	mw_sqlite_finish(st);
	if (r == SQLITE_ROW)
		return out->code_hash ? MW_OK : MW_ERR_NOMEM;
	return r == SQLITE_DONE ? MW_ERR_NOTFOUND : mw_sqlite_error(c, "track_code_live");
}

int tx_track_code_update(mw_tx *tx, int64_t id, int attempts, mw_time used_at)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, T_CODE_UPDATE);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, attempts);
	sqlite3_bind_int64(st, 3, used_at);
	return mw_sqlite_step_done(c, st, "track_code_update");
}

int tx_track_grant_add(mw_tx *tx, const char *token_hash, int64_t complaint_id, mw_time expires_at)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, T_GRANT_ADD);

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, complaint_id);
	sqlite3_bind_int64(st, 3, expires_at);
	return mw_sqlite_step_done(c, st, "track_grant_add");
}

int rd_track_grant(mw_store *s, const char *token_hash, mw_time now, int64_t *complaint_id)
{
	mw_sqlite_conn *c = mw_sqlite_reader(s);
	sqlite3_stmt *st = S(c, T_GRANT);
	int r;

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, now);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*complaint_id = sqlite3_column_int64(st, 0);
	mw_sqlite_finish(st);
	if (r == SQLITE_ROW)
		return MW_OK;
	return r == SQLITE_DONE ? MW_ERR_NOTFOUND : mw_sqlite_error(c, "track_grant");
}

/*
 * sqlite_admin.c - the SQLite side of store_admin.h: record versions,
 * what still uses a department or category, deleting and retiring, and
 * the admin log (tables of 0010_admin.sql).
 *
 * Statements are data, as in store_sqlite.c; their slot on each
 * connection is MW_SQLITE_ADMIN_SLOT + their index (sqlite_int.h).
 */
#include "sqlite_int.h"
#include "../../base/mw.h"

#include <stdint.h>

#include "../../base/banned.h"

enum {
	A_VERSION_USER,
	A_VERSION_DEPARTMENT,
	A_VERSION_CATEGORY,
	A_VERSION_HOLIDAY,
	A_VERSION_FAQ,
	A_VERSION_TEMPLATE,
	A_DELETE_DEPARTMENT,
	A_DELETE_CATEGORY,
	A_DELETE_HOLIDAY,
	A_RETIRE_DEPARTMENT,
	A_RETIRE_CATEGORY,
	A_USE_DEPT_OPEN,
	A_USE_DEPT_USERS,
	A_USE_DEPT_CATEGORIES,
	A_USE_DEPT_COOPERATIONS,
	A_USE_DEPT_COMPLAINTS,
	A_USE_DEPT_DISABLED_USERS,
	A_USE_DEPT_RETIRED_CATEGORIES,
	A_USE_CAT_OPEN,
	A_USE_CAT_FAQ,
	A_USE_CAT_TEMPLATES,
	A_USE_CAT_COMPLAINTS,
	A_LOG_ADD,
	A_LOG_LIST,
	A__COUNT
};

_Static_assert(MW_SQLITE_ADMIN_SLOT + A__COUNT <= MW_SQLITE_EXT_STMTS,
	       "admin statements need more slots");

/* A count and up to five names (one a line) of what matches `where` in
 * `table`. */
#define USE(table, name, where)                                                          \
	"SELECT count(*), (SELECT group_concat(n, char(10)) FROM (SELECT " name " AS n FROM " \
	table " WHERE " where " ORDER BY 1 LIMIT 5)) FROM " table " WHERE " where

static const char *const sql[A__COUNT] = {
	[A_VERSION_USER] = "SELECT version, 0 FROM users WHERE login = ?1",
	[A_VERSION_DEPARTMENT] = "SELECT version, retired_at FROM departments WHERE code = ?1",
	[A_VERSION_CATEGORY] = "SELECT version, retired_at FROM categories WHERE code = ?1",
	[A_VERSION_HOLIDAY] = "SELECT version, 0 FROM holidays WHERE date = ?1",
	[A_VERSION_FAQ] = "SELECT version, 0 FROM faq WHERE id = ?1",
	[A_VERSION_TEMPLATE] =
		"SELECT version, 0 FROM answer_templates WHERE id = CAST(?1 AS INTEGER)",
	[A_DELETE_DEPARTMENT] = "DELETE FROM departments WHERE code = ?1",
	[A_DELETE_CATEGORY] = "DELETE FROM categories WHERE code = ?1",
	[A_DELETE_HOLIDAY] = "DELETE FROM holidays WHERE date = ?1",
	[A_RETIRE_DEPARTMENT] =
		"UPDATE departments SET retired_at = ?2, version = version + 1 WHERE code = ?1",
	[A_RETIRE_CATEGORY] =
		"UPDATE categories SET retired_at = ?2, version = version + 1 WHERE code = ?1",
	[A_USE_DEPT_OPEN] = USE("complaints", "receipt_no", "department = ?1 AND is_open"),
	[A_USE_DEPT_USERS] = USE("users", "login", "department = ?1 AND NOT disabled"),
	[A_USE_DEPT_CATEGORIES] = USE("categories", "code", "department = ?1 AND retired_at = 0"),
	[A_USE_DEPT_COOPERATIONS] =
		USE("cooperations co JOIN complaints c ON c.id = co.complaint_id", "c.receipt_no",
		    "co.department = ?1 AND co.replied_at = 0 AND c.is_open"),
	/* Complaints it handled or was asked to cooperate on. */
	[A_USE_DEPT_COMPLAINTS] =
		"SELECT count(*), NULL FROM (SELECT id FROM complaints WHERE department = ?1 "
		"UNION SELECT complaint_id FROM cooperations WHERE department = ?1)",
	[A_USE_DEPT_DISABLED_USERS] = USE("users", "login", "department = ?1 AND disabled"),
	[A_USE_DEPT_RETIRED_CATEGORIES] =
		USE("categories", "code", "department = ?1 AND retired_at > 0"),
	[A_USE_CAT_OPEN] = USE("complaints", "receipt_no", "category = ?1 AND is_open"),
	[A_USE_CAT_FAQ] = USE("faq", "id", "category = ?1"),
	[A_USE_CAT_TEMPLATES] = USE("answer_templates", "substr(title, 1, 40)", "category = ?1"),
	[A_USE_CAT_COMPLAINTS] = "SELECT count(*), NULL FROM complaints WHERE category = ?1",
	[A_LOG_ADD] =
		"INSERT INTO admin_log(at, login, area, item, action, version, detail) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[A_LOG_LIST] =
		"SELECT id, at, login, area, item, action, version, detail FROM admin_log "
		"WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
};

static sqlite3_stmt *S(mw_sqlite_conn *c, int i)
{
	return c ? mw_sqlite_stmt(c, MW_SQLITE_ADMIN_SLOT + i, sql[i]) : NULL;
}

/* The statements of each kind of record: its version, delete and retire
 * (-1: the kind has none here). */
static const struct {
	int version, delete_it, retire;
} kinds[MW_ADMIN__COUNT] = {
	[MW_ADMIN_USER] = { A_VERSION_USER, -1, -1 },
	[MW_ADMIN_DEPARTMENT] = { A_VERSION_DEPARTMENT, A_DELETE_DEPARTMENT, A_RETIRE_DEPARTMENT },
	[MW_ADMIN_CATEGORY] = { A_VERSION_CATEGORY, A_DELETE_CATEGORY, A_RETIRE_CATEGORY },
	[MW_ADMIN_HOLIDAY] = { A_VERSION_HOLIDAY, A_DELETE_HOLIDAY, -1 },
	[MW_ADMIN_FAQ] = { A_VERSION_FAQ, -1, -1 },
	[MW_ADMIN_TEMPLATE] = { A_VERSION_TEMPLATE, -1, -1 },
};

/* What mw_tx_admin_usage asks, by kind, in store_admin.h's order. */
static const struct {
	mw_admin_kind kind;
	const char *what;
	int stmt;
} uses[] = {
	{ MW_ADMIN_DEPARTMENT, MW_ADMIN_USE_OPEN_COMPLAINTS, A_USE_DEPT_OPEN },
	{ MW_ADMIN_DEPARTMENT, MW_ADMIN_USE_USERS, A_USE_DEPT_USERS },
	{ MW_ADMIN_DEPARTMENT, MW_ADMIN_USE_CATEGORIES, A_USE_DEPT_CATEGORIES },
	{ MW_ADMIN_DEPARTMENT, MW_ADMIN_USE_COOPERATIONS, A_USE_DEPT_COOPERATIONS },
	{ MW_ADMIN_DEPARTMENT, MW_ADMIN_USE_COMPLAINTS, A_USE_DEPT_COMPLAINTS },
	{ MW_ADMIN_DEPARTMENT, MW_ADMIN_USE_DISABLED_USERS, A_USE_DEPT_DISABLED_USERS },
	{ MW_ADMIN_DEPARTMENT, MW_ADMIN_USE_RETIRED_CATEGORIES, A_USE_DEPT_RETIRED_CATEGORIES },
	{ MW_ADMIN_CATEGORY, MW_ADMIN_USE_OPEN_COMPLAINTS, A_USE_CAT_OPEN },
	{ MW_ADMIN_CATEGORY, MW_ADMIN_USE_FAQ, A_USE_CAT_FAQ },
	{ MW_ADMIN_CATEGORY, MW_ADMIN_USE_TEMPLATES, A_USE_CAT_TEMPLATES },
	{ MW_ADMIN_CATEGORY, MW_ADMIN_USE_COMPLAINTS, A_USE_CAT_COMPLAINTS },
};

static bool kind_ok(mw_admin_kind kind)
{
	return (unsigned)kind < MW_ADMIN__COUNT;
}

int tx_admin_version(mw_tx *tx, mw_admin_kind kind, const char *key, int64_t *version,
		     bool *retired)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st;
	int r, rc = MW_ERR_NOTFOUND;

	if (!kind_ok(kind))
		return MW_ERR_INVALID;
	if (!(st = S(c, kinds[kind].version)))
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, key);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*version = sqlite3_column_int64(st, 0);
		*retired = sqlite3_column_int64(st, 1) > 0;
		rc = MW_OK;
	} else if (r != SQLITE_DONE) {
		rc = mw_sqlite_error(c, "admin_version");
	}
	mw_sqlite_finish(st);
	return rc;
}

int tx_admin_usage(mw_tx *tx, mw_admin_kind kind, const char *key, mw_arena *a,
		   mw_admin_use **out, size_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	mw_admin_use *u = mw_arena_alloc(a, MW_ARRAY_LEN(uses) * sizeof(*u));

	*n = 0;
	*out = u;
	if (!u)
		return MW_ERR_NOMEM;
	if (kind != MW_ADMIN_DEPARTMENT && kind != MW_ADMIN_CATEGORY)
		return MW_ERR_INVALID;
	for (size_t i = 0; i < MW_ARRAY_LEN(uses); i++) {
		sqlite3_stmt *st;
		int r;

		if (uses[i].kind != kind)
			continue;
		if (!(st = S(c, uses[i].stmt)))
			return MW_ERR_DB;
		mw_sqlite_bind_text(st, 1, key);
		r = sqlite3_step(st);
		if (r != SQLITE_ROW) {
			mw_sqlite_finish(st);
			return mw_sqlite_error(c, "admin_usage");
		}
		if (sqlite3_column_int64(st, 0) > 0)
			u[(*n)++] = (mw_admin_use){ uses[i].what, sqlite3_column_int64(st, 0),
						    mw_sqlite_col_text(st, 1, a) };
		mw_sqlite_finish(st);
	}
	return MW_OK;
}

/* Runs a statement of a record's kind on its key; MW_ERR_NOTFOUND when it
 * changed nothing. */
static int change_one(mw_tx *tx, int stmt_id, const char *key, bool with_time, mw_time at,
		      const char *what)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st;
	int rc;

	if (stmt_id < 0)
		return MW_ERR_INVALID;
	if (!(st = S(c, stmt_id)))
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, key);
	if (with_time)
		sqlite3_bind_int64(st, 2, at);
	if ((rc = mw_sqlite_step_done(c, st, what)))
		return rc;
	return sqlite3_changes(mw_sqlite_db(c)) ? MW_OK : MW_ERR_NOTFOUND;
}

int tx_admin_delete(mw_tx *tx, mw_admin_kind kind, const char *key)
{
	return kind_ok(kind) ? change_one(tx, kinds[kind].delete_it, key, false, 0, "admin_delete")
			     : MW_ERR_INVALID;
}

int tx_admin_retire(mw_tx *tx, mw_admin_kind kind, const char *key, mw_time at)
{
	return kind_ok(kind) ? change_one(tx, kinds[kind].retire, key, true, at, "admin_retire")
			     : MW_ERR_INVALID;
}

int tx_admin_log(mw_tx *tx, const mw_admin_log_entry *e)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, A_LOG_ADD);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, e->at);
	mw_sqlite_bind_text(st, 2, e->login);
	mw_sqlite_bind_text(st, 3, e->area);
	mw_sqlite_bind_text(st, 4, e->item);
	mw_sqlite_bind_text(st, 5, e->action);
	sqlite3_bind_int64(st, 6, e->version);
	mw_sqlite_bind_text(st, 7, e->detail);
	return mw_sqlite_step_done(c, st, "admin_log");
}

int rd_admin_log(mw_store *s, int64_t before_id, int limit, mw_arena *a,
		 mw_admin_log_entry **out, size_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_reader(s);
	sqlite3_stmt *st = S(c, A_LOG_LIST);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int(st, 2, limit);
	COLLECT(c, st, mw_admin_log_entry, a, out, n, {
		row->id = sqlite3_column_int64(st, 0);
		row->at = sqlite3_column_int64(st, 1);
		row->login = mw_sqlite_col_text(st, 2, a);
		row->area = mw_sqlite_col_text(st, 3, a);
		row->item = mw_sqlite_col_text(st, 4, a);
		row->action = mw_sqlite_col_text(st, 5, a);
		row->version = sqlite3_column_int64(st, 6);
		row->detail = mw_sqlite_col_text(st, 7, a);
	});
	return MW_OK;
}

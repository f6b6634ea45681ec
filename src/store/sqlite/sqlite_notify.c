/*
 * sqlite_notify.c - the SQLite side of store_notify.h: outbox, reminders,
 * staff inbox, templates, staff contacts (tables of 0007_notify.sql).
 *
 * Statements are data, as in store_sqlite.c; their index is their slot on
 * each connection (sqlite_int.h).
 */
#include "sqlite_int.h"
#include "../../base/mw.h"
#include "../../core/reminder.h"

#include <stdio.h>
#include <string.h>

#include "../../base/banned.h"

enum {
	N_PREFS_PUT,
	N_PREFS_GET,
	N_STAFF_RECIPIENTS,
	N_STAFF_CONTACT_PUT,
	N_STAFF_CONTACT_GET,
	N_OUTBOX_ADD,
	N_OUTBOX_CLAIM,
	N_OUTBOX_FINISH,
	N_OUTBOX_RETRY,
	N_OUTBOX_LIST,
	N_OUTBOX_LIST_STATE,
	N_OUTBOX_PENDING,
	N_OUTBOX_DEAD,
	N_INBOX_ADD,
	N_INBOX_READ_ONE,
	N_INBOX_READ_ALL,
	N_INBOX_LIST,
	N_INBOX_LIST_UNREAD,
	N_INBOX_UNREAD,
	N_REMINDERS_CLEAR,
	N_REMINDERS_CANCEL,
	N_REMINDER_ADD,
	N_REMINDERS_DUE,
	N_REMINDERS_DONE,
	N_REMINDER_FIRE,
	N_REMINDERS_OF,
	N_REMINDERS_ALL,
	N_TEMPLATE_PUT,
	N_TEMPLATES,
	N_META_GET,
	N_META_PUT,
	N_OPEN_IDS,
	N_LAST_ID,
	N_LATEST_EVENT,
	N__COUNT
};

#define OUTBOX_COLS \
	"id, created_at, kind, channel, recipient, complaint_id, lang, vars, secret_sealed, " \
	"urgent, state, next_at, tries, last_error, sent_at, subject, body"
#define REMINDER_COLS "id, complaint_id, kind, ref, fire_at, target, fired_at"
#define INBOX_COLS "id, login, at, kind, complaint_id, receipt_no, vars, read_at"

_Static_assert(N__COUNT <= MW_SQLITE_TRACK_SLOT, "notify statements overlap the track slots");

static const char *const sql[N__COUNT] = {
	[N_PREFS_PUT] =
		"INSERT INTO notify_prefs(complaint_id, channels, lang) VALUES (?1, ?2, ?3) "
		"ON CONFLICT(complaint_id) DO UPDATE SET channels = ?2, lang = ?3",
	[N_PREFS_GET] = "SELECT channels, lang FROM notify_prefs WHERE complaint_id = ?1",
	[N_STAFF_RECIPIENTS] =
		"SELECT u.login, u.role, c.email, c.phone FROM users u LEFT JOIN staff_contacts c "
		"ON c.login = u.login WHERE NOT u.disabled AND (?1 IS NULL OR u.department = ?1) "
		"AND instr(?2, ',' || u.role || ',') > 0 ORDER BY u.login",
	[N_STAFF_CONTACT_PUT] =
		"INSERT INTO staff_contacts(login, email, phone) VALUES (?1, ?2, ?3) "
		"ON CONFLICT(login) DO UPDATE SET email = ?2, phone = ?3",
	[N_STAFF_CONTACT_GET] =
		"SELECT u.login, u.role, c.email, c.phone FROM users u LEFT JOIN staff_contacts c "
		"ON c.login = u.login WHERE u.login = ?1",
	[N_OUTBOX_ADD] =
		"INSERT INTO outbox(created_at, kind, channel, recipient, complaint_id, lang, vars, "
		"secret_sealed, urgent, state, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
		"?11)",
	/* The subquery walks outbox_due and stops after ?4 rows. */
	[N_OUTBOX_CLAIM] =
		"UPDATE outbox SET next_at = ?3 WHERE id IN (SELECT id FROM outbox WHERE state = 0 "
		"AND channel = ?1 AND next_at <= ?2 ORDER BY next_at, id LIMIT ?4) RETURNING "
		OUTBOX_COLS,
	[N_OUTBOX_FINISH] =
		"UPDATE outbox SET state = ?2, next_at = ?3, tries = ?4, last_error = ?5, sent_at = ?6, "
		"subject = ?7, body = ?8 WHERE id = ?1 AND state = 0",
	[N_OUTBOX_RETRY] =
		"UPDATE outbox SET state = 0, next_at = ?2, tries = 0 WHERE id = ?1 AND state = 2",
	[N_OUTBOX_LIST] =
		"SELECT " OUTBOX_COLS " FROM outbox WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
	[N_OUTBOX_LIST_STATE] =
		"SELECT " OUTBOX_COLS " FROM outbox WHERE id < ?1 AND state = ?3 ORDER BY id DESC "
		"LIMIT ?2",
	[N_OUTBOX_PENDING] = "SELECT channel, count(*) FROM outbox WHERE state = 0 GROUP BY channel",
	[N_OUTBOX_DEAD] = "SELECT channel, count(*) FROM outbox WHERE state = 2 GROUP BY channel",
	[N_INBOX_ADD] =
		"INSERT INTO inbox(login, at, kind, complaint_id, receipt_no, vars) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[N_INBOX_READ_ONE] =
		"UPDATE inbox SET read_at = ?3 WHERE id = ?2 AND login = ?1 AND read_at = 0",
	[N_INBOX_READ_ALL] = "UPDATE inbox SET read_at = ?2 WHERE login = ?1 AND read_at = 0",
	[N_INBOX_LIST] =
		"SELECT " INBOX_COLS " FROM inbox WHERE login = ?1 AND id < ?2 ORDER BY id DESC "
		"LIMIT ?3",
	[N_INBOX_LIST_UNREAD] =
		"SELECT " INBOX_COLS " FROM inbox WHERE login = ?1 AND id < ?2 AND read_at = 0 "
		"ORDER BY id DESC LIMIT ?3",
	[N_INBOX_UNREAD] = "SELECT count(*) FROM inbox WHERE login = ?1 AND read_at = 0",
	[N_REMINDERS_CLEAR] =
		"DELETE FROM reminders WHERE complaint_id = ?1 AND fired_at = 0 AND kind != ?2",
	[N_REMINDERS_CANCEL] =
		"UPDATE reminders SET fired_at = -1 WHERE complaint_id = ?1 AND fired_at = 0 "
		"AND kind = ?2 AND (?3 IS NULL OR ref = ?3)",
	[N_REMINDER_ADD] =
		"INSERT OR IGNORE INTO reminders(complaint_id, kind, ref, fire_at, target, fired_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[N_REMINDERS_DONE] =
		"SELECT " REMINDER_COLS " FROM reminders WHERE complaint_id = ?1 AND fired_at != 0 "
		"AND kind != ?2",
	[N_REMINDERS_DUE] =
		"SELECT " REMINDER_COLS " FROM reminders WHERE fired_at = 0 AND fire_at <= ?1 "
		"ORDER BY fire_at, id LIMIT ?2",
	[N_REMINDER_FIRE] = "UPDATE reminders SET fired_at = ?2 WHERE id = ?1 AND fired_at = 0",
	[N_REMINDERS_OF] =
		"SELECT " REMINDER_COLS " FROM reminders WHERE complaint_id = ?1 AND id > ?2 "
		"ORDER BY id LIMIT ?3",
	[N_REMINDERS_ALL] =
		"SELECT " REMINDER_COLS " FROM reminders WHERE id > ?2 ORDER BY id LIMIT ?3",
	[N_TEMPLATE_PUT] =
		"INSERT INTO notify_templates(kind, channel, lang, subject, body, updated_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(kind, channel, lang) DO UPDATE SET "
		"subject = ?4, body = ?5, updated_at = ?6",
	[N_TEMPLATES] =
		"SELECT kind, channel, lang, subject, body, updated_at FROM notify_templates "
		"ORDER BY kind, channel, lang",
	[N_META_GET] = "SELECT value FROM notify_meta WHERE key = ?1",
	[N_META_PUT] =
		"INSERT INTO notify_meta(key, value) VALUES (?1, ?2) "
		"ON CONFLICT(key) DO UPDATE SET value = ?2",
	/* The rowid range, then the open ones of it. */
	[N_OPEN_IDS] =
		"SELECT id FROM complaints WHERE id > ?1 AND id <= ?2 AND is_open ORDER BY id LIMIT ?3",
	[N_LAST_ID] = "SELECT coalesce(max(id), 0) FROM complaints",
	[N_LATEST_EVENT] = "SELECT at FROM events ORDER BY id DESC LIMIT 1",
};

static sqlite3_stmt *S(mw_sqlite_conn *c, int id)
{
	return c ? mw_sqlite_stmt(c, id, sql[id]) : NULL;
}

/* A statement without parameters that gives one integer (0 for no row). */
static int one_int(mw_sqlite_conn *c, int id, int64_t *out, const char *what)
{
	sqlite3_stmt *st = S(c, id);
	int r;

	if (!st)
		return MW_ERR_DB;
	r = sqlite3_step(st);
	*out = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	mw_sqlite_finish(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? MW_OK : mw_sqlite_error(c, what);
}

/* A value of notify_meta; MW_ERR_NOTFOUND for a key never put. */
static int meta_get(mw_sqlite_conn *c, const char *key, mw_arena *a, const char **value)
{
	sqlite3_stmt *st = S(c, N_META_GET);
	int r, rc = MW_ERR_NOTFOUND;

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, key);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*value = mw_sqlite_col_text(st, 0, a);
		rc = *value ? MW_OK : MW_ERR_NOMEM;
	} else if (r != SQLITE_DONE) {
		rc = mw_sqlite_error(c, "notify_meta_get");
	}
	mw_sqlite_finish(st);
	return rc;
}

static void read_outbox(sqlite3_stmt *st, mw_arena *a, mw_outbox_row *o)
{
	o->id = sqlite3_column_int64(st, 0);
	o->created_at = sqlite3_column_int64(st, 1);
	o->kind = mw_sqlite_col_text(st, 2, a);
	o->channel = sqlite3_column_int(st, 3);
	o->recipient = mw_sqlite_col_text(st, 4, a);
	o->complaint_id = sqlite3_column_int64(st, 5);
	o->lang = mw_sqlite_col_text(st, 6, a);
	o->vars = mw_sqlite_col_text(st, 7, a);
	o->secret_sealed = mw_sqlite_col_text(st, 8, a);
	o->urgent = sqlite3_column_int(st, 9);
	o->state = sqlite3_column_int(st, 10);
	o->next_at = sqlite3_column_int64(st, 11);
	o->tries = sqlite3_column_int(st, 12);
	o->last_error = mw_sqlite_col_text(st, 13, a);
	o->sent_at = sqlite3_column_int64(st, 14);
	o->subject = mw_sqlite_col_text(st, 15, a);
	o->body = mw_sqlite_col_text(st, 16, a);
}

static void read_reminder(sqlite3_stmt *st, mw_arena *a, mw_reminder_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->complaint_id = sqlite3_column_int64(st, 1);
	r->kind = sqlite3_column_int(st, 2);
	r->ref = mw_sqlite_col_text(st, 3, a);
	r->fire_at = sqlite3_column_int64(st, 4);
	r->target = sqlite3_column_int64(st, 5);
	r->fired_at = sqlite3_column_int64(st, 6);
}

static void read_contact(sqlite3_stmt *st, mw_arena *a, mw_staff_contact *c)
{
	c->login = mw_sqlite_col_text(st, 0, a);
	c->role = mw_sqlite_col_text(st, 1, a);
	c->email = mw_sqlite_col_text(st, 2, a);
	c->phone = mw_sqlite_col_text(st, 3, a);
}

/* ---- writer ------------------------------------------------------------ */

int tx_notify_prefs_put(mw_tx *tx, int64_t complaint_id, const mw_notify_prefs *p)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_PREFS_PUT);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	sqlite3_bind_int(st, 2, (int)p->channels);
	mw_sqlite_bind_text(st, 3, p->lang[0] ? p->lang : "ko");
	return mw_sqlite_step_done(c, st, "notify_prefs_put");
}

int tx_notify_prefs_get(mw_tx *tx, int64_t complaint_id, mw_notify_prefs *out)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_PREFS_GET);
	int r, rc = MW_ERR_NOTFOUND;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		const unsigned char *lang = sqlite3_column_text(st, 1);

		out->channels = (unsigned)sqlite3_column_int(st, 0);
		mw_strlcpy(out->lang, lang ? (const char *)lang : "ko", sizeof(out->lang));
		rc = MW_OK;
	} else if (r != SQLITE_DONE) {
		rc = mw_sqlite_error(c, "notify_prefs_get");
	}
	mw_sqlite_finish(st);
	return rc;
}

int tx_staff_recipients(mw_tx *tx, const char *department, const char *roles, mw_arena *a,
			mw_staff_contact **out, size_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_STAFF_RECIPIENTS);

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, department);
	mw_sqlite_bind_text(st, 2, roles);
	COLLECT(c, st, mw_staff_contact, a, out, n, read_contact(st, a, row));
	return MW_OK;
}

int tx_staff_contact_put(mw_tx *tx, const char *login, const char *email, const char *phone)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_STAFF_CONTACT_PUT);

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, login);
	mw_sqlite_bind_text(st, 2, email);
	mw_sqlite_bind_text(st, 3, phone);
	return mw_sqlite_step_done(c, st, "staff_contact_put");
}

int tx_outbox_add(mw_tx *tx, const mw_outbox_row *o, int64_t *id)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_OUTBOX_ADD);
	int rc;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, o->created_at);
	mw_sqlite_bind_text(st, 2, o->kind);
	sqlite3_bind_int(st, 3, o->channel);
	mw_sqlite_bind_text(st, 4, o->recipient);
	sqlite3_bind_int64(st, 5, o->complaint_id);
	mw_sqlite_bind_text(st, 6, o->lang ? o->lang : "ko");
	mw_sqlite_bind_text(st, 7, o->vars ? o->vars : "{}");
	mw_sqlite_bind_text(st, 8, o->secret_sealed);
	sqlite3_bind_int(st, 9, o->urgent);
	sqlite3_bind_int(st, 10, o->state);
	sqlite3_bind_int64(st, 11, o->next_at);
	rc = mw_sqlite_step_done(c, st, "outbox_add");
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(mw_sqlite_db(c));
	return rc;
}

int tx_outbox_claim(mw_tx *tx, int channel, mw_time now, mw_time lease_until, int limit,
		    mw_arena *a, mw_outbox_row **out, size_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_OUTBOX_CLAIM);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int(st, 1, channel);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, lease_until);
	sqlite3_bind_int(st, 4, limit);
	COLLECT(c, st, mw_outbox_row, a, out, n, read_outbox(st, a, row));
	return MW_OK;
}

int tx_outbox_finish(mw_tx *tx, const mw_outbox_result *r)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_OUTBOX_FINISH);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int(st, 2, r->state);
	sqlite3_bind_int64(st, 3, r->next_at);
	sqlite3_bind_int(st, 4, r->tries);
	mw_sqlite_bind_text(st, 5, r->error);
	sqlite3_bind_int64(st, 6, r->sent_at);
	mw_sqlite_bind_text(st, 7, r->subject);
	mw_sqlite_bind_text(st, 8, r->body);
	return mw_sqlite_step_done(c, st, "outbox_finish");
}

int tx_outbox_retry(mw_tx *tx, int64_t id, mw_time now)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_OUTBOX_RETRY);
	int rc;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	rc = mw_sqlite_step_done(c, st, "outbox_retry");
	if (!rc && sqlite3_changes(mw_sqlite_db(c)) == 0)
		rc = MW_ERR_NOTFOUND;
	return rc;
}

int tx_inbox_add(mw_tx *tx, const mw_inbox_row *row)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_INBOX_ADD);

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, row->login);
	sqlite3_bind_int64(st, 2, row->at);
	mw_sqlite_bind_text(st, 3, row->kind);
	sqlite3_bind_int64(st, 4, row->complaint_id);
	mw_sqlite_bind_text(st, 5, row->receipt_no);
	mw_sqlite_bind_text(st, 6, row->vars ? row->vars : "{}");
	return mw_sqlite_step_done(c, st, "inbox_add");
}

int tx_inbox_mark_read(mw_tx *tx, const char *login, const int64_t *ids, size_t n, mw_time at,
		       int64_t *marked)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, n ? N_INBOX_READ_ONE : N_INBOX_READ_ALL);
	int rc;

	*marked = 0;
	if (!st)
		return MW_ERR_DB;
	if (!n) {
		mw_sqlite_bind_text(st, 1, login);
		sqlite3_bind_int64(st, 2, at);
		rc = mw_sqlite_step_done(c, st, "inbox_read_all");
		if (!rc)
			*marked = sqlite3_changes(mw_sqlite_db(c));
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		mw_sqlite_bind_text(st, 1, login);
		sqlite3_bind_int64(st, 2, ids[i]);
		sqlite3_bind_int64(st, 3, at);
		if ((rc = mw_sqlite_step_done(c, st, "inbox_read")))
			return rc;
		*marked += sqlite3_changes(mw_sqlite_db(c));
	}
	return MW_OK;
}

int tx_reminders_clear(mw_tx *tx, int64_t complaint_id)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_REMINDERS_CLEAR);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	sqlite3_bind_int(st, 2, MW_REMIND_COOP);
	return mw_sqlite_step_done(c, st, "reminders_clear");
}

int tx_reminders_cancel(mw_tx *tx, int64_t complaint_id, int kind, const char *ref)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_REMINDERS_CANCEL);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	sqlite3_bind_int(st, 2, kind);
	mw_sqlite_bind_text(st, 3, ref);
	return mw_sqlite_step_done(c, st, "reminders_cancel");
}

int tx_reminder_add(mw_tx *tx, const mw_reminder_row *r)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_REMINDER_ADD);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, r->complaint_id);
	sqlite3_bind_int(st, 2, r->kind);
	mw_sqlite_bind_text(st, 3, r->ref ? r->ref : "");
	sqlite3_bind_int64(st, 4, r->fire_at);
	sqlite3_bind_int64(st, 5, r->target);
	sqlite3_bind_int64(st, 6, r->fired_at < 0 ? -1 : 0);
	return mw_sqlite_step_done(c, st, "reminder_add");
}

int tx_reminders_done(mw_tx *tx, int64_t complaint_id, mw_arena *a, mw_reminder_row **out,
		      size_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_REMINDERS_DONE);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	sqlite3_bind_int(st, 2, MW_REMIND_COOP);
	COLLECT(c, st, mw_reminder_row, a, out, n, read_reminder(st, a, row));
	return MW_OK;
}

int tx_reminders_due(mw_tx *tx, mw_time now, int limit, mw_arena *a, mw_reminder_row **out,
		     size_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_REMINDERS_DUE);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	COLLECT(c, st, mw_reminder_row, a, out, n, read_reminder(st, a, row));
	return MW_OK;
}

int tx_reminder_fire(mw_tx *tx, int64_t id, mw_time at, bool *claimed)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_REMINDER_FIRE);
	int rc;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at < 0 ? -1 : at);
	rc = mw_sqlite_step_done(c, st, "reminder_fire");
	*claimed = !rc && sqlite3_changes(mw_sqlite_db(c)) == 1;
	return rc;
}

int tx_notify_template_put(mw_tx *tx, const mw_notify_template *t)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_TEMPLATE_PUT);

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, t->kind);
	mw_sqlite_bind_text(st, 2, t->channel);
	mw_sqlite_bind_text(st, 3, t->lang);
	mw_sqlite_bind_text(st, 4, t->subject ? t->subject : "");
	mw_sqlite_bind_text(st, 5, t->body);
	sqlite3_bind_int64(st, 6, t->updated_at);
	return mw_sqlite_step_done(c, st, "notify_template_put");
}

int tx_notify_meta_get(mw_tx *tx, const char *key, mw_arena *a, const char **value)
{
	return meta_get(mw_sqlite_writer(tx), key, a, value);
}

int tx_notify_meta_put(mw_tx *tx, const char *key, const char *value)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_META_PUT);

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, key);
	mw_sqlite_bind_text(st, 2, value);
	return mw_sqlite_step_done(c, st, "notify_meta_put");
}

int tx_open_complaint_ids(mw_tx *tx, int64_t after_id, int64_t upto_id, int limit, mw_arena *a,
			  int64_t **out, size_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_writer(tx);
	sqlite3_stmt *st = S(c, N_OPEN_IDS);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, upto_id);
	sqlite3_bind_int(st, 3, limit);
	COLLECT(c, st, int64_t, a, out, n, *row = sqlite3_column_int64(st, 0));
	return MW_OK;
}

int tx_last_complaint_id(mw_tx *tx, int64_t *out)
{
	return one_int(mw_sqlite_writer(tx), N_LAST_ID, out, "last_complaint_id");
}

/* ---- readers ----------------------------------------------------------- */

/* The login's unread items (the partial index inbox_unread). */
static int unread_count(mw_sqlite_conn *c, const char *login, int64_t *unread)
{
	sqlite3_stmt *st = S(c, N_INBOX_UNREAD);
	int r;

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, login);
	r = sqlite3_step(st);
	*unread = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	mw_sqlite_finish(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? MW_OK : mw_sqlite_error(c, "inbox_unread");
}

int rd_inbox(mw_store *s, const char *login, bool unread_only, int64_t before_id, int limit,
	     mw_arena *a, mw_inbox_row **out, size_t *n, int64_t *unread)
{
	mw_sqlite_conn *c = mw_sqlite_reader(s);
	sqlite3_stmt *st = S(c, unread_only ? N_INBOX_LIST_UNREAD : N_INBOX_LIST);

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, login);
	sqlite3_bind_int64(st, 2, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int(st, 3, limit);
	COLLECT(c, st, mw_inbox_row, a, out, n, {
		row->id = sqlite3_column_int64(st, 0);
		row->login = mw_sqlite_col_text(st, 1, a);
		row->at = sqlite3_column_int64(st, 2);
		row->kind = mw_sqlite_col_text(st, 3, a);
		row->complaint_id = sqlite3_column_int64(st, 4);
		row->receipt_no = mw_sqlite_col_text(st, 5, a);
		row->vars = mw_sqlite_col_text(st, 6, a);
		row->read_at = sqlite3_column_int64(st, 7);
	});
	return unread_count(c, login, unread);
}

int rd_inbox_unread(mw_store *s, const char *login, int64_t *unread)
{
	return unread_count(mw_sqlite_reader(s), login, unread);
}

int rd_notify_templates(mw_store *s, mw_arena *a, mw_notify_template **out, size_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_reader(s);
	sqlite3_stmt *st = S(c, N_TEMPLATES);

	if (!st)
		return MW_ERR_DB;
	COLLECT(c, st, mw_notify_template, a, out, n, {
		row->kind = mw_sqlite_col_text(st, 0, a);
		row->channel = mw_sqlite_col_text(st, 1, a);
		row->lang = mw_sqlite_col_text(st, 2, a);
		row->subject = mw_sqlite_col_text(st, 3, a);
		row->body = mw_sqlite_col_text(st, 4, a);
		row->updated_at = sqlite3_column_int64(st, 5);
	});
	return MW_OK;
}

int rd_outbox_list(mw_store *s, int state, int64_t before_id, int limit, mw_arena *a,
		   mw_outbox_row **out, size_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_reader(s);
	sqlite3_stmt *st = S(c, state < 0 ? N_OUTBOX_LIST : N_OUTBOX_LIST_STATE);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int(st, 2, limit);
	if (state >= 0)
		sqlite3_bind_int(st, 3, state);
	COLLECT(c, st, mw_outbox_row, a, out, n, read_outbox(st, a, row));
	return MW_OK;
}

/* Both counts walk a partial index: only pending or dead rows are read. */
static int count_by_channel(mw_sqlite_conn *c, int id, int64_t out[MW_OUTBOX_CHANNELS])
{
	sqlite3_stmt *st = S(c, id);
	int r;

	if (!st)
		return MW_ERR_DB;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int ch = sqlite3_column_int(st, 0);

		if (ch >= 0 && ch < MW_OUTBOX_CHANNELS)
			out[ch] = sqlite3_column_int64(st, 1);
	}
	mw_sqlite_finish(st);
	return r == SQLITE_DONE ? MW_OK : mw_sqlite_error(c, "outbox_counts");
}

int rd_outbox_counts(mw_store *s, mw_outbox_counts *out)
{
	mw_sqlite_conn *c = mw_sqlite_reader(s);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!c)
		return MW_ERR_DB;
	if ((rc = count_by_channel(c, N_OUTBOX_PENDING, out->pending)))
		return rc;
	return count_by_channel(c, N_OUTBOX_DEAD, out->dead);
}

static int staff_contact(mw_sqlite_conn *c, const char *login, mw_arena *a,
			 mw_staff_contact *out)
{
	sqlite3_stmt *st = S(c, N_STAFF_CONTACT_GET);
	int r, rc = MW_ERR_NOTFOUND;

	if (!st)
		return MW_ERR_DB;
	mw_sqlite_bind_text(st, 1, login);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		read_contact(st, a, out);
		rc = MW_OK;
	} else if (r != SQLITE_DONE) {
		rc = mw_sqlite_error(c, "staff_contact");
	}
	mw_sqlite_finish(st);
	return rc;
}

int rd_staff_contact(mw_store *s, const char *login, mw_arena *a, mw_staff_contact *out)
{
	return staff_contact(mw_sqlite_reader(s), login, a, out);
}

int tx_staff_contact_get(mw_tx *tx, const char *login, mw_arena *a, mw_staff_contact *out)
{
	return staff_contact(mw_sqlite_writer(tx), login, a, out);
}

int rd_reminders(mw_store *s, int64_t complaint_id, int64_t after_id, int limit, mw_arena *a,
		 mw_reminder_row **out, size_t *n)
{
	mw_sqlite_conn *c = mw_sqlite_reader(s);
	sqlite3_stmt *st = S(c, complaint_id > 0 ? N_REMINDERS_OF : N_REMINDERS_ALL);

	if (!st)
		return MW_ERR_DB;
	if (complaint_id > 0)
		sqlite3_bind_int64(st, 1, complaint_id);
	sqlite3_bind_int64(st, 2, after_id);
	sqlite3_bind_int(st, 3, limit);
	COLLECT(c, st, mw_reminder_row, a, out, n, read_reminder(st, a, row));
	return MW_OK;
}

int rd_instance_id(mw_store *s, char out[33])
{
	mw_arena a = MW_ARENA_INIT;
	const char *v;
	int rc = meta_get(mw_sqlite_reader(s), "instance", &a, &v);

	if (!rc)
		mw_strlcpy(out, v, 33);
	mw_arena_release(&a);
	return rc;
}

int rd_latest_event_at(mw_store *s, mw_time *out)
{
	return one_int(mw_sqlite_reader(s), N_LATEST_EVENT, out, "latest_event");
}

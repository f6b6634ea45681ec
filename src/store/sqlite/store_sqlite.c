/*
 * store_sqlite.c - the embedded SQLite backend.
 *
 * One write connection, used only by the writer thread, and one read-only
 * connection per reading thread (created on first use, returned to a free
 * list when the thread ends). WAL mode lets readers run beside the writer;
 * synchronous=FULL makes every commit durable before it returns, which is
 * what lets store.c acknowledge a group of units after one commit.
 * Statements are prepared once per connection and kept.
 */
#include "sqlite_int.h"
#include "../../base/embedded.h"
#include "../../base/log.h"
#include "../../base/mw.h"

#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/banned.h"

#define SCHEMA_VERSION 1

/* Every statement, as data. The index is the statement's id. */
#define COMPLAINT_COLS \
	"id, receipt_no, token_hash, title, body, category, department, assignee, agency, " \
	"channel, lat, lon, address, contact_sealed, phone_hash, consent_privacy, public_map, " \
	"urgent, status, version, received_at, clock_start, period, base_period, extensions, " \
	"due_at, paused_at, pauses, updated_at, closed_at, answer, answered_at, rating, " \
	"merged_into, filed_by, ai_category, ai_confidence, ai_model, repeat_of, callback"
/* A staff member with the work addresses notices go to (0007_notify.sql). */
#define USER_COLS \
	"u.id, u.login, u.name, u.role, u.department, u.pwhash, u.failed, u.locked_until, " \
	"u.disabled, c.email, c.phone, u.version"
#define QUEUE_COLS \
	"id, receipt_no, title, category, department, assignee, channel, status, urgent, " \
	"received_at, due_at, version, callback"

enum stmt_id {
	ST_RECEIPT_NEXT,
	ST_COMPLAINT_INSERT,
	ST_COMPLAINT_UPDATE,
	ST_COMPLAINT_SET_CONTACT,
	ST_COMPLAINT_SET_LOCATION,
	ST_COMPLAINT_BY_ID,
	ST_COMPLAINT_BY_RECEIPT,
	ST_COMPLAINT_BY_TOKEN,
	ST_EVENT_INSERT,
	ST_EVENTS,
	ST_EVENTS_PUBLIC,
	ST_IDEM_GET,
	ST_IDEM_PUT,
	ST_ATTACH_INSERT,
	ST_ATTACHMENTS,
	ST_ATTACH_GET,
	ST_COOP_INSERT,
	ST_COOP_REPLY,
	ST_COOPS,
	ST_BY_PHONE,
	ST_COUNTS,
	ST_COUNTS_DEPT,
	ST_OVERDUE,
	ST_OVERDUE_DEPT,
	ST_DEPARTMENTS,
	ST_CATEGORIES,
	ST_HOLIDAYS,
	ST_DEPARTMENT_PUT,
	ST_CATEGORY_PUT,
	ST_HOLIDAY_PUT,
	ST_USER_GET,
	ST_USERS,
	ST_USER_PUT,
	ST_USER_END_SESSIONS,
	ST_USER_UPDATE,
	ST_USER_LOGIN_OK,
	ST_USER_LOGIN_FAIL,
	ST_SESSION_GET,
	ST_SESSION_PUT,
	ST_SESSION_TOUCH,
	ST_SESSION_DELETE,
	ST_ACCESS_INSERT,
	ST_ACCESS_LIST,
	ST_BEGIN,
	ST_COMMIT,
	ST_OPEN_NEAR,
	ST_RECENT_BY_PHONE,
	ST_TRAINING_ROWS,
	ST_FAQS,
	ST_FAQ_PUT,
	ST_FAQ_DELETE,
	ST_CHAT_SESSION,
	ST_CHAT_SESSION_BY_ID,
	ST_CHAT_SESSION_INSERT,
	ST_CHAT_SESSION_UPDATE,
	ST_CHAT_MESSAGES,
	ST_CHAT_MESSAGE_ADD,
	ST_CHAT_HANDOFFS,
	ST_CHAT_RATE,
	ST_SUPPORT_ADD,
	ST_SUPPORT_COUNT,
	ST_PUBLIC_MAP,
	ST_TEMPLATE_INSERT,
	ST_TEMPLATE_UPDATE,
	ST_TEMPLATE_DELETE,
	ST_TEMPLATES,
	ST_TEMPLATE_GET,
	ST_SLA,
	ST_SLA_DEPT,
	ST_CALLBACKS_PENDING,
	ST_REF_GENERATION,
	ST_CALLBACKS_PENDING_DEPT,
	ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_RECEIPT_NEXT] =
		"INSERT INTO receipt_seq(period, last) VALUES (?1, 1) "
		"ON CONFLICT(period) DO UPDATE SET last = last + 1 RETURNING last",
	[ST_COMPLAINT_INSERT] =
		"INSERT INTO complaints(" COMPLAINT_COLS ", is_open) VALUES (?1, ?2, ?3, ?4, ?5, "
		"?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
		"?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, "
		"?41)",
	[ST_COMPLAINT_UPDATE] =
		"UPDATE complaints SET title = ?4, body = ?5, category = ?6, department = ?7, "
		"assignee = ?8, agency = ?9, lat = ?11, lon = ?12, address = ?13, "
		"public_map = ?17, urgent = ?18, status = ?19, version = ?20, clock_start = ?22, "
		"period = ?23, base_period = ?24, extensions = ?25, due_at = ?26, paused_at = ?27, "
		"pauses = ?28, updated_at = ?29, closed_at = ?30, answer = ?31, answered_at = ?32, "
		"rating = ?33, merged_into = ?34, repeat_of = ?39, callback = ?40, is_open = ?41 "
		"WHERE id = ?1 AND version = ?42",
	[ST_COMPLAINT_SET_CONTACT] = "UPDATE complaints SET contact_sealed = ?2 WHERE id = ?1",
	[ST_COMPLAINT_SET_LOCATION] =
		"UPDATE complaints SET lat = ?2, lon = ?3 WHERE id = ?1 AND lat IS NULL",
	[ST_COMPLAINT_BY_ID] = "SELECT " COMPLAINT_COLS " FROM complaints WHERE id = ?1",
	[ST_COMPLAINT_BY_RECEIPT] =
		"SELECT " COMPLAINT_COLS " FROM complaints WHERE receipt_no = ?1",
	[ST_COMPLAINT_BY_TOKEN] =
		"SELECT " COMPLAINT_COLS " FROM complaints WHERE token_hash = ?1",
	[ST_EVENT_INSERT] =
		"INSERT INTO events(complaint_id, at, kind, actor, is_public, body, detail, "
		"from_status, to_status, due_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_EVENTS] =
		"SELECT id, at, kind, actor, is_public, body, detail, from_status, to_status, due_at "
		"FROM events WHERE complaint_id = ?1 ORDER BY id",
	[ST_EVENTS_PUBLIC] =
		"SELECT id, at, kind, actor, is_public, body, detail, from_status, to_status, due_at "
		"FROM events WHERE complaint_id = ?1 AND is_public ORDER BY id",
	[ST_IDEM_GET] =
		"SELECT complaint_id, request_hash, token_sealed FROM idempotency WHERE key_hash = ?1",
	[ST_IDEM_PUT] =
		"INSERT INTO idempotency(key_hash, request_hash, complaint_id, token_sealed, "
		"created_at) VALUES (?1, ?2, ?3, ?4, strftime('%s','now'))",
	[ST_ATTACH_INSERT] =
		"INSERT INTO attachments(complaint_id, sha256, public_sha256, mime, public_mime, size, "
		"at, lat, lon) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_ATTACHMENTS] =
		"SELECT id, complaint_id, sha256, public_sha256, mime, public_mime, size, at, lat, lon "
		"FROM attachments WHERE complaint_id = ?1 ORDER BY id",
	[ST_ATTACH_GET] =
		"SELECT id, complaint_id, sha256, public_sha256, mime, public_mime, size, at, lat, lon "
		"FROM attachments WHERE id = ?1",
	[ST_COOP_INSERT] =
		"INSERT INTO cooperations(complaint_id, department, request, requested_at, due_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_COOP_REPLY] =
		"UPDATE cooperations SET replied_at = ?4, reply = ?3 WHERE id = (SELECT id FROM "
		"cooperations WHERE complaint_id = ?1 AND department = ?2 AND replied_at = 0 "
		"ORDER BY id LIMIT 1)",
	[ST_COOPS] =
		"SELECT id, department, request, requested_at, due_at, replied_at, reply "
		"FROM cooperations WHERE complaint_id = ?1 ORDER BY id",
	[ST_BY_PHONE] =
		"SELECT " QUEUE_COLS " FROM complaints WHERE phone_hash = ?1 "
		"ORDER BY received_at DESC, id DESC LIMIT ?2",
	[ST_COUNTS] = "SELECT status, count(*) FROM complaints GROUP BY status",
	[ST_COUNTS_DEPT] =
		"SELECT status, count(*) FROM complaints WHERE department = ?1 GROUP BY status",
	[ST_OVERDUE] =
		"SELECT count(*) FROM complaints WHERE is_open AND due_at > 0 AND due_at < ?1",
	[ST_OVERDUE_DEPT] =
		"SELECT count(*) FROM complaints WHERE is_open AND department = ?2 "
		"AND due_at > 0 AND due_at < ?1",
	[ST_DEPARTMENTS] =
		"SELECT code, name_ko, name_en, version, retired_at FROM departments ORDER BY code",
	[ST_CATEGORIES] =
		"SELECT code, name_ko, department, period, version, retired_at FROM categories "
		"ORDER BY rowid",
	[ST_HOLIDAYS] = "SELECT date, name, version FROM holidays ORDER BY date",
	/* A put bumps the version and brings a retired one back. */
	[ST_DEPARTMENT_PUT] =
		"INSERT INTO departments(code, name_ko, name_en) VALUES (?1, ?2, ?3) "
		"ON CONFLICT(code) DO UPDATE SET name_ko = ?2, name_en = ?3, "
		"version = version + 1, retired_at = 0",
	[ST_CATEGORY_PUT] =
		"INSERT INTO categories(code, name_ko, department, period) VALUES (?1, ?2, ?3, ?4) "
		"ON CONFLICT(code) DO UPDATE SET name_ko = ?2, department = ?3, period = ?4, "
		"version = version + 1, retired_at = 0",
	[ST_HOLIDAY_PUT] =
		"INSERT INTO holidays(date, name, source) VALUES (?1, ?2, ?3) "
		"ON CONFLICT(date) DO UPDATE SET name = ?2, source = ?3, version = version + 1",
	[ST_USER_GET] =
		"SELECT " USER_COLS " FROM users u LEFT JOIN staff_contacts c ON c.login = u.login "
		"WHERE u.login = ?1",
	[ST_USERS] =
		"SELECT " USER_COLS " FROM users u LEFT JOIN staff_contacts c ON c.login = u.login "
		"ORDER BY u.login",
	[ST_USER_PUT] =
		"INSERT INTO users(login, name, role, department, pwhash, disabled, created_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%s','now')) ON CONFLICT(login) DO UPDATE "
		"SET name = ?2, role = ?3, department = ?4, pwhash = ?5, disabled = ?6, failed = 0, "
		"locked_until = 0, version = version + 1",
	/* The same for an existing user whose password stays. */
	[ST_USER_UPDATE] =
		"UPDATE users SET name = ?2, role = ?3, department = ?4, disabled = ?6, failed = 0, "
		"locked_until = 0, version = version + 1 WHERE login = ?1",
	[ST_USER_LOGIN_OK] = "UPDATE users SET failed = 0, locked_until = 0 WHERE login = ?1",
	[ST_USER_LOGIN_FAIL] =
		"UPDATE users SET failed = failed + 1, locked_until = CASE WHEN failed + 1 >= ?2 "
		"THEN ?3 ELSE locked_until END WHERE login = ?1",
	/* A new password or disabling the account ends every session of
	 * the user (an argon2id hash is salted: any new password differs). */
	[ST_USER_END_SESSIONS] =
		"DELETE FROM sessions WHERE login = ?1 AND EXISTS (SELECT 1 FROM users WHERE "
		"login = ?1 AND (pwhash <> ?2 OR ?3))",
	[ST_SESSION_GET] =
		"SELECT id_hash, login, csrf, created_at, last_seen, kind FROM sessions "
		"WHERE id_hash = ?1",
	[ST_SESSION_PUT] =
		"INSERT INTO sessions(id_hash, login, csrf, created_at, last_seen, kind) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_SESSION_TOUCH] = "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1",
	[ST_SESSION_DELETE] = "DELETE FROM sessions WHERE id_hash = ?1",
	[ST_ACCESS_INSERT] =
		"INSERT INTO access_log(at, login, complaint_id, receipt_no, what, reason) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_ACCESS_LIST] =
		"SELECT id, at, login, complaint_id, receipt_no, what, reason FROM access_log "
		"WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
	[ST_BEGIN] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
#define BRIEF_COLS \
	"id, receipt_no, title, body, category, status, lat, lon, received_at, public_map, " \
	"(SELECT count(*) FROM supports s WHERE s.complaint_id = complaints.id)"
	/* A box of the given half-size in degrees around the point; the
	 * caller filters by true distance. */
	[ST_OPEN_NEAR] =
		"SELECT " BRIEF_COLS " FROM complaints WHERE is_open AND lat IS NOT NULL "
		"AND lat BETWEEN ?1 - ?3 AND ?1 + ?3 AND lon BETWEEN ?2 - ?4 AND ?2 + ?4 "
		"ORDER BY received_at DESC LIMIT ?5",
	[ST_RECENT_BY_PHONE] =
		"SELECT " BRIEF_COLS " FROM complaints WHERE phone_hash = ?1 AND received_at >= ?2 "
		"ORDER BY received_at DESC LIMIT ?3",
	/* Corrections are what staff changed (a recategorize event), not a
	 * citizen's own choice that differed from the model's guess. */
	[ST_TRAINING_ROWS] =
		"SELECT body, category, urgent, EXISTS (SELECT 1 FROM events e WHERE "
		"e.complaint_id = complaints.id AND e.kind = 'recategorize') AS corrected "
		"FROM complaints WHERE received_at >= ?1 AND category != 'triage' AND "
		"(status IN (4, 5) OR corrected)",
	[ST_FAQS] =
		"SELECT id, question, answer, category, question_en, answer_en, version FROM faq "
		"ORDER BY id",
	[ST_FAQ_PUT] =
		"INSERT INTO faq(id, question, answer, category, updated_at, question_en, answer_en) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
		"ON CONFLICT(id) DO UPDATE SET question = ?2, answer = ?3, category = ?4, "
		"updated_at = ?5, question_en = ?6, answer_en = ?7, version = version + 1",
	[ST_FAQ_DELETE] = "DELETE FROM faq WHERE id = ?1",
#define CHAT_COLS "id, token_hash, created_at, updated_at, state, handoff, handoff_reason, " \
		  "handoff_at, complaint_id"
	[ST_CHAT_SESSION] = "SELECT " CHAT_COLS " FROM chat_sessions WHERE token_hash = ?1",
	[ST_CHAT_SESSION_BY_ID] = "SELECT " CHAT_COLS " FROM chat_sessions WHERE id = ?1",
	[ST_CHAT_SESSION_INSERT] =
		"INSERT INTO chat_sessions(token_hash, created_at, updated_at, state, handoff, "
		"handoff_reason, handoff_at, complaint_id) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_CHAT_SESSION_UPDATE] =
		"UPDATE chat_sessions SET updated_at = ?4, state = ?5, handoff = ?6, "
		"handoff_reason = ?7, handoff_at = ?8, complaint_id = ?9 WHERE id = ?1",
	[ST_CHAT_MESSAGES] =
		"SELECT id, session_id, at, sender, body, kind, faq_id, category, confidence, helpful "
		"FROM chat_messages WHERE session_id = ?1 ORDER BY id",
	[ST_CHAT_MESSAGE_ADD] =
		"INSERT INTO chat_messages(session_id, at, sender, body, kind, faq_id, category, "
		"confidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_CHAT_HANDOFFS] =
		"SELECT " CHAT_COLS " FROM chat_sessions WHERE handoff = 1 "
		"AND (handoff_at, id) > (?2, ?3) ORDER BY handoff_at, id LIMIT ?1",
	[ST_CHAT_RATE] =
		"UPDATE chat_messages SET helpful = ?3 WHERE id = ?2 AND session_id = ?1 AND sender = 'bot'",
	[ST_SUPPORT_ADD] =
		"INSERT OR IGNORE INTO supports(complaint_id, supporter_hash, at) VALUES (?1, ?2, ?3)",
	[ST_SUPPORT_COUNT] =
		"SELECT count(*) FROM supports WHERE complaint_id = ?1",
	/* ?1 category or NULL; ?2 0 all shown, 1 open, 2 answered or
	 * closed; ?3..?6 the box (south, north, west, east); ?7 limit.
	 * Withdrawn, merged and transferred complaints are never shown. */
	[ST_PUBLIC_MAP] =
		"SELECT " BRIEF_COLS " FROM complaints WHERE public_map AND lat IS NOT NULL "
		"AND status NOT IN (6, 7, 9) AND (?1 IS NULL OR category = ?1) "
		"AND (?2 = 0 OR (?2 = 1 AND is_open) OR (?2 = 2 AND status IN (4, 5))) "
		"AND lat BETWEEN ?3 AND ?4 AND lon BETWEEN ?5 AND ?6 "
		"ORDER BY received_at DESC, id DESC LIMIT ?7",
	[ST_TEMPLATE_INSERT] =
		"INSERT INTO answer_templates(category, title, body, updated_at, updated_by) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_TEMPLATE_UPDATE] =
		"UPDATE answer_templates SET category = ?1, title = ?2, body = ?3, updated_at = ?4, "
		"updated_by = ?5, version = version + 1 WHERE id = ?6",
	[ST_TEMPLATE_DELETE] = "DELETE FROM answer_templates WHERE id = ?1",
	/* ?1 NULL: every template; else the category's and the general ones. */
	[ST_TEMPLATES] =
		"SELECT id, category, title, body, updated_at, updated_by, version FROM answer_templates "
		"WHERE ?1 IS NULL OR category = ?1 OR category IS NULL "
		"ORDER BY category IS NULL, category, title, id",
	/* ?1 now, ?2 the end of today, ?3 since: due today (running clocks),
	 * answered since, of those answered by their due time. */
	[ST_SLA] =
		"SELECT (SELECT count(*) FROM complaints WHERE is_open AND due_at >= ?1 AND due_at < ?2), "
		"(SELECT count(*) FROM complaints WHERE answered_at > 0 AND answered_at >= ?3), "
		"(SELECT count(*) FROM complaints WHERE answered_at > 0 AND answered_at >= ?3 "
		" AND due_at > 0 AND answered_at <= due_at)",
	[ST_SLA_DEPT] =
		"SELECT (SELECT count(*) FROM complaints WHERE is_open AND department = ?4 "
		" AND due_at >= ?1 AND due_at < ?2), "
		"(SELECT count(*) FROM complaints WHERE department = ?4 AND answered_at > 0 "
		" AND answered_at >= ?3), "
		"(SELECT count(*) FROM complaints WHERE department = ?4 AND answered_at > 0 "
		" AND answered_at >= ?3 AND due_at > 0 AND answered_at <= due_at)",
	/* The literal 1 (MW_CALLBACK_PENDING) lets SQLite use the partial
	 * indexes of 0009_callback.sql. */
	[ST_REF_GENERATION] = "SELECT generation FROM ref_generation WHERE id = 1",
	[ST_CALLBACKS_PENDING] = "SELECT count(*) FROM complaints WHERE is_open AND callback = 1",
	[ST_CALLBACKS_PENDING_DEPT] =
		"SELECT count(*) FROM complaints WHERE is_open AND callback = 1 AND department = ?1",
	[ST_TEMPLATE_GET] =
		"SELECT id, category, title, body, updated_at, updated_by, version FROM answer_templates "
		"WHERE id = ?1",
};

typedef struct conn {
	sqlite3 *db;
	sqlite3_stmt *stmts[ST__COUNT];
	sqlite3_stmt *ext[MW_SQLITE_EXT_STMTS]; /* other files' (sqlite_int.h) */
	struct conn *next_free;
	struct sqlite_be *owner;   /* readers: for the thread-exit destructor */
} conn;

typedef struct sqlite_be {
	char *path;
	conn writer;
	int read_cache_kib;
	pthread_key_t reader_key;
	pthread_mutex_t mu;
	conn *free_readers;      /* returned by threads that ended */
	conn **all_readers;      /* every reader ever opened, for close */
	size_t nreaders, capreaders;

	/* The checkpointer: copies the WAL back into the database on its own
	 * thread and connection, so no commit ever waits for a checkpoint. */
	pthread_t ckpt_thread;
	bool ckpt_running;
	bool ckpt_stop;
	int wal_pages;           /* pages in the WAL after the last commit */
	pthread_cond_t ckpt_cv;
	sqlite3 *ckpt_db;
} sqlite_be;

/* Checkpoint when the WAL holds this many pages (16 MiB at 4 KiB pages):
 * an index page every intake touches is copied back once per checkpoint,
 * so fewer checkpoints write less (1,000 pages: 6-8 % less intake). Force
 * a truncating one when the WAL grows past the second bound because
 * readers kept a passive checkpoint from finishing. */
#define CKPT_PAGES 4000
#define CKPT_TRUNCATE_PAGES 65536

static sqlite_be *BE(mw_store *s)
{
	return mw_store_backend_data(s);
}

static int db_error(sqlite3 *db, const char *what)
{
	mw_log_error("store", "event=sqlite_error what=%s code=%d msg=\"%s\"", what,
		     sqlite3_extended_errcode(db), sqlite3_errmsg(db));
	return MW_ERR_DB;
}

static sqlite3_stmt *stmt(conn *c, enum stmt_id id)
{
	if (!c->stmts[id]) {
		if (sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
				       &c->stmts[id], NULL) != SQLITE_OK) {
			db_error(c->db, "prepare");
			return NULL;
		}
	}
	return c->stmts[id];
}

static void conn_close(conn *c)
{
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(c->stmts[i]);
	for (int i = 0; i < MW_SQLITE_EXT_STMTS; i++)
		sqlite3_finalize(c->ext[i]);
	sqlite3_close(c->db);
	memset(c, 0, sizeof(*c));
}

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		mw_log_error("store", "event=sql_failed msg=\"%s\"", err ? err : "?");
		sqlite3_free(err);
		return MW_ERR_DB;
	}
	return MW_OK;
}

static int conn_open(conn *c, const char *path, bool readonly, int cache_kib, char *errbuf,
		     size_t errsz)
{
	int flags = readonly ? SQLITE_OPEN_READONLY
			     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	char pragma[256];

	memset(c, 0, sizeof(*c));
	flags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
		snprintf(errbuf, errsz, "cannot open database %s: %s", path,
			 c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite3_close(c->db);
		c->db = NULL;
		return MW_ERR_DB;
	}
	sqlite3_busy_timeout(c->db, 5000);
	snprintf(pragma, sizeof(pragma),
		 "PRAGMA cache_size = -%d; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
		 cache_kib);
	if (exec_sql(c->db, pragma)) {
		snprintf(errbuf, errsz, "cannot configure database %s", path);
		return MW_ERR_DB;
	}
	if (!readonly &&
	    exec_sql(c->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
			    "PRAGMA wal_autocheckpoint = 0;")) {
		snprintf(errbuf, errsz, "cannot switch %s to WAL mode", path);
		return MW_ERR_DB;
	}
	return MW_OK;
}

static conn *reader(mw_store *s)
{
	sqlite_be *be = BE(s);
	conn *c = pthread_getspecific(be->reader_key);
	char err[256];

	if (c)
		return c;
	pthread_mutex_lock(&be->mu);
	c = be->free_readers;
	if (c) {
		be->free_readers = c->next_free;
		c->next_free = NULL;
	}
	pthread_mutex_unlock(&be->mu);
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		if (conn_open(c, be->path, true, be->read_cache_kib, err, sizeof(err))) {
			mw_log_error("store", "event=reader_open_failed msg=\"%s\"", err);
			conn_close(c);
			free(c);
			return NULL;
		}
		pthread_mutex_lock(&be->mu);
		if (be->nreaders == be->capreaders) {
			size_t cap = be->capreaders ? be->capreaders * 2 : 8;
			conn **p = realloc(be->all_readers, cap * sizeof(*p));

			if (!p) {
				pthread_mutex_unlock(&be->mu);
				conn_close(c);
				free(c);
				return NULL;
			}
			be->all_readers = p;
			be->capreaders = cap;
		}
		be->all_readers[be->nreaders++] = c;
		c->owner = be;
		pthread_mutex_unlock(&be->mu);
	}
	pthread_setspecific(be->reader_key, c);
	return c;
}

/* A thread that ends hands its reader back for the next thread. Deleting
 * the key at close stops these calls, so owner is always alive here. */
static void reader_release(void *p)
{
	conn *c = p;

	pthread_mutex_lock(&c->owner->mu);
	c->next_free = c->owner->free_readers;
	c->owner->free_readers = c;
	pthread_mutex_unlock(&c->owner->mu);
}

static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	sqlite_be *be = arg;

	MW_UNUSED(db);
	MW_UNUSED(name);
	pthread_mutex_lock(&be->mu);
	be->wal_pages = pages;
	if (pages >= CKPT_PAGES)
		pthread_cond_signal(&be->ckpt_cv);
	pthread_mutex_unlock(&be->mu);
	return SQLITE_OK;
}

static void *checkpointer_main(void *arg)
{
	sqlite_be *be = arg;

	pthread_mutex_lock(&be->mu);
	while (!be->ckpt_stop) {
		int pages = be->wal_pages, mode, log = 0, done = 0;

		if (pages < CKPT_PAGES) {
			pthread_cond_wait(&be->ckpt_cv, &be->mu);
			continue;
		}
		be->wal_pages = 0;
		pthread_mutex_unlock(&be->mu);
		/* PASSIVE never blocks the writer or readers. */
		mode = pages >= CKPT_TRUNCATE_PAGES ? SQLITE_CHECKPOINT_TRUNCATE
						    : SQLITE_CHECKPOINT_PASSIVE;
		if (sqlite3_wal_checkpoint_v2(be->ckpt_db, NULL, mode, &log, &done) != SQLITE_OK &&
		    sqlite3_errcode(be->ckpt_db) != SQLITE_BUSY)
			db_error(be->ckpt_db, "checkpoint");
		pthread_mutex_lock(&be->mu);
	}
	pthread_mutex_unlock(&be->mu);
	return NULL;
}

static int checkpointer_start(sqlite_be *be, char *errbuf, size_t errsz)
{
	if (sqlite3_open_v2(be->path, &be->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(errbuf, errsz, "cannot open the checkpoint connection");
		return MW_ERR_DB;
	}
	sqlite3_busy_timeout(be->ckpt_db, 100);
	/* The checkpointer's fsync of the database file is what makes the
	 * copied pages durable before the WAL is reused. */
	exec_sql(be->ckpt_db, "PRAGMA synchronous = FULL");
	pthread_cond_init(&be->ckpt_cv, NULL);
	if (pthread_create(&be->ckpt_thread, NULL, checkpointer_main, be)) {
		snprintf(errbuf, errsz, "cannot start the checkpoint thread");
		return MW_ERR_NOMEM;
	}
	be->ckpt_running = true;
	sqlite3_wal_hook(be->writer.db, wal_hook, be);
	return MW_OK;
}

static void checkpointer_stop(sqlite_be *be)
{
	if (be->ckpt_running) {
		pthread_mutex_lock(&be->mu);
		be->ckpt_stop = true;
		pthread_cond_signal(&be->ckpt_cv);
		pthread_mutex_unlock(&be->mu);
		pthread_join(be->ckpt_thread, NULL);
		pthread_cond_destroy(&be->ckpt_cv);
		be->ckpt_running = false;
	}
	sqlite3_close(be->ckpt_db);
	be->ckpt_db = NULL;
}

static bool sqlite_accepts(const char *uri)
{
	return strncmp(uri, "postgres://", 11) && strncmp(uri, "postgresql://", 13);
}

/* Runs the embedded migrations newer than the database's user_version,
 * each in its own transaction. The version is the position in this list.
 * A new migration also adds its undo to UNDO_AFTER_8 of
 * tests/integration/test_callback.py, which upgrades a version-8 file. */
static int migrate(sqlite3 *db, char *errbuf, size_t errsz)
{
	static const char *const migrations[] = { "0001_init.sql", "0002_nlp.sql", "0003_support.sql",
						   "0004_public_map.sql", "0005_templates.sql",
						   "0006_stats.sql", "0007_notify.sql",
						   "0008_track_codes.sql", "0009_callback.sql",
						   "0010_admin.sql", "0011_field_sessions.sql",
						   "0012_ref_generation.sql" };
	sqlite3_stmt *st;
	int version = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, "user_version");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > (int)MW_ARRAY_LEN(migrations)) {
		snprintf(errbuf, errsz,
			 "database schema version %d is newer than this minwon (%d); upgrade minwon",
			 version, (int)MW_ARRAY_LEN(migrations));
		return MW_ERR_INVALID;
	}
	for (int v = version; v < (int)MW_ARRAY_LEN(migrations); v++) {
		const struct mw_embedded *m = mw_embedded_find(migrations[v]);
		char bump[64];

		if (!m) {
			snprintf(errbuf, errsz, "migration %s is missing from the build",
				 migrations[v]);
			return MW_ERR_INVALID;
		}
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d;", v + 1);
		if (exec_sql(db, "BEGIN IMMEDIATE") || exec_sql(db, m->data) ||
		    exec_sql(db, bump) || exec_sql(db, "COMMIT")) {
			exec_sql(db, "ROLLBACK");
			snprintf(errbuf, errsz, "migration %s failed", migrations[v]);
			return MW_ERR_DB;
		}
		mw_log_info("store", "event=migrated version=%d", v + 1);
	}
	return MW_OK;
}

static int sqlite_open(mw_store *s, const char *uri, const mw_store_config *cfg, char *errbuf,
		       size_t errsz)
{
	sqlite_be *be;
	const char *path = strncmp(uri, "sqlite:", 7) ? uri : uri + 7;
	int rc;

	if (!sqlite3_threadsafe()) {
		snprintf(errbuf, errsz, "SQLite was built without thread support");
		return MW_ERR_DB;
	}
	be = calloc(1, sizeof(*be));
	if (!be)
		return MW_ERR_NOMEM;
	be->path = malloc(strlen(path) + 1);
	if (!be->path) {
		free(be);
		return MW_ERR_NOMEM;
	}
	memcpy(be->path, path, strlen(path) + 1);
	be->read_cache_kib = cfg->read_cache_kib;
	pthread_mutex_init(&be->mu, NULL);
	pthread_key_create(&be->reader_key, reader_release);
	mw_store_set_backend_data(s, be);
	rc = conn_open(&be->writer, path, false, cfg->write_cache_kib, errbuf, errsz);
	if (!rc)
		rc = migrate(be->writer.db, errbuf, errsz);
	if (!rc)
		rc = checkpointer_start(be, errbuf, errsz);
	if (rc) {
		checkpointer_stop(be);
		conn_close(&be->writer);
		pthread_key_delete(be->reader_key);
		pthread_mutex_destroy(&be->mu);
		free(be->path);
		free(be);
		mw_store_set_backend_data(s, NULL);
	}
	return rc;
}

static void sqlite_close(mw_store *s)
{
	sqlite_be *be = BE(s);

	if (!be)
		return;
	for (size_t i = 0; i < be->nreaders; i++) {
		conn_close(be->all_readers[i]);
		free(be->all_readers[i]);
	}
	free(be->all_readers);
	checkpointer_stop(be);
	/* A clean close checkpoints the WAL into the main file. */
	conn_close(&be->writer);
	pthread_key_delete(be->reader_key);
	pthread_mutex_destroy(&be->mu);
	free(be->path);
	free(be);
}

static int sqlite_begin(mw_store *s)
{
	return exec_sql(BE(s)->writer.db, "BEGIN IMMEDIATE");
}

static int sqlite_commit(mw_store *s)
{
	return exec_sql(BE(s)->writer.db, "COMMIT");
}

static void sqlite_rollback(mw_store *s)
{
	if (!sqlite3_get_autocommit(BE(s)->writer.db))
		exec_sql(BE(s)->writer.db, "ROLLBACK");
}

static int sqlite_savepoint(mw_store *s)
{
	return exec_sql(BE(s)->writer.db, "SAVEPOINT unit");
}

static void sqlite_release(mw_store *s, bool keep)
{
	if (!keep)
		exec_sql(BE(s)->writer.db, "ROLLBACK TO unit");
	exec_sql(BE(s)->writer.db, "RELEASE unit");
}

/* ---- binding and reading helpers ------------------------------------ */

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static const char *col_text(sqlite3_stmt *st, int i, mw_arena *a)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? mw_arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i))
		 : NULL;
}

static void col_copy(sqlite3_stmt *st, int i, char *out, size_t outsz)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	mw_strlcpy(out, t ? (const char *)t : "", outsz);
}

/* Steps a statement that returns no rows (or ignores them). */
static int step_done(conn *c, sqlite3_stmt *st, const char *what)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		return db_error(c->db, what);
	return MW_OK;
}

static void finish(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void period_text(mw_period p, char out[16])
{
	mw_period_format(p, out);
}

static void pauses_text(const mw_complaint *c, char *out, size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < c->npauses; i++) {
		int n = snprintf(out + len, outsz - len, "%s%lld:%lld", i ? ";" : "",
				 (long long)c->pauses[i].start, (long long)c->pauses[i].end);
		if (n < 0 || (size_t)n >= outsz - len)
			break;
		len += (size_t)n;
	}
}

static void pauses_parse(const char *s, mw_complaint *c)
{
	c->npauses = 0;
	while (s && *s && c->npauses < MW_MAX_PAUSES) {
		long long a, b;
		int used = 0;

		if (sscanf(s, "%lld:%lld%n", &a, &b, &used) != 2)
			break;
		c->pauses[c->npauses].start = a;
		c->pauses[c->npauses].end = b;
		c->npauses++;
		s += used;
		if (*s == ';')
			s++;
	}
}

static void bind_complaint(sqlite3_stmt *st, const mw_complaint *c,
			   const mw_complaint_secret *sec, char *pbuf, char *bbuf, char *pz,
			   size_t pzsz)
{
	period_text(c->period, pbuf);
	period_text(c->base_period, bbuf);
	pauses_text(c, pz, pzsz);
	sqlite3_bind_int64(st, 1, c->id);
	bind_text(st, 2, c->receipt_no);
	bind_text(st, 3, sec ? sec->token_hash : NULL);
	bind_text(st, 4, c->title ? c->title : "");
	bind_text(st, 5, c->text ? c->text : "");
	bind_text(st, 6, c->category);
	bind_text(st, 7, c->department);
	bind_text(st, 8, c->assignee);
	bind_text(st, 9, c->agency);
	sqlite3_bind_int(st, 10, c->channel);
	if (c->has_location) {
		sqlite3_bind_double(st, 11, c->lat);
		sqlite3_bind_double(st, 12, c->lon);
	}
	bind_text(st, 13, c->address);
	bind_text(st, 14, sec ? sec->contact_sealed : NULL);
	bind_text(st, 15, sec && sec->phone_hash[0] ? sec->phone_hash : NULL);
	sqlite3_bind_int(st, 16, c->consent_privacy);
	sqlite3_bind_int(st, 17, c->public_map);
	sqlite3_bind_int(st, 18, c->urgent);
	sqlite3_bind_int(st, 19, c->status);
	sqlite3_bind_int64(st, 20, c->version);
	sqlite3_bind_int64(st, 21, c->received_at);
	sqlite3_bind_int64(st, 22, c->clock_start);
	bind_text(st, 23, pbuf);
	bind_text(st, 24, bbuf);
	sqlite3_bind_int(st, 25, c->extensions);
	sqlite3_bind_int64(st, 26, c->due_at);
	sqlite3_bind_int64(st, 27, c->paused_at);
	bind_text(st, 28, pz);
	sqlite3_bind_int64(st, 29, c->updated_at);
	sqlite3_bind_int64(st, 30, c->closed_at);
	bind_text(st, 31, c->answer);
	sqlite3_bind_int64(st, 32, c->answered_at);
	sqlite3_bind_int(st, 33, c->rating);
	sqlite3_bind_int64(st, 34, c->merged_into);
	bind_text(st, 35, c->filed_by);
	bind_text(st, 36, c->ai_category);
	if (c->ai_category)
		sqlite3_bind_double(st, 37, c->ai_confidence);
	bind_text(st, 38, c->ai_model);
	sqlite3_bind_int64(st, 39, c->repeat_of);
	sqlite3_bind_int(st, 40, c->callback);
	sqlite3_bind_int(st, 41, mw_status_is_open(c->status));
}

/* A stored call-back state; an unknown value reads as none. */
static mw_callback callback_of(int v)
{
	return v > MW_CALLBACK_NONE && v < MW_CALLBACK__COUNT ? (mw_callback)v : MW_CALLBACK_NONE;
}

static void read_complaint(sqlite3_stmt *st, mw_arena *a, mw_complaint *c,
			   mw_complaint_secret *sec)
{
	const char *p;

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	col_copy(st, 1, c->receipt_no, sizeof(c->receipt_no));
	if (sec) {
		memset(sec, 0, sizeof(*sec));
		col_copy(st, 2, sec->token_hash, sizeof(sec->token_hash));
		sec->contact_sealed = col_text(st, 13, a);
		col_copy(st, 14, sec->phone_hash, sizeof(sec->phone_hash));
	}
	c->title = col_text(st, 3, a);
	c->text = col_text(st, 4, a);
	c->category = col_text(st, 5, a);
	c->department = col_text(st, 6, a);
	c->assignee = col_text(st, 7, a);
	c->agency = col_text(st, 8, a);
	c->channel = (mw_channel)sqlite3_column_int(st, 9);
	c->has_location = sqlite3_column_type(st, 10) != SQLITE_NULL;
	c->lat = sqlite3_column_double(st, 10);
	c->lon = sqlite3_column_double(st, 11);
	c->address = col_text(st, 12, a);
	c->consent_privacy = sqlite3_column_int(st, 15);
	c->public_map = sqlite3_column_int(st, 16);
	c->urgent = sqlite3_column_int(st, 17);
	c->status = (mw_status)sqlite3_column_int(st, 18);
	c->version = sqlite3_column_int64(st, 19);
	c->received_at = sqlite3_column_int64(st, 20);
	c->clock_start = sqlite3_column_int64(st, 21);
	p = (const char *)sqlite3_column_text(st, 22);
	if (!p || mw_period_parse(p, &c->period))
		c->period = (mw_period){ 7, MW_PERIOD_DAYS };
	p = (const char *)sqlite3_column_text(st, 23);
	if (!p || mw_period_parse(p, &c->base_period))
		c->base_period = c->period;
	c->extensions = sqlite3_column_int(st, 24);
	c->due_at = sqlite3_column_int64(st, 25);
	c->paused_at = sqlite3_column_int64(st, 26);
	pauses_parse((const char *)sqlite3_column_text(st, 27), c);
	c->updated_at = sqlite3_column_int64(st, 28);
	c->closed_at = sqlite3_column_int64(st, 29);
	c->answer = col_text(st, 30, a);
	c->answered_at = sqlite3_column_int64(st, 31);
	c->rating = sqlite3_column_int(st, 32);
	c->merged_into = sqlite3_column_int64(st, 33);
	c->filed_by = col_text(st, 34, a);
	c->ai_category = col_text(st, 35, a);
	c->ai_confidence = sqlite3_column_double(st, 36);
	c->ai_model = col_text(st, 37, a);
	c->repeat_of = sqlite3_column_int64(st, 38);
	c->callback = callback_of(sqlite3_column_int(st, 39));
}

/* Fetches one complaint with a statement whose ?1 is text or an id. */
static int get_complaint(conn *c, enum stmt_id id, const char *key, int64_t ikey, mw_arena *a,
			 mw_complaint *out, mw_complaint_secret *sec)
{
	sqlite3_stmt *st;
	int r, rc;

	if (!c || !(st = stmt(c, id)))
		return MW_ERR_DB;
	if (key)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, ikey);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		read_complaint(st, a, out, sec);
		rc = MW_OK;
	} else if (r == SQLITE_DONE) {
		rc = MW_ERR_NOTFOUND;
	} else {
		rc = db_error(c->db, "complaint_get");
	}
	finish(st);
	return rc;
}

/* ---- writer operations ---------------------------------------------- */

static conn *W(mw_tx *tx)
{
	return &BE(mw_tx_store(tx))->writer;
}

static int tx_receipt_next(mw_tx *tx, int period, int64_t *seq)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_RECEIPT_NEXT);
	int r;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int(st, 1, period);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	finish(st);
	return r == SQLITE_ROW ? MW_OK : db_error(c->db, "receipt_next");
}

static int tx_complaint_insert(mw_tx *tx, const mw_complaint *cp, const mw_complaint_secret *sec,
			       int64_t *id)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_COMPLAINT_INSERT);
	char pbuf[16], bbuf[16], pz[MW_MAX_PAUSES * 48];
	int rc;

	if (!st)
		return MW_ERR_DB;
	bind_complaint(st, cp, sec, pbuf, bbuf, pz, sizeof(pz));
	if (!cp->id)
		sqlite3_bind_null(st, 1);
	rc = step_done(c, st, "complaint_insert");
	if (!rc)
		*id = sqlite3_last_insert_rowid(c->db);
	return rc;
}

static int tx_complaint_update(mw_tx *tx, const mw_complaint *next, int64_t expected_version)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_COMPLAINT_UPDATE);
	char pbuf[16], bbuf[16], pz[MW_MAX_PAUSES * 48];
	int rc;

	if (!st)
		return MW_ERR_DB;
	bind_complaint(st, next, NULL, pbuf, bbuf, pz, sizeof(pz));
	sqlite3_bind_int64(st, 42, expected_version);
	rc = step_done(c, st, "complaint_update");
	if (!rc && sqlite3_changes(c->db) == 0)
		rc = MW_ERR_STALE;
	return rc;
}

static int tx_complaint_set_contact(mw_tx *tx, int64_t id, const char *sealed)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_COMPLAINT_SET_CONTACT);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, sealed);
	return step_done(c, st, "set_contact");
}

static int tx_complaint_set_location(mw_tx *tx, int64_t id, double lat, double lon)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_COMPLAINT_SET_LOCATION);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_double(st, 2, lat);
	sqlite3_bind_double(st, 3, lon);
	return step_done(c, st, "set_location");
}

static int tx_complaint_get(mw_tx *tx, int64_t id, mw_arena *a, mw_complaint *out,
			    mw_complaint_secret *sec)
{
	return get_complaint(W(tx), ST_COMPLAINT_BY_ID, NULL, id, a, out, sec);
}

static int tx_event_insert(mw_tx *tx, int64_t complaint_id, const mw_event *ev,
			   const char *actor, const char *detail)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_EVENT_INSERT);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	sqlite3_bind_int64(st, 2, ev->at);
	bind_text(st, 3, ev->kind);
	bind_text(st, 4, actor ? actor : "system");
	sqlite3_bind_int(st, 5, ev->is_public);
	bind_text(st, 6, ev->text);
	bind_text(st, 7, detail ? detail : (ev->buf[0] ? ev->buf : NULL));
	sqlite3_bind_int(st, 8, ev->from);
	sqlite3_bind_int(st, 9, ev->to);
	sqlite3_bind_int64(st, 10, ev->due_at);
	return step_done(c, st, "event_insert");
}

static int tx_idem_get(mw_tx *tx, const char *key_hash, mw_arena *a, mw_idem_row *out)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_IDEM_GET);
	int r, rc = MW_ERR_NOTFOUND;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_text(st, 1, key_hash, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		out->complaint_id = sqlite3_column_int64(st, 0);
		col_copy(st, 1, out->request_hash, sizeof(out->request_hash));
		out->token_sealed = col_text(st, 2, a);
		rc = MW_OK;
	} else if (r != SQLITE_DONE) {
		rc = db_error(c->db, "idem_get");
	}
	finish(st);
	return rc;
}

static int tx_idem_put(mw_tx *tx, const char *key_hash, const mw_idem_row *row)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_IDEM_PUT);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_text(st, 1, key_hash, -1, SQLITE_STATIC);
	bind_text(st, 2, row->request_hash);
	sqlite3_bind_int64(st, 3, row->complaint_id);
	bind_text(st, 4, row->token_sealed);
	return step_done(c, st, "idem_put");
}

static int tx_attachment_insert(mw_tx *tx, const mw_attachment_row *row, int64_t *id)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_ATTACH_INSERT);
	int rc;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, row->complaint_id);
	bind_text(st, 2, row->sha256);
	bind_text(st, 3, row->public_sha256);
	bind_text(st, 4, row->mime);
	bind_text(st, 5, row->public_mime);
	sqlite3_bind_int64(st, 6, row->size);
	sqlite3_bind_int64(st, 7, row->at);
	if (row->has_gps) {
		sqlite3_bind_double(st, 8, row->lat);
		sqlite3_bind_double(st, 9, row->lon);
	}
	rc = step_done(c, st, "attachment_insert");
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(c->db);
	return rc;
}

static int tx_coop_insert(mw_tx *tx, int64_t complaint_id, const mw_coop_row *row)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_COOP_INSERT);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	bind_text(st, 2, row->department);
	bind_text(st, 3, row->request);
	sqlite3_bind_int64(st, 4, row->requested_at);
	sqlite3_bind_int64(st, 5, row->due_at);
	return step_done(c, st, "coop_insert");
}

static int tx_coop_reply(mw_tx *tx, int64_t complaint_id, const char *department,
			 const char *reply, mw_time at)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_COOP_REPLY);
	int rc;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	bind_text(st, 2, department);
	bind_text(st, 3, reply);
	sqlite3_bind_int64(st, 4, at);
	rc = step_done(c, st, "coop_reply");
	if (!rc && sqlite3_changes(c->db) == 0)
		rc = MW_ERR_NOTFOUND;
	return rc;
}

static int tx_department_put(mw_tx *tx, const mw_department *d)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_DEPARTMENT_PUT);

	if (!st)
		return MW_ERR_DB;
	bind_text(st, 1, d->code);
	bind_text(st, 2, d->name_ko);
	bind_text(st, 3, d->name_en ? d->name_en : "");
	return step_done(c, st, "department_put");
}

static int tx_category_put(mw_tx *tx, const mw_category *cat)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_CATEGORY_PUT);
	char p[16];

	if (!st)
		return MW_ERR_DB;
	mw_period_format(cat->period, p);
	bind_text(st, 1, cat->code);
	bind_text(st, 2, cat->name_ko);
	bind_text(st, 3, cat->department);
	bind_text(st, 4, p);
	return step_done(c, st, "category_put");
}

static int tx_holiday_put(mw_tx *tx, const mw_holiday *h, const char *source)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_HOLIDAY_PUT);
	char date[16];

	if (!st)
		return MW_ERR_DB;
	snprintf(date, sizeof(date), "%04d-%02d-%02d", h->y, h->m, h->d);
	bind_text(st, 1, date);
	bind_text(st, 2, h->name);
	bind_text(st, 3, source ? source : "");
	return step_done(c, st, "holiday_put");
}

static int tx_user_put(mw_tx *tx, const mw_user *u)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_USER_END_SESSIONS);
	int rc;

	if (!st)
		return MW_ERR_DB;
	bind_text(st, 1, u->login);
	bind_text(st, 2, u->pwhash);
	sqlite3_bind_int(st, 3, u->disabled);
	if ((rc = step_done(c, st, "user_end_sessions")))
		return rc;
	if (!(st = stmt(c, u->pwhash ? ST_USER_PUT : ST_USER_UPDATE)))
		return MW_ERR_DB;
	bind_text(st, 1, u->login);
	bind_text(st, 2, u->name ? u->name : "");
	bind_text(st, 3, u->role);
	bind_text(st, 4, u->department);
	if (u->pwhash)
		bind_text(st, 5, u->pwhash);
	sqlite3_bind_int(st, 6, u->disabled);
	if ((rc = step_done(c, st, "user_put")))
		return rc;
	/* Without a password only an existing user can be saved. */
	return u->pwhash || sqlite3_changes(c->db) ? MW_OK : MW_ERR_INVALID;
}

static int tx_user_login_result(mw_tx *tx, const char *login, bool ok, int max_failures,
				mw_time lock_until)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ok ? ST_USER_LOGIN_OK : ST_USER_LOGIN_FAIL);

	if (!st)
		return MW_ERR_DB;
	bind_text(st, 1, login);
	if (!ok) {
		sqlite3_bind_int(st, 2, max_failures);
		sqlite3_bind_int64(st, 3, lock_until);
	}
	return step_done(c, st, "user_login_result");
}

static int tx_session_put(mw_tx *tx, const mw_session *sess)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_SESSION_PUT);

	if (!st)
		return MW_ERR_DB;
	bind_text(st, 1, sess->id_hash);
	bind_text(st, 2, sess->login);
	bind_text(st, 3, sess->csrf);
	sqlite3_bind_int64(st, 4, sess->created_at);
	sqlite3_bind_int64(st, 5, sess->last_seen);
	sqlite3_bind_int(st, 6, (int)sess->kind);
	return step_done(c, st, "session_put");
}

static int tx_session_touch(mw_tx *tx, const char *id_hash, mw_time at)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_SESSION_TOUCH);

	if (!st)
		return MW_ERR_DB;
	bind_text(st, 1, id_hash);
	sqlite3_bind_int64(st, 2, at);
	return step_done(c, st, "session_touch");
}

static int tx_session_delete(mw_tx *tx, const char *id_hash)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_SESSION_DELETE);

	if (!st)
		return MW_ERR_DB;
	bind_text(st, 1, id_hash);
	return step_done(c, st, "session_delete");
}

static int tx_access_log(mw_tx *tx, const mw_access_entry *e)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_ACCESS_INSERT);

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, e->at);
	bind_text(st, 2, e->login);
	sqlite3_bind_int64(st, 3, e->complaint_id);
	bind_text(st, 4, e->receipt_no);
	bind_text(st, 5, e->what);
	bind_text(st, 6, e->reason);
	return step_done(c, st, "access_log");
}

/* ---- reader operations ---------------------------------------------- */

static int rd_complaint_get(mw_store *s, int64_t id, mw_arena *a, mw_complaint *c,
			    mw_complaint_secret *sec)
{
	return get_complaint(reader(s), ST_COMPLAINT_BY_ID, NULL, id, a, c, sec);
}

static int rd_complaint_by_receipt(mw_store *s, const char *receipt, mw_arena *a,
				   mw_complaint *c, mw_complaint_secret *sec)
{
	return get_complaint(reader(s), ST_COMPLAINT_BY_RECEIPT, receipt, 0, a, c, sec);
}

static int rd_complaint_by_token(mw_store *s, const char *token_hash, mw_arena *a,
				 mw_complaint *c, mw_complaint_secret *sec)
{
	return get_complaint(reader(s), ST_COMPLAINT_BY_TOKEN, token_hash, 0, a, c, sec);
}

static int events_on(conn *c, int64_t complaint_id, bool public_only, mw_arena *a,
		     mw_event_row **out, size_t *n)
{
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, public_only ? ST_EVENTS_PUBLIC : ST_EVENTS)))
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	COLLECT(c, st, mw_event_row, a, out, n, {
		row->id = sqlite3_column_int64(st, 0);
		row->at = sqlite3_column_int64(st, 1);
		row->kind = col_text(st, 2, a);
		row->actor = col_text(st, 3, a);
		row->is_public = sqlite3_column_int(st, 4);
		row->text = col_text(st, 5, a);
		row->detail = col_text(st, 6, a);
		row->from_status = sqlite3_column_int(st, 7);
		row->to_status = sqlite3_column_int(st, 8);
		row->due_at = sqlite3_column_int64(st, 9);
	});
	return MW_OK;
}

static int rd_events(mw_store *s, int64_t complaint_id, bool public_only, mw_arena *a,
		     mw_event_row **out, size_t *n)
{
	return events_on(reader(s), complaint_id, public_only, a, out, n);
}

static int tx_events(mw_tx *tx, int64_t complaint_id, mw_arena *a, mw_event_row **out, size_t *n)
{
	return events_on(W(tx), complaint_id, false, a, out, n);
}

static void read_attachment(sqlite3_stmt *st, mw_arena *a, mw_attachment_row *row)
{
	row->id = sqlite3_column_int64(st, 0);
	row->complaint_id = sqlite3_column_int64(st, 1);
	col_copy(st, 2, row->sha256, sizeof(row->sha256));
	col_copy(st, 3, row->public_sha256, sizeof(row->public_sha256));
	row->mime = col_text(st, 4, a);
	row->public_mime = col_text(st, 5, a);
	row->size = sqlite3_column_int64(st, 6);
	row->at = sqlite3_column_int64(st, 7);
	row->has_gps = sqlite3_column_type(st, 8) != SQLITE_NULL;
	row->lat = sqlite3_column_double(st, 8);
	row->lon = sqlite3_column_double(st, 9);
}

static int rd_attachments(mw_store *s, int64_t complaint_id, mw_arena *a,
			  mw_attachment_row **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_ATTACHMENTS)))
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	COLLECT(c, st, mw_attachment_row, a, out, n, read_attachment(st, a, row));
	return MW_OK;
}

static int rd_attachment_get(mw_store *s, int64_t id, mw_arena *a, mw_attachment_row *out)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	int r, rc = MW_ERR_NOTFOUND;

	if (!c || !(st = stmt(c, ST_ATTACH_GET)))
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		read_attachment(st, a, out);
		rc = MW_OK;
	} else if (r != SQLITE_DONE) {
		rc = db_error(c->db, "attachment_get");
	}
	finish(st);
	return rc;
}

static int coops_on(conn *c, int64_t complaint_id, mw_arena *a, mw_coop_row **out, size_t *n)
{
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_COOPS)))
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	COLLECT(c, st, mw_coop_row, a, out, n, {
		row->id = sqlite3_column_int64(st, 0);
		row->department = col_text(st, 1, a);
		row->request = col_text(st, 2, a);
		row->requested_at = sqlite3_column_int64(st, 3);
		row->due_at = sqlite3_column_int64(st, 4);
		row->replied_at = sqlite3_column_int64(st, 5);
		row->reply = col_text(st, 6, a);
	});
	return MW_OK;
}

static int rd_coops(mw_store *s, int64_t complaint_id, mw_arena *a, mw_coop_row **out,
		    size_t *n)
{
	return coops_on(reader(s), complaint_id, a, out, n);
}

static int tx_coops(mw_tx *tx, int64_t complaint_id, mw_arena *a, mw_coop_row **out, size_t *n)
{
	return coops_on(W(tx), complaint_id, a, out, n);
}

static void read_queue_row(sqlite3_stmt *st, mw_arena *a, mw_queue_row *row)
{
	row->id = sqlite3_column_int64(st, 0);
	col_copy(st, 1, row->receipt_no, sizeof(row->receipt_no));
	row->title = col_text(st, 2, a);
	row->category = col_text(st, 3, a);
	row->department = col_text(st, 4, a);
	row->assignee = col_text(st, 5, a);
	row->channel = (mw_channel)sqlite3_column_int(st, 6);
	row->status = (mw_status)sqlite3_column_int(st, 7);
	row->urgent = sqlite3_column_int(st, 8);
	row->received_at = sqlite3_column_int64(st, 9);
	row->due_at = sqlite3_column_int64(st, 10);
	row->version = sqlite3_column_int64(st, 11);
	row->callback = callback_of(sqlite3_column_int(st, 12));
}

/*
 * The queue query is built from the filter, so it is prepared per call
 * (a few microseconds) rather than cached: the combinations are many.
 * Every variant walks an index in (due_at, id) order and stops after
 * limit rows, which is what keeps a page fast at a million open rows.
 */
static int rd_queue(mw_store *s, const mw_queue_filter *f, mw_arena *a, mw_queue_row **out,
		    size_t *n)
{
	conn *c = reader(s);
	char sql[1024];
	size_t len;
	sqlite3_stmt *st;
	int i = 1;

	if (!c)
		return MW_ERR_DB;
	len = (size_t)snprintf(sql, sizeof(sql), "SELECT " QUEUE_COLS " FROM complaints WHERE ");
#define ADD(...) len += (size_t)snprintf(sql + len, sizeof(sql) - len, __VA_ARGS__)
	/* Literal values where a partial index depends on them: SQLite can
	 * only use "WHERE is_open AND urgent" indexes when the query names
	 * the same constants. */
	if (f->status == -1)
		ADD("is_open");
	else if (f->status == -2)
		ADD("1");
	else
		ADD("status = %d", f->status);
	if (f->department)
		ADD(" AND department = ?%d", i++);
	if (f->urgent >= 0)
		ADD(" AND urgent = %d", f->urgent ? 1 : 0);
	if (f->due_before)
		ADD(" AND due_at > 0 AND due_at < ?%d", i++);
	if (f->not_due_before)
		ADD(" AND (due_at = 0 OR due_at >= ?%d)", i++);
	if (f->category)
		ADD(" AND category = ?%d", i++);
	if (f->filed_by)
		ADD(" AND filed_by = ?%d", i++);
	if (f->received_after)
		ADD(" AND received_at >= ?%d", i++);
	if (f->callback_pending)
		ADD(" AND callback = %d", MW_CALLBACK_PENDING);
	if (f->has_cursor) {
		ADD(" AND (due_at, id) > (?%d, ?%d)", i, i + 1);
		i += 2;
	}
	ADD(" ORDER BY due_at, id LIMIT ?%d", i);
#undef ADD
	if (len >= sizeof(sql))
		return MW_ERR_INVALID;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(c->db, "queue_prepare");
	i = 1;
	if (f->department)
		sqlite3_bind_text(st, i++, f->department, -1, SQLITE_STATIC);
	if (f->due_before)
		sqlite3_bind_int64(st, i++, f->due_before);
	if (f->not_due_before)
		sqlite3_bind_int64(st, i++, f->not_due_before);
	if (f->category)
		sqlite3_bind_text(st, i++, f->category, -1, SQLITE_STATIC);
	if (f->filed_by)
		sqlite3_bind_text(st, i++, f->filed_by, -1, SQLITE_STATIC);
	if (f->received_after)
		sqlite3_bind_int64(st, i++, f->received_after);
	if (f->has_cursor) {
		sqlite3_bind_int64(st, i++, f->cursor_due);
		sqlite3_bind_int64(st, i++, f->cursor_id);
	}
	sqlite3_bind_int(st, i, f->limit > 0 ? f->limit : 25);
	{
		int r;
		size_t cap = (size_t)(f->limit > 0 ? f->limit : 25);
		mw_queue_row *arr = mw_arena_alloc(a, cap * sizeof(*arr));

		*n = 0;
		if (!arr) {
			sqlite3_finalize(st);
			return MW_ERR_NOMEM;
		}
		while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < cap)
			read_queue_row(st, a, &arr[(*n)++]);
		sqlite3_finalize(st);
		*out = arr;
		if (r != SQLITE_DONE && r != SQLITE_ROW)
			return db_error(c->db, "queue");
	}
	return MW_OK;
}

static int rd_by_phone(mw_store *s, const char *phone_hash, int limit, mw_arena *a,
		       mw_queue_row **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_BY_PHONE)))
		return MW_ERR_DB;
	sqlite3_bind_text(st, 1, phone_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	COLLECT(c, st, mw_queue_row, a, out, n, read_queue_row(st, a, row));
	return MW_OK;
}

static int rd_counts(mw_store *s, const char *department, mw_time now,
		     int64_t counts[MW_STATUS__COUNT], int64_t *overdue)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	int r;

	if (!c || !(st = stmt(c, department ? ST_COUNTS_DEPT : ST_COUNTS)))
		return MW_ERR_DB;
	memset(counts, 0, sizeof(int64_t) * MW_STATUS__COUNT);
	if (department)
		sqlite3_bind_text(st, 1, department, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int status = sqlite3_column_int(st, 0);

		if (status >= 0 && status < MW_STATUS__COUNT)
			counts[status] = sqlite3_column_int64(st, 1);
	}
	finish(st);
	if (r != SQLITE_DONE)
		return db_error(c->db, "counts");
	if (!(st = stmt(c, department ? ST_OVERDUE_DEPT : ST_OVERDUE)))
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, now);
	if (department)
		sqlite3_bind_text(st, 2, department, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	*overdue = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	finish(st);
	return r == SQLITE_ROW ? MW_OK : db_error(c->db, "overdue");
}

static int rd_departments(mw_store *s, mw_arena *a, mw_department **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_DEPARTMENTS)))
		return MW_ERR_DB;
	COLLECT(c, st, mw_department, a, out, n, {
		row->code = col_text(st, 0, a);
		row->name_ko = col_text(st, 1, a);
		row->name_en = col_text(st, 2, a);
		row->version = sqlite3_column_int64(st, 3);
		row->retired = sqlite3_column_int64(st, 4) > 0;
	});
	return MW_OK;
}

static int rd_categories(mw_store *s, mw_arena *a, mw_category **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_CATEGORIES)))
		return MW_ERR_DB;
	COLLECT(c, st, mw_category, a, out, n, {
		const char *p = (const char *)sqlite3_column_text(st, 3);

		row->code = col_text(st, 0, a);
		row->name_ko = col_text(st, 1, a);
		row->department = col_text(st, 2, a);
		if (!p || mw_period_parse(p, &row->period))
			row->period = (mw_period){ 7, MW_PERIOD_DAYS };
		row->version = sqlite3_column_int64(st, 4);
		row->retired = sqlite3_column_int64(st, 5) > 0;
	});
	return MW_OK;
}

static int rd_holidays(mw_store *s, mw_arena *a, mw_holiday **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_HOLIDAYS)))
		return MW_ERR_DB;
	COLLECT(c, st, mw_holiday, a, out, n, {
		const char *d = (const char *)sqlite3_column_text(st, 0);

		if (!d || mw_date_parse(d, &row->y, &row->m, &row->d))
			(*n)--; /* skip a malformed row rather than fail */
		else
			row->name = col_text(st, 1, a);
		row->version = sqlite3_column_int64(st, 2);
	});
	return MW_OK;
}

static void read_user(sqlite3_stmt *st, mw_arena *a, mw_user *u)
{
	u->id = sqlite3_column_int64(st, 0);
	u->login = col_text(st, 1, a);
	u->name = col_text(st, 2, a);
	u->role = col_text(st, 3, a);
	u->department = col_text(st, 4, a);
	u->pwhash = col_text(st, 5, a);
	u->failed = sqlite3_column_int(st, 6);
	u->locked_until = sqlite3_column_int64(st, 7);
	u->disabled = sqlite3_column_int(st, 8);
	u->email = col_text(st, 9, a);
	u->phone = col_text(st, 10, a);
	u->version = sqlite3_column_int64(st, 11);
}

static int rd_user_get(mw_store *s, const char *login, mw_arena *a, mw_user *out)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	int r, rc = MW_ERR_NOTFOUND;

	if (!c || !(st = stmt(c, ST_USER_GET)))
		return MW_ERR_DB;
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		read_user(st, a, out);
		rc = MW_OK;
	} else if (r != SQLITE_DONE) {
		rc = db_error(c->db, "user_get");
	}
	finish(st);
	return rc;
}

static int rd_users(mw_store *s, mw_arena *a, mw_user **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_USERS)))
		return MW_ERR_DB;
	COLLECT(c, st, mw_user, a, out, n, read_user(st, a, row));
	return MW_OK;
}

static int rd_session_get(mw_store *s, const char *id_hash, mw_arena *a, mw_session *out)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	int r, rc = MW_ERR_NOTFOUND;

	if (!c || !(st = stmt(c, ST_SESSION_GET)))
		return MW_ERR_DB;
	sqlite3_bind_text(st, 1, id_hash, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		col_copy(st, 0, out->id_hash, sizeof(out->id_hash));
		out->login = col_text(st, 1, a);
		col_copy(st, 2, out->csrf, sizeof(out->csrf));
		out->created_at = sqlite3_column_int64(st, 3);
		out->last_seen = sqlite3_column_int64(st, 4);
		out->kind = sqlite3_column_int(st, 5) == MW_SESSION_FIELD ? MW_SESSION_FIELD
									   : MW_SESSION_OFFICE;
		rc = MW_OK;
	} else if (r != SQLITE_DONE) {
		rc = db_error(c->db, "session_get");
	}
	finish(st);
	return rc;
}

static int rd_access_log(mw_store *s, int64_t before_id, int limit, mw_arena *a,
			 mw_access_entry **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_ACCESS_LIST)))
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int(st, 2, limit);
	COLLECT(c, st, mw_access_entry, a, out, n, {
		row->id = sqlite3_column_int64(st, 0);
		row->at = sqlite3_column_int64(st, 1);
		row->login = col_text(st, 2, a);
		row->complaint_id = sqlite3_column_int64(st, 3);
		row->receipt_no = col_text(st, 4, a);
		row->what = col_text(st, 5, a);
		row->reason = col_text(st, 6, a);
	});
	return MW_OK;
}

static int rd_read_begin(mw_store *s)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_BEGIN)))
		return MW_ERR_DB;
	if (!sqlite3_get_autocommit(c->db))
		return MW_OK;
	return step_done(c, st, "read_begin");
}

static int rd_read_end(mw_store *s)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_COMMIT)))
		return MW_ERR_DB;
	if (sqlite3_get_autocommit(c->db))
		return MW_OK;
	return step_done(c, st, "read_end");
}

static void read_brief(sqlite3_stmt *st, mw_arena *a, mw_brief *b)
{
	b->id = sqlite3_column_int64(st, 0);
	col_copy(st, 1, b->receipt_no, sizeof(b->receipt_no));
	b->title = col_text(st, 2, a);
	b->text = col_text(st, 3, a);
	b->category = col_text(st, 4, a);
	b->status = (mw_status)sqlite3_column_int(st, 5);
	b->has_location = sqlite3_column_type(st, 6) != SQLITE_NULL;
	b->lat = sqlite3_column_double(st, 6);
	b->lon = sqlite3_column_double(st, 7);
	b->received_at = sqlite3_column_int64(st, 8);
	b->public_map = sqlite3_column_int(st, 9);
	b->supporters = sqlite3_column_int64(st, 10);
}

static int rd_open_near(mw_store *s, double lat, double lon, double radius_m, int limit,
			mw_arena *a, mw_brief **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	/* 1 degree of latitude is 111.32 km; longitude shrinks with cos(lat). */
	double dlat = radius_m / 111320.0, coslat = cos(lat * M_PI / 180.0);
	double dlon = radius_m / (111320.0 * (coslat > 0.01 ? coslat : 0.01));

	if (!c || !(st = stmt(c, ST_OPEN_NEAR)))
		return MW_ERR_DB;
	sqlite3_bind_double(st, 1, lat);
	sqlite3_bind_double(st, 2, lon);
	sqlite3_bind_double(st, 3, dlat);
	sqlite3_bind_double(st, 4, dlon);
	sqlite3_bind_int(st, 5, limit);
	COLLECT(c, st, mw_brief, a, out, n, read_brief(st, a, row));
	return MW_OK;
}

static int rd_recent_by_phone(mw_store *s, const char *phone_hash, mw_time since, int limit,
			      mw_arena *a, mw_brief **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_RECENT_BY_PHONE)))
		return MW_ERR_DB;
	sqlite3_bind_text(st, 1, phone_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int(st, 3, limit);
	COLLECT(c, st, mw_brief, a, out, n, read_brief(st, a, row));
	return MW_OK;
}

static int rd_training_rows(mw_store *s, mw_time since, mw_arena *a, mw_training_row **out,
			    size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_TRAINING_ROWS)))
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, since);
	COLLECT(c, st, mw_training_row, a, out, n, {
		row->text = col_text(st, 0, a);
		row->category = col_text(st, 1, a);
		row->urgent = sqlite3_column_int(st, 2);
		row->corrected = sqlite3_column_int(st, 3);
	});
	return MW_OK;
}

static int rd_faqs(mw_store *s, mw_arena *a, mw_faq_row **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_FAQS)))
		return MW_ERR_DB;
	COLLECT(c, st, mw_faq_row, a, out, n, {
		row->id = col_text(st, 0, a);
		row->question = col_text(st, 1, a);
		row->answer = col_text(st, 2, a);
		row->category = col_text(st, 3, a);
		row->question_en = col_text(st, 4, a);
		row->answer_en = col_text(st, 5, a);
		row->version = sqlite3_column_int64(st, 6);
	});
	return MW_OK;
}

static int tx_faq_put(mw_tx *tx, const mw_faq_row *f, mw_time at)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_FAQ_PUT);

	if (!st)
		return MW_ERR_DB;
	bind_text(st, 1, f->id);
	bind_text(st, 2, f->question);
	bind_text(st, 3, f->answer);
	bind_text(st, 4, f->category ? f->category : "general");
	sqlite3_bind_int64(st, 5, at);
	bind_text(st, 6, f->question_en);
	bind_text(st, 7, f->answer_en);
	return step_done(c, st, "faq_put");
}

static int tx_faq_delete(mw_tx *tx, const char *id)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_FAQ_DELETE);
	int rc;

	if (!st)
		return MW_ERR_DB;
	bind_text(st, 1, id);
	if ((rc = step_done(c, st, "faq_delete")))
		return rc;
	return sqlite3_changes(c->db) ? MW_OK : MW_ERR_NOTFOUND;
}

static void read_chat_session(sqlite3_stmt *st, mw_arena *a, mw_chat_session *cs)
{
	cs->id = sqlite3_column_int64(st, 0);
	col_copy(st, 1, cs->token_hash, sizeof(cs->token_hash));
	cs->created_at = sqlite3_column_int64(st, 2);
	cs->updated_at = sqlite3_column_int64(st, 3);
	cs->state = col_text(st, 4, a);
	cs->handoff = sqlite3_column_int(st, 5);
	cs->handoff_reason = col_text(st, 6, a);
	cs->handoff_at = sqlite3_column_int64(st, 7);
	cs->complaint_id = sqlite3_column_int64(st, 8);
}

static int chat_session_get(mw_store *s, enum stmt_id id, const char *key, int64_t ikey,
			    mw_arena *a, mw_chat_session *out)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	int r, rc = MW_ERR_NOTFOUND;

	if (!c || !(st = stmt(c, id)))
		return MW_ERR_DB;
	if (key)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, ikey);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		read_chat_session(st, a, out);
		rc = MW_OK;
	} else if (r != SQLITE_DONE) {
		rc = db_error(c->db, "chat_session");
	}
	finish(st);
	return rc;
}

static int rd_chat_session(mw_store *s, const char *token_hash, mw_arena *a, mw_chat_session *out)
{
	return chat_session_get(s, ST_CHAT_SESSION, token_hash, 0, a, out);
}

static int rd_chat_session_by_id(mw_store *s, int64_t id, mw_arena *a, mw_chat_session *out)
{
	return chat_session_get(s, ST_CHAT_SESSION_BY_ID, NULL, id, a, out);
}

static int rd_chat_messages(mw_store *s, int64_t session_id, mw_arena *a, mw_chat_message **out,
			    size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_CHAT_MESSAGES)))
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, session_id);
	COLLECT(c, st, mw_chat_message, a, out, n, {
		row->id = sqlite3_column_int64(st, 0);
		row->session_id = sqlite3_column_int64(st, 1);
		row->at = sqlite3_column_int64(st, 2);
		row->sender = col_text(st, 3, a);
		row->body = col_text(st, 4, a);
		row->kind = col_text(st, 5, a);
		row->faq_id = col_text(st, 6, a);
		row->category = col_text(st, 7, a);
		row->confidence = sqlite3_column_double(st, 8);
		row->helpful = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1
									: sqlite3_column_int(st, 9);
	});
	return MW_OK;
}

static int rd_chat_handoffs(mw_store *s, int limit, mw_time after_at, int64_t after_id,
			    mw_arena *a, mw_chat_session **out, size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_CHAT_HANDOFFS)))
		return MW_ERR_DB;
	sqlite3_bind_int(st, 1, limit);
	sqlite3_bind_int64(st, 2, after_at);
	sqlite3_bind_int64(st, 3, after_id);
	COLLECT(c, st, mw_chat_session, a, out, n, read_chat_session(st, a, row));
	return MW_OK;
}

static int tx_chat_session_put(mw_tx *tx, const mw_chat_session *cs, int64_t *id)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, cs->id ? ST_CHAT_SESSION_UPDATE : ST_CHAT_SESSION_INSERT);
	int rc;

	if (!st)
		return MW_ERR_DB;
	if (cs->id)
		sqlite3_bind_int64(st, 1, cs->id);
	else
		bind_text(st, 2, cs->token_hash);
	sqlite3_bind_int64(st, 3, cs->created_at);
	sqlite3_bind_int64(st, 4, cs->updated_at);
	bind_text(st, 5, cs->state ? cs->state : "{}");
	sqlite3_bind_int(st, 6, cs->handoff);
	bind_text(st, 7, cs->handoff_reason);
	sqlite3_bind_int64(st, 8, cs->handoff_at);
	sqlite3_bind_int64(st, 9, cs->complaint_id);
	rc = step_done(c, st, "chat_session_put");
	if (!rc && id)
		*id = cs->id ? cs->id : sqlite3_last_insert_rowid(c->db);
	return rc;
}

static int tx_chat_message_add(mw_tx *tx, const mw_chat_message *m, int64_t *id)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_CHAT_MESSAGE_ADD);
	int rc;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, m->session_id);
	sqlite3_bind_int64(st, 2, m->at);
	bind_text(st, 3, m->sender);
	bind_text(st, 4, m->body);
	bind_text(st, 5, m->kind);
	bind_text(st, 6, m->faq_id);
	bind_text(st, 7, m->category);
	if (m->kind)
		sqlite3_bind_double(st, 8, m->confidence);
	rc = step_done(c, st, "chat_message_add");
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(c->db);
	return rc;
}

static int tx_chat_rate(mw_tx *tx, int64_t session_id, int64_t message_id, bool helpful)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_CHAT_RATE);
	int rc;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_int64(st, 2, message_id);
	sqlite3_bind_int(st, 3, helpful);
	rc = step_done(c, st, "chat_rate");
	if (!rc && sqlite3_changes(c->db) == 0)
		rc = MW_ERR_NOTFOUND;
	return rc;
}

static int support_count(conn *c, int64_t complaint_id, int64_t *count)
{
	sqlite3_stmt *st = stmt(c, ST_SUPPORT_COUNT);
	int rc;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	finish(st);
	return rc == SQLITE_ROW ? MW_OK : db_error(c->db, "support_count");
}

static int tx_support_add(mw_tx *tx, int64_t complaint_id, const char *supporter_hash, mw_time at,
			  bool *added, int64_t *count)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_SUPPORT_ADD);
	int rc;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, complaint_id);
	sqlite3_bind_text(st, 2, supporter_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	if ((rc = step_done(c, st, "support_add")))
		return rc;
	*added = sqlite3_changes(c->db) > 0;
	return support_count(c, complaint_id, count);
}

static int rd_support_count(mw_store *s, int64_t complaint_id, int64_t *count)
{
	conn *c = reader(s);

	return c ? support_count(c, complaint_id, count) : MW_ERR_DB;
}

/* ST_PUBLIC_MAP names statuses by number. */
_Static_assert(MW_STATUS_ANSWERED == 4 && MW_STATUS_CLOSED == 5 && MW_STATUS_WITHDRAWN == 6 &&
		       MW_STATUS_MERGED == 7 && MW_STATUS_TRANSFERRED == 9,
	       "status numbers in ST_PUBLIC_MAP");

static int rd_public_map(mw_store *s, const mw_map_filter *f, mw_arena *a, mw_brief **out,
			 size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_PUBLIC_MAP)))
		return MW_ERR_DB;
	bind_text(st, 1, f->category);
	sqlite3_bind_int(st, 2, f->state);
	sqlite3_bind_double(st, 3, f->south);
	sqlite3_bind_double(st, 4, f->north);
	sqlite3_bind_double(st, 5, f->west);
	sqlite3_bind_double(st, 6, f->east);
	sqlite3_bind_int(st, 7, f->limit);
	COLLECT(c, st, mw_brief, a, out, n, read_brief(st, a, row));
	return MW_OK;
}

static int tx_template_put(mw_tx *tx, mw_template *t)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, t->id ? ST_TEMPLATE_UPDATE : ST_TEMPLATE_INSERT);
	int rc;

	if (!st)
		return MW_ERR_DB;
	bind_text(st, 1, t->category);
	bind_text(st, 2, t->title);
	bind_text(st, 3, t->body);
	sqlite3_bind_int64(st, 4, t->updated_at);
	bind_text(st, 5, t->updated_by);
	if (t->id)
		sqlite3_bind_int64(st, 6, t->id);
	if ((rc = step_done(c, st, "template_put")))
		return rc;
	if (t->id)
		return sqlite3_changes(c->db) ? MW_OK : MW_ERR_NOTFOUND;
	t->id = sqlite3_last_insert_rowid(c->db);
	return MW_OK;
}

static int tx_template_delete(mw_tx *tx, int64_t id)
{
	conn *c = W(tx);
	sqlite3_stmt *st = stmt(c, ST_TEMPLATE_DELETE);
	int rc;

	if (!st)
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = step_done(c, st, "template_delete")))
		return rc;
	return sqlite3_changes(c->db) ? MW_OK : MW_ERR_NOTFOUND;
}

static void read_template(sqlite3_stmt *st, mw_arena *a, mw_template *t)
{
	t->id = sqlite3_column_int64(st, 0);
	t->category = col_text(st, 1, a);
	t->title = col_text(st, 2, a);
	t->body = col_text(st, 3, a);
	t->updated_at = sqlite3_column_int64(st, 4);
	t->updated_by = col_text(st, 5, a);
	t->version = sqlite3_column_int64(st, 6);
}

static int rd_templates(mw_store *s, const char *category, mw_arena *a, mw_template **out,
			size_t *n)
{
	conn *c = reader(s);
	sqlite3_stmt *st;

	if (!c || !(st = stmt(c, ST_TEMPLATES)))
		return MW_ERR_DB;
	bind_text(st, 1, category);
	COLLECT(c, st, mw_template, a, out, n, read_template(st, a, row));
	return MW_OK;
}

static int rd_template_get(mw_store *s, int64_t id, mw_arena *a, mw_template *out)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	mw_template *rows;
	size_t n;

	if (!c || !(st = stmt(c, ST_TEMPLATE_GET)))
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	COLLECT(c, st, mw_template, a, &rows, &n, read_template(st, a, row));
	if (!n)
		return MW_ERR_NOTFOUND;
	*out = rows[0];
	return MW_OK;
}

static int rd_sla(mw_store *s, const char *department, mw_time now, mw_time day_end,
		  mw_time since, mw_sla *out)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	int r;

	if (!c || !(st = stmt(c, department ? ST_SLA_DEPT : ST_SLA)))
		return MW_ERR_DB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, day_end);
	sqlite3_bind_int64(st, 3, since);
	if (department)
		bind_text(st, 4, department);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		out->due_today = sqlite3_column_int64(st, 0);
		out->answered = sqlite3_column_int64(st, 1);
		out->on_time = sqlite3_column_int64(st, 2);
	}
	finish(st);
	return r == SQLITE_ROW ? MW_OK : db_error(c->db, "sla");
}

/* ST_CALLBACKS_PENDING* and 0009_callback.sql name the state by number. */
_Static_assert(MW_CALLBACK_NONE == 0 && MW_CALLBACK_PENDING == 1 && MW_CALLBACK_DONE == 2,
	       "call-back numbers in the schema");

static int rd_callbacks_pending(mw_store *s, const char *department, int64_t *count)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	int r;

	if (!c || !(st = stmt(c, department ? ST_CALLBACKS_PENDING_DEPT : ST_CALLBACKS_PENDING)))
		return MW_ERR_DB;
	if (department)
		bind_text(st, 1, department);
	r = sqlite3_step(st);
	*count = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	finish(st);
	return r == SQLITE_ROW ? MW_OK : db_error(c->db, "callbacks_pending");
}

static int rd_ref_generation(mw_store *s, int64_t *generation)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	int r;

	if (!c || !(st = stmt(c, ST_REF_GENERATION)))
		return MW_ERR_DB;
	r = sqlite3_step(st);
	*generation = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	finish(st);
	return r == SQLITE_ROW ? MW_OK : db_error(c->db, "ref_generation");
}

static int rd_schema_version(mw_store *s)
{
	conn *c = reader(s);
	sqlite3_stmt *st;
	int v = -1;

	if (!c || sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Online backup: copies pages in steps so the writer is never blocked for
 * long, restarting automatically when the source changes underneath. */
static int rd_backup(mw_store *s, const char *path, char *errbuf, size_t errsz)
{
	conn *c = reader(s);
	sqlite3 *dst;
	sqlite3_backup *b;
	int r;

	if (!c)
		return MW_ERR_DB;
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(errbuf, errsz, "cannot create %s: %s", path, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return MW_ERR_IO;
	}
	b = sqlite3_backup_init(dst, "main", c->db, "main");
	if (!b) {
		snprintf(errbuf, errsz, "backup failed: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return MW_ERR_DB;
	}
	do {
		r = sqlite3_backup_step(b, 1024);
		if (r == SQLITE_BUSY || r == SQLITE_LOCKED)
			sqlite3_sleep(10);
	} while (r == SQLITE_OK || r == SQLITE_BUSY || r == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (r != SQLITE_DONE) {
		snprintf(errbuf, errsz, "backup failed: %s", sqlite3_errstr(r));
		sqlite3_close(dst);
		return MW_ERR_DB;
	}
	r = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	sqlite3_close(dst);
	return r == SQLITE_OK ? MW_OK : MW_ERR_DB;
}

/* ---- for the other files of this backend (sqlite_int.h) ------------- */

mw_sqlite_conn *mw_sqlite_writer(mw_tx *tx)
{
	return W(tx);
}

mw_sqlite_conn *mw_sqlite_reader(mw_store *s)
{
	return reader(s);
}

sqlite3 *mw_sqlite_db(mw_sqlite_conn *c)
{
	return c->db;
}

sqlite3_stmt *mw_sqlite_stmt(mw_sqlite_conn *c, int slot, const char *sql)
{
	MW_ASSERT(slot >= 0 && slot < MW_SQLITE_EXT_STMTS);
	if (!c->ext[slot] &&
	    sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->ext[slot], NULL) !=
		    SQLITE_OK) {
		db_error(c->db, "prepare");
		return NULL;
	}
	return c->ext[slot];
}

int mw_sqlite_error(mw_sqlite_conn *c, const char *what)
{
	return db_error(c->db, what);
}

int mw_sqlite_step_done(mw_sqlite_conn *c, sqlite3_stmt *st, const char *what)
{
	return step_done(c, st, what);
}

void mw_sqlite_finish(sqlite3_stmt *st)
{
	finish(st);
}

void mw_sqlite_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	bind_text(st, i, v);
}

const char *mw_sqlite_col_text(sqlite3_stmt *st, int i, mw_arena *a)
{
	return col_text(st, i, a);
}

const struct mw_store_ops mw_store_sqlite = {
	.name = "sqlite",
	.accepts = sqlite_accepts,
	.open = sqlite_open,
	.close = sqlite_close,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.savepoint = sqlite_savepoint,
	.release = sqlite_release,
#define MW_TX_OP(name, params, args) .tx_##name = tx_##name,
#define MW_READ_OP(name, params, args) .name = rd_##name,
#include "../store_ops.def"
#undef MW_TX_OP
#undef MW_READ_OP
};

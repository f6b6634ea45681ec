/*
 * store.h - the one storage interface of minwon.
 *
 * Callers see an opaque mw_store and the functions below; a backend is a
 * constant table of function pointers (struct mw_store_ops, see
 * store_int.h) chosen by the URI given to mw_store_open(): a file path or
 * "sqlite:PATH" for the embedded SQLite backend. A PostgreSQL backend
 * ("postgres://...") fits the same table without touching any caller.
 *
 * Writes and durability. Every write runs as a unit of work (mw_work) on
 * the store's single writer thread. The writer takes all the work that is
 * waiting, runs each unit inside its own savepoint of one transaction,
 * commits once (synchronous=FULL: the commit is on disk when it returns)
 * and only then calls each unit's done() callback. So an HTTP handler that
 * answers from done() never acknowledges anything that is not durable, and
 * concurrent requests share one fsync (group commit). A unit that fails
 * rolls back its own savepoint and no one else's.
 *
 * Reads run on the calling thread, on a read-only connection of its own,
 * and see every commit acknowledged before they started.
 *
 * Strings returned by reads live in the mw_arena the caller passes.
 * Errors: MW_OK, MW_ERR_NOTFOUND, MW_ERR_STALE (version check), MW_ERR_DB
 * (logged by the backend, never with personal data), MW_ERR_NOMEM.
 */
#ifndef MW_STORE_H
#define MW_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../core/complaint.h"

typedef struct mw_store mw_store;
typedef struct mw_tx mw_tx;     /* the writer's open transaction */

typedef struct mw_store_config {
	int read_cache_kib;      /* page cache per reader (default 4096) */
	int write_cache_kib;     /* page cache of the writer (default 16384) */
	int max_batch;           /* most units per commit (default 512) */
} mw_store_config;

/* Opens (creating if needed) and migrates the database at uri. errbuf
 * receives a message on failure. */
int mw_store_open(const char *uri, const mw_store_config *cfg, mw_store **out,
		  char *errbuf, size_t errsz);
/* Drains the writer (pending work still runs) and closes. */
void mw_store_close(mw_store *s);
const char *mw_store_backend(const mw_store *s);
int mw_store_schema_version(mw_store *s);

/* ---- units of work --------------------------------------------------- */

typedef struct mw_work mw_work;
struct mw_work {
	/* Runs on the writer thread inside a savepoint. Return MW_OK to keep
	 * its changes, an error to roll them back (rc then holds it). */
	int (*run)(mw_tx *tx, mw_work *w);
	/* Called on the writer thread after the commit is durable (rc ==
	 * MW_OK) or failed. Must not block; typically wakes a waiter. */
	void (*done)(mw_work *w);
	int rc;
	mw_work *next;           /* owned by the queue */
};

/* Queues w; done() is called later from the writer thread. */
int mw_store_submit(mw_store *s, mw_work *w);
/* Queues w and waits for it; returns w->rc. For the CLI and for writes
 * that need no group commit (sessions, access log). */
int mw_store_exec(mw_store *s, mw_work *w);

/* Statistics for /metrics: commits and a histogram of batch sizes with
 * buckets 1, 2, 4, ..., 512, +Inf (11 buckets). */
typedef struct mw_store_stats {
	uint64_t commits;
	uint64_t units;
	uint64_t batch_hist[11];
	uint64_t queue_depth;
} mw_store_stats;
void mw_store_stats_get(mw_store *s, mw_store_stats *out);

/* ---- complaint rows -------------------------------------------------- */

/* What the store keeps next to the domain complaint: secrets and
 * personal data in sealed form. */
typedef struct mw_complaint_secret {
	char token_hash[65];
	const char *token;           /* while filing only, never stored: the
				      * receipt notice's tracking link */
	const char *contact_sealed;  /* mw_seal() of {"name","phone","email"} JSON */
	char phone_hash[65];         /* keyed digest of the digits, "" if none */
} mw_complaint_secret;

/* A timeline entry as stored. */
typedef struct mw_event_row {
	int64_t id;
	mw_time at;
	const char *kind;
	const char *actor;           /* staff login, "citizen" or "system" */
	bool is_public;
	const char *text;
	const char *detail;          /* department, category, rating, ... */
	int from_status, to_status;
	mw_time due_at;
} mw_event_row;

typedef struct mw_attachment_row {
	int64_t id;
	int64_t complaint_id;
	char sha256[65];             /* original */
	char public_sha256[65];      /* metadata stripped */
	const char *mime;
	const char *public_mime;
	int64_t size;
	mw_time at;
	bool has_gps;
	double lat, lon;
} mw_attachment_row;

typedef struct mw_coop_row {
	int64_t id;
	const char *department;
	const char *request;
	mw_time requested_at;
	mw_time due_at;
	mw_time replied_at;
	const char *reply;
} mw_coop_row;

typedef struct mw_queue_filter {
	const char *department;      /* NULL = all */
	int status;                  /* -1 = all open (not answered/final) ; else mw_status */
	int urgent;                  /* -1 any, 0, 1 */
	mw_time due_before;          /* 0 = none; else running clocks due before it */
	mw_time not_due_before;      /* 0 = none; else stopped clocks or due at/after it */
	const char *category;        /* NULL = all */
	const char *filed_by;        /* desk: only what this login filed */
	mw_time received_after;      /* desk: today */
	bool callback_pending;       /* only pending call-backs (전화 요청) */
	/* keyset cursor: rows after (due_at, id) */
	bool has_cursor;
	mw_time cursor_due;
	int64_t cursor_id;
	int limit;                   /* 1..100 */
} mw_queue_filter;

typedef struct mw_queue_row {
	int64_t id;
	char receipt_no[MW_RECEIPT_MAX];
	const char *title;
	const char *category;
	const char *department;
	const char *assignee;
	mw_channel channel;
	mw_status status;
	bool urgent;
	mw_time received_at;
	mw_time due_at;
	int64_t version;
	mw_callback callback;
} mw_queue_row;

/* ---- writes (inside a unit of work) ---------------------------------- */

/* Next receipt sequence number for period YYMM (never reused). */
int mw_tx_receipt_next(mw_tx *tx, int period, int64_t *seq);
/* Inserts c (id and receipt_no filled by the caller's receipt_next; id
 * is returned). */
int mw_tx_complaint_insert(mw_tx *tx, const mw_complaint *c, const mw_complaint_secret *sec,
			   int64_t *id);
/* Writes the changed complaint when the stored version still equals
 * expected_version; MW_ERR_STALE otherwise. */
int mw_tx_complaint_update(mw_tx *tx, const mw_complaint *next, int64_t expected_version);
/* Re-seals contact data (after the id is known, the id is the AD). */
int mw_tx_complaint_set_contact(mw_tx *tx, int64_t id, const char *contact_sealed);
int mw_tx_event_insert(mw_tx *tx, int64_t complaint_id, const mw_event *ev, const char *actor,
		       const char *detail);

typedef struct mw_idem_row {
	int64_t complaint_id;
	char request_hash[65];
	const char *token_sealed;
} mw_idem_row;
/* Looks up an idempotency key (keyed digest); MW_ERR_NOTFOUND if new. */
int mw_tx_idem_get(mw_tx *tx, const char *key_hash, mw_arena *a, mw_idem_row *out);
int mw_tx_idem_put(mw_tx *tx, const char *key_hash, const mw_idem_row *row);

int mw_tx_attachment_insert(mw_tx *tx, const mw_attachment_row *row, int64_t *id);
/* Fills a missing location from a photo's GPS. */
int mw_tx_complaint_set_location(mw_tx *tx, int64_t id, double lat, double lon);
int mw_tx_coop_insert(mw_tx *tx, int64_t complaint_id, const mw_coop_row *row);
/* Records a reply to the open cooperation request of department;
 * MW_ERR_NOTFOUND when that department has none open. */
int mw_tx_coop_reply(mw_tx *tx, int64_t complaint_id, const char *department,
		     const char *reply, mw_time at);

/* ---- reads ----------------------------------------------------------- */

int mw_store_complaint_get(mw_store *s, int64_t id, mw_arena *a, mw_complaint *c,
			   mw_complaint_secret *sec);
int mw_store_complaint_by_receipt(mw_store *s, const char *receipt, mw_arena *a,
				  mw_complaint *c, mw_complaint_secret *sec);
/* Finds by token digest; the caller compares the receipt in constant time. */
int mw_store_complaint_by_token(mw_store *s, const char *token_hash, mw_arena *a,
				mw_complaint *c, mw_complaint_secret *sec);
/* Same reads inside the writer's transaction. */
int mw_tx_complaint_get(mw_tx *tx, int64_t id, mw_arena *a, mw_complaint *c,
			mw_complaint_secret *sec);

int mw_store_events(mw_store *s, int64_t complaint_id, bool public_only, mw_arena *a,
		    mw_event_row **out, size_t *n);
int mw_store_attachments(mw_store *s, int64_t complaint_id, mw_arena *a,
			 mw_attachment_row **out, size_t *n);
int mw_store_attachment_get(mw_store *s, int64_t id, mw_arena *a, mw_attachment_row *out);
int mw_store_coops(mw_store *s, int64_t complaint_id, mw_arena *a, mw_coop_row **out,
		   size_t *n);
/* The same two inside the writer's transaction (every event; the
 * deadline monitor reads why a complaint is late). */
int mw_tx_events(mw_tx *tx, int64_t complaint_id, mw_arena *a, mw_event_row **out, size_t *n);
int mw_tx_coops(mw_tx *tx, int64_t complaint_id, mw_arena *a, mw_coop_row **out, size_t *n);
int mw_store_queue(mw_store *s, const mw_queue_filter *f, mw_arena *a, mw_queue_row **out,
		   size_t *n);
/* Complaints whose phone digest matches, newest first (desk lookup). */
int mw_store_by_phone(mw_store *s, const char *phone_hash, int limit, mw_arena *a,
		      mw_queue_row **out, size_t *n);

/* A read snapshot: the reads of this thread between begin and end see
 * one consistent state and share one transaction (cheaper than one per
 * read). Never hold one across a suspend. */
int mw_store_read_begin(mw_store *s);
int mw_store_read_end(mw_store *s);

/* Counts for /metrics and the manager view. counts[] is indexed by
 * mw_status; overdue = open complaints past due at now. */
int mw_store_counts(mw_store *s, const char *department, mw_time now,
		    int64_t counts[MW_STATUS__COUNT], int64_t *overdue);

/* ---- reference data -------------------------------------------------- */

/* version: as read, the record's count of changes (1 for a new one). A
 * put checks nothing: the admin API checks the version it was sent inside
 * its unit of work (store_admin.h). A put bumps it and, for departments
 * and categories, brings back a retired one. */
typedef struct mw_department {
	const char *code;
	const char *name_ko;
	const char *name_en;
	int64_t version;
	bool retired;            /* kept for history only (store_admin.h) */
} mw_department;

typedef struct mw_category {
	const char *code;
	const char *name_ko;
	const char *department;  /* department code */
	mw_period period;
	int64_t version;
	bool retired;
} mw_category;

typedef struct mw_holiday {
	int y, m, d;
	const char *name;
	int64_t version;
} mw_holiday;

int mw_store_departments(mw_store *s, mw_arena *a, mw_department **out, size_t *n);
int mw_store_categories(mw_store *s, mw_arena *a, mw_category **out, size_t *n);
int mw_store_holidays(mw_store *s, mw_arena *a, mw_holiday **out, size_t *n);
int mw_tx_department_put(mw_tx *tx, const mw_department *d);
int mw_tx_category_put(mw_tx *tx, const mw_category *c);
int mw_tx_holiday_put(mw_tx *tx, const mw_holiday *h, const char *source);

/* ---- staff users, sessions, access log -------------------------------- */

typedef struct mw_user {
	int64_t id;
	const char *login;
	const char *name;
	const char *role;         /* admin, manager, officer, desk, field, auditor */
	const char *department;   /* NULL for admin/auditor */
	const char *pwhash;
	int failed;               /* consecutive failed logins */
	mw_time locked_until;
	bool disabled;
	const char *email;        /* work addresses for notices, NULL when */
	const char *phone;        /* none (staff_contacts; read only) */
	int64_t version;
} mw_user;

int mw_store_user_get(mw_store *s, const char *login, mw_arena *a, mw_user *out);
int mw_store_users(mw_store *s, mw_arena *a, mw_user **out, size_t *n);
/* Creates or updates by login; pwhash NULL keeps the current password of
 * an existing user (a new one without it fails: MW_ERR_INVALID). Saving
 * an existing user with another pwhash (a new password) or disabled ends
 * all of the user's sessions, office and field alike, in the same
 * transaction. */
int mw_tx_user_put(mw_tx *tx, const mw_user *u);
/* Records a login attempt: success resets the counter, failure counts up
 * and sets locked_until when the limit is reached. */
int mw_tx_user_login_result(mw_tx *tx, const char *login, bool ok, int max_failures,
			    mw_time lock_until);

/* An office session is a working day at a desk; a field session keeps a
 * phone signed in for weeks with the field role's permissions only
 * (src/api/session.h decides the limits and what it may do). */
typedef enum mw_session_kind {
	MW_SESSION_OFFICE,
	MW_SESSION_FIELD,
	MW_SESSION__COUNT
} mw_session_kind;

typedef struct mw_session {
	char id_hash[65];
	const char *login;
	char csrf[32];
	mw_time created_at;
	mw_time last_seen;
	mw_session_kind kind;
} mw_session;

int mw_store_session_get(mw_store *s, const char *id_hash, mw_arena *a, mw_session *out);
int mw_tx_session_put(mw_tx *tx, const mw_session *sess);
int mw_tx_session_touch(mw_tx *tx, const char *id_hash, mw_time at);
int mw_tx_session_delete(mw_tx *tx, const char *id_hash);

typedef struct mw_access_entry {
	int64_t id;
	mw_time at;
	const char *login;
	int64_t complaint_id;
	const char *receipt_no;
	const char *what;          /* "contact", "attachment_original", ... */
	const char *reason;
} mw_access_entry;

int mw_tx_access_log(mw_tx *tx, const mw_access_entry *e);
int mw_store_access_log(mw_store *s, int64_t before_id, int limit, mw_arena *a,
			mw_access_entry **out, size_t *n);

/* ---- AI routing, duplicates and the chatbot ------------------------- */

/* A complaint's public essentials, for duplicate hints: no contact data. */
typedef struct mw_brief {
	int64_t id;
	char receipt_no[MW_RECEIPT_MAX];
	const char *title;
	const char *text;
	const char *category;
	mw_status status;
	bool has_location;
	double lat, lon;
	mw_time received_at;
	bool public_map;
	int64_t supporters;       /* 공감: people who added to it */
} mw_brief;

/* Open complaints within radius_m metres of (lat, lon), newest first. */
int mw_store_open_near(mw_store *s, double lat, double lon, double radius_m, int limit,
		       mw_arena *a, mw_brief **out, size_t *n);
/* The manager's view of deadlines, for a department (NULL: all): open
 * complaints due between now and day_end, and how many of those answered
 * since were answered by their due time. */
typedef struct mw_sla {
	int64_t due_today;
	int64_t answered;
	int64_t on_time;
} mw_sla;
int mw_store_sla(mw_store *s, const char *department, mw_time now, mw_time day_end, mw_time since,
		 mw_sla *out);
/* Open complaints of a department (NULL: all) whose call-back is pending:
 * the queue's "전화 요청" filter, counted. */
int mw_store_callbacks_pending(mw_store *s, const char *department, int64_t *count);
/* The generation of the reference data (departments, categories,
 * holidays): it moves with every change to them, whoever makes it. */
int mw_store_ref_generation(mw_store *s, int64_t *generation);

/* An answer template (canned response) of a category, or of any category
 * when category is NULL. */
typedef struct mw_template {
	int64_t id;                /* 0: a new one */
	const char *category;
	const char *title;
	const char *body;
	mw_time updated_at;
	const char *updated_by;
	int64_t version;           /* as read; a put bumps it */
} mw_template;
/* Inserts (id 0; the new id is set) or updates; NOTFOUND for an unknown id. */
int mw_tx_template_put(mw_tx *tx, mw_template *t);
int mw_tx_template_delete(mw_tx *tx, int64_t id);
/* category NULL: all templates; else that category's and the general ones
 * (general last), by title. */
int mw_store_templates(mw_store *s, const char *category, mw_arena *a, mw_template **out,
		       size_t *n);
int mw_store_template_get(mw_store *s, int64_t id, mw_arena *a, mw_template *out);

/* The public map: complaints whose authors agreed to show them
 * (public_map), with a position, inside a box, newest first. Never
 * withdrawn, merged or transferred ones. */
typedef struct mw_map_filter {
	const char *category;     /* NULL = all */
	int state;                /* 0 all, 1 open, 2 answered or closed */
	double south, north, west, east;
	int limit;
} mw_map_filter;
int mw_store_public_map(mw_store *s, const mw_map_filter *f, mw_arena *a, mw_brief **out,
			size_t *n);
/* Complaints by the same person (phone digest) received since, newest
 * first, any state. */
int mw_store_recent_by_phone(mw_store *s, const char *phone_hash, mw_time since, int limit,
			     mw_arena *a, mw_brief **out, size_t *n);

/* A handled complaint as a training example: its text and the category
 * people settled on (answered, closed or recategorised ones). */
typedef struct mw_training_row {
	const char *text;
	const char *category;
	bool urgent;
	bool corrected;           /* staff changed the AI's category */
} mw_training_row;
int mw_store_training_rows(mw_store *s, mw_time since, mw_arena *a, mw_training_row **out,
			   size_t *n);

typedef struct mw_faq_row {
	const char *id, *question, *answer, *category;
	const char *question_en, *answer_en;   /* NULL: none written */
	int64_t version;                       /* as read; a put bumps it */
} mw_faq_row;
int mw_store_faqs(mw_store *s, mw_arena *a, mw_faq_row **out, size_t *n);
int mw_tx_faq_put(mw_tx *tx, const mw_faq_row *f, mw_time at);
/* MW_ERR_NOTFOUND when there is no entry with this id. */
int mw_tx_faq_delete(mw_tx *tx, const char *id);

typedef struct mw_chat_session {
	int64_t id;
	char token_hash[65];
	mw_time created_at, updated_at;
	const char *state;          /* JSON */
	bool handoff;
	const char *handoff_reason;
	mw_time handoff_at;
	int64_t complaint_id;
} mw_chat_session;

typedef struct mw_chat_message {
	int64_t id;
	int64_t session_id;
	mw_time at;
	const char *sender;         /* citizen, bot, or a staff login */
	const char *body;
	const char *kind;           /* faq, report, human, or NULL */
	const char *faq_id;
	const char *category;
	double confidence;
	int helpful;                /* -1 unrated, 0, 1 */
} mw_chat_message;

int mw_store_chat_session(mw_store *s, const char *token_hash, mw_arena *a, mw_chat_session *out);
int mw_store_chat_session_by_id(mw_store *s, int64_t id, mw_arena *a, mw_chat_session *out);
int mw_store_chat_messages(mw_store *s, int64_t session_id, mw_arena *a, mw_chat_message **out,
			   size_t *n);
/* The conversations waiting for a counsellor, longest waiting first, those
 * after (after_at, after_id) in that order (0, 0: from the start). */
int mw_store_chat_handoffs(mw_store *s, int limit, mw_time after_at, int64_t after_id,
			   mw_arena *a, mw_chat_session **out, size_t *n);
/* Inserts (id 0) or updates a session; the id is returned in *id. */
int mw_tx_chat_session_put(mw_tx *tx, const mw_chat_session *cs, int64_t *id);
int mw_tx_chat_message_add(mw_tx *tx, const mw_chat_message *m, int64_t *id);
/* Records "helpful?" for a bot message of this session; NOTFOUND if none. */
int mw_tx_chat_rate(mw_tx *tx, int64_t session_id, int64_t message_id, bool helpful);

/* 공감: records that a supporter (a keyed digest, see 0003_support.sql)
 * adds to a complaint. *added is false when this supporter had already;
 * *count is the complaint's supporters afterwards. */
int mw_tx_support_add(mw_tx *tx, int64_t complaint_id, const char *supporter_hash, mw_time at,
		      bool *added, int64_t *count);
int mw_store_support_count(mw_store *s, int64_t complaint_id, int64_t *count);

/* ---- operations ------------------------------------------------------ */

/* Online backup to path while serving (SQLite backup API). */
int mw_store_backup(mw_store *s, const char *path, char *errbuf, size_t errsz);

#include "store_notify.h"
#include "store_track.h"
#include "store_admin.h"

#endif

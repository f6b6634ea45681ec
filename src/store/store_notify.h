/*
 * store_notify.h - the storage side of notifications (src/notify/): the
 * outbox, the reminder schedule, the staff inbox, message templates and
 * staff contact addresses. Part of store.h; the operations are the rows
 * of notify_ops.def.
 *
 * Invariants the tables keep (see 0007_notify.sql):
 *  - An outbox row is written in the same unit of work as the event that
 *    causes it, and never deleted; its id is the stable message id.
 *  - A row is handed to a sender by a claim (outbox_claim) that pushes its
 *    next_at out by a lease: a sender that dies leaves the row to be
 *    claimed again when the lease runs out (at-least-once delivery).
 *  - A reminder row fires once: reminder_fire sets fired_at only when it
 *    was 0, inside the writer's transaction, so two servers on one
 *    database can never both fire it.
 *  - No contact address of a citizen is ever stored here: rows name the
 *    recipient ("citizen", a staff login, "duty") and the sender unseals
 *    the complaint's contact data when it sends.
 */
#ifndef MW_STORE_NOTIFY_H
#define MW_STORE_NOTIFY_H

/* Outbox states. */
enum {
	MW_OUTBOX_PENDING = 0,   /* waiting (due at next_at) */
	MW_OUTBOX_SENT = 1,      /* delivered */
	MW_OUTBOX_DEAD = 2,      /* dead letter: gave up, last_error says why */
	MW_OUTBOX_RECORDED = 3,  /* training mode: rendered and kept, not sent */
	MW_OUTBOX_DROPPED = 4,   /* nothing to send to (no address, opted out) */
	MW_OUTBOX__STATES
};

/* A citizen's choices at intake: a bit per delivery channel (notify.h)
 * and a language ("ko", "en"). */
typedef struct mw_notify_prefs {
	unsigned channels;
	char lang[4];
} mw_notify_prefs;

typedef struct mw_outbox_row {
	int64_t id;                /* the stable message id */
	mw_time created_at;
	const char *kind;          /* notice kind (notify/kinds.def) */
	int channel;               /* delivery channel (notify.h) */
	const char *recipient;     /* "citizen", a staff login, "duty", "webhook" */
	int64_t complaint_id;      /* 0 when none */
	const char *lang;
	const char *vars;          /* JSON object: the template variables */
	const char *secret_sealed; /* sealed JSON object merged into vars, or NULL */
	bool urgent;               /* a safety message: not held in quiet hours */
	int state;
	mw_time next_at;
	int tries;
	const char *last_error;
	mw_time sent_at;
	const char *subject;       /* as rendered, once sent or recorded */
	const char *body;
} mw_outbox_row;

/* What a sender learned about a claimed row. */
typedef struct mw_outbox_result {
	int64_t id;
	int state;
	mw_time next_at;           /* PENDING: when to try again */
	int tries;
	const char *error;         /* NULL after success */
	mw_time sent_at;
	const char *subject, *body;
} mw_outbox_result;

/* Pending and dead rows per channel, for /metrics (indexed counts). */
#define MW_OUTBOX_CHANNELS 8
typedef struct mw_outbox_counts {
	int64_t pending[MW_OUTBOX_CHANNELS];
	int64_t dead[MW_OUTBOX_CHANNELS];
} mw_outbox_counts;

typedef struct mw_inbox_row {
	int64_t id;
	const char *login;
	mw_time at;
	const char *kind;
	int64_t complaint_id;
	const char *receipt_no;
	const char *vars;          /* JSON, rendered with the inbox template */
	mw_time read_at;           /* 0 = unread */
} mw_inbox_row;

/* A staff member who receives notices, with the addresses they gave. */
typedef struct mw_staff_contact {
	const char *login;
	const char *role;
	const char *email;         /* NULL when none */
	const char *phone;
} mw_staff_contact;

/* A scheduled reminder (notify/schedule.c decides them). */
typedef struct mw_reminder_row {
	int64_t id;
	int64_t complaint_id;
	int kind;                  /* mw_remind_kind (core/reminder.h) */
	const char *ref;           /* cooperation: the department; else "" */
	mw_time fire_at;           /* not before this instant */
	mw_time target;            /* the deadline it is about */
	mw_time fired_at;          /* 0 = pending */
} mw_reminder_row;

typedef struct mw_notify_template {
	const char *kind;
	const char *channel;       /* "email", "text", "inbox" */
	const char *lang;
	const char *subject;
	const char *body;
	mw_time updated_at;        /* 0 = the built-in default */
} mw_notify_template;

/* ---- writes (inside a unit of work) ---------------------------------- */

int mw_tx_notify_prefs_put(mw_tx *tx, int64_t complaint_id, const mw_notify_prefs *p);
/* MW_ERR_NOTFOUND when the complaint has none (no contact, or filed before). */
int mw_tx_notify_prefs_get(mw_tx *tx, int64_t complaint_id, mw_notify_prefs *out);
/* Active staff of a department (NULL = any) whose role is one of roles,
 * written ",manager,officer,", with their addresses, by login. */
int mw_tx_staff_recipients(mw_tx *tx, const char *department, const char *roles, mw_arena *a,
			   mw_staff_contact **out, size_t *n);
int mw_tx_staff_contact_put(mw_tx *tx, const char *login, const char *email, const char *phone);
/* One staff member and their addresses; MW_ERR_NOTFOUND when no user has
 * that login. */
int mw_tx_staff_contact_get(mw_tx *tx, const char *login, mw_arena *a, mw_staff_contact *out);
int mw_tx_outbox_add(mw_tx *tx, const mw_outbox_row *row, int64_t *id);
/* Claims up to limit pending rows of channel due at now: their next_at
 * becomes lease_until. The rows are returned, oldest due first. */
int mw_tx_outbox_claim(mw_tx *tx, int channel, mw_time now, mw_time lease_until, int limit,
		       mw_arena *a, mw_outbox_row **out, size_t *n);
int mw_tx_outbox_finish(mw_tx *tx, const mw_outbox_result *r);
/* A dead letter goes back to pending, due now; MW_ERR_NOTFOUND if the row
 * is not dead. */
int mw_tx_outbox_retry(mw_tx *tx, int64_t id, mw_time now);
int mw_tx_inbox_add(mw_tx *tx, const mw_inbox_row *row);
/* Marks the login's items read: the ids given, or all when n == 0. */
int mw_tx_inbox_mark_read(mw_tx *tx, const char *login, const int64_t *ids, size_t n,
			  mw_time at, int64_t *marked);
/* Drops the complaint's pending reminders of its own clock (every kind
 * but cooperation), before its new plan is added. */
int mw_tx_reminders_clear(mw_tx *tx, int64_t complaint_id);
/* Cancels the complaint's pending reminders of kind (and of ref, unless
 * NULL): they stay as cancelled (fired_at -1), so adding the same one
 * again is ignored. */
int mw_tx_reminders_cancel(mw_tx *tx, int64_t complaint_id, int kind, const char *ref);
/* Adds a reminder unless the same one (complaint, kind, ref, fire_at) is
 * there already, fired or not. r->fired_at -1 records one as cancelled
 * before it was ever due. */
int mw_tx_reminder_add(mw_tx *tx, const mw_reminder_row *r);
/* The complaint's reminders of its own clock that fired or were
 * cancelled (kind and fire_at), to plan the next one. */
int mw_tx_reminders_done(mw_tx *tx, int64_t complaint_id, mw_arena *a, mw_reminder_row **out,
			 size_t *n);
/* Pending reminders with fire_at <= now, earliest first. */
int mw_tx_reminders_due(mw_tx *tx, mw_time now, int limit, mw_arena *a, mw_reminder_row **out,
			size_t *n);
/* Marks a reminder fired at `at` (cancelled: fired_at = -1 when at < 0);
 * *claimed is false when it had fired already. */
int mw_tx_reminder_fire(mw_tx *tx, int64_t id, mw_time at, bool *claimed);
int mw_tx_notify_template_put(mw_tx *tx, const mw_notify_template *t);
/* Small settings of the notification module (notify_meta); get gives
 * MW_ERR_NOTFOUND for a key never put. */
int mw_tx_notify_meta_get(mw_tx *tx, const char *key, mw_arena *a, const char **value);
int mw_tx_notify_meta_put(mw_tx *tx, const char *key, const char *value);
/* Ids of open complaints with after_id < id <= upto_id, in id order (the
 * one-time planning of complaints filed before notifications existed). */
int mw_tx_open_complaint_ids(mw_tx *tx, int64_t after_id, int64_t upto_id, int limit,
			     mw_arena *a, int64_t **out, size_t *n);
/* The highest complaint id, 0 when there is none. */
int mw_tx_last_complaint_id(mw_tx *tx, int64_t *out);

/* ---- reads ----------------------------------------------------------- */

/* The login's inbox, newest first, below before_id (0 = from the top);
 * *unread counts all unread items. */
int mw_store_inbox(mw_store *s, const char *login, bool unread_only, int64_t before_id, int limit,
		   mw_arena *a, mw_inbox_row **out, size_t *n, int64_t *unread);
/* How many of the login's inbox items are unread: one count over the
 * partial index inbox_unread, cheap enough for every console page. */
int mw_store_inbox_unread(mw_store *s, const char *login, int64_t *unread);
int mw_store_notify_templates(mw_store *s, mw_arena *a, mw_notify_template **out, size_t *n);
/* Outbox rows in state (-1 = any), newest first, below before_id. */
int mw_store_outbox_list(mw_store *s, int state, int64_t before_id, int limit, mw_arena *a,
			 mw_outbox_row **out, size_t *n);
int mw_store_outbox_counts(mw_store *s, mw_outbox_counts *out);
int mw_store_staff_contact(mw_store *s, const char *login, mw_arena *a, mw_staff_contact *out);
/* Reminders, fired or not, in id order after after_id: the complaint's
 * (complaint_id > 0) or everyone's. */
int mw_store_reminders(mw_store *s, int64_t complaint_id, int64_t after_id, int limit,
		       mw_arena *a, mw_reminder_row **out, size_t *n);
/* A random id of this database (hex), made once by the migration: the
 * domain part of message ids, so two offices never share one. */
int mw_store_instance_id(mw_store *s, char out[33]);
/* The time of the newest timeline event, 0 when there is none. */
int mw_store_latest_event_at(mw_store *s, mw_time *out);

#endif

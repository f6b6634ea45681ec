/*
 * notify_int.h - what the files of src/notify/ share: the module's state,
 * the templates, the delivery channels as an ops table, and the helpers
 * for writing notices. Nothing outside src/notify/ includes this.
 */
#ifndef MW_NOTIFY_INT_H
#define MW_NOTIFY_INT_H

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#include "notify.h"
#include "../store/refdata.h"

/* ---- templates (template.c) -------------------------------------------- */

typedef struct mw_tmpl {
	const char *kind, *channel, *lang;
	const char *subject, *body;
	bool custom;                 /* an admin's edit, not the built-in */
} mw_tmpl;

/* A snapshot of the templates in force; shared by reference count. */
typedef struct mw_tmpl_set {
	mw_arena arena;
	mw_tmpl *items;
	size_t n;
	_Atomic int refs;
} mw_tmpl_set;

/* The built-in defaults (data/notify_templates.tsv) with the store's
 * edits on top. */
int mw_tmpl_load(mw_store *s, mw_tmpl_set **out);
void mw_tmpl_put(mw_tmpl_set *t);
/* The template for kind/channel/lang, falling back to Korean; NULL when
 * there is none. */
const mw_tmpl *mw_tmpl_find(const mw_tmpl_set *t, const char *kind, const char *channel,
			    const char *lang);
/* Renders text with vars: {{name}} is the variable (times, the names
 * ending in _at, written out in lang), {{#name}}...{{/name}} the part
 * between only when name is set and not empty. */
int mw_tmpl_render(const char *text, json_t *vars, const char *lang, mw_buf *out);
/* A time as people read it: "2025년 2월 7일(금) 23:59" or
 * "Fri 7 Feb 2025, 23:59 KST". */
void mw_tmpl_time(mw_time t, const char *lang, char *out, size_t outsz);

/* ---- channels (channel_smtp.c, channel_http.c) ------------------------ */

/* A rendered message on its way out. */
typedef struct mw_message {
	int64_t id;
	const char *message_id;      /* "mw-INSTANCE-ID", stable */
	mw_notice kind;
	const char *to;              /* address or phone; never logged */
	const char *subject;         /* e-mail only */
	const char *body;            /* e-mail body, SMS text, or webhook JSON */
	mw_time date;
} mw_message;

/* Delivery outcome. */
typedef enum { MW_SEND_OK, MW_SEND_RETRY, MW_SEND_PERMANENT } mw_send_result;

typedef struct mw_channel_ops {
	const char *name;
	/* A connection handle per sender thread (pooled connections live in
	 * it); NULL on failure. */
	void *(*open)(const mw_notify_config *cfg);
	void (*close)(void *h);
	/* Sends m; on failure writes why into err (no personal data). */
	mw_send_result (*send)(void *h, const mw_notify_config *cfg, const mw_message *m, char *err,
			       size_t errsz);
} mw_channel_ops;

/* A curl handle with what every channel sets (timeouts, keep-alive, no
 * signals); its connection stays open between messages. */
typedef struct mw_curl {
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
} mw_curl;
mw_curl *mw_curl_new(void);
void mw_curl_free(void *h);

extern const mw_channel_ops mw_channel_smtp;
extern const mw_channel_ops mw_channel_sms;
extern const mw_channel_ops mw_channel_kakao;
extern const mw_channel_ops mw_channel_webhook;

/* ---- the module -------------------------------------------------------- */

struct mw_notify {
	mw_store *store;
	mw_keys keys;
	mw_notify_config cfg;
	char instance[33];
	mw_remind_policy policy;

	/* Owned by the writer thread (hooks and scans run there). */
	mw_refdata *ref;

	pthread_mutex_t tmpl_mu;
	mw_tmpl_set *tmpl;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stopping;
	uint64_t kicks;              /* new rows, or the clock moved: senders look */
	uint64_t monitor_kicks;      /* the clock moved: the monitor looks */
	pthread_t sender[MW_CHAN__COUNT];
	bool sender_running[MW_CHAN__COUNT];
	pthread_t monitor;
	bool monitor_running;
	pthread_mutex_t scan_mu;     /* one scan at a time in this process */
	mw_work kick_work;           /* wakes the senders after a commit */
	_Atomic bool kick_queued;

	_Atomic uint64_t sent[MW_CHAN__COUNT];
	_Atomic uint64_t failed[MW_CHAN__COUNT];
	_Atomic uint64_t dead[MW_CHAN__COUNT];
	_Atomic uint64_t recorded[MW_CHAN__COUNT];
	_Atomic uint64_t fired[MW_REMIND__COUNT];
	_Atomic uint64_t scans;
	_Atomic int64_t last_scan_us;
};

/* The threads (monitor.c, sender.c). */
void *mw_notify_monitor_main(void *arg);
void *mw_notify_sender_main(void *arg);
/* Starts the sender thread of a channel. */
int mw_notify_sender_start(mw_notify *n, mw_chan ch);
/* Wakes the senders only (new rows committed). */
void mw_notify_kick_senders(mw_notify *n);

/* The current templates, pinned; release with mw_tmpl_put(). */
mw_tmpl_set *mw_notify_tmpl_get(mw_notify *n);

/* ---- writing notices (events.c) ---------------------------------------- */

/* Who receives a staff notice. */
typedef enum {
	MW_TO_NOBODY,
	MW_TO_ASSIGNEE,              /* the officer; the managers when unassigned */
	MW_TO_ASSIGNEE_AND_MANAGERS,
	MW_TO_MANAGERS,
	MW_TO_DEPARTMENT,            /* managers and officers */
	MW_TO_COUNSELLORS,           /* the desk (민원창구); admins when there is none */
} mw_audience;

/* One notice about a complaint (or none: complaint NULL). vars is a JSON
 * object the notice takes over (json_decref'd). */
typedef struct mw_notice_out {
	mw_notice kind;
	const mw_complaint *c;
	json_t *vars;
	mw_audience to;
	const char *department;      /* MW_TO_*: whose; default the complaint's */
	bool urgent;                 /* not held in quiet hours; duty contacts */
	const char *secret_json;     /* citizen: sealed extra vars (tracking link) */
	const mw_notify_prefs *prefs; /* citizen: known already (intake), or NULL */
} mw_notice_out;

/* The common variables of a complaint (receipt, title, department, due). */
json_t *mw_notify_vars(mw_notify *n, const mw_complaint *c);
/* Writes the notice's rows: citizen outbox rows for their channels, staff
 * inbox items and e-mail, duty contacts, the webhook. Takes vars. */
int mw_notify_emit(mw_tx *tx, mw_notify *n, mw_notice_out *o);
/* Writes the complaint's next reminder: the earliest of its current plan
 * (core/reminder.h) after `after` that has neither fired nor been
 * cancelled, replacing what was pending (fresh: a new complaint, nothing to
 * replace or look up). Only one reminder of a complaint's own clock is ever
 * pending; the monitor writes the next when it fires one. *next_at (may be
 * NULL) gets its instant, 0 when the plan is done. */
int mw_notify_replan(mw_tx *tx, mw_notify *n, const mw_complaint *c, bool fresh, mw_time after,
		     mw_time *next_at);

/* Writes the reminder of a cooperation request (its department asked at
 * requested_at to reply by due_at) when it falls after `after`. Writing
 * it twice changes nothing. */
int mw_notify_plan_coop(mw_tx *tx, mw_notify *n, int64_t complaint_id, const char *department,
			mw_time requested_at, mw_time due_at, mw_time after);

/* Whether t falls in office hours (09:00-18:00 on a working day). */
bool mw_notify_office_hours(mw_notify *n, mw_time t);

#endif

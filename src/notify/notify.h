/*
 * notify.h - notifications and the deadline monitor (docs/NOTIFY.md).
 *
 * What happens, in order:
 *  1. An event is written (a filing, a lifecycle action, a chatbot
 *     hand-off, a reminder falling due). In the same unit of work the
 *     hooks below write its consequences: outbox rows for the citizen's
 *     chosen channels, staff inbox items (and staff e-mail), webhook rows,
 *     and the complaint's reminder plan (core/reminder.h). Nothing is
 *     sent here: if the unit rolls back, so do its notices.
 *  2. A sender thread per configured channel claims due outbox rows
 *     (a lease, in a unit of work), renders each with its template,
 *     delivers it and records the outcome: sent, retry later with
 *     exponential backoff, or dead letter with the last error after the
 *     last try. A sender that dies leaves its claims to expire and be
 *     claimed again, so delivery is at least once; the row id is the
 *     stable message id receivers use to drop duplicates.
 *  3. The monitor thread fires reminders that are due, each exactly once
 *     (claimed inside the writer's transaction), as notices of step 1.
 *
 * Threads: hooks run on the store's writer thread, inside the caller's
 * unit of work; so does every scan of the monitor. The notify object's
 * reference data (calendar, department names) is owned by the writer
 * thread too and swapped there on reload. Sender threads read templates
 * under a lock. Citizen addresses are unsealed only in a sender, only
 * for the message being sent, and never logged.
 */
#ifndef MW_NOTIFY_H
#define MW_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../base/buf.h"
#include "../base/crypto.h"
#include "../core/reminder.h"
#include "../store/store.h"

/* Delivery channels; a citizen's choice is a bit per channel. The numbers
 * are stored (outbox.channel): append only. */
typedef enum mw_chan {
	MW_CHAN_EMAIL,
	MW_CHAN_SMS,
	MW_CHAN_KAKAO,          /* 알림톡-style template messages */
	MW_CHAN_WEBHOOK,
	MW_CHAN__COUNT
} mw_chan;

const char *mw_chan_name(mw_chan c);    /* "email", "sms", "kakao", "webhook" */
int mw_chan_parse(const char *name, mw_chan *out);

/* Notice kinds (kinds.def): what happened, for whom. */
typedef enum mw_notice {
#define MW_NOTICE(e, name, audience, label) MW_NOTICE_##e,
#include "kinds.def"
#undef MW_NOTICE
	MW_NOTICE__COUNT
} mw_notice;

const char *mw_notice_name(mw_notice k);
const char *mw_notice_label(mw_notice k);   /* Korean, for the inbox */
bool mw_notice_for_citizen(mw_notice k);
int mw_notice_parse(const char *name, mw_notice *out);

/* ---- settings (settings.def: flag, environment variable, config file) -- */

#define MW_SETTING_T_STR const char *
#define MW_SETTING_T_INT int
#define MW_SETTING_T_BOOL bool

typedef struct mw_notify_config {
#define MW_SETTING(name, env, type, field, def, help) MW_SETTING_T_##type field;
#include "settings.def"
#undef MW_SETTING
	/* parsed from the strings above */
	int quiet_from, quiet_to;   /* minutes after midnight KST; equal = none */
	uint64_t staff_sms_kinds;   /* bit per mw_notice: staff hear it by SMS too */
	mw_period info_period_p, late_grace_p;
	mw_arena arena;             /* strings read from a config file */
} mw_notify_config;

/* The defaults of settings.def. */
void mw_notify_config_init(mw_notify_config *cfg);
void mw_notify_config_release(mw_notify_config *cfg);
/* Sets one setting by its name ("smtp-url"); the value must outlive cfg
 * (argv, environ) unless copy is true. MW_ERR_INVALID with a message. */
int mw_notify_config_set(mw_notify_config *cfg, const char *name, const char *value, bool copy,
			 char *err, size_t errsz);
/* Fills what flags did not set from the environment (MINWON_SMTP_URL, ...)
 * and then from the config file named by notify-config (or
 * MINWON_NOTIFY_CONFIG): lines "name = value", # comments. flags_set[i]
 * is true for the settings the command line gave. Then checks and parses
 * every value. */
int mw_notify_config_finish(mw_notify_config *cfg, const bool *flags_set, char *err,
			    size_t errsz);
/* Parses a config file's text: lines "name = value", # comments; the
 * settings with done[i] true (set by a flag or the environment) keep their
 * value. Strings are copied into cfg->arena. */
int mw_notify_config_parse(mw_notify_config *cfg, const char *text, const bool *done, char *err,
			   size_t errsz);
/* The settings, for a command's getopt long options, and their help. */
size_t mw_notify_setting_count(void);
const char *mw_notify_setting_name(size_t i);
void mw_notify_settings_help(FILE *f);
/* Whether a channel has what it needs to send (an URL, a sender). */
bool mw_notify_channel_configured(const mw_notify_config *cfg, mw_chan ch);

/* ---- the running module ------------------------------------------------ */

typedef struct mw_notify mw_notify;

/* Loads reference data and templates; starts nothing. cfg is copied
 * (its strings must outlive the object). */
int mw_notify_new(mw_store *s, const mw_keys *keys, const mw_notify_config *cfg,
		  mw_notify **out, char *err, size_t errsz);
/* Starts the sender threads (one per configured channel) and, when
 * monitor is true, the deadline monitor. */
int mw_notify_start(mw_notify *n, bool monitor);
/* Stops the threads (a sender finishes the message in hand and gives its
 * other claims back) and frees. NULL is fine. */
void mw_notify_free(mw_notify *n);
/* Wakes the senders and the monitor: new rows, or the test clock moved. */
void mw_notify_kick(mw_notify *n);
/* Reloads the calendar, department names and templates (SIGHUP, admin
 * changes). */
int mw_notify_reload(mw_notify *n);
const mw_notify_config *mw_notify_config_of(const mw_notify *n);

/* ---- hooks: inside the caller's unit of work, on the writer thread ---- */

/* A complaint was filed: the citizen's receipt notice (contact_json is
 * the plain contact object with its "notify" choices, or NULL; token the
 * citizen's token for the tracking link, or NULL), urgent alerts, the
 * reminder plan. n NULL: nothing. */
int mw_notify_on_intake(mw_tx *tx, mw_notify *n, const mw_complaint *c, const char *contact_json,
			const char *token);
/* A lifecycle action was applied (before -> after, its event). */
int mw_notify_on_action(mw_tx *tx, mw_notify *n, const mw_complaint *before,
			const mw_complaint *after, const mw_action_req *act, const mw_event *ev,
			const char *coop_department);
/* The chatbot handed a conversation to a person. */
int mw_notify_on_handoff(mw_tx *tx, mw_notify *n, int64_t session_id, const char *reason);

/* A one-time code to track complaint c by phone (api/track.c): one SMS to
 * the complaint's phone number whatever channels were chosen, never held
 * in quiet hours, the code (6 digits) only sealed ({{code}} in the
 * template). Nothing when SMS is not configured. */
int mw_notify_on_track_code(mw_tx *tx, mw_notify *n, const mw_complaint *c, const char *code);

/* Parses a filing's "notify" member (NULL = the default: every channel
 * the contact allows) against the contact given: {"channels": ["email",
 * "sms", "kakao"], "lang": "ko"|"en"} or false to opt out. Writes the
 * normalised choice as JSON into out (for the sealed contact object).
 * MW_ERR_INVALID with a message naming the problem. */
int mw_notify_prefs_json(const char *notify_json, bool has_email, bool has_phone, mw_buf *out,
			 char *err, size_t errsz);

/* ---- the monitor ------------------------------------------------------ */

/* Fires every reminder due now (several units of work if many); *fired
 * counts those that fired. Safe beside the monitor thread and beside
 * other servers on the same database. */
int mw_notify_scan(mw_notify *n, int *fired);

/* Plans the reminders of open complaints filed before notifications
 * existed: their own clock's and their open cooperation requests' (once
 * per database and pass, resumed after a restart; the monitor thread does
 * it when it starts). Only reminders still ahead are planned, and
 * planning one twice changes nothing. */
int mw_notify_backfill(mw_notify *n, int64_t *planned);

/* ---- templates --------------------------------------------------------- */

/* Template channels: "email" (subject and body), "text" (SMS and 알림톡),
 * "inbox" (staff inbox title and body), "timeline" (the text of a public
 * event the monitor writes: the late notice's). */
bool mw_notify_template_channel_ok(const char *channel);
/* Checks a template's text: {{name}} placeholders of known variables,
 * balanced braces. MW_ERR_INVALID with a message. */
int mw_notify_template_check(const char *text, char *err, size_t errsz);
/* The templates in force (built-in defaults overridden by the admin's
 * edits) as a JSON array into b. */
int mw_notify_templates_json(mw_notify *n, mw_buf *b);
/* Renders an inbox item for the staff inbox API: title and body. */
int mw_notify_render_inbox(mw_notify *n, const mw_inbox_row *row, mw_arena *a,
			   const char **title, const char **body);

/* ---- operations -------------------------------------------------------- */

/* Appends the Prometheus series of notifications and the monitor. */
void mw_notify_metrics(mw_notify *n, mw_buf *b);

/* Sends one test message straight through a channel, without the outbox
 * (minwon notify test --to ADDRESS): an e-mail address goes by e-mail,
 * anything else by SMS. */
int mw_notify_send_test(const mw_notify_config *cfg, const char *to, char *err, size_t errsz);

#endif

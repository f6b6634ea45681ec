/*
 * complaint.h - the complaint (민원) as the domain sees it, and its
 * lifecycle under the 민원 처리에 관한 법률.
 *
 * This module is pure: plain structs in, plain structs out. It never
 * touches a database, the network or JSON. Strings inside the structs are
 * borrowed: whoever fills a struct owns its strings and keeps them alive
 * while the struct is used (the HTTP layer uses a per-request arena, the
 * store a per-row buffer).
 *
 * The lifecycle is the table in action.def; mw_lifecycle_apply() is the
 * only place that decides whether an action is allowed and what it does
 * to a complaint, so the HTTP API, the CLI and the demo generator all go
 * through the same rules.
 */
#ifndef MW_COMPLAINT_H
#define MW_COMPLAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deadline.h"

typedef enum mw_status {
#define MW_STATUS(e, name, ko, final) MW_STATUS_##e,
#include "status.def"
#undef MW_STATUS
	MW_STATUS__COUNT
} mw_status;

typedef enum mw_action {
#define MW_ACTION(e, name, ko, from, to, pub, who) MW_ACT_##e,
#include "action.def"
#undef MW_ACTION
	MW_ACT__COUNT
} mw_action;

typedef enum mw_channel {
	MW_CHANNEL_WEB,
	MW_CHANNEL_APP,
	MW_CHANNEL_FIELD,
	MW_CHANNEL_PHONE,
	MW_CHANNEL_VISIT,
	MW_CHANNEL_OPEN311,
	MW_CHANNEL__COUNT
} mw_channel;

/* A call-back request (전화 요청): the citizen asked to be called back on
 * the phone number of the contact data. It stays pending until staff
 * record the call (callback_done); "pending" lists count it only while
 * the complaint is open, like the rest of the queue. */
typedef enum mw_callback {
	MW_CALLBACK_NONE,
	MW_CALLBACK_PENDING,
	MW_CALLBACK_DONE,
	MW_CALLBACK__COUNT
} mw_callback;

/* Who takes an action: the citizen holding the token, a staff member, or
 * the system itself (deadline monitor, intake). */
typedef enum mw_actor_kind { MW_ACTOR_CITIZEN, MW_ACTOR_STAFF, MW_ACTOR_SYSTEM } mw_actor_kind;

const char *mw_status_name(mw_status s);      /* "in_progress" */
const char *mw_status_label_ko(mw_status s);  /* "처리중" */
bool mw_status_is_final(mw_status s);
/* Open = a department still owes work on it (not answered, not final). */
bool mw_status_is_open(mw_status s);
int mw_status_parse(const char *name, mw_status *out);

const char *mw_action_name(mw_action a);
const char *mw_action_label_ko(mw_action a);
int mw_action_parse(const char *name, mw_action *out);
/* Whether the event an action writes is shown to the citizen. */
bool mw_action_is_public(mw_action a);
/* Whether the action is the citizen's own (withdraw, rate, messages). */
bool mw_action_is_citizen(mw_action a);

const char *mw_channel_name(mw_channel c);
int mw_channel_parse(const char *name, mw_channel *out);

/* "pending", "done", or NULL for none (the API's JSON null). */
const char *mw_callback_name(mw_callback cb);

/* Limits on citizen input, in bytes of UTF-8 after normalisation. */
#define MW_TITLE_MAX 200
#define MW_TEXT_MAX 12000
#define MW_ADDRESS_MAX 300
#define MW_NAME_MAX 100
#define MW_PHONE_MAX 32
#define MW_EMAIL_MAX 254
#define MW_REASON_MAX 4000
#define MW_CALL_NOTE_MAX 1000       /* the note of callback_done: a short one */
#define MW_ANSWER_MAX 12000
#define MW_RECEIPT_MAX 16
#define MW_MAX_PAUSES 16

typedef struct mw_contact {
	const char *name;
	const char *phone;
	const char *email;
} mw_contact;

typedef struct mw_complaint {
	int64_t id;
	char receipt_no[MW_RECEIPT_MAX];
	const char *title;
	const char *text;
	const char *category;
	const char *department;
	const char *assignee;       /* staff login, NULL when unassigned */
	const char *agency;         /* set when transferred to another agency */
	mw_channel channel;
	bool has_location;
	double lat, lon;
	const char *address;
	mw_contact contact;
	bool consent_privacy;
	bool public_map;
	bool urgent;
	mw_status status;
	int64_t version;            /* bumped by every change (If-Match) */
	mw_time received_at;
	mw_time clock_start;        /* received_at, or the 재검토 restart */
	mw_period period;           /* effective period, extensions included */
	mw_period base_period;      /* the category's period at clock_start */
	int extensions;             /* 연장 count: 1 by the office, 2 with consent */
	mw_time due_at;             /* 0 while the clock is stopped (보완) */
	mw_time paused_at;          /* start of the running 보완 pause, or 0 */
	mw_pause pauses[MW_MAX_PAUSES]; /* finished pauses since clock_start */
	size_t npauses;
	mw_time updated_at;
	mw_time closed_at;
	const char *answer;
	mw_time answered_at;
	int rating;                 /* 0 = not rated, else 1..5 */
	int64_t merged_into;        /* complaint id, when merged */
	const char *filed_by;       /* staff login for desk/field/phone intake */
	const char *ai_category;    /* what the routing classifier said, or NULL */
	double ai_confidence;
	const char *ai_model;       /* the model version that said it */
	int64_t repeat_of;          /* 반복민원: the same person's earlier one */
	mw_callback callback;       /* 전화 요청, and whether the call was made */
} mw_complaint;

/* An action as requested by an actor. Fields not used by the action are
 * ignored. */
typedef struct mw_action_req {
	mw_action type;
	mw_actor_kind actor_kind;
	const char *actor;          /* staff login; NULL for citizen/system */
	const char *text;           /* reason, answer, note, message */
	const char *department;     /* transfer, cooperate, recategorize */
	const char *agency;         /* transfer out of this office */
	const char *category;       /* recategorize (period: the category's) */
	const char *assignee;       /* assign */
	mw_period period;           /* extend; cooperate (sub-deadline);
				     * recategorize: the new category's period */
	bool citizen_consent;       /* a second extension */
	int rating;                 /* rate: 1..5 */
	int64_t merge_into;         /* merge: target complaint id */
	const char *merge_into_receipt; /* for the public event text */
	mw_period reopen_period;    /* the period for the 재검토 clock */
	mw_time expected_at;        /* delay_notice: when the answer is expected */
	mw_period info_period;      /* the 보완 period in force (notify's
				     * info-period); amount 0: the default */
} mw_action_req;

/* What an action did, for the timeline. The text points into the
 * request or into buf. */
typedef struct mw_event {
	mw_action action;
	bool is_public;
	const char *kind;           /* action name, or "received" */
	const char *text;
	mw_status from, to;
	mw_time at;
	mw_time due_at;             /* due after the action, 0 when stopped */
	int64_t sub_due;            /* cooperation sub-deadline, or 0 */
	char buf[256];
} mw_event;

/* Why an action was refused: an error code (mw.h) plus a message that
 * names the problem, for the 409/400 body. */
typedef struct mw_refusal {
	int err;
	char message[256];
	unsigned allowed;           /* bitmask of actions allowed from here */
} mw_refusal;

/* Bitmask (1u << mw_action) of the actions allowed from status s. */
unsigned mw_lifecycle_allowed(mw_status s);

/* The actions allowed from s that this kind of actor may take. */
unsigned mw_lifecycle_allowed_for(mw_status s, mw_actor_kind who);

/* The same for complaint c as it is: also leaves out the actions whose
 * condition on the complaint fails (callback_done without a pending
 * call-back). What the staff view offers and a refusal lists. */
unsigned mw_lifecycle_allowed_on(const mw_complaint *c, mw_actor_kind who);

/* Writes the names of the actions in mask, comma-separated, into out. */
void mw_lifecycle_allowed_names(unsigned mask, char *out, size_t outsz);

/*
 * Applies req to cur at time now. On success returns MW_OK, *next holds
 * the complaint after the action (version bumped, due recomputed), and
 * *ev the event to append to the timeline. On refusal returns the error
 * (MW_ERR_CONFLICT for a transition the lifecycle forbids, MW_ERR_INVALID
 * for a missing or bad field) and fills *why; *next is then undefined.
 * Authorisation is not decided here (see api/authz.c).
 */
int mw_lifecycle_apply(const mw_calendar *cal, mw_time now, const mw_complaint *cur,
		       const mw_action_req *req, mw_complaint *next, mw_event *ev,
		       mw_refusal *why);

/* Fills the clock fields of a new complaint: clock_start, period, due_at. */
void mw_lifecycle_start_clock(const mw_calendar *cal, mw_complaint *c, mw_time received,
			      mw_period period);

/* Recomputes c->due_at from clock_start, period and pauses (0 if paused). */
void mw_lifecycle_recompute_due(const mw_calendar *cal, mw_complaint *c);

/* The 보완 period when nobody set one: 7 days (info-period). */
#define MW_INFO_PERIOD_DEFAULT ((mw_period){ 7, MW_PERIOD_DAYS })

/* The end of the citizen's 보완 period of a complaint waiting for 보완
 * (paused), counted from the request with info_period (amount 0: the
 * default); 0 when it is not waiting. */
mw_time mw_lifecycle_info_due(const mw_calendar *cal, const mw_complaint *c,
			      mw_period info_period);

#endif

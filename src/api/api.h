/*
 * api.h - the entry points the HTTP server calls, and helpers shared by
 * the handlers of src/api/ (JSON bodies, errors, citizen token checks).
 */
#ifndef MW_API_H
#define MW_API_H

#include <jansson.h>

#include "../http/http.h"
#include "app.h"

/* Called on the first sight of a request: picks the route (filling
 * r->route, r->route_index). Returns the body limit in bytes, or -1 when
 * the request was answered already (404/405). */
long mw_api_begin(mw_req *r);
/* Called once the body is complete: authenticates, authorises and runs
 * the handler. */
void mw_api_handle(mw_req *r);

/* Refuses a body whose Content-Length (n) is over the route's limit: 413,
 * as JSON for the API and as a page for the web pages. */
void mw_api_too_large(mw_req *r, long long n, long limit);

/* Called when the response has gone out (or the connection ended):
 * records metrics and logs failures. */
void mw_api_complete(mw_req *r, int64_t us, bool completed);

/* Status slot of an HTTP status for the metrics table. */
int mw_api_status_slot(int status);
int mw_api_slot_status(int slot);
/* Latency bucket upper bounds in microseconds (last is +Inf). */
extern const int64_t mw_api_latency_bounds[MW_LAT_BUCKETS];

/* ---- helpers for handlers ---- */

/* Parses the body as a JSON object. On failure answers 400/415 and
 * returns NULL. The result is owned by the caller (json_decref). */
json_t *mw_api_json_body(mw_req *r);

/* Reads an optional string field; answers 400 and returns MW_ERR_INVALID
 * when present with another type. *out NULL when absent or null. */
int mw_api_opt_string(mw_req *r, json_t *obj, const char *key, const char **out);
int mw_api_opt_bool(mw_req *r, json_t *obj, const char *key, bool *out, bool *present);
int mw_api_opt_number(mw_req *r, json_t *obj, const char *key, double *out, bool *present);
int mw_api_opt_int(mw_req *r, json_t *obj, const char *key, int64_t *out, bool *present);

/* Normalises a citizen/staff string field (NFC, control characters,
 * length limit) into the arena; answers 400/413 naming the field on
 * error. Empty strings become NULL when allow_empty is false... unless
 * required, in which case an empty value is an error. */
/* A keyset cursor "A.B" (two numbers ≥ 0) from the query parameter
 * "cursor", as the lists give it out in next_cursor: *a and *b stay as
 * they are when there is none; 400 and MW_ERR_INVALID when it is not one. */
int mw_api_cursor(mw_req *r, long long *a, long long *b, bool *present);

int mw_api_text_field(mw_req *r, json_t *obj, const char *key, size_t max, bool required,
		      bool multiline, const char **out);

/* The citizen's token: ?token=, X-Complaint-Token, or body "token". */
const char *mw_api_citizen_token(mw_req *r, json_t *body);

/* Loads the complaint a citizen request refers to: receipt number from
 * the path plus the token, which is the complaint's own or a grant a
 * one-time code gave (track.c) and not yet expired. Answers 404 (identically for a wrong token and
 * an unknown receipt) and returns MW_ERR_NOTFOUND on failure. */
int mw_api_citizen_complaint(mw_req *r, const char *token, mw_complaint *c,
			     mw_complaint_secret *sec);

/* Staff side: loads a complaint by numeric id or receipt number,
 * answering 404 when there is none. */
int mw_api_load_complaint(mw_req *r, const char *key, mw_complaint *c, mw_complaint_secret *sec);

/* Writes a new complaint inside a unit of work: receipt number, sealed
 * contact data, the row, its "received" event and the alert/triage/repeat
 * events. c must be complete but for id and receipt_no, which are set. */
int mw_intake_write(mw_tx *tx, mw_app *app, mw_arena *a, mw_complaint *c,
		    mw_complaint_secret *sec, const char *contact_plain, size_t contact_len);

/* Checks an uploaded photo (the request body) from its bytes, stores the
 * original and the metadata-free public copy as blobs, and fills row
 * (hashes, types, size, EXIF position, time; not the complaint). On error
 * the request has been answered (413/415/400/500). */
int mw_api_photo_store(mw_req *r, mw_attachment_row *row);
/* Inside a unit of work: the attachment row of complaint c, its public
 * "attachment" event, and the photo's position as the complaint's when
 * set_location. */
int mw_api_attachment_write(mw_tx *tx, mw_attachment_row *row, const mw_complaint *c,
			    bool set_location, const char *actor);

/* The digits of a phone number written with spaces, dashes, + or
 * parentheses; false when it is not one (8 to 15 digits). */
bool mw_api_phone_digits(const char *phone, char *digits, size_t dsz);
/* A plausible e-mail address: one @ with text before it and a dot after
 * it, no spaces, quotes or angle brackets. */
bool mw_api_email_valid(const char *email);

/* A title for a complaint filed without one: the start of its text, cut
 * at a character boundary (at most 60 bytes). */
const char *mw_api_derive_title(mw_arena *a, const char *text);

/* ,"track_url":"PUBLIC_URL/track#RECEIPT.TOKEN": the citizen's tracking
 * page. The token rides in the fragment, which browsers never send, so it
 * reaches no server log; the page's script opens the complaint with it. */
void mw_api_track_url_json(mw_buf *b, const char *public_url, const char *receipt_no,
			   const char *token);

/* ---- an administrator's change (admin.c) ---- */

/*
 * One change to a record the administration keeps (store_admin.h), as one
 * unit of work: the record's version is read and compared with the one
 * the client read (expected; 0: no check), apply makes the change, and it
 * is written to the admin log with the login, action and detail. apply
 * runs on the writer inside the unit; it may set action ("delete",
 * "retire") and key (a new template's id), or refuse a delete with
 * MW_ERR_CONFLICT and uses (what still uses the record) or refusal.
 */
typedef struct mw_admin_change mw_admin_change;
struct mw_admin_change {
	mw_work w;
	mw_admin_kind kind;
	const char *area;          /* the log's area: users, departments, ... */
	const char *noun;          /* for messages: "department" */
	const char *key;
	int64_t expected;
	bool create;               /* only add: 409 conflict when it exists */
	int (*apply)(mw_tx *tx, mw_admin_change *ch);
	const void *arg;           /* apply's record */
	json_t *detail;            /* the log's detail, or NULL; exec takes it */
	mw_arena *a;
	const char *login;         /* set by mw_admin_change_exec */
	const char *detail_text;   /* detail as JSON text (exec) */
	/* results */
	bool existed, retired;     /* before the change */
	int64_t version;           /* before the change; after it when saved */
	const char *action;        /* create, update, delete, retire */
	mw_admin_use *uses;
	size_t nuses;
	const char *refusal;       /* apply: why a delete is refused, no uses */
};

/* Runs ch and answers what went wrong: 409 stale_version (changed or
 * deleted since it was read), 409 conflict (create, and it exists), 404
 * (apply found nothing), 400 missing_field (apply: MW_ERR_INVALID, a new
 * user without a password), 409 in_use (refusal), 5xx. MW_OK: saved,
 * nothing answered yet. MW_ERR_CONFLICT with ch->uses set: a refused
 * delete, nothing answered. */
int mw_admin_change_exec(mw_req *r, mw_admin_change *ch);

/* The version a client read: the body's "version", or for a DELETE (body
 * NULL) the query parameter ?version=; 0 when absent. Answers 400 and
 * returns MW_ERR_INVALID for one that is not a positive integer. */
int mw_admin_version_param(mw_req *r, json_t *body, int64_t *out);

/* Serialises a time as ISO 8601 KST, or null for 0. */
int mw_api_json_time(mw_buf *b, const char *key, mw_time t, bool comma);

/* The complaint's fields (no contact data) as JSON members, without the
 * surrounding braces; and its timeline as ,"timeline":[...]. */
void mw_api_complaint_json(mw_req *r, mw_buf *b, const mw_complaint *c, const mw_refdata *ref);
void mw_api_events_json(mw_buf *b, const mw_event_row *ev, size_t n, bool staff);

#endif

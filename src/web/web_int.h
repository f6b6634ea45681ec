/*
 * web_int.h - what the page files of src/web/ share: the compiled web
 * (templates, catalogues, assets) and one page being answered.
 *
 * A page handler's life:
 *   mw_page *pg = mw_page_begin(r);        language, easy mode, CSRF token,
 *                                          the base view (layout data)
 *   mw_page_form(pg);                      POST: parse the form, check CSRF
 *   mw_page_call(pg, api_handler, body, then);  run the API in-process
 *   then(pg, status, answer):              the API's JSON answer →
 *       mw_page_render(pg, 200, "track")   HTML from pg->view, or
 *       mw_page_redirect(pg, "/receipt")   303 (POST → redirect → GET)
 * The view (pg->view) and the answer are freed when the request ends.
 */
#ifndef MW_WEB_INT_H
#define MW_WEB_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "i18n.h"
#include "template.h"
#include "web.h"
#include "../api/api.h"
#include "../api/routes.h"
#include "../http/form.h"

typedef enum mw_lang { MW_LANG_KO, MW_LANG_EN, MW_LANG__COUNT } mw_lang;

typedef struct mw_asset {
	const char *path;           /* under static/, e.g. "app.css" */
	const char *data;
	size_t len;
	const char *content_type;
	char etag[40];              /* "\"<16 hex>\"" */
} mw_asset;

struct mw_web {
	mw_tpl_set *tpl;
	mw_catalog *cat[MW_LANG__COUNT];
	mw_asset *assets;
	size_t nassets;
	/* "/static/v/<hash of every asset>": URLs under it never change
	 * their content, so they are cached for a year. */
	char static_prefix[48];
	char tile_url[512];
	char csp[1024];
};

/* Cookies of the pages. */
#define MW_COOKIE_BROWSER "mw_b"    /* random per browser: the CSRF token's key */
#define MW_COOKIE_LANG "mw_lang"
#define MW_COOKIE_EASY "mw_easy"
#define MW_COOKIE_TRACK "mw_track"  /* RECEIPT.TOKEN of the complaint being followed */
#define MW_COOKIE_CHAT "mw_chat"    /* the chatbot conversation's session token */
#define MW_COOKIE_DESK_RECEIPT "mw_desk_receipt" /* the desk's last filing, sealed */
#define MW_COOKIE_DESK_REPRINT "mw_desk_reprint" /* the reprint asked for, sealed */

typedef struct mw_page mw_page;
typedef void (*mw_page_then)(mw_page *pg, int status, json_t *answer);

struct mw_page {
	mw_req *r;
	const mw_web *web;
	mw_lang lang;
	bool easy;
	char csrf[48];
	json_t *view;               /* what the template sees (owned) */
	json_t *answer;             /* the API handler's answer (owned) */
	mw_form form;
	mw_page_then then;
	void *data;                 /* the page's own state */
	/* Called by mw_page_render just before the template is filled (NULL:
	 * none), for what only a rendered page needs, so that a page that
	 * redirects reads nothing for it (the console's menu counts). */
	void (*before_render)(mw_page *pg);
};

/* Starts a page for r. NULL when r was answered already (503: no web
 * configured, or out of memory). */
mw_page *mw_page_begin(mw_req *r);

/* Parses the form body and checks its "csrf" field (the session's token
 * for signed-in staff, else the browser cookie's MAC). On failure answers
 * with an error page (400, 403) and returns non-zero. */
int mw_page_form(mw_page *pg);
/* A text field of the form, or "" when absent. */
const char *mw_page_field(const mw_page *pg, const char *name);
/* A text field as the API wants it: NULL when empty after trimming
 * blanks (the API normalises the rest). */
const char *mw_page_field_opt(const mw_page *pg, const char *name);

/* Runs an API handler in-process with body (NULL: none) as its JSON
 * request body; then() gets its status and parsed answer once it is
 * ready (after the group commit when the handler suspends). */
void mw_page_call(mw_page *pg, mw_handler h, json_t *body, mw_page_then then);
/* mw_page_call with a body the page just built, which it takes over
 * (and frees); NULL (the building failed) answers 503. */
void mw_page_post(mw_page *pg, mw_handler h, json_t *body, mw_page_then then);

/* Runs API handler h with data (len bytes, e.g. a file part of the form)
 * as its raw request body and returns its status. Only for handlers that
 * answer at once (no group commit); their answer is dropped when the page
 * answers. */
int mw_page_call_raw(mw_page *pg, mw_handler h, const char *data, size_t len);

/* Remembers the complaint a page filed or opened (the mw_track cookie),
 * so that /receipt and /track show it without the token in a URL. */
void mw_page_track(mw_page *pg, const char *receipt, const char *token);

/* The catalogue text of key in the page's language (Korean when the
 * language lacks it, the key itself when both do). */
const char *mw_page_msg(const mw_page *pg, const char *key);
/* mw_page_msg of prefix + key, e.g. ("status.", "received"). */
const char *mw_page_msg2(const mw_page *pg, const char *prefix, const char *key);
/* mw_page_msg of key with arg (escaped later, like every view value) in
 * place of the text's "{}", as {{@key name}} does in a template. */
const char *mw_page_msg_fill(mw_page *pg, const char *key, const char *arg);

/* An ISO 8601 time of the API as the page's language writes it:
 * "2026년 11월 25일 (수) 오후 3:00" / "Wed 25 Nov 2026, 3:00 PM" (KST);
 * with_time false leaves the time of day out, and so does 23:59 (the end
 * of a deadline counted in days). NULL for a bad time. */
const char *mw_page_date(mw_page *pg, const char *iso, bool with_time);

/* The page's own stylesheet and script under static/ (either NULL),
 * linked by the layout after app.css and app.js. */
void mw_page_assets(mw_page *pg, const char *css, const char *js);

/* The name of category code in the page's language: the API's (Korean)
 * name, or the catalogue's category.<code> in English. */
const char *mw_page_category(const mw_page *pg, const char *code, const char *api_name);

/* The options of a category <select>: [{code, name, selected}] from the
 * items of GET /api/v1/categories, chosen (may be NULL) selected. */
json_t *mw_page_categories(const mw_page *pg, json_t *items, const char *chosen);

/* Sets obj[name] to each of the form's fields names (NULL-terminated)
 * that is not empty (mw_page_field_opt). */
void mw_page_put_fields(const mw_page *pg, json_t *obj, const char *const *names);
/* Is s usable as an Idempotency-Key from a form (16-64 characters of
 * [A-Za-z0-9_-])? */
bool mw_page_key_ok(const char *s);
/* A fresh random key for a form (its idempotency key), in the arena. */
const char *mw_page_new_key(mw_page *pg);

/* A page that shows what one API handler answers: begins the page and
 * runs h without a body; always MW_OK (a handler's return). */
int mw_page_show(mw_req *r, mw_handler h, mw_page_then then);

/* Adds the catalogue text of key as the error of a form field to
 * *errors ({"field": "message"}, made on first use); a field keeps its
 * first error. */
void mw_page_add_error(mw_page *pg, json_t **errors, const char *field, const char *key);
/* Puts a form's errors (taken over) into the view: "err" by field and
 * "error_list" [{field, message}] for the summary at the top. */
void mw_page_view_errors(mw_page *pg, json_t *errors);

/* A cookie holding RECEIPT.TOKEN of a complaint (the citizen's mw_track,
 * the desk's last filing), split; false when absent or malformed. */
bool mw_page_receipt_cookie(mw_page *pg, const char *name, const char **receipt,
			    const char **token);
/* Points the request at one citizen complaint for a handler that takes
 * the receipt number from the path and the token from a header. */
void mw_page_citizen_target(mw_page *pg, const char *receipt, const char *token);
/* Did the filing just made answer a replay of an Idempotency-Key? */
bool mw_page_replayed(const mw_req *r);

/* Adds "<key>_text" with the localised date of the ISO time obj[key]. */
void mw_page_add_date(mw_page *pg, json_t *obj, const char *key, bool with_time);
/* Adds "callback_text" to the complaint c of a citizen's page when it
 * carries a call-back request: what happens with it, in words
 * (track.callback.pending / .done). */
void mw_page_add_callback(mw_page *pg, json_t *c);

/* The view of a receipt (the citizen's and the desk's): the complaint c
 * as "c" (dates and the category's name added), the token, and the QR
 * code of PUBLIC_URL/track#RECEIPT.TOKEN as "qr_svg". Without a token
 * (a desk's reprint: tokens are kept only as digests) the QR code is
 * PUBLIC_URL/track#RECEIPT, which opens tracking by phone with the
 * number filled in, and the view says "by_phone". */
void mw_page_receipt_view(mw_page *pg, json_t *c, const char *receipt, const char *token);

/* The form field an API refusal (answer) names and the catalogue key
 * of what to tell the person, e.g. ("phone", "error.phone_invalid");
 * false when the refusal names no field of the filing forms. */
bool mw_page_api_field_error(json_t *answer, const char **field, const char **msg_key);

/* Answers with template tpl rendered over pg->view. */
void mw_page_render(mw_page *pg, int status, const char *tpl);
/* 303 See Other to a path of this site. */
void mw_page_redirect(mw_page *pg, const char *location);
/* Set-Cookie with Path=/, HttpOnly, SameSite (Strict or Lax); max_age
 * 0 deletes it, -1 makes a browser-session cookie. */
void mw_page_cookie(mw_page *pg, const char *name, const char *value, int max_age, bool strict);

/* An inline SVG QR code of text (libqrencode), labelled for screen
 * readers; NULL on failure. The SVG has no script and no style. */
char *mw_qr_svg(mw_arena *a, const char *text, const char *label);

/* ---- filing a complaint: citizen.c, shared with the easy view ---------- */

/* A filing the form or the API refused: errors is {"field": "message"}
 * (the page takes it over; NULL when the refusal concerns the whole form,
 * then form_error says why). Fields: text, category, address, location,
 * name, phone, email, consent, photo. */
typedef void (*mw_citizen_refused)(mw_page *pg, json_t *errors, const char *form_error);

/* Files the complaint of a posted citizen form (the fields of "/": text,
 * category, address, lat, lon, name, phone, email, consent, public_map,
 * photo, idem; extra, if not NULL, is merged into the API's body, e.g. a
 * title): checks what the API cannot see (coordinates, photos), runs the
 * intake with the form's idempotency key, uploads the photos, remembers
 * the complaint (mw_track) and redirects to /receipt; or calls refused.
 * Uses pg->data. */
void mw_citizen_file(mw_page *pg, json_t *extra, mw_citizen_refused refused);

/* The easy view's first question (easy.c), also "/" in the easy view. */
void mw_easy_start(mw_page *pg);

#endif

/*
 * desk.c - the desk intake (민원창구): staff file for visitors and
 * callers (channel visit or phone) with one keyboard-fast form (/desk),
 * look up the person's earlier complaints by phone (/desk/lookup), and
 * print a receipt (/desk/receipt: A4 or an 80 mm thermal roll), also again
 * for any complaint the lookup listed (/desk/reprint).
 *
 * Lookup and filing are the same form: the lookup button comes first,
 * so Enter in a one-line field looks up (harmless, every value is kept)
 * and only the filing button files. Filing runs POST /api/v1/complaints
 * in-process with the form's idempotency key, so a second press files
 * nothing new. The new complaint's RECEIPT.TOKEN is kept for an hour in
 * an HttpOnly, SameSite=Strict cookie for the receipt page (never in a
 * URL); the printed QR code carries it in the /track#… fragment.
 *
 * A reprint has no token: the store keeps only its digest, and issuing a
 * new one would hand the desk a key to act as the citizen (and void the
 * one the citizen holds). The reprint shows the receipt number, due date
 * and a QR code for tracking by phone (/track#RECEIPT: the citizen proves
 * the phone with a code sent to it). It runs the phone lookup again for
 * that receipt number (GET /api/v1/staff/lookup?phone=&receipt=), so the
 * same people may reprint who may look up, and every print is in the
 * access log with the receipt number.
 */
#include "web_int.h"
#include "../base/mw.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define RECEIPT_COOKIE_SECONDS 3600

static const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The desk pages' own stylesheet and script, the staff menu, and the
 * receipt's paper (a class on body). */
static void desk_head(mw_page *pg, const char *body_class)
{
	mw_page_assets(pg, "desk.css", "desk.js");
	json_object_set_new(pg->view, "staff", json_true());
	if (body_class)
		json_object_set_new(pg->view, "page_class", json_string(body_class));
}

/* ---- the form (/desk, /desk/lookup) ------------------------------------- */

/* Why the access log says a phone was looked up: in Korean whatever the
 * page's language, as the auditor reads it (the English text in the
 * catalogue only keeps the two key sets equal). */
static const char *log_reason(mw_page *pg, const char *key)
{
	const char *v = mw_catalog_get(pg->web->cat[MW_LANG_KO], key);

	return v ? v : key;
}

struct desk_state {
	json_t *errors;          /* {"field": "message"} */
	const char *form_error;
	const char *focus;       /* the field to start typing in */
};

static void add_error(mw_page *pg, struct desk_state *ds, const char *field, const char *key)
{
	mw_page_add_error(pg, &ds->errors, field, key);
	if (!ds->focus)
		ds->focus = field;
}

static json_t *form_values(mw_page *pg)
{
	static const char *const names[] = { "phone", "name", "text", "category", "address", "idem" };
	const char *channel = mw_page_field(pg, "channel");
	json_t *v = json_object();

	for (size_t i = 0; i < MW_ARRAY_LEN(names); i++)
		json_object_set_new(v, names[i], json_string(mw_page_field(pg, names[i])));
	json_object_set_new(v, "phone_call", json_boolean(!strcmp(channel, "phone")));
	json_object_set_new(v, "urgent", json_boolean(!strcmp(mw_page_field(pg, "urgent"), "yes")));
	json_object_set_new(v, "callback", json_boolean(!strcmp(mw_page_field(pg, "callback"), "yes")));
	json_object_set_new(v, "consent", json_boolean(!strcmp(mw_page_field(pg, "consent"), "yes")));
	return v;
}

/* The name of a category among the form's options; "분류 대기" for one
 * no form offers (triage). */
static const char *option_name(mw_page *pg, json_t *options, const char *code)
{
	json_t *o;
	size_t i;

	json_array_foreach(options, i, o)
		if (code && jstr(o, "code") && !strcmp(code, jstr(o, "code")))
			return jstr(o, "name");
	return mw_page_msg(pg, "desk.category_none");
}

/* Earlier complaints of the person, as the lookup found them, with the
 * names and dates people read. */
static void lookup_view(mw_page *pg, json_t *lookup, json_t *options)
{
	json_t *items = json_object_get(lookup, "items"), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		json_object_set_new(it, "category_text",
				    json_string(option_name(pg, options, jstr(it, "category"))));
		json_object_set_new(it, "status_text",
				    json_string(mw_page_msg2(pg, "status.", jstr(it, "status"))));
		mw_page_add_date(pg, it, "received_at", false);
		mw_page_add_date(pg, it, "due_at", false);
	}
	json_object_set_new(lookup, "count", json_integer((json_int_t)json_array_size(items)));
}

static void desk_render(mw_page *pg, int status, json_t *answer)
{
	struct desk_state *ds = pg->data;
	json_t *form = json_object_get(pg->view, "form"), *lookup = json_object_get(pg->view, "lookup");
	json_t *options = mw_page_categories(pg, json_object_get(answer, "items"),
					     form ? jstr(form, "category") : NULL);

	if (lookup)
		lookup_view(pg, lookup, options);
	json_object_set_new(pg->view, "categories", options);
	if (!form)
		json_object_set_new(pg->view, "form", json_pack("{s:s}", "idem", mw_page_new_key(pg)));
	if (ds && ds->errors) {
		mw_page_view_errors(pg, ds->errors);
		ds->errors = NULL;
	}
	if (ds && ds->form_error)
		json_object_set_new(pg->view, "form_error", json_string(ds->form_error));
	json_object_set_new(pg->view, "focus",
			    json_pack("{s:b}", ds && ds->focus ? ds->focus : "phone", true));
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "desk.title")));
	desk_head(pg, NULL);
	mw_page_render(pg, ds && json_object_get(pg->view, "err") ? 400
			   : status == 200			  ? 200
								  : 500,
		       "desk");
}

int web_desk(mw_req *r)
{
	return mw_page_show(r, api_categories, desk_render);
}

/* The form once more, with what was typed (and what the lookup found). */
static void desk_again(mw_page *pg, struct desk_state *ds)
{
	json_object_set_new(pg->view, "form", form_values(pg));
	pg->data = ds;
	mw_page_call(pg, api_categories, NULL, desk_render);
}

static struct desk_state *desk_state(mw_page *pg)
{
	struct desk_state *ds = mw_arena_alloc(&pg->r->arena, sizeof(*ds));

	if (ds)
		*ds = (struct desk_state){ 0 };
	else
		mw_web_error_page(pg->r, 503);
	return ds;
}

static void looked_up(mw_page *pg, int status, json_t *answer)
{
	struct desk_state *ds = desk_state(pg);

	if (!ds)
		return;
	if (status == 200) {
		json_object_set(pg->view, "lookup", answer);
		ds->focus = "name";
	} else if (status == 400) {
		add_error(pg, ds, "phone", "error.phone_invalid");
	} else {
		ds->form_error = mw_page_msg(pg, "error.busy");
	}
	desk_again(pg, ds);
}

/* POST /desk/lookup: the person's earlier complaints by phone (the
 * API logs the search), then the form again with everything kept. */
int web_desk_lookup(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	struct desk_state *ds;
	const char *phone;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	phone = mw_page_field_opt(pg, "phone");
	if (!phone) {
		if ((ds = desk_state(pg))) {
			add_error(pg, ds, "phone", "desk.err.phone_needed");
			desk_again(pg, ds);
		}
		return MW_OK;
	}
	mw_req_set_query(r, "phone", phone);
	mw_req_set_query(r, "reason", log_reason(pg, "desk.lookup_reason"));
	mw_page_call(pg, api_staff_lookup, NULL, looked_up);
	return MW_OK;
}

/* What the desk keeps between requests goes into HttpOnly, SameSite=Strict
 * cookies for an hour, sealed with the server's key for the staff member
 * who signed in: it opens for nobody else (the next person at a shared
 * desk PC, after a session ran out), and no receipt number, access code or
 * phone number goes into a URL. "purpose" names the cookie in the seal. */
static void desk_cookie_seal(mw_page *pg, const char *name, const char *purpose,
			     const char *plain)
{
	const char *ad = mw_arena_printf(&pg->r->arena, "%s:%s", purpose, pg->r->auth->login);
	char *sealed = NULL;

	if (plain && ad && !mw_seal(&pg->r->app->keys, ad, plain, strlen(plain), &sealed))
		mw_page_cookie(pg, name, sealed, RECEIPT_COOKIE_SECONDS, true);
	free(sealed);
}

/* The cookie's text split at the first sep, or false. */
static bool desk_cookie_open(mw_page *pg, const char *name, const char *purpose, char sep,
			     const char **first, const char **rest)
{
	const char *v = mw_req_cookie(pg->r, name);
	const char *ad = mw_arena_printf(&pg->r->arena, "%s:%s", purpose, pg->r->auth->login);
	char *plain = NULL, *at;
	bool ok = false;

	if (v && *v && ad && !mw_unseal(&pg->r->app->keys, ad, v, &plain, NULL) &&
	    (at = strchr(plain, sep)) && at != plain && at[1]) {
		*first = mw_arena_strndup(&pg->r->arena, plain, (size_t)(at - plain));
		*rest = mw_arena_strdup(&pg->r->arena, at + 1);
		ok = *first && *rest;
	}
	if (plain) {
		sodium_memzero(plain, strlen(plain));
		free(plain);
	}
	return ok;
}

/* The reprint asked for: "RECEIPT PHONE", so that the receipt page is a
 * GET like the one of a new filing (paper and language links). */
static void reprint_remember(mw_page *pg, const char *receipt, const char *phone)
{
	desk_cookie_seal(pg, MW_COOKIE_DESK_REPRINT, "desk-reprint",
			 mw_arena_printf(&pg->r->arena, "%s %s", receipt, phone));
}

static bool reprint_recall(mw_page *pg, const char **receipt, const char **phone)
{
	return desk_cookie_open(pg, MW_COOKIE_DESK_REPRINT, "desk-reprint", ' ', receipt, phone);
}

/* The desk's last filing: "RECEIPT.TOKEN". */
static bool last_filing(mw_page *pg, const char **receipt, const char **token)
{
	return desk_cookie_open(pg, MW_COOKIE_DESK_RECEIPT, "desk-receipt", '.', receipt, token) &&
	       strlen(*token) == MW_TOKEN_CHARS;
}

static void filed(mw_page *pg, int status, json_t *answer)
{
	const char *receipt = jstr(answer, "receipt_no"), *token = jstr(answer, "token");
	const char *field, *key;
	struct desk_state *ds;

	if (status == 201 && receipt && token) {
		desk_cookie_seal(pg, MW_COOKIE_DESK_RECEIPT, "desk-receipt",
				 mw_arena_printf(&pg->r->arena, "%s.%s", receipt, token));
		mw_page_redirect(pg, "/desk/receipt");
		return;
	}
	if (!(ds = desk_state(pg)))
		return;
	if (mw_page_api_field_error(answer, &field, &key))
		add_error(pg, ds, field, key);
	else
		ds->form_error = mw_page_msg(pg, status >= 500 ? "error.busy" : "error.form");
	desk_again(pg, ds);
}

static json_t *complaint_body(mw_page *pg)
{
	static const char *const place[] = { "category", "address", NULL };
	static const char *const contact_fields[] = { "name", "phone", NULL };
	json_t *b = json_object(), *contact = json_object();

	json_object_set_new(b, "text", json_string(mw_page_field(pg, "text")));
	json_object_set_new(b, "channel", json_string(mw_page_field(pg, "channel")));
	if (!strcmp(mw_page_field(pg, "urgent"), "yes"))
		json_object_set_new(b, "urgent", json_true());
	/* A caller who wants to be called back (the API needs the phone). */
	if (!strcmp(mw_page_field(pg, "callback"), "yes"))
		json_object_set_new(b, "callback", json_true());
	mw_page_put_fields(pg, b, place);
	mw_page_put_fields(pg, contact, contact_fields);
	json_object_set_new(b, "contact", contact);
	json_object_set_new(b, "consent",
			    json_pack("{s:b}", "privacy", !strcmp(mw_page_field(pg, "consent"), "yes")));
	return b;
}

/* POST /desk: files for the visitor or caller on the staff channel. */
int web_desk_file(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const char *idem;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	idem = mw_page_field(pg, "idem");
	if (mw_page_key_ok(idem))
		mw_req_set_header(r, "Idempotency-Key", idem);
	mw_page_post(pg, api_complaint_create, complaint_body(pg), filed);
	return MW_OK;
}

/* ---- the receipt (/desk/receipt, /desk/reprint) ------------------------ */

/* The printable receipt of complaint c (a status answer, or a lookup row
 * for a reprint: token NULL), on the paper ?paper= asks for. */
static void receipt_show(mw_page *pg, json_t *c, const char *receipt, const char *token)
{
	const char *paper = mw_req_query(pg->r, "paper");
	bool roll = paper && !strcmp(paper, "80");

	json_object_set_new(c, "channel_text", json_string(mw_page_msg2(pg, "desk.channel.",
									 jstr(c, "channel"))));
	mw_page_receipt_view(pg, c, receipt, token);
	json_object_set_new(pg->view, "receipt_path",
			    json_string(token ? "/desk/receipt" : "/desk/reprint"));
	json_object_set_new(pg->view, "roll", json_boolean(roll));
	json_object_set_new(pg->view, "printed", json_true());
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "desk.receipt.title")));
	desk_head(pg, roll ? "paper-80" : "paper-a4");
	mw_page_render(pg, 200, "desk_receipt");
}

static void receipt_render(mw_page *pg, int status, json_t *c)
{
	const char *receipt, *token;

	if (status != 200 || !last_filing(pg, &receipt, &token)) {
		mw_page_cookie(pg, MW_COOKIE_DESK_RECEIPT, "", 0, true);
		mw_page_redirect(pg, "/desk");
		return;
	}
	receipt_show(pg, c, receipt, token);
}

/* GET /desk/receipt[?paper=80]: the last filing of this desk, to print. */
int web_desk_receipt(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const char *receipt, *token;

	if (!pg)
		return MW_OK;
	if (!last_filing(pg, &receipt, &token)) {
		mw_page_redirect(pg, "/desk");
		return MW_OK;
	}
	mw_page_citizen_target(pg, receipt, token);
	mw_page_call(pg, api_complaint_status, NULL, receipt_render);
	return MW_OK;
}

/* POST /desk/reprint (phone, receipt: the row's button in the lookup):
 * remembers what to reprint and goes to the receipt page. */
int web_desk_reprint_ask(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const char *phone, *receipt;
	struct desk_state *ds;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	phone = mw_page_field_opt(pg, "phone");
	receipt = mw_page_field_opt(pg, "receipt");
	if (!phone || !receipt) {
		if ((ds = desk_state(pg))) {
			add_error(pg, ds, "phone", phone ? "desk.err.reprint_not_found"
							 : "desk.err.phone_needed");
			desk_again(pg, ds);
		}
		return MW_OK;
	}
	reprint_remember(pg, receipt, phone);
	mw_page_redirect(pg, "/desk/reprint");
	return MW_OK;
}

static void reprint_render(mw_page *pg, int status, json_t *answer)
{
	json_t *c = json_array_get(json_object_get(answer, "items"), 0);
	struct desk_state *ds;
	char now[32];

	if (status != 200 || !jstr(c, "receipt_no")) {
		const char *why = jstr(json_object_get(answer, "error"), "message");

		/* The desk form with the number, and why nothing was found. */
		mw_page_cookie(pg, MW_COOKIE_DESK_REPRINT, "", 0, true);
		if (!(ds = desk_state(pg)))
			return;
		if (status == 400 && why && !strncmp(why, "phone", 5))
			add_error(pg, ds, "phone", "error.phone_invalid");
		else if (status == 404 || status == 400)
			add_error(pg, ds, "phone", "desk.err.reprint_not_found");
		else
			ds->form_error = mw_page_msg(pg, "error.busy");
		pg->data = ds;
		json_object_set_new(pg->view, "form",
				    json_pack("{s:s, s:s}", "phone", mw_req_query(pg->r, "phone"),
					      "idem", mw_page_new_key(pg)));
		mw_page_call(pg, api_categories, NULL, desk_render);
		return;
	}
	json_object_set_new(c, "status_text",
			    json_string(mw_page_msg2(pg, "status.", jstr(c, "status"))));
	mw_time_format_kst(mw_now(), now);
	json_object_set_new(pg->view, "reprint", json_pack("{s:s}", "at", now));
	mw_page_add_date(pg, json_object_get(pg->view, "reprint"), "at", true);
	receipt_show(pg, c, jstr(c, "receipt_no"), NULL);
}

/* GET /desk/reprint[?paper=80]: the receipt of an earlier complaint of
 * the person, found again by phone (logged with the receipt number). */
int web_desk_reprint(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const char *receipt, *phone;

	if (!pg)
		return MW_OK;
	if (!reprint_recall(pg, &receipt, &phone)) {
		mw_page_redirect(pg, "/desk");
		return MW_OK;
	}
	mw_req_set_query(r, "phone", phone);
	mw_req_set_query(r, "receipt", receipt);
	mw_req_set_query(r, "reason", log_reason(pg, "desk.reprint.reason"));
	mw_page_call(pg, api_staff_lookup, NULL, reprint_render);
	return MW_OK;
}

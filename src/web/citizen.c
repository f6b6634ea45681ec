/*
 * citizen.c - the citizen's pages: file a complaint (/), the receipt
 * (/receipt) and following it (/track: status, timeline, answer, rating,
 * 보완 and other messages, withdrawal). /track opens a complaint by receipt
 * number + token, or by receipt number + phone with a one-time code sent
 * by SMS (api/track.c), which gives a grant used like the token.
 *
 * Every page runs the API's own handlers in-process (web_int.h); nothing
 * here validates a complaint or touches the store.
 *
 * The citizen's token never appears in a URL: after filing, and after
 * opening /track with receipt number and token, the pair is kept in an
 * HttpOnly, SameSite=Strict cookie (mw_track) for an hour, and the pages
 * redirect to plain /receipt and /track. The QR code on the receipt
 * carries it in the fragment (/track#RECEIPT.TOKEN), which browsers never
 * send to the server; the track page's script posts it as a form.
 */
#include "web_int.h"
#include "../base/mw.h"
#include "../media/media.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define MAX_PHOTOS 3

/* ---- helpers ------------------------------------------------------------ */

static const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The tracked complaint from the mw_track cookie. */
static bool track_cookie(mw_page *pg, const char **receipt, const char **token)
{
	return mw_page_receipt_cookie(pg, MW_COOKIE_TRACK, receipt, token);
}

/* ---- the filing form (/) ----------------------------------------------- */

struct file_state {
	json_t *errors;          /* {"field": "message"} */
	const char *form_error;  /* a message for the whole form */
	mw_citizen_refused refused;
};

static void add_error(mw_page *pg, struct file_state *fs, const char *field, const char *key)
{
	mw_page_add_error(pg, &fs->errors, field, key);
}

/* The form's values for a re-render (never the photos). */
static json_t *form_values(mw_page *pg)
{
	static const char *const names[] = { "text", "category", "address", "lat", "lon",
					     "name", "phone", "email", "idem" };
	json_t *v = json_object();

	for (size_t i = 0; i < MW_ARRAY_LEN(names); i++)
		json_object_set_new(v, names[i], json_string(mw_page_field(pg, names[i])));
	json_object_set_new(v, "consent", json_boolean(!strcmp(mw_page_field(pg, "consent"), "yes")));
	json_object_set_new(v, "public_map",
			    json_boolean(!strcmp(mw_page_field(pg, "public_map"), "yes")));
	return v;
}

static void home_render(mw_page *pg, int status, json_t *answer)
{
	json_t *form = json_object_get(pg->view, "form");

	json_object_set_new(pg->view, "categories",
			    mw_page_categories(pg, json_object_get(answer, "items"),
					       form ? jstr(form, "category") : NULL));
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "home.title")));
	json_object_set_new(pg->view, "max_photos", json_integer(MAX_PHOTOS));
	if (!form)
		json_object_set_new(pg->view, "form", json_pack("{s:s}", "idem", mw_page_new_key(pg)));
	mw_page_render(pg, pg->data ? 400 : (status == 200 ? 200 : 500), "home");
}

int web_home(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	/* The easy view files one question at a time (easy.c). */
	if (pg && pg->easy)
		mw_easy_start(pg);
	else if (pg)
		mw_page_call(pg, api_categories, NULL, home_render);
	return MW_OK;
}

/* Shows the form again with the citizen's values and the errors (the
 * refusal of "/"; pg->data is set, so the answer is 400). */
static void form_again(mw_page *pg, json_t *errors, const char *form_error)
{
	json_object_set_new(pg->view, "form", form_values(pg));
	if (errors)
		mw_page_view_errors(pg, errors);
	if (form_error)
		json_object_set_new(pg->view, "form_error", json_string(form_error));
	mw_page_call(pg, api_categories, NULL, home_render);
}

/* Hands the refusal to the page that files (its errors with it). */
static void refuse(mw_page *pg, struct file_state *fs)
{
	json_t *errors = fs->errors;

	fs->errors = NULL;
	fs->refused(pg, errors, fs->form_error);
}

static void file_refused(mw_page *pg, int status, json_t *answer)
{
	struct file_state *fs = pg->data;
	const char *field, *key;

	if (mw_page_api_field_error(answer, &field, &key))
		add_error(pg, fs, field, key);
	if (!fs->errors)
		fs->form_error = mw_page_msg(pg, status >= 500 ? "error.busy" : "error.form");
	refuse(pg, fs);
}

/* Sends one photo of the form to the API's upload handler. */
static bool upload_photo(mw_page *pg, const char *receipt, const char *token,
			 const mw_form_field *f)
{
	mw_page_citizen_target(pg, receipt, token);
	return mw_page_call_raw(pg, api_attachment_upload, f->value, f->len) == 201;
}

static void file_answered(mw_page *pg, int status, json_t *answer)
{
	const char *receipt = jstr(answer, "receipt_no"), *token = jstr(answer, "token");
	int failed = 0;

	if (status != 201 || !receipt || !token) {
		file_refused(pg, status, answer);
		return;
	}
	/* A form sent twice (the same idempotency key) filed once, and its
	 * photos went with the first. */
	if (!mw_page_replayed(pg->r))
		for (size_t i = 0; i < pg->form.n; i++)
			if (pg->form.f[i].filename && !strcmp(pg->form.f[i].name, "photo") &&
			    !upload_photo(pg, receipt, token, &pg->form.f[i]))
				failed++;
	mw_page_track(pg, receipt, token);
	mw_page_redirect(pg, failed ? "/receipt?photos=failed" : "/receipt");
}

/* Checks what the API cannot see in its JSON: the location typed as
 * numbers and the photos. */
static void check_form(mw_page *pg, struct file_state *fs, double *lat, double *lon, bool *has_loc)
{
	const char *la = mw_page_field_opt(pg, "lat"), *lo = mw_page_field_opt(pg, "lon");
	size_t photos = 0;
	char *end;

	*has_loc = false;
	if (la || lo) {
		*lat = la ? strtod(la, &end) : NAN;
		if (!la || *end || !isfinite(*lat))
			*lat = NAN;
		*lon = lo ? strtod(lo, &end) : NAN;
		if (!lo || *end || !isfinite(*lon))
			*lon = NAN;
		if (isnan(*lat) || isnan(*lon) || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180)
			add_error(pg, fs, "location", "error.location_invalid");
		else
			*has_loc = true;
	}
	for (size_t i = 0; i < pg->form.n; i++) {
		const mw_form_field *f = &pg->form.f[i];
		mw_media_type type;

		if (!f->filename || strcmp(f->name, "photo"))
			continue;
		if (++photos > MAX_PHOTOS)
			add_error(pg, fs, "photo", "error.photo_count");
		else if (mw_media_detect(f->value, f->len, &type))
			add_error(pg, fs, "photo", f->len > 10485760 ? "error.photo_large"
								    : "error.photo_type");
	}
}

static json_t *complaint_body(mw_page *pg, double lat, double lon, bool has_loc, json_t *extra)
{
	static const char *const place[] = { "category", "address", NULL };
	static const char *const contact_fields[] = { "name", "phone", "email", NULL };
	json_t *b = json_object(), *contact = json_object();

	json_object_set_new(b, "text", json_string(mw_page_field(pg, "text")));
	json_object_set_new(b, "channel", json_string("web"));
	if (has_loc) {
		json_object_set_new(b, "lat", json_real(lat));
		json_object_set_new(b, "lon", json_real(lon));
	}
	mw_page_put_fields(pg, b, place);
	mw_page_put_fields(pg, contact, contact_fields);
	json_object_set_new(b, "contact", contact);
	json_object_set_new(b, "consent",
			    json_pack("{s:b, s:b}", "privacy", !strcmp(mw_page_field(pg, "consent"), "yes"),
				      "public_map", !strcmp(mw_page_field(pg, "public_map"), "yes")));
	if (extra)
		json_object_update(b, extra);
	return b;
}

void mw_citizen_file(mw_page *pg, json_t *extra, mw_citizen_refused refused)
{
	mw_req *r = pg->r;
	struct file_state *fs = mw_arena_alloc(&r->arena, sizeof(*fs));
	double lat = 0, lon = 0;
	bool has_loc;
	const char *idem;

	if (!fs) {
		mw_web_error_page(r, 503);
		return;
	}
	fs->refused = refused;
	pg->data = fs;
	check_form(pg, fs, &lat, &lon, &has_loc);
	if (fs->errors) {
		refuse(pg, fs);
		return;
	}
	/* The form's own key: a second click on "submit" files nothing new. */
	idem = mw_page_field(pg, "idem");
	if (mw_page_key_ok(idem))
		mw_req_set_header(r, "Idempotency-Key", idem);
	mw_page_post(pg, api_complaint_create, complaint_body(pg, lat, lon, has_loc, extra),
		     file_answered);
}

int web_file(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (pg && !mw_page_form(pg))
		mw_citizen_file(pg, NULL, form_again);
	return MW_OK;
}

/* ---- the receipt (/receipt) --------------------------------------------- */

static void receipt_render(mw_page *pg, int status, json_t *c)
{
	const char *receipt, *token;

	if (status != 200 || !track_cookie(pg, &receipt, &token)) {
		mw_page_cookie(pg, MW_COOKIE_TRACK, "", 0, true);
		mw_page_redirect(pg, "/track");
		return;
	}
	mw_page_receipt_view(pg, c, receipt, token);
	json_object_set_new(pg->view, "photos_failed",
			    json_boolean(mw_req_query(pg->r, "photos") != NULL));
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "receipt.title")));
	mw_page_render(pg, 200, "receipt");
}

/* Runs the API's status view of the tracked complaint (the mw_track
 * cookie), then `then`; without one, `then` gets status 0. */
static int show_tracked(mw_req *r, mw_page_then then)
{
	mw_page *pg = mw_page_begin(r);
	const char *receipt, *token;

	if (!pg)
		return MW_OK;
	if (!track_cookie(pg, &receipt, &token)) {
		then(pg, 0, NULL);
		return MW_OK;
	}
	mw_page_citizen_target(pg, receipt, token);
	mw_page_call(pg, api_complaint_status, NULL, then);
	return MW_OK;
}

int web_receipt(mw_req *r)
{
	return show_tracked(r, receipt_render);
}

/* ---- tracking (/track) --------------------------------------------------- */

/* Messages the track page shows after an action (?done=, ?err=): only
 * these keys, so a link cannot make the page say anything else. */
static const char *const track_notes[] = {
	"rated", "reopened", "message", "withdrawn", "rate", "message_empty", "withdraw", "failed",
};

static const char *track_note(mw_page *pg, const char *param)
{
	const char *v = mw_req_query(pg->r, param);

	for (size_t i = 0; v && i < MW_ARRAY_LEN(track_notes); i++)
		if (!strcmp(v, track_notes[i]))
			return mw_page_msg2(pg, !strcmp(param, "done") ? "track.done." : "track.err.", v);
	return NULL;
}

/* Events that move the due date, and the reason the page gives. */
static const char *const due_movers[] = { "request_info", "provide_info", "extend", "transfer",
					  "reopen", "rate" };

static bool status_is(json_t *c, const char *const *set, size_t n)
{
	const char *s = jstr(c, "status");

	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, set[i]))
			return true;
	return false;
}

static void track_view(mw_page *pg, json_t *c)
{
	static const char *const open[] = { "received", "assigned", "in_progress", "needs_info",
					    "reopened" };
	static const char *const messageable[] = { "received", "assigned", "in_progress",
						   "needs_info", "reopened", "answered" };
	static const char *const rateable[] = { "answered" };
	json_t *tl = json_object_get(c, "timeline"), *ev, *moves = json_array(), *photos;
	size_t i;

	json_object_set_new(c, "status_text", json_string(mw_page_msg2(pg, "status.", jstr(c, "status"))));
	json_object_set_new(c, "category_text",
			    json_string(mw_page_category(pg, jstr(c, "category"), jstr(c, "category_name"))));
	mw_page_add_date(pg, c, "due_at", true);
	mw_page_add_date(pg, c, "received_at", true);
	mw_page_add_date(pg, c, "answered_at", true);
	mw_page_add_callback(pg, c);
	json_array_foreach(tl, i, ev) {
		const char *kind = jstr(ev, "kind");

		mw_page_add_date(pg, ev, "at", true);
		mw_page_add_date(pg, ev, "due_at", true);
		json_object_set_new(ev, "label_text", json_string(mw_page_msg2(pg, "event.", kind)));
		/* A delay notice gives the date to expect the answer by. */
		if (kind && !strcmp(kind, "delay_notice") && jstr(ev, "detail"))
			json_object_set_new(ev, "expected_text",
					    json_string(mw_page_date(pg, jstr(ev, "detail"), true)));
		for (size_t k = 0; kind && k < MW_ARRAY_LEN(due_movers); k++)
			if (!strcmp(kind, due_movers[k])) {
				json_array_append_new(moves,
						      json_pack("{s:s?, s:s?, s:s, s:s?}", "at_text",
								jstr(ev, "at_text"), "due_text",
								jstr(ev, "due_at_text"), "why",
								mw_page_msg2(pg, "track.why.", kind),
								"text", jstr(ev, "text")));
				break;
			}
	}
	json_object_set_new(c, "has_moves", json_boolean(json_array_size(moves) > 0));
	json_object_set_new(c, "due_moves", moves);
	photos = json_object_get(c, "attachments");
	json_array_foreach(photos, i, ev) {
		json_t *id = json_object_get(ev, "id");

		if (json_is_integer(id))
			json_object_set_new(ev, "page_url",
					    json_string(mw_arena_printf(&pg->r->arena, "/track/photo/%lld",
									(long long)json_integer_value(id))));
	}
	json_object_set_new(c, "is_open", json_boolean(status_is(c, open, MW_ARRAY_LEN(open))));
	json_object_set_new(c, "can_message",
			    json_boolean(status_is(c, messageable, MW_ARRAY_LEN(messageable))));
	json_object_set_new(c, "can_rate", json_boolean(status_is(c, rateable, MW_ARRAY_LEN(rateable))));
	json_object_set_new(c, "needs_info", json_boolean(!strcmp(jstr(c, "status") ? jstr(c, "status") : "",
								  "needs_info")));
	json_object_set(pg->view, "c", c);
}

static void track_render(mw_page *pg, int status, json_t *c)
{
	const char *note;

	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "track.title")));
	if ((note = track_note(pg, "done")))
		json_object_set_new(pg->view, "done", json_string(note));
	if ((note = track_note(pg, "err")))
		json_object_set_new(pg->view, "error", json_string(note));
	if (status == 200 && c) {
		track_view(pg, c);
	} else if (status) {
		/* The cookie names a complaint that is gone: start over. */
		mw_page_cookie(pg, MW_COOKIE_TRACK, "", 0, true);
	}
	mw_page_render(pg, 200, "track");
}

int web_track(mw_req *r)
{
	return show_tracked(r, track_render);
}

static void track_opened(mw_page *pg, int status, json_t *c)
{
	const char *receipt = jstr(c, "receipt_no");
	const char *token = mw_req_header(pg->r, "X-Complaint-Token");

	if (status != 200 || !receipt || !token) {
		json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "track.title")));
		json_object_set_new(pg->view, "lookup_error",
				    json_string(mw_page_msg(pg, "track.err.not_found")));
		json_object_set_new(pg->view, "lookup",
				    json_pack("{s:s}", "receipt", mw_page_field(pg, "receipt")));
		mw_page_render(pg, status == 404 ? 404 : 400, "track");
		return;
	}
	mw_page_track(pg, receipt, token);
	mw_page_redirect(pg, "/track");
}

/* Trims blanks and removes the spaces people type into codes. */
static const char *code_field(mw_page *pg, const char *name)
{
	const char *v = mw_page_field(pg, name);
	char *out = mw_arena_alloc(&pg->r->arena, strlen(v) + 1), *o = out;

	if (!out)
		return "";
	for (; *v; v++)
		if (*v != ' ' && *v != '\t' && *v != '\r' && *v != '\n')
			*o++ = *v;
	*o = '\0';
	return out;
}

int web_track_open(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (!pg || mw_page_form(pg))
		return MW_OK;
	mw_page_citizen_target(pg, code_field(pg, "receipt"), code_field(pg, "token"));
	mw_page_call(pg, api_complaint_status, NULL, track_opened);
	return MW_OK;
}

/* ---- the second way in: receipt number + phone, one-time code -------- */

/* The API's error code of an answer ("" when there is none). */
static const char *answer_error(json_t *answer)
{
	const char *code = jstr(json_object_get(answer, "error"), "code");

	return code ? code : "";
}

/* Renders /track at the phone step: with code_form the code field (the
 * receipt and phone ride along as hidden fields, never in a URL), else
 * the receipt + phone form again; err is a track.err.* key or NULL. */
static void phone_render(mw_page *pg, int status, bool code_form, bool code_sent, const char *err)
{
	json_t *given = json_pack("{s:s,s:s}", "receipt", code_field(pg, "receipt"), "phone",
				  mw_page_field(pg, "phone"));

	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "track.title")));
	json_object_set_new(pg->view, code_form ? "phone_step" : "phone_lookup", given);
	if (code_sent)
		json_object_set_new(pg->view, "code_sent", json_true());
	if (err)
		json_object_set_new(pg->view, "phone_error",
				    json_string(mw_page_msg2(pg, "track.err.", err)));
	mw_page_render(pg, status, "track");
}

static void track_code_sent(mw_page *pg, int status, json_t *answer)
{
	if (status == 202)
		phone_render(pg, 200, true, true, NULL);
	else
		phone_render(pg, status == 429 ? 429 : status >= 500 ? status : 400, false, false,
			     status == 429   ? "too_many_codes"
			     : status == 400 ? "phone_invalid"
					     : "failed");
	MW_UNUSED(answer);
}

static json_t *phone_body(mw_page *pg)
{
	return json_pack("{s:s,s:s}", "receipt_no", code_field(pg, "receipt"), "phone",
			 mw_page_field(pg, "phone"));
}

/* POST /track/code: asks the API to text a code, then shows the code field
 * (the same page whether or not the number matched). */
int web_track_code(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (!pg || mw_page_form(pg))
		return MW_OK;
	mw_page_post(pg, api_track_code, phone_body(pg), track_code_sent);
	return MW_OK;
}

static void track_verified(mw_page *pg, int status, json_t *answer)
{
	const char *receipt = jstr(answer, "receipt_no"), *token = jstr(answer, "token");
	const char *err = answer_error(answer);

	if (status == 200 && receipt && token) {
		mw_page_track(pg, receipt, token);
		mw_page_redirect(pg, "/track");
		return;
	}
	/* A wrong or malformed code may be typed again; any other failure
	 * needs a new code. */
	if (!strcmp(err, "wrong_code"))
		phone_render(pg, 403, true, false, err);
	else if (!strcmp(err, "invalid"))
		phone_render(pg, 400, true, false, "code_invalid");
	else if (!strcmp(err, "no_code") || !strcmp(err, "code_expired") ||
		 !strcmp(err, "too_many_attempts"))
		phone_render(pg, status, false, false, err);
	else
		phone_render(pg, status >= 500 ? status : 400, false, false, "failed");
}

/* POST /track/verify: trades the code for a grant and opens the complaint
 * with it, through the same mw_track cookie as the token way. */
int web_track_verify(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	json_t *body;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	body = phone_body(pg);
	if (body)
		json_object_set_new(body, "code", json_string(code_field(pg, "code")));
	mw_page_post(pg, api_track_verify, body, track_verified);
	return MW_OK;
}

/* The three citizen actions: run the API's handler, then back to /track
 * with a note (POST → redirect → GET). */
static void track_acted(mw_page *pg, int status, json_t *answer)
{
	const char *what = pg->data;
	const char *st = jstr(answer, "status");
	char *loc;

	if (status == 200)
		loc = mw_arena_printf(&pg->r->arena, "/track?done=%s",
				      !strcmp(what, "rated") && st && !strcmp(st, "reopened") ? "reopened"
											      : what);
	else
		loc = mw_arena_printf(&pg->r->arena, "/track?err=%s",
				      status == 400 && !strcmp(what, "message") ? "message_empty"
				      : status >= 500			       ? "failed"
				      : !strcmp(what, "rated")		       ? "rate"
				      : !strcmp(what, "withdrawn")	       ? "withdraw"
									       : "failed");
	mw_page_redirect(pg, loc ? loc : "/track");
}

typedef json_t *(*body_builder)(mw_page *pg);

static int track_action(mw_req *r, mw_handler h, const char *what, body_builder build)
{
	mw_page *pg = mw_page_begin(r);
	const char *receipt, *token;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	if (!track_cookie(pg, &receipt, &token)) {
		mw_page_redirect(pg, "/track");
		return MW_OK;
	}
	pg->data = (void *)what;
	mw_page_citizen_target(pg, receipt, token);
	mw_page_post(pg, h, build(pg), track_acted);
	return MW_OK;
}

static json_t *one_text(mw_page *pg, const char *field)
{
	const char *v = mw_page_field_opt(pg, field);

	return v ? json_pack("{s:s}", field, v) : json_object();
}

static json_t *rate_body(mw_page *pg)
{
	json_t *b = one_text(pg, "comment");
	int64_t n;

	if (b && !mw_parse_i64(mw_page_field(pg, "rating"), 1, 5, &n))
		json_object_set_new(b, "rating", json_integer(n));
	return b;
}

static json_t *message_body(mw_page *pg)
{
	return one_text(pg, "text");
}

static json_t *withdraw_body(mw_page *pg)
{
	return one_text(pg, "reason");
}

int web_track_rate(mw_req *r)
{
	return track_action(r, api_complaint_rating, "rated", rate_body);
}

int web_track_message(mw_req *r)
{
	return track_action(r, api_complaint_message, "message", message_body);
}

int web_track_withdraw(mw_req *r)
{
	return track_action(r, api_complaint_withdraw, "withdrawn", withdraw_body);
}

int web_track_forget(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (!pg || mw_page_form(pg))
		return MW_OK;
	mw_page_cookie(pg, MW_COOKIE_TRACK, "", 0, true);
	mw_page_redirect(pg, "/track");
	return MW_OK;
}

/* GET /track/photo/{id}: the public copy of a photo of the tracked
 * complaint, so that <img> needs no token in its URL. */
int web_track_photo(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const char *receipt, *token, *id = mw_req_param(r, 0);

	if (!pg)
		return MW_OK;
	if (!track_cookie(pg, &receipt, &token)) {
		mw_web_error_page(r, 404);
		return MW_OK;
	}
	r->params[0] = receipt;
	r->params[1] = id;
	r->nparams = 2;
	mw_req_set_header(r, "X-Complaint-Token", token);
	api_attachment_public(r);
	r->cache_control = "private, max-age=3600";
	return MW_OK;
}

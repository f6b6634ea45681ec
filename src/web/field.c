/*
 * field.c - the field app (/field) for field workers (role field, e.g. a
 * street cleaner) on a phone. They sign in once, on the app's own sign-in
 * (/field/login, staff.c) or the staff entrance, and stay signed in on
 * the phone for weeks: a field session (src/api/session.h).
 *
 * The page is camera first: a photo, the position from GPS, a category
 * button (무단투기 first) and one tap to send; below it the reports of
 * today and their status (GET /api/v1/queue: a field worker's own
 * filings of today). Without JavaScript the form posts here and the
 * server files it (POST /api/v1/complaints, channel field, then the
 * photo). With JavaScript (static/field.js) every report goes to an
 * outbox in IndexedDB first, photo included, and is sent to the JSON API
 * with its idempotency key when there is a connection: by the page, or
 * by the service worker (/field/sw.js) in the background.
 */
#include "web_int.h"
#include "../base/mw.h"
#include "../media/media.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define TODAY_LIMIT "100"
#define PHOTO_MAX 10485760

/* The category buttons, in the order field workers file most (street
 * cleaners first). A category the office does not have is left out. */
static const char *const field_categories[] = {
	"illegal_dumping", "waste_collection", "illegal_ads",
	"road_damage",     "streetlight",      "safety_hazard",
};

/* Notes after a report was sent without JavaScript (?done=): only
 * these keys, so a link cannot make the page say anything else. */
static const char *const field_notes[] = { "sent", "photo_failed" };

static const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* ---- the app (/field) --------------------------------------------------- */

/* What a report says when the worker wrote nothing: "쓰레기 무단투기
 * (현장 신고)". The script sends the same text (data-text). */
static const char *default_text(mw_page *pg, const char *name)
{
	return mw_page_msg_fill(pg, "field.default_text", name);
}

/* The category buttons from the API's list: names in the page's
 * language; "names" keeps code → name for the list of today. */
static void category_buttons(mw_page *pg, json_t *answer)
{
	json_t *items = json_object_get(answer, "items"), *list = json_array(), *names = json_object();
	const char *chosen = mw_page_field(pg, "category"), *other;
	json_t *it;
	size_t i;

	json_array_foreach(items, i, it) {
		const char *code = jstr(it, "code");

		if (code)
			json_object_set_new(names, code,
					    json_string(mw_page_category(pg, code, jstr(it, "name"))));
	}
	for (size_t k = 0; k < MW_ARRAY_LEN(field_categories); k++) {
		const char *name = jstr(names, field_categories[k]);

		if (name)
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "code",
							      field_categories[k], "name", name,
							      "text", default_text(pg, name), "checked",
							      *chosen ? !strcmp(chosen, field_categories[k])
								      : json_array_size(list) == 0));
	}
	other = mw_page_msg(pg, "field.other");
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "code", "", "name", other, "text",
					      mw_page_msg(pg, "field.default_other"), "checked",
					      *chosen == '\0' && json_array_size(list) == 0));
	json_object_set_new(pg->view, "categories", list);
	json_object_set_new(pg->view, "category_names", names);
}

static int by_received_desc(const void *a, const void *b)
{
	const char *x = jstr(*(json_t *const *)a, "received_at");
	const char *y = jstr(*(json_t *const *)b, "received_at");

	return strcmp(y ? y : "", x ? x : "");
}

/* Today's reports, newest first, with the texts people read. */
static void today_view(mw_page *pg, json_t *queue)
{
	json_t *items = json_object_get(queue, "items"), *names, *list = json_array();
	size_t n = json_array_size(items);
	json_t **rows = calloc(n ? n : 1, sizeof(*rows));

	names = json_object_get(pg->view, "category_names");
	for (size_t i = 0; rows && i < n; i++)
		rows[i] = json_array_get(items, i);
	if (rows)
		qsort(rows, n, sizeof(*rows), by_received_desc);
	for (size_t i = 0; rows && i < n; i++) {
		json_t *it = rows[i];
		const char *code = jstr(it, "category");

		json_object_set_new(it, "category_text",
				    json_string(code && jstr(names, code) ? jstr(names, code) : ""));
		json_object_set_new(it, "status_text",
				    json_string(mw_page_msg2(pg, "status.", jstr(it, "status"))));
		mw_page_add_date(pg, it, "received_at", true);
		json_array_append(list, it);
	}
	free(rows);
	json_object_set_new(pg->view, "today", list);
	json_object_set_new(pg->view, "today_count", json_integer((json_int_t)json_array_size(list)));
	json_object_del(pg->view, "category_names");
}

static const char *field_note(mw_page *pg)
{
	const char *v = mw_req_query(pg->r, "done");

	for (size_t i = 0; v && i < MW_ARRAY_LEN(field_notes); i++)
		if (!strcmp(v, field_notes[i]))
			return mw_page_msg2(pg, "field.done.", v);
	return NULL;
}

static void field_render(mw_page *pg, int status, json_t *queue)
{
	const char *note = field_note(pg), *error = pg->data;

	if (status == 200)
		today_view(pg, queue);
	else
		json_object_del(pg->view, "category_names");
	json_object_set_new(pg->view, "idem", json_string(mw_page_new_key(pg)));
	json_object_set_new(pg->view, "user", json_string(pg->r->auth ? pg->r->auth->login : ""));
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "field.title")));
	if (note)
		json_object_set_new(pg->view, "done", json_string(note));
	if (error)
		json_object_set_new(pg->view, "error", json_string(error));
	json_object_set_new(pg->view, "sw", json_string(mw_arena_printf(&pg->r->arena,
									"/field/sw.js?static=%s",
									pg->web->static_prefix)));
	mw_page_assets(pg, "field.css", "field.js");
	json_object_set_new(pg->view, "page_manifest", json_string("field.webmanifest"));
	json_object_set_new(pg->view, "staff", json_true());
	mw_page_render(pg, error ? 400 : 200, "field");
}

static void field_categories_then(mw_page *pg, int status, json_t *answer)
{
	(void)status;
	category_buttons(pg, answer);
	mw_req_set_query(pg->r, "limit", TODAY_LIMIT);
	mw_page_call(pg, api_queue, NULL, field_render);
}

int web_field(mw_req *r)
{
	return mw_page_show(r, api_categories, field_categories_then);
}

/* ---- sending without JavaScript (POST /field) --------------------------- */

/* The page again, with a message for the whole form. */
static void field_again(mw_page *pg, const char *key)
{
	pg->data = (void *)mw_page_msg(pg, key);
	mw_page_call(pg, api_categories, NULL, field_categories_then);
}

static const mw_form_field *form_photo(mw_page *pg)
{
	for (size_t i = 0; i < pg->form.n; i++)
		if (pg->form.f[i].filename && !strcmp(pg->form.f[i].name, "photo") &&
		    pg->form.f[i].len)
			return &pg->form.f[i];
	return NULL;
}

static void field_filed(mw_page *pg, int status, json_t *answer)
{
	const char *receipt = jstr(answer, "receipt_no"), *token = jstr(answer, "token");
	const mw_form_field *photo = form_photo(pg);
	bool photo_ok = true;

	if (status != 201 || !receipt || !token) {
		field_again(pg, status >= 500 ? "error.busy" : "field.err.failed");
		return;
	}
	/* A report sent twice (the same key) was filed once, with its photo. */
	if (photo && !mw_page_replayed(pg->r)) {
		mw_page_citizen_target(pg, receipt, token);
		photo_ok = mw_page_call_raw(pg, api_attachment_upload, photo->value, photo->len) == 201;
	}
	mw_page_redirect(pg, photo_ok ? "/field?done=sent" : "/field?done=photo_failed");
}

/* A coordinate typed or filled in by the script; non-zero when it is
 * not a number within [min, max]. */
static int coordinate(const char *s, double min, double max, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return !*s || *end || !isfinite(*out) || *out < min || *out > max;
}

/* The report as the API wants it; the script builds the same. */
static json_t *report_body(mw_page *pg, json_t *categories)
{
	const char *code = mw_page_field_opt(pg, "category"), *memo = mw_page_field_opt(pg, "memo");
	const char *name = NULL, *v;
	json_t *b = json_object(), *it;
	double lat, lon;
	size_t i;

	json_array_foreach(json_object_get(categories, "items"), i, it)
		if (code && jstr(it, "code") && !strcmp(code, jstr(it, "code")))
			name = mw_page_category(pg, code, jstr(it, "name"));
	json_object_set_new(b, "text", json_string(memo ? memo
						   : name ? default_text(pg, name)
							  : mw_page_msg(pg, "field.default_other")));
	if (code)
		json_object_set_new(b, "category", json_string(code));
	json_object_set_new(b, "channel", json_string("field"));
	if (!coordinate(mw_page_field(pg, "lat"), -90, 90, &lat) &&
	    !coordinate(mw_page_field(pg, "lon"), -180, 180, &lon)) {
		json_object_set_new(b, "lat", json_real(lat));
		json_object_set_new(b, "lon", json_real(lon));
	}
	if ((v = mw_page_field_opt(pg, "address")))
		json_object_set_new(b, "address", json_string(v));
	/* A field report has no citizen's contact data; the API asks for
	 * the privacy consent of every filing all the same. */
	json_object_set_new(b, "consent", json_pack("{s:b}", "privacy", true));
	return b;
}

static void field_file_with(mw_page *pg, int status, json_t *categories)
{
	const char *idem = mw_page_field(pg, "idem");

	(void)status;
	if (mw_page_key_ok(idem))
		mw_req_set_header(pg->r, "Idempotency-Key", idem);
	mw_page_post(pg, api_complaint_create, report_body(pg, categories), field_filed);
}

int web_field_file(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const mw_form_field *photo;
	mw_media_type type;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	/* A wrong file is refused before anything is filed. */
	photo = form_photo(pg);
	if (photo && mw_media_detect(photo->value, photo->len, &type)) {
		field_again(pg, photo->len > PHOTO_MAX ? "error.photo_large" : "error.photo_type");
		return MW_OK;
	}
	mw_page_call(pg, api_categories, NULL, field_file_with);
	return MW_OK;
}

/* ---- the service worker (/field/sw.js) ---------------------------------- */

/* GET /field/sw.js: static/field-sw.js from a path whose scope may cover
 * /field (Service-Worker-Allowed), revalidated on every update check. */
int web_field_sw(mw_req *r)
{
	r->params[0] = "field-sw.js";
	r->nparams = 1;
	web_static(r);
	if (r->status == 200 || r->status == 304)
		mw_resp_header(r, "Service-Worker-Allowed", "/field");
	return MW_OK;
}

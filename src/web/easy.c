/*
 * easy.c - filing in the easy view (쉬운 화면): one question per screen,
 * big buttons, a back button, and "전화로 도와주세요", a request to be
 * called back. GET /easy (and "/" in the easy view) shows the first
 * question; every screen posts to /easy.
 *
 * The steps are server-side, so they work without JavaScript: each
 * screen shows its own question and carries the earlier answers in
 * hidden fields, named as on "/" (text, address, lat, lon, name, phone,
 * consent, idem). The last screen files through the same code as "/"
 * (mw_citizen_file: the API's intake, the idempotency key, the photo,
 * the receipt); what the API refuses comes back on the screen that asked
 * for it. The photo is asked last, on the screen that files: a file
 * cannot travel through later screens without a script or a draft store.
 *
 * A call-back request is a complaint like any other (channel web) that
 * carries the request as data ("callback": true), so staff find it under
 * the queue's "전화 요청" filter and record the call with "통화 완료".
 * easy.js adds voice input (Web Speech API, where the browser has it)
 * and "지금 있는 곳" (geolocation).
 */
#include "web_int.h"
#include "../base/mw.h"

#include <string.h>

#include "../base/banned.h"

#define STEP_FIELDS 4

struct easy_step {
	const char *name;               /* template section is.<name>, keys easy.<name>.* */
	const char *fields[STEP_FIELDS]; /* what it asks for (and whose errors it shows) */
	const char *required;           /* a field that must be filled to go on, or NULL */
	const char *missing;            /* the catalogue key that says so */
};

/* The two flows, in the order they are asked. */
static const struct easy_step file_steps[] = {
	{ "what", { "text" }, "text", "easy.err.text" },
	{ "where", { "address", "lat", "lon", "location" }, NULL, NULL },
	{ "contact", { "name", "phone", "email" }, NULL, NULL },
	{ "consent", { "consent" }, "consent", "error.consent_required" },
	{ "photo", { "photo" }, NULL, NULL },
};
static const struct easy_step call_steps[] = {
	{ "call_phone", { "phone", "name" }, "phone", "easy.err.phone" },
	{ "call_topic", { "text" }, NULL, NULL },
	{ "call_consent", { "consent" }, "consent", "error.consent_required" },
};

/* The answers every screen carries. */
static const char *const carried[] = { "text", "address", "lat", "lon", "name", "phone", "consent" };

struct easy_flow {
	bool call;
	const struct easy_step *steps;
	size_t n;
};

static struct easy_flow flow_of(bool call)
{
	return call ? (struct easy_flow){ true, call_steps, MW_ARRAY_LEN(call_steps) }
		    : (struct easy_flow){ false, file_steps, MW_ARRAY_LEN(file_steps) };
}

static bool step_asks(const struct easy_step *s, const char *field)
{
	for (int i = 0; i < STEP_FIELDS && s->fields[i]; i++)
		if (!strcmp(s->fields[i], field))
			return true;
	return false;
}

static size_t step_index(const struct easy_flow *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->steps[i].name, name))
			return i;
	return 0;
}

/* Renders screen i of flow f with the form's answers (none on a fresh
 * start) and, if given, the message of what was wrong (with the field it
 * concerns, or NULL). */
static void show_step(mw_page *pg, struct easy_flow f, size_t i, const char *field,
		      const char *error, int status)
{
	const struct easy_step *s = &f.steps[i];
	json_t *hidden = json_array(), *form = json_object();
	const char *idem = mw_page_field(pg, "idem");
	char fresh[MW_TOKEN_CHARS + 1];

	for (size_t k = 0; k < MW_ARRAY_LEN(carried); k++) {
		const char *v = mw_page_field(pg, carried[k]);

		json_object_set_new(form, carried[k], json_string(v));
		if (!step_asks(s, carried[k]) && *v)
			json_array_append_new(hidden, json_pack("{s:s, s:s}", "name", carried[k], "value", v));
	}
	if (!*idem) {
		mw_token_new(fresh);
		idem = fresh;
	}
	json_object_set_new(form, "idem", json_string(idem));
	json_object_set_new(form, "consent_given", json_boolean(!strcmp(mw_page_field(pg, "consent"), "yes")));
	json_object_set_new(pg->view, "form", form);
	json_object_set_new(pg->view, "hidden", hidden);
	json_object_set_new(pg->view, "is", json_pack("{s:b}", s->name, 1));
	json_object_set_new(pg->view, "step", json_string(s->name));
	json_object_set_new(pg->view, "mode", json_string(f.call ? "call" : "file"));
	json_object_set_new(pg->view, "step_no", json_integer((json_int_t)i + 1));
	json_object_set_new(pg->view, "step_count", json_integer((json_int_t)f.n));
	json_object_set_new(pg->view, "last", json_boolean(i + 1 == f.n));
	json_object_set_new(pg->view, "can_back", json_boolean(f.call || i > 0));
	json_object_set_new(pg->view, "question", json_string(mw_page_msg2(pg, "easy.q.", s->name)));
	json_object_set_new(pg->view, "title", json_string(mw_page_msg2(pg, "easy.q.", s->name)));
	if (error)
		json_object_set_new(pg->view, "error", json_string(error));
	if (field)
		json_object_set_new(pg->view, "err", json_pack("{s:b}", field, 1));
	mw_page_assets(pg, "easy.css", "easy.js");
	mw_page_render(pg, status, "easy_step");
}

void mw_easy_start(mw_page *pg)
{
	show_step(pg, flow_of(false), 0, NULL, NULL, 200);
}

int web_easy(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (pg)
		mw_easy_start(pg);
	return MW_OK;
}

/* Whether the form lacks what screen s must have to go on. */
static bool lacks(mw_page *pg, const struct easy_step *s)
{
	if (!s->required)
		return false;
	if (!strcmp(s->required, "consent"))
		return strcmp(mw_page_field(pg, "consent"), "yes") != 0;
	return !mw_page_field_opt(pg, s->required);
}

/* The API or the form refused the filing: back to the screen that asked
 * for the first field concerned (or the last one, for the whole form). */
static void easy_refused(mw_page *pg, json_t *errors, const char *form_error)
{
	struct easy_flow f = flow_of(!strcmp(mw_page_field(pg, "mode"), "call"));
	const char *field, *which = NULL, *msg = form_error;
	size_t at = f.n - 1;
	json_t *v;

	for (size_t i = f.n; errors && i-- > 0;)
		json_object_foreach(errors, field, v)
			if (step_asks(&f.steps[i], field)) {
				at = i;
				which = field;
				msg = json_string_value(v);
			}
	show_step(pg, f, at, which, msg ? msg : mw_page_msg(pg, "error.form"), 400);
	json_decref(errors);
}

/* A call-back request: the topic (if any) as the complaint's text, in
 * Korean whatever the page's language (staff read it), and the request
 * itself as data ("callback": the API wants the phone number for it). */
static json_t *call_back_body(mw_page *pg)
{
	const char *topic = mw_page_field_opt(pg, "text");

	return json_pack("{s:s?, s:b}", "text",
			 topic ? topic : mw_catalog_get(pg->web->cat[MW_LANG_KO], "easy.call.no_topic"),
			 "callback", 1);
}

int web_easy_step(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);
	const char *go;
	struct easy_flow f;
	const struct easy_step *s;
	size_t i;
	json_t *extra;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	go = mw_page_field(pg, "go");
	f = flow_of(!strcmp(mw_page_field(pg, "mode"), "call"));
	i = step_index(&f, mw_page_field(pg, "step"));
	s = &f.steps[i];
	if (!strcmp(go, "call")) {
		show_step(pg, flow_of(true), 0, NULL, NULL, 200);
	} else if (!strcmp(go, "back")) {
		/* Back from the call-back's first screen is the first question. */
		if (i > 0)
			show_step(pg, f, i - 1, NULL, NULL, 200);
		else
			show_step(pg, flow_of(false), 0, NULL, NULL, 200);
	} else if (lacks(pg, s)) {
		show_step(pg, f, i, s->required, mw_page_msg(pg, s->missing), 400);
	} else if (i + 1 < f.n) {
		show_step(pg, f, i + 1, NULL, NULL, 200);
	} else {
		/* The answers of the earlier screens came back as hidden
		 * fields: the first one that went missing is asked again. */
		for (size_t k = 0; k < f.n; k++)
			if (lacks(pg, &f.steps[k])) {
				show_step(pg, f, k, f.steps[k].required, mw_page_msg(pg, f.steps[k].missing),
					  400);
				return MW_OK;
			}
		extra = f.call ? call_back_body(pg) : NULL;
		mw_citizen_file(pg, extra, easy_refused);
		json_decref(extra);
	}
	return MW_OK;
}

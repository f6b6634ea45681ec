/*
 * staff_actions.c - the lifecycle actions of the complaint page: which
 * forms the page offers, what each asks for (one table, used both to
 * draw the forms and to read them back), and POST /staff/c/{receipt}/act,
 * which sends one action to POST /api/v1/staff/complaints/{receipt}/actions
 * in-process with the version the page was rendered with as If-Match.
 *
 * Done: 303 back to the page with ?done=<action>. Refused: the page again,
 * read afresh, with a message saying why and the form as it was sent
 * (open, with what was typed), so nothing is lost. A 409 stale_version
 * (someone else changed the complaint meanwhile) says so plainly; the
 * fresh page carries the new version, so sending again applies the
 * action to what the person now sees.
 *
 * "Insert template" is a button of the answer form: without JavaScript it
 * posts here and the page comes back with the template in the answer box
 * (staff.js does the same in the browser).
 */
#include "staff_complaint.h"
#include "../base/mw.h"

#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

/* ---- the forms ------------------------------------------------------------ */

enum field_kind {
	FIELD_NONE,
	FIELD_TEXT,       /* a textarea, required */
	FIELD_TEXT_OPT,   /* a textarea, optional */
	FIELD_LINE,       /* a one-line input, required */
	FIELD_LINE_OPT,   /* a one-line input, optional */
	FIELD_PERIOD,     /* "7d" / "16h" */
	FIELD_DATE,       /* a day, required (YYYY-MM-DD) */
	FIELD_DEPARTMENT, /* a department of the office */
	FIELD_TARGET,     /* 이송: to a department or to another agency */
	FIELD_CONSENT,    /* the citizen agreed (second extension) */
	FIELD_ASSIGNEE,   /* a manager or officer of the department */
};

struct field_spec {
	const char *name; /* the form field, as the API names it */
	enum field_kind kind;
};

/* The staff actions the page offers, in its order, and what each asks
 * for. "answer" and "recategorize" have forms of their own on the page
 * (templates; the AI's suggestion) and only their names here. Labels are
 * case.f.<type>.<field> (and ..._hint) in the catalogues, the summary
 * case.a.<type>, the button case.s.<type>. */
static const struct action_form {
	const char *type;
	struct field_spec fields[4];
} action_forms[] = {
	{ "answer", { { "text", FIELD_TEXT } } },
	{ "callback_done", { { "text", FIELD_TEXT } } },
	{ "request_info", { { "text", FIELD_TEXT } } },
	{ "start", { { NULL, FIELD_NONE } } },
	{ "assign", { { "assignee", FIELD_ASSIGNEE } } },
	{ "resume", { { "text", FIELD_TEXT_OPT } } },
	{ "interim_notice", { { "text", FIELD_TEXT } } },
	{ "extend", { { "period", FIELD_PERIOD }, { "text", FIELD_TEXT },
		      { "citizen_consent", FIELD_CONSENT } } },
	{ "delay_notice", { { "expected_at", FIELD_DATE }, { "text", FIELD_TEXT } } },
	{ "transfer", { { "target", FIELD_TARGET }, { "department", FIELD_DEPARTMENT },
			{ "agency", FIELD_LINE_OPT }, { "text", FIELD_TEXT } } },
	{ "cooperate", { { "department", FIELD_DEPARTMENT }, { "period", FIELD_PERIOD },
			 { "text", FIELD_TEXT } } },
	{ "cooperation_reply", { { "text", FIELD_TEXT } } },
	{ "merge", { { "into", FIELD_LINE } } },
	{ "recategorize", { { "category", FIELD_LINE } } },
	{ "close", { { "text", FIELD_TEXT_OPT } } },
	{ "reopen", { { "text", FIELD_TEXT_OPT } } },
	{ "note", { { "text", FIELD_TEXT } } },
};

static const struct action_form *form_of(const char *type)
{
	for (size_t i = 0; type && i < MW_ARRAY_LEN(action_forms); i++)
		if (!strcmp(type, action_forms[i].type))
			return &action_forms[i];
	return NULL;
}

bool staff_is_action(const char *type)
{
	return form_of(type) != NULL;
}

const char *staff_action_name(size_t i)
{
	return i < MW_ARRAY_LEN(action_forms) ? action_forms[i].type : NULL;
}

static bool has_string(json_t *arr, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	return false;
}

/* May the signed-in person take this action here? What the state allows
 * (the API's allowed_actions) and what the role may do; a department
 * asked only to cooperate replies and adds notes. The API decides again. */
static bool offered(mw_page *pg, json_t *c, const char *type, bool own, bool asked)
{
	const mw_auth *a = pg->r->auth;

	if (!mw_authz_role_has(a->role, PERM_ACT) ||
	    !has_string(json_object_get(c, "allowed_actions"), type))
		return false;
	/* Waiting for 보완 whose period has not ended (complaint_view): the
	 * citizen still has time, so asking again and closing wait (the API
	 * refuses them too). */
	if (staff_str(c, "info_due_at") && !json_is_true(json_object_get(c, "info_over")) &&
	    (!strcmp(type, "request_info") || !strcmp(type, "close")))
		return false;
	if (!strcmp(type, "assign") && !mw_authz_role_has(a->role, PERM_ASSIGN))
		return false;
	if (!strcmp(type, "cooperation_reply"))
		return asked;
	if (!strcmp(type, "note"))
		return own || asked;
	return own;
}

static const char *field_text(mw_page *pg, const char *type, const char *name, const char *suffix)
{
	char key[96];

	snprintf(key, sizeof(key), "case.f.%s.%s%s", type, name, suffix);
	return mw_catalog_get(pg->web->cat[pg->lang], key);
}

static json_t *option(const char *value, const char *label, bool selected)
{
	return json_pack("{s:s, s:s?, s:b}", "value", value, "label", label, "selected", selected);
}

/* One field of a form, with every key the field template reads set (a
 * missing key would be looked up in the outer contexts). */
static json_t *field_view(mw_page *pg, json_t *c, const char *type, const struct field_spec *fs,
			  bool failed)
{
	const char *sent = failed ? mw_page_field(pg, fs->name) : "";
	const char *hint = field_text(pg, type, fs->name, "_hint");
	const char *value = sent, *pattern = NULL;
	char id[64];
	json_t *f, *opts = json_array(), *it;
	size_t i;

	snprintf(id, sizeof(id), "f-%s-%s", type, fs->name);
	if (fs->kind == FIELD_ASSIGNEE)
		json_array_foreach(json_object_get(pg->view, "assignees"), i, it) {
			const char *login = staff_str(it, "login"), *name = staff_str(it, "name");

			json_array_append_new(opts, option(login, name ? mw_arena_printf(&pg->r->arena, "%s (%s)", name, login)
								       : login,
							   login && !strcmp(sent, login)));
		}
	if (fs->kind == FIELD_PERIOD) {
		pattern = "[0-9]{1,4}[dh]";
		if (!*value)
			value = !strcmp(type, "extend") ? staff_str(c, "period") : "3d";
	}
	if (fs->kind == FIELD_DEPARTMENT)
		json_array_foreach(json_object_get(pg->view, "departments"), i, it)
			json_array_append_new(opts, option(staff_str(it, "code"), staff_str(it, "name"),
							   !strcmp(sent, staff_str(it, "code") ? staff_str(it, "code") : "")));
	if (fs->kind == FIELD_TARGET) {
		bool agency = !strcmp(sent, "agency");

		json_array_append_new(opts, option("department", field_text(pg, type, "department", "_choice"), !agency));
		json_array_append_new(opts, option("agency", field_text(pg, type, "agency", "_choice"), agency));
		json_array_foreach(opts, i, it) {
			json_object_set_new(it, "id", json_string(mw_arena_printf(&pg->r->arena, "%s-%zu", id, i)));
			json_object_set_new(it, "name", json_string(fs->name));
		}
	}
	f = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:b, s:s?, s:s?, s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
		      "id", id, "name", fs->name, "label", field_text(pg, type, fs->name, ""), "hint", hint,
		      "hint_id", mw_arena_printf(&pg->r->arena, "h-%s-%s", type, fs->name), "required",
		      fs->kind != FIELD_TEXT_OPT && fs->kind != FIELD_LINE_OPT && fs->kind != FIELD_CONSENT &&
			      fs->kind != FIELD_TARGET,
		      "value", value, "pattern", pattern, "options", opts, "textarea",
		      fs->kind == FIELD_TEXT || fs->kind == FIELD_TEXT_OPT, "line",
		      fs->kind == FIELD_LINE || fs->kind == FIELD_LINE_OPT || fs->kind == FIELD_PERIOD ||
			      (fs->kind == FIELD_ASSIGNEE && !json_array_size(opts)),
		      "select", fs->kind == FIELD_DEPARTMENT || (fs->kind == FIELD_ASSIGNEE && json_array_size(opts)),
		      "radio", fs->kind == FIELD_TARGET, "check",
		      fs->kind == FIELD_CONSENT, "checked", !strcmp(sent, "yes"), "date",
		      fs->kind == FIELD_DATE);
	return f;
}

void staff_action_offers(mw_page *pg, json_t *c)
{
	const mw_auth *a = pg->r->auth;
	const char *dept = staff_str(c, "department");
	bool own = a->role == MW_ROLE_ADMIN || (a->department && dept && !strcmp(a->department, dept));
	bool asked = false, any = false;
	json_t *act = json_object(), *co;
	size_t i;

	json_array_foreach(json_object_get(c, "cooperations"), i, co)
		if (a->department && !staff_str(co, "replied_at") && staff_str(co, "department") &&
		    !strcmp(staff_str(co, "department"), a->department))
			asked = true;
	for (size_t k = 0; k < MW_ARRAY_LEN(action_forms); k++)
		if (offered(pg, c, action_forms[k].type, own, asked)) {
			json_object_set_new(act, action_forms[k].type, json_true());
			any = true;
		}
	json_object_set_new(pg->view, "act", act);
	json_object_set_new(pg->view, "any_action", json_boolean(any));
	json_object_set_new(pg->view, "own_department", json_boolean(own));
}

void staff_action_forms(mw_page *pg, json_t *c)
{
	const struct case_state *st = pg->data;
	json_t *forms = json_array(), *act = json_object_get(pg->view, "act");
	bool answer_failed = st->form_type && !strcmp(st->form_type, "answer");

	for (size_t k = 0; k < MW_ARRAY_LEN(action_forms); k++) {
		const struct action_form *af = &action_forms[k];
		bool failed = st->form_type && !strcmp(st->form_type, af->type);
		json_t *fields, *f;

		if (!json_is_true(json_object_get(act, af->type)) || !strcmp(af->type, "answer") ||
		    !strcmp(af->type, "recategorize"))
			continue;
		/* The second extension needs the citizen's consent; not before. */
		fields = json_array();
		for (size_t n = 0; n < MW_ARRAY_LEN(af->fields) && af->fields[n].name; n++)
			if (af->fields[n].kind != FIELD_CONSENT || json_is_true(json_object_get(c, "extended")))
				json_array_append_new(fields, field_view(pg, c, af->type, &af->fields[n], failed));
		/* An action without fields (start) is one button, not a fold. */
		f = json_pack("{s:s, s:s, s:s, s:b, s:b, s:s?, s:o}", "type", af->type, "summary",
			      mw_page_msg2(pg, "case.a.", af->type), "submit", mw_page_msg2(pg, "case.s.", af->type),
			      "quick", !af->fields[0].name, "open",
			      failed || !strcmp(af->type, "cooperation_reply") ||
				      !strcmp(af->type, "callback_done"),
			      "failed_msg",
			      failed && st->error_key ? mw_page_msg(pg, st->error_key) : NULL, "fields", fields);
		json_array_append_new(forms, f);
	}
	json_object_set_new(pg->view, "forms", forms);
	/* The answer box: a template just inserted, or what was sent. */
	json_object_set_new(pg->view, "answer_form",
			    json_pack("{s:s, s:s?}", "text",
				      st->template_body ? st->template_body
				      : answer_failed  ? mw_page_field(pg, "text") : "",
				      "failed_msg",
				      answer_failed && st->error_key ? mw_page_msg(pg, st->error_key) : NULL));
}

/* ---- the post ------------------------------------------------------------- */

/*
 * What to tell the person when the API refuses: its status and code, a
 * phrase of its message (the API names what is wrong), and the catalogue
 * key. First match wins; "" matches anything.
 */
static const struct {
	int status;
	const char *code;
	const char *says;
	const char *key;
} refusals[] = {
	{ 409, "stale_version", "", "case.err.stale" },
	{ 409, "transition_not_allowed", "consent", "case.err.extend_consent" },
	{ 409, "transition_not_allowed", "twice", "case.err.extend_max" },
	{ 409, "transition_not_allowed", "due time has passed", "case.err.extend_late" },
	{ 409, "transition_not_allowed", "citizen has until", "case.err.info_wait" },
	{ 409, "transition_not_allowed", "cooperation request", "case.err.no_cooperation" },
	{ 409, "transition_not_allowed", "call-back", "case.err.no_callback" },
	{ 409, "transition_not_allowed", "", "case.err.not_allowed" },
	{ 400, "", "assignee", "case.err.assignee" },
	{ 400, "invalid", "expected_at", "case.err.expected" },
	{ 400, "invalid", "longer than the processing period", "case.err.period_long" },
	{ 400, "invalid", "in days", "case.err.period_days" },
	{ 400, "invalid", "period", "case.err.period" },
	{ 400, "invalid", "merge", "case.err.merge_target" },
	{ 400, "invalid", "already with that department", "case.err.same_department" },
	{ 400, "invalid", "ask itself", "case.err.self_cooperation" },
	{ 400, "invalid", "department or an agency", "case.err.transfer_target" },
	{ 400, "invalid", "department", "case.err.department" },
	{ 400, "invalid", "category", "case.err.category" },
	{ 400, "", "text", "case.err.text_required" },
	{ 400, "missing_field", "", "case.err.text_required" },
	{ 403, "", "", "case.err.forbidden" },
	{ 413, "", "", "case.err.too_long" },
};

static const char *refusal_key(int status, json_t *answer)
{
	json_t *err = json_object_get(answer, "error");
	const char *code = staff_str(err, "code"), *msg = staff_str(err, "message");

	if (status >= 500)
		return "case.err.busy";
	for (size_t i = 0; i < MW_ARRAY_LEN(refusals); i++)
		if (status == refusals[i].status &&
		    (!*refusals[i].code || (code && !strcmp(code, refusals[i].code))) &&
		    (!*refusals[i].says || (msg && strstr(msg, refusals[i].says))))
			return refusals[i].key;
	return "case.err.invalid";
}

static void acted(mw_page *pg, int status, json_t *answer)
{
	struct case_state *st = pg->data;

	if (status == 200) {
		mw_page_redirect(pg, mw_arena_printf(&pg->r->arena, "/staff/c/%s?done=%s",
						     staff_urlenc(pg, mw_req_param(pg->r, 0)), st->form_type));
		return;
	}
	if (status == 404) {
		staff_fail(pg, 404);
		return;
	}
	st->error_key = refusal_key(status, answer);
	st->status = status == 409 ? 409 : status >= 500 ? 503 : 400;
	staff_show_complaint(pg);
}

/* The JSON body of the action: the form's fields under the API's names;
 * nothing is checked here that the API checks. */
static json_t *action_body(mw_page *pg, const struct action_form *af)
{
	json_t *b = json_pack("{s:s}", "type", af->type);
	bool to_agency = !strcmp(mw_page_field(pg, "target"), "agency");
	const char *v;

	for (size_t n = 0; b && n < MW_ARRAY_LEN(af->fields) && af->fields[n].name; n++) {
		const struct field_spec *fs = &af->fields[n];

		if (fs->kind == FIELD_TARGET)
			continue;
		if (fs->kind == FIELD_CONSENT) {
			if (!strcmp(mw_page_field(pg, fs->name), "yes"))
				json_object_set_new(b, fs->name, json_true());
			continue;
		}
		/* 이송 goes to a department or to an agency, as chosen. */
		if (!strcmp(af->type, "transfer") &&
		    (to_agency ? !strcmp(fs->name, "department") : !strcmp(fs->name, "agency")))
			continue;
		if ((v = staff_field(pg, fs->name)))
			json_object_set_new(b, fs->name, json_string(v));
	}
	return b;
}

int web_staff_act(mw_req *r)
{
	mw_page *pg = staff_begin(r, "queue");
	const struct action_form *af;
	struct case_state *st;
	int64_t n;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	if (!(st = staff_case_state(pg))) {
		staff_fail(pg, 503);
		return MW_OK;
	}
	if (!(af = form_of(mw_page_field(pg, "type")))) {
		staff_fail(pg, 400);
		return MW_OK;
	}
	st->form_type = af->type;
	if (!strcmp(af->type, "answer") && *mw_page_field(pg, "load_template")) {
		/* Fill the answer box and show the page again; nothing is sent. */
		if (mw_parse_i64(mw_page_field(pg, "template"), 1, INT64_MAX, &st->template_id))
			st->note_key = "case.template_none";
		staff_show_complaint(pg);
		return MW_OK;
	}
	if (!mw_parse_i64(mw_page_field(pg, "version"), 1, INT64_MAX, &n))
		mw_req_set_header(r, "If-Match", mw_arena_printf(&r->arena, "\"%lld\"", (long long)n));
	mw_page_post(pg, api_staff_action, action_body(pg, af), acted);
	return MW_OK;
}

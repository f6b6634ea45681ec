/*
 * staff_complaint.c - one complaint in the staff console
 * (/staff/c/{receipt}): summary, the AI's category and confidence, text,
 * map, photos, masked contact with "reveal", likely duplicates, the
 * cooperation requests, the timeline with internal events, and a form per
 * lifecycle action (staff_actions.c handles the posts).
 *
 * The page runs, in this order: GET /api/v1/staff/departments and
 * /api/v1/categories (names and the choices of the forms), the staff view
 * of the complaint, its likely duplicates, and the answer templates of
 * its category. The three last are skipped, or their failure ignored,
 * when the role may not use them (a cooperating department sees no
 * duplicates; a desk clerk has no templates).
 */
#include "staff_complaint.h"
#include "../base/mw.h"

#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

static const char *category_text(mw_page *pg, const char *code)
{
	json_t *list = json_object_get(pg->view, "categories"), *it;
	size_t i;

	json_array_foreach(list, i, it)
		if (code && staff_str(it, "code") && !strcmp(staff_str(it, "code"), code))
			return staff_str(it, "name");
	return staff_category_name(pg, code, NULL);
}

static void timeline_view(mw_page *pg, json_t *c)
{
	json_t *ev;
	size_t i;

	json_array_foreach(json_object_get(c, "timeline"), i, ev) {
		const char *kind = staff_str(ev, "kind"), *detail = staff_str(ev, "detail");
		const char *actor = staff_str(ev, "actor");

		staff_add_date(pg, ev, "at", true);
		/* The reserved actors ("citizen", "system") by their names in
		 * the page's language; staff by their login. */
		if (actor && (!strcmp(actor, "citizen") || !strcmp(actor, "system")))
			json_object_set_new(ev, "actor", json_string(mw_page_msg2(pg, "case.actor.", actor)));
		json_object_set_new(ev, "label_text", json_string(mw_page_msg2(pg, "event.", kind)));
		json_object_set_new(ev, "internal", json_boolean(json_is_false(json_object_get(ev, "public"))));
		if (kind && detail && (!strcmp(kind, "recategorize") || !strcmp(kind, "triage"))) {
			/* "road_damage" or "road_damage 0.42": show the name. */
			char code[64];

			snprintf(code, sizeof(code), "%.*s", (int)strcspn(detail, " "), detail);
			json_object_set_new(ev, "detail_text", json_string(category_text(pg, code)));
		} else if (kind && detail && (!strcmp(kind, "transfer") || !strcmp(kind, "cooperate") ||
					      !strcmp(kind, "cooperation_reply"))) {
			json_object_set_new(ev, "detail_text",
					    json_string(staff_department_name(pg, detail, detail)));
		} else if (kind && detail && (!strcmp(kind, "merge") || !strcmp(kind, "rate"))) {
			json_object_set_new(ev, "detail_text", json_string(detail));
		} else if (kind && detail && (!strcmp(kind, "delay_notice") || !strcmp(kind, "late"))) {
			/* The expected date the citizen was given. */
			json_object_set_new(ev, "detail_text",
					    json_string(mw_arena_printf(&pg->r->arena, "%s %s",
									mw_page_msg(pg, "case.expected"),
									mw_page_date(pg, detail, true))));
		}
	}
}

/* "7d" → "7일", "16h" → "16근무시간" (as the page's language says it). */
static const char *period_text(mw_page *pg, const char *p)
{
	size_t n = p ? strlen(p) : 0;
	const char *pat;

	if (n < 2 || (p[n - 1] != 'd' && p[n - 1] != 'h'))
		return p;
	pat = mw_page_msg(pg, p[n - 1] == 'd' ? "case.period_days" : "case.period_hours");
	return mw_arena_printf(&pg->r->arena, "%.*s%.*s%s", (int)strcspn(pat, "{"), pat, (int)(n - 1), p,
			       strstr(pat, "{}") ? strstr(pat, "{}") + 2 : "");
}

static void complaint_view(mw_page *pg, json_t *c)
{
	json_t *ai = json_object_get(c, "ai"), *it, *loc = json_object_get(c, "location");
	long long cid = (long long)json_integer_value(json_object_get(c, "id"));
	size_t i;

	json_object_set_new(c, "status_text", json_string(mw_page_msg2(pg, "status.", staff_str(c, "status"))));
	json_object_set_new(c, "category_text", json_string(category_text(pg, staff_str(c, "category"))));
	json_object_set_new(c, "department_text",
			    json_string(staff_department_name(pg, staff_str(c, "department"),
							      staff_str(c, "department_name"))));
	json_object_set_new(c, "channel_text", json_string(mw_page_msg2(pg, "case.channel.",
									staff_str(c, "channel"))));
	staff_add_date(pg, c, "received_at", true);
	staff_add_date(pg, c, "due_at", true);
	staff_add_date(pg, c, "answered_at", true);
	staff_add_date(pg, c, "info_due_at", true);
	if (staff_str(c, "info_due_at")) {
		mw_time t;

		json_object_set_new(c, "info_over",
				    json_boolean(!mw_time_parse_iso8601(staff_str(c, "info_due_at"), &t) &&
						 mw_now() > t));
	}
	json_object_set_new(c, "period_text", json_string(period_text(pg, staff_str(c, "period"))));
	if (json_is_object(ai)) {
		const char *code = staff_str(ai, "category");

		json_object_set_new(ai, "category_text", json_string(category_text(pg, code)));
		json_object_set_new(ai, "percent",
				    json_integer((json_int_t)(json_number_value(json_object_get(ai, "confidence")) * 100 + 0.5)));
		/* One click puts the complaint where the model thought it goes. */
		json_object_set_new(ai, "differs", json_boolean(code && staff_str(c, "category") &&
								strcmp(code, staff_str(c, "category")) &&
								strcmp(code, "triage")));
	}
	json_array_foreach(json_object_get(c, "attachments"), i, it)
		json_object_set_new(it, "page_url",
				    json_string(mw_arena_printf(&pg->r->arena, "/staff/photo/%lld/%lld", cid,
								(long long)json_integer_value(json_object_get(it, "id")))));
	json_array_foreach(json_object_get(c, "cooperations"), i, it) {
		staff_add_date(pg, it, "due_at", true);
		staff_add_date(pg, it, "replied_at", true);
		json_object_set_new(it, "department_text",
				    json_string(staff_department_name(pg, staff_str(it, "department"), NULL)));
	}
	if (json_is_number(json_object_get(loc, "lat")))
		json_object_set_new(c, "has_point", json_true());
	json_object_set_new(c, "is_triage", json_boolean(staff_str(c, "category") &&
							 !strcmp(staff_str(c, "category"), "triage")));
	json_object_set_new(c, "extended", json_boolean(json_integer_value(json_object_get(c, "extensions")) > 0));
	json_object_set_new(c, "callback_pending", json_boolean(staff_str(c, "callback") &&
								!strcmp(staff_str(c, "callback"), "pending")));
	json_object_set_new(c, "callback_done", json_boolean(staff_str(c, "callback") &&
							     !strcmp(staff_str(c, "callback"), "done")));
	/* Where the page's forms post, and the version they act on (If-Match);
	 * at the top of the view so that lists inside the page reach them. */
	json_object_set_new(pg->view, "here",
			    json_pack("{s:s, s:s, s:s, s:O}", "url",
				      mw_arena_printf(&pg->r->arena, "/staff/c/%s", staff_str(c, "receipt_no")),
				      "act_url",
				      mw_arena_printf(&pg->r->arena, "/staff/c/%s/act", staff_str(c, "receipt_no")),
				      "reveal_url",
				      mw_arena_printf(&pg->r->arena, "/staff/c/%s/reveal", staff_str(c, "receipt_no")),
				      "version", json_object_get(c, "version")));
	timeline_view(pg, c);
	staff_action_offers(pg, c);
	/* The recategorize form starts at the current category. */
	json_array_foreach(json_object_get(pg->view, "categories"), i, it)
		json_object_set_new(it, "selected", json_boolean(staff_str(it, "code") && staff_str(c, "category") &&
								  !strcmp(staff_str(it, "code"), staff_str(c, "category"))));
}

/* ---- the chain of reads ----------------------------------------------- */

static struct case_state *state(mw_page *pg)
{
	return pg->data;
}

static void case_render(mw_page *pg)
{
	struct case_state *st = state(pg);
	json_t *c = json_object_get(pg->view, "c");

	json_object_set_new(pg->view, "title",
			    json_string(mw_arena_printf(&pg->r->arena, "%s %s", mw_page_msg(pg, "case.title"),
							staff_str(c, "receipt_no"))));
	if (st->error_key)
		json_object_set_new(pg->view, "error", json_string(mw_page_msg(pg, st->error_key)));
	if (st->note_key)
		json_object_set_new(pg->view, "note", json_string(mw_page_msg(pg, st->note_key)));
	if (st->reveal_error_key)
		json_object_set_new(pg->view, "reveal_error", json_string(mw_page_msg(pg, st->reveal_error_key)));
	staff_action_forms(pg, c);
	mw_page_render(pg, st->status ? st->status : 200, "staff_complaint");
}

static void got_templates(mw_page *pg, int status, json_t *answer)
{
	struct case_state *st = state(pg);
	json_t *items = json_object_get(answer, "items"), *it;
	size_t i;

	if (status == 200 && json_array_size(items)) {
		json_array_foreach(items, i, it) {
			json_t *id = json_object_get(it, "id");

			json_object_set_new(it, "general", json_boolean(!staff_str(it, "category")));
			if (st->template_id && json_integer_value(id) == st->template_id) {
				json_object_set_new(it, "selected", json_true());
				st->template_body = staff_str(it, "body");
				st->note_key = "case.template_loaded";
			}
		}
		json_object_set(pg->view, "templates", items);
		json_object_set_new(pg->view, "has_templates", json_true());
	}
	case_render(pg);
}

static void got_similar(mw_page *pg, int status, json_t *answer)
{
	json_t *items = json_object_get(answer, "items"), *it, *c = json_object_get(pg->view, "c");
	size_t i;

	if (status == 200 && json_array_size(items)) {
		json_array_foreach(items, i, it) {
			json_object_set_new(it, "category_text", json_string(category_text(pg, staff_str(it, "category"))));
			json_object_set_new(it, "status_text", json_string(mw_page_msg2(pg, "status.", staff_str(it, "status"))));
			json_object_set_new(it, "percent",
					    json_integer((json_int_t)(json_number_value(json_object_get(it, "similarity")) * 100 + 0.5)));
			json_object_set_new(it, "url", json_string(mw_arena_printf(&pg->r->arena, "/staff/c/%s",
										  staff_str(it, "receipt_no"))));
		}
		json_object_set(pg->view, "similar", items);
		json_object_set_new(pg->view, "has_similar", json_true());
	}
	/* Only those who may answer get the answer templates. */
	mw_req_set_query(pg->r, "category", staff_str(c, "category"));
	if (mw_authz_role_has(pg->r->auth->role, PERM_ACT) && json_is_true(json_object_get(pg->view, "any_action")))
		staff_call(pg, PERM_ACT, api_templates, NULL, got_templates);
	else
		case_render(pg);
}

static void got_assignees(mw_page *pg, int status, json_t *answer)
{
	if (status == 200)
		json_object_set(pg->view, "assignees", json_object_get(answer, "items"));
	if (json_is_true(json_object_get(pg->view, "own_department")))
		staff_call(pg, PERM_READ, api_staff_similar, NULL, got_similar);
	else
		got_similar(pg, 0, NULL);
}

static void got_complaint(mw_page *pg, int status, json_t *c)
{
	struct case_state *st = state(pg);

	if ((status == 400 || status == 403) && st->reveal_reason) {
		/* No reason of 2 to 500 bytes, or not this person's to see: the
		 * page again, masked, saying why. */
		st->reveal_reason = NULL;
		st->reveal_error_key = status == 400 ? "case.reveal_reason_required" : "case.reveal_forbidden";
		st->status = status;
		staff_show_complaint(pg);
		return;
	}
	if (status != 200 || !c) {
		staff_fail(pg, status);
		return;
	}
	complaint_view(pg, c);
	json_object_set(pg->view, "c", c);
	if (st->reveal_reason)
		st->note_key = "case.revealed";
	mw_req_set_query(pg->r, "reveal", NULL);
	mw_req_set_query(pg->r, "reason", NULL);
	if (json_is_true(json_object_get(json_object_get(pg->view, "act"), "assign"))) {
		mw_req_set_query(pg->r, "department", staff_str(c, "department"));
		staff_call(pg, PERM_ASSIGN, api_staff_assignees, NULL, got_assignees);
	} else {
		got_assignees(pg, 0, NULL);
	}
}

static void got_categories(mw_page *pg, int status, json_t *answer)
{
	(void)status;
	json_object_set_new(pg->view, "categories",
			    mw_page_categories(pg, json_object_get(answer, "items"), NULL));
	if (state(pg)->reveal_reason) {
		mw_req_set_query(pg->r, "reveal", "1");
		mw_req_set_query(pg->r, "reason", state(pg)->reveal_reason);
	} else {
		/* Only the reveal form unmasks, never a link. */
		mw_req_set_query(pg->r, "reveal", NULL);
		mw_req_set_query(pg->r, "reason", NULL);
	}
	staff_call(pg, PERM_READ, api_staff_complaint, NULL, got_complaint);
}

static void got_departments(mw_page *pg, int status, json_t *answer)
{
	if (status == 200)
		staff_keep_departments(pg, answer, NULL);
	staff_call(pg, PERM_PUBLIC, api_categories, NULL, got_categories);
}

void staff_show_complaint(mw_page *pg)
{
	/* A re-run (reveal refused) starts from a fresh list. */
	json_object_del(pg->view, "departments");
	staff_call(pg, PERM_STAFF, api_departments, NULL, got_departments);
}

struct case_state *staff_case_state(mw_page *pg)
{
	struct case_state *st = mw_arena_alloc(&pg->r->arena, sizeof(*st));

	if (st)
		memset(st, 0, sizeof(*st));
	pg->data = st;
	return st;
}

/* ---- pages --------------------------------------------------------------- */

int web_staff_complaint(mw_req *r)
{
	static const char *const err[] = { "stale" };
	const char *done[32];
	size_t ndone = 0;
	mw_page *pg = staff_begin(r, "queue");

	if (!pg)
		return MW_OK;
	if (!staff_case_state(pg)) {
		staff_fail(pg, 503);
		return MW_OK;
	}
	/* ?done=<action> after a post: "보완 요청을 보냈습니다." */
	while (ndone < MW_ARRAY_LEN(done) && (done[ndone] = staff_action_name(ndone)))
		ndone++;
	staff_notes(pg, "case.", done, ndone, err, MW_ARRAY_LEN(err));
	staff_show_complaint(pg);
	return MW_OK;
}

/* POST /staff/c/{receipt}/reveal: the contact data, once, for a reason
 * that the API writes to the access log before it answers. */
int web_staff_reveal(mw_req *r)
{
	mw_page *pg = staff_begin(r, "queue");
	struct case_state *st;

	if (!pg || mw_page_form(pg))
		return MW_OK;
	if (!(st = staff_case_state(pg))) {
		staff_fail(pg, 503);
		return MW_OK;
	}
	st->reveal_reason = staff_field(pg, "reason");
	if (!st->reveal_reason) {
		st->reveal_error_key = "case.reveal_reason_required";
		st->status = 400;
	}
	staff_show_complaint(pg);
	return MW_OK;
}

/* GET /staff/photo/{complaint id}/{photo id}: the original photo, through
 * the API's staff handler (which checks who may see it). */
int web_staff_photo(mw_req *r)
{
	api_attachment_staff(r);
	if (r->status >= 400) {
		mw_web_error_page(r, r->status);
		return MW_OK;
	}
	r->cache_control = "private, max-age=3600";
	return MW_OK;
}

/*
 * events.c - what an event means for notifications, written in the
 * event's own unit of work: the notices (citizen outbox rows, staff inbox
 * items and e-mail, duty contacts, webhook rows) and the complaint's
 * reminder plan.
 *
 * Which action tells whom is the table action_rules; monitor.c has the
 * same for reminders. Everything here runs on the writer thread.
 */
#include "notify_int.h"
#include "../base/log.h"
#include "../base/mw.h"

#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define NONE (-1)

#define ANY_STATE 0u
#define FROM(s) (1u << MW_STATUS_##s)

/* A lifecycle action (taken from the states in `from`, ANY_STATE for
 * all): the citizen's notice, the staff notice and who gets the latter. */
static const struct action_rule {
	mw_action action;
	unsigned from;
	int citizen;
	int staff;
	mw_audience to;
} action_rules[] = {
	{ MW_ACT_ASSIGN, ANY_STATE, MW_NOTICE_ASSIGNED, MW_NOTICE_NEW_ASSIGNMENT, MW_TO_ASSIGNEE },
	{ MW_ACT_TRANSFER, ANY_STATE, MW_NOTICE_TRANSFERRED, MW_NOTICE_NEW_COMPLAINT,
	  MW_TO_MANAGERS },
	{ MW_ACT_REQUEST_INFO, ANY_STATE, MW_NOTICE_NEEDS_INFO, NONE, MW_TO_NOBODY },
	{ MW_ACT_PROVIDE_INFO, ANY_STATE, NONE, MW_NOTICE_INFO_PROVIDED, MW_TO_ASSIGNEE },
	{ MW_ACT_RESUME, ANY_STATE, MW_NOTICE_RESUMED, NONE, MW_TO_NOBODY },
	{ MW_ACT_EXTEND, ANY_STATE, MW_NOTICE_EXTENDED, NONE, MW_TO_NOBODY },
	{ MW_ACT_INTERIM_NOTICE, ANY_STATE, MW_NOTICE_INTERIM, NONE, MW_TO_NOBODY },
	{ MW_ACT_DELAY_NOTICE, ANY_STATE, MW_NOTICE_DELAY, NONE, MW_TO_NOBODY },
	{ MW_ACT_ANSWER, ANY_STATE, MW_NOTICE_ANSWERED, NONE, MW_TO_NOBODY },
	/* Closed unanswered after 보완 (반려): the citizen hears why. After an
	 * answer they know already. */
	{ MW_ACT_CLOSE, FROM(NEEDS_INFO), MW_NOTICE_CLOSED, NONE, MW_TO_NOBODY },
	{ MW_ACT_COOPERATE, ANY_STATE, NONE, MW_NOTICE_COOPERATION, MW_TO_DEPARTMENT },
};

#undef FROM

/* Roles that receive each audience (",role,role," for the store). */
static const char *audience_roles(mw_audience to)
{
	switch (to) {
	case MW_TO_DEPARTMENT: return ",manager,officer,";
	case MW_TO_COUNSELLORS: return ",desk,";
	default: return ",manager,";
	}
}

static const char *department_name(mw_notify *n, const char *code, bool en)
{
	const mw_department *d = code ? mw_ref_department(n->ref, code) : NULL;

	if (!d)
		return code;
	return en && d->name_en && *d->name_en ? d->name_en : d->name_ko;
}

json_t *mw_notify_vars(mw_notify *n, const mw_complaint *c)
{
	json_t *v = json_object();
	const mw_category *cat;

	if (!v)
		return NULL;
	json_object_set_new(v, "office", json_string(n->cfg.office_name ? n->cfg.office_name : ""));
	if (!c)
		return v;
	cat = mw_ref_category(n->ref, c->category);
	json_object_set_new(v, "receipt_no", json_string(c->receipt_no));
	json_object_set_new(v, "title", json_string(c->title ? c->title : ""));
	json_object_set_new(v, "category", json_string(cat ? cat->name_ko : c->category));
	json_object_set_new(v, "department", json_string(department_name(n, c->department, false)));
	json_object_set_new(v, "department_en", json_string(department_name(n, c->department, true)));
	json_object_set_new(v, "status", json_string(mw_status_label_ko(c->status)));
	if (c->due_at)
		json_object_set_new(v, "due_at", json_integer(c->due_at));
	if (c->assignee)
		json_object_set_new(v, "assignee", json_string(c->assignee));
	if (c->address)
		json_object_set_new(v, "address", json_string(c->address));
	return v;
}

bool mw_notify_office_hours(mw_notify *n, mw_time t)
{
	mw_civil k;

	mw_time_to_kst(t, &k);
	return mw_calendar_is_workday(n->ref->cal, k.year, k.month, k.day) && k.hour >= 9 &&
	       k.hour < 18;
}

/* ---- writing rows ------------------------------------------------------ */

static int add_row(mw_tx *tx, const mw_notice_out *o, mw_chan ch, const char *recipient,
		   const char *lang, const char *vars, const char *secret)
{
	mw_time now = mw_now();
	mw_outbox_row row = {
		.created_at = now,
		.kind = mw_notice_name(o->kind),
		.channel = ch,
		.recipient = recipient,
		.complaint_id = o->c ? o->c->id : 0,
		.lang = lang,
		.vars = vars,
		.secret_sealed = secret,
		.urgent = o->urgent,
		.state = MW_OUTBOX_PENDING,
		.next_at = now,
	};

	return mw_tx_outbox_add(tx, &row, NULL);
}

/* A channel takes rows when it can send, or when training mode records
 * what it would have sent. */
static bool channel_on(mw_notify *n, mw_chan ch)
{
	return mw_notify_channel_configured(&n->cfg, ch) || (n->cfg.training && ch != MW_CHAN_WEBHOOK);
}

/* The channels of prefs that can carry a message now. */
static unsigned citizen_channels(mw_notify *n, const mw_notify_prefs *prefs)
{
	unsigned on = 0;

	for (int ch = MW_CHAN_EMAIL; ch <= MW_CHAN_KAKAO; ch++)
		if ((prefs->channels & (1u << ch)) && channel_on(n, (mw_chan)ch))
			on |= 1u << ch;
	return on;
}

static int emit_citizen(mw_tx *tx, mw_notify *n, const mw_notice_out *o, const char *vars)
{
	mw_notify_prefs prefs;
	char *secret = NULL;
	int rc;

	if (!o->c)
		return MW_OK;
	if (o->prefs) {
		prefs = *o->prefs;
	} else {
		rc = mw_tx_notify_prefs_get(tx, o->c->id, &prefs);
		if (rc == MW_ERR_NOTFOUND)
			return MW_OK;
		if (rc)
			return rc;
	}
	if (!(prefs.channels = citizen_channels(n, &prefs)))
		return MW_OK;
	if (o->secret_json) {
		char ad[48];

		snprintf(ad, sizeof(ad), "notice:%s", o->c->receipt_no);
		if ((rc = mw_seal(&n->keys, ad, o->secret_json, strlen(o->secret_json), &secret)))
			return rc;
	}
	for (int ch = MW_CHAN_EMAIL; !rc && ch <= MW_CHAN_KAKAO; ch++)
		if (prefs.channels & (1u << ch))
			rc = add_row(tx, o, (mw_chan)ch, "citizen", prefs.lang, vars, secret);
	free(secret);
	return rc;
}

/* The staff members a notice goes to, without repeats. */
static int resolve_staff(mw_tx *tx, const mw_notice_out *o, mw_arena *a,
			 mw_staff_contact **out, size_t *nout)
{
	const char *dept = o->department ? o->department : o->c ? o->c->department : NULL;
	mw_staff_contact *people = NULL, *more = NULL, one;
	size_t np = 0, nm = 0;
	bool assignee = o->to == MW_TO_ASSIGNEE || o->to == MW_TO_ASSIGNEE_AND_MANAGERS;
	int rc = MW_OK;

	*out = NULL;
	*nout = 0;
	if (assignee && o->c && o->c->assignee) {
		rc = mw_tx_staff_contact_get(tx, o->c->assignee, a, &one);
		if (rc == MW_OK) {
			people = mw_arena_alloc(a, sizeof(*people));
			if (!people)
				return MW_ERR_NOMEM;
			people[0] = one;
			np = 1;
		} else if (rc != MW_ERR_NOTFOUND) {
			return rc;
		}
		if (o->to == MW_TO_ASSIGNEE && np) {
			*out = people;
			*nout = np;
			return MW_OK;
		}
	}
	rc = mw_tx_staff_recipients(tx, o->to == MW_TO_COUNSELLORS ? NULL : dept,
				    audience_roles(o->to), a, &more, &nm);
	if (!rc && !nm && o->to == MW_TO_COUNSELLORS)
		rc = mw_tx_staff_recipients(tx, NULL, ",admin,", a, &more, &nm);
	if (rc)
		return rc;
	if (nm) {
		mw_staff_contact *all = mw_arena_alloc(a, (np + nm) * sizeof(*all));
		const char *assigned = np ? people[0].login : NULL;

		if (!all)
			return MW_ERR_NOMEM;
		if (np)
			all[0] = people[0];
		for (size_t i = 0; i < nm; i++)
			if (!assigned || strcmp(more[i].login, assigned))
				all[np++] = more[i];
		people = all;
	}
	*out = people;
	*nout = np;
	return MW_OK;
}

static int emit_staff(mw_tx *tx, mw_notify *n, const mw_notice_out *o, const char *vars)
{
	mw_arena a = MW_ARENA_INIT;
	mw_staff_contact *people;
	size_t np;
	mw_time now = mw_now();
	int rc;

	if (o->to == MW_TO_NOBODY)
		return MW_OK;
	rc = resolve_staff(tx, o, &a, &people, &np);
	for (size_t i = 0; !rc && i < np; i++) {
		mw_inbox_row item = {
			.login = people[i].login,
			.at = now,
			.kind = mw_notice_name(o->kind),
			.complaint_id = o->c ? o->c->id : 0,
			.receipt_no = o->c ? o->c->receipt_no : NULL,
			.vars = vars,
		};

		rc = mw_tx_inbox_add(tx, &item);
		if (!rc && people[i].email && channel_on(n, MW_CHAN_EMAIL))
			rc = add_row(tx, o, MW_CHAN_EMAIL, people[i].login, "ko", vars, NULL);
		/* Escalations, deadlines and urgent complaints also by SMS, for
		 * the kinds staff-sms names (quiet hours are for citizens). */
		if (!rc && people[i].phone && *people[i].phone &&
		    (n->cfg.staff_sms_kinds & (UINT64_C(1) << o->kind)) && channel_on(n, MW_CHAN_SMS))
			rc = add_row(tx, o, MW_CHAN_SMS, people[i].login, "ko", vars, NULL);
	}
	/* Outside office hours an urgent complaint also reaches whoever is on
	 * duty, by e-mail and SMS. */
	if (!rc && o->urgent && !mw_notify_office_hours(n, now)) {
		if (n->cfg.duty_email && channel_on(n, MW_CHAN_EMAIL))
			rc = add_row(tx, o, MW_CHAN_EMAIL, "duty", "ko", vars, NULL);
		if (!rc && n->cfg.duty_phone && channel_on(n, MW_CHAN_SMS))
			rc = add_row(tx, o, MW_CHAN_SMS, "duty", "ko", vars, NULL);
	}
	mw_arena_release(&a);
	return rc;
}

/* Wakes the senders once the unit that wrote the rows has committed: a
 * no-op unit queued behind it calls back after its batch is durable. */
static int kick_run(mw_tx *tx, mw_work *w)
{
	MW_UNUSED(tx);
	MW_UNUSED(w);
	return MW_OK;
}

static void kick_done(mw_work *w)
{
	mw_notify *n = (mw_notify *)((char *)w - offsetof(mw_notify, kick_work));

	atomic_store(&n->kick_queued, false);
	mw_notify_kick_senders(n);
}

static void kick_after_commit(mw_notify *n)
{
	bool expected = false;

	if (!atomic_compare_exchange_strong(&n->kick_queued, &expected, true))
		return;
	n->kick_work.run = kick_run;
	n->kick_work.done = kick_done;
	if (mw_store_submit(n->store, &n->kick_work))
		atomic_store(&n->kick_queued, false);
}

int mw_notify_emit(mw_tx *tx, mw_notify *n, mw_notice_out *o)
{
	char *vars;
	int rc;

	if (!o->vars)
		return MW_ERR_NOMEM;
	vars = json_dumps(o->vars, JSON_COMPACT);
	json_decref(o->vars);
	o->vars = NULL;
	if (!vars)
		return MW_ERR_NOMEM;
	rc = mw_notice_for_citizen(o->kind) ? emit_citizen(tx, n, o, vars)
					    : emit_staff(tx, n, o, vars);
	if (!rc && mw_notify_channel_configured(&n->cfg, MW_CHAN_WEBHOOK))
		rc = add_row(tx, o, MW_CHAN_WEBHOOK, "webhook", "ko", vars, NULL);
	free(vars);
	if (!rc)
		kick_after_commit(n);
	return rc;
}

static bool is_done(const mw_reminder_row *done, size_t n, mw_remind_kind kind, mw_time at)
{
	for (size_t i = 0; i < n; i++)
		if (done[i].kind == (int)kind && done[i].fire_at == at)
			return true;
	return false;
}

int mw_notify_replan(mw_tx *tx, mw_notify *n, const mw_complaint *c, bool fresh, mw_time after,
		     mw_time *next_at)
{
	mw_remind_plan plan;
	mw_reminder_row *done = NULL;
	size_t ndone = 0;
	mw_arena a = MW_ARENA_INIT;
	int rc = MW_OK;

	if (next_at)
		*next_at = 0;
	mw_remind_plan_complaint(n->ref->cal, c, &n->policy, false, &plan);
	if (!fresh && ((rc = mw_tx_reminders_clear(tx, c->id)) ||
		       (rc = mw_tx_reminders_done(tx, c->id, &a, &done, &ndone))))
		goto out;
	for (size_t i = 0; i < plan.n; i++) {
		mw_reminder_row r = { .complaint_id = c->id, .kind = plan.r[i].kind, .ref = "",
				      .fire_at = plan.r[i].at, .target = plan.r[i].target };

		if (r.fire_at <= after || is_done(done, ndone, plan.r[i].kind, r.fire_at))
			continue;
		rc = mw_tx_reminder_add(tx, &r);
		if (!rc && next_at)
			*next_at = r.fire_at;
		break;
	}
out:
	mw_arena_release(&a);
	return rc;
}

int mw_notify_plan_coop(mw_tx *tx, mw_notify *n, int64_t complaint_id, const char *department,
			mw_time requested_at, mw_time due_at, mw_time after)
{
	mw_reminder_row r = { .complaint_id = complaint_id, .kind = MW_REMIND_COOP,
			      .ref = department, .target = due_at,
			      .fire_at = mw_remind_coop_at(n->ref->cal, requested_at, due_at,
							   &n->policy) };

	return r.fire_at && r.fire_at > after ? mw_tx_reminder_add(tx, &r) : MW_OK;
}

/* A 중간통보 was given: the plan's prompt is recorded as cancelled,
 * whether it is the pending reminder yet or not. */
static int cancel_interim(mw_tx *tx, mw_notify *n, const mw_complaint *c)
{
	mw_remind_plan plan;
	int rc = mw_tx_reminders_cancel(tx, c->id, MW_REMIND_INTERIM, NULL);

	mw_remind_plan_complaint(n->ref->cal, c, &n->policy, false, &plan);
	for (size_t i = 0; !rc && i < plan.n; i++) {
		mw_reminder_row r = { .complaint_id = c->id, .kind = plan.r[i].kind, .ref = "",
				      .fire_at = plan.r[i].at, .target = plan.r[i].target,
				      .fired_at = -1 };

		if (plan.r[i].kind == MW_REMIND_INTERIM)
			rc = mw_tx_reminder_add(tx, &r);
	}
	return rc;
}

/* ---- hooks ------------------------------------------------------------- */

static bool contact_has(json_t *contact, const char *key)
{
	const char *v = json_string_value(json_object_get(contact, key));

	return v && *v;
}

int mw_notify_on_intake(mw_tx *tx, mw_notify *n, const mw_complaint *c, const char *contact_json,
			const char *token)
{
	mw_notice_out o = { .kind = MW_NOTICE_RECEIVED, .c = c, .urgent = c->urgent };
	mw_notify_prefs prefs = { 0 };
	char *secret = NULL;
	int rc;

	if (!n)
		return MW_OK;
	o.prefs = &prefs;
	if (contact_json) {
		json_t *contact = json_loads(contact_json, 0, NULL);
		json_t *choice = json_object_get(contact, "notify");
		json_t *ch;
		size_t i;

		/* Only what the contact allows: e-mail needs an address,
		 * SMS and 알림톡 a phone number. */
		json_array_foreach(json_object_get(choice, "channels"), i, ch) {
			mw_chan k;

			if (json_is_string(ch) && !mw_chan_parse(json_string_value(ch), &k) &&
			    ((k == MW_CHAN_EMAIL && contact_has(contact, "email")) ||
			     ((k == MW_CHAN_SMS || k == MW_CHAN_KAKAO) && contact_has(contact, "phone"))))
				prefs.channels |= 1u << k;
		}
		mw_strlcpy(prefs.lang, json_string_value(json_object_get(choice, "lang")) ?
					       json_string_value(json_object_get(choice, "lang")) : "ko",
			   sizeof(prefs.lang));
		json_decref(contact);
		if (prefs.channels && (rc = mw_tx_notify_prefs_put(tx, c->id, &prefs)))
			return rc;
	}
	if ((rc = mw_notify_replan(tx, n, c, true, 0, NULL)))
		return rc;
	/* Nobody to tell (no channel the citizen chose is configured, no
	 * webhook): no message to make. */
	if (!citizen_channels(n, &prefs) && !mw_notify_channel_configured(&n->cfg, MW_CHAN_WEBHOOK))
		goto staff;
	o.vars = mw_notify_vars(n, c);
	if (token && n->cfg.public_url) {
		char url[600];
		json_t *sj;

		/* The tracking page, as in the filing's answer (track_url): the
		 * token in the fragment reaches no server log. */
		snprintf(url, sizeof(url), "%s/track#%s.%s", n->cfg.public_url, c->receipt_no,
			 token);
		sj = json_pack("{s:s}", "track_url", url);
		secret = sj ? json_dumps(sj, JSON_COMPACT) : NULL;
		json_decref(sj);
		sodium_memzero(url, sizeof(url));
	}
	o.secret_json = secret;
	rc = mw_notify_emit(tx, n, &o);
	free(secret);
staff:
	if (!rc && c->urgent) {
		mw_notice_out u = { .kind = MW_NOTICE_URGENT, .c = c, .vars = mw_notify_vars(n, c),
				    .to = MW_TO_DEPARTMENT, .urgent = true };

		rc = mw_notify_emit(tx, n, &u);
	}
	/* A citizen who asked to be called back waits for a person: the
	 * department (managers and officers) hears of it at once. */
	if (!rc && c->callback == MW_CALLBACK_PENDING) {
		mw_notice_out cb = { .kind = MW_NOTICE_CALLBACK, .c = c, .vars = mw_notify_vars(n, c),
				     .to = MW_TO_DEPARTMENT, .urgent = false };

		rc = mw_notify_emit(tx, n, &cb);
	}
	return rc;
}

int mw_notify_on_track_code(mw_tx *tx, mw_notify *n, const mw_complaint *c, const char *code)
{
	mw_notice_out o = { .kind = MW_NOTICE_TRACK_CODE, .c = c, .urgent = true };
	mw_notify_prefs prefs = { .lang = "ko" };
	char ad[48], secret_json[64], *secret = NULL;
	char *vars = NULL;
	int rc;

	if (!n)
		return MW_OK;
	/* By SMS whatever channels were chosen at filing: the citizen just
	 * proved to hold this phone number, and asked for the code. */
	if (!channel_on(n, MW_CHAN_SMS))
		return MW_OK;
	rc = mw_tx_notify_prefs_get(tx, c->id, &prefs);
	if (rc == MW_ERR_NOTFOUND)
		mw_strlcpy(prefs.lang, "ko", sizeof(prefs.lang));
	else if (rc)
		return rc;
	o.vars = mw_notify_vars(n, c);
	vars = o.vars ? json_dumps(o.vars, JSON_COMPACT) : NULL;
	json_decref(o.vars);
	if (!vars)
		return MW_ERR_NOMEM;
	snprintf(secret_json, sizeof(secret_json), "{\"code\":\"%s\"}", code);
	snprintf(ad, sizeof(ad), "notice:%s", c->receipt_no);
	rc = mw_seal(&n->keys, ad, secret_json, strlen(secret_json), &secret);
	sodium_memzero(secret_json, sizeof(secret_json));
	if (!rc)
		rc = add_row(tx, &o, MW_CHAN_SMS, "citizen", prefs.lang, vars, secret);
	free(secret);
	free(vars);
	if (!rc)
		kick_after_commit(n);
	return rc;
}

static const struct action_rule *action_rule(mw_action a, mw_status from)
{
	for (size_t i = 0; i < MW_ARRAY_LEN(action_rules); i++)
		if (action_rules[i].action == a &&
		    (action_rules[i].from == ANY_STATE || (action_rules[i].from & (1u << from))))
			return &action_rules[i];
	return NULL;
}

/* The variables only some actions have. */
static void action_vars(mw_notify *n, json_t *v, const mw_complaint *before,
			const mw_complaint *after, const mw_action_req *act, const mw_event *ev)
{
	if (act->text)
		json_object_set_new(v, "reason", json_string(act->text));
	switch (act->type) {
	case MW_ACT_TRANSFER:
		json_object_set_new(v, "to_department",
				    json_string(act->agency ? act->agency
							    : department_name(n, after->department, false)));
		json_object_set_new(v, "from_department",
				    json_string(department_name(n, before->department, false)));
		break;
	case MW_ACT_REQUEST_INFO:
		json_object_set_new(v, "info_due_at",
				    json_integer(mw_lifecycle_info_due(n->ref->cal, after,
								       n->policy.info_period)));
		break;
	case MW_ACT_DELAY_NOTICE:
		json_object_set_new(v, "new_due_at", json_integer(act->expected_at));
		break;
	case MW_ACT_COOPERATE:
		json_object_set_new(v, "from_department",
				    json_string(department_name(n, before->department, false)));
		json_object_set_new(v, "cooperation_due_at", json_integer(ev->sub_due));
		break;
	default:
		break;
	}
}

int mw_notify_on_action(mw_tx *tx, mw_notify *n, const mw_complaint *before,
			const mw_complaint *after, const mw_action_req *act, const mw_event *ev,
			const char *coop_department)
{
	const struct action_rule *rule;
	int rc;

	if (!n)
		return MW_OK;
	if (act->type == MW_ACT_INTERIM_NOTICE && (rc = cancel_interim(tx, n, after)))
		return rc;
	if ((rc = mw_notify_replan(tx, n, after, false, 0, NULL)))
		return rc;
	if (act->type == MW_ACT_COOP_REPLY && coop_department &&
	    (rc = mw_tx_reminders_cancel(tx, after->id, MW_REMIND_COOP, coop_department)))
		return rc;
	if (act->type == MW_ACT_COOPERATE && ev->sub_due &&
	    (rc = mw_notify_plan_coop(tx, n, after->id, act->department, ev->at, ev->sub_due, 0)))
		return rc;
	if (!(rule = action_rule(act->type, before->status)))
		return MW_OK;
	if (rule->citizen != NONE) {
		mw_notice_out o = { .kind = (mw_notice)rule->citizen, .c = after,
				    .vars = mw_notify_vars(n, after), .urgent = after->urgent };

		if (o.vars)
			action_vars(n, o.vars, before, after, act, ev);
		if ((rc = mw_notify_emit(tx, n, &o)))
			return rc;
	}
	/* A transfer out of the office has nobody here to tell. */
	if (rule->staff != NONE && !(act->type == MW_ACT_TRANSFER && act->agency)) {
		mw_notice_out o = { .kind = (mw_notice)rule->staff, .c = after,
				    .vars = mw_notify_vars(n, after), .to = rule->to,
				    .urgent = false };

		if (act->type == MW_ACT_COOPERATE)
			o.department = act->department;
		if (o.vars)
			action_vars(n, o.vars, before, after, act, ev);
		if ((rc = mw_notify_emit(tx, n, &o)))
			return rc;
	}
	return MW_OK;
}

int mw_notify_on_handoff(mw_tx *tx, mw_notify *n, int64_t session_id, const char *reason)
{
	mw_notice_out o = { .kind = MW_NOTICE_CHAT_HANDOFF, .to = MW_TO_COUNSELLORS };

	if (!n)
		return MW_OK;
	o.vars = mw_notify_vars(n, NULL);
	if (o.vars) {
		json_object_set_new(o.vars, "session", json_integer(session_id));
		json_object_set_new(o.vars, "reason", json_string(reason ? reason : ""));
	}
	return mw_notify_emit(tx, n, &o);
}

/* ---- the citizen's choice at intake ------------------------------------ */

int mw_notify_prefs_json(const char *notify_json, bool has_email, bool has_phone, mw_buf *out,
			 char *err, size_t errsz)
{
	json_t *v = notify_json ? json_loads(notify_json, JSON_DECODE_ANY, NULL) : NULL;
	json_t *channels, *ch, *chosen = json_array();
	const char *lang = "ko";
	size_t i;
	char *text;
	int rc = MW_ERR_INVALID;

	if (!chosen)
		goto out;
	if (!v) {
		/* The default: every channel the contact allows but 알림톡,
		 * which needs the citizen's own choice. */
		if (has_email)
			json_array_append_new(chosen, json_string("email"));
		if (has_phone)
			json_array_append_new(chosen, json_string("sms"));
	} else if (json_is_false(v)) {
		/* Opted out. */
	} else if (json_is_object(v)) {
		json_t *l = json_object_get(v, "lang");
		const char *key;
		json_t *val;

		json_object_foreach(v, key, val) {
			if (strcmp(key, "channels") && strcmp(key, "lang")) {
				snprintf(err, errsz, "notify.%.40s is not known (channels, lang)", key);
				goto out;
			}
		}
		if (l && !(json_is_string(l) && (!strcmp(json_string_value(l), "ko") ||
						  !strcmp(json_string_value(l), "en")))) {
			snprintf(err, errsz, "notify.lang must be ko or en");
			goto out;
		}
		if (l)
			lang = json_string_value(l);
		channels = json_object_get(v, "channels");
		if (channels && !json_is_array(channels)) {
			snprintf(err, errsz, "notify.channels must be a list such as [\"email\", \"sms\"]");
			goto out;
		}
		json_array_foreach(channels, i, ch) {
			mw_chan k;

			if (!json_is_string(ch) || mw_chan_parse(json_string_value(ch), &k) ||
			    k == MW_CHAN_WEBHOOK) {
				snprintf(err, errsz, "notify.channels may hold email, sms and kakao");
				goto out;
			}
			if (k == MW_CHAN_EMAIL ? !has_email : !has_phone) {
				snprintf(err, errsz, "notify by %s needs contact.%s", mw_chan_name(k),
					 k == MW_CHAN_EMAIL ? "email" : "phone");
				goto out;
			}
			json_array_append(chosen, ch);
		}
		if (!channels) {
			if (has_email)
				json_array_append_new(chosen, json_string("email"));
			if (has_phone)
				json_array_append_new(chosen, json_string("sms"));
		}
	} else {
		snprintf(err, errsz, "notify must be an object {\"channels\": [...], \"lang\": \"ko\"} "
				     "or false");
		goto out;
	}
	{
		json_t *obj = json_pack("{s:O,s:s}", "channels", chosen, "lang", lang);

		text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
		json_decref(obj);
		rc = text && !mw_buf_puts(out, text) ? MW_OK : MW_ERR_NOMEM;
		free(text);
	}
out:
	json_decref(chosen);
	json_decref(v);
	return rc;
}

/*
 * complaints.c - the citizen side of the API: filing a complaint (with
 * group commit and idempotent retries), the status view, and the
 * citizen's own actions (messages, rating, withdrawal).
 */
#include "actions.h"
#include "api.h"
#include "routing.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../core/receipt.h"
#include "../notify/notify.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

struct intake_work {
	mw_work w;
	mw_req *r;
	mw_app *app;
	mw_complaint c;
	mw_complaint_secret sec;
	char *contact_plain;          /* JSON, sealed in the writer */
	size_t contact_len;
	char token[MW_TOKEN_CHARS + 1];
	bool has_idem;
	char idem_hash[MW_DIGEST_HEX];
	char request_hash[MW_DIGEST_HEX];
	bool replayed;
	const char *replay_token_sealed;
	mw_refdata *ref;
};

/* ---- intake --------------------------------------------------------- */

/* Internal events that put a new complaint in front of people: danger
 * (the department's queue shows urgent ones first and alerts), routing
 * left to a person, and a person filing the same thing again. */
static int intake_flags(mw_tx *tx, const mw_complaint *c)
{
	mw_event ev = { .from = c->status, .to = c->status, .at = c->received_at,
			.due_at = c->due_at };
	int rc = MW_OK;

	if (c->urgent) {
		ev.kind = "alert";
		ev.text = "긴급: 생명·안전 위험이 의심되는 신고입니다. 즉시 확인하세요.";
		snprintf(ev.buf, sizeof(ev.buf), "%s", c->department);
		rc = mw_tx_event_insert(tx, c->id, &ev, "system", NULL);
	}
	if (!rc && c->ai_category && !strcmp(c->category, MW_TRIAGE_CATEGORY)) {
		ev.kind = "triage";
		ev.text = "자동 분류 신뢰도가 낮아 분류 대기 중입니다.";
		snprintf(ev.buf, sizeof(ev.buf), "%s %.2f", c->ai_category, c->ai_confidence);
		rc = mw_tx_event_insert(tx, c->id, &ev, "system", NULL);
	}
	if (!rc && c->repeat_of) {
		ev.kind = "repeat";
		ev.text = "같은 민원인이 최근 비슷한 민원을 접수했습니다 (반복민원).";
		snprintf(ev.buf, sizeof(ev.buf), "%lld", (long long)c->repeat_of);
		rc = mw_tx_event_insert(tx, c->id, &ev, "system", NULL);
	}
	return rc;
}

int mw_intake_write(mw_tx *tx, mw_app *app, mw_arena *a, mw_complaint *c,
		    mw_complaint_secret *sec, const char *contact_plain, size_t contact_len)
{
	mw_event ev;
	int64_t seq;
	char *sealed = NULL;
	int rc;

	if ((rc = mw_tx_receipt_next(tx, mw_receipt_period(c->received_at), &seq)))
		return rc;
	if ((rc = mw_receipt_format(mw_receipt_period(c->received_at), seq, c->receipt_no,
				    sizeof(c->receipt_no))))
		return rc;
	if (contact_plain) {
		if ((rc = mw_seal(&app->keys, c->receipt_no, contact_plain, contact_len, &sealed)))
			return rc;
		sec->contact_sealed = mw_arena_strdup(a, sealed);
		free(sealed);
	}
	if ((rc = mw_tx_complaint_insert(tx, c, sec, &c->id)))
		return rc;
	ev = (mw_event){
		.kind = "received",
		.is_public = true,
		.from = MW_STATUS_RECEIVED,
		.to = MW_STATUS_RECEIVED,
		.at = c->received_at,
		.due_at = c->due_at,
	};
	snprintf(ev.buf, sizeof(ev.buf), "%s", mw_channel_name(c->channel));
	if ((rc = mw_tx_event_insert(tx, c->id, &ev, c->filed_by ? c->filed_by : "citizen", NULL)))
		return rc;
	if ((rc = intake_flags(tx, c)))
		return rc;
	return mw_notify_on_intake(tx, app->notify, c, contact_plain, sec->token);
}

static int intake_run(mw_tx *tx, mw_work *w)
{
	struct intake_work *iw = (struct intake_work *)w;
	mw_arena *a = &iw->r->arena;
	char *sealed = NULL;
	int rc;

	if (iw->has_idem) {
		mw_idem_row row;

		rc = mw_tx_idem_get(tx, iw->idem_hash, a, &row);
		if (rc == MW_OK) {
			if (strcmp(row.request_hash, iw->request_hash))
				return MW_ERR_IDEMPOTENCY;
			rc = mw_tx_complaint_get(tx, row.complaint_id, a, &iw->c, NULL);
			if (rc)
				return rc;
			iw->replayed = true;
			iw->replay_token_sealed = row.token_sealed;
			return MW_OK;
		}
		if (rc != MW_ERR_NOTFOUND)
			return rc;
	}
	if ((rc = mw_intake_write(tx, iw->app, a, &iw->c, &iw->sec, iw->contact_plain,
				  iw->contact_len)))
		return rc;
	if (iw->has_idem) {
		mw_idem_row row = { .complaint_id = iw->c.id };
		char ad[64];

		/* The token itself must come back on a retry, so it is kept,
		 * sealed, next to the key. */
		snprintf(ad, sizeof(ad), "idem:%s", iw->c.receipt_no);
		if ((rc = mw_seal(&iw->app->keys, ad, iw->token, strlen(iw->token), &sealed)))
			return rc;
		mw_strlcpy(row.request_hash, iw->request_hash, sizeof(row.request_hash));
		row.token_sealed = sealed;
		rc = mw_tx_idem_put(tx, iw->idem_hash, &row);
		free(sealed);
		if (rc)
			return rc;
	}
	return MW_OK;
}

static void intake_done(mw_work *w)
{
	mw_req_resume(((struct intake_work *)w)->r);
}

static void intake_answer(mw_req *r)
{
	struct intake_work *iw = r->work;
	const mw_category *cat;
	const mw_department *dep;
	mw_buf b = MW_BUF_INIT;
	const char *token = iw->token;
	int rc = iw->w.rc;

	if (iw->contact_plain) {
		sodium_memzero(iw->contact_plain, iw->contact_len);
		free(iw->contact_plain);
		iw->contact_plain = NULL;
	}
	if (rc == MW_ERR_IDEMPOTENCY) {
		mw_resp_err(r, rc, "Idempotency-Key was already used for a different complaint");
		goto out;
	}
	if (rc) {
		mw_log_error("intake", "event=intake_failed err=%s", mw_err_code(rc));
		mw_resp_err(r, rc == MW_ERR_DB ? MW_ERR_BUSY : rc,
			    "the complaint could not be saved; nothing was filed, please retry");
		goto out;
	}
	if (iw->replayed) {
		char ad[64], *plain = NULL;

		snprintf(ad, sizeof(ad), "idem:%s", iw->c.receipt_no);
		if (mw_unseal(&r->app->keys, ad, iw->replay_token_sealed, &plain, NULL)) {
			mw_resp_err(r, MW_ERR_CRYPTO, "cannot recover the receipt for this key");
			goto out;
		}
		token = mw_arena_strdup(&r->arena, plain);
		sodium_memzero(plain, strlen(plain));
		free(plain);
		mw_resp_header(r, "Idempotent-Replayed", "true");
	}
	cat = mw_ref_category(iw->ref, iw->c.category);
	dep = mw_ref_department(iw->ref, iw->c.department);
	mw_buf_puts(&b, "{\"receipt_no\":");
	mw_buf_json_str(&b, iw->c.receipt_no);
	mw_buf_puts(&b, ",\"token\":");
	mw_buf_json_str(&b, token);
	mw_buf_puts(&b, ",\"status\":");
	mw_buf_json_str(&b, mw_status_name(iw->c.status));
	mw_buf_puts(&b, ",\"category\":");
	mw_buf_json_str(&b, iw->c.category);
	mw_buf_puts(&b, ",\"category_name\":");
	mw_buf_json_str(&b, cat ? cat->name_ko : NULL);
	mw_buf_puts(&b, ",\"department\":");
	mw_buf_json_str(&b, iw->c.department);
	mw_buf_puts(&b, ",\"department_name\":");
	mw_buf_json_str(&b, dep ? dep->name_ko : NULL);
	mw_buf_printf(&b, ",\"urgent\":%s", iw->c.urgent ? "true" : "false");
	mw_buf_json_kv(&b, "callback", mw_callback_name(iw->c.callback));
	mw_api_json_time(&b, "received_at", iw->c.received_at, true);
	mw_api_json_time(&b, "due_at", iw->c.due_at, true);
	mw_api_track_url_json(&b, r->app->public_url, iw->c.receipt_no, token);
	mw_buf_putc(&b, '}');
	mw_resp_json(r, 201, &b);
out:
	mw_app_ref_put(r->app, iw->ref);
}

bool mw_api_phone_digits(const char *p, char *digits, size_t dsz)
{
	size_t n = 0;

	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= dsz)
				return false;
			digits[n++] = *p;
		} else if (*p != '-' && *p != ' ' && *p != '+' && *p != '(' && *p != ')') {
			return false;
		}
	}
	digits[n] = '\0';
	return n >= 8 && n <= 15;
}

bool mw_api_email_valid(const char *e)
{
	const char *at = strchr(e, '@');

	return at && at != e && at[1] && strchr(at + 1, '.') && !strchr(at + 1, '@') &&
	       !strpbrk(e, " \t<>\"");
}

void mw_api_track_url_json(mw_buf *b, const char *public_url, const char *receipt_no,
			   const char *token)
{
	mw_buf_printf(b, ",\"track_url\":\"%s/track#%s.%s\"", public_url, receipt_no, token);
}

/* Title when the citizen gave none: the start of the text, cut at a
 * character boundary, at most 60 bytes. */
const char *mw_api_derive_title(mw_arena *a, const char *text)
{
	size_t n = 0, len = strlen(text);

	while (n < len && n < 60 && text[n] != '\n') {
		size_t step = 1;
		unsigned char c = (unsigned char)text[n];

		if (c >= 0xf0)
			step = 4;
		else if (c >= 0xe0)
			step = 3;
		else if (c >= 0xc0)
			step = 2;
		if (n + step > 60)
			break;
		n += step;
	}
	return n < len ? mw_arena_printf(a, "%.*s…", (int)n, text) : mw_arena_strdup(a, text);
}

/* The citizen's choice of notification channels ("notify", see
 * notify.h), checked against the contact data given; appended to out as
 * JSON when out is not NULL (it is sealed with the contact data). */
static int read_notify(mw_req *r, json_t *body, bool has_email, bool has_phone, mw_buf *out)
{
	json_t *nj = json_object_get(body, "notify");
	char *text = nj && !json_is_null(nj) ? json_dumps(nj, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	mw_buf choice = MW_BUF_INIT;
	char err[160];
	int rc = mw_notify_prefs_json(text, has_email, has_phone, &choice, err, sizeof(err));

	free(text);
	if (rc == MW_ERR_INVALID)
		mw_resp_error(r, 400, "invalid", "%s", err);
	else if (rc)
		mw_resp_err(r, rc, "out of memory");
	else if (out)
		rc = mw_buf_append(out, choice.ptr, choice.len);
	mw_buf_release(&choice);
	return rc;
}

static int build_contact(mw_req *r, json_t *body, struct intake_work *iw)
{
	json_t *contact = json_object_get(body, "contact");
	const char *name, *phone, *email;
	char digits[24];
	mw_buf b = MW_BUF_INIT;

	if (!contact || json_is_null(contact))
		return read_notify(r, body, false, false, NULL);
	if (!json_is_object(contact)) {
		mw_resp_error(r, 400, "wrong_type", "field contact must be an object");
		return MW_ERR_INVALID;
	}
	if (mw_api_text_field(r, contact, "name", MW_NAME_MAX, false, false, &name) ||
	    mw_api_text_field(r, contact, "phone", MW_PHONE_MAX, false, false, &phone) ||
	    mw_api_text_field(r, contact, "email", MW_EMAIL_MAX, false, false, &email))
		return MW_ERR_INVALID;
	if (phone && !mw_api_phone_digits(phone, digits, sizeof(digits))) {
		mw_resp_error(r, 400, "invalid", "contact.phone is not a phone number");
		return MW_ERR_INVALID;
	}
	if (email && !mw_api_email_valid(email)) {
		mw_resp_error(r, 400, "invalid", "contact.email is not an e-mail address");
		return MW_ERR_INVALID;
	}
	if (!name && !phone && !email)
		return read_notify(r, body, false, false, NULL);
	if (phone)
		mw_keyed_digest(&r->app->keys, digits, strlen(digits), iw->sec.phone_hash);
	mw_buf_puts(&b, "{\"name\":");
	mw_buf_json_str(&b, name);
	mw_buf_puts(&b, ",\"phone\":");
	mw_buf_json_str(&b, phone);
	mw_buf_puts(&b, ",\"email\":");
	mw_buf_json_str(&b, email);
	mw_buf_puts(&b, ",\"notify\":");
	if (read_notify(r, body, email != NULL, phone != NULL, &b)) {
		mw_buf_release(&b);
		return MW_ERR_INVALID;
	}
	mw_buf_putc(&b, '}');
	iw->contact_plain = mw_buf_detach(&b, &iw->contact_len);
	iw->c.contact = (mw_contact){ name, phone, email };
	return iw->contact_plain ? MW_OK : MW_ERR_NOMEM;
}

static int read_location(mw_req *r, json_t *body, mw_complaint *c)
{
	double lat = 0, lon = 0;
	bool has_lat, has_lon;

	if (mw_api_opt_number(r, body, "lat", &lat, &has_lat) ||
	    mw_api_opt_number(r, body, "lon", &lon, &has_lon))
		return MW_ERR_INVALID;
	if (has_lat != has_lon) {
		mw_resp_error(r, 400, "invalid", "give both lat and lon, or neither");
		return MW_ERR_INVALID;
	}
	if (has_lat && (lat < -90 || lat > 90 || lon < -180 || lon > 180)) {
		mw_resp_error(r, 400, "invalid", "lat must be within -90..90 and lon within -180..180");
		return MW_ERR_INVALID;
	}
	c->has_location = has_lat;
	c->lat = lat;
	c->lon = lon;
	return mw_api_text_field(r, body, "address", MW_ADDRESS_MAX, false, false, &c->address);
}

static int read_consent(mw_req *r, json_t *body, mw_complaint *c)
{
	json_t *consent = json_object_get(body, "consent");
	bool privacy = false, present;

	if (!consent || !json_is_object(consent)) {
		mw_resp_error(r, consent ? 400 : 400, consent ? "wrong_type" : "missing_field",
			      "consent must be an object with privacy: true (개인정보 수집·이용 동의)");
		return MW_ERR_INVALID;
	}
	if (mw_api_opt_bool(r, consent, "privacy", &privacy, &present) ||
	    mw_api_opt_bool(r, consent, "public_map", &c->public_map, NULL))
		return MW_ERR_INVALID;
	if (!privacy) {
		mw_resp_error(r, 400, "consent_required",
			      "consent.privacy must be true: the complaint cannot be handled without "
			      "consent to collect and use personal data");
		return MW_ERR_INVALID;
	}
	c->consent_privacy = true;
	return MW_OK;
}

static int read_channel(mw_req *r, json_t *body, mw_complaint *c)
{
	const char *ch;

	if (mw_api_opt_string(r, body, "channel", &ch))
		return MW_ERR_INVALID;
	if (!ch) {
		mw_resp_error(r, 400, "missing_field",
			      "field channel is required (web, app, field, phone, visit)");
		return MW_ERR_INVALID;
	}
	if (mw_channel_parse(ch, &c->channel) || c->channel == MW_CHANNEL_OPEN311) {
		mw_resp_error(r, 400, "invalid", "channel must be one of web, app, field, phone, visit");
		return MW_ERR_INVALID;
	}
	if (c->channel == MW_CHANNEL_FIELD || c->channel == MW_CHANNEL_PHONE ||
	    c->channel == MW_CHANNEL_VISIT) {
		if (!r->auth) {
			mw_resp_error(r, 401, "unauthorized",
				      "channel %s is for staff filing; sign in first", ch);
			return MW_ERR_UNAUTHORIZED;
		}
		if (!mw_authz_role_has(r->auth->role, PERM_FILE_STAFF_CHANNEL)) {
			mw_resp_error(r, 403, "forbidden", "your role may not file on channel %s", ch);
			return MW_ERR_FORBIDDEN;
		}
	}
	if (r->auth)
		c->filed_by = r->auth->login;
	return MW_OK;
}

/* "callback": true asks to be called back (전화 요청) on the contact's
 * phone number, so there must be one. */
static int read_callback(mw_req *r, json_t *body, mw_complaint *c)
{
	bool callback = false;

	if (mw_api_opt_bool(r, body, "callback", &callback, NULL))
		return MW_ERR_INVALID;
	if (!callback)
		return MW_OK;
	if (!c->contact.phone) {
		mw_resp_error(r, 400, "missing_field",
			      "callback needs contact.phone, the number to call back");
		return MW_ERR_INVALID;
	}
	c->callback = MW_CALLBACK_PENDING;
	return MW_OK;
}

static int read_idempotency(mw_req *r, struct intake_work *iw)
{
	const char *key = mw_req_header(r, "Idempotency-Key");
	size_t len;
	unsigned char h[32];

	if (!key)
		return MW_OK;
	len = strlen(key);
	if (len < 1 || len > 128) {
		mw_resp_error(r, 400, "invalid", "Idempotency-Key must be 1 to 128 characters");
		return MW_ERR_INVALID;
	}
	for (size_t i = 0; i < len; i++)
		if (key[i] < 0x21 || key[i] > 0x7e) {
			mw_resp_error(r, 400, "invalid",
				      "Idempotency-Key must be printable ASCII without spaces");
			return MW_ERR_INVALID;
		}
	iw->has_idem = true;
	mw_keyed_digest(&r->app->keys, key, len, iw->idem_hash);
	crypto_generichash(h, sizeof(h), (const unsigned char *)r->body.ptr, r->body.len, NULL, 0);
	sodium_bin2hex(iw->request_hash, sizeof(iw->request_hash), h, sizeof(h));
	return MW_OK;
}

int api_complaint_create(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	struct intake_work *iw;
	mw_complaint *c;
	const char *category;
	const mw_category *cat;
	mw_time now = mw_now();
	int rc;

	if (!body)
		return MW_OK;
	iw = mw_arena_alloc(&r->arena, sizeof(*iw));
	if (!iw) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		goto fail;
	}
	iw->r = r;
	iw->app = r->app;
	c = &iw->c;
	if (mw_api_text_field(r, body, "text", MW_TEXT_MAX, true, true, &c->text) ||
	    mw_api_text_field(r, body, "title", MW_TITLE_MAX, false, false, &c->title) ||
	    mw_api_opt_string(r, body, "category", &category) ||
	    read_channel(r, body, c) || read_location(r, body, c) || read_consent(r, body, c) ||
	    mw_api_opt_bool(r, body, "urgent", &c->urgent, NULL) ||
	    build_contact(r, body, iw) || read_callback(r, body, c) || read_idempotency(r, iw))
		goto fail;
	iw->ref = mw_app_ref_get(r->app);
	cat = NULL;
	if (category && *category) {
		cat = mw_ref_category_active(iw->ref, category);
		if (!cat || !strcmp(category, MW_TRIAGE_CATEGORY)) {
			mw_resp_error(r, 400, "invalid",
				      "unknown category %.40s; see GET /api/v1/categories", category);
			mw_app_ref_put(r->app, iw->ref);
			goto fail;
		}
	}
	/* The classifier flags danger in every complaint; it picks the
	 * category only when none was given, and a person decides when it is
	 * unsure (분류대기). */
	cat = mw_routing_decide(r->app, iw->ref, &r->arena, c, cat);
	if (!cat) {
		mw_resp_error(r, 503, "not_configured", "the triage category is not configured");
		mw_app_ref_put(r->app, iw->ref);
		goto fail;
	}
	c->category = mw_arena_strdup(&r->arena, cat->code);
	c->department = mw_arena_strdup(&r->arena, cat->department);
	if (!c->title)
		c->title = mw_api_derive_title(&r->arena, c->text);
	c->status = MW_STATUS_RECEIVED;
	c->version = 1;
	c->received_at = c->updated_at = now;
	mw_lifecycle_start_clock(iw->ref->cal, c, now, cat->period);
	c->repeat_of = mw_routing_repeat_of(r->app, &r->arena, iw->sec.phone_hash, c->text);
	mw_token_new(iw->token);
	mw_token_digest(iw->token, iw->sec.token_hash);
	iw->sec.token = iw->token;

	iw->w.run = intake_run;
	iw->w.done = intake_done;
	r->work = iw;
	r->on_resume = intake_answer;
	mw_req_suspend(r);
	rc = mw_store_submit(r->app->store, &iw->w);
	if (rc) {
		iw->w.rc = rc;
		mw_req_resume(r);
	}
	json_decref(body);
	return MW_OK;
fail:
	if (iw && iw->contact_plain) {
		sodium_memzero(iw->contact_plain, iw->contact_len);
		free(iw->contact_plain);
	}
	json_decref(body);
	return MW_OK;
}

/* ---- citizen lookups ------------------------------------------------ */

const char *mw_api_citizen_token(mw_req *r, json_t *body)
{
	const char *t = mw_req_query(r, "token");

	if (!t)
		t = mw_req_header(r, "X-Complaint-Token");
	if (!t && body) {
		json_t *v = json_object_get(body, "token");

		if (json_is_string(v))
			t = json_string_value(v);
	}
	return t;
}

int mw_api_citizen_complaint(mw_req *r, const char *token, mw_complaint *c,
			     mw_complaint_secret *sec)
{
	const char *receipt = mw_req_param(r, 0);
	char digest[MW_DIGEST_HEX];
	int rc;

	/* Look up by the token's digest, then compare the receipt number in
	 * constant time: the work is the same whether or not the receipt
	 * exists, so timing reveals nothing about other people's receipts. */
	mw_token_digest(token ? token : "", digest);
	rc = mw_store_complaint_by_token(r->app->store, digest, &r->arena, c, sec);
	/* Or a grant from a one-time code (track.c), while it lasts. */
	if (rc == MW_ERR_NOTFOUND) {
		int64_t id;

		rc = mw_store_track_grant(r->app->store, digest, mw_now(), &id);
		if (rc == MW_OK)
			rc = mw_store_complaint_get(r->app->store, id, &r->arena, c, sec);
	}
	if (rc == MW_OK && (!receipt || !mw_ct_streq(c->receipt_no, receipt)))
		rc = MW_ERR_NOTFOUND;
	if (rc == MW_ERR_NOTFOUND || (rc == MW_OK && (!token || strlen(token) != MW_TOKEN_CHARS))) {
		mw_resp_error(r, 404, "not_found",
			      "no complaint with this receipt number and token");
		return MW_ERR_NOTFOUND;
	}
	if (rc)
		mw_resp_err(r, rc, "cannot read the complaint");
	return rc;
}

void mw_api_complaint_json(mw_req *r, mw_buf *b, const mw_complaint *c, const mw_refdata *ref)
{
	const mw_category *cat = mw_ref_category(ref, c->category);
	const mw_department *dep = mw_ref_department(ref, c->department);
	char p[16];
	int64_t supporters = 0;

	mw_buf_puts(b, "\"receipt_no\":");
	mw_buf_json_str(b, c->receipt_no);
	mw_buf_json_kv(b, "title", c->title);
	mw_buf_json_kv(b, "text", c->text);
	mw_buf_json_kv(b, "status", mw_status_name(c->status));
	mw_buf_json_kv(b, "status_label", mw_status_label_ko(c->status));
	mw_buf_json_kv(b, "category", c->category);
	mw_buf_json_kv(b, "category_name", cat ? cat->name_ko : NULL);
	mw_buf_json_kv(b, "department", c->department);
	mw_buf_json_kv(b, "department_name", dep ? dep->name_ko : NULL);
	mw_buf_json_kv(b, "channel", mw_channel_name(c->channel));
	if (c->has_location)
		mw_buf_printf(b, ",\"location\":{\"lat\":%.6f,\"lon\":%.6f,\"address\":", c->lat,
			      c->lon);
	else
		mw_buf_puts(b, ",\"location\":{\"lat\":null,\"lon\":null,\"address\":");
	mw_buf_json_str(b, c->address);
	mw_buf_putc(b, '}');
	mw_buf_printf(b, ",\"urgent\":%s,\"public_map\":%s", c->urgent ? "true" : "false",
		      c->public_map ? "true" : "false");
	mw_buf_json_kv(b, "callback", mw_callback_name(c->callback));
	mw_api_json_time(b, "received_at", c->received_at, true);
	mw_api_json_time(b, "due_at", c->due_at, true);
	mw_buf_printf(b, ",\"clock_stopped\":%s", c->paused_at ? "true" : "false");
	/* While 보완 is asked for: the citizen's deadline to answer. */
	mw_api_json_time(b, "info_due_at",
			 mw_lifecycle_info_due(ref->cal, c, mw_app_info_period(r->app)), true);
	mw_period_format(c->base_period, p);
	mw_buf_json_kv(b, "period", p);
	mw_buf_printf(b, ",\"extensions\":%d", c->extensions);
	mw_buf_json_kv(b, "answer", c->answer);
	mw_api_json_time(b, "answered_at", c->answered_at, true);
	mw_api_json_time(b, "closed_at", c->closed_at, true);
	if (c->rating)
		mw_buf_printf(b, ",\"rating\":%d", c->rating);
	else
		mw_buf_puts(b, ",\"rating\":null");
	if (c->agency)
		mw_buf_json_kv(b, "transferred_to", c->agency);
	/* A count only; who supported stays private. */
	if (mw_store_support_count(r->app->store, c->id, &supporters) == MW_OK)
		mw_buf_printf(b, ",\"supporters\":%lld", (long long)supporters);
}

/* Labels of the events that are not lifecycle actions. */
static const char *event_label(const char *kind)
{
	static const struct { const char *kind, *ko; } labels[] = {
		{ "received", "접수" },
		{ "attachment", "사진 첨부" },
		{ "alert", "긴급 알림" },
		{ "triage", "분류 대기" },
		{ "repeat", "반복 민원" },
		{ "late", "처리 지연 안내" },
		{ "support", "공감·추가 정보" },
	};

	for (size_t i = 0; i < MW_ARRAY_LEN(labels); i++)
		if (!strcmp(labels[i].kind, kind))
			return labels[i].ko;
	return NULL;
}

void mw_api_events_json(mw_buf *b, const mw_event_row *ev, size_t n, bool staff)
{
	mw_buf_puts(b, ",\"timeline\":[");
	for (size_t i = 0; i < n; i++) {
		mw_action act;
		const char *label = event_label(ev[i].kind);

		if (!label && !mw_action_parse(ev[i].kind, &act))
			label = mw_action_label_ko(act);
		if (i)
			mw_buf_putc(b, ',');
		mw_buf_putc(b, '{');
		mw_api_json_time(b, "at", ev[i].at, false);
		mw_buf_puts(b, ",\"kind\":");
		mw_buf_json_str(b, ev[i].kind);
		mw_buf_json_kv(b, "label", label);
		mw_buf_json_kv(b, "text", ev[i].text);
		mw_buf_json_kv(b, "detail", ev[i].detail);
		mw_buf_json_kv(b, "status", mw_status_name((mw_status)ev[i].to_status));
		mw_api_json_time(b, "due_at", ev[i].due_at, true);
		if (staff) {
			mw_buf_json_kv(b, "actor", ev[i].actor);
			mw_buf_printf(b, ",\"public\":%s", ev[i].is_public ? "true" : "false");
		}
		mw_buf_putc(b, '}');
	}
	mw_buf_putc(b, ']');
}

int api_complaint_status(mw_req *r)
{
	mw_complaint c;
	mw_event_row *ev;
	mw_attachment_row *att;
	size_t nev, natt;
	mw_refdata *ref;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (mw_api_citizen_complaint(r, mw_api_citizen_token(r, NULL), &c, NULL))
		return MW_OK;
	if ((rc = mw_store_events(r->app->store, c.id, true, &r->arena, &ev, &nev)) ||
	    (rc = mw_store_attachments(r->app->store, c.id, &r->arena, &att, &natt))) {
		mw_resp_err(r, rc, "cannot read the complaint");
		return MW_OK;
	}
	ref = mw_app_ref_get(r->app);
	mw_buf_putc(&b, '{');
	mw_api_complaint_json(r, &b, &c, ref);
	mw_app_ref_put(r->app, ref);
	mw_api_events_json(&b, ev, nev, false);
	mw_buf_puts(&b, ",\"attachments\":[");
	for (size_t i = 0; i < natt; i++)
		mw_buf_printf(&b, "%s{\"id\":%lld,\"mime\":\"%s\",\"url\":\"/api/v1/complaints/%s/attachments/%lld\"}",
			      i ? "," : "", (long long)att[i].id, att[i].public_mime, c.receipt_no,
			      (long long)att[i].id);
	mw_buf_puts(&b, "]}");
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

/* The citizen's own actions all take the same path: find the complaint
 * by receipt + token, then apply one lifecycle action. */
static int citizen_action(mw_req *r, mw_action type, const char *text_key, size_t max)
{
	json_t *body = mw_api_json_body(r);
	mw_action_work *aw;
	mw_complaint c;
	int64_t rating = 0;
	bool has_rating = false;

	if (!body)
		return MW_OK;
	aw = mw_arena_alloc(&r->arena, sizeof(*aw));
	if (!aw) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (mw_api_text_field(r, body, text_key, max, type == MW_ACT_MESSAGE, true, &aw->act.text))
		goto out;
	if (type == MW_ACT_RATE) {
		if (mw_api_opt_int(r, body, "rating", &rating, &has_rating))
			goto out;
		if (!has_rating || rating < 1 || rating > 5) {
			mw_resp_error(r, 400, "invalid", "rating must be an integer from 1 to 5");
			goto out;
		}
		aw->act.rating = (int)rating;
	}
	if (mw_api_citizen_complaint(r, mw_api_citizen_token(r, body), &c, NULL))
		goto out;
	/* Adding information while 보완 is asked for restarts the clock. */
	if (type == MW_ACT_MESSAGE && c.status == MW_STATUS_NEEDS_INFO)
		type = MW_ACT_PROVIDE_INFO;
	aw->id = c.id;
	aw->actor = "citizen";
	aw->act.type = type;
	aw->act.actor_kind = MW_ACTOR_CITIZEN;
	mw_action_submit(r, aw);
out:
	json_decref(body);
	return MW_OK;
}

int api_complaint_message(mw_req *r)
{
	return citizen_action(r, MW_ACT_MESSAGE, "text", MW_TEXT_MAX);
}

int api_complaint_rating(mw_req *r)
{
	return citizen_action(r, MW_ACT_RATE, "comment", MW_REASON_MAX);
}

int api_complaint_withdraw(mw_req *r)
{
	return citizen_action(r, MW_ACT_WITHDRAW, "reason", MW_REASON_MAX);
}

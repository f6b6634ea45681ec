/*
 * track.c - tracking a complaint by receipt number + phone with a
 * one-time code (docs/API.md#track-by-phone).
 *
 * POST /api/v1/track/code sends a 6-digit code by SMS when the phone's
 * keyed digest matches the complaint's, and answers the same 202 either
 * way, so the answer tells nobody whose number it is. Every request of a
 * receipt counts towards its rate limit, matched or not, for the same
 * reason. POST /api/v1/track/verify trades a right, unexpired code for a
 * grant: a fresh random token that opens the complaint like its own
 * token (mw_api_citizen_complaint) for GRANT_TTL seconds.
 *
 * The code exists in clear only in this request and, sealed, in the
 * outbox row of its SMS; the table keeps a keyed digest bound to the
 * complaint. The grant's token is kept as a digest, like every token.
 */
#include "api.h"
#include "../base/mw.h"
#include "../notify/notify.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

#define CODE_DIGITS 6
#define CODE_TTL 300            /* seconds a code is valid */
#define CODE_MAX_ATTEMPTS 5     /* wrong tries before a code is spent */
#define CODES_PER_HOUR 5        /* code requests of one receipt */
#define GRANT_TTL 3600          /* seconds a grant opens the complaint */

enum verify_outcome { V_OPENED, V_NO_CODE, V_EXPIRED, V_SPENT, V_WRONG };

struct track_work {
	mw_work w;
	mw_req *r;
	mw_complaint c;
	bool phone_ok;
	char code[CODE_DIGITS + 1];        /* code: the new one; verify: the given one */
	bool limited;                      /* code: over the rate limit */
	enum verify_outcome outcome;       /* verify */
	int attempts_left;
	char token[MW_TOKEN_CHARS + 1];    /* verify: the grant */
	mw_time grant_until;
};

/* The keyed digest of a code, bound to its complaint: six digits are
 * quickly guessed from a plain digest, not without the key. */
static void code_digest(const mw_app *app, int64_t complaint_id, const char *code,
			char out[MW_DIGEST_HEX])
{
	char in[64];

	snprintf(in, sizeof(in), "track:%lld:%s", (long long)complaint_id, code);
	mw_keyed_digest(&app->keys, in, strlen(in), out);
	sodium_memzero(in, sizeof(in));
}

static void track_done(mw_work *w)
{
	mw_req_resume(((struct track_work *)w)->r);
}

/* Reads receipt_no and phone, loads the complaint (none: c.id 0) and
 * compares the phone's keyed digest with its own in constant time. On a
 * bad request it has answered and returns NULL. */
static struct track_work *track_begin(mw_req *r, json_t *body)
{
	struct track_work *tw = mw_arena_alloc(&r->arena, sizeof(*tw));
	mw_complaint_secret sec;
	const char *receipt, *phone;
	char digits[24], digest[MW_DIGEST_HEX];
	int rc;

	if (!tw) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		return NULL;
	}
	*tw = (struct track_work){ .w = { .done = track_done }, .r = r };
	if (mw_api_text_field(r, body, "receipt_no", 32, true, false, &receipt) ||
	    mw_api_text_field(r, body, "phone", MW_PHONE_MAX, true, false, &phone))
		return NULL;
	if (!mw_api_phone_digits(phone, digits, sizeof(digits))) {
		mw_resp_error(r, 400, "invalid", "phone is not a phone number");
		return NULL;
	}
	mw_keyed_digest(&r->app->keys, digits, strlen(digits), digest);
	rc = mw_store_complaint_by_receipt(r->app->store, receipt, &r->arena, &tw->c, &sec);
	if (rc == MW_ERR_NOTFOUND) {
		tw->c.id = 0;
		return tw;
	}
	if (rc) {
		mw_resp_err(r, rc, "cannot read the complaint");
		return NULL;
	}
	tw->phone_ok = sec.phone_hash[0] && mw_ct_streq(sec.phone_hash, digest);
	return tw;
}

static void track_submit(mw_req *r, struct track_work *tw, int (*run)(mw_tx *, mw_work *),
			 void (*answer)(mw_req *))
{
	tw->w.run = run;
	r->work = tw;
	r->on_resume = answer;
	mw_req_suspend(r);
	if (mw_store_submit(r->app->store, &tw->w)) {
		tw->w.rc = MW_ERR_BUSY;
		mw_req_resume(r);
	}
}

/* Wipes the code the request held and, when the unit of work failed,
 * answers for it (true: answered). */
static bool track_failed(mw_req *r, struct track_work *tw, const char *what)
{
	sodium_memzero(tw->code, sizeof(tw->code));
	if (!tw->w.rc)
		return false;
	mw_resp_err(r, tw->w.rc == MW_ERR_DB ? MW_ERR_BUSY : tw->w.rc,
		    "the code could not be %s; please retry", what);
	return true;
}

/* ---- POST /api/v1/track/code ---------------------------------------- */

static int code_run(mw_tx *tx, mw_work *w)
{
	struct track_work *tw = (struct track_work *)w;
	mw_time now = mw_now();
	char digest[MW_DIGEST_HEX];
	mw_track_code row = { .complaint_id = tw->c.id, .created_at = now,
			      .expires_at = now + CODE_TTL };
	int64_t recent = 0;
	int rc;

	if ((rc = mw_tx_track_codes_since(tx, tw->c.id, now - 3600, &recent)))
		return rc;
	if (recent >= CODES_PER_HOUR) {
		tw->limited = true;
		return MW_OK;
	}
	if (tw->phone_ok) {
		code_digest(tw->r->app, tw->c.id, tw->code, digest);
		row.code_hash = digest;
	}
	if ((rc = mw_tx_track_code_add(tx, &row)))
		return rc;
	return tw->phone_ok ? mw_notify_on_track_code(tx, tw->r->app->notify, &tw->c, tw->code)
			    : MW_OK;
}

static void code_answer(mw_req *r)
{
	struct track_work *tw = r->work;
	mw_buf b = MW_BUF_INIT;

	if (track_failed(r, tw, "sent"))
		return;
	if (tw->limited) {
		mw_resp_header(r, "Retry-After", "3600");
		mw_resp_error(r, 429, "too_many_codes",
			      "too many codes were asked for this receipt number; try again in an hour");
		return;
	}
	mw_buf_printf(&b, "{\"status\":\"accepted\",\"expires_in\":%d,\"message\":"
			  "\"if the phone number is the complaint's, a code was sent to it by SMS\"}",
		      CODE_TTL);
	mw_resp_json(r, 202, &b);
}

int api_track_code(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	struct track_work *tw;

	if (!body)
		return MW_OK;
	if (!(tw = track_begin(r, body)))
		goto out;
	if (!tw->c.id) {
		/* No such receipt: the same answer, nothing to write. */
		r->work = tw;
		code_answer(r);
		goto out;
	}
	snprintf(tw->code, sizeof(tw->code), "%06u", (unsigned)randombytes_uniform(1000000));
	track_submit(r, tw, code_run, code_answer);
out:
	json_decref(body);
	return MW_OK;
}

/* ---- POST /api/v1/track/verify -------------------------------------- */

static int verify_run(mw_tx *tx, mw_work *w)
{
	struct track_work *tw = (struct track_work *)w;
	mw_arena *a = &tw->r->arena;
	mw_time now = mw_now();
	mw_track_code live;
	char digest[MW_DIGEST_HEX];
	int rc;

	rc = mw_tx_track_code_live(tx, tw->c.id, a, &live);
	if (rc == MW_ERR_NOTFOUND) {
		tw->outcome = V_NO_CODE;
		return MW_OK;
	}
	if (rc)
		return rc;
	if (live.expires_at <= now) {
		tw->outcome = V_EXPIRED;
		return MW_OK;
	}
	if (live.attempts >= CODE_MAX_ATTEMPTS) {
		tw->outcome = V_SPENT;
		return MW_OK;
	}
	code_digest(tw->r->app, tw->c.id, tw->code, digest);
	/* Both compared every time: a wrong phone costs an attempt too. */
	if (!(mw_ct_streq(live.code_hash, digest) & tw->phone_ok)) {
		tw->outcome = V_WRONG;
		tw->attempts_left = CODE_MAX_ATTEMPTS - live.attempts - 1;
		return mw_tx_track_code_update(tx, live.id, live.attempts + 1, 0);
	}
	tw->outcome = V_OPENED;
	tw->grant_until = now + GRANT_TTL;
	mw_token_new(tw->token);
	mw_token_digest(tw->token, digest);
	if ((rc = mw_tx_track_code_update(tx, live.id, live.attempts, now)))
		return rc;
	return mw_tx_track_grant_add(tx, digest, tw->c.id, tw->grant_until);
}

static void verify_answer(mw_req *r)
{
	struct track_work *tw = r->work;
	mw_buf b = MW_BUF_INIT;

	if (track_failed(r, tw, "checked"))
		return;
	switch (tw->outcome) {
	case V_NO_CODE:
		mw_resp_error(r, 400, "no_code",
			      "no code is waiting for this receipt number; ask for a code first");
		return;
	case V_EXPIRED:
		mw_resp_error(r, 410, "code_expired",
			      "the code has expired; ask for a new one");
		return;
	case V_SPENT:
		mw_resp_error(r, 403, "too_many_attempts",
			      "the code was entered wrongly too often; ask for a new one");
		return;
	case V_WRONG:
		mw_buf_printf(&b, "{\"error\":{\"code\":\"wrong_code\",\"message\":"
				  "\"the code is not right\",\"attempts_left\":%d}}",
			      tw->attempts_left);
		mw_resp_json(r, 403, &b);
		return;
	case V_OPENED:
		break;
	}
	mw_buf_puts(&b, "{\"receipt_no\":");
	mw_buf_json_str(&b, tw->c.receipt_no);
	mw_buf_puts(&b, ",\"token\":");
	mw_buf_json_str(&b, tw->token);
	mw_api_json_time(&b, "expires_at", tw->grant_until, true);
	mw_buf_putc(&b, '}');
	sodium_memzero(tw->token, sizeof(tw->token));
	mw_resp_json(r, 200, &b);
}

int api_track_verify(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	struct track_work *tw;
	const char *code;
	size_t n;

	if (!body)
		return MW_OK;
	if (!(tw = track_begin(r, body)) ||
	    mw_api_text_field(r, body, "code", 16, true, false, &code))
		goto out;
	n = strspn(code, "0123456789");
	if (n != CODE_DIGITS || code[n]) {
		mw_resp_error(r, 400, "invalid", "code must be %d digits", CODE_DIGITS);
		goto out;
	}
	memcpy(tw->code, code, CODE_DIGITS + 1);
	if (!tw->c.id) {
		/* No such receipt: as for one without a waiting code. */
		tw->outcome = V_NO_CODE;
		r->work = tw;
		verify_answer(r);
		goto out;
	}
	track_submit(r, tw, verify_run, verify_answer);
out:
	json_decref(body);
	return MW_OK;
}

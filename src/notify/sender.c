/*
 * sender.c - a sender thread per channel: claim due outbox rows, render,
 * deliver, record the outcome.
 *
 * At least once: a claim is a lease (notify-lease seconds) written before
 * anything is sent; the outcome is written after. A process killed in
 * between leaves the rows to come due again when the lease runs out, and
 * the next sender delivers them again under the same message id. In
 * normal operation nothing is sent twice: the outcome of every claimed
 * row is recorded, and on shutdown the rows not yet tried are given back.
 *
 * Retries: after a failure the row waits notify-backoff seconds, doubled
 * with each try up to notify-backoff-max; after notify-tries tries, or at
 * once for a final refusal (a 5xx reply, an HTTP 4xx), it becomes a dead
 * letter with the last error. Quiet hours move a citizen's SMS and 알림톡
 * to the morning without counting a try. Training mode renders and
 * records every message and sends none.
 */
#include "notify_int.h"
#include "../base/log.h"
#include "../base/mw.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/banned.h"

#define CLAIM_BATCH 64
#define POLL_SECONDS 1
#define ERR_MAX 200

static const mw_channel_ops *const channel_ops[MW_CHAN__COUNT] = {
	[MW_CHAN_EMAIL] = &mw_channel_smtp,
	[MW_CHAN_SMS] = &mw_channel_sms,
	[MW_CHAN_KAKAO] = &mw_channel_kakao,
	[MW_CHAN_WEBHOOK] = &mw_channel_webhook,
};

struct sender {
	mw_notify *n;
	mw_chan ch;
	void *h;                     /* the channel's connection handle */
};

struct claim_work {
	mw_work w;
	mw_chan ch;
	mw_time now, lease_until;
	mw_arena *a;
	mw_outbox_row *rows;
	size_t n;
};

static int claim_run(mw_tx *tx, mw_work *w)
{
	struct claim_work *cw = (struct claim_work *)w;

	return mw_tx_outbox_claim(tx, cw->ch, cw->now, cw->lease_until, CLAIM_BATCH, cw->a,
				  &cw->rows, &cw->n);
}

struct finish_work {
	mw_work w;
	mw_outbox_result *res;
	size_t n;
};

static int finish_run(mw_tx *tx, mw_work *w)
{
	struct finish_work *fw = (struct finish_work *)w;
	int rc = MW_OK;

	for (size_t i = 0; !rc && i < fw->n; i++)
		rc = mw_tx_outbox_finish(tx, &fw->res[i]);
	return rc;
}

/* ---- recipients -------------------------------------------------------- */

/* The citizen's address for this channel, from the sealed contact data,
 * and whether they still want it; NULL when there is none. The unsealed
 * JSON is wiped before it is freed. */
static const char *citizen_address(mw_notify *n, const mw_outbox_row *row, mw_arena *a,
				   const char **receipt)
{
	mw_complaint c;
	mw_complaint_secret sec;
	char *plain = NULL;
	size_t len = 0;
	json_t *contact;
	const char *addr = NULL;

	*receipt = NULL;
	if (mw_store_complaint_get(n->store, row->complaint_id, a, &c, &sec) || !sec.contact_sealed)
		return NULL;
	*receipt = mw_arena_strdup(a, c.receipt_no);
	if (mw_unseal(&n->keys, c.receipt_no, sec.contact_sealed, &plain, &len))
		return NULL;
	contact = json_loads(plain, 0, NULL);
	sodium_memzero(plain, len);
	free(plain);
	if (contact) {
		json_t *chosen = json_object_get(json_object_get(contact, "notify"), "channels");
		json_t *ch;
		size_t i;
		bool wanted = false;

		/* A tracking code goes to the phone that asked for it. */
		wanted = !strcmp(row->kind, mw_notice_name(MW_NOTICE_TRACK_CODE)) &&
			 row->channel == MW_CHAN_SMS;
		json_array_foreach(chosen, i, ch)
			wanted |= json_is_string(ch) &&
				  !strcmp(json_string_value(ch), mw_chan_name((mw_chan)row->channel));
		if (wanted)
			addr = mw_arena_strdup(a, json_string_value(json_object_get(
				contact, row->channel == MW_CHAN_EMAIL ? "email" : "phone")));
		json_decref(contact);
	}
	return addr;
}

static const char *recipient_address(mw_notify *n, const mw_outbox_row *row, mw_arena *a,
				     const char **receipt)
{
	mw_staff_contact sc;
	bool email = row->channel == MW_CHAN_EMAIL;

	*receipt = NULL;
	if (!strcmp(row->recipient, "citizen"))
		return citizen_address(n, row, a, receipt);
	if (!strcmp(row->recipient, "webhook"))
		return n->cfg.webhook_url;
	if (!strcmp(row->recipient, "duty"))
		return email ? n->cfg.duty_email : n->cfg.duty_phone;
	if (mw_store_staff_contact(n->store, row->recipient, a, &sc))
		return NULL;
	return email ? sc.email : sc.phone;
}

/* ---- rendering --------------------------------------------------------- */

/* Merges the sealed extra variables (the tracking link) into vars; with
 * mask, each is replaced by a placeholder (for what is kept on record). */
static void merge_secret(mw_notify *n, const mw_outbox_row *row, const char *receipt,
			 json_t *vars, bool mask)
{
	char ad[48], *plain = NULL;
	size_t len = 0;
	json_t *extra;
	const char *key;
	json_t *val;

	if (!row->secret_sealed || !receipt)
		return;
	snprintf(ad, sizeof(ad), "notice:%s", receipt);
	if (mw_unseal(&n->keys, ad, row->secret_sealed, &plain, &len))
		return;
	extra = json_loads(plain, 0, NULL);
	sodium_memzero(plain, len);
	free(plain);
	json_object_foreach(extra, key, val)
		json_object_set_new(vars, key,
				    !mask ? json_copy(val)
					  : json_string(strcmp(key, "code") ? "(링크)" : "******"));
	json_decref(extra);
}

/* The webhook's JSON: what happened to which complaint, never free text
 * or personal data. */
static char *webhook_body(const mw_outbox_row *row, json_t *vars, const char *message_id)
{
	static const char *const safe[] = { "receipt_no", "department", "status", "due_at",
					    "new_due_at", "info_due_at", "cooperation_due_at",
					    "scheduled_at" };
	json_t *o = json_object(), *v = json_object();
	mw_notice kind;
	char *out;

	for (size_t i = 0; i < MW_ARRAY_LEN(safe); i++) {
		json_t *x = json_object_get(vars, safe[i]);

		if (x)
			json_object_set(v, safe[i], x);
	}
	json_object_set_new(o, "id", json_string(message_id));
	json_object_set_new(o, "kind", json_string(row->kind));
	json_object_set_new(o, "audience",
			    json_string(!mw_notice_parse(row->kind, &kind) &&
						mw_notice_for_citizen(kind) ? "citizen" : "staff"));
	json_object_set_new(o, "created_at", json_integer(row->created_at));
	json_object_set_new(o, "complaint", v);
	out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return out;
}

/* Renders row into subject and body (arena strings). mask hides the
 * sealed variables. */
static int render(mw_notify *n, const mw_outbox_row *row, const char *receipt, bool mask,
		  const char *message_id, mw_arena *a, const char **subject, const char **body)
{
	json_t *vars = json_loads(row->vars ? row->vars : "{}", 0, NULL);
	mw_tmpl_set *ts;
	const mw_tmpl *t;
	mw_buf sb = MW_BUF_INIT, bb = MW_BUF_INIT;
	int rc = MW_OK;

	*subject = *body = NULL;
	if (!json_is_object(vars)) {
		json_decref(vars);
		return MW_ERR_INVALID;
	}
	merge_secret(n, row, receipt, vars, mask);
	if (row->channel == MW_CHAN_WEBHOOK) {
		char *w = webhook_body(row, vars, message_id);

		*body = w ? mw_arena_strdup(a, w) : NULL;
		free(w);
		json_decref(vars);
		return *body ? MW_OK : MW_ERR_NOMEM;
	}
	ts = mw_notify_tmpl_get(n);
	t = mw_tmpl_find(ts, row->kind, row->channel == MW_CHAN_EMAIL ? "email" : "text",
			 row->lang);
	if (!t) {
		rc = MW_ERR_NOTFOUND;
	} else if (mw_tmpl_render(t->subject, vars, row->lang, &sb) ||
		   mw_tmpl_render(t->body, vars, row->lang, &bb)) {
		rc = MW_ERR_NOMEM;
	} else {
		*subject = mw_arena_strdup(a, sb.ptr ? sb.ptr : "");
		*body = mw_arena_strdup(a, bb.ptr ? bb.ptr : "");
	}
	mw_tmpl_put(ts);
	if (bb.ptr)
		sodium_memzero(bb.ptr, bb.len);
	mw_buf_release(&sb);
	mw_buf_release(&bb);
	json_decref(vars);
	return rc;
}

/* ---- one message ------------------------------------------------------- */

/* The end of the quiet hours when now falls in them, else 0. */
static mw_time quiet_until(const mw_notify_config *cfg, mw_time now)
{
	mw_civil k;
	int m, from = cfg->quiet_from, to = cfg->quiet_to;
	mw_time midnight;

	if (from == to)
		return 0;
	mw_time_to_kst(now, &k);
	m = k.hour * 60 + k.min;
	midnight = mw_time_from_kst(k.year, k.month, k.day, 0, 0, 0);
	if (from > to) { /* over midnight: 21:00-08:00 */
		if (m >= from)
			return midnight + 86400 + to * 60;
		if (m < to)
			return midnight + to * 60;
		return 0;
	}
	return m >= from && m < to ? midnight + to * 60 : 0;
}

static mw_time backoff(const mw_notify_config *cfg, int tries)
{
	int64_t d = cfg->backoff_s;

	for (int i = 1; i < tries && d < cfg->backoff_max_s; i++)
		d *= 2;
	return d < cfg->backoff_max_s ? d : cfg->backoff_max_s;
}

static void deliver(struct sender *s, const mw_outbox_row *row, mw_arena *a,
		    mw_outbox_result *res)
{
	mw_notify *n = s->n;
	const mw_notify_config *cfg = &n->cfg;
	mw_time now = mw_now(), wait;
	char message_id[96], err[ERR_MAX + 1] = "";
	const char *to, *receipt = NULL, *subject, *body;
	mw_message m;
	mw_notice kind = MW_NOTICE_TEST;
	mw_send_result sr;
	bool citizen = !strcmp(row->recipient, "citizen");

	*res = (mw_outbox_result){ .id = row->id, .state = MW_OUTBOX_PENDING, .tries = row->tries };
	snprintf(message_id, sizeof(message_id), "mw-%.16s-%lld", n->instance, (long long)row->id);
	mw_notice_parse(row->kind, &kind);
	to = recipient_address(n, row, a, &receipt);
	if (!to || !*to) {
		res->state = MW_OUTBOX_DROPPED;
		res->error = "no address for this channel";
		return;
	}
	if (citizen && (row->channel == MW_CHAN_SMS || row->channel == MW_CHAN_KAKAO) &&
	    !row->urgent && !cfg->training && (wait = quiet_until(cfg, now))) {
		res->next_at = wait;
		res->error = "held for the quiet hours";
		return;
	}
	if (cfg->training) {
		if (render(n, row, receipt, true, message_id, a, &subject, &body)) {
			res->state = MW_OUTBOX_DEAD;
			res->error = "cannot render the message";
			return;
		}
		res->state = MW_OUTBOX_RECORDED;
		res->subject = subject;
		res->body = body;
		res->sent_at = now;
		atomic_fetch_add(&n->recorded[s->ch], 1);
		return;
	}
	if (render(n, row, receipt, false, message_id, a, &subject, &body)) {
		res->state = MW_OUTBOX_DEAD;
		res->error = "no template for this message";
		atomic_fetch_add(&n->dead[s->ch], 1);
		return;
	}
	if (!s->h && !(s->h = channel_ops[s->ch]->open(cfg))) {
		snprintf(err, sizeof(err), "cannot start the %s channel", mw_chan_name(s->ch));
		sr = MW_SEND_RETRY;
	} else {
		m = (mw_message){ .id = row->id, .message_id = message_id, .kind = kind, .to = to,
				  .subject = subject, .body = body, .date = now };
		sr = channel_ops[s->ch]->send(s->h, cfg, &m, err, sizeof(err));
	}
	if (sr == MW_SEND_OK) {
		res->state = MW_OUTBOX_SENT;
		res->sent_at = now;
		res->tries = row->tries + 1;
		atomic_fetch_add(&n->sent[s->ch], 1);
		return;
	}
	atomic_fetch_add(&n->failed[s->ch], 1);
	res->tries = row->tries + 1;
	res->error = mw_arena_strdup(a, err[0] ? err : "failed");
	if (sr == MW_SEND_PERMANENT || res->tries >= cfg->max_tries) {
		res->state = MW_OUTBOX_DEAD;
		atomic_fetch_add(&n->dead[s->ch], 1);
		mw_log_warn("notify", "event=dead_letter id=%lld channel=%s tries=%d error=\"%s\"",
			    (long long)row->id, mw_chan_name(s->ch), res->tries, res->error);
	} else {
		res->next_at = now + backoff(cfg, res->tries);
		mw_log_info("notify", "event=retry id=%lld channel=%s tries=%d error=\"%s\"",
			    (long long)row->id, mw_chan_name(s->ch), res->tries, res->error);
	}
}

/* ---- the thread -------------------------------------------------------- */

static bool stopping(mw_notify *n)
{
	bool s;

	pthread_mutex_lock(&n->mu);
	s = n->stopping;
	pthread_mutex_unlock(&n->mu);
	return s;
}

/* Sleeps until kicked, stopped, or POLL_SECONDS passed since seen. */
static void wait_for_work(mw_notify *n, uint64_t seen)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += POLL_SECONDS;
	pthread_mutex_lock(&n->mu);
	while (!n->stopping && n->kicks == seen &&
	       pthread_cond_timedwait(&n->cv, &n->mu, &until) == 0)
		;
	pthread_mutex_unlock(&n->mu);
}

void *mw_notify_sender_main(void *arg)
{
	struct sender *s = arg;
	mw_notify *n = s->n;

	while (!stopping(n)) {
		mw_arena a = MW_ARENA_INIT;
		struct claim_work cw = { .w = { .run = claim_run }, .ch = s->ch, .a = &a };
		struct finish_work fw = { .w = { .run = finish_run } };
		uint64_t seen;
		int rc;

		pthread_mutex_lock(&n->mu);
		seen = n->kicks;
		pthread_mutex_unlock(&n->mu);
		cw.now = mw_now();
		cw.lease_until = cw.now + n->cfg.lease_s;
		rc = mw_store_exec(n->store, &cw.w);
		if (rc || !cw.n) {
			mw_arena_release(&a);
			if (rc)
				mw_log_error("notify", "event=claim_failed channel=%s err=%s",
					     mw_chan_name(s->ch), mw_err_code(rc));
			wait_for_work(n, seen);
			continue;
		}
		fw.res = mw_arena_alloc(&a, cw.n * sizeof(*fw.res));
		if (!fw.res) {
			mw_arena_release(&a);
			continue;
		}
		for (size_t i = 0; i < cw.n; i++) {
			/* On shutdown the rows not yet tried go back, due now. */
			if (stopping(n)) {
				fw.res[i] = (mw_outbox_result){ .id = cw.rows[i].id,
								.state = MW_OUTBOX_PENDING,
								.tries = cw.rows[i].tries,
								.next_at = mw_now() };
				continue;
			}
			deliver(s, &cw.rows[i], &a, &fw.res[i]);
		}
		fw.n = cw.n;
		if ((rc = mw_store_exec(n->store, &fw.w)))
			mw_log_error("notify", "event=finish_failed channel=%s err=%s",
				     mw_chan_name(s->ch), mw_err_code(rc));
		mw_arena_release(&a);
	}
	if (s->h)
		channel_ops[s->ch]->close(s->h);
	free(s);
	return NULL;
}

/* Starts the sender of a channel; used by mw_notify_start. */
int mw_notify_sender_start(mw_notify *n, mw_chan ch)
{
	struct sender *s = calloc(1, sizeof(*s));

	if (!s)
		return MW_ERR_NOMEM;
	s->n = n;
	s->ch = ch;
	if (pthread_create(&n->sender[ch], NULL, mw_notify_sender_main, s)) {
		free(s);
		return MW_ERR_NOMEM;
	}
	n->sender_running[ch] = true;
	return MW_OK;
}

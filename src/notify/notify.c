/*
 * notify.c - the notification module's life: names, start and stop,
 * reloads, the templates API, metrics and the test message.
 */
#include "notify_int.h"
#include "../base/log.h"
#include "../base/mw.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/banned.h"

static const struct {
	const char *name;
	bool citizen;
	const char *label;
} notices[MW_NOTICE__COUNT] = {
#define CITIZEN true
#define STAFF false
#define MW_NOTICE(e, name, audience, label) [MW_NOTICE_##e] = { name, audience, label },
#include "kinds.def"
#undef MW_NOTICE
#undef CITIZEN
#undef STAFF
};

static const char *const chan_names[MW_CHAN__COUNT] = { "email", "sms", "kakao", "webhook" };

const char *mw_chan_name(mw_chan c)
{
	return (unsigned)c < MW_CHAN__COUNT ? chan_names[c] : "unknown";
}

int mw_chan_parse(const char *name, mw_chan *out)
{
	for (int i = 0; i < MW_CHAN__COUNT; i++)
		if (!strcmp(chan_names[i], name)) {
			*out = (mw_chan)i;
			return MW_OK;
		}
	return MW_ERR_INVALID;
}

const char *mw_notice_name(mw_notice k)
{
	return (unsigned)k < MW_NOTICE__COUNT ? notices[k].name : "unknown";
}

const char *mw_notice_label(mw_notice k)
{
	return (unsigned)k < MW_NOTICE__COUNT ? notices[k].label : "";
}

bool mw_notice_for_citizen(mw_notice k)
{
	return (unsigned)k < MW_NOTICE__COUNT && notices[k].citizen;
}

int mw_notice_parse(const char *name, mw_notice *out)
{
	for (int i = 0; i < MW_NOTICE__COUNT; i++)
		if (!strcmp(notices[i].name, name)) {
			*out = (mw_notice)i;
			return MW_OK;
		}
	return MW_ERR_INVALID;
}

/* ---- life -------------------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int mw_notify_new(mw_store *s, const mw_keys *keys, const mw_notify_config *cfg,
		  mw_notify **out, char *err, size_t errsz)
{
	mw_notify *n = calloc(1, sizeof(*n));
	int rc;

	*out = NULL;
	if (!n)
		return MW_ERR_NOMEM;
	pthread_once(&curl_once, curl_start);
	n->store = s;
	n->keys = *keys;
	n->cfg = *cfg;
	n->cfg.arena = (mw_arena)MW_ARENA_INIT; /* the caller keeps the strings */
	mw_remind_policy_default(&n->policy);
	n->policy.info_period = cfg->info_period_p;
	pthread_mutex_init(&n->tmpl_mu, NULL);
	pthread_mutex_init(&n->mu, NULL);
	pthread_mutex_init(&n->scan_mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	if ((rc = mw_store_instance_id(s, n->instance))) {
		snprintf(err, errsz, "cannot read the database's instance id: %s", mw_err_str(rc));
		goto fail;
	}
	if ((rc = mw_refdata_load(s, &n->ref))) {
		snprintf(err, errsz, "cannot load reference data: %s", mw_err_str(rc));
		goto fail;
	}
	if ((rc = mw_tmpl_load(s, &n->tmpl))) {
		snprintf(err, errsz, "cannot load the message templates: %s", mw_err_str(rc));
		goto fail;
	}
	*out = n;
	return MW_OK;
fail:
	mw_notify_free(n);
	return rc;
}

int mw_notify_start(mw_notify *n, bool monitor)
{
	for (int ch = 0; ch < MW_CHAN__COUNT; ch++) {
		if (!mw_notify_channel_configured(&n->cfg, (mw_chan)ch) &&
		    !(n->cfg.training && ch != MW_CHAN_WEBHOOK))
			continue;
		if (mw_notify_sender_start(n, (mw_chan)ch))
			return MW_ERR_NOMEM;
	}
	if (monitor) {
		if (pthread_create(&n->monitor, NULL, mw_notify_monitor_main, n))
			return MW_ERR_NOMEM;
		n->monitor_running = true;
	}
	mw_log_info("notify", "event=started email=%d sms=%d kakao=%d webhook=%d training=%d "
			      "monitor=%d", n->sender_running[MW_CHAN_EMAIL],
		    n->sender_running[MW_CHAN_SMS], n->sender_running[MW_CHAN_KAKAO],
		    n->sender_running[MW_CHAN_WEBHOOK], n->cfg.training, monitor);
	return MW_OK;
}

void mw_notify_free(mw_notify *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->mu);
	n->stopping = true;
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
	for (int ch = 0; ch < MW_CHAN__COUNT; ch++)
		if (n->sender_running[ch])
			pthread_join(n->sender[ch], NULL);
	if (n->monitor_running)
		pthread_join(n->monitor, NULL);
	/* A wake-up queued on the writer still points here: let it run. */
	while (atomic_load(&n->kick_queued)) {
		struct timespec ms = { 0, 1000000 };

		nanosleep(&ms, NULL);
	}
	mw_tmpl_put(n->tmpl);
	mw_refdata_free(n->ref);
	pthread_mutex_destroy(&n->tmpl_mu);
	pthread_mutex_destroy(&n->mu);
	pthread_mutex_destroy(&n->scan_mu);
	pthread_cond_destroy(&n->cv);
	free(n);
}

void mw_notify_kick_senders(mw_notify *n)
{
	pthread_mutex_lock(&n->mu);
	n->kicks++;
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
}

void mw_notify_kick(mw_notify *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->mu);
	n->kicks++;
	n->monitor_kicks++;
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
}

const mw_notify_config *mw_notify_config_of(const mw_notify *n)
{
	return &n->cfg;
}

mw_tmpl_set *mw_notify_tmpl_get(mw_notify *n)
{
	mw_tmpl_set *t;

	pthread_mutex_lock(&n->tmpl_mu);
	t = n->tmpl;
	atomic_fetch_add(&t->refs, 1);
	pthread_mutex_unlock(&n->tmpl_mu);
	return t;
}

/* The reference data belongs to the writer thread: it is swapped there,
 * between two units of work. */
struct swap_work {
	mw_work w;
	mw_notify *n;
	mw_refdata *ref;
};

static int swap_run(mw_tx *tx, mw_work *w)
{
	struct swap_work *sw = (struct swap_work *)w;
	mw_refdata *old = sw->n->ref;

	MW_UNUSED(tx);
	sw->n->ref = sw->ref;
	sw->ref = old;
	return MW_OK;
}

int mw_notify_reload(mw_notify *n)
{
	struct swap_work sw = { .w = { .run = swap_run }, .n = n };
	mw_tmpl_set *t, *old;
	int rc;

	if (!n)
		return MW_OK;
	if ((rc = mw_refdata_load(n->store, &sw.ref)) || (rc = mw_store_exec(n->store, &sw.w))) {
		mw_refdata_free(sw.ref);
		mw_log_error("notify", "event=reload_failed err=%s", mw_err_code(rc));
		return rc;
	}
	mw_refdata_free(sw.ref);
	if ((rc = mw_tmpl_load(n->store, &t))) {
		mw_log_error("notify", "event=templates_reload_failed err=%s", mw_err_code(rc));
		return rc;
	}
	pthread_mutex_lock(&n->tmpl_mu);
	old = n->tmpl;
	n->tmpl = t;
	pthread_mutex_unlock(&n->tmpl_mu);
	mw_tmpl_put(old);
	return MW_OK;
}

/* ---- templates API ----------------------------------------------------- */

int mw_notify_templates_json(mw_notify *n, mw_buf *b)
{
	mw_tmpl_set *t = mw_notify_tmpl_get(n);

	mw_buf_putc(b, '[');
	for (size_t i = 0; i < t->n; i++) {
		const mw_tmpl *m = &t->items[i];

		mw_buf_puts(b, i ? ",{\"kind\":" : "{\"kind\":");
		mw_buf_json_str(b, m->kind);
		mw_buf_puts(b, ",\"channel\":");
		mw_buf_json_str(b, m->channel);
		mw_buf_puts(b, ",\"lang\":");
		mw_buf_json_str(b, m->lang);
		mw_buf_puts(b, ",\"subject\":");
		mw_buf_json_str(b, m->subject);
		mw_buf_puts(b, ",\"body\":");
		mw_buf_json_str(b, m->body);
		mw_buf_printf(b, ",\"custom\":%s}", m->custom ? "true" : "false");
	}
	mw_buf_putc(b, ']');
	mw_tmpl_put(t);
	return b->ptr ? MW_OK : MW_ERR_NOMEM;
}

int mw_notify_render_inbox(mw_notify *n, const mw_inbox_row *row, mw_arena *a,
			   const char **title, const char **body)
{
	mw_tmpl_set *t = mw_notify_tmpl_get(n);
	const mw_tmpl *m = mw_tmpl_find(t, row->kind, "inbox", "ko");
	json_t *vars = json_loads(row->vars ? row->vars : "{}", 0, NULL);
	mw_buf tb = MW_BUF_INIT, bb = MW_BUF_INIT;
	mw_notice kind;
	int rc = MW_OK;

	if (m && json_is_object(vars)) {
		if (mw_tmpl_render(m->subject, vars, "ko", &tb) ||
		    mw_tmpl_render(m->body, vars, "ko", &bb))
			rc = MW_ERR_NOMEM;
	}
	*title = mw_arena_strdup(a, tb.ptr ? tb.ptr
				 : !mw_notice_parse(row->kind, &kind) ? mw_notice_label(kind)
								      : row->kind);
	*body = mw_arena_strdup(a, bb.ptr ? bb.ptr : "");
	mw_buf_release(&tb);
	mw_buf_release(&bb);
	json_decref(vars);
	mw_tmpl_put(t);
	return rc;
}

/* ---- metrics ----------------------------------------------------------- */

void mw_notify_metrics(mw_notify *n, mw_buf *b)
{
	mw_outbox_counts c;
	static const struct {
		const char *name, *help;
		size_t offset;
	} counters[] = {
		{ "minwon_notify_sent_total", "Messages delivered, by channel.",
		  offsetof(mw_notify, sent) },
		{ "minwon_notify_failed_total", "Delivery attempts that failed, by channel.",
		  offsetof(mw_notify, failed) },
		{ "minwon_notify_dead_lettered_total", "Messages given up on, by channel.",
		  offsetof(mw_notify, dead) },
		{ "minwon_notify_recorded_total", "Messages recorded in training mode, by channel.",
		  offsetof(mw_notify, recorded) },
	};

	if (!n)
		return;
	if (mw_store_outbox_counts(n->store, &c) == MW_OK) {
		mw_buf_puts(b, "# HELP minwon_notify_outbox_depth Messages waiting to be sent.\n"
			       "# TYPE minwon_notify_outbox_depth gauge\n");
		for (int ch = 0; ch < MW_CHAN__COUNT; ch++)
			mw_buf_printf(b, "minwon_notify_outbox_depth{channel=\"%s\"} %lld\n",
				      chan_names[ch], (long long)c.pending[ch]);
		mw_buf_puts(b, "# HELP minwon_notify_dead_letters Dead letters in the outbox.\n"
			       "# TYPE minwon_notify_dead_letters gauge\n");
		for (int ch = 0; ch < MW_CHAN__COUNT; ch++)
			mw_buf_printf(b, "minwon_notify_dead_letters{channel=\"%s\"} %lld\n",
				      chan_names[ch], (long long)c.dead[ch]);
	}
	for (size_t i = 0; i < MW_ARRAY_LEN(counters); i++) {
		const _Atomic uint64_t *v =
			(const _Atomic uint64_t *)(const void *)((const char *)n + counters[i].offset);

		mw_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n", counters[i].name,
			      counters[i].help, counters[i].name);
		for (int ch = 0; ch < MW_CHAN__COUNT; ch++)
			mw_buf_printf(b, "%s{channel=\"%s\"} %llu\n", counters[i].name,
				      chan_names[ch], (unsigned long long)atomic_load(&v[ch]));
	}
	mw_buf_puts(b, "# HELP minwon_monitor_fired_total Reminders fired by the deadline monitor.\n"
		       "# TYPE minwon_monitor_fired_total counter\n");
	for (int k = 0; k < MW_REMIND__COUNT; k++)
		mw_buf_printf(b, "minwon_monitor_fired_total{kind=\"%s\"} %llu\n",
			      mw_remind_name((mw_remind_kind)k),
			      (unsigned long long)atomic_load(&n->fired[k]));
	mw_buf_printf(b, "# HELP minwon_monitor_scans_total Scans of the deadline monitor.\n"
			 "# TYPE minwon_monitor_scans_total counter\nminwon_monitor_scans_total %llu\n"
			 "# HELP minwon_monitor_last_scan_seconds How long the last scan took.\n"
			 "# TYPE minwon_monitor_last_scan_seconds gauge\n"
			 "minwon_monitor_last_scan_seconds %.6f\n",
		      (unsigned long long)atomic_load(&n->scans),
		      (double)atomic_load(&n->last_scan_us) / 1e6);
	mw_buf_printf(b, "# HELP minwon_notify_training Whether messages are only recorded.\n"
			 "# TYPE minwon_notify_training gauge\nminwon_notify_training %d\n",
		      n->cfg.training ? 1 : 0);
}

/* ---- the test message --------------------------------------------------- */

int mw_notify_send_test(const mw_notify_config *cfg, const char *to, char *err, size_t errsz)
{
	bool email = strchr(to, '@') != NULL;
	mw_chan ch = email ? MW_CHAN_EMAIL : MW_CHAN_SMS;
	const mw_channel_ops *ops = email ? &mw_channel_smtp : &mw_channel_sms;
	mw_tmpl_set *t = NULL;
	const mw_tmpl *m;
	json_t *vars = json_pack("{s:s}", "office", cfg->office_name ? cfg->office_name : "");
	mw_buf sb = MW_BUF_INIT, bb = MW_BUF_INIT;
	char id[64];
	void *h = NULL;
	int rc = MW_ERR_INVALID;

	pthread_once(&curl_once, curl_start);
	if (!mw_notify_channel_configured(cfg, ch)) {
		snprintf(err, errsz, "%s is not configured (set %s)", mw_chan_name(ch),
			 email ? "MINWON_SMTP_URL and MINWON_SMTP_FROM" : "MINWON_SMS_URL");
		goto out;
	}
	if ((rc = mw_tmpl_load(NULL, &t)))
		goto out;
	m = mw_tmpl_find(t, "test", email ? "email" : "text", "ko");
	if (!m || mw_tmpl_render(m->subject, vars, "ko", &sb) ||
	    mw_tmpl_render(m->body, vars, "ko", &bb)) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	snprintf(id, sizeof(id), "mw-test-%lld", (long long)mw_now());
	h = ops->open(cfg);
	if (!h) {
		snprintf(err, errsz, "cannot start the %s channel", mw_chan_name(ch));
		rc = MW_ERR_IO;
		goto out;
	}
	{
		mw_message msg = { .message_id = id, .kind = MW_NOTICE_TEST, .to = to,
				   .subject = sb.ptr ? sb.ptr : "", .body = bb.ptr ? bb.ptr : "",
				   .date = mw_now() };

		rc = ops->send(h, cfg, &msg, err, errsz) == MW_SEND_OK ? MW_OK : MW_ERR_IO;
	}
	ops->close(h);
out:
	mw_tmpl_put(t);
	mw_buf_release(&sb);
	mw_buf_release(&bb);
	json_decref(vars);
	return rc;
}

/*
 * bench_notify - the notification benchmarks of docs/PERFORMANCE.md, each
 * next to a reference measured in the same run.
 *
 *   bench_notify monitor --db PATH [--scans N]
 *       On a database filled by bench_load: writes every open complaint's
 *       reminder plan, then times the deadline monitor's scan (mw_notify_scan,
 *       the code the server runs) with nothing due and, on a test clock moving
 *       a minute at a time, with a minute's reminders due. Reference: what a
 *       monitor without a stored schedule would do on every run — read every
 *       open complaint and work out its reminders.
 *
 *   bench_notify sender --smtp-url URL [--count N]
 *       N receipt mails to citizens through the outbox: rows claimed, the
 *       contact data unsealed, rendered, sent over one pooled SMTP connection
 *       and recorded, by the e-mail sender thread. Reference: the same number
 *       of messages through the SMTP channel alone (same formatting, same
 *       connection reuse, no database).
 *
 * Output: "key value" lines for bench/run.sh.
 */
#include "base/crypto.h"
#include "base/mw.h"
#include "notify/notify_int.h"
#include "store/store.h"

#include <getopt.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

static const char *const departments[] = {
	"road", "parking", "traffic", "facilities", "sanitation", "environment", "water", "parks",
	"building", "safety", "animals", "design", "welfare", "tax", "civil",
};

static double now_ms(void)
{
	return (double)mw_monotonic_us() / 1000.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n ? v[(size_t)(p * (double)(n - 1))] : 0;
}

static void random_keys(mw_keys *k)
{
	randombytes_buf(k, sizeof(*k));
}

static int fail(const char *what)
{
	fprintf(stderr, "bench_notify: %s\n", what);
	return 1;
}

/* ---- monitor ------------------------------------------------------------ */

struct plan_work {
	mw_work w;
	mw_notify *n;
	int64_t first, last;
	int64_t planned;
};

/* Managers to tell, one per department, and each open complaint's plan
 * written as the hooks would have written it. */
static int plan_run(mw_tx *tx, mw_work *w)
{
	struct plan_work *pw = (struct plan_work *)w;
	mw_arena a = MW_ARENA_INIT;
	int rc = MW_OK;

	for (int64_t id = pw->first; !rc && id <= pw->last; id++) {
		mw_complaint c;

		rc = mw_tx_complaint_get(tx, id, &a, &c, NULL);
		if (rc == MW_ERR_NOTFOUND) {
			rc = MW_OK;
			continue;
		}
		if (!rc && mw_status_is_open(c.status)) {
			rc = mw_notify_replan(tx, pw->n, &c, true, 0, NULL);
			pw->planned++;
		}
		if (id % 256 == 0)
			mw_arena_release(&a);
	}
	mw_arena_release(&a);
	return rc;
}

static int users_run(mw_tx *tx, mw_work *w)
{
	int rc = MW_OK;

	MW_UNUSED(w);
	for (size_t i = 0; !rc && i < MW_ARRAY_LEN(departments); i++) {
		char login[64];
		mw_user u = { .name = "bench", .role = "manager", .department = departments[i],
			      .pwhash = "-" };

		snprintf(login, sizeof(login), "mgr-%s", departments[i]);
		u.login = login;
		rc = mw_tx_user_put(tx, &u);
	}
	return rc;
}

/* The reference: every open complaint read and its reminders worked out,
 * as a monitor without the stored plan would do on each run. */
static double naive_scan(const char *db, const mw_calendar *cal, mw_time now, int64_t *open,
			 int64_t *due)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	mw_remind_policy pol;
	double t0;

	mw_remind_policy_default(&pol);
	*open = *due = 0;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT status, clock_start, due_at, period, paused_at FROM "
				  "complaints WHERE is_open", -1, &st, NULL) != SQLITE_OK)
		return -1;
	t0 = now_ms();
	while (sqlite3_step(st) == SQLITE_ROW) {
		mw_complaint c = { .status = (mw_status)sqlite3_column_int(st, 0) };
		mw_remind_plan plan;

		c.clock_start = sqlite3_column_int64(st, 1);
		c.due_at = sqlite3_column_int64(st, 2);
		if (mw_period_parse((const char *)sqlite3_column_text(st, 3), &c.period))
			c.period = (mw_period){ 7, MW_PERIOD_DAYS };
		c.paused_at = sqlite3_column_int64(st, 4);
		mw_remind_plan_complaint(cal, &c, &pol, false, &plan);
		for (size_t i = 0; i < plan.n; i++)
			*due += plan.r[i].at <= now;
		(*open)++;
	}
	t0 = now_ms() - t0;
	sqlite3_finalize(st);
	sqlite3_close(h);
	return t0;
}

static int bench_monitor(const char *db, int scans)
{
	mw_store_config scfg = { .write_cache_kib = 65536 };
	mw_notify_config cfg;
	mw_store *s;
	mw_notify *n;
	mw_keys keys;
	char err[256];
	int64_t counts[MW_STATUS__COUNT], overdue, total = 0, open, due;
	mw_time real = mw_real_now(), t;
	double t0, naive, *idle, *busy, plan_ms, catch_ms;
	int fired, busy_fired = 0, catch_fired;
	struct plan_work pw = { .w = { .run = plan_run } };
	mw_work uw = { .run = users_run };

	random_keys(&keys);
	mw_notify_config_init(&cfg);
	if (mw_notify_config_finish(&cfg, NULL, err, sizeof(err)))
		return fail(err);
	if (mw_store_open(db, &scfg, &s, err, sizeof(err)))
		return fail(err);
	/* The clock starts before every complaint of bench_load (90 days). */
	mw_clock_start_test(real - 100 * 86400);
	if (mw_notify_new(s, &keys, &cfg, &n, err, sizeof(err)))
		return fail(err);
	if (mw_store_counts(s, NULL, mw_now(), counts, &overdue))
		return fail("cannot count the complaints");
	for (int i = 0; i < MW_STATUS__COUNT; i++)
		total += counts[i];
	if (mw_store_exec(s, &uw))
		return fail("cannot add the managers");
	t0 = now_ms();
	pw.n = n;
	for (int64_t id = 1; id <= total; id += 2000) {
		pw.first = id;
		pw.last = id + 1999;
		if (mw_store_exec(s, &pw.w))
			return fail("cannot write the plans");
	}
	plan_ms = now_ms() - t0;

	idle = calloc((size_t)scans, sizeof(*idle));
	busy = calloc((size_t)scans, sizeof(*busy));
	if (!idle || !busy)
		return fail("out of memory");
	/* Nothing due: what most scans find. */
	for (int i = 0; i < scans; i++) {
		t0 = now_ms();
		if (mw_notify_scan(n, &fired))
			return fail("scan failed");
		idle[i] = now_ms() - t0;
	}
	/* A month in: everything due before fires at once (the catch-up
	 * after a long stop), then a minute at a time. */
	t = real - 60 * 86400;
	mw_clock_jump(t);
	t0 = now_ms();
	if (mw_notify_scan(n, &catch_fired))
		return fail("scan failed");
	catch_ms = now_ms() - t0;
	for (int i = 0; i < scans; i++) {
		t += 60;
		mw_clock_jump(t);
		t0 = now_ms();
		if (mw_notify_scan(n, &fired))
			return fail("scan failed");
		busy[i] = now_ms() - t0;
		busy_fired += fired;
	}
	naive = naive_scan(db, n->ref->cal, mw_now(), &open, &due);
	printf("monitor_complaints %lld\n", (long long)total);
	printf("monitor_open %lld\n", (long long)open);
	printf("monitor_plan_s %.1f\n", plan_ms / 1000);
	printf("monitor_planned %lld\n", (long long)pw.planned);
	printf("monitor_idle_p50_ms %.3f\nmonitor_idle_p99_ms %.3f\n", pct(idle, (size_t)scans, 0.5),
	       pct(idle, (size_t)scans, 0.99));
	printf("monitor_busy_p50_ms %.3f\nmonitor_busy_p99_ms %.3f\nmonitor_busy_max_ms %.3f\n",
	       pct(busy, (size_t)scans, 0.5), pct(busy, (size_t)scans, 0.99),
	       pct(busy, (size_t)scans, 1.0));
	printf("monitor_busy_fired_per_scan %.1f\n", (double)busy_fired / scans);
	printf("monitor_catchup_fired %d\nmonitor_catchup_per_s %.0f\n", catch_fired,
	       catch_ms > 0 ? catch_fired / (catch_ms / 1000) : 0);
	printf("monitor_naive_ms %.1f\nmonitor_naive_due %lld\n", naive, (long long)due);
	free(idle);
	free(busy);
	mw_notify_free(n);
	mw_store_close(s);
	mw_notify_config_release(&cfg);
	return 0;
}

/* ---- sender ------------------------------------------------------------- */

struct fill_work {
	mw_work w;
	const mw_keys *keys;
	int64_t first, count;
};

/* Complaints with sealed contact data that chose e-mail, and their
 * receipt mails in the outbox, as intake writes them. */
static int fill_run(mw_tx *tx, mw_work *w)
{
	struct fill_work *fw = (struct fill_work *)w;
	mw_time now = mw_now();
	int rc = MW_OK;

	for (int64_t i = fw->first; !rc && i < fw->first + fw->count; i++) {
		mw_complaint c = { .title = "가로등 고장", .text = "가로등이 꺼져 있습니다.",
				   .category = "streetlight", .department = "facilities",
				   .consent_privacy = true, .status = MW_STATUS_RECEIVED,
				   .version = 1, .received_at = now, .clock_start = now,
				   .period = { 7, MW_PERIOD_DAYS }, .base_period = { 7, MW_PERIOD_DAYS },
				   .due_at = now + 7 * 86400, .updated_at = now };
		mw_complaint_secret sec = { 0 };
		mw_notify_prefs prefs = { .channels = 1u << MW_CHAN_EMAIL, .lang = "ko" };
		char contact[256], vars[256], *sealed = NULL;
		mw_outbox_row row = { .created_at = now, .kind = "received", .channel = MW_CHAN_EMAIL,
				      .recipient = "citizen", .lang = "ko", .next_at = now };

		snprintf(c.receipt_no, sizeof(c.receipt_no), "2501-%06d", (int)(i % 1000000) + 1);
		snprintf(sec.token_hash, sizeof(sec.token_hash), "t%lld", (long long)i);
		snprintf(contact, sizeof(contact),
			 "{\"name\":\"김민원\",\"phone\":null,\"email\":\"c%lld@example.kr\","
			 "\"notify\":{\"channels\":[\"email\"],\"lang\":\"ko\"}}", (long long)i);
		if ((rc = mw_seal(fw->keys, c.receipt_no, contact, strlen(contact), &sealed)))
			break;
		sec.contact_sealed = sealed;
		rc = mw_tx_complaint_insert(tx, &c, &sec, &c.id);
		free(sealed);
		if (!rc)
			rc = mw_tx_notify_prefs_put(tx, c.id, &prefs);
		snprintf(vars, sizeof(vars),
			 "{\"office\":\"강남구청\",\"receipt_no\":\"%s\",\"title\":\"가로등 고장\","
			 "\"department\":\"시설과\",\"due_at\":%lld}", c.receipt_no,
			 (long long)c.due_at);
		row.complaint_id = c.id;
		row.vars = vars;
		if (!rc)
			rc = mw_tx_outbox_add(tx, &row, NULL);
	}
	return rc;
}

static int bench_sender(const char *url, int count)
{
	char dir[] = "/tmp/mw-bench-notify-XXXXXX", path[96], err[256];
	mw_notify_config cfg;
	mw_store *s;
	mw_notify *n;
	mw_keys keys;
	mw_outbox_counts oc;
	void *h;
	double t0, ref_ms, send_ms;
	int ref_n = count, sent_ok = 0;

	random_keys(&keys);
	mw_notify_config_init(&cfg);
	mw_notify_config_set(&cfg, "smtp-url", url, true, err, sizeof(err));
	mw_notify_config_set(&cfg, "smtp-from", "minwon@gu.example.kr", true, err, sizeof(err));
	mw_notify_config_set(&cfg, "smtp-tls", "none", true, err, sizeof(err));
	mw_notify_config_set(&cfg, "office-name", "강남구청", true, err, sizeof(err));
	if (mw_notify_config_finish(&cfg, NULL, err, sizeof(err)))
		return fail(err);
	if (!mkdtemp(dir))
		return fail("cannot make a temporary directory");
	snprintf(path, sizeof(path), "%s/bench.db", dir);
	if (mw_store_open(path, NULL, &s, err, sizeof(err)))
		return fail(err);

	/* Reference: the channel alone, over one connection, no database. */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = mw_channel_smtp.open(&cfg);
	if (!h)
		return fail("cannot open the SMTP channel");
	t0 = now_ms();
	for (int i = 0; i < ref_n; i++) {
		char id[64], to[64], subject[128];
		mw_message m = { .message_id = id, .kind = MW_NOTICE_RECEIVED, .to = to,
				 .subject = subject,
				 .body = "강남구청에 민원이 접수되었습니다.\n\n접수번호: 2501-000001\n"
					 "처리 기한: 2025년 2월 7일(금) 23:59\n",
				 .date = mw_now() };

		snprintf(id, sizeof(id), "mw-ref-%d", i);
		snprintf(to, sizeof(to), "r%d@example.kr", i);
		snprintf(subject, sizeof(subject),
			 "[강남구청] 민원이 접수되었습니다 (접수번호 2501-%06d)", i);
		sent_ok += mw_channel_smtp.send(h, &cfg, &m, err, sizeof(err)) == MW_SEND_OK;
	}
	ref_ms = now_ms() - t0;
	mw_channel_smtp.close(h);

	/* The outbox: fill, then start the e-mail sender and time the drain. */
	for (int64_t i = 0; i < count; i += 1000) {
		struct fill_work fw = { .w = { .run = fill_run }, .keys = &keys, .first = i,
					.count = count - i < 1000 ? count - i : 1000 };

		if (mw_store_exec(s, &fw.w))
			return fail("cannot fill the outbox");
	}
	if (mw_notify_new(s, &keys, &cfg, &n, err, sizeof(err)))
		return fail(err);
	t0 = now_ms();
	if (mw_notify_start(n, false))
		return fail("cannot start the sender");
	do {
		usleep(2000);
		if (mw_store_outbox_counts(s, &oc))
			return fail("cannot count the outbox");
	} while (oc.pending[MW_CHAN_EMAIL] > 0);
	send_ms = now_ms() - t0;
	printf("sender_messages %d\n", count);
	printf("sender_per_s %.0f\n", count / (send_ms / 1000));
	printf("sender_dead %lld\n", (long long)oc.dead[MW_CHAN_EMAIL]);
	printf("sender_ref_messages %d\nsender_ref_ok %d\n", ref_n, sent_ok);
	printf("sender_ref_per_s %.0f\n", ref_n / (ref_ms / 1000));
	mw_notify_free(n);
	mw_store_close(s);
	mw_notify_config_release(&cfg);
	{
		char p[128];
		static const char *const suffix[] = { "", "-wal", "-shm" };

		for (size_t i = 0; i < MW_ARRAY_LEN(suffix); i++) {
			snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
			unlink(p);
		}
		rmdir(dir);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "scans", required_argument, NULL, 'n' },
		{ "smtp-url", required_argument, NULL, 'u' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *url = NULL;
	int64_t scans = 200, count = 20000;
	int c;

	if (argc < 2 || mw_crypto_init())
		goto usage;
	optind = 2;
	while ((c = getopt_long(argc, argv, "d:n:u:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': url = optarg; break;
		case 'n':
			if (mw_parse_i64(optarg, 1, 100000, &scans))
				goto usage;
			break;
		case 'c':
			if (mw_parse_i64(optarg, 1, 10000000, &count))
				goto usage;
			break;
		default: goto usage;
		}
	}
	if (!strcmp(argv[1], "monitor") && db)
		return bench_monitor(db, (int)scans);
	if (!strcmp(argv[1], "sender") && url)
		return bench_sender(url, (int)count);
usage:
	fprintf(stderr, "usage: bench_notify monitor --db PATH [--scans N]\n"
			"       bench_notify sender --smtp-url URL [--count N]\n");
	return 2;
}

#include "cli.h"
#include "../base/embedded.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../core/deadline.h"
#include "../store/sync.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../base/banned.h"

void mw_cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("minwon: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int mw_cli_clock(const char *flag, mw_store *s)
{
	const char *v = flag ? flag : getenv("MINWON_NOW");
	mw_time start, latest = 0;
	char when[32], newest[32];

	if (!v || !*v)
		return MW_OK;
	if (mw_time_parse_iso8601(v, &start)) {
		mw_cli_err("%s must be an ISO 8601 time, e.g. 2025-01-24T17:00:00+09:00",
			   flag ? "--now" : "MINWON_NOW");
		return MW_ERR_INVALID;
	}
	if (s && mw_store_latest_event_at(s, &latest) == MW_OK && latest > start) {
		mw_time_format_kst(start, when);
		mw_time_format_kst(latest, newest);
		mw_cli_err("the test clock (%s) is earlier than the newest event in the database "
			   "(%s); refusing to run the clock backwards", when, newest);
		return MW_ERR_INVALID;
	}
	if (mw_clock_start_test(start))
		return MW_ERR_INVALID;
	mw_time_format_kst(start, when);
	mw_cli_err("warning: TEST CLOCK: now is %s and runs on from there; never use this "
		   "in production", when);
	mw_log_warn("clock", "event=test_clock start=%s", when);
	return MW_OK;
}

int mw_cli_notify_begin(mw_cli_notify *cn, const struct option *base)
{
	size_t nbase = 0, nset = mw_notify_setting_count();

	MW_ASSERT(nset <= MW_CLI_SETTINGS_MAX);
	memset(cn, 0, sizeof(*cn));
	mw_notify_config_init(&cn->cfg);
	while (base[nbase].name)
		nbase++;
	cn->opts = calloc(nbase + nset + 1, sizeof(*cn->opts));
	if (!cn->opts)
		return MW_ERR_NOMEM;
	memcpy(cn->opts, base, nbase * sizeof(*cn->opts));
	for (size_t i = 0; i < nset; i++)
		cn->opts[nbase + i] = (struct option){ mw_notify_setting_name(i), required_argument,
						       NULL, MW_CLI_SETTING + (int)i };
	return MW_OK;
}

void mw_cli_notify_end(mw_cli_notify *cn)
{
	mw_notify_config_release(&cn->cfg);
	free(cn->opts);
	cn->opts = NULL;
}

int mw_cli_notify_option(mw_cli_notify *cn, int c, const char *arg)
{
	char err[256];
	size_t i;

	if (c < MW_CLI_SETTING || (size_t)(c - MW_CLI_SETTING) >= mw_notify_setting_count())
		return MW_ERR_NOTFOUND;
	i = (size_t)(c - MW_CLI_SETTING);
	if (mw_notify_config_set(&cn->cfg, mw_notify_setting_name(i), arg, false, err,
				 sizeof(err))) {
		mw_cli_err("--%s", err);
		return MW_ERR_INVALID;
	}
	cn->set[i] = true;
	return MW_OK;
}

int mw_cli_notify_finish(mw_cli_notify *cn)
{
	char err[512];

	if (mw_notify_config_finish(&cn->cfg, cn->set, err, sizeof(err))) {
		mw_cli_err("%s", err);
		return MW_ERR_INVALID;
	}
	return MW_OK;
}

const char *mw_cli_db(const char *flag)
{
	const char *env = getenv("MINWON_DB");

	return flag ? flag : (env && *env ? env : NULL);
}

void mw_cli_key_path(const char *db, char *out, size_t outsz)
{
	const char *env = getenv("MINWON_KEY_FILE");

	if (env && *env)
		snprintf(out, outsz, "%s", env);
	else
		snprintf(out, outsz, "%s.key", db);
}

void mw_cli_data_dir(const char *db, char *out, size_t outsz)
{
	const char *env = getenv("MINWON_DATA_DIR");

	if (env && *env)
		snprintf(out, outsz, "%s", env);
	else
		snprintf(out, outsz, "%s.files", db);
}

int mw_cli_open(const char *db, mw_store **out)
{
	char err[512];

	if (access(db, F_OK)) {
		mw_cli_err("database %s does not exist; create it with 'minwon init --db %s'", db, db);
		return MW_ERR_NOTFOUND;
	}
	if (mw_store_open(db, NULL, out, err, sizeof(err))) {
		mw_cli_err("%s", err);
		return MW_ERR_DB;
	}
	return MW_OK;
}

int mw_cli_keys(const char *db, mw_keys *out)
{
	char path[1024], err[512];

	mw_cli_key_path(db, path, sizeof(path));
	if (mw_keys_load(path, out, err, sizeof(err))) {
		mw_cli_err("%s", err);
		return MW_ERR_IO;
	}
	return MW_OK;
}

/* Walks the data lines of an embedded TSV file (skipping comments and
 * the header), splitting each into at most max fields in place. */
static int tsv_each(const char *name, int max, int (*fn)(char **f, int n, void *ctx), void *ctx)
{
	const struct mw_embedded *e = mw_embedded_find(name);
	char *copy, *line, *next;
	bool header = true;
	int rc = MW_OK;

	if (!e)
		return MW_ERR_NOTFOUND;
	copy = malloc(e->len + 1);
	if (!copy)
		return MW_ERR_NOMEM;
	memcpy(copy, e->data, e->len + 1);
	for (line = copy; line && *line && !rc; line = next) {
		char *f[8], *p;
		int n = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		for (p = line; n < max && n < 8;) {
			f[n++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		/* Files with a header line start with "code\t" or "date\t". */
		if (header && (!strcmp(f[0], "code") || !strcmp(f[0], "date"))) {
			header = false;
			continue;
		}
		header = false;
		rc = fn(f, n, ctx);
	}
	free(copy);
	return rc;
}

struct seed_ctx {
	mw_store *s;
	int count;
};

static int seed_department(char **f, int n, void *ctx)
{
	struct seed_ctx *c = ctx;
	mw_department d = { .code = f[0], .name_ko = n > 1 ? f[1] : f[0], .name_en = n > 2 ? f[2] : "" };

	c->count++;
	return mw_store_put_department(c->s, &d);
}

static int seed_category(char **f, int n, void *ctx)
{
	struct seed_ctx *c = ctx;
	mw_category cat = { .code = f[0], .name_ko = n > 1 ? f[1] : f[0],
			     .department = n > 2 ? f[2] : "triage", .period = { 7, MW_PERIOD_DAYS } };

	if (n > 3 && mw_period_parse(f[3], &cat.period))
		return MW_ERR_INVALID;
	c->count++;
	return mw_store_put_category(c->s, &cat);
}

static int seed_holiday(char **f, int n, void *ctx)
{
	struct seed_ctx *c = ctx;
	mw_holiday h = { .name = n > 1 ? f[1] : "" };

	if (mw_date_parse(f[0], &h.y, &h.m, &h.d))
		return MW_ERR_INVALID;
	c->count++;
	return mw_store_put_holiday(c->s, &h, "data/holidays.tsv (관공서의 공휴일에 관한 규정)");
}

int mw_cli_seed(mw_store *s, int *ndept, int *ncat, int *nhol)
{
	mw_arena a = MW_ARENA_INIT;
	mw_department *d;
	mw_holiday *h;
	size_t n;
	struct seed_ctx c = { s, 0 };
	int rc;

	*ndept = *ncat = *nhol = 0;
	if ((rc = mw_store_departments(s, &a, &d, &n)))
		goto out;
	if (n == 0) {
		if ((rc = tsv_each("departments.tsv", 3, seed_department, &c)))
			goto out;
		*ndept = c.count;
		c.count = 0;
		if ((rc = tsv_each("categories.tsv", 4, seed_category, &c)))
			goto out;
		*ncat = c.count;
		c.count = 0;
	}
	if ((rc = mw_store_holidays(s, &a, &h, &n)))
		goto out;
	if (n == 0) {
		rc = tsv_each("holidays.tsv", 2, seed_holiday, &c);
		*nhol = c.count;
	}
out:
	mw_arena_release(&a);
	return rc;
}

int mw_cli_read_password(char *out, size_t outsz)
{
	size_t n;

	if (!fgets(out, (int)outsz, stdin))
		return MW_ERR_INVALID;
	n = strlen(out);
	if (n && out[n - 1] == '\n')
		out[--n] = '\0';
	if (n && out[n - 1] == '\r')
		out[--n] = '\0';
	return n ? MW_OK : MW_ERR_INVALID;
}

static int add_embedded_holiday(char **f, int n, void *ctx)
{
	int y, m, d;

	MW_UNUSED(n);
	if (mw_date_parse(f[0], &y, &m, &d))
		return MW_ERR_INVALID;
	return mw_calendar_add_holiday(ctx, y, m, d);
}

int mw_cli_calendar(const char *db, mw_calendar **out)
{
	mw_calendar *cal = mw_calendar_new();
	int rc;

	*out = NULL;
	if (!cal)
		return MW_ERR_NOMEM;
	if (db) {
		mw_store *s;
		mw_arena a = MW_ARENA_INIT;
		mw_holiday *h;
		size_t n;

		if ((rc = mw_cli_open(db, &s))) {
			mw_calendar_free(cal);
			return rc;
		}
		rc = mw_store_holidays(s, &a, &h, &n);
		for (size_t i = 0; !rc && i < n; i++)
			mw_calendar_add_holiday(cal, h[i].y, h[i].m, h[i].d);
		mw_arena_release(&a);
		mw_store_close(s);
	} else {
		rc = tsv_each("holidays.tsv", 2, add_embedded_holiday, cal);
	}
	if (rc) {
		mw_calendar_free(cal);
		return rc;
	}
	*out = cal;
	return MW_OK;
}

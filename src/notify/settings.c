/*
 * settings.c - the notification settings of settings.def, from flags, the
 * environment and a config file, with one table driving all three.
 */
#include "notify.h"
#include "../base/mw.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

enum setting_type { T_STR, T_INT, T_BOOL };

static const struct setting {
	const char *name, *env;
	enum setting_type type;
	size_t offset;
	const char *def, *help;
} settings[] = {
#define MW_SETTING(name, env, type, field, def, help) \
	{ name, env, T_##type, offsetof(mw_notify_config, field), def, help },
#include "settings.def"
#undef MW_SETTING
};

#define N_SETTINGS MW_ARRAY_LEN(settings)
#define CONFIG_MAX (64 * 1024)

size_t mw_notify_setting_count(void)
{
	return N_SETTINGS;
}

const char *mw_notify_setting_name(size_t i)
{
	return i < N_SETTINGS ? settings[i].name : NULL;
}

void mw_notify_settings_help(FILE *f)
{
	fprintf(f, "Notifications (flag, or the environment variable, or a line in the\n"
		   "--notify-config file):\n");
	for (size_t i = 0; i < N_SETTINGS; i++)
		fprintf(f, "  --%-19s %s\n  %-21s (%s%s%s)\n", settings[i].name, settings[i].help,
			"", settings[i].env, settings[i].def ? "; default " : "",
			settings[i].def ? settings[i].def : "");
}

static int parse_value(const struct setting *s, mw_notify_config *cfg, const char *value,
		       char *err, size_t errsz)
{
	char *field = (char *)cfg + s->offset;
	int64_t v;

	switch (s->type) {
	case T_STR:
		*(const char **)(void *)field = value && *value ? value : NULL;
		return MW_OK;
	case T_INT:
		if (mw_parse_i64(value, 0, 100000000, &v)) {
			snprintf(err, errsz, "%s must be a whole number, not \"%.40s\"", s->name,
				 value);
			return MW_ERR_INVALID;
		}
		*(int *)(void *)field = (int)v;
		return MW_OK;
	case T_BOOL:
		if (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes") ||
		    !strcmp(value, "on")) {
			*(bool *)(void *)field = true;
		} else if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "no") ||
			   !strcmp(value, "off")) {
			*(bool *)(void *)field = false;
		} else {
			snprintf(err, errsz, "%s must be true or false", s->name);
			return MW_ERR_INVALID;
		}
		return MW_OK;
	}
	return MW_ERR_INVALID;
}

void mw_notify_config_init(mw_notify_config *cfg)
{
	char err[128];

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (settings[i].def)
			parse_value(&settings[i], cfg, settings[i].def, err, sizeof(err));
}

void mw_notify_config_release(mw_notify_config *cfg)
{
	mw_arena_release(&cfg->arena);
}

static const struct setting *find(const char *name, size_t len)
{
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (strlen(settings[i].name) == len && !memcmp(settings[i].name, name, len))
			return &settings[i];
	return NULL;
}

int mw_notify_config_set(mw_notify_config *cfg, const char *name, const char *value, bool copy,
			 char *err, size_t errsz)
{
	const struct setting *s = find(name, strlen(name));

	if (!s) {
		snprintf(err, errsz, "unknown setting %.60s", name);
		return MW_ERR_INVALID;
	}
	if (copy && !(value = mw_arena_strdup(&cfg->arena, value)))
		return MW_ERR_NOMEM;
	return parse_value(s, cfg, value, err, errsz);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Parses "name = value" lines; settings the flags or the environment set
 * (done[]) keep their value. */
int mw_notify_config_parse(mw_notify_config *cfg, const char *text, const bool *done, char *err,
			   size_t errsz)
{
	int line = 0;

	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n'), *eq, *k0, *k1, *v0, *v1;
		const struct setting *s;
		char *value;
		int rc;

		if (!eol)
			eol = p + strlen(p);
		line++;
		for (k0 = p; k0 < eol && blank(*k0); k0++)
			;
		if (k0 == eol || *k0 == '#') {
			p = *eol ? eol + 1 : eol;
			continue;
		}
		eq = memchr(k0, '=', (size_t)(eol - k0));
		if (!eq) {
			snprintf(err, errsz, "config line %d: expected NAME = VALUE", line);
			return MW_ERR_INVALID;
		}
		for (k1 = eq; k1 > k0 && blank(k1[-1]); k1--)
			;
		for (v0 = eq + 1; v0 < eol && blank(*v0); v0++)
			;
		for (v1 = eol; v1 > v0 && blank(v1[-1]); v1--)
			;
		s = find(k0, (size_t)(k1 - k0));
		if (!s) {
			snprintf(err, errsz, "config line %d: unknown setting %.*s", line,
				 (int)(k1 - k0 > 60 ? 60 : k1 - k0), k0);
			return MW_ERR_INVALID;
		}
		if (!done[s - settings]) {
			if (!(value = mw_arena_strndup(&cfg->arena, v0, (size_t)(v1 - v0))))
				return MW_ERR_NOMEM;
			if ((rc = parse_value(s, cfg, value, err, errsz)))
				return rc;
		}
		p = *eol ? eol + 1 : eol;
	}
	return MW_OK;
}

static int read_file(const char *path, char **out)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return MW_ERR_IO;
	buf = malloc(CONFIG_MAX + 1);
	if (!buf) {
		fclose(f);
		return MW_ERR_NOMEM;
	}
	n = fread(buf, 1, CONFIG_MAX + 1, f);
	fclose(f);
	if (n > CONFIG_MAX || memchr(buf, '\0', n)) {
		free(buf);
		return MW_ERR_TOO_LARGE;
	}
	buf[n] = '\0';
	*out = buf;
	return MW_OK;
}

/* "21:00-08:00" -> minutes; "none" or "" -> no quiet hours. */
static int parse_quiet(const char *s, int *from, int *to)
{
	int h1, m1, h2, m2, used = 0;

	*from = *to = 0;
	if (!s || !*s || !strcmp(s, "none"))
		return MW_OK;
	if (sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &used) != 4 || s[used] ||
	    h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0)
		return MW_ERR_INVALID;
	*from = h1 * 60 + m1;
	*to = h2 * 60 + m2;
	return MW_OK;
}

/* "urgent,overdue" -> a bit per notice kind; "none" or "" -> none. Only
 * staff notices: citizens choose their own channels. */
static int parse_staff_sms(const char *s, uint64_t *mask, char *err, size_t errsz)
{
	*mask = 0;
	if (!s || !strcmp(s, "none"))
		return MW_OK;
	_Static_assert(MW_NOTICE__COUNT <= 64, "a notice kind is a bit of staff_sms_kinds");
	for (s += strspn(s, ", "); *s; s += strspn(s, ", ")) {
		size_t n = strcspn(s, ", ");
		char name[32];
		mw_notice k;

		snprintf(name, sizeof(name), "%.*s", (int)n, s);
		if (n >= sizeof(name) || mw_notice_parse(name, &k) || mw_notice_for_citizen(k)) {
			snprintf(err, errsz, "staff-sms: %.*s is not a staff notice (e.g. urgent, "
				 "overdue, due_soon, reminder, new_assignment), or none", (int)n, s);
			return MW_ERR_INVALID;
		}
		*mask |= UINT64_C(1) << k;
		s += n;
	}
	return MW_OK;
}

int mw_notify_config_finish(mw_notify_config *cfg, const bool *flags_set, char *err,
			    size_t errsz)
{
	bool done[N_SETTINGS];
	char *text = NULL;
	int rc;

	for (size_t i = 0; i < N_SETTINGS; i++) {
		const char *v = getenv(settings[i].env);

		done[i] = flags_set && flags_set[i];
		if (!done[i] && v && *v) {
			if ((rc = parse_value(&settings[i], cfg, v, err, errsz)))
				return rc;
			done[i] = true;
		}
	}
	if (cfg->config_file) {
		rc = read_file(cfg->config_file, &text);
		if (rc) {
			snprintf(err, errsz, "cannot read the notify config %.200s: %s",
				 cfg->config_file, rc == MW_ERR_IO ? strerror(errno) : mw_err_str(rc));
			return rc;
		}
		rc = mw_notify_config_parse(cfg, text, done, err, errsz);
		free(text);
		if (rc)
			return rc;
	}
	if (parse_quiet(cfg->quiet_hours, &cfg->quiet_from, &cfg->quiet_to)) {
		snprintf(err, errsz, "quiet-hours must look like 21:00-08:00, or none");
		return MW_ERR_INVALID;
	}
	if ((rc = parse_staff_sms(cfg->staff_sms, &cfg->staff_sms_kinds, err, errsz)))
		return rc;
	if (mw_period_parse(cfg->info_period, &cfg->info_period_p) ||
	    mw_period_parse(cfg->late_grace, &cfg->late_grace_p)) {
		snprintf(err, errsz, "info-period and late-grace must be periods such as 7d or 16h");
		return MW_ERR_INVALID;
	}
	if (cfg->smtp_tls && strcmp(cfg->smtp_tls, "none") && strcmp(cfg->smtp_tls, "try") &&
	    strcmp(cfg->smtp_tls, "required")) {
		snprintf(err, errsz, "smtp-tls must be none, try or required");
		return MW_ERR_INVALID;
	}
	if (cfg->smtp_url && !cfg->smtp_from) {
		snprintf(err, errsz, "smtp-url needs smtp-from (MINWON_SMTP_FROM), the sender address");
		return MW_ERR_INVALID;
	}
	if (cfg->max_tries < 1 || cfg->backoff_s < 1 || cfg->lease_s < 1 || cfg->monitor_s < 1) {
		snprintf(err, errsz, "notify-tries, notify-backoff, notify-lease and monitor-interval "
				     "must be at least 1");
		return MW_ERR_INVALID;
	}
	return MW_OK;
}

bool mw_notify_channel_configured(const mw_notify_config *cfg, mw_chan ch)
{
	switch (ch) {
	case MW_CHAN_EMAIL: return cfg->smtp_url && cfg->smtp_from;
	case MW_CHAN_SMS: return cfg->sms_url != NULL;
	case MW_CHAN_KAKAO: return cfg->kakao_url != NULL;
	case MW_CHAN_WEBHOOK: return cfg->webhook_url != NULL;
	default: return false;
	}
}

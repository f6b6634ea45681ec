#include "log.h"
#include "timeutil.h"

#include <stdarg.h>
#include <stdio.h>

#include "banned.h"

static enum mw_log_level min_level = MW_LOG_INFO;
static const char *const level_names[] = { "debug", "info", "warn", "error" };

void mw_log_set_level(enum mw_log_level level)
{
	min_level = level;
}

void mw_log(enum mw_log_level level, const char *mod, const char *fmt, ...)
{
	char line[1024], ts[32];
	va_list ap;
	int n;

	if (level < min_level)
		return;
	mw_time_format_kst(mw_real_now(), ts);
	n = snprintf(line, sizeof(line), "ts=%s level=%s mod=%s ", ts, level_names[level], mod);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One fputs per line keeps lines whole when threads log at once. */
	fprintf(stderr, "%s\n", line);
}

/*
 * log.h - structured logs: one line per event on stderr, logfmt style
 *   ts=2026-11-25T14:00:00+09:00 level=info mod=http event=request ...
 * Callers pass key=value pairs in fmt. Never log personal data: no names,
 * phone numbers, e-mail addresses, complaint texts or tokens.
 */
#ifndef MW_LOG_H
#define MW_LOG_H

enum mw_log_level { MW_LOG_DEBUG, MW_LOG_INFO, MW_LOG_WARN, MW_LOG_ERROR };

void mw_log_set_level(enum mw_log_level level);
void mw_log(enum mw_log_level level, const char *mod, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define mw_log_info(mod, ...) mw_log(MW_LOG_INFO, mod, __VA_ARGS__)
#define mw_log_warn(mod, ...) mw_log(MW_LOG_WARN, mod, __VA_ARGS__)
#define mw_log_error(mod, ...) mw_log(MW_LOG_ERROR, mod, __VA_ARGS__)
#define mw_log_debug(mod, ...) mw_log(MW_LOG_DEBUG, mod, __VA_ARGS__)

#endif

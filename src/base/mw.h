/*
 * mw.h - the few things every module of minwon shares: the error enum,
 * assertions and small helpers. It has no domain words in it.
 *
 * Errors: every fallible function returns an int that is MW_OK (0) or one
 * of the MW_ERR_* values below. mw_err_str() names it for logs,
 * mw_err_code() gives the stable snake_case code used in JSON bodies, and
 * mw_err_http() the HTTP status an API handler should answer with.
 */
#ifndef MW_H
#define MW_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum mw_err {
#define MW_ERROR(name, http, code, msg) name,
#include "errors.def"
#undef MW_ERROR
	MW_ERR__COUNT
};

const char *mw_err_str(int err);
const char *mw_err_code(int err);
int mw_err_http(int err);

/* Invariant breaks: print file and line, then abort. Never used for bad
 * input, which is an error return. */
#define MW_ASSERT(cond) \
	do { if (!(cond)) mw_assert_fail(#cond, __FILE__, __LINE__); } while (0)
_Noreturn void mw_assert_fail(const char *expr, const char *file, int line);

#define MW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MW_UNUSED(x) ((void)(x))

/* Parse a decimal integer in [min, max]; the whole string must match. */
int mw_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Bounded copy that always NUL-terminates; returns MW_ERR_TOO_LARGE when
 * src did not fit (dst then holds a truncated copy). */
int mw_strlcpy(char *dst, const char *src, size_t size);

#endif

#include "mw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static const struct {
	int http;
	const char *code;
	const char *msg;
} errors[] = {
#define MW_ERROR(name, http, code, msg) { http, code, msg },
#include "errors.def"
#undef MW_ERROR
};

const char *mw_err_str(int err)
{
	if (err < 0 || err >= MW_ERR__COUNT)
		return "unknown error";
	return errors[err].msg;
}

const char *mw_err_code(int err)
{
	if (err < 0 || err >= MW_ERR__COUNT)
		return "internal";
	return errors[err].code;
}

int mw_err_http(int err)
{
	if (err < 0 || err >= MW_ERR__COUNT)
		return 500;
	return errors[err].http;
}

void mw_assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "minwon: assertion failed: %s (%s:%d)\n", expr, file, line);
	abort();
}

int mw_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return MW_ERR_INVALID;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return MW_ERR_INVALID;
	*out = v;
	return MW_OK;
}

int mw_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size == 0)
		return MW_ERR_TOO_LARGE;
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return MW_ERR_TOO_LARGE;
	}
	memcpy(dst, src, n + 1);
	return MW_OK;
}

#include "jsonl.h"

#include <stdbool.h>
#include <stdlib.h>

#include "../base/banned.h"

int mw_jsonl_read_line(FILE *f, char **buf, size_t *cap, size_t *len)
{
	size_t n = 0;
	bool any = false, too_long = false;
	int ch;

	while ((ch = getc(f)) != EOF) {
		any = true;
		if (ch == '\n')
			break;
		if (too_long)
			continue;
		if (n + 2 > *cap) {
			size_t ncap = *cap ? *cap * 2 : 4096;
			char *p;

			if (ncap > MW_JSONL_LINE_MAX + 2)
				ncap = MW_JSONL_LINE_MAX + 2;
			if (n + 2 > ncap) {
				too_long = true;
				continue;
			}
			if (!(p = realloc(*buf, ncap)))
				return -2;
			*buf = p;
			*cap = ncap;
		}
		(*buf)[n++] = (char)ch;
	}
	if (!any)
		return 0;
	if (too_long)
		return -1;
	if (!*buf && !(*buf = malloc(*cap = 1)))
		return -2;
	if (n > 0 && (*buf)[n - 1] == '\r')
		n--;
	(*buf)[n] = '\0';
	*len = n;
	return 1;
}

void mw_jsonl_emit(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(4)) : NULL;

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	json_decref(o);
}

void mw_jsonl_emit_error(json_t *id, const char *code, const char *msg)
{
	mw_jsonl_emit(json_pack("{s:O,s:{s:s,s:s}}", "id", id ? id : json_null(), "error", "code",
				code, "message", msg));
}

#include "jsonl.h"
#include "../base/utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

bool mw_jsonl_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

json_t *mw_jsonl_read_request(char *line, size_t len, size_t max, json_t **id, const char **text,
			      size_t *tlen)
{
	json_error_t err;
	json_t *j = json_loadb(line, len, JSON_ALLOW_NUL, &err), *t;

	*id = NULL;
	if (!j) {
		/* Invalid UTF-8 inside a JSON string: find the id anyway. */
		if (json_error_code(&err) == json_error_invalid_utf8) {
			mw_utf8_sanitize(line);
			j = json_loadb(line, len, JSON_ALLOW_NUL, NULL);
			mw_jsonl_emit_error(json_is_object(j) ? json_object_get(j, "id") : NULL,
					    "invalid_utf8", "text is not valid UTF-8");
			json_decref(j);
			return NULL;
		}
		mw_jsonl_emit_error(NULL, "invalid_json", "line is not a JSON object");
		return NULL;
	}
	if (!json_is_object(j)) {
		mw_jsonl_emit_error(NULL, "invalid_json", "line is not a JSON object");
		goto bad;
	}
	*id = json_object_get(j, "id");
	t = json_object_get(j, "text");
	if (!json_is_string(t)) {
		mw_jsonl_emit_error(*id, "missing_text", "text is missing or not a string");
		goto bad;
	}
	*text = json_string_value(t);
	*tlen = json_string_length(t);
	if (*tlen > max) {
		mw_jsonl_emit_error(*id, "too_large", "text is too long");
		goto bad;
	}
	if (mw_jsonl_blank(*text, *tlen)) {
		mw_jsonl_emit_error(*id, "empty_text", "text is empty");
		goto bad;
	}
	if (memchr(*text, '\0', *tlen)) {
		mw_jsonl_emit_error(*id, "invalid_text", "text contains a NUL character");
		goto bad;
	}
	return j;
bad:
	json_decref(j);
	return NULL;
}

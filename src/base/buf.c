#include "buf.h"
#include "mw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static size_t buf_max(const mw_buf *b)
{
	return b->max ? b->max : MW_BUF_DEFAULT_MAX;
}

int mw_buf_grow(mw_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > buf_max(b) || b->len + extra > buf_max(b))
		return MW_ERR_TOO_LARGE;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return MW_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->ptr, cap);
	if (!p)
		return MW_ERR_NOMEM;
	b->ptr = p;
	b->cap = cap;
	return MW_OK;
}

int mw_buf_append(mw_buf *b, const void *data, size_t n)
{
	int rc = mw_buf_grow(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return MW_OK;
}

int mw_buf_puts(mw_buf *b, const char *s)
{
	return mw_buf_append(b, s, strlen(s));
}

int mw_buf_putc(mw_buf *b, char c)
{
	return mw_buf_append(b, &c, 1);
}

int mw_buf_vprintf(mw_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return MW_ERR_INVALID;
	rc = mw_buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return MW_OK;
}

int mw_buf_printf(mw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mw_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int mw_buf_json_str(mw_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t start = b->len;
	int rc;

	if (!s)
		return mw_buf_puts(b, "null");
	if ((rc = mw_buf_putc(b, '"')))
		return rc;
	for (; *p; p++) {
		switch (*p) {
		case '"': rc = mw_buf_append(b, "\\\"", 2); break;
		case '\\': rc = mw_buf_append(b, "\\\\", 2); break;
		case '\n': rc = mw_buf_append(b, "\\n", 2); break;
		case '\r': rc = mw_buf_append(b, "\\r", 2); break;
		case '\t': rc = mw_buf_append(b, "\\t", 2); break;
		default:
			if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&') {
				/* < > & escaped too so JSON can be embedded in HTML. */
				char u[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
				rc = mw_buf_append(b, u, 6);
			} else {
				rc = mw_buf_append(b, p, 1);
			}
		}
		if (rc)
			goto fail;
	}
	if (!(rc = mw_buf_putc(b, '"')))
		return MW_OK;
fail:
	/* All or nothing: never leave half a string literal behind. */
	b->len = start;
	if (b->ptr)
		b->ptr[start] = '\0';
	return rc;
}

int mw_buf_json_kv(mw_buf *b, const char *key, const char *v)
{
	int rc;

	if ((rc = mw_buf_putc(b, ',')) || (rc = mw_buf_json_str(b, key)) ||
	    (rc = mw_buf_putc(b, ':')))
		return rc;
	return mw_buf_json_str(b, v);
}

void mw_buf_reset(mw_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

char *mw_buf_detach(mw_buf *b, size_t *len)
{
	char *p = b->ptr;

	if (!p)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void mw_buf_release(mw_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

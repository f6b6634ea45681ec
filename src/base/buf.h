/*
 * buf.h - growable byte buffers with a size cap (git's strbuf).
 *
 * Invariants: ptr is always NUL-terminated once anything was appended;
 * len never exceeds max (0 means the default cap, 64 MiB). An append that
 * would cross the cap fails with MW_ERR_TOO_LARGE and leaves the buffer as
 * it was. Ownership leaves a buffer in exactly one way: mw_buf_detach().
 */
#ifndef MW_BUF_H
#define MW_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct mw_buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max;
} mw_buf;

#define MW_BUF_INIT { NULL, 0, 0, 0 }
#define MW_BUF_DEFAULT_MAX ((size_t)64 << 20)

int mw_buf_grow(mw_buf *b, size_t extra);
int mw_buf_append(mw_buf *b, const void *data, size_t n);
int mw_buf_puts(mw_buf *b, const char *s);
int mw_buf_putc(mw_buf *b, char c);
int mw_buf_printf(mw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mw_buf_vprintf(mw_buf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included. */
int mw_buf_json_str(mw_buf *b, const char *s);
/* Appends ,"key":"v" (null when v is NULL): the next member of an object. */
int mw_buf_json_kv(mw_buf *b, const char *key, const char *v);
void mw_buf_reset(mw_buf *b);
/* Hands the heap block to the caller (free() it) and empties b. Returns
 * an empty heap string when nothing was appended, NULL only on OOM. */
char *mw_buf_detach(mw_buf *b, size_t *len);
void mw_buf_release(mw_buf *b);

#endif

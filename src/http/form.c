/*
 * form.c - urlencoded and multipart/form-data bodies (RFC 7578), parsed
 * in one pass over a body that is already complete in memory.
 */
#include "form.h"
#include "../base/mw.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../base/banned.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes + and %XX; NULL on a bad escape or OOM. */
static char *url_decode(mw_arena *a, const char *s, size_t n, size_t *outlen)
{
	char *out = mw_arena_alloc(a, n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] != '%') {
			*o++ = s[i];
		} else {
			if (n - i < 3 || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0)
				return NULL;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		}
	}
	*o = '\0';
	if (outlen)
		*outlen = (size_t)(o - out);
	return out;
}

static int add(mw_form *f, const mw_form_field *fld)
{
	if (f->n == MW_FORM_MAX_FIELDS)
		return MW_ERR_TOO_LARGE;
	f->f[f->n++] = *fld;
	return MW_OK;
}

static int parse_urlencoded(mw_arena *a, const char *body, size_t len, mw_form *f)
{
	size_t pos = 0;

	while (pos < len) {
		const char *s = body + pos, *amp = memchr(s, '&', len - pos), *eq;
		size_t n = amp ? (size_t)(amp - s) : len - pos;
		mw_form_field fld = { 0 };
		int rc;

		pos += n + 1;
		if (!n)
			continue;
		eq = memchr(s, '=', n);
		fld.name = url_decode(a, s, eq ? (size_t)(eq - s) : n, NULL);
		fld.value = eq ? url_decode(a, eq + 1, n - (size_t)(eq - s) - 1, &fld.len)
			       : mw_arena_strdup(a, "");
		if (!fld.name || !fld.value)
			return MW_ERR_INVALID;
		if ((rc = add(f, &fld)))
			return rc;
	}
	return MW_OK;
}

/* The value of parameter key in a header value such as
 * form-data; name="photo"; filename="a.jpg" (quoted or not); NULL when
 * absent or unterminated. */
static const char *header_param(mw_arena *a, const char *h, size_t n, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i + klen + 1 <= n; i++) {
		const char *v;
		size_t vlen = 0, room;

		if ((i && h[i - 1] != ';' && h[i - 1] != ' ' && h[i - 1] != '\t') ||
		    strncasecmp(h + i, key, klen) || h[i + klen] != '=')
			continue;
		v = h + i + klen + 1;
		room = n - (i + klen + 1);
		if (room && *v == '"') {
			v++;
			room--;
			while (vlen < room && v[vlen] != '"')
				vlen++;
			if (vlen == room)
				return NULL;
		} else {
			while (vlen < room && v[vlen] != ';' && v[vlen] != ' ')
				vlen++;
		}
		return mw_arena_strndup(a, v, vlen);
	}
	return NULL;
}

static const char *trim_left(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* One part: header lines, a blank line, the content. */
static int parse_part(mw_arena *a, const char *p, size_t n, mw_form *f)
{
	const char *end = p + n, *line = p, *content;
	const char *disp = NULL, *ctype = NULL;
	size_t displen = 0, ctypelen = 0;
	mw_form_field fld = { 0 };

	for (;;) {
		const char *eol = memmem(line, (size_t)(end - line), "\r\n", 2);
		size_t ln;

		if (!eol)
			return MW_ERR_INVALID;
		ln = (size_t)(eol - line);
		if (!ln) {
			content = eol + 2;
			break;
		}
		if (ln > 20 && !strncasecmp(line, "Content-Disposition:", 20)) {
			disp = trim_left(line + 20, eol);
			displen = (size_t)(eol - disp);
		} else if (ln > 13 && !strncasecmp(line, "Content-Type:", 13)) {
			ctype = trim_left(line + 13, eol);
			ctypelen = (size_t)(eol - ctype);
		}
		line = eol + 2;
	}
	if (!disp)
		return MW_ERR_INVALID;
	fld.name = header_param(a, disp, displen, "name");
	if (!fld.name || !*fld.name)
		return MW_ERR_INVALID;
	fld.filename = header_param(a, disp, displen, "filename");
	fld.len = (size_t)(end - content);
	if (fld.filename) {
		if (!*fld.filename && !fld.len)
			return MW_OK; /* an empty file input */
		fld.value = content;
		fld.content_type = ctype ? mw_arena_strndup(a, ctype, ctypelen) : NULL;
	} else {
		fld.value = mw_arena_strndup(a, content, fld.len);
		if (!fld.value)
			return MW_ERR_NOMEM;
	}
	return add(f, &fld);
}

static int parse_multipart(mw_arena *a, const char *ctype, const char *body, size_t len,
			   mw_form *f)
{
	const char *b = header_param(a, ctype, strlen(ctype), "boundary");
	char delim[80];
	size_t dlen, pos;
	const char *p;

	if (!b || !*b || strlen(b) > 70)
		return MW_ERR_INVALID;
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", b);
	/* The body starts with the delimiter without its CR LF. */
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2))
		return MW_ERR_INVALID;
	pos = dlen - 2;
	for (;;) {
		const char *next;
		int rc;

		if (len - pos >= 2 && !memcmp(body + pos, "--", 2))
			return MW_OK; /* the close delimiter */
		if (len - pos < 2 || memcmp(body + pos, "\r\n", 2))
			return MW_ERR_INVALID;
		pos += 2;
		p = body + pos;
		next = memmem(p, len - pos, delim, dlen);
		if (!next)
			return MW_ERR_INVALID;
		if ((rc = parse_part(a, p, (size_t)(next - p), f)))
			return rc;
		pos = (size_t)(next - body) + dlen;
	}
}

int mw_form_parse(mw_arena *a, const char *content_type, const char *body, size_t len,
		  mw_form *out)
{
	out->n = 0;
	if (!content_type)
		return MW_ERR_UNSUPPORTED;
	if (!strncasecmp(content_type, "application/x-www-form-urlencoded", 33))
		return parse_urlencoded(a, body, len, out);
	if (!strncasecmp(content_type, "multipart/form-data", 19))
		return parse_multipart(a, content_type, body, len, out);
	return MW_ERR_UNSUPPORTED;
}

const char *mw_form_get(const mw_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!f->f[i].filename && !strcmp(f->f[i].name, name))
			return f->f[i].value;
	return NULL;
}

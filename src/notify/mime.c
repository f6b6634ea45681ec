/*
 * mime.c - the mail message format of mime.h.
 */
#include "mime.h"
#include "../base/mw.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

/* An encoded word is "=?UTF-8?B?" + base64 + "?=", at most 75 characters:
 * 60 characters of base64, 45 bytes of text. */
#define WORD_BYTES 45

static int put_base64(mw_buf *out, const unsigned char *p, size_t n)
{
	char b64[sodium_base64_ENCODED_LEN(WORD_BYTES * 2, sodium_base64_VARIANT_ORIGINAL)];

	while (n) {
		size_t take = n > WORD_BYTES * 2 ? WORD_BYTES * 2 : n;

		sodium_bin2base64(b64, sizeof(b64), p, take, sodium_base64_VARIANT_ORIGINAL);
		if (mw_buf_puts(out, b64))
			return MW_ERR_NOMEM;
		p += take;
		n -= take;
	}
	return MW_OK;
}

/* Bytes of s from 0 that fit in max without cutting a UTF-8 character. */
static size_t utf8_prefix(const unsigned char *s, size_t len, size_t max)
{
	size_t n;

	if (len <= max)
		return len;
	n = max;
	while (n > 0 && (s[n] & 0xc0) == 0x80)
		n--;
	return n ? n : max;
}

static bool plain_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return !strstr(s, "=?") && strlen(s) <= 60;
}

int mw_mime_encode_words(mw_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	bool first = true;

	if (plain_ok(s))
		return mw_buf_puts(out, s);
	while (len) {
		size_t take = utf8_prefix(p, len, WORD_BYTES);

		if ((!first && mw_buf_puts(out, "\r\n ")) || mw_buf_puts(out, "=?UTF-8?B?") ||
		    put_base64(out, p, take) || mw_buf_puts(out, "?="))
			return MW_ERR_NOMEM;
		first = false;
		p += take;
		len -= take;
	}
	return MW_OK;
}

void mw_mime_date(mw_time t, char out[40])
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	mw_civil c;

	mw_time_to_kst(t, &c);
	snprintf(out, 40, "%s, %d %s %04d %02d:%02d:%02d +0900", wd[c.wday], c.day, mon[c.month - 1],
		 c.year, c.hour, c.min, c.sec);
}

int mw_mime_base64_lines(mw_buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;

	/* 57 bytes make a 76-character line. */
	while (len) {
		size_t take = len > 57 ? 57 : len;

		if (put_base64(out, p, take) || mw_buf_puts(out, "\r\n"))
			return MW_ERR_NOMEM;
		p += take;
		len -= take;
	}
	return MW_OK;
}

static bool safe_address(const char *a)
{
	return a && *a && !strpbrk(a, "\r\n<>\"");
}

int mw_mail_format(mw_buf *out, const mw_mail *m)
{
	mw_buf body = MW_BUF_INIT;
	char date[40];
	int rc = MW_ERR_NOMEM;

	if (!safe_address(m->from) || !safe_address(m->to) || !safe_address(m->message_id) ||
	    (m->kind && !safe_address(m->kind)))
		return MW_ERR_INVALID;
	/* Text goes over the wire with CRLF line ends. */
	for (const char *p = m->body ? m->body : ""; *p; p++)
		if ((*p == '\n' ? mw_buf_puts(&body, "\r\n") : mw_buf_putc(&body, *p)))
			goto out;
	mw_mime_date(m->date, date);
	if (mw_buf_printf(out, "Date: %s\r\nFrom: ", date))
		goto out;
	if (m->from_name && *m->from_name) {
		if (mw_mime_encode_words(out, m->from_name) || mw_buf_putc(out, ' '))
			goto out;
	}
	if (mw_buf_printf(out, "<%s>\r\nTo: <%s>\r\nSubject: ", m->from, m->to) ||
	    mw_mime_encode_words(out, m->subject ? m->subject : "") ||
	    mw_buf_printf(out, "\r\nMessage-ID: <%s>\r\n", m->message_id) ||
	    (m->kind && mw_buf_printf(out, "X-Minwon-Kind: %s\r\n", m->kind)) ||
	    mw_buf_puts(out, "MIME-Version: 1.0\r\n"
			     "Content-Type: text/plain; charset=UTF-8\r\n"
			     "Content-Transfer-Encoding: base64\r\n\r\n") ||
	    mw_mime_base64_lines(out, body.ptr ? body.ptr : "", body.len))
		goto out;
	rc = MW_OK;
out:
	mw_buf_release(&body);
	return rc;
}

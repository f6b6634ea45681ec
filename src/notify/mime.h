/*
 * mime.h - Internet mail messages as minwon sends them (RFC 5322, MIME):
 * UTF-8 text, the subject and display names as RFC 2047 encoded words,
 * the body in base64, a Message-ID made from the stable outbox id.
 * Pure functions, no I/O.
 */
#ifndef MW_MIME_H
#define MW_MIME_H

#include "../base/buf.h"
#include "../base/timeutil.h"

typedef struct mw_mail {
	const char *from;          /* address */
	const char *from_name;     /* display name (UTF-8) or NULL */
	const char *to;            /* address */
	const char *subject;       /* UTF-8 */
	const char *body;          /* UTF-8 text, LF line ends */
	const char *message_id;    /* without <>: "mw-...@domain" */
	mw_time date;
	const char *kind;          /* X-Minwon-Kind, or NULL */
} mw_mail;

/* Appends the whole message, CRLF line ends, to out. MW_ERR_INVALID when
 * an address holds CR, LF or angle brackets (header injection). */
int mw_mail_format(mw_buf *out, const mw_mail *m);

/* Appends s as RFC 2047 "B" encoded words (=?UTF-8?B?...?=), each at
 * most 75 characters and never splitting a UTF-8 character, separated by
 * CRLF SPACE (folding); plain ASCII without specials goes as it is. */
int mw_mime_encode_words(mw_buf *out, const char *s);

/* "Fri, 24 Jan 2025 17:00:00 +0900". */
void mw_mime_date(mw_time t, char out[40]);

/* Base64 of data with CRLF after every 76 characters. */
int mw_mime_base64_lines(mw_buf *out, const void *data, size_t len);

#endif

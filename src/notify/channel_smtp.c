/*
 * channel_smtp.c - e-mail over SMTP with libcurl.
 *
 * One curl handle per sender thread: libcurl keeps the connection to the
 * server open between messages (a pooled connection), so a run of
 * messages costs one connect, one STARTTLS and one login. TLS, login and
 * the CA bundle come from the settings (settings.def: smtp-*).
 */
#include "notify_int.h"
#include "mime.h"
#include "../base/mw.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;

	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static void *smtp_open(const mw_notify_config *cfg)
{
	mw_curl *h = mw_curl_new();

	if (!h)
		return NULL;
	curl_easy_setopt(h->curl, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h->curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h->curl, CURLOPT_USE_SSL,
			 !strcmp(cfg->smtp_tls, "required") ? (long)CURLUSESSL_ALL
			 : !strcmp(cfg->smtp_tls, "none")   ? (long)CURLUSESSL_NONE
							    : (long)CURLUSESSL_TRY);
	if (cfg->smtp_user)
		curl_easy_setopt(h->curl, CURLOPT_USERNAME, cfg->smtp_user);
	if (cfg->smtp_password)
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD, cfg->smtp_password);
	if (cfg->smtp_ca)
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, cfg->smtp_ca);
	return h;
}

static mw_send_result smtp_send(void *arg, const mw_notify_config *cfg, const mw_message *m,
				char *err, size_t errsz)
{
	mw_curl *h = arg;
	const char *at = strrchr(cfg->smtp_from, '@');
	char msgid[160], from[300], rcpt[300];
	mw_mail mail = { .from = cfg->smtp_from, .from_name = cfg->office_name, .to = m->to,
			 .subject = m->subject, .body = m->body, .message_id = msgid,
			 .date = m->date, .kind = mw_notice_name(m->kind) };
	mw_buf msg = MW_BUF_INIT;
	struct curl_slist *to = NULL;
	struct upload up;
	long code = 0;
	CURLcode cc;
	mw_send_result res;

	snprintf(msgid, sizeof(msgid), "%s@%s", m->message_id, at ? at + 1 : "minwon.invalid");
	if (mw_mail_format(&msg, &mail)) {
		snprintf(err, errsz, "smtp: the address cannot go into a mail header");
		mw_buf_release(&msg);
		return MW_SEND_PERMANENT;
	}
	snprintf(from, sizeof(from), "<%s>", cfg->smtp_from);
	snprintf(rcpt, sizeof(rcpt), "<%s>", m->to);
	to = curl_slist_append(NULL, rcpt);
	up = (struct upload){ msg.ptr, msg.len };
	h->errbuf[0] = '\0';
	curl_easy_setopt(h->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h->curl, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(h->curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(h->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	cc = to ? curl_easy_perform(h->curl) : CURLE_OUT_OF_MEMORY;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(h->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(to);
	sodium_memzero(rcpt, sizeof(rcpt));
	mw_buf_release(&msg);
	if (cc == CURLE_OK)
		return MW_SEND_OK;
	/* curl's own words and the reply code only: the server's text may
	 * quote the address. */
	snprintf(err, errsz, "smtp: %s (reply %ld)", curl_easy_strerror(cc), code);
	/* 5xx is the server's final no (no such mailbox, refused) but for
	 * 530 and 535, which say our login is wrong: that is for the
	 * operator to fix, and the message can wait. Anything else (4xx, no
	 * connection, a timeout) may pass. */
	res = code >= 500 && code < 600 && code != 530 && code != 535 ? MW_SEND_PERMANENT
								   : MW_SEND_RETRY;
	return res;
}

const mw_channel_ops mw_channel_smtp = {
	.name = "email",
	.open = smtp_open,
	.close = mw_curl_free,
	.send = smtp_send,
};

/*
 * channel_http.c - the channels that are an HTTP POST: an SMS gateway, an
 * 알림톡 relay (both generic: URL, one header, a body template) and
 * outbound webhooks (JSON, signed with HMAC-SHA256 when a secret is set).
 *
 * One curl handle per sender thread keeps the connection alive between
 * messages. Every request carries X-Minwon-Message-Id, the stable id a
 * receiver uses to drop a message it has seen (delivery is at least once).
 * A 2xx answer is success; 408, 425, 429 and 5xx are tried again later;
 * other 4xx answers are final (the request itself is wrong).
 */
#include "notify_int.h"
#include "../base/mw.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	MW_UNUSED(p);
	MW_UNUSED(arg);
	return size * n;
}

mw_curl *mw_curl_new(void)
{
	mw_curl *h = calloc(1, sizeof(*h));

	if (!h || !(h->curl = curl_easy_init())) {
		free(h);
		return NULL;
	}
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	return h;
}

void mw_curl_free(void *arg)
{
	mw_curl *h = arg;

	if (h) {
		curl_easy_cleanup(h->curl);
		free(h);
	}
}

static void *http_open(const mw_notify_config *cfg)
{
	mw_curl *h = mw_curl_new();

	MW_UNUSED(cfg);
	if (h) {
		curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, 30L);
		curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	}
	return h;
}

static mw_send_result post(mw_curl *h, const char *url, const char *header, bool json,
			   const char *body, const char *message_id, const char *signature,
			   char *err, size_t errsz)
{
	struct curl_slist *hdrs = NULL;
	char line[256];
	long code = 0;
	CURLcode cc;

	hdrs = curl_slist_append(hdrs, json ? "Content-Type: application/json; charset=utf-8"
					    : "Content-Type: application/x-www-form-urlencoded");
	snprintf(line, sizeof(line), "X-Minwon-Message-Id: %s", message_id);
	hdrs = curl_slist_append(hdrs, line);
	if (signature) {
		snprintf(line, sizeof(line), "X-Minwon-Signature: sha256=%s", signature);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (header && *header)
		hdrs = curl_slist_append(hdrs, header);
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	cc = hdrs ? curl_easy_perform(h->curl) : CURLE_OUT_OF_MEMORY;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	if (cc != CURLE_OK) {
		snprintf(err, errsz, "http: %s", curl_easy_strerror(cc));
		return MW_SEND_RETRY;
	}
	if (code >= 200 && code < 300)
		return MW_SEND_OK;
	snprintf(err, errsz, "http: status %ld", code);
	if (code == 408 || code == 425 || code == 429 || code >= 500)
		return MW_SEND_RETRY;
	return MW_SEND_PERMANENT;
}

/* Appends v for a body template: JSON string content (no quotes) in a
 * JSON body, percent-encoded otherwise. */
static void put_value(mw_buf *b, const char *v, bool json)
{
	if (json) {
		mw_buf q = MW_BUF_INIT;

		mw_buf_json_str(&q, v);
		if (q.len >= 2)
			mw_buf_append(b, q.ptr + 1, q.len - 2);
		mw_buf_release(&q);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~')
			mw_buf_putc(b, (char)*p);
		else
			mw_buf_printf(b, "%%%02X", *p);
	}
}

/* Fills {{to}}, {{text}}, {{id}}, {{kind}} and {{template}} in a body
 * template; other text is copied. */
static int fill_body(mw_buf *b, const char *tmpl, const mw_message *m, bool json)
{
	char template_code[64];
	const struct { const char *name, *value; } vars[] = {
		{ "to", m->to }, { "text", m->body }, { "id", m->message_id },
		{ "kind", mw_notice_name(m->kind) }, { "template", template_code },
	};
	const char *p = tmpl;

	snprintf(template_code, sizeof(template_code), "minwon_%s", mw_notice_name(m->kind));
	while (*p) {
		const char *open = strstr(p, "{{"), *close;
		size_t i;

		if (!open || !(close = strstr(open, "}}"))) {
			mw_buf_puts(b, p);
			break;
		}
		mw_buf_append(b, p, (size_t)(open - p));
		for (i = 0; i < MW_ARRAY_LEN(vars); i++)
			if (strlen(vars[i].name) == (size_t)(close - open - 2) &&
			    !memcmp(open + 2, vars[i].name, (size_t)(close - open - 2)))
				break;
		if (i < MW_ARRAY_LEN(vars))
			put_value(b, vars[i].value ? vars[i].value : "", json);
		else
			mw_buf_append(b, open, (size_t)(close + 2 - open));
		p = close + 2;
	}
	return b->ptr ? MW_OK : MW_ERR_NOMEM;
}

static mw_send_result send_templated(void *arg, const char *url, const char *header,
				     const char *tmpl, const mw_message *m, char *err, size_t errsz)
{
	bool json = tmpl[0] == '{' || tmpl[0] == '[';
	mw_buf body = MW_BUF_INIT;
	mw_send_result r;

	if (fill_body(&body, tmpl, m, json)) {
		snprintf(err, errsz, "out of memory");
		return MW_SEND_RETRY;
	}
	r = post(arg, url, header, json, body.ptr, m->message_id, NULL, err, errsz);
	sodium_memzero(body.ptr, body.len);
	mw_buf_release(&body);
	return r;
}

static mw_send_result sms_send(void *arg, const mw_notify_config *cfg, const mw_message *m,
			       char *err, size_t errsz)
{
	return send_templated(arg, cfg->sms_url, cfg->sms_header, cfg->sms_body, m, err, errsz);
}

static mw_send_result kakao_send(void *arg, const mw_notify_config *cfg, const mw_message *m,
				 char *err, size_t errsz)
{
	return send_templated(arg, cfg->kakao_url, cfg->kakao_header, cfg->kakao_body, m, err,
			      errsz);
}

/* The body is the JSON the sender built; the signature covers it. */
static mw_send_result webhook_send(void *arg, const mw_notify_config *cfg, const mw_message *m,
				   char *err, size_t errsz)
{
	char sig[crypto_auth_hmacsha256_BYTES * 2 + 1];

	if (cfg->webhook_secret) {
		unsigned char mac[crypto_auth_hmacsha256_BYTES];
		crypto_auth_hmacsha256_state st;

		crypto_auth_hmacsha256_init(&st, (const unsigned char *)cfg->webhook_secret,
					    strlen(cfg->webhook_secret));
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)m->body, strlen(m->body));
		crypto_auth_hmacsha256_final(&st, mac);
		sodium_bin2hex(sig, sizeof(sig), mac, sizeof(mac));
	}
	return post(arg, cfg->webhook_url, NULL, true, m->body, m->message_id,
		    cfg->webhook_secret ? sig : NULL, err, errsz);
}

const mw_channel_ops mw_channel_sms = {
	.name = "sms", .open = http_open, .close = mw_curl_free, .send = sms_send,
};

const mw_channel_ops mw_channel_kakao = {
	.name = "kakao", .open = http_open, .close = mw_curl_free, .send = kakao_send,
};

const mw_channel_ops mw_channel_webhook = {
	.name = "webhook", .open = http_open, .close = mw_curl_free, .send = webhook_send,
};

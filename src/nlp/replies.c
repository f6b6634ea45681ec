/*
 * replies.c - the chatbot's fixed replies in each language of the pages
 * (data/chat_replies.tsv, compiled into the binary): the report flow's
 * prompts, the hand-off, the notes. src/api/chat.c and `minwon nlp chat`
 * compose their answers from these, never from literals of their own.
 */
#include "nlp.h"
#include "../base/embedded.h"
#include "../base/log.h"
#include "../base/mw.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define REPLIES_FILE "chat_replies.tsv"
#define REPLIES_MAX 128

static const char *const lang_codes[MW_CHAT__LANGS] = { [MW_CHAT_KO] = "ko", [MW_CHAT_EN] = "en" };

struct reply {
	char *key;
	char *text[MW_CHAT__LANGS];
};

static struct reply replies[REPLIES_MAX];
static size_t nreplies;
static pthread_once_t replies_once = PTHREAD_ONCE_INIT;

int mw_chat_lang_parse(const char *s, mw_chat_lang *out)
{
	for (int i = 0; s && i < MW_CHAT__LANGS; i++)
		if (!strcmp(s, lang_codes[i])) {
			*out = (mw_chat_lang)i;
			return MW_OK;
		}
	return MW_ERR_INVALID;
}

const char *mw_chat_lang_code(mw_chat_lang lang)
{
	return (unsigned)lang < MW_CHAT__LANGS ? lang_codes[lang] : lang_codes[MW_CHAT_KO];
}

static struct reply *find(const char *key, size_t n)
{
	for (size_t i = 0; i < nreplies; i++)
		if (strlen(replies[i].key) == n && !memcmp(replies[i].key, key, n))
			return &replies[i];
	return NULL;
}

/* One line "key<TAB>lang<TAB>text"; comments, blank and malformed lines
 * are skipped (the unit test keeps the file well formed). */
static void load_line(const char *s, size_t n)
{
	const char *t1 = memchr(s, '\t', n), *t2;
	struct reply *r;
	mw_chat_lang lang;
	char code[8];

	if (!n || s[0] == '#' || !t1 || !(t2 = memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - s))) ||
	    (size_t)(t2 - t1 - 1) >= sizeof(code))
		return;
	memcpy(code, t1 + 1, (size_t)(t2 - t1 - 1));
	code[t2 - t1 - 1] = '\0';
	if (mw_chat_lang_parse(code, &lang))
		return;
	if (!(r = find(s, (size_t)(t1 - s)))) {
		if (nreplies == REPLIES_MAX || !(replies[nreplies].key = strndup(s, (size_t)(t1 - s))))
			return;
		r = &replies[nreplies++];
	}
	if (!r->text[lang])
		r->text[lang] = strndup(t2 + 1, n - (size_t)(t2 + 1 - s));
}

static void load(void)
{
	const struct mw_embedded *e = mw_embedded_find(REPLIES_FILE);

	if (!e) {
		mw_log_error("nlp", "event=chat_replies_missing");
		return;
	}
	for (const char *p = e->data, *end = e->data + e->len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		load_line(p, n && p[n - 1] == '\r' ? n - 1 : n);
		p += n + 1;
	}
}

size_t mw_chat_reply_count(void)
{
	pthread_once(&replies_once, load);
	return nreplies;
}

const char *mw_chat_reply_key(size_t i)
{
	pthread_once(&replies_once, load);
	return i < nreplies ? replies[i].key : NULL;
}

const char *mw_chat_reply_text(mw_chat_lang lang, const char *key)
{
	struct reply *r;

	pthread_once(&replies_once, load);
	r = key && (unsigned)lang < MW_CHAT__LANGS ? find(key, strlen(key)) : NULL;
	return r ? r->text[lang] : NULL;
}

/* The value of placeholder name (n bytes) among the pairs of ap. */
static const char *value_of(const char *name, size_t n, va_list ap)
{
	va_list aq;
	const char *k, *v = NULL;

	va_copy(aq, ap);
	while ((k = va_arg(aq, const char *))) {
		const char *val = va_arg(aq, const char *);

		if (strlen(k) == n && !memcmp(k, name, n)) {
			v = val ? val : "";
			break;
		}
	}
	va_end(aq);
	return v;
}

int mw_chat_vreply(mw_buf *b, mw_chat_lang lang, const char *key, va_list ap)
{
	const char *t = mw_chat_reply_text(lang, key);
	int rc = MW_OK;

	if (!t)
		t = mw_chat_reply_text(MW_CHAT_KO, key);
	if (!t)
		return mw_buf_puts(b, key);
	while (*t && !rc) {
		const char *open = strchr(t, '{'), *close = open ? strchr(open, '}') : NULL;
		const char *v = close ? value_of(open + 1, (size_t)(close - open - 1), ap) : NULL;

		if (!v) {
			/* No placeholder here: up to and with the brace, as written. */
			size_t n = open ? (size_t)(open - t) + 1 : strlen(t);

			rc = mw_buf_append(b, t, n);
			t += n;
			continue;
		}
		if (!(rc = mw_buf_append(b, t, (size_t)(open - t))))
			rc = mw_buf_puts(b, v);
		t = close + 1;
	}
	return rc;
}

int mw_chat_reply(mw_buf *b, mw_chat_lang lang, const char *key, ...)
{
	va_list ap;
	int rc;

	va_start(ap, key);
	rc = mw_chat_vreply(b, lang, key, ap);
	va_end(ap);
	return rc;
}

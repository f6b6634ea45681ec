#include "i18n.h"
#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/embedded.h"
#include "../base/mw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

struct entry {
	const char *key;
	const char *text;
};

struct mw_catalog {
	mw_arena arena;
	struct entry *e;
	size_t n;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

/* Copies a text, turning the two characters \n into a line break. */
static char *unescape(mw_arena *a, const char *s, size_t n)
{
	char *out = mw_arena_alloc(a, n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == 'n') {
			*o++ = '\n';
			i++;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

int mw_catalog_parse(const char *name, const char *src, size_t len, mw_catalog **out,
		     char *errbuf, size_t errsz)
{
	mw_catalog *c = calloc(1, sizeof(*c));
	size_t cap = 0, pos = 0;
	int line = 0, rc = MW_OK;

	*out = NULL;
	if (!c)
		return MW_ERR_NOMEM;
	while (pos < len && !rc) {
		const char *s = src + pos, *nl = memchr(s, '\n', len - pos), *tab;
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + 1;
		line++;
		if (n && s[n - 1] == '\r')
			n--;
		if (!n || s[0] == '#')
			continue;
		tab = memchr(s, '\t', n);
		if (!tab || tab == s) {
			snprintf(errbuf, errsz, "%s:%d: expected key<TAB>text", name, line);
			rc = MW_ERR_INVALID;
			break;
		}
		if (c->n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct entry *ne = realloc(c->e, ncap * sizeof(*ne));

			if (!ne) {
				rc = MW_ERR_NOMEM;
				break;
			}
			c->e = ne;
			cap = ncap;
		}
		c->e[c->n].key = mw_arena_strndup(&c->arena, s, (size_t)(tab - s));
		c->e[c->n].text = unescape(&c->arena, tab + 1, n - (size_t)(tab - s) - 1);
		if (!c->e[c->n].key || !c->e[c->n].text)
			rc = MW_ERR_NOMEM;
		c->n++;
	}
	if (!rc && c->n) {
		qsort(c->e, c->n, sizeof(*c->e), cmp_entry);
		for (size_t i = 1; i < c->n; i++)
			if (!strcmp(c->e[i - 1].key, c->e[i].key)) {
				snprintf(errbuf, errsz, "%s: key %s is defined twice", name, c->e[i].key);
				rc = MW_ERR_INVALID;
				break;
			}
	}
	if (rc) {
		mw_catalog_free(c);
		return rc;
	}
	*out = c;
	return MW_OK;
}

void mw_catalog_free(mw_catalog *c)
{
	if (!c)
		return;
	free(c->e);
	mw_arena_release(&c->arena);
	free(c);
}

const char *mw_catalog_get(const mw_catalog *c, const char *key)
{
	struct entry k = { key, NULL }, *e;

	if (!c || !c->n)
		return NULL;
	e = bsearch(&k, c->e, c->n, sizeof(*c->e), cmp_entry);
	return e ? e->text : NULL;
}

size_t mw_catalog_count(const mw_catalog *c)
{
	return c ? c->n : 0;
}

const char *mw_catalog_key_at(const mw_catalog *c, size_t i)
{
	return c && i < c->n ? c->e[i].key : NULL;
}

int mw_catalog_load_lang(const char *lang, mw_catalog **out, char *errbuf, size_t errsz)
{
	char base[32], prefix[32];
	const struct mw_embedded *e;
	mw_buf all = MW_BUF_INIT;
	int rc;

	*out = NULL;
	snprintf(base, sizeof(base), "i18n/%s.tsv", lang);
	snprintf(prefix, sizeof(prefix), "i18n/%s.", lang);
	if (!(e = mw_embedded_find(base))) {
		snprintf(errbuf, errsz, "no message catalogue %s", base);
		return MW_ERR_NOTFOUND;
	}
	mw_buf_append(&all, e->data, e->len);
	for (e = mw_embedded_files; e->name; e++) {
		size_t n = strlen(e->name);

		if (!strncmp(e->name, prefix, strlen(prefix)) && strcmp(e->name, base) && n > 4 &&
		    !strcmp(e->name + n - 4, ".tsv")) {
			mw_buf_putc(&all, '\n');
			mw_buf_append(&all, e->data, e->len);
		}
	}
	if (!all.ptr)
		return MW_ERR_NOMEM;
	rc = mw_catalog_parse(base, all.ptr, all.len, out, errbuf, errsz);
	mw_buf_release(&all);
	return rc;
}

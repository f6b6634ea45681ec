/*
 * corpus.c - the built-in training corpus (see corpus.h).
 */
#include "corpus.h"

#include <stdlib.h>
#include <string.h>

#include "../base/embedded.h"
#include "../base/mw.h"
#include "../demo/demo.h"

#include "../base/banned.h"

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int add_n(mw_nlp_corpus *c, const char *text, size_t tlen, const char *cat, size_t clen,
		 bool urgent, double weight)
{
	mw_train_example *e;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		mw_train_example *p = realloc(c->ex, ncap * sizeof(*p));

		if (!p)
			return MW_ERR_NOMEM;
		c->ex = p;
		c->cap = ncap;
	}
	e = &c->ex[c->n];
	e->text = dup_n(text, tlen);
	e->category = dup_n(cat, clen);
	if (!e->text || !e->category) {
		free((char *)e->text);
		free((char *)e->category);
		return MW_ERR_NOMEM;
	}
	e->urgent = urgent;
	e->weight = weight;
	e->urgent_unknown = false;
	c->n++;
	return MW_OK;
}

int mw_nlp_corpus_add(mw_nlp_corpus *c, const char *text, const char *category, bool urgent,
		      double weight)
{
	return add_n(c, text, strlen(text), category, strlen(category), urgent, weight);
}

int mw_nlp_corpus_generated(mw_nlp_corpus *c, size_t n, uint64_t seed, double weight)
{
	mw_demo_complaint *dc = NULL;
	mw_demo *d = NULL;
	int rc = MW_OK;

	if (n == 0)
		return MW_OK;
	if (!(d = mw_demo_new(seed)) || !(dc = malloc(sizeof(*dc)))) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		mw_demo_next(d, dc);
		if ((rc = mw_nlp_corpus_add(c, dc->text, dc->category, dc->urgent, weight)))
			goto out;
	}
out:
	free(dc);
	mw_demo_free(d);
	return rc;
}

static int lexicon_examples(mw_nlp_corpus *c, double weight, size_t *count);

/* Adds the lines "category<TAB>0|1<TAB>text" of one seed file. */
static int seed_file(mw_nlp_corpus *c, const struct mw_embedded *f, double weight, size_t *count)
{
	const char *p = f->data, *end = f->data + f->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *t1 = memchr(p, '\t', (size_t)(le - p));
		const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(le - t1 - 1)) : NULL;

		if (*p != '#' && t2 && t2 == t1 + 2 && (t1[1] == '0' || t1[1] == '1') && le > t2 + 1 &&
		    t1 > p) {
			int rc = add_n(c, t2 + 1, (size_t)(le - t2 - 1), p, (size_t)(t1 - p),
				       t1[1] == '1', weight);
			if (rc)
				return rc;
			(*count)++;
		}
		p = nl ? nl + 1 : end;
	}
	return MW_OK;
}

int mw_nlp_corpus_neutral(mw_nlp_corpus *c, double weight, size_t *count)
{
	const struct mw_embedded *f = mw_embedded_find("nlp_neutral.tsv");
	const char **cats = NULL;
	size_t ncats = 0, base = c->n;
	int rc = MW_OK;

	if (!f)
		return MW_OK;
	for (size_t i = 0; i < base; i++) {
		size_t k = 0;

		while (k < ncats && strcmp(cats[k], c->ex[i].category))
			k++;
		if (k == ncats) {
			const char **grown = realloc(cats, (ncats + 1) * sizeof(*cats));

			if (!grown) {
				free(cats);
				return MW_ERR_NOMEM;
			}
			cats = grown;
			cats[ncats++] = c->ex[i].category;
		}
	}
	for (const char *p = f->data, *end = f->data + f->len; p < end && !rc;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		for (size_t k = 0; k < ncats && *p != '#' && le > p && !rc; k++) {
			rc = add_n(c, p, (size_t)(le - p), cats[k], strlen(cats[k]), false, weight);
			if (!rc) {
				c->ex[c->n - 1].urgent_unknown = true;
				(*count)++;
			}
		}
		p = nl ? nl + 1 : end;
	}
	free(cats);
	return rc;
}

/* Every embedded data file named nlp_seed*.tsv (data/), then the
 * lexicon examples and the neutral texts. */
int mw_nlp_corpus_seed(mw_nlp_corpus *c, double weight, size_t *added)
{
	size_t count = 0;
	int rc = MW_OK;

	if (added)
		*added = 0;
	for (const struct mw_embedded *f = mw_embedded_files; f->name && !rc; f++) {
		size_t n = strlen(f->name);
		if (n >= 12 && !strncmp(f->name, "nlp_seed", 8) && !strcmp(f->name + n - 4, ".tsv"))
			rc = seed_file(c, f, weight, &count);
	}
	if (!rc)
		rc = lexicon_examples(c, weight, &count);
	if (!rc)
		rc = mw_nlp_corpus_neutral(c, weight, &count);
	if (added)
		*added = count;
	return rc;
}

/* Neutral frames that put a lexicon phrase into a sentence. They are the
 * same for every category, so the model learns that only the phrase
 * matters. {k} is the phrase, {j} a second phrase of the same category. */
static const char *const frames_ko[] = {
	"{k}",
	"{k} 문제로 민원 드립니다. 확인 부탁드립니다.",
	"{k} 때문에 너무 불편해요 조치 좀 해주세요",
	"민원인 전화로 {k} 관련하여 처리 요청함.",
	"{k} 건으로 연락드립니다. 빠른 처리 바랍니다.",
	"우리 동네 {k} 어떻게 좀 해주세요",
	"{k} 신고합니다. {j} 도 같이 봐주세요.",
	"{k}, {j} 관련 현장 확인 요망",
	"몇 번이나 말씀드렸는데 {k} 아직도 그대로입니다",
	"{k} 관련해서 문의드려요. {j}",
};

static const char *const frames_en[] = {
	"{k}",
	"Please do something about the {k}.",
	"I want to report {k} near my home. {j}.",
	"{k} again, this is the third time. Please check.",
	"Hello, {k} in our neighborhood. Could someone look at it?",
};

/* Deterministic choice from a hash of the example's position. */
static size_t pick_n(uint64_t *x, size_t n)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return (size_t)((*x * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static bool is_ascii_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

typedef struct phrase {
	const char *cat, *text;
	size_t cat_len, text_len;
} phrase;

/* Writes frame with {k} = a and {j} = b into out (cap bytes). */
static size_t fill_frame(char *out, size_t cap, const char *frame, const phrase *a,
			 const phrase *b)
{
	size_t n = 0;

	for (const char *f = frame; *f && n + 1 < cap; f++) {
		const phrase *p = NULL;

		if (f[0] == '{' && (f[1] == 'k' || f[1] == 'j') && f[2] == '}')
			p = f[1] == 'k' ? a : b;
		if (p) {
			size_t l = p->text_len < cap - 1 - n ? p->text_len : cap - 1 - n;

			memcpy(out + n, p->text, l);
			n += l;
			f += 2;
		} else {
			out[n++] = *f;
		}
	}
	out[n] = '\0';
	return n;
}

/* Turns every lexicon phrase into EXAMPLES_PER_PHRASE short examples. */
#define EXAMPLES_PER_PHRASE 4
static int lexicon_examples(mw_nlp_corpus *c, double weight, size_t *count)
{
	const struct mw_embedded *f = mw_embedded_find("nlp_lexicon.tsv");
	phrase *ph = NULL;
	size_t n = 0, cap = 0;
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	char buf[512];
	int rc = MW_OK;

	if (!f)
		return MW_OK;
	for (const char *p = f->data, *end = f->data + f->len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *t = memchr(p, '\t', (size_t)(le - p));

		if (*p != '#' && t && t > p && le > t + 1) {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 512;
				phrase *np = realloc(ph, ncap * sizeof(*np));

				if (!np) {
					rc = MW_ERR_NOMEM;
					goto out;
				}
				ph = np;
				cap = ncap;
			}
			ph[n].cat = p;
			ph[n].cat_len = (size_t)(t - p);
			ph[n].text = t + 1;
			ph[n].text_len = (size_t)(le - t - 1);
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	for (size_t i = 0; i < n; i++) {
		bool en = is_ascii_text(ph[i].text, ph[i].text_len);
		const char *const *frames = en ? frames_en : frames_ko;
		size_t nframes = en ? MW_ARRAY_LEN(frames_en) : MW_ARRAY_LEN(frames_ko);

		for (int e = 0; e < EXAMPLES_PER_PHRASE; e++) {
			/* a partner phrase of the same category and language */
			size_t j = i, len;

			for (int tries = 0; tries < 8; tries++) {
				size_t k = pick_n(&x, n);

				if (k != i && ph[k].cat_len == ph[i].cat_len &&
				    !memcmp(ph[k].cat, ph[i].cat, ph[i].cat_len) &&
				    is_ascii_text(ph[k].text, ph[k].text_len) == en) {
					j = k;
					break;
				}
			}
			len = fill_frame(buf, sizeof(buf), frames[e == 0 ? 0 : pick_n(&x, nframes)],
					 &ph[i], &ph[j]);
			if ((rc = add_n(c, buf, len, ph[i].cat, ph[i].cat_len, false, weight)))
				goto out;
			c->ex[c->n - 1].urgent_unknown = true;
			(*count)++;
		}
	}
out:
	free(ph);
	return rc;
}

void mw_nlp_corpus_release(mw_nlp_corpus *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free((char *)c->ex[i].text);
		free((char *)c->ex[i].category);
	}
	free(c->ex);
	memset(c, 0, sizeof(*c));
}

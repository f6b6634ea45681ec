/*
 * chat.c - the counselling chatbot's decision (nlp.h) and the lexicons it
 * runs on (chat_int.h).
 *
 * A message goes through three looks, then a table of rules decides:
 *
 *   1. cues: weighted patterns of data/chat_cues.tsv, summed by class
 *      (does it ask something, describe a problem at a place, ask for a
 *      judgement on the writer's own case, name an official, a lawsuit,
 *      swear...);
 *   2. retrieval: the nearest FAQ entries (faq.c), with their scores;
 *   3. the classifier, only when the message is a report, for its
 *      category.
 *
 * The rules are tried in order and the first that applies wins (rules[]
 * below). Hand-offs a person must make come first, because no FAQ answer
 * is right for them however close it looks; then a report, when the
 * message describes a problem (or states something about a thing the
 * office looks after) rather than asking how something works; then an
 * FAQ answer, only when the best entry is both close and clearly ahead of
 * the next one; everything else goes to a person. A wrong FAQ answer
 * costs more than a hand-off, so the FAQ thresholds are set for
 * precision.
 *
 * The lexicons are parsed once per process (mw_chat_lex_shared) and are
 * read-only afterwards; mw_chat_decide keeps its scratch on the stack and
 * in buffers it frees, so any number of threads may decide at once.
 */
#include "chat_int.h"
#include "nlp.h"
#include "../base/embedded.h"
#include "../base/log.h"
#include "../base/mw.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* ---- lexicons ------------------------------------------------------- */

/* One synonym line: the canonical word and its variants. */
struct lex_syn {
	char *canon;
	mw_chat_pat *var;
	size_t nvar;
};

/* One topic line: alternatives of anchor groups (all patterns of a group
 * must match) and the expansion text. */
struct lex_topic {
	mw_chat_pat *pat;   /* all anchor patterns, group after group */
	size_t *group_end;  /* pat index one past each group */
	size_t ngroup;
	char *expansion;
};

/* One entity line: its name, surface forms and exclusions. */
struct lex_entity {
	char *name;
	mw_chat_pat *pat;
	size_t npat;
	mw_chat_pat *excl;  /* phrases in which a surface does not count */
	size_t nexcl;
};

struct lex_cue {
	enum mw_chat_cue cls;
	double weight;
	mw_chat_pat pat;
};

struct mw_chat_lex {
	struct lex_syn *syn;
	size_t nsyn;
	char **drop;        /* fillers retrieval ignores, normalised */
	size_t ndrop, drop_cap;
	struct lex_topic *topic;
	size_t ntopic;
	struct lex_cue *cue;
	size_t ncue;
	struct lex_entity *ent;
	size_t nent;
};

static const char *const cue_names[] = {
#define MW_CHAT_CUE_NAME(name, str) str,
	MW_CHAT_CUES(MW_CHAT_CUE_NAME)
#undef MW_CHAT_CUE_NAME
};

static bool has_latin(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))
			return true;
	return false;
}

/* Compiles src[0..n) into p, for the folded forms when fold is set.
 * MW_ERR_INVALID when the pattern normalises to nothing. Uses scratch m. */
static int pat_compile(mw_chat_pat *p, const char *src, size_t n, bool fold, mw_chat_msg *m)
{
	bool words = false, prefix = false, suffix = false, at_end = false, at_start = false;
	const mw_buf *b;
	int rc;

	memset(p, 0, sizeof(*p));
	if (n && src[0] == '^') {
		at_start = true;
		src++;
		n--;
	}
	if (n && (src[0] == '=' || src[0] == '~' || src[0] == '$')) {
		words = true;
		suffix = src[0] != '=';
		at_end = src[0] == '$';
		src++;
		n--;
	}
	if (n && src[n - 1] == '*') {
		prefix = true;
		n--;
	}
	words = words || has_latin(src, n);
	if ((rc = mw_chat_msg_set(m, src, n)))
		return rc;
	b = words ? (fold ? &m->fwords : &m->words) : (fold ? &m->fcompact : &m->compact);
	/* The words form is " a b "; a pattern keeps its leading space and
	 * keeps the trailing one only when the last word must end there. */
	if (m->t.ntok == 0 || !b->len)
		return MW_ERR_INVALID;
	/* A word ending ("~나요") is the last word without its leading
	 * space: it may follow anything within the word. */
	if (suffix && m->t.ntok != 1)
		return MW_ERR_INVALID;
	p->len = words && prefix ? b->len - 1 : b->len;
	if (suffix)
		p->len--;
	p->s = malloc(p->len + 1);
	if (!p->s)
		return MW_ERR_NOMEM;
	memcpy(p->s, b->ptr + (suffix ? 1 : 0), p->len);
	p->s[p->len] = '\0';
	p->words = words;
	p->prefix = prefix;
	p->at_end = at_end;
	p->at_start = at_start && !words;
	p->suffix = suffix;
	p->folded = fold;
	return MW_OK;
}

/* How many times p occurs in m (anchored patterns: 0 or 1). */
static size_t pat_count(const mw_chat_pat *p, const mw_chat_msg *m)
{
	const mw_buf *b = p->words ? (p->folded ? &m->fwords : &m->words)
				   : (p->folded ? &m->fcompact : &m->compact);
	const char *at, *end;
	size_t n = 0;

	if (p->at_start || p->at_end)
		return mw_chat_pat_match(p, m);
	if (b->len < p->len)
		return 0;
	end = b->ptr + b->len;
	for (at = b->ptr; (at = memmem(at, (size_t)(end - at), p->s, p->len)); at += p->len)
		n += !p->suffix || (at > b->ptr && at[-1] != ' ');
	return n;
}

bool mw_chat_pat_match(const mw_chat_pat *p, const mw_chat_msg *m)
{
	const mw_buf *b = p->words ? (p->folded ? &m->fwords : &m->words)
				   : (p->folded ? &m->fcompact : &m->compact);
	const char *at, *end;

	if (b->len < p->len)
		return false;
	if (p->at_start)
		return !memcmp(b->ptr, p->s, p->len);
	if (p->at_end)
		return !memcmp(b->ptr + b->len - p->len, p->s, p->len) &&
		       (!p->suffix || (b->len > p->len && b->ptr[b->len - p->len - 1] != ' '));
	end = b->ptr + b->len;
	for (at = b->ptr; (at = memmem(at, (size_t)(end - at), p->s, p->len)); at++)
		/* An ending must end a longer word: 나요 alone is the verb 나다. */
		if (!p->suffix || (at > b->ptr && at[-1] != ' '))
			return true;
	return false;
}

/* Splits s[0..n) at sep; calls fn for each non-empty piece. */
static int split(const char *s, size_t n, char sep, int (*fn)(void *ctx, const char *p, size_t n),
		 void *ctx)
{
	size_t start = 0;
	int rc;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != sep)
			continue;
		while (start < i && s[start] == ' ')
			start++;
		if (i > start && (rc = fn(ctx, s + start, i - start)))
			return rc;
		start = i + 1;
	}
	return MW_OK;
}

/* A growing array of compiled patterns. */
struct pat_list {
	mw_chat_pat *p;
	size_t n, cap;
	mw_chat_msg *scratch;
	bool fold;
};

static int pat_list_add(void *ctx, const char *s, size_t n)
{
	struct pat_list *l = ctx;
	int rc;

	while (n && s[n - 1] == ' ')
		n--;
	if (!n)
		return MW_OK;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? 2 * l->cap : 8;
		mw_chat_pat *np = realloc(l->p, ncap * sizeof(*np));

		if (!np)
			return MW_ERR_NOMEM;
		l->p = np;
		l->cap = ncap;
	}
	if ((rc = pat_compile(&l->p[l->n], s, n, l->fold, l->scratch)))
		return rc;
	l->n++;
	return MW_OK;
}

static void pat_list_release(mw_chat_pat *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].s);
	free(p);
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int grow_array(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return MW_OK;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * elem);
	if (!np)
		return MW_ERR_NOMEM;
	*p = np;
	*cap = ncap;
	return MW_OK;
}

/* Fields of one TSV line (at most 4). */
struct tsv_line {
	const char *f[4];
	size_t len[4];
	size_t n;
};

static void tsv_split(const char *s, size_t n, struct tsv_line *l)
{
	size_t start = 0;

	l->n = 0;
	for (size_t i = 0; i <= n && l->n < MW_ARRAY_LEN(l->f); i++) {
		if (i < n && s[i] != '\t')
			continue;
		l->f[l->n] = s + start;
		l->len[l->n] = i - start;
		l->n++;
		start = i + 1;
	}
}

/* A filler word of a "-" line: kept as its normalised single token. */
struct drop_ctx {
	mw_chat_lex *lex;
	mw_chat_msg *m;
};

static int drop_add(void *ctx, const char *s, size_t n)
{
	struct drop_ctx *d = ctx;
	mw_chat_lex *lex = d->lex;
	int rc;

	if ((rc = mw_chat_msg_set(d->m, s, n)))
		return rc;
	if (d->m->t.ntok != 1)
		return MW_ERR_INVALID;
	if ((rc = grow_array((void **)&lex->drop, &lex->drop_cap, lex->ndrop + 1,
			     sizeof(*lex->drop))))
		return rc;
	lex->drop[lex->ndrop] = dup_n(d->m->t.s + d->m->t.tok[0].off, d->m->t.tok[0].len);
	if (!lex->drop[lex->ndrop])
		return MW_ERR_NOMEM;
	lex->ndrop++;
	return MW_OK;
}

static int syn_line(mw_chat_lex *lex, const struct tsv_line *l, size_t *cap, mw_chat_msg *m)
{
	struct pat_list pl = { NULL, 0, 0, m, false };
	struct lex_syn *s;
	int rc;

	if (l->n != 2 || !l->len[0])
		return MW_ERR_INVALID;
	if (l->len[0] == 1 && l->f[0][0] == '-')
		return split(l->f[1], l->len[1], '|', drop_add, &(struct drop_ctx){ lex, m });
	if ((rc = grow_array((void **)&lex->syn, cap, lex->nsyn + 1, sizeof(*lex->syn))))
		return rc;
	if ((rc = split(l->f[1], l->len[1], '|', pat_list_add, &pl)))
		goto fail;
	s = &lex->syn[lex->nsyn];
	s->canon = dup_n(l->f[0], l->len[0]);
	if (!s->canon) {
		rc = MW_ERR_NOMEM;
		goto fail;
	}
	s->var = pl.p;
	s->nvar = pl.n;
	lex->nsyn++;
	return MW_OK;
fail:
	pat_list_release(pl.p, pl.n);
	return rc;
}

/* Anchor groups: "a+b|c" is (a and b) or c. */
struct anchor_ctx {
	struct pat_list pl;
	size_t *group_end;
	size_t ngroup, cap;
};

static int anchor_group(void *ctx, const char *s, size_t n)
{
	struct anchor_ctx *a = ctx;
	int rc;

	if ((rc = split(s, n, '+', pat_list_add, &a->pl)))
		return rc;
	if ((rc = grow_array((void **)&a->group_end, &a->cap, a->ngroup + 1, sizeof(size_t))))
		return rc;
	a->group_end[a->ngroup++] = a->pl.n;
	return MW_OK;
}

static int topic_line(mw_chat_lex *lex, const struct tsv_line *l, size_t *cap, mw_chat_msg *m)
{
	struct anchor_ctx a = { { NULL, 0, 0, m, false }, NULL, 0, 0 };
	struct lex_topic *t;
	int rc;

	if (l->n != 2 || !l->len[1])
		return MW_ERR_INVALID;
	if ((rc = grow_array((void **)&lex->topic, cap, lex->ntopic + 1, sizeof(*lex->topic))))
		return rc;
	if ((rc = split(l->f[0], l->len[0], '|', anchor_group, &a)))
		goto fail;
	if (!a.ngroup) {
		rc = MW_ERR_INVALID;
		goto fail;
	}
	t = &lex->topic[lex->ntopic];
	t->expansion = dup_n(l->f[1], l->len[1]);
	if (!t->expansion) {
		rc = MW_ERR_NOMEM;
		goto fail;
	}
	t->pat = a.pl.p;
	t->group_end = a.group_end;
	t->ngroup = a.ngroup;
	lex->ntopic++;
	return MW_OK;
fail:
	pat_list_release(a.pl.p, a.pl.n);
	free(a.group_end);
	return rc;
}

static int cue_line(mw_chat_lex *lex, const struct tsv_line *l, size_t *cap, mw_chat_msg *m)
{
	struct pat_list pl = { NULL, 0, 0, m, true };
	char num[32];
	double w;
	char *end;
	size_t cls;
	int rc;

	if (l->n != 3 || l->len[1] == 0 || l->len[1] >= sizeof(num))
		return MW_ERR_INVALID;
	for (cls = 0; cls < MW_ARRAY_LEN(cue_names); cls++)
		if (strlen(cue_names[cls]) == l->len[0] && !memcmp(cue_names[cls], l->f[0], l->len[0]))
			break;
	if (cls == MW_ARRAY_LEN(cue_names))
		return MW_ERR_INVALID;
	memcpy(num, l->f[1], l->len[1]);
	num[l->len[1]] = '\0';
	w = strtod(num, &end);
	if (*end || w < -100 || w > 100)
		return MW_ERR_INVALID;
	if ((rc = split(l->f[2], l->len[2], '|', pat_list_add, &pl)))
		goto out;
	if ((rc = grow_array((void **)&lex->cue, cap, lex->ncue + pl.n, sizeof(*lex->cue))))
		goto out;
	for (size_t i = 0; i < pl.n; i++) {
		struct lex_cue *c = &lex->cue[lex->ncue++];

		c->cls = (enum mw_chat_cue)cls;
		c->weight = w;
		c->pat = pl.p[i];
	}
	pl.n = 0; /* the patterns moved into lex->cue */
out:
	pat_list_release(pl.p, pl.n);
	return rc;
}

/* Surfaces go to the first list, "!exclusions" to the second. */
struct entity_ctx {
	struct pat_list surf, excl;
};

static int entity_add(void *ctx, const char *s, size_t n)
{
	struct entity_ctx *c = ctx;

	if (n && s[0] == '!')
		return pat_list_add(&c->excl, s + 1, n - 1);
	return pat_list_add(&c->surf, s, n);
}

static int entity_line(mw_chat_lex *lex, const struct tsv_line *l, size_t *cap, mw_chat_msg *m)
{
	struct entity_ctx c = { { NULL, 0, 0, m, false }, { NULL, 0, 0, m, false } };
	struct lex_entity *e;
	int rc;

	if (l->n != 2 || !l->len[0])
		return MW_ERR_INVALID;
	if ((rc = grow_array((void **)&lex->ent, cap, lex->nent + 1, sizeof(*lex->ent))))
		return rc;
	if ((rc = split(l->f[1], l->len[1], '|', entity_add, &c)))
		goto fail;
	if (!c.surf.n) {
		rc = MW_ERR_INVALID;
		goto fail;
	}
	e = &lex->ent[lex->nent];
	e->name = dup_n(l->f[0], l->len[0]);
	if (!e->name) {
		rc = MW_ERR_NOMEM;
		goto fail;
	}
	e->pat = c.surf.p;
	e->npat = c.surf.n;
	e->excl = c.excl.p;
	e->nexcl = c.excl.n;
	lex->nent++;
	return MW_OK;
fail:
	pat_list_release(c.surf.p, c.surf.n);
	pat_list_release(c.excl.p, c.excl.n);
	return rc;
}

/* The files and the parser of their lines. */
static const struct lex_file {
	const char *name;
	int (*line)(mw_chat_lex *lex, const struct tsv_line *l, size_t *cap, mw_chat_msg *m);
} lex_files[] = {
	{ "chat_synonyms.tsv", syn_line },
	{ "chat_topics.tsv", topic_line },
	{ "chat_cues.tsv", cue_line },
	{ "chat_entities.tsv", entity_line },
};

int mw_chat_lex_load(mw_chat_lex **out, char *errbuf, size_t errsz)
{
	mw_chat_msg m = MW_CHAT_MSG_INIT;
	mw_chat_lex *lex;
	int rc = MW_OK;

	*out = NULL;
	lex = calloc(1, sizeof(*lex));
	if (!lex)
		return MW_ERR_NOMEM;
	for (size_t f = 0; f < MW_ARRAY_LEN(lex_files); f++) {
		const struct mw_embedded *e = mw_embedded_find(lex_files[f].name);
		size_t cap = 0, lineno = 0, pos = 0;

		if (!e) {
			snprintf(errbuf, errsz, "%s is not built into this binary", lex_files[f].name);
			rc = MW_ERR_INVALID;
			goto out;
		}
		while (pos < e->len) {
			const char *s = e->data + pos;
			const char *nl = memchr(s, '\n', e->len - pos);
			size_t n = nl ? (size_t)(nl - s) : e->len - pos;
			struct tsv_line l;

			pos += n + 1;
			lineno++;
			if (n && s[n - 1] == '\r')
				n--;
			if (!n || s[0] == '#')
				continue;
			tsv_split(s, n, &l);
			if ((rc = lex_files[f].line(lex, &l, &cap, &m))) {
				snprintf(errbuf, errsz, "%s line %zu: %s", lex_files[f].name, lineno,
					 rc == MW_ERR_NOMEM ? "out of memory" : "malformed line");
				goto out;
			}
		}
	}
	*out = lex;
	lex = NULL;
out:
	mw_chat_lex_free(lex);
	mw_chat_msg_release(&m);
	return rc;
}

void mw_chat_lex_free(mw_chat_lex *lex)
{
	if (!lex)
		return;
	for (size_t i = 0; i < lex->nsyn; i++) {
		free(lex->syn[i].canon);
		pat_list_release(lex->syn[i].var, lex->syn[i].nvar);
	}
	free(lex->syn);
	for (size_t i = 0; i < lex->ndrop; i++)
		free(lex->drop[i]);
	free(lex->drop);
	for (size_t i = 0; i < lex->ntopic; i++) {
		pat_list_release(lex->topic[i].pat, lex->topic[i].group_end[lex->topic[i].ngroup - 1]);
		free(lex->topic[i].group_end);
		free(lex->topic[i].expansion);
	}
	free(lex->topic);
	for (size_t i = 0; i < lex->ncue; i++)
		free(lex->cue[i].pat.s);
	free(lex->cue);
	for (size_t i = 0; i < lex->nent; i++) {
		free(lex->ent[i].name);
		pat_list_release(lex->ent[i].pat, lex->ent[i].npat);
		pat_list_release(lex->ent[i].excl, lex->ent[i].nexcl);
	}
	free(lex->ent);
	free(lex);
}

static mw_chat_lex *shared_lex;
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static void shared_load(void)
{
	char errbuf[200];

	if (mw_chat_lex_load(&shared_lex, errbuf, sizeof(errbuf)))
		mw_log_error("nlp", "chatbot lexicon: %s", errbuf);
}

const mw_chat_lex *mw_chat_lex_shared(void)
{
	pthread_once(&shared_once, shared_load);
	return shared_lex;
}

/* ---- messages --------------------------------------------------------- */

static bool is_jamo(uint32_t c)
{
	return (c >= 0x3131 && c <= 0x318E) || (c >= 0x1100 && c <= 0x11FF);
}

/* ㅋㅋ, ㅠㅠ, ㅇㅇ: laughter, tears and shorthand, not words. */
static bool token_is_jamo(const mw_nlp_text *t, const mw_nlp_token *k)
{
	for (size_t j = 0; j < k->cp_len; j++)
		if (!is_jamo(t->cp[k->cp_off + j]))
			return false;
	return true;
}

static bool token_is_latin(const mw_nlp_text *t, const mw_nlp_token *k)
{
	for (size_t j = 0; j < k->cp_len; j++) {
		uint32_t c = t->cp[k->cp_off + j];

		if (c < 'a' || c > 'z')
			return false;
	}
	return true;
}

/* Folds the commonest misspelling of Korean: 되 / 돼 (and 뒈), all of
 * them as 뒈. Nothing else is folded: other near letters (ㄱ and ㄲ, ㅐ
 * and ㅔ) tell cue words apart (새요 and 세요, 로또 and 로도). */
static uint32_t fold_syllable(uint32_t c)
{
	uint32_t s = c - 0xAC00, l = s / 588, v = (s % 588) / 28, t = s % 28;

	if (v == 10 || v == 11) /* ㅙ, ㅚ */
		v = 15;         /* ㅞ */
	return 0xAC00 + l * 588 + v * 28 + t;
}

/* dst = src with every Hangul syllable folded; the same length, since a
 * syllable is three bytes in and out. */
static int fold_copy(mw_buf *dst, const mw_buf *src)
{
	int rc;

	mw_buf_reset(dst);
	if ((rc = mw_buf_append(dst, src->ptr ? src->ptr : "", src->len)))
		return rc;
	for (size_t i = 0; i + 2 < dst->len; i++) {
		unsigned char *b = (unsigned char *)dst->ptr + i;
		uint32_t c;

		if ((b[0] & 0xF0) != 0xE0)
			continue;
		c = ((uint32_t)(b[0] & 0x0F) << 12) | ((uint32_t)(b[1] & 0x3F) << 6) | (b[2] & 0x3F);
		if (c >= 0xAC00 && c <= 0xD7A3) {
			c = fold_syllable(c);
			b[0] = (unsigned char)(0xE0 | (c >> 12));
			b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
			b[2] = (unsigned char)(0x80 | (c & 0x3F));
		}
		i += 2;
	}
	return MW_OK;
}

int mw_chat_msg_set(mw_chat_msg *m, const char *text, size_t len)
{
	const mw_nlp_text *t = &m->t;
	int rc;

	if (!text) /* an empty buffer */
		text = "";
	mw_buf_reset(&m->compact);
	mw_buf_reset(&m->words);
	m->qmark = memchr(text, '?', len) != NULL || memmem(text, len, "？", 3) != NULL;
	if ((rc = mw_nlp_text_set(&m->t, text, len)))
		return rc;
	if ((rc = mw_buf_putc(&m->words, ' ')))
		return rc;
	for (size_t i = 0; i < t->ntok; i++) {
		const mw_nlp_token *k = &t->tok[i];

		if ((rc = mw_buf_append(&m->compact, t->s + k->off, k->len)))
			return rc;
		if (!token_is_jamo(t, k) && ((rc = mw_buf_append(&m->words, t->s + k->off, k->len)) ||
					     (rc = mw_buf_putc(&m->words, ' '))))
			return rc;
	}
	/* Keep the buffers NUL-terminated even when empty. */
	if (!m->compact.ptr && (rc = mw_buf_puts(&m->compact, "")))
		return rc;
	if ((rc = fold_copy(&m->fcompact, &m->compact)) || (rc = fold_copy(&m->fwords, &m->words)))
		return rc;
	return MW_OK;
}

void mw_chat_msg_release(mw_chat_msg *m)
{
	mw_nlp_text_release(&m->t);
	mw_buf_release(&m->compact);
	mw_buf_release(&m->words);
	mw_buf_release(&m->fcompact);
	mw_buf_release(&m->fwords);
}

void mw_chat_cues_score(const mw_chat_lex *lex, const mw_chat_msg *m, double *score)
{
	for (size_t c = 0; c < MW_CHAT_CUE__COUNT; c++)
		score[c] = 0;
	for (size_t i = 0; i < lex->ncue; i++)
		if (mw_chat_pat_match(&lex->cue[i].pat, m))
			score[lex->cue[i].cls] += lex->cue[i].weight;
}

int mw_chat_expand_synonyms(const mw_chat_lex *lex, const mw_chat_msg *m, mw_buf *out)
{
	int rc;

	for (size_t i = 0; i < lex->nsyn; i++)
		for (size_t j = 0; j < lex->syn[i].nvar; j++) {
			if (!mw_chat_pat_match(&lex->syn[i].var[j], m))
				continue;
			if ((rc = mw_buf_putc(out, ' ')) || (rc = mw_buf_puts(out, lex->syn[i].canon)))
				return rc;
			break;
		}
	return MW_OK;
}

size_t mw_chat_entity_count(const mw_chat_lex *lex)
{
	return lex->nent;
}

size_t mw_chat_entities_in(const mw_chat_lex *lex, const mw_chat_msg *m, size_t *idx, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < lex->nent && n < max; i++) {
		const struct lex_entity *e = &lex->ent[i];
		size_t most = 0, excluded = 0;

		/* Named when some surface occurs more often than the
		 * exclusions that contain it. */
		for (size_t j = 0; j < e->npat; j++) {
			size_t c = pat_count(&e->pat[j], m);

			most = c > most ? c : most;
		}
		for (size_t j = 0; most && j < e->nexcl; j++)
			excluded += pat_count(&e->excl[j], m);
		if (most > excluded)
			idx[n++] = i;
	}
	return n;
}

int mw_chat_content_words(const mw_chat_lex *lex, const mw_chat_msg *m, mw_buf *out)
{
	const mw_nlp_text *t = &m->t;
	int rc;

	for (size_t i = 0; i < t->ntok; i++) {
		const mw_nlp_token *k = &t->tok[i];
		bool drop = token_is_jamo(t, k) || token_is_latin(t, k);

		for (size_t d = 0; d < lex->ndrop && !drop; d++) {
			size_t dl = strlen(lex->drop[d]);

			drop = (dl == k->len || (k->stem_len && dl == k->stem_len)) &&
			       !memcmp(lex->drop[d], t->s + k->off, dl);
		}
		if (drop)
			continue;
		if ((rc = mw_buf_putc(out, ' ')) ||
		    (rc = mw_buf_append(out, t->s + k->off, k->len)))
			return rc;
	}
	return MW_OK;
}

int mw_chat_expand_topics(const mw_chat_lex *lex, const mw_chat_msg *m, mw_buf *out)
{
	int rc;

	for (size_t i = 0; i < lex->ntopic; i++) {
		const struct lex_topic *t = &lex->topic[i];
		size_t start = 0;
		bool hit = false;

		for (size_t g = 0; g < t->ngroup && !hit; g++) {
			hit = true;
			for (size_t k = start; k < t->group_end[g]; k++)
				hit = hit && mw_chat_pat_match(&t->pat[k], m);
			start = t->group_end[g];
		}
		if (hit && ((rc = mw_buf_putc(out, ' ')) || (rc = mw_buf_puts(out, t->expansion))))
			return rc;
	}
	return MW_OK;
}

/* ---- the decision ----------------------------------------------------- */

/* Everything the rules look at, computed once per message. */
struct chat_eval {
	const mw_chat_msg *m;
	double cue[MW_CHAT_CUE__COUNT];
	double question;     /* question cues, with the question mark */
	double report;       /* evidence that the message reports a problem */
	mw_faq_hit hit[MW_FAQ_HITS];
	size_t nhit;
	double top, second;  /* the best two FAQ scores */
};

/* Thresholds of the rules. The FAQ ones were set for precision on the
 * project's own paraphrase set and cross-checked on shared/bench: below
 * them a wrong answer becomes likelier than a right one (docs/AI.md). */
static const struct chat_thresholds {
	double cue;          /* a cue class counts from this sum on */
	double faq_sure;     /* a score that answers even a report-like message */
	double report_min;   /* report evidence */
	double qmark;        /* question weight of a question mark */
	double place, now, action, statement, question; /* weights in the report evidence */
	double cap;          /* no cue class adds more than this to it */
} th = {
	.cue = 1.0,
	.faq_sure = 0.5,
	.report_min = 1.0,
	.qmark = 1.5,
	.place = 0.5,
	.now = 0.5,
	.action = 0.5,
	.statement = 1.0,
	.question = 1.0,
	.cap = 2.0,
};

static bool cue(const struct chat_eval *e, enum mw_chat_cue c)
{
	return e->cue[c] >= th.cue;
}

static bool rule_empty(const struct chat_eval *e)
{
	return e->m->compact.len == 0;
}

static bool rule_abuse(const struct chat_eval *e)
{
	return cue(e, MW_CHAT_CUE_ABUSE);
}

static bool rule_ask_human(const struct chat_eval *e)
{
	return cue(e, MW_CHAT_CUE_ASK_HUMAN);
}

static bool rule_legal(const struct chat_eval *e)
{
	return cue(e, MW_CHAT_CUE_LEGAL);
}

static bool rule_official(const struct chat_eval *e)
{
	return cue(e, MW_CHAT_CUE_STAFF) && cue(e, MW_CHAT_CUE_CONDUCT);
}

static bool rule_personal(const struct chat_eval *e)
{
	return cue(e, MW_CHAT_CUE_SELF) && cue(e, MW_CHAT_CUE_JUDGE);
}

/* An entry answers when its score reaches one of these tiers: close
 * enough and ahead of the second entry by enough. A lower score needs a
 * clearer lead. */
static const struct faq_tier {
	double min;   /* the best entry's score */
	double ratio; /* how many times the second entry's score it must be */
} faq_tiers[] = {
	{ 0.08, 1.2 },
	{ 0.06, 1.6 },
};

static bool faq_close(const struct chat_eval *e)
{
	for (size_t i = 0; e->nhit && i < MW_ARRAY_LEN(faq_tiers); i++)
		if (e->top >= faq_tiers[i].min && e->top >= faq_tiers[i].ratio * e->second)
			return true;
	return false;
}

static bool rule_faq_sure(const struct chat_eval *e)
{
	return faq_close(e) && e->top >= th.faq_sure;
}

/* A report describes a problem, or states something about a thing the
 * office looks after or a place, rather than asking; small talk that
 * happens to be a statement ("오늘 기분이 안 좋아") is not one. */
static bool rule_report(const struct chat_eval *e)
{
	bool describes = cue(e, MW_CHAT_CUE_PROBLEM) ||
			 (cue(e, MW_CHAT_CUE_STATEMENT) && !cue(e, MW_CHAT_CUE_CHITCHAT) &&
			  (cue(e, MW_CHAT_CUE_THING) || cue(e, MW_CHAT_CUE_PLACE)));

	return describes && e->report >= th.report_min;
}

static bool rule_faq(const struct chat_eval *e)
{
	return faq_close(e) && !cue(e, MW_CHAT_CUE_OFFTOPIC);
}

static bool rule_chitchat(const struct chat_eval *e)
{
	return cue(e, MW_CHAT_CUE_CHITCHAT);
}

static bool rule_always(const struct chat_eval *e)
{
	MW_UNUSED(e);
	return true;
}

/* The decision table: tried in order, the first rule that applies wins. */
static const struct chat_rule {
	const char *name;
	bool (*applies)(const struct chat_eval *e);
	mw_chat_kind kind;
	const char *reason; /* MW_CHAT_HUMAN only */
} rules[] = {
	{ "nothing to read", rule_empty, MW_CHAT_HUMAN, "not_covered" },
	{ "abuse", rule_abuse, MW_CHAT_HUMAN, "abuse" },
	{ "asks for a person", rule_ask_human, MW_CHAT_HUMAN, "requested" },
	/* Before "legal": a formal protest about how staff behaved is about
	 * the official even when it sounds like a dispute. */
	{ "complaint about an official", rule_official, MW_CHAT_HUMAN, "official" },
	{ "legal dispute", rule_legal, MW_CHAT_HUMAN, "legal" },
	{ "judgement on a personal case", rule_personal, MW_CHAT_HUMAN, "personal_case" },
	{ "close FAQ entry", rule_faq_sure, MW_CHAT_FAQ, NULL },
	{ "reports a problem", rule_report, MW_CHAT_REPORT, NULL },
	{ "FAQ entry", rule_faq, MW_CHAT_FAQ, NULL },
	{ "chit-chat", rule_chitchat, MW_CHAT_HUMAN, "chitchat" },
	{ "not in the knowledge base", rule_always, MW_CHAT_HUMAN, "not_covered" },
};

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Grows from 0.5 at the thresholds towards 1 as the best entry gets
 * closer and further ahead of the second. */
static double faq_confidence(const struct chat_eval *e)
{
	const struct faq_tier *t = &faq_tiers[0];
	double lead = e->second > 0 ? e->top / e->second : 8;

	lead = lead > 8 ? 8 : lead;
	return clamp01(0.5 + 0.25 * clamp01((e->top - t->min) / (3 * t->min)) +
		       0.25 * clamp01((lead - t->ratio) / (8 - t->ratio)));
}

/* Per-call scratch: the message, a second message for expansions, a
 * vector and a buffer. */
struct chat_scratch {
	mw_chat_msg m, x;
	mw_nlp_vec v, jv;
	mw_buf buf;
};

static void scratch_release(struct chat_scratch *s)
{
	mw_chat_msg_release(&s->m);
	mw_chat_msg_release(&s->x);
	mw_nlp_vec_release(&s->v);
	mw_nlp_vec_release(&s->jv);
	mw_buf_release(&s->buf);
}

static double capped(double x, double cap)
{
	return x < cap ? x : cap;
}

static void evaluate(struct chat_eval *e)
{
	const double *c = e->cue;

	e->question = c[MW_CHAT_CUE_QUESTION] + (e->m->qmark ? th.qmark : 0);
	e->report = capped(c[MW_CHAT_CUE_PROBLEM], th.cap) +
		    th.statement * capped(c[MW_CHAT_CUE_STATEMENT], 1) +
		    th.place * capped(c[MW_CHAT_CUE_PLACE], th.cap) +
		    th.now * capped(c[MW_CHAT_CUE_NOW], th.cap) +
		    th.action * capped(c[MW_CHAT_CUE_ACTION], th.cap) - th.question * e->question;
	e->top = e->nhit ? e->hit[0].score : 0;
	e->second = e->nhit > 1 ? e->hit[1].score : 0;
}

int mw_chat_decide(const mw_faq *faq, const mw_classifier *cls, const char *text, size_t len,
		   mw_chat_decision *out)
{
	struct chat_scratch s = { MW_CHAT_MSG_INIT, MW_CHAT_MSG_INIT, MW_NLP_VEC_INIT,
				  MW_NLP_VEC_INIT, MW_BUF_INIT };
	struct chat_eval e;
	const struct chat_rule *r = NULL;
	const mw_chat_lex *lex;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&e, 0, sizeof(e));
	if (!text && len) {
		rc = MW_ERR_INVALID;
		goto out;
	}
	lex = mw_chat_lex_shared();
	if (!lex) {
		rc = MW_ERR_INVALID;
		goto out;
	}
	if ((rc = mw_chat_msg_set(&s.m, text ? text : "", len)))
		goto out;
	e.m = &s.m;
	mw_chat_cues_score(lex, &s.m, e.cue);
	if (faq && (rc = mw_faq_search(faq, &s.m, &s.x, &s.v, &s.jv, &s.buf, e.hit, &e.nhit)))
		goto out;
	evaluate(&e);
	for (size_t i = 0; i < MW_ARRAY_LEN(rules) && !r; i++)
		if (rules[i].applies(&e))
			r = &rules[i];
	out->kind = r->kind;
	out->reason = r->reason;
	switch (r->kind) {
	case MW_CHAT_FAQ:
		out->faq = mw_faq_entry_at(faq, e.hit[0].idx);
		out->confidence = faq_confidence(&e);
		break;
	case MW_CHAT_REPORT:
		out->confidence = clamp01(0.5 + 0.1 * (e.report - th.report_min));
		if (cls && s.m.compact.len) {
			mw_prediction p;

			/* A text the classifier cannot read is still a report,
			 * only without a category; running out of memory is
			 * not. */
			rc = mw_classifier_predict(cls, text, len, &p);
			if (rc == MW_ERR_NOMEM)
				goto out;
			if (rc == MW_OK) {
				mw_strlcpy(out->category, p.category, sizeof(out->category));
				out->confidence *= p.confidence;
			}
			rc = MW_OK;
		}
		break;
	case MW_CHAT_HUMAN:
		/* A rule that fired is sure of itself; "not covered" is as sure
		 * as the best entry was far from answering. */
		out->confidence = r->applies == rule_always
					  ? clamp01(1 - 0.5 * e.top / faq_tiers[0].min)
					  : 0.9;
		break;
	}
out:
	scratch_release(&s);
	return rc;
}

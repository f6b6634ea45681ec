/*
 * faq.c - the chatbot's knowledge base: loading the office's FAQ file and
 * finding the entries nearest to a message.
 *
 * Retrieval is TF-IDF cosine over the features of features.h (character
 * 2..3-grams with spacing removed, particle-stripped word stems), plus
 * jamo trigrams of our own, so that a misspelt syllable (기쵸연금, 여꿘)
 * still shares most of its features. Each entry is indexed twice:
 *
 *   - its question, with the synonyms and the topic expansions of the
 *     embedded lexicons appended (chat_int.h), which carries most of the
 *     weight: people ask about the topic, in their own words;
 *   - its answer, which catches the details people ask about (수수료,
 *     위임장, 확정일자) and which the question does not name.
 *
 * The IDF comes from the knowledge base itself and counts a feature in the
 * questions when any question has it (answers mention many things in
 * passing: 가로등 in the answer on processing times), so that a word only
 * one question has (인감, 계량기) decides and one every entry shares
 * (신청, 어떻게) counts little. Message features the knowledge base has
 * never seen keep a high IDF: a message mostly about something else
 * (출생신고 vs 전입신고) stays far from every entry.
 *
 * Entities (chat_entities.tsv) filter: an entry that does not name a
 * document, benefit or thing the message names is not a candidate at all,
 * and one whose question names it scores higher than one whose answer
 * mentions it. Fillers and question words never reach the index
 * (mw_chat_content_words).
 */
#include "chat_int.h"
#include "nlp.h"
#include "../base/mw.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* Retrieval settings, chosen on the project's own paraphrase set and
 * cross-checked on shared/bench (docs/AI.md, "Chatbot"). */
static const struct {
	mw_nlp_featcfg feat;   /* features of questions, answers and messages */
	double question_share; /* score = share * q_sim + (1 - share) * a_sim */
	double unknown_idf;    /* IDF of a feature no entry has, times the largest */
	double jamo_share;     /* similarity = (1 - share) * features + share * jamo */
	double about_bonus;    /* score * (1 + bonus) when the question names an entity */
} tuning = {
	.feat = { 2, 3, 1 },
	.question_share = 0.6,
	.unknown_idf = 0.6,
	.jamo_share = 0.25,
	.about_bonus = 0.3,
};

/* Seed of the jamo trigram features (distinct from features.h's seeds). */
#define JAMO_SEED 0x6a616d6f33ULL

/* A FAQ file line may not be longer than this. */
#define FAQ_LINE_MAX ((size_t)1 << 20)
#define FAQ_ENTRIES_MAX 100000

struct idf_entry {
	uint32_t id;
	float idf;
};

struct mw_faq {
	mw_faq_entry *e;
	size_t n;
	mw_nlp_vec *qv; /* weighted question vectors, one per entry */
	mw_nlp_vec *av; /* weighted answer vectors */
	mw_nlp_vec *qj; /* the same as jamo trigrams */
	mw_nlp_vec *aj;
	struct idf_entry *idf;
	size_t nidf;
	float idf_unknown;
	const mw_chat_lex *lex; /* the shared lexicon */
	size_t nent;    /* entities of the lexicon */
	uint8_t *ent;   /* n * nent: 1 when entry i names entity j */
	uint8_t *qent;  /* the same for its question and topic expansions */
};

size_t mw_faq_count(const mw_faq *f)
{
	return f ? f->n : 0;
}

const mw_faq_entry *mw_faq_entry_at(const mw_faq *f, size_t i)
{
	return f && i < f->n ? &f->e[i] : NULL;
}

void mw_faq_free(mw_faq *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free((char *)f->e[i].id);
		free((char *)f->e[i].question);
		free((char *)f->e[i].answer);
		free((char *)f->e[i].category);
		free((char *)f->e[i].question_en);
		free((char *)f->e[i].answer_en);
		mw_nlp_vec_release(&f->qv[i]);
		mw_nlp_vec_release(&f->av[i]);
		mw_nlp_vec_release(&f->qj[i]);
		mw_nlp_vec_release(&f->aj[i]);
	}
	free(f->e);
	free(f->qv);
	free(f->av);
	free(f->qj);
	free(f->aj);
	free(f->idf);
	free(f->ent);
	free(f->qent);
	free(f);
}

static float idf_lookup(void *ctx, uint32_t id)
{
	const mw_faq *f = ctx;
	size_t lo = 0, hi = f->nidf;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->idf[mid].id < id)
			lo = mid + 1;
		else if (f->idf[mid].id > id)
			hi = mid;
		else
			return f->idf[mid].idf;
	}
	return f->idf_unknown;
}

static int feat_cmp(const void *a, const void *b)
{
	const mw_nlp_feat *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Pushes the jamo of code point c: a Hangul syllable as its initial,
 * vowel and final (if any); anything else as itself. */
static size_t jamo_of(uint32_t c, uint32_t *out)
{
	uint32_t s;

	if (c < 0xAC00 || c > 0xD7A3) {
		out[0] = c;
		return 1;
	}
	s = c - 0xAC00;
	out[0] = 0x1100 + s / 588;
	out[1] = 0x1161 + (s % 588) / 28;
	if (s % 28 == 0)
		return 2;
	out[2] = 0x11A7 + s % 28;
	return 3;
}

/* Jamo trigrams over the words of t with spacing removed, as raw counts
 * sorted by id: a typo changes one jamo, so most trigrams of a
 * misspelt word (기쵸연금, 여꿘) still match. */
static int jamo_features(const mw_nlp_text *t, mw_nlp_vec *v)
{
	uint32_t win[3];
	size_t n = 0, w;
	int rc;

	v->n = 0;
	if ((rc = mw_nlp_vec_reserve(v, 3 * t->ncp + 1)))
		return rc;
	for (size_t i = 0; i < t->ntok; i++) {
		const mw_nlp_token *k = &t->tok[i];

		for (size_t j = 0; j < k->cp_len; j++) {
			uint32_t jm[3];
			size_t nj = jamo_of(t->cp[k->cp_off + j], jm);

			for (size_t q = 0; q < nj; q++) {
				win[0] = win[1];
				win[1] = win[2];
				win[2] = jm[q];
				if (++n < 3)
					continue;
				v->f[v->n].id = (uint32_t)mw_nlp_hash(win, sizeof(win), JAMO_SEED);
				v->f[v->n].v = 1.0f;
				v->n++;
			}
		}
	}
	qsort(v->f, v->n, sizeof(*v->f), feat_cmp);
	for (size_t i = w = 0; i < v->n; i++) {
		if (w && v->f[w - 1].id == v->f[i].id)
			v->f[w - 1].v += 1.0f;
		else
			v->f[w++] = v->f[i];
	}
	v->n = w;
	return MW_OK;
}

/* Features of text with the lexicon's expansions appended (topics only
 * for FAQ questions). The vector holds raw counts. */
static int text_features(const mw_faq *f, const char *text, bool topics, mw_chat_msg *m,
			 mw_chat_msg *scratch, mw_buf *buf, mw_nlp_vec *v, mw_nlp_vec *jv)
{
	int rc;

	if ((rc = mw_chat_msg_set(m, text, strlen(text))))
		return rc;
	mw_buf_reset(buf);
	if ((rc = mw_chat_content_words(f->lex, m, buf)) ||
	    (rc = mw_chat_expand_synonyms(f->lex, m, buf)))
		return rc;
	if (topics && (rc = mw_chat_expand_topics(f->lex, m, buf)))
		return rc;
	if ((rc = mw_chat_msg_set(scratch, buf->ptr, buf->len)) ||
	    (rc = mw_nlp_features(&scratch->t, &tuning.feat, v)))
		return rc;
	return jamo_features(&scratch->t, jv);
}

/* Marks the entities entry i names: in its question or topic expansions
 * (qent, what the entry is about) and anywhere, the answer included
 * (ent, what it can speak about). */
static int entry_entities(mw_faq *f, size_t i, mw_chat_msg *m, mw_buf *buf, size_t *idx)
{
	size_t k;
	int rc;

	mw_buf_reset(buf);
	if ((rc = mw_chat_msg_set(m, f->e[i].question, strlen(f->e[i].question))) ||
	    (rc = mw_buf_puts(buf, f->e[i].question)) ||
	    (rc = mw_chat_expand_topics(f->lex, m, buf)) ||
	    (rc = mw_chat_msg_set(m, buf->ptr, buf->len)))
		return rc;
	k = mw_chat_entities_in(f->lex, m, idx, f->nent);
	for (size_t j = 0; j < k; j++)
		f->qent[i * f->nent + idx[j]] = 1;
	if ((rc = mw_buf_putc(buf, '\n')) || (rc = mw_buf_puts(buf, f->e[i].answer)) ||
	    (rc = mw_chat_msg_set(m, buf->ptr, buf->len)))
		return rc;
	k = mw_chat_entities_in(f->lex, m, idx, f->nent);
	for (size_t j = 0; j < k; j++)
		f->ent[i * f->nent + idx[j]] = 1;
	return MW_OK;
}

static int idf_cmp(const void *a, const void *b)
{
	const struct idf_entry *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Document frequencies over entries (every vector of an entry counts
 * once), turned into idf = ln(1 + n / df). */
static int build_idf(mw_faq *f)
{
	size_t total = 0, w = 0, u;
	float max_idf = 0;

	for (size_t i = 0; i < f->n; i++)
		total += f->qv[i].n + f->av[i].n + f->qj[i].n + f->aj[i].n;
	f->idf = malloc((total ? total : 1) * sizeof(*f->idf));
	if (!f->idf)
		return MW_ERR_NOMEM;
	for (size_t i = 0; i < f->n; i++) {
		const mw_nlp_vec *vs[] = { &f->qv[i], &f->av[i], &f->qj[i], &f->aj[i] };
		size_t start = w;

		for (size_t k = 0; k < MW_ARRAY_LEN(vs); k++)
			for (size_t j = 0; j < vs[k]->n; j++) {
				f->idf[w].id = vs[k]->f[j].id;
				f->idf[w++].idf = k % 2 == 0; /* 1: from a question */
			}
		/* one count per entry: sort this entry's ids and drop repeats,
		 * remembering whether the question had it */
		qsort(f->idf + start, w - start, sizeof(*f->idf), idf_cmp);
		u = start;
		for (size_t j = start; j < w; j++)
			if (u == start || f->idf[u - 1].id != f->idf[j].id)
				f->idf[u++] = f->idf[j];
			else if (f->idf[j].idf > 0)
				f->idf[u - 1].idf = 1;
		w = u;
	}
	qsort(f->idf, w, sizeof(*f->idf), idf_cmp);
	f->nidf = 0;
	for (size_t i = 0; i < w;) {
		size_t j = i, in_questions = 0;

		while (j < w && f->idf[j].id == f->idf[i].id)
			in_questions += f->idf[j++].idf > 0;
		f->idf[f->nidf].id = f->idf[i].id;
		/* Questions name what an entry is about, answers also what it
		 * merely mentions: a word is as rare as the questions say, and
		 * only a word no question has is counted in the answers. */
		if (in_questions)
			f->idf[f->nidf].idf = (float)log(1.0 + (double)f->n / (double)in_questions);
		else
			f->idf[f->nidf].idf = (float)log(1.0 + (double)f->n / (double)(j - i));
		if (f->idf[f->nidf].idf > max_idf)
			max_idf = f->idf[f->nidf].idf;
		f->nidf++;
		i = j;
	}
	f->idf_unknown = (float)(tuning.unknown_idf *
				 (max_idf > 0 ? max_idf : log(2.0)));
	return MW_OK;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);

	if (d)
		memcpy(d, s, n + 1);
	return d;
}

int mw_faq_build(const mw_faq_entry *e, size_t n, mw_faq **out)
{
	mw_chat_msg m = MW_CHAT_MSG_INIT, scratch = MW_CHAT_MSG_INIT;
	mw_buf buf = MW_BUF_INIT;
	size_t *idx = NULL;
	mw_faq *f;
	int rc;

	*out = NULL;
	if (n > FAQ_ENTRIES_MAX || (n && !e))
		return MW_ERR_INVALID;
	f = calloc(1, sizeof(*f));
	if (!f)
		return MW_ERR_NOMEM;
	f->lex = mw_chat_lex_shared();
	if (!f->lex) {
		rc = MW_ERR_INVALID;
		goto out;
	}
	f->nent = mw_chat_entity_count(f->lex);
	f->ent = calloc((n ? n : 1) * (f->nent ? f->nent : 1), 1);
	f->qent = calloc((n ? n : 1) * (f->nent ? f->nent : 1), 1);
	idx = malloc((f->nent ? f->nent : 1) * sizeof(*idx));
	f->e = calloc(n ? n : 1, sizeof(*f->e));
	f->qv = calloc(n ? n : 1, sizeof(*f->qv));
	f->av = calloc(n ? n : 1, sizeof(*f->av));
	f->qj = calloc(n ? n : 1, sizeof(*f->qj));
	f->aj = calloc(n ? n : 1, sizeof(*f->aj));
	if (!f->e || !f->qv || !f->av || !f->qj || !f->aj || !f->ent || !f->qent || !idx) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		mw_faq_entry *d = &f->e[i];

		if (!e[i].id || !e[i].question || !e[i].answer || !*e[i].id || !*e[i].question ||
		    !*e[i].answer) {
			rc = MW_ERR_INVALID;
			goto out;
		}
		f->n = i + 1; /* from here on mw_faq_free() releases entry i */
		d->id = dup_str(e[i].id);
		d->question = dup_str(e[i].question);
		d->answer = dup_str(e[i].answer);
		d->category = dup_str(e[i].category && *e[i].category ? e[i].category : "general");
		d->question_en = e[i].question_en && *e[i].question_en ? dup_str(e[i].question_en)
								       : NULL;
		d->answer_en = e[i].answer_en && *e[i].answer_en ? dup_str(e[i].answer_en) : NULL;
		if (!d->id || !d->question || !d->answer || !d->category ||
		    (e[i].question_en && *e[i].question_en && !d->question_en) ||
		    (e[i].answer_en && *e[i].answer_en && !d->answer_en)) {
			rc = MW_ERR_NOMEM;
			goto out;
		}
		if ((rc = text_features(f, d->question, true, &m, &scratch, &buf, &f->qv[i],
					&f->qj[i])) ||
		    (rc = text_features(f, d->answer, false, &m, &scratch, &buf, &f->av[i],
					&f->aj[i])) ||
		    (rc = entry_entities(f, i, &m, &buf, idx)))
			goto out;
	}
	if ((rc = build_idf(f)))
		goto out;
	for (size_t i = 0; i < f->n; i++) {
		mw_nlp_vec_weight(&f->qv[i], idf_lookup, f);
		mw_nlp_vec_weight(&f->av[i], idf_lookup, f);
		mw_nlp_vec_weight(&f->qj[i], idf_lookup, f);
		mw_nlp_vec_weight(&f->aj[i], idf_lookup, f);
	}
	*out = f;
	f = NULL;
out:
	mw_faq_free(f);
	free(idx);
	mw_chat_msg_release(&m);
	mw_chat_msg_release(&scratch);
	mw_buf_release(&buf);
	return rc;
}

/* ---- the JSONL file ------------------------------------------------------ */

struct entries {
	mw_faq_entry *e;
	json_t **json; /* the parsed lines, which own the strings of e */
	size_t n, cap;
};

static void entries_release(struct entries *l)
{
	for (size_t i = 0; i < l->n; i++)
		json_decref(l->json[i]);
	free(l->e);
	free(l->json);
}

/* A required string member, or NULL. */
static const char *member(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Parses one non-empty line into l. A message for the caller in why. */
static int parse_line(struct entries *l, const char *line, size_t len, const char **why)
{
	static const char *const required[] = { "id", "question", "answer" };
	json_error_t jerr;
	json_t *o;
	const char *cat;

	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		*why = "not a JSON object";
		return MW_ERR_INVALID;
	}
	for (size_t k = 0; k < MW_ARRAY_LEN(required); k++) {
		const char *v = member(o, required[k]);

		if (!v || !*v) {
			json_decref(o);
			*why = k == 0 ? "\"id\" must be a non-empty string"
			       : k == 1 ? "\"question\" must be a non-empty string"
					: "\"answer\" must be a non-empty string";
			return MW_ERR_INVALID;
		}
	}
	cat = member(o, "category");
	if (json_object_get(o, "category") && !cat) {
		json_decref(o);
		*why = "\"category\" must be a string";
		return MW_ERR_INVALID;
	}
	if ((json_object_get(o, "question_en") && !json_is_null(json_object_get(o, "question_en")) &&
	     !member(o, "question_en")) ||
	    (json_object_get(o, "answer_en") && !json_is_null(json_object_get(o, "answer_en")) &&
	     !member(o, "answer_en"))) {
		json_decref(o);
		*why = "\"question_en\" and \"answer_en\" must be strings";
		return MW_ERR_INVALID;
	}
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->e[i].id, member(o, "id"))) {
			json_decref(o);
			*why = "duplicate \"id\"";
			return MW_ERR_INVALID;
		}
	if (l->n == l->cap) {
		size_t ncap = l->cap ? 2 * l->cap : 32;
		mw_faq_entry *ne = realloc(l->e, ncap * sizeof(*ne));
		json_t **nj;

		if (!ne) {
			json_decref(o);
			return MW_ERR_NOMEM;
		}
		l->e = ne;
		nj = realloc(l->json, ncap * sizeof(*nj));
		if (!nj) {
			json_decref(o);
			return MW_ERR_NOMEM;
		}
		l->json = nj;
		l->cap = ncap;
	}
	l->json[l->n] = o;
	l->e[l->n].id = member(o, "id");
	l->e[l->n].question = member(o, "question");
	l->e[l->n].answer = member(o, "answer");
	l->e[l->n].category = cat;
	l->e[l->n].question_en = member(o, "question_en");
	l->e[l->n].answer_en = member(o, "answer_en");
	l->n++;
	return MW_OK;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

int mw_faq_load_jsonl(const char *path, mw_faq **out, char *errbuf, size_t errsz)
{
	struct entries l = { NULL, NULL, 0, 0 };
	FILE *fp = NULL;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t got;
	int rc = MW_OK;

	*out = NULL;
	if (errsz)
		errbuf[0] = '\0';
	fp = fopen(path, "r");
	if (!fp) {
		snprintf(errbuf, errsz, "cannot open the FAQ file: %s", strerror(errno));
		rc = MW_ERR_IO;
		goto out;
	}
	while ((got = getline(&line, &cap, fp)) != -1) {
		const char *why = NULL;

		lineno++;
		if ((size_t)got > FAQ_LINE_MAX) {
			snprintf(errbuf, errsz, "line %zu: longer than %zu bytes", lineno,
				 FAQ_LINE_MAX);
			rc = MW_ERR_TOO_LARGE;
			goto out;
		}
		if (blank(line, (size_t)got))
			continue;
		if (l.n == FAQ_ENTRIES_MAX) {
			snprintf(errbuf, errsz, "line %zu: more than %d entries", lineno,
				 FAQ_ENTRIES_MAX);
			rc = MW_ERR_TOO_LARGE;
			goto out;
		}
		if ((rc = parse_line(&l, line, (size_t)got, &why))) {
			snprintf(errbuf, errsz, "line %zu: %s", lineno, why ? why : mw_err_str(rc));
			goto out;
		}
	}
	if (ferror(fp)) {
		snprintf(errbuf, errsz, "cannot read the FAQ file: %s", strerror(errno));
		rc = MW_ERR_IO;
		goto out;
	}
	if ((rc = mw_faq_build(l.e, l.n, out)))
		snprintf(errbuf, errsz, "cannot index the FAQ: %s", mw_err_str(rc));
out:
	if (fp)
		fclose(fp);
	free(line);
	entries_release(&l);
	return rc;
}

/* ---- search ------------------------------------------------------------- */

int mw_faq_search(const mw_faq *f, const mw_chat_msg *m, mw_chat_msg *scratch,
		  mw_nlp_vec *v, mw_nlp_vec *jv, mw_buf *buf, mw_faq_hit *hits, size_t *nhits)
{
	size_t ent[MW_CHAT_ENTITIES_MAX], nent, nh = 0;
	int rc;

	*nhits = 0;
	if (!f->n)
		return MW_OK;
	nent = mw_chat_entities_in(f->lex, m, ent, MW_CHAT_ENTITIES_MAX);
	mw_buf_reset(buf);
	if ((rc = mw_chat_content_words(f->lex, m, buf)) ||
	    (rc = mw_chat_expand_synonyms(f->lex, m, buf)) ||
	    (rc = mw_chat_msg_set(scratch, buf->ptr, buf->len)) ||
	    (rc = mw_nlp_features(&scratch->t, &tuning.feat, v)) ||
	    (rc = jamo_features(&scratch->t, jv)))
		return rc;
	mw_nlp_vec_weight(v, idf_lookup, (void *)f);
	mw_nlp_vec_weight(jv, idf_lookup, (void *)f);
	for (size_t i = 0; i < f->n; i++) {
		mw_faq_hit h;
		size_t k;
		bool names_all = true, about = false;

		/* An entry that does not name what the message names (주민등록증
		 * is not 주민등록등본) cannot answer it, however close; one whose
		 * question is about it is preferred to one that mentions it. */
		for (k = 0; k < nent && names_all; k++) {
			names_all = f->ent[i * f->nent + ent[k]];
			about = about || f->qent[i * f->nent + ent[k]];
		}
		if (!names_all)
			continue;
		h.idx = i;
		h.q_sim = (1 - tuning.jamo_share) * mw_nlp_vec_dot(v, &f->qv[i]) +
			  tuning.jamo_share * mw_nlp_vec_dot(jv, &f->qj[i]);
		h.a_sim = (1 - tuning.jamo_share) * mw_nlp_vec_dot(v, &f->av[i]) +
			  tuning.jamo_share * mw_nlp_vec_dot(jv, &f->aj[i]);
		h.score = tuning.question_share * h.q_sim + (1 - tuning.question_share) * h.a_sim;
		if (about)
			h.score *= 1 + tuning.about_bonus;
		/* insertion into the sorted top list */
		k = nh < MW_FAQ_HITS ? nh++ : MW_FAQ_HITS;
		while (k > 0 && hits[k - 1].score < h.score) {
			if (k < MW_FAQ_HITS)
				hits[k] = hits[k - 1];
			k--;
		}
		if (k < MW_FAQ_HITS)
			hits[k] = h;
	}
	*nhits = nh;
	return MW_OK;
}

/*
 * classifier.c - the routing classifier of nlp.h: category (multi-class
 * logistic regression) and urgency (binary logistic regression plus a
 * Korean danger lexicon), both learned with liblinear on the hashed
 * features of features.h.
 *
 * Training:
 *   1. Every text becomes a bag of hashed features (features.c).
 *   2. Features seen in at least min_df documents form the vocabulary;
 *      each gets an IDF. A document is (1 + ln tf) * idf, L2-normalised.
 *   3. The category model is L2-regularised logistic regression, one
 *      model per category (one-vs-rest), solved by liblinear's dual
 *      coordinate descent (L2R_LR_DUAL). Its raw decision values become
 *      probabilities through a softmax with a temperature fitted
 *      (maximum likelihood) on decision values of held-out folds of the
 *      training data, so that "0.9" means right about nine times in ten.
 *   4. The urgency model sees the same vector plus a few lexicon features
 *      (danger phrase groups, negated dangers, "right now", people at
 *      risk, calm contexts such as insurance or last year). Its threshold
 *      is the highest one that keeps the held-out recall at the target.
 *      Temperature and threshold are fitted on the office's own examples
 *      when there are enough of them (choose_calibration_set()).
 *   5. Instance weights (liblinear 2.3 has none) become replication: an
 *      example of weight w appears round(w / smallest weight) times.
 *      Lexicon phrases (urgent_unknown) train the category model only.
 *
 * Prediction does the dot products itself from float weights laid out
 * feature-major (all class weights of one feature side by side), with a
 * per-thread scratch area that only grows, so after a thread's first
 * call it neither allocates nor locks.
 *
 * Model file: little-endian binary, "MWNLPCLS", a format number, the
 * features version, the payload and an FNV-1a checksum of everything
 * before it; written to a temporary file, fsync'ed and renamed.
 */
#include "nlp.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linear.h>

#include "../base/buf.h"
#include "../base/embedded.h"
#include "../base/mw.h"
#include "features.h"

#include "../base/banned.h"

#define MODEL_MAGIC "MWNLPCLS"
#define MODEL_FORMAT 1u

#define MAX_CATS 256
#define MAX_GROUPS 64
#define MAX_PATTERN 256

#define DEFAULT_C 64.0
#define DEFAULT_C_URGENT 4.0
#define DEFAULT_URGENT_RECALL 0.90
#define DEFAULT_CALIB_FOLDS 2
#define MAX_REPLICAS 8

/* Scale of the lexicon features next to the unit-length text vector. */
#define LEX_SCALE 0.5f

/* Kinds of lexicon entries (data/nlp_urgent.tsv). */
enum lex_kind { LEX_DANGER, LEX_NEG, LEX_CALM, LEX_NOW, LEX_WHO, LEX__COUNT };

static const char *const lex_kind_names[LEX__COUNT] = { "danger", "neg", "calm", "now", "who" };

/* Derived lexicon features, after the per-group ones. */
enum { LEXF_ANY_DANGER, LEXF_NEGATED, LEXF_DANGER_NOW, LEXF_DANGER_WHO, LEXF_DANGER_CALM,
       LEXF__COUNT };

/* How far after a danger phrase a negation cue still negates it, in bytes
 * of the space-free text (about five syllables). */
#define NEG_WINDOW 15

typedef struct lex_entry {
	uint8_t kind;
	uint16_t group;
	char *pat;
	size_t len;
} lex_entry;

struct mw_classifier {
	char version[64];
	uint64_t ntrain;
	mw_nlp_featcfg cfg;

	uint32_t ncat;
	char (*cats)[MW_NLP_CODE_MAX];

	uint32_t nfeat;
	uint32_t *ids;          /* sorted feature hashes */
	float *idf;
	uint32_t *slots;        /* open addressing: id -> column + 1 */
	uint32_t *slot_ids;
	uint32_t slot_mask;

	float *w;               /* nfeat * ncat, feature-major */
	float *bias;            /* ncat */
	double temp;            /* softmax temperature */

	uint32_t ngroups;
	char (*groups)[32];
	uint32_t nlex;
	lex_entry *lex;
	uint32_t *lex_bstart;   /* LEX_BUCKETS + 1 offsets into lex_border */
	uint32_t *lex_border;   /* non-negation entries, by bucket */
	float *uw;              /* nfeat + ngroups + LEXF__COUNT */
	double ubias, utemp, uthreshold;
};

/* ---- small helpers ----------------------------------------------------- */

static inline uint32_t slot_of(uint32_t id, uint32_t mask)
{
	return (uint32_t)((id * 0x9E3779B1u) >> 7) & mask;
}

/* Column of a feature id, or -1. */
static inline int64_t col_of(const mw_classifier *m, uint32_t id)
{
	uint32_t s = slot_of(id, m->slot_mask);

	for (;;) {
		uint32_t c = m->slots[s];

		if (c == 0)
			return -1;
		if (m->slot_ids[s] == id)
			return (int64_t)c - 1;
		s = (s + 1) & m->slot_mask;
	}
}

static int build_slots(mw_classifier *m)
{
	uint32_t size = 16;

	while (size < m->nfeat * 2u + 16)
		size *= 2;
	m->slots = calloc(size, sizeof(*m->slots));
	m->slot_ids = calloc(size, sizeof(*m->slot_ids));
	if (!m->slots || !m->slot_ids)
		return MW_ERR_NOMEM;
	m->slot_mask = size - 1;
	for (uint32_t i = 0; i < m->nfeat; i++) {
		uint32_t s = slot_of(m->ids[i], m->slot_mask);

		while (m->slots[s])
			s = (s + 1) & m->slot_mask;
		m->slots[s] = i + 1;
		m->slot_ids[s] = m->ids[i];
	}
	return MW_OK;
}

static void lex_free(lex_entry *lex, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		free(lex[i].pat);
	free(lex);
}

void mw_classifier_free(mw_classifier *m)
{
	if (!m)
		return;
	free(m->cats);
	free(m->ids);
	free(m->idf);
	free(m->slots);
	free(m->slot_ids);
	free(m->w);
	free(m->bias);
	free(m->groups);
	lex_free(m->lex, m->nlex);
	free(m->lex_bstart);
	free(m->lex_border);
	free(m->uw);
	free(m);
}

const char *mw_classifier_version(const mw_classifier *m)
{
	return m->version;
}

static inline double sigmoid(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

/* ---- the danger lexicon ------------------------------------------------ */

/* Writes the text without spaces into flat (room for t->len + 1). */
static size_t flatten(const mw_nlp_text *t, char *flat)
{
	size_t n = 0;

	for (size_t i = 0; i < t->len; i++)
		if (t->s[i] != ' ')
			flat[n++] = t->s[i];
	flat[n] = '\0';
	return n;
}

static bool is_clause_end(char c)
{
	return c == '.' || c == '!' || c == '?' || c == ',' || c == ';';
}

/* Whether a negation cue follows the danger phrase that ends at end,
 * before the clause ends. */
static bool negated_after(const mw_classifier *m, const char *flat, size_t n, size_t end)
{
	size_t stop = end;

	while (stop < n && stop - end < NEG_WINDOW && !is_clause_end(flat[stop]))
		stop++;
	for (uint32_t i = 0; i < m->nlex; i++) {
		const lex_entry *e = &m->lex[i];

		if (e->kind == LEX_NEG && stop - end >= e->len &&
		    memmem(flat + end, stop - end, e->pat, e->len))
			return true;
	}
	return false;
}

/* Lexicon entries are found in one pass over the text: they are bucketed
 * by their first two bytes, so each position of the text looks at the few
 * phrases that could start there. */
#define LEX_BUCKETS 4096

static inline uint32_t lex_bucket(const char *p)
{
	uint32_t k = (uint32_t)(unsigned char)p[0] << 8 | (unsigned char)p[1];

	return (k * 2654435761u) >> 20;
}

static int lex_index(mw_classifier *m)
{
	uint32_t *count;

	m->lex_bstart = calloc(LEX_BUCKETS + 1, sizeof(*m->lex_bstart));
	m->lex_border = malloc((m->nlex + 1) * sizeof(*m->lex_border));
	count = calloc(LEX_BUCKETS, sizeof(*count));
	if (!m->lex_bstart || !m->lex_border || !count) {
		free(count);
		return MW_ERR_NOMEM;
	}
	for (uint32_t i = 0; i < m->nlex; i++)
		if (m->lex[i].kind != LEX_NEG)
			count[lex_bucket(m->lex[i].pat)]++;
	for (uint32_t b = 0; b < LEX_BUCKETS; b++)
		m->lex_bstart[b + 1] = m->lex_bstart[b] + count[b];
	memset(count, 0, LEX_BUCKETS * sizeof(*count));
	for (uint32_t i = 0; i < m->nlex; i++) {
		uint32_t b;

		if (m->lex[i].kind == LEX_NEG)
			continue;
		b = lex_bucket(m->lex[i].pat);
		m->lex_border[m->lex_bstart[b] + count[b]++] = i;
	}
	free(count);
	return MW_OK;
}

/* Fills f[ngroups + LEXF__COUNT] with the lexicon features of flat. A
 * phrase counts when one of its occurrences is not negated. */
static void lex_features(const mw_classifier *m, const char *flat, size_t n, float *f)
{
	bool kind_hit[LEX__COUNT] = { false };
	bool negated = false;

	memset(f, 0, sizeof(*f) * (m->ngroups + LEXF__COUNT));
	for (size_t pos = 0; pos + 1 < n; pos++) {
		uint32_t b;

		if (((unsigned char)flat[pos] & 0xC0) == 0x80)
			continue;
		b = lex_bucket(flat + pos);
		for (uint32_t k = m->lex_bstart[b]; k < m->lex_bstart[b + 1]; k++) {
			const lex_entry *e = &m->lex[m->lex_border[k]];

			if (e->len > n - pos || memcmp(flat + pos, e->pat, e->len))
				continue;
			if (e->kind == LEX_DANGER && negated_after(m, flat, n, pos + e->len)) {
				negated = true;
				continue;
			}
			f[e->group] = LEX_SCALE;
			kind_hit[e->kind] = true;
		}
	}
	if (kind_hit[LEX_DANGER]) {
		f[m->ngroups + LEXF_ANY_DANGER] = LEX_SCALE;
		if (kind_hit[LEX_NOW])
			f[m->ngroups + LEXF_DANGER_NOW] = LEX_SCALE;
		if (kind_hit[LEX_WHO])
			f[m->ngroups + LEXF_DANGER_WHO] = LEX_SCALE;
		if (kind_hit[LEX_CALM])
			f[m->ngroups + LEXF_DANGER_CALM] = LEX_SCALE;
	}
	if (negated)
		f[m->ngroups + LEXF_NEGATED] = LEX_SCALE;
}

static int group_index(mw_classifier *m, const char *name, size_t len, uint16_t *out)
{
	uint32_t i;

	if (len == 0 || len >= sizeof(m->groups[0]))
		return MW_ERR_INVALID;
	for (i = 0; i < m->ngroups; i++)
		if (strlen(m->groups[i]) == len && !memcmp(m->groups[i], name, len)) {
			*out = (uint16_t)i;
			return MW_OK;
		}
	if (m->ngroups >= MAX_GROUPS)
		return MW_ERR_TOO_LARGE;
	memcpy(m->groups[m->ngroups], name, len);
	m->groups[m->ngroups][len] = '\0';
	*out = (uint16_t)m->ngroups++;
	return MW_OK;
}

/* Parses the lexicon: "kind<TAB>group<TAB>phrase" lines, # comments. The
 * phrase is normalised like a complaint and its spaces removed. */
static int lex_parse(mw_classifier *m, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	size_t cap = 0;
	int rc = MW_OK;

	m->groups = calloc(MAX_GROUPS, sizeof(*m->groups));
	if (!m->groups)
		return MW_ERR_NOMEM;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *t1, *t2;
		char *norm = NULL;
		lex_entry e = { 0 };
		int kind;

		if (p == le || *p == '#')
			goto next;
		t1 = memchr(p, '\t', (size_t)(le - p));
		t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(le - t1 - 1)) : NULL;
		if (!t2)
			goto next;
		for (kind = 0; kind < LEX__COUNT; kind++)
			if (strlen(lex_kind_names[kind]) == (size_t)(t1 - p) &&
			    !memcmp(lex_kind_names[kind], p, (size_t)(t1 - p)))
				break;
		if (kind == LEX__COUNT)
			goto next;
		e.kind = (uint8_t)kind;
		if (kind != LEX_NEG && (rc = group_index(m, t1 + 1, (size_t)(t2 - t1 - 1), &e.group)))
			goto out;
		if ((rc = mw_nlp_normalize(t2 + 1, (size_t)(le - t2 - 1), &norm)))
			goto out;
		e.len = 0;
		for (char *q = norm; *q; q++)
			if (*q != ' ')
				norm[e.len++] = *q;
		norm[e.len] = '\0';
		if (e.len < 2 || e.len > MAX_PATTERN) {
			free(norm);
			goto next;
		}
		e.pat = norm;
		if (m->nlex == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			lex_entry *nl2 = realloc(m->lex, ncap * sizeof(*nl2));

			if (!nl2) {
				free(norm);
				rc = MW_ERR_NOMEM;
				goto out;
			}
			m->lex = nl2;
			cap = ncap;
		}
		m->lex[m->nlex++] = e;
next:
		p = nl ? nl + 1 : end;
	}
out:
	return rc;
}

/* ---- per-thread scratch ------------------------------------------------ */

typedef struct scratch {
	mw_nlp_text t;
	mw_nlp_vec v;
	char *flat;
	size_t flat_cap;
} scratch;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_rc;

static void scratch_free(void *p)
{
	scratch *s = p;

	if (!s)
		return;
	mw_nlp_text_release(&s->t);
	mw_nlp_vec_release(&s->v);
	free(s->flat);
	free(s);
}

static void scratch_key_init(void)
{
	scratch_key_rc = pthread_key_create(&scratch_key, scratch_free);
}

static scratch *scratch_get(void)
{
	scratch *s;

	pthread_once(&scratch_once, scratch_key_init);
	if (scratch_key_rc)
		return NULL;
	s = pthread_getspecific(scratch_key);
	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (pthread_setspecific(scratch_key, s)) {
		free(s);
		return NULL;
	}
	return s;
}

static int flat_reserve(char **flat, size_t *cap, size_t need)
{
	char *p;

	if (need <= *cap)
		return MW_OK;
	p = realloc(*flat, need);
	if (!p)
		return MW_ERR_NOMEM;
	*flat = p;
	*cap = need;
	return MW_OK;
}

/* ---- prediction -------------------------------------------------------- */

/* Maps v (hashed counts) to weighted model columns in place. */
static void to_columns(const mw_classifier *m, mw_nlp_vec *v)
{
	size_t w = 0;
	double norm = 0;

	for (size_t i = 0; i < v->n; i++) {
		int64_t c = col_of(m, v->f[i].id);
		float x;

		if (c < 0)
			continue;
		x = (1.0f + logf(v->f[i].v)) * m->idf[c];
		v->f[w].id = (uint32_t)c;
		v->f[w].v = x;
		norm += (double)x * x;
		w++;
	}
	v->n = w;
	if (norm > 0) {
		float inv = (float)(1.0 / sqrt(norm));

		for (size_t i = 0; i < w; i++)
			v->f[i].v *= inv;
	}
}

static void fill_top(const mw_classifier *m, const double *p, mw_prediction *out)
{
	int idx[MW_NLP_TOP];

	for (int k = 0; k < MW_NLP_TOP; k++)
		idx[k] = -1;
	for (uint32_t c = 0; c < m->ncat; c++) {
		for (int k = 0; k < MW_NLP_TOP; k++) {
			if (idx[k] < 0 || p[c] > p[idx[k]]) {
				for (int q = MW_NLP_TOP - 1; q > k; q--)
					idx[q] = idx[q - 1];
				idx[k] = (int)c;
				break;
			}
		}
	}
	for (int k = 0; k < MW_NLP_TOP; k++) {
		out->top[k].category[0] = '\0';
		out->top[k].p = 0;
		if (idx[k] < 0)
			continue;
		memcpy(out->top[k].category, m->cats[idx[k]], MW_NLP_CODE_MAX);
		out->top[k].p = p[idx[k]];
	}
	memcpy(out->category, out->top[0].category, MW_NLP_CODE_MAX);
	out->confidence = out->top[0].p;
}

/* Raw category decision values and the urgency score of a column vector
 * v and lexicon features lf. */
static void score(const mw_classifier *m, const mw_nlp_vec *v, const float *lf, double *dec,
		  double *udec)
{
	uint32_t k, nc = m->ncat;
	double u = m->ubias;
	float acc[MAX_CATS];

	for (k = 0; k < nc; k++)
		acc[k] = 0;
	for (size_t i = 0; i < v->n; i++) {
		uint32_t c = v->f[i].id;
		float x = v->f[i].v;
		const float *row = m->w + (size_t)c * nc;

		for (k = 0; k < nc; k++)
			acc[k] += x * row[k];
		u += (double)x * m->uw[c];
	}
	for (k = 0; k < nc; k++)
		dec[k] = (double)acc[k] + m->bias[k];
	for (uint32_t g = 0; g < m->ngroups + LEXF__COUNT; g++)
		if (lf[g] != 0)
			u += (double)lf[g] * m->uw[m->nfeat + g];
	*udec = u;
}

static void softmax(const double *dec, uint32_t n, double temp, double *p)
{
	double mx = dec[0], sum = 0;

	for (uint32_t k = 1; k < n; k++)
		if (dec[k] > mx)
			mx = dec[k];
	for (uint32_t k = 0; k < n; k++) {
		p[k] = exp((dec[k] - mx) / temp);
		sum += p[k];
	}
	for (uint32_t k = 0; k < n; k++)
		p[k] /= sum;
}

int mw_classifier_predict(const mw_classifier *m, const char *text, size_t len, mw_prediction *out)
{
	double dec[MAX_CATS], p[MAX_CATS], udec;
	float lf[MAX_GROUPS + LEXF__COUNT];
	scratch *s;
	size_t nflat;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!m || !text)
		return MW_ERR_INVALID;
	if (!(s = scratch_get()))
		return MW_ERR_NOMEM;
	if ((rc = mw_nlp_text_set(&s->t, text, len)))
		return rc;
	if (s->t.len == 0)
		return MW_ERR_INVALID;
	if ((rc = mw_nlp_features(&s->t, &m->cfg, &s->v)))
		return rc;
	to_columns(m, &s->v);
	if ((rc = flat_reserve(&s->flat, &s->flat_cap, s->t.len + 1)))
		return rc;
	nflat = flatten(&s->t, s->flat);
	lex_features(m, s->flat, nflat, lf);
	score(m, &s->v, lf, dec, &udec);
	softmax(dec, m->ncat, m->temp, p);
	fill_top(m, p, out);
	out->urgent_p = sigmoid(udec / m->utemp);
	out->urgent = out->urgent_p >= m->uthreshold;
	return MW_OK;
}

struct mw_nlp_matcher {
	mw_nlp_text t;          /* scratch, reused for every text scored */
	mw_nlp_vec query, other;
	bool ok;                /* the query was vectorised */
};

mw_nlp_matcher *mw_nlp_matcher_new(const char *text, size_t len)
{
	mw_nlp_matcher *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->ok = text && !mw_nlp_vectorize(&m->t, text, len, NULL, &m->query);
	return m;
}

double mw_nlp_matcher_score(mw_nlp_matcher *m, const char *text, size_t len)
{
	double sim;

	if (!m || !m->ok || !text || mw_nlp_vectorize(&m->t, text, len, NULL, &m->other))
		return 0;
	sim = mw_nlp_vec_dot(&m->query, &m->other);
	return sim < 0 ? 0 : sim > 1 ? 1 : sim;
}

void mw_nlp_matcher_free(mw_nlp_matcher *m)
{
	if (!m)
		return;
	mw_nlp_text_release(&m->t);
	mw_nlp_vec_release(&m->query);
	mw_nlp_vec_release(&m->other);
	free(m);
}

double mw_nlp_similarity(const char *a, size_t alen, const char *b, size_t blen)
{
	mw_nlp_matcher *m;
	double sim;

	if (!a || !b)
		return 0;
	m = mw_nlp_matcher_new(a, alen);
	sim = mw_nlp_matcher_score(m, b, blen);
	mw_nlp_matcher_free(m);
	return sim;
}

/* ---- training ---------------------------------------------------------- */

typedef struct doc {
	mw_nlp_feat *f;         /* hashed counts */
	uint32_t n;
	uint32_t cat;
	bool urgent;
	bool urgent_known;      /* the urgency label means something */
	uint32_t reps;          /* replication count (instance weight) */
	uint32_t cw;            /* weight in calibration (0: left out) */
	double weight;
	uint32_t fold;
	float *lf;              /* lexicon features */
	struct feature_node *xc, *xu; /* liblinear rows: category, urgency */
} doc;

typedef struct trainer {
	mw_classifier *m;
	doc *docs;
	size_t ndocs;
	double c, c_urgent;
	const mw_train_opts *opts;
	size_t step, steps;
} trainer;

static void silent(const char *s)
{
	MW_UNUSED(s);
}

static void progress(trainer *tr, const char *stage)
{
	tr->step++;
	if (tr->opts && tr->opts->progress)
		tr->opts->progress(tr->opts->progress_ctx, tr->step, tr->steps, stage);
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The sorted, unique category codes of the examples. */
static int collect_categories(mw_classifier *m, const mw_train_example *ex, size_t n)
{
	char (*all)[MW_NLP_CODE_MAX];
	size_t k = 0, i;

	all = calloc(n ? n : 1, sizeof(*all));
	if (!all)
		return MW_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		size_t l = ex[i].category ? strlen(ex[i].category) : 0;

		if (l == 0 || l >= MW_NLP_CODE_MAX || !ex[i].text)
			continue;
		memcpy(all[k++], ex[i].category, l + 1);
	}
	qsort(all, k, sizeof(*all), cmp_code);
	m->ncat = 0;
	for (i = 0; i < k; i++)
		if (m->ncat == 0 || strcmp(all[m->ncat - 1], all[i]))
			memmove(all[m->ncat++], all[i], MW_NLP_CODE_MAX);
	if (m->ncat > MAX_CATS) {
		free(all);
		return MW_ERR_TOO_LARGE;
	}
	m->cats = all;
	return m->ncat < 2 ? MW_ERR_INVALID : MW_OK;
}

static int cat_index(const mw_classifier *m, const char *code)
{
	char key[MW_NLP_CODE_MAX] = { 0 };
	void *hit;

	if (!code || mw_strlcpy(key, code, sizeof(key)))
		return -1;
	hit = bsearch(key, m->cats, m->ncat, sizeof(*m->cats), cmp_code);
	return hit ? (int)((char (*)[MW_NLP_CODE_MAX])hit - m->cats) : -1;
}

static size_t lex_width(const mw_classifier *m)
{
	return m->ngroups + LEXF__COUNT;
}

/* Step 1: the hashed features and lexicon features of every example. */
static int extract_docs(trainer *tr, const mw_train_example *ex, size_t n)
{
	mw_classifier *m = tr->m;
	mw_nlp_text t = MW_NLP_TEXT_INIT;
	mw_nlp_vec v = MW_NLP_VEC_INIT;
	char *flat = NULL;
	size_t flat_cap = 0;
	double wmin = 0;
	int rc = MW_OK;

	for (size_t i = 0; i < n; i++) {
		double w = ex[i].weight > 0 ? ex[i].weight : 1.0;

		if (wmin == 0 || w < wmin)
			wmin = w;
	}
	tr->docs = calloc(n ? n : 1, sizeof(*tr->docs));
	if (!tr->docs) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		doc *d = &tr->docs[tr->ndocs];
		int cat = cat_index(m, ex[i].category);
		double w = ex[i].weight > 0 ? ex[i].weight : 1.0;
		long reps;

		if (cat < 0 || !ex[i].text)
			continue;
		if (mw_nlp_text_set(&t, ex[i].text, strlen(ex[i].text)) || t.len == 0)
			continue;
		if ((rc = mw_nlp_features(&t, &m->cfg, &v)))
			goto out;
		d->f = malloc((v.n ? v.n : 1) * sizeof(*d->f));
		d->lf = calloc(lex_width(m), sizeof(*d->lf));
		if (!d->f || !d->lf || flat_reserve(&flat, &flat_cap, t.len + 1)) {
			free(d->f);
			free(d->lf);
			rc = MW_ERR_NOMEM;
			goto out;
		}
		memcpy(d->f, v.f, v.n * sizeof(*d->f));
		d->n = (uint32_t)v.n;
		lex_features(m, flat, flatten(&t, flat), d->lf);
		d->cat = (uint32_t)cat;
		d->urgent = ex[i].urgent;
		d->urgent_known = !ex[i].urgent_unknown;
		d->weight = w;
		reps = lround(w / wmin);
		d->reps = (uint32_t)(reps < 1 ? 1 : reps > MAX_REPLICAS ? MAX_REPLICAS : reps);
		tr->ndocs++;
		m->ntrain++;
	}
out:
	mw_nlp_text_release(&t);
	mw_nlp_vec_release(&v);
	free(flat);
	return rc;
}

/* Step 2: vocabulary (document frequency >= min_df) and IDF. */
static int build_vocab(trainer *tr)
{
	mw_classifier *m = tr->m;
	size_t total = 0, k = 0, i, j;
	uint32_t min_df = tr->ndocs >= 2000 ? 2 : 1;
	uint32_t *all;
	int rc = MW_OK;

	for (i = 0; i < tr->ndocs; i++)
		total += tr->docs[i].n;
	all = malloc((total ? total : 1) * sizeof(*all));
	m->ids = malloc((total ? total : 1) * sizeof(*m->ids));
	m->idf = malloc((total ? total : 1) * sizeof(*m->idf));
	if (!all || !m->ids || !m->idf) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < tr->ndocs; i++)
		for (j = 0; j < tr->docs[i].n; j++)
			all[k++] = tr->docs[i].f[j].id;
	qsort(all, total, sizeof(*all), cmp_u32);
	m->nfeat = 0;
	for (i = 0; i < total; i = j) {
		for (j = i + 1; j < total && all[j] == all[i]; j++)
			;
		if (j - i < min_df)
			continue;
		m->ids[m->nfeat] = all[i];
		m->idf[m->nfeat] = (float)(log((1.0 + (double)tr->ndocs) / (1.0 + (double)(j - i))) + 1.0);
		m->nfeat++;
	}
	rc = build_slots(m);
out:
	free(all);
	return rc;
}

/* Step 3: liblinear rows. Category rows: columns 1..nfeat, then the bias
 * at nfeat + 1. Urgency rows: the same columns, the lexicon features at
 * nfeat + 1 + g, then the bias. */
static int build_rows(trainer *tr)
{
	mw_classifier *m = tr->m;
	mw_nlp_vec v = MW_NLP_VEC_INIT;
	size_t lw = lex_width(m);
	int rc = MW_OK;

	for (size_t i = 0; i < tr->ndocs; i++) {
		doc *d = &tr->docs[i];
		size_t nl = 0, k;

		if ((rc = mw_nlp_vec_reserve(&v, d->n + 1)))
			goto out;
		memcpy(v.f, d->f, d->n * sizeof(*d->f));
		v.n = d->n;
		to_columns(m, &v);
		for (k = 0; k < lw; k++)
			nl += d->lf[k] != 0;
		d->xc = malloc((v.n + 2) * sizeof(*d->xc));
		d->xu = malloc((v.n + nl + 2) * sizeof(*d->xu));
		if (!d->xc || !d->xu) {
			rc = MW_ERR_NOMEM;
			goto out;
		}
		for (k = 0; k < v.n; k++) {
			d->xc[k].index = (int)v.f[k].id + 1;
			d->xc[k].value = v.f[k].v;
			d->xu[k] = d->xc[k];
		}
		d->xc[k].index = (int)m->nfeat + 1;
		d->xc[k].value = 1.0;
		d->xc[k + 1].index = -1;
		for (size_t g = 0; g < lw; g++) {
			if (d->lf[g] == 0)
				continue;
			d->xu[k].index = (int)(m->nfeat + 1 + g);
			d->xu[k].value = d->lf[g];
			k++;
		}
		d->xu[k].index = (int)(m->nfeat + lw + 1);
		d->xu[k].value = 1.0;
		d->xu[k + 1].index = -1;
		free(d->f);
		d->f = NULL;
	}
out:
	mw_nlp_vec_release(&v);
	return rc;
}

/* Linear weights of one trained pair of models, in the model layout. */
typedef struct weights {
	float *w, *bias, *uw;
	double ubias;
} weights;

static void weights_release(weights *w)
{
	free(w->w);
	free(w->bias);
	free(w->uw);
	memset(w, 0, sizeof(*w));
}

/* Trains both models on the documents whose fold differs from skip (all
 * of them when skip is UINT32_MAX) and fills out. */
static int train_pair(trainer *tr, uint32_t skip, weights *out)
{
	mw_classifier *m = tr->m;
	size_t lw = lex_width(m), l = 0, i, nurg = 0;
	struct problem pc = { 0 }, pu = { 0 };
	struct parameter par = { 0 };
	struct model *mc = NULL, *mu = NULL;
	int rc = MW_OK;

	out->w = calloc((size_t)m->nfeat * m->ncat + 1, sizeof(*out->w));
	out->bias = malloc(m->ncat * sizeof(*out->bias));
	out->uw = calloc(m->nfeat + lw, sizeof(*out->uw));
	for (i = 0; i < tr->ndocs; i++)
		if (tr->docs[i].fold != skip)
			l += tr->docs[i].reps;
	pc.y = malloc((l ? l : 1) * sizeof(*pc.y));
	pc.x = malloc((l ? l : 1) * sizeof(*pc.x));
	pu.y = malloc((l ? l : 1) * sizeof(*pu.y));
	pu.x = malloc((l ? l : 1) * sizeof(*pu.x));
	if (!out->w || !out->bias || !out->uw || !pc.y || !pc.x || !pu.y || !pu.x) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	for (uint32_t k = 0; k < m->ncat; k++)
		out->bias[k] = -1000.0f; /* categories absent from this fold */
	for (i = 0; i < tr->ndocs; i++) {
		const doc *d = &tr->docs[i];

		if (d->fold == skip)
			continue;
		for (uint32_t r = 0; r < d->reps; r++) {
			pc.y[pc.l] = d->cat;
			pc.x[pc.l++] = d->xc;
			if (!d->urgent_known)
				continue;
			pu.y[pu.l] = d->urgent ? 1 : -1;
			pu.x[pu.l++] = d->xu;
			nurg += d->urgent;
		}
	}
	pc.n = (int)m->nfeat + 1;
	pc.bias = 1.0;
	pu.n = (int)(m->nfeat + lw + 1);
	pu.bias = 1.0;
	/* The dual solver is about three times faster than the primal one on
	 * these sparse, high-dimensional problems and ends at the same
	 * accuracy with this tolerance. */
	par.solver_type = L2R_LR_DUAL;
	par.eps = 0.3;
	par.C = tr->c;
	if (check_parameter(&pc, &par)) {
		rc = MW_ERR_INVALID;
		goto out;
	}
	if (!(mc = train(&pc, &par))) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	for (int j = 0; j < mc->nr_class; j++) {
		uint32_t cat = (uint32_t)mc->label[j];

		if (mc->nr_class == 1) {
			out->bias[cat] = 0;
			break;
		}
		for (uint32_t f = 0; f < m->nfeat; f++)
			out->w[(size_t)f * m->ncat + cat] = (float)get_decfun_coef(mc, (int)f + 1, j);
		out->bias[cat] = (float)get_decfun_bias(mc, j);
	}
	/* Urgency: with one class only there is nothing to learn. */
	if (nurg == 0 || nurg == (size_t)pu.l) {
		out->ubias = nurg ? 10.0 : -10.0;
		goto out;
	}
	par.C = tr->c_urgent;
	if (!(mu = train(&pu, &par))) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	{
		int pos = mu->label[0] == 1 ? 0 : 1;

		for (size_t f = 0; f < m->nfeat + lw; f++)
			out->uw[f] = (float)get_decfun_coef(mu, (int)f + 1, pos);
		out->ubias = get_decfun_bias(mu, pos);
	}
out:
	if (mc)
		free_and_destroy_model(&mc);
	if (mu)
		free_and_destroy_model(&mu);
	free(pc.y);
	free(pc.x);
	free(pu.y);
	free(pu.x);
	if (rc)
		weights_release(out);
	return rc;
}

/* Decision values of one liblinear row under weights w. */
static void row_scores(const mw_classifier *m, const weights *w, const doc *d, double *dec,
		       double *udec)
{
	const struct feature_node *x;

	for (uint32_t k = 0; k < m->ncat; k++)
		dec[k] = w->bias[k];
	for (x = d->xc; x->index > 0 && (uint32_t)x->index <= m->nfeat; x++) {
		const float *row = w->w + (size_t)(x->index - 1) * m->ncat;

		for (uint32_t k = 0; k < m->ncat; k++)
			dec[k] += x->value * row[k];
	}
	*udec = w->ubias;
	for (x = d->xu; x->index > 0 && (size_t)x->index <= m->nfeat + lex_width(m); x++)
		*udec += x->value * w->uw[x->index - 1];
}

/* Weighted negative log-likelihood of the categories under temperature. */
static double nll_cat(const double *dec, const doc *docs, size_t n, uint32_t ncat, double temp)
{
	double nll = 0;

	for (size_t i = 0; i < n; i++) {
		const double *d = dec + i * ncat;
		double mx = d[0], sum = 0;

		for (uint32_t k = 1; k < ncat; k++)
			if (d[k] > mx)
				mx = d[k];
		for (uint32_t k = 0; k < ncat; k++)
			sum += exp((d[k] - mx) / temp);
		nll += docs[i].cw * (log(sum) - (d[docs[i].cat] - mx) / temp);
	}
	return nll;
}

static double nll_urgent(const double *u, const doc *docs, size_t n, double temp)
{
	double nll = 0;

	for (size_t i = 0; i < n; i++) {
		double z = (docs[i].urgent ? 1 : -1) * u[i] / temp;

		if (docs[i].urgent_known)
			nll += docs[i].cw * (z > 30 ? exp(-z) : log1p(exp(-z)));
	}
	return nll;
}

/* Golden-section search of the temperature in [0.02, 50] (log scale). */
static double fit_temperature(double (*f)(const double *, const doc *, size_t, uint32_t, double),
			      const double *vals, const doc *docs, size_t n, uint32_t ncat)
{
	const double g = 0.6180339887498949;
	double a = log(0.02), b = log(50.0);
	double x1 = b - g * (b - a), x2 = a + g * (b - a);
	double f1 = f(vals, docs, n, ncat, exp(x1)), f2 = f(vals, docs, n, ncat, exp(x2));

	for (int it = 0; it < 60; it++) {
		if (f1 < f2) {
			b = x2;
			x2 = x1;
			f2 = f1;
			x1 = b - g * (b - a);
			f1 = f(vals, docs, n, ncat, exp(x1));
		} else {
			a = x1;
			x1 = x2;
			f1 = f2;
			x2 = a + g * (b - a);
			f2 = f(vals, docs, n, ncat, exp(x2));
		}
	}
	return exp((a + b) / 2);
}

static double nll_urgent_adapter(const double *u, const doc *docs, size_t n, uint32_t ncat,
				 double temp)
{
	MW_UNUSED(ncat);
	return nll_urgent(u, docs, n, temp);
}

typedef struct scored {
	double p;
	bool urgent;
	uint32_t w;
} scored;

static int cmp_scored_desc(const void *a, const void *b)
{
	double x = ((const scored *)a)->p, y = ((const scored *)b)->p;

	return x > y ? -1 : x < y;
}

/* The highest threshold whose held-out recall reaches target, halfway to
 * the next lower score so that a slightly weaker case still passes. */
static double pick_threshold(scored *s, size_t n, double target)
{
	double pos = 0, tp = 0;
	size_t i;

	for (i = 0; i < n; i++)
		pos += s[i].urgent ? s[i].w : 0;
	if (pos == 0)
		return 0.5;
	qsort(s, n, sizeof(*s), cmp_scored_desc);
	for (i = 0; i < n; i++) {
		tp += s[i].urgent ? s[i].w : 0;
		if (tp / pos >= target && (i + 1 == n || s[i + 1].p < s[i].p))
			break;
	}
	if (i + 1 >= n)
		return s[n - 1].p;
	return (s[i].p + s[i + 1].p) / 2;
}

/* Calibration and the urgency threshold should fit the office's own
 * complaints, not the built-in corpus, whose generated texts are easier:
 * when the examples of the highest weight (the office's) are enough -
 * CALIB_MIN_DOCS of them with CALIB_MIN_URGENT urgent ones - only they
 * count; otherwise everything counts with its replication weight. */
#define CALIB_MIN_DOCS 100
#define CALIB_MIN_URGENT 10
static void choose_calibration_set(trainer *tr)
{
	double wmax = 0;
	size_t top = 0, urgent = 0, i;

	for (i = 0; i < tr->ndocs; i++)
		if (tr->docs[i].weight > wmax)
			wmax = tr->docs[i].weight;
	for (i = 0; i < tr->ndocs; i++) {
		if (tr->docs[i].weight < wmax || !tr->docs[i].urgent_known)
			continue;
		top++;
		urgent += tr->docs[i].urgent_known && tr->docs[i].urgent;
	}
	for (i = 0; i < tr->ndocs; i++) {
		doc *d = &tr->docs[i];

		/* Whole complaints only: lexicon phrases and neutral texts
		 * (urgency unknown) are not what the model will be asked. */
		if (!d->urgent_known)
			d->cw = 0;
		else if (top >= CALIB_MIN_DOCS && urgent >= CALIB_MIN_URGENT)
			d->cw = d->weight >= wmax ? 1 : 0;
		else
			d->cw = d->reps;
	}
}

/* Step 4: temperature and urgency threshold from held-out folds. */
static int calibrate(trainer *tr, uint32_t folds, double recall)
{
	mw_classifier *m = tr->m;
	double *dec = NULL, *u = NULL;
	scored *sc = NULL;
	uint32_t *per_cat = NULL;
	size_t i;
	int rc = MW_OK;

	m->temp = 1.0;
	m->utemp = 1.0;
	m->uthreshold = 0.5;
	if (folds < 2 || tr->ndocs < (size_t)folds * 4)
		return MW_OK;
	/* Stratified folds: the k-th document of each category goes to fold
	 * k mod folds, in an order fixed by a hash of its position. */
	per_cat = calloc(m->ncat, sizeof(*per_cat));
	dec = malloc(tr->ndocs * m->ncat * sizeof(*dec));
	u = malloc(tr->ndocs * sizeof(*u));
	sc = malloc(tr->ndocs * sizeof(*sc));
	if (!per_cat || !dec || !u || !sc) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < tr->ndocs; i++) {
		doc *d = &tr->docs[i];

		d->fold = (uint32_t)((per_cat[d->cat]++ + (mw_nlp_hash(&i, sizeof(i), 7) & 0xFFFF)) %
				     folds);
	}
	for (uint32_t f = 0; f < folds; f++) {
		weights w = { 0 };

		if ((rc = train_pair(tr, f, &w)))
			goto out;
		for (i = 0; i < tr->ndocs; i++)
			if (tr->docs[i].fold == f)
				row_scores(m, &w, &tr->docs[i], dec + i * m->ncat, &u[i]);
		weights_release(&w);
		progress(tr, "calibration");
	}
	choose_calibration_set(tr);
	m->temp = fit_temperature(nll_cat, dec, tr->docs, tr->ndocs, m->ncat);
	m->utemp = fit_temperature(nll_urgent_adapter, u, tr->docs, tr->ndocs, 0);
	{
		size_t k = 0;

		for (i = 0; i < tr->ndocs; i++) {
			if (!tr->docs[i].urgent_known || !tr->docs[i].cw)
				continue;
			sc[k].p = sigmoid(u[i] / m->utemp);
			sc[k].urgent = tr->docs[i].urgent;
			sc[k].w = tr->docs[i].cw;
			k++;
		}
		m->uthreshold = pick_threshold(sc, k, recall);
	}
	if (m->uthreshold < 0.02)
		m->uthreshold = 0.02;
	if (m->uthreshold > 0.9)
		m->uthreshold = 0.9;
out:
	for (i = 0; i < tr->ndocs; i++)
		tr->docs[i].fold = 0;
	free(per_cat);
	free(dec);
	free(u);
	free(sc);
	return rc;
}

static void trainer_release(trainer *tr)
{
	for (size_t i = 0; i < tr->ndocs; i++) {
		free(tr->docs[i].f);
		free(tr->docs[i].lf);
		free(tr->docs[i].xc);
		free(tr->docs[i].xu);
	}
	free(tr->docs);
}

static uint64_t payload_hash(const mw_classifier *m)
{
	uint64_t h = mw_nlp_hash(m->ids, m->nfeat * sizeof(*m->ids), 1);

	h = mw_nlp_hash(m->w, (size_t)m->nfeat * m->ncat * sizeof(*m->w), h);
	h = mw_nlp_hash(m->uw, (m->nfeat + lex_width(m)) * sizeof(*m->uw), h);
	return mw_nlp_hash(m->cats, m->ncat * sizeof(*m->cats), h);
}

static void make_version(mw_classifier *m)
{
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32] = "00000000-000000";

	if (gmtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(m->version, sizeof(m->version), "%s-%llu-%08llx", stamp,
		 (unsigned long long)m->ntrain, (unsigned long long)(payload_hash(m) & 0xFFFFFFFFu));
}

int mw_classifier_train(const mw_train_example *ex, size_t n, const mw_train_opts *opts,
			mw_classifier **out)
{
	trainer tr = { 0 };
	const struct mw_embedded *lexfile;
	uint32_t folds = DEFAULT_CALIB_FOLDS;
	double recall = DEFAULT_URGENT_RECALL;
	weights w = { 0 };
	mw_classifier *m;
	int rc;

	*out = NULL;
	if (!(m = calloc(1, sizeof(*m))))
		return MW_ERR_NOMEM;
	tr.m = m;
	tr.opts = opts;
	tr.c = opts && opts->c > 0 ? opts->c : DEFAULT_C;
	tr.c_urgent = opts && opts->c_urgent > 0 ? opts->c_urgent : DEFAULT_C_URGENT;
	if (opts && opts->urgent_recall > 0 && opts->urgent_recall <= 1)
		recall = opts->urgent_recall;
	if (opts && opts->calib_folds > 0)
		folds = (uint32_t)opts->calib_folds;
	m->cfg = mw_nlp_featcfg_default;
	set_print_string_function(silent);

	if ((rc = collect_categories(m, ex, n)))
		goto out;
	lexfile = mw_embedded_find("nlp_urgent.tsv");
	if (lexfile && (rc = lex_parse(m, lexfile->data, lexfile->len)))
		goto out;
	if ((rc = lex_index(m)))
		goto out;
	if (!m->groups && !(m->groups = calloc(1, sizeof(*m->groups)))) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	tr.steps = 3 + (folds >= 2 ? folds : 0) + 1;
	if ((rc = extract_docs(&tr, ex, n)))
		goto out;
	progress(&tr, "features");
	if ((rc = build_vocab(&tr)))
		goto out;
	if ((rc = build_rows(&tr)))
		goto out;
	progress(&tr, "vocabulary");
	{
		/* Fewer than two categories left after dropping bad texts. */
		bool seen2 = false;

		for (size_t i = 1; i < tr.ndocs && !seen2; i++)
			seen2 = tr.docs[i].cat != tr.docs[0].cat;
		if (!seen2) {
			rc = MW_ERR_INVALID;
			goto out;
		}
	}
	if ((rc = calibrate(&tr, folds, recall)))
		goto out;
	if ((rc = train_pair(&tr, UINT32_MAX, &w)))
		goto out;
	m->w = w.w;
	m->bias = w.bias;
	m->uw = w.uw;
	m->ubias = w.ubias;
	memset(&w, 0, sizeof(w));
	progress(&tr, "model");
	make_version(m);
	progress(&tr, "done");
	*out = m;
	m = NULL;
out:
	trainer_release(&tr);
	mw_classifier_free(m);
	return rc;
}

/* ---- model file -------------------------------------------------------- */

static int put(mw_buf *b, const void *p, size_t n)
{
	return mw_buf_append(b, p, n);
}

static int put_u32(mw_buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };

	return put(b, x, 4);
}

static int put_u64(mw_buf *b, uint64_t v)
{
	int rc = put_u32(b, (uint32_t)v);

	return rc ? rc : put_u32(b, (uint32_t)(v >> 32));
}

static int put_f64(mw_buf *b, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	return put_u64(b, v);
}

static int put_f32s(mw_buf *b, const float *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t v;
		int rc;

		memcpy(&v, &f[i], sizeof(v));
		if ((rc = put_u32(b, v)))
			return rc;
	}
	return MW_OK;
}

static int put_str(mw_buf *b, const char *s, size_t n)
{
	int rc = put_u32(b, (uint32_t)n);

	return rc ? rc : put(b, s, n);
}

static int serialise(const mw_classifier *m, mw_buf *b)
{
	size_t lw = lex_width(m);
	int rc = MW_OK;

#define TRY(x) do { if ((rc = (x))) goto out; } while (0)
	TRY(put(b, MODEL_MAGIC, 8));
	TRY(put_u32(b, MODEL_FORMAT));
	TRY(put_u32(b, MW_NLP_FEATURES_VERSION));
	TRY(put_str(b, m->version, strlen(m->version)));
	TRY(put_u64(b, m->ntrain));
	TRY(put_u32(b, (uint32_t)m->cfg.char_min));
	TRY(put_u32(b, (uint32_t)m->cfg.char_max));
	TRY(put_u32(b, (uint32_t)m->cfg.word_max));
	TRY(put_u32(b, m->ncat));
	for (uint32_t k = 0; k < m->ncat; k++)
		TRY(put_str(b, m->cats[k], strlen(m->cats[k])));
	TRY(put_u32(b, m->nfeat));
	for (uint32_t f = 0; f < m->nfeat; f++)
		TRY(put_u32(b, m->ids[f]));
	TRY(put_f32s(b, m->idf, m->nfeat));
	TRY(put_f32s(b, m->w, (size_t)m->nfeat * m->ncat));
	TRY(put_f32s(b, m->bias, m->ncat));
	TRY(put_f64(b, m->temp));
	TRY(put_u32(b, m->ngroups));
	for (uint32_t g = 0; g < m->ngroups; g++)
		TRY(put_str(b, m->groups[g], strlen(m->groups[g])));
	TRY(put_u32(b, m->nlex));
	for (uint32_t i = 0; i < m->nlex; i++) {
		TRY(put_u32(b, m->lex[i].kind));
		TRY(put_u32(b, m->lex[i].group));
		TRY(put_str(b, m->lex[i].pat, m->lex[i].len));
	}
	TRY(put_f32s(b, m->uw, m->nfeat + lw));
	TRY(put_f64(b, m->ubias));
	TRY(put_f64(b, m->utemp));
	TRY(put_f64(b, m->uthreshold));
	TRY(put_u64(b, mw_nlp_hash(b->ptr, b->len, 0)));
#undef TRY
out:
	return rc;
}

int mw_classifier_save(const mw_classifier *m, const char *path)
{
	mw_buf b = MW_BUF_INIT;
	char tmp[4096] = "";
	int fd = -1, rc;
	size_t off = 0;

	b.max = (size_t)1 << 31;
	if ((rc = serialise(m, &b)))
		goto out;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		rc = MW_ERR_INVALID;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = MW_ERR_IO;
		goto out;
	}
	while (off < b.len) {
		ssize_t k = write(fd, b.ptr + off, b.len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			rc = MW_ERR_IO;
			goto out;
		}
		off += (size_t)k;
	}
	if (fsync(fd) || close(fd)) {
		fd = -1;
		rc = MW_ERR_IO;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path))
		rc = MW_ERR_IO;
out:
	if (fd >= 0)
		close(fd);
	if (rc && tmp[0])
		unlink(tmp);
	mw_buf_release(&b);
	return rc;
}

typedef struct reader {
	const unsigned char *p, *end;
	bool bad;
} reader;

static uint32_t get_u32(reader *r)
{
	uint32_t v;

	if (r->end - r->p < 4) {
		r->bad = true;
		return 0;
	}
	v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
	    (uint32_t)r->p[3] << 24;
	r->p += 4;
	return v;
}

static uint64_t get_u64(reader *r)
{
	uint64_t lo = get_u32(r);

	return lo | (uint64_t)get_u32(r) << 32;
}

static double get_f64(reader *r)
{
	uint64_t v = get_u64(r);
	double d;

	memcpy(&d, &v, sizeof(d));
	return d;
}

static float *get_f32s(reader *r, size_t n)
{
	float *f;

	if ((size_t)(r->end - r->p) / 4 < n) {
		r->bad = true;
		return NULL;
	}
	if (!(f = malloc((n ? n : 1) * sizeof(*f)))) {
		r->bad = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t v = get_u32(r);

		memcpy(&f[i], &v, sizeof(v));
		if (!isfinite(f[i]))
			r->bad = true;
	}
	return f;
}

/* A length-prefixed string into dst (size cap, NUL-terminated). */
static void get_str(reader *r, char *dst, size_t cap)
{
	uint32_t n = get_u32(r);

	if (r->bad || n >= cap || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		dst[0] = '\0';
		return;
	}
	memcpy(dst, r->p, n);
	dst[n] = '\0';
	r->p += n;
}

static int parse(const unsigned char *data, size_t len, mw_classifier *m, char *err, size_t errsz)
{
	reader r = { data + 12, data + len - 8, false };
	uint32_t fv;

#define BAD(msg) do { snprintf(err, errsz, "%s", msg); return MW_ERR_INVALID; } while (0)
	if (len < 20 || memcmp(data, MODEL_MAGIC, 8))
		BAD("not a minwon classifier model");
	{
		reader h = { data + 8, data + 12, false };

		if (get_u32(&h) != MODEL_FORMAT)
			BAD("unsupported model format (retrain with this version)");
	}
	{
		reader t = { data + len - 8, data + len, false };

		if (get_u64(&t) != mw_nlp_hash(data, len - 8, 0))
			BAD("model file is corrupt (checksum mismatch)");
	}
	fv = get_u32(&r);
	if (fv != MW_NLP_FEATURES_VERSION)
		BAD("model built with other text features (retrain with this version)");
	get_str(&r, m->version, sizeof(m->version));
	m->ntrain = get_u64(&r);
	m->cfg.char_min = (int)get_u32(&r);
	m->cfg.char_max = (int)get_u32(&r);
	m->cfg.word_max = (int)get_u32(&r);
	if (m->cfg.char_min < 0 || m->cfg.char_max > 8 || m->cfg.word_max < 0 || m->cfg.word_max > 2)
		BAD("bad feature configuration");
	m->ncat = get_u32(&r);
	if (r.bad || m->ncat < 2 || m->ncat > MAX_CATS)
		BAD("bad category count");
	if (!(m->cats = calloc(m->ncat, sizeof(*m->cats))))
		return MW_ERR_NOMEM;
	for (uint32_t k = 0; k < m->ncat; k++) {
		get_str(&r, m->cats[k], sizeof(m->cats[k]));
		if (!m->cats[k][0])
			r.bad = true;
	}
	m->nfeat = get_u32(&r);
	if (r.bad || (size_t)(r.end - r.p) / 4 < m->nfeat || m->nfeat > (1u << 28))
		BAD("bad feature count");
	if (!(m->ids = malloc((m->nfeat ? m->nfeat : 1) * sizeof(*m->ids))))
		return MW_ERR_NOMEM;
	for (uint32_t f = 0; f < m->nfeat; f++) {
		m->ids[f] = get_u32(&r);
		if (f > 0 && m->ids[f] <= m->ids[f - 1])
			BAD("feature table not sorted");
	}
	m->idf = get_f32s(&r, m->nfeat);
	if (r.bad || (size_t)(r.end - r.p) / 4 / m->ncat < m->nfeat)
		BAD("truncated model");
	m->w = get_f32s(&r, (size_t)m->nfeat * m->ncat);
	m->bias = get_f32s(&r, m->ncat);
	m->temp = get_f64(&r);
	m->ngroups = get_u32(&r);
	if (r.bad || !(m->temp > 0.001 && m->temp < 1000) || m->ngroups > MAX_GROUPS)
		BAD("bad calibration");
	if (!(m->groups = calloc(m->ngroups + 1, sizeof(*m->groups))))
		return MW_ERR_NOMEM;
	for (uint32_t g = 0; g < m->ngroups; g++)
		get_str(&r, m->groups[g], sizeof(m->groups[g]));
	m->nlex = get_u32(&r);
	if (r.bad || m->nlex > 100000)
		BAD("bad lexicon");
	if (!(m->lex = calloc(m->nlex + 1, sizeof(*m->lex))))
		return MW_ERR_NOMEM;
	for (uint32_t i = 0; i < m->nlex; i++) {
		lex_entry *e = &m->lex[i];
		uint32_t kind = get_u32(&r), group = get_u32(&r);
		char pat[MAX_PATTERN + 1];

		get_str(&r, pat, sizeof(pat));
		if (r.bad || kind >= LEX__COUNT || (kind != LEX_NEG && group >= m->ngroups) ||
		    strlen(pat) < 2) {
			m->nlex = i;
			BAD("bad lexicon entry");
		}
		e->kind = (uint8_t)kind;
		e->group = (uint16_t)group;
		e->len = strlen(pat);
		if (!(e->pat = strdup(pat))) {
			m->nlex = i;
			return MW_ERR_NOMEM;
		}
	}
	m->uw = get_f32s(&r, m->nfeat + lex_width(m));
	m->ubias = get_f64(&r);
	m->utemp = get_f64(&r);
	m->uthreshold = get_f64(&r);
	if (r.bad || r.p != r.end || !(m->utemp > 0.001 && m->utemp < 1000) ||
	    !isfinite(m->ubias) || !(m->uthreshold >= 0 && m->uthreshold <= 1))
		BAD("bad urgency model");
#undef BAD
	if ((fv = (uint32_t)lex_index(m)))
		return (int)fv;
	return build_slots(m);
}

int mw_classifier_load(const char *path, mw_classifier **out, char *errbuf, size_t errsz)
{
	char dummy[8];
	unsigned char *data = NULL;
	mw_classifier *m = NULL;
	FILE *f = NULL;
	long size;
	int rc = MW_OK;

	*out = NULL;
	if (!errbuf || errsz == 0) {
		errbuf = dummy;
		errsz = sizeof(dummy);
	}
	errbuf[0] = '\0';
	if (!(f = fopen(path, "rb"))) {
		snprintf(errbuf, errsz, "cannot open model: %s", strerror(errno));
		rc = MW_ERR_IO;
		goto out;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		snprintf(errbuf, errsz, "cannot read model: %s", strerror(errno));
		rc = MW_ERR_IO;
		goto out;
	}
	if (size > (1L << 31)) {
		snprintf(errbuf, errsz, "model file too large");
		rc = MW_ERR_INVALID;
		goto out;
	}
	if (!(data = malloc((size_t)size + 1)) || !(m = calloc(1, sizeof(*m)))) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	if (fread(data, 1, (size_t)size, f) != (size_t)size) {
		snprintf(errbuf, errsz, "cannot read model: short read");
		rc = MW_ERR_IO;
		goto out;
	}
	if ((rc = parse(data, (size_t)size, m, errbuf, errsz)))
		goto out;
	*out = m;
	m = NULL;
out:
	if (f)
		fclose(f);
	free(data);
	mw_classifier_free(m);
	return rc;
}

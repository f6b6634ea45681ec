/*
 * features.h - Korean text normalisation, tokenisation and feature hashing,
 * shared by the routing classifier (classifier.c) and the chatbot (faq.c,
 * chat.c). Internal to src/nlp: the rest of the program uses nlp.h.
 *
 * The pipeline, in the order it runs:
 *
 *   1. mw_nlp_text_set() normalises: UTF-8 is decoded (invalid UTF-8 is
 *      MW_ERR_INVALID), brought to NFC and case-folded with utf8proc;
 *      full-width ASCII (Ａ１！) becomes ASCII; control characters and every
 *      kind of Unicode space become one ASCII space; runs of spaces
 *      collapse and the ends are trimmed. Numbers, phone numbers, e-mail
 *      addresses and URLs are masked to one-letter placeholders:
 *
 *        MW_NLP_MASK_NUM    'N'  12, 3.5, 30,000, 6:30     ("12길" -> "N길")
 *        MW_NLP_MASK_ADDR   'A'  lot numbers like 56-8, 123-45
 *        MW_NLP_MASK_DATE   'D'  2024.3.5, 2024-03-05, 3/5
 *        MW_NLP_MASK_PHONE  'T'  010-1234-5678, 02)123-4567, 01012345678
 *        MW_NLP_MASK_EMAIL  'E'  anything@example.com
 *        MW_NLP_MASK_URL    'U'  http://..., www....
 *
 *      Case folding runs first, so the upper-case placeholders can never be
 *      confused with letters of the text itself.
 *
 *   2. The same call splits the normalised text into word tokens: maximal
 *      runs of letters, digits and placeholders (Hangul, Latin, CJK...).
 *      Punctuation separates tokens and is dropped. For each token the
 *      "stem" is the token with common Korean particles and polite endings
 *      stripped from its end (은/는/이/가/을/를/에/에서/으로/로/의/도/만/요,
 *      입니다/습니다/해요/해주세요/주세요...), longest suffix first, never
 *      leaving less than one syllable (two for one-syllable particles, so
 *      휴가 and 차도 keep their last syllable). A token that is nothing but
 *      an ending (주세요, 합니다) has an empty stem and no word features.
 *
 *   3. mw_nlp_features() turns the text into hashed features: character
 *      n-grams over the text with every space and punctuation mark removed
 *      (so 쓰레기봉투 and 쓰레기 봉투 share all their n-grams), word stems
 *      and stem bigrams. Each kind of feature is hashed with its own seed,
 *      so a 2-gram never collides with a word by construction. The result
 *      is sorted by hash with duplicates merged into counts.
 *
 *   4. mw_nlp_vec_weight() applies sublinear TF (1 + ln tf), an optional
 *      IDF looked up by hash, and L2 normalisation.
 *
 * Hashes are stable: the same text gives the same hashes on every platform
 * and in every version that keeps MW_NLP_FEATURES_VERSION, because model
 * files store hashes (bump the version when any of the above changes).
 *
 * Memory: an mw_nlp_text and an mw_nlp_vec own growable buffers that are
 * reused from call to call; keep one per thread (they are not shared) and
 * the steady state allocates nothing. Release them with _release().
 * Nothing here keeps global mutable state; all functions are thread-safe
 * on distinct objects.
 */
#ifndef MW_NLP_FEATURES_H
#define MW_NLP_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Changes whenever normalisation, tokenisation or hashing changes. */
#define MW_NLP_FEATURES_VERSION 1

/* Longest input the normaliser accepts, in bytes; longer is
 * MW_ERR_TOO_LARGE. */
#define MW_NLP_TEXT_MAX (4u * 1024u * 1024u)

#define MW_NLP_MASK_NUM 'N'
#define MW_NLP_MASK_ADDR 'A'
#define MW_NLP_MASK_DATE 'D'
#define MW_NLP_MASK_PHONE 'T'
#define MW_NLP_MASK_EMAIL 'E'
#define MW_NLP_MASK_URL 'U'

/* One word token of a normalised text. Offsets are into mw_nlp_text.s
 * (bytes) and mw_nlp_text.cp (code points). */
typedef struct mw_nlp_token {
	size_t off, len;        /* the whole token, UTF-8 bytes */
	size_t stem_len;        /* its stem: the first stem_len bytes; 0 = none */
	size_t cp_off, cp_len;  /* the whole token, code points */
	size_t stem_cp;         /* the stem's length in code points */
	bool masked;            /* the token is a single placeholder (N, T, ...) */
} mw_nlp_token;

/* A normalised, tokenised text. Zero it (MW_NLP_TEXT_INIT) before first
 * use; every field is valid after a successful mw_nlp_text_set() until the
 * next call or mw_nlp_text_release(). */
typedef struct mw_nlp_text {
	char *s;                /* normalised UTF-8, NUL-terminated */
	size_t len;
	uint32_t *cp;           /* the same text as code points */
	size_t ncp;
	mw_nlp_token *tok;
	size_t ntok;
	/* capacities, private */
	size_t s_cap, cp_cap, tok_cap, raw_cap;
	int32_t *raw;           /* utf8proc's working buffer, private */
} mw_nlp_text;

#define MW_NLP_TEXT_INIT { 0 }

/* Normalises and tokenises text[0..len). MW_ERR_INVALID for invalid UTF-8,
 * MW_ERR_TOO_LARGE beyond MW_NLP_TEXT_MAX, MW_ERR_NOMEM. An empty result
 * (only spaces, say) is not an error here: t->len is then 0 and the caller
 * decides. On error t holds an empty text. */
int mw_nlp_text_set(mw_nlp_text *t, const char *text, size_t len);
void mw_nlp_text_release(mw_nlp_text *t);

/* Convenience for one-off uses and tests: the normalised form of text in a
 * new NUL-terminated string the caller frees with free(). */
int mw_nlp_normalize(const char *text, size_t len, char **out);

/* Length in bytes of the Korean particle or ending that tok (UTF-8, len
 * bytes) ends with and that tokenisation strips; 0 when none. Exposed for
 * tests and for the chatbot's own rules. */
size_t mw_nlp_suffix_len(const char *tok, size_t len);

/* ---- hashing ------------------------------------------------------- */

/* A stable 64-bit hash (FNV-1a with a final mix) of n bytes under seed. */
uint64_t mw_nlp_hash(const void *p, size_t n, uint64_t seed);

/* Seeds of the feature kinds: char n-grams use MW_NLP_SEED_CHAR + n. */
#define MW_NLP_SEED_CHAR 0x6368617200ULL
#define MW_NLP_SEED_WORD 0x776f726431ULL
#define MW_NLP_SEED_WORD2 0x776f726432ULL

/* One feature: a 32-bit hash (or, after mapping by a model, an index) and
 * its value. */
typedef struct mw_nlp_feat {
	uint32_t id;
	float v;
} mw_nlp_feat;

/* A sparse vector, sorted by id with unique ids after mw_nlp_features(). */
typedef struct mw_nlp_vec {
	mw_nlp_feat *f;
	size_t n, cap;
} mw_nlp_vec;

#define MW_NLP_VEC_INIT { 0 }

void mw_nlp_vec_release(mw_nlp_vec *v);
/* Makes room for at least n features; MW_ERR_NOMEM. */
int mw_nlp_vec_reserve(mw_nlp_vec *v, size_t n);

/* What mw_nlp_features() extracts. char_min..char_max: orders of the
 * character n-grams (0 disables them); word_max: 0 none, 1 stems, 2 stems
 * and stem bigrams. */
typedef struct mw_nlp_featcfg {
	int char_min, char_max;
	int word_max;
} mw_nlp_featcfg;

/* The configuration the classifier uses by default and mw_nlp_similarity()
 * always uses: character 1..4-grams, word stems and stem bigrams. */
extern const mw_nlp_featcfg mw_nlp_featcfg_default;

/* Replaces out with the hashed features of t: sorted by id, unique, v the
 * raw count. MW_ERR_NOMEM. */
int mw_nlp_features(const mw_nlp_text *t, const mw_nlp_featcfg *cfg, mw_nlp_vec *out);

/* Weights v in place: v = (1 + ln count) * idf(id) (idf NULL: 1; an idf of
 * 0 or less drops the feature), then divides by the L2 norm (an all-zero
 * vector stays empty). */
void mw_nlp_vec_weight(mw_nlp_vec *v, float (*idf)(void *ctx, uint32_t id), void *ctx);

/* Dot product of two vectors sorted by id. */
double mw_nlp_vec_dot(const mw_nlp_vec *a, const mw_nlp_vec *b);

/* Everything at once: normalise text, extract features with cfg (NULL:
 * the default) and weight them without IDF into a unit vector. t and v
 * are the caller's (per-thread) scratch. */
int mw_nlp_vectorize(mw_nlp_text *t, const char *text, size_t len, const mw_nlp_featcfg *cfg,
		     mw_nlp_vec *v);

#endif

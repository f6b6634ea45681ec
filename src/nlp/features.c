/*
 * features.c - Korean text normalisation, tokenisation and feature hashing
 * (see features.h for the pipeline and its invariants).
 *
 * Speed matters here: the classifier's budget is about 50 microseconds a
 * text, so the steady state does no allocation (every buffer lives in the
 * caller's mw_nlp_text / mw_nlp_vec and only grows), utf8proc is called
 * without its allocating wrappers, and feature ids are sorted with a small
 * inlined quicksort rather than qsort().
 */
#include "features.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "../base/mw.h"

#include "../base/banned.h"

/* Runs of one code point longer than this collapse (ㅋㅋㅋㅋㅋ, !!!!!!). */
#define MAX_REPEAT 3

const mw_nlp_featcfg mw_nlp_featcfg_default = { 1, 4, 2 };

/* ---- buffers ----------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return MW_OK;
	ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elem)
		return MW_ERR_NOMEM;
	np = realloc(*p, ncap * elem);
	if (!np)
		return MW_ERR_NOMEM;
	*p = np;
	*cap = ncap;
	return MW_OK;
}

void mw_nlp_text_release(mw_nlp_text *t)
{
	free(t->s);
	free(t->cp);
	free(t->tok);
	free(t->raw);
	memset(t, 0, sizeof(*t));
}

void mw_nlp_vec_release(mw_nlp_vec *v)
{
	free(v->f);
	memset(v, 0, sizeof(*v));
}

int mw_nlp_vec_reserve(mw_nlp_vec *v, size_t n)
{
	return grow((void **)&v->f, &v->cap, n, sizeof(*v->f));
}

/* ---- normalisation ----------------------------------------------------- */

/* Full-width ASCII and the ideographic space, before utf8proc's own
 * mappings; everything else passes through. */
static utf8proc_int32_t fold_fullwidth(utf8proc_int32_t c, void *data)
{
	MW_UNUSED(data);
	if (c >= 0xFF01 && c <= 0xFF5E)
		return c - 0xFEE0;
	if (c == 0x3000)
		return ' ';
	return c;
}

static bool is_space_cp(int32_t c)
{
	if (c == ' ' || (c >= 0x09 && c <= 0x0D))
		return true;
	if (c < 0x80)
		return c < 0x20 || c == 0x7F;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
	case UTF8PROC_CATEGORY_CF:
		return true;
	default:
		return false;
	}
}

/* Letters, marks and digits make words; punctuation and symbols do not. */
static bool is_word_cp(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	if (c >= 0xAC00 && c <= 0xD7A3)
		return true;
	switch (utf8proc_category((int32_t)c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

static bool is_digit(int32_t c)
{
	return c >= '0' && c <= '9';
}

static bool is_ascii_alnum(int32_t c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

/* Separators that may sit between the digit groups of one number. */
static bool is_num_sep(int32_t c)
{
	return c == '-' || c == '.' || c == ',' || c == ':' || c == '/' || c == ')';
}

/* Scans the number starting at r[i] (a digit) and returns its placeholder;
 * *end receives the index after it. A separator only belongs to the number
 * when a digit follows it. */
static char scan_number(const int32_t *r, size_t n, size_t i, size_t *end)
{
	size_t j = i, ndig = 0, ngroups = 1, first_len = 0;
	int seps = 0; /* bit set of separators seen */
	bool lead0 = r[i] == '0';

	while (j < n) {
		if (is_digit(r[j])) {
			ndig++;
			if (ngroups == 1)
				first_len++;
			j++;
		} else if (is_num_sep(r[j]) && j + 1 < n && is_digit(r[j + 1])) {
			switch (r[j]) {
			case '-': seps |= 1; break;
			case '.': seps |= 2; break;
			case ',': seps |= 4; break;
			case ':': seps |= 8; break;
			case '/': seps |= 16; break;
			default: seps |= 32; break;
			}
			ngroups++;
			j++;
		} else {
			break;
		}
	}
	*end = j;
	/* Phone numbers: 0x0-xxxx-xxxx, 02)xxx-xxxx, 01012345678, 1588-xxxx. */
	if ((seps & ~(1 | 2 | 32)) == 0) {
		if (lead0 && ndig >= 9 && ndig <= 11 && (ngroups >= 2 || (ndig >= 10 && r[i + 1] == '1')))
			return MW_NLP_MASK_PHONE;
		if (!lead0 && ngroups == 2 && first_len == 4 && ndig == 8 && r[i] == '1')
			return MW_NLP_MASK_PHONE;
	}
	if ((seps == 2 || seps == 1 || seps == 16) && ngroups == 3 && (first_len == 4 || first_len == 2))
		return MW_NLP_MASK_DATE;
	if (seps == 16 && ngroups == 2)
		return MW_NLP_MASK_DATE;
	if (seps == 1 && ngroups == 2)
		return MW_NLP_MASK_ADDR;
	return MW_NLP_MASK_NUM;
}

static bool starts_with_ascii(const int32_t *r, size_t n, size_t i, const char *lit)
{
	for (; *lit; lit++, i++)
		if (i >= n || r[i] != (unsigned char)*lit)
			return false;
	return true;
}

/* A URL runs from http(s):// or www. to the next space. */
static bool scan_url(const int32_t *r, size_t n, size_t i, size_t *end)
{
	size_t j;

	if (i > 0 && is_ascii_alnum(r[i - 1]))
		return false;
	if (!starts_with_ascii(r, n, i, "http://") && !starts_with_ascii(r, n, i, "https://") &&
	    !starts_with_ascii(r, n, i, "www."))
		return false;
	for (j = i; j < n && !is_space_cp(r[j]) && r[j] < 0x80; j++)
		;
	*end = j;
	return true;
}

static bool is_email_local(int32_t c)
{
	return is_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* An e-mail address starting at r[i]: local@domain.tld, ASCII only. */
static bool scan_email(const int32_t *r, size_t n, size_t i, size_t *end)
{
	size_t j = i, dots = 0, k;

	if (!is_ascii_alnum(r[i]) || (i > 0 && is_email_local(r[i - 1])))
		return false;
	while (j < n && is_email_local(r[j]))
		j++;
	if (j == i || j >= n || r[j] != '@')
		return false;
	k = ++j;
	while (j < n && (is_ascii_alnum(r[j]) || r[j] == '-' || (r[j] == '.' && j + 1 < n &&
							    is_ascii_alnum(r[j + 1])))) {
		if (r[j] == '.')
			dots++;
		j++;
	}
	if (j == k || dots == 0)
		return false;
	*end = j;
	return true;
}

/* Decodes, normalises and case-folds text into t->raw; returns the number
 * of code points or a negative MW error. */
static ssize_t decode(mw_nlp_text *t, const char *text, size_t len)
{
	const utf8proc_option_t opt = UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE |
				      UTF8PROC_LUMP | UTF8PROC_STABLE;
	utf8proc_ssize_t n;

	for (;;) {
		n = utf8proc_decompose_custom((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len,
					      t->raw, (utf8proc_ssize_t)t->raw_cap, opt,
					      fold_fullwidth, NULL);
		if (n < 0)
			return n == UTF8PROC_ERROR_NOMEM ? -MW_ERR_NOMEM : -MW_ERR_INVALID;
		if ((size_t)n <= t->raw_cap)
			break;
		if (grow((void **)&t->raw, &t->raw_cap, (size_t)n, sizeof(*t->raw)))
			return -MW_ERR_NOMEM;
	}
	if (n == 0)
		return 0;
	n = utf8proc_normalize_utf32(t->raw, n, opt);
	if (n < 0)
		return -MW_ERR_INVALID;
	return n;
}

static int push_cp(mw_nlp_text *t, uint32_t c)
{
	if (t->ncp >= t->cp_cap && grow((void **)&t->cp, &t->cp_cap, t->ncp + 1, sizeof(*t->cp)))
		return MW_ERR_NOMEM;
	t->cp[t->ncp++] = c;
	return MW_OK;
}

/* Second pass: spaces, masks and repeats, from t->raw into t->cp. */
static int clean(mw_nlp_text *t, size_t n)
{
	const int32_t *r = t->raw;
	bool space = false;
	size_t i = 0, end, run = 0;
	uint32_t last = 0;
	int rc;

	t->ncp = 0;
	while (i < n) {
		int32_t c = r[i];
		uint32_t out;

		if (is_space_cp(c)) {
			space = t->ncp > 0;
			i++;
			continue;
		}
		if ((c == 'h' || c == 'w') && scan_url(r, n, i, &end)) {
			out = MW_NLP_MASK_URL;
			i = end;
		} else if (is_ascii_alnum(c) && scan_email(r, n, i, &end)) {
			out = MW_NLP_MASK_EMAIL;
			i = end;
		} else if (is_digit(c)) {
			out = (uint32_t)scan_number(r, n, i, &end);
			i = end;
		} else {
			out = (uint32_t)c;
			i++;
		}
		if (space) {
			if ((rc = push_cp(t, ' ')))
				return rc;
			space = false;
			last = ' ';
			run = 1;
		}
		if (out == last) {
			if (++run > MAX_REPEAT)
				continue;
		} else {
			run = 1;
			last = out;
		}
		if ((rc = push_cp(t, out)))
			return rc;
	}
	return MW_OK;
}

/* UTF-8 bytes of a code point (always valid here: utf8proc produced it). */
static size_t cp_utf8_len(uint32_t c)
{
	return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

static int encode(mw_nlp_text *t)
{
	size_t need = 1, i;
	char *p;

	for (i = 0; i < t->ncp; i++)
		need += cp_utf8_len(t->cp[i]);
	if (grow((void **)&t->s, &t->s_cap, need, 1))
		return MW_ERR_NOMEM;
	p = t->s;
	for (i = 0; i < t->ncp; i++)
		p += utf8proc_encode_char((utf8proc_int32_t)t->cp[i], (utf8proc_uint8_t *)p);
	*p = '\0';
	t->len = (size_t)(p - t->s);
	return MW_OK;
}

/* ---- particles and endings --------------------------------------------- */

/* Suffixes stripped from word tokens, by the shortest stem (in syllables)
 * they may leave. One-syllable particles need a two-syllable stem, so
 * that 휴가, 인도, 소음 and 필요 stay whole; longer endings may leave one
 * syllable (집에서 -> 집). Order does not matter: the longest match wins. */
static const struct suffix {
	const char *s;
	unsigned char min_stem;
} suffixes[] = {
	/* case and topic particles */
	{ "은", 2 }, { "는", 2 }, { "이", 2 }, { "가", 2 }, { "을", 2 }, { "를", 2 },
	{ "에", 2 }, { "의", 2 }, { "도", 2 }, { "만", 2 }, { "로", 2 }, { "와", 2 },
	{ "과", 2 }, { "랑", 2 }, { "요", 2 }, { "께", 2 },
	{ "에서", 1 }, { "에게", 1 }, { "한테", 1 }, { "께서", 1 }, { "으로", 1 },
	{ "까지", 1 }, { "부터", 1 }, { "보다", 1 }, { "처럼", 1 }, { "마다", 1 },
	{ "밖에", 1 }, { "이나", 1 }, { "이랑", 1 }, { "하고", 1 }, { "이고", 1 },
	{ "에서는", 1 }, { "에서도", 1 }, { "에서의", 1 }, { "에게서", 1 }, { "에게는", 1 },
	{ "으로는", 1 }, { "으로도", 1 }, { "으로서", 1 }, { "으로써", 1 }, { "까지는", 1 },
	{ "까지도", 1 }, { "부터는", 1 }, { "이라도", 1 }, { "이라고", 1 }, { "라고", 1 },
	{ "이라서", 1 }, { "라서", 1 }, { "이라는", 1 }, { "라는", 1 }, { "에는", 1 },
	{ "에도", 1 }, { "로는", 1 }, { "로도", 1 }, { "와는", 1 }, { "과는", 1 },
	{ "이란", 1 }, { "조차", 1 }, { "마저", 1 }, { "이며", 1 }, { "이면", 1 },
	/* polite and plain endings */
	{ "해", 2 }, { "함", 2 }, { "됨", 2 }, { "임", 2 },
	{ "해요", 1 }, { "에요", 1 }, { "예요", 1 }, { "이에요", 1 }, { "이예요", 1 },
	{ "어요", 1 }, { "아요", 1 }, { "네요", 1 }, { "군요", 1 }, { "죠", 2 },
	{ "니다", 1 }, { "입니다", 1 }, { "습니다", 1 }, { "합니다", 1 }, { "됩니다", 1 },
	{ "드립니다", 1 }, { "했습니다", 1 }, { "었습니다", 1 }, { "았습니다", 1 },
	{ "했어요", 1 }, { "었어요", 1 }, { "았어요", 1 }, { "됐어요", 1 }, { "되요", 1 },
	{ "돼요", 1 }, { "해서", 1 }, { "하여", 1 }, { "해도", 1 }, { "하면", 1 },
	{ "하는", 1 }, { "하게", 1 }, { "하지", 1 }, { "했고", 1 }, { "했는데", 1 },
	{ "하는데", 1 }, { "는데", 1 }, { "인데", 1 }, { "는데요", 1 }, { "인데요", 1 },
	{ "거든요", 1 }, { "잖아요", 1 }, { "하다", 1 }, { "한다", 1 }, { "했다", 1 },
	{ "된다", 1 }, { "됐다", 1 }, { "되어", 1 }, { "되었", 1 }, { "됐는데", 1 },
	{ "세요", 1 }, { "주세요", 1 }, { "해주세요", 1 }, { "해줘요", 1 }, { "해줘", 1 },
	{ "주십시오", 1 }, { "해주십시오", 1 }, { "해주시기", 1 }, { "해달라고", 1 },
	{ "달라고", 1 }, { "달라며", 1 }, { "해달라며", 1 }, { "바랍니다", 1 },
	{ "합니까", 1 }, { "나요", 1 }, { "하나요", 1 }, { "인가요", 1 }, { "한가요", 1 },
	{ "을까요", 1 }, { "할까요", 1 }, { "는지", 1 }, { "한지", 1 }, { "인지", 1 },
	{ "하며", 1 }, { "이며", 1 }, { "하고요", 1 }, { "고요", 1 }, { "해주고", 1 },
};

/* The suffixes in an open-addressing set keyed by their bytes, built once:
 * a token then costs one probe per suffix length instead of a scan of the
 * whole table. */
#define SUFFIX_SLOTS 1024
#define SUFFIX_MAX_SYL 5
static int16_t suffix_slot[SUFFIX_SLOTS]; /* index + 1, 0 = empty */
static uint8_t suffix_bytes[MW_ARRAY_LEN(suffixes)];
static pthread_once_t suffix_once = PTHREAD_ONCE_INIT;

static uint32_t suffix_hash(const char *s, size_t n)
{
	return (uint32_t)mw_nlp_hash(s, n, 0x5f) & (SUFFIX_SLOTS - 1);
}

static void suffix_init(void)
{
	for (size_t i = 0; i < MW_ARRAY_LEN(suffixes); i++) {
		size_t n = strlen(suffixes[i].s);
		uint32_t h = suffix_hash(suffixes[i].s, n);

		MW_ASSERT(n % 3 == 0 && n / 3 <= SUFFIX_MAX_SYL);
		suffix_bytes[i] = (uint8_t)n;
		while (suffix_slot[h]) {
			/* a duplicate row keeps the first one */
			if (suffix_bytes[suffix_slot[h] - 1] == n &&
			    !memcmp(suffixes[suffix_slot[h] - 1].s, suffixes[i].s, n))
				break;
			h = (h + 1) & (SUFFIX_SLOTS - 1);
		}
		if (!suffix_slot[h])
			suffix_slot[h] = (int16_t)(i + 1);
	}
}

/* The suffix table row equal to s[0..n), or -1. */
static int suffix_find(const char *s, size_t n)
{
	uint32_t h = suffix_hash(s, n);

	while (suffix_slot[h]) {
		int i = suffix_slot[h] - 1;

		if (suffix_bytes[i] == n && !memcmp(suffixes[i].s, s, n))
			return i;
		h = (h + 1) & (SUFFIX_SLOTS - 1);
	}
	return -1;
}

/* UTF-8 length of the longest stripped suffix of tok, honouring the
 * minimum stem lengths (stems counted in code points). */
static size_t suffix_len_cp(const char *tok, size_t len, size_t ncp)
{
	pthread_once(&suffix_once, suffix_init);
	for (size_t syl = SUFFIX_MAX_SYL; syl >= 1; syl--) {
		size_t sl = 3 * syl;
		int i;

		if (sl > len)
			continue;
		i = suffix_find(tok + len - sl, sl);
		if (i >= 0 && syl + suffixes[i].min_stem <= ncp)
			return sl;
	}
	return 0;
}

static size_t count_cp(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

size_t mw_nlp_suffix_len(const char *tok, size_t len)
{
	return suffix_len_cp(tok, len, count_cp(tok, len));
}

/* A whole token that is only an ending (주세요, 합니다) keeps no stem. */
static bool is_bare_ending(const char *tok, size_t len)
{
	int i;

	if (len % 3 || len / 3 > SUFFIX_MAX_SYL)
		return false;
	pthread_once(&suffix_once, suffix_init);
	i = suffix_find(tok, len);
	return i >= 0 && suffixes[i].min_stem == 1;
}

static int tokenize(mw_nlp_text *t)
{
	size_t i = 0, off = 0;

	t->ntok = 0;
	while (i < t->ncp) {
		size_t start = i, start_off = off, nb;
		mw_nlp_token *k;

		if (!is_word_cp(t->cp[i])) {
			off += cp_utf8_len(t->cp[i]);
			i++;
			continue;
		}
		while (i < t->ncp && is_word_cp(t->cp[i])) {
			off += cp_utf8_len(t->cp[i]);
			i++;
		}
		if (grow((void **)&t->tok, &t->tok_cap, t->ntok + 1, sizeof(*t->tok)))
			return MW_ERR_NOMEM;
		k = &t->tok[t->ntok++];
		k->off = start_off;
		k->len = off - start_off;
		k->cp_off = start;
		k->cp_len = i - start;
		k->masked = k->cp_len == 1 && t->cp[start] >= 'A' && t->cp[start] <= 'Z';
		if (is_bare_ending(t->s + k->off, k->len)) {
			k->stem_len = 0;
			k->stem_cp = 0;
			continue;
		}
		nb = suffix_len_cp(t->s + k->off, k->len, k->cp_len);
		k->stem_len = k->len - nb;
		k->stem_cp = k->cp_len - nb / 3;
	}
	return MW_OK;
}

int mw_nlp_text_set(mw_nlp_text *t, const char *text, size_t len)
{
	ssize_t n;
	int rc = MW_OK;

	t->len = t->ncp = t->ntok = 0;
	if (len > MW_NLP_TEXT_MAX) {
		rc = MW_ERR_TOO_LARGE;
		goto out;
	}
	n = decode(t, text, len);
	if (n < 0) {
		rc = (int)-n;
		goto out;
	}
	if ((rc = clean(t, (size_t)n)))
		goto out;
	if ((rc = encode(t)))
		goto out;
	rc = tokenize(t);
out:
	if (rc) {
		t->len = t->ncp = t->ntok = 0;
		if (t->s)
			t->s[0] = '\0';
	}
	return rc;
}

int mw_nlp_normalize(const char *text, size_t len, char **out)
{
	mw_nlp_text t = MW_NLP_TEXT_INIT;
	int rc;

	*out = NULL;
	if ((rc = mw_nlp_text_set(&t, text, len)))
		goto out;
	if (!t.s && grow((void **)&t.s, &t.s_cap, 1, 1)) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	if (t.len == 0)
		t.s[0] = '\0';
	*out = t.s;
	t.s = NULL;
out:
	mw_nlp_text_release(&t);
	return rc;
}

/* ---- hashing ----------------------------------------------------------- */

static inline uint64_t fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

uint64_t mw_nlp_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ fmix64(seed);

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return fmix64(h);
}

/* Code point sequences hash through the same FNV-1a as their UTF-32LE
 * bytes would, without building the bytes. */
static inline uint64_t hash_cps(const uint32_t *c, size_t n, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ fmix64(seed);

	for (size_t i = 0; i < n; i++) {
		uint32_t x = c[i];

		for (int k = 0; k < 4; k++) {
			h ^= (x >> (8 * k)) & 0xFF;
			h *= 0x100000001b3ULL;
		}
	}
	return fmix64(h);
}

/* ---- features ---------------------------------------------------------- */

static void sort_ids(mw_nlp_feat *a, size_t n)
{
	while (n > 16) {
		uint32_t pivot;
		size_t i = 0, j = n - 1;

		/* median of three */
		uint32_t x = a[0].id, y = a[n / 2].id, z = a[n - 1].id;
		pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
		for (;;) {
			while (a[i].id < pivot)
				i++;
			while (a[j].id > pivot)
				j--;
			if (i >= j)
				break;
			mw_nlp_feat tmp = a[i];
			a[i] = a[j];
			a[j] = tmp;
			i++;
			j--;
		}
		/* recurse into the smaller half, loop on the larger */
		if (j + 1 < n - j - 1) {
			sort_ids(a, j + 1);
			a += j + 1;
			n -= j + 1;
		} else {
			sort_ids(a + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		mw_nlp_feat v = a[i];
		size_t k = i;

		while (k > 0 && a[k - 1].id > v.id) {
			a[k] = a[k - 1];
			k--;
		}
		a[k] = v;
	}
}

static inline void add_feat(mw_nlp_vec *v, uint64_t h)
{
	v->f[v->n].id = (uint32_t)h;
	v->f[v->n].v = 1.0f;
	v->n++;
}

int mw_nlp_features(const mw_nlp_text *t, const mw_nlp_featcfg *cfg, mw_nlp_vec *out)
{
	size_t need = 0, nflat = 0, i, j, w;
	int cmin = cfg->char_min > 0 ? cfg->char_min : 1;
	int cmax = cfg->char_max > 8 ? 8 : cfg->char_max;
	uint32_t ring[8];
	uint64_t prev_stem = 0;
	bool have_prev = false;
	int rc;

	out->n = 0;
	for (i = 0; i < t->ntok; i++)
		nflat += t->tok[i].cp_len;
	if (cmax >= cmin)
		need += nflat * (size_t)(cmax - cmin + 1);
	need += 2 * t->ntok;
	if ((rc = mw_nlp_vec_reserve(out, need + 1)))
		return rc;

	/* Character n-grams over the words with everything between them
	 * removed: the window slides across word boundaries. */
	if (cmax >= cmin) {
		size_t pos = 0;

		for (i = 0; i < t->ntok; i++) {
			const mw_nlp_token *k = &t->tok[i];

			for (j = 0; j < k->cp_len; j++, pos++) {
				ring[pos & 7] = t->cp[k->cp_off + j];
				for (int n = cmin; n <= cmax && (size_t)n <= pos + 1; n++) {
					uint32_t g[8];

					for (int q = 0; q < n; q++)
						g[q] = ring[(pos + 1 - (size_t)n + (size_t)q) & 7];
					add_feat(out, hash_cps(g, (size_t)n, MW_NLP_SEED_CHAR + (uint64_t)n));
				}
			}
		}
	}

	/* Word stems and stem bigrams. */
	if (cfg->word_max >= 1) {
		for (i = 0; i < t->ntok; i++) {
			const mw_nlp_token *k = &t->tok[i];
			uint64_t h;

			if (k->stem_len == 0) {
				have_prev = false;
				continue;
			}
			h = mw_nlp_hash(t->s + k->off, k->stem_len, MW_NLP_SEED_WORD);
			add_feat(out, h);
			if (cfg->word_max >= 2 && have_prev) {
				uint64_t pair[2] = { prev_stem, h };

				add_feat(out, mw_nlp_hash(pair, sizeof(pair), MW_NLP_SEED_WORD2));
			}
			prev_stem = h;
			have_prev = true;
		}
	}

	/* Sort and merge duplicates into counts. */
	sort_ids(out->f, out->n);
	for (i = 0, w = 0; i < out->n; i++) {
		if (w > 0 && out->f[w - 1].id == out->f[i].id)
			out->f[w - 1].v += 1.0f;
		else
			out->f[w++] = out->f[i];
	}
	out->n = w;
	return MW_OK;
}

void mw_nlp_vec_weight(mw_nlp_vec *v, float (*idf)(void *ctx, uint32_t id), void *ctx)
{
	double norm = 0;
	size_t i, w = 0;

	for (i = 0; i < v->n; i++) {
		float x = 1.0f + logf(v->f[i].v);

		if (idf) {
			float d = idf(ctx, v->f[i].id);

			if (d <= 0)
				continue;
			x *= d;
		}
		v->f[w].id = v->f[i].id;
		v->f[w].v = x;
		norm += (double)x * x;
		w++;
	}
	v->n = w;
	if (norm <= 0) {
		v->n = 0;
		return;
	}
	norm = 1.0 / sqrt(norm);
	for (i = 0; i < v->n; i++)
		v->f[i].v = (float)(v->f[i].v * norm);
}

double mw_nlp_vec_dot(const mw_nlp_vec *a, const mw_nlp_vec *b)
{
	size_t i = 0, j = 0;
	double s = 0;

	while (i < a->n && j < b->n) {
		if (a->f[i].id < b->f[j].id) {
			i++;
		} else if (a->f[i].id > b->f[j].id) {
			j++;
		} else {
			s += (double)a->f[i].v * b->f[j].v;
			i++;
			j++;
		}
	}
	return s;
}

int mw_nlp_vectorize(mw_nlp_text *t, const char *text, size_t len, const mw_nlp_featcfg *cfg,
		     mw_nlp_vec *v)
{
	int rc;

	v->n = 0;
	if ((rc = mw_nlp_text_set(t, text, len)))
		return rc;
	if ((rc = mw_nlp_features(t, cfg ? cfg : &mw_nlp_featcfg_default, v)))
		return rc;
	mw_nlp_vec_weight(v, NULL, NULL);
	return MW_OK;
}

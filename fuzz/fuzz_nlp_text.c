/*
 * fuzz_nlp_text.c - the classifier's Korean text pipeline (src/nlp/
 * features.h) on arbitrary bytes: mw_nlp_text_set, mw_nlp_features with
 * the default configuration, mw_nlp_vec_weight and mw_nlp_similarity.
 *
 * The whole input is the text. Invariants checked:
 *   - MW_ERR_INVALID exactly when the input is not valid UTF-8; otherwise
 *     MW_OK (inputs stay below MW_NLP_TEXT_MAX);
 *   - the normalised text is valid UTF-8, len == strlen, cp has ncp code
 *     points that encode to s; no control character, no space at either
 *     end, never two spaces in a row, never more than three equal code
 *     points in a row;
 *   - every token lies inside the text, its stem is a prefix of it, and
 *     tokens do not overlap;
 *   - features are sorted by id, unique, with counts >= 1; after
 *     weighting the vector has unit length (or is empty);
 *   - the same text twice gives the same features, and its similarity
 *     with itself is 1 when it has any.
 */
#include "fuzz.h"
#include "base/mw.h"
#include "nlp/features.h"
#include "nlp/nlp.h"
#include "core/text.h"

#include <math.h>
#include <string.h>
#include <utf8proc.h>

#include "base/banned.h"

static void check_text(const mw_nlp_text *t)
{
	char e[256];
	size_t bytes = 0, run = 0, prev_end = 0;

	FUZZ_CHECK(t->len == strlen(t->s), "len %zu", t->len);
	FUZZ_CHECK(mw_text_valid_utf8(t->s, t->len), "invalid UTF-8 \"%s\"",
		   fuzz_esc(t->s, t->len, e, sizeof(e)));
	for (size_t i = 0; i < t->ncp; i++) {
		uint32_t c = t->cp[i];
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)c, enc);

		FUZZ_CHECK(c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0), "control U+%04x", c);
		FUZZ_CHECK(bytes + (size_t)k <= t->len && !memcmp(t->s + bytes, enc, (size_t)k),
			   "cp %zu does not match s", i);
		bytes += (size_t)k;
		run = i > 0 && t->cp[i - 1] == c ? run + 1 : 1;
		FUZZ_CHECK(run <= 3, "%zu equal code points in \"%s\"", run,
			   fuzz_esc(t->s, t->len, e, sizeof(e)));
		FUZZ_CHECK(!(c == ' ' && (i == 0 || i + 1 == t->ncp || t->cp[i - 1] == ' ')),
			   "bad space in \"%s\"", fuzz_esc(t->s, t->len, e, sizeof(e)));
	}
	FUZZ_CHECK(bytes == t->len, "cp encode to %zu bytes, s has %zu", bytes, t->len);
	for (size_t i = 0; i < t->ntok; i++) {
		const mw_nlp_token *k = &t->tok[i];

		FUZZ_CHECK(k->len > 0 && k->off + k->len <= t->len && k->off >= prev_end,
			   "token %zu at %zu+%zu", i, k->off, k->len);
		FUZZ_CHECK(k->cp_len > 0 && k->cp_off + k->cp_len <= t->ncp, "token %zu cps", i);
		FUZZ_CHECK(k->stem_len <= k->len && k->stem_cp <= k->cp_len, "token %zu stem", i);
		prev_end = k->off + k->len;
	}
}

static void check_vec(const mw_nlp_vec *v, bool weighted)
{
	double n2 = 0;

	for (size_t i = 0; i < v->n; i++) {
		FUZZ_CHECK(i == 0 || v->f[i - 1].id < v->f[i].id, "ids not sorted at %zu", i);
		FUZZ_CHECK(weighted ? v->f[i].v > 0 : v->f[i].v >= 1, "value %g", (double)v->f[i].v);
		n2 += (double)v->f[i].v * v->f[i].v;
	}
	if (weighted && v->n)
		FUZZ_CHECK(fabs(n2 - 1) < 1e-3, "norm^2 %g", n2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mw_nlp_text t = MW_NLP_TEXT_INIT;
	mw_nlp_vec a = MW_NLP_VEC_INIT, b = MW_NLP_VEC_INIT;
	bool valid = mw_text_valid_utf8((const char *)data, size);
	int rc;

	if (size > 65536)
		return 0;
	rc = mw_nlp_text_set(&t, (const char *)data, size);
	FUZZ_CHECK(rc == (valid ? MW_OK : MW_ERR_INVALID), "rc %d for valid=%d", rc, valid);
	if (rc)
		goto out;
	check_text(&t);
	FUZZ_CHECK(mw_nlp_features(&t, &mw_nlp_featcfg_default, &a) == MW_OK, "features");
	check_vec(&a, false);
	FUZZ_CHECK(mw_nlp_features(&t, &mw_nlp_featcfg_default, &b) == MW_OK, "features 2");
	FUZZ_CHECK(a.n == b.n && (a.n == 0 || !memcmp(a.f, b.f, a.n * sizeof(*a.f))),
		   "features differ between runs");
	mw_nlp_vec_weight(&a, NULL, NULL);
	check_vec(&a, true);
	if (a.n) {
		double s = mw_nlp_similarity((const char *)data, size, (const char *)data, size);

		FUZZ_CHECK(s > 0.999 && s <= 1.0, "self-similarity %g", s);
	}
out:
	mw_nlp_text_release(&t);
	mw_nlp_vec_release(&a);
	mw_nlp_vec_release(&b);
	return 0;
}

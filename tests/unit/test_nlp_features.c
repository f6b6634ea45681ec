/*
 * test_nlp_features.c - Korean text normalisation, tokenisation and
 * feature hashing (src/nlp/features.c): NFC and case folding, masking of
 * numbers, phone numbers, addresses, dates, e-mail and URLs, particle
 * stripping, spacing-invariant character n-grams, stable hashes, and the
 * similarity built on them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/mw.h"
#include "nlp/features.h"
#include "nlp/nlp.h"

#include "base/banned.h"

static char *norm(const char *s)
{
	char *out = NULL;

	assert_int_equal(mw_nlp_normalize(s, strlen(s), &out), MW_OK);
	assert_non_null(out);
	return out;
}

static void check_norm(const char *in, const char *want)
{
	char *got = norm(in);

	assert_string_equal(got, want);
	free(got);
}

static void test_whitespace_and_case(void **state)
{
	(void)state;
	check_norm("  Hello\t\tWORLD \n", "hello world");
	check_norm("가로등이\u00a0\u3000꺼졌어요", "가로등이 꺼졌어요");
	check_norm("", "");
	check_norm(" \t\r\n ", "");
	/* full-width ASCII becomes ASCII (and then folds) */
	check_norm("ＡＢＣ！", "abc!");
	/* zero-width characters vanish, control characters are spaces */
	check_norm("쓰레기\u200b봉투\x01수거", "쓰레기봉투 수거");
}

static void test_repeats_collapse(void **state)
{
	(void)state;
	check_norm("빨리요!!!!!!!ㅠㅠㅠㅠㅠㅠ", "빨리요!!!ㅠㅠㅠ");
}

static void test_masks(void **state)
{
	(void)state;
	check_norm("010-1234-5678로 연락", "T로 연락");
	check_norm("01012345678", "T");
	check_norm("02)123-4567", "T");
	check_norm("1588-1234", "T");
	check_norm("매봉로 12길 3", "매봉로 N길 N");
	check_norm("56-8번지", "A번지");
	check_norm("2024.3.5 오후 6:30", "D 오후 N");
	check_norm("30,000원", "N원");
	check_norm("3/5에", "D에");
	check_norm("메일은 kim.sj+1@example.com 입니다", "메일은 E 입니다");
	check_norm("https://example.org/a?b=1 참고", "U 참고");
	check_norm("www.example.org", "U");
	check_norm("１２３층", "N층");
	/* a separator is only part of a number when a digit follows */
	check_norm("3-", "N-");
}

static void test_nfc_nfd_equivalence(void **state)
{
	/* 한글 as conjoining jamo (NFD) and as syllables (NFC) */
	const char *nfd = "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\xe1\x84\x80\xe1\x85\xb3\xe1\x86\xaf";
	const char *nfc = "한글";
	mw_nlp_text t = MW_NLP_TEXT_INIT;
	mw_nlp_vec a = MW_NLP_VEC_INIT, b = MW_NLP_VEC_INIT;
	char *x = norm(nfd), *y = norm(nfc);

	(void)state;
	assert_string_equal(x, y);
	assert_int_equal(mw_nlp_vectorize(&t, nfd, strlen(nfd), NULL, &a), MW_OK);
	assert_int_equal(mw_nlp_vectorize(&t, nfc, strlen(nfc), NULL, &b), MW_OK);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_int_equal(a.f[i].id, b.f[i].id);
		assert_true(a.f[i].v == b.f[i].v);
	}
	free(x);
	free(y);
	mw_nlp_vec_release(&a);
	mw_nlp_vec_release(&b);
	mw_nlp_text_release(&t);
}

static void test_invalid_and_too_large(void **state)
{
	mw_nlp_text t = MW_NLP_TEXT_INIT;
	char *big;

	(void)state;
	assert_int_equal(mw_nlp_text_set(&t, "ab\xff", 3), MW_ERR_INVALID);
	assert_int_equal(t.len, 0);
	assert_int_equal(mw_nlp_text_set(&t, "\xed\xa0\x80", 3), MW_ERR_INVALID); /* surrogate */
	assert_int_equal(mw_nlp_text_set(&t, "\xe1\x84", 2), MW_ERR_INVALID);     /* truncated */
	big = malloc(MW_NLP_TEXT_MAX + 1);
	assert_non_null(big);
	memset(big, 'a', MW_NLP_TEXT_MAX + 1);
	assert_int_equal(mw_nlp_text_set(&t, big, MW_NLP_TEXT_MAX + 1), MW_ERR_TOO_LARGE);
	free(big);
	/* the same object works again after errors */
	assert_int_equal(mw_nlp_text_set(&t, "가로등", strlen("가로등")), MW_OK);
	assert_string_equal(t.s, "가로등");
	mw_nlp_text_release(&t);
}

/* The stems of text, joined by '|'. */
static void stems(const char *text, char *out, size_t cap)
{
	mw_nlp_text t = MW_NLP_TEXT_INIT;
	size_t n = 0;

	assert_int_equal(mw_nlp_text_set(&t, text, strlen(text)), MW_OK);
	out[0] = '\0';
	for (size_t i = 0; i < t.ntok; i++) {
		int w = snprintf(out + n, cap - n, "%s%.*s", i ? "|" : "", (int)t.tok[i].stem_len,
				 t.s + t.tok[i].off);

		assert_true(w >= 0 && (size_t)w < cap - n);
		n += (size_t)w;
	}
	mw_nlp_text_release(&t);
}

static void test_particle_stripping(void **state)
{
	char buf[512];

	(void)state;
	stems("쓰레기봉투가 집에서 도로로 날아와요", buf, sizeof(buf));
	assert_string_equal(buf, "쓰레기봉투|집|도로|날아와");
	stems("가로등을 빨리 처리해주세요", buf, sizeof(buf));
	assert_string_equal(buf, "가로등|빨리|처리");
	/* one-syllable particles need a two-syllable stem */
	stems("휴가 인도 소음 필요", buf, sizeof(buf));
	assert_string_equal(buf, "휴가|인도|소음|필요");
	/* a token that is only an ending has no stem */
	stems("치워 주세요 감사합니다", buf, sizeof(buf));
	assert_string_equal(buf, "치워||감사");
	stems("민원인 전화로 요청함.", buf, sizeof(buf));
	assert_string_equal(buf, "민원인|전화|요청");
	/* punctuation separates tokens; English is left alone */
	stems("Street-light's OUT!", buf, sizeof(buf));
	assert_string_equal(buf, "street|light|s|out");
	assert_int_equal(mw_nlp_suffix_len("공원에서는", strlen("공원에서는")), strlen("에서는"));
	assert_int_equal(mw_nlp_suffix_len("공원", strlen("공원")), 0);
}

static void features_of(const char *text, const mw_nlp_featcfg *cfg, mw_nlp_vec *v)
{
	mw_nlp_text t = MW_NLP_TEXT_INIT;

	assert_int_equal(mw_nlp_text_set(&t, text, strlen(text)), MW_OK);
	assert_int_equal(mw_nlp_features(&t, cfg, v), MW_OK);
	mw_nlp_text_release(&t);
}

static void test_spacing_invariant_ngrams(void **state)
{
	const mw_nlp_featcfg chars = { 1, 4, 0 };
	mw_nlp_vec a = MW_NLP_VEC_INIT, b = MW_NLP_VEC_INIT;

	(void)state;
	features_of("쓰레기봉투 수거", &chars, &a);
	features_of("쓰레기 봉투수거.", &chars, &b);
	assert_true(a.n > 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_int_equal(a.f[i].id, b.f[i].id);
		assert_true(a.f[i].v == b.f[i].v);
	}
	/* sorted, unique ids with counts */
	for (size_t i = 1; i < a.n; i++)
		assert_true(a.f[i - 1].id < a.f[i].id);
	mw_nlp_vec_release(&a);
	mw_nlp_vec_release(&b);
}

static void test_word_features_differ_from_chars(void **state)
{
	const mw_nlp_featcfg words = { 0, 0, 2 };
	mw_nlp_vec v = MW_NLP_VEC_INIT;

	(void)state;
	/* three stems and two bigrams; the ending-only token breaks no chain
	 * here because it comes last */
	features_of("가로등이 고장 났어요 주세요", &words, &v);
	assert_int_equal(v.n, 5);
	mw_nlp_vec_release(&v);
}

static void test_hash_stability(void **state)
{
	(void)state;
	/* Model files store these hashes: they must never change without a
	 * new MW_NLP_FEATURES_VERSION. */
	assert_true(mw_nlp_hash("", 0, 0) == mw_nlp_hash("", 0, 0));
	assert_true(mw_nlp_hash("abc", 3, 1) != mw_nlp_hash("abc", 3, 2));
	assert_true(mw_nlp_hash("가로등", strlen("가로등"), MW_NLP_SEED_WORD) ==
		    UINT64_C(0x846b4cdb8e9fdff3));
	assert_true(mw_nlp_hash("abc", 3, 0) == UINT64_C(0x33ebaf9927cbc5bd));
}

static void test_weighting(void **state)
{
	mw_nlp_text t = MW_NLP_TEXT_INIT;
	mw_nlp_vec v = MW_NLP_VEC_INIT;
	double norm2 = 0;

	(void)state;
	assert_int_equal(mw_nlp_vectorize(&t, "소음 소음 소음 공사장", strlen("소음 소음 소음 공사장"),
					  NULL, &v), MW_OK);
	for (size_t i = 0; i < v.n; i++)
		norm2 += (double)v.f[i].v * v.f[i].v;
	assert_true(norm2 > 0.999 && norm2 < 1.001);
	assert_true(mw_nlp_vec_dot(&v, &v) > 0.999);
	/* text without words: an empty vector, not an error */
	assert_int_equal(mw_nlp_vectorize(&t, "!!! ...", 7, NULL, &v), MW_OK);
	assert_int_equal(v.n, 0);
	mw_nlp_vec_release(&v);
	mw_nlp_text_release(&t);
}

static void test_similarity(void **state)
{
	const char *a = "가로등이 꺼져서 골목이 어두워요";
	const char *b = "가로등이꺼져서 골목이 어두워요!!";
	const char *c = "재산세 고지서가 두 번 나왔어요";

	(void)state;
	assert_true(mw_nlp_similarity(a, strlen(a), a, strlen(a)) > 0.999);
	assert_true(mw_nlp_similarity(a, strlen(a), b, strlen(b)) > 0.8);
	assert_true(mw_nlp_similarity(a, strlen(a), c, strlen(c)) < 0.2);
	assert_true(mw_nlp_similarity(a, strlen(a), "\xff", 1) == 0);
	assert_true(mw_nlp_similarity(a, strlen(a), "", 0) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whitespace_and_case),
		cmocka_unit_test(test_repeats_collapse),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_nfc_nfd_equivalence),
		cmocka_unit_test(test_invalid_and_too_large),
		cmocka_unit_test(test_particle_stripping),
		cmocka_unit_test(test_spacing_invariant_ngrams),
		cmocka_unit_test(test_word_features_differ_from_chars),
		cmocka_unit_test(test_hash_stability),
		cmocka_unit_test(test_weighting),
		cmocka_unit_test(test_similarity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_text.c - citizen text normalisation (src/core/text.c): UTF-8
 * validation, NFC, control characters, line breaks, trimming, limits.
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
#include "core/text.h"

#include "base/banned.h"

/* Normalises the first len bytes of in (a heap copy of exactly len
 * bytes, so ASan sees any read past the end). */
static int norm_n(const char *in, size_t len, size_t max, int multiline, char **out,
		  const char **why)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, in, len);
	rc = mw_text_normalize(copy, len, max, multiline, out, why);
	free(copy);
	return rc;
}

/* Escapes s for a failure message: bytes outside printable ASCII as \xNN. */
static const char *esc(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; *s && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f)
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
	}
	buf[n] = '\0';
	return buf;
}

static void expect_ok(const char *in, size_t len, size_t max, int multiline, const char *want)
{
	char *out = (char *)0x1;
	const char *why = "unset";
	int rc = norm_n(in, len, max, multiline, &out, &why);
	char e1[256], e2[256], e3[256];
	bool same;

	if (rc != MW_OK)
		fail_msg("normalize(\"%s\") = %s (%s), want ok", esc(in, e1, sizeof(e1)),
			 mw_err_code(rc), why ? why : "-");
	assert_non_null(out);
	same = !strcmp(out, want);
	esc(out, e2, sizeof(e2));
	free(out);
	if (!same)
		fail_msg("normalize(\"%s\", multiline=%d) = \"%s\", want \"%s\"",
			 esc(in, e1, sizeof(e1)), multiline, e2, esc(want, e3, sizeof(e3)));
	assert_null(why);
}

#define OK_S(in, ml, want) expect_ok((in), strlen(in), 1000, (ml), (want))

static void expect_err(const char *in, size_t len, size_t max, int err, const char *label)
{
	char *out = (char *)0x1;
	const char *why = NULL;
	int rc = norm_n(in, len, max, 1, &out, &why);

	if (rc != err)
		fail_msg("%s: rc %s, want %s", label, mw_err_code(rc), mw_err_code(err));
	assert_null(out);
	if (err == MW_ERR_INVALID) {
		assert_non_null(why);
		assert_true(strlen(why) > 0);
	}
}

/* ---- NFC ------------------------------------------------------------- */

static void test_nfd_korean_becomes_nfc(void **state)
{
	(void)state;
	/* 한글 as conjoining jamo: ᄒ ᅡ ᆫ ᄀ ᅳ ᆯ (U+1112 U+1161 U+11AB
	 * U+1100 U+1173 U+11AF), 18 bytes, to U+D55C U+AE00, 6 bytes. */
	OK_S("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\xe1\x84\x80\xe1\x85\xb3\xe1\x86\xaf", 0,
	     "한글");
	/* 가 without a final consonant: ᄀ ᅡ. */
	OK_S("\xe1\x84\x80\xe1\x85\xa1", 0, "가");
	/* Mixed NFC and NFD within one sentence (as macOS pastes it). */
	OK_S("도로 \xe1\x84\x91\xe1\x85\xa1\xe1\x84\x89\xe1\x85\xa9\xe1\x86\xab 신고", 0,
	     "도로 파손 신고");
	/* Latin: e + combining acute -> é. */
	OK_S("caf\x65\xcc\x81", 0, "caf\xc3\xa9");
	/* Already NFC text is unchanged. */
	OK_S("보도블록이 깨져 있습니다.", 0, "보도블록이 깨져 있습니다.");
}

static void test_nfd_counts_after_composition(void **state)
{
	char *out = NULL;

	(void)state;
	/* 한글 in NFD is 18 bytes but 6 in NFC: the limit applies to NFC. */
	assert_int_equal(norm_n("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\xe1\x84\x80\xe1\x85\xb3"
				"\xe1\x86\xaf", 18, 6, 0, &out, NULL), MW_OK);
	assert_string_equal(out, "한글");
	free(out);
}

/* ---- invalid input --------------------------------------------------- */

static void test_invalid_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		const char *label;
	} bad[] = {
		{ "\xc0\xaf", 2, "overlong '/' (2 bytes)" },
		{ "\xc1\x81", 2, "overlong 'A'" },
		{ "\xe0\x80\xaf", 3, "overlong '/' (3 bytes)" },
		{ "\xf0\x80\x80\xaf", 4, "overlong '/' (4 bytes)" },
		{ "\xed\xa0\x80", 3, "surrogate U+D800" },
		{ "\xed\xbf\xbf", 3, "surrogate U+DFFF" },
		{ "\xed\xa0\xbd\xed\xb2\xa9", 6, "CESU-8 surrogate pair" },
		{ "abc\xed\x95", 5, "truncated 3-byte sequence" },
		{ "\xea", 1, "lead byte alone" },
		{ "\xf0\x9f\x98", 3, "truncated 4-byte sequence" },
		{ "\x80", 1, "stray continuation" },
		{ "a\xbfz", 3, "stray continuation inside" },
		{ "\xf4\x90\x80\x80", 4, "above U+10FFFF" },
		{ "\xf8\x88\x80\x80\x80", 5, "5-byte form" },
		{ "\xfe", 1, "0xfe" },
		{ "\xff", 1, "0xff" },
		{ "\xe3\x81", 2, "cut before the end" },
	};

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++) {
		expect_err(bad[i].s, bad[i].len, 1000, MW_ERR_INVALID, bad[i].label);
		if (mw_text_valid_utf8(bad[i].s, bad[i].len))
			fail_msg("mw_text_valid_utf8 accepts %s", bad[i].label);
	}
	assert_true(mw_text_valid_utf8("", 0));
	assert_true(mw_text_valid_utf8("한글 abc", strlen("한글 abc")));
	assert_true(mw_text_valid_utf8("\xf0\x9f\x98\x80", 4));         /* U+1F600 */
	assert_true(mw_text_valid_utf8("\xf4\x8f\xbf\xbf", 4));         /* U+10FFFF */
	assert_true(mw_text_valid_utf8("\xef\xbf\xbd", 3));             /* U+FFFD */
	/* A length that cuts a character in two. */
	assert_false(mw_text_valid_utf8("한", 2));
}

static void test_embedded_nul(void **state)
{
	(void)state;
	expect_err("abc\0def", 7, 1000, MW_ERR_INVALID, "embedded NUL");
	expect_err("\0", 1, 1000, MW_ERR_INVALID, "just NUL");
	expect_err("abc\0", 4, 1000, MW_ERR_INVALID, "trailing NUL");
}

/* ---- control characters and line breaks ------------------------------ */

static void test_control_chars_removed(void **state)
{
	(void)state;
	OK_S("a\x01" "b\x07" "c\x1b[31md\x7f" "e", 0, "abc[31mde");
	OK_S("\x08\x0b\x0c" "x", 0, "x");
	OK_S("tab\there", 0, "tab here");
	OK_S("tab\there", 1, "tab here");
}

/* C1 controls (U+0080..U+009F) are control characters too: U+009B is a
 * single-character CSI that terminals honour like ESC [. */
static void test_c1_controls_removed(void **state)
{
	(void)state;
	OK_S("a\xc2\x9b" "31mb", 0, "a31mb");
	OK_S("a\xc2\x85" "b", 0, "ab");
	OK_S("a\xc2\x80" "b", 0, "ab");
}

static void test_line_breaks(void **state)
{
	(void)state;
	OK_S("첫 줄\r\n둘째 줄", 1, "첫 줄\n둘째 줄");
	OK_S("첫 줄\r\n둘째 줄", 0, "첫 줄 둘째 줄");
	OK_S("a\nb\n\nc", 1, "a\nb\n\nc");
	OK_S("a\nb", 0, "a b");
	OK_S("a\r\n\r\nb", 1, "a\n\nb");
}

static void test_trimming(void **state)
{
	(void)state;
	OK_S("   가나다   ", 0, "가나다");
	OK_S("\n\n  가나다\n \n", 1, "가나다");
	OK_S("\t\r\n x \r\n\t", 0, "x");
	OK_S("  inner  spaces  ", 0, "inner  spaces");
	OK_S("", 0, "");
	OK_S("   ", 0, "");
	OK_S("\r\n\r\n", 1, "");
	OK_S("\x01\x02", 1, "");
}

/* ---- limits ---------------------------------------------------------- */

static void test_max_length(void **state)
{
	char buf[64];
	char *out = NULL;

	(void)state;
	/* Exactly max bytes: fine. One more: too large. */
	memset(buf, 'a', 10);
	expect_ok(buf, 10, 10, 0, "aaaaaaaaaa");
	memset(buf, 'a', 11);
	expect_err(buf, 11, 10, MW_ERR_TOO_LARGE, "11 bytes, max 10");
	/* Bytes, not characters: 가나다라 is 12 bytes. */
	expect_ok("가나다", strlen("가나다"), 9, 0, "가나다");
	expect_err("가나다라", strlen("가나다라"), 9, MW_ERR_TOO_LARGE, "12 bytes, max 9");
	/* The limit applies after trimming. */
	snprintf(buf, sizeof(buf), "   %s   ", "abcdefghij");
	expect_ok(buf, strlen(buf), 10, 0, "abcdefghij");
	/* Huge input is refused before normalising. */
	{
		size_t n = 1u << 20;
		char *big = malloc(n);
		const char *why = NULL;

		assert_non_null(big);
		memset(big, 'x', n);
		assert_int_equal(mw_text_normalize(big, n, 12000, 1, &out, &why), MW_ERR_TOO_LARGE);
		assert_null(out);
		free(big);
	}
}

/* Input need not be NUL-terminated: only len bytes are read. */
static void test_length_bounded(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(mw_text_normalize("abcdef", 3, 100, 0, &out, NULL), MW_OK);
	assert_string_equal(out, "abc");
	free(out);
	assert_int_equal(norm_n("xyz", 3, 100, 0, &out, NULL), MW_OK);
	assert_string_equal(out, "xyz");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nfd_korean_becomes_nfc),
		cmocka_unit_test(test_nfd_counts_after_composition),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_control_chars_removed),
		cmocka_unit_test(test_c1_controls_removed),
		cmocka_unit_test(test_line_breaks),
		cmocka_unit_test(test_trimming),
		cmocka_unit_test(test_max_length),
		cmocka_unit_test(test_length_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

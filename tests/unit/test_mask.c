/*
 * test_mask.c - masking of personal data (src/core/mask.c). Every output
 * buffer here is exactly as large as the test says, so that an overflow
 * is caught by AddressSanitizer (build with -fsanitize=address or
 * -DMW_SANITIZE=ON); the heap copies make a one-byte overrun visible.
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
#include "core/mask.h"
#include "core/text.h"

#include "base/banned.h"

typedef void (*mask_fn)(const char *, char *, size_t);

/* Runs fn into a heap buffer of exactly outsz bytes and returns a copy. */
static void run(mask_fn fn, const char *in, size_t outsz, char *copy, size_t copysz)
{
	char *out = malloc(outsz ? outsz : 1);

	assert_non_null(out);
	memset(out, 'Z', outsz ? outsz : 1);
	fn(in, out, outsz);
	if (outsz) {
		assert_non_null(memchr(out, '\0', outsz));
		snprintf(copy, copysz, "%s", out);
	} else {
		/* Nothing may be written into a zero-sized buffer. */
		assert_int_equal(out[0], 'Z');
		copy[0] = '\0';
	}
	free(out);
}

static void expect(mask_fn fn, const char *in, const char *want)
{
	char got[256];

	run(fn, in, 256, got, sizeof(got));
	if (strcmp(got, want))
		fail_msg("mask(\"%s\") = \"%s\", want \"%s\"", in ? in : "(null)", got, want);
}

/* ---- names ------------------------------------------------------------ */

static void test_name_korean(void **state)
{
	(void)state;
	expect(mw_mask_name, "홍길동", "홍*동");
	expect(mw_mask_name, "남궁민수", "남**수");
	expect(mw_mask_name, "홍길", "홍*");
	expect(mw_mask_name, "제갈공명선", "제***선");
	expect(mw_mask_name, "김 철수", "김**수");
}

static void test_name_ascii(void **state)
{
	(void)state;
	expect(mw_mask_name, "John", "J**n");
	expect(mw_mask_name, "Kim", "K*m");
	expect(mw_mask_name, "Al", "A*");
	expect(mw_mask_name, "John Smith", "J********h");
	expect(mw_mask_name, "Zoë", "Z*ë");
}

static void test_name_empty(void **state)
{
	(void)state;
	expect(mw_mask_name, NULL, "");
	expect(mw_mask_name, "", "");
}

/* A masked name must hide something: a one-character name shown as is
 * discloses the whole name. */
static void test_name_single_char(void **state)
{
	char got[64];

	(void)state;
	run(mw_mask_name, "홍", 64, got, sizeof(got));
	if (!strcmp(got, "홍") || !strchr(got, '*'))
		fail_msg("mask_name(\"홍\") = \"%s\": the whole name is shown", got);
	run(mw_mask_name, "A", 64, got, sizeof(got));
	if (!strcmp(got, "A") || !strchr(got, '*'))
		fail_msg("mask_name(\"A\") = \"%s\": the whole name is shown", got);
}

static void test_name_long(void **state)
{
	char in[400], got[512];
	size_t n = 0;

	(void)state;
	/* 63 characters: masked normally. */
	for (int i = 0; i < 63; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "가");
	run(mw_mask_name, in, sizeof(got), got, sizeof(got));
	assert_int_equal(strlen(got), 3 + 61 + 3);
	assert_memory_equal(got, "가", 3);
	assert_memory_equal(got + 3 + 61, "가", 4);
	/* 64 and more: fully masked. */
	n += (size_t)snprintf(in + n, sizeof(in) - n, "나");
	expect(mw_mask_name, in, "***");
	n += (size_t)snprintf(in + n, sizeof(in) - n, "다다다");
	expect(mw_mask_name, in, "***");
}

/* Broken UTF-8 (truncated sequence, stray continuation byte) must not
 * make the masker read past the string. */
static void test_name_broken_utf8(void **state)
{
	char got[64];
	char *in;

	(void)state;
	/* A heap copy so that ASan sees any read past the NUL. */
	in = strdup("\xed\x99");        /* first two bytes of 홍 */
	run(mw_mask_name, in, 64, got, sizeof(got));
	free(in);
	in = strdup("A\xf0");
	run(mw_mask_name, in, 64, got, sizeof(got));
	assert_string_equal(got, "A*");
	free(in);
	in = strdup("\x80\x80\x80");
	run(mw_mask_name, in, 64, got, sizeof(got));
	assert_string_equal(got, "\x80*\x80");
	free(in);
}

static void test_name_tiny_buffers(void **state)
{
	static const char *const names[] = { "홍길동", "남궁민수", "John Smith", "홍길", "A" };
	char got[64];

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(names); i++)
		for (size_t sz = 0; sz <= 16; sz++) {
			run(mw_mask_name, names[i], sz, got, sizeof(got));
			assert_true(strlen(got) < (sz ? sz : 1));
		}
	run(mw_mask_name, "홍길동", 1, got, sizeof(got));
	assert_string_equal(got, "");
	run(mw_mask_name, "홍길동", 8, got, sizeof(got));
	assert_string_equal(got, "홍*동");
	run(mw_mask_name, "홍길동", 5, got, sizeof(got));
	assert_string_equal(got, "홍*");
}

/* A result cut short by a small buffer is still valid UTF-8: a partial
 * Korean character in a JSON body makes the whole body invalid. */
static void test_name_truncation_keeps_utf8(void **state)
{
	char got[64];

	(void)state;
	for (size_t sz = 1; sz <= 9; sz++) {
		run(mw_mask_name, "홍길동", sz, got, sizeof(got));
		if (!mw_text_valid_utf8(got, strlen(got)))
			fail_msg("mask_name(\"홍길동\") into %zu bytes gives invalid UTF-8 "
				 "(%zu bytes, last 0x%02x)", sz, strlen(got),
				 (unsigned)(unsigned char)got[strlen(got) - 1]);
	}
	/* Cut short, the result is a prefix of the full mask ending on a
	 * character boundary. */
	run(mw_mask_name, "홍길동", 6, got, sizeof(got));
	assert_string_equal(got, "홍*");
	run(mw_mask_name, "홍길동", 3, got, sizeof(got));
	assert_string_equal(got, "");
}

/* ---- phone numbers ---------------------------------------------------- */

static void test_phone(void **state)
{
	(void)state;
	expect(mw_mask_phone, "010-1234-5678", "010-****-5678");
	expect(mw_mask_phone, "01012345678", "010-****-5678");
	expect(mw_mask_phone, "010 1234 5678", "010-****-5678");
	expect(mw_mask_phone, "(010) 1234-5678", "010-****-5678");
	expect(mw_mask_phone, "011-123-4567", "011-***-4567");
	expect(mw_mask_phone, "02-123-4567", "02-***-4567");
	expect(mw_mask_phone, "02-1234-5678", "02-****-5678");
	expect(mw_mask_phone, "0212345678", "02-****-5678");
	expect(mw_mask_phone, "031-123-4567", "031-***-4567");
	expect(mw_mask_phone, "031-1234-5678", "031-****-5678");
	expect(mw_mask_phone, "0505-123-4567", "050-****-4567");
}

static void test_phone_garbage(void **state)
{
	(void)state;
	expect(mw_mask_phone, NULL, "");
	expect(mw_mask_phone, "", "");
	expect(mw_mask_phone, "abc", "***");
	expect(mw_mask_phone, "전화 없음", "***");
	expect(mw_mask_phone, "1234", "***");
	expect(mw_mask_phone, "1588-1234", "***");               /* 8 digits */
	expect(mw_mask_phone, "010-1234-5678-9999", "***");      /* 15 digits */
	expect(mw_mask_phone, "0101234567890123456789012345", "***");
}

static void test_phone_tiny_buffers(void **state)
{
	char got[64];

	(void)state;
	for (size_t sz = 0; sz <= 16; sz++) {
		run(mw_mask_phone, "010-1234-5678", sz, got, sizeof(got));
		assert_true(strlen(got) < (sz ? sz : 1));
		if (sz)
			assert_memory_equal(got, "010-****-5678", strlen(got));
		run(mw_mask_phone, "garbage", sz, got, sizeof(got));
		assert_true(strlen(got) < (sz ? sz : 1));
	}
	/* The last four digits never show in a cut-short result. */
	run(mw_mask_phone, "010-1234-5678", 10, got, sizeof(got));
	assert_string_equal(got, "010-****-");
}

/* ---- e-mail ----------------------------------------------------------- */

static void test_email(void **state)
{
	(void)state;
	expect(mw_mask_email, "hong@example.com", "ho**@example.com");
	expect(mw_mask_email, "abc@x.kr", "ab*@x.kr");
	expect(mw_mask_email, "ab@x.kr", "a*@x.kr");
	expect(mw_mask_email, "hong.gildong@korea.kr", "ho**********@korea.kr");
	expect(mw_mask_email, NULL, "");
	expect(mw_mask_email, "", "");
	expect(mw_mask_email, "no-at-sign", "***");
	expect(mw_mask_email, "@example.com", "***");
}

static void test_email_long_local(void **state)
{
	char in[200], got[256];

	(void)state;
	memset(in, 'a', 100);
	snprintf(in + 100, sizeof(in) - 100, "@example.com");
	run(mw_mask_email, in, sizeof(got), got, sizeof(got));
	/* The local part beyond the first two characters never shows. */
	assert_memory_equal(got, "aa", 2);
	assert_non_null(strchr(got, '@'));
	for (const char *p = got + 2; *p != '@'; p++)
		assert_int_equal(*p, '*');
	assert_string_equal(strchr(got, '@'), "@example.com");
}

/* A one-character local part shown as is discloses the address. */
static void test_email_single_char_local(void **state)
{
	char got[64];

	(void)state;
	run(mw_mask_email, "a@example.com", 64, got, sizeof(got));
	if (!strcmp(got, "a@example.com") || !strchr(got, '*'))
		fail_msg("mask_email(\"a@example.com\") = \"%s\": nothing is masked", got);
}

static void test_email_tiny_buffers(void **state)
{
	char got[64];

	(void)state;
	for (size_t sz = 0; sz <= 20; sz++) {
		run(mw_mask_email, "hong@example.com", sz, got, sizeof(got));
		assert_true(strlen(got) < (sz ? sz : 1));
		if (sz)
			assert_memory_equal(got, "ho**@example.com", strlen(got));
		run(mw_mask_email, "nothing", sz, got, sizeof(got));
		assert_true(strlen(got) < (sz ? sz : 1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_korean),
		cmocka_unit_test(test_name_ascii),
		cmocka_unit_test(test_name_empty),
		cmocka_unit_test(test_name_single_char),
		cmocka_unit_test(test_name_long),
		cmocka_unit_test(test_name_broken_utf8),
		cmocka_unit_test(test_name_tiny_buffers),
		cmocka_unit_test(test_name_truncation_keeps_utf8),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_phone_garbage),
		cmocka_unit_test(test_phone_tiny_buffers),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_email_long_local),
		cmocka_unit_test(test_email_single_char_local),
		cmocka_unit_test(test_email_tiny_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

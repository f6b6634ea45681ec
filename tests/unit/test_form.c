/*
 * test_form.c - form bodies (src/http/form.c): urlencoded and
 * multipart/form-data, and the malformed bodies they refuse.
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
#include "base/buf.h"
#include "http/form.h"

#include "base/banned.h"

static mw_form form;

static int parse(const char *ctype, const char *body, size_t len, mw_arena *a)
{
	return mw_form_parse(a, ctype, body, len, &form);
}

static void test_urlencoded(void **state)
{
	mw_arena a = MW_ARENA_INIT;
	const char *b = "text=%EA%B0%80%EB%A1%9C%EB%93%B1+%3Cb%3E&empty=&flag&consent=yes&&x=1%2B1";

	(void)state;
	assert_int_equal(parse("application/x-www-form-urlencoded", b, strlen(b), &a), MW_OK);
	assert_string_equal(mw_form_get(&form, "text"), "가로등 <b>");
	assert_string_equal(mw_form_get(&form, "empty"), "");
	assert_string_equal(mw_form_get(&form, "flag"), "");
	assert_string_equal(mw_form_get(&form, "consent"), "yes");
	assert_string_equal(mw_form_get(&form, "x"), "1+1");
	assert_null(mw_form_get(&form, "missing"));
	assert_int_equal(parse("application/x-www-form-urlencoded; charset=UTF-8", "a=%4", 5, &a),
			 MW_ERR_INVALID);
	assert_int_equal(parse("application/x-www-form-urlencoded", "a=%zz", 5, &a), MW_ERR_INVALID);
	assert_int_equal(parse("text/plain", "a=b", 3, &a), MW_ERR_UNSUPPORTED);
	assert_int_equal(parse(NULL, "a=b", 3, &a), MW_ERR_UNSUPPORTED);
	mw_arena_release(&a);
}

static void test_multipart(void **state)
{
	mw_arena a = MW_ARENA_INIT;
	static const char body[] =
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"text\"\r\n\r\n"
		"첫 줄\r\n둘째 줄\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n"
		"Content-Type: image/jpeg\r\n\r\n"
		"\xff\xd8\x00\xff\r\n"
		"--XyZ\r\n"
		"content-disposition: form-data; name=\"photo\"; filename=\"\"\r\n"
		"Content-Type: application/octet-stream\r\n\r\n"
		"\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=csrf\r\n\r\n"
		"tok\r\n"
		"--XyZ--\r\n";

	(void)state;
	assert_int_equal(parse("multipart/form-data; boundary=XyZ", body, sizeof(body) - 1, &a), MW_OK);
	assert_int_equal(form.n, 3); /* the empty file input is dropped */
	assert_string_equal(mw_form_get(&form, "text"), "첫 줄\r\n둘째 줄");
	assert_string_equal(mw_form_get(&form, "csrf"), "tok");
	assert_null(mw_form_get(&form, "photo")); /* a file is not a text field */
	assert_string_equal(form.f[1].name, "photo");
	assert_string_equal(form.f[1].filename, "a.jpg");
	assert_string_equal(form.f[1].content_type, "image/jpeg");
	assert_int_equal(form.f[1].len, 4);
	assert_memory_equal(form.f[1].value, "\xff\xd8\x00\xff", 4);
	assert_int_equal(parse("multipart/form-data; boundary=\"XyZ\"", body, sizeof(body) - 1, &a), MW_OK);
	mw_arena_release(&a);
}

static void test_multipart_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"--XyZ",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
		"--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",
		"--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nx\r\n--XyZ--",
		"--Other\r\n\r\n",
		"--XyZ\r\nContent-Disposition: form-data; name=\"unterminated\r\n\r\nx\r\n--XyZ--",
	};
	mw_arena a = MW_ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++)
		assert_int_equal(parse("multipart/form-data; boundary=XyZ", bad[i], strlen(bad[i]), &a),
				 MW_ERR_INVALID);
	assert_int_equal(parse("multipart/form-data", "--x--", 5, &a), MW_ERR_INVALID);
	mw_arena_release(&a);
}

static void test_too_many_fields(void **state)
{
	mw_arena a = MW_ARENA_INIT;
	mw_buf b = MW_BUF_INIT;

	(void)state;
	for (int i = 0; i <= MW_FORM_MAX_FIELDS; i++)
		mw_buf_printf(&b, "f%d=%d&", i, i);
	assert_int_equal(parse("application/x-www-form-urlencoded", b.ptr, b.len, &a), MW_ERR_TOO_LARGE);
	mw_buf_release(&b);
	mw_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urlencoded),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_multipart_malformed),
		cmocka_unit_test(test_too_many_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_web.c - the embedded web (src/web/web.c, i18n.c, qr.c): every
 * template compiles and uses only keys both catalogues have, the
 * catalogues have the same keys, and the catalogue parser refuses what
 * it should.
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

#include "base/embedded.h"
#include "base/mw.h"
#include "web/i18n.h"
#include "web/web_int.h"

#include "base/banned.h"

static void test_web_loads(void **state)
{
	mw_web_config cfg = { "https://{s}.tile.example.org/{z}/{x}/{y}.png" };
	mw_web *w;
	char err[256] = "";

	(void)state;
	assert_int_equal(mw_web_new(&cfg, &w, err, sizeof(err)), MW_OK);
	assert_non_null(strstr(w->csp, "img-src 'self' data: blob: https://*.tile.example.org;"));
	assert_non_null(strstr(w->csp, "script-src 'self';"));
	assert_int_equal(strncmp(w->static_prefix, "/static/v/", 10), 0);
	assert_true(w->nassets > 5);
	mw_web_free(w);
}

static mw_catalog *load(const char *lang)
{
	mw_catalog *c = NULL;
	char err[256];

	assert_int_equal(mw_catalog_load_lang(lang, &c, err, sizeof(err)), MW_OK);
	return c;
}

/* Korean is the fallback, but a page in English must never show Korean
 * by accident: the key sets are equal. */
static void test_catalogues_match(void **state)
{
	mw_catalog *ko = load("ko"), *en = load("en");

	(void)state;
	for (size_t i = 0; i < mw_catalog_count(ko); i++)
		if (!mw_catalog_get(en, mw_catalog_key_at(ko, i)))
			fail_msg("en.tsv lacks %s", mw_catalog_key_at(ko, i));
	for (size_t i = 0; i < mw_catalog_count(en); i++)
		if (!mw_catalog_get(ko, mw_catalog_key_at(en, i)))
			fail_msg("ko.tsv lacks %s", mw_catalog_key_at(en, i));
	/* Every status and category the API can name has a text. */
	assert_string_equal(mw_catalog_get(ko, "status.needs_info"), "보완요청");
	assert_non_null(mw_catalog_get(en, "category.illegal_dumping"));
	mw_catalog_free(ko);
	mw_catalog_free(en);
}

static void test_catalogue_parser(void **state)
{
	mw_catalog *c = NULL;
	char err[256];
	const char *ok = "# comment\r\n\na\tone\\ntwo\r\nb\t\n";

	(void)state;
	assert_int_equal(mw_catalog_parse("x", ok, strlen(ok), &c, err, sizeof(err)), MW_OK);
	assert_string_equal(mw_catalog_get(c, "a"), "one\ntwo");
	assert_string_equal(mw_catalog_get(c, "b"), "");
	assert_null(mw_catalog_get(c, "c"));
	mw_catalog_free(c);
	assert_int_equal(mw_catalog_parse("x", "a\tb\na\tc\n", 8, &c, err, sizeof(err)), MW_ERR_INVALID);
	assert_non_null(strstr(err, "twice"));
	assert_int_equal(mw_catalog_parse("x", "no tab\n", 7, &c, err, sizeof(err)), MW_ERR_INVALID);
	assert_string_equal(err, "x:1: expected key<TAB>text");
	assert_int_equal(mw_catalog_parse("x", "\tx\n", 3, &c, err, sizeof(err)), MW_ERR_INVALID);
}

/* Dates as people read them, in KST whatever the input's zone. */
static void test_dates(void **state)
{
	mw_web_config cfg = { "" };
	mw_req r;
	mw_page pg;
	mw_web *w;
	char err[256];

	(void)state;
	assert_int_equal(mw_web_new(&cfg, &w, err, sizeof(err)), MW_OK);
	memset(&r, 0, sizeof(r));
	memset(&pg, 0, sizeof(pg));
	pg.r = &r;
	pg.web = w;
	pg.lang = MW_LANG_KO;
	assert_string_equal(mw_page_date(&pg, "2026-11-25T15:00:00+09:00", true),
			    "2026년 11월 25일 (수) 오후 3:00");
	assert_string_equal(mw_page_date(&pg, "2026-11-25T00:05:00Z", true),
			    "2026년 11월 25일 (수) 오전 9:05");
	assert_string_equal(mw_page_date(&pg, "2026-11-25T12:30:00+09:00", true),
			    "2026년 11월 25일 (수) 오후 12:30");
	assert_string_equal(mw_page_date(&pg, "2026-11-26T00:10:00+09:00", true),
			    "2026년 11월 26일 (목) 오전 12:10");
	/* A deadline counted in days: the day alone. */
	assert_string_equal(mw_page_date(&pg, "2026-12-04T23:59:59+09:00", true),
			    "2026년 12월 4일 (금)");
	assert_string_equal(mw_page_date(&pg, "2026-11-25T15:00:00+09:00", false),
			    "2026년 11월 25일 (수)");
	assert_null(mw_page_date(&pg, "yesterday", true));
	assert_null(mw_page_date(&pg, NULL, true));
	pg.lang = MW_LANG_EN;
	assert_string_equal(mw_page_date(&pg, "2026-11-25T15:00:00+09:00", true),
			    "Wed 25 Nov 2026, 3:00 PM");
	assert_string_equal(mw_page_date(&pg, "2027-01-03T08:07:00+09:00", true),
			    "Sun 3 Jan 2027, 8:07 AM");
	mw_arena_release(&r.arena);
	mw_web_free(w);
}

static void test_qr_svg(void **state)
{
	mw_arena a = MW_ARENA_INIT;
	char *svg = mw_qr_svg(&a, "http://127.0.0.1:8080/track#2611-000001.abcdefghijklmnopqrstuv",
			      "QR <code>");

	(void)state;
	assert_non_null(svg);
	assert_int_equal(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
	assert_non_null(strstr(svg, "aria-label=\"QR &lt;code&gt;\""));
	assert_null(strstr(svg, "style"));
	assert_null(strstr(svg, "script"));
	mw_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_web_loads),
		cmocka_unit_test(test_catalogues_match),
		cmocka_unit_test(test_catalogue_parser),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_qr_svg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

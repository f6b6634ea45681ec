/*
 * test_template.c - the pages' template engine (src/web/template.c):
 * escaping, sections over arrays, objects and values, inverted sections,
 * partials, dotted names, catalogue messages, and the syntax errors it
 * refuses.
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
#include "web/template.h"

#include "base/banned.h"

static const char *msg(void *ctx, const char *key)
{
	(void)ctx;
	if (!strcmp(key, "hello"))
		return "안녕하세요 <b>";
	if (!strcmp(key, "count"))
		return "{}건이 있습니다 & 더";
	return NULL;
}

/* Renders src (as template "t") over the JSON ctx; returns a heap string
 * or NULL when compiling or rendering failed (err then set). */
static char *render(const char *src, const char *json, int *err)
{
	mw_tpl_set *s = mw_tpl_set_new();
	json_t *ctx = json_loads(json, 0, NULL);
	mw_buf out = MW_BUF_INIT;
	char errbuf[200];
	int rc;

	assert_non_null(s);
	assert_non_null(ctx);
	rc = mw_tpl_add(s, "t", src, strlen(src), errbuf, sizeof(errbuf));
	if (!rc)
		rc = mw_tpl_add(s, "p", "[{{name}}]", 10, errbuf, sizeof(errbuf));
	if (!rc)
		rc = mw_tpl_link(s, errbuf, sizeof(errbuf));
	if (!rc)
		rc = mw_tpl_render(s, "t", ctx, msg, NULL, &out);
	json_decref(ctx);
	mw_tpl_set_free(s);
	if (err)
		*err = rc;
	if (rc) {
		mw_buf_release(&out);
		return NULL;
	}
	return mw_buf_detach(&out, NULL);
}

static void expect(const char *src, const char *json, const char *want)
{
	int err;
	char *got = render(src, json, &err);

	assert_int_equal(err, MW_OK);
	assert_string_equal(got, want);
	free(got);
}

static void test_escaping(void **state)
{
	(void)state;
	expect("<p>{{t}}</p>", "{\"t\":\"<script>alert('x')</script> & \\\"q\\\"\"}",
	       "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
	expect("{{{t}}}|{{&t}}", "{\"t\":\"<b>\"}", "<b>|<b>");
	expect("{{ t }}", "{\"t\":\"공백\"}", "공백");
}

static void test_values(void **state)
{
	(void)state;
	expect("{{i}} {{r}} {{b}} {{f}} {{n}} {{o}} {{a}} {{missing}}.",
	       "{\"i\":42,\"r\":37.5006,\"b\":true,\"f\":false,\"n\":null,\"o\":{},\"a\":[1]}",
	       "42 37.5006 true     .");
}

static void test_sections(void **state)
{
	(void)state;
	expect("{{#items}}<li>{{name}}</li>{{/items}}", "{\"items\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
	       "<li>a</li><li>b</li>");
	expect("{{#items}}x{{/items}}{{^items}}none{{/items}}", "{\"items\":[]}", "none");
	expect("{{#o}}{{k}}{{/o}}", "{\"o\":{\"k\":\"v\"}}", "v");
	expect("{{#s}}[{{.}}]{{/s}}", "{\"s\":\"text\"}", "[text]");
	expect("{{#z}}no{{/z}}{{^z}}zero{{/z}}", "{\"z\":0}", "zero");
	expect("{{#e}}no{{/e}}{{^e}}empty{{/e}}", "{\"e\":\"\"}", "empty");
	/* Names resolve outwards through the context stack. */
	expect("{{#items}}{{name}}/{{title}} {{/items}}",
	       "{\"title\":\"T\",\"items\":[{\"name\":\"a\"},{\"name\":\"b\",\"title\":\"U\"}]}",
	       "a/T b/U ");
	expect("{{a.b.c}}|{{#a.b}}{{c}}{{/a.b}}|{{a.x.c}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}",
	       "deep|deep|");
	expect("{{#err.text}}<p id=\"e\">{{err.text}}</p>{{/err.text}}{{^err.phone}}ok{{/err.phone}}",
	       "{\"err\":{\"text\":\"<bad>\"}}", "<p id=\"e\">&lt;bad&gt;</p>ok");
}

static void test_partials_and_messages(void **state)
{
	(void)state;
	expect("{{#people}}{{>p}}{{/people}}", "{\"people\":[{\"name\":\"<x>\"},{\"name\":\"y\"}]}",
	       "[&lt;x&gt;][y]");
	expect("{{@hello}}|{{@count n}}|{{@nokey}}", "{\"n\":\"<3>\"}",
	       "안녕하세요 &lt;b&gt;|&lt;3&gt;건이 있습니다 &amp; 더|nokey");
	expect("{{! a comment }}x", "{}", "x");
}

static void test_syntax_errors(void **state)
{
	static const char *const bad[] = {
		"{{#a}}open", "{{/a}}", "{{#a}}{{/b}}", "{{unclosed", "{{{raw}}", "{{}}",
		"{{bad name!}}", "{{a..b}}", "{{.a}}", "{{@key bad!}}", "{{>missing}}",
	};

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++) {
		int err;
		char *got = render(bad[i], "{}", &err);

		assert_null(got);
		assert_int_not_equal(err, MW_OK);
	}
}

static void test_error_names_the_line(void **state)
{
	mw_tpl_set *s = mw_tpl_set_new();
	char err[200];

	(void)state;
	assert_int_equal(mw_tpl_add(s, "page", "a\nb\n{{#x}}\n", 11, err, sizeof(err)), MW_ERR_INVALID);
	assert_string_equal(err, "page:3: section is not closed");
	assert_int_equal(mw_tpl_add(s, "ok", "x", 1, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_tpl_add(s, "ok", "y", 1, err, sizeof(err)), MW_ERR_CONFLICT);
	mw_tpl_set_free(s);
}

/* A partial that includes itself stops at the depth limit. */
static void test_partial_recursion(void **state)
{
	mw_tpl_set *s = mw_tpl_set_new();
	json_t *ctx = json_object();
	mw_buf out = MW_BUF_INIT;
	char err[200];

	(void)state;
	assert_int_equal(mw_tpl_add(s, "loop", "x{{>loop}}", 10, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_tpl_link(s, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_tpl_render(s, "loop", ctx, NULL, NULL, &out), MW_ERR_INVALID);
	assert_int_equal(mw_tpl_render(s, "nope", ctx, NULL, NULL, &out), MW_ERR_NOTFOUND);
	mw_buf_release(&out);
	json_decref(ctx);
	mw_tpl_set_free(s);
}

static void test_output_cap(void **state)
{
	mw_tpl_set *s = mw_tpl_set_new();
	json_t *ctx = json_pack("{s:[i,i,i,i,i,i,i,i,i,i]}", "a", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	mw_buf out = MW_BUF_INIT;
	char err[200];

	(void)state;
	out.max = 8;
	assert_int_equal(mw_tpl_add(s, "t", "{{#a}}{{.}}{{/a}}", 17, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_tpl_render(s, "t", ctx, NULL, NULL, &out), MW_ERR_TOO_LARGE);
	assert_true(out.len <= 8);
	mw_buf_release(&out);
	json_decref(ctx);
	mw_tpl_set_free(s);
}

static void count_key(void *ctx, const char *key)
{
	(void)key;
	(*(int *)ctx)++;
}

static void test_each_msg_key(void **state)
{
	mw_tpl_set *s = mw_tpl_set_new();
	char err[200];
	int n = 0;

	(void)state;
	assert_int_equal(mw_tpl_add(s, "t", "{{@a}}{{#x}}{{@b y}}{{/x}}", 26, err, sizeof(err)), MW_OK);
	mw_tpl_each_msg_key(s, count_key, &n);
	assert_int_equal(n, 2);
	mw_tpl_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_partials_and_messages),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_error_names_the_line),
		cmocka_unit_test(test_partial_recursion),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_each_msg_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

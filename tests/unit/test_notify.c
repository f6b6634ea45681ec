/*
 * test_notify.c - the pure parts of src/notify/: mail format (RFC 2047,
 * MIME), templates (the built-in table, rendering, checks), settings and
 * the citizen's channel choice.
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

#include <sodium.h>

#include "base/mw.h"
#include "notify/mime.h"
#include "notify/notify_int.h"

#include "base/banned.h"

#define KST(y, mo, d, h, mi, s) mw_time_from_kst(y, mo, d, h, mi, s)

/* ---- mail -------------------------------------------------------------- */

static char *decode_words(const char *s)
{
	static char out[1024];
	size_t w = 0;

	while (*s) {
		const char *end = strstr(s, "?=");
		size_t n = 0;

		assert_true(!strncmp(s, "=?UTF-8?B?", 10));
		assert_non_null(end);
		assert_true(end + 2 - s <= 75);
		assert_int_equal(sodium_base642bin((unsigned char *)out + w, sizeof(out) - w - 1,
						   s + 10, (size_t)(end - s - 10), NULL, &n, NULL,
						   sodium_base64_VARIANT_ORIGINAL), 0);
		w += n;
		s = end + 2;
		if (!strncmp(s, "\r\n ", 3))
			s += 3;
	}
	out[w] = '\0';
	return out;
}

static void test_encoded_words(void **state)
{
	const char *subject = "[강남구청] 민원이 접수되었습니다 (접수번호 2611-000001)";
	mw_buf b = MW_BUF_INIT;

	(void)state;
	assert_int_equal(mw_mime_encode_words(&b, subject), MW_OK);
	/* Two words: no line over 75 characters, no character cut. */
	assert_non_null(strstr(b.ptr, "?=\r\n =?UTF-8?B?"));
	assert_string_equal(decode_words(b.ptr), subject);
	mw_buf_release(&b);
	/* Plain ASCII goes as it is; a look-alike of a word does not. */
	assert_int_equal(mw_mime_encode_words(&b, "Receipt 2611-000001"), MW_OK);
	assert_string_equal(b.ptr, "Receipt 2611-000001");
	mw_buf_release(&b);
	assert_int_equal(mw_mime_encode_words(&b, "=?x?="), MW_OK);
	assert_string_equal(decode_words(b.ptr), "=?x?=");
	mw_buf_release(&b);
}

static void test_mail_format(void **state)
{
	mw_mail m = { .from = "minwon@gu.example.kr", .from_name = "강남구청",
		      .to = "hong@example.kr", .subject = "접수 안내",
		      .body = "첫 줄\n둘째 줄", .message_id = "mw-abc-7@gu.example.kr",
		      .date = KST(2025, 1, 24, 17, 0, 0), .kind = "received" };
	mw_buf b = MW_BUF_INIT;
	char date[40], *body;
	unsigned char bin[256];
	size_t n;

	(void)state;
	mw_mime_date(m.date, date);
	assert_string_equal(date, "Fri, 24 Jan 2025 17:00:00 +0900");
	assert_int_equal(mw_mail_format(&b, &m), MW_OK);
	assert_non_null(strstr(b.ptr, "Date: Fri, 24 Jan 2025 17:00:00 +0900\r\n"));
	assert_non_null(strstr(b.ptr, "\r\nTo: <hong@example.kr>\r\n"));
	assert_non_null(strstr(b.ptr, "\r\nMessage-ID: <mw-abc-7@gu.example.kr>\r\n"));
	assert_non_null(strstr(b.ptr, "\r\nX-Minwon-Kind: received\r\n"));
	assert_non_null(strstr(b.ptr, "Content-Type: text/plain; charset=UTF-8\r\n"
				      "Content-Transfer-Encoding: base64\r\n\r\n"));
	/* The body is base64 of the text with CRLF line ends. */
	body = strstr(b.ptr, "\r\n\r\n") + 4;
	assert_int_equal(sodium_base642bin(bin, sizeof(bin), body, strlen(body), "\r\n", &n, NULL,
					   sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(n, strlen("첫 줄\r\n둘째 줄"));
	assert_memory_equal(bin, "첫 줄\r\n둘째 줄", n);
	for (const char *p = b.ptr; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	mw_buf_release(&b);
	/* No header injection through an address. */
	m.to = "x@example.kr>\r\nBcc: <y@example.kr";
	assert_int_equal(mw_mail_format(&b, &m), MW_ERR_INVALID);
	mw_buf_release(&b);
}

/* ---- templates --------------------------------------------------------- */

static void test_builtin_templates(void **state)
{
	mw_tmpl_set *t;
	char err[200];

	(void)state;
	assert_int_equal(mw_tmpl_load(NULL, &t), MW_OK);
	assert_true(t->n >= 60);
	for (size_t i = 0; i < t->n; i++) {
		mw_notice k;

		if (mw_notify_template_check(t->items[i].subject, err, sizeof(err)) ||
		    mw_notify_template_check(t->items[i].body, err, sizeof(err)))
			fail_msg("%s/%s/%s: %s", t->items[i].kind, t->items[i].channel,
				 t->items[i].lang, err);
		if (mw_notice_parse(t->items[i].kind, &k))
			fail_msg("a template for no kind: %s", t->items[i].kind);
	}
	/* Every kind can be told on its channels: citizens by e-mail and text
	 * in Korean and English, staff by e-mail, in the inbox and by text
	 * (staff-sms may name any staff kind). */
	for (int k = 0; k < MW_NOTICE__COUNT; k++) {
		const char *name = mw_notice_name((mw_notice)k);
		bool citizen = mw_notice_for_citizen((mw_notice)k);
		const char *chans[] = { "email", citizen ? "text" : "inbox", "text" };

		for (size_t c = 0; c < 3; c++) {
			const mw_tmpl *m = mw_tmpl_find(t, name, chans[c], "ko");

			if (!m || strcmp(m->lang, "ko"))
				fail_msg("no Korean %s template for %s", chans[c], name);
			if (citizen && k != MW_NOTICE_TEST &&
			    strcmp(mw_tmpl_find(t, name, chans[c], "en")->lang, "en"))
				fail_msg("no English %s template for %s", chans[c], name);
		}
	}
	mw_tmpl_put(t);
}

static void test_render(void **state)
{
	json_t *v = json_pack("{s:s,s:I,s:s,s:s}", "receipt_no", "2501-000001", "due_at",
			      (json_int_t)KST(2025, 2, 7, 23, 59, 59), "title", "보도블록", "track_url",
			      "");
	mw_buf b = MW_BUF_INIT;
	char when[64];

	(void)state;
	assert_int_equal(mw_tmpl_render("{{receipt_no}}: {{due_at}}{{#track_url}} 링크{{/track_url}}"
					"{{#title}} ({{title}}){{/title}}{{nothing}}.",
					v, "ko", &b),
			 MW_OK);
	assert_string_equal(b.ptr, "2501-000001: 2025년 2월 7일(금) 23:59 (보도블록).");
	mw_buf_release(&b);
	assert_int_equal(mw_tmpl_render("{{due_at}}", v, "en", &b), MW_OK);
	assert_string_equal(b.ptr, "Fri 7 Feb 2025, 23:59 KST");
	mw_buf_release(&b);
	mw_tmpl_time(KST(2026, 12, 4, 9, 5, 0), "ko", when, sizeof(when));
	assert_string_equal(when, "2026년 12월 4일(금) 09:05");
	json_decref(v);
}

static void test_template_check(void **state)
{
	char err[200];

	(void)state;
	assert_int_equal(mw_notify_template_check("{{receipt_no}} {{#reason}}{{reason}}{{/reason}}",
						  err, sizeof(err)), MW_OK);
	assert_int_equal(mw_notify_template_check("plain text", err, sizeof(err)), MW_OK);
	assert_int_equal(mw_notify_template_check("{{password}}", err, sizeof(err)),
			 MW_ERR_INVALID);
	assert_non_null(strstr(err, "unknown variable {{password}}"));
	assert_int_equal(mw_notify_template_check("{{receipt_no", err, sizeof(err)), MW_ERR_INVALID);
	assert_int_equal(mw_notify_template_check("x }} y", err, sizeof(err)), MW_ERR_INVALID);
	assert_int_equal(mw_notify_template_check("{{#title}}x", err, sizeof(err)), MW_ERR_INVALID);
	assert_int_equal(mw_notify_template_check("{{/title}}", err, sizeof(err)), MW_ERR_INVALID);
	assert_int_equal(mw_notify_template_check("{{#title}}{{#reason}}{{/reason}}{{/title}}", err,
						  sizeof(err)), MW_ERR_INVALID);
}

/* ---- settings and choices ------------------------------------------------- */

static void test_settings(void **state)
{
	mw_notify_config cfg;
	bool done[64] = { false };
	char err[256];

	(void)state;
	mw_notify_config_init(&cfg);
	assert_int_equal(cfg.max_tries, 8);
	assert_string_equal(cfg.quiet_hours, "21:00-08:00");
	assert_false(cfg.training);
	assert_int_equal(mw_notify_config_parse(&cfg, "# test\n smtp-url = smtp://127.0.0.1:25 \n"
					       "smtp-from=a@b.kr\nnotify-tries = 3\n"
					       "notify-training = yes\n", done, err, sizeof(err)),
			 MW_OK);
	assert_string_equal(cfg.smtp_url, "smtp://127.0.0.1:25");
	assert_int_equal(cfg.max_tries, 3);
	assert_true(cfg.training);
	assert_int_equal(mw_notify_config_finish(&cfg, done, err, sizeof(err)), MW_OK);
	assert_int_equal(cfg.quiet_from, 21 * 60);
	assert_int_equal(cfg.quiet_to, 8 * 60);
	assert_true(mw_notify_channel_configured(&cfg, MW_CHAN_EMAIL));
	assert_false(mw_notify_channel_configured(&cfg, MW_CHAN_SMS));
	assert_int_equal(mw_notify_config_parse(&cfg, "smtp-url\n", done, err, sizeof(err)),
			 MW_ERR_INVALID);
	assert_non_null(strstr(err, "line 1"));
	assert_int_equal(mw_notify_config_parse(&cfg, "\nfax-url = x\n", done, err, sizeof(err)),
			 MW_ERR_INVALID);
	assert_non_null(strstr(err, "line 2: unknown setting fax-url"));
	assert_int_equal(mw_notify_config_set(&cfg, "quiet-hours", "25:00-08:00", true, err,
					      sizeof(err)), MW_OK);
	assert_int_equal(mw_notify_config_finish(&cfg, done, err, sizeof(err)), MW_ERR_INVALID);
	assert_int_equal(mw_notify_config_set(&cfg, "quiet-hours", "none", true, err, sizeof(err)),
			 MW_OK);
	assert_int_equal(mw_notify_config_set(&cfg, "smtp-from", "", true, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_notify_config_finish(&cfg, done, err, sizeof(err)), MW_ERR_INVALID);
	assert_non_null(strstr(err, "smtp-from"));
	assert_int_equal(mw_notify_config_set(&cfg, "notify-tries", "many", true, err, sizeof(err)),
			 MW_ERR_INVALID);
	mw_notify_config_release(&cfg);
}

/* Which staff notices also go by SMS: the default, a list, none; citizen
 * notices and unknown kinds are refused. */
static void test_staff_sms_setting(void **state)
{
	mw_notify_config cfg;
	bool done[64] = { false };
	char err[256];
	const uint64_t bit = 1;

	(void)state;
	mw_notify_config_init(&cfg);
	assert_int_equal(mw_notify_config_finish(&cfg, done, err, sizeof(err)), MW_OK);
	assert_true(cfg.staff_sms_kinds == ((bit << MW_NOTICE_URGENT) | (bit << MW_NOTICE_OVERDUE) |
					   (bit << MW_NOTICE_DUE_SOON)));
	assert_int_equal(mw_notify_config_set(&cfg, "staff-sms", " overdue,, reminder ", true, err,
					      sizeof(err)), MW_OK);
	assert_int_equal(mw_notify_config_finish(&cfg, done, err, sizeof(err)), MW_OK);
	assert_true(cfg.staff_sms_kinds == ((bit << MW_NOTICE_OVERDUE) | (bit << MW_NOTICE_REMINDER)));
	assert_int_equal(mw_notify_config_set(&cfg, "staff-sms", "none", true, err, sizeof(err)),
			 MW_OK);
	assert_int_equal(mw_notify_config_finish(&cfg, done, err, sizeof(err)), MW_OK);
	assert_true(cfg.staff_sms_kinds == 0);
	assert_int_equal(mw_notify_config_set(&cfg, "staff-sms", "urgent,late", true, err,
					      sizeof(err)), MW_OK);
	assert_int_equal(mw_notify_config_finish(&cfg, done, err, sizeof(err)), MW_ERR_INVALID);
	assert_non_null(strstr(err, "staff-sms: late is not a staff notice"));
	assert_int_equal(mw_notify_config_set(&cfg, "staff-sms", "urgentt", true, err, sizeof(err)),
			 MW_OK);
	assert_int_equal(mw_notify_config_finish(&cfg, done, err, sizeof(err)), MW_ERR_INVALID);
	mw_notify_config_release(&cfg);
}

static void expect_prefs(const char *in, bool email, bool phone, const char *want)
{
	mw_buf b = MW_BUF_INIT;
	char err[200];
	int rc = mw_notify_prefs_json(in, email, phone, &b, err, sizeof(err));

	if (!want) {
		assert_int_equal(rc, MW_ERR_INVALID);
	} else {
		if (rc)
			fail_msg("%s: %s", in ? in : "(none)", err);
		assert_string_equal(b.ptr, want);
	}
	mw_buf_release(&b);
}

static void test_prefs(void **state)
{
	(void)state;
	expect_prefs(NULL, true, true, "{\"channels\":[\"email\",\"sms\"],\"lang\":\"ko\"}");
	expect_prefs(NULL, false, true, "{\"channels\":[\"sms\"],\"lang\":\"ko\"}");
	expect_prefs("false", true, true, "{\"channels\":[],\"lang\":\"ko\"}");
	expect_prefs("{\"channels\":[\"kakao\"],\"lang\":\"en\"}", false, true,
		     "{\"channels\":[\"kakao\"],\"lang\":\"en\"}");
	expect_prefs("{\"lang\":\"en\"}", true, false, "{\"channels\":[\"email\"],\"lang\":\"en\"}");
	expect_prefs("{\"channels\":[\"sms\"]}", true, false, NULL);
	expect_prefs("{\"channels\":[\"webhook\"]}", true, true, NULL);
	expect_prefs("{\"channels\":\"email\"}", true, true, NULL);
	expect_prefs("{\"lang\":\"ja\"}", true, true, NULL);
	expect_prefs("{\"other\":1}", true, true, NULL);
	expect_prefs("true", true, true, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoded_words),
		cmocka_unit_test(test_mail_format),
		cmocka_unit_test(test_builtin_templates),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_template_check),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_staff_sms_setting),
		cmocka_unit_test(test_prefs),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * fuzz_notify.c - the parsers of notifications (src/notify/): message
 * templates, the settings file, a citizen's "notify" choice, and the
 * RFC 2047 encoding of mail headers.
 *
 * The first byte picks the parser (% 4), the rest is its input:
 *  0  a template: mw_notify_template_check; one it accepts renders
 *     (mw_tmpl_render) to text with no "{{" left in it.
 *  1  a settings file: mw_notify_config_parse; one it accepts (naming
 *     no further file) is checked by mw_notify_config_finish (quiet hours,
 *     periods, staff-sms: only staff notices); then the same text again
 *     with every setting already set by a flag (nothing may change).
 *  2  a header value: mw_mime_encode_words; every encoded word is at most
 *     75 characters and the words decode back to the input exactly;
 *     mw_mail_format of a message with it as subject and body succeeds.
 *  3  a "notify" member: mw_notify_prefs_json with each combination of
 *     contact data; what it accepts is an object of channels and lang.
 */
#include "fuzz.h"
#include "base/mw.h"
#include "notify/mime.h"
#include "notify/notify_int.h"

#include <sodium.h>
#include <string.h>

#include "base/banned.h"

static void check_template(const char *s)
{
	char err[200];
	json_t *vars;
	mw_buf out = MW_BUF_INIT;
	int rc = mw_notify_template_check(s, err, sizeof(err));

	FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_INVALID, "check returned %d", rc);
	if (rc)
		return;
	vars = json_pack("{s:s,s:s,s:I,s:s}", "receipt_no", "2501-000001", "title", "제목",
			 "due_at", (json_int_t)1737700000, "track_url", "");
	FUZZ_CHECK(mw_tmpl_render(s, vars, "ko", &out) == MW_OK, "an accepted template fails");
	FUZZ_CHECK(!out.ptr || !strstr(out.ptr, "{{"), "a tag survived rendering");
	mw_buf_release(&out);
	json_decref(vars);
}

static void check_config(const char *s)
{
	mw_notify_config cfg;
	bool done[64];
	char err[256];
	int rc;

	FUZZ_CHECK(mw_notify_setting_count() <= MW_ARRAY_LEN(done), "too many settings");
	memset(done, 0, sizeof(done));
	mw_notify_config_init(&cfg);
	rc = mw_notify_config_parse(&cfg, s, done, err, sizeof(err));
	FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_INVALID, "parse returned %d", rc);
	if (rc == MW_OK && !cfg.config_file) {
		rc = mw_notify_config_finish(&cfg, done, err, sizeof(err));
		FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_INVALID, "finish returned %d", rc);
		for (int k = 0; rc == MW_OK && k < MW_NOTICE__COUNT; k++)
			FUZZ_CHECK(!(cfg.staff_sms_kinds & (UINT64_C(1) << k)) ||
					   !mw_notice_for_citizen((mw_notice)k),
				   "a citizen notice goes to staff by SMS");
	}
	mw_notify_config_release(&cfg);
	/* Set by flags: the file changes nothing. */
	memset(done, 1, sizeof(done));
	mw_notify_config_init(&cfg);
	{
		mw_notify_config before = cfg;

		rc = mw_notify_config_parse(&cfg, s, done, err, sizeof(err));
		FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_INVALID, "parse returned %d", rc);
		FUZZ_CHECK(cfg.smtp_url == before.smtp_url && cfg.max_tries == before.max_tries &&
				   cfg.training == before.training,
			   "a setting given by a flag changed");
	}
	mw_notify_config_release(&cfg);
}

static void check_words(const char *s)
{
	mw_buf out = MW_BUF_INIT, all = MW_BUF_INIT;
	mw_mail m = { .from = "a@b.kr", .to = "c@d.kr", .subject = s, .body = s,
		      .message_id = "mw-1@b.kr", .date = 1737700000 };

	FUZZ_CHECK(mw_mime_encode_words(&out, s) == MW_OK, "encoding failed");
	if (out.ptr && !strncmp(out.ptr, "=?UTF-8?B?", 10)) {
		char *p = out.ptr;

		while (*p) {
			char *end = strstr(p, "\r\n ");
			size_t len = end ? (size_t)(end - p) : strlen(p);
			unsigned char bin[64];
			size_t n = 0;

			FUZZ_CHECK(len <= 75, "an encoded word of %zu characters", len);
			FUZZ_CHECK(len > 12 && !strncmp(p, "=?UTF-8?B?", 10) &&
					   !strncmp(p + len - 2, "?=", 2),
				   "not an encoded word");
			FUZZ_CHECK(sodium_base642bin(bin, sizeof(bin), p + 10, len - 12, NULL, &n, NULL,
						     sodium_base64_VARIANT_ORIGINAL) == 0,
				   "bad base64 in a word");
			mw_buf_append(&all, bin, n);
			p = end ? end + 3 : p + len;
		}
		FUZZ_CHECK(all.len == strlen(s) && !memcmp(all.ptr, s, all.len),
			   "the words do not decode to the input");
	} else {
		FUZZ_CHECK(!out.ptr || !strcmp(out.ptr, s), "plain text changed");
	}
	mw_buf_release(&out);
	mw_buf_release(&all);
	FUZZ_CHECK(mw_mail_format(&out, &m) == MW_OK, "formatting a mail failed");
	mw_buf_release(&out);
}

static void check_prefs(const char *s)
{
	for (int k = 0; k < 4; k++) {
		mw_buf out = MW_BUF_INIT;
		char err[200];
		int rc = mw_notify_prefs_json(s, k & 1, k & 2, &out, err, sizeof(err));

		FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_INVALID, "prefs returned %d", rc);
		if (!rc) {
			json_t *j = json_loads(out.ptr, 0, NULL);

			FUZZ_CHECK(json_is_array(json_object_get(j, "channels")) &&
					   json_is_string(json_object_get(j, "lang")),
				   "accepted choice is not {channels, lang}");
			json_decref(j);
		}
		mw_buf_release(&out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 8192)
		return 0;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 4) {
	case 0: check_template(s); break;
	case 1: check_config(s); break;
	case 2: check_words(s); break;
	default: check_prefs(s); break;
	}
	free(s);
	return 0;
}

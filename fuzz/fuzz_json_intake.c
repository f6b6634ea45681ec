/*
 * fuzz_json_intake.c - a complaint intake body (POST /api/v1/complaints)
 * as the server reads it.
 *
 * The input is the request body. It is parsed as mw_api_json_body
 * (src/api/dispatch.c) does, with json_loadb and JSON_REJECT_DUPLICATES;
 * when it is an object, the fields are read the way api_complaint_create
 * (src/api/complaints.c) reads them: text and title through
 * mw_text_normalize with their limits, the title derived from the text
 * when there is none, lat/lon, consent, and the contact object, whose
 * name, phone and e-mail are validated, written into the contact JSON
 * that gets sealed, and masked for a staff screen as api_staff_complaint
 * does, with the same helpers (api.h).
 *
 * Checks: every string jansson hands out is valid UTF-8 of its stated
 * length; mw_buf_json_str re-encodes every string (keys too) into JSON
 * that parses back to the same string; normalised fields keep their
 * limits and are valid UTF-8; the contact JSON and the masked contact
 * JSON parse back, the masked values as valid UTF-8.
 */
#include "fuzz.h"
#include "api/api.h"
#include "base/buf.h"
#include "base/mw.h"
#include "core/complaint.h"
#include "core/mask.h"
#include "core/text.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "base/banned.h"

/* Bodies beyond this are cut off by the HTTP layer long before. */
#define BODY_MAX (256 * 1024)

static char esc1[512], esc2[512];

#define ESC(s, n) fuzz_esc((s), (n), esc1, sizeof(esc1))
#define ESC2(s, n) fuzz_esc((s), (n), esc2, sizeof(esc2))

/* mw_buf_json_str(s) must be a JSON string literal that reads back as s. */
static void check_reencode(const char *s, size_t len)
{
	mw_buf b = MW_BUF_INIT;
	json_error_t err;
	json_t *v;

	FUZZ_CHECK(mw_buf_json_str(&b, s) == MW_OK, "re-encoding failed");
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.ptr[i];

		FUZZ_CHECK(c >= 0x20 && c != '<' && c != '>' && c != '&',
			   "raw 0x%02x in the literal %s", c, ESC(b.ptr, b.len));
	}
	v = json_loadb(b.ptr, b.len, JSON_DECODE_ANY, &err);
	FUZZ_CHECK(v != NULL, "literal %s does not parse: %s", ESC(b.ptr, b.len), err.text);
	FUZZ_CHECK(json_is_string(v) && json_string_length(v) == len &&
			   !memcmp(json_string_value(v), s, len),
		   "\"%s\" comes back as %s", ESC(s, len), ESC2(b.ptr, b.len));
	json_decref(v);
	mw_buf_release(&b);
}

static void check_string(const char *s, size_t len)
{
	/* Without JSON_ALLOW_NUL, jansson refuses \u0000 in strings. */
	FUZZ_CHECK(strlen(s) == len, "string with a NUL at %zu of %zu", strlen(s), len);
	FUZZ_CHECK(mw_text_valid_utf8(s, len), "jansson gave invalid UTF-8 \"%s\"", ESC(s, len));
	check_reencode(s, len);
}

static void walk(json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach(v, key, item) {
			check_string(key, strlen(key));
			walk(item);
		}
		break;
	case JSON_ARRAY:
		json_array_foreach(v, i, item)
			walk(item);
		break;
	case JSON_STRING:
		check_string(json_string_value(v), json_string_length(v));
		break;
	case JSON_REAL:
		FUZZ_CHECK(isfinite(json_real_value(v)), "jansson gave a real that is not finite");
		break;
	default:
		break;
	}
}

/* mw_api_text_field: NULL for absent, null, wrong type, refused or empty. */
static char *text_field(json_t *obj, const char *key, size_t max, bool multiline)
{
	json_t *v = json_object_get(obj, key);
	const char *why;
	char *norm = NULL;
	size_t n;
	int rc;

	if (!v || !json_is_string(v))
		return NULL;
	rc = mw_text_normalize(json_string_value(v), json_string_length(v), max, multiline, &norm,
			       &why);
	if (rc) {
		FUZZ_CHECK(!norm, "result on error");
		return NULL;
	}
	n = strlen(norm);
	FUZZ_CHECK(n <= max, "%s: %zu bytes over %zu", key, n, max);
	FUZZ_CHECK(mw_text_valid_utf8(norm, n), "%s: invalid UTF-8 \"%s\"", key, ESC(norm, n));
	if (!multiline)
		FUZZ_CHECK(!strchr(norm, '\n'), "%s: a line break in a single-line field", key);
	if (!*norm) {
		free(norm);
		return NULL;
	}
	return norm;
}

/* ---------------------------------------------------------------------- */

/* A JSON object body written with mw_buf_json_str must parse back, each
 * value the string that went in. */
static void check_contact_json(const char *what, const char *const names[3],
			       const char *const values[3])
{
	mw_buf b = MW_BUF_INIT;
	json_error_t err;
	json_t *j;

	for (int i = 0; i < 3; i++) {
		mw_buf_puts(&b, i ? ",\"" : "{\"");
		mw_buf_puts(&b, names[i]);
		mw_buf_puts(&b, "\":");
		FUZZ_CHECK(mw_buf_json_str(&b, values[i]) == MW_OK, "encoding failed");
	}
	mw_buf_putc(&b, '}');
	j = json_loadb(b.ptr, b.len, JSON_REJECT_DUPLICATES, &err);
	FUZZ_CHECK(j != NULL, "%s %s does not parse: %s", what, ESC(b.ptr, b.len), err.text);
	for (int i = 0; i < 3; i++) {
		json_t *v = json_object_get(j, names[i]);

		if (!values[i])
			FUZZ_CHECK(json_is_null(v), "%s: %s is not null", what, names[i]);
		else
			FUZZ_CHECK(json_is_string(v) && !strcmp(json_string_value(v), values[i]),
				   "%s: %s does not come back", what, names[i]);
	}
	json_decref(j);
	mw_buf_release(&b);
}

static void contact(json_t *body)
{
	static const char *const names[3] = { "name", "phone", "email" };
	json_t *c = json_object_get(body, "contact");
	char *name, *phone, *email;
	char digits[24];
	/* The buffers of api_staff_complaint (src/api/staff.c). */
	char mn[128], mp[40], me[300];

	if (!json_is_object(c))
		return;
	name = text_field(c, "name", MW_NAME_MAX, false);
	phone = text_field(c, "phone", MW_PHONE_MAX, false);
	email = text_field(c, "email", MW_EMAIL_MAX, false);
	if ((phone && !mw_api_phone_digits(phone, digits, sizeof(digits))) ||
	    (email && !mw_api_email_valid(email)) || (!name && !phone && !email))
		goto out;
	{
		const char *const plain[3] = { name, phone, email };

		check_contact_json("contact", names, plain);
	}
	mw_mask_name(name, mn, sizeof(mn));
	mw_mask_phone(phone, mp, sizeof(mp));
	mw_mask_email(email, me, sizeof(me));
	{
		const char *const masked[3] = { name ? mn : NULL, phone ? mp : NULL,
						 email ? me : NULL };

		for (int i = 0; i < 3; i++) {
			const char *in = i == 0 ? name : i == 1 ? phone : email;
			size_t n;

			if (!masked[i])
				continue;
			n = strlen(masked[i]);
			FUZZ_CHECK(mw_text_valid_utf8(masked[i], n),
				   "masked %s \"%s\" of \"%s\" is not valid UTF-8", names[i],
				   ESC(masked[i], n), ESC2(in, strlen(in)));
			FUZZ_CHECK(strcmp(masked[i], in) || strchr(in, '*'),
				   "masking %s \"%s\" hides nothing", names[i], ESC(in, strlen(in)));
		}
		check_contact_json("masked contact", names, masked);
	}
out:
	free(name);
	free(phone);
	free(email);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *root, *v;
	char *text, *title;

	if (size == 0 || size > BODY_MAX)
		return 0;
	root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return 0;
	walk(root);
	if (!json_is_object(root)) {
		json_decref(root);
		return 0;
	}
	text = text_field(root, "text", MW_TEXT_MAX, true);
	title = text_field(root, "title", MW_TITLE_MAX, false);
	if (text && !title) {
		mw_arena a = MW_ARENA_INIT;

		title = strdup(mw_api_derive_title(&a, text));
		mw_arena_release(&a);
		FUZZ_CHECK(mw_text_valid_utf8(title, strlen(title)),
			   "derived title \"%s\" of \"%s\" is not valid UTF-8",
			   ESC(title, strlen(title)), ESC2(text, strlen(text)));
		FUZZ_CHECK(strlen(title) <= 60 + strlen("…") && strlen(title) <= MW_TITLE_MAX,
			   "derived title of %zu bytes", strlen(title));
		check_reencode(title, strlen(title));
	}
	free(text);
	free(title);
	free(text_field(root, "address", MW_ADDRESS_MAX, false));
	{
		json_t *lat = json_object_get(root, "lat"), *lon = json_object_get(root, "lon");

		/* mw_api_opt_number: a number, and finite. */
		if (json_is_number(lat) && json_is_number(lon)) {
			double la = json_number_value(lat), lo = json_number_value(lon);

			FUZZ_CHECK(isfinite(la) && isfinite(lo), "lat/lon not finite");
		}
	}
	v = json_object_get(root, "consent");
	if (json_is_object(v)) {
		json_t *p = json_object_get(v, "privacy"), *m = json_object_get(v, "public_map");

		if (p && !json_is_null(p) && json_is_boolean(p))
			(void)json_is_true(p);
		if (m && !json_is_null(m) && json_is_boolean(m))
			(void)json_is_true(m);
	}
	contact(root);
	json_decref(root);
	return 0;
}

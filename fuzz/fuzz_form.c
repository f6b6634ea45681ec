/*
 * fuzz_form.c - form bodies (src/http/form.h).
 *
 * Input: the first byte chooses the type (even: urlencoded; odd:
 * multipart/form-data with boundary "b"), the rest is the body.
 *
 * Checks: at most MW_FORM_MAX_FIELDS fields; every name is a non-empty
 * string for multipart; text values are NUL-terminated at their length
 * (urlencoded) or hold their length (multipart); file parts point inside
 * the body.
 */
#include "fuzz.h"
#include "base/mw.h"
#include "http/form.h"

#include <string.h>

#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mw_arena a = MW_ARENA_INIT;
	mw_form f;
	const char *body;
	bool multipart;
	int rc;

	if (!size)
		return 0;
	multipart = data[0] & 1;
	body = (const char *)data + 1;
	rc = mw_form_parse(&a, multipart ? "multipart/form-data; boundary=b"
					 : "application/x-www-form-urlencoded",
			   body, size - 1, &f);
	if (rc == MW_OK) {
		FUZZ_CHECK(f.n <= MW_FORM_MAX_FIELDS, "%zu fields", f.n);
		for (size_t i = 0; i < f.n; i++) {
			FUZZ_CHECK(f.f[i].name && f.f[i].value, "field %zu without name or value", i);
			if (multipart)
				FUZZ_CHECK(f.f[i].name[0], "empty name");
			if (f.f[i].filename) {
				FUZZ_CHECK(f.f[i].value >= body && f.f[i].value + f.f[i].len <= body + size - 1,
					   "file part outside the body");
			} else {
				FUZZ_CHECK(f.f[i].value[f.f[i].len] == '\0', "text value not terminated");
				if (!multipart)
					FUZZ_CHECK(strlen(f.f[i].value) <= f.f[i].len, "length");
			}
		}
	} else {
		FUZZ_CHECK(rc == MW_ERR_INVALID || rc == MW_ERR_TOO_LARGE, "error %d", rc);
	}
	mw_arena_release(&a);
	return 0;
}

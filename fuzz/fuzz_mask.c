/*
 * fuzz_mask.c - mw_mask_name, mw_mask_phone and mw_mask_email
 * (src/core/mask.h) with output buffers of every size from 0 to 64.
 *
 * Input: the first byte gives the buffer size (its value modulo 65), the
 * rest, up to the first NUL, is the value; every function is run on it,
 * into a heap block of exactly that size (so AddressSanitizer sees one
 * byte written past it), and also into a roomy buffer.
 *
 * Checks: nothing is written into a zero-sized buffer; otherwise the
 * result is NUL-terminated inside the buffer; when the value is valid
 * UTF-8 the result is too (a cut-short result included); a cut-short
 * result is a prefix of the full one; a value is never shown unmasked.
 */
#include "fuzz.h"
#include "base/mw.h"
#include "core/mask.h"
#include "core/text.h"

#include <string.h>

#include "base/banned.h"

typedef void (*mask_fn)(const char *, char *, size_t);

static void check_one(const char *fname, mask_fn fn, const char *in, size_t outsz)
{
	char full[1024];
	char *out = malloc(outsz ? outsz : 1);
	size_t inlen = strlen(in), len;
	int valid = mw_text_valid_utf8(in, inlen);
	char e1[512], e2[512];

	FUZZ_CHECK(out != NULL, "out of memory");
	/* A roomy buffer first: the full result. */
	memset(full, 'Z', sizeof(full));
	fn(in, full, sizeof(full));
	len = strnlen(full, sizeof(full));
	FUZZ_CHECK(len < sizeof(full), "%s: no NUL in %zu bytes", fname, sizeof(full));
	if (valid)
		FUZZ_CHECK(mw_text_valid_utf8(full, len), "%s(\"%s\") = \"%s\" is not valid UTF-8",
			   fname, fuzz_esc(in, inlen, e1, sizeof(e1)),
			   fuzz_esc(full, len, e2, sizeof(e2)));
	/* Something is always hidden (values made of stars aside). */
	if (*in && !strchr(in, '*'))
		FUZZ_CHECK(strcmp(full, in) != 0, "%s(\"%s\") shows it unmasked", fname,
			   fuzz_esc(in, inlen, e1, sizeof(e1)));
	if (!*in)
		FUZZ_CHECK(len == 0, "%s(\"\") = \"%s\"", fname, fuzz_esc(full, len, e1, sizeof(e1)));

	/* Then exactly outsz bytes. */
	memset(out, 'Z', outsz ? outsz : 1);
	fn(in, out, outsz);
	if (!outsz) {
		FUZZ_CHECK(out[0] == 'Z', "%s wrote into a zero-sized buffer", fname);
		free(out);
		return;
	}
	FUZZ_CHECK(memchr(out, '\0', outsz) != NULL, "%s: no NUL within %zu bytes", fname, outsz);
	len = strlen(out);
	FUZZ_CHECK(len < outsz, "%s: %zu bytes in a buffer of %zu", fname, len, outsz);
	if (valid)
		FUZZ_CHECK(mw_text_valid_utf8(out, len),
			   "%s(\"%s\") into %zu bytes = \"%s\" is not valid UTF-8", fname,
			   fuzz_esc(in, inlen, e1, sizeof(e1)), outsz, fuzz_esc(out, len, e2, sizeof(e2)));
	FUZZ_CHECK(!strncmp(out, full, len), "%s(\"%s\") into %zu bytes = \"%s\", not a prefix of \"%s\"",
		   fname, fuzz_esc(in, inlen, e1, sizeof(e1)), outsz, fuzz_esc(out, len, e2, sizeof(e2)),
		   full);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t outsz;
	char *in;

	if (size < 1 || size > 4096)
		return 0;
	outsz = data[0] % 65;
	in = malloc(size);
	if (!in)
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	check_one("mw_mask_name", mw_mask_name, in, outsz);
	check_one("mw_mask_phone", mw_mask_phone, in, outsz);
	check_one("mw_mask_email", mw_mask_email, in, outsz);
	/* NULL is a missing value: an empty result. */
	{
		char o[8] = "Z";

		mw_mask_name(NULL, o, sizeof(o));
		FUZZ_CHECK(o[0] == '\0', "mw_mask_name(NULL) not empty");
		mw_mask_phone(NULL, o, sizeof(o));
		FUZZ_CHECK(o[0] == '\0', "mw_mask_phone(NULL) not empty");
		mw_mask_email(NULL, o, sizeof(o));
		FUZZ_CHECK(o[0] == '\0', "mw_mask_email(NULL) not empty");
	}
	free(in);
	return 0;
}

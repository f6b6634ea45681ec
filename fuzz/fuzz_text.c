/*
 * fuzz_text.c - mw_text_normalize (src/core/text.h) on arbitrary bytes.
 *
 * The whole input is the text. It is normalised single-line and
 * multi-line, with limits of 0, a small one that varies with the input,
 * 64 and MW_TEXT_MAX, and every result is checked against what text.h
 * promises:
 *   - MW_OK gives valid UTF-8 of at most max bytes with no C0 control
 *     but '\n' (and no '\n' single-line), no DEL, no C1 control (UTF-8
 *     C2 80..C2 9F), and no space or newline at either end;
 *   - MW_ERR_INVALID exactly for a NUL or invalid UTF-8 (with *why set);
 *   - the result does not depend on max, as long as it fits;
 *   - the result is normalised already: normalising it again gives it
 *     back (NFC and all).
 */
#include "fuzz.h"
#include "base/mw.h"
#include "core/complaint.h"
#include "core/text.h"

#include <string.h>

#include "base/banned.h"

static void check_ok(const char *in, size_t len, size_t max, int multiline, const char *out)
{
	size_t n = strlen(out);
	char e1[512], e2[512];

	FUZZ_CHECK(n <= max, "%zu bytes over max %zu", n, max);
	FUZZ_CHECK(mw_text_valid_utf8(out, n), "invalid UTF-8 \"%s\"",
		   fuzz_esc(out, n, e1, sizeof(e1)));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		FUZZ_CHECK(c >= 0x20 || (c == '\n' && multiline),
			   "control 0x%02x at %zu in \"%s\" (multiline %d)", c, i,
			   fuzz_esc(out, n, e1, sizeof(e1)), multiline);
		FUZZ_CHECK(c != 0x7f, "DEL at %zu in \"%s\"", i, fuzz_esc(out, n, e1, sizeof(e1)));
		FUZZ_CHECK(!(c == 0xc2 && i + 1 < n && (unsigned char)out[i + 1] >= 0x80 &&
			     (unsigned char)out[i + 1] <= 0x9f),
			   "C1 control at %zu in \"%s\"", i, fuzz_esc(out, n, e1, sizeof(e1)));
	}
	if (n) {
		FUZZ_CHECK(out[0] != ' ' && out[0] != '\n', "leading blank in \"%s\"",
			   fuzz_esc(out, n, e1, sizeof(e1)));
		FUZZ_CHECK(out[n - 1] != ' ' && out[n - 1] != '\n', "trailing blank in \"%s\"",
			   fuzz_esc(out, n, e1, sizeof(e1)));
	}
	{
		/* Accepted text is a fixed point: NFC, no controls, trimmed. */
		char *again = NULL;
		const char *why = NULL;
		int rc = mw_text_normalize(out, n, max, multiline, &again, &why);

		FUZZ_CHECK(rc == MW_OK, "normalising the result \"%s\" again fails: %s",
			   fuzz_esc(out, n, e1, sizeof(e1)), mw_err_code(rc));
		FUZZ_CHECK(!strcmp(again, out),
			   "not a fixed point (not NFC?): \"%s\" -> \"%s\" -> \"%s\" (multiline %d)",
			   fuzz_esc(in, len, e1, sizeof(e1)), fuzz_esc(out, n, e2, sizeof(e2)),
			   again, multiline);
		free(again);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const size_t maxes[] = { 0, size % 37, 64, MW_TITLE_MAX, MW_TEXT_MAX };
	int valid = mw_text_valid_utf8(in, size) && !memchr(in, '\0', size);
	char *results[2] = { NULL, NULL };  /* under MW_TEXT_MAX, per multiline */
	char e1[512], e2[512];

	for (int multiline = 0; multiline <= 1; multiline++) {
		char *first = NULL;     /* the result under the largest max */

		for (size_t k = MW_ARRAY_LEN(maxes); k-- > 0;) {
			char *out = (char *)0x1;
			const char *why = (const char *)0x1;
			int rc = mw_text_normalize(in, size, maxes[k], multiline, &out, &why);

			FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_INVALID || rc == MW_ERR_TOO_LARGE ||
					   rc == MW_ERR_NOMEM,
				   "unexpected error %d", rc);
			if (rc != MW_OK) {
				FUZZ_CHECK(out == NULL, "*out not NULL on error %s", mw_err_code(rc));
				FUZZ_CHECK(why != (const char *)0x1, "*why left unset");
			}
			if (rc == MW_ERR_INVALID) {
				FUZZ_CHECK(!valid, "valid UTF-8 without NUL refused: \"%s\"",
					   fuzz_esc(in, size, e1, sizeof(e1)));
				FUZZ_CHECK(why && *why, "MW_ERR_INVALID without a reason");
			}
			/* Invalid input is refused, unless refused first for size. */
			if (!valid)
				FUZZ_CHECK(rc == MW_ERR_INVALID || rc == MW_ERR_TOO_LARGE,
					   "invalid input accepted: \"%s\"",
					   fuzz_esc(in, size, e1, sizeof(e1)));
			if (rc != MW_OK)
				continue;
			FUZZ_CHECK(out != NULL && why == NULL, "MW_OK without a result or with a reason");
			check_ok(in, size, maxes[k], multiline, out);
			/* A smaller max never changes a result that fits it. */
			if (first)
				FUZZ_CHECK(!strcmp(first, out), "result depends on max %zu",
					   maxes[k]);
			else if (k == MW_ARRAY_LEN(maxes) - 1)
				first = out, out = NULL;
			else
				FUZZ_CHECK(0, "fits max %zu but not MW_TEXT_MAX", maxes[k]);
			free(out);
		}
		results[multiline] = first;
	}
	/* Single-line and multi-line differ only in the line breaks. */
	FUZZ_CHECK(!results[0] == !results[1], "accepted only with multiline=%d",
		   results[1] ? 1 : 0);
	if (results[1]) {
		for (char *p = results[1]; *p; p++)
			if (*p == '\n')
				*p = ' ';
		FUZZ_CHECK(!strcmp(results[0], results[1]),
			   "single-line \"%s\" is not multi-line with spaces \"%s\"",
			   fuzz_esc(results[0], strlen(results[0]), e1, sizeof(e1)),
			   fuzz_esc(results[1], strlen(results[1]), e2, sizeof(e2)));
	}
	free(results[0]);
	free(results[1]);
	return 0;
}

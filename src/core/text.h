/*
 * text.h - citizen text as the domain accepts it: valid UTF-8, NFC
 * (utf8proc), no control characters (C0, DEL, C1) but line breaks, tabs
 * turned into spaces, trimmed, and no longer than a field's limit.
 */
#ifndef MW_TEXT_H
#define MW_TEXT_H

#include <stddef.h>

/*
 * Normalises in (len bytes) into a new heap string *out (caller frees).
 * Errors: MW_ERR_INVALID for invalid UTF-8 (with *why naming it),
 * MW_ERR_TOO_LARGE when the result exceeds max bytes, MW_ERR_NOMEM.
 * Line breaks (\n, \r\n, \r) become \n when multiline is set, else
 * spaces.
 */
int mw_text_normalize(const char *in, size_t len, size_t max, int multiline, char **out,
		      const char **why);

/* True when s is valid UTF-8 (no overlongs, no surrogates). */
int mw_text_valid_utf8(const char *s, size_t len);

#endif

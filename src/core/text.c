#include "text.h"
#include "../base/mw.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "../base/banned.h"

int mw_text_valid_utf8(const char *s, size_t len)
{
	utf8proc_ssize_t off = 0;
	utf8proc_int32_t cp;

	while ((size_t)off < len) {
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + off,
						      (utf8proc_ssize_t)(len - (size_t)off), &cp);
		if (n <= 0 || cp < 0)
			return 0;
		off += n;
	}
	return 1;
}

int mw_text_normalize(const char *in, size_t len, size_t max, int multiline, char **out,
		      const char **why)
{
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t n;
	char *res, *clean;
	size_t w = 0, start, end;

	*out = NULL;
	if (why)
		*why = NULL;
	if (memchr(in, '\0', len)) {
		if (why)
			*why = "text contains a NUL character";
		return MW_ERR_INVALID;
	}
	/* Refuse oversize input before the normaliser allocates for it: NFC
	 * of Korean text never shrinks below a quarter of its input. */
	if (len > max * 4 + 64)
		return MW_ERR_TOO_LARGE;
	if (!mw_text_valid_utf8(in, len)) {
		if (why)
			*why = "text is not valid UTF-8";
		return MW_ERR_INVALID;
	}
	/* Controls go before composition, so that characters a control kept
	 * apart still compose (e + U+0001 + U+0301 -> é): the result is NFC. */
	clean = malloc(len + 1);
	if (!clean)
		return MW_ERR_NOMEM;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		/* \r\n and a lone \r are line breaks like \n. */
		if (c == '\r' && i + 1 < len && in[i + 1] == '\n')
			continue;
		if (c == '\r' || c == '\n' || c == '\t')
			c = multiline && c != '\t' ? '\n' : ' ';
		else if (c < 0x20 || c == 0x7f)
			continue;
		/* C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F) include
		 * terminal escapes; drop them like the C0 ones. */
		else if (c == 0xc2 && i + 1 < len && (unsigned char)in[i + 1] >= 0x80 &&
			 (unsigned char)in[i + 1] <= 0x9f) {
			i++;
			continue;
		}
		clean[w++] = (char)c;
	}
	n = utf8proc_map((const utf8proc_uint8_t *)clean, (utf8proc_ssize_t)w, &nfc,
			 UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	free(clean);
	if (n < 0) {
		if (why)
			*why = n == UTF8PROC_ERROR_NOMEM ? "out of memory" : "text is not valid UTF-8";
		return n == UTF8PROC_ERROR_NOMEM ? MW_ERR_NOMEM : MW_ERR_INVALID;
	}
	res = (char *)nfc;
	w = (size_t)n;
	start = 0;
	end = w;
	while (start < end && (res[start] == ' ' || res[start] == '\n'))
		start++;
	while (end > start && (res[end - 1] == ' ' || res[end - 1] == '\n'))
		end--;
	memmove(res, res + start, end - start);
	res[end - start] = '\0';
	if (end - start > max) {
		free(res);
		if (why)
			*why = "text is too long";
		return MW_ERR_TOO_LARGE;
	}
	*out = res;
	return MW_OK;
}

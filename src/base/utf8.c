#include "utf8.h"

#include <stddef.h>

#include "banned.h"

/* Length of the well-formed sequence at p, or 0 (RFC 3629 table). */
static size_t seq_len(const unsigned char *p)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 &&
				       (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

void mw_utf8_sanitize(char *s)
{
	unsigned char *p = (unsigned char *)s;

	/* A NUL inside a sequence fails the continuation-byte tests, so the
	 * look-ahead never runs past the terminator. */
	while (*p) {
		size_t n = seq_len(p);

		if (n) {
			p += n;
		} else {
			*p = '?';
			p++;
		}
	}
}

#include "mask.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

/* Length in bytes of the UTF-8 sequence starting with byte c (1 for a
 * stray continuation byte, so we always make progress). */
static size_t u8len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

void mw_mask_name(const char *name, char *out, size_t outsz)
{
	size_t starts[64], n = 0, len, pos = 0;

	if (!outsz)
		return;
	out[0] = '\0';
	if (!name || !*name)
		return;
	len = strlen(name);
	for (size_t i = 0; i < len && n < 64; i += u8len((unsigned char)name[i]))
		starts[n++] = i;
	if (n >= 64 || n == 0) {
		snprintf(out, outsz, "***");
		return;
	}
	/* First character kept (unless it is the only one); for three or
	 * more, the last one too. A character that does not fit whole is
	 * left out, so the result always ends on a character boundary. */
	for (size_t k = 0; k < n; k++) {
		size_t end = k + 1 < n ? starts[k + 1] : len;
		int w;

		if ((k == 0 && n > 1) || (n >= 3 && k == n - 1))
			w = snprintf(out + pos, outsz - pos, "%.*s", (int)(end - starts[k]),
				     name + starts[k]);
		else
			w = snprintf(out + pos, outsz - pos, "*");
		if (w < 0 || (size_t)w >= outsz - pos) {
			out[pos] = '\0';
			return;
		}
		pos += (size_t)w;
	}
}

void mw_mask_phone(const char *phone, char *out, size_t outsz)
{
	char digits[20];
	size_t n = 0;

	if (!outsz)
		return;
	out[0] = '\0';
	if (!phone || !*phone)
		return;
	for (const char *p = phone; *p && n < sizeof(digits) - 1; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	digits[n] = '\0';
	if (n < 9 || n > 12) {
		snprintf(out, outsz, "***");
		return;
	}
	/* Seoul numbers start with 02 (2-digit area code); others with three. */
	{
		size_t area = (digits[0] == '0' && digits[1] == '2') ? 2 : 3;
		size_t last = 4, mid = n - area - last;

		snprintf(out, outsz, "%.*s-%.*s-%s", (int)area, digits, (int)mid,
			 "********", digits + n - last);
	}
}

/* Appends n bytes of s to out at *pos, cutting at a character boundary
 * when out is too small; returns false once out is full. */
static bool append_chars(char *out, size_t outsz, size_t *pos, const char *s, size_t n)
{
	size_t take = 0;

	while (take < n) {
		size_t step = u8len((unsigned char)s[take]);

		if (take + step > n || *pos + take + step >= outsz)
			break;
		take += step;
	}
	memcpy(out + *pos, s, take);
	*pos += take;
	out[*pos] = '\0';
	return take == n;
}

void mw_mask_email(const char *email, char *out, size_t outsz)
{
	const char *at;
	size_t nchars = 0, keep, kept_bytes = 0, pos = 0;

	if (!outsz)
		return;
	out[0] = '\0';
	if (!email || !*email)
		return;
	at = strchr(email, '@');
	if (!at || at == email) {
		snprintf(out, outsz, "***");
		return;
	}
	/* Count characters, not bytes: a Korean local part keeps whole
	 * syllables. */
	for (const char *p = email; p < at; p += u8len((unsigned char)*p))
		nchars++;
	keep = nchars > 2 ? 2 : nchars - 1;
	for (size_t k = 0; k < keep; k++)
		kept_bytes += u8len((unsigned char)email[kept_bytes]);
	if (!append_chars(out, outsz, &pos, email, kept_bytes))
		return;
	for (size_t k = keep; k < nchars; k++)
		if (!append_chars(out, outsz, &pos, "*", 1))
			return;
	append_chars(out, outsz, &pos, at, strlen(at));
}

/*
 * media_png.c - the PNG chunk walker: finds the eXIf chunk and writes the
 * public copy.
 *
 * A PNG is an 8-byte signature and chunks: a 31-bit big-endian length, a
 * four-letter type, the data and a CRC-32 of type and data. IHDR comes
 * first and IEND last; anything after IEND is not part of the picture.
 * Every chunk's CRC is checked, so a damaged upload is refused instead of
 * being passed on to the public.
 */
#include "media_int.h"
#include "../base/buf.h"
#include "../base/mw.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../base/banned.h"

static const unsigned char png_sig[8] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};

struct png_walk {
	const unsigned char *d;
	size_t n;
	size_t pos;
	uint32_t crc_table[256];
};

struct png_chunk {
	const unsigned char *type;
	const unsigned char *data;
	uint32_t len;
	size_t start, end;	/* the whole chunk, length to CRC */
};

/* The table is built per walk (2048 steps) rather than kept in a global,
 * so that there is no first-use race between threads. */
static void crc_init(uint32_t table[256])
{
	uint32_t c, n, k;

	for (n = 0; n < 256; n++) {
		c = n;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[n] = c;
	}
}

static uint32_t crc32_of(const uint32_t table[256], const unsigned char *p,
			 size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static bool is_letter(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool type_is(const struct png_chunk *c, const char *t)
{
	return memcmp(c->type, t, 4) == 0;
}

static int walk_begin(struct png_walk *w, const unsigned char *d, size_t n)
{
	if (n < sizeof(png_sig) || memcmp(d, png_sig, sizeof(png_sig)) != 0)
		return MW_ERR_INVALID;
	w->d = d;
	w->n = n;
	w->pos = sizeof(png_sig);
	crc_init(w->crc_table);
	return MW_OK;
}

/* The next chunk, checked: MW_ERR_INVALID when it is cut short, has a bad
 * type or CRC, or the first chunk is not a proper IHDR. The caller stops
 * at IEND. */
static int walk_next(struct png_walk *w, struct png_chunk *c)
{
	const unsigned char *p = w->d + w->pos;
	size_t room = w->n - w->pos;
	uint32_t len;
	int i;

	if (room < 12)
		return MW_ERR_INVALID;
	len = mw_media_be32(p);
	if (len > 0x7fffffffu || len > room - 12)
		return MW_ERR_INVALID;
	for (i = 4; i < 8; i++) {
		if (!is_letter(p[i]))
			return MW_ERR_INVALID;
	}
	if (crc32_of(w->crc_table, p + 4, (size_t)len + 4) !=
	    mw_media_be32(p + 8 + len))
		return MW_ERR_INVALID;
	c->type = p + 4;
	c->data = p + 8;
	c->len = len;
	c->start = w->pos;
	c->end = w->pos + 12 + len;
	if (w->pos == sizeof(png_sig) && !(type_is(c, "IHDR") && len == 13))
		return MW_ERR_INVALID;
	w->pos = c->end;
	return MW_OK;
}

int mw_media_png_find_exif(const unsigned char *d, size_t n,
			   const unsigned char **exif, size_t *exiflen)
{
	struct png_walk w;
	struct png_chunk c;
	int rc = walk_begin(&w, d, n);

	if (rc)
		return rc;
	for (;;) {
		rc = walk_next(&w, &c);
		if (rc)
			return rc;
		if (type_is(&c, "IEND"))
			return MW_ERR_NOTFOUND;
		if (type_is(&c, "eXIf")) {
			*exif = c.data;
			*exiflen = c.len;
			return MW_OK;
		}
	}
}

/* The ancillary chunks that only say how to show the pixels. */
static const char *const keep_ancillary[] = {
	"tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "bKGD", "pHYs",
};

static bool keep_chunk(const struct png_chunk *c, int *rc)
{
	size_t i;

	*rc = MW_OK;
	if (type_is(c, "IHDR") || type_is(c, "PLTE") || type_is(c, "IDAT") ||
	    type_is(c, "IEND"))
		return true;
	/* An upper-case first letter marks a critical chunk: one we do not
	 * know means no decoder can show the picture. */
	if (c->type[0] >= 'A' && c->type[0] <= 'Z') {
		*rc = MW_ERR_INVALID;
		return false;
	}
	for (i = 0; i < MW_ARRAY_LEN(keep_ancillary); i++) {
		if (type_is(c, keep_ancillary[i]))
			return true;
	}
	return false;
}

int mw_media_png_strip(const unsigned char *d, size_t n, mw_buf *out)
{
	struct png_walk w;
	struct png_chunk c;
	bool seen_idat = false;
	int rc = walk_begin(&w, d, n);

	if (rc)
		return rc;
	rc = mw_buf_append(out, png_sig, sizeof(png_sig));
	if (rc)
		return rc;
	for (;;) {
		rc = walk_next(&w, &c);
		if (rc)
			return rc;
		if (type_is(&c, "IHDR") && c.start != sizeof(png_sig))
			return MW_ERR_INVALID;
		if (type_is(&c, "IDAT"))
			seen_idat = true;
		if (!keep_chunk(&c, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		rc = mw_buf_append(out, d + c.start, c.end - c.start);
		if (rc)
			return rc;
		if (type_is(&c, "IEND"))
			break;
	}
	return seen_idat ? MW_OK : MW_ERR_INVALID;
}

/*
 * media_webp.c - the WebP (RIFF) chunk walker: finds the EXIF chunk and
 * writes the public copy.
 *
 * A WebP is "RIFF", a little-endian size of what follows, "WEBP", then
 * chunks: a FourCC, a little-endian size and the data, padded to an even
 * length. The simple formats are a single VP8 or VP8L chunk and cannot
 * carry metadata; the extended format starts with VP8X, whose flags say
 * whether EXIF and XMP chunks are present.
 */
#include "media_int.h"
#include "../base/buf.h"
#include "../base/mw.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../base/banned.h"

/* VP8X flag bits (the first byte of its payload). */
#define VP8X_EXIF 0x08
#define VP8X_XMP 0x04

struct riff_chunk {
	const unsigned char *fourcc;
	const unsigned char *data;
	uint32_t size;
	size_t start, end;	/* header to padding, inclusive */
};

/* The RIFF header: on MW_OK *end is where the RIFF data ends (bytes after
 * it are not part of the file and are never copied). */
static int riff_begin(const unsigned char *d, size_t n, size_t *end)
{
	uint32_t size;

	if (n < 12 || memcmp(d, "RIFF", 4) != 0 ||
	    memcmp(d + 8, "WEBP", 4) != 0)
		return MW_ERR_INVALID;
	size = mw_media_le32(d + 4);
	if (size < 4 || size > n - 8)
		return MW_ERR_INVALID;
	*end = 8 + (size_t)size;
	return MW_OK;
}

static int riff_next(const unsigned char *d, size_t end, size_t pos,
		     struct riff_chunk *c)
{
	size_t room = end - pos;
	uint32_t size;
	size_t padded;

	if (room < 8)
		return MW_ERR_INVALID;
	size = mw_media_le32(d + pos + 4);
	padded = (size_t)size + (size & 1);
	if (padded > room - 8)
		return MW_ERR_INVALID;
	c->fourcc = d + pos;
	c->data = d + pos + 8;
	c->size = size;
	c->start = pos;
	c->end = pos + 8 + padded;
	return MW_OK;
}

static bool fourcc_is(const struct riff_chunk *c, const char *f)
{
	return memcmp(c->fourcc, f, 4) == 0;
}

int mw_media_webp_find_exif(const unsigned char *d, size_t n,
			    const unsigned char **exif, size_t *exiflen)
{
	struct riff_chunk c;
	size_t pos = 12, end;
	int rc = riff_begin(d, n, &end);

	if (rc)
		return rc;
	while (pos < end) {
		rc = riff_next(d, end, pos, &c);
		if (rc)
			return rc;
		if (pos == 12 && !fourcc_is(&c, "VP8X"))
			return MW_ERR_NOTFOUND;	/* simple format */
		if (fourcc_is(&c, "EXIF")) {
			*exif = c.data;
			*exiflen = c.size;
			return MW_OK;
		}
		pos = c.end;
	}
	return MW_ERR_NOTFOUND;
}

/* The chunks of the extended format that make up the picture. ANMF frames
 * are copied whole: the frame's own sub-chunks are image data. */
static const char *const keep_fourcc[] = {
	"ICCP", "ANIM", "ANMF", "ALPH", "VP8 ", "VP8L",
};

static bool keep_chunk(const struct riff_chunk *c)
{
	size_t i;

	for (i = 0; i < MW_ARRAY_LEN(keep_fourcc); i++) {
		if (fourcc_is(c, keep_fourcc[i]))
			return true;
	}
	return false;
}

static bool is_image(const struct riff_chunk *c)
{
	return fourcc_is(c, "VP8 ") || fourcc_is(c, "VP8L") ||
	       fourcc_is(c, "ANMF");
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

int mw_media_webp_strip(const unsigned char *d, size_t n, mw_buf *out)
{
	struct riff_chunk c;
	size_t pos = 12, end, base = out->len, riff;
	bool seen_image = false;
	int rc = riff_begin(d, n, &end);

	if (rc)
		return rc;
	rc = mw_buf_append(out, "RIFF\0\0\0\0WEBP", 12);
	if (rc)
		return rc;
	rc = riff_next(d, end, pos, &c);
	if (rc)
		return rc;
	if (fourcc_is(&c, "VP8 ") || fourcc_is(&c, "VP8L")) {
		/* The simple format is one chunk; anything after it is
		 * not WebP and is left behind. */
		rc = mw_buf_append(out, d + c.start, c.end - c.start);
		if (rc)
			return rc;
		seen_image = true;
	} else if (fourcc_is(&c, "VP8X")) {
		if (c.size < 10)
			return MW_ERR_INVALID;
		rc = mw_buf_append(out, d + c.start, c.end - c.start);
		if (rc)
			return rc;
		/* The flags byte of the VP8X payload we just copied. */
		((unsigned char *)out->ptr)[base + 12 + 8] &=
			(unsigned char)~(VP8X_EXIF | VP8X_XMP);
		for (pos = c.end; pos < end; pos = c.end) {
			rc = riff_next(d, end, pos, &c);
			if (rc)
				return rc;
			if (fourcc_is(&c, "VP8X"))
				return MW_ERR_INVALID;
			if (!keep_chunk(&c))
				continue;	/* EXIF, XMP, unknown */
			if (is_image(&c))
				seen_image = true;
			rc = mw_buf_append(out, d + c.start, c.end - c.start);
			if (rc)
				return rc;
		}
	} else {
		return MW_ERR_INVALID;
	}
	if (!seen_image)
		return MW_ERR_INVALID;
	riff = out->len - base - 8;
	/* The copy is never larger than the input, whose size fitted. */
	MW_ASSERT(riff <= UINT32_MAX);
	put_le32((unsigned char *)out->ptr + base + 4, (uint32_t)riff);
	return MW_OK;
}

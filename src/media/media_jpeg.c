/*
 * media_jpeg.c - the JPEG segment walker: finds the EXIF APP1 and writes
 * the public copy.
 *
 * A JPEG is SOI, then segments (0xFF, a marker byte, a 16-bit big-endian
 * length that counts itself, the payload), then after each SOS the
 * entropy-coded scan, in which 0xFF only appears as 0xFF00 (a stuffed
 * data byte) or 0xFFD0..0xFFD7 (restart markers), until the next marker.
 * The file ends at EOI; whatever follows it (MPF pictures, a phone's
 * motion-photo video, vendor trailers) is not part of the picture and is
 * never copied, since it can carry its own EXIF and GPS.
 */
#include "media_int.h"
#include "../base/buf.h"
#include "../base/mw.h"

#include <stdbool.h>
#include <string.h>

#include "../base/banned.h"

enum {
	M_TEM = 0x01,
	M_SOF0 = 0xc0,
	M_DHT = 0xc4,
	M_JPG = 0xc8,
	M_DAC = 0xcc,
	M_SOF15 = 0xcf,
	M_RST0 = 0xd0,
	M_RST7 = 0xd7,
	M_SOI = 0xd8,
	M_EOI = 0xd9,
	M_SOS = 0xda,
	M_APP0 = 0xe0,
	M_APP1 = 0xe1,
	M_APP2 = 0xe2,
	M_APP14 = 0xee,
	M_APP15 = 0xef,
	M_COM = 0xfe,
};

struct segment {
	unsigned marker;
	size_t body;		/* offset just after the marker byte */
	size_t end;		/* offset just after the segment */
	const unsigned char *payload;
	size_t paylen;
};

/* A marker with no length field after it. */
static bool standalone(unsigned m)
{
	return m == M_SOI || m == M_EOI || m == M_TEM ||
	       (m >= M_RST0 && m <= M_RST7);
}

static bool is_sof(unsigned m)
{
	return m >= M_SOF0 && m <= M_SOF15 && m != M_DHT && m != M_JPG &&
	       m != M_DAC;
}

/* Reads the segment whose marker starts at pos; fill bytes (extra 0xFF)
 * before the marker byte are allowed and skipped. */
static int next_segment(const unsigned char *d, size_t n, size_t pos,
			struct segment *s)
{
	size_t len;

	if (pos >= n || d[pos] != 0xff)
		return MW_ERR_INVALID;
	while (pos < n && d[pos] == 0xff)
		pos++;
	if (pos >= n || d[pos] == 0x00)
		return MW_ERR_INVALID;
	s->marker = d[pos++];
	s->body = pos;
	s->payload = NULL;
	s->paylen = 0;
	if (standalone(s->marker)) {
		s->end = pos;
		return MW_OK;
	}
	if (n - pos < 2)
		return MW_ERR_INVALID;
	len = mw_media_be16(d + pos);
	if (len < 2 || len > n - pos)
		return MW_ERR_INVALID;
	s->payload = d + pos + 2;
	s->paylen = len - 2;
	s->end = pos + len;
	return MW_OK;
}

/* Where the entropy-coded data that starts at pos ends: the offset of the
 * 0xFF of the next real marker, or n when there is none. */
static size_t scan_end(const unsigned char *d, size_t n, size_t pos)
{
	while (pos < n) {
		const unsigned char *f = memchr(d + pos, 0xff, n - pos);
		size_t i;
		unsigned b;

		if (!f)
			return n;
		i = (size_t)(f - d);
		if (i + 1 >= n)
			return n;
		b = d[i + 1];
		if (b == 0x00 || (b >= M_RST0 && b <= M_RST7))
			pos = i + 2;
		else if (b == 0xff)
			pos = i + 1;
		else
			return i;
	}
	return n;
}

static bool starts_with(const struct segment *s, const char *sig,
			size_t siglen)
{
	return s->paylen >= siglen && memcmp(s->payload, sig, siglen) == 0;
}

static bool is_exif_app1(const struct segment *s)
{
	return s->marker == M_APP1 && starts_with(s, "Exif\0\0", 6);
}

int mw_media_jpeg_find_exif(const unsigned char *d, size_t n,
			    const unsigned char **exif, size_t *exiflen)
{
	struct segment s;
	size_t pos = 2;
	int rc;

	if (n < 4 || d[0] != 0xff || d[1] != M_SOI)
		return MW_ERR_INVALID;
	/* EXIF belongs before the first scan; nothing after it counts. */
	for (;;) {
		rc = next_segment(d, n, pos, &s);
		if (rc)
			return rc;
		if (s.marker == M_SOS || s.marker == M_EOI)
			return MW_ERR_NOTFOUND;
		if (s.marker == M_SOI)
			return MW_ERR_INVALID;
		if (is_exif_app1(&s)) {
			*exif = s.payload;
			*exiflen = s.paylen;
			return MW_OK;
		}
		pos = s.end;
	}
}

/* Copies a segment with its marker, dropping any fill bytes. */
static int copy_segment(mw_buf *out, const unsigned char *d,
			const struct segment *s)
{
	unsigned char mk[2] = { 0xff, (unsigned char)s->marker };
	int rc = mw_buf_append(out, mk, 2);

	if (rc)
		return rc;
	return mw_buf_append(out, d + s->body, s->end - s->body);
}

/*
 * An APP1 holding an EXIF block with one tag, Orientation, and nothing
 * else: without it a photo taken with the phone upright would be shown
 * on its side once the camera's EXIF is gone.
 */
static int write_orientation(mw_buf *out, int orientation)
{
	unsigned char seg[] = {
		0xff, M_APP1, 0x00, 34,
		'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,	/* TIFF header */
		0x00, 0x01,					/* one entry */
		0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,	/* Orientation, SHORT, 1 */
		0x00, 0x00, 0x00, 0x00,				/* value */
		0x00, 0x00, 0x00, 0x00,				/* no next IFD */
	};

	_Static_assert(sizeof(seg) == 2 + 34, "APP1 length field");
	seg[29] = (unsigned char)orientation;
	return mw_buf_append(out, seg, sizeof(seg));
}

/* Which segments before EOI survive: those a decoder needs to show the
 * picture as it was meant, and nothing that describes who, when or where. */
static bool keep_segment(const struct segment *s)
{
	switch (s->marker) {
	case M_APP0:
		return starts_with(s, "JFIF\0", 5);
	case M_APP2:
		return starts_with(s, "ICC_PROFILE\0", 12);
	case M_APP14:
		/* Says whether the components are RGB, YCbCr or YCCK. */
		return starts_with(s, "Adobe", 5);
	case M_COM:
		return false;
	default:
		return !(s->marker >= M_APP0 && s->marker <= M_APP15);
	}
}

int mw_media_jpeg_strip(const unsigned char *d, size_t n, mw_buf *out)
{
	static const unsigned char soi[2] = { 0xff, M_SOI };
	static const unsigned char eoi[2] = { 0xff, M_EOI };
	struct segment s;
	size_t pos = 2, end;
	bool seen_sof = false, seen_sos = false, seen_exif = false;
	int rc;

	if (n < 4 || d[0] != 0xff || d[1] != M_SOI)
		return MW_ERR_INVALID;
	rc = mw_buf_append(out, soi, 2);
	if (rc)
		return rc;
	for (;;) {
		rc = next_segment(d, n, pos, &s);
		if (rc)
			return rc;
		pos = s.end;
		if (s.marker == M_SOI)
			return MW_ERR_INVALID;
		if (s.marker == M_EOI)
			break;
		if (is_exif_app1(&s)) {
			int o;

			if (seen_exif)
				continue;
			seen_exif = true;
			o = mw_media_exif_orientation(s.payload, s.paylen);
			if (o >= 2) {
				rc = write_orientation(out, o);
				if (rc)
					return rc;
			}
			continue;
		}
		if (!keep_segment(&s))
			continue;
		if (is_sof(s.marker))
			seen_sof = true;
		rc = copy_segment(out, d, &s);
		if (rc)
			return rc;
		if (s.marker != M_SOS)
			continue;
		if (!seen_sof)
			return MW_ERR_INVALID;
		seen_sos = true;
		end = scan_end(d, n, pos);
		if (end >= n)
			return MW_ERR_INVALID;	/* truncated: no EOI */
		rc = mw_buf_append(out, d + pos, end - pos);
		if (rc)
			return rc;
		pos = end;
	}
	if (!seen_sos)
		return MW_ERR_INVALID;
	return mw_buf_append(out, eoi, 2);
}

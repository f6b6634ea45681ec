/*
 * fuzz_media.c - the photo parsers of src/media on hostile files.
 *
 * The first byte of the input picks the type the upload handler would
 * pass (its value modulo 4: 0 JPEG, 1 PNG, 2 WebP, 3 HEIC); the rest is
 * the file. The file goes through mw_media_detect, mw_media_exif_gps and
 * mw_media_strip as in media.h, under that type whatever detect says, so
 * that the parsers also see files of the wrong type.
 *
 * Checks (media.h's invariants): every function returns one of its
 * documented errors; detect names a type only when the file's signature
 * agrees, and says MW_MEDIA_UNKNOWN otherwise; a position is within
 * -90..90 / -180..180 and not 0,0; a public copy (strip MW_OK) has the
 * right type, strips again to the very same bytes, and has no GPS for
 * mw_media_exif_gps to find. The copy of a JPEG, PNG or WebP is at most
 * the input plus the one small Orientation APP1 and EOI a JPEG copy may
 * gain.
 *
 * HEIC decoding is slow; the corpus keeps its HEIC inputs small.
 */
#include "fuzz.h"
#include "base/mw.h"
#include "media/media.h"

#include <math.h>
#include <string.h>

#include "base/banned.h"

static const mw_media_type types[4] = {
	MW_MEDIA_JPEG, MW_MEDIA_PNG, MW_MEDIA_WEBP, MW_MEDIA_HEIC,
};

static bool signature_ok(const unsigned char *d, size_t n, mw_media_type t)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	switch (t) {
	case MW_MEDIA_JPEG:
		return n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff;
	case MW_MEDIA_PNG:
		return n >= 8 && !memcmp(d, png_sig, 8);
	case MW_MEDIA_WEBP:
		return n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4);
	case MW_MEDIA_HEIC:
		return n >= 12 && !memcmp(d + 4, "ftyp", 4);
	default:
		return false;
	}
}

static void check_gps(const unsigned char *d, size_t n, mw_media_type t, const char *what)
{
	double lat = 1000, lon = 1000;
	int rc = mw_media_exif_gps(d, n, t, &lat, &lon);

	FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_NOTFOUND || rc == MW_ERR_INVALID ||
			   rc == MW_ERR_UNSUPPORTED || rc == MW_ERR_TOO_LARGE || rc == MW_ERR_NOMEM,
		   "%s: mw_media_exif_gps gave %s", what, mw_err_code(rc));
	if (rc != MW_OK) {
		FUZZ_CHECK(lat == 1000 && lon == 1000, "%s: position written on error %s", what,
			   mw_err_code(rc));
		return;
	}
	FUZZ_CHECK(isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 &&
			   lon <= 180,
		   "%s: position %g,%g", what, lat, lon);
	FUZZ_CHECK(lat != 0 || lon != 0, "%s: position 0,0 given as found", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *d;
	size_t n;
	mw_media_type t, det = (mw_media_type)99, ot = (mw_media_type)99, ot2;
	unsigned char *out = (unsigned char *)0x1, *out2;
	size_t outlen = 1, outlen2;
	int rc;

	if (size < 1)
		return 0;
	t = types[data[0] % 4];
	d = data + 1;
	n = size - 1;

	rc = mw_media_detect(d, n, &det);
	FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_UNSUPPORTED || rc == MW_ERR_TOO_LARGE ||
			   rc == MW_ERR_NOMEM || rc == MW_ERR_IO,
		   "mw_media_detect gave %s", mw_err_code(rc));
	if (rc == MW_OK)
		FUZZ_CHECK(signature_ok(d, n, det), "detect says %s, the signature disagrees",
			   mw_media_mime(det));
	else
		FUZZ_CHECK(det == MW_MEDIA_UNKNOWN, "detect failed but wrote type %d", (int)det);

	check_gps(d, n, t, "input");

	rc = mw_media_strip(d, n, t, &out, &outlen, &ot);
	FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_INVALID || rc == MW_ERR_UNSUPPORTED ||
			   rc == MW_ERR_TOO_LARGE || rc == MW_ERR_NOMEM,
		   "mw_media_strip(%s) gave %s", mw_media_ext(t), mw_err_code(rc));
	if (rc != MW_OK) {
		FUZZ_CHECK(out == NULL && outlen == 0, "strip error %s left an output",
			   mw_err_code(rc));
		return 0;
	}
	FUZZ_CHECK(out != NULL, "strip MW_OK without an output");
	FUZZ_CHECK(ot == (t == MW_MEDIA_HEIC ? MW_MEDIA_JPEG : t), "strip(%s) says type %d",
		   mw_media_ext(t), (int)ot);
	FUZZ_CHECK(signature_ok(out, outlen, ot), "the %s copy does not start like one",
		   mw_media_ext(ot));
	if (t != MW_MEDIA_HEIC)
		FUZZ_CHECK(outlen <= n + 36 + 2, "a %s copy of %zu bytes from %zu", mw_media_ext(t),
			   outlen, n);

	/* No GPS in a public copy. */
	{
		double lat, lon;

		rc = mw_media_exif_gps(out, outlen, ot, &lat, &lon);
		FUZZ_CHECK(rc != MW_OK, "the public %s copy still has GPS %g,%g", mw_media_ext(ot),
			   lat, lon);
	}
	/* A public copy is a valid file of its type, and its own copy. */
	out2 = NULL;
	outlen2 = 0;
	ot2 = (mw_media_type)99;
	rc = mw_media_strip(out, outlen, ot, &out2, &outlen2, &ot2);
	FUZZ_CHECK(rc == MW_OK, "stripping the %s copy again fails: %s", mw_media_ext(ot),
		   mw_err_code(rc));
	FUZZ_CHECK(ot2 == ot, "second strip changes the type");
	FUZZ_CHECK(outlen2 == outlen && !memcmp(out2, out, outlen),
		   "stripping the %s copy (%zu bytes) again changes it (%zu bytes)",
		   mw_media_ext(ot), outlen, outlen2);
	free(out2);
	free(out);
	return 0;
}

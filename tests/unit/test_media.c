/*
 * test_media.c - src/media: type detection, GPS from EXIF, the public
 * copy without metadata, the blob store, and robustness against damaged
 * and hostile files.
 *
 * The fixtures are small files committed under tests/fixtures/media/
 * (made once with ImageMagick, exiftool, cwebp and heif-enc; none of those
 * tools is needed to run the tests). They are found through the
 * MINWON_SOURCE_DIR environment variable, or else next to this file.
 * gps.jpg, meta.png, gps.webp, gps.heic and grid.heic were tagged 37.5665 N,
 * 126.9780 E (Seoul City Hall); gps.jpg also has Orientation 6, a
 * comment and XMP. progressive.jpg (ten scans, a restart marker after
 * every MCU, a comment) was tagged 35.1796 N, 129.0756 E (Busan).
 * gps.heic is 96 x 72; grid.heic is a 64 x 48 grid of one 64 x 64 tile.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>
#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>

#include "base/mw.h"
#include "media/media.h"

#include "base/banned.h"

#define SEOUL_LAT 37.5665
#define SEOUL_LON 126.9780

/* ---- helpers ------------------------------------------------------ */

/* cmocka 1.1 compares only floats, too coarse for degrees. */
#define assert_near(a, b, eps) do { \
		double a_ = (a), b_ = (b); \
		if (!((a_ > b_ ? a_ - b_ : b_ - a_) <= (eps))) \
			fail_msg("%s = %.9f, expected %.9f", #a, a_, b_); \
	} while (0)

struct blob {
	unsigned char *p;
	size_t n;
};

static void fixture_path(const char *name, char *out, size_t outsz)
{
	const char *src = getenv("MINWON_SOURCE_DIR");
	const char *file = __FILE__;
	const char *slash = strrchr(file, '/');

	/* __FILE__ names this file, and a path cannot go ".." through a
	 * file, so the directory part is cut off first. */
	if (src && *src)
		snprintf(out, outsz, "%s/tests/fixtures/media/%s", src, name);
	else if (slash)
		snprintf(out, outsz, "%.*s/../fixtures/media/%s",
			 (int)(slash - file), file, name);
	else
		snprintf(out, outsz, "../fixtures/media/%s", name);
}

static struct blob load(const char *name)
{
	char path[PATH_MAX];
	struct blob b = { NULL, 0 };
	FILE *f;
	long sz;

	fixture_path(name, path, sizeof(path));
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s: %s", path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	MW_ASSERT(sz >= 32 && sz <= 65536);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	b.n = (size_t)sz;
	b.p = malloc(b.n);
	assert_non_null(b.p);
	assert_int_equal(fread(b.p, 1, b.n, f), b.n);
	fclose(f);
	return b;
}

/* An exact-size heap copy, so that AddressSanitizer sees any read past
 * the end of what the parser was given. */
static unsigned char *dup_bytes(const void *p, size_t n)
{
	unsigned char *c = malloc(n ? n : 1);

	assert_non_null(c);
	if (n)
		memcpy(c, p, n);
	return c;
}

static bool contains(const unsigned char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return (uint32_t)(x >> 16);
}

/* ---- libjpeg decoding, to show a copy is still a picture ---------- */

struct dec_err {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
};

static void dec_exit(j_common_ptr c)
{
	longjmp(((struct dec_err *)c->err)->jb, 1);
}

static void dec_silent(j_common_ptr c, int level)
{
	(void)c;
	(void)level;
}

/* Decodes a whole JPEG; returns false when libjpeg reports an error or
 * even a warning (a corrupt scan is only a warning to libjpeg). *pixels
 * (if not NULL) gets the RGB rows, to be freed by the caller. */
static bool jpeg_decode(const unsigned char *p, size_t n, int *w, int *h,
			unsigned char **pixels)
{
	struct jpeg_decompress_struct ci;
	struct dec_err err;
	unsigned char *volatile buf = NULL;
	JSAMPROW row;

	memset(&ci, 0, sizeof(ci));
	ci.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = dec_exit;
	err.pub.emit_message = dec_silent;
	if (setjmp(err.jb)) {
		jpeg_destroy_decompress(&ci);
		free(buf);
		return false;
	}
	jpeg_create_decompress(&ci);
	jpeg_mem_src(&ci, p, (unsigned long)n);
	if (jpeg_read_header(&ci, TRUE) != JPEG_HEADER_OK)
		longjmp(err.jb, 1);
	ci.out_color_space = JCS_RGB;
	jpeg_start_decompress(&ci);
	buf = malloc((size_t)ci.output_width * ci.output_height * 3);
	assert_non_null(buf);
	while (ci.output_scanline < ci.output_height) {
		row = buf + (size_t)ci.output_scanline * ci.output_width * 3;
		jpeg_read_scanlines(&ci, &row, 1);
	}
	jpeg_finish_decompress(&ci);
	*w = (int)ci.output_width;
	*h = (int)ci.output_height;
	if (err.pub.num_warnings) {
		jpeg_destroy_decompress(&ci);
		free(buf);
		return false;
	}
	jpeg_destroy_decompress(&ci);
	if (pixels)
		*pixels = buf;
	else
		free(buf);
	return true;
}

/* ---- PNG and WebP structure walks --------------------------------- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static uint32_t crc32_slow(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

/* Walks a PNG the way a decoder would: signature, chunks whose lengths
 * and CRCs add up, IHDR first, IEND exactly at the end. Writes the chunk
 * types, space-separated, to types; concatenates IDAT data into idat. */
static bool png_walk(const unsigned char *p, size_t n, char *types,
		     size_t typesz, struct blob *idat)
{
	static const unsigned char sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	size_t pos = 8;

	types[0] = '\0';
	if (idat) {
		idat->p = NULL;
		idat->n = 0;
	}
	if (n < 8 || memcmp(p, sig, 8) != 0)
		return false;
	while (pos + 12 <= n) {
		uint32_t len = be32(p + pos);

		if (len > n - pos - 12)
			return false;
		if (crc32_slow(p + pos + 4, len + 4) != be32(p + pos + 8 + len))
			return false;
		if (pos == 8 && memcmp(p + pos + 4, "IHDR", 4) != 0)
			return false;
		snprintf(types + strlen(types), typesz - strlen(types), "%s%.4s",
			 types[0] ? " " : "", (const char *)p + pos + 4);
		if (idat && memcmp(p + pos + 4, "IDAT", 4) == 0) {
			idat->p = realloc(idat->p, idat->n + len + 1);
			assert_non_null(idat->p);
			memcpy(idat->p + idat->n, p + pos + 8, len);
			idat->n += len;
		}
		if (memcmp(p + pos + 4, "IEND", 4) == 0)
			return pos + 12 + len == n;
		pos += 12 + len;
	}
	return false;
}

/* The same for WebP: the RIFF size matches the file, chunk sizes add up
 * with their padding. types gets the FourCCs; image the VP8/VP8L chunk. */
static bool webp_walk(const unsigned char *p, size_t n, char *types,
		      size_t typesz, struct blob *image)
{
	size_t pos = 12;

	types[0] = '\0';
	image->p = NULL;
	image->n = 0;
	if (n < 12 || memcmp(p, "RIFF", 4) != 0 ||
	    memcmp(p + 8, "WEBP", 4) != 0 || le32(p + 4) != n - 8)
		return false;
	while (pos < n) {
		uint32_t size;

		if (n - pos < 8)
			return false;
		size = le32(p + pos + 4);
		if ((size_t)size + (size & 1) > n - pos - 8)
			return false;
		snprintf(types + strlen(types), typesz - strlen(types), "%s%.4s",
			 types[0] ? "," : "", (const char *)p + pos);
		if (memcmp(p + pos, "VP8 ", 4) == 0 ||
		    memcmp(p + pos, "VP8L", 4) == 0) {
			image->p = (unsigned char *)p + pos + 8;
			image->n = size;
		}
		pos += 8 + size + (size & 1);
	}
	return pos == n;
}

/* ---- names and detection ------------------------------------------ */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(mw_media_mime(MW_MEDIA_JPEG), "image/jpeg");
	assert_string_equal(mw_media_mime(MW_MEDIA_PNG), "image/png");
	assert_string_equal(mw_media_mime(MW_MEDIA_WEBP), "image/webp");
	assert_string_equal(mw_media_mime(MW_MEDIA_HEIC), "image/heic");
	assert_string_equal(mw_media_ext(MW_MEDIA_JPEG), "jpg");
	assert_string_equal(mw_media_ext(MW_MEDIA_PNG), "png");
	assert_string_equal(mw_media_ext(MW_MEDIA_WEBP), "webp");
	assert_string_equal(mw_media_ext(MW_MEDIA_HEIC), "heic");
	assert_string_equal(mw_media_mime(MW_MEDIA_UNKNOWN),
			    "application/octet-stream");
	assert_string_equal(mw_media_ext(MW_MEDIA_UNKNOWN), "bin");
	assert_string_equal(mw_media_ext((mw_media_type)99), "bin");
}

static const struct {
	const char *name;
	mw_media_type type;
} images[] = {
	{ "gps.jpg", MW_MEDIA_JPEG },
	{ "nogps.jpg", MW_MEDIA_JPEG },
	{ "progressive.jpg", MW_MEDIA_JPEG },
	{ "meta.png", MW_MEDIA_PNG },
	{ "plain.png", MW_MEDIA_PNG },
	{ "gps.webp", MW_MEDIA_WEBP },
	{ "gps.heic", MW_MEDIA_HEIC },
	{ "grid.heic", MW_MEDIA_HEIC },
};

static void test_detect_images(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < MW_ARRAY_LEN(images); i++) {
		struct blob b = load(images[i].name);
		mw_media_type t = MW_MEDIA_UNKNOWN;

		assert_int_equal(mw_media_detect(b.p, b.n, &t), MW_OK);
		if (t != images[i].type)
			fail_msg("%s detected as %d", images[i].name, t);
		free(b.p);
	}
}

static void expect_unsupported(const void *p, size_t n, const char *what)
{
	unsigned char *c = dup_bytes(p, n);
	mw_media_type t = MW_MEDIA_JPEG;
	int rc = mw_media_detect(c, n, &t);

	if (rc != MW_ERR_UNSUPPORTED)
		fail_msg("%s: detect gave %s", what, mw_err_str(rc));
	assert_int_equal(t, MW_MEDIA_UNKNOWN);
	free(c);
}

static void test_detect_rejects(void **state)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> "
				  "endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
	static const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns="
				  "\"http://www.w3.org/2000/svg\" width=\"10\" "
				  "height=\"10\"><rect width=\"10\" height="
				  "\"10\"/></svg>\n";
	static const char html[] = "<!DOCTYPE html><html><body><img "
				   "src=x onerror=alert(1)></body></html>\n";
	struct blob txt = load("not-image.txt");
	struct blob gif = load("anim.gif");
	struct blob png = load("plain.png");
	unsigned char garbage[1024];
	mw_media_type t = MW_MEDIA_PNG;
	size_t i;

	(void)state;
	expect_unsupported(txt.p, txt.n, "text");
	expect_unsupported(gif.p, gif.n, "gif");
	expect_unsupported(pdf, sizeof(pdf) - 1, "pdf");
	expect_unsupported(svg, sizeof(svg) - 1, "svg");
	expect_unsupported(html, sizeof(html) - 1, "html");
	expect_unsupported(png.p, 4, "truncated png");
	for (i = 0; i < sizeof(garbage); i++)
		garbage[i] = (unsigned char)rng();
	garbage[0] = 0x13;	/* not by chance a signature */
	expect_unsupported(garbage, sizeof(garbage), "garbage");

	/* Empty input, with and without a pointer. */
	assert_int_equal(mw_media_detect(NULL, 0, &t), MW_ERR_UNSUPPORTED);
	assert_int_equal(t, MW_MEDIA_UNKNOWN);
	assert_int_equal(mw_media_detect(png.p, 0, &t), MW_ERR_UNSUPPORTED);

	free(txt.p);
	free(gif.p);
	free(png.p);
}

static void test_detect_too_large(void **state)
{
	unsigned char *big = calloc(1, MW_MEDIA_MAX_BYTES + 1);
	struct blob jpg = load("nogps.jpg");
	mw_media_type t;

	(void)state;
	assert_non_null(big);
	memcpy(big, jpg.p, jpg.n);
	assert_int_equal(mw_media_detect(big, MW_MEDIA_MAX_BYTES + 1, &t),
			 MW_ERR_TOO_LARGE);
	/* Exactly the limit is still allowed. */
	assert_int_equal(mw_media_detect(big, MW_MEDIA_MAX_BYTES, &t), MW_OK);
	assert_int_equal(t, MW_MEDIA_JPEG);
	free(big);
	free(jpg.p);
}

/* Each thread has its own libmagic handle; many at once must agree. */
static void *detect_thread(void *arg)
{
	struct blob *fx = arg;
	intptr_t bad = 0;
	int round;
	size_t i;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < MW_ARRAY_LEN(images); i++) {
			mw_media_type t;

			if (mw_media_detect(fx[i].p, fx[i].n, &t) != MW_OK ||
			    t != images[i].type)
				bad++;
		}
	}
	return (void *)bad;
}

static void test_detect_threads(void **state)
{
	struct blob fx[MW_ARRAY_LEN(images)];
	pthread_t th[4];
	size_t i;

	(void)state;
	for (i = 0; i < MW_ARRAY_LEN(images); i++)
		fx[i] = load(images[i].name);
	for (i = 0; i < MW_ARRAY_LEN(th); i++)
		assert_int_equal(pthread_create(&th[i], NULL, detect_thread, fx),
				 0);
	for (i = 0; i < MW_ARRAY_LEN(th); i++) {
		void *bad;

		assert_int_equal(pthread_join(th[i], &bad), 0);
		assert_int_equal((intptr_t)bad, 0);
	}
	for (i = 0; i < MW_ARRAY_LEN(images); i++)
		free(fx[i].p);
}

/* ---- GPS ---------------------------------------------------------- */

static void test_gps_fixtures(void **state)
{
	static const char *const with_gps[] = {
		"gps.jpg", "meta.png", "gps.webp", "gps.heic", "grid.heic",
	};
	size_t i;

	(void)state;
	for (i = 0; i < MW_ARRAY_LEN(with_gps); i++) {
		struct blob b = load(with_gps[i]);
		mw_media_type t;
		double lat = 0, lon = 0;
		int rc;

		assert_int_equal(mw_media_detect(b.p, b.n, &t), MW_OK);
		rc = mw_media_exif_gps(b.p, b.n, t, &lat, &lon);
		if (rc != MW_OK)
			fail_msg("%s: %s", with_gps[i], mw_err_str(rc));
		assert_near(lat, SEOUL_LAT, 1e-4);
		assert_near(lon, SEOUL_LON, 1e-4);
		free(b.p);
	}
}

static void test_gps_absent(void **state)
{
	static const char *const without[] = { "nogps.jpg", "plain.png" };
	size_t i;

	(void)state;
	for (i = 0; i < MW_ARRAY_LEN(without); i++) {
		struct blob b = load(without[i]);
		mw_media_type t;
		double lat = 1, lon = 2;

		assert_int_equal(mw_media_detect(b.p, b.n, &t), MW_OK);
		assert_int_equal(mw_media_exif_gps(b.p, b.n, t, &lat, &lon),
				 MW_ERR_NOTFOUND);
		/* Untouched on error. */
		assert_true(lat == 1 && lon == 2);
		free(b.p);
	}
}

/*
 * A hand-made EXIF block: IFD0 with only a pointer to a GPS IFD that
 * holds what the spec asks for. NULL refs and a zero count leave the
 * tag out, so broken and unusual files can be described.
 */
struct gps_spec {
	bool le;
	const char *latref;
	int nlat;		/* rationals of GPSLatitude; 0: absent */
	uint32_t lat[6];
	const char *lonref;
	int nlon;
	uint32_t lon[6];
	const char *status;
};

struct tiff {
	unsigned char b[512];
	size_t n;
	bool le;
};

static void put16(struct tiff *t, size_t at, uint32_t v)
{
	t->b[at + (t->le ? 0 : 1)] = (unsigned char)v;
	t->b[at + (t->le ? 1 : 0)] = (unsigned char)(v >> 8);
}

static void put32(struct tiff *t, size_t at, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		t->b[at + (t->le ? i : 3 - i)] = (unsigned char)(v >> (8 * i));
}

static size_t build_gps_tiff(const struct gps_spec *s, struct tiff *t)
{
	size_t gps = 26, ent, data;
	int count = 0;

	memset(t, 0, sizeof(*t));
	t->le = s->le;
	memcpy(t->b, s->le ? "II" : "MM", 2);
	put16(t, 2, 42);
	put32(t, 4, 8);
	/* IFD0: one entry, GPSInfo (LONG) pointing at the GPS IFD. */
	put16(t, 8, 1);
	put16(t, 10, 0x8825);
	put16(t, 12, 4);
	put32(t, 14, 1);
	put32(t, 18, (uint32_t)gps);
	put32(t, 22, 0);

	count = (s->latref != NULL) + (s->nlat > 0) + (s->lonref != NULL) +
		(s->nlon > 0) + (s->status != NULL);
	put16(t, gps, (uint32_t)count);
	ent = gps + 2;
	data = ent + 12 * (size_t)count + 4;
#define ASCII_TAG(tag, str) do { \
		put16(t, ent, tag); put16(t, ent + 2, 2); \
		put32(t, ent + 4, (uint32_t)strlen(str) + 1); \
		memcpy(t->b + ent + 8, str, strlen(str)); ent += 12; \
	} while (0)
#define RATIONAL_TAG(tag, v, nv) do { \
		int k_; \
		put16(t, ent, tag); put16(t, ent + 2, 5); \
		put32(t, ent + 4, (uint32_t)(nv)); \
		put32(t, ent + 8, (uint32_t)data); ent += 12; \
		for (k_ = 0; k_ < 2 * (nv); k_++, data += 4) \
			put32(t, data, (v)[k_]); \
	} while (0)
	if (s->latref)
		ASCII_TAG(1, s->latref);
	if (s->nlat)
		RATIONAL_TAG(2, s->lat, s->nlat);
	if (s->lonref)
		ASCII_TAG(3, s->lonref);
	if (s->nlon)
		RATIONAL_TAG(4, s->lon, s->nlon);
	if (s->status)
		ASCII_TAG(9, s->status);
#undef ASCII_TAG
#undef RATIONAL_TAG
	put32(t, ent, 0);
	t->n = data;
	return t->n;
}

/* nogps.jpg with an APP1 holding the block of s put right after SOI. */
static struct blob jpeg_with_gps(const struct gps_spec *s)
{
	struct blob base = load("nogps.jpg");
	struct tiff t;
	struct blob b;
	size_t seglen;

	build_gps_tiff(s, &t);
	seglen = 2 + 6 + t.n;
	b.n = base.n + 2 + seglen;
	b.p = malloc(b.n);
	assert_non_null(b.p);
	b.p[0] = 0xff;
	b.p[1] = 0xd8;
	b.p[2] = 0xff;
	b.p[3] = 0xe1;
	b.p[4] = (unsigned char)(seglen >> 8);
	b.p[5] = (unsigned char)seglen;
	memcpy(b.p + 6, "Exif\0\0", 6);
	memcpy(b.p + 12, t.b, t.n);
	memcpy(b.p + 12 + t.n, base.p + 2, base.n - 2);
	free(base.p);
	return b;
}

static int gps_of(const struct gps_spec *s, double *lat, double *lon)
{
	struct blob b = jpeg_with_gps(s);
	int rc = mw_media_exif_gps(b.p, b.n, MW_MEDIA_JPEG, lat, lon);

	free(b.p);
	return rc;
}

static void test_gps_hemispheres(void **state)
{
	/* 33 deg 51' 54.00" S, 70 deg 39' 0.36" W, little-endian. */
	struct gps_spec sw = {
		.le = true,
		.latref = "S", .nlat = 3, .lat = { 33, 1, 51, 1, 5400, 100 },
		.lonref = "W", .nlon = 3, .lon = { 70, 1, 39, 1, 36, 100 },
	};
	/* Seoul as decimal degrees in the first rational, big-endian,
	 * with a valid ("A") status. */
	struct gps_spec ne = {
		.le = false,
		.latref = "N", .nlat = 3, .lat = { 375665, 10000, 0, 1, 0, 1 },
		.lonref = "E", .nlon = 3, .lon = { 1269780, 10000, 0, 1, 0, 1 },
		.status = "A",
	};
	double lat, lon;

	(void)state;
	assert_int_equal(gps_of(&sw, &lat, &lon), MW_OK);
	assert_near(lat, -(33 + 51 / 60.0 + 54 / 3600.0), 1e-9);
	assert_near(lon, -(70 + 39 / 60.0 + 0.36 / 3600.0), 1e-9);
	assert_int_equal(gps_of(&ne, &lat, &lon), MW_OK);
	assert_near(lat, SEOUL_LAT, 1e-9);
	assert_near(lon, SEOUL_LON, 1e-9);
}

static void test_gps_rejects(void **state)
{
	const struct gps_spec good = {
		.le = false,
		.latref = "N", .nlat = 3, .lat = { 37, 1, 33, 1, 5940, 100 },
		.lonref = "E", .nlon = 3, .lon = { 126, 1, 58, 1, 4080, 100 },
	};
	struct gps_spec s;
	double lat = 7, lon = 7;

	(void)state;
	s = good;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_OK);
	assert_near(lat, SEOUL_LAT, 1e-4);

	s = good;		/* latitude beyond the pole */
	s.lat[0] = 95;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_INVALID);
	s = good;		/* 90 degrees and some minutes */
	s.lat[0] = 90;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_INVALID);
	s = good;		/* longitude beyond 180 */
	s.lon[0] = 181;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_INVALID);
	s = good;		/* 60 minutes */
	s.lat[2] = 60;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_INVALID);
	s = good;		/* 60 seconds */
	s.lon[4] = 6000;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_INVALID);
	s = good;		/* zero denominator */
	s.lat[5] = 0;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_INVALID);
	s = good;		/* no hemisphere */
	s.latref = NULL;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_INVALID);
	s = good;		/* a hemisphere that does not exist */
	s.lonref = "X";
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_INVALID);
	s = good;		/* only degrees */
	s.nlat = 1;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_INVALID);
	s = good;		/* half a position */
	s.nlon = 0;
	s.lonref = NULL;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_INVALID);
	s = good;		/* the receiver said "void" */
	s.status = "V";
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_NOTFOUND);
	s = good;		/* 0,0: no fix yet */
	memset(s.lat, 0, sizeof(s.lat));
	memset(s.lon, 0, sizeof(s.lon));
	s.lat[1] = s.lat[3] = s.lat[5] = 1;
	s.lon[1] = s.lon[3] = s.lon[5] = 1;
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_NOTFOUND);
	s = good;		/* a GPS IFD without a position */
	s.nlat = s.nlon = 0;
	s.latref = s.lonref = NULL;
	s.status = "A";
	assert_int_equal(gps_of(&s, &lat, &lon), MW_ERR_NOTFOUND);
	/* Nothing was written by the failures. */
	lat = lon = 7;
	s = good;
	s.lat[0] = 95;
	gps_of(&s, &lat, &lon);
	assert_true(lat == 7 && lon == 7);
}

static void test_gps_bad_args(void **state)
{
	struct blob b = load("gps.jpg");
	double lat, lon;

	(void)state;
	assert_int_equal(mw_media_exif_gps(b.p, b.n, MW_MEDIA_UNKNOWN,
					   &lat, &lon), MW_ERR_UNSUPPORTED);
	/* A JPEG handed over as a PNG is simply not a PNG. */
	assert_int_equal(mw_media_exif_gps(b.p, b.n, MW_MEDIA_PNG, &lat, &lon),
			 MW_ERR_INVALID);
	assert_int_equal(mw_media_exif_gps(NULL, 0, MW_MEDIA_JPEG, &lat, &lon),
			 MW_ERR_INVALID);
	free(b.p);
}

/* ---- strip -------------------------------------------------------- */

static void assert_no_gps(const unsigned char *p, size_t n, mw_media_type t)
{
	double lat, lon;

	assert_int_equal(mw_media_exif_gps(p, n, t, &lat, &lon),
			 MW_ERR_NOTFOUND);
}

/* The Orientation a JPEG's EXIF carries (0: none), and how many tags
 * the whole EXIF holds. */
static int jpeg_orientation(const unsigned char *p, size_t n, int *tags)
{
	ExifData *ed = exif_data_new();
	ExifEntry *e;
	int o = 0, i;

	*tags = 0;
	assert_non_null(ed);
	/* Count what the file holds, not the tags libexif would add. */
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_load_data(ed, p, (unsigned int)n);
	for (i = 0; i < EXIF_IFD_COUNT; i++)
		*tags += (int)ed->ifd[i]->count;
	e = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
	if (e)
		o = exif_get_short(e->data, exif_data_get_byte_order(ed));
	exif_data_unref(ed);
	return o;
}

static void test_strip_jpeg(void **state)
{
	struct blob b = load("gps.jpg");
	unsigned char *out = NULL, *out2 = NULL, *px_in = NULL, *px_out = NULL;
	size_t outlen = 0, outlen2 = 0;
	mw_media_type ot = MW_MEDIA_UNKNOWN;
	int w, h, w2, h2, tags;

	(void)state;
	/* The fixture really has what we are about to remove. */
	assert_true(contains(b.p, b.n, "secret citizen note"));
	assert_true(contains(b.p, b.n, "xmp secret"));

	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_JPEG, &out, &outlen,
					&ot), MW_OK);
	assert_int_equal(ot, MW_MEDIA_JPEG);
	assert_true(outlen < b.n);
	assert_false(contains(out, outlen, "secret citizen note"));
	assert_false(contains(out, outlen, "xmp secret"));
	assert_false(contains(out, outlen, "ns.adobe.com"));
	assert_false(contains(out, outlen, "FixtureCam"));
	assert_false(contains(out, outlen, "Minwon"));
	assert_no_gps(out, outlen, MW_MEDIA_JPEG);

	/* Still the same picture, pixel for pixel: the scans are copied. */
	assert_true(jpeg_decode(b.p, b.n, &w, &h, &px_in));
	assert_true(jpeg_decode(out, outlen, &w2, &h2, &px_out));
	assert_int_equal(w, 64);
	assert_int_equal(h, 48);
	assert_int_equal(w2, w);
	assert_int_equal(h2, h);
	assert_memory_equal(px_in, px_out, (size_t)w * h * 3);

	/* The camera was turned; that, and only that, is kept. */
	assert_int_equal(jpeg_orientation(out, outlen, &tags), 6);
	assert_int_equal(tags, 1);

	/* Stripping a stripped copy changes nothing. */
	assert_int_equal(mw_media_strip(out, outlen, MW_MEDIA_JPEG, &out2,
					&outlen2, NULL), MW_OK);
	assert_int_equal(outlen2, outlen);
	assert_memory_equal(out2, out, outlen);

	free(px_in);
	free(px_out);
	free(out);
	free(out2);
	free(b.p);
}

/* Ten scans with tables between them and restart markers inside: every
 * scan must come through, byte for byte. */
static void test_strip_jpeg_progressive(void **state)
{
	struct blob b = load("progressive.jpg");
	unsigned char *out = NULL, *px_in = NULL, *px_out = NULL;
	size_t outlen = 0;
	double lat, lon;
	int w, h, w2, h2;

	(void)state;
	assert_int_equal(mw_media_exif_gps(b.p, b.n, MW_MEDIA_JPEG, &lat, &lon),
			 MW_OK);
	assert_near(lat, 35.1796, 1e-4);
	assert_near(lon, 129.0756, 1e-4);
	assert_true(contains(b.p, b.n, "progressive secret"));
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_JPEG, &out, &outlen,
					NULL), MW_OK);
	assert_false(contains(out, outlen, "progressive secret"));
	assert_no_gps(out, outlen, MW_MEDIA_JPEG);
	assert_true(jpeg_decode(b.p, b.n, &w, &h, &px_in));
	assert_true(jpeg_decode(out, outlen, &w2, &h2, &px_out));
	assert_int_equal(w2, w);
	assert_int_equal(h2, h);
	assert_memory_equal(px_in, px_out, (size_t)w * h * 3);
	free(px_in);
	free(px_out);
	free(out);
	free(b.p);
}

static void test_strip_jpeg_plain(void **state)
{
	struct blob b = load("nogps.jpg");
	unsigned char *out = NULL;
	size_t outlen = 0;
	int w, h, tags;

	(void)state;
	assert_true(contains(b.p, b.n, "NoGPS"));
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_JPEG, &out, &outlen,
					NULL), MW_OK);
	assert_false(contains(out, outlen, "NoGPS"));
	assert_false(contains(out, outlen, "Exif"));
	assert_int_equal(jpeg_orientation(out, outlen, &tags), 0);
	assert_true(jpeg_decode(out, outlen, &w, &h, NULL));
	free(out);
	free(b.p);
}

/* What follows EOI (a motion photo's video, MPF images with their own
 * EXIF) is never copied. */
static void test_strip_jpeg_trailer(void **state)
{
	static const char trailer[] = "\xff\xd8\xff\xe1\x00\x10GPS 37.5665N";
	struct blob b = load("gps.jpg");
	unsigned char *ref = NULL, *out = NULL, *big;
	size_t reflen, outlen;

	(void)state;
	big = malloc(b.n + sizeof(trailer));
	assert_non_null(big);
	memcpy(big, b.p, b.n);
	memcpy(big + b.n, trailer, sizeof(trailer));
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_JPEG, &ref, &reflen,
					NULL), MW_OK);
	assert_int_equal(mw_media_strip(big, b.n + sizeof(trailer),
					MW_MEDIA_JPEG, &out, &outlen, NULL),
			 MW_OK);
	assert_int_equal(outlen, reflen);
	assert_memory_equal(out, ref, reflen);
	assert_int_equal(out[outlen - 2], 0xff);
	assert_int_equal(out[outlen - 1], 0xd9);
	free(ref);
	free(out);
	free(big);
	free(b.p);
}

static void test_strip_jpeg_malformed(void **state)
{
	struct blob b = load("gps.jpg");
	unsigned char *out = (unsigned char *)"x", *c;
	size_t outlen = 42;
	mw_media_type t;

	(void)state;
	/* Cut in the middle of the scan: libmagic still says JPEG, but it
	 * is not a whole picture. */
	c = dup_bytes(b.p, b.n - 200);
	assert_int_equal(mw_media_detect(c, b.n - 200, &t), MW_OK);
	assert_int_equal(mw_media_strip(c, b.n - 200, MW_MEDIA_JPEG, &out,
					&outlen, NULL), MW_ERR_INVALID);
	assert_null(out);
	assert_int_equal(outlen, 0);
	free(c);

	/* A segment length running past the end. */
	c = dup_bytes(b.p, b.n);
	c[4] = 0xff;
	c[5] = 0xff;
	assert_int_equal(mw_media_strip(c, b.n, MW_MEDIA_JPEG, &out, &outlen,
					NULL), MW_ERR_INVALID);
	assert_int_equal(mw_media_exif_gps(c, b.n, MW_MEDIA_JPEG,
					   &(double){ 0 }, &(double){ 0 }),
			 MW_ERR_INVALID);
	free(c);
	free(b.p);
}

static void test_strip_synthetic_gps(void **state)
{
	struct gps_spec s = {
		.latref = "S", .nlat = 3, .lat = { 1, 1, 2, 1, 3, 1 },
		.lonref = "W", .nlon = 3, .lon = { 4, 1, 5, 1, 6, 1 },
	};
	struct blob b = jpeg_with_gps(&s);
	unsigned char *out = NULL;
	size_t outlen;
	double lat, lon;
	int w, h;

	(void)state;
	assert_int_equal(mw_media_exif_gps(b.p, b.n, MW_MEDIA_JPEG, &lat, &lon),
			 MW_OK);
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_JPEG, &out, &outlen,
					NULL), MW_OK);
	assert_no_gps(out, outlen, MW_MEDIA_JPEG);
	assert_true(jpeg_decode(out, outlen, &w, &h, NULL));
	free(out);
	free(b.p);
}

static void test_strip_png(void **state)
{
	struct blob b = load("meta.png");
	struct blob idat_in, idat_out;
	unsigned char *out = NULL;
	size_t outlen = 0;
	mw_media_type ot;
	char types[256];

	(void)state;
	assert_true(png_walk(b.p, b.n, types, sizeof(types), &idat_in));
	assert_non_null(strstr(types, "eXIf"));
	assert_non_null(strstr(types, "tEXt"));
	assert_non_null(strstr(types, "tIME"));

	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_PNG, &out, &outlen,
					&ot), MW_OK);
	assert_int_equal(ot, MW_MEDIA_PNG);
	assert_true(png_walk(out, outlen, types, sizeof(types), &idat_out));
	assert_string_equal(types, "IHDR gAMA cHRM PLTE bKGD IDAT IEND");
	assert_int_equal(idat_out.n, idat_in.n);
	assert_memory_equal(idat_out.p, idat_in.p, idat_in.n);
	assert_false(contains(out, outlen, "secret png note"));
	assert_false(contains(out, outlen, "Minwon"));
	assert_false(contains(out, outlen, "date:"));
	assert_no_gps(out, outlen, MW_MEDIA_PNG);
	free(idat_in.p);
	free(idat_out.p);
	free(out);
	free(b.p);
}

static void test_strip_png_plain(void **state)
{
	struct blob b = load("plain.png");
	unsigned char *out = NULL, *big;
	size_t outlen = 0;

	(void)state;
	/* Nothing to remove: the copy is the file. */
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_PNG, &out, &outlen,
					NULL), MW_OK);
	assert_int_equal(outlen, b.n);
	assert_memory_equal(out, b.p, b.n);
	free(out);

	/* Bytes after IEND are dropped. */
	big = malloc(b.n + 16);
	assert_non_null(big);
	memcpy(big, b.p, b.n);
	memcpy(big + b.n, "GPS 37.5665 N...", 16);
	assert_int_equal(mw_media_strip(big, b.n + 16, MW_MEDIA_PNG, &out,
					&outlen, NULL), MW_OK);
	assert_int_equal(outlen, b.n);
	assert_memory_equal(out, b.p, b.n);
	free(out);
	free(big);
	free(b.p);
}

static void test_strip_png_malformed(void **state)
{
	struct blob b = load("plain.png");
	unsigned char *c, *out = NULL;
	size_t outlen;
	uint32_t crc;

	(void)state;
	/* Stated here too, where GCC's -O2 overflow checks can see it. */
	MW_ASSERT(b.n > 64);
	/* A flipped bit in IDAT: the CRC no longer matches. */
	c = dup_bytes(b.p, b.n);
	c[b.n - 20] ^= 0x01;
	assert_int_equal(mw_media_strip(c, b.n, MW_MEDIA_PNG, &out, &outlen,
					NULL), MW_ERR_INVALID);
	free(c);

	/* No IEND. */
	c = dup_bytes(b.p, b.n - 12);
	assert_int_equal(mw_media_strip(c, b.n - 12, MW_MEDIA_PNG, &out,
					&outlen, NULL), MW_ERR_INVALID);
	free(c);

	/* IHDR's length says more than there is. */
	c = dup_bytes(b.p, b.n);
	c[8] = 0x7f;
	assert_int_equal(mw_media_strip(c, b.n, MW_MEDIA_PNG, &out, &outlen,
					NULL), MW_ERR_INVALID);
	free(c);

	/* An unknown critical chunk (with a right CRC) where IEND was. */
	c = dup_bytes(b.p, b.n);
	memcpy(c + b.n - 8, "ZZZZ", 4);
	crc = crc32_slow(c + b.n - 8, 4);
	c[b.n - 4] = (unsigned char)(crc >> 24);
	c[b.n - 3] = (unsigned char)(crc >> 16);
	c[b.n - 2] = (unsigned char)(crc >> 8);
	c[b.n - 1] = (unsigned char)crc;
	assert_int_equal(mw_media_strip(c, b.n, MW_MEDIA_PNG, &out, &outlen,
					NULL), MW_ERR_INVALID);
	free(c);
	assert_null(out);
	free(b.p);
}

static void test_strip_webp(void **state)
{
	struct blob b = load("gps.webp");
	struct blob img_in, img_out;
	unsigned char *out = NULL, *big;
	size_t outlen = 0, biglen;
	mw_media_type ot;
	char types[256];

	(void)state;
	assert_true(webp_walk(b.p, b.n, types, sizeof(types), &img_in));
	assert_non_null(strstr(types, "EXIF"));
	assert_non_null(strstr(types, "XMP "));
	assert_true(b.p[20] & 0x0c);

	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_WEBP, &out, &outlen,
					&ot), MW_OK);
	assert_int_equal(ot, MW_MEDIA_WEBP);
	assert_true(webp_walk(out, outlen, types, sizeof(types), &img_out));
	assert_null(strstr(types, "EXIF"));
	assert_null(strstr(types, "XMP "));
	assert_string_equal(strstr(types, "VP8X") ? "ok" : types, "ok");
	assert_int_equal(out[20] & 0x0c, 0);
	assert_int_equal(img_out.n, img_in.n);
	assert_memory_equal(img_out.p, img_in.p, img_in.n);
	assert_false(contains(out, outlen, "xmp secret"));
	assert_no_gps(out, outlen, MW_MEDIA_WEBP);
	free(out);

	/* A RIFF size beyond the end of the file. */
	big = dup_bytes(b.p, b.n);
	big[4] = 0xff;
	big[5] = 0xff;
	assert_int_equal(mw_media_strip(big, b.n, MW_MEDIA_WEBP, &out, &outlen,
					NULL), MW_ERR_INVALID);
	free(big);

	/* Bytes after the RIFF data are not part of the file. */
	biglen = b.n + 10;
	big = malloc(biglen);
	assert_non_null(big);
	memcpy(big, b.p, b.n);
	memcpy(big + b.n, "EXIFtrails", 10);
	assert_int_equal(mw_media_strip(big, biglen, MW_MEDIA_WEBP, &out,
					&outlen, NULL), MW_OK);
	assert_true(webp_walk(out, outlen, types, sizeof(types), &img_out));
	assert_false(contains(out, outlen, "trails"));
	free(out);
	free(big);
	free(b.p);
}

static void test_strip_heic(void **state)
{
	struct blob b = load("gps.heic");
	unsigned char *out = NULL;
	size_t outlen = 0;
	mw_media_type ot = MW_MEDIA_UNKNOWN, t;
	int w, h, tags;

	(void)state;
	assert_true(contains(b.p, b.n, "xmp secret"));
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_HEIC, &out, &outlen,
					&ot), MW_OK);
	assert_int_equal(ot, MW_MEDIA_JPEG);
	assert_int_equal(mw_media_detect(out, outlen, &t), MW_OK);
	assert_int_equal(t, MW_MEDIA_JPEG);
	assert_true(jpeg_decode(out, outlen, &w, &h, NULL));
	assert_int_equal(w, 96);
	assert_int_equal(h, 72);
	assert_false(contains(out, outlen, "xmp secret"));
	assert_false(contains(out, outlen, "Exif"));
	assert_int_equal(jpeg_orientation(out, outlen, &tags), 0);
	assert_int_equal(tags, 0);
	assert_no_gps(out, outlen, MW_MEDIA_JPEG);
	free(out);
	free(b.p);
}

/* Fills and frees heap blocks of many sizes, so that what malloc hands
 * out next holds v unless somebody overwrites it. */
static void scribble(int v)
{
	void *p[48];
	size_t i;

	for (i = 0; i < MW_ARRAY_LEN(p); i++) {
		size_t sz = 1024 + i * 1024;

		p[i] = malloc(sz);
		assert_non_null(p[i]);
		memset(p[i], v, sz);
	}
	for (i = 0; i < MW_ARRAY_LEN(p); i++)
		free(p[i]);
}

/*
 * A grid that says it is 64 x 200 but has one 64 x 64 tile: libheif 1.15
 * leaves the rest of the canvas as malloc gave it. Whatever the heap held
 * before must not show through: two copies made after filling the heap
 * with different bytes are the same. (Under AddressSanitizer, whose
 * allocator fills new blocks itself, this always holds.)
 */
static void test_strip_heic_stale_memory(void **state)
{
	struct blob b = load("grid.heic");
	unsigned char *grid, *ispe, *o1 = NULL, *o2 = NULL;
	size_t l1 = 0, l2 = 0;
	mw_media_type ot;
	int w, h;

	(void)state;
	/* The grid descriptor in idat: version, flags, rows-1, columns-1,
	 * then 16-bit output width and height. */
	grid = memmem(b.p, b.n, "idat", 4);
	assert_non_null(grid);
	assert_true(grid + 12 <= b.p + b.n);
	assert_memory_equal(grid + 4, "\x00\x00\x00\x00\x00\x40\x00\x30", 8);
	grid[11] = 200;
	/* And the grid item's ispe property, so that the two agree. */
	ispe = memmem(b.p, b.n, "ispe\0\0\0\0\0\0\0\x40\0\0\0\x30", 16);
	assert_non_null(ispe);
	ispe[15] = 200;
	scribble(0x11);
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_HEIC, &o1, &l1, &ot),
			 MW_OK);
	scribble(0xee);
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_HEIC, &o2, &l2, &ot),
			 MW_OK);
	assert_true(jpeg_decode(o1, l1, &w, &h, NULL));
	assert_int_equal(w, 64);
	assert_int_equal(h, 200);
	assert_int_equal(l1, l2);
	assert_memory_equal(o1, o2, l1);
	free(o1);
	free(o2);
	free(b.p);
}

/* Tiny pictures are refused (see MIN_SIDE in media_heic.c); their GPS can
 * still be read. */
static void test_strip_heic_small(void **state)
{
	struct blob b = load("grid.heic");
	unsigned char *out = NULL;
	size_t outlen = 0;
	mw_media_type ot;

	(void)state;
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_HEIC, &out, &outlen,
					&ot), MW_ERR_UNSUPPORTED);
	assert_null(out);
	free(b.p);
}

/* A few kilobytes of HEIC that claim a 20000 x 20000 picture (1.2 GB of
 * RGB) are refused before anything is decoded. */
static void test_strip_heic_bomb(void **state)
{
	struct blob b = load("gps.heic");
	unsigned char *out = NULL, *at = b.p;
	size_t outlen = 0, left = b.n;
	mw_media_type ot;
	int patched = 0;

	(void)state;
	/* ispe: size, "ispe", version and flags, width, height. */
	while ((at = memmem(at, left, "ispe", 4)) != NULL) {
		size_t off = (size_t)(at - b.p);

		assert_true(off + 16 <= b.n);
		memcpy(at + 8, "\x00\x00\x4e\x20\x00\x00\x4e\x20", 8);
		patched++;
		at += 4;
		left = b.n - off - 4;
	}
	assert_true(patched > 0);
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_HEIC, &out, &outlen,
					&ot), MW_ERR_TOO_LARGE);
	assert_null(out);
	free(b.p);
}

static void test_strip_bad_args(void **state)
{
	struct blob b = load("gps.jpg");
	unsigned char *out = NULL;
	size_t outlen = 9;
	unsigned char *big;

	(void)state;
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_UNKNOWN, &out,
					&outlen, NULL), MW_ERR_UNSUPPORTED);
	assert_null(out);
	assert_int_equal(outlen, 0);
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_WEBP, &out, &outlen,
					NULL), MW_ERR_INVALID);
	assert_int_equal(mw_media_strip(b.p, b.n, MW_MEDIA_HEIC, &out, &outlen,
					&(mw_media_type){ 0 }),
			 MW_ERR_INVALID);
	big = calloc(1, MW_MEDIA_MAX_BYTES + 1);
	assert_non_null(big);
	assert_int_equal(mw_media_strip(big, MW_MEDIA_MAX_BYTES + 1,
					MW_MEDIA_JPEG, &out, &outlen, NULL),
			 MW_ERR_TOO_LARGE);
	free(big);
	free(b.p);
}

/* ---- store -------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return n;
}

static void test_store(void **state)
{
	static const char abc_hex[] =
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	char dir[] = "/tmp/mw-media-test-XXXXXX";
	char hex[65], hex2[65], path[PATH_MAX], sub[PATH_MAX];
	struct stat st, st2;
	char content[8];
	mode_t old = umask(022);
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mw_media_store(dir, "abc", 3, hex), MW_OK);
	assert_string_equal(hex, abc_hex);
	assert_int_equal(mw_media_path(dir, hex, path, sizeof(path)), MW_OK);
	snprintf(sub, sizeof(sub), "%s/ba/78/%s", dir, abc_hex);
	assert_string_equal(path, sub);

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_size, 3);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(content, 1, sizeof(content), f), 3);
	fclose(f);
	assert_memory_equal(content, "abc", 3);
	snprintf(sub, sizeof(sub), "%s/ba", dir);
	assert_int_equal(stat(sub, &st2), 0);
	assert_int_equal(st2.st_mode & 07777, 0750);
	snprintf(sub, sizeof(sub), "%s/ba/78", dir);
	assert_int_equal(stat(sub, &st2), 0);
	assert_int_equal(st2.st_mode & 07777, 0750);

	/* Again: nothing is rewritten and no temporary file is left. */
	assert_int_equal(mw_media_store(dir, "abc", 3, hex2), MW_OK);
	assert_string_equal(hex2, abc_hex);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st2.st_ino, st.st_ino);
	assert_int_equal(count_entries(sub), 1);

	/* A damaged file of the wrong size is replaced whole. */
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("a", f);
	fclose(f);
	assert_int_equal(mw_media_store(dir, "abc", 3, hex2), MW_OK);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st2.st_size, 3);
	assert_int_equal(count_entries(sub), 1);

	/* Empty blobs have a name too. */
	assert_int_equal(mw_media_store(dir, NULL, 0, hex2), MW_OK);
	assert_string_equal(hex2, "e3b0c44298fc1c149afbf4c8996fb924"
				  "27ae41e4649b934ca495991b7852b855");

	rm_tree(dir);
	/* The root must exist; it is configuration, not data. */
	errno = 0;
	assert_int_equal(mw_media_store(dir, "abc", 3, hex2), MW_ERR_IO);
	assert_int_equal(errno, ENOENT);
	umask(old);
}

static void test_path_validation(void **state)
{
	const char *good = "ba7816bf8f01cfea414140de5dae2223"
			   "b00361a396177a9cb410ff61f20015ad";
	char out[256], tiny[16];
	char hex[80];

	(void)state;
	assert_int_equal(mw_media_path("/srv/blobs", good, out, sizeof(out)),
			 MW_OK);
	assert_string_equal(out, "/srv/blobs/ba/78/ba7816bf8f01cfea414140de5"
				 "dae2223b00361a396177a9cb410ff61f20015ad");

	assert_int_equal(mw_media_path("/srv", "../x", out, sizeof(out)),
			 MW_ERR_INVALID);
	assert_string_equal(out, "");
	assert_int_equal(mw_media_path("/srv", "../../../../etc/passwd", out,
				       sizeof(out)), MW_ERR_INVALID);
	snprintf(hex, sizeof(hex), "%s", good);
	hex[0] = 'B';		/* upper case */
	assert_int_equal(mw_media_path("/srv", hex, out, sizeof(out)),
			 MW_ERR_INVALID);
	snprintf(hex, sizeof(hex), "%s", good);
	hex[63] = '\0';		/* short */
	assert_int_equal(mw_media_path("/srv", hex, out, sizeof(out)),
			 MW_ERR_INVALID);
	snprintf(hex, sizeof(hex), "%s0", good);	/* long */
	assert_int_equal(mw_media_path("/srv", hex, out, sizeof(out)),
			 MW_ERR_INVALID);
	snprintf(hex, sizeof(hex), "%s", good);
	hex[10] = 'g';		/* not hex */
	assert_int_equal(mw_media_path("/srv", hex, out, sizeof(out)),
			 MW_ERR_INVALID);
	snprintf(hex, sizeof(hex), "%s", good);
	hex[2] = '/';
	assert_int_equal(mw_media_path("/srv", hex, out, sizeof(out)),
			 MW_ERR_INVALID);
	assert_int_equal(mw_media_path("/srv", "", out, sizeof(out)),
			 MW_ERR_INVALID);
	assert_int_equal(mw_media_path("/srv", NULL, out, sizeof(out)),
			 MW_ERR_INVALID);
	assert_int_equal(mw_media_path("", good, out, sizeof(out)),
			 MW_ERR_INVALID);
	assert_int_equal(mw_media_path(NULL, good, out, sizeof(out)),
			 MW_ERR_INVALID);
	assert_int_equal(mw_media_path("/srv", good, tiny, sizeof(tiny)),
			 MW_ERR_TOO_LARGE);
	assert_string_equal(tiny, "");
}

/* ---- robustness --------------------------------------------------- */

/*
 * Runs every parser on one damaged input. Besides not crashing (ASan and
 * UBSan watch for that), the answers must be from the documented sets,
 * and a public copy that was made must never carry GPS and must itself
 * be a valid input for strip.
 */
static unsigned hammer_gps_ok, hammer_strip_ok, hammer_runs;

static void hammer(const unsigned char *src, size_t n, mw_media_type t)
{
	unsigned char *c = dup_bytes(src, n);
	unsigned char *out = NULL, *out2 = NULL;
	size_t outlen = 0, outlen2 = 0;
	mw_media_type dt, ot = MW_MEDIA_UNKNOWN, ot2;
	double lat, lon;
	int rc;

	rc = mw_media_detect(c, n, &dt);
	assert_true(rc == MW_OK || rc == MW_ERR_UNSUPPORTED);
	rc = mw_media_exif_gps(c, n, t, &lat, &lon);
	if (!(rc == MW_OK || rc == MW_ERR_NOTFOUND || rc == MW_ERR_INVALID ||
	      rc == MW_ERR_UNSUPPORTED || rc == MW_ERR_TOO_LARGE))
		fail_msg("exif_gps gave %s", mw_err_str(rc));
	hammer_runs++;
	if (rc == MW_OK)
		hammer_gps_ok++;
	if (rc == MW_OK)
		assert_true(lat >= -90 && lat <= 90 && lon >= -180 &&
			    lon <= 180);
	rc = mw_media_strip(c, n, t, &out, &outlen, &ot);
	if (!(rc == MW_OK || rc == MW_ERR_INVALID ||
	      rc == MW_ERR_UNSUPPORTED || rc == MW_ERR_TOO_LARGE))
		fail_msg("strip gave %s", mw_err_str(rc));
	if (rc == MW_OK) {
		unsigned char *o = dup_bytes(out, outlen);

		hammer_strip_ok++;

		assert_non_null(out);
		assert_true(outlen > 0);
		rc = mw_media_exif_gps(o, outlen, ot, &lat, &lon);
		if (rc == MW_OK)
			fail_msg("public copy of a damaged file has GPS");
		/* JPEGs made from HEIC are checked by decoding in the HEIC
		 * test; here each copy must survive its own strip. */
		assert_int_equal(mw_media_strip(o, outlen, ot, &out2, &outlen2,
						&ot2), MW_OK);
		free(out2);
		free(o);
	} else {
		assert_null(out);
		assert_int_equal(outlen, 0);
	}
	free(out);
	free(c);
}

/* Recomputes the CRC of every PNG chunk that still fits, so that damage
 * to lengths, types and data reaches the chunk logic behind the CRC. */
static void png_fix_crcs(unsigned char *p, size_t n)
{
	size_t pos = 8;

	while (pos + 12 <= n) {
		uint32_t len = be32(p + pos), crc;

		if (len > n - pos - 12)
			return;
		crc = crc32_slow(p + pos + 4, (size_t)len + 4);
		p[pos + 8 + len] = (unsigned char)(crc >> 24);
		p[pos + 9 + len] = (unsigned char)(crc >> 16);
		p[pos + 10 + len] = (unsigned char)(crc >> 8);
		p[pos + 11 + len] = (unsigned char)crc;
		pos += 12 + len;
	}
}

/* MINWON_FUZZ_SCALE multiplies the number of random mutations (for a
 * longer hunt by hand) and MINWON_FUZZ_SEED changes them. */
static int64_t env_int(const char *name, int64_t dflt, int64_t max)
{
	const char *v = getenv(name);
	int64_t x;

	if (!v || mw_parse_i64(v, 1, max, &x) != MW_OK)
		return dflt;
	return x;
}

static void fuzz_one(const char *name, mw_media_type t, size_t step,
		     int mutations)
{
	static const unsigned char special[] = {
		0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe, 0xd8, 0xd9, 0xda, 0xe1,
	};
	struct blob b = load(name);
	unsigned char *m;
	size_t k;
	int i, j;

	/* Every prefix (or every step-th for the slow HEIC decoder). */
	for (k = 0; k < b.n; k += step)
		hammer(b.p, k, t);
	/* Random damage: single bytes, special bytes, and 32-bit length
	 * fields turned huge or tiny. */
	mutations *= (int)env_int("MINWON_FUZZ_SCALE", 1, 1000);
	m = malloc(b.n);
	assert_non_null(m);
	hammer_runs = hammer_gps_ok = hammer_strip_ok = 0;
	for (i = 0; i < mutations; i++) {
		int edits = 1 + (int)(rng() % 4);

		memcpy(m, b.p, b.n);
		for (j = 0; j < edits; j++) {
			size_t at = rng() % b.n;

			switch (rng() % 4) {
			case 0:
				m[at] = (unsigned char)rng();
				break;
			case 1:
				m[at] = special[rng() % sizeof(special)];
				break;
			case 2:
				if (at + 4 <= b.n)
					memset(m + at, rng() % 2 ? 0xff : 0x00,
					       4);
				break;
			default:
				m[at] ^= (unsigned char)(1u << (rng() % 8));
				break;
			}
		}
		if (t == MW_MEDIA_PNG && i % 2)
			png_fix_crcs(m, b.n);
		hammer(m, b.n, t);
		/* The same damage, cut short at a random point. */
		if (i % 4 == 0)
			hammer(m, rng() % b.n, t);
	}
	/* Most damaged files must still be read, or the damage never got
	 * past the first check and the parsers went untested. */
	print_message("%s: %u damaged copies, GPS read from %u, stripped %u\n",
		      name, hammer_runs, hammer_gps_ok, hammer_strip_ok);
	free(m);
	free(b.p);
}

static void test_fuzz_jpeg(void **state)
{
	(void)state;
	fuzz_one("gps.jpg", MW_MEDIA_JPEG, 1, 3000);
	fuzz_one("nogps.jpg", MW_MEDIA_JPEG, 1, 1000);
	fuzz_one("progressive.jpg", MW_MEDIA_JPEG, 1, 2000);
}

static void test_fuzz_png(void **state)
{
	(void)state;
	fuzz_one("meta.png", MW_MEDIA_PNG, 1, 3000);
	fuzz_one("plain.png", MW_MEDIA_PNG, 1, 1000);
}

static void test_fuzz_webp(void **state)
{
	(void)state;
	fuzz_one("gps.webp", MW_MEDIA_WEBP, 1, 3000);
}

static void test_fuzz_heic(void **state)
{
	(void)state;
	fuzz_one("gps.heic", MW_MEDIA_HEIC, 7, 500);
	fuzz_one("grid.heic", MW_MEDIA_HEIC, 11, 300);
}

/* Bytes of one format handed to the parser of another. */
static void test_fuzz_cross(void **state)
{
	static const mw_media_type types[] = {
		MW_MEDIA_JPEG, MW_MEDIA_PNG, MW_MEDIA_WEBP, MW_MEDIA_HEIC,
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < MW_ARRAY_LEN(images); i++) {
		struct blob b = load(images[i].name);

		for (j = 0; j < MW_ARRAY_LEN(types); j++)
			hammer(b.p, b.n, types[j]);
		free(b.p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_detect_images),
		cmocka_unit_test(test_detect_rejects),
		cmocka_unit_test(test_detect_too_large),
		cmocka_unit_test(test_detect_threads),
		cmocka_unit_test(test_gps_fixtures),
		cmocka_unit_test(test_gps_absent),
		cmocka_unit_test(test_gps_hemispheres),
		cmocka_unit_test(test_gps_rejects),
		cmocka_unit_test(test_gps_bad_args),
		cmocka_unit_test(test_strip_jpeg),
		cmocka_unit_test(test_strip_jpeg_progressive),
		cmocka_unit_test(test_strip_jpeg_plain),
		cmocka_unit_test(test_strip_jpeg_trailer),
		cmocka_unit_test(test_strip_jpeg_malformed),
		cmocka_unit_test(test_strip_synthetic_gps),
		cmocka_unit_test(test_strip_png),
		cmocka_unit_test(test_strip_png_plain),
		cmocka_unit_test(test_strip_png_malformed),
		cmocka_unit_test(test_strip_webp),
		cmocka_unit_test(test_strip_heic),
		cmocka_unit_test(test_strip_heic_stale_memory),
		cmocka_unit_test(test_strip_heic_small),
		cmocka_unit_test(test_strip_heic_bomb),
		cmocka_unit_test(test_strip_bad_args),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_path_validation),
		cmocka_unit_test(test_fuzz_jpeg),
		cmocka_unit_test(test_fuzz_png),
		cmocka_unit_test(test_fuzz_webp),
		cmocka_unit_test(test_fuzz_heic),
		cmocka_unit_test(test_fuzz_cross),
	};

	rng_state = (uint64_t)env_int("MINWON_FUZZ_SEED", (int64_t)rng_state,
				      INT64_MAX);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

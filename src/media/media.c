/*
 * media.c - the public face of src/media: type names, detection with
 * libmagic, GPS from EXIF with libexif, the strip dispatcher and the
 * content-addressed blob store. The container parsers live in
 * media_jpeg.c, media_png.c, media_webp.c and media_heic.c.
 */
#include "media.h"
#include "media_int.h"
#include "../base/buf.h"
#include "../base/mw.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <magic.h>
#include <sodium.h>

#include "../base/banned.h"

static const struct {
	const char *mime;
	const char *ext;
} type_names[] = {
	[MW_MEDIA_UNKNOWN] = { "application/octet-stream", "bin" },
	[MW_MEDIA_JPEG] = { "image/jpeg", "jpg" },
	[MW_MEDIA_PNG] = { "image/png", "png" },
	[MW_MEDIA_WEBP] = { "image/webp", "webp" },
	[MW_MEDIA_HEIC] = { "image/heic", "heic" },
};

const char *mw_media_mime(mw_media_type t)
{
	if ((unsigned)t >= MW_ARRAY_LEN(type_names))
		t = MW_MEDIA_UNKNOWN;
	return type_names[t].mime;
}

const char *mw_media_ext(mw_media_type t)
{
	if ((unsigned)t >= MW_ARRAY_LEN(type_names))
		t = MW_MEDIA_UNKNOWN;
	return type_names[t].ext;
}

/* ---- detection ---------------------------------------------------- */

/*
 * A magic_t must not be used by two threads at once, and opening one
 * loads the whole database (milliseconds), so each thread keeps its own.
 * A pthread key rather than a bare _Thread_local gives us a destructor
 * that closes the handle when a worker thread exits.
 */
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_key_t magic_key;
static bool magic_key_ok;

static void magic_destroy(void *m)
{
	magic_close(m);
}

static void magic_key_create(void)
{
	magic_key_ok = pthread_key_create(&magic_key, magic_destroy) == 0;
}

/* The checks we switch off cannot name an image and only add attack
 * surface: decompressing, ELF, tar and Compound Document parsers. */
#define MAGIC_FLAGS (MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | \
		     MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_CDF)

static const size_t magic_bytes_max = 64 * 1024;

static int magic_handle(magic_t *out)
{
	magic_t m;

	pthread_once(&magic_once, magic_key_create);
	if (!magic_key_ok)
		return MW_ERR_NOMEM;
	m = pthread_getspecific(magic_key);
	if (m) {
		*out = m;
		return MW_OK;
	}
	m = magic_open(MAGIC_FLAGS);
	if (!m)
		return MW_ERR_NOMEM;
	/* Image signatures sit in the first bytes; only text heuristics
	 * would read a 10 MB upload through to its end. */
	if (magic_setparam(m, MAGIC_PARAM_BYTES_MAX, &magic_bytes_max) != 0 ||
	    magic_load(m, NULL) != 0) {
		magic_close(m);
		return MW_ERR_IO;
	}
	if (pthread_setspecific(magic_key, m) != 0) {
		magic_close(m);
		return MW_ERR_NOMEM;
	}
	*out = m;
	return MW_OK;
}

/* libmagic's names for the types we take. An animated PNG is still a PNG
 * (strip keeps its first frame); HEIF with an image brand is decoded by
 * libheif like HEIC. Sequences and AVIF are not photos we accept. */
static const struct {
	const char *mime;
	mw_media_type type;
} magic_types[] = {
	{ "image/jpeg", MW_MEDIA_JPEG },
	{ "image/png", MW_MEDIA_PNG },
	{ "image/apng", MW_MEDIA_PNG },
	{ "image/webp", MW_MEDIA_WEBP },
	{ "image/heic", MW_MEDIA_HEIC },
	{ "image/heif", MW_MEDIA_HEIC },
};

/*
 * The file's own signature must agree with libmagic, so that a quirk in a
 * magic rule can never send bytes to a parser written for another format.
 */
static bool signature_matches(const unsigned char *d, size_t n,
			      mw_media_type t)
{
	static const unsigned char png_sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};

	switch (t) {
	case MW_MEDIA_JPEG:
		return n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff;
	case MW_MEDIA_PNG:
		return n >= 8 && memcmp(d, png_sig, 8) == 0;
	case MW_MEDIA_WEBP:
		return n >= 12 && memcmp(d, "RIFF", 4) == 0 &&
		       memcmp(d + 8, "WEBP", 4) == 0;
	case MW_MEDIA_HEIC:
		return n >= 12 && memcmp(d + 4, "ftyp", 4) == 0;
	case MW_MEDIA_UNKNOWN:
		break;
	}
	return false;
}

int mw_media_detect(const void *data, size_t len, mw_media_type *out)
{
	const unsigned char *d = data;
	const char *mime;
	magic_t m;
	size_t i;
	int rc;

	MW_ASSERT(out);
	*out = MW_MEDIA_UNKNOWN;
	if (len > MW_MEDIA_MAX_BYTES)
		return MW_ERR_TOO_LARGE;
	if (len == 0 || !d)
		return MW_ERR_UNSUPPORTED;
	rc = magic_handle(&m);
	if (rc)
		return rc;
	mime = magic_buffer(m, d, len);
	if (!mime)
		return MW_ERR_UNSUPPORTED;
	for (i = 0; i < MW_ARRAY_LEN(magic_types); i++) {
		if (strcmp(mime, magic_types[i].mime) != 0)
			continue;
		if (!signature_matches(d, len, magic_types[i].type))
			return MW_ERR_UNSUPPORTED;
		*out = magic_types[i].type;
		return MW_OK;
	}
	return MW_ERR_UNSUPPORTED;
}

/* ---- EXIF --------------------------------------------------------- */

static const unsigned char exif_header[6] = { 'E', 'x', 'i', 'f', 0, 0 };

int mw_media_exif_load(const unsigned char *p, size_t n, ExifData **out)
{
	unsigned char *tmp = NULL;
	const unsigned char *src = p;
	size_t srclen = n;
	ExifData *ed;
	int rc = MW_OK;

	*out = NULL;
	if (n >= 6 && memcmp(p, exif_header, 6) == 0) {
		/* libexif takes this form as it is. */
	} else if (n >= 8 && (memcmp(p, "II*\0", 4) == 0 ||
			      memcmp(p, "MM\0*", 4) == 0)) {
		/* libexif only takes a bare TIFF structure after the
		 * header a JPEG APP1 would have, so we give it one. */
		tmp = malloc(n + 6);
		if (!tmp) {
			rc = MW_ERR_NOMEM;
			goto out;
		}
		memcpy(tmp, exif_header, 6);
		memcpy(tmp + 6, p, n);
		src = tmp;
		srclen = n + 6;
	} else {
		rc = MW_ERR_INVALID;
		goto out;
	}
	if (srclen > UINT_MAX) {
		rc = MW_ERR_TOO_LARGE;
		goto out;
	}
	ed = exif_data_new();
	if (!ed) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	/* "Follow specification" would invent the mandatory tags a file
	 * lacks; we want to see only what the file says. */
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_load_data(ed, src, (unsigned int)srclen);
	*out = ed;
out:
	free(tmp);
	return rc;
}

int mw_media_exif_orientation(const unsigned char *p, size_t n)
{
	ExifData *ed = NULL;
	ExifEntry *e;
	int o = 0;

	if (mw_media_exif_load(p, n, &ed) != MW_OK)
		return 0;
	e = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
	if (e && e->data && e->format == EXIF_FORMAT_SHORT &&
	    e->components >= 1 && e->size >= 2) {
		ExifShort v = exif_get_short(e->data,
					     exif_data_get_byte_order(ed));

		if (v >= 1 && v <= 8)
			o = v;
	}
	exif_data_unref(ed);
	return o;
}

/*
 * One coordinate: a reference letter (N/S or E/W) and three rationals,
 * degrees, minutes and seconds. *out gets the signed decimal degrees.
 */
static int gps_coord(ExifData *ed, ExifContent *gps, ExifTag reftag,
		     ExifTag valtag, char pos, char neg, double max,
		     double *out)
{
	ExifEntry *ref = exif_content_get_entry(gps, reftag);
	ExifEntry *val = exif_content_get_entry(gps, valtag);
	ExifByteOrder bo = exif_data_get_byte_order(ed);
	double part[3], v, sign;
	int c, i;

	if (!val)
		return MW_ERR_NOTFOUND;
	/* Without its reference a coordinate could be in either
	 * hemisphere, and a complaint filed at the wrong end of the world
	 * is worse than one without a place. */
	if (!ref || !ref->data || ref->format != EXIF_FORMAT_ASCII ||
	    ref->size < 1)
		return MW_ERR_INVALID;
	c = toupper(ref->data[0]);
	if (c == pos)
		sign = 1.0;
	else if (c == neg)
		sign = -1.0;
	else
		return MW_ERR_INVALID;
	if (!val->data || val->format != EXIF_FORMAT_RATIONAL ||
	    val->components < 3 || val->size < 24)
		return MW_ERR_INVALID;
	for (i = 0; i < 3; i++) {
		ExifRational r = exif_get_rational(val->data + 8 * i, bo);

		if (r.denominator == 0)
			return MW_ERR_INVALID;
		part[i] = (double)r.numerator / (double)r.denominator;
	}
	if (part[0] > max || part[1] >= 60.0 || part[2] >= 60.0)
		return MW_ERR_INVALID;
	v = part[0] + part[1] / 60.0 + part[2] / 3600.0;
	if (v > max)
		return MW_ERR_INVALID;
	*out = sign * v;
	return MW_OK;
}

static int gps_from_exif(ExifData *ed, double *lat, double *lon)
{
	ExifContent *gps = ed->ifd[EXIF_IFD_GPS];
	ExifEntry *status;
	double la = 0, lo = 0;
	int rla, rlo;

	if (!gps || gps->count == 0)
		return MW_ERR_NOTFOUND;
	status = exif_content_get_entry(gps, EXIF_TAG_GPS_STATUS);
	if (status && status->data && status->format == EXIF_FORMAT_ASCII &&
	    status->size >= 1 && toupper(status->data[0]) == 'V')
		return MW_ERR_NOTFOUND;
	rla = gps_coord(ed, gps, EXIF_TAG_GPS_LATITUDE_REF,
			EXIF_TAG_GPS_LATITUDE, 'N', 'S', 90.0, &la);
	rlo = gps_coord(ed, gps, EXIF_TAG_GPS_LONGITUDE_REF,
			EXIF_TAG_GPS_LONGITUDE, 'E', 'W', 180.0, &lo);
	if (rla == MW_ERR_NOTFOUND && rlo == MW_ERR_NOTFOUND)
		return MW_ERR_NOTFOUND;
	/* Half a position is a broken one. */
	if (rla != MW_OK || rlo != MW_OK)
		return MW_ERR_INVALID;
	if (la == 0.0 && lo == 0.0)
		return MW_ERR_NOTFOUND;
	*lat = la;
	*lon = lo;
	return MW_OK;
}

int mw_media_exif_gps(const void *data, size_t len, mw_media_type t,
		      double *lat, double *lon)
{
	const unsigned char *d = data;
	const unsigned char *exif = NULL;
	unsigned char *owned = NULL;
	size_t exiflen = 0;
	ExifData *ed = NULL;
	int rc;

	MW_ASSERT(lat && lon);
	if (len > MW_MEDIA_MAX_BYTES)
		return MW_ERR_TOO_LARGE;
	if (!d && len)
		return MW_ERR_INVALID;
	switch (t) {
	case MW_MEDIA_JPEG:
		rc = mw_media_jpeg_find_exif(d, len, &exif, &exiflen);
		break;
	case MW_MEDIA_PNG:
		rc = mw_media_png_find_exif(d, len, &exif, &exiflen);
		break;
	case MW_MEDIA_WEBP:
		rc = mw_media_webp_find_exif(d, len, &exif, &exiflen);
		break;
	case MW_MEDIA_HEIC:
		rc = mw_media_heic_find_exif(d, len, &owned, &exiflen);
		exif = owned;
		break;
	default:
		rc = MW_ERR_UNSUPPORTED;
		break;
	}
	if (rc)
		goto out;
	rc = mw_media_exif_load(exif, exiflen, &ed);
	if (rc)
		goto out;
	rc = gps_from_exif(ed, lat, lon);
out:
	if (ed)
		exif_data_unref(ed);
	free(owned);
	return rc;
}

/* ---- strip -------------------------------------------------------- */

int mw_media_strip(const void *data, size_t len, mw_media_type t,
		   unsigned char **out, size_t *outlen,
		   mw_media_type *outtype)
{
	const unsigned char *d = data;
	mw_buf b = MW_BUF_INIT;
	mw_media_type ot = t;
	int rc;

	MW_ASSERT(out && outlen);
	MW_ASSERT(outtype || t != MW_MEDIA_HEIC);
	*out = NULL;
	*outlen = 0;
	if (len > MW_MEDIA_MAX_BYTES)
		return MW_ERR_TOO_LARGE;
	if (!d && len)
		return MW_ERR_INVALID;
	switch (t) {
	case MW_MEDIA_JPEG:
		rc = mw_media_jpeg_strip(d, len, &b);
		break;
	case MW_MEDIA_PNG:
		rc = mw_media_png_strip(d, len, &b);
		break;
	case MW_MEDIA_WEBP:
		rc = mw_media_webp_strip(d, len, &b);
		break;
	case MW_MEDIA_HEIC:
		rc = mw_media_heic_to_jpeg(d, len, &b);
		ot = MW_MEDIA_JPEG;
		break;
	default:
		rc = MW_ERR_UNSUPPORTED;
		break;
	}
	if (rc)
		goto out;
	*out = (unsigned char *)mw_buf_detach(&b, outlen);
	if (!*out) {
		*outlen = 0;
		rc = MW_ERR_NOMEM;
		goto out;
	}
	if (outtype)
		*outtype = ot;
out:
	mw_buf_release(&b);
	return rc;
}

/* ---- store -------------------------------------------------------- */

static bool valid_hex(const char *h)
{
	size_t i;

	for (i = 0; i < 64; i++) {
		char c = h[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return h[64] == '\0';
}

int mw_media_path(const char *dir, const char *sha256_hex, char *out,
		  size_t outsz)
{
	int n;

	MW_ASSERT(out || outsz == 0);
	if (outsz)
		out[0] = '\0';
	if (!dir || !*dir || !sha256_hex || !valid_hex(sha256_hex))
		return MW_ERR_INVALID;
	n = snprintf(out, outsz, "%s/%.2s/%.2s/%s", dir, sha256_hex,
		     sha256_hex + 2, sha256_hex);
	if (n < 0 || (size_t)n >= outsz) {
		if (outsz)
			out[0] = '\0';
		return MW_ERR_TOO_LARGE;
	}
	return MW_OK;
}

/* fsync a directory so that a name just created or renamed in it
 * survives a power cut. */
static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = MW_OK;

	if (fd < 0)
		return MW_ERR_IO;
	if (fsync(fd) != 0)
		rc = MW_ERR_IO;
	close(fd);
	return rc;
}

/* Creates path (one level) unless it exists, and makes the new name
 * durable in parent. */
static int make_dir(const char *parent, const char *path)
{
	struct stat st;

	if (mkdir(path, 0750) == 0)
		return fsync_dir(parent);
	if (errno != EEXIST)
		return MW_ERR_IO;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return MW_ERR_IO;
	}
	return MW_OK;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return MW_ERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return MW_OK;
}

int mw_media_store(const char *dir, const void *data, size_t len,
		   char sha256_hex[65])
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	char hex[65];
	char level1[PATH_MAX], level2[PATH_MAX], final[PATH_MAX];
	char tmp[PATH_MAX];
	struct stat st;
	int fd = -1;
	bool tmp_made = false;
	int rc, n;

	MW_ASSERT(dir && sha256_hex && (data || len == 0));
	if (sodium_init() < 0)
		return MW_ERR_CRYPTO;
	crypto_hash_sha256(hash, data, len);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));

	if (stat(dir, &st) != 0)
		return MW_ERR_IO;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return MW_ERR_IO;
	}
	rc = mw_media_path(dir, hex, final, sizeof(final));
	if (rc)
		return rc;
	n = snprintf(level1, sizeof(level1), "%s/%.2s", dir, hex);
	if (n < 0 || (size_t)n >= sizeof(level1))
		return MW_ERR_TOO_LARGE;
	n = snprintf(level2, sizeof(level2), "%s/%.2s", level1, hex + 2);
	if (n < 0 || (size_t)n >= sizeof(level2))
		return MW_ERR_TOO_LARGE;
	n = snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", level2);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return MW_ERR_TOO_LARGE;

	/* The name is the content, so a file of the right size that is
	 * already there holds these bytes: rename() put it there whole. */
	if (lstat(final, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == len) {
		rc = MW_OK;
		goto done;
	}

	rc = make_dir(dir, level1);
	if (rc)
		goto out;
	rc = make_dir(level1, level2);
	if (rc)
		goto out;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = MW_ERR_IO;
		goto out;
	}
	tmp_made = true;
	if (fchmod(fd, 0640) != 0) {
		rc = MW_ERR_IO;
		goto out;
	}
	rc = write_all(fd, data, len);
	if (rc)
		goto out;
	if (fsync(fd) != 0) {
		rc = MW_ERR_IO;
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = MW_ERR_IO;
		goto out;
	}
	fd = -1;
	/* Two uploads of the same photo may race here; both renames put
	 * identical bytes in place, so whichever wins is right. */
	if (rename(tmp, final) != 0) {
		rc = MW_ERR_IO;
		goto out;
	}
	tmp_made = false;
	rc = fsync_dir(level2);
	if (rc)
		goto out;
done:
	memcpy(sha256_hex, hex, sizeof(hex));
out:
	if (fd >= 0)
		close(fd);
	if (tmp_made) {
		int saved = errno;

		unlink(tmp);
		errno = saved;
	}
	return rc;
}

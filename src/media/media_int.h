/*
 * media_int.h - what the files of src/media share with each other and with
 * nobody else: one parser per container and the libexif glue.
 *
 * Every parser takes the upload as (d, n) and reads only d[0..n). The
 * *_find_exif functions hand back a pointer into d, so nothing is copied;
 * the *_strip functions append the public copy to an mw_buf that the
 * caller owns (and releases on error).
 */
#ifndef MW_MEDIA_INT_H
#define MW_MEDIA_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libexif/exif-data.h>

#include "../base/buf.h"
#include "media.h"

static inline uint32_t mw_media_be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t mw_media_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t mw_media_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

/*
 * Loads an EXIF block into libexif. p is either "Exif\0\0" followed by a
 * TIFF structure (JPEG APP1, HEIC, some WebP writers) or the bare TIFF
 * structure (PNG eXIf, WebP EXIF). The caller frees *out with
 * exif_data_unref(). MW_ERR_INVALID when p is neither, MW_ERR_NOMEM.
 */
int mw_media_exif_load(const unsigned char *p, size_t n, ExifData **out);

/* The EXIF Orientation (1..8) of an EXIF block as above, 0 when it has
 * none or it cannot be read. */
int mw_media_exif_orientation(const unsigned char *p, size_t n);

/* The first EXIF block of a file: MW_OK with *exif pointing into d,
 * MW_ERR_NOTFOUND when there is none, MW_ERR_INVALID when the structure
 * before it is broken. */
int mw_media_jpeg_find_exif(const unsigned char *d, size_t n,
			    const unsigned char **exif, size_t *exiflen);
int mw_media_png_find_exif(const unsigned char *d, size_t n,
			   const unsigned char **exif, size_t *exiflen);
int mw_media_webp_find_exif(const unsigned char *d, size_t n,
			    const unsigned char **exif, size_t *exiflen);

/* HEIC keeps its EXIF inside an item that libheif has to find, so this
 * one copies: *exif is malloc'ed and the caller frees it. */
int mw_media_heic_find_exif(const unsigned char *d, size_t n,
			    unsigned char **exif, size_t *exiflen);

/* The public copies; see mw_media_strip in media.h for what each keeps. */
int mw_media_jpeg_strip(const unsigned char *d, size_t n, mw_buf *out);
int mw_media_png_strip(const unsigned char *d, size_t n, mw_buf *out);
int mw_media_webp_strip(const unsigned char *d, size_t n, mw_buf *out);
int mw_media_heic_to_jpeg(const unsigned char *d, size_t n, mw_buf *out);

#endif

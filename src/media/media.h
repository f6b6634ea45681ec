/*
 * media.h - photo attachments: what a file is, where it was taken, a copy
 * that is safe to show the public, and content-addressed storage.
 *
 * Citizens and field workers upload JPEG, PNG, WebP and HEIC photos of up
 * to MW_MEDIA_MAX_BYTES. An upload handler uses the module in this order:
 *
 *   1. mw_media_detect()    the type, from the bytes alone (libmagic). The
 *                           client's Content-Type and file name are never
 *                           trusted and this module never looks at them.
 *   2. mw_media_exif_gps()  where the photo was taken, to fill in a
 *                           complaint location the citizen left empty.
 *   3. mw_media_strip()     the public copy without metadata. It also walks
 *                           the whole file, so an upload whose strip fails
 *                           with MW_ERR_INVALID should be refused: detect
 *                           only says what the bytes claim to be.
 *   4. mw_media_store()     the original (staff only) and the public copy,
 *                           each under its SHA-256.
 *
 * Invariants:
 *   - Every parser treats its input as hostile: each length is checked
 *     against the bytes that are really there, nothing is read past len,
 *     and a malformed or truncated file gives MW_ERR_INVALID, never a
 *     crash. Inputs above MW_MEDIA_MAX_BYTES give MW_ERR_TOO_LARGE.
 *   - A public copy (mw_media_strip) carries no EXIF, XMP, IPTC, comments,
 *     text chunks, timestamps, thumbnails or trailing data after the image.
 *     In particular it never carries GPS. What is kept is listed at
 *     mw_media_strip and is there only because the picture needs it.
 *   - Only people who are staff may ever be given an original.
 *   - Every function is safe to call from several threads at once.
 *   - The first HEIC that mw_media_strip decodes turns on glibc's
 *     M_PERTURB for the whole process (see media_heic.c): libheif and
 *     libde265 can return pixels that were never written, and those must
 *     not carry old heap contents into a public copy.
 *
 * Errors are the MW_ERR_* values of base/mw.h; each function lists the
 * ones it gives. Passing NULL where a pointer is required is a programming
 * error and aborts (MW_ASSERT), except where said otherwise.
 */
#ifndef MW_MEDIA_H
#define MW_MEDIA_H

#include <stddef.h>

/* The largest upload, in bytes, that any function here accepts. */
#define MW_MEDIA_MAX_BYTES ((size_t)10 << 20)

/* The largest HEIC picture, in pixels, that mw_media_strip decodes: a
 * 48-megapixel phone photo fits, a decompression bomb does not. */
#define MW_MEDIA_MAX_PIXELS ((size_t)64 << 20)

typedef enum {
	MW_MEDIA_UNKNOWN = 0,
	MW_MEDIA_JPEG,
	MW_MEDIA_PNG,
	MW_MEDIA_WEBP,
	MW_MEDIA_HEIC
} mw_media_type;

/* The MIME type ("image/jpeg") and file extension without a dot ("jpg")
 * of a type. Static strings; MW_MEDIA_UNKNOWN (and any value out of range)
 * gives "application/octet-stream" and "bin", never NULL. */
const char *mw_media_mime(mw_media_type t);
const char *mw_media_ext(mw_media_type t);

/*
 * Tells which of the supported types data holds, from its content alone:
 * libmagic must name the type and the file's own signature must agree.
 * Each thread lazily opens its own libmagic handle (magic_t is not
 * thread-safe) and closes it when the thread exits.
 *
 * Errors: MW_ERR_UNSUPPORTED for anything else, including empty input,
 * text, PDF, SVG, GIF, AVIF and garbage; MW_ERR_TOO_LARGE above
 * MW_MEDIA_MAX_BYTES; MW_ERR_NOMEM or MW_ERR_IO when libmagic cannot be
 * opened or its database loaded. *out is MW_MEDIA_UNKNOWN on every error.
 */
int mw_media_detect(const void *data, size_t len, mw_media_type *out);

/*
 * Reads where the photo was taken from its EXIF GPS tags: latitude and
 * longitude in decimal degrees (WGS 84, south and west negative). t is
 * the type mw_media_detect gave. The EXIF block is taken from a JPEG's
 * APP1, a PNG's eXIf chunk, a WebP's EXIF chunk or a HEIC's Exif item.
 *
 * Errors: MW_ERR_NOTFOUND when the file has no EXIF, no GPS position,
 * a GPS status of "void" or the position 0,0 (what receivers write before
 * they have a fix); MW_ERR_INVALID when the file or the GPS tags are
 * malformed (wrong formats, zero denominators, missing N/S/E/W reference,
 * minutes or seconds of 60 and more, latitude beyond 90 or longitude
 * beyond 180 degrees); MW_ERR_UNSUPPORTED for MW_MEDIA_UNKNOWN, or a HEIC
 * libheif cannot read; MW_ERR_TOO_LARGE above MW_MEDIA_MAX_BYTES or past
 * libheif's limits; MW_ERR_NOMEM. *lat and *lon are written only on MW_OK.
 * Only the first 64 KiB of an EXIF block are read (libexif's limit, and
 * the most a JPEG APP1 can hold).
 */
int mw_media_exif_gps(const void *data, size_t len, mw_media_type t,
		      double *lat, double *lon);

/*
 * Makes the public copy of a photo of type t, without metadata.
 *
 *   JPEG: keeps the JFIF APP0, ICC profile APP2s, the Adobe APP14 (which
 *         says how to read the colours) and the image segments; drops
 *         every other APPn (EXIF, XMP, IPTC, MPF, ...), COM segments and
 *         anything after EOI (appended phone videos, MPF images). When the
 *         EXIF said the camera was turned (Orientation 2..8), a new APP1
 *         holding that one tag is written so the picture is not shown
 *         sideways; it holds nothing else.
 *   PNG:  keeps IHDR, PLTE, IDAT, IEND, tRNS, gAMA, cHRM, sRGB, iCCP, bKGD
 *         and pHYs; drops every other chunk (tEXt, zTXt, iTXt, eXIf,
 *         tIME, animation, ...) and anything after IEND. Every chunk's
 *         length and CRC are checked.
 *   WebP: drops the EXIF and XMP chunks and any unknown chunk, clears the
 *         EXIF and XMP flags of VP8X and writes the new RIFF size.
 *   HEIC: decodes the primary image with libheif (rotation and mirroring
 *         applied) and encodes it as a JPEG of quality 85 that carries
 *         only the ICC profile, so the public copy is a JPEG. Pictures
 *         under 64 pixels on a side are refused.
 *
 * On MW_OK *out is a malloc'ed block of *outlen bytes that the caller
 * frees with free(), and *outtype the type of the copy (MW_MEDIA_JPEG for
 * HEIC, otherwise t); outtype may be NULL when t is not MW_MEDIA_HEIC.
 * On error *out is NULL and *outlen 0.
 *
 * Errors: MW_ERR_INVALID for a malformed or truncated file;
 * MW_ERR_UNSUPPORTED for MW_MEDIA_UNKNOWN, or a HEIC that libheif cannot
 * decode or that is under 64 pixels on a side; MW_ERR_TOO_LARGE above
 * MW_MEDIA_MAX_BYTES or, for HEIC, above MW_MEDIA_MAX_PIXELS or libheif's
 * own limits; MW_ERR_NOMEM.
 */
int mw_media_strip(const void *data, size_t len, mw_media_type t,
		   unsigned char **out, size_t *outlen,
		   mw_media_type *outtype);

/*
 * Stores data under dir/ab/cd/<sha256 hex>, where ab and cd are the first
 * two bytes of the hex, and writes the hex (64 lowercase characters and a
 * NUL) to sha256_hex. dir must exist; the two levels below it are created
 * with mode 0750, the file gets mode 0640. The file appears whole or not
 * at all: it is written to a temporary file beside it, fsync'ed, renamed
 * into place, and the directory is fsync'ed. Storing bytes that are
 * already there (a regular file of the same name and size) does nothing
 * and succeeds, so the call is idempotent.
 *
 * Errors: MW_ERR_IO (with errno left as the failing call set it) when dir
 * is missing or a file operation fails; MW_ERR_TOO_LARGE when the path
 * does not fit PATH_MAX; MW_ERR_CRYPTO when libsodium cannot start.
 * sha256_hex is filled in only on MW_OK.
 */
int mw_media_store(const char *dir, const void *data, size_t len,
		   char sha256_hex[65]);

/*
 * Writes to out the path mw_media_store uses for sha256_hex. The hex must
 * be exactly 64 lowercase hexadecimal characters, so that a name coming
 * from a request can never climb out of dir ("../x") or alias another
 * blob ("AB..." and "ab...").
 *
 * Errors: MW_ERR_INVALID for a bad hex or an empty dir (a NULL dir or hex
 * is also MW_ERR_INVALID); MW_ERR_TOO_LARGE when out is too small (it then
 * holds an empty string).
 */
int mw_media_path(const char *dir, const char *sha256_hex, char *out,
		  size_t outsz);

#endif

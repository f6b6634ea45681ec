/*
 * media_heic.c - HEIC through libheif: the EXIF item, and the public copy,
 * which is the primary image decoded and encoded again as a JPEG.
 *
 * HEIC is an ISO-BMFF container whose metadata lives in items referenced
 * from an item table; rewriting that table to drop items is a great deal
 * of fragile code, and browsers cannot show HEIC anyway. So the public
 * copy is made from pixels: decode with libheif (which applies the
 * container's rotation, mirroring and cropping), encode with libjpeg at
 * quality 85. The JPEG carries the ICC profile and nothing else.
 */
#include "media_int.h"
#include "../base/buf.h"
#include "../base/mw.h"

#include <malloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <libheif/heif.h>

#include "../base/banned.h"

#define JPEG_QUALITY 85

/* An ICC profile bigger than this is not a colour profile worth keeping. */
#define MAX_ICC_BYTES ((size_t)1 << 20)

/*
 * Smaller pictures are refused. No photo of a pothole is this small, and
 * every plane of a picture this size is too big for glibc's per-thread
 * cache of small blocks (tcache, up to 1032 bytes), which M_PERTURB below
 * does not scrub.
 */
#define MIN_SIDE 64

/*
 * libheif 1.15 with libde265 can hand back pixels that nobody wrote: a
 * damaged HEVC stream leaves parts of libde265's frame uninitialised, and
 * a grid whose declared size is larger than its tiles leaves the rest of
 * the canvas as it came from malloc. Encoded into the public JPEG, that
 * would publish whatever the heap held before, such as another citizen's
 * photo. Neither library reports it, so we make the stale bytes harmless
 * instead: M_PERTURB has glibc fill every block it hands out (and every
 * block it takes back) with a constant. It is set once for the whole
 * process, at the first HEIC, and costs a memset per allocation outside
 * the tcache.
 */
#define PERTURB_BYTE 0x80

/* libheif counts heif_init() calls; we make one for the life of the
 * process so that its built-in decoders are registered exactly once. */
static pthread_once_t heif_once = PTHREAD_ONCE_INIT;

static void heif_start(void)
{
	mallopt(M_PERTURB, PERTURB_BYTE);
	(void)heif_init(NULL);
}

static int heif_rc(struct heif_error e)
{
	if (e.code == heif_error_Ok)
		return MW_OK;
	if (e.subcode == heif_suberror_Security_limit_exceeded)
		return MW_ERR_TOO_LARGE;
	switch (e.code) {
	case heif_error_Memory_allocation_error:
		return MW_ERR_NOMEM;
	case heif_error_Unsupported_filetype:
	case heif_error_Unsupported_feature:
		return MW_ERR_UNSUPPORTED;
	default:
		return MW_ERR_INVALID;
	}
}

/* Parses the container and finds the primary image; on MW_OK the caller
 * releases *h and frees *ctx. */
static int heic_open(const unsigned char *d, size_t n,
		     struct heif_context **ctx, struct heif_image_handle **h)
{
	int rc;

	*ctx = NULL;
	*h = NULL;
	/* Bytes of another format are refused here, as the other parsers
	 * do, rather than told apart from damage by libheif. */
	if (n < 12 || memcmp(d + 4, "ftyp", 4) != 0)
		return MW_ERR_INVALID;
	pthread_once(&heif_once, heif_start);
	*ctx = heif_context_alloc();
	if (!*ctx)
		return MW_ERR_NOMEM;
	/* A server decodes many uploads side by side already; one image
	 * should not start a thread per core on top of that. */
	heif_context_set_max_decoding_threads(*ctx, 0);
	rc = heif_rc(heif_context_read_from_memory_without_copy(*ctx, d, n,
								NULL));
	if (rc)
		goto fail;
	rc = heif_rc(heif_context_get_primary_image_handle(*ctx, h));
	if (rc)
		goto fail;
	return MW_OK;
fail:
	heif_context_free(*ctx);
	*ctx = NULL;
	*h = NULL;
	return rc;
}

int mw_media_heic_find_exif(const unsigned char *d, size_t n,
			    unsigned char **exif, size_t *exiflen)
{
	struct heif_context *ctx = NULL;
	struct heif_image_handle *h = NULL;
	heif_item_id id;
	unsigned char *buf = NULL;
	size_t size, off;
	int rc;

	*exif = NULL;
	*exiflen = 0;
	rc = heic_open(d, n, &ctx, &h);
	if (rc)
		goto out;
	if (heif_image_handle_get_list_of_metadata_block_IDs(h, "Exif",
							     &id, 1) < 1) {
		rc = MW_ERR_NOTFOUND;
		goto out;
	}
	size = heif_image_handle_get_metadata_size(h, id);
	if (size < 4 || size > n) {
		rc = MW_ERR_INVALID;
		goto out;
	}
	buf = malloc(size);
	if (!buf) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	rc = heif_rc(heif_image_handle_get_metadata(h, id, buf));
	if (rc)
		goto out;
	/* The item starts with the offset of the TIFF header from the end
	 * of this field (usually 6, skipping "Exif\0\0"). */
	off = mw_media_be32(buf);
	if (off > size - 4) {
		rc = MW_ERR_INVALID;
		goto out;
	}
	*exiflen = size - 4 - off;
	memmove(buf, buf + 4 + off, *exiflen);
	*exif = buf;
	buf = NULL;
out:
	free(buf);
	if (h)
		heif_image_handle_release(h);
	if (ctx)
		heif_context_free(ctx);
	return rc;
}

/* ---- libjpeg -------------------------------------------------------- */

/*
 * libjpeg reports errors by calling error_exit, whose default calls
 * exit(); ours jumps back to encode_jpeg instead. The output goes to an
 * mw_buf through a fixed staging buffer, so that on an error the caller
 * simply releases the mw_buf (jpeg_mem_dest would leak its block).
 */
struct jpeg_fail {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
	int rc;
};

struct jpeg_sink {
	struct jpeg_destination_mgr pub;
	mw_buf *out;
	unsigned char stage[16384];
};

static void fail_exit(j_common_ptr c)
{
	struct jpeg_fail *f = (struct jpeg_fail *)c->err;

	longjmp(f->jb, 1);
}

static void fail_message(j_common_ptr c)
{
	/* The server's log says what failed; libjpeg's stderr does not. */
	MW_UNUSED(c);
}

static void sink_init(j_compress_ptr c)
{
	struct jpeg_sink *s = (struct jpeg_sink *)c->dest;

	s->pub.next_output_byte = s->stage;
	s->pub.free_in_buffer = sizeof(s->stage);
}

static void sink_flush(j_compress_ptr c, size_t n)
{
	struct jpeg_sink *s = (struct jpeg_sink *)c->dest;
	int rc = mw_buf_append(s->out, s->stage, n);

	if (rc) {
		((struct jpeg_fail *)c->err)->rc = rc;
		ERREXIT(c, JERR_OUT_OF_MEMORY);
	}
}

/* libjpeg calls this when the whole stage is full, whatever
 * free_in_buffer says. */
static boolean sink_empty(j_compress_ptr c)
{
	struct jpeg_sink *s = (struct jpeg_sink *)c->dest;

	sink_flush(c, sizeof(s->stage));
	sink_init(c);
	return TRUE;
}

static void sink_term(j_compress_ptr c)
{
	struct jpeg_sink *s = (struct jpeg_sink *)c->dest;

	sink_flush(c, sizeof(s->stage) - s->pub.free_in_buffer);
}

static int encode_jpeg(const unsigned char *rgb, size_t stride, int w, int h,
		       const unsigned char *icc, size_t icclen, mw_buf *out)
{
	struct jpeg_compress_struct ci;
	struct jpeg_fail fail;
	struct jpeg_sink *sink;
	JSAMPROW row;

	/* The sink is on the heap so that this frame stays small. */
	sink = calloc(1, sizeof(*sink));
	if (!sink)
		return MW_ERR_NOMEM;
	memset(&ci, 0, sizeof(ci));
	ci.err = jpeg_std_error(&fail.pub);
	fail.pub.error_exit = fail_exit;
	fail.pub.output_message = fail_message;
	fail.rc = MW_ERR_INVALID;
	if (setjmp(fail.jb)) {
		/* Everything read here lives in memory that libjpeg and
		 * our callbacks wrote through pointers, not in registers. */
		jpeg_destroy_compress(&ci);
		free(sink);
		return fail.rc;
	}
	jpeg_create_compress(&ci);
	sink->pub.init_destination = sink_init;
	sink->pub.empty_output_buffer = sink_empty;
	sink->pub.term_destination = sink_term;
	sink->out = out;
	ci.dest = &sink->pub;
	ci.image_width = (JDIMENSION)w;
	ci.image_height = (JDIMENSION)h;
	ci.input_components = 3;
	ci.in_color_space = JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, JPEG_QUALITY, TRUE);
	ci.optimize_coding = TRUE;
	jpeg_start_compress(&ci, TRUE);
	if (icc)
		jpeg_write_icc_profile(&ci, icc, (unsigned int)icclen);
	while (ci.next_scanline < ci.image_height) {
		/* libjpeg takes rows as non-const but only reads them. */
		row = (JSAMPROW)(rgb + (size_t)ci.next_scanline * stride);
		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	free(sink);
	return MW_OK;
}

/* The image's ICC profile, if it has one of a sane size; *icc is NULL
 * otherwise (an nclx description is simply left out). */
static int read_icc(const struct heif_image_handle *h, unsigned char **icc,
		    size_t *icclen)
{
	enum heif_color_profile_type t;
	size_t size;
	unsigned char *p;

	*icc = NULL;
	*icclen = 0;
	t = heif_image_handle_get_color_profile_type(h);
	if (t != heif_color_profile_type_prof &&
	    t != heif_color_profile_type_rICC)
		return MW_OK;
	size = heif_image_handle_get_raw_color_profile_size(h);
	if (size == 0 || size > MAX_ICC_BYTES)
		return MW_OK;
	p = malloc(size);
	if (!p)
		return MW_ERR_NOMEM;
	if (heif_image_handle_get_raw_color_profile(h, p).code !=
	    heif_error_Ok) {
		free(p);
		return MW_OK;
	}
	*icc = p;
	*icclen = size;
	return MW_OK;
}

int mw_media_heic_to_jpeg(const unsigned char *d, size_t n, mw_buf *out)
{
	struct heif_context *ctx = NULL;
	struct heif_image_handle *h = NULL;
	struct heif_decoding_options *opts = NULL;
	struct heif_image *img = NULL;
	const uint8_t *plane;
	unsigned char *icc = NULL;
	size_t icclen = 0;
	int w, ht, stride, rc;

	rc = heic_open(d, n, &ctx, &h);
	if (rc)
		goto out;
	/* The size is checked before decoding: a few kilobytes of HEIC can
	 * describe a picture that needs gigabytes of memory. */
	w = heif_image_handle_get_width(h);
	ht = heif_image_handle_get_height(h);
	if (w <= 0 || ht <= 0) {
		rc = MW_ERR_INVALID;
		goto out;
	}
	if ((size_t)w * (size_t)ht > MW_MEDIA_MAX_PIXELS) {
		rc = MW_ERR_TOO_LARGE;
		goto out;
	}
	if (w < MIN_SIDE || ht < MIN_SIDE) {
		rc = MW_ERR_UNSUPPORTED;
		goto out;
	}
	opts = heif_decoding_options_alloc();
	if (!opts) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	opts->convert_hdr_to_8bit = 1;
	/* What libheif itself sees as broken is refused, not patched up. */
	opts->strict_decoding = 1;
	rc = heif_rc(heif_decode_image(h, &img, heif_colorspace_RGB,
				       heif_chroma_interleaved_RGB, opts));
	if (rc)
		goto out;
	plane = heif_image_get_plane_readonly(img, heif_channel_interleaved,
					      &stride);
	w = heif_image_get_width(img, heif_channel_interleaved);
	ht = heif_image_get_height(img, heif_channel_interleaved);
	if (!plane || w <= 0 || ht <= 0 || stride / 3 < w ||
	    (size_t)w * (size_t)ht > MW_MEDIA_MAX_PIXELS ||
	    heif_image_get_bits_per_pixel_range(img,
						heif_channel_interleaved) != 8) {
		rc = MW_ERR_INVALID;
		goto out;
	}
	/* The container's own size can disagree with what was decoded
	 * (a grid, a crop); the rule is about what was decoded. */
	if (w < MIN_SIDE || ht < MIN_SIDE) {
		rc = MW_ERR_UNSUPPORTED;
		goto out;
	}
	rc = read_icc(h, &icc, &icclen);
	if (rc)
		goto out;
	rc = encode_jpeg(plane, (size_t)stride, w, ht, icc, icclen, out);
out:
	free(icc);
	if (img)
		heif_image_release(img);
	if (opts)
		heif_decoding_options_free(opts);
	if (h)
		heif_image_handle_release(h);
	if (ctx)
		heif_context_free(ctx);
	return rc;
}

/*
 * attachments.c - photo uploads and downloads.
 *
 * An upload is checked from its bytes (media.h), its EXIF position may
 * fill a missing complaint location, and two blobs are stored: the
 * original, which only staff ever get, and a public copy with every bit
 * of metadata stripped, which is what the citizen's tracking page and
 * anyone else are served.
 */
#include "api.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../media/media.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/banned.h"

#define MAX_ATTACHMENTS 10

struct attach_work {
	mw_work w;
	mw_attachment_row row;
	const mw_complaint *c;
	bool set_location;
	const char *actor;
};

int mw_api_attachment_write(mw_tx *tx, mw_attachment_row *row, const mw_complaint *c,
			    bool set_location, const char *actor)
{
	mw_event ev = {
		.kind = "attachment",
		.is_public = true,
		.from = c->status,
		.to = c->status,
		.at = row->at,
		.due_at = c->due_at,
	};
	int rc;

	row->complaint_id = c->id;
	if ((rc = mw_tx_attachment_insert(tx, row, &row->id)))
		return rc;
	if (set_location && (rc = mw_tx_complaint_set_location(tx, c->id, row->lat, row->lon)))
		return rc;
	snprintf(ev.buf, sizeof(ev.buf), "%s", row->public_mime);
	return mw_tx_event_insert(tx, c->id, &ev, actor, NULL);
}

static int attach_run(mw_tx *tx, mw_work *w)
{
	struct attach_work *aw = (struct attach_work *)w;

	return mw_api_attachment_write(tx, &aw->row, aw->c, aw->set_location, aw->actor);
}

static int blob_dir(mw_app *app, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s/blobs", app->data_dir);

	if (n < 0 || (size_t)n >= outsz)
		return MW_ERR_TOO_LARGE;
	if (mkdir(out, 0750) && errno != EEXIST)
		return MW_ERR_IO;
	return MW_OK;
}

int mw_api_photo_store(mw_req *r, mw_attachment_row *row)
{
	const char *ct = mw_req_header(r, "Content-Type");
	mw_media_type type, pubtype;
	unsigned char *pub = NULL;
	size_t publen = 0;
	double lat, lon;
	char dir[600];
	int rc;

	if (ct && strncmp(ct, "image/", 6) && strncmp(ct, "application/octet-stream", 24)) {
		mw_resp_error(r, 415, "unsupported_media_type",
			      "send the photo itself as the body (image/jpeg, image/png, image/webp, image/heic)");
		return MW_ERR_INVALID;
	}
	if (!r->body.len) {
		mw_resp_error(r, 400, "invalid", "the body is empty; send the photo");
		return MW_ERR_INVALID;
	}
	rc = mw_media_detect(r->body.ptr, r->body.len, &type);
	if (rc == MW_ERR_TOO_LARGE) {
		mw_resp_error(r, 413, "too_large", "a photo may be at most 10 MB");
		return rc;
	}
	if (rc) {
		mw_resp_error(r, 415, "unsupported_media_type",
			      "the file is not a JPEG, PNG, WebP or HEIC photo");
		return rc;
	}
	rc = mw_media_strip(r->body.ptr, r->body.len, type, &pub, &publen, &pubtype);
	if (rc == MW_ERR_TOO_LARGE) {
		mw_resp_error(r, 413, "too_large", "the photo has too many pixels (at most 64 megapixels)");
		return rc;
	}
	if (rc) {
		mw_resp_error(r, rc == MW_ERR_NOMEM ? 503 : 415,
			      rc == MW_ERR_NOMEM ? "busy" : "unsupported_media_type",
			      "the photo is damaged or cannot be read");
		return rc;
	}
	*row = (mw_attachment_row){ 0 };
	row->has_gps = mw_media_exif_gps(r->body.ptr, r->body.len, type, &lat, &lon) == MW_OK;
	if (row->has_gps) {
		row->lat = lat;
		row->lon = lon;
	}
	if ((rc = blob_dir(r->app, dir, sizeof(dir))) ||
	    (rc = mw_media_store(dir, r->body.ptr, r->body.len, row->sha256)) ||
	    (rc = mw_media_store(dir, pub, publen, row->public_sha256))) {
		free(pub);
		mw_log_error("attach", "event=store_failed err=%s", mw_err_code(rc));
		mw_resp_err(r, MW_ERR_IO, "the photo could not be stored");
		return MW_ERR_IO;
	}
	free(pub);
	row->mime = mw_media_mime(type);
	row->public_mime = mw_media_mime(pubtype);
	row->size = (int64_t)r->body.len;
	row->at = mw_now();
	return MW_OK;
}

int api_attachment_upload(mw_req *r)
{
	mw_complaint c;
	mw_attachment_row *existing;
	size_t nexisting;
	struct attach_work aw = { .w = { .run = attach_run } };
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (mw_api_citizen_complaint(r, mw_api_citizen_token(r, NULL), &c, NULL))
		return MW_OK;
	if (mw_status_is_final(c.status)) {
		mw_resp_error(r, 409, "conflict", "photos cannot be added to a %s complaint",
			      mw_status_name(c.status));
		return MW_OK;
	}
	rc = mw_store_attachments(r->app->store, c.id, &r->arena, &existing, &nexisting);
	if (rc) {
		mw_resp_err(r, rc, "cannot read the complaint");
		return MW_OK;
	}
	if (nexisting >= MAX_ATTACHMENTS) {
		mw_resp_error(r, 409, "too_many_attachments", "a complaint holds at most %d photos",
			      MAX_ATTACHMENTS);
		return MW_OK;
	}
	if (mw_api_photo_store(r, &aw.row))
		return MW_OK;
	aw.c = &c;
	aw.set_location = aw.row.has_gps && !c.has_location;
	aw.actor = r->auth ? r->auth->login : "citizen";
	rc = mw_store_exec(r->app->store, &aw.w);
	if (rc) {
		mw_resp_err(r, rc, "the photo could not be saved");
		return MW_OK;
	}
	mw_buf_printf(&b, "{\"id\":%lld,\"mime\":\"%s\",\"size\":%lld,\"location_from_photo\":%s,"
			  "\"url\":\"/api/v1/complaints/%s/attachments/%lld\"}",
		      (long long)aw.row.id, aw.row.public_mime, (long long)aw.row.size,
		      aw.set_location ? "true" : "false", c.receipt_no, (long long)aw.row.id);
	mw_resp_json(r, 201, &b);
	return MW_OK;
}

static void send_blob(mw_req *r, const char *sha, const char *mime)
{
	char dir[600], path[800];
	struct stat st;
	int fd;

	if (blob_dir(r->app, dir, sizeof(dir)) || mw_media_path(dir, sha, path, sizeof(path))) {
		mw_resp_error(r, 404, "not_found", "no such attachment");
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		mw_resp_error(r, 404, "not_found", "the attachment's file is missing");
		return;
	}
	mw_resp_header(r, "Content-Disposition", "inline");
	mw_resp_file(r, 200, mime, fd, (uint64_t)st.st_size);
}

static int attachment_id(mw_req *r, int param, int64_t *id)
{
	const char *s = mw_req_param(r, param);

	if (!s || mw_parse_i64(s, 1, INT64_MAX, id)) {
		mw_resp_error(r, 404, "not_found", "no such attachment");
		return MW_ERR_NOTFOUND;
	}
	return MW_OK;
}

int api_attachment_public(mw_req *r)
{
	mw_complaint c;
	mw_attachment_row a;
	int64_t id;

	if (mw_api_citizen_complaint(r, mw_api_citizen_token(r, NULL), &c, NULL) ||
	    attachment_id(r, 1, &id))
		return MW_OK;
	if (mw_store_attachment_get(r->app->store, id, &r->arena, &a) || a.complaint_id != c.id) {
		mw_resp_error(r, 404, "not_found", "no such attachment");
		return MW_OK;
	}
	send_blob(r, a.public_sha256, a.public_mime);
	return MW_OK;
}

int api_attachment_staff(mw_req *r)
{
	mw_complaint c;
	mw_attachment_row a;
	int64_t id;
	int rc;

	if (attachment_id(r, 1, &id) || mw_api_load_complaint(r, mw_req_param(r, 0), &c, NULL))
		return MW_OK;
	if (mw_store_attachment_get(r->app->store, id, &r->arena, &a) || a.complaint_id != c.id) {
		mw_resp_error(r, 404, "not_found", "no such attachment");
		return MW_OK;
	}
	rc = mw_authz_complaint(r->auth, PERM_READ, &c, false, mw_now());
	if (rc) {
		mw_resp_err(r, rc, "this complaint belongs to another department");
		return MW_OK;
	}
	send_blob(r, a.sha256, a.mime);
	return MW_OK;
}

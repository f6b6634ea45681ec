/*
 * classify.c - GET /api/v1/complaints/classify?text=: the category the
 * routing model would give a text, so that the filing form can suggest
 * one while the citizen types. Nothing is stored or logged.
 */
#include "api.h"
#include "../base/mw.h"
#include "../core/text.h"

#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* The form sends the start of the text; more says nothing new. */
#define CLASSIFY_TEXT_MAX 2000

int api_complaint_classify(mw_req *r)
{
	const char *raw = mw_req_query(r, "text"), *why;
	char *text = NULL;
	mw_models *m;
	mw_prediction p;
	mw_refdata *ref;
	const mw_category *cat = NULL;
	bool have = false;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (!raw || !*raw) {
		mw_resp_error(r, 400, "missing_field", "text is required");
		return MW_OK;
	}
	rc = mw_text_normalize(raw, strlen(raw), CLASSIFY_TEXT_MAX, true, &text, &why);
	if (rc) {
		mw_resp_error(r, rc == MW_ERR_TOO_LARGE ? 413 : 400,
			      rc == MW_ERR_TOO_LARGE ? "too_large" : "invalid", "text: %s",
			      rc == MW_ERR_TOO_LARGE ? "longer than 2000 bytes"
						     : (why ? why : "not valid text"));
		return MW_OK;
	}
	m = mw_app_models_get(r->app);
	if (m && m->cls && *text)
		have = mw_classifier_predict(m->cls, text, strlen(text), &p) == MW_OK;
	mw_app_models_put(r->app, m);
	free(text);
	ref = mw_app_ref_get(r->app);
	if (have)
		cat = mw_ref_category_active(ref, p.category);
	if (cat && !strcmp(cat->code, MW_TRIAGE_CATEGORY))
		cat = NULL;
	mw_buf_puts(&b, "{\"category\":");
	mw_buf_json_str(&b, cat ? cat->code : NULL);
	mw_buf_puts(&b, ",\"category_name\":");
	mw_buf_json_str(&b, cat ? cat->name_ko : NULL);
	mw_buf_printf(&b, ",\"confidence\":%.3f,\"suggest\":%s,\"urgent\":%s}",
		      cat ? p.confidence : 0.0,
		      cat && p.confidence >= r->app->triage_threshold ? "true" : "false",
		      have && p.urgent ? "true" : "false");
	mw_app_ref_put(r->app, ref);
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

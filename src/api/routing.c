#include "routing.h"
#include "../base/mw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define REPEAT_WINDOW (30 * 86400)
#define REPEAT_SIMILARITY 0.6

const mw_category *mw_routing_decide(mw_app *app, const mw_refdata *ref, mw_arena *a,
				     mw_complaint *c, const mw_category *given)
{
	const mw_category *triage = mw_ref_category(ref, MW_TRIAGE_CATEGORY);
	mw_models *m = mw_app_models_get(app);
	const mw_category *cat = NULL;
	mw_prediction p;

	if (m && m->cls && c->text &&
	    mw_classifier_predict(m->cls, c->text, strlen(c->text), &p) == MW_OK) {
		c->ai_category = mw_arena_strdup(a, p.category);
		c->ai_confidence = p.confidence;
		c->ai_model = mw_arena_strdup(a, mw_classifier_version(m->cls));
		if (p.urgent)
			c->urgent = true;
		if (p.confidence >= app->triage_threshold)
			cat = mw_ref_category_active(ref, p.category);
	}
	mw_app_models_put(app, m);
	if (given)
		return given;
	return cat ? cat : triage;
}

int64_t mw_routing_repeat_of(mw_app *app, mw_arena *a, const char *phone_hash, const char *text)
{
	mw_nlp_matcher *m = NULL;
	int64_t found = 0;
	mw_brief *b;
	size_t n;

	if (!phone_hash || !phone_hash[0] ||
	    mw_store_recent_by_phone(app->store, phone_hash, mw_now() - REPEAT_WINDOW, 20, a, &b,
				     &n))
		return 0;
	for (size_t i = 0; i < n && !found; i++) {
		if (!mw_status_is_open(b[i].status) || !b[i].text)
			continue;
		if (!m && !(m = mw_nlp_matcher_new(text, strlen(text))))
			break;
		if (mw_nlp_matcher_score(m, b[i].text, strlen(b[i].text)) >= REPEAT_SIMILARITY)
			found = b[i].id;
	}
	mw_nlp_matcher_free(m);
	return found;
}

/* Great-circle distance in metres (haversine). */
static double distance_m(double lat1, double lon1, double lat2, double lon2)
{
	double r = 6371000.0, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);

	return 2 * r * asin(sqrt(h));
}

static int by_similarity(const void *x, const void *y)
{
	const mw_similar *a = x, *b = y;

	return (a->similarity < b->similarity) - (a->similarity > b->similarity);
}

int mw_routing_similar(mw_app *app, mw_arena *a, double lat, double lon, const char *text,
		       int64_t exclude_id, mw_similar *out, size_t max, size_t *n)
{
	mw_nlp_matcher *m = NULL;
	mw_brief *b;
	size_t nb, k = 0;
	mw_similar *all;
	int rc;

	*n = 0;
	rc = mw_store_open_near(app->store, lat, lon, app->similar_radius_m, 200, a, &b, &nb);
	if (rc)
		return rc;
	all = nb ? mw_arena_alloc(a, nb * sizeof(*all)) : NULL;
	if (nb && !all)
		return MW_ERR_NOMEM;
	if (nb && text && *text && !(m = mw_nlp_matcher_new(text, strlen(text))))
		return MW_ERR_NOMEM;
	for (size_t i = 0; i < nb; i++) {
		double d = distance_m(lat, lon, b[i].lat, b[i].lon), sim;

		if (b[i].id == exclude_id || d > app->similar_radius_m || !b[i].text)
			continue;
		sim = m ? mw_nlp_matcher_score(m, b[i].text, strlen(b[i].text)) : 0;
		if (m && sim < app->similar_threshold)
			continue;
		all[k++] = (mw_similar){ &b[i], sim, d };
	}
	mw_nlp_matcher_free(m);
	if (k > 1)
		qsort(all, k, sizeof(*all), by_similarity);
	for (size_t i = 0; i < k && i < max; i++)
		out[(*n)++] = all[i];
	return MW_OK;
}

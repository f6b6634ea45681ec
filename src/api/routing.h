/*
 * routing.h - AI routing at intake and duplicate detection, on top of the
 * classifier (src/nlp): which category and department a complaint goes
 * to, whether it is urgent, and which open complaints it repeats.
 */
#ifndef MW_ROUTING_H
#define MW_ROUTING_H

#include "app.h"

/*
 * Runs the classifier on a new complaint: sets c->ai_* and raises
 * c->urgent when it sees danger, whatever category was given. Returns the
 * category to use: `given` when the citizen or staff chose one, else the
 * classifier's choice when its confidence reaches the office's threshold,
 * else the triage category (분류대기); NULL only when triage is missing.
 */
const mw_category *mw_routing_decide(mw_app *app, const mw_refdata *ref, mw_arena *a,
				     mw_complaint *c, const mw_category *given);

/* The complaint a person files again (반복민원): an open complaint with
 * the same phone digest, filed within 30 days, whose text is similar.
 * Returns its id or 0. */
int64_t mw_routing_repeat_of(mw_app *app, mw_arena *a, const char *phone_hash, const char *text);

typedef struct mw_similar {
	const mw_brief *b;
	double similarity;
	double distance_m;
} mw_similar;

/* Open complaints within app->similar_radius_m of (lat, lon) whose text
 * is similar (>= app->similar_threshold), best first, at most max;
 * exclude_id is left out. */
int mw_routing_similar(mw_app *app, mw_arena *a, double lat, double lon, const char *text,
		       int64_t exclude_id, mw_similar *out, size_t max, size_t *n);

#endif

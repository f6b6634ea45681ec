/*
 * app.h - the running application: the store, the keys, the reference
 * data every request needs (holiday calendar, categories, departments)
 * and the counters behind /metrics. One mw_app per process; handlers get
 * it through r->app.
 *
 * Reference data is read-mostly: it is loaded at start, reloaded on
 * SIGHUP (mw_app_reload) and after an admin changes it, and swapped under
 * a read-write lock so a reload never blocks a request for long.
 */
#ifndef MW_APP_H
#define MW_APP_H

#include <pthread.h>
#include <stdatomic.h>

#include "../base/crypto.h"
#include "../core/deadline.h"
#include "../nlp/nlp.h"
#include "../store/refdata.h"
#include "../store/store.h"
#include "authz.h"

#define MW_TRIAGE_CATEGORY "triage"

/* The trained routing model and the chatbot's knowledge base, swapped as
 * one on SIGHUP like the reference data. Either may be NULL: without a
 * model complaints without a category wait in triage; without an FAQ the
 * chatbot hands every question to a person. */
typedef struct mw_models {
	mw_classifier *cls;
	mw_faq *faq;
	struct mw_cls_ref *cls_ref; /* owns cls, shared by models that only changed the FAQ */
	_Atomic int refs;
} mw_models;

/* Latency histogram bounds in microseconds (the last bucket is +Inf). */
#define MW_LAT_BUCKETS 12
#define MW_STATUS_SLOTS 18

typedef struct mw_route_stats {
	_Atomic uint64_t by_status[MW_STATUS_SLOTS];
	_Atomic uint64_t latency[MW_LAT_BUCKETS];
	_Atomic uint64_t latency_sum_us;
} mw_route_stats;

struct mw_notify;

/* How long a kind of session lives (src/api/session.h): ended after
 * idle_seconds unused or max_seconds after the sign-in. */
typedef struct mw_session_limits {
	int idle_seconds;
	int max_seconds;
} mw_session_limits;

typedef struct mw_app {
	mw_store *store;
	struct mw_notify *notify;   /* notifications and the monitor, or NULL */
	mw_keys keys;
	char data_dir[512];         /* attachments live under data_dir/blobs */
	char public_url[320];       /* e.g. http://127.0.0.1:8080 */
	mw_session_limits sessions[MW_SESSION__COUNT]; /* office, field (session.c) */
	int login_max_failures;     /* 5 */
	int login_lock_seconds;     /* 15 minutes */

	pthread_rwlock_t ref_lock;
	mw_refdata *ref;
	/* The store's generation of app->ref, and when it was last compared
	 * (monotonic µs): another process's change is seen within a second. */
	_Atomic int64_t ref_generation;
	_Atomic int64_t ref_checked_us;
	mw_models *models;
	pthread_mutex_t models_reload_lock; /* one reload of the models at a time */
	char model_path[512];       /* "" = no model */
	double triage_threshold;    /* below this confidence: 분류대기 */
	double similar_radius_m;    /* duplicates: how near (100 m) */
	double similar_threshold;   /* duplicates: how alike (0..1) */

	struct mw_web *web;          /* the pages (src/web); NULL: none served */

	mw_route_stats *route_stats; /* one per route, plus one for "unmatched" */
	_Atomic uint64_t in_flight;
} mw_app;

int mw_app_init(mw_app *app, mw_store *store, const mw_keys *keys, const char *data_dir,
		char *errbuf, size_t errsz);
void mw_app_release(mw_app *app);
/* Reloads holidays, categories and departments from the store. */
int mw_app_reload(mw_app *app);
/* The citizen's 보완 period in force (notify's info-period). */
mw_period mw_app_info_period(const mw_app *app);

/* Pins the current reference data; release with mw_app_ref_put(). */
mw_refdata *mw_app_ref_get(mw_app *app);
/* Reloads the reference data when another process (another server, the
 * command line) changed it: compares the store's generation at most once
 * a second, for whichever request comes first. Not on the writer thread
 * (a reload waits for it). */
void mw_app_ref_follow(mw_app *app);
void mw_app_ref_put(mw_app *app, mw_refdata *ref);

/* Loads the model (app->model_path) and the FAQ (from the store) and
 * swaps them in; the old ones go when their last user is done. A model
 * that fails to load keeps the previous one and returns the error. */
int mw_app_models_reload(mw_app *app, char *errbuf, size_t errsz);
/* Rebuilds the FAQ from the store and swaps it in with the model in use
 * (no file is read): how an edit of the FAQ reaches the chatbot at once.
 * On failure the previous FAQ stays. */
int mw_app_faq_reload(mw_app *app);
mw_models *mw_app_models_get(mw_app *app);
void mw_app_models_put(mw_app *app, mw_models *m);

/* Called after the test clock moved forward: whatever waits for a time
 * (the deadline monitor, retries) looks again at once. */
void mw_app_clock_moved(mw_app *app);


#endif

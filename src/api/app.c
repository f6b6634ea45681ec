#include "app.h"
#include "routes.h"
#include "session.h"
#include "../notify/notify.h"
#include "../base/log.h"
#include "../base/mw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

int mw_app_init(mw_app *app, mw_store *store, const mw_keys *keys, const char *data_dir,
		char *errbuf, size_t errsz)
{
	int64_t gen = 0;
	int rc;

	memset(app, 0, sizeof(*app));
	app->store = store;
	app->keys = *keys;
	mw_strlcpy(app->data_dir, data_dir, sizeof(app->data_dir));
	mw_session_limits_default(app->sessions);
	app->triage_threshold = 0.6;
	app->similar_radius_m = 100;
	app->similar_threshold = 0.3;
	app->login_max_failures = 5;
	app->login_lock_seconds = 15 * 60;
	pthread_rwlock_init(&app->ref_lock, NULL);
	pthread_mutex_init(&app->models_reload_lock, NULL);
	app->route_stats = calloc(mw_routes_count() + 1, sizeof(*app->route_stats));
	if (!app->route_stats)
		return MW_ERR_NOMEM;
	if ((rc = mw_store_ref_generation(store, &gen)) || (rc = mw_refdata_load(store, &app->ref)))
		snprintf(errbuf, errsz, "cannot load reference data: %s", mw_err_str(rc));
	app->ref_generation = gen;
	app->ref_checked_us = mw_monotonic_us();
	return rc;
}

/* The classifier of one model file, shared by every mw_models made from
 * it: an FAQ edit swaps in new models without loading the model again. */
struct mw_cls_ref {
	mw_classifier *cls;
	_Atomic int refs;
};

static void cls_ref_put(struct mw_cls_ref *c)
{
	if (c && atomic_fetch_sub(&c->refs, 1) == 1) {
		mw_classifier_free(c->cls);
		free(c);
	}
}

static void models_free(mw_models *m)
{
	if (!m)
		return;
	cls_ref_put(m->cls_ref);
	mw_faq_free(m->faq);
	free(m);
}

void mw_app_release(mw_app *app)
{
	mw_refdata_free(app->ref);
	app->ref = NULL;
	models_free(app->models);
	app->models = NULL;
	free(app->route_stats);
	pthread_rwlock_destroy(&app->ref_lock);
	pthread_mutex_destroy(&app->models_reload_lock);
}

void mw_app_ref_follow(mw_app *app)
{
	int64_t now = mw_monotonic_us(), last = atomic_load(&app->ref_checked_us), gen;

	if (now - last < 1000000 ||
	    !atomic_compare_exchange_strong(&app->ref_checked_us, &last, now))
		return;
	if (!mw_store_ref_generation(app->store, &gen) && gen != atomic_load(&app->ref_generation))
		mw_app_reload(app);
}

mw_refdata *mw_app_ref_get(mw_app *app)
{
	mw_refdata *ref;

	pthread_rwlock_rdlock(&app->ref_lock);
	ref = app->ref;
	atomic_fetch_add(&ref->refs, 1);
	pthread_rwlock_unlock(&app->ref_lock);
	return ref;
}

void mw_app_ref_put(mw_app *app, mw_refdata *ref)
{
	MW_UNUSED(app);
	if (atomic_fetch_sub(&ref->refs, 1) == 1)
		mw_refdata_free(ref);
}

int mw_app_reload(mw_app *app)
{
	mw_refdata *ref, *old;
	int64_t gen = 0;
	int rc;

	/* The generation first: a change while loading reloads once more. */
	if (!(rc = mw_store_ref_generation(app->store, &gen)))
		rc = mw_refdata_load(app->store, &ref);
	if (rc) {
		mw_log_error("app", "event=reload_failed err=%s", mw_err_code(rc));
		return rc;
	}
	pthread_rwlock_wrlock(&app->ref_lock);
	old = app->ref;
	app->ref = ref;
	atomic_store(&app->ref_generation, gen);
	pthread_rwlock_unlock(&app->ref_lock);
	mw_app_ref_put(app, old);
	mw_notify_reload(app->notify);
	mw_log_info("app", "event=reloaded categories=%zu departments=%zu", ref->ncategories,
		    ref->ndepartments);
	return MW_OK;
}

mw_period mw_app_info_period(const mw_app *app)
{
	return app->notify ? mw_notify_config_of(app->notify)->info_period_p
			   : MW_INFO_PERIOD_DEFAULT;
}

void mw_app_clock_moved(mw_app *app)
{
	char now[32];

	mw_time_format_kst(mw_now(), now);
	mw_log_warn("app", "event=test_clock_moved now=%s", now);
	mw_notify_kick(app->notify);
}

static int faq_from_store(mw_store *store, mw_faq **out)
{
	mw_arena a = MW_ARENA_INIT;
	mw_faq_row *rows;
	mw_faq_entry *e = NULL;
	size_t n;
	int rc;

	*out = NULL;
	rc = mw_store_faqs(store, &a, &rows, &n);
	if (!rc && n) {
		e = calloc(n, sizeof(*e));
		if (!e) {
			rc = MW_ERR_NOMEM;
		} else {
			for (size_t i = 0; i < n; i++)
				e[i] = (mw_faq_entry){ rows[i].id, rows[i].question, rows[i].answer,
						       rows[i].category, rows[i].question_en,
						       rows[i].answer_en };
			rc = mw_faq_build(e, n, out);
		}
	}
	free(e);
	mw_arena_release(&a);
	return rc;
}

/* Swaps m in; the old models go when their last user is done. Called
 * with models_reload_lock held. */
static void models_swap(mw_app *app, mw_models *m)
{
	mw_models *old;

	pthread_rwlock_wrlock(&app->ref_lock);
	old = app->models;
	app->models = m;
	pthread_rwlock_unlock(&app->ref_lock);
	if (old)
		mw_app_models_put(app, old);
	mw_log_info("app", "event=models_loaded model=%s faq_entries=%zu",
		    m->cls ? mw_classifier_version(m->cls) : "none",
		    m->faq ? mw_faq_count(m->faq) : (size_t)0);
}

int mw_app_models_reload(mw_app *app, char *errbuf, size_t errsz)
{
	mw_models *m = calloc(1, sizeof(*m));
	int rc = MW_OK;

	if (!m)
		return MW_ERR_NOMEM;
	m->refs = 1;
	if (app->model_path[0]) {
		m->cls_ref = calloc(1, sizeof(*m->cls_ref));
		if (!m->cls_ref) {
			models_free(m);
			return MW_ERR_NOMEM;
		}
		m->cls_ref->refs = 1;
		rc = mw_classifier_load(app->model_path, &m->cls_ref->cls, errbuf, errsz);
		if (rc) {
			models_free(m);
			return rc;
		}
		m->cls = m->cls_ref->cls;
	}
	pthread_mutex_lock(&app->models_reload_lock);
	rc = faq_from_store(app->store, &m->faq);
	if (rc) {
		pthread_mutex_unlock(&app->models_reload_lock);
		snprintf(errbuf, errsz, "cannot load the FAQ: %s", mw_err_str(rc));
		models_free(m);
		return rc;
	}
	models_swap(app, m);
	pthread_mutex_unlock(&app->models_reload_lock);
	return MW_OK;
}

int mw_app_faq_reload(mw_app *app)
{
	mw_models *m = calloc(1, sizeof(*m)), *cur;
	int rc;

	if (!m)
		return MW_ERR_NOMEM;
	m->refs = 1;
	pthread_mutex_lock(&app->models_reload_lock);
	rc = faq_from_store(app->store, &m->faq);
	if (!rc) {
		cur = mw_app_models_get(app);
		if (cur && cur->cls_ref) {
			atomic_fetch_add(&cur->cls_ref->refs, 1);
			m->cls_ref = cur->cls_ref;
			m->cls = cur->cls;
		}
		mw_app_models_put(app, cur);
		models_swap(app, m);
	}
	pthread_mutex_unlock(&app->models_reload_lock);
	if (rc) {
		mw_log_error("app", "event=faq_reload_failed err=%s", mw_err_code(rc));
		models_free(m);
	}
	return rc;
}

mw_models *mw_app_models_get(mw_app *app)
{
	mw_models *m;

	pthread_rwlock_rdlock(&app->ref_lock);
	m = app->models;
	if (m)
		atomic_fetch_add(&m->refs, 1);
	pthread_rwlock_unlock(&app->ref_lock);
	return m;
}

void mw_app_models_put(mw_app *app, mw_models *m)
{
	MW_UNUSED(app);
	if (m && atomic_fetch_sub(&m->refs, 1) == 1)
		models_free(m);
}

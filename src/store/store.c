/*
 * store.c - backend selection, dispatch, and the writer thread that turns
 * concurrent units of work into group commits.
 */
#include "store_int.h"
#include "../base/log.h"
#include "../base/mw.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

static const struct mw_store_ops *const backends[] = {
	&mw_store_sqlite,
};

struct mw_store {
	const struct mw_store_ops *ops;
	void *be;
	mw_store_config cfg;

	pthread_t writer;
	bool writer_running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	mw_work *head, *tail;
	size_t depth;
	bool stopping;

	mw_store_stats stats;
};

void *mw_store_backend_data(mw_store *s)
{
	return s->be;
}

void mw_store_set_backend_data(mw_store *s, void *data)
{
	s->be = data;
}

mw_store *mw_tx_store(mw_tx *tx)
{
	return tx->store;
}

const char *mw_store_backend(const mw_store *s)
{
	return s->ops->name;
}

static int hist_bucket(size_t n)
{
	int b = 0;

	while (b < 10 && ((size_t)1 << b) < n)
		b++;
	return b;
}

/* Runs one batch: one transaction, a savepoint per unit, one commit. */
static void run_batch(mw_store *s, mw_work *batch, size_t n)
{
	mw_tx tx = { s };
	mw_work *w, *next;
	int rc;

	rc = s->ops->begin(s);
	for (w = batch; w; w = w->next) {
		if (rc) {
			w->rc = rc;
			continue;
		}
		if (s->ops->savepoint(s)) {
			w->rc = MW_ERR_DB;
			continue;
		}
		w->rc = w->run(&tx, w);
		s->ops->release(s, w->rc == MW_OK);
	}
	if (!rc) {
		rc = s->ops->commit(s);
		if (rc) {
			s->ops->rollback(s);
			mw_log_error("store", "event=commit_failed units=%zu", n);
		}
	}
	pthread_mutex_lock(&s->mu);
	s->stats.commits++;
	s->stats.units += n;
	s->stats.batch_hist[hist_bucket(n)]++;
	pthread_mutex_unlock(&s->mu);
	/* Acknowledge only now: the commit is on disk, or it failed and every
	 * unit says so. done() may free w, so read next first. */
	for (w = batch; w; w = next) {
		next = w->next;
		if (rc && w->rc == MW_OK)
			w->rc = rc;
		if (w->done)
			w->done(w);
	}
}

static void *writer_main(void *arg)
{
	mw_store *s = arg;

	for (;;) {
		mw_work *batch, *last;
		size_t n = 0;

		pthread_mutex_lock(&s->mu);
		while (!s->head && !s->stopping)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->head && s->stopping) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		batch = last = s->head;
		n = 1;
		while (last->next && n < (size_t)s->cfg.max_batch) {
			last = last->next;
			n++;
		}
		s->head = last->next;
		if (!s->head)
			s->tail = NULL;
		last->next = NULL;
		s->depth -= n;
		pthread_mutex_unlock(&s->mu);
		run_batch(s, batch, n);
	}
	if (s->ops->writer_exit)
		s->ops->writer_exit(s);
	return NULL;
}

int mw_store_open(const char *uri, const mw_store_config *cfg, mw_store **out, char *errbuf,
		  size_t errsz)
{
	mw_store *s;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return MW_ERR_NOMEM;
	if (cfg)
		s->cfg = *cfg;
	if (s->cfg.read_cache_kib <= 0)
		s->cfg.read_cache_kib = 4096;
	if (s->cfg.write_cache_kib <= 0)
		s->cfg.write_cache_kib = 16384;
	if (s->cfg.max_batch <= 0)
		s->cfg.max_batch = 512;
	for (size_t i = 0; i < MW_ARRAY_LEN(backends); i++)
		if (backends[i]->accepts(uri)) {
			s->ops = backends[i];
			break;
		}
	if (!s->ops) {
		snprintf(errbuf, errsz, "no storage backend accepts %s", uri);
		free(s);
		return MW_ERR_INVALID;
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	rc = s->ops->open(s, uri, &s->cfg, errbuf, errsz);
	if (rc) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		free(s);
		return rc;
	}
	if (pthread_create(&s->writer, NULL, writer_main, s)) {
		s->ops->close(s);
		free(s);
		snprintf(errbuf, errsz, "cannot start the writer thread");
		return MW_ERR_NOMEM;
	}
	s->writer_running = true;
	*out = s;
	return MW_OK;
}

void mw_store_close(mw_store *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->writer_running)
		pthread_join(s->writer, NULL);
	s->ops->close(s);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

int mw_store_submit(mw_store *s, mw_work *w)
{
	w->next = NULL;
	w->rc = MW_OK;
	pthread_mutex_lock(&s->mu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		return MW_ERR_BUSY;
	}
	if (s->tail)
		s->tail->next = w;
	else
		s->head = w;
	s->tail = w;
	s->depth++;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return MW_OK;
}

struct exec_wait {
	mw_work w;
	mw_work *inner;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool finished;
};

static int exec_run(mw_tx *tx, mw_work *w)
{
	struct exec_wait *e = (struct exec_wait *)w;

	return e->inner->run(tx, e->inner);
}

static void exec_done(mw_work *w)
{
	struct exec_wait *e = (struct exec_wait *)w;

	e->inner->rc = w->rc;
	if (e->inner->done)
		e->inner->done(e->inner);
	pthread_mutex_lock(&e->mu);
	e->finished = true;
	pthread_cond_signal(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

int mw_store_exec(mw_store *s, mw_work *w)
{
	struct exec_wait e = { .w = { .run = exec_run, .done = exec_done }, .inner = w };
	int rc;

	pthread_mutex_init(&e.mu, NULL);
	pthread_cond_init(&e.cv, NULL);
	rc = mw_store_submit(s, &e.w);
	if (!rc) {
		pthread_mutex_lock(&e.mu);
		while (!e.finished)
			pthread_cond_wait(&e.cv, &e.mu);
		pthread_mutex_unlock(&e.mu);
		rc = w->rc;
	}
	pthread_mutex_destroy(&e.mu);
	pthread_cond_destroy(&e.cv);
	return rc;
}

void mw_store_stats_get(mw_store *s, mw_store_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->stats;
	out->queue_depth = s->depth;
	pthread_mutex_unlock(&s->mu);
}

/* The public operations: each forwards to the backend's table. */
#define MW_TX_OP(name, params, args) \
	int mw_tx_##name params { return tx->store->ops->tx_##name args; }
#define MW_READ_OP(name, params, args) \
	int mw_store_##name params { return s->ops->name args; }
#include "store_ops.def"
#undef MW_TX_OP
#undef MW_READ_OP

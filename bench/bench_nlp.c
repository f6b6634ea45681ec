/*
 * bench_nlp - the routing classifier's speed: training time on 10,000
 * complaints (written by the demo generator), with and without the
 * built-in corpus that `minwon nlp train` adds, and classification
 * throughput on one core (texts per second, one thread, the texts of a
 * second generated batch).
 *
 *   bench_nlp [COMPLAINTS] [SECONDS]
 *
 * Targets (issue 3): training on 10,000 complaints <= 30 s; classify
 * >= 20,000 texts/s per core.
 */
#include "demo/demo.h"
#include "nlp/corpus.h"
#include "nlp/nlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static mw_classifier *timed_train(const char *label, const mw_nlp_corpus *c)
{
	mw_classifier *m = NULL;
	double t0 = now_s();
	int rc = mw_classifier_train(c->ex, c->n, NULL, &m);

	if (rc) {
		fprintf(stderr, "bench_nlp: training failed (%d)\n", rc);
		exit(1);
	}
	printf("train     %-34s %6zu examples  %6.2f s\n", label, c->n, now_s() - t0);
	return m;
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
	double seconds = argc > 2 ? strtod(argv[2], NULL) : 3.0;
	mw_nlp_corpus office = MW_NLP_CORPUS_INIT, full = MW_NLP_CORPUS_INIT;
	mw_nlp_corpus texts = MW_NLP_CORPUS_INIT;
	mw_classifier *m;
	size_t n = 0, bytes = 0, urgent = 0;
	double t0, dt;

	if (count < 100 || seconds <= 0) {
		fprintf(stderr, "usage: bench_nlp [COMPLAINTS >= 100] [SECONDS]\n");
		return 2;
	}
	if (mw_nlp_corpus_generated(&office, (size_t)count, 42, 1.0) ||
	    mw_nlp_corpus_generated(&full, (size_t)count, 42, 1.0) ||
	    mw_nlp_corpus_generated(&full, 3000, 20240611u, MW_NLP_DEFAULT_WEIGHT) ||
	    mw_nlp_corpus_seed(&full, MW_NLP_DEFAULT_WEIGHT, NULL) ||
	    mw_nlp_corpus_generated(&texts, 10000, 7, 1.0)) {
		fprintf(stderr, "bench_nlp: out of memory\n");
		return 1;
	}
	m = timed_train("generated complaints", &office);
	mw_classifier_free(m);
	m = timed_train("+ built-in corpus (nlp train)", &full);

	/* Warm up the per-thread scratch, then classify for `seconds`. */
	for (size_t i = 0; i < texts.n; i++)
		bytes += strlen(texts.ex[i].text);
	t0 = now_s();
	do {
		for (size_t i = 0; i < texts.n; i++) {
			mw_prediction p;

			if (mw_classifier_predict(m, texts.ex[i].text, strlen(texts.ex[i].text), &p)) {
				fprintf(stderr, "bench_nlp: predict failed\n");
				return 1;
			}
			urgent += p.urgent;
			n++;
		}
		dt = now_s() - t0;
	} while (dt < seconds);
	printf("classify  one thread, %zu texts of %.0f bytes on average: %.0f texts/s "
	       "(%.1f us each, %zu urgent)\n",
	       n, (double)bytes / (double)texts.n, (double)n / dt, 1e6 * dt / (double)n, urgent);
	printf("model     %s\n", mw_classifier_version(m));
	mw_classifier_free(m);
	mw_nlp_corpus_release(&office);
	mw_nlp_corpus_release(&full);
	mw_nlp_corpus_release(&texts);
	return 0;
}

/*
 * bench_nlp - the routing classifier's speed: training time on 10,000
 * complaints (written by the demo generator), with and without the
 * built-in corpus that `minwon nlp train` adds, and classification
 * throughput on one core (texts per second, one thread, the texts of a
 * second generated batch).
 *
 *   bench_nlp [COMPLAINTS] [SECONDS]
 *
 * With the bench data (MINWON_BENCH_DIR, else ../shared/bench) it also
 * times the chatbot's decision (mw_chat_decide with the bench FAQ and the
 * model above) on every question of questions.jsonl: p50 and p99.
 *
 * Targets (issue 3): training on 10,000 complaints <= 30 s; classify
 * >= 20,000 texts/s per core; a chatbot reply p99 <= 5 ms.
 */
#include "demo/demo.h"
#include "nlp/corpus.h"
#include "nlp/nlp.h"

#include <jansson.h>
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* p50/p99 of mw_chat_decide over the bench questions, 20 rounds. */
static void time_chat(const mw_classifier *m)
{
	const char *dir = getenv("MINWON_BENCH_DIR") ? getenv("MINWON_BENCH_DIR") : "../shared/bench";
	char path[1024], line[65536], err[256];
	mw_faq *faq = NULL;
	char **q = NULL;
	size_t nq = 0, nt = 0;
	double *t = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/faq.jsonl", dir);
	if (mw_faq_load_jsonl(path, &faq, err, sizeof(err))) {
		printf("chat      skipped (%s)\n", err);
		return;
	}
	snprintf(path, sizeof(path), "%s/questions.jsonl", dir);
	if (!(f = fopen(path, "r"))) {
		printf("chat      skipped (no %s)\n", path);
		mw_faq_free(faq);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		const char *text = json_string_value(json_object_get(j, "text"));
		char **grown = text ? realloc(q, (nq + 1) * sizeof(*q)) : NULL;

		if (grown) {
			q = grown;
			q[nq++] = strdup(text);
		}
		json_decref(j);
	}
	fclose(f);
	t = malloc(20 * (nq ? nq : 1) * sizeof(*t));
	for (int round = 0; t && round < 20; round++) {
		for (size_t i = 0; i < nq; i++) {
			mw_chat_decision d;
			double t0 = now_s();

			if (mw_chat_decide(faq, m, q[i], strlen(q[i]), &d) == 0)
				t[nt++] = now_s() - t0;
		}
	}
	if (nt) {
		qsort(t, nt, sizeof(*t), cmp_double);
		printf("chat      mw_chat_decide, %zu questions x 20: p50 %.3f ms, p99 %.3f ms, "
		       "max %.3f ms\n", nq, 1e3 * t[nt / 2], 1e3 * t[nt * 99 / 100],
		       1e3 * t[nt - 1]);
	}
	for (size_t i = 0; i < nq; i++)
		free(q[i]);
	free(q);
	free(t);
	mw_faq_free(faq);
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
	time_chat(m);
	printf("model     %s\n", mw_classifier_version(m));
	mw_classifier_free(m);
	mw_nlp_corpus_release(&office);
	mw_nlp_corpus_release(&full);
	mw_nlp_corpus_release(&texts);
	return 0;
}

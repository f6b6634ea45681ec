/*
 * corpus.h - the default training corpus that ships with minwon, so that a
 * new office gets useful routing on day one: complaints from the demo
 * generator (src/demo, every category, with urgent ones) and the seed
 * examples of data/nlp_seed.tsv (short phrasings, English, dialect,
 * typos and spacing variants written for the project). `minwon nlp train`
 * adds the office's own data and weighs it higher.
 *
 * An mw_nlp_corpus owns the strings its examples point to.
 */
#ifndef MW_NLP_CORPUS_H
#define MW_NLP_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "nlp.h"

typedef struct mw_nlp_corpus {
	mw_train_example *ex;
	size_t n, cap;
} mw_nlp_corpus;

#define MW_NLP_CORPUS_INIT { NULL, 0, 0 }

/* The weight `nlp train` gives the built-in corpus; office data has 1. */
#define MW_NLP_DEFAULT_WEIGHT 0.5

/* Appends one example, copying text and category. MW_ERR_NOMEM. */
int mw_nlp_corpus_add(mw_nlp_corpus *c, const char *text, const char *category, bool urgent,
		      double weight);
/* Appends n complaints of the demo generator with the given seed. */
int mw_nlp_corpus_generated(mw_nlp_corpus *c, size_t n, uint64_t seed, double weight);
/* Appends the seed examples built into the binary (nlp_seed*.tsv:
 * category<TAB>urgent 0|1<TAB>text). Lines that do not parse are skipped;
 * *added (may be NULL) counts the others. */
int mw_nlp_corpus_seed(mw_nlp_corpus *c, double weight, size_t *added);
/* Appends the texts of nlp_neutral.tsv (greetings, thanks, fillers, test
 * input), each once to every category the corpus has so far, for the
 * category model only: words that say nothing about the problem then
 * carry no category, and a text of nothing but them stays unsure (and
 * goes to 분류대기). mw_nlp_corpus_seed ends with it. *count grows by the
 * examples added. */
int mw_nlp_corpus_neutral(mw_nlp_corpus *c, double weight, size_t *count);
void mw_nlp_corpus_release(mw_nlp_corpus *c);

#endif

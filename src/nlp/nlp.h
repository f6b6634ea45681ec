/*
 * nlp.h - Korean complaint understanding: the routing classifier and the
 * counselling chatbot's decision. Pure computation on text and models: no
 * HTTP, no database. The server, the CLI (minwon nlp ...) and the
 * benchmarks all use these functions.
 *
 * Classifier: Korean text features written here (utf8proc NFC + case
 * folding, character n-grams that ignore spacing, word n-grams with
 * particles stripped, numbers, phone numbers and addresses masked), hashed
 * into a fixed space and weighted (sublinear TF, IDF, L2); the learner is
 * liblinear (logistic regression), one model for the category and one for
 * urgency. A model file holds both, the category list, the IDF table and
 * the calibration, behind a version string.
 *
 * Thread safety: a loaded mw_classifier / mw_faq is read-only; predict and
 * decide may run on many threads at once.
 */
#ifndef MW_NLP_H
#define MW_NLP_H

#include <stdbool.h>
#include <stddef.h>

#define MW_NLP_CODE_MAX 32
#define MW_NLP_TOP 3

/* ---- routing classifier ------------------------------------------- */

typedef struct mw_classifier mw_classifier;

typedef struct mw_train_example {
	const char *text;
	const char *category;   /* a category code, e.g. "noise" */
	bool urgent;
	double weight;          /* 0 = 1.0; office data may weigh more than the default corpus */
	/* The example says nothing about urgency (a lexicon phrase): it
	 * trains the category only. */
	bool urgent_unknown;
} mw_train_example;

typedef struct mw_train_opts {
	double c;               /* liblinear C of the category model; 0 = default */
	double c_urgent;        /* liblinear C of the urgency model; 0 = default */
	/* Urgent recall the threshold is tuned to on held-out folds of the
	 * training data; 0 = default (0.90). */
	double urgent_recall;
	/* Folds of the internal cross-validation that fits the calibration
	 * and the urgency threshold; 0 = default (2), 1 = none (temperature
	 * 1, threshold 0.5: fast, for tests). */
	int calib_folds;
	/* Progress: called now and then with done/total; may be NULL. */
	void (*progress)(void *ctx, size_t done, size_t total, const char *stage);
	void *progress_ctx;
} mw_train_opts;

typedef struct mw_prediction {
	char category[MW_NLP_CODE_MAX];
	double confidence;      /* calibrated probability of category */
	struct {
		char category[MW_NLP_CODE_MAX];
		double p;
	} top[MW_NLP_TOP];
	bool urgent;
	double urgent_p;
} mw_prediction;

/* Trains a model on n examples. MW_ERR_INVALID when fewer than two
 * categories are present. *out is freed with mw_classifier_free(). */
int mw_classifier_train(const mw_train_example *ex, size_t n, const mw_train_opts *opts,
			mw_classifier **out);
/* Writes the model atomically (temporary file + rename). */
int mw_classifier_save(const mw_classifier *m, const char *path);
/* MW_ERR_IO / MW_ERR_INVALID (with a message in errbuf) on failure. */
int mw_classifier_load(const char *path, mw_classifier **out, char *errbuf, size_t errsz);
void mw_classifier_free(mw_classifier *m);
/* "YYYYMMDD-HHMMSS-<n examples>-<hash>": identifies a trained model. */
const char *mw_classifier_version(const mw_classifier *m);

/* Classifies text (UTF-8). MW_ERR_INVALID for invalid UTF-8 or empty
 * text. Never allocates beyond a per-thread scratch area. */
int mw_classifier_predict(const mw_classifier *m, const char *text, size_t len,
			  mw_prediction *out);

/* Similarity of two texts in [0, 1] (cosine of their feature vectors),
 * for duplicate detection. */
double mw_nlp_similarity(const char *a, size_t alen, const char *b, size_t blen);

/* ---- counselling chatbot ------------------------------------------ */

typedef struct mw_faq mw_faq;

typedef struct mw_faq_entry {
	const char *id;
	const char *question;
	const char *answer;
	const char *category;   /* a category code or "general" */
} mw_faq_entry;

/* Builds the knowledge base index from entries (copied). */
int mw_faq_build(const mw_faq_entry *e, size_t n, mw_faq **out);
/* Reads a JSONL file of {"id","question","answer","category"}. */
int mw_faq_load_jsonl(const char *path, mw_faq **out, char *errbuf, size_t errsz);
void mw_faq_free(mw_faq *f);
size_t mw_faq_count(const mw_faq *f);
const mw_faq_entry *mw_faq_entry_at(const mw_faq *f, size_t i);

typedef enum mw_chat_kind { MW_CHAT_FAQ, MW_CHAT_REPORT, MW_CHAT_HUMAN } mw_chat_kind;

/* A conversation handed to a person is answered within this many working
 * hours: the counsellor queue's promise, told to the citizen. */
#define MW_COUNSEL_HOURS 8
#define MW_COUNSEL_HOURS_TEXT "8"

typedef struct mw_chat_decision {
	mw_chat_kind kind;
	const mw_faq_entry *faq;        /* MW_CHAT_FAQ */
	char category[MW_NLP_CODE_MAX]; /* MW_CHAT_REPORT: the pre-filled category */
	double confidence;
	const char *reason;             /* why a human: "personal_case", "official",
					 * "legal", "not_covered", "chitchat", "abuse" */
} mw_chat_decision;

/* Decides what to do with one chatbot message. A wrong FAQ answer is
 * worse than a hand-off: when unsure, the answer is MW_CHAT_HUMAN. cls may
 * be NULL (then reports are recognised but without a category). */
int mw_chat_decide(const mw_faq *faq, const mw_classifier *cls, const char *text, size_t len,
		   mw_chat_decision *out);

#endif

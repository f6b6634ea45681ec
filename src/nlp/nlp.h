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

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "../base/buf.h"

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

/* One text compared with many (a new complaint with the open ones near
 * it): its vector is made once. mw_nlp_matcher_new() returns NULL when
 * out of memory; a NULL matcher scores 0. */
typedef struct mw_nlp_matcher mw_nlp_matcher;

mw_nlp_matcher *mw_nlp_matcher_new(const char *text, size_t len);
double mw_nlp_matcher_score(mw_nlp_matcher *m, const char *text, size_t len);
void mw_nlp_matcher_free(mw_nlp_matcher *m);

/* ---- counselling chatbot ------------------------------------------ */

typedef struct mw_faq mw_faq;

typedef struct mw_faq_entry {
	const char *id;
	const char *question;
	const char *answer;
	const char *category;   /* a category code or "general" */
	/* What the chatbot shows on the English pages; NULL when the office
	 * wrote none. Not indexed: questions are matched in Korean. */
	const char *question_en;
	const char *answer_en;
} mw_faq_entry;

/* Builds the knowledge base index from entries (copied). */
int mw_faq_build(const mw_faq_entry *e, size_t n, mw_faq **out);
/* Reads a JSONL file of {"id","question","answer","category"} with the
 * optional "question_en" and "answer_en". */
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

/* ---- the chatbot's own words (data/chat_replies.tsv) ------------------ */

/* The languages the chatbot answers in: those of the pages. The classifier
 * and the FAQ retrieval work on Korean text whatever the language. */
typedef enum mw_chat_lang { MW_CHAT_KO, MW_CHAT_EN, MW_CHAT__LANGS } mw_chat_lang;

/* "ko" or "en" into *out; MW_ERR_INVALID for anything else (NULL too). */
int mw_chat_lang_parse(const char *s, mw_chat_lang *out);
/* "ko" or "en". */
const char *mw_chat_lang_code(mw_chat_lang lang);

/*
 * Appends reply `key` of data/chat_replies.tsv in lang to b, with each
 * {name} replaced by the value that follows name among the arguments:
 * pairs of strings ending with NULL, e.g.
 *     mw_chat_reply(&b, MW_CHAT_EN, "report.offer", "category", name, NULL);
 * A placeholder without a value stays as written. A key the language
 * lacks is taken in Korean; an unknown key is appended as it is, so that
 * a gap shows. Returns MW_OK, or what mw_buf returned (MW_ERR_NOMEM).
 * The file is read once, on first use; thread-safe.
 */
int mw_chat_reply(mw_buf *b, mw_chat_lang lang, const char *key, ...);
int mw_chat_vreply(mw_buf *b, mw_chat_lang lang, const char *key, va_list ap);
/* For checking the file: how many keys, the i-th key (in file order) and
 * its text in a language as written, or NULL when it has none. */
size_t mw_chat_reply_count(void);
const char *mw_chat_reply_key(size_t i);
const char *mw_chat_reply_text(mw_chat_lang lang, const char *key);

/* Decides what to do with one chatbot message. A wrong FAQ answer is
 * worse than a hand-off: when unsure, the answer is MW_CHAT_HUMAN. cls may
 * be NULL (then reports are recognised but without a category). */
int mw_chat_decide(const mw_faq *faq, const mw_classifier *cls, const char *text, size_t len,
		   mw_chat_decision *out);

#endif

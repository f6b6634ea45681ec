/*
 * chat_int.h - the chatbot's insides, shared by faq.c (the knowledge base
 * and its retrieval) and chat.c (the decision). Internal to src/nlp: the
 * rest of the program uses nlp.h.
 *
 * Four lexicons, written for this project and compiled into the binary
 * from data/ (see the comment at the top of each file for its format):
 *
 *   chat_synonyms.tsv  colloquial, misspelt and English words -> the words
 *                      an office writes in its FAQ (딱지 -> 과태료). Applied
 *                      to messages and FAQ entries alike: the canonical
 *                      words are appended to the text before features.
 *                      Its "-" line lists fillers retrieval drops (좀,
 *                      혹시, 어떻게).
 *   chat_topics.tsv    per FAQ topic, the words people use when they ask
 *                      about it; appended to every FAQ entry whose question
 *                      contains the topic's anchor words.
 *   chat_entities.tsv  things people apply for, pay, obtain or report
 *                      (documents, benefits, taxes, permits, 가로등): an
 *                      FAQ entry may answer a message only if it names
 *                      every one the message names, so 주민등록증 재발급
 *                      does not get the 주민등록등본 answer.
 *   chat_cues.tsv      weighted cue patterns of the decision: "this is a
 *                      question", "this describes a problem", "a place",
 *                      "now / for days", "a judgement on my case", "an
 *                      official", "a lawsuit", chit-chat, abuse...
 *
 * Patterns. A pattern is normalised like a message (features.h: NFC, case
 * folding, numbers masked, so write digits as digits: "3일째" matches any
 * "N일째"). A Korean pattern matches anywhere in the message with all
 * spaces and punctuation removed ("안켜져" matches "안 켜져요"). A pattern
 * that starts with '=' or contains Latin letters matches whole words
 * instead ("=저" is the word 저, "cat" is not in "certificate"); a
 * trailing '*' lets the last word continue ("recycl*"). '~' matches the
 * end of any word ("~나요": 되나요, 있나요) and '$' the end of the last
 * word of the message ("$나요"); '^' the start of the message, spaces
 * removed ("^저는"). Words made only of jamo (ㅋㅋ, ㅠㅠ) are
 * in the compact form only, so that they never hide the last word. Cue
 * patterns (chat_cues.tsv) match with 되 and 돼 folded together
 * (mw_chat_msg.fcompact), so that 되요, 돼요 and 됬어요 are one cue; the
 * other lexicons match exactly.
 *
 * Thread safety: a chat_lex is read-only once loaded; the shared one is
 * loaded under pthread_once. A chat_msg is per-call scratch.
 */
#ifndef MW_CHAT_INT_H
#define MW_CHAT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/buf.h"
#include "features.h"
#include "nlp.h"

/* Cue classes of chat_cues.tsv, in the file's spelling. */
#define MW_CHAT_CUES(X)                                                              \
	X(QUESTION, "question")   /* asks for information: 어떻게, 언제, 방법 */   \
	X(PROBLEM, "problem")     /* describes a problem: 고장났, 안 켜져, 쌓여 */ \
	X(PLACE, "place")         /* a concrete place: 번지, 앞에, 사거리 */       \
	X(NOW, "now")             /* now or for days: 지금, 며칠째, 또 */          \
	X(ACTION, "action")       /* asks the office to act: 치워 주세요 */        \
	X(STATEMENT, "statement") /* a sentence ends like a statement: ~어요, ~다 */ \
	X(THING, "thing")         /* a thing an office looks after: 도로, 가로등 */ \
	X(SELF, "self")           /* the writer's own case: 저는, 제 경우 */        \
	X(JUDGE, "judge")         /* asks for a judgement: 대상인가요, 계산해 */     \
	X(STAFF, "staff")         /* an official: 공무원, 담당자, 주무관 */         \
	X(CONDUCT, "conduct")     /* their conduct: 불친절, 반말, 징계 */           \
	X(LEGAL, "legal")         /* a legal dispute: 소송, 변호사, 고소 */          \
	X(CHITCHAT, "chitchat")   /* 안녕, 이름이 뭐야, 심심해 */                   \
	X(ABUSE, "abuse")         /* insults and swearing */                        \
	X(ASK_HUMAN, "ask_human") /* wants a person: 상담원 연결 */                  \
	X(OFFTOPIC, "offtopic")   /* things no district FAQ answers: 비자, 채용 */

enum mw_chat_cue {
#define MW_CHAT_CUE_ENUM(name, str) MW_CHAT_CUE_##name,
	MW_CHAT_CUES(MW_CHAT_CUE_ENUM)
#undef MW_CHAT_CUE_ENUM
	MW_CHAT_CUE__COUNT
};

/* A compiled pattern (see above). */
typedef struct mw_chat_pat {
	char *s;       /* compact text, or " w1 w2" words with a leading space */
	size_t len;
	bool words;    /* match in mw_chat_msg.words instead of .compact */
	bool prefix;   /* words: the last word may continue */
	bool folded;   /* match in the typo-folded forms (cues) */
	bool suffix;   /* words: ends a word, and is not the whole word */
	bool at_end;   /* words: only at the end of the message */
	bool at_start; /* compact: only at the start of the message */
} mw_chat_pat;

typedef struct mw_chat_lex mw_chat_lex;

/* Parses the embedded lexicons. MW_ERR_INVALID (with the file and line in
 * errbuf) for a malformed line, MW_ERR_NOMEM. Free with
 * mw_chat_lex_free(). */
int mw_chat_lex_load(mw_chat_lex **out, char *errbuf, size_t errsz);
void mw_chat_lex_free(mw_chat_lex *lex);

/* The process's lexicon: loaded on first use (once, thread-safely) and
 * kept until exit, read-only. NULL when the embedded files are malformed
 * (a build error; the message went to the log). */
const mw_chat_lex *mw_chat_lex_shared(void);

/* A message prepared for matching: normalised and tokenised text, the
 * compact form (tokens concatenated: no spaces, no punctuation) and the
 * words form (" tok1 tok2 ... tokN "). */
typedef struct mw_chat_msg {
	mw_nlp_text t;
	mw_buf compact;
	mw_buf words;
	mw_buf fcompact;  /* compact and words with 되 / 돼 folded (ㅙ and */
	mw_buf fwords;    /* ㅚ as ㅞ), the commonest misspelling */
	bool qmark;       /* the raw text has a question mark */
} mw_chat_msg;

#define MW_CHAT_MSG_INIT \
	{ MW_NLP_TEXT_INIT, MW_BUF_INIT, MW_BUF_INIT, MW_BUF_INIT, MW_BUF_INIT, false }

/* Normalises text into m (reusing its buffers). MW_ERR_INVALID for
 * invalid UTF-8, MW_ERR_TOO_LARGE, MW_ERR_NOMEM. */
int mw_chat_msg_set(mw_chat_msg *m, const char *text, size_t len);
void mw_chat_msg_release(mw_chat_msg *m);

bool mw_chat_pat_match(const mw_chat_pat *p, const mw_chat_msg *m);

/* Sums the weights of the cues of each class that m contains into
 * score[MW_CHAT_CUE__COUNT]. */
void mw_chat_cues_score(const mw_chat_lex *lex, const mw_chat_msg *m, double *score);

/* Appends to out, space-separated, the canonical words of every synonym
 * that m contains. */
int mw_chat_expand_synonyms(const mw_chat_lex *lex, const mw_chat_msg *m, mw_buf *out);

/* Appends to out the words of m that retrieval reads: every word but the
 * fillers of the lexicon (좀, 그냥, 혹시...), jamo (ㅋㅋ) and words of
 * Latin letters only, which reach the Korean knowledge base through their
 * synonyms or not at all. */
int mw_chat_content_words(const mw_chat_lex *lex, const mw_chat_msg *m, mw_buf *out);

/* Appends to out the expansions of every topic whose anchors m (an FAQ
 * question) contains. */
int mw_chat_expand_topics(const mw_chat_lex *lex, const mw_chat_msg *m, mw_buf *out);

/* At most this many entities of one message are checked. */
#define MW_CHAT_ENTITIES_MAX 16

/* The number of entities of the lexicon. */
size_t mw_chat_entity_count(const mw_chat_lex *lex);

/* Stores in idx (up to max) the indices of the entities m names and
 * returns how many it stored. */
size_t mw_chat_entities_in(const mw_chat_lex *lex, const mw_chat_msg *m, size_t *idx, size_t max);

/* ---- retrieval (faq.c) ---------------------------------------------- */

/* The best entries for a message, best first. */
typedef struct mw_faq_hit {
	size_t idx;         /* entry index */
	double score;       /* combined similarity in [0, 1] */
	double q_sim;       /* cosine with the question and its expansions */
	double a_sim;       /* cosine with the answer */
} mw_faq_hit;

#define MW_FAQ_HITS 3

/* Scores every entry of f against the prepared message m. Fills up to
 * MW_FAQ_HITS hits (fewer when the KB is smaller) and returns how many.
 * Uses scratch from the caller (scratch, v, jv, buf), so that it may run on many
 * threads. MW_ERR_NOMEM. */
int mw_faq_search(const mw_faq *f, const mw_chat_msg *m, mw_chat_msg *scratch,
		  mw_nlp_vec *v, mw_nlp_vec *jv, mw_buf *buf, mw_faq_hit *hits, size_t *nhits);



#endif

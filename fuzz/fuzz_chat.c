/*
 * fuzz_chat.c - the counselling chatbot's inputs: the message a citizen
 * types (mw_chat_decide) and the office's FAQ file (mw_faq_load_jsonl).
 *
 * The first byte picks what the rest is:
 *   even  the message, decided against a small built-in knowledge base;
 *   odd   a FAQ file in JSON lines, loaded, then asked one fixed question.
 *
 * Invariants checked:
 *   - a message is decided (MW_OK) or refused as MW_ERR_INVALID, never
 *     anything else; invalid UTF-8 is refused;
 *   - a decision is one of the three kinds with a confidence in [0, 1];
 *     a FAQ answer names an entry of the knowledge base; a hand-off has a
 *     reason; a report's category is a NUL-terminated code;
 *   - the same message twice gives the same decision;
 *   - a FAQ file loads or is refused with a message; a loaded one has at
 *     most one entry per line, each with an id, a question and an answer,
 *     and can be asked a question.
 */
#include "fuzz.h"
#include "base/mw.h"
#include "nlp/nlp.h"
#include "core/text.h"

#include <string.h>
#include <unistd.h>

#include "base/banned.h"

static const mw_faq_entry entries[] = {
	{ "F1", "대형폐기물은 어떻게 버리나요?", "구청 누리집에서 배출 신고 후 스티커를 붙여 내놓으세요.",
	  "waste_collection", NULL, NULL },
	{ "F2", "주민등록등본은 어디서 발급받나요?", "주민센터, 무인민원발급기, 정부24에서 발급됩니다.",
	  "civil_documents", NULL, NULL },
	{ "F3", "불법 주정차 신고는 어떻게 하나요?", "안전신문고 앱으로 사진 두 장을 찍어 신고하세요.",
	  "illegal_parking", NULL, NULL },
	{ "F4", "How do I pay the car tax?", "Pay online at Wetax or at any bank.", "tax_fines", NULL, NULL },
};

static mw_faq *builtin(void)
{
	static mw_faq *faq;

	if (!faq && mw_faq_build(entries, MW_ARRAY_LEN(entries), &faq))
		abort();
	return faq;
}

static void check_decision(const mw_faq *faq, const mw_chat_decision *d)
{
	bool known = false;

	FUZZ_CHECK(d->kind == MW_CHAT_FAQ || d->kind == MW_CHAT_REPORT || d->kind == MW_CHAT_HUMAN,
		   "kind %d", (int)d->kind);
	FUZZ_CHECK(d->confidence >= 0 && d->confidence <= 1, "confidence %g", d->confidence);
	FUZZ_CHECK(memchr(d->category, '\0', sizeof(d->category)) != NULL, "category unterminated");
	if (d->kind == MW_CHAT_FAQ) {
		FUZZ_CHECK(d->faq != NULL, "faq answer without an entry");
		for (size_t i = 0; i < mw_faq_count(faq); i++)
			known |= mw_faq_entry_at(faq, i) == d->faq;
		FUZZ_CHECK(known, "faq entry %p is not in the knowledge base", (const void *)d->faq);
	}
	if (d->kind == MW_CHAT_HUMAN)
		FUZZ_CHECK(d->reason && *d->reason, "hand-off without a reason");
}

static void message(const uint8_t *data, size_t size)
{
	mw_faq *faq = builtin();
	mw_chat_decision a, b;
	int rc = mw_chat_decide(faq, NULL, (const char *)data, size, &a);

	FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_INVALID, "rc %d", rc);
	if (!mw_text_valid_utf8((const char *)data, size))
		FUZZ_CHECK(rc == MW_ERR_INVALID, "invalid UTF-8 was decided");
	if (rc)
		return;
	check_decision(faq, &a);
	FUZZ_CHECK(mw_chat_decide(faq, NULL, (const char *)data, size, &b) == MW_OK, "second call");
	FUZZ_CHECK(a.kind == b.kind && a.faq == b.faq && !strcmp(a.category, b.category) &&
			   a.confidence == b.confidence,
		   "the same message was decided twice differently");
}

static void faq_file(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz_chat_XXXXXX", err[256] = "";
	size_t lines = 1;
	mw_faq *faq = NULL;
	mw_chat_decision d;
	int fd = mkstemp(path), rc;

	FUZZ_CHECK(fd >= 0, "mkstemp");
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "write");
	close(fd);
	rc = mw_faq_load_jsonl(path, &faq, err, sizeof(err));
	unlink(path);
	if (rc) {
		FUZZ_CHECK(err[0] != '\0', "refused without a message (rc %d)", rc);
		FUZZ_CHECK(faq == NULL, "refused but returned a knowledge base");
		return;
	}
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	FUZZ_CHECK(mw_faq_count(faq) <= lines, "%zu entries from %zu lines", mw_faq_count(faq),
		   lines);
	for (size_t i = 0; i < mw_faq_count(faq); i++) {
		const mw_faq_entry *e = mw_faq_entry_at(faq, i);

		FUZZ_CHECK(e->id && *e->id && e->question && *e->question && e->answer && *e->answer,
			   "entry %zu incomplete", i);
	}
	rc = mw_chat_decide(faq, NULL, "대형폐기물 버리는 방법 알려주세요",
			    strlen("대형폐기물 버리는 방법 알려주세요"), &d);
	FUZZ_CHECK(rc == MW_OK, "a plain question was refused (rc %d)", rc);
	check_decision(faq, &d);
	mw_faq_free(faq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 65536)
		return 0;
	if (data[0] & 1)
		faq_file(data + 1, size - 1);
	else
		message(data + 1, size - 1);
	return 0;
}

/*
 * test_chat.c - the counselling chatbot (src/nlp/faq.c, src/nlp/chat.c):
 * the decision rules on hand-written messages of every outcome and every
 * hand-off reason, the FAQ file loader and its errors (and the English
 * answers it keeps), an empty knowledge base, decisions on many threads at
 * once, and the fixed replies of data/chat_replies.tsv in both languages. Accuracy is measured by
 * the evaluation (docs/AI.md), never asserted here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/mw.h"
#include "nlp/nlp.h"

#include "base/banned.h"

/* A small knowledge base written for these tests. */
static const mw_faq_entry kb[] = {
	{ "K1", "대형폐기물(장롱, 소파 등)은 어떻게 버리나요?",
	  "구청 홈페이지에서 대형폐기물 배출 신고를 하고 수수료를 낸 뒤, 받은 배출번호를 붙여 "
	  "지정한 날 집 앞에 내놓으세요. 동 행정복지센터에서 스티커를 살 수도 있습니다.",
	  "waste_collection", NULL, NULL },
	{ "K2", "여권은 어떻게 발급받나요?",
	  "신분증과 여권용 사진 1장을 가지고 구청 민원여권과에서 신청합니다. 수수료는 10년 "
	  "복수여권 기준 5만 원 안팎이고, 발급까지 근무일로 일주일쯤 걸립니다.",
	  "civil_documents", NULL, NULL },
	{ "K3", "주민등록등본은 어디서 뗄 수 있나요?",
	  "정부24에서 무료로 발급받거나, 신분증을 가지고 가까운 행정복지센터에서 발급받을 수 "
	  "있습니다. 수수료는 1통 400원입니다.",
	  "civil_documents", NULL, NULL },
	{ "K4", "가로등이 고장 나면 어디에 신고하나요?",
	  "가로등 기둥의 관리번호를 확인해 구청 홈페이지나 건설관리과로 신고하면 보통 3일 안에 "
	  "수리합니다.",
	  "streetlight", NULL, NULL },
	{ "K5", "재산세는 언제 내나요?",
	  "재산세는 7월과 9월 두 번에 나누어 냅니다. 위택스나 고지서의 가상계좌로 낼 수 "
	  "있습니다.",
	  "tax_fines", NULL, NULL },
	{ "K6", "반려견 등록은 어떻게 하나요?",
	  "생후 2개월 이상인 개는 지정 동물병원에서 내장형 칩이나 인식표로 동물등록을 해야 "
	  "합니다.",
	  "animals", NULL, NULL },
};

static mw_faq *faq;

static int setup(void **state)
{
	(void)state;
	return mw_faq_build(kb, MW_ARRAY_LEN(kb), &faq);
}

static int teardown(void **state)
{
	(void)state;
	mw_faq_free(faq);
	return 0;
}

static mw_chat_decision decide(const mw_faq *f, const char *text)
{
	mw_chat_decision d;

	assert_int_equal(mw_chat_decide(f, NULL, text, strlen(text), &d), MW_OK);
	assert_true(d.confidence >= 0 && d.confidence <= 1);
	return d;
}

static void expect_faq(const char *text, const char *id)
{
	mw_chat_decision d = decide(faq, text);

	if (d.kind != MW_CHAT_FAQ)
		fail_msg("'%s': kind %d (reason %s), want FAQ %s", text, d.kind,
			 d.reason ? d.reason : "-", id);
	assert_non_null(d.faq);
	assert_string_equal(d.faq->id, id);
	assert_null(d.reason);
}

static void expect_report(const char *text)
{
	mw_chat_decision d = decide(faq, text);

	if (d.kind != MW_CHAT_REPORT)
		fail_msg("'%s': kind %d (reason %s), want a report", text, d.kind,
			 d.reason ? d.reason : "-");
	/* No classifier: recognised, but without a category. */
	assert_string_equal(d.category, "");
	assert_null(d.faq);
}

static void expect_human(const char *text, const char *reason)
{
	mw_chat_decision d = decide(faq, text);

	if (d.kind != MW_CHAT_HUMAN)
		fail_msg("'%s': kind %d (faq %s), want a person (%s)", text, d.kind,
			 d.faq ? d.faq->id : "-", reason);
	assert_non_null(d.reason);
	assert_string_equal(d.reason, reason);
}

static void test_faq_answers(void **state)
{
	(void)state;
	expect_faq("헌 장롱 버리려면 어떻게 해야 하나요?", "K1");
	expect_faq("여권 만들 때 사진 몇 장 필요해요?", "K2");
	expect_faq("등본 떼는 데 수수료 얼마예요", "K3");
	expect_faq("재산세 언제 내야 돼요?", "K5");
	expect_faq("강아지 동물등록 어디서 해요", "K6");
}

static void test_faq_spacing_and_typos(void **state)
{
	(void)state;
	expect_faq("재산세언제내요?", "K5");
	expect_faq("여권발급 어떻게해요", "K2");
	expect_faq("주민등록등본은 어디서 떼나여", "K3");
}

static void test_reports(void **state)
{
	(void)state;
	expect_report("우리 아파트 앞 가로등이 사흘째 꺼져 있어요");
	expect_report("놀이터 미끄럼틀이 부서졌어요 아이들 다칠 것 같아요");
	expect_report("골목에 누가 소파를 버리고 갔어요 한빛로 12-3");
}

/* A question about how to report a broken light is an FAQ, not a
 * report, although it names the problem. */
static void test_question_about_a_problem_is_faq(void **state)
{
	(void)state;
	expect_faq("가로등이 고장 나면 어디에 신고해요?", "K4");
}

static void test_human_reasons(void **state)
{
	(void)state;
	expect_human("저는 혼자 사는데 제가 기초생활수급 대상인가요?", "personal_case");
	expect_human("주민센터 직원이 너무 불친절했어요", "official");
	expect_human("이웃을 고소하고 싶은데 도와주세요", "legal");
	expect_human("운전면허 갱신은 어디서 하나요?", "not_covered");
	expect_human("안녕 너는 이름이 뭐니", "chitchat");
	expect_human("멍청한 챗봇 같으니", "abuse");
	expect_human("상담원 연결해 주세요", "requested");
}

/* 주민등록증 is not 주민등록등본: the entry on 등본 must not answer. */
static void test_neighbouring_document_not_answered(void **state)
{
	mw_chat_decision d;

	(void)state;
	d = decide(faq, "주민등록증 재발급 받으려면 뭐 가져가요?");
	assert_int_equal(d.kind, MW_CHAT_HUMAN);
	assert_string_equal(d.reason, "not_covered");
}

/* Regression: 꺼져 (lights off) once counted as an insult. */
static void test_lights_off_is_not_abuse(void **state)
{
	(void)state;
	expect_report("후문 쪽 가로등이 며칠째 꺼져 있어서 밤에 너무 어두워요");
}

/* Regression: the verb 나다 (연기가 나요) once read as the question ending
 * ~나요. */
static void test_smoke_is_a_report_not_a_question(void **state)
{
	(void)state;
	expect_report("공터에서 비닐 태우는 연기가 엄청 나요");
}

static void test_empty_kb(void **state)
{
	mw_faq *empty = NULL;
	mw_chat_decision d;

	(void)state;
	assert_int_equal(mw_faq_build(NULL, 0, &empty), MW_OK);
	assert_int_equal(mw_faq_count(empty), 0);
	assert_null(mw_faq_entry_at(empty, 0));
	d = decide(empty, "재산세 언제 내요?");
	assert_int_equal(d.kind, MW_CHAT_HUMAN);
	assert_string_equal(d.reason, "not_covered");
	d = decide(empty, "놀이터 그네 줄이 끊어졌어요");
	assert_int_equal(d.kind, MW_CHAT_REPORT);
	mw_faq_free(empty);
	/* No knowledge base at all decides like an empty one. */
	d = decide(NULL, "재산세 언제 내요?");
	assert_int_equal(d.kind, MW_CHAT_HUMAN);
}

static void test_bad_text(void **state)
{
	mw_chat_decision d;

	(void)state;
	assert_int_equal(mw_chat_decide(faq, NULL, "\xff\xfe", 2, &d), MW_ERR_INVALID);
	d = decide(faq, "???");
	assert_int_equal(d.kind, MW_CHAT_HUMAN);
	d = decide(faq, "");
	assert_int_equal(d.kind, MW_CHAT_HUMAN);
}

static void test_entries_are_copied(void **state)
{
	mw_faq_entry e = { NULL, NULL, NULL, NULL, NULL, NULL };
	char id[8], q[64], a[64];
	mw_faq *f = NULL;

	(void)state;
	memcpy(id, "X1", 3);
	memcpy(q, "여권은 어디서 만드나요?", sizeof("여권은 어디서 만드나요?"));
	memcpy(a, "구청 민원실입니다.", sizeof("구청 민원실입니다."));
	e.id = id;
	e.question = q;
	e.answer = a;
	assert_int_equal(mw_faq_build(&e, 1, &f), MW_OK);
	memset(id, 0, sizeof(id));
	memset(q, 0, sizeof(q));
	assert_int_equal(mw_faq_count(f), 1);
	assert_string_equal(mw_faq_entry_at(f, 0)->id, "X1");
	assert_string_equal(mw_faq_entry_at(f, 0)->category, "general");
	assert_null(mw_faq_entry_at(f, 1));
	mw_faq_free(f);
	/* An entry without an answer is refused. */
	e.answer = NULL;
	assert_int_equal(mw_faq_build(&e, 1, &f), MW_ERR_INVALID);
	assert_null(f);
}

/* ---- the JSONL loader ---------------------------------------------------- */

static char *write_temp(const char *content)
{
	char *path = strdup("/tmp/test_chat_XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return path;
}

static int load(const char *content, mw_faq **f, char *err, size_t errsz)
{
	char *path = write_temp(content);
	int rc = mw_faq_load_jsonl(path, f, err, errsz);

	unlink(path);
	free(path);
	return rc;
}

static void test_load_ok(void **state)
{
	char err[200];
	mw_faq *f = NULL;

	(void)state;
	assert_int_equal(load("{\"id\":\"A\",\"question\":\"재산세는 언제 내나요?\","
			      "\"answer\":\"7월과 9월입니다.\",\"category\":\"tax_fines\","
			      "\"question_en\":\"When is property tax due?\","
			      "\"answer_en\":\"In July and September.\"}\n"
			      "\n"
			      "{\"id\":\"B\",\"question\":\"여권은?\",\"answer\":\"민원실.\","
			      "\"answer_en\":null}\n",
			      &f, err, sizeof(err)),
			 MW_OK);
	assert_int_equal(mw_faq_count(f), 2);
	assert_string_equal(mw_faq_entry_at(f, 0)->category, "tax_fines");
	assert_string_equal(mw_faq_entry_at(f, 0)->answer_en, "In July and September.");
	assert_string_equal(mw_faq_entry_at(f, 0)->question_en, "When is property tax due?");
	assert_string_equal(mw_faq_entry_at(f, 1)->category, "general");
	assert_null(mw_faq_entry_at(f, 1)->answer_en);
	mw_faq_free(f);
}

/* The {name} placeholders of a text, sorted and joined, into out. */
static void placeholders(const char *t, char *out, size_t size)
{
	char names[16][32];
	size_t n = 0;

	for (const char *p = strchr(t, '{'); p && n < 16; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');

		assert_non_null(e);
		assert_true((size_t)(e - p) < sizeof(names[0]));
		memcpy(names[n], p + 1, (size_t)(e - p - 1));
		names[n++][e - p - 1] = '\0';
	}
	qsort(names, n, sizeof(names[0]), (int (*)(const void *, const void *))strcmp);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s,", names[i]);
}

static void test_replies_in_both_languages(void **state)
{
	char ko[256], en[256];

	(void)state;
	assert_true(mw_chat_reply_count() >= 20);
	for (size_t i = 0; i < mw_chat_reply_count(); i++) {
		const char *key = mw_chat_reply_key(i);
		const char *tk = mw_chat_reply_text(MW_CHAT_KO, key);
		const char *te = mw_chat_reply_text(MW_CHAT_EN, key);

		if (!tk || !te)
			fail_msg("reply %s lacks %s", key, tk ? "en" : "ko");
		placeholders(tk, ko, sizeof(ko));
		placeholders(te, en, sizeof(en));
		if (strcmp(ko, en))
			fail_msg("reply %s: placeholders %s (ko) and %s (en)", key, ko, en);
		/* No Hangul in the English texts. */
		for (const unsigned char *p = (const unsigned char *)te; *p; p++)
			assert_false(p[0] == 0xEA || p[0] == 0xEB || p[0] == 0xEC || p[0] == 0xED);
	}
	/* Every hand-off reason of the decision has its words. */
	for (const char *const *r = (const char *const[]){ "personal_case", "official", "legal",
							    "not_covered", "chitchat", "abuse",
							    "requested", NULL };
	     *r; r++) {
		char key[64];

		snprintf(key, sizeof(key), "handoff.%s", *r);
		assert_non_null(mw_chat_reply_text(MW_CHAT_EN, key));
	}
}

static void test_reply_placeholders(void **state)
{
	mw_buf b = MW_BUF_INIT;
	mw_chat_lang lang;

	(void)state;
	assert_int_equal(mw_chat_reply(&b, MW_CHAT_EN, "report.filed_photos", "n", "2", "receipt_no",
				       "2611-000007", NULL),
			 MW_OK);
	assert_non_null(strstr(b.ptr, "2 photo(s)"));
	assert_non_null(strstr(b.ptr, "2611-000007"));
	assert_null(strchr(b.ptr, '{'));
	mw_buf_reset(&b);
	mw_chat_reply(&b, MW_CHAT_KO, "report.offer", "category", "가로등", NULL);
	assert_string_equal(b.ptr, "불편을 드려 죄송합니다. '가로등' 민원으로 접수해 드릴까요?");
	mw_buf_reset(&b);
	/* A placeholder without a value stays; an unknown key shows itself. */
	mw_chat_reply(&b, MW_CHAT_EN, "report.offer", NULL);
	assert_non_null(strstr(b.ptr, "{category}"));
	mw_buf_reset(&b);
	mw_chat_reply(&b, MW_CHAT_EN, "no.such.reply", NULL);
	assert_string_equal(b.ptr, "no.such.reply");
	mw_buf_release(&b);
	assert_int_equal(mw_chat_lang_parse("en", &lang), MW_OK);
	assert_int_equal(lang, MW_CHAT_EN);
	assert_string_equal(mw_chat_lang_code(lang), "en");
	assert_int_equal(mw_chat_lang_parse("EN", &lang), MW_ERR_INVALID);
	assert_int_equal(mw_chat_lang_parse(NULL, &lang), MW_ERR_INVALID);
}

static void test_load_empty_file(void **state)
{
	char err[200];
	mw_faq *f = NULL;

	(void)state;
	assert_int_equal(load("", &f, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_faq_count(f), 0);
	mw_faq_free(f);
}

static void expect_load_error(const char *content, int want, const char *in_msg)
{
	char err[200] = "";
	mw_faq *f = (mw_faq *)1;

	assert_int_equal(load(content, &f, err, sizeof(err)), want);
	assert_null(f);
	if (!strstr(err, in_msg))
		fail_msg("error '%s' does not say '%s'", err, in_msg);
}

static void test_load_errors(void **state)
{
	(void)state;
	expect_load_error("{\"id\":\"A\",\"question\":\"q\",\"answer\":\"a\"}\n{not json\n",
			  MW_ERR_INVALID, "line 2");
	expect_load_error("\n\n[1,2]\n", MW_ERR_INVALID, "line 3");
	expect_load_error("{\"id\":\"A\",\"answer\":\"a\"}\n", MW_ERR_INVALID, "question");
	expect_load_error("{\"id\":\"A\",\"question\":\"q\",\"answer\":\"\"}\n", MW_ERR_INVALID,
			  "answer");
	expect_load_error("{\"id\":7,\"question\":\"q\",\"answer\":\"a\"}\n", MW_ERR_INVALID,
			  "\"id\"");
	expect_load_error("{\"id\":\"A\",\"question\":\"q\",\"answer\":\"a\",\"category\":3}\n",
			  MW_ERR_INVALID, "category");
	expect_load_error("{\"id\":\"A\",\"question\":\"q\",\"answer\":\"a\"}\n"
			  "{\"id\":\"A\",\"question\":\"q2\",\"answer\":\"a2\"}\n",
			  MW_ERR_INVALID, "line 2: duplicate");
	expect_load_error("{\"id\":\"A\",\"question\":\"\xff\",\"answer\":\"a\"}\n",
			  MW_ERR_INVALID, "line 1");
}

static void test_load_missing_file(void **state)
{
	char err[200];
	mw_faq *f = NULL;

	(void)state;
	assert_int_equal(mw_faq_load_jsonl("/nonexistent/faq.jsonl", &f, err, sizeof(err)),
			 MW_ERR_IO);
	assert_null(f);
	assert_non_null(strstr(err, "cannot open"));
}

/* ---- threads ----------------------------------------------------------- */

static const char *const thread_texts[] = {
	"헌 장롱 버리려면 어떻게 해야 하나요?", "우리 아파트 앞 가로등이 사흘째 꺼져 있어요",
	"주민센터 직원이 너무 불친절했어요", "재산세 언제 내야 돼요?",
	"운전면허 갱신은 어디서 하나요?", "여권 만들 때 사진 몇 장 필요해요?",
};

struct thread_arg {
	mw_chat_decision want[MW_ARRAY_LEN(thread_texts)];
	int mismatches;
};

static void *thread_run(void *p)
{
	struct thread_arg *a = p;

	for (int round = 0; round < 40; round++)
		for (size_t i = 0; i < MW_ARRAY_LEN(thread_texts); i++) {
			mw_chat_decision d;

			if (mw_chat_decide(faq, NULL, thread_texts[i], strlen(thread_texts[i]), &d) ||
			    d.kind != a->want[i].kind || d.faq != a->want[i].faq ||
			    d.confidence != a->want[i].confidence)
				a->mismatches++;
		}
	return NULL;
}

static void test_threads(void **state)
{
	struct thread_arg args[4];
	pthread_t th[4];

	(void)state;
	for (size_t t = 0; t < MW_ARRAY_LEN(args); t++) {
		args[t].mismatches = 0;
		for (size_t i = 0; i < MW_ARRAY_LEN(thread_texts); i++)
			args[t].want[i] = decide(faq, thread_texts[i]);
	}
	for (size_t t = 0; t < MW_ARRAY_LEN(th); t++)
		assert_int_equal(pthread_create(&th[t], NULL, thread_run, &args[t]), 0);
	for (size_t t = 0; t < MW_ARRAY_LEN(th); t++) {
		assert_int_equal(pthread_join(th[t], NULL), 0);
		assert_int_equal(args[t].mismatches, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_faq_answers),
		cmocka_unit_test(test_faq_spacing_and_typos),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_question_about_a_problem_is_faq),
		cmocka_unit_test(test_human_reasons),
		cmocka_unit_test(test_neighbouring_document_not_answered),
		cmocka_unit_test(test_lights_off_is_not_abuse),
		cmocka_unit_test(test_smoke_is_a_report_not_a_question),
		cmocka_unit_test(test_empty_kb),
		cmocka_unit_test(test_bad_text),
		cmocka_unit_test(test_entries_are_copied),
		cmocka_unit_test(test_load_ok),
		cmocka_unit_test(test_load_empty_file),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_replies_in_both_languages),
		cmocka_unit_test(test_reply_placeholders),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_classifier.c - the routing classifier (src/nlp/classifier.c): it
 * learns an obvious synthetic task, its model file round-trips to the same
 * predictions, it rejects bad input and bad files, and predictions on four
 * threads at once equal the single-threaded ones. When the shared
 * benchmark data is present ($MINWON_BENCH_DIR, or ../shared/bench next to
 * the source tree) a model trained on half of it classifies the other half
 * without errors; accuracy itself is reported by `minwon nlp eval`, never
 * asserted here.
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

#include <jansson.h>

#include "base/mw.h"
#include "nlp/corpus.h"
#include "nlp/nlp.h"

#include "base/banned.h"

/* Phrases per category; examples combine them with neutral words. */
static const struct {
	const char *cat;
	const char *words[4];
} topics[] = {
	{ "streetlight", { "가로등이 꺼졌어요", "보안등 고장", "가로등 불이 안 들어와요", "골목 조명이 어두워요" } },
	{ "noise", { "공사장 소음이 심해요", "새벽에 너무 시끄러워요", "음악 소리 때문에 잠을 못 자요", "확성기 소음" } },
	{ "tax_fines", { "재산세 고지서", "자동차세 납부", "과태료 이의 신청", "지방세 환급 문의" } },
};

static const char *const fillers[] = {
	"확인 부탁드립니다.", "빨리 처리해 주세요.", "민원인 전화로 요청함.", "며칠째 그대로예요.",
	"우리 동네 문제입니다.", "",
};

#define PER_TOPIC 40

typedef struct synth {
	mw_train_example ex[3 * PER_TOPIC + 4];
	char text[3 * PER_TOPIC + 4][256];
	size_t n;
} synth;

static void make_synth(synth *s)
{
	s->n = 0;
	for (size_t c = 0; c < MW_ARRAY_LEN(topics); c++) {
		for (int i = 0; i < PER_TOPIC; i++) {
			snprintf(s->text[s->n], sizeof(s->text[0]), "%s %s %s",
				 topics[c].words[i % 4], fillers[i % MW_ARRAY_LEN(fillers)],
				 topics[c].words[(i / 4) % 4]);
			s->ex[s->n].text = s->text[s->n];
			s->ex[s->n].category = topics[c].cat;
			s->ex[s->n].urgent = false;
			s->ex[s->n].weight = 1.0;
			s->n++;
		}
	}
	/* urgent ones: live wires under a streetlight */
	for (int i = 0; i < 4; i++) {
		snprintf(s->text[s->n], sizeof(s->text[0]),
			 "가로등 기둥이 쓰러져 끊어진 전선에서 스파크가 튀어요 지금 위험해요 %d", i);
		s->ex[s->n].text = s->text[s->n];
		s->ex[s->n].category = "streetlight";
		s->ex[s->n].urgent = true;
		s->ex[s->n].weight = 2.0;
		s->n++;
	}
}

static mw_classifier *train_synth(int folds)
{
	static synth s;
	mw_train_opts opts = { 0 };
	mw_classifier *m = NULL;

	make_synth(&s);
	opts.calib_folds = folds;
	assert_int_equal(mw_classifier_train(s.ex, s.n, &opts, &m), MW_OK);
	assert_non_null(m);
	return m;
}

static void predict_ok(const mw_classifier *m, const char *text, mw_prediction *p)
{
	assert_int_equal(mw_classifier_predict(m, text, strlen(text), p), MW_OK);
}

static void test_learns_obvious_category(void **state)
{
	mw_classifier *m = train_synth(3);
	mw_prediction p;
	double sum = 0;

	(void)state;
	predict_ok(m, "집 앞 가로등이 꺼져 있어요", &p);
	assert_string_equal(p.category, "streetlight");
	predict_ok(m, "밤늦게 공사장 소음 때문에 시끄러워요", &p);
	assert_string_equal(p.category, "noise");
	predict_ok(m, "자동차세 고지서가 잘못 나왔어요", &p);
	assert_string_equal(p.category, "tax_fines");
	/* the top list is sorted, starts with the category, sums to <= 1 */
	assert_string_equal(p.top[0].category, p.category);
	assert_true(p.confidence == p.top[0].p);
	assert_true(p.confidence > 1.0 / 3);
	for (int k = 0; k < MW_NLP_TOP; k++) {
		assert_true(p.top[k].p >= 0 && p.top[k].p <= 1);
		if (k)
			assert_true(p.top[k].p <= p.top[k - 1].p);
		sum += p.top[k].p;
	}
	assert_true(sum <= 1.0 + 1e-9);
	assert_true(p.urgent_p >= 0 && p.urgent_p <= 1);
	/* version: YYYYMMDD-HHMMSS-<n>-<hash> */
	assert_int_equal(strlen(mw_classifier_version(m)) > 20, true);
	assert_true(mw_classifier_version(m)[8] == '-');
	mw_classifier_free(m);
}

static void tmp_path(char *out, size_t cap, const char *name)
{
	const char *base = getenv("TMPDIR");

	snprintf(out, cap, "%s/minwon-test-%ld-%s", base && *base ? base : "/tmp", (long)getpid(),
		 name);
}

static void test_save_load_round_trip(void **state)
{
	static const char *const texts[] = {
		"가로등 불이 안 들어와요", "공사장 소음", "재산세 환급", "아무 관계 없는 문장입니다",
		"전선에서 스파크가 튀어요 위험해요", "!!!",
	};
	mw_classifier *m = train_synth(1), *l = NULL;
	char path[512], err[256];

	(void)state;
	tmp_path(path, sizeof(path), "model.bin");
	assert_int_equal(mw_classifier_save(m, path), MW_OK);
	assert_int_equal(mw_classifier_load(path, &l, err, sizeof(err)), MW_OK);
	assert_string_equal(mw_classifier_version(m), mw_classifier_version(l));
	for (size_t i = 0; i < MW_ARRAY_LEN(texts); i++) {
		mw_prediction a, b;

		predict_ok(m, texts[i], &a);
		predict_ok(l, texts[i], &b);
		assert_int_equal(memcmp(&a, &b, sizeof(a)), 0);
	}
	mw_classifier_free(l);
	mw_classifier_free(m);
	unlink(path);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void test_bad_model_files(void **state)
{
	mw_classifier *m = train_synth(1), *l = NULL;
	char path[512], err[256];
	unsigned char *data;
	long size;
	FILE *f;

	(void)state;
	tmp_path(path, sizeof(path), "bad.bin");
	assert_int_equal(mw_classifier_load("/nonexistent/model.bin", &l, err, sizeof(err)),
			 MW_ERR_IO);
	assert_null(l);
	assert_true(err[0] != '\0');
	write_file(path, "hello", 5);
	assert_int_equal(mw_classifier_load(path, &l, err, sizeof(err)), MW_ERR_INVALID);
	/* a real model, truncated and then with one byte flipped */
	assert_int_equal(mw_classifier_save(m, path), MW_OK);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	rewind(f);
	data = malloc((size_t)size);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	write_file(path, data, (size_t)size / 2);
	assert_int_equal(mw_classifier_load(path, &l, err, sizeof(err)), MW_ERR_INVALID);
	data[size / 3] ^= 0x40;
	write_file(path, data, (size_t)size);
	assert_int_equal(mw_classifier_load(path, &l, err, sizeof(err)), MW_ERR_INVALID);
	assert_non_null(strstr(err, "corrupt"));
	assert_null(l);
	free(data);
	unlink(path);
	mw_classifier_free(m);
}

static void test_invalid_input(void **state)
{
	mw_classifier *m = train_synth(1);
	mw_prediction p;

	(void)state;
	assert_int_equal(mw_classifier_predict(m, "가로등\xff", 10, &p), MW_ERR_INVALID);
	assert_int_equal(mw_classifier_predict(m, "\xc0\xaf", 2, &p), MW_ERR_INVALID);
	assert_int_equal(mw_classifier_predict(m, "", 0, &p), MW_ERR_INVALID);
	assert_int_equal(mw_classifier_predict(m, " \t\n", 3, &p), MW_ERR_INVALID);
	assert_int_equal(mw_classifier_predict(m, NULL, 0, &p), MW_ERR_INVALID);
	/* still fine afterwards */
	predict_ok(m, "가로등", &p);
	mw_classifier_free(m);
}

static void test_needs_two_categories(void **state)
{
	mw_train_example ex[3] = {
		{ "가로등 고장", "streetlight", false, 1, false },
		{ "보안등 고장", "streetlight", false, 1, false },
		{ "\xff\xfe", "noise", false, 1, false }, /* dropped: invalid UTF-8 */
	};
	mw_classifier *m = NULL;

	(void)state;
	assert_int_equal(mw_classifier_train(ex, 2, NULL, &m), MW_ERR_INVALID);
	assert_null(m);
	assert_int_equal(mw_classifier_train(ex, 3, NULL, &m), MW_ERR_INVALID);
	assert_null(m);
}

/* ---- threads ----------------------------------------------------------- */

#define THREADS 4
#define ROUNDS 300

static const char *const thread_texts[] = {
	"가로등이 꺼졌어요", "공사장 소음이 심해요", "재산세 고지서 문의", "전선에서 스파크가 튀어요",
	"새벽에 너무 시끄러워요 확인 부탁드립니다", "과태료 이의 신청합니다",
};

typedef struct worker {
	const mw_classifier *m;
	const mw_prediction *want;
	int failures;
} worker;

static void *work(void *arg)
{
	worker *w = arg;

	for (int r = 0; r < ROUNDS; r++) {
		for (size_t i = 0; i < MW_ARRAY_LEN(thread_texts); i++) {
			mw_prediction p;

			if (mw_classifier_predict(w->m, thread_texts[i], strlen(thread_texts[i]), &p) ||
			    memcmp(&p, &w->want[i], sizeof(p)))
				w->failures++;
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	mw_classifier *m = train_synth(1);
	mw_prediction want[MW_ARRAY_LEN(thread_texts)];
	pthread_t th[THREADS];
	worker w[THREADS];

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(thread_texts); i++)
		predict_ok(m, thread_texts[i], &want[i]);
	for (int t = 0; t < THREADS; t++) {
		w[t] = (worker){ m, want, 0 };
		assert_int_equal(pthread_create(&th[t], NULL, work, &w[t]), 0);
	}
	for (int t = 0; t < THREADS; t++) {
		assert_int_equal(pthread_join(th[t], NULL), 0);
		assert_int_equal(w[t].failures, 0);
	}
	mw_classifier_free(m);
}

/* ---- the built-in corpus ----------------------------------------------- */

static void test_builtin_corpus(void **state)
{
	mw_nlp_corpus c = MW_NLP_CORPUS_INIT;
	size_t seeds = 0, urgent = 0, unknown = 0;

	(void)state;
	assert_int_equal(mw_nlp_corpus_generated(&c, 200, 1, MW_NLP_DEFAULT_WEIGHT), MW_OK);
	assert_int_equal(c.n, 200);
	assert_int_equal(mw_nlp_corpus_seed(&c, MW_NLP_DEFAULT_WEIGHT, &seeds), MW_OK);
	assert_true(seeds > 100);
	assert_int_equal(c.n, 200 + seeds);
	for (size_t i = 0; i < c.n; i++) {
		assert_true(c.ex[i].text[0] != '\0');
		assert_true(c.ex[i].category[0] != '\0');
		urgent += c.ex[i].urgent;
		unknown += c.ex[i].urgent_unknown;
	}
	assert_true(urgent > 0);
	assert_true(unknown > 0);
	mw_nlp_corpus_release(&c);
}

/* Greetings and fillers carry no category: with the neutral texts, a
 * message of nothing but them is unsure, while a real complaint is not. */
static void test_neutral_texts_stay_unsure(void **state)
{
	mw_nlp_corpus c = MW_NLP_CORPUS_INIT;
	mw_classifier *m = NULL;
	mw_prediction p;
	size_t added = 0;
	static const char *const empty[] = { "안녕하세요 ㅎㅎ", "감사합니다", "수고하십니다", "hello" };

	(void)state;
	assert_int_equal(mw_nlp_corpus_generated(&c, 600, 3, 1.0), MW_OK);
	assert_int_equal(mw_nlp_corpus_neutral(&c, 1.0, &added), MW_OK);
	assert_true(added > 17 * 50);
	assert_int_equal(c.n, 600 + added);
	assert_int_equal(mw_classifier_train(c.ex, c.n, NULL, &m), MW_OK);
	for (size_t i = 0; i < MW_ARRAY_LEN(empty); i++) {
		assert_int_equal(mw_classifier_predict(m, empty[i], strlen(empty[i]), &p), MW_OK);
		if (p.confidence >= 0.3)
			fail_msg("\"%s\" -> %s with confidence %.2f", empty[i], p.category,
				 p.confidence);
	}
	assert_int_equal(mw_classifier_predict(m, "가로등이 사흘째 꺼져 있어서 밤길이 어두워요",
					       strlen("가로등이 사흘째 꺼져 있어서 밤길이 어두워요"), &p),
			 MW_OK);
	assert_string_equal(p.category, "streetlight");
	assert_true(p.confidence > 0.5);
	mw_classifier_free(m);
	mw_nlp_corpus_release(&c);
}

/* ---- shared benchmark data, when present ------------------------------- */

static FILE *open_bench(void)
{
	const char *dir = getenv("MINWON_BENCH_DIR");
	const char *file = __FILE__, *slash = strrchr(file, '/');
	char path[1024];

	if (dir && *dir)
		snprintf(path, sizeof(path), "%s/complaints.jsonl", dir);
	else if (slash)
		snprintf(path, sizeof(path), "%.*s/../../../shared/bench/complaints.jsonl",
			 (int)(slash - file), file);
	else
		return NULL;
	return fopen(path, "r");
}

static void test_bench_half(void **state)
{
	mw_nlp_corpus train = MW_NLP_CORPUS_INIT, test = MW_NLP_CORPUS_INIT;
	mw_train_opts opts = { 0 };
	mw_classifier *m = NULL;
	char line[65536];
	size_t n = 0;
	FILE *f = open_bench();

	(void)state;
	if (!f) {
		skip();
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		const char *text = json_string_value(json_object_get(j, "text"));
		const char *cat = json_string_value(json_object_get(j, "category"));

		if (text && cat)
			assert_int_equal(mw_nlp_corpus_add(n++ % 2 ? &test : &train, text, cat,
							   json_is_true(json_object_get(j, "urgent")),
							   1.0), MW_OK);
		json_decref(j);
	}
	fclose(f);
	assert_true(train.n > 10);
	opts.calib_folds = 1;
	assert_int_equal(mw_classifier_train(train.ex, train.n, &opts, &m), MW_OK);
	for (size_t i = 0; i < test.n; i++) {
		mw_prediction p;

		predict_ok(m, test.ex[i].text, &p);
		assert_true(p.category[0] != '\0');
	}
	mw_classifier_free(m);
	mw_nlp_corpus_release(&train);
	mw_nlp_corpus_release(&test);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learns_obvious_category),
		cmocka_unit_test(test_save_load_round_trip),
		cmocka_unit_test(test_bad_model_files),
		cmocka_unit_test(test_invalid_input),
		cmocka_unit_test(test_needs_two_categories),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_builtin_corpus),
		cmocka_unit_test(test_neutral_texts_stay_unsure),
		cmocka_unit_test(test_bench_half),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

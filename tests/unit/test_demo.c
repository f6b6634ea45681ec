/*
 * test_demo.c - the demo complaint generator (src/demo/demo.c): the same
 * seed gives the same complaints, and a batch of 2000 has the shape a
 * demo database needs (every category and stage, a plausible urgent
 * share, coordinates in the district, valid UTF-8, few duplicate texts,
 * fictional contact data, ratings that agree with the stage, receipt
 * times in office hours and evenings).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/mw.h"
#include "demo/demo.h"

#include "base/banned.h"

#define BATCH 2000

static const char *const categories[] = {
	"road_damage", "illegal_parking", "traffic_facility", "streetlight",
	"illegal_dumping", "waste_collection", "noise", "air_odor",
	"water_sewer", "parks_trees", "illegal_building", "safety_hazard",
	"animals", "illegal_ads", "welfare", "tax_fines", "civil_documents",
};

/* Where urgent complaints are expected to come from (welfare adds a
 * few: a person in danger). */
static const char *const urgent_categories[] = {
	"safety_hazard", "road_damage", "water_sewer", "streetlight",
	"animals", "traffic_facility", "welfare",
};

static const char *const channels[] = { "web", "app", "field", "phone", "visit" };

static int index_of(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s && strcmp(list[i], s) == 0)
			return (int)i;
	return -1;
}

/* ---- helpers ----------------------------------------------------------- */

/* Strict UTF-8: no overlong forms, no surrogates, nothing above
 * U+10FFFF, no stray continuation bytes. */
static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t cp;
		int n, i;

		if (p[0] < 0x80) {
			p++;
			continue;
		} else if ((p[0] & 0xE0) == 0xC0) {
			n = 1;
			cp = p[0] & 0x1F;
		} else if ((p[0] & 0xF0) == 0xE0) {
			n = 2;
			cp = p[0] & 0x0F;
		} else if ((p[0] & 0xF8) == 0xF0) {
			n = 3;
			cp = p[0] & 0x07;
		} else {
			return false;
		}
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += n + 1;
	}
	return true;
}

static bool is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* 010-0XXX-XXXX exactly. */
static bool phone_ok(const char *p)
{
	return strlen(p) == 13 && memcmp(p, "010-0", 5) == 0 &&
	       is_digits(p + 5, 3) && p[8] == '-' && is_digits(p + 9, 4);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool email_ok(const char *e)
{
	const char *at = strchr(e, '@');

	if (!*e)
		return true;
	return at && at > e && strchr(at + 1, '@') == NULL &&
	       (strcmp(at + 1, "example.com") == 0 ||
		strcmp(at + 1, "example.net") == 0 ||
		strcmp(at + 1, "example.org") == 0);
}

static bool has_slot_left(const char *s)
{
	return strchr(s, '{') || strchr(s, '}');
}

/* Double spaces, or a space at either end, betray an empty slot. */
static bool bad_spacing(const char *s)
{
	size_t n = strlen(s);

	return strstr(s, "  ") != NULL || (n && (s[0] == ' ' || s[n - 1] == ' '));
}

static mw_demo_complaint *generate(uint64_t seed, int n, const int64_t *now)
{
	mw_demo *d = mw_demo_new(seed);
	mw_demo_complaint *v = calloc((size_t)n, sizeof *v);
	int i;

	assert_non_null(d);
	assert_non_null(v);
	if (now)
		mw_demo_set_now(d, *now);
	for (i = 0; i < n; i++)
		mw_demo_next(d, &v[i]);
	mw_demo_free(d);
	return v;
}

static bool same(const mw_demo_complaint *a, const mw_demo_complaint *b)
{
	return strcmp(a->title, b->title) == 0 && strcmp(a->text, b->text) == 0 &&
	       a->category == b->category && a->urgent == b->urgent &&
	       a->channel == b->channel && a->lat == b->lat && a->lon == b->lon &&
	       strcmp(a->address, b->address) == 0 &&
	       strcmp(a->name, b->name) == 0 && strcmp(a->phone, b->phone) == 0 &&
	       strcmp(a->email, b->email) == 0 &&
	       a->public_map == b->public_map &&
	       a->age_minutes == b->age_minutes && a->stage == b->stage &&
	       strcmp(a->answer, b->answer) == 0 && a->rating == b->rating;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- tests ------------------------------------------------------------- */

static void test_deterministic(void **state)
{
	int64_t sunday = 1741485600; /* 2025-03-09 11:00 KST, a Sunday */
	mw_demo_complaint *a = generate(7, 300, NULL);
	mw_demo_complaint *b = generate(7, 300, NULL);
	mw_demo_complaint *c = generate(8, 300, NULL);
	mw_demo_complaint *e = generate(7, 300, &sunday);
	mw_demo_complaint *f = generate(7, 300, &sunday);
	int i, differ = 0, age_differ = 0;

	(void)state;
	for (i = 0; i < 300; i++) {
		assert_true(same(&a[i], &b[i]));
		assert_true(same(&e[i], &f[i]));
		differ += !same(&a[i], &c[i]);
		age_differ += a[i].age_minutes != e[i].age_minutes;
	}
	assert_true(differ > 290);
	/* "now" changes the receipt times but not the words. */
	assert_true(age_differ > 0);
	assert_string_equal(a[0].text, e[0].text);
	free(a);
	free(b);
	free(c);
	free(e);
	free(f);
}

static void check_batch(uint64_t seed)
{
	mw_demo_complaint *v = generate(seed, BATCH, NULL);
	int cat_count[MW_ARRAY_LEN(categories)] = { 0 };
	int stage_count[MW_DEMO_STAGE__COUNT] = { 0 };
	int chan_count[MW_ARRAY_LEN(channels)] = { 0 };
	const char **texts = calloc(BATCH, sizeof *texts);
	int urgent = 0, urgent_expected = 0, field_expected = 0;
	int emails = 0, dups = 0, i;
	size_t k;

	assert_non_null(texts);
	for (i = 0; i < BATCH; i++) {
		const mw_demo_complaint *c = &v[i];
		int ci = index_of(categories, MW_ARRAY_LEN(categories), c->category);
		int ch = index_of(channels, MW_ARRAY_LEN(channels), c->channel);

		assert_true(ci >= 0);
		assert_true(ch >= 0);
		cat_count[ci]++;
		chan_count[ch]++;
		assert_true(c->stage >= 0 && c->stage < MW_DEMO_STAGE__COUNT);
		stage_count[c->stage]++;
		if (c->urgent) {
			urgent++;
			urgent_expected += index_of(urgent_categories,
						    MW_ARRAY_LEN(urgent_categories),
						    c->category) >= 0;
		}
		if (strcmp(c->channel, "field") == 0)
			field_expected += strcmp(c->category, "illegal_dumping") == 0 ||
					  strcmp(c->category, "illegal_ads") == 0 ||
					  strcmp(c->category, "road_damage") == 0;

		assert_true(c->lat >= MW_DEMO_LAT_MIN && c->lat <= MW_DEMO_LAT_MAX);
		assert_true(c->lon >= MW_DEMO_LON_MIN && c->lon <= MW_DEMO_LON_MAX);

		assert_true(c->title[0] && c->text[0] && c->address[0]);
		assert_true(c->name[0] && c->answer[0]);
		assert_true(utf8_valid(c->title));
		assert_true(utf8_valid(c->text));
		assert_true(utf8_valid(c->address));
		assert_true(utf8_valid(c->name));
		assert_true(utf8_valid(c->email));
		assert_true(utf8_valid(c->answer));
		assert_false(has_slot_left(c->title));
		assert_false(has_slot_left(c->text));
		assert_false(has_slot_left(c->answer));
		assert_false(bad_spacing(c->title));
		assert_false(bad_spacing(c->answer));
		assert_false(bad_spacing(c->address));
		/* The text may lose a space (a citizen's slip) but never
		 * gain one from an empty slot. */
		assert_null(strstr(c->text, "  "));
		assert_true(c->text[0] != ' ' && c->text[strlen(c->text) - 1] != ' ');
		assert_null(strstr(c->title, "요청 요청"));
		assert_null(strstr(c->title, "문의 문의"));
		/* Particles follow the last syllable: 도로과로, 동물복지팀으로. */
		assert_null(strstr(c->answer, "팀로 "));
		assert_null(strstr(c->answer, "과으로 "));
		assert_true(strncmp(c->address, "한빛구 ", strlen("한빛구 ")) == 0);
		assert_true(strstr(c->answer, "안녕하십니까? 한빛구 ") == c->answer);
		assert_true(ends_with(c->answer, "감사합니다."));

		assert_true(phone_ok(c->phone));
		assert_true(email_ok(c->email));
		emails += c->email[0] != '\0';

		assert_true(c->age_minutes >= 0 &&
			    c->age_minutes <= MW_DEMO_MAX_AGE_MINUTES);
		assert_true(c->rating >= 0 && c->rating <= 5);
		if (c->stage == MW_DEMO_REOPENED)
			assert_true(c->rating == 1 || c->rating == 2);
		else if (c->stage != MW_DEMO_ANSWERED && c->stage != MW_DEMO_CLOSED)
			assert_int_equal(c->rating, 0);
		texts[i] = c->text;
	}

	for (k = 0; k < MW_ARRAY_LEN(categories); k++)
		assert_true(cat_count[k] > 0);
	for (k = 0; k < MW_DEMO_STAGE__COUNT; k++)
		assert_true(stage_count[k] > 0);
	/* The side stages should be visible in a demo, not one-offs. */
	for (k = MW_DEMO_WITHDRAWN; k < MW_DEMO_STAGE__COUNT; k++)
		assert_true(stage_count[k] >= BATCH / 200);
	assert_true(stage_count[MW_DEMO_NEEDS_INFO] >= BATCH / 200);

	assert_true(urgent * 100 >= 4 * BATCH && urgent * 100 <= 15 * BATCH);
	assert_true(urgent_expected == urgent);

	/* web 45%, app 30%, field 8%, phone 10%, visit 7%, give or take. */
	assert_true(chan_count[0] * 100 >= 35 * BATCH && chan_count[0] * 100 <= 55 * BATCH);
	assert_true(chan_count[1] * 100 >= 22 * BATCH && chan_count[1] * 100 <= 38 * BATCH);
	assert_true(chan_count[2] * 100 >= 4 * BATCH && chan_count[2] * 100 <= 12 * BATCH);
	assert_true(chan_count[3] * 100 >= 6 * BATCH && chan_count[3] * 100 <= 15 * BATCH);
	assert_true(chan_count[4] * 100 >= 3 * BATCH && chan_count[4] * 100 <= 11 * BATCH);
	assert_true(field_expected * 10 >= chan_count[2] * 7);

	/* About half leave an e-mail address. */
	assert_true(emails * 100 >= 35 * BATCH && emails * 100 <= 65 * BATCH);

	qsort(texts, BATCH, sizeof *texts, cmp_str);
	for (i = 1; i < BATCH; i++)
		dups += strcmp(texts[i - 1], texts[i]) == 0;
	assert_true(dups * 100 < 2 * BATCH);

	free(texts);
	free(v);
}

static void test_batch_shape(void **state)
{
	(void)state;
	check_batch(42);
	check_batch(1);
	check_batch(20250312);
}

/* Receipt times (now - age) should mostly fall on weekdays between 07:00
 * and 23:00 KST, whatever day "now" is. */
static void check_receipts(const int64_t *now)
{
	int64_t t_now = now ? *now : 1741741200; /* the documented default */
	mw_demo_complaint *v = generate(99, BATCH, now);
	int good = 0, recent = 0, i;

	for (i = 0; i < BATCH; i++) {
		int64_t t = t_now - (int64_t)v[i].age_minutes * 60 + 9 * 3600;
		int64_t day = t / 86400;
		int wday = (int)((day + 4) % 7);
		int hour = (int)(t % 86400 / 3600);

		good += wday != 0 && wday != 6 && hour >= 7 && hour < 23;
		recent += v[i].age_minutes < 7 * 24 * 60;
	}
	assert_true(good * 100 >= 70 * BATCH);
	/* Denser recently: a week is 1/13 of the range but holds far more. */
	assert_true(recent * 100 >= 20 * BATCH);
	free(v);
}

static void test_receipt_times(void **state)
{
	int64_t sunday = 1741485600;   /* 2025-03-09 11:00 KST */
	int64_t night = 1736434800;    /* 2025-01-10 00:00 KST, a Friday */

	(void)state;
	check_receipts(NULL);
	check_receipts(&sunday);
	check_receipts(&night);
}

/* Old complaints are mostly settled, fresh ones mostly waiting. */
static void test_stage_follows_age(void **state)
{
	mw_demo_complaint *v = generate(5, BATCH, NULL);
	int old = 0, old_done = 0, fresh = 0, fresh_open = 0, i;

	(void)state;
	for (i = 0; i < BATCH; i++) {
		int s = v[i].stage;

		if (v[i].age_minutes > 30 * 24 * 60) {
			old++;
			old_done += s == MW_DEMO_CLOSED || s == MW_DEMO_ANSWERED;
		} else if (v[i].age_minutes < 24 * 60 && !v[i].urgent) {
			fresh++;
			fresh_open += s == MW_DEMO_RECEIVED || s == MW_DEMO_ASSIGNED ||
				      s == MW_DEMO_IN_PROGRESS;
		}
	}
	assert_true(old > 0 && fresh > 0);
	assert_true(old_done * 100 >= 70 * old);
	assert_true(fresh_open * 100 >= 70 * fresh);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_batch_shape),
		cmocka_unit_test(test_receipt_times),
		cmocka_unit_test(test_stage_follows_age),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

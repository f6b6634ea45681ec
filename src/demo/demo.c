/*
 * demo.c - the engine of the demo complaint generator: a seeded PRNG, the
 * template expander and the metadata rules (channel, place, contact,
 * receipt time, stage, answer, rating). The words live in demo_text.c.
 *
 * Everything here is a pure function of the seed and of "now": the
 * generator reads no clock, does no I/O and keeps its state in mw_demo.
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mw.h"
#include "demo_text.h"

#include "../base/banned.h"

/* 2025-03-12 01:00:00 UTC, a Wednesday, 10:00 KST. */
#define DEMO_DEFAULT_NOW 1741741200LL

#define KST_OFFSET_S (9 * 3600)
#define MIN_PER_DAY (24 * 60)

/* How deep templates may nest (a template names a fact, which names a
 * duration). The tables need two levels; the limit only guards against a
 * slot that would name itself. */
#define EXPAND_DEPTH 4

struct mw_demo {
	uint64_t s[4];          /* xoshiro256** state */
	int64_t now;            /* Unix seconds */
};

/* ---- random numbers ---------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(mw_demo *d)
{
	uint64_t *s = d->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n) without modulo bias (Lemire's multiply-and-reject);
 * n is always small here, but a biased pick would skew the shares the
 * tests check. */
static uint32_t rng_below(mw_demo *d, uint32_t n)
{
	uint64_t m;
	uint32_t low, threshold;

	if (n <= 1)
		return 0;
	m = (uint64_t)(uint32_t)(rng_next(d) >> 32) * n;
	low = (uint32_t)m;
	if (low < n) {
		threshold = (uint32_t)(-n) % n;
		while (low < threshold) {
			m = (uint64_t)(uint32_t)(rng_next(d) >> 32) * n;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

/* Uniform in [0, 1) with 53 random bits. */
static double rng_unit(mw_demo *d)
{
	return (double)(rng_next(d) >> 11) * (1.0 / 9007199254740992.0);
}

static bool rng_pct(mw_demo *d, int percent)
{
	return (int)rng_below(d, 100) < percent;
}

static int rng_range(mw_demo *d, int lo, int hi)
{
	return lo + (int)rng_below(d, (uint32_t)(hi - lo + 1));
}

static const char *pick(mw_demo *d, const demo_strs *list)
{
	if (list->n == 0)
		return "";
	return list->v[rng_below(d, (uint32_t)list->n)];
}

/* Index into a row of non-negative weights. */
static int pick_weighted(mw_demo *d, const int *w, int n)
{
	int total = 0, i, r;

	for (i = 0; i < n; i++)
		total += w[i];
	MW_ASSERT(total > 0);
	r = (int)rng_below(d, (uint32_t)total);
	for (i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

/* ---- bounded UTF-8 writer ---------------------------------------------- */

typedef struct writer {
	char *buf;
	size_t cap;             /* including the NUL */
	size_t len;
} writer;

static void wr_init(writer *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	buf[0] = '\0';
}

/* Appends up to n bytes of s. What does not fit is dropped, and the cut
 * backs off to the start of a UTF-8 sequence so that the buffer never
 * ends in half a syllable. */
static void wr_putn(writer *w, const char *s, size_t n)
{
	size_t room = w->cap - 1 - w->len;

	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void wr_put(writer *w, const char *s)
{
	wr_putn(w, s, strlen(s));
}

static void wr_int(writer *w, int v)
{
	char tmp[16];

	snprintf(tmp, sizeof tmp, "%d", v);
	wr_put(w, tmp);
}

/* ---- Korean particles -------------------------------------------------- */

/* Whether the last character written ends in a consonant (받침), and
 * whether that consonant is ㄹ, which takes 로 rather than 으로. Digits
 * are read the Korean way (일, 이, 삼 ...); Latin letters as their
 * English names, which mostly end in a vowel. */
static void last_batchim(const writer *w, bool *has, bool *is_rieul)
{
	static const signed char digit_batchim[10] = {
		/* 영 일 이 삼 사 오 육 칠 팔 구: 1 = consonant, 2 = ㄹ */
		1, 2, 0, 1, 0, 0, 1, 2, 2, 0,
	};
	size_t i = w->len;
	uint32_t cp;

	*has = false;
	*is_rieul = false;
	if (i == 0)
		return;
	while (i > 0 && ((unsigned char)w->buf[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	i--;
	if (w->len - i == 3) {
		const unsigned char *p = (const unsigned char *)w->buf + i;

		cp = ((uint32_t)(p[0] & 0x0F) << 12) |
		     ((uint32_t)(p[1] & 0x3F) << 6) | (uint32_t)(p[2] & 0x3F);
		if (cp >= 0xAC00 && cp <= 0xD7A3) {
			uint32_t jong = (cp - 0xAC00) % 28;

			*has = jong != 0;
			*is_rieul = jong == 8;
		}
		return;
	}
	if (w->buf[i] >= '0' && w->buf[i] <= '9') {
		int b = digit_batchim[w->buf[i] - '0'];

		*has = b != 0;
		*is_rieul = b == 2;
	}
}

typedef struct particle {
	const char *key;        /* as written in templates */
	const char *after_c;    /* after a consonant */
	const char *after_v;    /* after a vowel (and ㄹ for 으로) */
} particle;

static const particle particles[] = {
	{ "이", "이", "가" },
	{ "을", "을", "를" },
	{ "은", "은", "는" },
	{ "과", "과", "와" },
	{ "으로", "으로", "로" },
};

static void wr_particle(writer *w, const char *key, size_t keylen)
{
	bool has, rieul;
	size_t i;

	last_batchim(w, &has, &rieul);
	for (i = 0; i < MW_ARRAY_LEN(particles); i++) {
		const particle *p = &particles[i];

		if (strlen(p->key) != keylen || memcmp(p->key, key, keylen) != 0)
			continue;
		if (strcmp(p->key, "으로") == 0)
			wr_put(w, has && !rieul ? p->after_c : p->after_v);
		else
			wr_put(w, has ? p->after_c : p->after_v);
		return;
	}
	MW_ASSERT(!"unknown particle in a template");
}

/* ---- one complaint's slot values --------------------------------------- */

typedef struct ctx {
	mw_demo *d;
	const demo_category *cat;
	const demo_scene *scene;
	const demo_hood *hood;
	bool urgent;
	int gil;                /* the 길 number of the address */
	int fact_a, fact_b;     /* two different facts of the scene */
	const char *duration;   /* fixed, so that two mentions agree */
	int duration_uses;      /* the second mention says 여전히 */
	const char *time;
	const char *tail;       /* {z}: the tail of a staff note */
	char spot[128];
	char place[256];
	char request[256];
	char extra[256];
} ctx;

static void expand(ctx *c, writer *w, const char *tmpl, int depth);

static void slot(ctx *c, writer *w, char key, int depth)
{
	switch (key) {
	case 'p': wr_put(w, c->place); break;
	case 's': wr_put(w, c->hood->stem); wr_put(w, "로"); break;
	case 'g': wr_put(w, c->hood->stem); wr_put(w, "동"); break;
	case 'k': wr_put(w, c->hood->stem); break;
	case 'l': wr_put(w, c->spot); break;
	case 'u': wr_int(w, c->gil); break;
	case 't': wr_put(w, c->time); break;
	case 'd':
		wr_put(w, c->duration_uses++ ? "여전히" : c->duration);
		break;
	case 'n': wr_int(w, rng_range(c->d, 2, 9)); break;
	case 'N': wr_int(w, rng_range(c->d, 10, 60)); break;
	case 'a': expand(c, w, c->scene->issue, depth + 1); break;
	case 'f': expand(c, w, c->scene->fact[c->fact_a], depth + 1); break;
	case 'F': expand(c, w, c->scene->fact[c->fact_b], depth + 1); break;
	case 'm': expand(c, w, c->scene->memo, depth + 1); break;
	case 'w': wr_put(w, c->scene->want); break;
	case 'r': wr_put(w, c->request); break;
	case 'x': wr_put(w, c->extra); break;
	case 'D': wr_put(w, c->cat->dept); break;
	case 'z': wr_put(w, c->tail); break;
	default:
		/* The tables are ours; an unknown slot is a typo in them. */
		MW_ASSERT(!"unknown template slot");
	}
}

/* Copies tmpl into w, replacing "{k}" and "{k|particle}" slots. */
static void expand(ctx *c, writer *w, const char *tmpl, int depth)
{
	const char *p = tmpl;

	MW_ASSERT(depth < EXPAND_DEPTH);
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close, *bar;

		if (!open) {
			wr_put(w, p);
			return;
		}
		wr_putn(w, p, (size_t)(open - p));
		close = strchr(open, '}');
		MW_ASSERT(close && close > open + 1);
		slot(c, w, open[1], depth);
		bar = memchr(open, '|', (size_t)(close - open));
		if (bar)
			wr_particle(w, bar + 1, (size_t)(close - bar - 1));
		p = close + 1;
	}
}

static void expand_into(ctx *c, char *buf, size_t cap, const char *tmpl)
{
	writer w;

	wr_init(&w, buf, cap);
	expand(c, &w, tmpl, 0);
}

/* ---- choices ----------------------------------------------------------- */

static const demo_category *pick_category(mw_demo *d)
{
	int w[32];
	size_t i;

	MW_ASSERT(demo_n_categories <= MW_ARRAY_LEN(w));
	for (i = 0; i < demo_n_categories; i++)
		w[i] = demo_categories[i].weight;
	return &demo_categories[pick_weighted(d, w, (int)demo_n_categories)];
}

static int pick_channel(mw_demo *d, const demo_category *cat, bool urgent)
{
	/* Nobody walks into the office to report a sinkhole: urgent reports
	 * come by phone or app, now. */
	static const int urgent_w[DEMO_NCHAN] = { 30, 40, 5, 25, 0 };
	int ch = pick_weighted(d, urgent ? urgent_w : cat->chan, DEMO_NCHAN);

	/* Field staff only report what they can see in the street. */
	if (ch == DEMO_FIELD && !cat->located)
		ch = DEMO_PHONE;
	return ch;
}

/* A place phrase in one of the ways people name a place: road and 길 with
 * a landmark, neighbourhood and landmark, road and landmark, or the
 * landmark alone. A landmark that carries the local name ("솔내역 앞")
 * stands alone, since "솔내로 솔내역 앞" says the name twice; field staff
 * always note the road and 길. */
static void build_place(ctx *c, int channel)
{
	static const int form_w[] = { 40, 25, 20, 15 };
	static const char *const forms[] = {
		"{s} {u}길 {l}", "{g} {l}", "{s} {l}", "{l}",
	};
	const demo_strs *spots = &c->cat->spots;
	const char *spot, *form;

	if (!c->cat->located) {
		/* Office categories have no spot; {p} still reads as a place. */
		snprintf(c->spot, sizeof c->spot, "%s동", c->hood->stem);
		snprintf(c->place, sizeof c->place, "%s동", c->hood->stem);
		return;
	}
	spot = rng_pct(c->d, 60) ? pick(c->d, spots) : pick(c->d, &demo_generic_spots);
	expand_into(c, c->spot, sizeof c->spot, spot);
	if (channel == DEMO_FIELD)
		form = forms[0];
	else if (strstr(spot, "{k}"))
		form = forms[3];
	else
		form = forms[pick_weighted(c->d, form_w, (int)MW_ARRAY_LEN(form_w))];
	expand_into(c, c->place, sizeof c->place, form);
}

/* The request sentence: an adjective before a noun ending or an adverb
 * before a verb ending, never crossed. */
static void build_request(ctx *c)
{
	writer w;

	wr_init(&w, c->request, sizeof c->request);
	if (c->urgent) {
		wr_put(&w, pick(c->d, &demo_urgent_requests));
		return;
	}
	if (rng_pct(c->d, 50)) {
		wr_put(&w, pick(c->d, &demo_req_noun_pre));
		wr_put(&w, c->scene->want);
		wr_put(&w, pick(c->d, &demo_req_noun_end));
	} else {
		wr_put(&w, pick(c->d, &demo_req_verb_pre));
		wr_put(&w, c->scene->want);
		wr_put(&w, pick(c->d, &demo_req_verb_end));
	}
}

static void build_extra(ctx *c)
{
	const char *x = "";

	if (rng_pct(c->d, 45))
		x = rng_pct(c->d, 70) ? pick(c->d, &c->cat->extras)
				      : pick(c->d, &demo_generic_extras);
	expand_into(c, c->extra, sizeof c->extra, x);
}

/* ---- citizen slips ----------------------------------------------------- */

static void replace_at(char *buf, size_t cap, size_t pos, size_t oldlen,
		       const char *rep)
{
	size_t len = strlen(buf), replen = strlen(rep);

	if (len - oldlen + replen >= cap)
		return;
	memmove(buf + pos + replen, buf + pos + oldlen, len - pos - oldlen + 1);
	memcpy(buf + pos, rep, replen);
}

/* Real submissions are typed on phones: now and then a well-known
 * misspelling, or a space that got lost between two words. Staff notes
 * and answers are left clean. */
static void add_slips(mw_demo *d, char *text, size_t cap)
{
	if (rng_pct(d, 15)) {
		size_t start = rng_below(d, (uint32_t)demo_n_typos), i;

		for (i = 0; i < demo_n_typos; i++) {
			const demo_typo *t = &demo_typos[(start + i) % demo_n_typos];
			char *hit = strstr(text, t->from);

			if (hit) {
				replace_at(text, cap, (size_t)(hit - text),
					   strlen(t->from), t->to);
				break;
			}
		}
	}
	if (rng_pct(d, 18)) {
		int drops = rng_range(d, 1, 2), k;

		for (k = 0; k < drops; k++) {
			size_t spaces = 0, i, target;
			char *s;

			for (s = text; *s; s++)
				spaces += *s == ' ';
			if (spaces == 0)
				break;
			target = rng_below(d, (uint32_t)spaces);
			for (i = 0, s = text; *s; s++) {
				if (*s != ' ')
					continue;
				if (i++ == target) {
					memmove(s, s + 1, strlen(s + 1) + 1);
					break;
				}
			}
		}
	}
}

/* ---- text, title, answer ----------------------------------------------- */

static const demo_strs *body_list(const ctx *c, int channel)
{
	const demo_category *cat = c->cat;

	switch (channel) {
	case DEMO_PHONE:
		if (c->urgent)
			return &demo_phone_urgent;
		return cat->located ? &demo_phone_bodies : &demo_phone_placeless;
	case DEMO_VISIT:
		return cat->located ? &demo_visit_bodies : &demo_visit_placeless;
	case DEMO_FIELD:
		return &demo_field_bodies;
	default:
		if (c->urgent)
			return cat->located ? &demo_urgent_bodies
					    : &demo_placeless_urgent_bodies;
		return &cat->bodies;
	}
}

static void build_text(ctx *c, int channel, mw_demo_complaint *out)
{
	const char *body = pick(c->d, body_list(c, channel));
	bool citizen = channel == DEMO_WEB || channel == DEMO_APP;
	writer w;

	wr_init(&w, out->text, sizeof out->text);
	if (citizen && !c->urgent) {
		const char *greet = pick(c->d, &demo_greetings);

		/* "솔내동 주민입니다." twice in a row reads like a bug. */
		if (strstr(greet, "주민") && strstr(body, "주민"))
			greet = "";
		expand(c, &w, greet, 0);
	}
	expand(c, &w, body, 0);
	if (citizen && !c->urgent) {
		const char *sign = pick(c->d, &demo_signoffs);

		/* No "감사합니다" after "...해 주시면 감사하겠습니다", no "잘
		 * 부탁드립니다" after "보수 부탁드립니다". */
		if (!(strstr(sign, "감사") && strstr(out->text, "감사")) &&
		    !(strstr(sign, "부탁") && strstr(out->text, "부탁")))
			wr_put(&w, sign);
	}
	if (citizen)
		add_slips(c->d, out->text, sizeof out->text);
}

static void build_title(ctx *c, mw_demo_complaint *out)
{
	writer w;

	wr_init(&w, out->title, sizeof out->title);
	if (!c->cat->located) {
		if (c->urgent)
			wr_put(&w, "[긴급] ");
		expand(c, &w, pick(c->d, &demo_titles_placeless), 0);
		return;
	}
	expand(c, &w, pick(c->d, c->urgent ? &demo_titles_urgent : &demo_titles), 0);
}

/* The official letter: greeting, intro, what was done about this very
 * scene, often a follow-up sentence, closing. */
static void build_answer(ctx *c, mw_demo_complaint *out)
{
	writer w;

	wr_init(&w, out->answer, sizeof out->answer);
	expand(c, &w, "안녕하십니까? 한빛구 {D}입니다. ", 0);
	expand(c, &w, pick(c->d, &demo_answer_intros), 0);
	wr_put(&w, " ");
	expand(c, &w, c->scene->reply, 0);
	wr_put(&w, " ");
	if (rng_pct(c->d, c->urgent ? 70 : 50)) {
		expand(c, &w, pick(c->d, c->urgent ? &demo_urgent_answers
						   : &c->cat->answers), 0);
		wr_put(&w, " ");
	}
	expand(c, &w, pick(c->d, &demo_answer_closings), 0);
}

/* ---- place and person -------------------------------------------------- */

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Roughly normal offsets (a sum of three uniforms) keep complaints
 * clustered around the neighbourhood centre with a soft edge. */
static void build_location(ctx *c, mw_demo_complaint *out)
{
	mw_demo *d = c->d;
	double u = rng_unit(d) + rng_unit(d) + rng_unit(d) - 1.5;
	double v = rng_unit(d) + rng_unit(d) + rng_unit(d) - 1.5;
	const double margin = 0.0002;

	out->lat = clampd(c->hood->lat + u * c->hood->spread,
			  MW_DEMO_LAT_MIN + margin, MW_DEMO_LAT_MAX - margin);
	/* A degree of longitude is shorter than one of latitude here (cos
	 * 37.5° ≈ 0.79), so the cluster is stretched to look round. */
	out->lon = clampd(c->hood->lon + v * c->hood->spread * 1.26,
			  MW_DEMO_LON_MIN + margin, MW_DEMO_LON_MAX - margin);
	snprintf(out->address, sizeof out->address, "한빛구 %s로 %d길 %d",
		 c->hood->stem, c->gil, rng_range(d, 1, 120));
}

static void build_person(mw_demo *d, mw_demo_complaint *out)
{
	size_t si = rng_below(d, (uint32_t)demo_surnames.n);
	const char *word = pick(d, &demo_email_words);
	const char *domain = pick(d, &demo_email_domains);
	const char *roman = demo_surnames_roman.v[si];

	MW_ASSERT(demo_surnames.n == demo_surnames_roman.n);
	snprintf(out->name, sizeof out->name, "%s%s", demo_surnames.v[si],
		 pick(d, &demo_given_names));
	/* 010-0xxx is not assigned to any subscriber. */
	snprintf(out->phone, sizeof out->phone, "010-0%03d-%04d",
		 rng_range(d, 0, 999), rng_range(d, 0, 9999));
	if (rng_pct(d, 50)) {
		out->email[0] = '\0';
		return;
	}
	switch (rng_below(d, 4)) {
	case 0:
		snprintf(out->email, sizeof out->email, "%s.%s%02d@%s",
			 roman, word, rng_range(d, 0, 99), domain);
		break;
	case 1:
		snprintf(out->email, sizeof out->email, "%s%s%d@%s",
			 word, roman, rng_range(d, 1950, 2006), domain);
		break;
	case 2:
		snprintf(out->email, sizeof out->email, "%s_%s@%s",
			 word, roman, domain);
		break;
	default:
		snprintf(out->email, sizeof out->email, "%s%s%03d@%s",
			 roman, word, rng_range(d, 0, 999), domain);
		break;
	}
}

/* ---- time, stage, rating ----------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Minute of the day (KST) at which a complaint of this channel arrives:
 * calls and visits in office hours, field notes in the working day,
 * online submissions mostly in office hours and evenings. */
static int pick_minute_of_day(mw_demo *d, int channel, bool urgent)
{
	static const int web_w[] = { 60, 25, 8, 7 };

	if (urgent && rng_pct(d, 30))
		return rng_range(d, 0, MIN_PER_DAY - 1);
	switch (channel) {
	case DEMO_PHONE:
	case DEMO_VISIT:
		return rng_range(d, 9 * 60, 18 * 60 - 1);
	case DEMO_FIELD:
		return rng_range(d, 8 * 60, 17 * 60 - 1);
	default:
		switch (pick_weighted(d, web_w, (int)MW_ARRAY_LEN(web_w))) {
		case 0: return rng_range(d, 9 * 60, 18 * 60 - 1);
		case 1: return rng_range(d, 18 * 60, 23 * 60 - 1);
		case 2: return rng_range(d, 6 * 60, 9 * 60 - 1);
		default: return (rng_range(d, 23 * 60, 30 * 60 - 1)) % MIN_PER_DAY;
		}
	}
}

/* Days ago follow 90 * u^2 or 90 * u^3 (half each, which needs no libm):
 * about 16% arrived today, a third within a week, three fifths within a
 * month. Most weekend days are moved to the nearest weekday, when the
 * office and most citizens are busier. */
static int build_age(mw_demo *d, int64_t now, int channel, bool urgent)
{
	const int max_days = MW_DEMO_MAX_AGE_MINUTES / MIN_PER_DAY;
	int64_t local_min = floor_div(now + KST_OFFSET_S, 60);
	int64_t today = floor_div(local_min, MIN_PER_DAY);
	double u = rng_unit(d);
	double shape = rng_pct(d, 50) ? u * u : u * u * u;
	int days = (int)(shape * max_days);
	int wday, minute;
	int64_t age;

	if (days >= max_days)
		days = max_days - 1;
	/* 1970-01-01 was a Thursday; 0 = Sunday. */
	wday = (int)(((today - days) % 7 + 7 + 4) % 7);
	if ((wday == 0 || wday == 6) && rng_pct(d, 70)) {
		int to_friday = wday == 6 ? 1 : 2;
		int to_monday = wday == 6 ? 2 : 1;

		if (days + to_friday < max_days)
			days += to_friday;
		else if (days - to_monday >= 0)
			days -= to_monday;
	}
	minute = pick_minute_of_day(d, channel, urgent);
	age = local_min - ((today - days) * MIN_PER_DAY + minute);
	/* Later today than now: it came in yesterday at that time. */
	if (age < 0)
		age += MIN_PER_DAY;
	if (age > MW_DEMO_MAX_AGE_MINUTES)
		age = MW_DEMO_MAX_AGE_MINUTES;
	return (int)age;
}

/* Stage weights by age, in mw_demo_stage order: RECEIVED ASSIGNED
 * IN_PROGRESS NEEDS_INFO ANSWERED CLOSED WITHDRAWN MERGED REOPENED
 * TRANSFERRED EXTENDED. New complaints wait in the queue, old ones are
 * answered and closed; the side stages keep a small share everywhere so
 * that a demo database shows each of them. */
static const int stage_w[4][MW_DEMO_STAGE__COUNT] = {
	/* under a day */
	{ 45, 28, 10, 3, 2, 0, 3, 3, 0, 6, 0 },
	/* under a week */
	{ 6, 14, 28, 6, 18, 8, 3, 4, 2, 5, 6 },
	/* under a month */
	{ 1, 2, 10, 3, 22, 42, 3, 4, 4, 2, 7 },
	/* older */
	{ 0, 0, 2, 1, 12, 72, 4, 4, 3, 1, 1 },
};

static int build_stage(mw_demo *d, int age_minutes, bool urgent)
{
	int bucket = age_minutes < MIN_PER_DAY ? 0
		   : age_minutes < 7 * MIN_PER_DAY ? 1
		   : age_minutes < 30 * MIN_PER_DAY ? 2 : 3;

	/* Urgent complaints are dealt with faster: they look one age
	 * bucket older than they are. */
	if (urgent && bucket < 3)
		bucket++;
	return pick_weighted(d, stage_w[bucket], MW_DEMO_STAGE__COUNT);
}

/* Ratings exist only once there is an answer. Most citizens are content;
 * a reopened complaint means the answer did not satisfy, so 1 or 2. */
static int build_rating(mw_demo *d, int stage)
{
	static const int star_w[5] = { 5, 8, 12, 30, 45 }; /* 1..5 stars */

	switch (stage) {
	case MW_DEMO_REOPENED:
		return rng_pct(d, 55) ? 1 : 2;
	case MW_DEMO_ANSWERED:
		if (rng_pct(d, 25))
			return 0;
		return 1 + pick_weighted(d, star_w, 5);
	case MW_DEMO_CLOSED:
		if (rng_pct(d, 10))
			return 0;
		return 1 + pick_weighted(d, star_w, 5);
	default:
		return 0;
	}
}

/* ---- public API -------------------------------------------------------- */

mw_demo *mw_demo_new(uint64_t seed)
{
	mw_demo *d = calloc(1, sizeof *d);
	uint64_t x = seed;
	int i;

	if (!d)
		return NULL;
	for (i = 0; i < 4; i++)
		d->s[i] = splitmix64(&x);
	d->now = DEMO_DEFAULT_NOW;
	return d;
}

void mw_demo_free(mw_demo *d)
{
	free(d);
}

void mw_demo_set_now(mw_demo *d, int64_t unix_seconds)
{
	d->now = unix_seconds;
}

void mw_demo_next(mw_demo *d, mw_demo_complaint *out)
{
	ctx c;
	int channel;

	memset(out, 0, sizeof *out);
	memset(&c, 0, sizeof c);
	c.d = d;
	c.cat = pick_category(d);
	c.urgent = c.cat->n_urgent > 0 && rng_pct(d, c.cat->urgent_pct);
	if (c.urgent)
		c.scene = &c.cat->urgent[rng_below(d, (uint32_t)c.cat->n_urgent)];
	else
		c.scene = &c.cat->scenes[rng_below(d, (uint32_t)c.cat->n_scenes)];
	c.fact_a = (int)rng_below(d, 3);
	c.fact_b = (c.fact_a + 1 + (int)rng_below(d, 2)) % 3;
	c.hood = &demo_hoods[rng_below(d, (uint32_t)demo_n_hoods)];
	c.gil = rng_range(d, 1, 48);
	c.duration = pick(d, &demo_durations);
	c.time = pick(d, &demo_times);
	c.tail = pick(d, &demo_staff_tails);
	channel = pick_channel(d, c.cat, c.urgent);

	build_place(&c, channel);
	build_request(&c);
	build_extra(&c);
	build_text(&c, channel, out);
	build_title(&c, out);
	build_answer(&c, out);
	build_location(&c, out);
	build_person(d, out);

	out->category = c.cat->code;
	out->urgent = c.urgent;
	out->channel = demo_channel_names[channel];
	/* Private matters never go on the public map; of the rest, most
	 * citizens agree to it. */
	out->public_map = c.cat->located && rng_pct(d, 85);
	out->age_minutes = build_age(d, d->now, channel, c.urgent);
	out->stage = build_stage(d, out->age_minutes, c.urgent);
	out->rating = build_rating(d, out->stage);
}

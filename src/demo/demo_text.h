/*
 * demo_text.h - the Korean word tables behind the demo generator
 * (internal to src/demo; only demo.c and demo_text.c include it).
 *
 * The tables are templates with slots that demo.c fills in. A slot is a
 * letter in braces, optionally followed by a particle after a bar, e.g.
 * "{a|이}" writes the issue and then 이 or 가, whichever fits the last
 * syllable written. Slots:
 *
 *   {p} place phrase ("솔내로 12길 편의점 앞")   {s} road ("솔내로")
 *   {g} neighbourhood ("솔내동")                 {k} its stem ("솔내")
 *   {l} a spot on its own ("편의점 앞")          {u} 길 number ("12")
 *   {t} time of day, adverbial ("어제 저녁에")   {d} duration ("사흘째")
 *   {n} a small number (2..9)                   {N} a larger one (10..60)
 *   {a} the scene's issue (a noun phrase, also the title's core)
 *   {f} one fact of the scene, {F} a different one (full sentences)
 *   {m} the scene as a plain clause for staff notes ("..한다")
 *   {w} the action asked for (a 하다-noun: "보수", "단속")
 *   {r} a request sentence built around {w}
 *   {x} an optional extra sentence with a trailing space, or nothing
 *   {D} the answering department ("도로과")
 *   {z} the tail of a staff note (" 처리 결과 문자 회신 원함."), or nothing
 *
 * A second {d} in the same text reads "여전히", so that a template and a
 * fact that both mention the duration do not say "사흘째" twice.
 *
 * Particles after the bar: 이 (이/가), 을 (을/를), 은 (은/는), 과 (과/와)
 * and 으로 (으로/로).
 */
#ifndef MW_DEMO_TEXT_H
#define MW_DEMO_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* A counted list of strings, so that the tables can be sized by the
 * compiler and never by hand. */
typedef struct demo_strs {
	const char *const *v;
	size_t n;
} demo_strs;

#define DEMO_STRS(a) { (a), sizeof(a) / sizeof((a)[0]) }

/* One concrete situation of a category. Keeping the title, the staff
 * memo, the facts and the wanted action together is what keeps a
 * generated complaint coherent: the facts never contradict the title. */
typedef struct demo_scene {
	const char *issue;   /* noun phrase: "보도블록 파손"; never ending in
	                      * 요청 or 문의, which templates append */
	const char *memo;    /* plain clause for transcriptions, ends in 다 */
	const char *fact[3]; /* citizen sentences, each complete */
	const char *want;    /* 하다-noun of the action asked for */
	const char *reply;   /* what the office did: the core of the answer */
} demo_scene;

/* Channel weight columns, in the order of demo_channel_names. */
enum { DEMO_WEB, DEMO_APP, DEMO_FIELD, DEMO_PHONE, DEMO_VISIT, DEMO_NCHAN };

typedef struct demo_category {
	const char *code;       /* taxonomy code */
	const char *dept;       /* answering department */
	int weight;             /* relative frequency, the weights sum to 100 */
	int urgent_pct;         /* share of urgent complaints, percent */
	int chan[DEMO_NCHAN];   /* relative channel weights */
	bool located;           /* about a place (not welfare, tax, papers) */
	const demo_scene *scenes;
	size_t n_scenes;
	const demo_scene *urgent; /* may be empty when urgent_pct is 0 */
	size_t n_urgent;
	demo_strs spots;        /* where in the street it happens */
	demo_strs bodies;       /* citizen templates */
	demo_strs extras;       /* optional sentences for {x} */
	demo_strs answers;      /* follow-up sentences after the reply */
} demo_category;

/* A neighbourhood of 한빛구: its stem ("솔내" gives 솔내동 and 솔내로)
 * and the centre its complaints cluster around. */
typedef struct demo_hood {
	const char *stem;
	double lat, lon;
	double spread;          /* degrees, about the radius of the cluster */
} demo_hood;

/* A small realistic slip of a citizen typing on a phone. */
typedef struct demo_typo {
	const char *from, *to;
} demo_typo;

extern const demo_category demo_categories[];
extern const size_t demo_n_categories;

extern const demo_hood demo_hoods[];
extern const size_t demo_n_hoods;

extern const char *const demo_channel_names[DEMO_NCHAN];

extern const demo_strs demo_generic_spots;
extern const demo_strs demo_generic_extras;
extern const demo_strs demo_times;
extern const demo_strs demo_durations;
extern const demo_strs demo_greetings;
extern const demo_strs demo_signoffs;
extern const demo_strs demo_req_noun_pre;    /* "빠른 " before {w} + noun ending */
extern const demo_strs demo_req_noun_end;    /* " 부탁드립니다." */
extern const demo_strs demo_req_verb_pre;    /* "빨리 " before {w} + verb ending */
extern const demo_strs demo_req_verb_end;    /* "해 주세요." */
extern const demo_strs demo_urgent_requests;
extern const demo_strs demo_urgent_bodies;
extern const demo_strs demo_placeless_urgent_bodies;
extern const demo_strs demo_phone_bodies;    /* located, transcribed calls */
extern const demo_strs demo_visit_bodies;    /* located, transcribed visits */
extern const demo_strs demo_phone_placeless;
extern const demo_strs demo_visit_placeless;
extern const demo_strs demo_phone_urgent;
extern const demo_strs demo_staff_tails;     /* {z} */
extern const demo_strs demo_field_bodies;    /* terse notes of field staff */
extern const demo_strs demo_titles;          /* located */
extern const demo_strs demo_titles_placeless;
extern const demo_strs demo_titles_urgent;
extern const demo_strs demo_answer_intros;
extern const demo_strs demo_answer_closings;
extern const demo_strs demo_urgent_answers;  /* urgent follow-ups */
extern const demo_strs demo_surnames;
extern const demo_strs demo_surnames_roman; /* parallel to demo_surnames */
extern const demo_strs demo_given_names;
extern const demo_strs demo_email_words;
extern const demo_strs demo_email_domains;

extern const demo_typo demo_typos[];
extern const size_t demo_n_typos;

#endif

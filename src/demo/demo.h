/*
 * demo.h - a deterministic generator of realistic demo complaints (민원)
 * for the fictional district 한빛구.
 *
 * Every call to mw_demo_next() yields one complaint as a citizen would
 * write it (or as a staff member would transcribe a call or a visit),
 * together with the metadata a demo database needs: category, channel,
 * location, contact data, how long ago it arrived, the lifecycle stage it
 * should be driven to, an official answer and a satisfaction rating.
 *
 * The same seed always gives the same sequence; nothing is read from the
 * clock or the environment. The generator does no I/O and keeps its state
 * in the opaque mw_demo object, so several generators may run side by
 * side.
 *
 * Contact data is fictional and chosen so that it cannot reach anybody:
 * mobile numbers use the unassigned 010-0xxx block and e-mail addresses
 * live under the reserved example.com/.net/.org domains.
 */
#ifndef MW_DEMO_H
#define MW_DEMO_H

#include <stdbool.h>
#include <stdint.h>

typedef struct mw_demo mw_demo;

/* The lifecycle stage a demo complaint should be driven to. The first ten
 * follow the complaint states; EXTENDED is "in progress, with the
 * processing period extended". */
typedef enum mw_demo_stage {
	MW_DEMO_RECEIVED,
	MW_DEMO_ASSIGNED,
	MW_DEMO_IN_PROGRESS,
	MW_DEMO_NEEDS_INFO,
	MW_DEMO_ANSWERED,
	MW_DEMO_CLOSED,
	MW_DEMO_WITHDRAWN,
	MW_DEMO_MERGED,
	MW_DEMO_REOPENED,
	MW_DEMO_TRANSFERRED,
	MW_DEMO_EXTENDED,
	MW_DEMO_STAGE__COUNT
} mw_demo_stage;

typedef struct mw_demo_complaint {
	char title[160];      /* short Korean title */
	char text[2048];      /* 1-5 sentences, UTF-8, NFC */
	const char *category; /* one of the 17 taxonomy codes (static) */
	bool urgent;          /* the text describes an immediate danger */
	const char *channel;  /* web, app, field, phone or visit (static) */
	double lat, lon;      /* inside the district's bounding box */
	char address[160];    /* "한빛구 <동>로 <n>길 <n>" */
	char name[32];        /* Korean name of the complainant */
	char phone[20];       /* 010-0XXX-XXXX */
	char email[64];       /* empty for about half of the complainants */
	bool public_map;      /* may be shown on the public map */
	int age_minutes;      /* received this long ago, 0 .. 90 days */
	int stage;            /* an mw_demo_stage */
	char answer[1024];    /* official answer; always filled, meant for
	                       * ANSWERED, CLOSED and REOPENED */
	int rating;           /* 0 = none, else 1..5 */
} mw_demo_complaint;

/* Latitude and longitude bounds of the fictional district. */
#define MW_DEMO_LAT_MIN 37.490
#define MW_DEMO_LAT_MAX 37.540
#define MW_DEMO_LON_MIN 127.020
#define MW_DEMO_LON_MAX 127.090

/* The oldest complaint is this many minutes old (90 days). */
#define MW_DEMO_MAX_AGE_MINUTES (90 * 24 * 60)

/* Returns NULL when out of memory. */
mw_demo *mw_demo_new(uint64_t seed);
void mw_demo_free(mw_demo *d);

/* Tells the generator when "now" is (Unix seconds), so that receipt times
 * (now - age_minutes) fall mostly in office hours and on weekdays in
 * Korean time. Without it the generator assumes a Wednesday, 10:00 KST.
 * The output stays a pure function of the seed and this value. */
void mw_demo_set_now(mw_demo *d, int64_t unix_seconds);

/* Fills *out with the next complaint of the sequence. */
void mw_demo_next(mw_demo *d, mw_demo_complaint *out);

#endif

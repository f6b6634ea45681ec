/*
 * refdata.h - the reference data most work needs at hand: the holiday
 * calendar, the categories (department, period) and the departments, read
 * from the store in one go. The HTTP API pins one per request (api/app.h
 * swaps them on reload); the notification module keeps its own.
 */
#ifndef MW_REFDATA_H
#define MW_REFDATA_H

#include <stdatomic.h>

#include "store.h"

typedef struct mw_refdata {
	mw_arena arena;
	mw_calendar *cal;
	mw_category *categories;
	size_t ncategories;
	mw_department *departments;
	size_t ndepartments;
	_Atomic int refs;           /* for whoever shares it; 1 after load */
} mw_refdata;

/* Loads holidays (as a calendar), categories and departments from the
 * store into a new mw_refdata (refs = 1); free with mw_refdata_free(). */
int mw_refdata_load(mw_store *store, mw_refdata **out);
void mw_refdata_free(mw_refdata *ref);

/* Looks up a category or department in ref; NULL when unknown. Retired
 * ones are found too: their names still serve the complaints filed
 * under them. */
const mw_category *mw_ref_category(const mw_refdata *ref, const char *code);
const mw_department *mw_ref_department(const mw_refdata *ref, const char *code);
/* The same for new work (filing, routing, moving a complaint, a user's or
 * category's department, templates, the FAQ): NULL for a retired one. */
const mw_category *mw_ref_category_active(const mw_refdata *ref, const char *code);
const mw_department *mw_ref_department_active(const mw_refdata *ref, const char *code);

#endif

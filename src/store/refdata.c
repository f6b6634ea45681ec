/*
 * refdata.c - loading the reference data of refdata.h.
 */
#include "refdata.h"
#include "../base/mw.h"

#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

void mw_refdata_free(mw_refdata *ref)
{
	if (!ref)
		return;
	mw_calendar_free(ref->cal);
	mw_arena_release(&ref->arena);
	free(ref);
}

int mw_refdata_load(mw_store *store, mw_refdata **out)
{
	mw_refdata *ref = calloc(1, sizeof(*ref));
	mw_holiday *hol;
	size_t nhol;
	int rc;

	if (!ref)
		return MW_ERR_NOMEM;
	ref->refs = 1;
	ref->cal = mw_calendar_new();
	if (!ref->cal) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	if ((rc = mw_store_holidays(store, &ref->arena, &hol, &nhol)))
		goto out;
	for (size_t i = 0; i < nhol; i++)
		mw_calendar_add_holiday(ref->cal, hol[i].y, hol[i].m, hol[i].d);
	if ((rc = mw_store_categories(store, &ref->arena, &ref->categories, &ref->ncategories)))
		goto out;
	rc = mw_store_departments(store, &ref->arena, &ref->departments, &ref->ndepartments);
out:
	if (rc) {
		mw_refdata_free(ref);
		return rc;
	}
	*out = ref;
	return MW_OK;
}

const mw_category *mw_ref_category(const mw_refdata *ref, const char *code)
{
	for (size_t i = 0; i < ref->ncategories; i++)
		if (!strcmp(ref->categories[i].code, code))
			return &ref->categories[i];
	return NULL;
}

const mw_department *mw_ref_department(const mw_refdata *ref, const char *code)
{
	for (size_t i = 0; i < ref->ndepartments; i++)
		if (!strcmp(ref->departments[i].code, code))
			return &ref->departments[i];
	return NULL;
}

const mw_category *mw_ref_category_active(const mw_refdata *ref, const char *code)
{
	const mw_category *c = mw_ref_category(ref, code);

	return c && !c->retired ? c : NULL;
}

const mw_department *mw_ref_department_active(const mw_refdata *ref, const char *code)
{
	const mw_department *d = mw_ref_department(ref, code);

	return d && !d->retired ? d : NULL;
}

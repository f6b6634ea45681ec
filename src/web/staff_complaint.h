/*
 * staff_complaint.h - the complaint page of the staff console and the
 * posts that come back to it (staff_complaint.c, staff_actions.c).
 *
 * Every post from the page (an action, "reveal", loading a template)
 * ends either in a redirect to the page (PRG) or, when something must be
 * said or kept, in the page rendered again from fresh reads with the
 * state below: a message, the form that was sent open with what was
 * typed in it, the reason for revealing the contact data.
 */
#ifndef MW_STAFF_COMPLAINT_H
#define MW_STAFF_COMPLAINT_H

#include "staff_int.h"

struct case_state {
	int status;                   /* HTTP status of the page; 0 = 200 */
	const char *error_key;        /* catalogue key of an alert */
	const char *note_key;         /* catalogue key of a note */
	const char *reveal_reason;    /* unmask the contact data for this */
	const char *reveal_error_key; /* why it was not unmasked */
	const char *form_type;        /* the action form to show open */
	int64_t template_id;          /* put this template into the answer */
	const char *template_body;    /* ... whose text this is, once read */
};

/* The staff actions of the lifecycle the page offers (staff_actions.c):
 * the i-th one's name (NULL past the last), and whether type is one. */
const char *staff_action_name(size_t i);
bool staff_is_action(const char *type);
/* What the person may do with complaint c (view: act.*, any_action,
 * own_department), and then the forms of those actions (forms,
 * answer_form), the one that failed open with what was sent. The forms
 * read view.departments and view.assignees. */
void staff_action_offers(mw_page *pg, json_t *c);
void staff_action_forms(mw_page *pg, json_t *c);

/* A fresh state in pg->data (arena); NULL on OOM. */
struct case_state *staff_case_state(mw_page *pg);
/* Reads everything the page shows and renders it (the complaint is the
 * route's first path parameter). */
void staff_show_complaint(mw_page *pg);

#endif

/*
 * staff_int.h - what the staff console's pages share (src/web/staff_*.c):
 * the queue (/staff), a complaint (/staff/c/{receipt}) and its actions,
 * the manager view (/staff/dashboard), answer templates
 * (/staff/templates), the counsellor queue (/staff/counsel) and the
 * staff member's notices (/staff/inbox).
 *
 * A console page is an ordinary page (web_int.h) whose view also holds
 * who is signed in (me), what the role may do at all (can.*: only to
 * leave out buttons the API would refuse; the API still decides), the
 * console's navigation (with the unread notices' count, read only when
 * the page is drawn) and its own stylesheet and script. A page that
 * runs several API handlers chains them: each then() stores what it
 * needs in the view and starts the next call.
 */
#ifndef MW_STAFF_INT_H
#define MW_STAFF_INT_H

#include "web_int.h"
#include "../api/authz.h"

/* Starts a console page: mw_page_begin plus me, can, nav (the current
 * item of the console's menu, e.g. "queue") and the console's assets.
 * NULL when r was answered already. */
mw_page *staff_begin(mw_req *r, const char *nav);

/* Runs API handler h in-process like mw_page_call, but first checks the
 * route permission its /api/v1 row has (dispatch checks only the page's
 * own row): a role without it gets then(pg, 403, NULL). */
void staff_call(mw_page *pg, mw_perm perm, mw_handler h, json_t *body, mw_page_then then);

/* Stores the departments answer (GET /api/v1/staff/departments) in the
 * view as "departments": [{code, name, selected}] with names in the
 * page's language, selected = code equal to `selected`. */
void staff_keep_departments(mw_page *pg, json_t *answer, const char *selected);
/* The name of department code in the page's language (from the list kept
 * by staff_keep_departments), else ko_name, else the code. */
const char *staff_department_name(mw_page *pg, const char *code, const char *ko_name);
/* The name of category code: Korean from the API, English from the
 * catalogue (category.<code>). */
const char *staff_category_name(mw_page *pg, const char *code, const char *ko_name);

/* Adds "<key>_text" with the localised date of the ISO time obj[key]. */
void staff_add_date(mw_page *pg, json_t *obj, const char *key, bool with_time);

/* A string member, or NULL. */
const char *staff_str(json_t *obj, const char *key);
/* A form value with blanks trimmed; NULL when empty. */
const char *staff_field(const mw_page *pg, const char *name);

/* Sets view.note / view.error from ?done= / ?err= when the value is one of
 * the allowed words: the catalogue text of prefix "done." / "err." + word,
 * so that a link cannot make the page say anything else. */
void staff_notes(mw_page *pg, const char *prefix, const char *const *done, size_t ndone,
		 const char *const *err, size_t nerr);

/* Percent-encodes s for a URL query into the arena. */
const char *staff_urlenc(mw_page *pg, const char *s);

/* Shows the error page for an API answer that cannot be rendered (403,
 * 404, 5xx). */
void staff_fail(mw_page *pg, int status);

#endif

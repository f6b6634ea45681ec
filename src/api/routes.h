/*
 * routes.h - the route table (routes.def) and the matcher.
 */
#ifndef MW_ROUTES_H
#define MW_ROUTES_H

#include <stddef.h>

#include "../http/http.h"
#include "authz.h"

typedef int (*mw_handler)(mw_req *r);

/* A web page (src/web/pages.def): it answers in HTML, checks the CSRF
 * token of its form itself (the form field, not a header), and its
 * errors before the handler are pages too. */
#define MW_ROUTE_PAGE 1u

typedef struct mw_route {
	const char *method;
	const char *pattern;
	mw_handler handler;
	mw_perm perm;
	size_t max_body;
	const char *name;
	unsigned flags;           /* MW_ROUTE_PAGE */
} mw_route;

size_t mw_routes_count(void);
const mw_route *mw_route_at(size_t i);

/*
 * The table is routes.def (the API) followed by src/web/pages.def (the
 * pages). In a pattern "{}" takes one path segment and a final "{*}" the
 * rest of the path (one or more segments).
 *
 * Finds the route for method + path, filling r->params (pointers into the
 * arena). Returns the route index, or -1 with *method_mismatch set when
 * the path exists under another method (405), or -1 for no such path.
 */
int mw_route_match(mw_req *r, const char *method, const char *path, bool *method_mismatch);

/* The methods (comma-separated) that some route accepts on path, for
 * the Allow header of a 405. */
const char *mw_route_methods(mw_req *r, const char *path);

/* Handlers, one per route row. */
#define MW_ROUTE(method, pattern, handler, perm, max_body, name) int handler(mw_req *r);
#define MW_PAGE MW_ROUTE
#include "routes.def"
#include "../web/pages.def"
#undef MW_PAGE
#undef MW_ROUTE

#endif

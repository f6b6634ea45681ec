#include "routes.h"
#include "../base/mw.h"

#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

static const mw_route routes[] = {
#define MW_ROUTE(method, pattern, handler, perm, max_body, name) \
	{ #method, pattern, handler, perm, max_body, name, 0 },
#define MW_PAGE(method, pattern, handler, perm, max_body, name) \
	{ #method, pattern, handler, perm, max_body, name, MW_ROUTE_PAGE },
#include "routes.def"
#include "../web/pages.def"
#undef MW_PAGE
#undef MW_ROUTE
};

size_t mw_routes_count(void)
{
	return MW_ARRAY_LEN(routes);
}

const mw_route *mw_route_at(size_t i)
{
	return i < MW_ARRAY_LEN(routes) ? &routes[i] : NULL;
}

/* Matches pattern against path segment by segment; "{}" takes one
 * non-empty segment, a final "{*}" the non-empty rest. */
static bool match(mw_req *r, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;

	r->nparams = 0;
	while (*p && *s) {
		if (!strcmp(p, "{*}")) {
			if (r->nparams == MW_MAX_PATH_PARAMS)
				return false;
			r->params[r->nparams++] = mw_arena_strdup(&r->arena, s);
			return true;
		}
		if (p[0] == '{' && p[1] == '}') {
			const char *end = strchr(s, '/');
			size_t n = end ? (size_t)(end - s) : strlen(s);

			if (n == 0 || r->nparams == MW_MAX_PATH_PARAMS)
				return false;
			r->params[r->nparams++] = mw_arena_strndup(&r->arena, s, n);
			p += 2;
			s += n;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

int mw_route_match(mw_req *r, const char *method, const char *path, bool *method_mismatch)
{
	*method_mismatch = false;
	for (size_t i = 0; i < MW_ARRAY_LEN(routes); i++) {
		if (!match(r, routes[i].pattern, path))
			continue;
		if (strcmp(routes[i].method, method)) {
			*method_mismatch = true;
			continue;
		}
		return (int)i;
	}
	r->nparams = 0;
	return -1;
}

const char *mw_route_methods(mw_req *r, const char *path)
{
	char buf[64] = "";
	size_t len = 0;

	for (size_t i = 0; i < MW_ARRAY_LEN(routes); i++) {
		int n;

		if (!match(r, routes[i].pattern, path) || strstr(buf, routes[i].method))
			continue;
		n = snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? ", " : "",
			     routes[i].method);
		if (n > 0 && (size_t)n < sizeof(buf) - len)
			len += (size_t)n;
	}
	r->nparams = 0;
	return mw_arena_strdup(&r->arena, buf);
}

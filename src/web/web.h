/*
 * web.h - the pages minwon serves to people (citizens now; staff, field,
 * desk, chat, map and admin pages build on the same parts).
 *
 * Everything a page needs is embedded in the binary at build time (see
 * cmake/embed.c): templates (src/web/templates/, template.h), message
 * catalogues (src/web/i18n/, i18n.h) and static assets (src/web/static/).
 * mw_web_new() compiles and checks them once at start; the result is
 * immutable and shared by every I/O thread.
 *
 * Pages never duplicate the API: a page handler turns its form into the
 * JSON body an API handler expects, runs that handler in-process (it may
 * suspend for the group commit), and renders the handler's JSON answer
 * in the request's render step (http.h: r->render). See docs/WEB.md.
 */
#ifndef MW_WEB_H
#define MW_WEB_H

#include <stddef.h>

#include "../http/http.h"

typedef struct mw_web mw_web;

typedef struct mw_web_config {
	/* Map tiles, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
	 * its origin is allowed in the pages' Content-Security-Policy. */
	const char *tile_url;
} mw_web_config;

/* Compiles the templates, loads the catalogues and indexes the static
 * assets. Fails (with a message in errbuf) when a template does not
 * parse, names a missing partial, or uses a catalogue key that a
 * catalogue lacks. */
int mw_web_new(const mw_web_config *cfg, mw_web **out, char *errbuf, size_t errsz);
void mw_web_free(mw_web *w);

/* Answers r with an HTML error page (404, 405, 401, 403, 500, ...). */
void mw_web_error_page(mw_req *r, int status);

#endif

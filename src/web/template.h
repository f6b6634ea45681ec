/*
 * template.h - the pages' template engine: a subset of mustache over a
 * jansson value, so that a page can be rendered from exactly the JSON the
 * API answers with.
 *
 *   {{name}}        the value, HTML-escaped (& < > " ' always)
 *   {{{name}}}      the value unescaped: only for trusted markup built by
 *                   the server (the QR code's SVG), never for user input
 *   {{#name}}..{{/name}}  a section: once per element of a non-empty
 *                   array, once with an object or any other true value
 *                   pushed as the context; skipped for a missing value,
 *                   null, false, "", 0 and []
 *   {{^name}}..{{/name}}  inverted: rendered exactly when {{#name}} is not
 *   {{>name}}       another template of the same set (a partial), with
 *                   the current context
 *   {{@key}}        the message catalogue's text for key in the request's
 *                   language, escaped; {{@key name}} puts the escaped
 *                   value of name in place of the "{}" in that text
 *   {{! comment }}
 *
 * Names are [A-Za-z0-9_-]+ joined by dots ("complaint.status"); "." is
 * the current context. The first part is looked up from the innermost
 * context outwards, the rest inside what it found. Numbers render in
 * decimal, true as "true"; null, false, objects and arrays render empty.
 *
 * Templates are compiled once (mw_tpl_add) into a flat list of nodes; a
 * render walks it without allocating anything but the output buffer.
 * A set is immutable after mw_tpl_link() and may then be shared by every
 * thread.
 */
#ifndef MW_TEMPLATE_H
#define MW_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

#include "../base/buf.h"

typedef struct mw_tpl_set mw_tpl_set;

/* The catalogue lookup of {{@key}}: the text for key, or NULL when the
 * catalogue has none (the key itself is then rendered, so a gap shows). */
typedef const char *(*mw_tpl_msg_fn)(void *ctx, const char *key);

/* An empty set (heap); NULL on OOM. */
mw_tpl_set *mw_tpl_set_new(void);
void mw_tpl_set_free(mw_tpl_set *s);

/* Compiles src (len bytes, need not be NUL-terminated) under name; the
 * set keeps its own copy. MW_ERR_INVALID with "name:line: what" in errbuf
 * for a syntax error (unclosed tag or section, a close that does not
 * match, a bad name, nesting deeper than 32), MW_ERR_CONFLICT when the
 * name exists. */
int mw_tpl_add(mw_tpl_set *s, const char *name, const char *src, size_t len, char *errbuf,
	       size_t errsz);

/* Checks that every partial named by a template exists.
 * MW_ERR_NOTFOUND with the name in errbuf otherwise. */
int mw_tpl_link(mw_tpl_set *s, char *errbuf, size_t errsz);

/* Calls fn for every catalogue key a template uses ({{@key}}), e.g. to
 * check at start that every catalogue has it. */
void mw_tpl_each_msg_key(const mw_tpl_set *s, void (*fn)(void *ctx, const char *key), void *ctx);

/* Renders template name with ctx into out (appended). msg may be NULL
 * (keys render as themselves). MW_ERR_NOTFOUND for an unknown template,
 * MW_ERR_TOO_LARGE when out reached its cap, MW_ERR_INVALID when
 * partials nest deeper than 16 (a partial that includes itself). */
int mw_tpl_render(const mw_tpl_set *s, const char *name, json_t *ctx, mw_tpl_msg_fn msg,
		  void *msg_ctx, mw_buf *out);

/* Appends n bytes of s with & < > " ' as character references. */
int mw_html_escape(mw_buf *b, const char *s, size_t n);

#endif

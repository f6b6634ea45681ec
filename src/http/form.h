/*
 * form.h - HTML form bodies: application/x-www-form-urlencoded and
 * multipart/form-data (file uploads), parsed from a complete body.
 *
 * Names and text values are decoded into the arena and NUL-terminated.
 * A file part's bytes are not copied: value points into the body, which
 * must outlive the form (the request's body does). A file part with an
 * empty filename and no bytes (an empty <input type=file>) is dropped.
 */
#ifndef MW_FORM_H
#define MW_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/arena.h"

#define MW_FORM_MAX_FIELDS 64

typedef struct mw_form_field {
	const char *name;
	const char *value;         /* text: NUL-terminated; file: the bytes */
	size_t len;
	const char *filename;      /* NULL for a text field */
	const char *content_type;  /* a file part's type, or NULL */
} mw_form_field;

typedef struct mw_form {
	mw_form_field f[MW_FORM_MAX_FIELDS];
	size_t n;
} mw_form;

/* Parses body by content_type. MW_ERR_UNSUPPORTED for another or a
 * missing type, MW_ERR_INVALID for a malformed body (bad %-escape, no
 * boundary, a part without a name, an unterminated multipart body),
 * MW_ERR_TOO_LARGE for more than MW_FORM_MAX_FIELDS fields. */
int mw_form_parse(mw_arena *a, const char *content_type, const char *body, size_t len,
		  mw_form *out);

/* The first text field called name, or NULL. */
const char *mw_form_get(const mw_form *f, const char *name);

#endif

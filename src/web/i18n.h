/*
 * i18n.h - message catalogues: every text a page shows, one file per
 * language (src/web/i18n/ko.tsv, en.tsv), "key<TAB>text" per line.
 * Blank lines and lines starting with '#' are skipped; in a text "\n"
 * stands for a line break. Korean is the default language and the
 * fallback for a key another catalogue lacks (a unit test keeps the
 * catalogues' key sets equal).
 */
#ifndef MW_I18N_H
#define MW_I18N_H

#include <stddef.h>

typedef struct mw_catalog mw_catalog;

/* Parses a catalogue (src need not be NUL-terminated). MW_ERR_INVALID
 * with "name:line: what" in errbuf for a line without a tab, an empty
 * key or a key defined twice. */
int mw_catalog_parse(const char *name, const char *src, size_t len, mw_catalog **out,
		     char *errbuf, size_t errsz);
/* The whole catalogue of a language ("ko", "en") as compiled into the
 * binary: i18n/<lang>.tsv, then every i18n/<lang>.<area>.tsv (one file
 * per area of pages, e.g. ko.staff.tsv), parsed as one (a key defined in
 * two files is an error). */
int mw_catalog_load_lang(const char *lang, mw_catalog **out, char *errbuf, size_t errsz);
void mw_catalog_free(mw_catalog *c);

/* The text of key, or NULL. */
const char *mw_catalog_get(const mw_catalog *c, const char *key);

size_t mw_catalog_count(const mw_catalog *c);
/* The i-th key in sorted order, for comparing catalogues. */
const char *mw_catalog_key_at(const mw_catalog *c, size_t i);

#endif

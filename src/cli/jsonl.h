/*
 * jsonl.h - reading and writing JSON lines, for the CLI verbs that stream
 * them (nlp train/classify/eval/chat): one input line in, one output line
 * out, and a bad line becomes an error line while the run goes on.
 */
#ifndef MW_CLI_JSONL_H
#define MW_CLI_JSONL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Longest input line accepted. */
#define MW_JSONL_LINE_MAX ((size_t)4 << 20)

/*
 * Reads one line into *buf (grown as needed, the caller frees it), without
 * the newline or a trailing CR. Returns 1 for a line, 0 at the end, -1 for
 * a line longer than MW_JSONL_LINE_MAX (its rest has been skipped), -2
 * when out of memory.
 */
int mw_jsonl_read_line(FILE *f, char **buf, size_t *cap, size_t *len);

/*
 * Reads a request line {"id", "text", ...} of nlp classify / nlp chat.
 * On success returns the parsed object (the caller releases it) with *id
 * (may be NULL), *text and *tlen pointing into it. A bad line — not a JSON
 * object, invalid UTF-8 (its id is recovered when possible), no text, a
 * text over max bytes, a blank text, a NUL inside — gets its error line
 * written here, and NULL is returned. The line may be changed.
 */
json_t *mw_jsonl_read_request(char *line, size_t len, size_t max, json_t **id, const char **text,
			      size_t *tlen);

/* True when s[0..n) is only spaces, tabs and line breaks. */
bool mw_jsonl_blank(const char *s, size_t n);

/* Writes o as one compact line on stdout and releases it (NULL is fine). */
void mw_jsonl_emit(json_t *o);
/* Writes {"id":id,"error":{"code","message"}}. id may be NULL. */
void mw_jsonl_emit_error(json_t *id, const char *code, const char *msg);

#endif

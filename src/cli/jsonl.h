/*
 * jsonl.h - reading and writing JSON lines, for the CLI verbs that stream
 * them (nlp train/classify/eval/chat): one input line in, one output line
 * out, and a bad line becomes an error line while the run goes on.
 */
#ifndef MW_CLI_JSONL_H
#define MW_CLI_JSONL_H

#include <jansson.h>
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

/* Writes o as one compact line on stdout and releases it (NULL is fine). */
void mw_jsonl_emit(json_t *o);
/* Writes {"id":id,"error":{"code","message"}}. id may be NULL. */
void mw_jsonl_emit_error(json_t *id, const char *code, const char *msg);

#endif

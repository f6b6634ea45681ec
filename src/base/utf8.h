/*
 * utf8.h - repairing UTF-8 in place, for text that mixes our own words
 * with bytes a client sent (error messages, logs).
 */
#ifndef MW_UTF8_H
#define MW_UTF8_H

/* Replaces every byte that does not belong to a well-formed UTF-8
 * sequence (overlongs, surrogates and truncated sequences included) with
 * '?', in place. The string never grows. */
void mw_utf8_sanitize(char *s);

#endif

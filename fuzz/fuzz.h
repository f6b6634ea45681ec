/*
 * fuzz.h - what the fuzz drivers (fuzz/fuzz_*.c) share: the entry point
 * libFuzzer calls and a check that reports a broken invariant and aborts,
 * so that libFuzzer (or fuzz/replay.c) records the input as a crash.
 *
 * Every driver checks the invariants its parsers promise.
 */
#ifndef MW_FUZZ_H
#define MW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                      \
	do {                                                                       \
		if (!(cond)) {                                                     \
			fprintf(stderr, "%s:%d: fuzz check failed: %s: ", __FILE__, \
				__LINE__, #cond);                                  \
			fprintf(stderr, __VA_ARGS__);                              \
			fputc('\n', stderr);                                       \
			abort();                                                   \
		}                                                                  \
	} while (0)

/* Writes s[0..n) to out as a C string literal body (for messages); out
 * always ends up NUL-terminated. */
static inline const char *fuzz_esc(const void *s, size_t n, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = s;
	size_t w = 0;

	for (size_t i = 0; i < n && w + 5 < outsz; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\') {
			out[w++] = (char)p[i];
		} else {
			out[w++] = '\\';
			out[w++] = 'x';
			out[w++] = hex[p[i] >> 4];
			out[w++] = hex[p[i] & 15];
		}
	}
	if (outsz)
		out[w < outsz ? w : outsz - 1] = '\0';
	return out;
}

#endif

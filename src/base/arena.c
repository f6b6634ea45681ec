#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define CHUNK_SIZE 8192
#define ALIGN 16

struct mw_arena_chunk {
	mw_arena_chunk *next;
	size_t size;
	_Alignas(ALIGN) unsigned char data[];
};

void *mw_arena_alloc(mw_arena *a, size_t n)
{
	mw_arena_chunk *c;
	void *p;

	/* Refuse sizes whose rounding or chunk header would wrap around. */
	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (!n)
		n = ALIGN;
	if (!a->head || a->used + n > a->head->size) {
		size_t size = n > CHUNK_SIZE / 2 ? n : CHUNK_SIZE - sizeof(mw_arena_chunk);

		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		if (a->head && size == n && a->used + 64 < a->head->size) {
			/* A big block goes behind the current chunk so the
			 * room left in the current one is not wasted. */
			c->next = a->head->next;
			a->head->next = c;
			a->total += n;
			return memset(c->data, 0, n);
		}
		c->next = a->head;
		a->head = c;
		a->used = 0;
	}
	p = a->head->data + a->used;
	a->used += n;
	a->total += n;
	return memset(p, 0, n);
}

char *mw_arena_strndup(mw_arena *a, const char *s, size_t n)
{
	char *p;

	if (!s)
		return NULL;
	p = mw_arena_alloc(a, n + 1);
	if (p)
		memcpy(p, s, n);
	return p;
}

char *mw_arena_strdup(mw_arena *a, const char *s)
{
	return s ? mw_arena_strndup(a, s, strlen(s)) : NULL;
}

char *mw_arena_printf(mw_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = mw_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void mw_arena_release(mw_arena *a)
{
	mw_arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = a->total = 0;
}

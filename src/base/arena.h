/*
 * arena.h - a region allocator: many small allocations, one free (h2o's
 * mem pool). Every HTTP request gets one; everything a handler builds
 * lives in it and goes away when the response has been queued.
 */
#ifndef MW_ARENA_H
#define MW_ARENA_H

#include <stddef.h>

typedef struct mw_arena_chunk mw_arena_chunk;

typedef struct mw_arena {
	mw_arena_chunk *head;
	size_t used;       /* bytes used in head */
	size_t total;      /* bytes handed out, for limits and metrics */
} mw_arena;

#define MW_ARENA_INIT { NULL, 0, 0 }

/* Returns zeroed memory aligned for any type, NULL on OOM. */
void *mw_arena_alloc(mw_arena *a, size_t n);
/* Copies s (or n bytes of it) into the arena, NUL-terminated. NULL in,
 * NULL out. */
char *mw_arena_strdup(mw_arena *a, const char *s);
char *mw_arena_strndup(mw_arena *a, const char *s, size_t n);
char *mw_arena_printf(mw_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every chunk; the arena can be reused afterwards. */
void mw_arena_release(mw_arena *a);

#endif

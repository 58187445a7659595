/*
 * json_arena.c - cJSON's allocations from an arena during a decode (see
 * json_arena.h): chunks that grow twice as large each time, blocks taken
 * in order and aligned like malloc's, nothing given back before end.
 *
 * In an AddressSanitizer build the chunks are freed with free(), so a
 * block used after end is a use after free there too.
 */
#include "io/json_arena.h"

#include <cjson/cJSON.h>
#include <stdalign.h>
#include <stdlib.h>


#define FIRST_CHUNK 16384

struct lq_json_chunk {
	lq_json_chunk *next;
	size_t size, used;      /* of data */
	alignas(max_align_t) unsigned char data[];
};

/* The arena cJSON allocates from on this thread, NULL for malloc. */
static _Thread_local lq_json_arena *current_arena;

static size_t align_up(size_t n)
{
	size_t a = alignof(max_align_t);
	return (n + a - 1) / a * a;
}

static int chunk_holds(const lq_json_chunk *c, const void *p)
{
	const unsigned char *b = p;
	return b >= c->data && b < c->data + c->size;
}

static void *arena_take(lq_json_arena *a, size_t n)
{
	lq_json_chunk *c = a->chunks;

	n = align_up(n ? n : 1);
	if (!c || c->size - c->used < n) {
		size_t size = a->next_size;
		while (size < n)
			size *= 2;
		c = malloc(sizeof *c + size);
		if (!c)
			return NULL;   /* cJSON reports the decode as failed */
		c->size = size;
		c->used = 0;
		c->next = a->chunks;
		a->chunks = c;
		a->next_size = size * 2;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static void *hook_malloc(size_t n)
{
	lq_json_arena *a = current_arena;
	return a ? arena_take(a, n) : malloc(n);
}

/* A block of the current arena stays until end; anything else (taken
 * before begin, or on another thread's arena never) goes to free. */
static void hook_free(void *p)
{
	lq_json_arena *a = current_arena;

	if (!p)
		return;
	for (const lq_json_chunk *c = a ? a->chunks : NULL; c; c = c->next)
		if (chunk_holds(c, p))
			return;
	free(p);
}

void lq_json_arena_install(void)
{
	cJSON_Hooks hooks = {hook_malloc, hook_free};
	cJSON_InitHooks(&hooks);
}

void lq_json_arena_begin(lq_json_arena *a)
{
	a->chunks = NULL;
	a->next_size = FIRST_CHUNK;
	a->active = current_arena == NULL;
	if (a->active)
		current_arena = a;
}

void lq_json_arena_end(lq_json_arena *a)
{
	if (!a->active)
		return;
	current_arena = NULL;
	while (a->chunks) {
		lq_json_chunk *c = a->chunks;
		a->chunks = c->next;
		free(c);
	}
	a->active = 0;
}

size_t lq_json_arena_bytes(const lq_json_arena *a)
{
	size_t n = 0;
	for (const lq_json_chunk *c = a->chunks; c; c = c->next)
		n += c->used;
	return n;
}

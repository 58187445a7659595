/*
 * json_arena.h - cJSON's allocations taken from an arena while one text
 * is decoded. A tracking body becomes a tree of a thousand small blocks
 * (an item, its key and its string for every member) that live until the
 * decode returns: allocating them one by one and freeing them again was
 * about a third of decoding a /v1/batch body. Between begin and end, on
 * the thread that began, cJSON takes memory from chunks of the arena and
 * gives nothing back; end frees the chunks at once.
 *
 * cJSON's hooks have no context pointer, so the arena of a thread is
 * found through a thread-local pointer, and the hooks themselves are
 * process-wide: lq_json_arena_install, once, from main, before any
 * thread starts. Without it (or outside begin/end) cJSON uses malloc and
 * free as before, so code that never installs the hooks behaves the same.
 *
 * Nothing cJSON allocates between begin and end may outlive end: the
 * callers parse, read and delete within.
 */
#ifndef LQ_JSON_ARENA_H
#define LQ_JSON_ARENA_H

#include <stddef.h>

typedef struct lq_json_chunk lq_json_chunk;

typedef struct lq_json_arena {
	lq_json_chunk *chunks;  /* newest first */
	size_t next_size;       /* bytes of the next chunk */
	int active;             /* this begin made the arena current (an
				   inner begin on the same thread borrows
				   the current one) */
} lq_json_arena;

/* cJSON's allocation hooks set to the arena's; once, from main. */
void lq_json_arena_install(void);
/* cJSON allocations on this thread come from a until lq_json_arena_end
 * (unless an arena is current already: then from that one). */
void lq_json_arena_begin(lq_json_arena *a);
/* Every block taken from a freed; the thread's allocations go to malloc
 * again. */
void lq_json_arena_end(lq_json_arena *a);
/* Bytes held in a's chunks (tests). */
size_t lq_json_arena_bytes(const lq_json_arena *a);

#endif

/*
 * strtab.c - string interning for learning data (see strtab.h). Pure
 * memory work: no I/O, no global state.
 */
#include "engine/strtab.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int same(const char *stored, const char *s, size_t len)
{
	return strncmp(stored, s, len) == 0 && stored[len] == '\0';
}

/* Slot holding s, or the empty slot where it would go. */
static size_t probe(const lq_strtab *t, const char *s, size_t len)
{
	size_t mask = t->nslots - 1;
	for (size_t i = fnv1a(s, len) & mask;; i = (i + 1) & mask) {
		uint32_t v = t->slots[i];
		if (v == 0 || same(t->strs[v - 1], s, len))
			return i;
	}
}

static void rehash(lq_strtab *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64;
	free(t->slots);
	t->slots = lq_xcalloc(n, sizeof *t->slots);
	t->nslots = n;
	for (uint32_t i = 0; i < t->n; i++) {
		const char *s = t->strs[i];
		t->slots[probe(t, s, strlen(s))] = i + 1;
	}
}

uint32_t lq_strtab_intern(lq_strtab *t, const char *s, size_t len)
{
	if ((size_t)t->n * 2 + 2 >= t->nslots)
		rehash(t);
	size_t slot = probe(t, s, len);
	if (t->slots[slot])
		return t->slots[slot] - 1;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->strs = lq_xrealloc(t->strs, t->cap * sizeof *t->strs);
	}
	t->strs[t->n] = lq_xstrndup(s, len);
	t->slots[slot] = ++t->n;
	return t->n - 1;
}

uint32_t lq_strtab_find(const lq_strtab *t, const char *s)
{
	if (!t->nslots || !s)
		return LQ_STRTAB_NONE;
	uint32_t v = t->slots[probe(t, s, strlen(s))];
	return v ? v - 1 : LQ_STRTAB_NONE;
}

const char *lq_strtab_str(const lq_strtab *t, uint32_t i)
{
	return i < t->n ? t->strs[i] : "";
}

void lq_strtab_free(lq_strtab *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		free(t->strs[i]);
	free(t->strs);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

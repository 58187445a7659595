/*
 * strtab.h - a string interning table: each distinct string gets a small
 * index (0, 1, 2... in order of first appearance), so learning data can
 * keep attribute names and categorical values as integers. Open
 * addressing, FNV-1a hashes; the table owns copies of its strings.
 *
 * Never used for untrusted sizes without a bound: callers cap string
 * lengths before interning.
 */
#ifndef LQ_STRTAB_H
#define LQ_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#define LQ_STRTAB_NONE UINT32_MAX

typedef struct lq_strtab {
	char **strs;        /* by index */
	uint32_t n, cap;    /* strings, capacity of strs */
	uint32_t *slots;    /* hash slots: index + 1, 0 when empty */
	size_t nslots;      /* power of two, 0 when empty */
} lq_strtab;

#define LQ_STRTAB_INIT {NULL, 0, 0, NULL, 0}

/* The index of s (len bytes), adding a copy when new. */
uint32_t lq_strtab_intern(lq_strtab *t, const char *s, size_t len);
/* The index of s (NUL-terminated), LQ_STRTAB_NONE when absent. */
uint32_t lq_strtab_find(const lq_strtab *t, const char *s);
/* Borrowed string of index i (i < t->n). */
const char *lq_strtab_str(const lq_strtab *t, uint32_t i);
void lq_strtab_free(lq_strtab *t);

#endif

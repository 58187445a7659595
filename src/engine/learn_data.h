/*
 * learn_data.h - the raw material of learning: one row per lead with the
 * values its features are made from, taken as of the lead's entry time
 * (see features.h for what a feature is).
 *
 * A row holds the lead's profile attributes (lead fields, account fields,
 * attr.*, account.attr.*), read exactly as rule expressions read them
 * (model/fields.h), and two numbers per event type: "events.TYPE", how
 * many events of that type happened at or before the entry time, and
 * "recent.TYPE", how many of those were less than LQ_LEARN_RECENT before
 * it. Events after the entry time are never counted: that is the rule that
 * keeps information from after the moment of decision out of the model.
 *
 * Categorical values are lowercased (rules compare text ignoring case).
 * Pure: no I/O, no clock; the caller feeds leads and events.
 */
#ifndef LQ_LEARN_DATA_H
#define LQ_LEARN_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "core/lead.h"
#include "engine/strtab.h"

/* Events this close before the entry time also count as "recent". */
#define LQ_LEARN_RECENT (7 * LQ_MS_DAY)
#define LQ_LEARN_RECENT_TEXT "7d"
/* Longest categorical value kept (longer ones are ignored). */
#define LQ_LEARN_MAX_LEVEL 200

typedef enum lq_attr_kind {
	LQ_ATTR_CAT,      /* text: one value per lead */
	LQ_ATTR_NUM,      /* numbers only */
	LQ_ATTR_LIST,     /* a list of text values (account.tech) */
	LQ_ATTR_EVENTS,   /* events.TYPE: count at or before entry, absent = 0 */
	LQ_ATTR_RECENT,   /* recent.TYPE: count in the window before entry */
} lq_attr_kind;

typedef struct lq_raw {
	uint32_t attr;       /* index in lq_learn_data.attrs */
	uint32_t level;      /* text value: index in the attr's levels;
				LQ_STRTAB_NONE for a number */
	double num;
} lq_raw;

typedef struct lq_learn_row {
	int64_t lead_id;
	lq_time entry;       /* the moment features are taken at */
	int label;           /* 1 outcome reached, 0 not, -1 unknown */
	lq_raw *vals;
	uint32_t n, cap;
} lq_learn_row;

typedef struct lq_learn_attr {
	char *name;          /* "source", "attr.x", "events.page_view" */
	const char *event;   /* EVENTS/RECENT: the event type (in name) */
	lq_attr_kind kind;
	lq_strtab levels;    /* text values */
	int has_text, has_num, has_list;
	int excluded;        /* by the caller or the leak check */
	size_t present, present_pos;  /* rows with a value (after finish) */
	size_t *level_rows;  /* CAT/LIST: rows per level (after finish) */
} lq_learn_attr;

typedef struct lq_learn_data {
	lq_learn_row *rows;
	size_t nrows, cap;
	lq_learn_attr *attrs;
	size_t nattrs, acap;
	lq_strtab names;           /* attribute names -> index */
	size_t npos, nneg;         /* labelled rows (after finish) */
	/* Filters, borrowed: attribute names or prefixes ending in '*'.
	 * only (when n > 0) keeps just these; skip drops these. */
	const char *const *only;
	size_t nonly;
	const char *const *skip;
	size_t nskip;
	int finished;
} lq_learn_data;

void lq_learn_data_init(lq_learn_data *d);
void lq_learn_data_free(lq_learn_data *d);

/* Add a row for lead (account may be NULL); returns its index. */
size_t lq_learn_data_add_lead(lq_learn_data *d, const lq_lead *lead,
			      const lq_account *account, int label,
			      lq_time entry);
/* Count event e for row: only when e->at <= the row's entry time. */
void lq_learn_data_add_event(lq_learn_data *d, size_t row,
			     const lq_event *e);
/* Settle attribute kinds (an attribute holding any text is categorical:
 * its numbers become text values) and count presence. Call once, after
 * the last add and before anything reads the data. */
void lq_learn_data_finish(lq_learn_data *d);

/* The row's value of attribute a: the first lq_raw, NULL when absent. */
const lq_raw *lq_learn_row_get(const lq_learn_row *r, uint32_t a);

/*
 * Leak check: an attribute present in one class of the outcome and
 * (nearly) never in the other was most likely recorded with the outcome
 * (Olist's deal fields exist only for won leads). Flagged when the lower
 * presence rate is at most 1% of the higher one and the higher rate would
 * have predicted at least 10 rows in the other class. Event attributes are
 * never flagged (they are cut at the entry time). Marks the attributes
 * excluded and returns how many; names[] (caller frees the array, not the
 * strings, borrowed from d) lists them when names is not NULL.
 */
size_t lq_learn_data_leak_check(lq_learn_data *d, const char ***names);

/* 1 when name matches one of the patterns (exact, or prefix + '*'). */
int lq_learn_name_matches(const char *name, const char *const *pat,
			  size_t npat);

#endif

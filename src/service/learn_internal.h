/*
 * learn_internal.h - what the learning operations of the service share
 * (learn.c, learn_gather.c, predict.c): the parsed outcome and the walk
 * that reads leads, stage history and events from the store into
 * learning rows. Private to src/service/.
 */
#ifndef LQ_LEARN_INTERNAL_H
#define LQ_LEARN_INTERNAL_H

#include "engine/learn_data.h"
#include "service/service.h"

/* What "the lead reached the outcome" means. */
typedef struct lq_outcome {
	int is_attr;          /* attr.NAME holding 0/1 */
	int rank;             /* stage outcome: main-path rank to reach */
	char name[128];       /* "won", "attr.converted" */
	const char *key;      /* attr outcome: NAME (points into name) */
} lq_outcome;

/* Parse "won", "sqo", "sql", "sal" or "attr.NAME" (NULL: won). LQ_EINVAL
 * with "unknown outcome ..." otherwise. */
int lq_outcome_parse(const char *s, lq_outcome *out, lq_error *err);
/* The lead's label for an attribute outcome: 1, 0, or -1 when the
 * attribute is missing or not a 0/1 value (1/0, true/false, yes/no). */
int lq_outcome_attr_label(const lq_outcome *o, const lq_lead *lead);

/* How to read rows. */
typedef struct lq_gather {
	const lq_outcome *outcome; /* NULL: no labels (predictions) */
	lq_time as_of;             /* learning: 0 or the cut-off */
	lq_time now;               /* predictions: leads not yet entered are
				      taken as of now */
	int predict;               /* every lead; entry = min(entry, now) */
} lq_gather;

/* A lead row's extras kept for listing predictions (predict mode). */
typedef struct lq_gather_extra {
	char *key;                 /* email, else external id, else NULL */
	lq_stage stage;
	int scored;
	double score;              /* rules score as last computed */
	char grade;
} lq_gather_extra;

/* Walk the store into d (initialised by the caller, filters set) and
 * count what was seen into scope. With extras (predict mode), *extras
 * gets one entry per row (free with lq_gather_extras_free). d is left
 * finished. */
int lq_learn_gather(lq_service *svc, const lq_gather *g, lq_learn_data *d,
		    lq_learn_scope *scope, lq_gather_extra **extras,
		    lq_error *err);
void lq_gather_extras_free(lq_gather_extra *x, size_t n);

/* The time a lead entered the funnel from its history (oldest first):
 * the first change into mql or a later main-path stage before as_of
 * (0: any); 0 when none. */
lq_time lq_learn_entry(const lq_stage_change *h, size_t n, lq_time as_of);

#endif

/*
 * stage_machine.h - which lifecycle transitions are allowed. One table,
 * read by every live transition (sales actions and the model's automatic
 * ones); imported history bypasses it on purpose.
 *
 *   subscriber -> lead, mql, nurture, disqualified
 *   lead       -> mql, nurture, disqualified
 *   mql        -> sal (accept), nurture (reject, recycle), disqualified
 *   sal        -> sql (qualify), nurture, disqualified, lost
 *   sql        -> sqo (opportunity), nurture, lost
 *   sqo        -> won, lost
 *   lost       -> nurture (recycled to marketing)
 *   nurture    -> mql (re-qualifies), disqualified
 *   won, disqualified: final
 */
#ifndef LQ_STAGE_MACHINE_H
#define LQ_STAGE_MACHINE_H

#include <stddef.h>

#include "core/error.h"
#include "core/stage.h"

/* 1 when from -> to is allowed live. */
int lq_stage_allowed(lq_stage from, lq_stage to);

/* "sal, nurture, disqualified" (or "none: mql is final"). */
void lq_stage_next_names(lq_stage from, char *out, size_t outsz);

/* 0 when allowed; else LQ_ECONFLICT with "cannot move from mql to won
 * (allowed next stages from mql: sal, nurture, disqualified)". */
int lq_stage_check(lq_stage from, lq_stage to, lq_error *err);

/* Main-path order for funnels: subscriber 0 ... won 6; -1 off the path
 * (lost, nurture, disqualified). */
int lq_stage_rank(lq_stage s);

#endif

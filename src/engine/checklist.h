/*
 * checklist.h - the qualification checklists sales fills in: BANT for SQL
 * (budget, authority, need, timing; ANUM's money and urgency are the same
 * items) and the SQO checklist (buy_cycle, influencer, time_frame,
 * opportunity_size, follow_up). Pure: which required items are not yet
 * satisfied by the answers given.
 */
#ifndef LQ_CHECKLIST_H
#define LQ_CHECKLIST_H

#include <stddef.h>

#include "core/error.h"

/* An answer as the checklist sees it (item name, value text). */
typedef struct lq_check_answer {
	const char *item;
	const char *value;
} lq_check_answer;

/* Canonical item name for what a user typed ("money" -> "budget",
 * "urgency" -> "timing", "buy-cycle" -> "buy_cycle"); NULL when unknown. */
const char *lq_check_item(const char *name);

/* Is value a valid answer for item? yes/no/unknown for the yes-no items;
 * a date (ISO 8601) for time_frame; a number >= 0 for opportunity_size.
 * Fills err with what is expected. */
int lq_check_value(const char *item, const char *value, lq_error *err);

/* True when item's value satisfies a requirement: "yes" for yes-no items,
 * any valid value for time_frame and opportunity_size. */
int lq_check_satisfied(const char *item, const char *value);

/* Write the required items (by canonical name) that answers do not
 * satisfy into out as "authority, timing"; returns how many. */
size_t lq_check_missing(char *const *required, size_t nrequired,
			const lq_check_answer *answers, size_t nanswers,
			char *out, size_t outsz);

#endif

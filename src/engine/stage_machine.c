/*
 * stage_machine.c - the table of allowed live transitions.
 */
#include "engine/stage_machine.h"

#include <stdio.h>
#include <string.h>

#define BIT(s) (1u << (s))

static const unsigned allowed_next[LQ_STAGE_COUNT] = {
	[LQ_STAGE_SUBSCRIBER] = BIT(LQ_STAGE_LEAD) | BIT(LQ_STAGE_MQL) |
				BIT(LQ_STAGE_NURTURE) | BIT(LQ_STAGE_DISQUALIFIED),
	[LQ_STAGE_LEAD] = BIT(LQ_STAGE_MQL) | BIT(LQ_STAGE_NURTURE) |
			  BIT(LQ_STAGE_DISQUALIFIED),
	[LQ_STAGE_MQL] = BIT(LQ_STAGE_SAL) | BIT(LQ_STAGE_NURTURE) |
			 BIT(LQ_STAGE_DISQUALIFIED),
	[LQ_STAGE_SAL] = BIT(LQ_STAGE_SQL) | BIT(LQ_STAGE_NURTURE) |
			 BIT(LQ_STAGE_DISQUALIFIED) | BIT(LQ_STAGE_LOST),
	[LQ_STAGE_SQL] = BIT(LQ_STAGE_SQO) | BIT(LQ_STAGE_NURTURE) |
			 BIT(LQ_STAGE_LOST),
	[LQ_STAGE_SQO] = BIT(LQ_STAGE_WON) | BIT(LQ_STAGE_LOST),
	[LQ_STAGE_WON] = 0,
	[LQ_STAGE_LOST] = BIT(LQ_STAGE_NURTURE),
	[LQ_STAGE_NURTURE] = BIT(LQ_STAGE_MQL) | BIT(LQ_STAGE_DISQUALIFIED),
	[LQ_STAGE_DISQUALIFIED] = 0,
};

static int valid(lq_stage s)
{
	return s >= 0 && s < LQ_STAGE_COUNT;
}

int lq_stage_allowed(lq_stage from, lq_stage to)
{
	return valid(from) && valid(to) && (allowed_next[from] & BIT(to));
}

void lq_stage_next_names(lq_stage from, char *out, size_t outsz)
{
	size_t n = 0;
	out[0] = '\0';
	for (int s = 0; valid(from) && s < LQ_STAGE_COUNT && n < outsz; s++)
		if (allowed_next[from] & BIT(s))
			n += (size_t)snprintf(out + n, outsz - n, "%s%s",
					      n ? ", " : "", lq_stage_name(s));
	if (out[0] == '\0')
		snprintf(out, outsz, "none: %s is final", lq_stage_name(from));
}

int lq_stage_check(lq_stage from, lq_stage to, lq_error *err)
{
	char next[160];
	if (lq_stage_allowed(from, to))
		return 0;
	lq_stage_next_names(from, next, sizeof next);
	return lq_error_set(err, LQ_ECONFLICT,
			    "cannot move from %s to %s (allowed next stages from %s: %s)",
			    lq_stage_name(from), lq_stage_name(to),
			    lq_stage_name(from), next);
}

int lq_stage_rank(lq_stage s)
{
	return s >= LQ_STAGE_SUBSCRIBER && s <= LQ_STAGE_WON ? (int)s : -1;
}

/*
 * stage.c - stage names.
 */
#include "core/stage.h"

#include <strings.h>

static const char *const stage_names[LQ_STAGE_COUNT] = {
	"subscriber", "lead", "mql", "sal", "sql", "sqo",
	"won", "lost", "nurture", "disqualified",
};

const char *lq_stage_name(lq_stage s)
{
	return s >= 0 && s < LQ_STAGE_COUNT ? stage_names[s] : "?";
}

lq_stage lq_stage_parse(const char *name)
{
	if (!name)
		return LQ_STAGE_NONE;
	for (int i = 0; i < LQ_STAGE_COUNT; i++)
		if (strcasecmp(name, stage_names[i]) == 0)
			return (lq_stage)i;
	return LQ_STAGE_NONE;
}

const char *lq_stage_all_names(void)
{
	return "subscriber, lead, mql, sal, sql, sqo, won, lost, nurture, disqualified";
}

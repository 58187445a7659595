/*
 * stage.h - the lifecycle stages and their names. The transition rules live
 * in engine/stage_machine; this file only names things.
 */
#ifndef LQ_STAGE_H
#define LQ_STAGE_H

typedef enum lq_stage {
	LQ_STAGE_NONE = -1,
	LQ_STAGE_SUBSCRIBER = 0,
	LQ_STAGE_LEAD,
	LQ_STAGE_MQL,
	LQ_STAGE_SAL,
	LQ_STAGE_SQL,
	LQ_STAGE_SQO,
	LQ_STAGE_WON,
	LQ_STAGE_LOST,
	LQ_STAGE_NURTURE,
	LQ_STAGE_DISQUALIFIED,
	LQ_STAGE_COUNT
} lq_stage;

/* "mql" etc.; "?" for out-of-range values. */
const char *lq_stage_name(lq_stage s);
/* LQ_STAGE_NONE when name is not a stage (case-insensitive). */
lq_stage lq_stage_parse(const char *name);
/* Comma-separated list of every stage name, for error messages. */
const char *lq_stage_all_names(void);

#endif

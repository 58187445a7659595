/*
 * routing.h - who gets a lead when it becomes an MQL: the first routing rule
 * whose `when` holds, else the next rep of the round robin. Pure: the round
 * robin position is a counter the caller keeps (the store), so routing is
 * deterministic given the same history.
 */
#ifndef LQ_ROUTING_H
#define LQ_ROUTING_H

#include <stdint.h>

#include "model/model.h"

/* Owner from the rules (borrowed from the model), NULL when none matches. */
const char *lq_route_by_rules(const lq_model *m, const lq_eval_env *env);

/* Owner for round-robin position counter (counter % reps), NULL when the
 * model has no round robin. */
const char *lq_route_round_robin(const lq_model *m, int64_t counter);

#endif

/*
 * routing.c - rules first, then round robin.
 */
#include "engine/routing.h"

const char *lq_route_by_rules(const lq_model *m, const lq_eval_env *env)
{
	for (size_t i = 0; i < m->nroutes; i++)
		if (lq_expr_eval(m->routes[i].when, env))
			return m->routes[i].owner;
	return NULL;
}

const char *lq_route_round_robin(const lq_model *m, int64_t counter)
{
	if (m->nround_robin == 0 || counter < 0)
		return NULL;
	return m->round_robin[counter % (int64_t)m->nround_robin];
}

/*
 * model_event_map.h - private to src/model/: loading and freeing the
 * model's event_map section (Segment event names -> leadq event types).
 * The public lookup, lq_model_event_type, is declared in model.h.
 */
#ifndef LQ_MODEL_EVENT_MAP_H
#define LQ_MODEL_EVENT_MAP_H

#include "model/model_internal.h"

/* Load `event_map:` (map may be NULL or a null value: no entries) into
 * ml->m, reporting every problem at its line:col and going on. */
void lq_model_load_event_map(lq_ml *ml, const yaml_node_t *map);

/* Release what lq_model_load_event_map put into m (m stays valid). */
void lq_model_free_event_map(lq_model *m);

#endif

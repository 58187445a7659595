/*
 * model_internal.h - private to src/model/model_*.c: the loader's state
 * and the YAML helpers (model_yaml.c) the section loaders (model_load.c,
 * model_rules.c, model_lifecycle.c) share. Every helper reports problems into the loader's
 * diagnostics and keeps going, so one load finds every error.
 */
#ifndef LQ_MODEL_INTERNAL_H
#define LQ_MODEL_INTERNAL_H

#include <yaml.h>

#include "model/model.h"

#define LQ_MODEL_MAX_DIAGS 1000
#define LQ_MODEL_MAX_NAME 200     /* bytes of a rule, list or model name */

typedef struct lq_ml {
	yaml_document_t doc;
	const char *text;
	size_t len;
	const char *file;
	lq_diags *diags;
	lq_model *m;
} lq_ml;

/* Add an error at node's position (or line 1 when node is NULL). */
void lq_model_diag(lq_ml *ml, const yaml_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add an error at a 1-based line and column. */
void lq_model_diag_at(lq_ml *ml, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Add a ready-made error (from lq_expr_parse). */
void lq_model_diag_err(lq_ml *ml, const lq_error *e);
/* Sort the diagnostics by line and column (stable). */
void lq_model_diags_sort(lq_diags *d);

/* 1-based line of node. */
int lq_model_line(const yaml_node_t *n);

yaml_node_t *lq_model_node(lq_ml *ml, int id);
/* The scalar's text, or NULL when n is not a scalar. */
const char *lq_model_scalar(const yaml_node_t *n);
/* True for an empty plain scalar or ~ / null (a key written without value). */
int lq_model_is_null(const yaml_node_t *n);

/* Report unknown keys (with a hint when one of allowed is close),
 * non-text keys and duplicate keys of mapping map. where ends the message
 * ("in fit rule 'x'"); NULL for the top level. allowed is NULL-terminated.
 * Returns 0 when map is a mapping (even with bad keys), -1 otherwise. */
int lq_model_check_keys(lq_ml *ml, const yaml_node_t *map,
			const char *const *allowed, const char *where);
/* The value for key in map (first occurrence), NULL when absent. */
yaml_node_t *lq_model_get(lq_ml *ml, const yaml_node_t *map,
			  const char *key);

/* Typed values: 0 and *out set, or -1 with a diagnostic naming what
 * ("points in fit rule 'x'"). */
int lq_model_get_int(lq_ml *ml, const yaml_node_t *n, const char *what,
		     long min, long max, long *out);
int lq_model_get_num(lq_ml *ml, const yaml_node_t *n, const char *what,
		     double min, double max, double *out);
int lq_model_get_bool(lq_ml *ml, const yaml_node_t *n, const char *what,
		      int *out);
/* A duration ("30d", "1d12h"); "0" and "none" are 0. */
int lq_model_get_dur(lq_ml *ml, const yaml_node_t *n, const char *what,
		     lq_dur *out);
/* A non-empty scalar of at most max bytes, copied (caller frees). */
char *lq_model_get_str(lq_ml *ml, const yaml_node_t *n, const char *what,
		       size_t max);
/* Parse the expression in scalar n for ctx against the model's lists;
 * NULL with a diagnostic on error. */
lq_expr *lq_model_get_expr(lq_ml *ml, const yaml_node_t *n, unsigned ctx,
			   const char *what);

/* Report nodes reached twice from the root (YAML aliases); -1 if any. */
int lq_model_check_aliases(lq_ml *ml);

/* model_rules.c: the fit, channel and engagement sections. */
void lq_model_load_fit(lq_ml *ml, const yaml_node_t *seq, int channel);
void lq_model_load_engagement(lq_ml *ml, const yaml_node_t *map);

/* model_lifecycle.c: routing, on_recycle and webhooks of the root mapping
 * (after lists: routing rules refer to them), and freeing what they hold. */
void lq_model_load_lifecycle(lq_ml *ml, const yaml_node_t *root);
void lq_model_free_lifecycle(lq_model *m);

#endif

/*
 * learn.c - logistic regression through liblinear (L2R_LR, or L1R_LR for
 * a sparse L1 fit), with stratified k-fold cross-validation: per fold AUC
 * and log-loss, pooled out-of-fold predictions for a lift table, then a
 * final fit on every row. Never reads the clock; liblinear's output is
 * silenced and its random choices seeded, so a run is repeatable.
 *
 * The L2 fits of the folds and the final fit are independent (each writes
 * its own fold's slots), so they run on FIT_THREADS threads; the L1
 * solver draws from rand(), whose state is shared, so L1 fits run one
 * after another to stay repeatable.
 */
#include "engine/learn.h"

#include <linear.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define FIT_THREADS 2

#include "core/buf.h"

static void silent(const char *s)
{
	(void)s;
}

double lq_learn_sigmoid(double z)
{
	if (z >= 0)
		return 1.0 / (1.0 + exp(-z));
	double e = exp(z);
	return e / (1.0 + e);
}

double lq_learn_margin(const double *w, double bias, const lq_matrix *x,
		       size_t i)
{
	double z = bias;
	for (size_t k = x->start[i]; k < x->start[i + 1]; k++)
		z += w[x->col[k]] * x->val[k];
	return z;
}

/* The liblinear problem of the listed rows: feature j is index j + 1, the
 * bias is index ncols + 1 with value 1. */
typedef struct llproblem {
	struct problem p;
	struct feature_node *nodes;
} llproblem;

static void build_problem(llproblem *lp, const lq_matrix *x, const int *y,
			  const size_t *rows, size_t n)
{
	size_t nnz = 0, k = 0;
	for (size_t r = 0; r < n; r++)
		nnz += x->start[rows[r] + 1] - x->start[rows[r]];
	memset(lp, 0, sizeof *lp);
	lp->nodes = lq_xcalloc(nnz + 2 * n + 1, sizeof *lp->nodes);
	lp->p.l = (int)n;
	lp->p.n = (int)x->ncols + 1;
	lp->p.bias = 1.0;
	lp->p.y = lq_xcalloc(n + 1, sizeof *lp->p.y);
	lp->p.x = lq_xcalloc(n + 1, sizeof *lp->p.x);
	for (size_t r = 0; r < n; r++) {
		size_t i = rows[r];
		lp->p.y[r] = y[i] == 1 ? 1.0 : -1.0;
		lp->p.x[r] = &lp->nodes[k];
		for (size_t j = x->start[i]; j < x->start[i + 1]; j++)
			lp->nodes[k++] = (struct feature_node){(int)x->col[j] + 1,
							       x->val[j]};
		lp->nodes[k++] = (struct feature_node){(int)x->ncols + 1, 1.0};
		lp->nodes[k++] = (struct feature_node){-1, 0};
	}
}

static void free_problem(llproblem *lp)
{
	free(lp->nodes);
	free(lp->p.y);
	free(lp->p.x);
}

static int both_classes(const int *y, const size_t *rows, size_t n)
{
	int seen[2] = {0, 0};
	for (size_t r = 0; r < n; r++)
		seen[y[rows[r]] == 1] = 1;
	return seen[0] && seen[1];
}

/* lq_learn_fit once liblinear is silenced (a process-wide setting, made
 * before any thread fits). */
static int fit_rows(const lq_matrix *x, const int *y, const size_t *rows,
		    size_t n, const lq_learn_opts *o, double *w, double *bias,
		    lq_error *err)
{
	struct parameter param;
	llproblem lp;
	const char *bad;
	if (!both_classes(y, rows, n))
		return lq_error_set(err, LQ_EINVAL, "cannot fit: the rows hold "
				    "only one outcome class");
	memset(&param, 0, sizeof param);
	param.solver_type = o->l1 ? L1R_LR : L2R_LR;
	param.eps = o->eps > 0 ? o->eps : 0.01;
	param.C = o->c > 0 ? o->c : 1.0;
	param.p = 0.1;
	build_problem(&lp, x, y, rows, n);
	if ((bad = check_parameter(&lp.p, &param))) {
		free_problem(&lp);
		return lq_error_set(err, LQ_EINVAL, "bad learning parameter: %s",
				    bad);
	}
	if (o->l1)
		srand((unsigned)(o->seed * 2654435761u));
	struct model *m = train(&lp.p, &param);
	/* liblinear orders classes by first appearance; w favours label[0]. */
	double sign = m->label[0] == 1 ? 1.0 : -1.0;
	for (size_t j = 0; j < x->ncols; j++)
		w[j] = sign * m->w[j];
	*bias = sign * m->w[x->ncols];
	free_and_destroy_model(&m);
	free_problem(&lp);
	return 0;
}

int lq_learn_fit(const lq_matrix *x, const int *y, const size_t *rows,
		 size_t n, const lq_learn_opts *o, double *w, double *bias,
		 lq_error *err)
{
	set_print_string_function(silent);
	return fit_rows(x, y, rows, n, o, w, bias, err);
}

static int check_classes(const int *y, size_t n, int folds, size_t *npos,
			 lq_error *err)
{
	size_t pos = 0;
	for (size_t i = 0; i < n; i++)
		pos += y[i] == 1;
	*npos = pos;
	if (pos < (size_t)folds)
		return lq_error_set(err, LQ_EINVAL, "too few leads with the "
				    "outcome (%zu) for %d folds", pos, folds);
	if (n - pos < (size_t)folds)
		return lq_error_set(err, LQ_EINVAL, "too few leads without the "
				    "outcome (%zu) for %d folds", n - pos, folds);
	return 0;
}

/* Train on every fold but f, predict fold f into out->oof. */
static int run_fold(const lq_matrix *x, const int *y, const int *fold, int f,
		    const lq_learn_opts *o, lq_learn_result *out, lq_error *err)
{
	size_t n = x->nrows, ntrain = 0, ntest = 0;
	size_t *train_rows = lq_xcalloc(n + 1, sizeof *train_rows);
	size_t *test_rows = lq_xcalloc(n + 1, sizeof *test_rows);
	double *w = lq_xcalloc(x->ncols + 1, sizeof *w), bias = 0;
	double *p = lq_xcalloc(n + 1, sizeof *p);
	int *yt = lq_xcalloc(n + 1, sizeof *yt);
	lq_learn_opts fo = *o;
	int rc;
	for (size_t i = 0; i < n; i++) {
		if (fold[i] == f)
			test_rows[ntest++] = i;
		else
			train_rows[ntrain++] = i;
	}
	fo.seed = o->seed + (uint64_t)f + 1;
	rc = fit_rows(x, y, train_rows, ntrain, &fo, w, &bias, err);
	for (size_t t = 0; rc == 0 && t < ntest; t++) {
		size_t i = test_rows[t];
		p[t] = out->oof[i] = lq_learn_sigmoid(lq_learn_margin(w, bias, x, i));
		yt[t] = y[i];
	}
	if (rc == 0) {
		out->fold_auc[f] = lq_learn_auc(p, yt, ntest);
		out->fold_logloss[f] = lq_learn_logloss(p, yt, ntest);
	}
	free(train_rows);
	free(test_rows);
	free(w);
	free(p);
	free(yt);
	return rc;
}

static int final_fit(const lq_matrix *x, const int *y, const lq_learn_opts *o,
		     lq_learn_result *out, lq_error *err)
{
	size_t *all = lq_xcalloc(x->nrows + 1, sizeof *all);
	for (size_t i = 0; i < x->nrows; i++)
		all[i] = i;
	int rc = fit_rows(x, y, all, x->nrows, o, out->w, &out->bias, err);
	free(all);
	return rc;
}

/* ---- the fits of a cross-validation, as tasks for a few threads ---------- */

typedef struct fit_tasks {
	const lq_matrix *x;
	const int *y;
	const int *fold;
	const lq_learn_opts *o;
	lq_learn_result *out;
	int k;                  /* task 0: the final fit; task f + 1: fold f */
	pthread_mutex_t lock;
	int next;               /* the next task to take */
	int rc;                 /* the first failure */
	lq_error err;
} fit_tasks;

static int run_task(fit_tasks *t, int task, lq_error *err)
{
	if (task > 0)
		return run_fold(t->x, t->y, t->fold, task - 1, t->o, t->out, err);
	return final_fit(t->x, t->y, t->o, t->out, err);
}

static void *fit_worker(void *arg)
{
	fit_tasks *t = arg;
	for (;;) {
		lq_error err;
		pthread_mutex_lock(&t->lock);
		int task = t->rc ? t->k + 1 : t->next++;
		pthread_mutex_unlock(&t->lock);
		if (task > t->k)
			return NULL;
		int rc = run_task(t, task, &err);
		pthread_mutex_lock(&t->lock);
		if (rc && !t->rc) {
			t->rc = rc;
			t->err = err;
		}
		pthread_mutex_unlock(&t->lock);
	}
}

/* Every fold's fit, then the final fit: on threads for L2, in order for L1
 * (see the top of the file). The final fit is taken first: the largest. */
static int run_fits(fit_tasks *t, lq_error *err)
{
	pthread_t threads[FIT_THREADS];
	size_t started = 0;
	int rc = 0;
	if (t->o->l1) {
		for (int f = 0; f <= t->k && rc == 0; f++)
			rc = run_task(t, f, err);
		return rc;
	}
	pthread_mutex_init(&t->lock, NULL);
	for (size_t i = 1; i < FIT_THREADS; i++)
		if (pthread_create(&threads[i], NULL, fit_worker, t) == 0)
			started++;
	fit_worker(t);
	for (size_t i = 1; i <= started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&t->lock);
	if (t->rc && err)
		*err = t->err;
	return t->rc;
}

int lq_learn_fit_cv(const lq_matrix *x, const int *y, const lq_learn_opts *o,
		    lq_learn_result *out, lq_error *err)
{
	size_t n = x->nrows;
	int k = o->folds, rc;
	memset(out, 0, sizeof *out);
	if (k < 2 || k > LQ_LEARN_MAX_FOLDS)
		return lq_error_set(err, LQ_EINVAL, "folds must be 2 to %d, not %d",
				    LQ_LEARN_MAX_FOLDS, k);
	if ((rc = check_classes(y, n, k, &out->npos, err)))
		return rc;
	int *fold = lq_xcalloc(n + 1, sizeof *fold);
	out->nrows = n;
	out->folds = k;
	out->oof = lq_xcalloc(n + 1, sizeof *out->oof);
	out->base_rate = (double)out->npos / (double)n;
	lq_learn_folds(y, n, k, o->seed, fold);
	out->nw = x->ncols;
	out->w = lq_xcalloc(x->ncols + 1, sizeof *out->w);
	set_print_string_function(silent);
	fit_tasks tasks = {.x = x, .y = y, .fold = fold, .o = o, .out = out,
			   .k = k};
	rc = run_fits(&tasks, err);
	free(fold);
	for (int f = 0; f < k && rc == 0; f++)
		out->auc_mean += out->fold_auc[f] / k;
	if (rc == 0) {
		out->auc_oof = lq_learn_auc(out->oof, y, n);
		out->logloss = lq_learn_logloss(out->oof, y, n);
		out->nlift = lq_learn_lift_table(out->oof, y, n, LQ_LEARN_DECILES,
						 out->lift);
	}
	if (rc)
		lq_learn_result_free(out);
	return rc;
}

/* ---- reference levels ----------------------------------------------------- */

static int partition_kind(const lq_feature *f)
{
	return (f->attr_kind == LQ_ATTR_CAT || f->attr_kind == LQ_ATTR_NUM) &&
	       f->kind != LQ_FEAT_LINEAR && f->kind != LQ_FEAT_CONTAINS;
}

/* 1 when every row has exactly one feature of the group (in[j] set). */
static int splits_rows(const lq_matrix *x, const unsigned char *in)
{
	for (size_t i = 0; i < x->nrows; i++) {
		int k = 0;
		for (size_t e = x->start[i]; e < x->start[i + 1]; e++)
			k += in[x->col[e]];
		if (k != 1)
			return 0;
	}
	return 1;
}

static void center_group(const lq_feature_set *fs, const lq_matrix *x,
			 size_t first, unsigned char *in, double *w,
			 double *bias)
{
	size_t ref = first, n = 0;
	memset(in, 0, fs->n);
	for (size_t j = first; j < fs->n; j++) {
		const lq_feature *f = &fs->items[j];
		if (!partition_kind(f) || strcmp(f->attr, fs->items[first].attr))
			continue;
		in[j] = 1;
		n++;
		if (f->support > fs->items[ref].support)
			ref = j;
	}
	if (n < 2 || !splits_rows(x, in))
		return;
	double c = w[ref];
	for (size_t j = first; j < fs->n; j++)
		if (in[j])
			w[j] -= c;
	*bias += c;
}

void lq_learn_reference_levels(const lq_feature_set *fs, const lq_matrix *x,
			       double *w, double *bias)
{
	unsigned char *in = lq_xcalloc(fs->n + 1, 1);
	for (size_t j = 0; j < fs->n; j++) {
		const lq_feature *f = &fs->items[j];
		int seen = 0;
		for (size_t k = 0; k < j && !seen; k++)
			seen = partition_kind(&fs->items[k]) &&
			       strcmp(fs->items[k].attr, f->attr) == 0;
		if (partition_kind(f) && !seen)
			center_group(fs, x, j, in, w, bias);
	}
	free(in);
}

void lq_learn_result_free(lq_learn_result *r)
{
	free(r->w);
	free(r->oof);
	memset(r, 0, sizeof *r);
}

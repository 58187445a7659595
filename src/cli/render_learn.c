/*
 * render_learn.c - printing what `leadq learn` found: data scope,
 * cross-validated AUC per fold and log-loss, the lift table by decile and
 * the features with the largest coefficients (table), or the learned
 * model as JSON. Printing only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_learn.h"
#include "cli/table.h"
#include "core/buf.h"
#include "engine/draft_model.h"

#define TOP_FEATURES 15

static void print_cv(const lq_learned *m, FILE *out)
{
	const lq_learn_result *r = &m->res;
	fprintf(out, "\ncross-validation (%d folds, %s, C = %g, seed %llu):\n",
		r->folds, m->opts.l1 ? "L1" : "L2", m->opts.c,
		(unsigned long long)m->opts.seed);
	fprintf(out, "  AUC %.3f mean; folds", r->auc_mean);
	for (int f = 0; f < r->folds; f++)
		fprintf(out, " %.3f", r->fold_auc[f]);
	fprintf(out, "; pooled out-of-fold %.3f\n", r->auc_oof);
	fprintf(out, "  log-loss %.4f (a constant %.1f%% would score %.4f)\n",
		r->logloss, 100 * r->base_rate,
		r->base_rate > 0 && r->base_rate < 1
			? -(r->base_rate * log(r->base_rate) +
			    (1 - r->base_rate) * log(1 - r->base_rate))
			: 0.0);
}

static void print_lift(const lq_learned *m, FILE *out)
{
	static const char *const hdr[] = {">decile", ">leads", ">reached",
		">rate", ">lift", ">cum. capture", ">probability"};
	lq_table *t = lq_table_new(7, hdr);
	fprintf(out, "\nlift by decile (out-of-fold predictions, best first):\n");
	for (size_t i = 0; i < m->res.nlift; i++) {
		const lq_lift_row *d = &m->res.lift[i];
		char dec[8], n[24], pos[24], rate[16], lift[16], cap[16], p[48];
		snprintf(dec, sizeof dec, "%zu", i + 1);
		snprintf(n, sizeof n, "%zu", d->n);
		snprintf(pos, sizeof pos, "%zu", d->pos);
		lq_learn_pct(d->rate, rate, sizeof rate);
		snprintf(lift, sizeof lift, "%.2f", d->lift);
		lq_learn_pct(d->capture, cap, sizeof cap);
		snprintf(p, sizeof p, "%.3f-%.3f", d->min_p, d->max_p);
		const char *cells[] = {dec, n, pos, rate, lift, cap, p};
		lq_table_row(t, cells);
	}
	lq_table_print(t, out);
	lq_table_free(t);
}

typedef struct ranked {
	size_t j;
	double w;
} ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
	const ranked *a = pa, *b = pb;
	if (fabs(a->w) != fabs(b->w))
		return fabs(a->w) > fabs(b->w) ? -1 : 1;
	return (a->j > b->j) - (a->j < b->j);
}

static void print_top(const lq_learned *m, FILE *out)
{
	static const char *const hdr[] = {">coef", ">points", "feature",
		">leads", ">reached"};
	ranked *v = lq_xcalloc(m->res.nw + 1, sizeof *v);
	for (size_t j = 0; j < m->res.nw; j++)
		v[j] = (ranked){j, m->res.w[j]};
	qsort(v, m->res.nw, sizeof *v, cmp_ranked);
	lq_table *t = lq_table_new(5, hdr);
	fprintf(out, "\nlargest coefficients (log-odds of %s; %d points double "
		"the odds):\n", m->outcome, LQ_DRAFT_POINTS_DOUBLE);
	for (size_t k = 0; k < m->res.nw && k < TOP_FEATURES; k++) {
		const lq_feature *f = &m->fs.items[v[k].j];
		char w[24], pts[24], n[24], pos[24];
		snprintf(w, sizeof w, "%+.3f", v[k].w);
		snprintf(pts, sizeof pts, "%+ld", lq_draft_points(v[k].w));
		snprintf(n, sizeof n, "%zu", f->support);
		snprintf(pos, sizeof pos, "%zu", f->support_pos);
		const char *cells[] = {w, pts, f->label, n, pos};
		lq_table_row(t, cells);
	}
	lq_table_print(t, out);
	lq_table_free(t);
	free(v);
}

static void print_json(const lq_learn_report *r, const char *draft_path,
		       FILE *out)
{
	char *json = lq_learned_to_json(&r->model);
	lq_buf b = LQ_BUF_INIT;
	lq_buf_addf(&b, "{\"version\":%lld,\"draft\":",
		    (long long)r->model.version);
	if (draft_path)
		lq_buf_add_json_str(&b, draft_path);
	else
		lq_buf_adds(&b, "null");
	lq_buf_addf(&b, ",\"scope\":{\"leads\":%zu,\"used\":%zu,"
		    "\"not_entered\":%zu,\"unlabelled\":%zu,\"events\":%zu,"
		    "\"events_after\":%zu,\"left_out\":[", r->scope.leads,
		    r->scope.used, r->scope.not_entered, r->scope.unlabelled,
		    r->scope.events, r->scope.events_after);
	for (size_t i = 0; i < r->scope.nleaky; i++) {
		if (i)
			lq_buf_addc(&b, ',');
		lq_buf_add_json_str(&b, r->scope.leaky[i]);
	}
	lq_buf_addf(&b, "]},\"model\":%s}\n", json);
	fputs(lq_buf_str(&b), out);
	lq_buf_free(&b);
	free(json);
}

void lq_learn_print_report(const lq_learn_report *r, const char *draft_path,
			   lq_format fmt, FILE *out)
{
	const lq_learned *m = &r->model;
	if (fmt == LQ_FMT_JSON) {
		print_json(r, draft_path, out);
		return;
	}
	if (m->version)
		fprintf(out, "learned model v%lld: ", (long long)m->version);
	else
		fputs("learned (dry run, not stored): ", out);
	fprintf(out, "outcome %s, %zu leads, %zu reached it (%.1f%%), %zu "
		"features\n", m->outcome, m->res.nrows, m->res.npos,
		100 * m->res.base_rate, m->fs.n);
	lq_learn_print_scope(&r->scope, out);
	print_cv(m, out);
	print_lift(m, out);
	print_top(m, out);
	if (draft_path)
		fprintf(out, "\ndraft scoring model written to %s (leadq model "
			"check %s)\n", draft_path, draft_path);
	else
		fputs("\n--out FILE writes the draft scoring model\n", out);
}

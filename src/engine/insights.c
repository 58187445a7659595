/*
 * insights.c - shares of every attribute value among leads with and
 * without an outcome, lift and Wilson intervals (see insights.h). Works on
 * any attribute the data holds, without configuration. Pure.
 */
#include "engine/insights.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/learn.h"

#define Z95 1.959963984540054

static int cmp_insight(const void *pa, const void *pb)
{
	const lq_insight *a = pa, *b = pb;
	if (a->lift != b->lift)
		return a->lift > b->lift ? -1 : 1;
	size_t sa = a->pos_with + a->neg_with, sb = b->pos_with + b->neg_with;
	if (sa != sb)
		return sa > sb ? -1 : 1;
	return strcmp(a->feature->label, b->feature->label);
}

static void fill(lq_insight *it, size_t npos, size_t nneg)
{
	size_t with = it->pos_with + it->neg_with;
	it->share_pos = npos ? (double)it->pos_with / (double)npos : 0;
	it->share_neg = nneg ? (double)it->neg_with / (double)nneg : 0;
	lq_wilson(it->pos_with, npos, Z95, &it->pos_lo, &it->pos_hi);
	lq_wilson(it->neg_with, nneg, Z95, &it->neg_lo, &it->neg_hi);
	if (it->share_neg > 0)
		it->lift = it->share_pos / it->share_neg;
	else
		it->lift = it->share_pos > 0 ? INFINITY : 0;
	it->rate = with ? (double)it->pos_with / (double)with : 0;
	lq_wilson(it->pos_with, with, Z95, &it->rate_lo, &it->rate_hi);
}

void lq_insights_compute(const lq_learn_data *d, const lq_plan_opts *o,
			 lq_insights *out)
{
	lq_plan_opts po = *o;
	lq_matrix m;
	po.insights = 1;
	memset(out, 0, sizeof *out);
	lq_features_plan(d, &po, &out->fs);
	lq_features_matrix(d, &out->fs, &m);
	out->items = lq_xcalloc(out->fs.n + 1, sizeof *out->items);
	out->n = out->fs.n;
	for (size_t j = 0; j < out->fs.n; j++)
		out->items[j].feature = &out->fs.items[j];
	for (size_t i = 0; i < m.nrows; i++) {
		int label = d->rows[i].label;
		if (label != 0 && label != 1)
			continue;
		label ? out->npos++ : out->nneg++;
		for (size_t k = m.start[i]; k < m.start[i + 1]; k++) {
			lq_insight *it = &out->items[m.col[k]];
			if (label)
				it->pos_with++;
			else
				it->neg_with++;
		}
	}
	for (size_t j = 0; j < out->n; j++)
		fill(&out->items[j], out->npos, out->nneg);
	qsort(out->items, out->n, sizeof *out->items, cmp_insight);
	lq_matrix_free(&m);
}

void lq_insights_free(lq_insights *r)
{
	lq_feature_set_free(&r->fs);
	free(r->items);
	memset(r, 0, sizeof *r);
}

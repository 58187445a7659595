/*
 * backtest_json.c - backtest results as JSON (see backtest_json.h).
 */
#include "io/backtest_json.h"

#include <math.h>

static const char *const labels[LQ_BACKTEST_MAX_MODELS] = {"base", "vs"};

/* Fields are written with a separator before all but the first. */
typedef struct writer {
	lq_buf *b;
	int first;
} writer;

static void key(writer *w, const char *k)
{
	lq_buf_addf(w->b, "%s\"%s\":", w->first ? "" : ",", k);
	w->first = 0;
}

static void count(writer *w, const char *k, size_t v)
{
	key(w, k);
	lq_buf_addf(w->b, "%zu", v);
}

static void real(writer *w, const char *k, double v)
{
	key(w, k);
	if (isnan(v))
		lq_buf_adds(w->b, "null");
	else
		lq_buf_addf(w->b, "%.6g", v);
}

/* The stats' fields; first: no comma before the first one. */
static void stats(lq_buf *buf, const lq_backtest_report *r,
		  const lq_backtest_stats *s, int first)
{
	writer wr = {buf, first}, *b = &wr;
	if (r->capacity)
		count(b, "candidates", s->candidates);
	count(b, "mqls", s->mqls);
	if (r->capacity)
		real(b, "cutoff", s->cutoff);
	count(b, "to_sql", s->to_sql);
	count(b, "to_won", s->to_won);
	real(b, "precision_sql", s->precision_sql);
	real(b, "precision_won", s->precision_won);
	count(b, "won", s->won);
	count(b, "caught", s->caught);
	if (r->capacity)
		count(b, "caught_uncapped", s->caught_uncapped);
	real(b, "recall", s->recall);
	if (r->capacity)
		real(b, "recall_uncapped", s->recall_uncapped);
	real(b, "median_lead_days", s->median_days);
}

static void time_or_null(lq_buf *b, const char *key, lq_time t, int has)
{
	char iso[LQ_TIME_STRLEN];
	lq_buf_addf(b, "\"%s\":", key);
	if (!has) {
		lq_buf_adds(b, "null");
		return;
	}
	lq_time_format(t, iso);
	lq_buf_add_json_str(b, iso);
}

static void model_json(lq_buf *b, const lq_backtest_request *rq,
		       const lq_backtest_result *res, size_t k)
{
	const lq_backtest_report *r = &res->report;
	char name[16], start[LQ_TIME_STRLEN];

	lq_buf_addf(b, "{\"label\":\"%s\",\"file\":", labels[k]);
	lq_buf_add_json_str(b, rq->files[k] ? rq->files[k] : "");
	lq_buf_adds(b, ",\"name\":");
	lq_buf_add_json_str(b, res->models[k]->name ? res->models[k]->name : "");
	lq_buf_adds(b, ",\"totals\":{");
	stats(b, r, &r->total[k], 1);
	if (r->capacity && r->has_threshold[k])
		lq_buf_addf(b, ",\"threshold\":%.6g", r->threshold[k]);
	else if (r->capacity)
		lq_buf_adds(b, ",\"threshold\":null");
	lq_buf_adds(b, "},\"weeks\":[");
	for (size_t w = 0; w < r->nweeks; w++) {
		snprintf(name, sizeof name, "%04d-W%02d", r->weeks[w].iso_year,
			 r->weeks[w].iso_week);
		lq_time_format(r->weeks[w].start, start);
		lq_buf_addf(b, "%s{\"week\":\"%s\",\"start\":\"%s\"", w ? "," : "",
			    name, start);
		stats(b, r, &r->weeks[w].m[k], 0);
		lq_buf_addc(b, '}');
	}
	lq_buf_adds(b, "]}");
}

void lq_backtest_json(lq_buf *b, const lq_backtest_request *rq,
		      const lq_backtest_result *res)
{
	const lq_backtest_report *r = &res->report;
	lq_buf_adds(b, "{");
	time_or_null(b, "from", rq->from, rq->from != LQ_TIME_MIN);
	lq_buf_addc(b, ',');
	time_or_null(b, "to", rq->to, rq->to != LQ_BACKTEST_NEVER);
	if (r->capacity)
		lq_buf_addf(b, ",\"capacity\":%zu", r->capacity);
	else
		lq_buf_adds(b, ",\"capacity\":null");
	lq_buf_addf(b, ",\"leads\":%zu,\"events_read\":%zu,"
		    "\"events_replayed\":%zu,\"models\":[", r->leads,
		    res->events_read, r->events);
	for (size_t k = 0; k < r->nmodels; k++) {
		if (k)
			lq_buf_addc(b, ',');
		model_json(b, rq, res, k);
	}
	lq_buf_adds(b, "]}");
}

/*
 * funnel_json.c - the funnel report as JSON (structure in funnel_json.h).
 * Keys come in a fixed order so the document is stable for scripts,
 * the API and the dashboard; it only formats, never computes.
 */
#include "io/funnel_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void lq_funnel_fmt(double v, char *out, size_t outsz)
{
	if (outsz == 0)
		return;
	out[0] = '\0';
	if (isnan(v))
		return;
	snprintf(out, outsz, "%.4f", v);
	char *dot = strchr(out, '.');
	if (dot) {
		char *end = out + strlen(out);
		while (end > dot + 1 && end[-1] == '0')
			*--end = '\0';
		if (end == dot + 1)
			*dot = '\0';
	}
	if (strcmp(out, "-0") == 0)
		snprintf(out, outsz, "0");
}

double lq_funnel_days(double ms)
{
	return ms / (double)LQ_MS_DAY;
}

static void add_num(lq_buf *b, double v)
{
	char s[64];
	lq_funnel_fmt(v, s, sizeof s);
	lq_buf_adds(b, s[0] ? s : "null");
}

static void add_key(lq_buf *b, const char *key)
{
	lq_buf_add_json_str(b, key);
	lq_buf_addc(b, ':');
}

static void add_pair_key(lq_buf *b, lq_stage from, lq_stage to)
{
	lq_buf_addf(b, "\"%s_%s\":", lq_stage_name(from), lq_stage_name(to));
}

static void add_time_or_null(lq_buf *b, int has, lq_time t)
{
	char s[LQ_TIME_STRLEN];
	if (!has) {
		lq_buf_adds(b, "null");
		return;
	}
	lq_time_format(t, s);
	lq_buf_add_json_str(b, s);
}

static void add_str_or_null(lq_buf *b, const char *s)
{
	if (s)
		lq_buf_add_json_str(b, s);
	else
		lq_buf_adds(b, "null");
}

static void json_reached(lq_buf *b, const lq_funnel_result *res,
			 const lq_funnel_row *r)
{
	lq_buf_addc(b, '{');
	for (size_t k = 0; k < res->nstages; k++) {
		if (k)
			lq_buf_addc(b, ',');
		add_key(b, lq_stage_name(res->stages[k]));
		lq_buf_addf(b, "%zu", r->reached[k]);
	}
	lq_buf_addc(b, '}');
}

static void json_outcomes(lq_buf *b, const lq_funnel_row *r)
{
	lq_buf_addf(b, "{\"won\":%zu,\"lost\":%zu,\"nurture\":%zu,"
		    "\"disqualified\":%zu,\"open\":%zu}", r->won, r->lost,
		    r->nurture, r->disqualified, r->open);
}

static void json_conversion(lq_buf *b, const lq_funnel_result *res,
			    const lq_funnel_row *r)
{
	lq_funnel_pair pairs[LQ_FUNNEL_MAX_RATES];
	size_t n = lq_funnel_rate_pairs(res, pairs, LQ_FUNNEL_MAX_RATES);
	lq_buf_addc(b, '{');
	for (size_t i = 0; i < n; i++) {
		add_pair_key(b, res->stages[pairs[i].from], res->stages[pairs[i].to]);
		add_num(b, lq_funnel_rate(r->reached[pairs[i].to],
					  r->reached[pairs[i].from]));
		lq_buf_addc(b, ',');
	}
	add_key(b, "entry_won");
	add_num(b, lq_funnel_rate(r->won, r->entries));
	lq_buf_addc(b, '}');
}

static void json_stat(lq_buf *b, const lq_funnel_stat *st)
{
	lq_buf_addf(b, "{\"n\":%zu,\"median\":", st->n);
	add_num(b, lq_funnel_days(st->median));
	lq_buf_adds(b, ",\"p90\":");
	add_num(b, lq_funnel_days(st->p90));
	lq_buf_addf(b, ",\"left_out\":%zu}", st->left_out);
}

static void json_days(lq_buf *b, const lq_funnel_result *res,
		      const lq_funnel_row *r)
{
	lq_buf_addc(b, '{');
	for (size_t k = 0; k + 1 < res->nstages; k++) {
		add_pair_key(b, res->stages[k], res->stages[k + 1]);
		json_stat(b, &r->step[k]);
		lq_buf_addc(b, ',');
	}
	add_key(b, "entry_won");
	json_stat(b, &r->to_won);
	lq_buf_addc(b, '}');
}

static void json_row(lq_buf *b, const lq_funnel_result *res,
		     const lq_funnel_row *r)
{
	lq_buf_adds(b, "{\"group\":");
	lq_buf_add_json_str(b, r->group ? r->group : "");
	lq_buf_adds(b, ",\"period\":");
	add_str_or_null(b, r->period);
	lq_buf_addf(b, ",\"entries\":%zu,\"leads\":%zu,\"reached\":", r->entries,
		    r->leads);
	json_reached(b, res, r);
	lq_buf_adds(b, ",\"outcomes\":");
	json_outcomes(b, r);
	lq_buf_adds(b, ",\"conversion\":");
	json_conversion(b, res, r);
	lq_buf_adds(b, ",\"days\":");
	json_days(b, res, r);
	lq_buf_addc(b, '}');
}

static void json_header(lq_buf *b, const lq_funnel_report *r)
{
	const lq_funnel_result *res = &r->result;
	lq_buf_adds(b, "{\"cohort\":");
	lq_buf_add_json_str(b, lq_funnel_cohort_name(res->cohort));
	lq_buf_adds(b, ",\"from\":");
	add_time_or_null(b, r->has_from, r->from);
	lq_buf_adds(b, ",\"to\":");
	add_time_or_null(b, r->has_to, r->to);
	lq_buf_adds(b, ",\"by\":");
	add_str_or_null(b, r->by);
	lq_buf_adds(b, ",\"trend\":");
	add_str_or_null(b, lq_funnel_period_name(r->trend));
	lq_buf_adds(b, ",\"stages\":[");
	for (size_t k = 0; k < res->nstages; k++) {
		if (k)
			lq_buf_addc(b, ',');
		lq_buf_add_json_str(b, lq_stage_name(res->stages[k]));
	}
	lq_buf_addc(b, ']');
}

void lq_funnel_json(lq_buf *b, const lq_funnel_report *r)
{
	const lq_funnel_result *res = &r->result;
	json_header(b, r);
	lq_buf_adds(b, ",\"total\":");
	json_row(b, res, &res->total);
	lq_buf_adds(b, ",\"groups\":[");
	for (size_t i = 0; i < res->nrows; i++) {
		if (i)
			lq_buf_addc(b, ',');
		json_row(b, res, &res->rows[i]);
	}
	lq_buf_adds(b, "],\"notes\":[");
	for (size_t i = 0; i < r->nnotes; i++) {
		if (i)
			lq_buf_addc(b, ',');
		lq_buf_add_json_str(b, r->notes[i]);
	}
	lq_buf_adds(b, "]}");
}

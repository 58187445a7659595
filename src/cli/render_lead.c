/*
 * render_lead.c - lead listings and one lead's detail/explanation, as a
 * table for people or JSON/CSV for scripts.
 */
#include <math.h>
#include <string.h>

#include "cli/render.h"
#include "cli/table.h"

void lq_lead_label(const lq_lead *l, lq_buf *out)
{
	if (l->first_name || l->last_name) {
		lq_buf_addf(out, "%s%s%s", l->first_name ? l->first_name : "",
			    l->first_name && l->last_name ? " " : "",
			    l->last_name ? l->last_name : "");
		if (l->email)
			lq_buf_addf(out, " <%s>", l->email);
	} else if (l->email) {
		lq_buf_adds(out, l->email);
	} else if (l->external_id) {
		lq_buf_adds(out, l->external_id);
	} else {
		lq_buf_addf(out, "#%lld", (long long)l->id);
	}
}

static void fmt_points(char *out, size_t n, double v)
{
	if (fabs(v - round(v)) < 0.005)
		snprintf(out, n, "%.0f", v);
	else
		snprintf(out, n, "%.1f", v);
}

static const char *const list_cols[] = {
	">ID", "LEAD", "COMPANY", "STAGE", "GRADE", ">FIT", ">ENG", ">SCORE",
	"SOURCE"};
#define LIST_NCOLS (sizeof list_cols / sizeof list_cols[0])

static void list_cells(const lq_lead_row *r, char bufs[][64], lq_buf *label,
		       const char **cells)
{
	lq_buf_reset(label);
	lq_lead_label(&r->lead, label);
	snprintf(bufs[0], 64, "%lld", (long long)r->lead.id);
	snprintf(bufs[1], 64, "%c", r->scored ? r->grade : '-');
	fmt_points(bufs[2], 64, r->fit);
	fmt_points(bufs[3], 64, r->engagement);
	fmt_points(bufs[4], 64, r->score);
	cells[0] = bufs[0];
	cells[1] = lq_buf_str(label);
	cells[2] = r->account.name ? r->account.name : r->account.domain;
	cells[3] = lq_stage_name(r->lead.stage);
	cells[4] = bufs[1];
	cells[5] = r->scored ? bufs[2] : "";
	cells[6] = r->scored ? bufs[3] : "";
	cells[7] = r->scored ? bufs[4] : "";
	cells[8] = r->lead.source;
}

static void list_table(const lq_lead_list *l, FILE *out)
{
	lq_table *t = lq_table_new(LIST_NCOLS, list_cols);
	lq_buf label = LQ_BUF_INIT;
	char bufs[5][64];
	const char *cells[LIST_NCOLS];
	for (size_t i = 0; i < l->n; i++) {
		list_cells(&l->rows[i], bufs, &label, cells);
		lq_table_row(t, cells);
	}
	lq_table_print(t, out);
	if (l->total > l->n)
		fprintf(out, "(%zu of %zu leads; --limit to see more)\n", l->n,
			l->total);
	lq_table_free(t);
	lq_buf_free(&label);
}

static void list_csv(const lq_lead_list *l, FILE *out)
{
	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, "id,external_id,email,first_name,last_name,company,"
			"stage,grade,fit,channel,engagement,score,source\n");
	for (size_t i = 0; i < l->n; i++) {
		const lq_lead_row *r = &l->rows[i];
		const char *cells[] = {r->lead.external_id, r->lead.email,
				       r->lead.first_name, r->lead.last_name,
				       r->account.name ? r->account.name : r->account.domain,
				       lq_stage_name(r->lead.stage)};
		lq_buf_addf(&b, "%lld", (long long)r->lead.id);
		for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++) {
			lq_buf_addc(&b, ',');
			lq_buf_add_csv_cell(&b, cells[k] ? cells[k] : "");
		}
		if (r->scored)
			lq_buf_addf(&b, ",%c,%.10g,%.10g,%.2f,%.2f,", r->grade, r->fit,
				    r->channel, r->engagement, r->score);
		else
			lq_buf_adds(&b, ",,,,,,");
		lq_buf_add_csv_cell(&b, r->lead.source ? r->lead.source : "");
		lq_buf_addc(&b, '\n');
	}
	fputs(lq_buf_str(&b), out);
	lq_buf_free(&b);
}

void lq_render_lead_list(const lq_lead_list *l, lq_format fmt, FILE *out)
{
	if (fmt == LQ_FMT_JSON) {
		lq_buf b = LQ_BUF_INIT;
		lq_json_lead_list(&b, l);
		lq_buf_addc(&b, '\n');
		fputs(lq_buf_str(&b), out);
		lq_buf_free(&b);
	}
	else if (fmt == LQ_FMT_CSV)
		list_csv(l, out);
	else
		list_table(l, out);
}

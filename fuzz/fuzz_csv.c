/*
 * fuzz_csv.c - libFuzzer harness for the lead and stage importers' input
 * side: the streaming CSV reader (io/csv_reader.c, over libcsv), the
 * header layouts and row decoders of io/lead_record.c and
 * io/stage_record.c with --map (io/colmap.c), and NDJSON lead lines
 * (lq_leadrec_from_json), in the order `leadq import leads|stages` calls
 * them. The input is a file. Every bad row must be refused with a message
 * and every cell that comes out is UTF-8; nothing may crash, leak or read
 * out of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_util.h"
#include "io/colmap.h"
#include "io/csv_reader.h"
#include "io/lead_record.h"
#include "io/ndjson_lines.h"
#include "io/stage_record.h"

static lq_colmap *lead_map, *stage_map;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	lq_error err;
	if (lq_colmap_parse("mql_id=external_id, first_contact_date=created_at,"
			    "origin=source,landing_page_id=attr.landing_page_id,junk=-",
			    &lead_map, &err) ||
	    lq_colmap_parse("mql_id=lead,won_date=at,seller_id=-,sdr_id=actor",
			    &stage_map, &err))
		abort();
	return 0;
}

/* Cells come out as UTF-8 or not at all. */
static void check_row(const lq_csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		if (!fz_utf8_ok(row->cells[i]))
			abort();
}

static void lead_rows(lq_csv_reader *r, const lq_colmap *map, const char *fmt)
{
	const lq_csv_row *row;
	lq_leadrec_layout *lay = NULL;
	lq_error err;
	if (lq_csv_next(r, &row, &err) <= 0 ||
	    lq_leadrec_header(map, row, &lay, &err))
		return;
	while (lq_csv_next(r, &row, &err) > 0) {
		lq_lead_input in;
		check_row(row);
		lq_leadrec_init(&in);
		if (lq_leadrec_from_csv(lay, row, fmt, &in, &err) == 0 &&
		    !in.lead.email && !in.lead.external_id)
			abort();   /* a decoded lead always has a key */
		lq_leadrec_free(&in);
	}
	lq_leadrec_layout_free(lay);
}

static void stage_rows(lq_csv_reader *r, const lq_colmap *map,
		       const char *fixed, const char *fmt)
{
	const lq_csv_row *row;
	lq_stagerec_layout *lay = NULL;
	lq_error err;
	if (lq_csv_next(r, &row, &err) <= 0 ||
	    lq_stagerec_header(map, row, fixed, &lay, &err))
		return;
	while (lq_csv_next(r, &row, &err) > 0) {
		lq_stage_input in;
		check_row(row);
		lq_stagerec_init(&in);
		if (lq_stagerec_from_csv(lay, row, fmt, &in, &err) == 0 &&
		    (!in.lead_key || !in.actor))
			abort();
		lq_stagerec_free(&in);
	}
	lq_stagerec_layout_free(lay);
}

typedef enum { LEADS, LEADS_MAPPED, STAGES, STAGES_FIXED } pass;

static void csv_pass(const uint8_t *data, size_t size, pass p)
{
	FILE *f = fmemopen((void *)data, size, "r");
	lq_csv_reader *r = NULL;
	lq_error err;
	if (!f)
		return;
	if (lq_csv_open(f, "fuzz.csv", &r, &err) == 0) {
		switch (p) {
		case LEADS: lead_rows(r, NULL, NULL); break;
		case LEADS_MAPPED: lead_rows(r, lead_map, "%d-%m-%Y"); break;
		case STAGES: stage_rows(r, stage_map, NULL, NULL); break;
		case STAGES_FIXED: stage_rows(r, stage_map, "won", "%d-%m-%Y %H:%M"); break;
		}
		lq_csv_close(r);
	}
	fclose(f);
}

static void ndjson_pass(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	lq_ndjson_lines lines;
	const char *line;
	size_t len;
	lq_error err;
	int rc;
	if (!f)
		return;
	lq_ndjson_lines_init(&lines, f, "fuzz.ndjson", LQ_LEADREC_MAX_LINE);
	while ((rc = lq_ndjson_lines_next(&lines, &line, &len, &err)) != 0) {
		if (rc < 0 && rc != LQ_EINVAL)
			break;
		if (rc < 0)
			continue;
		for (int m = 0; m < 2; m++) {
			lq_lead_input in;
			lq_leadrec_init(&in);
			if (lq_leadrec_from_json(line, len, m ? lead_map : NULL,
						 m ? "%d-%m-%Y" : NULL, &in, &err) == 0 &&
			    (!fz_utf8_ok(in.lead.email) || !fz_utf8_ok(in.lead.external_id) ||
			     !fz_utf8_ok(in.lead.title) || !fz_attrs_ok(&in.lead.attrs) ||
			     !fz_utf8_ok(in.account.domain) || !fz_attrs_ok(&in.account.attrs)))
				abort();   /* only UTF-8 text comes out */
			lq_leadrec_free(&in);
		}
	}
	lq_ndjson_lines_free(&lines);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;   /* fmemopen refuses an empty buffer */
	if (data[0] == '{') {
		ndjson_pass(data, size);
		return 0;
	}
	csv_pass(data, size, LEADS);
	csv_pass(data, size, LEADS_MAPPED);
	csv_pass(data, size, STAGES);
	csv_pass(data, size, STAGES_FIXED);
	return 0;
}

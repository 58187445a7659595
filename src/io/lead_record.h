/*
 * lead_record.h - decoding one lead (and its account) from a CSV row or
 * from one NDJSON line into core records, ready for the ingest service.
 *
 * It parses and normalises only (trims strings, lowercases email and
 * account domain, derives email_domain, parses numbers and times): it must
 * never look anything up or apply scoring or stage rules. Errors name the
 * field (err->field) but not the line: the caller sets err->line.
 *
 * Fields (after --map; names compare case-insensitively, the NAME of an
 * attribute is kept as written):
 *   external_id (or id), email, first_name, last_name, title, seniority,
 *   department, country, source, created_at, stage,
 *   account.domain, account.name, account.industry, account.employees,
 *   account.revenue, account.traffic, account.ad_spend, account.tech,
 *   account.attr.NAME, attr.NAME
 * Empty cells, blank strings and JSON nulls are absent (NULL / NAN / not
 * set): a decoder never overwrites a value with nothing.
 */
#ifndef LQ_LEAD_RECORD_H
#define LQ_LEAD_RECORD_H

#include <stddef.h>

#include "core/error.h"
#include "core/lead.h"
#include "io/colmap.h"
#include "io/csv_reader.h"

#define LQ_LEADREC_MAX_LINE (1024 * 1024)  /* bytes in one NDJSON lead */
#define LQ_LEADREC_MAX_LIST 1000           /* items in tech / attr lists */

typedef struct lq_lead_input {
	lq_lead lead;        /* lead.stage is left at its default */
	lq_account account;  /* meaningful when has_account */
	int has_account;     /* some account.* field was given */
	char *stage;         /* canonical stage name from a "stage" field
				(validated), NULL when not given */
} lq_lead_input;

void lq_leadrec_init(lq_lead_input *in);
void lq_leadrec_free(lq_lead_input *in);   /* releases fields, re-inits */

/* What each CSV column of a file means, worked out once from its header. */
typedef struct lq_leadrec_layout lq_leadrec_layout;

/* Map header cells through m (may be NULL) to fields. Columns mapped to
 * "-" and columns with an empty header are ignored. Errors (LQ_EINVAL):
 *   "unknown column 'x' (accepted: external_id, id, email, ...)"
 *   "unknown field 'f' for column 'x' (accepted: ...)"
 *   "columns 'a' and 'b' both give email"
 *   "column 'attr.' has no attribute name"
 * On success the caller frees *out with lq_leadrec_layout_free. */
int lq_leadrec_header(const lq_colmap *m, const lq_csv_row *header,
		      lq_leadrec_layout **out, lq_error *err);
void lq_leadrec_layout_free(lq_leadrec_layout *lay);   /* NULL ok */

/* Decode one data row. date_fmt is a strptime format for created_at, NULL
 * for ISO 8601. out must be initialised; it is reset first and left reset
 * on error. Errors (LQ_EINVAL, err->field set where one is at fault):
 *   "expected N columns, found M"
 *   "invalid email 'x'"
 *   "a lead needs an email or an external_id"
 *   "account.employees: 'abc' is not a number"
 *   "created_at: 'x' does not match the date format '%d-%m-%Y'"
 *   "created_at: 'x' is not an ISO 8601 time (e.g. 2026-03-01T10:00:00Z)"
 *   "unknown stage 'x' (valid: subscriber, lead, ...)"
 *   "title: longer than 4096 bytes" */
int lq_leadrec_from_csv(const lq_leadrec_layout *lay, const lq_csv_row *row,
			const char *date_fmt, lq_lead_input *out,
			lq_error *err);

/* Decode one NDJSON line (len bytes; need not be NUL-terminated). Keys are
 * field names, flat ("account.domain") or nested ("account": {...},
 * "attr": {...}; nested objects under attr flatten with dots); m maps the
 * dotted key paths. Values: strings (numbers accepted for text fields),
 * numbers or numeric strings for account numbers, an array or a
 * ";"-separated string for account.tech, any scalar or array of scalars
 * for attributes (typed as given). Errors as for CSV, plus
 *   "lead line is longer than 1048576 bytes"
 *   "invalid JSON at column N" (err->col set)
 *   "lead must be a JSON object"
 *   "unknown field 'x' (accepted: ...)"
 *   "email: expected a string", "email: given twice" */
int lq_leadrec_from_json(const char *line, size_t len, const lq_colmap *m,
			 const char *date_fmt, lq_lead_input *out,
			 lq_error *err);

#endif

/*
 * stage_record.h - decoding historic stage changes from a CSV file (a CRM
 * export: lead, stage, at, actor, reason) into stage inputs for the
 * import service, with --map and an optional fixed stage for every row
 * (--stage S, e.g. a file of won deals).
 *
 * Parsing only: it never checks whether a transition is allowed (imported
 * history is recorded as it happened) and never resolves the lead key.
 * Errors name the field (err->field) but not the line: the caller sets
 * err->line.
 */
#ifndef LQ_STAGE_RECORD_H
#define LQ_STAGE_RECORD_H

#include "core/error.h"
#include "core/stage.h"
#include "core/time.h"
#include "io/colmap.h"
#include "io/csv_reader.h"

typedef struct lq_stage_input {
	char *lead_key;    /* email (lowercased) or external id, as given */
	lq_stage stage;
	lq_time at;
	char *actor;       /* "import" when the row gives none */
	char *reason;      /* NULL when none */
} lq_stage_input;

void lq_stagerec_init(lq_stage_input *in);
void lq_stagerec_free(lq_stage_input *in);   /* releases fields, re-inits */

typedef struct lq_stagerec_layout lq_stagerec_layout;

/* Work out the columns from the header (after --map m, may be NULL).
 * Fields (case-insensitive): lead | email | external_id (the lead key;
 * per row the first non-empty of them in that order), stage, at, actor,
 * reason. Columns mapped to "-" and columns with an empty header are
 * ignored. fixed_stage (NULL when none) gives every row that stage; the
 * stage column must then be absent (or mapped to -). Errors (LQ_EINVAL):
 *   "unknown column 'x' (accepted: lead, email, external_id, stage, at,
 *    actor, reason)", "unknown field 'f' for column 'x' (accepted: ...)"
 *   "columns 'a' and 'b' both give at"
 *   "missing column 'lead' (or email, external_id)", "missing column 'at'"
 *   "missing column 'stage' (or give a fixed stage with --stage)"
 *   "unknown stage 'x' (valid: subscriber, ...)"
 *   "the file has a stage column and --stage was given: map the column to
 *    - to ignore it"
 * On success the caller frees *out with lq_stagerec_layout_free. */
int lq_stagerec_header(const lq_colmap *m, const lq_csv_row *header,
		       const char *fixed_stage, lq_stagerec_layout **out,
		       lq_error *err);
void lq_stagerec_layout_free(lq_stagerec_layout *lay);   /* NULL ok */

/* Decode one row; date_fmt is a strptime format for at, NULL for ISO
 * 8601. out must be initialised; it is reset first and left reset on
 * error. Errors (LQ_EINVAL): "expected N columns, found M",
 * "missing lead", "missing stage", "missing at", "unknown stage 'x'
 * (valid: ...)", "at: 'x' does not match the date format '...'",
 * "reason: longer than 4096 bytes". */
int lq_stagerec_from_csv(const lq_stagerec_layout *lay,
			 const lq_csv_row *row, const char *date_fmt,
			 lq_stage_input *out, lq_error *err);

#endif

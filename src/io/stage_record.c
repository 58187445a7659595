/*
 * stage_record.c - one historic stage change from a CSV row. Parsing only:
 * the stage machine's gates do not apply to imported history and are not
 * this file's business.
 */
#include "io/stage_record.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "io/record_util.h"

enum sfield { SF_LEAD, SF_EMAIL, SF_EXTERNAL_ID, SF_STAGE, SF_AT, SF_ACTOR,
	      SF_REASON, SF_COUNT, SF_IGNORED = -1 };

static const char *const field_names[SF_COUNT] = {
	"lead", "email", "external_id", "stage", "at", "actor", "reason",
};

#define ACCEPTED "lead, email, external_id, stage, at, actor, reason"

struct lq_stagerec_layout {
	size_t n;
	int *cols;               /* enum sfield per column */
	int where[SF_COUNT];     /* column of each field, -1 when absent */
	lq_stage fixed;          /* LQ_STAGE_NONE when rows give the stage */
};

void lq_stagerec_init(lq_stage_input *in)
{
	memset(in, 0, sizeof *in);
	in->stage = LQ_STAGE_NONE;
}

void lq_stagerec_free(lq_stage_input *in)
{
	if (!in)
		return;
	free(in->lead_key);
	free(in->actor);
	free(in->reason);
	lq_stagerec_init(in);
}

static int field_of(const char *name)
{
	for (int f = 0; f < SF_COUNT; f++)
		if (strcasecmp(name, field_names[f]) == 0)
			return f;
	return SF_IGNORED;
}

static int header_col(lq_stagerec_layout *lay, const lq_csv_row *header,
		      size_t i, const lq_colmap *m, lq_error *err)
{
	const char *column = header->cells[i];
	const char *name = lq_colmap_apply(m, column);
	int f;

	lay->cols[i] = SF_IGNORED;
	if (!*column || lq_colmap_ignored(name))
		return 0;
	if ((f = field_of(name)) == SF_IGNORED) {
		if (strcmp(name, column) != 0)
			return lq_rec_fail(err, name, "unknown field '%.64s' "
					   "for column '%.64s' (accepted: %s)",
					   name, column, ACCEPTED);
		return lq_rec_fail(err, name, "unknown column '%.64s' "
				   "(accepted: %s)", column, ACCEPTED);
	}
	if (lay->where[f] >= 0)
		return lq_rec_fail(err, field_names[f], "columns '%.64s' and "
				   "'%.64s' both give %s",
				   header->cells[lay->where[f]], column,
				   field_names[f]);
	lay->cols[i] = f;
	lay->where[f] = (int)i;
	return 0;
}

static int check_columns(lq_stagerec_layout *lay, const char *fixed_stage,
			 lq_error *err)
{
	if (lay->where[SF_LEAD] < 0 && lay->where[SF_EMAIL] < 0 &&
	    lay->where[SF_EXTERNAL_ID] < 0)
		return lq_rec_fail(err, "lead", "missing column 'lead' (or "
				   "email, external_id)");
	if (lay->where[SF_AT] < 0)
		return lq_rec_fail(err, "at", "missing column 'at'");
	if (!fixed_stage) {
		if (lay->where[SF_STAGE] < 0)
			return lq_rec_fail(err, "stage", "missing column "
					   "'stage' (or give a fixed stage "
					   "with --stage)");
		return 0;
	}
	if (lay->where[SF_STAGE] >= 0)
		return lq_rec_fail(err, "stage", "the file has a stage column "
				   "and --stage was given: map the column to "
				   "- to ignore it");
	return lq_rec_stage("stage", fixed_stage, &lay->fixed, err);
}

int lq_stagerec_header(const lq_colmap *m, const lq_csv_row *header,
		       const char *fixed_stage, lq_stagerec_layout **out,
		       lq_error *err)
{
	lq_stagerec_layout *lay = lq_xcalloc(1, sizeof *lay);
	int rc = 0;

	*out = NULL;
	lay->n = header->n;
	lay->cols = lq_xcalloc(header->n, sizeof *lay->cols);
	lay->fixed = LQ_STAGE_NONE;
	for (int f = 0; f < SF_COUNT; f++)
		lay->where[f] = -1;
	for (size_t i = 0; i < header->n && rc == 0; i++)
		rc = header_col(lay, header, i, m, err);
	if (rc == 0)
		rc = check_columns(lay, fixed_stage, err);
	if (rc < 0) {
		lq_stagerec_layout_free(lay);
		return rc;
	}
	*out = lay;
	return 0;
}

void lq_stagerec_layout_free(lq_stagerec_layout *lay)
{
	if (!lay)
		return;
	free(lay->cols);
	free(lay);
}

/* The trimmed, bounded text of field f in row; NULL when absent/blank. */
static int cell(const lq_stagerec_layout *lay, const lq_csv_row *row,
		int f, char **out, lq_error *err)
{
	*out = NULL;
	if (lay->where[f] < 0)
		return 0;
	return lq_rec_str(field_names[f], row->cells[lay->where[f]],
			  LQ_REC_MAX_STR, out, err);
}

static int read_key(const lq_stagerec_layout *lay, const lq_csv_row *row,
		    lq_stage_input *out, lq_error *err)
{
	static const int order[] = {SF_LEAD, SF_EMAIL, SF_EXTERNAL_ID};
	int rc;

	for (size_t i = 0; i < 3 && !out->lead_key; i++)
		if ((rc = cell(lay, row, order[i], &out->lead_key, err)) < 0)
			return rc;
	if (!out->lead_key)
		return lq_rec_fail(err, "lead", "missing lead");
	lq_rec_lead_key(out->lead_key);
	return 0;
}

static int read_stage(const lq_stagerec_layout *lay, const lq_csv_row *row,
		      lq_stage_input *out, lq_error *err)
{
	char *s;
	int rc;

	if (lay->fixed != LQ_STAGE_NONE) {
		out->stage = lay->fixed;
		return 0;
	}
	if ((rc = cell(lay, row, SF_STAGE, &s, err)) < 0)
		return rc;
	rc = s ? lq_rec_stage("stage", s, &out->stage, err)
	       : lq_rec_fail(err, "stage", "missing stage");
	free(s);
	return rc;
}

static int read_at(const lq_stagerec_layout *lay, const lq_csv_row *row,
		   const char *date_fmt, lq_stage_input *out, lq_error *err)
{
	char *s;
	int rc;

	if ((rc = cell(lay, row, SF_AT, &s, err)) < 0)
		return rc;
	rc = s ? lq_rec_time("at", s, date_fmt, &out->at, err)
	       : lq_rec_fail(err, "at", "missing at");
	free(s);
	return rc;
}

int lq_stagerec_from_csv(const lq_stagerec_layout *lay,
			 const lq_csv_row *row, const char *date_fmt,
			 lq_stage_input *out, lq_error *err)
{
	int rc;

	lq_stagerec_free(out);
	if (row->n != lay->n)
		return lq_rec_fail(err, NULL, "expected %zu columns, found %zu",
				   lay->n, row->n);
	if ((rc = read_key(lay, row, out, err)) < 0 ||
	    (rc = read_stage(lay, row, out, err)) < 0 ||
	    (rc = read_at(lay, row, date_fmt, out, err)) < 0 ||
	    (rc = cell(lay, row, SF_ACTOR, &out->actor, err)) < 0 ||
	    (rc = cell(lay, row, SF_REASON, &out->reason, err)) < 0)
		goto fail;
	if (!out->actor)
		out->actor = lq_xstrdup("import");
	return 0;

fail:
	lq_stagerec_free(out);
	return rc;
}

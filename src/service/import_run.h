/*
 * import_run.h - what every file import shares: one transaction for the
 * whole file, the leads it touched kept in memory and written back at the
 * end, and the policy for a bad record (stop and change nothing, or with
 * --skip-bad report it with its line number and go on). Private to
 * src/service/.
 */
#ifndef LQ_IMPORT_RUN_H
#define LQ_IMPORT_RUN_H

#include "io/colmap.h"
#include "io/csv_reader.h"
#include "service/lead_work.h"
#include "service/service.h"

typedef struct lq_import_run {
	lq_service *svc;
	const lq_import_opts *opts;
	lq_import_report *rep;
	lq_reject_fn on_reject;
	void *ctx;
	const char *name;        /* the input's name for messages */
	lq_colmap *map;          /* parsed --map, NULL when none */
	void *layout;            /* CSV: what the header said, per import */
	lq_workset ws;
	lq_imap keys;            /* lead key -> id resolved in this run (see
				    lq_import_keys_forget), owns its entries */
	struct lq_event_batch *events; /* events queued and held (import
				    events, ingest sessions) */
} lq_import_run;

/* One data record: decode it and apply it. Errors are handled by the
 * drivers below according to the bad-record policy. */
typedef int (*lq_import_row_fn)(lq_import_run *run, const lq_csv_row *row,
				lq_error *err);
typedef int (*lq_import_line_fn)(lq_import_run *run, const char *line,
				 size_t len, lq_error *err);
/* Work out run->layout from a CSV header row. */
typedef int (*lq_import_header_fn)(lq_import_run *run,
				   const lq_csv_row *header, lq_error *err);

/* Read a CSV input: the header through header_fn, then every row through
 * row_fn. Returns 0 or the code that stopped the import. */
int lq_import_csv(lq_import_run *run, FILE *in, lq_import_header_fn header_fn,
		  lq_import_row_fn row_fn, lq_error *err);

/* Read an NDJSON input (lines up to max bytes) through line_fn. */
int lq_import_ndjson(lq_import_run *run, FILE *in, size_t max,
		     lq_import_line_fn line_fn, lq_error *err);

/* Set up (parsing opts->map_spec) and open the transaction. */
int lq_import_begin(lq_import_run *run, lq_service *svc, const char *name,
		    const lq_import_opts *opts, lq_import_report *rep,
		    lq_reject_fn on_reject, void *ctx, lq_error *err);

/* A record at line failed with err. User errors are skipped (reported
 * through on_reject, return 0) when skip_bad is set; otherwise err gets the
 * file and line and the code is returned so the caller stops. */
int lq_import_bad_record(lq_import_run *run, int line, int rc, lq_error *err);

/* Finish: when rc is 0 write the held leads back and commit, else roll
 * everything back; release the run. Returns the final code. */
int lq_import_end(lq_import_run *run, int rc, lq_error *err);

/* Find or create the account for a lead: by the account.domain given, else
 * by the lead's email domain unless it is a free-mail domain. Given account
 * fields are merged into the stored account. *account_id is 0 when the lead
 * has no account. */
int lq_import_account(lq_import_run *run, lq_lead *lead,
		      const lq_account *given, int has_given,
		      int64_t *account_id, lq_error *err);

/* Store a brand-new lead (entering `stage` at `at`, actor "import") and
 * hold it in the run's working set. The lead's fields move into the work. */
int lq_import_new_lead(lq_import_run *run, lq_lead *lead, lq_stage stage,
		       lq_time at, lq_lead_work **out, lq_error *err);

/* Create or update the lead a record names (by external id or email),
 * with its account, entry stage and scoring; *lead_id gets its id. */
struct lq_lead_input;
int lq_import_lead_record(lq_import_run *run, struct lq_lead_input *in,
			  int64_t *lead_id, lq_error *err);

/* An imported event's line: check its time and resolve (or create) the
 * lead key names; ev->lead_id gets the id. Writes nothing for the event. */
int lq_import_event_lead(lq_import_run *run, const char *key, lq_event *ev,
			 lq_error *err);

/* Forget the lead keys this run resolved (ingest.c keeps them so that an
 * event stream resolves each lead once, not once per event): called
 * whenever a lead's email or external id may have changed or a lead
 * created in the run was rolled back, and at the end of the run. */
void lq_import_keys_forget(lq_import_run *run);

/* True when domain is a free-mail provider (the model's `freemail` list
 * when it has one, else a built-in list). */
int lq_is_freemail(const lq_service *svc, const char *domain);

#endif

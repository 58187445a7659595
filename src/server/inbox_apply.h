/*
 * inbox_apply.h - applying the tracking API's inbox (store/inbox.h) to
 * the database: the writer thread's side of the tracking API.
 *
 * lq_inbox_apply takes the requests after a given row id, in order, and
 * applies each whole (its messages decoded again from the stored body,
 * with the time it arrived as now) in one write session, together with
 * the counter 'inbox_applied' that says how far the database got. A
 * request its content refuses now (the lead it names changed since it
 * was acknowledged...) is rejected alone: the transaction is rolled back
 * and applied again without it, and the rejection logged. A storage
 * failure rolls everything back and is returned: the rows stay in the
 * inbox for the next attempt.
 */
#ifndef LQ_INBOX_APPLY_H
#define LQ_INBOX_APPLY_H

#include <stdio.h>

#include "service/service.h"
#include "store/inbox.h"

typedef struct lq_inbox_report {
	int64_t last_id;          /* the last row applied or rejected */
	size_t requests;          /* rows applied */
	size_t rejected;          /* rows rejected */
	lq_import_report events;  /* what the applied rows did */
} lq_inbox_report;

/* The id up to which the database has applied the inbox. */
int lq_inbox_applied(lq_service *svc, int64_t *id, lq_error *err);

/* How much one transaction takes: at most rows rows, and no more rows
 * once events events were taken. */
typedef struct lq_inbox_pass {
	size_t rows;
	size_t events;
} lq_inbox_pass;

/* Apply the rows after id after, at most what size says; rep says what
 * was done (and rep->last_id == after when there was nothing).
 * Rejections are written to log (when not NULL), one line each. */
int lq_inbox_apply(lq_service *svc, lq_inbox *ib, int64_t after,
		   lq_inbox_pass size, FILE *log, lq_inbox_report *rep,
		   lq_error *err);

#endif

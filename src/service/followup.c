/*
 * followup.c - what keeps sales honest: notes per cycle, follow-up tasks
 * and the list of what is overdue (the queue of MQLs awaiting sales, best
 * first with the SLA time left, is queue.c).
 */
#include "service/service.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/followup.h"

static int lead_for(lq_service *svc, const char *key, lq_lead *out,
		    lq_error *err)
{
	lq_lead_init(out);
	return lq_service_find_lead(svc, key, out, err);
}

static int check_text(const char *what, const char *text, lq_error *err)
{
	if (!text || !*text)
		return lq_error_set(err, LQ_EINVAL, "the %s is empty", what);
	if (strlen(text) > 16384)
		return lq_error_set(err, LQ_EINVAL, "the %s is longer than 16384 bytes", what);
	return 0;
}

/* A single insert is its own transaction (autocommit). */
int lq_service_note(lq_service *svc, const char *key, const char *actor,
		    const char *text, int64_t *id, lq_error *err)
{
	lq_lead lead;
	int rc = check_text("note", text, err);
	if (rc)
		return rc;
	rc = lead_for(svc, key, &lead, err);
	if (rc == 0) {
		lq_note n = {.lead_id = lead.id, .cycle = lead.cycle, .at = svc->now,
			     .actor = (char *)actor, .text = (char *)text};
		rc = lq_store_note_add(svc->store, &n, err);
		*id = n.id;
	}
	lq_lead_free(&lead);
	return rc;
}

int lq_service_task(lq_service *svc, const char *key, const char *owner,
		    lq_time due, const char *text, int64_t *id, lq_error *err)
{
	lq_lead lead;
	int rc = check_text("task", text, err);
	if (rc)
		return rc;
	rc = lead_for(svc, key, &lead, err);
	if (rc == 0) {
		lq_task t = {.lead_id = lead.id,
			     .owner = (char *)(owner ? owner : lead.owner),
			     .due = due, .text = (char *)text,
			     .created_at = svc->now};
		rc = lq_store_task_add(svc->store, &t, err);
		*id = t.id;
	}
	lq_lead_free(&lead);
	return rc;
}

int lq_service_task_done(lq_service *svc, int64_t id, lq_error *err)
{
	int rc = lq_store_task_done(svc->store, id, svc->now, err);
	if (rc == LQ_ENOTFOUND)
		return lq_error_set(err, LQ_ENOTFOUND, "no task %lld", (long long)id);
	return rc;
}

int lq_service_tasks(lq_service *svc, const char *owner, int overdue_only,
		     lq_task **out, size_t *n, lq_error *err)
{
	lq_task_filter f = {.owner = owner, .open_only = 1,
			    .due_before = overdue_only ? svc->now : 0};
	return lq_store_tasks(svc->store, &f, out, n, err);
}

/* ---- overdue MQLs ---------------------------------------------------------- */

/* The queue itself (lq_service_queue) is in queue.c. */
static void free_queue_row(lq_queue_row *r)
{
	lq_lead_free(&r->row.lead);
	lq_account_free(&r->row.account);
}

static int cmp_late(const void *pa, const void *pb)
{
	const lq_queue_row *a = pa, *b = pb;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	return a->row.lead.id < b->row.lead.id ? -1 : 1;
}

int lq_service_sla(lq_service *svc, const char *owner, lq_sla_report *out,
		   lq_error *err)
{
	lq_queue *q = &out->overdue;
	size_t keep = 0;
	memset(out, 0, sizeof *out);
	lq_queue_query all = {.owner = owner};
	int rc = lq_service_queue(svc, &all, q, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < q->n; i++) {
		if (q->rows[i].due && q->rows[i].due < svc->now) {
			q->rows[keep++] = q->rows[i];
		} else {
			free_queue_row(&q->rows[i]);
		}
	}
	q->n = q->total = keep;
	qsort(q->rows, q->n, sizeof *q->rows, cmp_late);
	rc = lq_service_tasks(svc, owner, 1, &out->tasks, &out->ntasks, err);
	if (rc)
		lq_sla_report_free(out);
	return rc;
}

void lq_sla_report_free(lq_sla_report *r)
{
	lq_queue_free(&r->overdue);
	lq_tasks_free(r->tasks, r->ntasks);
	r->tasks = NULL;
	r->ntasks = 0;
}

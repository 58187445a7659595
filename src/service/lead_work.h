/*
 * lead_work.h - a lead being changed by a write operation: its records, its
 * fit, its incremental engagement state and its clock, kept in memory while
 * the operation runs and written back once at the end (or when the working
 * set grows too large). Private to src/service/.
 *
 * The lead's clock is the time of the newest thing that happened to it
 * (created, or its latest event), never later than the service's now.
 * Automatic stage changes are evaluated and recorded at that time, so a
 * history file replayed in order reproduces when each lead qualified.
 */
#ifndef LQ_LEAD_WORK_H
#define LQ_LEAD_WORK_H

#include "core/imap.h"
#include "engine/engagement.h"
#include "engine/fit.h"
#include "service/service.h"

typedef struct lq_lead_work {
	lq_lead lead;
	lq_account account;
	int has_account;
	lq_fit_result fit;
	lq_engagement eng;
	lq_time clock;
	int lead_dirty;
	int score_dirty;
} lq_lead_work;

/* Load lead id with its account and scoring state. When the cached state
 * is missing or from another model version, it is rebuilt from the lead's
 * events. Caller frees with lq_work_free. */
int lq_work_load(lq_service *svc, int64_t lead_id, lq_lead_work **out,
		 lq_error *err);

/* Start the work for a lead just stored (lead->id set, no events yet).
 * Takes lead and account (may be NULL): the work owns their fields now and
 * they are left empty. */
lq_lead_work *lq_work_new(lq_service *svc, lq_lead *lead,
			  lq_account *account);

/* Rebuild the engagement state from stored events (a rescore): on a new
 * work (lq_work_new, nothing counted yet), replay every event of the
 * lead, oldest first. Events before the lead's engagement_since do not
 * count. Only reads svc (its model and now): a reading thread may replay
 * while another writes. */
void lq_work_replay_event(lq_service *svc, lq_lead_work *w,
			  const lq_event *ev);

/* Recompute fit after the profile changed. */
void lq_work_refit(lq_service *svc, lq_lead_work *w);

/* Count a stored event, then apply automatic stage changes. */
int lq_work_add_event(lq_service *svc, lq_lead_work *w, const lq_event *ev,
		      size_t *stage_changes, lq_error *err);

/* Apply automatic stage changes, evaluating engagement at `at` and
 * recording the change at that time (event may be NULL). */
int lq_work_check_stage(lq_service *svc, lq_lead_work *w,
			const lq_event *ev, lq_time at,
			size_t *stage_changes, lq_error *err);

/* Record imported history: history row, stage and stage time; no
 * routing, no alerts (history is not news). */
int lq_work_import_stage(lq_service *svc, lq_lead_work *w, lq_stage to,
			 lq_time at, const char *actor, const char *reason,
			 lq_error *err);

/* Record a live stage change: history row, stage and its time, a new
 * cycle and routing on entering mql, engagement reset on entering nurture
 * when the model says so, and the alerts (outbox rows). The caller has
 * checked the transition is allowed. */
int lq_work_set_stage(lq_service *svc, lq_lead_work *w, lq_stage to,
		      lq_time at, const char *actor, const char *reason,
		      lq_error *err);

/* Write lead and score back when changed. */
int lq_work_save(lq_service *svc, lq_lead_work *w, lq_error *err);

void lq_work_free(lq_lead_work *w);

/* A set of works keyed by lead id, flushed to the store in bulk. */
typedef struct lq_workset {
	lq_imap map;
	size_t limit;     /* flush when this many leads are held */
} lq_workset;

void lq_workset_init(lq_workset *ws, size_t limit);
/* The work for lead_id, loaded on first use. */
int lq_workset_get(lq_service *svc, lq_workset *ws, int64_t lead_id,
		   lq_lead_work **out, lq_error *err);
void lq_workset_adopt(lq_workset *ws, lq_lead_work *w);
/* Make room for n more works: flush first when they would pass the
 * limit, so that the next n lq_workset_get calls evict nothing (the
 * works they return stay valid together). */
int lq_workset_reserve(lq_service *svc, lq_workset *ws, size_t n,
		       lq_error *err);
/* Save every held lead and forget them. */
int lq_workset_flush(lq_service *svc, lq_workset *ws, lq_error *err);
/* Forget without saving (after a rollback). */
void lq_workset_free(lq_workset *ws);

#endif

/*
 * lifecycle.c - the sales actions: accept, reject, qualify (BANT), record
 * an opportunity (SQO), won, lost. Each is one transaction: load the lead,
 * check the transition against the stage machine, record answers and the
 * change (history, alerts), write back.
 */
#include "service/service.h"

#include <stdlib.h>
#include <string.h>

#include "engine/checklist.h"
#include "engine/stage_machine.h"
#include "service/lead_work.h"

/* The common frame: open a transaction, load the lead, run fn, save,
 * commit (or roll everything back). */
typedef int (*action_fn)(lq_service *svc, lq_lead_work *w, void *arg,
			 lq_error *err);

static int run_action(lq_service *svc, const char *key, action_fn fn,
		      void *arg, lq_error *err)
{
	lq_lead_work *w = NULL;
	int64_t id;
	int rc = lq_service_find_lead_id(svc, key, &id, err);

	if (rc)
		return rc;
	rc = lq_store_begin(svc->store, err);
	if (rc)
		return rc;
	rc = lq_work_load(svc, id, &w, err);
	if (rc == 0)
		rc = fn(svc, w, arg, err);
	if (rc == 0)
		rc = lq_work_save(svc, w, err);
	if (rc == 0)
		rc = lq_store_commit(svc->store, err);
	if (rc) {
		lq_store_rollback(svc->store);
		svc->webhooks_loaded = 0;
	}
	lq_work_free(w);
	return rc;
}

static int need_text(const char *what, const char *text, lq_error *err)
{
	if (!text || !*text)
		return lq_error_set(err, LQ_EINVAL, "a %s is required", what);
	if (strlen(text) > 4096)
		return lq_error_set(err, LQ_EINVAL, "the %s is longer than 4096 bytes", what);
	return 0;
}

/* Check and make a live transition. */
static int move(lq_service *svc, lq_lead_work *w, lq_stage to,
		const char *actor, const char *reason, lq_error *err)
{
	int rc = lq_stage_check(w->lead.stage, to, err);
	if (rc)
		return rc;
	return lq_work_set_stage(svc, w, to, svc->now, actor, reason, err);
}

typedef struct accept_arg {
	const char *actor, *owner;
} accept_arg;

static int do_accept(lq_service *svc, lq_lead_work *w, void *arg, lq_error *err)
{
	accept_arg *a = arg;
	if (a->owner) {
		free(w->lead.owner);
		w->lead.owner = lq_xstrdup(a->owner);
	}
	return move(svc, w, LQ_STAGE_SAL, a->actor, NULL, err);
}

int lq_service_accept(lq_service *svc, const char *key, const char *actor,
		      const char *owner, lq_error *err)
{
	accept_arg a = {actor, owner};
	if (owner && (!*owner || strlen(owner) > 128))
		return lq_error_set(err, LQ_EINVAL, "owner must be 1 to 128 bytes");
	return run_action(svc, key, do_accept, &a, err);
}

typedef struct reason_arg {
	const char *actor, *reason;
	lq_stage to;
	unsigned from_mask;     /* stages this action starts from */
	const char *verb;       /* "reject" */
	const char *rule;       /* "only mql and sal leads can be rejected" */
} reason_arg;

static int do_reason_move(lq_service *svc, lq_lead_work *w, void *arg,
			  lq_error *err)
{
	reason_arg *a = arg;
	if (!(a->from_mask & (1u << w->lead.stage)))
		return lq_error_set(err, LQ_ECONFLICT,
				    "cannot %s a lead in %s (%s)", a->verb,
				    lq_stage_name(w->lead.stage), a->rule);
	return move(svc, w, a->to, a->actor, a->reason, err);
}

int lq_service_reject(lq_service *svc, const char *key, const char *actor,
		      const char *reason, int disqualify, lq_error *err)
{
	reason_arg a = {actor, reason,
			disqualify ? LQ_STAGE_DISQUALIFIED : LQ_STAGE_NURTURE,
			(1u << LQ_STAGE_MQL) | (1u << LQ_STAGE_SAL),
			"reject", "only mql and sal leads can be rejected"};
	int rc = need_text("reason", reason, err);
	return rc ? rc : run_action(svc, key, do_reason_move, &a, err);
}

int lq_service_lost(lq_service *svc, const char *key, const char *actor,
		    const char *reason, lq_error *err)
{
	reason_arg a = {actor, reason, LQ_STAGE_LOST,
			(1u << LQ_STAGE_SAL) | (1u << LQ_STAGE_SQL) | (1u << LQ_STAGE_SQO),
			"mark as lost", "only sal, sql and sqo leads can be lost"};
	int rc = need_text("reason", reason, err);
	return rc ? rc : run_action(svc, key, do_reason_move, &a, err);
}

/* ---- checklists ----------------------------------------------------------- */

typedef struct checklist_arg {
	const char *actor;
	const lq_answer_in *answers;
	size_t n;
	lq_stage from, to;       /* sal -> sql, or sql -> sqo */
	int sqo;                 /* which checklist */
	lq_checklist_result *res;
} checklist_arg;

static int record_answers(lq_service *svc, lq_lead_work *w,
			  const checklist_arg *a, lq_error *err)
{
	for (size_t i = 0; i < a->n; i++) {
		lq_answer ans = {.item = (char *)lq_check_item(a->answers[i].item),
				 .value = (char *)a->answers[i].value,
				 .at = svc->now, .actor = (char *)a->actor};
		int rc = lq_store_answer_set(svc->store, w->lead.id, w->lead.cycle,
					     &ans, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* What the lead's current cycle still lacks for the checklist. */
static int missing_items(lq_service *svc, lq_lead_work *w,
			 const checklist_arg *a, lq_error *err)
{
	lq_answer *ans = NULL;
	size_t n = 0;
	char *const *req = a->sqo ? svc->model->sqo_requires : svc->model->sql_requires;
	size_t nreq = a->sqo ? svc->model->nsqo_requires : svc->model->nsql_requires;
	int rc = lq_store_answers(svc->store, w->lead.id, w->lead.cycle, &ans, &n, err);
	if (rc)
		return rc;
	lq_check_answer *view = lq_xcalloc(n ? n : 1, sizeof *view);
	for (size_t i = 0; i < n; i++)
		view[i] = (lq_check_answer){ans[i].item, ans[i].value};
	a->res->nmissing = lq_check_missing(req, nreq, view, n, a->res->missing,
					    sizeof a->res->missing);
	free(view);
	lq_answers_free(ans, n);
	return 0;
}

static int do_checklist(lq_service *svc, lq_lead_work *w, void *arg,
			lq_error *err)
{
	checklist_arg *a = arg;
	lq_stage s = w->lead.stage;
	int rc;
	if (s != a->from && s != a->to && !(a->sqo == 0 && s == LQ_STAGE_SQO)) {
		char next[160];
		lq_stage_next_names(s, next, sizeof next);
		return lq_error_set(err, LQ_ECONFLICT,
				    "%s answers need the lead in %s, it is %s (allowed next stages from %s: %s)",
				    a->sqo ? "opportunity" : "qualification",
				    lq_stage_name(a->from), lq_stage_name(s),
				    lq_stage_name(s), next);
	}
	rc = record_answers(svc, w, a, err);
	if (rc == 0)
		rc = missing_items(svc, w, a, err);
	if (rc == 0 && s == a->from && a->res->nmissing == 0) {
		rc = move(svc, w, a->to, a->actor, NULL, err);
		a->res->moved = rc == 0;
	}
	a->res->stage = w->lead.stage;
	return rc;
}

static int check_answers(const lq_answer_in *answers, size_t n, int sqo,
			 lq_error *err)
{
	if (n == 0)
		return lq_error_set(err, LQ_EINVAL, "no answers given");
	for (size_t i = 0; i < n; i++) {
		const char *item = lq_check_item(answers[i].item);
		int is_sqo = item && (!strcmp(item, "buy_cycle") || !strcmp(item, "influencer") ||
				      !strcmp(item, "time_frame") || !strcmp(item, "opportunity_size") ||
				      !strcmp(item, "follow_up"));
		if (!item || is_sqo != sqo)
			return lq_error_set(err, LQ_EINVAL, "'%s' is not a%s item (%s)",
					    answers[i].item, sqo ? "n opportunity" : " qualification",
					    sqo ? "buy_cycle, influencer, time_frame, opportunity_size, follow_up"
						: "budget, authority, need, timing; money, urgency");
		int rc = lq_check_value(item, answers[i].value, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int run_checklist(lq_service *svc, const char *key, checklist_arg *a,
			 lq_error *err)
{
	memset(a->res, 0, sizeof *a->res);
	if (!svc->model)
		return lq_error_set(err, LQ_ECONFLICT, "no model applied yet (leadq model apply FILE)");
	int rc = check_answers(a->answers, a->n, a->sqo, err);
	return rc ? rc : run_action(svc, key, do_checklist, a, err);
}

int lq_service_qualify(lq_service *svc, const char *key, const char *actor,
		       const lq_answer_in *answers, size_t n,
		       lq_checklist_result *res, lq_error *err)
{
	checklist_arg a = {actor, answers, n, LQ_STAGE_SAL, LQ_STAGE_SQL, 0, res};
	return run_checklist(svc, key, &a, err);
}

int lq_service_opportunity(lq_service *svc, const char *key,
			   const char *actor, const lq_answer_in *answers,
			   size_t n, lq_checklist_result *res, lq_error *err)
{
	checklist_arg a = {actor, answers, n, LQ_STAGE_SQL, LQ_STAGE_SQO, 1, res};
	return run_checklist(svc, key, &a, err);
}

typedef struct won_arg {
	const char *actor, *amount;
} won_arg;

static int do_won(lq_service *svc, lq_lead_work *w, void *arg, lq_error *err)
{
	won_arg *a = arg;
	if (a->amount) {
		lq_answer ans = {.item = "won_amount", .value = (char *)a->amount,
				 .at = svc->now, .actor = (char *)a->actor};
		int rc = lq_store_answer_set(svc->store, w->lead.id, w->lead.cycle,
					     &ans, err);
		if (rc)
			return rc;
	}
	return move(svc, w, LQ_STAGE_WON, a->actor, NULL, err);
}

int lq_service_won(lq_service *svc, const char *key, const char *actor,
		   const char *amount, lq_error *err)
{
	won_arg a = {actor, amount};
	double x;
	if (amount && (lq_parse_number(amount, &x) || x < 0))
		return lq_error_set(err, LQ_EINVAL, "amount must be a number >= 0, not '%s'", amount);
	return run_action(svc, key, do_won, &a, err);
}

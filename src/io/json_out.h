/*
 * json_out.h - leads, listings, explanations, queues and tasks as JSON, the
 * one rendering both front ends use (`leadq ... --format json` and the
 * HTTP API answer the same documents). Appends to an lq_buf.
 */
#ifndef LQ_JSON_OUT_H
#define LQ_JSON_OUT_H

#include "core/buf.h"
#include "service/service.h"

void lq_json_lead(lq_buf *b, const lq_lead *l);
void lq_json_account(lq_buf *b, const lq_account *a);
void lq_json_explanation(lq_buf *b, const lq_explanation *x);
/* {"lead":..., "account":..., "history":[...], "events":[...],
 *  "checklist":{...}, "notes":[...], "tasks":[...], "model":...,
 *  "explanation":...}; without full only lead, model and explanation. */
void lq_json_lead_detail(lq_buf *b, const lq_lead_detail *d, int full);
/* {"total":N,"leads":[{"lead":...,"account":...,"score":...}]} */
void lq_json_lead_list(lq_buf *b, const lq_lead_list *l);
/* {"total":N,"leads":[{"lead":...,"owner":...,"grade":...,"sla_due":...}]} */
void lq_json_queue(lq_buf *b, const lq_queue *q, lq_time now);
/* {"tasks":[...]} */
void lq_json_tasks(lq_buf *b, const lq_task *t, size_t n, lq_time now);

#endif

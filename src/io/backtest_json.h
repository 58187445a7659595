/*
 * backtest_json.h - a backtest result as JSON, the document both
 * `leadq backtest --format json` and POST /api/backtest answer:
 *
 *   {"from":ISO|null,"to":ISO|null,"capacity":N|null,"leads":N,
 *    "events_read":N,"events_replayed":N,
 *    "models":[{"label":"base"|"vs","file":"...","name":"...",
 *               "totals":{STATS,"threshold":X|null (with capacity)},
 *               "weeks":[{"week":"2026-W11","start":ISO,STATS}...]}]}
 *
 *   STATS: [candidates,] mqls, [cutoff,] to_sql, to_won, precision_sql,
 *   precision_won, won, caught, [caught_uncapped,] recall,
 *   [recall_uncapped,] median_lead_days  (bracketed: with capacity only;
 *   ratios as fractions, null when undefined)
 */
#ifndef LQ_BACKTEST_JSON_H
#define LQ_BACKTEST_JSON_H

#include "core/buf.h"
#include "service/service.h"

void lq_backtest_json(lq_buf *b, const lq_backtest_request *rq,
		      const lq_backtest_result *res);

#endif

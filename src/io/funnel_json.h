/*
 * funnel_json.h - a funnel report as JSON, the one document both front
 * ends serve (`leadq funnel --format json` and the HTTP API), plus the
 * number formatting the CLI's CSV shares with it. Appends to an lq_buf;
 * computes nothing (the numbers are the engine's).
 *
 * {"cohort":"mql", "from":null|"ISO", "to":null|"ISO",
 *  "by":null|"source", "trend":null|"week"|"month",
 *  "stages":["mql","sal","sql","sqo","won"],
 *  "total":ROW, "groups":[ROW...], "notes":["..."]}
 * ROW = {"group":"organic_search", "period":null|"2018-W09",
 *  "entries":N, "leads":N,
 *  "reached":{"mql":N,...,"won":N},
 *  "outcomes":{"won":N,"lost":N,"nurture":N,"disqualified":N,"open":N},
 *  "conversion":{"mql_sal":0.118,...,"mql_won":..,"mql_sql":..,
 *                "entry_won":..},            fractions, null when 0/0
 *  "days":{"mql_sal":STAT,...,"entry_won":STAT}}
 * STAT = {"n":N,"median":12.5,"p90":40.25,"left_out":N}   days, null
 *  when n is 0; left_out: durations below zero not counted.
 */
#ifndef LQ_FUNNEL_JSON_H
#define LQ_FUNNEL_JSON_H

#include <stddef.h>

#include "core/buf.h"
#include "service/service.h"

void lq_funnel_json(lq_buf *b, const lq_funnel_report *r);

/* v with at most 4 decimals, trailing zeros dropped ("0.118", "1", "0");
 * "" when v is NAN. */
void lq_funnel_fmt(double v, char *out, size_t outsz);
/* Milliseconds as days. */
double lq_funnel_days(double ms);

#endif

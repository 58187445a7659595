/*
 * lead.h - the domain records: account (company), lead (person) and event
 * (something a lead did). Plain data, owned strings, _free releases them.
 *
 * Numbers that may be unknown (employees, revenue...) are NAN when absent;
 * strings are NULL when absent.
 */
#ifndef LQ_LEAD_H
#define LQ_LEAD_H

#include <stdint.h>

#include "core/error.h"
#include "core/stage.h"
#include "core/time.h"
#include "core/value.h"

typedef struct lq_account {
	int64_t id;          /* 0 until stored */
	char *domain;        /* lowercase, the account's key */
	char *name;
	char *industry;
	double employees;    /* NAN when unknown */
	double revenue;      /* annual revenue; NAN when unknown */
	double traffic;      /* monthly web visits; NAN when unknown */
	double ad_spend;     /* monthly ad spend; NAN when unknown */
	lq_value tech;       /* LQ_V_LIST of technology names, or absent */
	lq_attrs attrs;      /* custom account attributes (account.attr.X) */
} lq_account;

typedef struct lq_lead {
	int64_t id;          /* 0 until stored */
	int64_t account_id;  /* 0 when none */
	char *external_id;   /* id in the source system (CRM, Olist mql_id) */
	char *email;         /* lowercase */
	char *email_domain;  /* derived from email, lowercase */
	char *first_name;
	char *last_name;
	char *title;
	char *seniority;
	char *department;
	char *country;
	char *source;        /* channel the lead came through */
	lq_time created_at;  /* 0 when unknown */
	lq_stage stage;
	lq_time stage_at;    /* when the current stage was entered, 0 unknown */
	char *owner;         /* sales rep the lead is routed to, NULL none */
	int cycle;           /* times the lead (re-)entered mql: 0 before the
				first, 1 for the first cycle, 2 after a recycle */
	lq_time engagement_since; /* events before this time do not count
				(on_recycle: reset_engagement), 0 = all */
	lq_attrs attrs;      /* custom attributes (attr.X) */
} lq_lead;

typedef struct lq_event {
	int64_t id;          /* 0 until stored */
	int64_t lead_id;
	char *msg_id;        /* de-duplication key from the sender, may be NULL */
	char *type;          /* page_view, content_download, demo_request... */
	lq_time at;
	lq_attrs props;      /* properties: url, seconds... (event.X) */
	char *props_json;    /* props as the JSON text they were decoded from,
				when the decoder kept it (stored as is, see
				event_record.c); NULL: encoded from props */
} lq_event;

void lq_account_init(lq_account *a);
void lq_account_free(lq_account *a);   /* releases fields, not a itself */
void lq_lead_init(lq_lead *l);
void lq_lead_free(lq_lead *l);
void lq_event_init(lq_event *e);
void lq_event_free(lq_event *e);
/* LQ_EINVAL naming the first property that is not a finite number. */
int lq_event_props_check(const lq_event *e, lq_error *err);

/* Lowercased domain part of an email ("ana@Acme.io" -> "acme.io"), or NULL
 * when email has no '@'. Caller frees. */
char *lq_email_domain(const char *email);
/* True when s looks like an email address (one '@', text on both sides,
 * a dot in the domain). */
int lq_looks_like_email(const char *s);
/* Lowercase s in place (ASCII). */
void lq_str_lower(char *s);

#endif

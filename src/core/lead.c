/*
 * lead.c - init/free for accounts, leads and events, and email helpers.
 */
#include "core/lead.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

void lq_account_init(lq_account *a)
{
	memset(a, 0, sizeof *a);
	a->employees = a->revenue = a->traffic = a->ad_spend = NAN;
}

void lq_account_free(lq_account *a)
{
	if (!a)
		return;
	free(a->domain);
	free(a->name);
	free(a->industry);
	lq_value_free(&a->tech);
	lq_attrs_free(&a->attrs);
	lq_account_init(a);
}

void lq_lead_init(lq_lead *l)
{
	memset(l, 0, sizeof *l);
	l->stage = LQ_STAGE_LEAD;
}

void lq_lead_free(lq_lead *l)
{
	if (!l)
		return;
	char **strs[] = {&l->external_id, &l->email, &l->email_domain,
			 &l->first_name, &l->last_name, &l->title,
			 &l->seniority, &l->department, &l->country,
			 &l->source, &l->owner};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	lq_attrs_free(&l->attrs);
	lq_lead_init(l);
}

void lq_event_init(lq_event *e)
{
	memset(e, 0, sizeof *e);
}

void lq_event_free(lq_event *e)
{
	if (!e)
		return;
	free(e->msg_id);
	free(e->type);
	lq_attrs_free(&e->props);
	free(e->props_json);
	lq_event_init(e);
}

void lq_str_lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

char *lq_email_domain(const char *email)
{
	const char *at = email ? strrchr(email, '@') : NULL;
	if (!at || !at[1])
		return NULL;
	char *d = lq_xstrdup(at + 1);
	lq_str_lower(d);
	return d;
}

int lq_looks_like_email(const char *s)
{
	const char *at = s ? strchr(s, '@') : NULL;
	if (!at || at == s || strchr(at + 1, '@'))
		return 0;
	const char *dot = strchr(at + 1, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return 0;
	for (const char *p = s; *p; p++)
		if (isspace((unsigned char)*p) || *p == ',' || *p == '<' ||
		    *p == '>')
			return 0;
	return 1;
}

int lq_event_props_check(const lq_event *e, lq_error *err)
{
	for (size_t i = 0; i < e->props.n; i++)
		if (!lq_value_finite(&e->props.items[i].val))
			return lq_error_set(err, LQ_EINVAL, "attribute %s is not "
					    "a finite number",
					    e->props.items[i].key);
	return 0;
}

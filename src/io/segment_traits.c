/*
 * segment_traits.c - Segment identify and group traits into an
 * lq_lead_input: known traits (email, firstName, company.employees...)
 * into lead and account fields through the tables below, everything else
 * into custom attributes. Also the website -> domain rule. Parsing and
 * normalising only: no lookups.
 */
#include "io/segment_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "io/record_util.h"

enum kind {
	K_STR,     /* trimmed text */
	K_EMAIL,   /* validated, lowercased */
	K_TIME,    /* ISO 8601 */
	K_NUM,     /* number or numeric text */
	K_DOMAIN,  /* a domain or website, reduced to the domain */
	K_TECH,    /* array of names or "a;b" */
};

struct trait {
	const char *key;   /* as Segment spells it (case-sensitive) */
	enum kind kind;
	size_t off;        /* slot in lq_lead or lq_account */
};

#define LEAD(f) offsetof(lq_lead, f)
#define ACC(f) offsetof(lq_account, f)

static const struct trait lead_traits[] = {
	{"email", K_EMAIL, LEAD(email)},
	{"firstName", K_STR, LEAD(first_name)},
	{"first_name", K_STR, LEAD(first_name)},
	{"lastName", K_STR, LEAD(last_name)},
	{"last_name", K_STR, LEAD(last_name)},
	{"title", K_STR, LEAD(title)},
	{"seniority", K_STR, LEAD(seniority)},
	{"department", K_STR, LEAD(department)},
	{"country", K_STR, LEAD(country)},
	{"source", K_STR, LEAD(source)},
	{"createdAt", K_TIME, LEAD(created_at)},
	{"created_at", K_TIME, LEAD(created_at)},
	{NULL, K_STR, 0},
};

static const struct trait account_traits[] = {
	{"name", K_STR, ACC(name)},
	{"domain", K_DOMAIN, ACC(domain)},
	{"website", K_DOMAIN, ACC(domain)},
	{"industry", K_STR, ACC(industry)},
	{"employees", K_NUM, ACC(employees)},
	{"employee_count", K_NUM, ACC(employees)},
	{"employeeCount", K_NUM, ACC(employees)},
	{"revenue", K_NUM, ACC(revenue)},
	{"annual_revenue", K_NUM, ACC(revenue)},
	{"annualRevenue", K_NUM, ACC(revenue)},
	{"traffic", K_NUM, ACC(traffic)},
	{"ad_spend", K_NUM, ACC(ad_spend)},
	{"tech", K_TECH, ACC(tech)},
	{"technologies", K_TECH, ACC(tech)},
	{NULL, K_STR, 0},
};

/* ---- website -> domain ---- */

/* Just past "scheme://" (or "//") at the start of s, else s. */
static const char *after_scheme(const char *s)
{
	const char *p = s;

	if (s[0] == '/' && s[1] == '/')
		return s + 2;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return p > s && strncmp(p, "://", 3) == 0 ? p + 3 : s;
}

static int valid_domain(const char *d)
{
	if (!*d || !strchr(d, '.') || *d == '.' || *d == '-')
		return 0;
	for (; *d; d++)
		if (!isalnum((unsigned char)*d) && *d != '-' && *d != '.')
			return 0;
	return 1;
}

char *lq_segment_domain(const char *website)
{
	const char *p, *end, *at;
	char *d;

	if (!website)
		return NULL;
	while (isspace((unsigned char)*website))
		website++;
	p = after_scheme(website);
	end = p + strcspn(p, "/?#");
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	at = memrchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (end - p > 4 && strncasecmp(p, "www.", 4) == 0 &&
	    memchr(p + 4, '.', (size_t)(end - p - 4)))
		p += 4;
	d = lq_xstrndup(p, (size_t)(end - p));
	d[strcspn(d, ":")] = '\0';
	size_t n = strlen(d);
	if (n && d[n - 1] == '.')
		d[n - 1] = '\0';
	lq_str_lower(d);
	if (!valid_domain(d)) {
		free(d);
		return NULL;
	}
	return d;
}

/* ---- setting one trait ---- */

static int is_set(const void *slot, enum kind k)
{
	switch (k) {
	case K_NUM: return !isnan(*(const double *)slot);
	case K_TIME: return *(const lq_time *)slot != 0;
	case K_TECH: return ((const lq_value *)slot)->kind != LQ_V_ABSENT;
	default: return *(char *const *)slot != NULL;
	}
}

static int set_num(const cJSON *v, const char *field, double *out,
		   lq_error *err)
{
	char *s;
	int rc;

	if (cJSON_IsNumber(v)) {
		*out = v->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(v))
		return lq_rec_fail(err, field, "%s: expected a number", field);
	if ((rc = lq_rec_str(field, v->valuestring, LQ_REC_MAX_STR, &s, err)) || !s)
		return rc;
	if (lq_parse_number(s, out) != 0)
		rc = lq_rec_fail(err, field, "%s: '%.64s' is not a number", field, s);
	free(s);
	return rc;
}

static int set_tech(const cJSON *v, const char *field, lq_value *out,
		    lq_error *err)
{
	lq_value list = LQ_VALUE_ABSENT;
	const cJSON *it;

	if (cJSON_IsString(v))
		list = lq_value_list_split(v->valuestring, ';');
	else if (!cJSON_IsArray(v))
		return lq_rec_fail(err, field, "%s: expected a list of names", field);
	for (it = cJSON_IsArray(v) ? v->child : NULL; it; it = it->next) {
		if (!cJSON_IsString(it)) {
			lq_value_free(&list);
			return lq_rec_fail(err, field, "%s: list items must be "
					   "strings", field);
		}
		char *s;
		if (lq_rec_str(field, it->valuestring, LQ_REC_MAX_STR, &s, err)) {
			lq_value_free(&list);
			return LQ_EINVAL;
		}
		if (s)
			lq_value_list_push(&list, lq_value_str(s));
		free(s);
	}
	if (list.kind == LQ_V_LIST && list.n > LQ_LEADREC_MAX_LIST) {
		lq_value_free(&list);
		return lq_rec_fail(err, field, "%s: more than %d items", field,
				   LQ_LEADREC_MAX_LIST);
	}
	*out = list;
	return 0;
}

/* Text kinds: string, email, time, domain. */
static int set_text(const cJSON *v, enum kind k, const char *field,
		    void *slot, lq_error *err)
{
	char *s;
	int rc;

	if (k == K_TIME && !cJSON_IsString(v))
		return lq_rec_fail(err, field, "%s: expected an ISO 8601 time "
				   "string", field);
	if ((rc = lq_seg_text(v, field, LQ_REC_MAX_STR, &s, err)) || !s)
		return rc;
	if (k == K_TIME) {
		rc = lq_rec_time(field, s, NULL, slot, err);
	} else if (k == K_DOMAIN) {
		if (!(*(char **)slot = lq_segment_domain(s)))
			rc = lq_rec_fail(err, field, "%s: '%.64s' is not a web "
					 "address", field, s);
	} else if (k == K_EMAIL && !lq_looks_like_email(s)) {
		rc = lq_rec_fail(err, field, "%s: invalid email '%.128s'", field, s);
	} else {
		if (k == K_EMAIL)
			lq_str_lower(s);
		*(char **)slot = s;
		s = NULL;
	}
	free(s);
	return rc;
}

/* Set the trait t of base from v unless already set (the first spelling
 * given wins). *set is 1 when a value was stored. */
static int set_trait(const struct trait *t, void *base, const cJSON *v,
		     const char *prefix, int *set, lq_error *err)
{
	void *slot = (char *)base + t->off;
	char field[64];
	int rc;

	*set = 0;
	if (cJSON_IsNull(v) || is_set(slot, t->kind))
		return 0;
	snprintf(field, sizeof field, "%s.%s", prefix, t->key);
	if (t->kind == K_NUM)
		rc = set_num(v, field, slot, err);
	else if (t->kind == K_TECH)
		rc = set_tech(v, field, slot, err);
	else
		rc = set_text(v, t->kind, field, slot, err);
	*set = rc == 0 && is_set(slot, t->kind);
	return rc;
}

static const struct trait *find(const struct trait *table, const char *key)
{
	for (; key && table->key; table++)
		if (strcmp(table->key, key) == 0)
			return table;
	return NULL;
}

/* ---- objects of traits ---- */

/* Known keys of obj into base through table; the others (and not
 * skip-listed) into attrs, flattened. *any is set when a field was set. */
static int apply(const cJSON *obj, const struct trait *table, void *base,
		 const char *prefix, const char *const *skip, lq_attrs *attrs,
		 int *any, lq_error *err)
{
	cJSON *rest = cJSON_CreateObject();
	const cJSON *it;
	int rc = 0, set;

	cJSON_ArrayForEach(it, obj) {
		const struct trait *t = find(table, it->string);
		int skipped = 0;
		for (size_t i = 0; skip && skip[i] && !skipped; i++)
			skipped = it->string && strcmp(it->string, skip[i]) == 0;
		if (t) {
			if ((rc = set_trait(t, base, it, prefix, &set, err)))
				break;
			*any |= set;
		} else if (!skipped && it->string) {
			cJSON_AddItemReferenceToObject(rest, it->string, (cJSON *)it);
		}
	}
	if (rc == 0 && rest->child) {
		size_t before = attrs->n;
		lq_attrs_from_cjson(rest, attrs);
		*any |= attrs->n > before;
	}
	cJSON_Delete(rest);
	return rc;
}

static int company(const cJSON *v, lq_lead_input *in, lq_error *err)
{
	lq_account *acc = &in->account;

	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v) || cJSON_IsNumber(v)) {
		int set, rc = set_trait(&account_traits[0], acc, v, "traits.company",
					&set, err);
		in->has_account |= set;
		return rc;
	}
	if (!cJSON_IsObject(v))
		return lq_rec_fail(err, "traits.company", "traits.company: expected "
				   "an object or a name");
	return apply(v, account_traits, acc, "traits.company", NULL, &acc->attrs,
		     &in->has_account, err);
}

/* "Ana Lopez Garcia" -> first "Ana", last "Lopez Garcia". */
static int split_name(const cJSON *v, lq_lead *lead, lq_error *err)
{
	char *s, *space;
	int rc;

	if (lead->first_name || lead->last_name)
		return 0;
	if ((rc = lq_seg_text(v, "traits.name", LQ_REC_MAX_STR, &s, err)) || !s)
		return rc;
	space = strpbrk(s, " \t");
	if (space) {
		*space = '\0';
		lq_rec_str("traits.name", space + 1, LQ_REC_MAX_STR,
			   &lead->last_name, err);
	}
	lead->first_name = s;
	return 0;
}

static int address_country(const cJSON *v, lq_lead *lead, lq_error *err)
{
	static const struct trait country = {"address.country", K_STR,
					     LEAD(country)};
	int set;

	if (!cJSON_IsObject(v) || !cJSON_GetObjectItemCaseSensitive(v, "country"))
		return 0;
	return set_trait(&country, lead, cJSON_GetObjectItemCaseSensitive(v, "country"),
			 "traits", &set, err);
}

int lq_seg_identify_traits(const cJSON *traits, lq_lead_input *in,
			   lq_error *err)
{
	static const char *const skip[] = {"company", "name", NULL};
	int any = 0, rc;

	if (!traits)
		return 0;
	rc = apply(traits, lead_traits, &in->lead, "traits", skip,
		   &in->lead.attrs, &any, err);
	if (rc == 0)
		rc = company(cJSON_GetObjectItemCaseSensitive(traits, "company"), in, err);
	if (rc == 0)
		rc = split_name(cJSON_GetObjectItemCaseSensitive(traits, "name"),
				&in->lead, err);
	if (rc == 0)
		rc = address_country(cJSON_GetObjectItemCaseSensitive(traits, "address"),
				     &in->lead, err);
	if (rc == 0 && in->lead.email)
		in->lead.email_domain = lq_email_domain(in->lead.email);
	return rc;
}

int lq_seg_group_traits(const cJSON *traits, lq_lead_input *in,
			lq_error *err)
{
	if (!traits)
		return 0;
	return apply(traits, account_traits, &in->account, "traits", NULL,
		     &in->account.attrs, &in->has_account, err);
}

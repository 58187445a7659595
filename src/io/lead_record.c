/*
 * lead_record.c - one lead from a CSV row or an NDJSON line.
 *
 * Both paths resolve a source name (after --map) to a row of the field
 * table below and then share the setters, so CSV and JSON accept the same
 * fields with the same checks. Parsing and normalising only: no lookups,
 * no scoring, no stage rules.
 */
#include "io/lead_record.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "io/record_util.h"

#define JSON_MAX_DEPTH 8
#define ATTR_NAME_MAX 128

enum ftype {
	FT_STR,     /* text, trimmed */
	FT_EMAIL,   /* validated, lowercased */
	FT_DOMAIN,  /* lowercased */
	FT_NUM,     /* double, NAN when absent */
	FT_TECH,    /* list of names */
	FT_TIME,    /* lq_time, parsed with date_fmt */
	FT_STAGE,   /* canonical stage name */
	FT_ATTR,    /* custom attribute: the name follows the prefix */
};

enum owner { OWN_LEAD, OWN_ACCOUNT, OWN_INPUT };

struct field_def {
	const char *name;   /* a prefix ending in '.' for FT_ATTR */
	enum ftype type;
	enum owner owner;
	size_t off;         /* offset of the slot in its owner */
};

#define LEAD(f) OWN_LEAD, offsetof(lq_lead, f)
#define ACC(f) OWN_ACCOUNT, offsetof(lq_account, f)

static const struct field_def fields[] = {
	{"external_id", FT_STR, LEAD(external_id)},
	{"id", FT_STR, LEAD(external_id)},
	{"email", FT_EMAIL, LEAD(email)},
	{"first_name", FT_STR, LEAD(first_name)},
	{"last_name", FT_STR, LEAD(last_name)},
	{"title", FT_STR, LEAD(title)},
	{"seniority", FT_STR, LEAD(seniority)},
	{"department", FT_STR, LEAD(department)},
	{"country", FT_STR, LEAD(country)},
	{"source", FT_STR, LEAD(source)},
	{"created_at", FT_TIME, LEAD(created_at)},
	{"stage", FT_STAGE, OWN_INPUT, offsetof(lq_lead_input, stage)},
	{"account.domain", FT_DOMAIN, ACC(domain)},
	{"account.name", FT_STR, ACC(name)},
	{"account.employees", FT_NUM, ACC(employees)},
	{"account.revenue", FT_NUM, ACC(revenue)},
	{"account.industry", FT_STR, ACC(industry)},
	{"account.tech", FT_TECH, ACC(tech)},
	{"account.traffic", FT_NUM, ACC(traffic)},
	{"account.ad_spend", FT_NUM, ACC(ad_spend)},
	{"account.attr.", FT_ATTR, ACC(attrs)},
	{"attr.", FT_ATTR, LEAD(attrs)},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* A source name resolved to a field. */
struct target {
	const struct field_def *def;
	const char *name;   /* as given (after --map), for FT_ATTR messages */
	const char *attr;   /* FT_ATTR: the attribute name inside name */
};

enum resolved { RES_OK, RES_UNKNOWN, RES_BAD_ATTR };

struct col {
	struct target t;   /* t.def NULL: ignored column */
	char *name;        /* field name after --map; t points into it */
};

struct lq_leadrec_layout {
	size_t n;
	struct col *cols;
};

void lq_leadrec_init(lq_lead_input *in)
{
	lq_lead_init(&in->lead);
	lq_account_init(&in->account);
	in->has_account = 0;
	in->stage = NULL;
}

void lq_leadrec_free(lq_lead_input *in)
{
	if (!in)
		return;
	lq_lead_free(&in->lead);
	lq_account_free(&in->account);
	free(in->stage);
	lq_leadrec_init(in);
}

static enum resolved resolve(const char *name, struct target *t)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field_def *d = &fields[i];
		size_t plen = strlen(d->name);
		if (d->type != FT_ATTR) {
			if (strcasecmp(name, d->name) != 0)
				continue;
		} else if (strncasecmp(name, d->name, plen) != 0) {
			continue;
		} else if (!name[plen] || strlen(name + plen) > ATTR_NAME_MAX) {
			return RES_BAD_ATTR;
		}
		*t = (struct target){d, name,
				     d->type == FT_ATTR ? name + plen : NULL};
		return RES_OK;
	}
	return RES_UNKNOWN;
}

/* The name to show in messages and err->field. */
static const char *tname(const struct target *t)
{
	return t->def->type == FT_ATTR ? t->name : t->def->name;
}

/* "external_id, id, ..., account.attr.NAME, attr.NAME" */
static void accepted(char *out, size_t outsz)
{
	lq_buf b = LQ_BUF_INIT;
	for (size_t i = 0; i < NFIELDS; i++) {
		if (i)
			lq_buf_adds(&b, ", ");
		lq_buf_adds(&b, fields[i].name);
		if (fields[i].type == FT_ATTR)
			lq_buf_adds(&b, "NAME");
	}
	snprintf(out, outsz, "%s", lq_buf_str(&b));
	lq_buf_free(&b);
}

/* Explain why `name` (from source column/key `src`) did not resolve. */
static int resolve_error(enum resolved r, const char *what, const char *src,
			 const char *name, lq_error *err)
{
	char list[400];

	if (r == RES_BAD_ATTR)
		return lq_rec_fail(err, name, "%s '%.64s' needs an attribute "
				   "name of 1 to %d bytes", what, name,
				   ATTR_NAME_MAX);
	accepted(list, sizeof list);
	if (strcmp(src, name) != 0)
		return lq_rec_fail(err, name, "unknown field '%.64s' for %s "
				   "'%.64s' (accepted: %s)", name, what, src,
				   list);
	return lq_rec_fail(err, name, "unknown %s '%.64s' (accepted: %s)",
			   what, name, list);
}

static void *slot(lq_lead_input *in, const struct field_def *d)
{
	char *base = d->owner == OWN_LEAD ? (char *)&in->lead
		   : d->owner == OWN_ACCOUNT ? (char *)&in->account
		   : (char *)in;
	return base + d->off;
}

static int is_set(lq_lead_input *in, const struct target *t)
{
	void *p = slot(in, t->def);

	switch (t->def->type) {
	case FT_NUM: return !isnan(*(double *)p);
	case FT_TECH: return ((lq_value *)p)->kind != LQ_V_ABSENT;
	case FT_TIME: return *(lq_time *)p != 0;
	case FT_ATTR: return lq_attrs_get(p, t->attr) != NULL;
	default: return *(char **)p != NULL;
	}
}

static int set_tech_list(lq_value *slotv, lq_value list, const char *name,
			 lq_error *err)
{
	if (list.kind == LQ_V_LIST && list.n > LQ_LEADREC_MAX_LIST) {
		lq_value_free(&list);
		return lq_rec_fail(err, name, "%s: more than %d items", name,
				   LQ_LEADREC_MAX_LIST);
	}
	*slotv = list;
	return 0;
}

/* Store s (trimmed, non-empty; taken) into the field. */
static int set_owned(lq_lead_input *in, const struct target *t, char *s,
		     const char *fmt, lq_error *err)
{
	void *p = slot(in, t->def);
	const char *name = tname(t);
	double x;
	lq_stage st;
	int rc = 0;

	switch (t->def->type) {
	case FT_EMAIL:
		if (!lq_looks_like_email(s)) {
			rc = lq_rec_fail(err, name, "invalid email '%.128s'", s);
			break;
		}
		/* fall through */
	case FT_DOMAIN:
		lq_str_lower(s);
		/* fall through */
	case FT_STR:
		*(char **)p = s;
		s = NULL;
		break;
	case FT_NUM:
		if (lq_parse_number(s, &x) != 0)
			rc = lq_rec_fail(err, name, "%s: '%.64s' is not a "
					 "number", name, s);
		else
			*(double *)p = x;
		break;
	case FT_TECH:
		rc = set_tech_list(p, lq_value_list_split(s, ';'), name, err);
		break;
	case FT_TIME:
		rc = lq_rec_time(name, s, fmt, p, err);
		break;
	case FT_STAGE:
		if ((rc = lq_rec_stage(name, s, &st, err)) == 0)
			*(char **)p = lq_xstrdup(lq_stage_name(st));
		break;
	case FT_ATTR:
		lq_attrs_set(p, t->attr, lq_value_from_text(s));
		break;
	}
	free(s);
	return rc;
}

/* Set a field from text; blank text is absent and changes nothing. */
static int set_text(lq_lead_input *in, const struct target *t,
		    const char *text, const char *fmt, lq_error *err)
{
	char *s;
	int rc = lq_rec_str(tname(t), text, LQ_REC_MAX_STR, &s, err);

	if (rc < 0 || !s)
		return rc;
	if (is_set(in, t)) {
		free(s);
		return lq_rec_fail(err, tname(t), "%s: given twice", tname(t));
	}
	rc = set_owned(in, t, s, fmt, err);
	if (rc == 0 && t->def->owner == OWN_ACCOUNT && is_set(in, t))
		in->has_account = 1;
	return rc;
}

static int finish(lq_lead_input *in, lq_error *err)
{
	if (!in->lead.email && !in->lead.external_id)
		return lq_rec_fail(err, "email",
				   "a lead needs an email or an external_id");
	if (in->lead.email)
		in->lead.email_domain = lq_email_domain(in->lead.email);
	return 0;
}

static int same_slot(const struct target *a, const struct target *b)
{
	if (!a->def || a->def->owner != b->def->owner ||
	    a->def->off != b->def->off)
		return 0;
	return a->def->type != FT_ATTR || strcmp(a->attr, b->attr) == 0;
}

static int header_col(lq_leadrec_layout *lay, const lq_csv_row *header,
		      size_t i, const lq_colmap *m, lq_error *err)
{
	const char *column = header->cells[i];
	const char *name = lq_colmap_apply(m, column);
	struct target t;
	enum resolved r;

	if (!*column || lq_colmap_ignored(name))
		return 0;
	if ((r = resolve(name, &t)) != RES_OK)
		return resolve_error(r, "column", column, name, err);
	for (size_t j = 0; j < i; j++)
		if (same_slot(&lay->cols[j].t, &t))
			return lq_rec_fail(err, tname(&t), "columns '%.64s' and "
					   "'%.64s' both give %s",
					   header->cells[j], column, tname(&t));
	lay->cols[i].name = lq_xstrdup(name);
	resolve(lay->cols[i].name, &lay->cols[i].t);
	return 0;
}

int lq_leadrec_header(const lq_colmap *m, const lq_csv_row *header,
		      lq_leadrec_layout **out, lq_error *err)
{
	lq_leadrec_layout *lay = lq_xcalloc(1, sizeof *lay);
	int rc;

	*out = NULL;
	lay->n = header->n;
	lay->cols = lq_xcalloc(header->n, sizeof *lay->cols);
	for (size_t i = 0; i < header->n; i++) {
		if ((rc = header_col(lay, header, i, m, err)) < 0) {
			lq_leadrec_layout_free(lay);
			return rc;
		}
	}
	*out = lay;
	return 0;
}

void lq_leadrec_layout_free(lq_leadrec_layout *lay)
{
	if (!lay)
		return;
	for (size_t i = 0; i < lay->n; i++)
		free(lay->cols[i].name);
	free(lay->cols);
	free(lay);
}

int lq_leadrec_from_csv(const lq_leadrec_layout *lay, const lq_csv_row *row,
			const char *date_fmt, lq_lead_input *out,
			lq_error *err)
{
	int rc = 0;

	lq_leadrec_free(out);
	if (row->n != lay->n)
		return lq_rec_fail(err, NULL, "expected %zu columns, found %zu",
				   lay->n, row->n);
	for (size_t i = 0; i < lay->n && rc == 0; i++) {
		const struct col *c = &lay->cols[i];
		if (c->t.def)
			rc = set_text(out, &c->t, row->cells[i], date_fmt, err);
	}
	if (rc == 0)
		rc = finish(out, err);
	if (rc < 0)
		lq_leadrec_free(out);
	return rc;
}

/* ---- NDJSON ---- */

static int json_tech(lq_lead_input *in, const struct target *t,
		     const cJSON *arr, lq_error *err)
{
	lq_value list = LQ_VALUE_ABSENT;
	const cJSON *it;
	int rc = 0;

	cJSON_ArrayForEach(it, arr) {
		char *s = NULL;
		if (!cJSON_IsString(it))
			rc = lq_rec_fail(err, t->def->name, "%s: list items "
					 "must be strings", t->def->name);
		else
			rc = lq_rec_str(t->def->name, it->valuestring,
					LQ_REC_MAX_STR, &s, err);
		if (rc < 0)
			break;
		if (s)
			lq_value_list_push(&list, lq_value_str(s));
		free(s);
	}
	if (rc < 0) {
		lq_value_free(&list);
		return rc;
	}
	if (list.kind == LQ_V_ABSENT)
		return 0;
	in->has_account = 1;
	return set_tech_list(slot(in, t->def), list, t->def->name, err);
}

/* A JSON scalar as an attribute value (typed as given); absent for null. */
static int json_attr_value(const cJSON *j, const char *name, lq_value *out,
			   lq_error *err)
{
	char *s = NULL;

	*out = LQ_VALUE_ABSENT;
	if (cJSON_IsNumber(j)) {
		*out = lq_value_num(j->valuedouble);
	} else if (cJSON_IsBool(j)) {
		*out = lq_value_str(cJSON_IsTrue(j) ? "true" : "false");
	} else if (cJSON_IsString(j)) {
		int rc = lq_rec_str(name, j->valuestring, LQ_REC_MAX_STR, &s,
				    err);
		if (rc < 0)
			return rc;
		*out = lq_value_str(s);
		free(s);
	} else if (!cJSON_IsNull(j)) {
		return lq_rec_fail(err, name, "%s: lists may only hold "
				   "strings, numbers and booleans", name);
	}
	return 0;
}

static int json_attr(lq_lead_input *in, const struct target *t,
		     const cJSON *v, lq_error *err)
{
	lq_value val = LQ_VALUE_ABSENT;
	const cJSON *it;
	int rc = 0;

	if (!cJSON_IsArray(v)) {
		rc = json_attr_value(v, t->name, &val, err);
	} else if (cJSON_GetArraySize(v) > LQ_LEADREC_MAX_LIST) {
		rc = lq_rec_fail(err, t->name, "%s: more than %d items",
				 t->name, LQ_LEADREC_MAX_LIST);
	} else {
		cJSON_ArrayForEach(it, v) {
			lq_value item;
			if ((rc = json_attr_value(it, t->name, &item, err)) < 0)
				break;
			if (item.kind != LQ_V_ABSENT)
				lq_value_list_push(&val, item);
		}
	}
	if (rc < 0 || val.kind == LQ_V_ABSENT) {
		lq_value_free(&val);
		return rc;
	}
	if (is_set(in, t)) {
		lq_value_free(&val);
		return lq_rec_fail(err, t->name, "%s: given twice", t->name);
	}
	if (t->def->owner == OWN_ACCOUNT)
		in->has_account = 1;
	lq_attrs_set(slot(in, t->def), t->attr, val);
	return 0;
}

static int json_value(lq_lead_input *in, const struct target *t,
		      const cJSON *v, const char *fmt, lq_error *err)
{
	if (cJSON_IsNull(v))
		return 0;
	if (t->def->type == FT_ATTR)
		return json_attr(in, t, v, err);
	if (t->def->type == FT_TECH && cJSON_IsArray(v)) {
		if (is_set(in, t))
			return lq_rec_fail(err, tname(t), "%s: given twice",
					   tname(t));
		return json_tech(in, t, v, err);
	}
	if (cJSON_IsString(v) || cJSON_IsNumber(v)) {
		char *s = lq_rec_json_text(v);
		int rc = set_text(in, t, s, fmt, err);
		free(s);
		return rc;
	}
	return lq_rec_fail(err, tname(t), "%s: expected %s", tname(t),
			   t->def->type == FT_NUM ? "a number"
			   : t->def->type == FT_TECH ? "a list or a string"
			   : "a string");
}

struct walk {
	lq_lead_input *in;
	const lq_colmap *m;
	const char *fmt;
	lq_buf path;
};

static int json_key(struct walk *w, const cJSON *v, lq_error *err)
{
	const char *key = lq_buf_str(&w->path);
	const char *name = lq_colmap_apply(w->m, key);
	struct target t;
	enum resolved r;

	if (lq_colmap_ignored(name))
		return 0;
	if ((r = resolve(name, &t)) != RES_OK)
		return resolve_error(r, "field", key, name, err);
	return json_value(w->in, &t, v, w->fmt, err);
}

/* Visit every non-object value under obj with its dotted key path. */
static int json_walk(struct walk *w, const cJSON *obj, lq_error *err)
{
	size_t mark = w->path.len;
	const cJSON *it;
	int rc = 0;

	cJSON_ArrayForEach(it, obj) {
		if (mark)
			lq_buf_addc(&w->path, '.');
		lq_buf_adds(&w->path, it->string ? it->string : "");
		rc = cJSON_IsObject(it) ? json_walk(w, it, err)
					: json_key(w, it, err);
		w->path.len = mark;
		w->path.data[mark] = '\0';
		if (rc < 0)
			break;
	}
	return rc;
}

int lq_leadrec_from_json(const char *line, size_t len, const lq_colmap *m,
			 const char *date_fmt, lq_lead_input *out,
			 lq_error *err)
{
	struct walk w = {out, m, date_fmt, LQ_BUF_INIT};
	cJSON *j = NULL;
	int rc;

	lq_leadrec_free(out);
	if (len > LQ_LEADREC_MAX_LINE)
		return lq_rec_fail(err, NULL, "lead line is longer than %d "
				   "bytes", LQ_LEADREC_MAX_LINE);
	rc = lq_rec_json_object(line, len, "lead", JSON_MAX_DEPTH, &j, err);
	if (rc == 0)
		rc = json_walk(&w, j, err);
	if (rc == 0)
		rc = finish(out, err);
	if (rc < 0)
		lq_leadrec_free(out);
	lq_buf_free(&w.path);
	cJSON_Delete(j);
	return rc;
}

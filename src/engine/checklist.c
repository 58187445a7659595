/*
 * checklist.c - BANT/ANUM and SQO checklist items and gating.
 */
#include "engine/checklist.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/time.h"
#include "core/value.h"

typedef enum { ITEM_YES_NO, ITEM_DATE, ITEM_AMOUNT } item_kind;

static const struct {
	const char *name;
	const char *canonical;
	item_kind kind;
} items[] = {
	{"budget", "budget", ITEM_YES_NO},
	{"money", "budget", ITEM_YES_NO},
	{"authority", "authority", ITEM_YES_NO},
	{"need", "need", ITEM_YES_NO},
	{"timing", "timing", ITEM_YES_NO},
	{"urgency", "timing", ITEM_YES_NO},
	{"buy_cycle", "buy_cycle", ITEM_YES_NO},
	{"influencer", "influencer", ITEM_YES_NO},
	{"follow_up", "follow_up", ITEM_YES_NO},
	{"time_frame", "time_frame", ITEM_DATE},
	{"opportunity_size", "opportunity_size", ITEM_AMOUNT},
	{"size", "opportunity_size", ITEM_AMOUNT},
};

static int find_item(const char *name)
{
	char norm[64];
	size_t i;
	if (!name || strlen(name) >= sizeof norm)
		return -1;
	for (i = 0; name[i]; i++)
		norm[i] = name[i] == '-' ? '_' : name[i];
	norm[i] = '\0';
	for (i = 0; i < sizeof items / sizeof items[0]; i++)
		if (strcasecmp(items[i].name, norm) == 0)
			return (int)i;
	return -1;
}

const char *lq_check_item(const char *name)
{
	int i = find_item(name);
	return i < 0 ? NULL : items[i].canonical;
}

int lq_check_value(const char *item, const char *value, lq_error *err)
{
	int i = find_item(item);
	lq_time t;
	double x;
	if (i < 0)
		return lq_error_set(err, LQ_EINVAL, "unknown checklist item '%s'", item);
	switch (items[i].kind) {
	case ITEM_YES_NO:
		if (value && (!strcasecmp(value, "yes") || !strcasecmp(value, "no") ||
			      !strcasecmp(value, "unknown")))
			return 0;
		return lq_error_set(err, LQ_EINVAL, "%s must be yes, no or unknown, not '%s'",
				    items[i].canonical, value ? value : "");
	case ITEM_DATE:
		if (value && lq_time_parse_iso(value, &t, NULL) == 0)
			return 0;
		return lq_error_set(err, LQ_EINVAL, "%s must be a date like 2026-06-30, not '%s'",
				    items[i].canonical, value ? value : "");
	case ITEM_AMOUNT:
		if (value && lq_parse_number(value, &x) == 0 && x >= 0)
			return 0;
		return lq_error_set(err, LQ_EINVAL, "%s must be an amount >= 0, not '%s'",
				    items[i].canonical, value ? value : "");
	}
	return LQ_EINTERNAL;
}

int lq_check_satisfied(const char *item, const char *value)
{
	int i = find_item(item);
	if (i < 0 || !value || lq_check_value(item, value, NULL))
		return 0;
	return items[i].kind != ITEM_YES_NO || strcasecmp(value, "yes") == 0;
}

static const char *answer_for(const char *canonical,
			      const lq_check_answer *answers, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *c = lq_check_item(answers[i].item);
		if (c && strcmp(c, canonical) == 0)
			return answers[i].value;
	}
	return NULL;
}

size_t lq_check_missing(char *const *required, size_t nrequired,
			const lq_check_answer *answers, size_t nanswers,
			char *out, size_t outsz)
{
	size_t missing = 0, len = 0;
	if (outsz)
		out[0] = '\0';
	for (size_t i = 0; i < nrequired; i++) {
		const char *canonical = lq_check_item(required[i]);
		if (!canonical)
			canonical = required[i];
		const char *v = answer_for(canonical, answers, nanswers);
		if (lq_check_satisfied(canonical, v))
			continue;
		missing++;
		if (len < outsz)
			len += (size_t)snprintf(out + len, outsz - len, "%s%s%s%s",
						len ? ", " : "", canonical,
						v ? " is " : "", v ? v : "");
	}
	return missing;
}

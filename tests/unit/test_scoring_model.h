/*
 * test_scoring_model.h - the model the fit, stage and explanation tests
 * share: a small ICP with undesirables, a disqualifier, a channel rule,
 * grade bands, engagement actions, mql criteria and a hand-raiser rule.
 */
#ifndef LQ_TEST_SCORING_MODEL_H
#define LQ_TEST_SCORING_MODEL_H

static const char *scoring_yaml =
	"version: 1\n"
	"name: ICP test\n"
	"lists:\n"
	"  freemail: [gmail.com, yahoo.com]\n"
	"fit:\n"
	"  - rule: target size\n"
	"    when: account.employees between 50 and 750\n"
	"    points: 20\n"
	"  - rule: software\n"
	"    when: account.industry in [software, saas]\n"
	"    points: 15\n"
	"  - rule: decision maker\n"
	"    when: seniority in [vp, c_level, director]\n"
	"    points: 15\n"
	"  - rule: free mail\n"
	"    when: email_domain in $freemail\n"
	"    points: -30\n"
	"  - rule: procurement\n"
	"    when: title matches \"(?i)procurement|purchasing\"\n"
	"    points: -20\n"
	"  - rule: competitor\n"
	"    when: email_domain in [rival.example]\n"
	"    disqualify: true\n"
	"channel:\n"
	"  - rule: referral\n"
	"    when: source == \"referral\"\n"
	"    points: 10\n"
	"grades: {A: 50, B: 30, C: 15, D: 0}\n"
	"engagement:\n"
	"  half_life: 30d\n"
	"  actions:\n"
	"    - rule: pricing page\n"
	"      on: page_view\n"
	"      when: event.url contains \"/pricing\"\n"
	"      points: 10\n"
	"      max: 30\n"
	"    - rule: ebook\n"
	"      on: content_download\n"
	"      points: 5\n"
	"    - rule: demo request\n"
	"      on: demo_request\n"
	"      points: 25\n"
	"stages:\n"
	"  mql: grade <= \"B\" and engagement >= 40\n"
	"  hand_raiser: event.type in [demo_request, contact_sales] and grade <= \"C\"\n"
	"  sal_sla: 24h\n";

/* A lead + account pair the tests fill in. */
typedef struct th_person {
	lq_lead lead;
	lq_account acc;
} th_person;

static inline void th_person_init(th_person *p, const char *email,
				  const char *seniority, double employees,
				  const char *industry)
{
	lq_lead_init(&p->lead);
	lq_account_init(&p->acc);
	p->lead.id = 1;
	p->lead.email = lq_xstrdup(email);
	p->lead.email_domain = lq_email_domain(email);
	p->lead.seniority = lq_xstrdup(seniority);
	p->acc.employees = employees;
	p->acc.industry = lq_xstrdup(industry);
}

static inline void th_person_free(th_person *p)
{
	lq_lead_free(&p->lead);
	lq_account_free(&p->acc);
}

#endif

/*
 * gen.c - leadq-gen: a deterministic synthetic data set for the benchmark
 * harness (bench/run). The same arguments always give the same bytes.
 *
 *   leadq-gen DIR [--accounts N] [--leads M] [--events K] [--seed S]
 *                 [--now ISO8601] [--days D]
 *
 * writes
 *   DIR/leads.csv      M leads over N accounts (account.* columns), created
 *                      uniformly over the D days before --now
 *   DIR/events.ndjson  about K events in time order, as a tracking export:
 *                      sessions (bursts of page views seconds apart), page
 *                      popularity Zipf(1.1) over 400 pages (/pricing is the
 *                      3rd), lead activity log-normal (15% never active, a
 *                      heavy tail of very active leads), email opens and
 *                      clicks, downloads, webinars, 3% hand-raisers (demo
 *                      request or contact sales); 0.3% redelivered with the
 *                      same id later in the file; ids are UUIDs
 *   DIR/stages.csv     sales history of 45% of the older leads (mql, sal,
 *                      then won or lost): won follows a known logistic rule
 *                      of the profile and of the activity before entry
 *
 * Undesirables: 9% of leads sign up with a free-mail address (no account),
 * 3% carry a procurement or purchasing title, 1% are students or interns,
 * 0.2% come from a competitor's domain.
 *
 * Bench-only: not part of the leadq build, compiled by bench/run with cc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- random numbers: splitmix64 seeding xoshiro256** -------------------- */

typedef struct rng { uint64_t s[4]; } rng;

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next64(rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
	s[2] ^= t; s[3] = rotl(s[3], 45);
	return res;
}

static double unif(rng *r) { return (double)(next64(r) >> 11) * 0x1.0p-53; }
static uint64_t below(rng *r, uint64_t n) { return n ? next64(r) % n : 0; }

static double normal(rng *r)
{
	double u = unif(r), v = unif(r);
	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static double lognormal(rng *r, double median, double sigma)
{
	return median * exp(sigma * normal(r));
}

/* ---- discrete distributions ---------------------------------------------- */

typedef struct cdf { double *c; size_t n; } cdf;

static void cdf_zipf(cdf *d, size_t n, double s)
{
	d->c = malloc(n * sizeof *d->c);
	d->n = n;
	double t = 0;
	for (size_t i = 0; i < n; i++)
		d->c[i] = (t += pow((double)(i + 1), -s));
	for (size_t i = 0; i < n; i++)
		d->c[i] /= t;
}

static void cdf_weights(cdf *d, const double *w, size_t n)
{
	d->c = malloc(n * sizeof *d->c);
	d->n = n;
	double t = 0;
	for (size_t i = 0; i < n; i++)
		d->c[i] = (t += w[i]);
	for (size_t i = 0; i < n; i++)
		d->c[i] /= t;
}

static size_t draw(const cdf *d, rng *r)
{
	double u = unif(r);
	size_t lo = 0, hi = d->n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (d->c[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const industries[] = {
	"software", "saas", "internet", "financial services", "retail",
	"manufacturing", "healthcare", "education", "consulting", "media",
	"telecommunications", "logistics", "real estate", "insurance",
	"government", "energy", "hospitality", "automotive", "nonprofit",
	"biotech",
};
static const char *const techs[] = {
	"salesforce", "hubspot", "pipedrive", "dynamics", "marketo", "pardot",
	"zendesk", "intercom", "slack", "segment", "google analytics", "stripe",
	"shopify", "wordpress", "aws",
};
static const char *const countries[] = {
	"US", "GB", "DE", "FR", "CA", "IN", "BR", "AU", "NL", "ES", "IT", "SE",
	"JP", "MX", "PL", "IE", "DK", "NO", "FI", "CH", "BE", "AT", "SG", "NZ",
	"ZA",
};
static const char *const sources[] = {
	"organic_search", "paid_search", "social", "email", "referral",
	"event", "direct", "partner",
};
static const double source_w[] = {30, 20, 12, 10, 8, 6, 10, 4};
static const char *const personas[] = {
	"economic buyer", "champion", "user", "evaluator", "influencer",
	"gatekeeper", "executive sponsor", "technical buyer", "analyst",
	"admin", "unknown", "other",
};
static const char *const first_names[] = {
	"ana", "ben", "cy", "dana", "eli", "fay", "gus", "hana", "ivan", "jo",
	"kai", "lea", "max", "nia", "omar", "pia", "quinn", "rui", "sam", "tess",
	"uma", "vera", "wen", "xavi", "yara", "zoe",
};
static const char *const last_names[] = {
	"smith", "garcia", "muller", "rossi", "dubois", "silva", "kim", "nguyen",
	"patel", "jones", "novak", "larsen", "tanaka", "cohen", "ali", "brown",
};
static const char *const freemail[] = {
	"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com",
};

/* Titles with the seniority and department they imply. */
static const struct title { const char *title, *seniority, *dept; double w; } titles[] = {
	{"Chief Executive Officer", "c_level", "operations", 2},
	{"Chief Revenue Officer", "c_level", "sales", 1.5},
	{"Chief Marketing Officer", "c_level", "marketing", 1.5},
	{"CTO", "c_level", "engineering", 1.5},
	{"VP Sales", "vp", "sales", 3},
	{"VP Marketing", "vp", "marketing", 3},
	{"VP Engineering", "vp", "engineering", 2},
	{"VP Finance", "vp", "finance", 1},
	{"Director of Sales", "director", "sales", 4},
	{"Director of Marketing", "director", "marketing", 4},
	{"Director of Operations", "director", "operations", 3},
	{"IT Director", "director", "it", 3},
	{"Head of Growth", "director", "marketing", 2},
	{"Sales Manager", "manager", "sales", 6},
	{"Marketing Manager", "manager", "marketing", 6},
	{"Product Manager", "manager", "product", 5},
	{"Engineering Manager", "manager", "engineering", 4},
	{"Support Manager", "manager", "support", 3},
	{"Account Executive", "staff", "sales", 6},
	{"Sales Development Representative", "staff", "sales", 6},
	{"Marketing Specialist", "staff", "marketing", 6},
	{"Software Engineer", "staff", "engineering", 8},
	{"Data Analyst", "staff", "operations", 5},
	{"Financial Analyst", "staff", "finance", 3},
	{"HR Generalist", "staff", "hr", 2},
	{"Customer Success Manager", "manager", "support", 4},
	{"Legal Counsel", "staff", "legal", 1},
	{"Consultant", "staff", "operations", 3},
	{"Procurement Manager", "manager", "finance", 1.6},
	{"Purchasing Agent", "staff", "finance", 1.4},
	{"Student", "intern", "other", 0.6},
	{"Marketing Intern", "intern", "marketing", 0.4},
};

/* ---- pages --------------------------------------------------------------- */

#define NPAGES 400
static char pages[NPAGES][48];

static void make_pages(void)
{
	static const char *const top[] = {
		"/", "/product", "/pricing", "/blog", "/features", "/docs",
		"/customers", "/pricing/enterprise", "/integrations/salesforce",
		"/about", "/careers", "/security", "/contact",
	};
	size_t i = 0;
	for (; i < N_OF(top); i++)
		snprintf(pages[i], sizeof pages[i], "%s", top[i]);
	for (size_t k = 0; i < NPAGES; i++, k++) {
		switch (k % 4) {
		case 0: snprintf(pages[i], sizeof pages[i], "/blog/post-%zu", k); break;
		case 1: snprintf(pages[i], sizeof pages[i], "/docs/guide-%zu", k); break;
		case 2: snprintf(pages[i], sizeof pages[i], "/customers/story-%zu", k); break;
		default: snprintf(pages[i], sizeof pages[i], "/resources/page-%zu", k); break;
		}
	}
}

/* ---- output -------------------------------------------------------------- */

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "leadq-gen: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

/* Seconds since the epoch as ISO 8601 UTC. */
static void iso(int64_t t, char out[24])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int64_t parse_iso(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		fprintf(stderr, "leadq-gen: --now must be YYYY-MM-DDTHH:MM:SSZ\n");
		exit(2);
	}
	return (int64_t)timegm(&tm);
}

/* ---- the data ------------------------------------------------------------ */

typedef struct account {
	uint32_t emp;
	uint8_t industry;
	uint16_t techmask;
} account;

typedef struct lead {
	uint32_t account;     /* index, or UINT32_MAX: free mail */
	int64_t created;
	uint8_t title, country, source, persona, campaign, freemail, competitor;
	uint8_t first, last;
} lead;

/* One event before formatting: time, lead, kind and a per-event seed. */
enum kind { K_PAGE, K_EMAIL_OPEN, K_EMAIL_CLICK, K_DOWNLOAD, K_WEB_REG,
	    K_WEB_ATT, K_DEMO, K_CONTACT, K_TRIAL, NKINDS };
static const char *const kind_names[NKINDS] = {
	"page_view", "email_open", "email_click", "content_download",
	"webinar_registered", "webinar_attended", "demo_request",
	"contact_sales", "trial_signup",
};

typedef struct ev {
	int64_t at;
	uint32_t lead;
	uint32_t seq;   /* generation order: ties, ids */
	uint8_t kind;
	uint8_t redelivery;
	uint32_t orig;  /* redelivery: seq of the original */
} ev;

static int cmp_ev(const void *pa, const void *pb)
{
	const ev *a = pa, *b = pb;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void uuid(uint64_t seed, uint32_t seq, char out[37])
{
	uint64_t x = seed ^ ((uint64_t)seq * 0x9e3779b97f4a7c15ULL);
	uint64_t a = splitmix(&x), b = splitmix(&x);
	a = (a & 0xffffffffffff0fffULL) | 0x4000ULL;
	b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
	snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xffff),
		 (unsigned)(b >> 48), (unsigned long long)(b & 0xffffffffffffULL));
}

static void email_of(const lead *l, uint32_t i, char *out, size_t n)
{
	if (l->freemail)
		snprintf(out, n, "%s.%s%u@%s", first_names[l->first],
			 last_names[l->last], i, freemail[i % N_OF(freemail)]);
	else if (l->competitor)
		snprintf(out, n, "%s.%s%u@rival.example", first_names[l->first],
			 last_names[l->last], i);
	else
		snprintf(out, n, "%s.%s%u@c%u.example", first_names[l->first],
			 last_names[l->last], i, l->account);
}

static void usage(void)
{
	fputs("usage: leadq-gen DIR [--accounts N] [--leads M] [--events K] "
	      "[--seed S] [--now ISO8601] [--days D]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	uint64_t naccounts = 20000, nleads = 200000, nevents = 4000000, seed = 7;
	int64_t now = parse_iso("2026-03-01T00:00:00Z");
	int days = 180;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] != '-') { dir = a; continue; }
		if (!v)
			usage();
		if (!strcmp(a, "--accounts")) naccounts = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--leads")) nleads = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--events")) nevents = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--now")) now = parse_iso(v);
		else if (!strcmp(a, "--days")) days = atoi(v);
		else usage();
		i++;
	}
	if (!dir || naccounts < 1 || nleads < 1 || days < 1)
		usage();
	mkdir(dir, 0777);
	make_pages();

	rng r;
	rng_seed(&r, seed);
	int64_t start = now - (int64_t)days * 86400;

	/* accounts */
	account *acc = calloc(naccounts, sizeof *acc);
	cdf ind_cdf, tech_cdf, page_cdf, country_cdf, src_cdf, title_cdf, acc_cdf;
	cdf_zipf(&ind_cdf, N_OF(industries), 0.9);
	cdf_zipf(&tech_cdf, N_OF(techs), 0.8);
	cdf_zipf(&page_cdf, NPAGES, 1.1);
	cdf_zipf(&country_cdf, N_OF(countries), 1.0);
	cdf_zipf(&acc_cdf, naccounts, 0.6);   /* big accounts have more leads */
	cdf_weights(&src_cdf, source_w, N_OF(sources));
	double tw[N_OF(titles)];
	for (size_t i = 0; i < N_OF(titles); i++)
		tw[i] = titles[i].w;
	cdf_weights(&title_cdf, tw, N_OF(titles));
	for (uint64_t i = 0; i < naccounts; i++) {
		double e = lognormal(&r, 150, 1.6);
		acc[i].emp = e < 1 ? 1 : e > 300000 ? 300000 : (uint32_t)e;
		acc[i].industry = (uint8_t)draw(&ind_cdf, &r);
		int nt = 1 + (int)below(&r, 4);
		for (int k = 0; k < nt; k++)
			acc[i].techmask |= (uint16_t)(1u << draw(&tech_cdf, &r));
	}

	/* leads */
	lead *leads = calloc(nleads, sizeof *leads);
	double *activity = calloc(nleads, sizeof *activity);
	double act_total = 0;
	FILE *lf = open_out(dir, "leads.csv");
	fputs("external_id,email,first_name,last_name,title,seniority,department,"
	      "country,source,created_at,account.domain,account.name,"
	      "account.employees,account.revenue,account.industry,account.tech,"
	      "account.traffic,account.ad_spend,attr.persona,attr.utm_campaign\n", lf);
	for (uint64_t i = 0; i < nleads; i++) {
		lead *l = &leads[i];
		char email[160], when[24];
		l->created = start + (int64_t)((double)i / (double)nleads * (days * 86400.0 - 900)) +
			     (int64_t)below(&r, 600);
		l->first = (uint8_t)below(&r, N_OF(first_names));
		l->last = (uint8_t)below(&r, N_OF(last_names));
		l->title = (uint8_t)draw(&title_cdf, &r);
		l->country = (uint8_t)draw(&country_cdf, &r);
		l->source = (uint8_t)draw(&src_cdf, &r);
		l->persona = (uint8_t)below(&r, N_OF(personas));
		l->campaign = (uint8_t)below(&r, 40);
		double u = unif(&r);
		l->freemail = u < 0.09;
		l->competitor = !l->freemail && u < 0.092;
		l->account = l->freemail || l->competitor ? UINT32_MAX
			   : (uint32_t)draw(&acc_cdf, &r);
		/* 15% never active; the rest log-normal */
		activity[i] = unif(&r) < 0.15 ? 0 : lognormal(&r, 1, 1.2);
		act_total += activity[i];
		email_of(l, (uint32_t)i, email, sizeof email);
		iso(l->created, when);
		const struct title *t = &titles[l->title];
		fprintf(lf, "L%llu,%s,%s,%s,%s,%s,%s,%s,%s,%s,", (unsigned long long)i,
			email, first_names[l->first], last_names[l->last], t->title,
			t->seniority, t->dept, countries[l->country],
			sources[l->source], when);
		if (l->account != UINT32_MAX) {
			const account *a = &acc[l->account];
			/* per-account values from the account's own stream */
			rng ar;
			rng_seed(&ar, seed * 1000003 + l->account);
			double rev = a->emp * 120000.0 * lognormal(&ar, 1, 0.5);
			double traffic = a->emp * 30.0 * lognormal(&ar, 1, 1.0);
			double ads = unif(&ar) < 0.4 ? 0 : lognormal(&ar, 5000, 1.5);
			fprintf(lf, "c%u.example,Company %u,%u,%.0f,%s,", l->account,
				l->account, a->emp, rev, industries[a->industry]);
			int first = 1;
			for (size_t k = 0; k < N_OF(techs); k++)
				if (a->techmask & (1u << k)) {
					fprintf(lf, "%s%s", first ? "" : ";", techs[k]);
					first = 0;
				}
			fprintf(lf, ",%.0f,%.0f,", traffic, ads);
		} else {
			fputs(",,,,,,,,", lf);
		}
		fprintf(lf, "%s,spring-%u\n", personas[l->persona], l->campaign);
	}
	fclose(lf);

	/* events: per lead sessions, then one sort by time */
	size_t cap = (size_t)(nevents * 1.05) + 1024, n = 0;
	ev *evs = malloc(cap * sizeof *evs);
	uint8_t *entered = calloc(nleads, 1);
	int64_t *entry = calloc(nleads, sizeof *entry);
	uint16_t *webinar_before = calloc(nleads, sizeof *webinar_before);
	uint16_t *pricing_before = calloc(nleads, sizeof *pricing_before);
	double per = act_total > 0 ? (double)nevents / act_total : 0;
	uint32_t seq = 0;
	for (uint64_t i = 0; i < nleads; i++) {
		lead *l = &leads[i];
		int64_t span = now - 60 - l->created;
		/* older leads may have a sales history: entry 7-30 days in */
		if (now - l->created > 75 * 86400 && unif(&r) < 0.45) {
			entered[i] = 1;
			entry[i] = l->created + 7 * 86400 + (int64_t)below(&r, 23 * 86400);
		}
		double want = activity[i] * per;
		uint64_t k = (uint64_t)want + (unif(&r) < want - floor(want));
		if (span < 60)
			k = 0;          /* created a minute ago: no activity yet */
		int hand_raiser = unif(&r) < 0.03;
		uint64_t made = 0, sessions = 0;
		while (made < k && n + 16 < cap && sessions++ < 4 * k + 16) {
			int64_t t = l->created + (int64_t)(unif(&r) * (double)span);
			int email = unif(&r) < 0.18;
			uint64_t len = 1 + (uint64_t)(-log(1 - unif(&r)) * 3.5);
			if (len > k - made)
				len = k - made;
			for (uint64_t j = 0; j < len && t < now - 1; j++) {
				int kind = K_PAGE;
				if (j == 0 && email)
					kind = unif(&r) < 0.7 ? K_EMAIL_OPEN : K_EMAIL_CLICK;
				else {
					double u = unif(&r);
					kind = u < 0.035 ? K_DOWNLOAD : u < 0.041 ? K_WEB_REG
					     : u < 0.046 ? K_WEB_ATT : u < 0.048 ? K_TRIAL
					     : K_PAGE;
				}
				evs[n] = (ev){t, (uint32_t)i, seq++, (uint8_t)kind, 0, 0};
				if (entered[i] && t < entry[i]) {
					if (kind == K_WEB_ATT)
						webinar_before[i]++;
				}
				n++;
				made++;
				t += 5 + (int64_t)below(&r, 110);
			}
		}
		if (hand_raiser && k > 0 && n < cap) {
			int64_t t = l->created + (int64_t)(unif(&r) * (double)span);
			evs[n++] = (ev){t, (uint32_t)i, seq++,
					(uint8_t)(unif(&r) < 0.6 ? K_DEMO : K_CONTACT), 0, 0};
		}
	}
	/* redeliveries: 0.3% of events sent again 1-600 s later */
	size_t base = n;
	for (size_t i = 0; i < base && n < cap; i++) {
		if (unif(&r) >= 0.003)
			continue;
		ev d = evs[i];
		d.at += 1 + (int64_t)below(&r, 600);
		if (d.at >= now)
			continue;
		d.redelivery = 1;
		d.orig = d.seq;
		d.seq = seq++;
		evs[n++] = d;
	}
	qsort(evs, n, sizeof *evs, cmp_ev);

	FILE *ef = open_out(dir, "events.ndjson");
	for (size_t i = 0; i < n; i++) {
		const ev *e = &evs[i];
		const lead *l = &leads[e->lead];
		char id[37], email[160], when[24];
		uint32_t idseq = e->redelivery ? e->orig : e->seq;
		uuid(seed, idseq, id);
		email_of(l, e->lead, email, sizeof email);
		iso(e->at, when);
		/* properties from the event's own stream (same for a redelivery) */
		rng er;
		rng_seed(&er, seed * 7919 + idseq);
		fprintf(ef, "{\"id\":\"%s\",\"lead\":\"%s\",\"type\":\"%s\",\"at\":\"%s\",\"properties\":",
			id, email, kind_names[e->kind], when);
		switch (e->kind) {
		case K_PAGE:
			fprintf(ef, "{\"url\":\"%s\",\"seconds\":%u,\"referrer\":\"%s\"}}\n",
				pages[draw(&page_cdf, &er)], (unsigned)(3 + below(&er, 240)),
				below(&er, 3) == 0 ? "google" : "direct");
			break;
		case K_EMAIL_OPEN:
		case K_EMAIL_CLICK:
			fprintf(ef, "{\"campaign\":\"nurture-%u\"%s%s%s}}\n",
				(unsigned)below(&er, 30),
				e->kind == K_EMAIL_CLICK ? ",\"url\":\"" : "",
				e->kind == K_EMAIL_CLICK ? pages[draw(&page_cdf, &er)] : "",
				e->kind == K_EMAIL_CLICK ? "\"" : "");
			break;
		case K_DOWNLOAD:
			fprintf(ef, "{\"asset\":\"ebook-%u\"}}\n", (unsigned)below(&er, 25));
			break;
		case K_WEB_REG:
		case K_WEB_ATT:
			fprintf(ef, "{\"webinar\":\"w-%u\"}}\n", (unsigned)below(&er, 12));
			break;
		default:
			fprintf(ef, "{\"form\":\"%s\"}}\n", kind_names[e->kind]);
			break;
		}
	}
	fclose(ef);

	/* sales history of the leads that entered: the known rule */
	FILE *sf = open_out(dir, "stages.csv");
	fputs("lead,stage,at\n", sf);
	for (uint64_t i = 0; i < nleads; i++) {
		if (!entered[i])
			continue;
		const lead *l = &leads[i];
		const struct title *t = &titles[l->title];
		int senior = !strcmp(t->seniority, "vp") || !strcmp(t->seniority, "c_level");
		int tech = l->account != UINT32_MAX &&
			   acc[l->account].industry < 3;
		int size = l->account != UINT32_MAX && acc[l->account].emp >= 200 &&
			   acc[l->account].emp <= 5000;
		double z = -3.0 + 1.5 * !strcmp(sources[l->source], "referral") +
			   1.2 * senior + 1.0 * tech + 0.8 * size +
			   1.6 * (webinar_before[i] > 0) - 1.2 * l->freemail +
			   0.6 * (l->persona == 0);
		int won = unif(&r) < 1 / (1 + exp(-z));
		char a[24], b[24], c[24];
		iso(entry[i], a);
		iso(entry[i] + 86400, b);
		iso(entry[i] + (won ? 30 : 25) * 86400, c);
		if (entry[i] + 30 * 86400 >= now)
			iso(now - 3600, c);
		fprintf(sf, "L%llu,mql,%s\nL%llu,sal,%s\nL%llu,%s,%s\n",
			(unsigned long long)i, a, (unsigned long long)i, b,
			(unsigned long long)i, won ? "won" : "lost", c);
	}
	fclose(sf);
	(void)pricing_before;
	fprintf(stderr, "leadq-gen: %llu accounts, %llu leads, %zu events (%zu redelivered) in %s\n",
		(unsigned long long)naccounts, (unsigned long long)nleads, n,
		n - base, dir);
	free(evs);
	free(leads);
	free(acc);
	free(activity);
	free(entered);
	free(entry);
	free(webinar_before);
	free(pricing_before);
	return 0;
}

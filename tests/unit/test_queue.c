/*
 * test_queue.c - the sales queue: the store's rank (grade, engagement and
 * time of the last scoring, kept beside every score write), its walk
 * down the partial indexes, and the service's threshold top-k, proved
 * against the reference (every matching MQL read and fully sorted, the
 * order the queue had before the top-k) on randomised data with decaying
 * and expiring engagement, ties, unscored MQLs, accepted, rejected and
 * erased leads, a rescore, and several `now`s; the rank while scores are
 * written in bulk (its triggers set aside, every MQL ranked at the end);
 * and a lead listing with a limit (its heap) against the whole listing
 * sorted; and a page that reads about its own rows when thousands of
 * MQLs tie.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "engine/followup.h"
#include "service/service.h"
#include "store/store.h"
#include "store/store_sqlite.h"
#include "test_service_fixture.h"

#define T0 1772323200000LL   /* 2026-03-01T00:00:00Z: data's `now` */
#define HOUR 3600000LL
#define DAY (24 * HOUR)

typedef struct fx {
	svc_db db;
	lq_service *svc;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	*state = f;
	return svc_db_open(&f->db, "queue", T0, &f->svc);
}

static int teardown(void **state)
{
	fx *f = *state;
	svc_db_close(&f->db, f->svc);
	free(f);
	return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

static uint64_t rng_state = 42;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static void reopen_service(fx *f, lq_time now)
{
	lq_error err = {0};
	lq_service_close(f->svc);
	assert_int_equal(lq_service_open(f->db.path, 0, now, &f->svc, &err), 0);
}

static void apply_model(fx *f, const char *yaml)
{
	lq_apply_report rep;
	lq_diags diags = {0};
	lq_error err = {0};
	int rc = lq_service_model_apply(f->svc, yaml, strlen(yaml), "m.yaml",
					&rep, &diags, &err);
	if (rc)
		fail_msg("model apply: %s (%zu diags: %s)", err.msg, diags.n,
			 diags.n ? diags.items[0].msg : "");
	lq_diags_free(&diags);
}

static void import(fx *f, const char *text, int events, lq_stage stage)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	lq_import_opts opts = {.stage = stage};
	lq_import_report rep;
	lq_error err = {0};
	int rc;
	assert_non_null(in);
	if (events)
		rc = lq_service_import_events(f->svc, in, "e.ndjson", &opts,
					      &rep, NULL, NULL, &err);
	else
		rc = lq_service_import_leads(f->svc, in, "l.csv", LQ_INPUT_CSV,
					     &opts, &rep, NULL, NULL, &err);
	fclose(in);
	if (rc)
		fail_msg("import: %s", err.msg);
}

static int64_t sql_int(fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n;
	assert_int_equal(sqlite3_open(f->db.path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void sql_exec(fx *f, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(f->db.path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* MQLs whose rank is not their score's (grade, engagement, time); a
 * score without a grade ranks as '', no score as NULL. Other stages keep
 * no rank. */
static const char rank_mismatch[] =
	"SELECT count(*) FROM leads l LEFT JOIN scores s ON s.lead_id = l.id "
	"WHERE l.stage = 'mql' AND (l.rank_grade IS NOT (CASE WHEN s.lead_id "
	"  IS NULL THEN NULL ELSE coalesce(s.grade, '') END) "
	"OR l.rank_engagement IS NOT s.engagement "
	"OR l.rank_at IS NOT s.scored_at)";

/* The triggers that keep an MQL's rank with each score write. */
static const char rank_triggers[] =
	"SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
	"name IN ('scores_rank_insert', 'scores_rank_update')";

/* ---- the reference: every matching MQL, fully sorted ------------------------ */

static int ref_rank(const lq_lead_row *r)
{
	return r->scored ? r->grade : 'Z';
}

static int ref_cmp(const void *pa, const void *pb)
{
	const lq_queue_row *a = pa, *b = pb;
	int ga = ref_rank(&a->row), gb = ref_rank(&b->row);
	if (ga != gb)
		return ga - gb;
	if (a->row.engagement != b->row.engagement)
		return a->row.engagement > b->row.engagement ? -1 : 1;
	if (a->row.lead.stage_at != b->row.lead.stage_at)
		return a->row.lead.stage_at < b->row.lead.stage_at ? -1 : 1;
	return a->row.lead.id < b->row.lead.id ? -1 : 1;
}

/* Ids (and engagement at now) of the reference page. */
typedef struct page {
	int64_t id[512];
	double eng[512];
	size_t n, total;
} page;

static void reference(lq_service *svc, const lq_queue_query *q, page *out)
{
	lq_lead_query lq = {.filter = {.stage = LQ_STAGE_MQL, .owner = q->owner,
				       .grade = q->grade, .source = q->source}};
	lq_lead_list l;
	lq_error err = {0};
	assert_int_equal(lq_service_leads(svc, &lq, &l, &err), 0);
	lq_queue_row *rows = calloc(l.n + 1, sizeof *rows);
	for (size_t i = 0; i < l.n; i++)
		rows[i].row = l.rows[i];
	qsort(rows, l.n, sizeof *rows, ref_cmp);
	memset(out, 0, sizeof *out);
	out->total = l.n;
	for (size_t i = q->offset; i < l.n && (!q->limit ||
						i < q->offset + q->limit); i++) {
		assert_true(out->n < 512);
		out->id[out->n] = rows[i].row.lead.id;
		out->eng[out->n++] = rows[i].row.engagement;
	}
	free(rows);
	lq_lead_list_free(&l);
}

static void queue_page(lq_service *svc, const lq_queue_query *q, page *out)
{
	lq_queue got;
	lq_error err = {0};
	assert_int_equal(lq_service_queue(svc, q, &got, &err), 0);
	memset(out, 0, sizeof *out);
	out->total = got.total;
	assert_true(got.n <= 512);
	for (size_t i = 0; i < got.n; i++) {
		out->id[i] = got.rows[i].row.lead.id;
		out->eng[i] = got.rows[i].row.engagement;
		assert_int_equal(got.rows[i].due,
				 lq_sla_due(svc->model, &got.rows[i].row.lead));
	}
	out->n = got.n;
	lq_queue_free(&got);
}

/* Same rows in the same order, same total. */
static void expect_same(lq_service *svc, const lq_queue_query *q)
{
	page want, got;
	reference(svc, q, &want);
	queue_page(svc, q, &got);
	if (want.total != got.total || want.n != got.n)
		fail_msg("now %lld offset %zu limit %zu owner %s grade %c source "
			 "%s: total %zu/%zu rows %zu/%zu (want/got)",
			 (long long)svc->now, q->offset, q->limit,
			 q->owner ? q->owner : "-", q->grade ? q->grade : '-',
			 q->source ? q->source : "-", want.total, got.total,
			 want.n, got.n);
	for (size_t i = 0; i < want.n; i++)
		if (want.id[i] != got.id[i] || want.eng[i] != got.eng[i])
			fail_msg("now %lld offset %zu limit %zu owner %s grade %c "
				 "source %s: row %zu is lead %lld (%.17g), want "
				 "%lld (%.17g)", (long long)svc->now, q->offset,
				 q->limit, q->owner ? q->owner : "-",
				 q->grade ? q->grade : '-',
				 q->source ? q->source : "-", i,
				 (long long)got.id[i], got.eng[i],
				 (long long)want.id[i], want.eng[i]);
}

/* ---- the data ---------------------------------------------------------------- */

/* Decay (30 days, 7 for webinars), caps, an expiring rule; every grade can
 * become an MQL; owners by round robin. */
static const char model1[] =
	"version: 1\n"
	"name: queue test\n"
	"lists:\n"
	"  freemail: [gmail.com]\n"
	"fit:\n"
	"  - rule: size\n"
	"    when: account.employees between 50 and 750\n"
	"    points: 20\n"
	"  - rule: software\n"
	"    when: account.industry in [software, saas]\n"
	"    points: 15\n"
	"  - rule: decision maker\n"
	"    when: seniority in [vp, director]\n"
	"    points: 15\n"
	"  - rule: free mail\n"
	"    when: email_domain in $freemail\n"
	"    points: -30\n"
	"channel:\n"
	"  - rule: referral\n"
	"    when: source == \"referral\"\n"
	"    points: 10\n"
	"grades: {A: 50, B: 30, C: 15, D: 0}\n"
	"engagement:\n"
	"  half_life: 30d\n"
	"  actions:\n"
	"    - rule: pricing\n"
	"      on: page_view\n"
	"      when: event.url contains \"/pricing\"\n"
	"      points: 10\n"
	"      max: 30\n"
	"    - rule: page\n"
	"      on: page_view\n"
	"      points: 1\n"
	"      max: 10\n"
	"    - rule: ebook\n"
	"      on: content_download\n"
	"      points: 5\n"
	"      expires: 20d\n"
	"    - rule: webinar\n"
	"      on: webinar_attended\n"
	"      points: 15\n"
	"      half_life: 7d\n"
	"stages:\n"
	"  mql: engagement >= 6\n"
	"  sal_sla: 24h\n"
	"routing:\n"
	"  round_robin: [ann, bob, cid]\n";

static const char *const sources[] = {"referral", "organic", "paid", "event"};
static const char *const seniorities[] = {"vp", "director", "manager", "staff"};
static const char *const industries[] = {"software", "saas", "retail", "bank"};

#define NLEADS 240

/* Leads L0..L{NLEADS-1}; L2k+1 is L2k's twin (same profile, same event
 * times) for every k % 4 == 0, so their engagement ties at any now. */
static void make_leads(fx *f)
{
	lq_buf b = LQ_BUF_INIT;
	lq_buf_adds(&b, "external_id,email,seniority,source,created_at,"
			"account.domain,account.employees,account.industry\n");
	for (int i = 0; i < NLEADS; i++) {
		int p = (i % 8 == 1) ? i - 1 : i;   /* twin's profile */
		uint64_t save = rng_state;
		rng_state = 1000 + (uint64_t)p * 7919;
		int freemail = rnd(6) == 0;
		char line[256];
		snprintf(line, sizeof line, "L%d,p%d@%s,%s,%s,2026-01-01,%s,%u,%s\n",
			 i, i, freemail ? "gmail.com" : "co.example",
			 seniorities[rnd(4)], sources[rnd(4)],
			 freemail ? "" : "co.example", freemail ? 0 : 20 + rnd(900),
			 freemail ? "" : industries[rnd(4)]);
		rng_state = save;
		lq_buf_adds(&b, line);
	}
	import(f, lq_buf_str(&b), 0, LQ_STAGE_NONE);
	lq_buf_free(&b);
}

static void iso(lq_time t, char *out, size_t n)
{
	time_t s = (time_t)(t / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Events over the 60 days before T0; twins get the same times. */
static void make_events(fx *f)
{
	static const char *const kinds[] = {
		"\"page_view\",\"properties\":{\"url\":\"/pricing\"}",
		"\"page_view\",\"properties\":{\"url\":\"/blog\"}",
		"\"content_download\"", "\"webinar_attended\""};
	lq_buf b = LQ_BUF_INIT;
	int id = 0;
	for (int i = 0; i < NLEADS; i++) {
		int p = (i % 8 == 1) ? i - 1 : i;
		uint64_t save = rng_state;
		rng_state = 5000 + (uint64_t)p * 104729;
		int n = (int)rnd(9);
		for (int k = 0; k < n; k++) {
			char at[32], line[256];
			/* whole hours: many equal event times */
			iso(T0 - (lq_time)rnd(60 * 24) * HOUR, at, sizeof at);
			snprintf(line, sizeof line, "{\"id\":\"e%d\",\"lead\":\"L%d\","
				 "\"type\":%s,\"at\":\"%s\"}\n", id++, i,
				 kinds[rnd(4)], at);
			lq_buf_adds(&b, line);
		}
		rng_state = save;
	}
	import(f, lq_buf_str(&b), 1, LQ_STAGE_NONE);
	lq_buf_free(&b);
}

/* MQLs with no events (engagement 0: ties by stage time and id), and MQLs
 * that were never scored (written by the store alone). */
static void make_odd_mqls(fx *f)
{
	import(f, "external_id,email,source,created_at\n"
		  "Z1,z1@co.example,organic,2026-02-01\n"
		  "Z2,z2@co.example,referral,2026-02-01\n"
		  "Z3,z3@co.example,organic,2026-01-15\n", 0, LQ_STAGE_MQL);
	for (int i = 0; i < 4; i++) {
		lq_lead l;
		lq_error err = {0};
		char email[32];
		lq_lead_init(&l);
		snprintf(email, sizeof email, "u%d@co.example", i);
		l.email = strdup(email);
		l.source = strdup(sources[i % 4]);
		l.owner = i % 2 ? strdup("ann") : NULL;
		l.stage = LQ_STAGE_MQL;
		l.stage_at = T0 - (i % 2) * DAY;
		l.created_at = T0 - 30 * DAY;
		assert_int_equal(lq_store_lead_put(f->svc->store, &l, &err), 0);
		lq_lead_free(&l);
	}
}

static void random_queries(fx *f, int n)
{
	static const char *const owners[] = {NULL, NULL, "ann", "bob", "cid", "nobody"};
	static const char grades[] = {0, 0, 0, 'A', 'B', 'C', 'D', 'F'};
	static const size_t limits[] = {1, 2, 3, 5, 10, 50, 0};
	for (int i = 0; i < n; i++) {
		lq_queue_query q = {
			.owner = owners[rnd(6)],
			.grade = grades[rnd(8)],
			.source = rnd(3) ? NULL : sources[rnd(4)],
			.limit = limits[rnd(7)],
		};
		q.offset = rnd(4) ? rnd(3) : rnd(200);
		expect_same(f->svc, &q);
	}
}

/* Query times: the data's now, later (decay, expiry after 20 days,
 * everything faded), and earlier than the last scoring (the rank no longer
 * bounds: the reference path). */
static const lq_time nows[] = {T0, T0 + 1, T0 + HOUR, T0 + 3 * DAY,
			       T0 + 19 * DAY + 13 * HOUR, T0 + 45 * DAY,
			       T0 + 400 * DAY, T0 - 5 * DAY};

static void compare_at_every_now(fx *f, int queries)
{
	for (size_t i = 0; i < sizeof nows / sizeof nows[0]; i++) {
		f->svc->now = nows[i];
		random_queries(f, queries);
	}
	f->svc->now = T0;
}

static void build_data(fx *f)
{
	rng_state = 42;
	apply_model(f, model1);
	make_leads(f);
	make_events(f);
	make_odd_mqls(f);
}

/* ---- tests ------------------------------------------------------------------- */

static void test_rank_follows_scores(void **state)
{
	fx *f = *state;
	lq_error err = {0};
	build_data(f);
	assert_true(sql_int(f, "SELECT count(*) FROM leads WHERE stage = 'mql'") > 60);
	assert_int_equal(sql_int(f, rank_mismatch), 0);
	/* The unscored stay NULL. */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM leads WHERE "
				 "email LIKE 'u%' AND rank_grade IS NULL"), 4);
	/* Erasure drops the score and the rank together. */
	char key[32], sql[160];
	int64_t id = sql_int(f, "SELECT max(l.id) FROM leads l JOIN scores s "
			     "ON s.lead_id = l.id WHERE l.stage = 'mql'");
	snprintf(key, sizeof key, "%lld", (long long)id);
	assert_int_equal(lq_service_forget(f->svc, key, &err), 0);
	assert_int_equal(sql_int(f, rank_mismatch), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM leads WHERE id = %lld "
		 "AND stage = 'mql' AND rank_grade IS NULL AND rank_at IS NULL "
		 "AND rank_engagement IS NULL", (long long)id);
	assert_int_equal(sql_int(f, sql), 1);

	/* A scored lead entering mql takes its score as rank, whoever moves
	 * it (here the store alone, as an imported stage does). */
	lq_lead l;
	id = sql_int(f, "SELECT max(l.id) FROM leads l JOIN scores s ON "
		     "s.lead_id = l.id WHERE l.stage IS NOT 'mql' AND "
		     "s.engagement > 0");
	assert_true(id > 0);
	lq_lead_init(&l);
	assert_int_equal(lq_store_lead_get(f->svc->store, id, &l, &err), 0);
	l.stage = LQ_STAGE_MQL;
	assert_int_equal(lq_store_lead_put(f->svc->store, &l, &err), 0);
	lq_lead_free(&l);
	assert_int_equal(sql_int(f, rank_mismatch), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM leads WHERE id = %lld "
		 "AND rank_engagement > 0", (long long)id);
	assert_int_equal(sql_int(f, sql), 1);
	/* A rescore writes every rank again. */
	sql_exec(f, "UPDATE leads SET rank_engagement = -1");
	reopen_service(f, T0);
	apply_model(f, model1);
	assert_int_equal(sql_int(f, rank_mismatch), 0);
	assert_int_equal(sql_int(f, rank_triggers), 2);
}

/* The same on the store's own connection: what its open transaction sees. */
static int64_t store_int(fx *f, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n;
	sqlite3 *db = sq_handle(f->svc->store)->db;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The stored score of lead id with its engagement set to e. */
static void put_engagement(fx *f, int64_t id, double e)
{
	lq_score_row r;
	lq_error err = {0};
	assert_int_equal(lq_store_score_get(f->svc->store, id, &r, &err), 0);
	r.engagement = e;
	assert_int_equal(lq_store_score_put(f->svc->store, &r, &err), 0);
	lq_score_row_free(&r);
}

static int64_t rank_of(fx *f, int64_t id, int own)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT CAST(rank_engagement AS INTEGER) "
		 "FROM leads WHERE id = %lld", (long long)id);
	return own ? store_int(f, sql) : sql_int(f, sql);
}

/* Scores written in bulk: the per-score triggers are aside (an MQL's rank
 * stays as it was) until the pass says the lead's id is done or ends,
 * then the MQL is ranked from its score; at the end the triggers are
 * back. A rollback and a commit bring them back too, and only a
 * transaction may set them aside. */
static void test_rank_in_bulk(void **state)
{
	fx *f = *state;
	lq_store *s;
	lq_error err = {0};
	build_data(f);
	s = f->svc->store;
	int64_t id = sql_int(f, "SELECT max(l.id) FROM leads l JOIN scores s "
			     "ON s.lead_id = l.id WHERE l.stage = 'mql'");
	assert_true(id > 0);
	assert_int_not_equal(lq_store_scores_bulk(s, 1, &err), 0);
	assert_int_equal(sql_int(f, rank_triggers), 2);

	int64_t low = sql_int(f, "SELECT min(l.id) FROM leads l JOIN scores s "
			      "ON s.lead_id = l.id WHERE l.stage = 'mql'");
	assert_true(low < id);
	assert_int_equal(lq_store_scores_ranked(s, id, &err), 0);  /* no pass */

	/* Aside; the ids below low + 1 said done; put back by the pass. */
	assert_int_equal(lq_store_begin(s, &err), 0);
	assert_int_equal(lq_store_scores_bulk(s, 1, &err), 0);
	assert_int_equal(store_int(f, rank_triggers), 0);
	put_engagement(f, low, 4321);
	put_engagement(f, id, 12345);
	assert_int_not_equal(rank_of(f, low, 1), 4321);
	assert_int_not_equal(rank_of(f, id, 1), 12345);
	assert_int_equal(lq_store_scores_ranked(s, low + 1, &err), 0);
	assert_int_equal(rank_of(f, low, 1), 4321);
	assert_int_not_equal(rank_of(f, id, 1), 12345);
	assert_int_equal(lq_store_scores_ranked(s, low, &err), 0);  /* done */
	assert_int_equal(lq_store_scores_bulk(s, 0, &err), 0);
	assert_int_equal(store_int(f, rank_triggers), 2);
	assert_int_equal(rank_of(f, id, 1), 12345);
	assert_int_equal(store_int(f, rank_mismatch), 0);
	assert_int_equal(lq_store_commit(s, &err), 0);
	assert_int_equal(sql_int(f, rank_triggers), 2);
	assert_int_equal(sql_int(f, rank_mismatch), 0);

	/* Rolled back: the score and rank as they were, the triggers back,
	 * and a later pass sets them aside again. */
	assert_int_equal(lq_store_begin(s, &err), 0);
	assert_int_equal(lq_store_scores_bulk(s, 1, &err), 0);
	put_engagement(f, id, 777);
	lq_store_rollback(s);
	assert_int_equal(sql_int(f, rank_triggers), 2);
	assert_int_equal(rank_of(f, id, 0), 12345);
	assert_int_equal(lq_store_begin(s, &err), 0);
	assert_int_equal(lq_store_scores_bulk(s, 1, &err), 0);
	assert_int_equal(store_int(f, rank_triggers), 0);

	/* Committed without the pass's end: the commit puts them back. */
	put_engagement(f, id, 999);
	assert_int_equal(lq_store_commit(s, &err), 0);
	assert_int_equal(sql_int(f, rank_triggers), 2);
	assert_int_equal(rank_of(f, id, 0), 999);
	assert_int_equal(sql_int(f, rank_mismatch), 0);
}

typedef struct walk {
	double last;
	int rows, stop_after;
	const char *owner, *source;
	char grade;
	int bad;
} walk;

static int walk_row(void *ctx, const lq_lead *lead, const lq_account *account,
		    const lq_score_row *score, double rank)
{
	walk *w = ctx;
	if (!score || score->grade != w->grade || score->engagement != rank ||
	    rank > w->last || lead->stage != LQ_STAGE_MQL ||
	    (w->owner && (!lead->owner || strcmp(lead->owner, w->owner))) ||
	    (w->source && (!lead->source || strcmp(lead->source, w->source))))
		w->bad++;
	w->last = rank;
	return ++w->rows == w->stop_after ? 7 : 0;
}

static int count_row(void *ctx, const lq_lead *lead, const lq_account *account,
		     const lq_score_row *score, double rank)
{
	walk *w = ctx;
	w->rows++;
	return 0;
}

static void test_counts(void **state)
{
	fx *f = *state;
	lq_store *s = f->svc->store;
	lq_error err = {0};
	int64_t n = 0;
	int64_t latest = -1;
	build_data(f);

	/* Counts by grade, owner and source. */
	static const char grades[] = {'A', 'B', 'C', 'D', 'F'};
	int64_t sum = 0;
	for (size_t i = 0; i < sizeof grades; i++) {
		lq_queue_filter g = {NULL, NULL, grades[i]};
		assert_int_equal(lq_store_queue_count(s, &g, &n, &err), 0);
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM leads l JOIN scores s "
			 "ON s.lead_id = l.id WHERE l.stage = 'mql' AND s.grade = '%c'",
			 grades[i]);
		assert_int_equal(n, sql_int(f, sql));
		sum += n;
	}
	lq_queue_filter any = {NULL, NULL, 0};
	assert_int_equal(lq_store_queue_count(s, &any, &n, &err), 0);
	assert_int_equal(n - sum, 4);    /* the unscored */
	assert_int_equal(n, sql_int(f, "SELECT count(*) FROM leads WHERE "
				    "stage = 'mql'"));
	static const char *const owners[] = {NULL, "ann", "bob"};
	static const char *const srcs[] = {NULL, "referral", "organic"};
	static const char any_grade[] = {0, 'A', 'B'};
	for (size_t o = 0; o < 3; o++)
		for (size_t so = 0; so < 3; so++)
			for (size_t gi = 0; gi < 3; gi++) {
				lq_queue_filter q = {owners[o], srcs[so], any_grade[gi]};
				char sql[300];
				snprintf(sql, sizeof sql, "SELECT count(*) FROM leads l "
					 "LEFT JOIN scores s ON s.lead_id = l.id WHERE "
					 "l.stage = 'mql' AND %s%s%s AND %s%s%s AND %s%c%s",
					 owners[o] ? "l.owner = '" : "1", owners[o] ? owners[o] : "",
					 owners[o] ? "'" : "",
					 srcs[so] ? "l.source = '" : "1", srcs[so] ? srcs[so] : "",
					 srcs[so] ? "'" : "",
					 any_grade[gi] ? "s.grade = '" : "1",
					 any_grade[gi] ? any_grade[gi] : ' ',
					 any_grade[gi] ? "'" : "");
				assert_int_equal(lq_store_queue_count(s, &q, &n, &err), 0);
				assert_int_equal(n, sql_int(f, sql));
			}
	/* The MQLs scored after a time. */
	lq_time ts[] = {T0, T0 - 3 * DAY, T0 - 20 * DAY, 0};
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		walk w = {INFINITY, 0, 0, NULL, NULL, 0, 0};
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM scores s JOIN leads "
			 "l ON l.id = s.lead_id WHERE l.stage = 'mql' AND "
			 "s.scored_at > %lld", (long long)ts[i]);
		assert_int_equal(lq_store_queue_scored_after(s, ts[i], NULL, NULL,
							     count_row, &w, &err), 0);
		assert_int_equal(w.rows, sql_int(f, sql));
		latest = w.rows;
	}
	assert_true(latest > 0);
}

static void test_walk_rows(void **state)
{
	fx *f = *state;
	lq_error err = {0};
	build_data(f);
	const char *owners[] = {NULL, "ann", "bob"};
	const char *srcs[] = {NULL, "referral"};
	for (size_t o = 0; o < 3; o++)
		for (size_t so = 0; so < 2; so++) {
			lq_queue_group g = {1, 'B', owners[o], srcs[so]};
			lq_queue_filter qf = {owners[o], srcs[so], 'B'};
			walk w = {INFINITY, 0, 0, owners[o], srcs[so], 'B', 0};
			int64_t n;
			assert_int_equal(lq_store_queue_each(f->svc->store, &g, walk_row,
							     &w, &err), 0);
			assert_int_equal(lq_store_queue_count(f->svc->store, &qf, &n,
							      &err), 0);
			assert_int_equal(w.bad, 0);
			assert_int_equal(w.rows, n);
		}
	/* fn's non-zero answer stops the walk and is returned. */
	lq_queue_group g = {1, 'B', NULL, NULL};
	walk w = {INFINITY, 0, 3, NULL, NULL, 'B', 0};
	assert_int_equal(lq_store_queue_each(f->svc->store, &g, walk_row, &w,
					     &err), 7);
	assert_int_equal(w.rows, 3);
	/* A grade outside A..F is refused. */
	g.grade = 'Q';
	assert_int_equal(lq_store_queue_each(f->svc->store, &g, walk_row, &w,
					     &err), LQ_EINVAL);
}

/* The proof: the top-k gives the reference page for every query. */
static void test_topk_matches_reference(void **state)
{
	fx *f = *state;
	lq_error err = {0};
	build_data(f);
	compare_at_every_now(f, 120);

	/* Sales acts on some, one lead is erased (now unscored), then a
	 * rescore under a model with other points and decay. */
	assert_int_equal(lq_service_accept(f->svc, "L0", "t", NULL, &err), 0);
	assert_int_equal(lq_service_reject(f->svc, "L8", "t", "no", 0, &err), 0);
	assert_int_equal(lq_service_forget(f->svc, "L16", &err), 0);
	compare_at_every_now(f, 60);
	char *model2 = strdup(model1);
	char *p = strstr(model2, "half_life: 30d");
	memcpy(p, "half_life: 11d", 14);
	p = strstr(model2, "points: 15\n      half_life: 7d");
	memcpy(p, "points: 25", 10);
	apply_model(f, model2);
	free(model2);
	assert_int_equal(sql_int(f, rank_mismatch), 0);
	compare_at_every_now(f, 60);
}

/* The top-k reads the rank, not every MQL: a rank lowered by hand hides
 * its lead from the top of the page - unless the rank cannot bound the
 * engagement at now (a query before the last scoring, or a model whose
 * negative points fade), where the whole queue is read. */
static void test_rank_is_what_is_walked(void **state)
{
	fx *f = *state;
	lq_queue_query top = {.limit = 1};
	page want, got;
	char sql[128];
	build_data(f);
	reference(f->svc, &top, &want);
	assert_int_equal(want.n, 1);
	snprintf(sql, sizeof sql, "UPDATE leads SET rank_engagement = -1 "
		 "WHERE id = %lld", (long long)want.id[0]);
	sql_exec(f, sql);
	queue_page(f->svc, &top, &got);
	assert_int_equal(got.n, 1);
	assert_true(got.id[0] != want.id[0]);    /* the index was walked */

	/* MQLs scored after now are read apart, whatever their rank: at a
	 * now before their scoring, ranks lowered by hand change nothing. */
	f->svc->now = T0 - 5 * DAY;
	snprintf(sql, sizeof sql, "UPDATE leads SET rank_engagement = -1 "
		 "WHERE rank_at > %lld", (long long)f->svc->now);
	sql_exec(f, sql);
	random_queries(f, 60);
	f->svc->now = T0 - 61 * DAY;             /* before every scoring */
	sql_exec(f, "UPDATE leads SET rank_engagement = -1");
	random_queries(f, 30);
	f->svc->now = T0;

	/* Negative points that expire: engagement may rise with time. */
	char *neg = malloc(sizeof model1 + 128);
	snprintf(neg, sizeof model1 + 128, "%s", model1);
	char *p = strstr(neg, "stages:");
	char tail[256];
	snprintf(tail, sizeof tail, "%s", p);
	snprintf(p, 512, "    - rule: unsubscribed\n      on: email_unsubscribe\n"
		 "      points: -20\n      expires: 30d\n%s", tail);
	apply_model(f, neg);
	free(neg);
	reference(f->svc, &top, &want);
	snprintf(sql, sizeof sql, "UPDATE leads SET rank_engagement = -1 "
		 "WHERE id = %lld", (long long)want.id[0]);
	sql_exec(f, sql);
	queue_page(f->svc, &top, &got);
	assert_int_equal(got.id[0], want.id[0]);
}

/* Many MQLs whose engagement cannot fade (no events: 0), as the Olist
 * MQLs of the demo: the walk comes in the queue's order among equal
 * stored engagements (oldest in the stage, unknown as 0, then id), so a
 * page reads about its own rows, not the whole tie - and still gives the
 * reference page, with stage times repeated, unknown and before 1970. */
#define NTIES 2000
static void test_ties_stop_the_walk(void **state)
{
	fx *f = *state;
	lq_buf b = LQ_BUF_INIT;
	build_data(f);
	lq_buf_adds(&b, "external_id,email,source,created_at\n");
	for (int i = 0; i < NTIES; i++) {
		char line[128];
		snprintf(line, sizeof line, "T%d,t%d@co.example,%s,2025-%02d-%02d\n",
			 i, i, sources[i % 4], 1 + (i * 7) % 12, 1 + (i * 13) % 5);
		lq_buf_adds(&b, line);
	}
	import(f, lq_buf_str(&b), 0, LQ_STAGE_MQL);
	lq_buf_free(&b);
	/* stage times repeated (five a month), unknown (NULL) and negative */
	sql_exec(f, "UPDATE leads SET stage_at = created_at WHERE external_id "
		 "LIKE 'T%'");
	sql_exec(f, "UPDATE leads SET stage_at = NULL WHERE external_id "
		 "IN ('T5', 'T17', 'T1999')");
	sql_exec(f, "UPDATE leads SET stage_at = -86400000 WHERE external_id "
		 "IN ('T6', 'T18')");
	static const size_t limits[] = {1, 10, 50, 200};
	static const size_t offsets[] = {0, 7, 150};
	static const char *const owners[] = {NULL, "ann"};
	static const char *const srcs[] = {NULL, "organic"};
	static const lq_time at[] = {T0, T0 + 19 * DAY + 13 * HOUR, T0 + 400 * DAY};
	size_t checked = 0;
	for (size_t t = 0; t < 3 && (f->svc->now = at[t]); t++)
	for (size_t l = 0; l < 4; l++)
		for (size_t o = 0; o < 3; o++)
			for (size_t w = 0; w < 2; w++)
				for (size_t so = 0; so < 2; so++) {
					lq_queue_query q = {.owner = owners[w],
							    .source = srcs[so],
							    .offset = offsets[o],
							    .limit = limits[l]};
					lq_queue got;
					lq_error err = {0};
					expect_same(f->svc, &q);
					assert_int_equal(lq_service_queue(f->svc, &q, &got, &err), 0);
					/* the page, and at most the other MQLs
					 * (build_data's, whose engagement fades:
					 * read until their rank bounds the page),
					 * one more row a group */
					if (got.read > q.offset + q.limit + NLEADS + 8)
						fail_msg("offset %zu limit %zu owner %s source %s: "
							 "%zu MQLs read of %zu", q.offset, q.limit,
							 q.owner ? q.owner : "-", q.source ? q.source : "-",
							 got.read, got.total);
					if (!q.owner && !q.source)
						assert_true(got.total > NTIES);
					lq_queue_free(&got);
					checked++;
				}
	assert_int_equal(checked, 3 * 48);
	f->svc->now = T0;
}

/* A lead listing with a limit (the heap of query.c) gives the first rows
 * of the whole listing sorted, and the same total, for every sort,
 * filter, limit and now. */
static void expect_listing_prefix(lq_service *svc, const lq_lead_query *q)
{
	lq_lead_query all = *q;
	lq_lead_list want, got;
	lq_error err = {0};
	all.limit = 0;
	assert_int_equal(lq_service_leads(svc, &all, &want, &err), 0);
	assert_int_equal(lq_service_leads(svc, q, &got, &err), 0);
	assert_int_equal(got.total, want.total);
	assert_int_equal(got.n, want.n < q->limit ? want.n : q->limit);
	for (size_t i = 0; i < got.n; i++)
		if (got.rows[i].lead.id != want.rows[i].lead.id ||
		    got.rows[i].score != want.rows[i].score ||
		    strcmp(got.rows[i].lead.email ? got.rows[i].lead.email : "",
			   want.rows[i].lead.email ? want.rows[i].lead.email : ""))
			fail_msg("now %lld sort %d limit %zu: row %zu is lead %lld, "
				 "want %lld", (long long)svc->now, (int)q->sort,
				 q->limit, i, (long long)got.rows[i].lead.id,
				 (long long)want.rows[i].lead.id);
	lq_lead_list_free(&want);
	lq_lead_list_free(&got);
}

static void test_listing_limit_is_a_prefix(void **state)
{
	fx *f = *state;
	static const lq_lead_sort sorts[] = {LQ_SORT_SCORE, LQ_SORT_ENGAGEMENT,
					     LQ_SORT_FIT, LQ_SORT_UPDATED};
	static const size_t limits[] = {1, 2, 3, 7, 50, 333, 100000};
	static const lq_stage stages[] = {LQ_STAGE_NONE, LQ_STAGE_MQL};
	static const char grades[] = {0, 'B'};
	build_data(f);
	for (size_t t = 0; t < 4; t++) {
		f->svc->now = nows[t * 2];
		for (size_t so = 0; so < 4; so++)
			for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++)
				for (size_t st = 0; st < 2; st++)
					for (size_t g = 0; g < 2; g++) {
						lq_lead_query q = {
							.filter = {.stage = stages[st],
								   .grade = grades[g]},
							.sort = sorts[so],
							.limit = limits[l]};
						expect_listing_prefix(f->svc, &q);
					}
	}
	f->svc->now = T0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rank_follows_scores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rank_in_bulk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_topk_matches_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rank_is_what_is_walked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ties_stop_the_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listing_limit_is_a_prefix, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * migrations.c - the SQLite schema, as numbered migrations. Migration N is
 * the N-th string below; `PRAGMA user_version` records how many ran, and
 * store_sqlite.c runs the pending ones at open, all in one transaction.
 *
 * Append only: never edit or reorder a migration that has shipped (a
 * database in the field already ran it); change the schema by adding the
 * next one. Absent values are NULL: NAN numbers, NULL strings, times that
 * are 0 for "unknown" or "not yet" (a lead's created_at and stage_at, a
 * task's done_at, an outbox row's delivered_at...), ids of 0, empty
 * attribute maps. Times are integer milliseconds since the epoch (UTC);
 * stages and outbox statuses are stored by name.
 */
#include <stddef.h>

#include "store/store_sqlite.h"

static const char *const migrations[] = {
	/* 1: accounts, leads, events, scores, stage history, models. */
	"CREATE TABLE accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  domain TEXT UNIQUE COLLATE NOCASE,"
	"  name TEXT,"
	"  industry TEXT,"
	"  employees REAL,"
	"  revenue REAL,"
	"  traffic REAL,"
	"  ad_spend REAL,"
	"  tech TEXT,"                  /* JSON array of technology names */
	"  attrs TEXT,"                 /* JSON object of custom attributes */
	"  created_at INTEGER,"
	"  updated_at INTEGER"
	");"
	"CREATE TABLE leads ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER REFERENCES accounts(id),"
	"  external_id TEXT UNIQUE,"    /* case matters: CRM ids */
	"  email TEXT UNIQUE COLLATE NOCASE,"
	"  email_domain TEXT,"
	"  first_name TEXT,"
	"  last_name TEXT,"
	"  title TEXT,"
	"  seniority TEXT,"
	"  department TEXT,"
	"  country TEXT,"
	"  source TEXT,"
	"  created_at INTEGER,"
	"  stage TEXT,"
	"  attrs TEXT"                  /* JSON object */
	");"
	"CREATE INDEX leads_account ON leads(account_id);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  lead_id INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  props TEXT,"                 /* JSON object */
	"  msg_id TEXT"                 /* sender's de-duplication key */
	");"
	/* Partial: events without a msg_id cost no index entry. */
	"CREATE UNIQUE INDEX events_msg_id ON events(msg_id)"
	"  WHERE msg_id IS NOT NULL;"
	"CREATE INDEX events_lead_at ON events(lead_id, at);"
	"CREATE TABLE scores ("
	"  lead_id INTEGER PRIMARY KEY,"
	"  model_version INTEGER,"
	"  fit REAL,"
	"  channel REAL,"
	"  grade TEXT,"
	"  engagement REAL,"
	"  score REAL,"
	"  scored_at INTEGER,"
	"  disqualified_by TEXT,"
	"  state BLOB"                  /* engine's engagement state */
	");"
	"CREATE TABLE stage_changes ("
	"  id INTEGER PRIMARY KEY,"
	"  lead_id INTEGER NOT NULL,"
	"  from_stage TEXT,"            /* NULL for a lead's first stage */
	"  to_stage TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT,"
	"  reason TEXT"
	");"
	"CREATE INDEX stage_changes_lead_at ON stage_changes(lead_id, at);"
	"CREATE TABLE models ("
	"  version INTEGER PRIMARY KEY,"
	"  name TEXT,"
	"  text TEXT NOT NULL,"         /* the YAML source */
	"  applied_at INTEGER"
	");",

	/* 2: the lead lifecycle (stage time, owner, cycles), qualification
	 * answers, notes, tasks, webhooks and their outbox, alert
	 * de-duplication, counters. */
	"ALTER TABLE leads ADD COLUMN stage_at INTEGER;"
	"ALTER TABLE leads ADD COLUMN owner TEXT;"
	"ALTER TABLE leads ADD COLUMN cycle INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE leads ADD COLUMN engagement_since INTEGER;"
	"CREATE INDEX leads_owner ON leads(owner);"
	"CREATE INDEX leads_stage_at ON leads(stage, stage_at);"
	"CREATE TABLE answers ("
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),"
	"  cycle INTEGER NOT NULL,"
	"  item TEXT NOT NULL,"
	"  value TEXT,"
	"  at INTEGER,"
	"  actor TEXT,"
	"  PRIMARY KEY (lead_id, cycle, item)"
	") WITHOUT ROWID;"
	"CREATE TABLE notes ("
	"  id INTEGER PRIMARY KEY,"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),"
	"  cycle INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT,"
	"  text TEXT NOT NULL"
	");"
	"CREATE INDEX notes_lead ON notes(lead_id, at);"
	"CREATE TABLE tasks ("
	"  id INTEGER PRIMARY KEY,"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),"
	"  owner TEXT,"                 /* NULL: unassigned */
	"  due INTEGER NOT NULL,"
	"  text TEXT,"
	"  created_at INTEGER,"
	"  done_at INTEGER"             /* NULL while open */
	");"
	"CREATE INDEX tasks_owner_due ON tasks(owner, due);"
	"CREATE INDEX tasks_lead ON tasks(lead_id);"
	/* AUTOINCREMENT: a webhook id is never reused, outbox rows keep it. */
	"CREATE TABLE webhooks ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  url TEXT NOT NULL,"
	"  events TEXT,"                /* comma-separated event names */
	"  secret TEXT,"                /* HMAC key */
	"  origin TEXT,"                /* cli | model */
	"  created_at INTEGER,"
	"  max_attempts INTEGER"        /* NULL: the deliverer's default */
	");"
	/* No foreign keys: rows outlive their webhook (history). */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  delivery_id TEXT NOT NULL UNIQUE,"
	"  webhook_id INTEGER,"
	"  url TEXT NOT NULL,"
	"  secret TEXT,"
	"  event TEXT NOT NULL,"
	"  lead_id INTEGER,"
	"  payload TEXT NOT NULL,"      /* the JSON body */
	"  created_at INTEGER,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"
	"  status TEXT NOT NULL,"       /* pending | delivered | dead */
	"  last_error TEXT,"
	"  delivered_at INTEGER,"
	"  max_attempts INTEGER"        /* copied from the webhook */
	");"
	"CREATE INDEX outbox_status_next ON outbox(status, next_at);"
	"CREATE TABLE alerts ("
	"  lead_id INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  key INTEGER NOT NULL,"
	"  UNIQUE (lead_id, kind, key)"
	");"
	"CREATE TABLE counters ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL"
	") WITHOUT ROWID;",

	/* 3: the server - API keys (only a hash of the secret part is kept),
	 * events of anonymous visitors kept until they identify, and the
	 * anonymous id -> lead links made by identify/alias. */
	"CREATE TABLE api_keys ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  name TEXT,"
	"  role TEXT NOT NULL,"         /* admin | sales | marketing | ingest */
	"  prefix TEXT NOT NULL UNIQUE," /* public part, to find the key */
	"  hash TEXT NOT NULL,"         /* BLAKE2b of the secret part, hex */
	"  created_at INTEGER,"
	"  revoked_at INTEGER"          /* NULL while valid */
	");"
	"CREATE TABLE anon_events ("
	"  id INTEGER PRIMARY KEY,"
	"  anonymous_id TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  props TEXT,"
	"  msg_id TEXT"
	");"
	"CREATE UNIQUE INDEX anon_events_msg ON anon_events(msg_id) "
	"  WHERE msg_id IS NOT NULL;"
	"CREATE INDEX anon_events_anon ON anon_events(anonymous_id, at);"
	"CREATE TABLE identities ("
	"  anonymous_id TEXT PRIMARY KEY,"
	"  lead_id INTEGER NOT NULL REFERENCES leads(id),"
	"  linked_at INTEGER"
	") WITHOUT ROWID;",

	/* 4: learning - models fitted by `leadq learn` (feature definitions,
	 * weights and metrics as JSON, by version) and each lead's predicted
	 * probability of the outcome, kept beside its rules score. */
	"CREATE TABLE learned_models ("
	"  version INTEGER PRIMARY KEY,"
	"  outcome TEXT NOT NULL,"      /* won | sql | sqo | attr.NAME */
	"  created_at INTEGER NOT NULL,"
	"  json TEXT NOT NULL"
	");"
	"CREATE TABLE predictions ("
	"  lead_id INTEGER PRIMARY KEY REFERENCES leads(id),"
	"  learned_version INTEGER NOT NULL,"
	"  probability REAL NOT NULL,"
	"  scored_at INTEGER NOT NULL"
	");",

	/* 5: the sales queue - every MQL keeps a copy of its grade, its
	 * engagement and its scoring time at its last scoring (its rank; NULL
	 * while unscored, grade '' for a score without one), so a partial index
	 * over the MQLs orders the queue: engagement at any time after the
	 * scoring is never above the stored value, so a walk down the index
	 * can stop early (a threshold top-k; store_sqlite_queue.c). The source
	 * rides along in the index: a source filter is checked and counted
	 * without reading the row. leads_queue_at finds the MQLs scored after
	 * a time: a queue read at an earlier time cannot rely on their rank.
	 * Triggers keep the rank in step, in the writing statement: any write
	 * or erasure of an MQL's score, and a lead entering mql (from its
	 * score as it is). Leads in other stages are not in the indexes and
	 * their rank is not kept: scores written in bulk for every lead cost a
	 * lookup each, not a rewrite of the leads table. (A rescore sets the
	 * two per-score triggers aside and ranks every MQL at its end:
	 * store_sqlite_rank.c.) */
	"ALTER TABLE leads ADD COLUMN rank_grade TEXT;"
	"ALTER TABLE leads ADD COLUMN rank_engagement REAL;"
	"ALTER TABLE leads ADD COLUMN rank_at INTEGER;"
	"UPDATE leads SET (rank_grade, rank_engagement, rank_at) ="
	"  (SELECT coalesce(grade, ''), engagement, scored_at FROM scores"
	"   WHERE lead_id = leads.id) WHERE stage = 'mql';"
	"CREATE INDEX leads_queue"
	"  ON leads(rank_grade, rank_engagement DESC, source)"
	"  WHERE stage = 'mql';"
	"CREATE INDEX leads_queue_owner"
	"  ON leads(owner, rank_grade, rank_engagement DESC, source)"
	"  WHERE stage = 'mql';"
	"CREATE INDEX leads_queue_at ON leads(rank_at) WHERE stage = 'mql';"
	"CREATE TRIGGER scores_rank_insert AFTER INSERT ON scores BEGIN"
	"  UPDATE leads SET rank_grade = coalesce(NEW.grade, ''),"
	"    rank_engagement = NEW.engagement, rank_at = NEW.scored_at"
	"  WHERE id = NEW.lead_id AND stage = 'mql';"
	"END;"
	"CREATE TRIGGER scores_rank_update AFTER UPDATE ON scores BEGIN"
	"  UPDATE leads SET rank_grade = coalesce(NEW.grade, ''),"
	"    rank_engagement = NEW.engagement, rank_at = NEW.scored_at"
	"  WHERE id = NEW.lead_id AND stage = 'mql';"
	"END;"
	"CREATE TRIGGER scores_rank_delete AFTER DELETE ON scores BEGIN"
	"  UPDATE leads SET rank_grade = NULL, rank_engagement = NULL,"
	"    rank_at = NULL"
	"  WHERE id = OLD.lead_id AND stage = 'mql';"
	"END;"
	"CREATE TRIGGER leads_rank_enter AFTER UPDATE OF stage ON leads"
	"  WHEN NEW.stage = 'mql' AND OLD.stage IS NOT 'mql' BEGIN"
	"  UPDATE leads SET (rank_grade, rank_engagement, rank_at) ="
	"    (SELECT coalesce(grade, ''), engagement, scored_at FROM scores"
	"     WHERE lead_id = NEW.id) WHERE id = NEW.id;"
	"END;"
	"CREATE TRIGGER leads_rank_insert AFTER INSERT ON leads"
	"  WHEN NEW.stage = 'mql' BEGIN"
	"  UPDATE leads SET (rank_grade, rank_engagement, rank_at) ="
	"    (SELECT coalesce(grade, ''), engagement, scored_at FROM scores"
	"     WHERE lead_id = NEW.id) WHERE id = NEW.id;"
	"END;",

	/* 6: events clustered by lead - every reader walks a lead's events
	 * in (lead_id, at, id) order, and ingestion writes one B-tree keyed
	 * by lead (batches sorted on that key) plus the de-duplication
	 * index. Ids stay unique and increasing: the store hands them out
	 * from the counter 'event_id' (the next id to give). De-duplication
	 * by msg_hash, a 64-bit hash of msg_id (the SQL function
	 * lq_msg_hash, registered on every connection by
	 * store_sqlite_events.c), a hit confirmed by comparing msg_id. */
	"CREATE TABLE events6 ("
	"  lead_id INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  id INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  props TEXT,"                 /* JSON object */
	"  msg_id TEXT,"                /* sender's de-duplication key */
	"  msg_hash INTEGER,"           /* lq_msg_hash(msg_id) */
	"  PRIMARY KEY (lead_id, at, id)"
	") WITHOUT ROWID;"
	"INSERT INTO events6 (lead_id, at, id, type, props, msg_id, msg_hash)"
	"  SELECT lead_id, at, id, type, props, msg_id, lq_msg_hash(msg_id)"
	"  FROM events ORDER BY lead_id, at, id;"
	"INSERT OR REPLACE INTO counters (name, value)"
	"  SELECT 'event_id', coalesce(max(id), 0) + 1 FROM events;"
	"DROP TABLE events;"
	"ALTER TABLE events6 RENAME TO events;"
	"CREATE INDEX events_msg_hash ON events(msg_hash)"
	"  WHERE msg_hash IS NOT NULL;",

	/* 7: a message id counts once per lead - a redelivery is the same
	 * message about the same person, and a sender that reuses ids
	 * across people (a per-lead activity number) loses nothing. Keyed
	 * by lead, the index is written in the order of the clustered
	 * table (an import's sorted batch walks both B-trees forward)
	 * where the random msg_hash order cost 40% of an import. */
	"DROP INDEX events_msg_hash;"
	"CREATE INDEX events_lead_msg ON events(lead_id, msg_hash)"
	"  WHERE msg_hash IS NOT NULL;",

	/* 8: recent events, folded into the clustered table in slices
	 * (store_sqlite_fold.c). A tracked event stored straight into
	 * events_main dirtied its lead's page of the table and of the
	 * de-duplication index, at random: half of the server's cost per
	 * event. The server writes into events_recent instead, a much
	 * smaller table (one page per event, the de-duplication key is its
	 * own key), and folds its rows into events_main many at a time,
	 * several per page, a range of leads per transaction: the rows of
	 * the range are moved and deleted together, so every event is in
	 * exactly one table at any time. events_main is the clustered table
	 * of before. msg_hash is 0 for an event without msg_id here (a key
	 * column), NULL in events_main. The view events is every event,
	 * for SQL written by hand (the store reads the tables). */
	"ALTER TABLE events RENAME TO events_main;"
	"CREATE TABLE events_recent ("
	"  lead_id INTEGER NOT NULL,"
	"  msg_hash INTEGER NOT NULL,"
	"  id INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  props TEXT,"
	"  msg_id TEXT,"
	"  PRIMARY KEY (lead_id, msg_hash, id)"
	") WITHOUT ROWID;"
	"CREATE VIEW events AS"
	"  SELECT lead_id, at, id, type, props, msg_id, msg_hash"
	"  FROM events_main"
	"  UNION ALL"
	"  SELECT lead_id, at, id, type, props, msg_id,"
	"    CASE WHEN msg_id IS NULL THEN NULL ELSE msg_hash END"
	"  FROM events_recent;",

	/* 9: the queue's indexes in the queue's order within a stored
	 * engagement: oldest in the stage first (unknown, NULL, as 0), then
	 * the lowest id. A group of MQLs with equal stored engagement that
	 * cannot have faded (engagement 0: the Olist MQLs, 7,158 of them in
	 * the demo) was read whole for every page reaching into it (a
	 * dashboard page of 200: 30-40 ms); walked in the queue's order it
	 * stops at the first row that misses the page (service/queue.c). */
	"DROP INDEX leads_queue;"
	"DROP INDEX leads_queue_owner;"
	"CREATE INDEX leads_queue ON leads(rank_grade, rank_engagement DESC,"
	"  coalesce(stage_at, 0), id, source) WHERE stage = 'mql';"
	"CREATE INDEX leads_queue_owner ON leads(owner, rank_grade,"
	"  rank_engagement DESC, coalesce(stage_at, 0), id, source)"
	"  WHERE stage = 'mql';",
};

const char *const *lq_store_sqlite_migrations(size_t *n)
{
	*n = sizeof migrations / sizeof migrations[0];
	return migrations;
}

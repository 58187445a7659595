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
};

const char *const *lq_store_sqlite_migrations(size_t *n)
{
	*n = sizeof migrations / sizeof migrations[0];
	return migrations;
}

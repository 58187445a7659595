/*
 * migrations.c - the SQLite schema, as numbered migrations. Migration N is
 * the N-th string below; `PRAGMA user_version` records how many ran, and
 * store_sqlite.c runs the pending ones at open, all in one transaction.
 *
 * Append only: never edit or reorder a migration that has shipped (a
 * database in the field already ran it); change the schema by adding the
 * next one. Absent values are NULL: NAN numbers, NULL strings, a lead's
 * created_at of 0, empty attribute maps. Times are integer milliseconds
 * since the epoch (UTC); stages are stored by name (lq_stage_name).
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
};

const char *const *lq_store_sqlite_migrations(size_t *n)
{
	*n = sizeof migrations / sizeof migrations[0];
	return migrations;
}

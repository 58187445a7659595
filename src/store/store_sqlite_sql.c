/*
 * store_sqlite_sql.c - the text of every statement the SQLite backend
 * prepares, indexed by enum sq_stmt (store_sqlite.h). store_sqlite.c
 * prepares them all once at open; the store_sqlite_*.c files bind and step
 * them.
 *
 * Constant text only: values always travel as bound parameters, never
 * pasted into SQL.
 */
#include "store/store_sqlite.h"

/* The filter shared by the task listings (see SQ_TASKS_ALL). */
#define SQ_TASK_FILTER \
	"(?1 IS NULL OR lead_id = ?1) AND (?2 IS NULL OR owner = ?2) " \
	"AND (?3 = 0 OR done_at IS NULL) AND (?4 IS NULL OR due < ?4) " \
	"ORDER BY due, id"

const char *const lq_store_sqlite_sql[SQ_N_STMTS] = {
	[SQ_BEGIN] = "BEGIN IMMEDIATE",
	[SQ_COMMIT] = "COMMIT",
	[SQ_ROLLBACK] = "ROLLBACK",
	[SQ_MARK] = "SAVEPOINT lq_mark",
	[SQ_RELEASE] = "RELEASE lq_mark",
	[SQ_UNDO] = "ROLLBACK TO lq_mark",

	[SQ_MODEL_ADD] =
		"INSERT INTO models (name, text, applied_at) "
		"VALUES (?1, ?2, ?3)",
	[SQ_MODEL_CURRENT] =
		"SELECT version, name, text, applied_at FROM models "
		"ORDER BY version DESC LIMIT 1",
	[SQ_MODELS] =
		"SELECT version, name, NULL, applied_at FROM models "
		"ORDER BY version DESC",

	[SQ_ACCOUNT_GET] =
		"SELECT " SQ_ACCOUNT_COLS " FROM accounts a WHERE a.id = ?1",
	[SQ_ACCOUNT_BY_DOMAIN] =
		"SELECT " SQ_ACCOUNT_COLS " FROM accounts a "
		"WHERE a.domain = ?1",
	/* Insert and update share parameters ?1..?9; ?10 is the id. */
	[SQ_ACCOUNT_INSERT] =
		"INSERT INTO accounts (domain, name, industry, employees, "
		"revenue, traffic, ad_spend, tech, attrs) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[SQ_ACCOUNT_UPDATE] =
		"UPDATE accounts SET domain = ?1, name = ?2, industry = ?3, "
		"employees = ?4, revenue = ?5, traffic = ?6, ad_spend = ?7, "
		"tech = ?8, attrs = ?9 WHERE id = ?10",
	[SQ_ACCOUNT_ID_BY_DOMAIN] =
		"SELECT id FROM accounts WHERE domain = ?1 AND id IS NOT ?2",

	[SQ_LEAD_GET] = "SELECT " SQ_LEAD_COLS " FROM leads l WHERE l.id = ?1",
	[SQ_LEAD_BY_EMAIL] =
		"SELECT " SQ_LEAD_COLS " FROM leads l WHERE l.email = ?1",
	[SQ_LEAD_BY_EXTERNAL_ID] =
		"SELECT " SQ_LEAD_COLS " FROM leads l "
		"WHERE l.external_id = ?1",
	/* Insert and update share parameters ?1..?18; ?19 is the id. */
	[SQ_LEAD_INSERT] =
		"INSERT INTO leads (account_id, external_id, email, "
		"email_domain, first_name, last_name, title, seniority, "
		"department, country, source, created_at, stage, attrs, "
		"stage_at, owner, cycle, engagement_since) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
		"?13, ?14, ?15, ?16, ?17, ?18)",
	[SQ_LEAD_UPDATE] =
		"UPDATE leads SET account_id = ?1, external_id = ?2, "
		"email = ?3, email_domain = ?4, first_name = ?5, "
		"last_name = ?6, title = ?7, seniority = ?8, department = ?9, "
		"country = ?10, source = ?11, created_at = ?12, stage = ?13, "
		"attrs = ?14, stage_at = ?15, owner = ?16, cycle = ?17, "
		"engagement_since = ?18 WHERE id = ?19",
	[SQ_LEAD_ID_BY_EMAIL] =
		"SELECT id FROM leads WHERE email = ?1 AND id IS NOT ?2",
	[SQ_LEAD_ID_BY_EXTERNAL_ID] =
		"SELECT id FROM leads WHERE external_id = ?1 AND id IS NOT ?2",
	/* ?1 stage name, ?2 grade letter, ?3 source, ?4 owner, ?5 account
	 * id; NULL matches any. */
	[SQ_LEADS_EACH] =
		"SELECT " SQ_LEAD_COLS ", " SQ_ACCOUNT_COLS ", " SQ_SCORE_COLS
		" FROM leads l"
		" LEFT JOIN accounts a ON a.id = l.account_id"
		" LEFT JOIN scores s ON s.lead_id = l.id"
		" WHERE (?1 IS NULL OR l.stage = ?1)"
		" AND (?2 IS NULL OR s.grade = ?2)"
		" AND (?3 IS NULL OR l.source = ?3)"
		" AND (?4 IS NULL OR l.owner = ?4)"
		" AND (?5 IS NULL OR l.account_id = ?5)"
		" ORDER BY l.id",
	/* SQ_LEADS_EACH for one stage: walks index leads_stage_at, so the
	 * queue of MQLs costs the MQLs, not every lead (the OR form above
	 * cannot use an index). */
	[SQ_LEADS_OF_STAGE] =
		"SELECT " SQ_LEAD_COLS ", " SQ_ACCOUNT_COLS ", " SQ_SCORE_COLS
		" FROM leads l"
		" LEFT JOIN accounts a ON a.id = l.account_id"
		" LEFT JOIN scores s ON s.lead_id = l.id"
		" WHERE l.stage = ?1"
		" AND (?2 IS NULL OR s.grade = ?2)"
		" AND (?3 IS NULL OR l.source = ?3)"
		" AND (?4 IS NULL OR l.owner = ?4)"
		" AND (?5 IS NULL OR l.account_id = ?5)"
		" ORDER BY l.id",

	/* Events (migration 6, store_sqlite_events.c): the id comes from
	 * the counter 'event_id'; de-duplication happened before (by
	 * msg_hash, confirmed on msg_id). OR IGNORE: a statement that
	 * cannot abort needs no statement journal (8% of an import); no
	 * conflict can happen (fresh id, NOT NULL values checked before)
	 * and the caller checks that the row was written. */
	[SQ_EVENT_ADD] =
		"INSERT OR IGNORE INTO events_main (lead_id, at, id, type, props, "
		"msg_id, msg_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/* The same row in events_recent (migration 8): the server's
	 * writes (lq_store_events_recent). */
	[SQ_EVENT_ADD_RECENT] =
		"INSERT OR IGNORE INTO events_recent (lead_id, at, id, type, "
		"props, msg_id, msg_hash) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, 0))",
	/* Walks the index events_lead_msg (migration 7); without
	 * statistics the planner would take the primary key's range of
	 * the lead, every event of it read. */
	[SQ_EVENT_BY_HASH] =
		"SELECT msg_id FROM events_main INDEXED BY events_lead_msg "
		"WHERE lead_id = ?1 AND msg_hash = ?2 "
		"UNION ALL "
		"SELECT msg_id FROM events_recent "
		"WHERE lead_id = ?1 AND msg_hash = ?2",
	/* Whether any lookup above can find a row: an event with a msg_id
	 * in events_main, or any row of events_recent (its msg_hash is 0
	 * without one, and no index has it first). */
	[SQ_EVENT_ANY_MSG] =
		"SELECT EXISTS (SELECT 1 FROM events_main INDEXED BY "
		"events_lead_msg WHERE msg_hash IS NOT NULL) "
		"OR EXISTS (SELECT 1 FROM events_recent)",
	[SQ_EVENT_ID_GET] =
		"SELECT value FROM counters WHERE name = 'event_id'",
	[SQ_EVENT_ID_PUT] =
		"INSERT INTO counters (name, value) VALUES ('event_id', ?1) "
		"ON CONFLICT (name) DO UPDATE SET "
		"value = max(value, excluded.value)",
	/* A range of the clustered primary key and the lead's recent
	 * rows, sorted together (a lead's events are few). */
	[SQ_LEAD_EVENTS] =
		"SELECT " SQ_EVENT_COLS " FROM events_main e WHERE e.lead_id = ?1 "
		"UNION ALL "
		"SELECT " SQ_EVENT_COLS " FROM events_recent e "
		"WHERE e.lead_id = ?1 "
		"ORDER BY 5, 1",
	/* Walks the table in primary-key order: no sort step. */

	/* Bulk passes (store_sqlite_scan.c): a range of leads by id, and
	 * the events of a range of leads in (lead_id, at, id) order. */
	[SQ_LEADS_RANGE] =
		"SELECT " SQ_LEAD_COLS ", " SQ_ACCOUNT_COLS
		" FROM leads l"
		" LEFT JOIN accounts a ON a.id = l.account_id"
		" WHERE l.id >= ?1 AND l.id < ?2"
		" ORDER BY l.id",
	/* SQLite merges the two parts: events_main's in its key order, no
	 * sort step; the recent rows of the range sorted apart. */
	[SQ_EVENTS_RANGE] =
		"SELECT e.id, e.lead_id, e.type, e.at, e.props FROM events_main e"
		" WHERE e.lead_id >= ?1 AND e.lead_id < ?2"
		" UNION ALL"
		" SELECT e.id, e.lead_id, e.type, e.at, e.props FROM events_recent e"
		" WHERE e.lead_id >= ?1 AND e.lead_id < ?2"
		" ORDER BY 2, 4, 1",
	[SQ_LEAD_ID_MAX] = "SELECT max(id) FROM leads",
	[SQ_BEGIN_READ] = "BEGIN DEFERRED",
	/* Walks leads_stage_at from the oldest MQL; each lead is checked
	 * against the alerts' unique index, no lead row is read. */
	[SQ_MQLS_UNALERTED] =
		"SELECT l.id FROM leads l"
		" WHERE l.stage = 'mql' AND l.stage_at < ?1"
		" AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.lead_id = l.id"
		"   AND a.kind = ?2 AND a.key = l.stage_at)"
		" ORDER BY l.stage_at, l.id LIMIT ?3",

	[SQ_SCORE_PUT] =
		"INSERT INTO scores (lead_id, model_version, fit, channel, "
		"grade, engagement, score, scored_at, disqualified_by, state) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
		"ON CONFLICT (lead_id) DO UPDATE SET "
		"model_version = excluded.model_version, fit = excluded.fit, "
		"channel = excluded.channel, grade = excluded.grade, "
		"engagement = excluded.engagement, score = excluded.score, "
		"scored_at = excluded.scored_at, "
		"disqualified_by = excluded.disqualified_by, "
		"state = excluded.state",
	/* The rank of the MQLs among some leads, as the triggers of migration
	 * 5 set it (store_sqlite_rank.c): ?1 <= id < ?2 walks the table's
	 * ids (+stage: not the stage index), id >= ?1 the MQLs' index. */
	[SQ_RANK_RANGE] =
		"UPDATE leads SET (rank_grade, rank_engagement, rank_at) ="
		" (SELECT coalesce(grade, ''), engagement, scored_at FROM scores"
		"  WHERE lead_id = leads.id)"
		" WHERE id >= ?1 AND id < ?2 AND +stage = 'mql'",
	[SQ_RANK_FROM] =
		"UPDATE leads SET (rank_grade, rank_engagement, rank_at) ="
		" (SELECT coalesce(grade, ''), engagement, scored_at FROM scores"
		"  WHERE lead_id = leads.id)"
		" WHERE stage = 'mql' AND +id >= ?1",
	[SQ_SCORE_GET] =
		"SELECT " SQ_SCORE_COLS " FROM scores s WHERE s.lead_id = ?1",
	/* The sales queue (store_sqlite_queue.c): one group of MQLs (?1 the
	 * grade at the last scoring, '' for none, NULL for the unscored),
	 * ?2 source (NULL: any), ?3 owner; walked down the partial index
	 * leads_queue or leads_queue_owner in the queue's order within a
	 * stored engagement: highest stored engagement first, then the
	 * oldest in the stage (unknown as 0), then the lowest id, so the
	 * caller can stop early. */
#define SQ_QUEUE_SELECT \
	"SELECT " SQ_LEAD_COLS ", " SQ_ACCOUNT_COLS ", " SQ_SCORE_COLS \
	", l.rank_engagement FROM leads l "
#define SQ_QUEUE_JOIN \
	" LEFT JOIN accounts a ON a.id = l.account_id" \
	" LEFT JOIN scores s ON s.lead_id = l.id"
#define SQ_QUEUE_ORDER \
	" ORDER BY l.rank_engagement DESC, coalesce(l.stage_at, 0), l.id"
#define SQ_QUEUE_WHERE \
	" WHERE l.stage = 'mql' AND l.rank_grade IS ?1" \
	" AND (?2 IS NULL OR l.source = ?2)"
	[SQ_QUEUE_EACH] =
		SQ_QUEUE_SELECT "INDEXED BY leads_queue" SQ_QUEUE_JOIN
		SQ_QUEUE_WHERE SQ_QUEUE_ORDER,
	[SQ_QUEUE_EACH_OWNER] =
		SQ_QUEUE_SELECT "INDEXED BY leads_queue_owner" SQ_QUEUE_JOIN
		SQ_QUEUE_WHERE " AND l.owner = ?3"
		SQ_QUEUE_ORDER,
	/* Counts: ?1 grade, ?2 source (NULL: any), ?3 owner, each shape on
	 * the index that holds its filters (no row is read); with no filter
	 * at all, the narrower leads_stage_at. */
	[SQ_QUEUE_COUNT] =
		"SELECT count(*) FROM leads l INDEXED BY leads_queue"
		SQ_QUEUE_WHERE,
	[SQ_QUEUE_COUNT_OWNER] =
		"SELECT count(*) FROM leads l INDEXED BY leads_queue_owner"
		SQ_QUEUE_WHERE " AND l.owner = ?3",
	[SQ_QUEUE_COUNT_ALL] =
		"SELECT count(*) FROM leads WHERE stage = 'mql'",
	[SQ_QUEUE_COUNT_ANY] =
		"SELECT count(*) FROM leads l INDEXED BY leads_queue"
		" WHERE l.stage = 'mql' AND l.source = ?2",
	[SQ_QUEUE_COUNT_ANY_OWNER] =
		"SELECT count(*) FROM leads l INDEXED BY leads_queue_owner"
		" WHERE l.stage = 'mql' AND l.owner = ?3"
		" AND (?2 IS NULL OR l.source = ?2)",
	/* The MQLs scored after ?1 (index leads_queue_at), ?2 source,
	 * ?3 owner (NULL: any). */
	[SQ_QUEUE_AFTER] =
		SQ_QUEUE_SELECT "INDEXED BY leads_queue_at" SQ_QUEUE_JOIN
		" WHERE l.stage = 'mql' AND l.rank_at > ?1"
		" AND (?2 IS NULL OR l.source = ?2)"
		" AND (?3 IS NULL OR l.owner = ?3)",
#undef SQ_QUEUE_SELECT
#undef SQ_QUEUE_JOIN
#undef SQ_QUEUE_WHERE
#undef SQ_QUEUE_ORDER

	[SQ_STAGE_ADD] =
		"INSERT INTO stage_changes (lead_id, from_stage, to_stage, at, "
		"actor, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SQ_STAGE_HISTORY] =
		"SELECT id, lead_id, from_stage, to_stage, at, actor, reason "
		"FROM stage_changes WHERE lead_id = ?1 ORDER BY at, id",
	[SQ_KEY_ADD] =
		"INSERT INTO api_keys (name, role, prefix, hash, created_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[SQ_KEY_BY_PREFIX] =
		"SELECT id, name, role, prefix, hash, created_at, revoked_at "
		"FROM api_keys WHERE prefix = ?1",
	[SQ_KEYS] =
		"SELECT id, name, role, prefix, hash, created_at, revoked_at "
		"FROM api_keys ORDER BY id",
	[SQ_KEY_REVOKE] =
		"UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND "
		"revoked_at IS NULL",
	/* A msg_id kept for any visitor is a duplicate (the unique index
	 * anon_events_msg); against a lead's events it is checked when the
	 * visitor joins a lead (messages count once per lead). */
	[SQ_ANON_EVENT_ADD] =
		"INSERT INTO anon_events (anonymous_id, at, type, props, msg_id) "
		"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
	[SQ_ANON_EVENTS_OF] =
		"SELECT id, 0, msg_id, type, at, props FROM anon_events "
		"WHERE anonymous_id = ?1 ORDER BY at, id",
	[SQ_ANON_EVENTS_DELETE] =
		"DELETE FROM anon_events WHERE anonymous_id = ?1",
	[SQ_IDENTITY_GET] =
		"SELECT lead_id FROM identities WHERE anonymous_id = ?1",
	[SQ_IDENTITY_LINK] =
		"INSERT INTO identities (anonymous_id, lead_id, linked_at) "
		"VALUES (?1, ?2, ?3) ON CONFLICT (anonymous_id) DO UPDATE SET "
		"lead_id = excluded.lead_id, linked_at = excluded.linked_at",
	[SQ_STAGE_CHANGES_EACH] =
		"SELECT id, lead_id, from_stage, to_stage, at, actor, reason "
		"FROM stage_changes ORDER BY lead_id, at, id",

	[SQ_COUNT_ALL] =
		"SELECT (SELECT count(*) FROM accounts),"
		" (SELECT count(*) FROM leads),"
		" (SELECT count(*) FROM events_main)"
		" + (SELECT count(*) FROM events_recent),"
		" (SELECT count(*) FROM stage_changes),"
		" (SELECT count(*) FROM models),"
		" (SELECT count(*) FROM scores),"
		" (SELECT count(*) FROM notes),"
		" (SELECT count(*) FROM tasks),"
		" (SELECT count(*) FROM webhooks),"
		" (SELECT count(*) FROM outbox),"
		" (SELECT count(*) FROM leads WHERE stage = 'mql'),"
		" (SELECT count(*) FROM outbox WHERE status = 'pending'),"
		" (SELECT count(*) FROM outbox WHERE status = 'dead')",
	[SQ_GAUGES] =
		"SELECT (SELECT count(*) FROM leads),"
		" (SELECT count(*) FROM leads WHERE stage = 'mql'),"
		" (SELECT count(*) FROM outbox WHERE status = 'pending'),"
		" (SELECT count(*) FROM outbox WHERE status = 'dead')",
	[SQ_ACCOUNTS] =
		"SELECT " SQ_ACCOUNT_COLS " FROM accounts a ORDER BY a.id "
		"LIMIT ?1 OFFSET ?2",
	/* Erasure: what identifies a person goes, the funnel keeps its row. */
	[SQ_ERASE_EVENTS] = "DELETE FROM events_main WHERE lead_id = ?1",
	[SQ_ERASE_EVENTS_RECENT] =
		"DELETE FROM events_recent WHERE lead_id = ?1",
	[SQ_ERASE_NOTES] = "DELETE FROM notes WHERE lead_id = ?1",
	[SQ_ERASE_TASKS] = "DELETE FROM tasks WHERE lead_id = ?1",
	[SQ_ERASE_ANSWERS] = "DELETE FROM answers WHERE lead_id = ?1",
	[SQ_ERASE_SCORES] = "DELETE FROM scores WHERE lead_id = ?1",
	[SQ_ERASE_IDENTITIES] =
		"DELETE FROM anon_events WHERE anonymous_id IN "
		"(SELECT anonymous_id FROM identities WHERE lead_id = ?1)",
	[SQ_ERASE_LINKS] = "DELETE FROM identities WHERE lead_id = ?1",
	[SQ_ERASE_OUTBOX] = "DELETE FROM outbox WHERE lead_id = ?1",
	[SQ_ERASE_ALERTS] = "DELETE FROM alerts WHERE lead_id = ?1",
	[SQ_ERASE_PREDICTION] = "DELETE FROM predictions WHERE lead_id = ?1",
	[SQ_ERASE_HISTORY] =
		"UPDATE stage_changes SET reason = NULL WHERE lead_id = ?1",
	[SQ_ERASE_LEAD] =
		"UPDATE leads SET external_id = NULL, email = NULL, "
		"email_domain = NULL, first_name = NULL, last_name = NULL, "
		"title = NULL, department = NULL, country = NULL, attrs = NULL, "
		"engagement_since = NULL WHERE id = ?1",

	/* Setting an item again replaces its answer. */
	[SQ_ANSWER_SET] =
		"INSERT INTO answers (lead_id, cycle, item, value, at, actor) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
		"ON CONFLICT (lead_id, cycle, item) DO UPDATE SET "
		"value = excluded.value, at = excluded.at, "
		"actor = excluded.actor",
	[SQ_ANSWERS] =
		"SELECT item, value, at, actor FROM answers "
		"WHERE lead_id = ?1 AND cycle = ?2 ORDER BY item",

	[SQ_NOTE_ADD] =
		"INSERT INTO notes (lead_id, cycle, at, actor, text) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[SQ_NOTES] =
		"SELECT id, lead_id, cycle, at, actor, text FROM notes "
		"WHERE lead_id = ?1 ORDER BY at, id",

	[SQ_TASK_ADD] =
		"INSERT INTO tasks (lead_id, owner, due, text, created_at, "
		"done_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SQ_TASK_DONE] = "UPDATE tasks SET done_at = ?2 WHERE id = ?1",
	/* Three shapes of one filter (?1 lead, ?2 owner, ?3 open only,
	 * ?4 due before; NULL matches any), so that each can use its index:
	 * tasks_lead, tasks_owner_due (already in due order), none. */
	[SQ_TASKS_ALL] =
		"SELECT " SQ_TASK_COLS " FROM tasks WHERE " SQ_TASK_FILTER,
	[SQ_TASKS_BY_LEAD] =
		"SELECT " SQ_TASK_COLS " FROM tasks WHERE lead_id = ?1 AND "
		SQ_TASK_FILTER,
	[SQ_TASKS_BY_OWNER] =
		"SELECT " SQ_TASK_COLS " FROM tasks WHERE owner = ?2 AND "
		SQ_TASK_FILTER,

	[SQ_WEBHOOK_ADD] =
		"INSERT INTO webhooks (url, events, secret, origin, created_at, "
		"max_attempts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SQ_WEBHOOK_REMOVE] = "DELETE FROM webhooks WHERE id = ?1",
	[SQ_WEBHOOKS_REMOVE_ORIGIN] = "DELETE FROM webhooks WHERE origin = ?1",
	[SQ_WEBHOOKS] =
		"SELECT id, url, events, secret, origin, created_at, max_attempts "
		"FROM webhooks ORDER BY id",

	[SQ_OUTBOX_ADD] =
		"INSERT INTO outbox (delivery_id, webhook_id, url, secret, "
		"event, lead_id, payload, created_at, attempts, next_at, "
		"status, last_error, delivered_at, max_attempts) VALUES (?1, ?2, "
		"?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[SQ_OUTBOX_ID_BY_DELIVERY] =
		"SELECT id FROM outbox WHERE delivery_id = ?1",
	/* ?1 now, ?2 limit (-1: none), ?3 the pending status name; walks
	 * index outbox_status_next in order. */
	[SQ_OUTBOX_DUE] =
		"SELECT " SQ_OUTBOX_COLS " FROM outbox "
		"WHERE status = ?3 AND next_at <= ?1 "
		"ORDER BY next_at, id LIMIT ?2",
	/* ?1 status name (NULL: any), ?2 limit (-1: none). */
	[SQ_OUTBOX_LIST] =
		"SELECT " SQ_OUTBOX_COLS " FROM outbox "
		"WHERE (?1 IS NULL OR status = ?1) ORDER BY id DESC LIMIT ?2",
	[SQ_OUTBOX_GET] =
		"SELECT " SQ_OUTBOX_COLS " FROM outbox WHERE id = ?1",
	[SQ_OUTBOX_UPDATE] =
		"UPDATE outbox SET attempts = ?2, next_at = ?3, status = ?4, "
		"last_error = ?5, delivered_at = ?6 WHERE id = ?1",

	/* A row seen before writes nothing: sqlite3_changes() is 0. */
	[SQ_ALERT_ONCE] =
		"INSERT INTO alerts (lead_id, kind, key) VALUES (?1, ?2, ?3) "
		"ON CONFLICT (lead_id, kind, key) DO NOTHING",
	[SQ_COUNTER_NEXT] =
		"INSERT INTO counters (name, value) VALUES (?1, 1) "
		"ON CONFLICT (name) DO UPDATE SET value = value + 1 "
		"RETURNING value - 1",
	[SQ_COUNTER_GET] = "SELECT value FROM counters WHERE name = ?1",

	/* Recent events (store_sqlite_fold.c, migration 8): how many
	 * there are, kept in the transactions that change them (a count(*)
	 * would read the whole table). */
	[SQ_RECENT_COUNT_ADD] =
		"INSERT INTO counters (name, value) VALUES ('events_recent', ?1) "
		"ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
	/* The fold's state: the first lead not moved by the fold under way
	 * (-1: none), the recent rows, every event ever stored (the next
	 * event id). */
	[SQ_FOLD_STATE] =
		"SELECT (SELECT coalesce(max(value), -1) FROM counters"
		"        WHERE name = 'events_fold_next'),"
		" (SELECT coalesce(max(value), 0) FROM counters"
		"  WHERE name = 'events_recent'),"
		" (SELECT coalesce(max(value), 0) FROM counters"
		"  WHERE name = 'event_id')",
	/* The lead ?2 rows after the first lead ?1 not moved: where a
	 * slice of about ?2 rows ends (a walk of the table's key). */
	[SQ_FOLD_BOUND] =
		"SELECT lead_id FROM events_recent WHERE lead_id >= ?1"
		" ORDER BY lead_id LIMIT 1 OFFSET ?2",
	/* Sorted by the clustered key: the slice's pages of events_main
	 * are walked forward, once; the slice is one range of
	 * events_recent's key, read and deleted in place. */
	[SQ_FOLD_MOVE] =
		"INSERT INTO events_main (lead_id, at, id, type, props, msg_id,"
		" msg_hash)"
		" SELECT lead_id, at, id, type, props, msg_id,"
		"  CASE WHEN msg_id IS NULL THEN NULL ELSE msg_hash END"
		" FROM events_recent WHERE lead_id >= ?1 AND lead_id < ?2"
		" ORDER BY lead_id, at, id",
	[SQ_FOLD_DELETE] =
		"DELETE FROM events_recent WHERE lead_id >= ?1 AND lead_id < ?2",
	[SQ_COUNTER_SET] =
		"INSERT INTO counters (name, value) VALUES (?1, ?2) "
		"ON CONFLICT (name) DO UPDATE SET value = excluded.value",
};

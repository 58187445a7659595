/*
 * segment.h - decoding Segment HTTP tracking API bodies (/v1/track, /page,
 * /screen, /identify, /group, /alias and /v1/batch; see
 * https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/)
 * into leadq terms: events, lead traits and account traits, ready for the
 * ingest service (lq_ingest_event / _identify / _alias).
 *
 * Parsing and normalising only: it maps Segment event names to event
 * types through the model's event_map, but never looks a lead up, never
 * checks a write key and never scores anything.
 *
 * Mapping (Segment field -> leadq):
 *   userId, anonymousId, previousId, groupId -> user_id, anonymous_id,
 *     previous_id, group_id (strings, or numbers turned into text; trimmed;
 *     at most LQ_SEG_MAX_ID bytes; blank or null is absent)
 *   messageId -> event.msg_id (absent: NULL, no de-duplication)
 *   timestamp -> event.at (ISO 8601); else originalTimestamp corrected
 *     for the sender's clock (at = originalTimestamp + now - sentAt when
 *     sentAt is given, message-level or batch-level); else now
 *   track: event -> event.type: the model's event_map (exact name, then
 *     ignoring case), else the name normalised (ASCII letters and digits
 *     lowercased, every run of other bytes one '_', no '_' at either end,
 *     at most 64 bytes: "Pricing Viewed!" -> pricing_viewed)
 *   page -> "page_view", screen -> "screen_view"
 *   properties -> event.props, nested objects flattened with dots; page
 *     and screen add name and category; page also url, path, title,
 *     referrer and search from context.page (message, else batch context)
 *     when properties lack them
 *   identify traits -> traits.lead: email, firstName|first_name,
 *     lastName|last_name (else split from name), title, seniority,
 *     department, country (else address.country), source,
 *     createdAt|created_at; traits.company (an object, or a string: its
 *     name) -> traits.account (see group); every other trait ->
 *     attr.NAME (nested objects flattened with dots). No traits: context.traits.
 *   group traits -> traits.account: name, domain|website (scheme, "www."
 *     and path stripped, lowercased), employees|employee_count|
 *     employeeCount, industry, revenue|annual_revenue|annualRevenue,
 *     tech|technologies (array or "a;b"), traffic, ad_spend; every other
 *     trait (plan, id...) -> account.attr.NAME; has_account set when any
 *     account field was given
 * event.at and event.msg_id are filled for every type; event.type and
 * event.props only for track, page and screen. Unknown top-level fields
 * (context, integrations, version, writeKey...) are accepted and ignored.
 *
 * Batches are all or nothing: one bad item rejects the whole batch with
 * the item's index ("batch[3]: track requires event"), so nothing is ever
 * half-applied; the sender fixes the item and resends the batch.
 */
#ifndef LQ_SEGMENT_H
#define LQ_SEGMENT_H

#include <stddef.h>

#include "core/error.h"
#include "core/lead.h"
#include "core/time.h"
#include "io/lead_record.h"
#include "model/model.h"

#define LQ_SEG_MAX_EVENT (32 * 1024)   /* bytes of one call or batch item */
#define LQ_SEG_MAX_BATCH (500 * 1024)  /* bytes of a /v1/batch body */
#define LQ_SEG_MAX_ID 256              /* bytes of an id or messageId */
#define LQ_SEG_MAX_NAME 1024           /* bytes of a track event name */
#define LQ_SEG_MAX_DEPTH 16            /* nested arrays/objects in a message */

typedef enum lq_seg_type {
	LQ_SEG_TRACK,
	LQ_SEG_PAGE,
	LQ_SEG_SCREEN,
	LQ_SEG_IDENTIFY,
	LQ_SEG_GROUP,
	LQ_SEG_ALIAS,
	LQ_SEG_BATCH,   /* only as the endpoint of lq_segment_decode */
} lq_seg_type;

typedef struct lq_seg_msg {
	lq_seg_type type;
	char *user_id;        /* NULL when absent */
	char *anonymous_id;
	char *previous_id;    /* alias */
	char *group_id;       /* group */
	lq_event event;       /* at and msg_id always; type and props for
				 track, page and screen (ids are 0) */
	lq_lead_input traits; /* identify: lead and account; group: account;
				 set up only for those two (has_traits) */
	int has_traits;
} lq_seg_msg;

typedef struct lq_seg_batch {
	lq_seg_msg *msgs;
	size_t n;
	char *write_key;      /* "writeKey" at the top level of the body, NULL
				 when absent: senders that cannot set an
				 Authorization header (navigator.sendBeacon)
				 put it there; checking it is the caller's job */
} lq_seg_batch;

/* Decode one request body of len bytes (need not be NUL-terminated) sent
 * to the endpoint `endpoint` (LQ_SEG_BATCH for /v1/batch and /v1/import).
 * m (may be NULL) gives event_map; now is the receive time. On success
 * *out holds the messages (one for a single call; caller frees with
 * lq_seg_batch_free). On error *out is empty and err says why, with
 * err->field naming the field at fault ("event", "batch[2].userId"):
 *   LQ_ETOOBIG "event is larger than 32 KB", "batch is larger than 500 KB",
 *              "batch[3]: event is larger than 32 KB"
 *   LQ_EINVAL  "invalid JSON at column N" (err->col set),
 *              "message must be a JSON object", "batch body must be a JSON
 *              object", "message is nested deeper than 16 levels",
 *              "batch: expected an array of messages",
 *              "batch[2]: message must be a JSON object",
 *              "batch[2]: missing type (track, page, screen, identify,
 *              group, alias)", "batch[2]: unknown type 'x' (...)",
 *              "type: 'identify' sent to the track endpoint",
 *              "userId or anonymousId is required", "track requires event",
 *              "group requires groupId", "alias requires previousId",
 *              "alias requires userId", "userId: expected a string",
 *              "userId: longer than 256 bytes",
 *              "timestamp: 'x' is not an ISO 8601 time (e.g. ...)",
 *              "sentAt: corrected for the sender's clock, originalTimestamp
 *              falls outside the years 1900-9999",
 *              "event: 'x' has no letters or digits to make an event type
 *              of (map it in the model's event_map)",
 *              "properties: expected an object", "traits.email: invalid
 *              email 'x'", "traits.company.employees: 'x' is not a number",
 *              "traits.website: 'x' is not a web address" */
int lq_segment_decode(const char *body, size_t len, lq_seg_type endpoint,
		      const lq_model *m, lq_time now, lq_seg_batch *out,
		      lq_error *err);

void lq_seg_batch_free(lq_seg_batch *b);   /* NULL ok; leaves b empty */

/* "track", "page", ..., "batch". Static string. */
const char *lq_seg_type_name(lq_seg_type t);
/* The message type named name ("track"... "alias", any case; "batch" and
 * "import" give LQ_SEG_BATCH); 0 and *out set, or -1. */
int lq_seg_type_parse(const char *name, lq_seg_type *out);

/* The event type of a Segment event name without event_map: normalised as
 * described above into out (at least LQ_MODEL_MAX_EVENT_TYPE + 1 bytes);
 * returns its length, 0 when name has no ASCII letter or digit. */
size_t lq_segment_normalise(const char *name, char *out);

/* The domain of a website or URL ("https://www.Acme.io/about" ->
 * "acme.io"): scheme, user, "www.", port, path, query and fragment
 * stripped, lowercased. NULL when nothing is left or it holds anything but
 * letters, digits, '-' and '.'. Caller frees. */
char *lq_segment_domain(const char *website);

#endif

/*
 * colmap.h - the `--map col=field,...` option: renames source columns (CSV
 * headers, NDJSON keys) to leadq field names before the record decoders
 * look at them, or marks them ignored with `col=-`.
 *
 * It only renames: whether a field name exists is for the decoder to say.
 * Column names compare case-insensitively.
 */
#ifndef LQ_COLMAP_H
#define LQ_COLMAP_H

#include "core/error.h"

/* What lq_colmap_apply returns for a column mapped to "-". */
#define LQ_COLMAP_IGNORE "-"

#define LQ_COLMAP_MAX_SPEC 65536   /* bytes in a --map value */
#define LQ_COLMAP_MAX_NAME 256     /* bytes in one column or field name */

typedef struct lq_colmap lq_colmap;

/* Parse "first_contact_date=created_at,origin=source,junk=-". Spaces
 * around names are dropped; empty entries (",,") are skipped; NULL or ""
 * gives an empty map. On success the caller frees *out with
 * lq_colmap_free. Errors (LQ_EINVAL):
 *   "invalid --map entry 'x': expected column=field"
 *   "column 'x' is mapped twice in --map"
 *   "--map is longer than 65536 bytes",
 *   "--map entry 'x...' has a name longer than 256 bytes" */
int lq_colmap_parse(const char *spec, lq_colmap **out, lq_error *err);

/* The field a source column maps to: the mapped name, LQ_COLMAP_IGNORE,
 * or column itself when unmapped (also when m is NULL). Borrowed. */
const char *lq_colmap_apply(const lq_colmap *m, const char *column);

/* True when field (a result of lq_colmap_apply) means "ignore". */
int lq_colmap_ignored(const char *field);

void lq_colmap_free(lq_colmap *m);   /* NULL is a no-op */

#endif

/*
 * assets.h - the web files compiled into the binary (tools/embed.c writes
 * the table at build time from web/): the tracking snippet and the
 * dashboard.
 */
#ifndef LQ_ASSETS_H
#define LQ_ASSETS_H

#include <stddef.h>

typedef struct lq_asset {
	const char *path;          /* URL path, "/t.js" */
	const unsigned char *data;
	size_t len;
	const char *content_type;
	const char *cache_control;  /* tools/embed.c: immutable under /ui/VERSION/ */
} lq_asset;

/* Terminated by an entry with a NULL path. */
extern const lq_asset lq_assets[];

/* The asset served at path, NULL when none; *cache_control (unless
 * NULL) its policy.
 * A /ui/VERSION/ path of another build (a tab opened before an upgrade,
 * loading a page's module) gets the current file, revalidated: a URL is
 * never cached for good with bytes other than its own. */
const lq_asset *lq_asset_find(const char *path, const char **cache_control);

#endif

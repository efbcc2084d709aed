/*
 * list_items.h: the items of Open311 area lists as rendered, one per report,
 * kept in memory beside the map's index (issue 11, docs/performance.md
 * "Varied Open311 area reads").
 *
 * A page of requests.json?bbox=... takes its ids from the map's index;
 * each report's item (its JSON object or its XML <request>, exactly the
 * bytes open311_list writes for it) is kept here under the version the
 * index holds for the report (map_index_versions), the catalogue snapshot
 * its service name came from, and the list's variant (format, language,
 * extensions).  The index raises a report's version whenever it reads the
 * row again, which it does for every committed change before it answers a
 * page, so an item is served only while its row is the one it was
 * rendered from; a report changed since is read from the store again.
 *
 * Items are kept up to a byte budget (VECHE_LIST_ITEMS_BYTES); past it the
 * oldest kept go first.  Thread-safe.
 */
#ifndef VECHE_LIST_ITEMS_H
#define VECHE_LIST_ITEMS_H

#include <stddef.h>
#include <stdint.h>

struct list_items;

/* What an item was rendered for, besides its report and version. */
struct list_item_key {
	const void *catalog;            /* the catalogue snapshot */
	unsigned variant;               /* format, language, extensions */
};

/* An empty store of at most max_bytes of items, or NULL (no memory). */
struct list_items *list_items_new(size_t max_bytes);

/* Free c and its items.  Accepts NULL. */
void list_items_free(struct list_items *c);

/* Where an item was put in a caller's buffer; len 0: not there. */
struct list_item_span {
	size_t off, len;
};

/*
 * For each of the n reports ids[i] whose item for k at version vers[i] c
 * holds, append it to *buf (*used bytes used of *cap, grown with realloc)
 * and say where in at[i] (at[i].len 0: not held).  Returns how many were
 * held, or -1 when out of memory.
 */
int list_items_get(struct list_items *c, const int64_t *ids,
    const uint32_t *vers, size_t n, const struct list_item_key *k,
    struct list_item_span *at, char **buf, size_t *used, size_t *cap);

/*
 * Keep a copy of the n bytes at s as report id's item for k at version
 * ver, replacing what c held for id.  Silently keeps nothing when out of
 * memory or when the item alone is over a sixteenth of the budget.
 */
void list_items_put(struct list_items *c, int64_t id, uint32_t ver,
    const struct list_item_key *k, const char *s, size_t n);

/*
 * Append the n bytes at s to *buf (*used bytes used of *cap, grown with
 * realloc): the buffer list_items_get fills.  Returns 0, or -1 when out
 * of memory.
 */
int list_items_append(char **buf, size_t *used, size_t *cap, const char *s,
    size_t n);

/*
 * A page of items being put together: those held copied into buf, the
 * rest rendered into it by the caller (list_page_sink) as the store hands
 * their rows over in the order of the ids asked, and kept.
 */
struct list_page {
	struct list_items *items;
	struct list_item_key key;
	int64_t *ids;                   /* the page's reports, in order */
	uint32_t *vers;                 /* their versions in the map's index */
	int64_t *missing;               /* the ids of the items not held */
	size_t nmissing;
	size_t n, next;                 /* next: where to look for a row */
	struct list_item_span *at;      /* each one's item in buf; len 0: none */
	char *buf;
	size_t used, cap;
	int failed;                     /* out of memory while rendering */
};

/*
 * Start p (the caller's memory) on the n reports ids at versions vers,
 * both malloc'd and p's from now on, whatever it returns, and copy the
 * items c holds for k; p->missing lists the p->nmissing ids not held, in
 * order.  Returns 0 or -1.
 */
int list_page_begin(struct list_page *p, struct list_items *c,
    const struct list_item_key *k, int64_t *ids, uint32_t *vers, size_t n);

/* An outbuf sink (arg: a struct list_page) appending to its buffer. */
int list_page_sink(const char *data, size_t len, void *arg);

/*
 * Where the row of report id goes, the next of those missing with that
 * id (rows come in the order asked), or p->n when none.
 */
size_t list_page_slot(struct list_page *p, int64_t id);

/* The item of ids[i] is buf[start .. used): say so and keep a copy. */
void list_page_kept(struct list_page *p, size_t i, size_t start);

/* Free what p holds (not p).  Accepts NULL. */
void list_page_end(struct list_page *p);

/* The bytes and number of items held, and the lookups found and missed. */
void list_items_stats(struct list_items *c, size_t *bytes, size_t *items,
    uint64_t *hits, uint64_t *misses);

#endif

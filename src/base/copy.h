/*
 * copy.h: what copying one database into another (veche migrate,
 * store/store_copy.h) reports, table by table: plain types every layer may
 * read, so the command line prints what the store found.
 */
#ifndef VECHE_BASE_COPY_H
#define VECHE_BASE_COPY_H

#include <stdint.h>

#define COPY_MAX_TABLES 192     /* tables of one database */
#define COPY_MAX_LOST 64        /* columns the target lacks, listed */
#define COPY_MAX_NAME 64        /* a table's, column's or module's name */

/* What became of a table of the source. */
enum copy_state {
	COPY_COPIED,            /* its rows copied */
	COPY_REBUILT,           /* derived: built on the target from copied rows */
	COPY_MISSING,           /* the target has no such table: not copied */
	COPY_KEPT,              /* a load: the source added no rows, the
	                         * target's stay as they are */
	COPY_STATE__MAX
};

struct copy_table {
	char name[COPY_MAX_NAME];
	char module[COPY_MAX_NAME];     /* whose migrations create it; "" unknown */
	enum copy_state state;
	int64_t from_rows;              /* counted on the source */
	int64_t to_rows;                /* counted on the target; -1 not counted */
};

/* A column of a copied table that the target lacks (its values stay behind). */
struct copy_lost {
	char table[COPY_MAX_NAME];
	char column[COPY_MAX_NAME];
	char module[COPY_MAX_NAME];     /* whose migration adds it; "" unknown */
};

struct copy_report {
	struct copy_table t[COPY_MAX_TABLES];
	size_t n;
	struct copy_lost lost[COPY_MAX_LOST];
	size_t nlost;                   /* at most COPY_MAX_LOST listed ... */
	size_t lost_more;               /* ... and this many more */
	int64_t rows;                   /* rows copied in all */
	int64_t total;                  /* rows the source holds in copied tables */
};

/* How rows go into a PostgreSQL target (docs/scaling.md has the numbers). */
enum copy_method {
	COPY_METHOD_COPY,       /* COPY ... FROM STDIN, text format */
	COPY_METHOD_INSERT,     /* multi-row INSERT ... VALUES */
	COPY_METHOD__MAX
};

struct copy_opts {
	int64_t batch;                  /* rows a transaction; 0: the default */
	enum copy_method method;
	/*
	 * Called after each batch (may be NULL): the table under way, its
	 * rows copied so far, the rows copied in all, of total.
	 */
	void (*progress)(const char *table, int64_t table_rows, int64_t rows,
	    int64_t total, void *arg);
	void *arg;
	/*
	 * A load (veche seed into PostgreSQL through a scratch SQLite file,
	 * store_bulk.h) rather than a migration: only the tables the source
	 * holds more rows in than its migrations seed are copied, except
	 * those named in keep (NULL-terminated; may be NULL), each into an
	 * empty table of the target; the target's other tables and their
	 * sequences stay as they are.  0 for veche migrate.
	 */
	int load;
	const char *const *keep;
};

#endif

/*
 * opendata.h: the public records of the open data dump, read as streams
 * (docs/opendata.md).  The one place that decides what a dump may hold:
 * the records (base/opendata.h) have no private field, and the history's
 * notes are the public ones of Open311 status_notes.
 */
#ifndef VECHE_OPENDATA_H
#define VECHE_OPENDATA_H

#include "base/opendata.h"
#include "core/error.h"

struct store;

/*
 * Make s read with little memory (no memory-mapped file, a small page
 * cache), for a dump.  0, or -1 with e set.
 */
int opendata_low_memory(struct store *s, struct verr *e);

/*
 * Call fn for every report's public columns, in id order, one at a time
 * (the record lives during the call).  Returns 0, fn's nonzero value, or
 * -1 with e set.
 */
int opendata_reports_each(struct store *s,
    int (*fn)(const struct opendata_report *, void *), void *arg,
    struct verr *e);

/*
 * Call fn for every public history entry, by report, in the order written
 * (a report without entries comes once with update_id 0).  Returns as
 * opendata_reports_each.
 */
int opendata_history_each(struct store *s,
    int (*fn)(const struct opendata_event *, void *), void *arg,
    struct verr *e);

/*
 * Drafts of regulations (core/drafts.h): every draft, newest first; for
 * each, fn_draft, then every version's paragraphs (fn_para), then its
 * published proposals with decisions (fn_proposal): public names only,
 * never an account's e-mail.  Returns as opendata_reports_each.
 */
struct draft;
struct draft_para;
struct draft_proposal;
int opendata_drafts_each(struct store *s,
    int (*fn_draft)(const struct draft *, void *),
    int (*fn_para)(const struct draft_para *, void *),
    int (*fn_proposal)(const struct draft_proposal *, void *), void *arg,
    struct verr *e);

#endif

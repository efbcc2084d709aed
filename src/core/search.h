/*
 * search.h: how report text is searched.  Words are matched by their
 * Snowball stems (Russian for Cyrillic words, English for Latin ones), in
 * the reports' text index and in the search alike, so "ямы" finds "яма"
 * and "potholes" finds "pothole" (docs/api.md, q).
 */
#ifndef VECHE_CORE_SEARCH_H
#define VECHE_CORE_SEARCH_H

/*
 * Hand the stemmer to the store (store_set_stemmer): once, at start-up,
 * before any database is opened.
 */
void search_configure(void);

#endif

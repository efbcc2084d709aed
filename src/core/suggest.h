/*
 * suggest.h: the service classifier behind the report form's suggestions.
 *
 * It learns the deployment's own past reports (description -> service code)
 * and the posts analysts corrected to a service (text -> the latest
 * correction's service: core/listen.h), as reports of that service; only
 * services with at least VECHE_SUGGEST_MIN_REPORTS of both are learnt, holding
 * out the texts of the fixed split's test part (one in five, by a hash of
 * the text: text_split_of).  A new model replaces the previous one only if
 * its macro-F1 on those held-out reports is at least the previous one's;
 * both scores are written beside the model.  The model file lives next to
 * the database (DB's folder, services.model); the server loads it at start
 * and whenever the file changes (a training by command writes it by
 * rename, so a reader sees the old file or the new one, never half).
 */
#ifndef VECHE_SUGGEST_H
#define VECHE_SUGGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct store;
struct suggest;

/* One suggested service: its code (a copy) and the model's probability. */
struct suggest_item {
	char code[65];
	double probability;
};

/* What one training did. */
struct suggest_result {
	size_t reports;		/* reports read */
	size_t corrected;	/* posts an analyst gave a service, read */
	size_t used;		/* of services with enough reports */
	size_t held_out;	/* of those, held out for scoring */
	unsigned services;	/* labels of the new model */
	double c;		/* its C */
	double new_f1;		/* macro-F1 on the held-out reports */
	double old_f1;		/* the previous model's, -1: none */
	int replaced;		/* 1: the new model is in use */
};

/*
 * The model path for database db_path: services.model in its folder, into
 * buf.  Returns 0, or -1 (":memory:", a PostgreSQL URL, or too long).
 */
int suggest_model_path(const char *db_path, char *buf, size_t size);

/*
 * A suggester over the model at path (copied); no model yet is fine (no
 * suggestions).  Returns NULL only when out of memory.  Thread-safe.
 */
struct suggest *suggest_new(const char *path);

/* Free it.  Accepts NULL. */
void suggest_free(struct suggest *sg);

/*
 * The up-to-n most probable services for text[0..len), best first, into
 * out; *found is how many (0: no model yet, or sg NULL: none is kept, the
 * text checked all the same).  Reloads the model first if
 * its file changed.  Returns 0, or -1 with e naming the field "text"
 * (malformed UTF-8, too long).
 */
int suggest_services(struct suggest *sg, const char *text, size_t len,
    struct suggest_item *out, size_t n, size_t *found, struct verr *e);

/*
 * Train on s's reports and keep the better of the new and the current model
 * (written to sg's path, then in use).  Returns 0 with *r filled, or -1
 * with e set (fewer than two services with enough reports, out of memory,
 * cannot write).
 */
int suggest_train(struct suggest *sg, struct store *s, struct suggest_result *r,
    struct verr *e);

/*
 * The scores of the last training as written beside the model (a few
 * "key value" lines) into buf.  Returns 0, or -1 if none yet.
 */
int suggest_last_scores(const struct suggest *sg, char *buf, size_t size);

#endif

/*
 * test_text_sentiment.c: labels, metrics, model files, the committed model,
 * and the retrain-and-compare check on the shared corpus.
 *
 * The retrain test trains on the train part of the fixed split of
 * $SHARED_DIR/data/sentiment/opensentimentcorpus-final-by-majority.csv
 * with the committed model's C, measures on the test part and compares with
 * data/text/sentiment.metrics: accuracy and macro-F1 must stay within
 * RETRAIN_MARGIN.  It also checks that the committed model still scores what
 * its metrics file says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "text/csv.h"
#include "text/sentiment.h"
#include "text/tokenize.h"

#define RETRAIN_MARGIN	0.02	/* accuracy and macro-F1, absolute */
#define CORPUS "data/sentiment/opensentimentcorpus-final-by-majority.csv"

static struct text_ctx *ctx;
static struct text_model *model;

static int
setup(void **state)
{
	struct text_error err;

	(void)state;
	if ((ctx = text_ctx_new(NULL, &err)) == NULL)
		fail_msg("text_ctx_new: %s", err.msg);
	if ((model = text_model_load_default(NULL, &err)) == NULL)
		fail_msg("committed model: %s", err.msg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	text_model_free(model);
	text_ctx_free(ctx);
	return 0;
}

static enum text_sentiment
classify(const struct text_model *m, const char *s, double *p)
{
	struct text_doc doc;
	struct text_error err;
	double prob[TEXT_SENTIMENT__MAX];

	if (text_analyze(ctx, s, strlen(s), &doc, &err) == -1)
		fail_msg("%s", err.msg);
	return text_sentiment_predict(m, ctx, &doc, p ? p : prob);
}

static void
test_labels(void **state)
{
	enum text_sentiment s;
	int mixed;

	(void)state;
	assert_int_equal(text_sentiment_parse("Negative", 8, &s, &mixed), 0);
	assert_int_equal(s, TEXT_SENTIMENT_NEGATIVE);
	assert_int_equal(mixed, 0);
	assert_int_equal(text_sentiment_parse(" mixed ", 7, &s, &mixed), 0);
	assert_int_equal(s, TEXT_SENTIMENT_NEUTRAL);
	assert_int_equal(mixed, 1);
	assert_int_equal(text_sentiment_parse("good", 4, &s, &mixed), -1);
	assert_string_equal(text_sentiment_name(TEXT_SENTIMENT_POSITIVE),
	    "positive");
	assert_string_equal(text_sentiment_name(TEXT_SENTIMENT__MAX), "?");
}

static void
test_metrics(void **state)
{
	struct text_metrics m;

	(void)state;
	memset(&m, 0, sizeof(m));
	/* rows: true class; columns: predicted */
	m.confusion[0][0] = 8;
	m.confusion[0][1] = 2;
	m.confusion[1][1] = 5;
	m.confusion[2][1] = 5;
	m.n = 20;
	text_metrics_finish(&m);
	assert_true(m.accuracy == 13.0 / 20);
	assert_true(m.f1[0] > 0.888 && m.f1[0] < 0.889);	/* p 1, r .8 */
	assert_true(m.f1[1] > 0.588 && m.f1[1] < 0.589);	/* p 5/12, r 1 */
	assert_true(m.f1[2] == 0);
	assert_true(m.macro_f1 > 0.492 && m.macro_f1 < 0.493);
}

static void
test_committed_model_reads_clear_cases(void **state)
{
	double p[TEXT_SENTIMENT__MAX];

	(void)state;
	assert_int_equal(classify(model, "Это прекрасно, огромное спасибо за "
	    "отличную работу!", p), TEXT_SENTIMENT_POSITIVE);
	assert_true(p[0] + p[1] + p[2] > 0.999 && p[0] + p[1] + p[2] < 1.001);
	assert_int_equal(classify(model, "Это ужасно: опять отключили воду, "
	    "и никто ничего не делает.", NULL), TEXT_SENTIMENT_NEGATIVE);
	assert_int_equal(classify(model, "Заседание комиссии назначено на "
	    "вторник в здании администрации.", NULL), TEXT_SENTIMENT_NEUTRAL);
}

static void
test_model_files(void **state)
{
	static const struct text_sample train[] = {
		{ "хорошо отлично прекрасно", 0, TEXT_SENTIMENT_POSITIVE, 0, 1 },
		{ "замечательно хорошо", 0, TEXT_SENTIMENT_POSITIVE, 0, 2 },
		{ "плохо ужасно отвратительно", 0, TEXT_SENTIMENT_NEGATIVE, 0, 3 },
		{ "ужасно плохо", 0, TEXT_SENTIMENT_NEGATIVE, 0, 4 },
		{ "вторник среда четверг", 0, TEXT_SENTIMENT_NEUTRAL, 0, 5 },
		{ "среда пятница", 0, TEXT_SENTIMENT_NEUTRAL, 0, 6 },
		{ "хорошо и плохо", 0, TEXT_SENTIMENT_NEUTRAL, 1, 7 },
	};
	struct text_sample s[sizeof(train) / sizeof(*train)];
	struct text_train_opts o;
	struct text_model *m, *back;
	struct text_error err;
	char path[] = "/tmp/veche-test-modelXXXXXX";
	char cmd[128];
	size_t i;
	int fd;
	FILE *f;

	(void)state;
	memcpy(s, train, sizeof(s));
	for (i = 0; i < sizeof(s) / sizeof(*s); i++)
		s[i].len = strlen(s[i].text);
	memset(&o, 0, sizeof(o));
	o.c = 10;
	o.hash_bits = 16;
	m = text_model_train(ctx, s, sizeof(s) / sizeof(*s), &o, &err);
	if (m == NULL)
		fail_msg("train: %s", err.msg);
	assert_true(text_model_c(m) == 10);
	assert_int_equal(classify(m, "очень хорошо", NULL),
	    TEXT_SENTIMENT_POSITIVE);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(text_model_save(m, path, &err), 0);
	back = text_model_load(path, &err);
	assert_non_null(back);
	assert_int_equal(classify(back, "ужасно", NULL), TEXT_SENTIMENT_NEGATIVE);
	assert_int_equal(classify(back, "четверг", NULL), TEXT_SENTIMENT_NEUTRAL);
	text_model_free(back);
	/* a truncated file is refused with a message, not read */
	f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_int_equal(ftruncate(fileno(f), ftell(f) - 3), 0);
	fclose(f);
	assert_null(text_model_load(path, &err));
	assert_non_null(strstr(err.msg, "damaged"));
	(void)snprintf(cmd, sizeof(cmd), "echo junk > %s", path);
	assert_int_equal(system(cmd), 0);
	assert_null(text_model_load(path, &err));
	unlink(path);
	assert_null(text_model_load(path, &err));
	assert_non_null(strstr(err.msg, "cannot open"));
	/* every class is needed */
	assert_null(text_model_train(ctx, s, 4, &o, &err));
	assert_non_null(strstr(err.msg, "no neutral samples"));
	text_model_free(m);
}

/*
 * Any label set: service codes named by a column of a small CSV (a row
 * without a label is skipped); the model names its labels, predicts the
 * right one for clear texts, keeps them through its file, and C is chosen
 * by cross-validation when not given.
 */
static void
test_any_labels(void **state)
{
	struct text_dataset *ds;
	struct text_train_opts o;
	struct text_model *m, *back;
	struct text_error err;
	struct text_doc doc;
	double p[TEXT_MAX_LABELS];
	char path[] = "/tmp/veche-test-labelsXXXXXX";
	static const char *const cases[][2] = {
		{ "Глубокая яма на дороге, асфальт разбит", "pothole" },
		{ "Во дворе не горит ни один фонарь", "streetlight" },
		{ "Контейнеры переполнены, мусор не вывозят", "garbage" },
	};
	size_t i;
	int fd;

	(void)state;
	ds = text_dataset_load_labels("tests/unit/data/services.csv",
	    "description", "service_code", &err);
	if (ds == NULL)
		fail_msg("load: %s", err.msg);
	assert_int_equal(ds->n, 15);
	assert_int_equal(ds->nlabels, 3);
	assert_string_equal(ds->labels[0], "garbage");	/* sorted */
	assert_string_equal(ds->labels[2], "streetlight");
	memset(&o, 0, sizeof(o));
	o.hash_bits = 16;
	o.folds = 5;
	o.labels = ds->labels;
	o.nlabels = ds->nlabels;
	m = text_model_train(ctx, ds->samples, ds->n, &o, &err);
	if (m == NULL)
		fail_msg("train: %s", err.msg);
	assert_true(text_model_c(m) > 0);
	assert_int_equal(text_model_nlabels(m), 3);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(text_model_save(m, path, &err), 0);
	back = text_model_load(path, &err);
	if (back == NULL)
		fail_msg("load: %s", err.msg);
	unlink(path);
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		unsigned got;

		assert_int_equal(text_analyze(ctx, cases[i][0],
		    strlen(cases[i][0]), &doc, &err), 0);
		got = text_model_predict(back, ctx, &doc, p);
		assert_string_equal(text_model_label(back, got), cases[i][1]);
		assert_true(p[0] + p[1] + p[2] > 0.999 &&
		    p[0] + p[1] + p[2] < 1.001);
	}
	assert_int_equal(text_model_label_index(back, "garbage", 7), 0);
	assert_int_equal(text_model_label_index(back, "snow", 4), -1);
	text_model_free(back);
	text_model_free(m);
	/* a missing column is named */
	assert_null(text_dataset_load_labels("tests/unit/data/services.csv",
	    "text", "service_code", &err));
	assert_non_null(strstr(err.msg, "no text column"));
	text_dataset_free(ds);
}

/* Read "key value" from the committed metrics file. */
static double
metric(const char *text, const char *key)
{
	const char *p = text;
	size_t n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	fail_msg("no %s in data/text/sentiment.metrics", key);
	return 0;
}

static void
test_retrain_matches_committed_model(void **state)
{
	const char *shared = getenv("SHARED_DIR");
	struct text_dataset *train = NULL, *test = NULL;
	struct text_metrics now, committed;
	struct text_train_opts o;
	struct text_model *m;
	struct text_error err;
	char path[4096], *metrics;
	size_t len;

	(void)state;
	if (shared == NULL)
		shared = "../shared";
	(void)snprintf(path, sizeof(path), "%s/%s", shared, CORPUS);
	if (access(path, R_OK) != 0) {
		/* The check is the point of this test: a missing corpus is
		 * a broken checkout (shared/ beside the repository), not a
		 * reason to pass. */
		fail_msg("no corpus at %s: set SHARED_DIR to the folder that "
		    "holds %s", path, CORPUS);
	}
	metrics = text_file_read(VECHE_DATADIR "/text/sentiment.metrics",
	    1 << 20, &len, &err);
	if (metrics == NULL)
		fail_msg("%s", err.msg);
	train = text_dataset_load(path, &err);
	test = text_dataset_load(path, &err);
	assert_non_null(train);
	assert_non_null(test);
	text_dataset_keep(train, TEXT_SPLIT_TRAIN);
	text_dataset_keep(test, TEXT_SPLIT_TEST);
	assert_int_equal((size_t)metric(metrics, "samples"), test->n);

	/* The committed model scores what its metrics file says. */
	assert_int_equal(text_model_evaluate(model, ctx, test->samples,
	    test->n, &committed, &err), 0);
	assert_true(committed.accuracy > metric(metrics, "accuracy") - 0.0005);
	assert_true(committed.accuracy < metric(metrics, "accuracy") + 0.0005);
	assert_true(committed.macro_f1 > metric(metrics, "macro_f1") - 0.0005);
	assert_true(committed.macro_f1 < metric(metrics, "macro_f1") + 0.0005);

	/* Retraining with the same C lands within the margin. */
	memset(&o, 0, sizeof(o));
	o.c = metric(metrics, "c");
	m = text_model_train(ctx, train->samples, train->n, &o, &err);
	if (m == NULL)
		fail_msg("train: %s", err.msg);
	assert_int_equal(text_model_evaluate(m, ctx, test->samples, test->n,
	    &now, &err), 0);
	fprintf(stderr, "retrained: accuracy %.4f macro-F1 %.4f; committed "
	    "%.4f %.4f\n", now.accuracy, now.macro_f1, committed.accuracy,
	    committed.macro_f1);
	assert_true(now.accuracy > committed.accuracy - RETRAIN_MARGIN);
	assert_true(now.accuracy < committed.accuracy + RETRAIN_MARGIN);
	assert_true(now.macro_f1 > committed.macro_f1 - RETRAIN_MARGIN);
	assert_true(now.macro_f1 < committed.macro_f1 + RETRAIN_MARGIN);
	text_model_free(m);
	text_dataset_free(train);
	text_dataset_free(test);
	free(metrics);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_committed_model_reads_clear_cases),
		cmocka_unit_test(test_model_files),
		cmocka_unit_test(test_any_labels),
		cmocka_unit_test(test_retrain_matches_committed_model),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_text_cli.c: `veche text ...` as a user runs it: exit statuses,
 * one output line per input line, errors that name the line and byte.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "text/base.h"
#include "cli/cli.h"

static char out[65536];

/* Run `veche text ARGS` with input on stdin; its stdout lands in out. */
static int
run(const char *input, ...)
{
	char *argv[16];
	char inpath[] = "/tmp/veche-test-cliinXXXXXX";
	char outpath[] = "/tmp/veche-test-clioutXXXXXX";
	int argc = 0, in, o, save_in, save_out, rc;
	ssize_t n;
	va_list ap;

	va_start(ap, input);
	argv[argc++] = "text";
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	in = mkstemp(inpath);
	o = mkstemp(outpath);
	assert_true(in >= 0 && o >= 0);
	assert_int_equal(write(in, input, strlen(input)), (ssize_t)strlen(input));
	assert_int_equal(lseek(in, 0, SEEK_SET), 0);
	fflush(stdout);
	save_in = dup(0);
	save_out = dup(1);
	dup2(in, 0);
	dup2(o, 1);
	clearerr(stdin);
	rc = cli_text.run(argc, argv);
	fflush(stdout);
	dup2(save_in, 0);
	dup2(save_out, 1);
	close(save_in);
	close(save_out);
	clearerr(stdin);
	assert_int_equal(lseek(o, 0, SEEK_SET), 0);
	n = read(o, out, sizeof(out) - 1);
	assert_true(n >= 0);
	out[n] = '\0';
	close(in);
	close(o);
	unlink(inpath);
	unlink(outpath);
	return rc;
}

static void
test_usage(void **state)
{
	(void)state;
	assert_int_equal(run("", "--help", NULL), 0);
	assert_non_null(strstr(out, "veche text match --queries FILE"));
	assert_int_equal(run("", "match", "--help", NULL), 0);
	assert_non_null(strstr(out, "id<TAB>query"));
	assert_int_equal(run("", "frobnicate", NULL), 2);
	assert_int_equal(run("", "match", NULL), 2);
	assert_int_equal(run("", "tokens", "--queries", "x", NULL), 2);
	assert_int_equal(run("", "tokens", "extra", NULL), 2);
	assert_int_equal(run("", "dedupe", "--threshold", "7", NULL), 2);
	assert_int_equal(run("", "split", "--data", "x.csv", "--part", "all",
	    NULL), 2);
}

static void
test_tokens_and_bad_lines(void **state)
{
	(void)state;
	assert_int_equal(run("Привет, #мир!\nbad \xFF here\n\nok\n", "tokens",
	    NULL), 1);
	assert_string_equal(out,
	    "ok\t2\tword:0-12:привет hashtag:14-21:#мир\n"
	    "error\t0\tinvalid UTF-8 at byte 4\n"
	    "ok\t0\t\n"
	    "ok\t1\tword:0-2:ok\n");
	assert_int_equal(run("Жители жалуются на отопление\r\n", "stems",
	    NULL), 0);
	assert_string_equal(out, "ok\t3\tжител жал отоплен\n");
}

static void
test_long_lines(void **state)
{
	/* one line just past the limit, one far past the read buffer */
	size_t sizes[] = { TEXT_MAX_INPUT + 1, 3 * TEXT_MAX_INPUT }, i;
	char *in;

	(void)state;
	for (i = 0; i < 2; i++) {
		in = malloc(sizes[i] + 16);
		assert_non_null(in);
		memset(in, 'a', sizes[i]);
		memcpy(in + sizes[i], "\nok\n", 5);
		assert_int_equal(run(in, "tokens", NULL), 1);
		assert_string_equal(out, "error\t0\tline longer than 1048576 "
		    "bytes\nok\t1\tword:0-2:ok\n");
		free(in);
	}
}

static void
test_sentiment_and_complaint(void **state)
{
	(void)state;
	assert_int_equal(run("Огромное спасибо, всё прекрасно!\n"
	    "Это ужасно, опять отключили воду.\n", "sentiment", NULL), 0);
	assert_true(strncmp(out, "positive\t", 9) == 0);
	assert_non_null(strstr(out, "\nnegative\t"));
	assert_int_equal(run("Прошу принять меры, не вывозят мусор\n"
	    "Поздравляю с праздником\n", "complaint", NULL), 0);
	assert_true(strncmp(out, "complaint\t", 10) == 0);
	assert_non_null(strstr(out, "\nother\t"));
	assert_int_equal(run("x\n", "sentiment", "--model", "/nonexistent",
	    NULL), 1);
}

static void
test_dedupe(void **state)
{
	(void)state;
	assert_int_equal(run("Во дворе дома 5 третью неделю не вывозят мусор\n"
	    "Совсем другой текст про парк и детскую площадку\n"
	    "во дворе дома 5 ТРЕТЬЮ неделю не вывозят мусор!!!\n",
	    "dedupe", NULL), 0);
	assert_true(strncmp(out, "new\t", 4) == 0);
	assert_non_null(strstr(out, "\nnew\t"));
	assert_non_null(strstr(out, "\ndup\t1.000\tline=1\n"));
}

static void
test_match(void **state)
{
	char path[] = "/tmp/veche-test-cliqXXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	dprintf(fd, "heat\tотопление\nlenin\t\"ленинский район\"\n");
	close(fd);
	assert_int_equal(run("Нет отопления в Ленинский район\nпогода\n",
	    "match", "--queries", path, NULL), 0);
	assert_string_equal(out, "match\t2\theat lenin\nnone\t0\t\n");
	fd = open(path, O_WRONLY | O_TRUNC);
	dprintf(fd, "bad\t(отопление\n");
	close(fd);
	assert_int_equal(run("x\n", "match", "--queries", path, NULL), 1);
	unlink(path);
	assert_int_equal(run("x\n", "match", "--queries", path, NULL), 1);
}

static void
test_eval(void **state)
{
	char path[] = "/tmp/veche-test-clievXXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	dprintf(fd, "Sentence,Sentiment\n\"Огромное спасибо, всё прекрасно!\","
	    "positive\n\"Это ужасно, опять отключили воду.\",negative\n");
	close(fd);
	assert_int_equal(run("", "eval", "--data", path, NULL), 0);
	assert_non_null(strstr(out, "samples 2\naccuracy 1.0000\n"));
	assert_non_null(strstr(out, "confusion"));
	unlink(path);
	assert_int_equal(run("", "eval", "--data", path, NULL), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_tokens_and_bad_lines),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_sentiment_and_complaint),
		cmocka_unit_test(test_dedupe),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_eval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

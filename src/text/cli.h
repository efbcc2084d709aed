/*
 * cli.h: `veche text ...`, the command line of the text engine.
 */
#ifndef VECHE_TEXT_CLI_H
#define VECHE_TEXT_CLI_H

/*
 * Run `veche text VERB [options]`: argv[0] is "text", argv[1] the verb
 * (tokens, stems, sentiment, complaint, dedupe, match, eval, train, split,
 * or --help).  Reads stdin and writes stdout; errors go to stderr saying
 * what to do next.  Returns the exit status: 0 success, 1 runtime error
 * (unreadable file, malformed input line, bad model), 2 usage error.
 */
int text_cli(int argc, char **argv);

#endif

/*
 * delivery.h: the command line of the delivery module:
 *   veche webhook add|list|remove, veche outbox stats|replay|emit,
 *   veche export csv, and the mail settings of veche serve.
 */
#ifndef VECHE_CLI_DELIVERY_H
#define VECHE_CLI_DELIVERY_H

struct store;

/* Usage text of "webhook", "outbox" or "export"; NULL for another. */
const char *cli_delivery_usage(const char *cmd);

/*
 * Run command cmd ("webhook", "outbox", "export") with argv[0] its
 * subcommand.  Returns the process exit status (0, 1 failed, 2 usage).
 */
int cli_delivery(const char *cmd, int argc, char **argv);

/*
 * Store the mail settings veche serve was given (NULL: keep the stored
 * one; "": remove).  Returns 0, or -1 with a message on stderr.
 */
int cli_delivery_mail_settings(struct store *s, const char *smtp_url,
    const char *from);

#endif
